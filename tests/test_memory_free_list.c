/* wr_free_list_allocator: any size and alignment, reuse, coalescing, fragmentation, chunks, statistics, bad input. */
#include "test_support.h"
#include "test_memory_common.h"

#include "worldrunner/free_list_allocator.h"

typedef struct fixture {
    wr_memory_allocator *heap;
    wr_memory_allocator *counting;
    wr_free_list_allocator *list;
} fixture;

static int setup(void **state)
{
    static fixture f;
    assert_wr_ok(wr_memory_allocator_create_heap(&f.heap));
    assert_wr_ok(wr_memory_allocator_create_counting(f.heap, &f.counting));
    assert_wr_ok(wr_free_list_allocator_create(f.counting, 0, &f.list));
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->list)
        assert_wr_ok(wr_free_list_allocator_destroy(f->list));
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0); /* every chunk went back to the base */
    assert_wr_ok(wr_memory_allocator_destroy(f->counting));
    assert_wr_ok(wr_memory_allocator_destroy(f->heap));
    return 0;
}

static wr_free_list_allocator_stats stats_of(const wr_free_list_allocator *list)
{
    wr_free_list_allocator_stats s;
    assert_wr_ok(wr_free_list_allocator_get_stats(list, &s));
    return s;
}

/* Everything free: each chunk is one free block spanning its full extent. */
static void assert_fully_coalesced(const wr_free_list_allocator *list)
{
    wr_free_list_allocator_stats s = stats_of(list);
    assert_int_equal(s.bytes_in_use, 0);
    assert_int_equal(s.free_blocks, s.chunks);
    assert_int_equal(s.bytes_free, s.chunk_usable_bytes);
    assert_int_equal(s.block_bytes_in_use, 0);
}

static void test_alignment(void **state)
{
    fixture *f = *state;
    check_alignments(wr_free_list_allocator_as_allocator(f->list), 5000);
    assert_fully_coalesced(f->list);
}

static void test_random_no_overlap_debug_sees_no_leak(void **state)
{
    fixture *f = *state;
    wr_memory_allocator *debug;
    assert_wr_ok(wr_memory_allocator_create_debug(wr_free_list_allocator_as_allocator(f->list), &debug));
    random_sequence(debug, 21, 20000, 16384);
    assert_fully_coalesced(f->list);
    random_sequence(debug, 22, 20000, 300);
    random_sequence(debug, 23, 3000, 200000); /* blocks larger than a chunk get chunks of their own */
    assert_wr_ok(wr_memory_allocator_destroy(debug)); /* WR_OK: no leak */
    assert_fully_coalesced(f->list);
    wr_free_list_allocator_stats s = stats_of(f->list);
    assert_int_equal(s.allocations, s.deallocations);
    assert_int_equal(s.chunks_returned, 0); /* empty chunks are kept for reuse until trim or destroy */
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &counts));
    assert_int_equal(counts.bytes_outstanding, s.bytes_reserved);
    assert_int_equal(s.chunks_returned, s.base_requests - s.chunks);
}

static void test_neighbours_coalesce(void **state)
{
    fixture *f = *state;
    void *a, *b, *c;
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 2000, 0, &a));
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 3000, 0, &b));
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 4000, 0, &c));
    assert_true((char *)a < (char *)b && (char *)b < (char *)c); /* carved in order from one chunk */
    assert_int_equal(stats_of(f->list).free_blocks, 1);           /* the chunk's tail */
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, a, 2000));
    assert_int_equal(stats_of(f->list).free_blocks, 2); /* a, tail */
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, c, 4000));
    assert_int_equal(stats_of(f->list).free_blocks, 2); /* a, c merged with the tail */
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, b, 3000));
    assert_int_equal(stats_of(f->list).free_blocks, 1); /* a + b + c + tail */
    wr_free_list_allocator_stats s = stats_of(f->list);
    assert_int_equal(s.chunks, 1);
    assert_int_equal(s.largest_free_block, s.chunk_usable_bytes);
    assert_fully_coalesced(f->list);
    /* The whole extent is usable again by one block. */
    void *big;
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, s.chunk_usable_bytes - 16, 0, &big));
    assert_int_equal(stats_of(f->list).base_requests, 1);
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, big, s.chunk_usable_bytes - 16));
}

static void test_fragmentation(void **state)
{
    fixture *f = *state;
    enum { N = 30, SIZE = 2000 };
    void *blocks[N];
    for (int i = 0; i < N; ++i)
        assert_wr_ok(wr_free_list_allocator_allocate(f->list, SIZE, 0, &blocks[i]));
    assert_int_equal(stats_of(f->list).chunks, 1);
    for (int i = 0; i < N; i += 2)
        assert_wr_ok(wr_free_list_allocator_deallocate(f->list, blocks[i], SIZE));
    wr_free_list_allocator_stats fragmented = stats_of(f->list);
    assert_true(fragmented.bytes_free > (size_t)N / 2 * SIZE);   /* plenty of free bytes ... */
    assert_true(fragmented.free_blocks >= N / 2);                /* ... in holes that did not merge */

    /* A block larger than any hole is served from the tail or a new chunk, never by overlapping. */
    void *large;
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 3 * SIZE, 0, &large));
    for (int i = 1; i < N; i += 2)
        assert_true((char *)large + 3 * SIZE <= (char *)blocks[i] || (char *)blocks[i] + SIZE <= (char *)large);
    /* Holes are reused by blocks that fit, without asking the base. */
    uint64_t requests = stats_of(f->list).base_requests;
    for (int i = 0; i < N; i += 2)
        assert_wr_ok(wr_free_list_allocator_allocate(f->list, SIZE - 100, 0, &blocks[i]));
    assert_int_equal(stats_of(f->list).base_requests, requests);
    for (int i = 0; i < N; ++i)
        assert_wr_ok(wr_free_list_allocator_deallocate(f->list, blocks[i], i % 2 ? SIZE : SIZE - 100));
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, large, 3 * SIZE));
    assert_fully_coalesced(f->list);
}

static void test_chunks_returned(void **state)
{
    fixture *f = *state;
    void *small, *huge;
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 100, 0, &small));
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 1 << 20, 4096, &huge)); /* a chunk of its own */
    assert_int_equal((uintptr_t)huge % 4096, 0);
    wr_free_list_allocator_stats s = stats_of(f->list);
    assert_int_equal(s.chunks, 2);
    assert_true(s.bytes_reserved >= WR_FREE_LIST_ALLOCATOR_DEFAULT_CHUNK_BYTES + (1 << 20));
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, small, 100));
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, huge, 1 << 20));
    s = stats_of(f->list); /* both chunks empty, kept for reuse, each one free block */
    assert_int_equal(s.chunks, 2);
    assert_int_equal(s.chunks_returned, 0);
    assert_fully_coalesced(f->list);
    /* reuse: the same requests again ask the base for nothing */
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 1 << 20, 4096, &huge));
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 100, 0, &small));
    assert_int_equal(stats_of(f->list).base_requests, 2);
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, small, 100));
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, huge, 1 << 20));
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &counts));
    assert_int_equal(counts.bytes_outstanding, s.bytes_reserved);
    assert_wr_ok(wr_free_list_allocator_trim(f->list));
    s = stats_of(f->list);
    assert_int_equal(s.chunks, 0);
    assert_int_equal(s.chunks_returned, 2);
    assert_int_equal(s.bytes_reserved, 0);
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0);
    /* and it grows again on demand */
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 100, 0, &small));
    size_t visited = 0;
    assert_wr_ok(wr_free_list_allocator_visit_chunks(f->list, count_chunk_bytes, &visited));
    assert_int_equal(visited, stats_of(f->list).bytes_reserved);
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, small, 100));
}

static void test_statistics(void **state)
{
    fixture *f = *state;
    void *a, *b;
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 1500, 0, &a));
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 2500, 64, &b));
    wr_free_list_allocator_stats s = stats_of(f->list);
    assert_int_equal(s.bytes_in_use, 4000);
    assert_int_equal(s.peak_bytes_in_use, 4000);
    assert_int_equal(s.allocations, 2);
    assert_true(s.block_bytes_in_use >= 4000 + 2 * 16);
    assert_int_equal(s.bytes_reserved, WR_FREE_LIST_ALLOCATOR_DEFAULT_CHUNK_BYTES);
    assert_int_equal(s.block_bytes_in_use + s.bytes_free, s.chunk_usable_bytes);
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, a, 1500));
    s = stats_of(f->list);
    assert_int_equal(s.bytes_in_use, 2500);
    assert_int_equal(s.peak_bytes_in_use, 4000);
    assert_int_equal(s.deallocations, 1);
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, b, 2500));
}

static void test_leak_reported_chunks_returned(void **state)
{
    fixture *f = *state;
    void *p;
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 3000, 0, &p));
    expect_failure(wr_free_list_allocator_destroy(f->list), WR_ERR_LEAK, "1 free-list blocks (3000 bytes)");
    f->list = NULL;
}

static wr_status refuse_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    (void)self, (void)bytes, (void)alignment, (void)out;
    return WR_ERR_OUT_OF_MEMORY;
}

static wr_status refuse_deallocate(void *self, void *ptr, size_t bytes)
{
    (void)self, (void)ptr, (void)bytes;
    return WR_OK;
}

static void test_base_refusal_changes_nothing(void **state)
{
    (void)state;
    wr_memory_allocator_ops ops = {refuse_allocate, refuse_deallocate, NULL};
    wr_memory_allocator *refusing;
    assert_wr_ok(wr_memory_allocator_create_custom(&ops, NULL, "refusing", &refusing));
    wr_free_list_allocator *list;
    assert_wr_ok(wr_free_list_allocator_create(refusing, 4096, &list));
    wr_free_list_allocator_stats before = stats_of(list);
    void *p = (void *)0x1;
    expect_failure(wr_free_list_allocator_allocate(list, 5000, 0, &p), WR_ERR_OUT_OF_MEMORY, "refused");
    assert_ptr_equal(p, (void *)0x1);
    wr_free_list_allocator_stats after = stats_of(list);
    assert_memory_equal(&before, &after, sizeof before);
    assert_wr_ok(wr_free_list_allocator_destroy(list));
    assert_wr_ok(wr_memory_allocator_destroy(refusing));
}

static void test_bad_input(void **state)
{
    fixture *f = *state;
    wr_free_list_allocator *none = (wr_free_list_allocator *)0x1;
    expect_failure(wr_free_list_allocator_create(NULL, 0, &none), WR_ERR_INVALID_ARGUMENT, "base is NULL");
    expect_failure(wr_free_list_allocator_create(f->counting, 0, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    expect_failure(wr_free_list_allocator_create(f->counting, 1000, &none), WR_ERR_INVALID_ARGUMENT, "chunk_bytes 1000");
    expect_failure(wr_free_list_allocator_create(f->counting, SIZE_MAX, &none), WR_ERR_INVALID_ARGUMENT, "chunk_bytes");
    assert_ptr_equal(none, (wr_free_list_allocator *)0x1);
    expect_failure(wr_free_list_allocator_destroy(NULL), WR_ERR_INVALID_ARGUMENT, "allocator is NULL");

    void *live, *freed;
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 4000, 0, &live));
    assert_wr_ok(wr_free_list_allocator_allocate(f->list, 4000, 0, &freed));
    wr_free_list_allocator_stats before = stats_of(f->list);
    void *p = (void *)0x1;
    expect_failure(wr_free_list_allocator_allocate(NULL, 8, 0, &p), WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    expect_failure(wr_free_list_allocator_allocate(f->list, 8, 0, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    expect_failure(wr_free_list_allocator_allocate(f->list, 0, 0, &p), WR_ERR_INVALID_ARGUMENT, "bytes is 0");
    expect_failure(wr_free_list_allocator_allocate(f->list, SIZE_MAX / 2, 0, &p), WR_ERR_INVALID_ARGUMENT,
                   "size overflow");
    expect_failure(wr_free_list_allocator_allocate(f->list, 8, 3, &p), WR_ERR_INVALID_ARGUMENT, "not a power of two");
    expect_failure(wr_free_list_allocator_allocate(f->list, 8, 8192, &p), WR_ERR_INVALID_ARGUMENT, "above the page");
    assert_ptr_equal(p, (void *)0x1);
    expect_failure(wr_free_list_allocator_deallocate(NULL, live, 4000), WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    expect_failure(wr_free_list_allocator_deallocate(f->list, NULL, 4000), WR_ERR_INVALID_ARGUMENT, "ptr is NULL");
    expect_failure(wr_free_list_allocator_deallocate(f->list, live, 0), WR_ERR_INVALID_ARGUMENT, "bytes is 0");
    expect_failure(wr_free_list_allocator_deallocate(f->list, live, 5000), WR_ERR_CORRUPTION, "size mismatch");
    expect_failure(wr_free_list_allocator_deallocate(f->list, live, 100), WR_ERR_CORRUPTION, "size mismatch");
    expect_failure(wr_free_list_allocator_deallocate(f->list, (char *)live + 4, 4000), WR_ERR_CORRUPTION,
                   "not 16-byte aligned");
    wr_free_list_allocator_stats after = stats_of(f->list);
    assert_memory_equal(&before, &after, sizeof before);
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, freed, 4000));
    before = stats_of(f->list);
    expect_failure(wr_free_list_allocator_deallocate(f->list, freed, 4000), WR_ERR_CORRUPTION, "double free");
    after = stats_of(f->list);
    assert_memory_equal(&before, &after, sizeof before);

    expect_failure(wr_free_list_allocator_trim(NULL), WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    expect_failure(wr_free_list_allocator_get_stats(NULL, &after), WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    expect_failure(wr_free_list_allocator_get_stats(f->list, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    size_t visited = 0;
    expect_failure(wr_free_list_allocator_visit_chunks(NULL, count_chunk_bytes, &visited), WR_ERR_INVALID_ARGUMENT,
                   "allocator is NULL");
    expect_failure(wr_free_list_allocator_visit_chunks(f->list, NULL, &visited), WR_ERR_INVALID_ARGUMENT,
                   "visitor is NULL");
    assert_null(wr_free_list_allocator_as_allocator(NULL));
    assert_wr_ok(wr_free_list_allocator_deallocate(f->list, live, 4000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_no_overlap_debug_sees_no_leak, setup, teardown),
        cmocka_unit_test_setup_teardown(test_neighbours_coalesce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fragmentation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunks_returned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statistics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leak_reported_chunks_returned, setup, teardown),
        cmocka_unit_test(test_base_refusal_changes_nothing),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
