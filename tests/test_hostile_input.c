/* A hostile caller: empty objects, NULL with zero length, lengths that wrap, unbounded counts and huge sizes at
 * every public boundary (issue 15 and the sweep that followed it). Each call must return a clear status with a
 * message, change nothing, and never hang, crash or trip ASan/UBSan; calls that are well-defined on an empty or
 * zero-sized object must simply succeed. Run under the asan preset, this file is the regression test. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include "worldrunner/world_runner.h"

static void expect(wr_status got, wr_status expected, const char *fragment)
{
    if (got != expected || !strstr(wr_last_error(), fragment))
        print_error("got %s \"%s\", expected %s with \"%s\"\n", wr_status_name(got), wr_last_error(),
                    wr_status_name(expected), fragment);
    assert_int_equal(got, expected);
    assert_non_null(strstr(wr_last_error(), fragment));
}

/* A skeleton of one body welded to the world: 0 positions, 0 dofs (a static ground). */
static wr_skeleton *static_ground(wr_memory_manager *m)
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(m, "ground", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_WELD);
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    wr_shape_desc plane;
    wr_shape_desc_init(&plane, WR_SHAPE_PLANE);
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &plane, NULL));
    return s;
}

/* ---- issue 15.1: a skeleton with no body ---------------------------------------------------------------------- */

/* Refused: a skeleton in a world can no longer gain bodies, so an empty one could never do anything there. */
static void empty_skeleton_is_refused_by_the_world(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    wr_memory_manager_stats before, after;
    assert_wr_ok(wr_memory_manager_get_stats(wr_world_get_memory_manager(w), &before));
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "empty", &s));
    wr_skeleton *kept = s;
    expect(wr_world_add_skeleton(w, &s), WR_ERR_INVALID_ARGUMENT, "no body");
    assert_ptr_equal(s, kept);
    assert_int_equal(wr_world_skeleton_count(w), 0);
    /* the empty skeleton itself is well-defined: every call on it works or is refused cleanly */
    assert_wr_ok(wr_skeleton_get_positions(s, NULL, 0));
    assert_wr_ok(wr_skeleton_set_positions(s, NULL, 0));
    assert_wr_ok(wr_skeleton_get_velocities(s, NULL, 0));
    assert_wr_ok(wr_skeleton_set_velocities(s, NULL, 0));
    assert_wr_ok(wr_skeleton_set_joint_forces(s, NULL, 0));
    assert_wr_ok(wr_skeleton_clear_forces(s));
    assert_wr_ok(wr_skeleton_mass_matrix(s, NULL, 0));
    assert_wr_ok(wr_skeleton_forward_dynamics(s, NULL, NULL, 0));
    assert_wr_ok(wr_skeleton_inverse_dynamics(s, NULL, NULL, 0));
    double e = -1, p[3], l[3];
    assert_wr_ok(wr_skeleton_kinetic_energy(s, &e));
    assert_true(e == 0.0);
    assert_wr_ok(wr_skeleton_potential_energy(s, &e));
    assert_true(e == 0.0);
    assert_wr_ok(wr_skeleton_momentum(s, p, l));
    double r[9];
    expect(wr_skeleton_body_pose(s, 0, p, r), WR_ERR_INVALID_ARGUMENT, "out of range");
    expect(wr_skeleton_apply_body_wrench(s, 0, p, l), WR_ERR_INVALID_ARGUMENT, "out of range");
    assert_int_equal(wr_skeleton_find_body(s, ""), -1);
    assert_wr_ok(wr_skeleton_destroy(s));
    assert_wr_ok(wr_memory_manager_get_stats(wr_world_get_memory_manager(w), &after));
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
    /* and the world without skeletons works as well */
    assert_wr_ok(wr_world_get_positions(w, NULL, 0));
    assert_wr_ok(wr_world_set_positions(w, NULL, 0));
    assert_wr_ok(wr_world_step(w, 3));
    assert_true(wr_world_snapshot_size(w) > 0);
    assert_wr_ok(wr_world_destroy(w));
}

/* ---- issue 15.2: NULL with zero length on 0-dof skeletons and worlds -------------------------------------------- */

static void null_with_zero_length_on_a_static_ground(void **state)
{
    (void)state;
    wr_skeleton *s = static_ground(NULL);
    assert_int_equal(wr_skeleton_position_count(s), 0);
    assert_wr_ok(wr_skeleton_set_positions(s, NULL, 0));
    assert_wr_ok(wr_skeleton_get_positions(s, NULL, 0));
    assert_wr_ok(wr_skeleton_set_velocities(s, NULL, 0));
    assert_wr_ok(wr_skeleton_get_velocities(s, NULL, 0));
    assert_wr_ok(wr_skeleton_set_joint_forces(s, NULL, 0));
    assert_wr_ok(wr_skeleton_mass_matrix(s, NULL, 0));
    assert_wr_ok(wr_skeleton_forward_dynamics(s, NULL, NULL, 0));
    assert_wr_ok(wr_skeleton_inverse_dynamics(s, NULL, NULL, 0));
    double one = 0;
    expect(wr_skeleton_set_positions(s, &one, 1), WR_ERR_INVALID_ARGUMENT, "count");
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_world_add_skeleton(w, &s));
    assert_wr_ok(wr_world_set_positions(w, NULL, 0));
    assert_wr_ok(wr_world_get_positions(w, NULL, 0));
    assert_wr_ok(wr_world_set_velocities(w, NULL, 0));
    assert_wr_ok(wr_world_get_velocities(w, NULL, 0));
    assert_wr_ok(wr_world_set_joint_forces(w, NULL, 0));
    /* a world of only static bodies steps, saves and restores (no state to back up) */
    assert_wr_ok(wr_world_step(w, 5));
    unsigned char snap[256];
    assert_true(wr_world_snapshot_size(w) <= sizeof snap);
    assert_wr_ok(wr_world_save_snapshot(w, snap, sizeof snap));
    assert_wr_ok(wr_world_step(w, 5));
    assert_wr_ok(wr_world_restore_snapshot(w, snap, sizeof snap));
    assert_int_equal(wr_world_step_count(w), 5);
    size_t n = 99;
    assert_wr_ok(wr_world_step(w, 1));
    assert_wr_ok(wr_collision_get_contacts(w, NULL, 0, &n));
    assert_int_equal(n, 0);
    assert_wr_ok(wr_world_destroy(w));
}

/* ---- issue 15.3: a synthetic topology too large to build ------------------------------------------------------ */

static void huge_synthetic_topology_is_refused_at_once(void **state)
{
    (void)state;
    const char *huge[] = {
        "package:100000 core:100000 pu:1",            /* 10^10 PUs: hwloc would build them all */
        "package:65536 core:65536",                   /* 2^32 */
        "99999999999999999999 2",                     /* overflows any integer */
        "package:2 [numa(memory=1GB)] core:100000 pu:100000",
        "numa:1000 core:1000 pu:1000",
        "package:2 core:2049 pu:1",                   /* one PU past the bound */
    };
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; ++i) {
        wr_numa_topology_config c;
        wr_numa_topology_config_init(&c);
        c.source = WR_NUMA_TOPOLOGY_SYNTHETIC;
        c.description = huge[i];
        wr_numa_topology *t = NULL;
        expect(wr_numa_topology_create(&c, &t), WR_ERR_INVALID_ARGUMENT, "at most");
        assert_null(t);
        /* the runner takes the same road */
        wr_world_runner_config rc;
        wr_world_runner_config_init(&rc);
        rc.topology_source = WR_NUMA_TOPOLOGY_SYNTHETIC;
        rc.topology_description = huge[i];
        wr_world_runner *r = NULL;
        expect(wr_world_runner_create(&rc, &r), WR_ERR_INVALID_ARGUMENT, "at most");
        assert_null(r);
    }
    /* at the bound it still builds */
    char at_bound[64];
    snprintf(at_bound, sizeof at_bound, "package:16 core:4 pu:%d", WR_NUMA_TOPOLOGY_MAX_PUS / 64);
    const char *fine[] = {"package:2 [numa] core:2 pu:1", "package:2 numa:1 core:4 pu:1", "2 2", at_bound};
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; ++i) {
        wr_numa_topology_config c;
        wr_numa_topology_config_init(&c);
        c.source = WR_NUMA_TOPOLOGY_SYNTHETIC;
        c.description = fine[i];
        wr_numa_topology *t = NULL;
        assert_wr_ok(wr_numa_topology_create(&c, &t));
        assert_wr_ok(wr_numa_topology_destroy(t));
    }
}

/* ---- issue 15.4: byte lengths that wrap, absurd chunk sizes ---------------------------------------------------- */

static void page_queries_refuse_ranges_that_wrap(void **state)
{
    (void)state;
    static int probe[16];
    int nodes[4];
    size_t pages = 7, by_node[WR_NUMA_MAX_NODES] = {0}, unplaced = 0;
    expect(wr_numa_pages_query(probe, SIZE_MAX, nodes, 4, &pages), WR_ERR_INVALID_ARGUMENT, "range");
    expect(wr_numa_pages_query(probe, SIZE_MAX - (uintptr_t)probe + 1, nodes, 4, &pages), WR_ERR_INVALID_ARGUMENT,
           "range");
    expect(wr_numa_pages_query((const void *)(uintptr_t)(SIZE_MAX - 100), 200, nodes, 4, &pages),
           WR_ERR_INVALID_ARGUMENT, "range");
    expect(wr_numa_pages_query(probe, WR_NUMA_PAGES_MAX_BYTES + 1, nodes, 4, &pages), WR_ERR_INVALID_ARGUMENT,
           "at most");
    assert_int_equal(pages, 7);
    expect(wr_numa_pages_count_by_node(probe, SIZE_MAX, by_node, &unplaced), WR_ERR_INVALID_ARGUMENT, "range");
    expect(wr_numa_pages_count_by_node(probe, WR_NUMA_PAGES_MAX_BYTES + 1, by_node, &unplaced),
           WR_ERR_INVALID_ARGUMENT, "at most");
    for (int n = 0; n < WR_NUMA_MAX_NODES; ++n)
        assert_int_equal(by_node[n], 0);
    assert_int_equal(unplaced, 0);
    /* a normal range still answers (or says the kernel cannot) */
    wr_status s = wr_numa_pages_query(probe, sizeof probe, nodes, 4, &pages);
    assert_true(s == WR_OK || s == WR_ERR_UNSUPPORTED);
    if (s == WR_OK)
        assert_true(pages >= 1 && pages <= 2);
}

static void runner_refuses_absurd_chunk_sizes(void **state)
{
    (void)state;
    struct {
        size_t arena, pool, free_list;
    } bad[] = {
        {0, 0, SIZE_MAX},
        {0, SIZE_MAX, 0},
        {SIZE_MAX - 4095, 0, 0},                            /* a multiple of the page size */
        {0, 0, WR_WORLD_RUNNER_MAX_CHUNK_BYTES + 1},
        {(size_t)WR_WORLD_RUNNER_MAX_CHUNK_BYTES + 4096, 0, 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        wr_world_runner_config c;
        wr_world_runner_config_init(&c);
        c.workers = 1;
        c.arena_chunk_bytes = bad[i].arena;
        c.world_pool_chunk_bytes = bad[i].pool;
        c.world_free_list_chunk_bytes = bad[i].free_list;
        wr_world_runner *r = NULL;
        expect(wr_world_runner_create(&c, &r), WR_ERR_INVALID_ARGUMENT, "chunk");
        assert_null(r);
    }
    /* the largest accepted sizes still give a working runner (chunks are only reserved when used) */
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = 1;
    c.memory_policy = WR_NUMA_MEMORY_DEFAULT;
    c.world_pool_chunk_bytes = 4096;
    c.world_free_list_chunk_bytes = 4096;
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.scene = "pendulum";
    wr_world *w = NULL;
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &w));
    assert_wr_ok(wr_world_runner_step_all(r, 2));
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* ---- issue 15.5: unbounded worker counts ---------------------------------------------------------------------- */

static void runner_refuses_unbounded_worker_counts(void **state)
{
    (void)state;
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_topology_info info;
    assert_wr_ok(wr_numa_topology_get_info(t, &info));
    assert_wr_ok(wr_numa_topology_destroy(t));
    int per_cores = WR_WORLD_RUNNER_MAX_WORKERS_PER_CORE * info.allowed_core_count;
    int limit = per_cores < WR_WORLD_RUNNER_MAX_WORKERS ? per_cores : WR_WORLD_RUNNER_MAX_WORKERS;
    const int bad[] = {100000, WR_WORLD_RUNNER_MAX_WORKERS + 1, limit + 1, 2147483647};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        for (int backend = 0; backend < 2; ++backend) {
            wr_world_runner_config c;
            wr_world_runner_config_init(&c);
            c.workers = bad[i];
            c.placement = WR_NUMA_PLACEMENT_NONE;
            c.backend = backend ? WR_WORLD_RUNNER_BACKEND_OPENMP : WR_WORLD_RUNNER_BACKEND_PTHREADS;
            if (backend && !wr_world_runner_has_openmp())
                continue;
            wr_world_runner *r = NULL;
            expect(wr_world_runner_create(&c, &r), WR_ERR_INVALID_ARGUMENT, "workers");
            assert_null(r);
        }
    }
    /* the same bound on a synthetic topology, whose allowed cores are its own */
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.topology_source = WR_NUMA_TOPOLOGY_SYNTHETIC;
    c.topology_description = "package:1 core:2 pu:1";
    c.placement = WR_NUMA_PLACEMENT_NONE;
    c.workers = 2 * WR_WORLD_RUNNER_MAX_WORKERS_PER_CORE + 1;
    wr_world_runner *r = NULL;
    expect(wr_world_runner_create(&c, &r), WR_ERR_INVALID_ARGUMENT, "workers");
    /* ... and at the bound it starts (kept small: a few threads) */
    c.workers = 2 * 2;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    assert_wr_ok(wr_world_runner_destroy(r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_skeleton_is_refused_by_the_world),
        cmocka_unit_test(null_with_zero_length_on_a_static_ground),
        cmocka_unit_test(huge_synthetic_topology_is_refused_at_once),
        cmocka_unit_test(page_queries_refuse_ranges_that_wrap),
        cmocka_unit_test(runner_refuses_absurd_chunk_sizes),
        cmocka_unit_test(runner_refuses_unbounded_worker_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
