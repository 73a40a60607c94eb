/* worldrunner/world.h — a world: skeletons, gravity, time, and the step.
 *
 * A world owns its memory manager (or borrows one the caller installs while the world holds nothing) and every
 * component that allocates takes memory from it: skeletons' body-node pools, collision data and the constraint
 * solver's frame allocator. wr_world_step() runs collision, constraints, then integration, and allocates nothing in
 * steady state. A failed step leaves the world exactly as it was before that step.
 *
 * Threads: a world is used by one thread at a time; nothing inside locks. Different worlds may be used by different
 * threads at once. A world created by a wr_world_runner follows the runner's rules (worldrunner/world_runner.h):
 * while the runner uses it (a tick, or a job on its worker) every call on it from another thread returns
 * WR_ERR_BUSY and changes nothing (the calls returning a value give their NULL-world answer, with the message in
 * wr_last_error()), and wr_world_step / wr_world_destroy / wr_world_set_memory_manager belong to the runner
 * (WR_ERR_INVALID_STATE).
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

typedef struct wr_world wr_world;
typedef struct wr_skeleton wr_skeleton;

typedef struct wr_world_config {
    double time_step;            /* seconds, > 0; default 0.001 */
    double gravity[3];           /* m/s^2; default (0, 0, -9.81) */
    wr_memory_manager *memory;      /* borrowed manager; NULL = the world creates and owns one */
    size_t memory_budget;        /* budget of the owned manager in bytes (0 = none); ignored when memory != NULL */
} wr_world_config;

/* Fill `config` with the defaults. */
void wr_world_config_init(wr_world_config *config);
/* Create a world; config NULL = defaults. */
wr_status wr_world_create(const wr_world_config *config, wr_world **out);
/* Destroy the world, its skeletons and (if owned) its memory manager. */
wr_status wr_world_destroy(wr_world *w);

/* The seed's setMemoryManager: allowed only while the world holds no memory (no skeleton added, never stepped),
 * else WR_ERR_BUSY. The manager is borrowed: the caller destroys it after the world. */
wr_status wr_world_set_memory_manager(wr_world *w, wr_memory_manager *manager);
wr_memory_manager *wr_world_get_memory_manager(const wr_world *w);

/* Advance `steps` (>= 1) time steps. On error the world is as it was before the failing step. */
wr_status wr_world_step(wr_world *w, int steps);

wr_status wr_world_set_gravity(wr_world *w, const double gravity[3]);
wr_status wr_world_set_time_step(wr_world *w, double time_step);
double wr_world_time(const wr_world *w);          /* simulated seconds */
uint64_t wr_world_step_count(const wr_world *w);  /* steps taken */

/* Hash (FNV-1a 64) of the bits of every generalized position and velocity and the time, for determinism tests. */
uint64_t wr_world_state_hash(const wr_world *w);

double wr_world_time_step(const wr_world *w);
void wr_world_get_gravity(const wr_world *w, double gravity[3]);

/* --- flat state of all skeletons, in skeleton order (see worldrunner/skeleton.h for the per-joint layout) ----- */

size_t wr_world_position_count(const wr_world *w);  /* total nq */
size_t wr_world_dof_count(const wr_world *w);       /* total nv */
/* `count` must equal the total nq (positions) or nv (velocities, forces). Set refuses NaN/Inf unchanged. */
wr_status wr_world_get_positions(const wr_world *w, double *q, size_t count);
wr_status wr_world_set_positions(wr_world *w, const double *q, size_t count);
wr_status wr_world_get_velocities(const wr_world *w, double *v, size_t count);
wr_status wr_world_set_velocities(wr_world *w, const double *v, size_t count);
/* Joint-force commands, kept until changed, clamped to effort limits when stepping. */
wr_status wr_world_set_joint_forces(wr_world *w, const double *tau, size_t count);
/* Controls of every actuator (skeletons instantiated from a model), in skeleton order; `count` must equal
 * wr_world_control_count(). Kept until changed; each step applies gear * clamp(ctrl) as joint force. */
size_t wr_world_control_count(const wr_world *w);
wr_status wr_world_set_controls(wr_world *w, const double *ctrl, size_t count);
wr_status wr_world_get_controls(const wr_world *w, double *ctrl, size_t count);
/* External force through the COM and torque, world coordinates, on body `body` of skeleton `skeleton_index`. */
wr_status wr_world_apply_body_wrench(wr_world *w, int skeleton_index, int body, const double force[3],
                                  const double torque[3]);
/* Zero every joint-force command and external wrench. */
wr_status wr_world_clear_forces(wr_world *w);

/* --- snapshots for resets: q, v, time, step count and the contact solver's warm-start cache ---------------- */
/* Saving at t0, stepping N, restoring and stepping N again gives a bit-identical wr_world_state_hash. Not saved:
 * joint-force commands, external wrenches and settings (inputs the caller sets), and derived caches. */

/* Bytes a snapshot of the world's current state needs: fixed for a layout, plus 32 bytes per entry of the
 * warm-start cache right now (one per contact/limit of the last step), so it changes as contacts come and go. */
size_t wr_world_snapshot_size(const wr_world *w);
/* Save into / restore from a caller buffer of `bytes`. Save needs bytes >= wr_world_snapshot_size() at the time of
 * the call (else WR_ERR_INVALID_ARGUMENT, buffer untouched). Restore allocates nothing and makes no memory-manager
 * request; it refuses a snapshot of another layout or a truncated buffer (WR_ERR_INVALID_ARGUMENT), NaN/Inf
 * (WR_ERR_NON_FINITE), a quaternion of norm off 1 by more than 1e-6 (WR_ERR_INVALID_ARGUMENT, as set_positions),
 * and a warm-start cache larger than this world's cache capacity (WR_ERR_INVALID_STATE: only
 * possible for a snapshot of another world); on any error the world is unchanged. After a restore,
 * wr_collision_get_contacts() has no last step to report (WR_ERR_INVALID_STATE) until the next step. */
wr_status wr_world_save_snapshot(const wr_world *w, void *buffer, size_t bytes);
wr_status wr_world_restore_snapshot(wr_world *w, const void *buffer, size_t bytes);
/* The same with a buffer taken from the world's memory manager (tag WR_MEMORY_TAG_WORLD) at create, sized for the
 * warm-start cache's capacity at that time. Save fails with WR_ERR_INVALID_STATE (snapshot unchanged) if the
 * world's state has since outgrown it (the cache grew past that capacity): destroy it and create a new one. */
typedef struct wr_world_snapshot wr_world_snapshot;
wr_status wr_world_snapshot_create(wr_world *w, wr_world_snapshot **out);
wr_status wr_world_snapshot_save(const wr_world *w, wr_world_snapshot *snapshot);
wr_status wr_world_snapshot_restore(wr_world *w, const wr_world_snapshot *snapshot);
wr_status wr_world_snapshot_destroy(wr_world *w, wr_world_snapshot *snapshot);

#ifdef __cplusplus
}
#endif
#endif
