/* A hostile caller: empty objects, NULL with zero length, lengths that wrap, unbounded counts and huge sizes at
 * every public boundary (issue 15 and the sweep that followed it). Each call must return a clear status with a
 * message, change nothing, and never hang, crash or trip ASan/UBSan; calls that are well-defined on an empty or
 * zero-sized object must simply succeed. Run under the asan preset, this file is the regression test. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include "worldrunner/model.h"
#include "worldrunner/world_runner.h"

static int g_refusals; /* hostile calls refused with the expected status and message */

static void expect(wr_status got, wr_status expected, const char *fragment)
{
    g_refusals++;
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
    expect(wr_world_add_skeleton(w, &s, NULL), WR_ERR_INVALID_ARGUMENT, "no body");
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
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
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
    /* a system topology that hwloc would build from HWLOC_SYNTHETIC takes the same check */
    assert_int_equal(setenv("HWLOC_SYNTHETIC", huge[0], 1), 0);
    wr_numa_topology *t = NULL;
    expect(wr_numa_topology_create(NULL, &t), WR_ERR_INVALID_ARGUMENT, "HWLOC_SYNTHETIC");
    assert_null(t);
    assert_int_equal(unsetenv("HWLOC_SYNTHETIC"), 0);
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
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)"pendulum";
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

/* ---- the sweep: the same classes across the public API ------------------------------------------------------ */

static wr_status fail_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    (void)self, (void)bytes, (void)alignment, (void)out;
    return WR_ERR_OUT_OF_MEMORY;
}

static wr_status ignore_deallocate(void *self, void *ptr, size_t bytes)
{
    (void)self, (void)ptr, (void)bytes;
    return WR_OK;
}

static void sweep_allocators(void **state)
{
    (void)state;
    wr_memory_allocator *heap = NULL, *a = NULL;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    void *p = (void *)1;
    expect(wr_memory_allocator_allocate_aligned(heap, 0, 16, &p), WR_ERR_INVALID_ARGUMENT, "");
    expect(wr_memory_allocator_allocate_aligned(heap, SIZE_MAX, 16, &p), WR_ERR_INVALID_ARGUMENT, "");
    expect(wr_memory_allocator_allocate_aligned(heap, WR_MEMORY_ALLOCATOR_MAX_BYTES + 1, 16, &p),
           WR_ERR_INVALID_ARGUMENT, "");
    expect(wr_memory_allocator_allocate_aligned(heap, 64, 8192, &p), WR_ERR_INVALID_ARGUMENT, "");
    expect(wr_memory_allocator_allocate_aligned(heap, 64, 3, &p), WR_ERR_INVALID_ARGUMENT, "");
    expect(wr_memory_allocator_deallocate(heap, NULL, 16), WR_ERR_INVALID_ARGUMENT, "");
    assert_ptr_equal(p, (void *)1);
    wr_memory_allocator_ops no_allocate = {NULL, ignore_deallocate, NULL};
    expect(wr_memory_allocator_create_custom(&no_allocate, NULL, "x", &a), WR_ERR_INVALID_ARGUMENT, "");
    expect(wr_memory_allocator_create_custom(NULL, NULL, "x", &a), WR_ERR_INVALID_ARGUMENT, "");
    wr_memory_allocator_ops failing = {fail_allocate, ignore_deallocate, NULL};
    assert_wr_ok(wr_memory_allocator_create_custom(&failing, NULL, NULL, &a));
    assert_non_null(wr_memory_allocator_name(a));
    /* pool, free list and manager over an allocator that always fails: clean refusals */
    wr_pool_allocator *pool = NULL;
    expect(wr_pool_allocator_create(a, SIZE_MAX, &pool), WR_ERR_INVALID_ARGUMENT, "chunk_bytes");
    assert_wr_ok(wr_pool_allocator_create(a, 0, &pool));
    expect(wr_pool_allocator_allocate(pool, 0, 0, &p), WR_ERR_INVALID_ARGUMENT, "");
    expect(wr_pool_allocator_allocate(pool, 1025, 0, &p), WR_ERR_INVALID_ARGUMENT, "");
    assert_int_equal(wr_pool_allocator_allocate(pool, 64, 0, &p), WR_ERR_OUT_OF_MEMORY);
    assert_wr_ok(wr_pool_allocator_destroy(pool));
    wr_free_list_allocator *fl = NULL;
    expect(wr_free_list_allocator_create(a, SIZE_MAX, &fl), WR_ERR_INVALID_ARGUMENT, "chunk_bytes");
    assert_wr_ok(wr_free_list_allocator_create(a, 0, &fl));
    expect(wr_free_list_allocator_allocate(fl, SIZE_MAX, 0, &p), WR_ERR_INVALID_ARGUMENT, "");
    assert_int_equal(wr_free_list_allocator_allocate(fl, 1u << 20, 0, &p), WR_ERR_OUT_OF_MEMORY);
    assert_wr_ok(wr_free_list_allocator_destroy(fl));
    wr_memory_manager_config mc;
    wr_memory_manager_config_init(&mc);
    mc.base = a;
    wr_memory_manager *m = NULL;
    assert_wr_ok(wr_memory_manager_create(&mc, &m));
    expect(wr_memory_manager_allocate(m, SIZE_MAX, 0, WR_MEMORY_TAG_USER, &p), WR_ERR_INVALID_ARGUMENT, "");
    expect(wr_memory_manager_allocate(m, 64, 0, (wr_memory_tag)99, &p), WR_ERR_INVALID_ARGUMENT, "");
    assert_int_equal(wr_memory_manager_allocate(m, 64, 0, WR_MEMORY_TAG_USER, &p), WR_ERR_OUT_OF_MEMORY);
    assert_int_equal(wr_memory_manager_allocate(m, 1u << 20, 0, WR_MEMORY_TAG_USER, &p), WR_ERR_OUT_OF_MEMORY);
    expect(wr_memory_manager_visit_chunks(m, NULL, NULL), WR_ERR_INVALID_ARGUMENT, "visitor");
    wr_frame_allocator *frame = NULL;
    expect(wr_frame_allocator_create(m, SIZE_MAX, WR_MEMORY_TAG_SOLVER, &frame), WR_ERR_INVALID_ARGUMENT, "");
    assert_int_equal(wr_frame_allocator_create(m, 0, WR_MEMORY_TAG_SOLVER, &frame), WR_ERR_OUT_OF_MEMORY);
    assert_null(frame);
    wr_memory_manager_stats ms;
    assert_wr_ok(wr_memory_manager_get_stats(m, &ms));
    assert_int_equal(ms.bytes_in_use, 0);
    assert_wr_ok(wr_memory_manager_destroy(m));
    /* a frame allocator with room, asked for absurd sizes and marks */
    assert_wr_ok(wr_memory_manager_create(NULL, &m));
    assert_wr_ok(wr_frame_allocator_create(m, 0, WR_MEMORY_TAG_SOLVER, &frame));
    expect(wr_frame_allocator_allocate(frame, SIZE_MAX, 0, &p), WR_ERR_INVALID_ARGUMENT, "");
    expect(wr_frame_allocator_allocate(frame, 0, 0, &p), WR_ERR_INVALID_ARGUMENT, "");
    assert_wr_ok(wr_frame_allocator_allocate(frame, 100, 0, &p));
    expect(wr_frame_allocator_rewind(frame, SIZE_MAX), WR_ERR_INVALID_ARGUMENT, "");
    assert_int_equal(wr_frame_allocator_mark(frame), 100);
    assert_wr_ok(wr_frame_allocator_destroy(frame));
    assert_wr_ok(wr_memory_manager_destroy(m));
    assert_wr_ok(wr_memory_allocator_destroy(a));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
    assert_string_equal(wr_status_name((wr_status)12345), wr_status_name((wr_status)-7));
    assert_non_null(wr_memory_tag_name((wr_memory_tag)-1));
}

static void sweep_world_and_skeleton(void **state)
{
    (void)state;
    wr_world *w = NULL;
    wr_world_config c;
    wr_world_config_init(&c);
    c.time_step = 1e-320; /* denormal: > 0 and finite */
    assert_wr_ok(wr_world_create(&c, &w));
    assert_wr_ok(wr_world_destroy(w));
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_scene_build(w, "chain:3"));
    const uint64_t h = wr_world_state_hash(w);
    double q[9] = {0};
    expect(wr_world_get_positions(w, NULL, 3), WR_ERR_INVALID_ARGUMENT, "NULL");
    expect(wr_world_get_positions(w, q, SIZE_MAX), WR_ERR_INVALID_ARGUMENT, "count");
    expect(wr_world_set_velocities(w, q, SIZE_MAX), WR_ERR_INVALID_ARGUMENT, "count");
    expect(wr_world_apply_body_wrench(w, -1, 0, q, q), WR_ERR_INVALID_ARGUMENT, "skeleton index");
    expect(wr_world_apply_body_wrench(w, 0, 2147483647, q, q), WR_ERR_INVALID_ARGUMENT, "body index");
    expect(wr_world_apply_body_wrench(w, 0, 0, NULL, q), WR_ERR_INVALID_ARGUMENT, "NULL");
    assert_null(wr_world_get_skeleton(w, -1));
    assert_null(wr_world_get_skeleton(w, 2147483647));
    wr_skeleton *s = wr_world_get_skeleton(w, 0);
    expect(wr_skeleton_mass_matrix(s, q, SIZE_MAX), WR_ERR_INVALID_ARGUMENT, "count");
    expect(wr_skeleton_forward_dynamics(s, q, NULL, 3), WR_ERR_INVALID_ARGUMENT, "NULL");
    expect(wr_skeleton_inverse_dynamics(s, q, NULL, 3), WR_ERR_INVALID_ARGUMENT, "NULL");
    expect(wr_skeleton_body_pose(s, -1, q, q), WR_ERR_INVALID_ARGUMENT, "body index");
    expect(wr_skeleton_set_joint_damping(s, 3, 0.1), WR_ERR_INVALID_ARGUMENT, "body index");
    assert_int_equal(wr_skeleton_find_body(s, NULL), -1);
    /* snapshots: short, lying and corrupt buffers */
    unsigned char buf[4096];
    size_t need = wr_world_snapshot_size(w);
    assert_true(need <= sizeof buf);
    expect(wr_world_save_snapshot(w, buf, need - 1), WR_ERR_INVALID_ARGUMENT, "needed");
    expect(wr_world_save_snapshot(w, NULL, 0), WR_ERR_INVALID_ARGUMENT, "NULL");
    assert_wr_ok(wr_world_save_snapshot(w, buf, need));
    expect(wr_world_restore_snapshot(w, buf, 3), WR_ERR_INVALID_ARGUMENT, "too small");
    expect(wr_world_restore_snapshot(w, buf, need - 1), WR_ERR_INVALID_ARGUMENT, "shorter");
    unsigned char bad[4096];
    memcpy(bad, buf, need);
    uint32_t huge = 0xffffffffu; /* cache_count at offset 40 of the header: claims 4 billion entries */
    memcpy(bad + 40, &huge, sizeof huge);
    assert_int_not_equal(wr_world_restore_snapshot(w, bad, need), WR_OK);
    assert_int_equal(wr_world_state_hash(w), h);
    wr_world_snapshot *snap = NULL;
    expect(wr_world_snapshot_create(w, NULL), WR_ERR_INVALID_ARGUMENT, "NULL");
    assert_wr_ok(wr_world_snapshot_create(w, &snap));
    wr_world *other = NULL;
    assert_wr_ok(wr_world_create(NULL, &other));
    expect(wr_world_snapshot_restore(other, snap), WR_ERR_INVALID_ARGUMENT, "another world");
    expect(wr_world_snapshot_destroy(other, snap), WR_ERR_INVALID_ARGUMENT, "another world");
    assert_wr_ok(wr_world_destroy(other));
    assert_wr_ok(wr_world_snapshot_destroy(w, snap));
    /* collision API */
    size_t n = 0;
    expect(wr_collision_get_contacts(w, NULL, 5, &n), WR_ERR_INVALID_ARGUMENT, "");
    expect(wr_collision_set_shape_filter(s, -1, 1, 1), WR_ERR_NOT_FOUND, "shape -1");
    expect(wr_collision_set_shape_filter(s, 2147483647, 1, 1), WR_ERR_NOT_FOUND, "shape 2147483647");
    wr_collision_settings cs;
    assert_wr_ok(wr_collision_get_settings(w, &cs));
    cs.max_iterations = 2147483647;
    expect(wr_collision_set_settings(w, &cs), WR_ERR_INVALID_ARGUMENT, "");
    assert_wr_ok(wr_collision_get_settings(w, &cs));
    cs.tolerance = NAN;
    expect(wr_collision_set_settings(w, &cs), WR_ERR_NON_FINITE, "tolerance");
    assert_int_equal(wr_world_state_hash(w), h);
    assert_wr_ok(wr_world_destroy(w));
}

/* A skeleton has at most WR_SKELETON_MAX_BODIES bodies and WR_SKELETON_MAX_DOFS dofs (dense nv x nv matrices). */
static void sweep_skeleton_size_bound(void **state)
{
    (void)state;
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "long", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_WELD); /* no dofs: the body bound alone */
    for (int i = 0; i < WR_SKELETON_MAX_BODIES; ++i)
        assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    const size_t bytes = wr_skeleton_memory_bytes(s);
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "at most");
    assert_int_equal(wr_skeleton_body_count(s), WR_SKELETON_MAX_BODIES);
    assert_int_equal(wr_skeleton_memory_bytes(s), bytes);
    assert_wr_ok(wr_skeleton_destroy(s));
    /* the dof bound: free joints, 6 dofs each */
    assert_wr_ok(wr_skeleton_create(NULL, "free", &s));
    wr_body_desc_init(&b);
    int added = 0;
    while (wr_skeleton_add_body(s, &b, NULL) == WR_OK)
        ++added;
    assert_int_equal(added, WR_SKELETON_MAX_DOFS / 6);
    assert_non_null(strstr(wr_last_error(), "dofs"));
    assert_wr_ok(wr_skeleton_destroy(s));
}

static void sweep_scene_names(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    char name[64];
    snprintf(name, sizeof name, "chain:%d", WR_SCENE_MAX_COUNT + 1);
    expect(wr_scene_build(w, name), WR_ERR_INVALID_ARGUMENT, "scene");
    snprintf(name, sizeof name, "boxes:%d", WR_SCENE_MAX_COUNT + 1);
    expect(wr_scene_build(w, name), WR_ERR_INVALID_ARGUMENT, "scene");
    const char *odd[] = {"chain:+3", "chain:0x10", "chain:3 ", "chain:\t3", "boxes:-0", "chain:00000000000000000000003",
                         "humanoid\n", "pendulum:1", "chain:4294967297", "boxes:18446744073709551617"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; ++i) {
        wr_status st = wr_scene_build(w, odd[i]);
        if (st == WR_OK)
            continue; /* a leading-zero count is a count */
        assert_int_equal(st, WR_ERR_INVALID_ARGUMENT);
    }
    assert_true(wr_world_skeleton_count(w) <= 1);
    assert_wr_ok(wr_world_destroy(w));
    /* the largest scenes a name can ask for stay modest: a chain's joint-space matrices are dense (nv x nv) */
    snprintf(name, sizeof name, "chain:%d", WR_SCENE_MAX_COUNT);
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_scene_build(w, name));
    wr_memory_manager_stats ms;
    assert_wr_ok(wr_memory_manager_get_stats(wr_world_get_memory_manager(w), &ms));
    print_message("%s reserves %.1f MiB\n", name, ms.bytes_reserved / 1048576.0);
    assert_true(ms.bytes_reserved < ((size_t)64 << 20));
    assert_wr_ok(wr_world_destroy(w));
}

static void sweep_numa_and_runner(void **state)
{
    (void)state;
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_worker_plan plan[4];
    expect(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_NONE, WR_NUMA_MEMORY_LOCAL, 0, plan), WR_ERR_INVALID_ARGUMENT,
           "workers");
    expect(wr_numa_plan_workers(t, (wr_numa_placement)7, WR_NUMA_MEMORY_LOCAL, 1, plan), WR_ERR_INVALID_ARGUMENT,
           "placement");
    expect(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_NONE, (wr_numa_memory_policy)-1, 1, plan),
           WR_ERR_INVALID_ARGUMENT, "policy");
    assert_int_equal(wr_numa_plan_resolve_workers(t, -5), 0);
    wr_numa_core_info ci;
    expect(wr_numa_topology_core(t, -1, &ci), WR_ERR_NOT_FOUND, "core");
    expect(wr_numa_topology_core(t, 2147483647, &ci), WR_ERR_NOT_FOUND, "core");
    wr_numa_node_info ni;
    expect(wr_numa_topology_node(t, 2147483647, &ni), WR_ERR_NOT_FOUND, "node");
    assert_int_equal(wr_numa_topology_node_from_os_index(t, -1), -1);
    wr_numa_binding b;
    expect(wr_numa_topology_pin_current_thread(t, -1, &b), WR_ERR_NOT_FOUND, "core");
    wr_numa_node_allocator *na = NULL;
    assert_int_not_equal(wr_numa_node_allocator_create(t, WR_NUMA_BIND_NODE, 2147483647, &na), WR_OK);
    assert_int_not_equal(wr_numa_node_allocator_create(t, (wr_numa_bind_mode)9, 0, &na), WR_OK);
    assert_null(na);
    wr_numa_arena *arena = NULL;
    wr_memory_allocator *heap = NULL;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    expect(wr_numa_arena_create(heap, 1000, &arena), WR_ERR_INVALID_ARGUMENT, "");
    expect(wr_numa_arena_create(NULL, 0, &arena), WR_ERR_INVALID_ARGUMENT, "");
    assert_null(arena);
    assert_wr_ok(wr_memory_allocator_destroy(heap));
    assert_wr_ok(wr_numa_topology_destroy(t));
    /* runner: spin counts, world configs */
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = 1;
    c.spin_iterations = 0xffffffffu;
    wr_world_runner *r = NULL;
    expect(wr_world_runner_create(&c, &r), WR_ERR_INVALID_ARGUMENT, "spin");
    c.spin_iterations = 0;
    c.memory_policy = (wr_numa_memory_policy)77;
    assert_int_not_equal(wr_world_runner_create(&c, &r), WR_OK);
    c.memory_policy = WR_NUMA_MEMORY_DEFAULT;
    c.placement = (wr_numa_placement)-3;
    assert_int_not_equal(wr_world_runner_create(&c, &r), WR_OK);
    c.placement = WR_NUMA_PLACEMENT_COMPACT;
    c.topology_source = (wr_numa_topology_source)5;
    assert_int_not_equal(wr_world_runner_create(&c, &r), WR_OK);
    c.topology_source = WR_NUMA_TOPOLOGY_XML;
    c.topology_description = NULL;
    assert_int_not_equal(wr_world_runner_create(&c, &r), WR_OK);
    assert_null(r);
    c.topology_source = WR_NUMA_TOPOLOGY_SYSTEM;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wr_world *w = NULL;
    wc.cost = NAN;
    expect(wr_world_runner_create_world(r, &wc, &w), WR_ERR_NON_FINITE, "cost");
    wc.cost = INFINITY;
    expect(wr_world_runner_create_world(r, &wc, &w), WR_ERR_NON_FINITE, "cost");
    wc.cost = -INFINITY;
    expect(wr_world_runner_create_world(r, &wc, &w), WR_ERR_NON_FINITE, "cost");
    wc.cost = 0;
    wc.worker = 2147483647;
    expect(wr_world_runner_create_world(r, &wc, &w), WR_ERR_INVALID_ARGUMENT, "worker");
    wc.worker = -1;
    wc.build = wr_scene_build_callback; /* refused by the scene, on the worker: nothing is left behind */
    wc.build_context = (void *)"chain:99999999";
    expect(wr_world_runner_create_world(r, &wc, &w), WR_ERR_INVALID_ARGUMENT, "scene");
    wc.build = NULL;
    wc.build_context = NULL;
    assert_int_equal(wr_world_runner_world_count(r), 0);
    wr_world *none = NULL;
    expect(wr_world_runner_world_at(r, SIZE_MAX, &none), WR_ERR_NOT_FOUND, "");
    wr_world_runner_worker_stats ws;
    assert_int_not_equal(wr_world_runner_get_worker_stats(r, -1, &ws), WR_OK);
    assert_int_not_equal(wr_world_runner_get_worker_stats(r, 2147483647, &ws), WR_OK);
    expect(wr_world_runner_step_all(r, 0), WR_ERR_INVALID_ARGUMENT, "steps");
    expect(wr_world_runner_step_wait(r), WR_ERR_INVALID_STATE, "");
    assert_wr_ok(wr_world_runner_destroy(r));
}

static void sweep_model(void **state)
{
    (void)state;
    const char *xml = "<mujoco><worldbody><geom type=\"plane\" size=\"0 0 1\"/></worldbody></mujoco>";
    wr_model *m = NULL;
    expect(wr_model_load_string(NULL, 0, NULL, &m), WR_ERR_INVALID_ARGUMENT, "");
    assert_int_not_equal(wr_model_load_string("", 0, NULL, &m), WR_OK);
    expect(wr_model_load_string(xml, SIZE_MAX, NULL, &m), WR_ERR_INVALID_ARGUMENT, "");
    wr_model_load_options o;
    wr_model_load_options_init(&o);
    o.format = (wr_model_format)99;
    assert_int_not_equal(wr_model_load_string(xml, strlen(xml), &o, &m), WR_OK);
    assert_int_not_equal(wr_model_load_file(NULL, NULL, &m), WR_OK);
    assert_int_not_equal(wr_model_load_file("/nonexistent/model.xml", NULL, &m), WR_OK);
    assert_null(m);
    /* a model of static geometry only: 0 positions, and NULL with 0 is fine */
    assert_wr_ok(wr_model_load_string(xml, strlen(xml), NULL, &m));
    assert_int_equal(wr_model_position_count(m), 0);
    assert_wr_ok(wr_model_get_initial_positions(m, NULL, 0));
    double q = 0;
    expect(wr_model_get_initial_positions(m, &q, 1), WR_ERR_INVALID_ARGUMENT, "");
    wr_model_body_info bi;
    assert_int_not_equal(wr_model_get_body(m, -1, &bi), WR_OK);
    assert_int_not_equal(wr_model_get_body(m, 2147483647, &bi), WR_OK);
    wr_model_joint_info ji;
    assert_int_not_equal(wr_model_get_joint(m, 0, &ji), WR_OK);
    wr_model_warning_info wi;
    assert_int_not_equal(wr_model_get_warning(m, 2147483647, &wi), WR_OK);
    assert_int_equal(wr_model_find_body(m, NULL), -1);
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_world_add_model(w, m, NULL, NULL)); /* a static ground: no position, no velocity */
    assert_int_equal(wr_world_position_count(w), 0);
    assert_wr_ok(wr_world_step(w, 2));
    assert_wr_ok(wr_world_get_positions(w, NULL, 0));
    expect(wr_world_add_model(w, NULL, NULL, NULL), WR_ERR_INVALID_ARGUMENT, "");
    wr_model *c = NULL;
    assert_int_not_equal(wr_model_clone(NULL, NULL, &c), WR_OK);
    assert_null(c);
    assert_wr_ok(wr_world_destroy(w));
    assert_wr_ok(wr_model_destroy(m));
}

static void summary(void **state)
{
    (void)state;
    printf("hostile input: %d hostile calls refused with the expected status and message (and the well-defined "
           "zero-length calls succeeded)\n", g_refusals);
    fflush(stdout);
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
        cmocka_unit_test(sweep_allocators),
        cmocka_unit_test(sweep_world_and_skeleton),
        cmocka_unit_test(sweep_skeleton_size_bound),
        cmocka_unit_test(sweep_scene_names),
        cmocka_unit_test(sweep_numa_and_runner),
        cmocka_unit_test(sweep_model),
        cmocka_unit_test(summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
