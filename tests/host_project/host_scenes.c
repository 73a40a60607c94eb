/* A host that uses the installed built-in scenes (worldrunner::scenes, pkg-config worldrunner-scenes): a runner of
 * chain:4 worlds built by the scenes' ready callback, and the same scene built and stepped alone. */
#include <stdio.h>

#include <worldrunner/scenes.h>
#include <worldrunner/worldrunner.h>

#define CHECK(call)                                                                                             \
    do {                                                                                                        \
        wr_status s_ = (call);                                                                                  \
        if (s_ != WR_OK) {                                                                                      \
            fprintf(stderr, "host_scenes: %s -> %s: %s\n", #call, wr_status_name(s_), wr_last_error());         \
            return 1;                                                                                           \
        }                                                                                                       \
    } while (0)

int main(void)
{
    wr_world_runner_config rc;
    wr_world_runner_config_init(&rc);
    rc.workers = 2;
    rc.placement = WR_NUMA_PLACEMENT_NONE;
    wr_world_runner *runner = NULL;
    CHECK(wr_world_runner_create(&rc, &runner));
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)"chain:4";
    wr_world *w[4];
    for (int i = 0; i < 4; ++i)
        CHECK(wr_world_runner_create_world(runner, &wc, &w[i]));
    CHECK(wr_world_runner_step_all(runner, 100));
    wr_world *alone = NULL;
    CHECK(wr_world_create(NULL, &alone));
    CHECK(wr_scene_build(alone, "chain:4"));
    CHECK(wr_world_step(alone, 100));
    for (int i = 0; i < 4; ++i) {
        if (wr_world_state_hash(w[i]) != wr_world_state_hash(alone)) {
            fprintf(stderr, "host_scenes: world %d differs from chain:4 stepped alone\n", i);
            return 1;
        }
    }
    wr_world_runner_world_info info;
    CHECK(wr_world_runner_world_info_get(runner, w[0], &info));
    printf("host_scenes: 4 chain:4 worlds, cost %.0f each (table %.0f), t = %.3f s: ok\n", info.cost,
           wr_scene_cost_estimate("chain:4"), wr_world_time(w[0]));
    CHECK(wr_world_destroy(alone));
    CHECK(wr_world_runner_destroy(runner));
    return 0;
}
