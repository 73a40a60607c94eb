/* numa: topology from synthetic descriptions and the system, the placement plan per placement and policy, the
 * allowed cores (the thread's CPU binding), pinning results, and bad input. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<hwloc.h>)
#include <hwloc.h>
#endif
#endif

#include "test_support.h"
#include "worldrunner/numa.h"

static const char *TWO_NODES = "package:2 numa:1 core:4 pu:1";

static wr_numa_topology *synthetic(const char *description)
{
    wr_numa_topology_config config;
    wr_numa_topology_config_init(&config);
    config.source = WR_NUMA_TOPOLOGY_SYNTHETIC;
    config.description = description;
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(&config, &t));
    return t;
}

static void synthetic_two_nodes_is_read_and_not_bindable(void **state)
{
    (void)state;
    wr_numa_topology *t = synthetic(TWO_NODES);
    wr_numa_topology_info info;
    assert_wr_ok(wr_numa_topology_get_info(t, &info));
    assert_int_equal(info.node_count, 2);
    assert_int_equal(info.core_count, 8);
    assert_int_equal(info.allowed_core_count, 8);
    assert_false(info.is_this_system);
    assert_false(info.can_pin_threads);
    assert_false(info.can_bind_memory);
    for (int c = 0; c < 8; ++c) {
        wr_numa_core_info core;
        assert_wr_ok(wr_numa_topology_core(t, c, &core));
        assert_int_equal(core.node, c / 4);
        assert_int_equal(core.package, c / 4);
        assert_true(core.allowed);
    }
    wr_numa_node_info node;
    assert_wr_ok(wr_numa_topology_node(t, 1, &node));
    assert_int_equal(node.core_count, 4);
    assert_int_equal(wr_numa_topology_node_from_os_index(t, node.os_index), 1);
    /* Pinning on a synthetic topology is simulated, never applied (hwloc would silently do nothing). */
    wr_numa_binding b = WR_NUMA_BINDING_APPLIED;
    assert_wr_ok(wr_numa_topology_pin_current_thread(t, 5, &b));
    assert_int_equal(b, WR_NUMA_BINDING_SIMULATED);
    assert_wr_ok(wr_numa_topology_destroy(t));
}

static void plan_compact_fills_node_zero_first(void **state)
{
    (void)state;
    wr_numa_topology *t = synthetic(TWO_NODES);
    wr_numa_worker_plan plan[8];
    assert_wr_ok(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_COMPACT, WR_NUMA_MEMORY_LOCAL, 6, plan));
    for (int w = 0; w < 6; ++w) {
        assert_int_equal(plan[w].core, w);
        assert_int_equal(plan[w].node, w / 4);
        assert_true(plan[w].pin);
        assert_int_equal(plan[w].memory_node, plan[w].node);
    }
    assert_wr_ok(wr_numa_topology_destroy(t));
}

static void plan_scatter_alternates_nodes(void **state)
{
    (void)state;
    wr_numa_topology *t = synthetic(TWO_NODES);
    wr_numa_worker_plan plan[8];
    assert_wr_ok(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_SCATTER, WR_NUMA_MEMORY_LOCAL, 8, plan));
    const int expected_core[8] = {0, 4, 1, 5, 2, 6, 3, 7};
    for (int w = 0; w < 8; ++w) {
        assert_int_equal(plan[w].node, w % 2);
        assert_int_equal(plan[w].core, expected_core[w]);
        assert_int_equal(plan[w].memory_node, w % 2); /* local: the worker's node */
    }
    assert_wr_ok(wr_numa_topology_destroy(t));
}

static void plan_memory_per_policy(void **state)
{
    (void)state;
    wr_numa_topology *t = synthetic(TWO_NODES);
    wr_numa_worker_plan plan[4];
    assert_wr_ok(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_SCATTER, WR_NUMA_MEMORY_REMOTE, 4, plan));
    for (int w = 0; w < 4; ++w) {
        assert_int_equal(plan[w].memory_node, 1 - plan[w].node); /* remote: the other node */
        assert_false(plan[w].remote_unavailable);
    }
    const wr_numa_memory_policy unbound[] = {WR_NUMA_MEMORY_INTERLEAVE, WR_NUMA_MEMORY_FIRST_TOUCH, WR_NUMA_MEMORY_DEFAULT};
    for (size_t i = 0; i < 3; ++i) {
        assert_wr_ok(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_COMPACT, unbound[i], 4, plan));
        for (int w = 0; w < 4; ++w) {
            assert_int_equal(plan[w].memory_node, -1);
            assert_int_equal(plan[w].memory_node_os_index, -1);
        }
    }
    assert_wr_ok(wr_numa_topology_destroy(t));
}

static void plan_remote_on_one_node_falls_back_to_local(void **state)
{
    (void)state;
    wr_numa_topology *t = synthetic("package:1 numa:1 core:2 pu:1");
    wr_numa_worker_plan plan[2];
    assert_wr_ok(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_COMPACT, WR_NUMA_MEMORY_REMOTE, 2, plan));
    assert_true(plan[0].remote_unavailable);
    assert_int_equal(plan[0].memory_node, 0);
    assert_wr_ok(wr_numa_topology_destroy(t));
}

static void plan_interleaved_os_indexes(void **state)
{
    (void)state;
    wr_numa_topology *t = synthetic("package:2 [numa] core:4 pu:1(indexes=0,2,4,6,1,3,5,7)");
    wr_numa_worker_plan plan[4];
    assert_wr_ok(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_SCATTER, WR_NUMA_MEMORY_LOCAL, 4, plan));
    /* Node 0 holds the even PUs, node 1 the odd ones; scatter alternates. */
    for (int w = 0; w < 4; ++w) {
        assert_int_equal(plan[w].node, w % 2);
        assert_int_equal(plan[w].cpu_os_index % 2, w % 2);
    }
    assert_wr_ok(wr_numa_topology_destroy(t));
}

static void plan_rejects_too_many_pinned_workers(void **state)
{
    (void)state;
    wr_numa_topology *t = synthetic(TWO_NODES);
    wr_numa_worker_plan plan[12];
    assert_int_equal(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_COMPACT, WR_NUMA_MEMORY_LOCAL, 9, plan),
                     WR_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(wr_last_error(), "8 cores"));
    assert_int_equal(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_SCATTER, WR_NUMA_MEMORY_LOCAL, 9, plan),
                     WR_ERR_INVALID_ARGUMENT);
    /* placement none may oversubscribe: nominal cores wrap around, nothing is pinned */
    assert_wr_ok(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_NONE, WR_NUMA_MEMORY_LOCAL, 12, plan));
    assert_false(plan[11].pin);
    assert_int_equal(plan[11].core, 3);
    assert_int_equal(wr_numa_plan_resolve_workers(t, 0), 8);
    assert_int_equal(wr_numa_plan_resolve_workers(t, 3), 3);
    assert_wr_ok(wr_numa_topology_destroy(t));
}

static void bad_input_is_refused(void **state)
{
    (void)state;
    wr_numa_topology *t = NULL;
    wr_numa_topology_config config;
    wr_numa_topology_config_init(&config);
    assert_int_equal(wr_numa_topology_create(&config, NULL), WR_ERR_INVALID_ARGUMENT);
    config.source = WR_NUMA_TOPOLOGY_SYNTHETIC;
    config.description = NULL;
    assert_int_equal(wr_numa_topology_create(&config, &t), WR_ERR_INVALID_ARGUMENT);
    config.description = "this is not a topology";
    assert_int_equal(wr_numa_topology_create(&config, &t), WR_ERR_INVALID_ARGUMENT);
    config.source = WR_NUMA_TOPOLOGY_XML;
    config.description = "/nonexistent/topology.xml";
    assert_int_equal(wr_numa_topology_create(&config, &t), WR_ERR_INVALID_ARGUMENT);
    assert_null(t);
    t = synthetic(TWO_NODES);
    wr_numa_core_info core;
    assert_int_equal(wr_numa_topology_core(t, 8, &core), WR_ERR_NOT_FOUND);
    assert_int_equal(wr_numa_topology_core(t, -1, &core), WR_ERR_NOT_FOUND);
    wr_numa_worker_plan plan[2];
    assert_int_equal(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_COMPACT, WR_NUMA_MEMORY_LOCAL, 0, plan),
                     WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_numa_plan_workers(t, (wr_numa_placement)7, WR_NUMA_MEMORY_LOCAL, 1, plan), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_COMPACT, (wr_numa_memory_policy)9, 1, plan),
                     WR_ERR_INVALID_ARGUMENT);
    wr_numa_node_allocator *na = NULL;
    assert_int_equal(wr_numa_node_allocator_create(t, WR_NUMA_BIND_NODE, 2, &na), WR_ERR_NOT_FOUND);
    assert_int_equal(wr_numa_node_allocator_create(t, (wr_numa_bind_mode)5, 0, &na), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_numa_topology_destroy(NULL), WR_ERR_INVALID_ARGUMENT);
    assert_wr_ok(wr_numa_topology_destroy(t));
}

/* The allowed cores follow the calling thread's CPU binding (what taskset and cgroup cpusets set). */
static void system_allowed_cores_follow_affinity(void **state)
{
    (void)state;
    cpu_set_t saved;
    assert_int_equal(sched_getaffinity(0, sizeof saved, &saved), 0);
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_topology_info full;
    assert_wr_ok(wr_numa_topology_get_info(t, &full));
    assert_wr_ok(wr_numa_topology_destroy(t));
    if (!full.is_this_system || full.allowed_core_count < 2) {
        print_message("SKIP affinity narrowing: %d allowed core(s), this_system=%d\n", full.allowed_core_count,
                      (int)full.is_this_system);
        return;
    }
    wr_numa_core_info first;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    assert_wr_ok(wr_numa_topology_core(t, 0, &first));
    assert_wr_ok(wr_numa_topology_destroy(t));
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first.cpu_os_index, &one);
    assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_topology_info narrowed;
    assert_wr_ok(wr_numa_topology_get_info(t, &narrowed));
    assert_int_equal(sched_setaffinity(0, sizeof saved, &saved), 0);
    assert_int_equal(narrowed.allowed_core_count, 1);
    wr_numa_worker_plan plan[3];
    assert_int_equal(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_COMPACT, WR_NUMA_MEMORY_LOCAL, 2, plan),
                     WR_ERR_INVALID_ARGUMENT);
    assert_wr_ok(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_NONE, WR_NUMA_MEMORY_LOCAL, 3, plan));
    assert_int_equal(plan[2].core, 0);
    assert_wr_ok(wr_numa_topology_destroy(t));
}

static void system_pinning_is_applied_or_explained(void **state)
{
    (void)state;
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_topology_info info;
    assert_wr_ok(wr_numa_topology_get_info(t, &info));
    wr_numa_binding b = WR_NUMA_BINDING_NONE;
    assert_wr_ok(wr_numa_topology_pin_current_thread(t, 0, &b));
    if (info.is_this_system && info.can_pin_threads) {
        assert_int_equal(b, WR_NUMA_BINDING_APPLIED);
        wr_numa_core_info core;
        assert_wr_ok(wr_numa_topology_core(t, 0, &core));
        cpu_set_t now;
        assert_int_equal(sched_getaffinity(0, sizeof now, &now), 0);
        assert_int_equal(CPU_COUNT(&now), 1);
        assert_true(CPU_ISSET(core.cpu_os_index, &now));
    } else {
        print_message("pinning on this system: %s\n", wr_numa_binding_name(b));
        assert_int_not_equal(b, WR_NUMA_BINDING_APPLIED);
    }
    assert_wr_ok(wr_numa_topology_unpin_current_thread(t));
    assert_wr_ok(wr_numa_topology_destroy(t));
}

/* XML topologies (lstopo --of xml, e.g. captured in the NUMA lab VM) load like synthetic ones. The fixture is
 * written here from a synthetic 4-node topology with hwloc's own exporter. */
static void xml_topology_loads(void **state)
{
    (void)state;
#if defined(__has_include)
#if __has_include(<hwloc.h>)
    char path[] = "/tmp/wr_topology_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    hwloc_topology_t hw;
    assert_int_equal(hwloc_topology_init(&hw), 0);
    assert_int_equal(hwloc_topology_set_synthetic(hw, "package:4 [numa] core:2 pu:1"), 0);
    assert_int_equal(hwloc_topology_load(hw), 0);
    assert_int_equal(hwloc_topology_export_xml(hw, path, 0), 0);
    hwloc_topology_destroy(hw);
    wr_numa_topology_config config;
    wr_numa_topology_config_init(&config);
    config.source = WR_NUMA_TOPOLOGY_XML;
    config.description = path;
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(&config, &t));
    unlink(path);
    wr_numa_topology_info info;
    assert_wr_ok(wr_numa_topology_get_info(t, &info));
    assert_int_equal(info.node_count, 4);
    assert_int_equal(info.core_count, 8);
    assert_false(info.is_this_system);
    wr_numa_worker_plan plan[4];
    assert_wr_ok(wr_numa_plan_workers(t, WR_NUMA_PLACEMENT_SCATTER, WR_NUMA_MEMORY_REMOTE, 4, plan));
    for (int w = 0; w < 4; ++w) {
        assert_int_equal(plan[w].node, w);
        assert_int_equal(plan[w].memory_node, (w + 1) % 4);
    }
    assert_wr_ok(wr_numa_topology_destroy(t));
#else
    print_message("SKIP XML topology: no hwloc headers\n");
#endif
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(synthetic_two_nodes_is_read_and_not_bindable),
        cmocka_unit_test(plan_compact_fills_node_zero_first),
        cmocka_unit_test(plan_scatter_alternates_nodes),
        cmocka_unit_test(plan_memory_per_policy),
        cmocka_unit_test(plan_remote_on_one_node_falls_back_to_local),
        cmocka_unit_test(plan_interleaved_os_indexes),
        cmocka_unit_test(plan_rejects_too_many_pinned_workers),
        cmocka_unit_test(bad_input_is_refused),
        cmocka_unit_test(system_allowed_cores_follow_affinity),
        cmocka_unit_test(system_pinning_is_applied_or_explained),
        cmocka_unit_test(xml_topology_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
