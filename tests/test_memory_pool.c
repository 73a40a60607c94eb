/* wr_pool_allocator: size classes, alignment, reuse, chunk accounting, statistics, the inline fast path and argument
 * checks. */
#include "test_support.h"
#include "test_memory_common.h"

#include "malloc_count.h"
#include "worldrunner/pool_allocator.h"

typedef struct fixture {
    wr_memory_allocator *heap;
    wr_memory_allocator *counting;
    wr_pool_allocator *pool;
} fixture;

static int setup(void **state)
{
    static fixture f;
    assert_wr_ok(wr_memory_allocator_create_heap(&f.heap));
    assert_wr_ok(wr_memory_allocator_create_counting(f.heap, &f.counting));
    assert_wr_ok(wr_pool_allocator_create(f.counting, 0, &f.pool));
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->pool)
        assert_wr_ok(wr_pool_allocator_destroy(f->pool));
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0); /* every chunk went back to the base */
    assert_wr_ok(wr_memory_allocator_destroy(f->counting));
    assert_wr_ok(wr_memory_allocator_destroy(f->heap));
    return 0;
}

static void test_size_classes(void **state)
{
    (void)state;
    assert_int_equal(wr_pool_allocator_block_size(0), 0);
    assert_int_equal(wr_pool_allocator_block_size(WR_POOL_ALLOCATOR_MAX_BLOCK + 1), 0);
    assert_int_equal(wr_pool_allocator_block_size(1), 16);
    assert_int_equal(wr_pool_allocator_block_size(17), 32);
    assert_int_equal(wr_pool_allocator_block_size(256), 256);
    assert_int_equal(wr_pool_allocator_block_size(1024), 1024);
    size_t previous = 0;
    for (size_t bytes = 1; bytes <= WR_POOL_ALLOCATOR_MAX_BLOCK; ++bytes) {
        size_t block = wr_pool_allocator_block_size(bytes);
        assert_true(block >= bytes);
        assert_true(block >= previous);
        assert_int_equal(block % 16, 0);
        assert_true(block - bytes < bytes / 4 + 32); /* classes waste at most a quarter (+ rounding) */
        previous = block;
    }
}

static void test_alignment(void **state)
{
    fixture *f = *state;
    check_alignments(wr_pool_allocator_as_allocator(f->pool), WR_POOL_ALLOCATOR_MAX_BLOCK);
    /* Every block at least 16-aligned, 32-aligned when asked, for every size. */
    for (size_t alignment = 16; alignment <= 32; alignment *= 2) {
        for (size_t bytes = 1; bytes <= WR_POOL_ALLOCATOR_MAX_BLOCK; bytes += 5) {
            void *p;
            assert_wr_ok(wr_pool_allocator_allocate(f->pool, bytes, alignment == 16 ? 0 : alignment, &p));
            assert_int_equal((uintptr_t)p % alignment, 0);
            assert_wr_ok(wr_pool_allocator_deallocate(f->pool, p, bytes));
        }
    }
}

static void test_random_no_overlap_debug_sees_no_leak(void **state)
{
    fixture *f = *state;
    wr_memory_allocator *debug;
    assert_wr_ok(wr_memory_allocator_create_debug(wr_pool_allocator_as_allocator(f->pool), &debug));
    random_sequence(debug, 11, 30000, WR_POOL_ALLOCATOR_MAX_BLOCK);
    random_sequence(debug, 12, 30000, 96);
    assert_wr_ok(wr_memory_allocator_destroy(debug)); /* WR_OK: no leak */
    wr_pool_allocator_stats stats;
    assert_wr_ok(wr_pool_allocator_get_stats(f->pool, &stats));
    assert_int_equal(stats.bytes_in_use, 0);
    assert_int_equal(stats.allocations, stats.deallocations);
}

static void test_reuse_is_lifo_per_class(void **state)
{
    fixture *f = *state;
    void *a, *b, *c;
    assert_wr_ok(wr_pool_allocator_allocate(f->pool, 100, 0, &a));
    assert_wr_ok(wr_pool_allocator_allocate(f->pool, 100, 0, &b));
    assert_wr_ok(wr_pool_allocator_deallocate(f->pool, a, 100));
    assert_wr_ok(wr_pool_allocator_allocate(f->pool, 97, 0, &c)); /* same class (128): the block just freed */
    assert_ptr_equal(a, c);
    assert_wr_ok(wr_pool_allocator_deallocate(f->pool, b, 100));
    assert_wr_ok(wr_pool_allocator_deallocate(f->pool, c, 97));
}

static void test_statistics(void **state)
{
    fixture *f = *state;
    enum { N = 200 };
    void *small[N], *large[N];
    for (int i = 0; i < N; ++i) {
        assert_wr_ok(wr_pool_allocator_allocate(f->pool, 24, 0, &small[i]));
        assert_wr_ok(wr_pool_allocator_allocate(f->pool, 1000, 0, &large[i]));
    }
    wr_pool_allocator_stats stats;
    assert_wr_ok(wr_pool_allocator_get_stats(f->pool, &stats));
    assert_int_equal(stats.bytes_in_use, N * (32 + 1024));
    assert_int_equal(stats.bytes_carved, N * (32 + 1024));
    assert_int_equal(stats.allocations, 2 * N);
    assert_int_equal(stats.classes[1].peak_blocks_in_use, N);
    assert_int_equal(stats.classes[1].block_bytes, 32);
    assert_int_equal(stats.classes[1].blocks_in_use, N);
    assert_int_equal(stats.classes[WR_POOL_ALLOCATOR_CLASS_COUNT - 1].block_bytes, 1024);
    assert_int_equal(stats.classes[WR_POOL_ALLOCATOR_CLASS_COUNT - 1].blocks_in_use, N);
    assert_int_equal(stats.bytes_reserved, stats.chunks * WR_POOL_ALLOCATOR_DEFAULT_CHUNK_BYTES);
    assert_true(stats.bytes_reserved >= stats.bytes_in_use);
    assert_true(stats.bytes_reserved < stats.bytes_in_use + stats.bytes_in_use / 8 + WR_POOL_ALLOCATOR_DEFAULT_CHUNK_BYTES);
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &counts));
    assert_int_equal(counts.bytes_outstanding, stats.bytes_reserved);
    assert_int_equal(counts.allocations, stats.base_requests);

    for (int i = 0; i < N; ++i) {
        assert_wr_ok(wr_pool_allocator_deallocate(f->pool, small[i], 24));
        assert_wr_ok(wr_pool_allocator_deallocate(f->pool, large[i], 1000));
    }
    assert_wr_ok(wr_pool_allocator_get_stats(f->pool, &stats));
    assert_int_equal(stats.bytes_in_use, 0);
    assert_int_equal(stats.bytes_carved, N * (32 + 1024));
    assert_int_equal(stats.classes[1].peak_blocks_in_use, N);
    assert_int_equal(stats.classes[1].free_blocks, N);
    assert_int_equal(stats.classes[1].blocks_in_use, 0);
    /* reuse carves nothing: the peaks stay */
    for (int i = 0; i < N / 2; ++i)
        assert_wr_ok(wr_pool_allocator_allocate(f->pool, 30, 0, &small[i]));
    assert_wr_ok(wr_pool_allocator_get_stats(f->pool, &stats));
    assert_int_equal(stats.classes[1].blocks_in_use, N / 2);
    assert_int_equal(stats.classes[1].peak_blocks_in_use, N);
    assert_int_equal(stats.bytes_in_use, N / 2 * 32);
    for (int i = 0; i < N / 2; ++i)
        assert_wr_ok(wr_pool_allocator_deallocate(f->pool, small[i], 30));

    size_t visited = 0;
    assert_wr_ok(wr_pool_allocator_visit_chunks(f->pool, count_chunk_bytes, &visited));
    assert_int_equal(visited, stats.bytes_reserved);
}

static void test_fast_path_makes_no_heap_calls(void **state)
{
    fixture *f = *state;
    void *blocks[64];
    for (int i = 0; i < 64; ++i)
        assert_wr_ok(wr_pool_allocator_allocate(f->pool, 256, 0, &blocks[i]));
    for (int i = 0; i < 64; ++i)
        assert_wr_ok(wr_pool_allocator_deallocate(f->pool, blocks[i], 256));
    wr_memory_allocator_counts before, after;
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &before));
    if (malloc_count_require("pool fast path allocates nothing"))
        malloc_count_begin();
    for (int round = 0; round < 100; ++round) {
        for (int i = 0; i < 64; ++i)
            assert_wr_ok(wr_pool_allocator_allocate(f->pool, 200 + (size_t)i % 50, 0, &blocks[i]));
        for (int i = 63; i >= 0; --i)
            assert_wr_ok(wr_pool_allocator_deallocate(f->pool, blocks[i], 200 + (size_t)i % 50));
    }
    if (malloc_count_available())
        assert_int_equal(malloc_count_end().allocations, 0);
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &after));
    assert_int_equal(after.allocations, before.allocations);
}

static void test_leak_reported_chunks_returned(void **state)
{
    fixture *f = *state;
    void *p;
    assert_wr_ok(wr_pool_allocator_allocate(f->pool, 48, 0, &p));
    expect_failure(wr_pool_allocator_destroy(f->pool), WR_ERR_LEAK, "1 pool blocks (64 bytes)");
    f->pool = NULL; /* teardown checks that the chunk went back anyway */
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
    wr_pool_allocator *pool;
    assert_wr_ok(wr_pool_allocator_create(refusing, 4096, &pool));
    wr_pool_allocator_stats before, after;
    assert_wr_ok(wr_pool_allocator_get_stats(pool, &before));
    void *p = (void *)0x1;
    expect_failure(wr_pool_allocator_allocate(pool, 64, 0, &p), WR_ERR_OUT_OF_MEMORY, "refused");
    assert_ptr_equal(p, (void *)0x1);
    assert_wr_ok(wr_pool_allocator_get_stats(pool, &after));
    assert_memory_equal(&before, &after, sizeof before);
    assert_wr_ok(wr_pool_allocator_destroy(pool));
    assert_wr_ok(wr_memory_allocator_destroy(refusing));
}

/* One fixed-seed sequence of allocations (1..1024 bytes, alignments 0..64) and frees in a shuffled order: on pool
 * `a` every other call goes through the inline functions, on pool `b` every call is out of line. The blocks hold
 * their patterns, and the two pools end with the same statistics (same carving, same reuse, same counters). */
static void run_mixed_sequence(wr_pool_allocator *pool, int use_inline)
{
    enum { N = 600 };
    static const size_t alignments[] = {0, 1, 8, 16, 32, 64};
    void *blocks[N];
    size_t bytes[N];
    test_rng rng;
    test_rng_seed(&rng, 11);
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < N; ++i) {
            bytes[i] = 1 + (size_t)(test_rng_next(&rng) % WR_POOL_ALLOCATOR_MAX_BLOCK);
            size_t alignment = alignments[test_rng_next(&rng) % 6];
            if (use_inline && i % 2 == 0)
                assert_wr_ok(wr_pool_allocator_allocate_inline(pool, bytes[i], alignment, &blocks[i]));
            else
                assert_wr_ok(wr_pool_allocator_allocate(pool, bytes[i], alignment, &blocks[i]));
            assert_int_equal((uintptr_t)blocks[i] % (alignment ? alignment : 16), 0);
            fill(blocks[i], bytes[i], (uint64_t)i);
        }
        for (int i = 0; i < N; ++i)
            check(blocks[i], bytes[i], (uint64_t)i);
        for (int k = 0; k < N; ++k) {
            int i = (int)((size_t)k * 7 % N); /* 7 and 600 are coprime: every block once, out of order */
            if (use_inline && k % 3 != 0)
                assert_wr_ok(wr_pool_allocator_deallocate_inline(pool, blocks[i], bytes[i]));
            else
                assert_wr_ok(wr_pool_allocator_deallocate(pool, blocks[i], bytes[i]));
        }
    }
}

static void test_inline_path_matches_the_call(void **state)
{
    fixture *f = *state;
    wr_pool_allocator *reference;
    assert_wr_ok(wr_pool_allocator_create(f->counting, 0, &reference));
    run_mixed_sequence(f->pool, 1);
    run_mixed_sequence(reference, 0);
    wr_pool_allocator_stats a, b;
    assert_wr_ok(wr_pool_allocator_get_stats(f->pool, &a));
    assert_wr_ok(wr_pool_allocator_get_stats(reference, &b));
    assert_int_equal(a.allocations, 3 * 600);
    assert_int_equal(a.deallocations, 3 * 600);
    assert_int_equal(a.bytes_in_use, 0);
    assert_true(a.chunks >= 2);
    assert_memory_equal(&a, &b, sizeof a);

    /* The inline pop takes the block the call just pushed (and the other way round): one list per class. */
    void *p, *q;
    assert_wr_ok(wr_pool_allocator_allocate(f->pool, 100, 0, &p));
    assert_wr_ok(wr_pool_allocator_deallocate(f->pool, p, 100));
    assert_wr_ok(wr_pool_allocator_allocate_inline(f->pool, 112, 0, &q)); /* 100 and 112 are both class 128 */
    assert_ptr_equal(q, p);
    assert_wr_ok(wr_pool_allocator_deallocate_inline(f->pool, q, 112));
    assert_wr_ok(wr_pool_allocator_allocate(f->pool, 97, 0, &p));
    assert_ptr_equal(p, q);
    assert_wr_ok(wr_pool_allocator_deallocate(f->pool, p, 97));
    /* An alignment above 16 is served by the call, correctly aligned. */
    assert_wr_ok(wr_pool_allocator_allocate_inline(f->pool, 24, 4096, &p));
    assert_int_equal((uintptr_t)p % 4096, 0);
    assert_wr_ok(wr_pool_allocator_deallocate_inline(f->pool, p, 24));
    assert_wr_ok(wr_pool_allocator_destroy(reference));
}

static void test_bad_input(void **state)
{
    fixture *f = *state;
    wr_pool_allocator *none = (wr_pool_allocator *)0x1;
    expect_failure(wr_pool_allocator_create(NULL, 0, &none), WR_ERR_INVALID_ARGUMENT, "base is NULL");
    expect_failure(wr_pool_allocator_create(f->counting, 0, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    expect_failure(wr_pool_allocator_create(f->counting, 100, &none), WR_ERR_INVALID_ARGUMENT, "chunk_bytes 100");
    expect_failure(wr_pool_allocator_create(f->counting, SIZE_MAX, &none), WR_ERR_INVALID_ARGUMENT, "chunk_bytes");
    assert_ptr_equal(none, (wr_pool_allocator *)0x1);
    expect_failure(wr_pool_allocator_destroy(NULL), WR_ERR_INVALID_ARGUMENT, "pool is NULL");

    void *live;
    assert_wr_ok(wr_pool_allocator_allocate(f->pool, 40, 0, &live));
    wr_pool_allocator_stats before, after;
    assert_wr_ok(wr_pool_allocator_get_stats(f->pool, &before));
    void *p = (void *)0x1;
    expect_failure(wr_pool_allocator_allocate(NULL, 8, 0, &p), WR_ERR_INVALID_ARGUMENT, "pool is NULL");
    expect_failure(wr_pool_allocator_allocate(f->pool, 8, 0, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    expect_failure(wr_pool_allocator_allocate(f->pool, 0, 0, &p), WR_ERR_INVALID_ARGUMENT, "bytes is 0");
    expect_failure(wr_pool_allocator_allocate(f->pool, 1025, 0, &p), WR_ERR_INVALID_ARGUMENT, "at most 1024 bytes");
    expect_failure(wr_pool_allocator_allocate(f->pool, SIZE_MAX, 0, &p), WR_ERR_INVALID_ARGUMENT, "size overflow");
    expect_failure(wr_pool_allocator_allocate(f->pool, 8, 48, &p), WR_ERR_INVALID_ARGUMENT, "not a power of two");
    expect_failure(wr_pool_allocator_allocate(f->pool, 8, 8192, &p), WR_ERR_INVALID_ARGUMENT, "above the page size");
    expect_failure(wr_memory_allocator_allocate(wr_pool_allocator_as_allocator(f->pool), 2000, &p),
                   WR_ERR_INVALID_ARGUMENT, "at most 1024 bytes");
    /* The inline path checks as much, with the same statuses and messages (it hands bad input to the call). */
    expect_failure(wr_pool_allocator_allocate_inline(NULL, 8, 0, &p), WR_ERR_INVALID_ARGUMENT, "pool is NULL");
    expect_failure(wr_pool_allocator_allocate_inline(f->pool, 8, 0, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    expect_failure(wr_pool_allocator_allocate_inline(f->pool, 0, 0, &p), WR_ERR_INVALID_ARGUMENT, "bytes is 0");
    expect_failure(wr_pool_allocator_allocate_inline(f->pool, 1025, 0, &p), WR_ERR_INVALID_ARGUMENT,
                   "at most 1024 bytes");
    expect_failure(wr_pool_allocator_allocate_inline(f->pool, SIZE_MAX, 0, &p), WR_ERR_INVALID_ARGUMENT,
                   "size overflow");
    expect_failure(wr_pool_allocator_allocate_inline(f->pool, 8, 3, &p), WR_ERR_INVALID_ARGUMENT,
                   "not a power of two");
    expect_failure(wr_pool_allocator_allocate_inline(f->pool, 8, 48, &p), WR_ERR_INVALID_ARGUMENT,
                   "not a power of two");
    expect_failure(wr_pool_allocator_allocate_inline(f->pool, 8, 8192, &p), WR_ERR_INVALID_ARGUMENT,
                   "above the page size");
    assert_ptr_equal(p, (void *)0x1);
    expect_failure(wr_pool_allocator_deallocate_inline(NULL, live, 40), WR_ERR_INVALID_ARGUMENT, "pool is NULL");
    expect_failure(wr_pool_allocator_deallocate_inline(f->pool, NULL, 40), WR_ERR_INVALID_ARGUMENT, "ptr is NULL");
    expect_failure(wr_pool_allocator_deallocate_inline(f->pool, live, 0), WR_ERR_INVALID_ARGUMENT, "bytes 0");
    expect_failure(wr_pool_allocator_deallocate_inline(f->pool, live, SIZE_MAX), WR_ERR_INVALID_ARGUMENT, "bytes");
    expect_failure(wr_pool_allocator_deallocate_inline(f->pool, (char *)live + 8, 40), WR_ERR_CORRUPTION,
                   "not 16-byte");
    expect_failure(wr_pool_allocator_deallocate(NULL, live, 40), WR_ERR_INVALID_ARGUMENT, "pool is NULL");
    expect_failure(wr_pool_allocator_deallocate(f->pool, NULL, 40), WR_ERR_INVALID_ARGUMENT, "ptr is NULL");
    expect_failure(wr_pool_allocator_deallocate(f->pool, live, 0), WR_ERR_INVALID_ARGUMENT, "bytes 0");
    expect_failure(wr_pool_allocator_deallocate(f->pool, live, 1025), WR_ERR_INVALID_ARGUMENT, "bytes 1025");
    expect_failure(wr_pool_allocator_deallocate(f->pool, (char *)live + 8, 40), WR_ERR_CORRUPTION, "not 16-byte");
    assert_wr_ok(wr_pool_allocator_get_stats(f->pool, &after));
    assert_memory_equal(&before, &after, sizeof before);

    expect_failure(wr_pool_allocator_get_stats(NULL, &after), WR_ERR_INVALID_ARGUMENT, "pool is NULL");
    expect_failure(wr_pool_allocator_get_stats(f->pool, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    size_t visited = 0;
    expect_failure(wr_pool_allocator_visit_chunks(NULL, count_chunk_bytes, &visited), WR_ERR_INVALID_ARGUMENT,
                   "pool is NULL");
    expect_failure(wr_pool_allocator_visit_chunks(f->pool, NULL, &visited), WR_ERR_INVALID_ARGUMENT,
                   "visitor is NULL");
    assert_null(wr_pool_allocator_as_allocator(NULL));
    expect_failure(wr_memory_allocator_destroy(wr_pool_allocator_as_allocator(f->pool)), WR_ERR_INVALID_ARGUMENT,
                   "belongs to the object");
    assert_wr_ok(wr_pool_allocator_deallocate(f->pool, live, 40));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size_classes),
        cmocka_unit_test_setup_teardown(test_alignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_no_overlap_debug_sees_no_leak, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reuse_is_lifo_per_class, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statistics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fast_path_makes_no_heap_calls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leak_reported_chunks_returned, setup, teardown),
        cmocka_unit_test(test_base_refusal_changes_nothing),
        cmocka_unit_test_setup_teardown(test_inline_path_matches_the_call, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
