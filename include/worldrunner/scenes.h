/* worldrunner/scenes.h — built-in scenes for tests, benchmarks, the demo and tools (library worldrunner::scenes).
 *
 * Names: "pendulum", "chain:N" (N revolute links, 0.1 m, 1 kg each), "arm7" (7-DOF arm on a welded base),
 * "humanoid" (27-DOF floating-base figure over a ground plane), "boxes:N" (free boxes over a ground plane);
 * 1 <= N <= WR_SCENE_MAX_COUNT.
 * The scenes are a separate library above the core: the world runner knows nothing of them, they are one user of
 * its build hook (wr_world_runner_world_config.build = wr_scene_build_callback, build_context = the name).
 * Link with worldrunner::scenes (CMake) or `pkg-config --libs --static worldrunner-scenes`.
 * Threads: as the world it builds into (a runner's build callback runs on the world's worker).
 */
#ifndef WORLDRUNNER_SCENES_H
#define WORLDRUNNER_SCENES_H

#include "worldrunner/status.h"
#include "worldrunner/world.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest N of "chain:N" and "boxes:N": a name never asks for more than a few tens of MiB (a chain's joint-space
 * matrices are dense, nv x nv: chain:1024 reserves about 30 MiB). */
#define WR_SCENE_MAX_COUNT 1024

/* Add the skeletons of scene `name` to `w` (built on w's memory manager). Unknown or malformed name:
 * WR_ERR_INVALID_ARGUMENT; any failure (budget, ...) leaves the world unchanged. */
wr_status wr_scene_build(wr_world *w, const char *name);
/* The same as a wr_world_runner_world_fn: `name` is the scene name (a const char *, cast to void *). */
wr_status wr_scene_build_callback(wr_world *w, void *name);
/* The cost wr_world_runner_cost_estimate() gives a world holding only this scene, without building it (see
 * worldrunner/world_runner.h). 0 for an unknown name. */
double wr_scene_cost_estimate(const char *name);

#ifdef __cplusplus
}
#endif
#endif
