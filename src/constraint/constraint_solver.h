/* src/constraint/constraint_solver.h — the world's constraint stage: contacts, friction, joint limits.
 *
 * Owned by a world (created lazily, once the world's memory manager is fixed). It owns a wr_frame_allocator taken from
 * the world's memory manager; every per-step temporary lives there and is released by the reset at the start of
 * the next step. Called by wr_world_step between the unconstrained velocity update and position integration:
 * it changes the candidate generalized velocities by impulses. The warm-start cache is written only when the world
 * commits the step, so a failed step leaves the simulation as it was (the per-skeleton M^-1 cache may be refreshed
 * by any step: it only holds inverses of the mass matrices it stores next to them).
 * Threads: the world's thread only.
 */
#ifndef WR_CONSTRAINT_SOLVER_H
#define WR_CONSTRAINT_SOLVER_H

#include "worldrunner/frame_allocator.h"
#include "worldrunner/memory_manager.h"
#include "worldrunner/world.h"

typedef struct constraint_solver constraint_solver;

/* Create over the world's manager (its frame allocator buffer comes from there). */
wr_status constraint_solver_create(wr_memory_manager *manager, constraint_solver **out);
void constraint_solver_destroy(constraint_solver *solver);

/* One step's constraint stage on world `w` with time step `dt`: reset the frame, detect contacts, build and solve
 * rows, apply impulses to the world's candidate velocities. Returns an error (budget, non-finite) without having
 * changed any persistent state. */
wr_status constraint_solver_step(constraint_solver *solver, wr_world *w, double dt);

/* The step that called constraint_solver_step() committed: keep this step's warm-start data. */
void constraint_solver_commit(constraint_solver *solver);

/* The frame allocator (for statistics). */
wr_frame_allocator *constraint_solver_frame(constraint_solver *solver);

/* Settings (checked; unchanged on error) and the statistics of the last step (worldrunner/collision.h). */
struct wr_collision_settings;
struct wr_collision_stats;
wr_status constraint_solver_set_settings(constraint_solver *solver, const struct wr_collision_settings *settings);
void constraint_solver_get_settings(const constraint_solver *solver, struct wr_collision_settings *out);
void constraint_solver_get_stats(const constraint_solver *solver, struct wr_collision_stats *out);
/* Warm-start cache for world snapshots. Entries are stored packed (key, then 3 impulses: 32 bytes each) at any
 * alignment. Save writes cache_count entries; load checks (load_check, nothing changed) then replaces the cache
 * without allocating: it fails when the cache's capacity is below `count`. `layout` is the layout signature the
 * cache was made under (a cache of another layout is not used by the next step). Load also drops the view of the
 * last step's contacts (they no longer describe the world). */
#define CONSTRAINT_SOLVER_CACHE_ENTRY_BYTES 32u
uint32_t constraint_solver_cache_count(const constraint_solver *solver);
void constraint_solver_cache_save(const constraint_solver *solver, void *dst, uint64_t *layout);
wr_status constraint_solver_cache_load_check(const constraint_solver *solver, const void *src, uint32_t count);
void constraint_solver_cache_load(constraint_solver *solver, const void *src, uint32_t count, uint64_t layout);
/* Contacts of the last committed step (see wr_collision_get_contacts). */
struct wr_collision_contact_info;
wr_status constraint_solver_get_contacts(const constraint_solver *solver, struct wr_collision_contact_info *out,
                                         size_t capacity, size_t *count);

#endif
