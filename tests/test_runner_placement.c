/* wr_world_runner placement: on the synthetic topology "package:2 numa:1 core:4 pu:1" the workers' cores, nodes and
 * arena nodes follow each placement and policy (pinning and binding simulated); worlds are balanced by cost; on the
 * real machine the pages of every world's memory are on the node its policy names (page query). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include "worldrunner/numa.h"
#include "worldrunner/world_runner.h"

static const char *TWO_NODES = "package:2 numa:1 core:4 pu:1";

static wr_world_runner *synthetic_runner(int workers, wr_numa_placement placement, wr_numa_memory_policy policy)
{
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = workers;
    c.placement = placement;
    c.memory_policy = policy;
    c.topology_source = WR_NUMA_TOPOLOGY_SYNTHETIC;
    c.topology_description = TWO_NODES;
    c.arena_chunk_bytes = 256 * 1024;
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    return r;
}

static int node_os(const wr_world_runner *r, int logical)
{
    wr_numa_node_info n;
    assert_wr_ok(wr_numa_topology_node(wr_world_runner_topology(r), logical, &n));
    return n.os_index;
}

static void scatter_local_alternates_nodes_and_binds_locally(void **state)
{
    (void)state;
    wr_world_runner *r = synthetic_runner(4, WR_NUMA_PLACEMENT_SCATTER, WR_NUMA_MEMORY_LOCAL);
    wr_world_runner_stats s;
    assert_wr_ok(wr_world_runner_get_stats(r, &s));
    assert_int_equal(s.workers, 4);
    assert_int_equal(s.node_count, 2);
    assert_true(s.pinning_simulated);
    assert_int_equal(s.workers_pinned, 0); /* nothing really pinned on a synthetic topology */
    assert_false(s.memory_bound);          /* nor bound */
    for (int k = 0; k < 4; ++k) {
        wr_world_runner_worker_stats w;
        assert_wr_ok(wr_world_runner_get_worker_stats(r, k, &w));
        assert_int_equal(w.node_os_index, node_os(r, k % 2));
        assert_int_equal(w.memory_node_os_index, w.node_os_index);
        assert_int_equal(w.pinning, WR_NUMA_BINDING_SIMULATED);
        assert_int_equal(w.memory_binding, WR_NUMA_BINDING_SIMULATED);
    }
    /* Each world's memory follows its worker's node. */
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)"pendulum";
    for (int i = 0; i < 8; ++i) {
        wr_world *w = NULL;
        assert_wr_ok(wr_world_runner_create_world(r, &wc, &w));
        wr_world_runner_world_info info;
        assert_wr_ok(wr_world_runner_world_info_get(r, w, &info));
        assert_int_equal(info.worker, i % 4); /* equal costs: round robin */
        assert_int_equal(info.memory_node_os_index, node_os(r, info.worker % 2));
        assert_non_null(info.memory);
    }
    assert_wr_ok(wr_world_runner_step_all(r, 3));
    assert_wr_ok(wr_world_runner_destroy(r));
}

static void remote_binds_to_the_other_node(void **state)
{
    (void)state;
    wr_world_runner *r = synthetic_runner(8, WR_NUMA_PLACEMENT_COMPACT, WR_NUMA_MEMORY_REMOTE);
    for (int k = 0; k < 8; ++k) {
        wr_world_runner_worker_stats w;
        assert_wr_ok(wr_world_runner_get_worker_stats(r, k, &w));
        assert_int_equal(w.core, k);
        assert_int_equal(w.node_os_index, node_os(r, k / 4));
        assert_int_equal(w.memory_node_os_index, node_os(r, 1 - k / 4));
    }
    assert_wr_ok(wr_world_runner_destroy(r));
}

static void unbound_policies_have_no_memory_node(void **state)
{
    (void)state;
    const wr_numa_memory_policy policies[] = {WR_NUMA_MEMORY_INTERLEAVE, WR_NUMA_MEMORY_FIRST_TOUCH, WR_NUMA_MEMORY_DEFAULT};
    const wr_numa_binding expected[] = {WR_NUMA_BINDING_SIMULATED, WR_NUMA_BINDING_NONE, WR_NUMA_BINDING_NONE};
    for (size_t p = 0; p < 3; ++p) {
        wr_world_runner *r = synthetic_runner(2, WR_NUMA_PLACEMENT_SCATTER, policies[p]);
        for (int k = 0; k < 2; ++k) {
            wr_world_runner_worker_stats w;
            assert_wr_ok(wr_world_runner_get_worker_stats(r, k, &w));
            assert_int_equal(w.memory_node_os_index, -1);
            assert_int_equal(w.memory_binding, expected[p]);
            if (policies[p] == WR_NUMA_MEMORY_DEFAULT)
                assert_int_equal(w.arena.chunk_bytes, 0); /* the heap, no arena */
            else
                assert_int_equal(w.arena.chunk_bytes, 256 * 1024);
        }
        assert_wr_ok(wr_world_runner_destroy(r));
    }
}

static void worlds_are_balanced_by_cost(void **state)
{
    (void)state;
    wr_world_runner *r = synthetic_runner(2, WR_NUMA_PLACEMENT_SCATTER, WR_NUMA_MEMORY_LOCAL);
    /* humanoid (cost estimated from the built world: 1 + 27 dofs x (1 + 13 shapes over the plane) = 379) then five
     * pendulums (1 + 1 = 2 each): the pendulums all go to the other worker. */
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)"humanoid";
    wr_world *h = NULL;
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &h));
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)"pendulum";
    for (int i = 0; i < 5; ++i) {
        wr_world *w = NULL;
        assert_wr_ok(wr_world_runner_create_world(r, &wc, &w));
        wr_world_runner_world_info info;
        assert_wr_ok(wr_world_runner_world_info_get(r, w, &info));
        assert_int_equal(info.worker, 1);
        assert_true(info.cost == 2.0);
    }
    /* An explicit cost and an explicit worker are honoured. */
    wc.cost = 100.0;
    wc.worker = 1;
    wr_world *heavy = NULL;
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &heavy));
    wr_world_runner_worker_stats w0, w1;
    assert_wr_ok(wr_world_runner_get_worker_stats(r, 0, &w0));
    assert_wr_ok(wr_world_runner_get_worker_stats(r, 1, &w1));
    assert_true(w0.cost == 379.0);
    assert_true(w1.cost == 110.0);
    assert_int_equal(w1.worlds, 6);
    assert_int_equal(wr_world_runner_world_count(r), 7);
    /* Destroying a world takes its cost off its worker. */
    assert_wr_ok(wr_world_runner_destroy_world(r, heavy));
    assert_wr_ok(wr_world_runner_get_worker_stats(r, 1, &w1));
    assert_true(w1.cost == 10.0);
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* Real machine: each world's pages are on the node its policy names. */
static void real_pages_follow_the_policy(void **state)
{
    (void)state;
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_topology_info ti;
    assert_wr_ok(wr_numa_topology_get_info(t, &ti));
    if (!ti.can_query_pages) {
        print_message("SKIP page placement: the kernel does not answer move_pages here\n");
        assert_wr_ok(wr_numa_topology_destroy(t));
        return;
    }
    const wr_numa_memory_policy policies[] = {WR_NUMA_MEMORY_LOCAL, WR_NUMA_MEMORY_REMOTE, WR_NUMA_MEMORY_FIRST_TOUCH,
                                           WR_NUMA_MEMORY_INTERLEAVE};
    for (size_t p = 0; p < 4; ++p) {
        wr_world_runner_config c;
        wr_world_runner_config_init(&c);
        c.placement = WR_NUMA_PLACEMENT_SCATTER;
        c.memory_policy = policies[p];
        c.topology = t;
        wr_world_runner *r = NULL;
        assert_wr_ok(wr_world_runner_create(&c, &r));
        wr_world_runner_stats rs;
        assert_wr_ok(wr_world_runner_get_stats(r, &rs));
        print_message("policy %s: %d workers, %d pinned, memory bound %d, fallback \"%s\"\n",
                      wr_numa_memory_policy_name(policies[p]), rs.workers, rs.workers_pinned, (int)rs.memory_bound,
                      rs.fallback);
        wr_world_runner_world_config wc;
        wr_world_runner_world_config_init(&wc);
        wc.build = wr_scene_build_callback;
        wc.build_context = (void *)"chain:16";
        for (int i = 0; i < 2 * rs.workers; ++i) {
            wr_world *w = NULL;
            assert_wr_ok(wr_world_runner_create_world(r, &wc, &w));
        }
        assert_wr_ok(wr_world_runner_step_all(r, 5));
        for (size_t i = 0; i < wr_world_runner_world_count(r); ++i) {
            wr_world *w = NULL;
            assert_wr_ok(wr_world_runner_world_at(r, i, &w));
            wr_world_runner_world_info info;
            assert_wr_ok(wr_world_runner_world_info_get(r, w, &info));
            size_t by_node[WR_NUMA_MAX_NODES], unplaced = 0;
            assert_wr_ok(wr_world_runner_world_memory_by_node(r, w, by_node, &unplaced));
            size_t placed = 0;
            for (int n = 0; n < WR_NUMA_MAX_NODES; ++n)
                placed += by_node[n];
            assert_true(placed > 0);
            /* The node the policy names: its memory node when bound, else (first touch) the worker's node. */
            int expected = info.memory_node_os_index >= 0 && rs.memory_bound ? info.memory_node_os_index
                                                                              : info.node_os_index;
            bool first_touch_unpinned = rs.workers_pinned < rs.workers && rs.node_count > 1;
            if (policies[p] == WR_NUMA_MEMORY_INTERLEAVE && rs.memory_bound)
                continue; /* spread over nodes: checked in test_numa_memory */
            if (first_touch_unpinned)
                continue; /* an unpinned worker may touch pages anywhere */
            assert_int_equal(by_node[expected], placed);
        }
        assert_wr_ok(wr_world_runner_destroy(r));
    }
    assert_wr_ok(wr_numa_topology_destroy(t));
}

/* Issue 4's memory target: a chain:16 world reserves less than 256 KiB in total (MuJoCo's mjData: 14 MB). */
static void chain16_world_reserves_under_256_kib(void **state)
{
    (void)state;
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = 1;
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)"chain:16";
    wr_world *w = NULL;
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &w));
    assert_wr_ok(wr_world_runner_step_all(r, 200));
    wr_world_runner_world_info info;
    assert_wr_ok(wr_world_runner_world_info_get(r, w, &info));
    wr_memory_manager_stats ms;
    assert_wr_ok(wr_memory_manager_get_stats(info.memory, &ms));
    print_message("chain:16: %zu bytes reserved, %zu peak in use, %zu chunks\n", ms.bytes_reserved,
                  ms.peak_bytes_in_use, ms.chunks);
    assert_true(ms.bytes_reserved < 256 * 1024);
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* host_as_worker pins the creating thread to worker 0's core while the runner lives, and destroy restores it. */
static void host_as_worker_pins_then_restores_the_host(void **state)
{
    (void)state;
    cpu_set_t before, during, after;
    assert_int_equal(sched_getaffinity(0, sizeof before, &before), 0);
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.host_as_worker = true;
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    wr_world_runner_worker_stats w0;
    assert_wr_ok(wr_world_runner_get_worker_stats(r, 0, &w0));
    assert_int_equal(sched_getaffinity(0, sizeof during, &during), 0);
    if (w0.pinning == WR_NUMA_BINDING_APPLIED) {
        assert_int_equal(CPU_COUNT(&during), 1);
        assert_true(CPU_ISSET(w0.cpu_os_index, &during));
    }
    wr_world *w = NULL;
    assert_wr_ok(wr_world_runner_create_world(r, NULL, &w));
    assert_wr_ok(wr_world_runner_step_all(r, 2));
    assert_wr_ok(wr_world_runner_destroy(r));
    assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
    assert_true(CPU_EQUAL(&before, &after));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scatter_local_alternates_nodes_and_binds_locally),
        cmocka_unit_test(remote_binds_to_the_other_node),
        cmocka_unit_test(unbound_policies_have_no_memory_node),
        cmocka_unit_test(worlds_are_balanced_by_cost),
        cmocka_unit_test(real_pages_follow_the_policy),
        cmocka_unit_test(chain16_world_reserves_under_256_kib),
        cmocka_unit_test(host_as_worker_pins_then_restores_the_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
