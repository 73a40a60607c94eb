/* The built-in scenes library (worldrunner/scenes.h): names, the build callback for the runner, and the cost table
 * against the runner's estimate of the built worlds. */
#include <string.h>

#include "test_support.h"
#include "worldrunner/world_runner.h"

static const char *const NAMES[] = {"pendulum", "chain:1", "chain:16", "chain:64", "arm7", "humanoid", "boxes:1",
                                    "boxes:4", "boxes:64"};

/* wr_scene_cost_estimate (counted by hand, without building) is the runner's estimate of the built scene. */
static void cost_table_matches_the_estimate_of_the_built_world(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; ++i) {
        wr_world *w = NULL;
        assert_wr_ok(wr_world_create(NULL, &w));
        assert_wr_ok(wr_scene_build(w, NAMES[i]));
        double built = wr_world_runner_cost_estimate(w), table = wr_scene_cost_estimate(NAMES[i]);
        if (built != table)
            print_error("%s: table %g, built world %g\n", NAMES[i], table, built);
        assert_true(built == table);
        assert_true(table >= 2.0);
        assert_wr_ok(wr_world_destroy(w));
    }
    assert_true(wr_scene_cost_estimate("humanoid") == 379.0); /* 1 + 27 x (1 + 13) */
    assert_true(wr_scene_cost_estimate("boxes:10") == 121.0);
    assert_true(wr_scene_cost_estimate("nonsense") == 0.0);
    assert_true(wr_scene_cost_estimate(NULL) == 0.0);
}

/* The callback builds what wr_scene_build builds; unknown names fail and leave the world as it was. */
static void callback_builds_the_named_scene(void **state)
{
    (void)state;
    wr_world *a = NULL, *b = NULL;
    assert_wr_ok(wr_world_create(NULL, &a));
    assert_wr_ok(wr_world_create(NULL, &b));
    assert_wr_ok(wr_scene_build(a, "arm7"));
    assert_wr_ok(wr_scene_build_callback(b, (void *)"arm7"));
    assert_int_equal(wr_world_dof_count(b), 7);
    assert_true(wr_world_state_hash(a) == wr_world_state_hash(b));
    assert_int_equal(wr_scene_build_callback(b, (void *)"chain:0"), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_scene_build_callback(b, (void *)"boxes:10001"), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_scene_build_callback(b, NULL), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_skeleton_count(b), 1);
    assert_wr_ok(wr_world_destroy(a));
    assert_wr_ok(wr_world_destroy(b));
}

/* Through the runner: a scene world built on the worker, an unknown name refused with the scene's message. */
static void scenes_through_the_runner_hook(void **state)
{
    (void)state;
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = 1;
    c.placement = WR_NUMA_PLACEMENT_NONE;
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)"boxes:4";
    wr_world *w = NULL;
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &w));
    wr_world_runner_world_info info;
    assert_wr_ok(wr_world_runner_world_info_get(r, w, &info));
    assert_true(info.cost == wr_scene_cost_estimate("boxes:4"));
    wc.build_context = (void *)"boxes:x";
    wr_world *bad = NULL;
    assert_int_equal(wr_world_runner_create_world(r, &wc, &bad), WR_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(wr_last_error(), "unknown scene 'boxes:x'"));
    assert_int_equal(wr_world_runner_world_count(r), 1);
    assert_wr_ok(wr_world_runner_step_all(r, 10));
    assert_wr_ok(wr_world_runner_destroy(r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cost_table_matches_the_estimate_of_the_built_world),
        cmocka_unit_test(callback_builds_the_named_scene),
        cmocka_unit_test(scenes_through_the_runner_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
