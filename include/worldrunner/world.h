/* worldrunner/world.h — a world: skeletons, gravity, time, and the step.
 *
 * A world owns its memory manager (or borrows one the caller installs while the world holds nothing) and every
 * component that allocates takes memory from it: skeletons' body-node pools, collision data and the constraint
 * solver's frame allocator. world_step() runs collision, constraints, then integration, and allocates nothing in
 * steady state. A failed step leaves the world exactly as it was before that step.
 *
 * Threads: a world is used by one thread at a time; nothing inside locks. Different worlds may be used by different
 * threads at once.
 */
#ifndef WORLDRUNNER_WORLD_H
#define WORLDRUNNER_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "worldrunner/memory_manager.h"
#include "worldrunner/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct world world;
typedef struct skeleton skeleton;

typedef struct world_config {
    double time_step;            /* seconds, > 0; default 0.001 */
    double gravity[3];           /* m/s^2; default (0, 0, -9.81) */
    memory_manager *memory;      /* borrowed manager; NULL = the world creates and owns one */
    size_t memory_budget;        /* budget of the owned manager in bytes (0 = none); ignored when memory != NULL */
} world_config;

/* Fill `config` with the defaults. */
void world_config_init(world_config *config);
/* Create a world; config NULL = defaults. */
wr_status world_create(const world_config *config, world **out);
/* Destroy the world, its skeletons and (if owned) its memory manager. */
wr_status world_destroy(world *w);

/* The seed's setMemoryManager: allowed only while the world holds no memory (no skeleton added, never stepped),
 * else WR_ERR_BUSY. The manager is borrowed: the caller destroys it after the world. */
wr_status world_set_memory_manager(world *w, memory_manager *manager);
memory_manager *world_get_memory_manager(const world *w);

/* Advance `steps` (>= 1) time steps. On error the world is as it was before the failing step. */
wr_status world_step(world *w, int steps);

wr_status world_set_gravity(world *w, const double gravity[3]);
wr_status world_set_time_step(world *w, double time_step);
double world_time(const world *w);          /* simulated seconds */
uint64_t world_step_count(const world *w);  /* steps taken */

/* Hash (FNV-1a 64) of the bits of every generalized position and velocity and the time, for determinism tests. */
uint64_t world_state_hash(const world *w);

#ifdef __cplusplus
}
#endif
#endif
