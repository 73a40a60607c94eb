/* wr_world_runner hot path: in steady state, wr_world_runner_step_all makes no heap allocation (malloc_count interposer,
 * every thread), asks no base allocator for memory (a counting base; the arenas' source requests; every world
 * manager's base requests), for each backend and for the arena policies. */
#include <stdio.h>
#include <string.h>

#include "malloc_count.h"
#include "test_support.h"
#include "worldrunner/world_runner.h"

#if defined(__SANITIZE_THREAD__) && !defined(__clang__)
#define OPENMP_UNDER_TSAN_SKIP 1
#else
#define OPENMP_UNDER_TSAN_SKIP 0
#endif

static const char *SCENES[] = {"chain:16", "boxes:3", "pendulum", "chain:4"};

static wr_status nudge(wr_world *w, int step, void *user)
{
    (void)user;
    double tau[64] = {0};
    size_t nv = wr_world_dof_count(w);
    tau[0] = step % 2 ? 0.01 : -0.01;
    return wr_world_set_joint_forces(w, tau, nv < 64 ? nv : 64);
}

static uint64_t manager_requests(wr_world_runner *r)
{
    uint64_t total = 0;
    for (size_t i = 0; i < wr_world_runner_world_count(r); ++i) {
        wr_world *w = NULL;
        assert_wr_ok(wr_world_runner_world_at(r, i, &w));
        wr_world_runner_world_info info;
        assert_wr_ok(wr_world_runner_world_info_get(r, w, &info));
        wr_memory_manager_stats ms;
        assert_wr_ok(wr_memory_manager_get_stats(info.memory, &ms));
        total += ms.base_requests;
    }
    return total;
}

static uint64_t arena_requests(wr_world_runner *r)
{
    wr_world_runner_stats s;
    assert_wr_ok(wr_world_runner_get_stats(r, &s));
    uint64_t total = 0;
    for (int k = 0; k < s.workers; ++k) {
        wr_world_runner_worker_stats ws;
        assert_wr_ok(wr_world_runner_get_worker_stats(r, k, &ws));
        total += ws.arena.source_requests + ws.arena.requests;
    }
    return total;
}

static void check_steady_state(wr_world_runner_backend backend, wr_numa_memory_policy policy, wr_memory_allocator *base,
                               bool host_as_worker)
{
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.host_as_worker = host_as_worker;
    c.backend = backend;
    c.memory_policy = policy;
    c.base = base;
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    for (int i = 0; i < 8; ++i) {
        wr_world *w = NULL;
        wc.build = wr_scene_build_callback;
        wc.build_context = (void *)SCENES[i % 4];
        assert_wr_ok(wr_world_runner_create_world(r, &wc, &w));
        if (i % 2)
            assert_wr_ok(wr_world_runner_set_pre_step(r, w, nudge, NULL));
    }
    /* Warm up: frame buffers and contact storage reach their high-water sizes. */
    for (int t = 0; t < 20; ++t)
        assert_wr_ok(wr_world_runner_step_all(r, 5));
    uint64_t managers_before = manager_requests(r), arenas_before = arena_requests(r);
    wr_memory_allocator_counts base_before = {0}, base_after = {0};
    if (base)
        assert_wr_ok(wr_memory_allocator_get_counts(base, &base_before));
    bool count_mallocs = malloc_count_require("no malloc in wr_world_runner_step_all");
    if (count_mallocs)
        malloc_count_begin();
    for (int t = 0; t < 50; ++t) {
        if (t % 2) {
            assert_wr_ok(wr_world_runner_step_begin(r, 3));
            assert_wr_ok(wr_world_runner_step_wait(r));
        } else {
            assert_wr_ok(wr_world_runner_step_all(r, 3));
        }
    }
    if (count_mallocs) {
        malloc_count_stats m = malloc_count_end();
        if (m.allocations)
            print_error("%s/%s: %llu allocations (%llu bytes) during step_all\n", wr_world_runner_backend_name(backend),
                        wr_numa_memory_policy_name(policy), (unsigned long long)m.allocations,
                        (unsigned long long)m.bytes_requested);
        assert_int_equal(m.allocations, 0);
        assert_int_equal(m.frees, 0);
    }
    assert_int_equal(manager_requests(r), managers_before);
    assert_int_equal(arena_requests(r), arenas_before);
    if (base) {
        assert_wr_ok(wr_memory_allocator_get_counts(base, &base_after));
        assert_int_equal(base_after.allocations, base_before.allocations);
        assert_int_equal(base_after.deallocations, base_before.deallocations);
    }
    assert_wr_ok(wr_world_runner_destroy(r));
}

static bool openmp_testable(void)
{
    if (!wr_world_runner_has_openmp()) {
        print_message("SKIP OpenMP backend: not in this build\n");
        return false;
    }
    if (OPENMP_UNDER_TSAN_SKIP) {
        print_message("SKIP OpenMP backend: gcc's libgomp is not ThreadSanitizer-clean\n");
        return false;
    }
    return true;
}

static void no_allocation_with_arenas(void **state)
{
    (void)state;
    const wr_numa_memory_policy policies[] = {WR_NUMA_MEMORY_LOCAL, WR_NUMA_MEMORY_FIRST_TOUCH, WR_NUMA_MEMORY_INTERLEAVE};
    for (size_t p = 0; p < 3; ++p) {
        check_steady_state(WR_WORLD_RUNNER_BACKEND_PTHREADS, policies[p], NULL, p == 1);
        if (openmp_testable())
            check_steady_state(WR_WORLD_RUNNER_BACKEND_OPENMP, policies[p], NULL, p == 2);
    }
}

static void no_base_request_with_a_counting_base(void **state)
{
    (void)state;
    wr_memory_allocator *heap = NULL, *counting = NULL;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    assert_wr_ok(wr_memory_allocator_create_counting(heap, &counting));
    check_steady_state(WR_WORLD_RUNNER_BACKEND_PTHREADS, WR_NUMA_MEMORY_DEFAULT, counting, false);
    check_steady_state(WR_WORLD_RUNNER_BACKEND_PTHREADS, WR_NUMA_MEMORY_DEFAULT, counting, true);
    if (openmp_testable())
        check_steady_state(WR_WORLD_RUNNER_BACKEND_OPENMP, WR_NUMA_MEMORY_DEFAULT, counting, false);
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0); /* every world's chunks went back */
    assert_true(counts.allocations > 0);
    assert_wr_ok(wr_memory_allocator_destroy(counting));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_allocation_with_arenas),
        cmocka_unit_test(no_base_request_with_a_counting_base),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
