/* Smoke test of the memory layer: one pass through each allocator, the manager's routing and the frame. */
#include "test_support.h"

#include <string.h>

#include "worldrunner/free_list_allocator.h"
#include "worldrunner/pool_allocator.h"

static void test_heap_debug_counting(void **state)
{
    (void)state;
    wr_memory_allocator *heap, *counting, *debug;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    assert_wr_ok(wr_memory_allocator_create_counting(heap, &counting));
    assert_wr_ok(wr_memory_allocator_create_debug(counting, &debug));
    assert_string_equal(wr_memory_allocator_name(debug), "debug(counting(heap))");
    void *p;
    assert_wr_ok(wr_memory_allocator_allocate_aligned(debug, 100, 64, &p));
    assert_true(((uintptr_t)p & 63) == 0);
    memset(p, 1, 100);
    assert_int_equal(wr_memory_allocator_deallocate(debug, p, 99), WR_ERR_CORRUPTION);
    assert_wr_ok(wr_memory_allocator_deallocate(debug, p, 100));
    assert_int_equal(wr_memory_allocator_deallocate(debug, p, 100), WR_ERR_CORRUPTION);
    size_t blocks, bytes, problems;
    assert_wr_ok(wr_memory_allocator_debug_report(debug, &blocks, &bytes, &problems));
    assert_int_equal(blocks, 0);
    assert_int_equal(problems, 2);
    assert_wr_ok(wr_memory_allocator_destroy(debug));
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0);
    assert_int_equal(counts.allocations, 1);
    assert_wr_ok(wr_memory_allocator_destroy(counting));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
}

static void test_manager_and_frame(void **state)
{
    (void)state;
    wr_memory_allocator *heap, *counting;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    assert_wr_ok(wr_memory_allocator_create_counting(heap, &counting));
    wr_memory_manager_config config;
    wr_memory_manager_config_init(&config);
    config.base = counting;
    wr_memory_manager *manager;
    assert_wr_ok(wr_memory_manager_create(&config, &manager));
    void *small, *large;
    assert_wr_ok(wr_memory_manager_allocate(manager, 200, 32, WR_MEMORY_TAG_SKELETON, &small));
    assert_wr_ok(wr_memory_manager_allocate(manager, 5000, 0, WR_MEMORY_TAG_WORLD, &large));
    memset(small, 2, 200);
    memset(large, 3, 5000);
    wr_memory_manager_stats stats;
    assert_wr_ok(wr_memory_manager_get_stats(manager, &stats));
    assert_int_equal(stats.bytes_in_use, 5200);
    assert_int_equal(stats.pool_allocations, 1);
    assert_int_equal(stats.by_tag[WR_MEMORY_TAG_SKELETON].bytes_in_use, 200);

    wr_frame_allocator *frame;
    assert_wr_ok(wr_frame_allocator_create(manager, 1024, WR_MEMORY_TAG_SOLVER, &frame));
    wr_frame_allocator_stats first = {0};
    for (int f = 0; f < 4; ++f) {
        for (int i = 0; i < 100; ++i) {
            void *p;
            assert_wr_ok(wr_frame_allocator_allocate(frame, 48, 0, &p));
            assert_true(((uintptr_t)p & 31) == 0);
            memset(p, i, 48);
        }
        assert_wr_ok(wr_frame_allocator_reset(frame));
        if (f == 0)
            assert_wr_ok(wr_frame_allocator_get_stats(frame, &first));
    }
    wr_frame_allocator_stats fs;
    assert_wr_ok(wr_frame_allocator_get_stats(frame, &fs));
    assert_true(first.growths >= 1);
    assert_int_equal(fs.growths, first.growths);                 /* later frames fit the consolidated buffer */
    assert_int_equal(fs.manager_requests, first.manager_requests); /* and ask the manager for nothing */
    assert_true(fs.capacity_bytes >= fs.peak_frame_bytes);
    assert_wr_ok(wr_frame_allocator_destroy(frame));

    assert_wr_ok(wr_memory_manager_deallocate(manager, small, 200, 32, WR_MEMORY_TAG_SKELETON));
    assert_wr_ok(wr_memory_manager_deallocate(manager, large, 5000, 0, WR_MEMORY_TAG_WORLD));
    assert_wr_ok(wr_memory_manager_destroy(manager));
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0);
    assert_wr_ok(wr_memory_allocator_destroy(counting));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_heap_debug_counting),
                                       cmocka_unit_test(test_manager_and_frame)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
