/* wr_world_runner bad input, busy status, failing worlds, budgets and fallbacks. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include "worldrunner/world_runner.h"

static wr_world_runner *make_runner(int workers, wr_numa_placement placement)
{
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = workers;
    c.placement = placement;
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    return r;
}

static wr_world *add(wr_world_runner *r, const char *scene)
{
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)scene;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &w));
    return w;
}

static void bad_config_is_refused(void **state)
{
    (void)state;
    wr_world_runner *r = NULL;
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    assert_int_equal(wr_world_runner_create(&c, NULL), WR_ERR_INVALID_ARGUMENT);
    c.workers = -1;
    assert_int_equal(wr_world_runner_create(&c, &r), WR_ERR_INVALID_ARGUMENT);
    wr_world_runner_config_init(&c);
    c.backend = (wr_world_runner_backend)9;
    assert_int_equal(wr_world_runner_create(&c, &r), WR_ERR_INVALID_ARGUMENT);
    wr_world_runner_config_init(&c);
    c.arena_chunk_bytes = 1000;
    assert_int_equal(wr_world_runner_create(&c, &r), WR_ERR_INVALID_ARGUMENT);
    wr_world_runner_config_init(&c);
    c.world_pool_chunk_bytes = 100;
    assert_int_equal(wr_world_runner_create(&c, &r), WR_ERR_INVALID_ARGUMENT);
    wr_world_runner_config_init(&c);
    c.topology_source = WR_NUMA_TOPOLOGY_SYNTHETIC;
    c.topology_description = "no such thing";
    assert_int_equal(wr_world_runner_create(&c, &r), WR_ERR_INVALID_ARGUMENT);
    assert_null(r);
    assert_int_equal(wr_world_runner_destroy(NULL), WR_ERR_INVALID_ARGUMENT);
}

/* More pinned workers than allowed cores is a clear error; placement none oversubscribes. */
static void too_many_pinned_workers(void **state)
{
    (void)state;
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_topology_info info;
    assert_wr_ok(wr_numa_topology_get_info(t, &info));
    assert_wr_ok(wr_numa_topology_destroy(t));
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = info.allowed_core_count + 1;
    wr_world_runner *r = NULL;
    assert_int_equal(wr_world_runner_create(&c, &r), WR_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(wr_last_error(), "placement none"));
    c.placement = WR_NUMA_PLACEMENT_NONE;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    wr_world_runner_stats s;
    assert_wr_ok(wr_world_runner_get_stats(r, &s));
    assert_int_equal(s.workers, info.allowed_core_count + 1);
    assert_int_equal(s.workers_pinned, 0);
    for (int k = 0; k < s.workers; ++k) {
        wr_world_runner_worker_stats ws;
        assert_wr_ok(wr_world_runner_get_worker_stats(r, k, &ws));
        assert_int_equal(ws.pinning, WR_NUMA_BINDING_NONE);
    }
    assert_wr_ok(wr_world_runner_destroy(r));
}

static void bad_world_calls_are_refused(void **state)
{
    (void)state;
    wr_world_runner *r = make_runner(1, WR_NUMA_PLACEMENT_COMPACT);
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wr_world *w = NULL;
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)"nonsense:3";
    assert_int_equal(wr_world_runner_create_world(r, &wc, &w), WR_ERR_INVALID_ARGUMENT);
    wc.build = NULL;
    wc.build_context = NULL;
    wc.worker = 5;
    assert_int_equal(wr_world_runner_create_world(r, &wc, &w), WR_ERR_INVALID_ARGUMENT);
    wc.worker = -1;
    wr_memory_manager *m = NULL;
    assert_wr_ok(wr_memory_manager_create(NULL, &m));
    wr_world_config cfg;
    wr_world_config_init(&cfg);
    cfg.memory = m;
    wc.world = &cfg;
    assert_int_equal(wr_world_runner_create_world(r, &wc, &w), WR_ERR_INVALID_ARGUMENT);
    assert_wr_ok(wr_memory_manager_destroy(m));
    cfg.memory = NULL;
    cfg.time_step = -1.0; /* refused by wr_world_create, on the worker: the message comes back */
    assert_int_equal(wr_world_runner_create_world(r, &wc, &w), WR_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(wr_last_error(), "on worker 0"));
    assert_null(w);
    assert_int_equal(wr_world_runner_world_count(r), 0);
    wc.world = NULL;
    wc.cost = NAN;
    assert_int_equal(wr_world_runner_create_world(r, &wc, &w), WR_ERR_NON_FINITE);
    assert_int_equal(wr_world_runner_create_world(NULL, NULL, &w), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_runner_create_world(r, NULL, NULL), WR_ERR_INVALID_ARGUMENT);
    /* A world that is not the runner's. */
    wr_world *stranger = NULL;
    assert_wr_ok(wr_world_create(NULL, &stranger));
    assert_int_equal(wr_world_runner_destroy_world(r, stranger), WR_ERR_NOT_FOUND);
    assert_int_equal(wr_world_runner_set_pre_step(r, stranger, NULL, NULL), WR_ERR_NOT_FOUND);
    wr_world_runner_world_info info;
    assert_int_equal(wr_world_runner_world_info_get(r, stranger, &info), WR_ERR_NOT_FOUND);
    assert_wr_ok(wr_world_destroy(stranger));
    assert_int_equal(wr_world_runner_step_all(r, 0), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_runner_step_all(NULL, 1), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_runner_step_wait(r), WR_ERR_INVALID_STATE); /* nothing begun */
    wr_world *out = NULL;
    assert_int_equal(wr_world_runner_world_at(r, 0, &out), WR_ERR_NOT_FOUND);
    wr_world_runner_worker_stats ws;
    assert_int_equal(wr_world_runner_get_worker_stats(r, 1, &ws), WR_ERR_NOT_FOUND);
    /* An empty runner steps fine. */
    assert_wr_ok(wr_world_runner_step_all(r, 2));
    assert_wr_ok(wr_world_runner_destroy(r));
}

static wr_status call_runner_from_callback(wr_world *w, int step, void *user)
{
    (void)step;
    wr_world_runner *r = user;
    wr_world *other = NULL;
    wr_status s = wr_world_runner_create_world(r, NULL, &other);
    if (s != WR_ERR_BUSY)
        return WR_ERR_CORRUPTION; /* would be a bug: surfaces as the world's status */
    return wr_world_runner_destroy_world(r, w) == WR_ERR_BUSY ? WR_OK : WR_ERR_CORRUPTION;
}

static void host_calls_during_a_step_are_busy(void **state)
{
    (void)state;
    wr_world_runner *r = make_runner(0, WR_NUMA_PLACEMENT_COMPACT);
    wr_world *a = add(r, "chain:16");
    wr_world *b = add(r, "humanoid");
    assert_wr_ok(wr_world_runner_set_pre_step(r, a, call_runner_from_callback, r));
    assert_wr_ok(wr_world_runner_step_begin(r, 30));
    assert_true(wr_world_runner_is_busy(r));
    wr_world *w = NULL;
    assert_int_equal(wr_world_runner_create_world(r, NULL, &w), WR_ERR_BUSY);
    assert_int_equal(wr_world_runner_destroy_world(r, b), WR_ERR_BUSY);
    assert_int_equal(wr_world_runner_set_pre_step(r, b, NULL, NULL), WR_ERR_BUSY);
    assert_int_equal(wr_world_runner_step_all(r, 1), WR_ERR_BUSY);
    assert_int_equal(wr_world_runner_step_begin(r, 1), WR_ERR_BUSY);
    assert_int_equal(wr_world_runner_destroy(r), WR_ERR_BUSY);
    wr_world_runner_stats s;
    assert_int_equal(wr_world_runner_get_stats(r, &s), WR_ERR_BUSY);
    wr_world_runner_world_info info;
    assert_int_equal(wr_world_runner_world_info_get(r, a, &info), WR_ERR_BUSY);
    assert_int_equal(wr_world_runner_world_at(r, 0, &w), WR_ERR_BUSY);
    assert_int_equal(wr_world_runner_world_count(r), 2);
    assert_wr_ok(wr_world_runner_step_wait(r));
    assert_false(wr_world_runner_is_busy(r));
    assert_int_equal(wr_world_runner_step_wait(r), WR_ERR_INVALID_STATE);
    assert_int_equal(wr_world_step_count(a), 30);
    assert_int_equal(wr_world_step_count(b), 30);
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* A failing world stops at the state before its failing step; the others go on. */
static wr_status fail_at_step_3(wr_world *w, int step, void *user)
{
    (void)w;
    (void)user;
    return step == 3 ? WR_ERR_INVALID_STATE : WR_OK;
}

static void a_failing_world_does_not_stop_the_others(void **state)
{
    (void)state;
    wr_world_runner *r = make_runner(0, WR_NUMA_PLACEMENT_COMPACT);
    wr_world *worlds[4];
    for (int i = 0; i < 4; ++i)
        worlds[i] = add(r, "chain:4");
    assert_wr_ok(wr_world_runner_set_pre_step(r, worlds[2], fail_at_step_3, NULL));
    assert_int_equal(wr_world_runner_step_all(r, 10), WR_ERR_INVALID_STATE);
    assert_non_null(strstr(wr_last_error(), "1 world(s) failed"));
    for (int i = 0; i < 4; ++i) {
        wr_world_runner_world_info info;
        assert_wr_ok(wr_world_runner_world_info_get(r, worlds[i], &info));
        assert_int_equal(info.last_status, i == 2 ? WR_ERR_INVALID_STATE : WR_OK);
        assert_int_equal(info.last_steps_done, i == 2 ? 3 : 10);
        assert_int_equal(wr_world_step_count(worlds[i]), i == 2 ? 3 : 10);
    }
    /* Removing the callback: the world steps again. */
    assert_wr_ok(wr_world_runner_set_pre_step(r, worlds[2], NULL, NULL));
    assert_wr_ok(wr_world_runner_step_all(r, 2));
    assert_int_equal(wr_world_step_count(worlds[2]), 5);
    wr_world_runner_stats s;
    assert_wr_ok(wr_world_runner_get_stats(r, &s));
    assert_int_equal(s.world_steps, 3 * 10 + 3 + 4 * 2);
    assert_int_equal(s.ticks, 2);
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* A world's memory budget is its manager's budget: too small a budget fails creation cleanly. */
static void budget_too_small_fails_creation(void **state)
{
    (void)state;
    wr_world_runner *r = make_runner(1, WR_NUMA_PLACEMENT_COMPACT);
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)"humanoid";
    wc.memory_budget = 8192;
    wr_world *w = NULL;
    wr_status s = wr_world_runner_create_world(r, &wc, &w);
    assert_true(s == WR_ERR_BUDGET || s == WR_ERR_OUT_OF_MEMORY);
    assert_int_equal(wr_world_runner_world_count(r), 0);
    wr_world_runner_worker_stats ws;
    assert_wr_ok(wr_world_runner_get_worker_stats(r, 0, &ws));
    assert_int_equal(ws.arena.bytes_in_use, 0); /* everything went back to the arena */
    wc.memory_budget = 0;
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &w));
    assert_wr_ok(wr_world_runner_destroy_world(r, w));
    assert_wr_ok(wr_world_runner_get_worker_stats(r, 0, &ws));
    assert_int_equal(ws.arena.bytes_in_use, 0);
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* On a one-node machine the arenas are plain, and the statistics say why. */
static void fallbacks_are_reported(void **state)
{
    (void)state;
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.topology_source = WR_NUMA_TOPOLOGY_SYNTHETIC;
    c.topology_description = "package:1 numa:1 core:2 pu:1";
    c.memory_policy = WR_NUMA_MEMORY_REMOTE;
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    wr_world_runner_stats s;
    assert_wr_ok(wr_world_runner_get_stats(r, &s));
    assert_false(s.memory_bound);
    assert_non_null(strstr(s.fallback, "one NUMA node"));
    assert_non_null(strstr(s.fallback, "simulated"));
    wr_world_runner_worker_stats ws;
    assert_wr_ok(wr_world_runner_get_worker_stats(r, 0, &ws));
    assert_int_equal(ws.memory_binding, WR_NUMA_BINDING_NONE);
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* A kernel that refuses the binding (here: a synthetic 2-node topology made "this system" with HWLOC_THISSYSTEM,
 * so binding calls reach the real kernel, which has no node 1): the arena stays unbound, the world still works,
 * and the statistics say so. Pinning to the real CPUs 0 and 1 is applied. */
static void refused_binding_is_reported(void **state)
{
    (void)state;
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_topology_info real;
    assert_wr_ok(wr_numa_topology_get_info(t, &real));
    assert_wr_ok(wr_numa_topology_destroy(t));
    if (real.node_count > 1 || real.allowed_core_count < 2 || !real.is_this_system) {
        print_message("SKIP refused binding: needs a one-node machine with two allowed cores\n");
        return;
    }
    setenv("HWLOC_THISSYSTEM", "1", 1);
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.topology_source = WR_NUMA_TOPOLOGY_SYNTHETIC;
    c.topology_description = "package:2 numa:1 core:1 pu:1";
    c.placement = WR_NUMA_PLACEMENT_SCATTER;
    wr_world_runner *r = NULL;
    wr_status created = wr_world_runner_create(&c, &r);
    unsetenv("HWLOC_THISSYSTEM");
    assert_wr_ok(created);
    wr_world *a = add(r, "pendulum");
    wr_world *b = add(r, "pendulum");
    assert_wr_ok(wr_world_runner_step_all(r, 3));
    assert_int_equal(wr_world_step_count(a), 3);
    assert_int_equal(wr_world_step_count(b), 3);
    wr_world_runner_stats s;
    assert_wr_ok(wr_world_runner_get_stats(r, &s));
    assert_false(s.memory_bound);
    assert_false(s.pinning_simulated);
    assert_non_null(strstr(s.fallback, "refused"));
    wr_world_runner_worker_stats w0, w1;
    assert_wr_ok(wr_world_runner_get_worker_stats(r, 0, &w0));
    assert_wr_ok(wr_world_runner_get_worker_stats(r, 1, &w1));
    assert_int_equal(w0.memory_binding, WR_NUMA_BINDING_APPLIED); /* node 0 exists */
    assert_int_equal(w1.memory_binding, WR_NUMA_BINDING_REFUSED); /* node 1 does not */
    assert_int_equal(w1.pinning, WR_NUMA_BINDING_APPLIED);
    assert_wr_ok(wr_world_runner_destroy(r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_config_is_refused),
        cmocka_unit_test(too_many_pinned_workers),
        cmocka_unit_test(bad_world_calls_are_refused),
        cmocka_unit_test(host_calls_during_a_step_are_busy),
        cmocka_unit_test(a_failing_world_does_not_stop_the_others),
        cmocka_unit_test(budget_too_small_fails_creation),
        cmocka_unit_test(fallbacks_are_reported),
        cmocka_unit_test(refused_binding_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
