/* worldrunner/scene.h — built-in scenes used by tests, benchmarks, the demo and tools.
 *
 * Names: "pendulum", "chain:N" (N revolute links, 0.1 m, 1 kg each), "arm7" (7-DOF arm), "humanoid" (~20-DOF
 * floating-base figure over a ground plane), "boxes:N" (free boxes over a ground plane).
 * Threads: as the world it builds into.
 */
#ifndef WORLDRUNNER_SCENE_H
#define WORLDRUNNER_SCENE_H

#include "worldrunner/status.h"
#include "worldrunner/world.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest N of "chain:N" and "boxes:N": a name never asks for more than a few tens of MiB (a chain's joint-space
 * matrices are dense, nv x nv: chain:1024 reserves about 30 MiB). */
#define WR_SCENE_MAX_COUNT 1024

/* Add the skeletons of scene `name` to `w`. Unknown or malformed name: WR_ERR_INVALID_ARGUMENT, world unchanged. */
wr_status wr_scene_build(wr_world *w, const char *name);
/* A rough cost of stepping the scene once (for load balancing): DOFs + shapes. 0 for an unknown name. */
double wr_scene_cost_estimate(const char *name);

#ifdef __cplusplus
}
#endif
#endif
