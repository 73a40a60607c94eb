/* wr_world_runner determinism: the same worlds end in bit-identical states (wr_world_state_hash) for 1, 2 and 3 workers
 * (3 unpinned, placement none, on a 2-core machine), both backends, every memory policy, with and without the host
 * as worker 0, and when each world is stepped alone with wr_world_step(). Half of the worlds have a pre-step controller
 * callback. */
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include "worldrunner/world_runner.h"

/* gcc's libgomp is not TSan-instrumented: its barriers look like races. clang + libomp (Archer) is clean. */
#if defined(__SANITIZE_THREAD__) && !defined(__clang__)
#define OPENMP_UNDER_TSAN_SKIP 1
#else
#define OPENMP_UNDER_TSAN_SKIP 0
#endif

enum { WORLDS = 6, TICKS = 4, STEPS_PER_TICK = 8 };
static const char *SCENES[WORLDS] = {"chain:16", "humanoid", "boxes:4", "arm7", "pendulum", "chain:5"};

/* A deterministic controller: joint torques from the step index and the world's own positions. */
static wr_status controller(wr_world *w, int step, void *user)
{
    (void)user;
    double q[128], tau[128];
    size_t nq = wr_world_position_count(w), nv = wr_world_dof_count(w);
    if (nq > 128 || nv > 128)
        return WR_ERR_INVALID_ARGUMENT;
    wr_status s = wr_world_get_positions(w, q, nq);
    for (size_t i = 0; i < nv && s == WR_OK; ++i)
        tau[i] = 0.05 * (double)((step + (int)i) % 5 - 2) - 0.1 * q[i < nq ? i : 0];
    return s == WR_OK ? wr_world_set_joint_forces(w, tau, nv) : s;
}

static bool has_controller(int i) { return i % 2 == 1; }

static void reference_hashes(uint64_t *hashes)
{
    for (int i = 0; i < WORLDS; ++i) {
        wr_world *w = NULL;
        assert_wr_ok(wr_world_create(NULL, &w));
        assert_wr_ok(wr_scene_build(w, SCENES[i]));
        for (int t = 0; t < TICKS; ++t) {
            for (int s = 0; s < STEPS_PER_TICK; ++s) {
                if (has_controller(i))
                    assert_wr_ok(controller(w, s, NULL));
                assert_wr_ok(wr_world_step(w, 1));
            }
        }
        hashes[i] = wr_world_state_hash(w);
        assert_int_equal(wr_world_step_count(w), TICKS * STEPS_PER_TICK);
        assert_wr_ok(wr_world_destroy(w));
    }
}

static void run_and_compare(const uint64_t *expected, int workers, wr_numa_placement placement,
                            wr_world_runner_backend backend, wr_numa_memory_policy policy, bool host_as_worker)
{
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.host_as_worker = host_as_worker;
    c.workers = workers;
    c.placement = placement;
    c.backend = backend;
    c.memory_policy = policy;
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    wr_world *worlds[WORLDS];
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    for (int i = 0; i < WORLDS; ++i) {
        wc.build = wr_scene_build_callback;
        wc.build_context = (void *)SCENES[i];
        assert_wr_ok(wr_world_runner_create_world(r, &wc, &worlds[i]));
        if (has_controller(i))
            assert_wr_ok(wr_world_runner_set_pre_step(r, worlds[i], controller, NULL));
    }
    for (int t = 0; t < TICKS; ++t) {
        if (t % 2 == 0) {
            assert_wr_ok(wr_world_runner_step_all(r, STEPS_PER_TICK));
        } else {
            assert_wr_ok(wr_world_runner_step_begin(r, STEPS_PER_TICK));
            assert_wr_ok(wr_world_runner_step_wait(r));
        }
    }
    for (int i = 0; i < WORLDS; ++i) {
        if (wr_world_state_hash(worlds[i]) != expected[i])
            print_error("world %d (%s) differs: %d workers, %s, %s, %s\n", i, SCENES[i], workers,
                        wr_numa_placement_name(placement), wr_world_runner_backend_name(backend),
                        wr_numa_memory_policy_name(policy));
        assert_true(wr_world_state_hash(worlds[i]) == expected[i]);
    }
    assert_wr_ok(wr_world_runner_destroy(r));
}

static void same_bits_for_every_configuration(void **state)
{
    (void)state;
    uint64_t expected[WORLDS];
    reference_hashes(expected);
    wr_world_runner_backend backends[2] = {WR_WORLD_RUNNER_BACKEND_PTHREADS, WR_WORLD_RUNNER_BACKEND_OPENMP};
    int backend_count = 1;
    if (!wr_world_runner_has_openmp())
        print_message("SKIP OpenMP backend: not in this build\n");
    else if (OPENMP_UNDER_TSAN_SKIP)
        print_message("SKIP OpenMP backend: gcc's libgomp is not ThreadSanitizer-clean (use the clang tsan build)\n");
    else
        backend_count = 2;
    const wr_numa_memory_policy policies[] = {WR_NUMA_MEMORY_LOCAL, WR_NUMA_MEMORY_INTERLEAVE, WR_NUMA_MEMORY_FIRST_TOUCH,
                                           WR_NUMA_MEMORY_REMOTE, WR_NUMA_MEMORY_DEFAULT};
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_topology_info info;
    assert_wr_ok(wr_numa_topology_get_info(t, &info));
    assert_wr_ok(wr_numa_topology_destroy(t));
    for (int b = 0; b < backend_count; ++b) {
        for (size_t p = 0; p < sizeof policies / sizeof policies[0]; ++p) {
            run_and_compare(expected, 1, WR_NUMA_PLACEMENT_COMPACT, backends[b], policies[p], false);
            if (info.allowed_core_count >= 2) {
                run_and_compare(expected, 2, WR_NUMA_PLACEMENT_SCATTER, backends[b], policies[p], false);
                run_and_compare(expected, 2, WR_NUMA_PLACEMENT_COMPACT, backends[b], policies[p], true);
            }
            run_and_compare(expected, 3, WR_NUMA_PLACEMENT_NONE, backends[b], policies[p], p % 2 == 0);
        }
    }
}

/* wr_world_step(w, n) and n calls of wr_world_step(w, 1) agree: the runner uses the former when no callback is set. */
static void batched_and_single_steps_agree(void **state)
{
    (void)state;
    for (int i = 0; i < WORLDS; ++i) {
        wr_world *a = NULL, *b = NULL;
        assert_wr_ok(wr_world_create(NULL, &a));
        assert_wr_ok(wr_world_create(NULL, &b));
        assert_wr_ok(wr_scene_build(a, SCENES[i]));
        assert_wr_ok(wr_scene_build(b, SCENES[i]));
        assert_wr_ok(wr_world_step(a, 20));
        for (int s = 0; s < 20; ++s)
            assert_wr_ok(wr_world_step(b, 1));
        assert_true(wr_world_state_hash(a) == wr_world_state_hash(b));
        assert_wr_ok(wr_world_destroy(a));
        assert_wr_ok(wr_world_destroy(b));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(batched_and_single_steps_agree),
        cmocka_unit_test(same_bits_for_every_configuration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
