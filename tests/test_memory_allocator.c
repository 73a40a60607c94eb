/* wr_memory_allocator: the heap, custom, counting and debug allocators, and the argument checks of the interface. */
#include "test_support.h"
#include "test_memory_common.h"

#include <stdlib.h>
#include <string.h>

static void test_heap(void **state)
{
    (void)state;
    wr_memory_allocator *heap;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    assert_string_equal(wr_memory_allocator_name(heap), "heap");
    check_alignments(heap, 5000);
    random_sequence(heap, 1, 4000, 4096);
    void *p;
    assert_wr_ok(wr_memory_allocator_allocate(heap, 24, &p)); /* the seed's unaligned allocate: default alignment */
    assert_int_equal((uintptr_t)p % WR_MEMORY_ALLOCATOR_DEFAULT_ALIGNMENT, 0);
    assert_wr_ok(wr_memory_allocator_deallocate(heap, p, 24));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
}

static void test_counting_sees_zero_outstanding(void **state)
{
    (void)state;
    wr_memory_allocator *heap, *counting;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    assert_wr_ok(wr_memory_allocator_create_counting(heap, &counting));
    assert_string_equal(wr_memory_allocator_name(counting), "counting(heap)");
    check_alignments(counting, 5000);
    random_sequence(counting, 2, 4000, 4096);
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0);
    assert_int_equal(counts.allocations, counts.deallocations);
    assert_true(counts.peak_bytes_outstanding > 4096);
    assert_int_equal(counts.failed_allocations, 0);
    assert_wr_ok(wr_memory_allocator_destroy(counting));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
}

static void test_debug_sees_no_leak(void **state)
{
    (void)state;
    wr_memory_allocator *heap, *debug;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    assert_wr_ok(wr_memory_allocator_create_debug(heap, &debug));
    check_alignments(debug, 5000);
    random_sequence(debug, 3, 6000, 4096);
    size_t blocks = 1, bytes = 1, problems = 1;
    assert_wr_ok(wr_memory_allocator_debug_report(debug, &blocks, &bytes, &problems));
    assert_int_equal(blocks, 0);
    assert_int_equal(bytes, 0);
    assert_int_equal(problems, 0);
    assert_wr_ok(wr_memory_allocator_destroy(debug));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
}

static void test_debug_reports_misuse(void **state)
{
    (void)state;
    wr_memory_allocator *heap, *counting, *debug;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    assert_wr_ok(wr_memory_allocator_create_counting(heap, &counting));
    assert_wr_ok(wr_memory_allocator_create_debug(counting, &debug));
    void *p, *q;
    assert_wr_ok(wr_memory_allocator_allocate(debug, 64, &p));
    assert_wr_ok(wr_memory_allocator_allocate(debug, 32, &q));

    expect_failure(wr_memory_allocator_deallocate(debug, p, 63), WR_ERR_CORRUPTION, "size mismatch");
    int on_stack = 0;
    expect_failure(wr_memory_allocator_deallocate(debug, &on_stack, 4), WR_ERR_CORRUPTION, "foreign pointer");
    assert_wr_ok(wr_memory_allocator_deallocate(debug, p, 64));
    expect_failure(wr_memory_allocator_deallocate(debug, p, 64), WR_ERR_CORRUPTION, "double free");

    size_t blocks, bytes, problems;
    assert_wr_ok(wr_memory_allocator_debug_report(debug, &blocks, &bytes, &problems));
    assert_int_equal(blocks, 1);
    assert_int_equal(bytes, 32);
    assert_int_equal(problems, 3);
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(counting, &counts));
    assert_int_equal(counts.deallocations, 1); /* the bad frees never reached the inner allocator */

    /* q leaks: destroy reports it and still returns it to the inner allocator. */
    expect_failure(wr_memory_allocator_destroy(debug), WR_ERR_LEAK, "1 blocks (32 bytes)");
    assert_wr_ok(wr_memory_allocator_get_counts(counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0);
    assert_wr_ok(wr_memory_allocator_destroy(counting));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
}

static void test_debug_many_blocks(void **state)
{
    (void)state;
    /* Enough blocks to make the debug table grow several times, with frees in between. */
    wr_memory_allocator *heap, *debug;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    assert_wr_ok(wr_memory_allocator_create_debug(heap, &debug));
    enum { N = 3000 };
    void **blocks = calloc(N, sizeof *blocks);
    assert_non_null(blocks);
    for (int i = 0; i < N; ++i)
        assert_wr_ok(wr_memory_allocator_allocate(debug, 8 + (size_t)i % 64, &blocks[i]));
    for (int i = 0; i < N; i += 2)
        assert_wr_ok(wr_memory_allocator_deallocate(debug, blocks[i], 8 + (size_t)i % 64));
    for (int i = 0; i < N; i += 2)
        assert_wr_ok(wr_memory_allocator_allocate(debug, 8 + (size_t)i % 64, &blocks[i]));
    for (int i = 0; i < N; ++i)
        assert_wr_ok(wr_memory_allocator_deallocate(debug, blocks[i], 8 + (size_t)i % 64));
    size_t live;
    assert_wr_ok(wr_memory_allocator_debug_report(debug, &live, NULL, NULL));
    assert_int_equal(live, 0);
    assert_wr_ok(wr_memory_allocator_destroy(debug));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
    free(blocks);
}

/* A user allocator: a fixed arena with a bump pointer, counting releases. */
typedef struct arena {
    _Alignas(4096) unsigned char bytes[256 * 1024];
    size_t used;
    int releases;
    int frees;
} arena;

static wr_status arena_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    arena *a = self;
    size_t start = (a->used + alignment - 1) & ~(alignment - 1);
    if (start + bytes > sizeof a->bytes)
        return WR_ERR_OUT_OF_MEMORY;
    a->used = start + bytes;
    *out = a->bytes + start;
    return WR_OK;
}

static wr_status arena_deallocate(void *self, void *ptr, size_t bytes)
{
    (void)ptr;
    (void)bytes;
    ((arena *)self)->frees++;
    return WR_OK;
}

static wr_status arena_release(void *self)
{
    ((arena *)self)->releases++;
    return WR_OK;
}

static wr_status silent_refusal(void *self, void *ptr, size_t bytes)
{
    (void)self, (void)ptr, (void)bytes;
    return WR_ERR_NOT_FOUND;
}

static void test_custom(void **state)
{
    (void)state;
    static arena a;
    wr_memory_allocator_ops ops = {arena_allocate, arena_deallocate, arena_release};
    wr_memory_allocator *custom;
    assert_wr_ok(wr_memory_allocator_create_custom(&ops, &a, "arena", &custom));
    assert_string_equal(wr_memory_allocator_name(custom), "arena");
    check_alignments(custom, 5000);
    assert_int_equal(a.frees, 13 * 6);
    void *p;
    expect_failure(wr_memory_allocator_allocate(custom, 1 << 20, &p), WR_ERR_OUT_OF_MEMORY,
                   "allocator 'arena' refused 1048576 bytes");
    assert_wr_ok(wr_memory_allocator_destroy(custom));
    assert_int_equal(a.releases, 1);

    /* A user deallocate that fails without a message gets one. */
    wr_memory_allocator_ops refusing = {arena_allocate, silent_refusal, NULL};
    assert_wr_ok(wr_memory_allocator_create_custom(&refusing, &a, "picky", &custom));
    assert_wr_ok(wr_memory_allocator_allocate(custom, 8, &p));
    expect_failure(wr_memory_allocator_deallocate(custom, p, 8), WR_ERR_NOT_FOUND, "allocator 'picky' refused to free");
    assert_wr_ok(wr_memory_allocator_destroy(custom));

    /* A long name is cut to 63 characters. */
    char name[100];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    assert_wr_ok(wr_memory_allocator_create_custom(&ops, &a, name, &custom));
    assert_int_equal(strlen(wr_memory_allocator_name(custom)), 63);
    assert_wr_ok(wr_memory_allocator_destroy(custom));
}

static void test_bad_input(void **state)
{
    (void)state;
    wr_memory_allocator *heap, *counting, *debug, *none = (wr_memory_allocator *)0x1;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    assert_wr_ok(wr_memory_allocator_create_counting(heap, &counting));
    assert_wr_ok(wr_memory_allocator_create_debug(counting, &debug));
    void *p = (void *)0x1;

    expect_failure(wr_memory_allocator_create_heap(NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    expect_failure(wr_memory_allocator_create_counting(NULL, &none), WR_ERR_INVALID_ARGUMENT, "inner is NULL");
    expect_failure(wr_memory_allocator_create_counting(heap, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    expect_failure(wr_memory_allocator_create_debug(NULL, &none), WR_ERR_INVALID_ARGUMENT, "inner is NULL");
    expect_failure(wr_memory_allocator_create_debug(heap, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_memory_allocator_ops ops = {arena_allocate, NULL, NULL};
    expect_failure(wr_memory_allocator_create_custom(NULL, NULL, "x", &none), WR_ERR_INVALID_ARGUMENT, "ops is NULL");
    expect_failure(wr_memory_allocator_create_custom(&ops, NULL, "x", &none), WR_ERR_INVALID_ARGUMENT,
                   "must both be set");
    ops.deallocate = arena_deallocate;
    expect_failure(wr_memory_allocator_create_custom(&ops, NULL, "x", NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    assert_ptr_equal(none, (wr_memory_allocator *)0x1); /* no output written on failure */

    wr_memory_allocator_counts before, after;
    assert_wr_ok(wr_memory_allocator_get_counts(counting, &before));
    expect_failure(wr_memory_allocator_allocate_aligned(NULL, 8, 8, &p), WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    expect_failure(wr_memory_allocator_allocate_aligned(debug, 8, 8, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    expect_failure(wr_memory_allocator_allocate_aligned(debug, 0, 8, &p), WR_ERR_INVALID_ARGUMENT, "bytes is 0");
    expect_failure(wr_memory_allocator_allocate_aligned(debug, 8, 0, &p), WR_ERR_INVALID_ARGUMENT,
                   "alignment 0 is not a power of two");
    expect_failure(wr_memory_allocator_allocate_aligned(debug, 8, 24, &p), WR_ERR_INVALID_ARGUMENT,
                   "alignment 24 is not a power of two");
    expect_failure(wr_memory_allocator_allocate_aligned(debug, 8, 8192, &p), WR_ERR_INVALID_ARGUMENT,
                   "above the page size");
    expect_failure(wr_memory_allocator_allocate_aligned(debug, SIZE_MAX - 8, 16, &p), WR_ERR_INVALID_ARGUMENT,
                   "size overflow");
    expect_failure(wr_memory_allocator_allocate(NULL, 8, &p), WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    expect_failure(wr_memory_allocator_allocate(debug, 0, &p), WR_ERR_INVALID_ARGUMENT, "bytes is 0");
    assert_ptr_equal(p, (void *)0x1);
    expect_failure(wr_memory_allocator_deallocate(NULL, p, 8), WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    expect_failure(wr_memory_allocator_deallocate(debug, NULL, 8), WR_ERR_INVALID_ARGUMENT, "ptr is NULL");
    expect_failure(wr_memory_allocator_deallocate(debug, p, 0), WR_ERR_INVALID_ARGUMENT, "bytes is 0");
    expect_failure(wr_memory_allocator_deallocate(debug, p, SIZE_MAX), WR_ERR_INVALID_ARGUMENT, "size overflow");
    assert_wr_ok(wr_memory_allocator_get_counts(counting, &after));
    assert_memory_equal(&before, &after, sizeof before);
    size_t blocks, problems;
    assert_wr_ok(wr_memory_allocator_debug_report(debug, &blocks, NULL, &problems));
    assert_int_equal(blocks, 0);
    assert_int_equal(problems, 0);

    assert_string_equal(wr_memory_allocator_name(NULL), "(null)");
    expect_failure(wr_memory_allocator_get_counts(NULL, &after), WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    expect_failure(wr_memory_allocator_get_counts(counting, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    expect_failure(wr_memory_allocator_get_counts(heap, &after), WR_ERR_INVALID_ARGUMENT, "not a counting allocator");
    expect_failure(wr_memory_allocator_debug_report(NULL, &blocks, NULL, NULL), WR_ERR_INVALID_ARGUMENT,
                   "allocator is NULL");
    expect_failure(wr_memory_allocator_debug_report(heap, &blocks, NULL, NULL), WR_ERR_INVALID_ARGUMENT,
                   "not a debug allocator");
    expect_failure(wr_memory_allocator_debug_report(debug, NULL, NULL, NULL), WR_ERR_INVALID_ARGUMENT, "all NULL");
    expect_failure(wr_memory_allocator_destroy(NULL), WR_ERR_INVALID_ARGUMENT, "allocator is NULL");

    assert_wr_ok(wr_memory_allocator_destroy(debug));
    assert_wr_ok(wr_memory_allocator_destroy(counting));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heap),
        cmocka_unit_test(test_counting_sees_zero_outstanding),
        cmocka_unit_test(test_debug_sees_no_leak),
        cmocka_unit_test(test_debug_reports_misuse),
        cmocka_unit_test(test_debug_many_blocks),
        cmocka_unit_test(test_custom),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
