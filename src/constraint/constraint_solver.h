/* src/constraint/constraint_solver.h — the world's constraint stage: contacts, friction, joint limits.
 *
 * Owned by a world (created with its first skeleton, from the world's memory manager). Called by wr_world_step
 * after the collision stage, between the unconstrained velocity update and position integration, with a step view:
 * the skeletons (through the narrow interface of dynamics/dynamics_internal.h), this step's contacts, the step's
 * frame allocator (every per-step temporary lives there), dt, the settings and the statistics to fill. It changes
 * the candidate generalized velocities by impulses. The warm-start cache is written only when the world commits
 * the step, so a failed step leaves the simulation as it was (the per-skeleton M^-1 cache may be refreshed by any
 * step: it only holds inverses of the mass matrices it stores next to them).
 * Threads: the world's thread only.
 */
#ifndef WR_CONSTRAINT_SOLVER_H
#define WR_CONSTRAINT_SOLVER_H

#include <stdint.h>

#include "collision/collision_stage.h"
#include "worldrunner/frame_allocator.h"
#include "worldrunner/memory_manager.h"
#include "worldrunner/skeleton.h"

typedef struct constraint_solver constraint_solver;

/* What the constraint stage sees of one step (the world's, borrowed for one call). */
typedef struct wr_constraint_view {
    wr_skeleton *const *skeletons; /* skeleton_count, in world order; their velocities are the candidate ones */
    int skeleton_count;
    int dof_count;                 /* total nv (the world-wide dof numbering of dyn_skeleton_dof_offset) */
    wr_contact_list *contacts;     /* this step's, from the collision stage; their island and impulse are filled */
    wr_frame_allocator *frame;     /* the step's temporaries */
    double dt;                     /* time step (s), > 0 */
    const wr_collision_settings *settings;
    wr_collision_stats *stats;     /* warm_started, limit_rows, rows, islands, iterations, residual, cache figures */
    uint64_t layout;               /* the world's layout key (facts derived from the skeletons) */
    uint64_t warm_start_key;       /* the layout key and every skeleton's state epoch: a warm-start cache made
                                    * under another key (skeletons added or removed, q or v set from outside since)
                                    * is not used, its impulses belong to another state */
} wr_constraint_view;

/* Create over the world's manager; `stats` receives the cache figures (cache_capacity). */
wr_status constraint_solver_create(wr_memory_manager *manager, wr_collision_stats *stats, constraint_solver **out);
void constraint_solver_destroy(constraint_solver *solver);
/* The world's skeleton set changed: the cold-path fact (does any dof have a limit?) is derived again. */
void constraint_solver_invalidate(constraint_solver *solver);

/* One step's constraint stage: limits, rows over the contacts and limits, PGS per island, impulses applied to the
 * skeletons' candidate velocities. Returns an error (budget, non-finite) without having changed any persistent
 * state (nor the velocities). */
wr_status constraint_solver_step(constraint_solver *solver, const wr_constraint_view *view);

/* After the world integrated positions following a successful constraint_solver_step(): where the step recovered
 * deep penetrations by pseudo velocities (split impulse), the skeletons' velocities were v + pseudo for the
 * integration; this puts the velocities to keep back. Nothing to do otherwise. */
void constraint_solver_finish_integration(constraint_solver *solver, wr_skeleton *const *skeletons, int count);

/* The step that called constraint_solver_step() committed: keep this step's warm-start data (`stats` receives the
 * cache's capacity if it grew). */
void constraint_solver_commit(constraint_solver *solver, wr_collision_stats *stats);

/* Warm-start cache for world snapshots. Entries are stored packed (key, then 3 impulses: 32 bytes each) at any
 * alignment. Save writes cache_count entries; load checks (load_check, nothing changed) then replaces the cache
 * without allocating: it fails when the cache's capacity is below `count`. `layout` is the layout identity the
 * cache was made under (a cache made under another key is not used by the next step). */
#define CONSTRAINT_SOLVER_CACHE_ENTRY_BYTES 32u
uint32_t constraint_solver_cache_count(const constraint_solver *solver);
uint64_t constraint_solver_cache_key(const constraint_solver *solver);      /* its warm_start_key */
uint32_t constraint_solver_cache_capacity(const constraint_solver *solver); /* entries held without growing */
void constraint_solver_cache_save(const constraint_solver *solver, void *dst, uint64_t *layout);
wr_status constraint_solver_cache_load_check(const constraint_solver *solver, const void *src, uint32_t count);
void constraint_solver_cache_load(constraint_solver *solver, const void *src, uint32_t count, uint64_t layout);

#endif
