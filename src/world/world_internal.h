/* src/world/world_internal.h — the world handle's fields, shared by the files of src/world (world.c: lifetime,
 * skeletons, the step; world_state.c: flat state, state hash, snapshots). Nothing outside src/world includes it.
 */
#ifndef WR_WORLD_INTERNAL_H
#define WR_WORLD_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "collision/collision_stage.h"
#include "core/guard.h"
#include "constraint/constraint_solver.h"
#include "dynamics/skeleton_impl.h"
#include "worldrunner/world.h"

#define W_TAG WR_MEMORY_TAG_WORLD

struct wr_world {
    wr_memory_manager *manager;
    int owns_manager;
    double dt;
    vec3 gravity;
    double time;
    uint64_t step_count;
    wr_skeleton **skeletons;        /* skeleton_capacity slots */
    int skeleton_count, skeleton_capacity;
    int nq, nv;                  /* totals */
    double *backup;              /* nq + nv doubles: the pre-step state */
    size_t backup_doubles;
    /* The contact stages and their frame, created together with the first skeleton (all NULL before). */
    wr_collision_stage *collision; /* settings, statistics, facts, the last step's contacts */
    constraint_solver *solver;     /* warm-start and inverse-mass caches */
    wr_frame_allocator *frame;     /* every per-step temporary of the collision and constraint stages */
    /* The collision settings set before the first skeleton (checked), handed to the collision stage it creates. */
    wr_collision_settings early_settings;
    int snapshots;               /* live wr_world_snapshot objects */
    /* The world's layout identity, the one key of everything derived from how the world is numbered: FNV-1a over
     * the skeleton count and each skeleton's joint types and shape count (which fix the q and v layout and the
     * world-wide shape and dof numbers). Recomputed when a skeleton is added or removed; the warm-start cache, the
     * cold-path facts of both contact stages and snapshots are made under it. */
    uint64_t layout;
    const _Atomic int *owner_busy; /* the owning runner's busy state (core/guard.h); NULL = no runner owns it */
    /* A skeleton was added or removed since `layout` was computed: it is recomputed when next needed (the step,
     * snapshots), not at every add, which made building n skeletons O(n^2) (10,000 skeletons took 10 s). */
    int layout_stale;
};

/* The key the warm-start cache must have been made under to be used (wr_constraint_view.warm_start_key): the layout
 * key chained with every skeleton's state epoch. O(skeletons), no allocation. */
uint64_t wr_world_warm_start_key(const wr_world *w);

/* ---- runner ownership (core/guard.h, world/world_owner.h) ------------------------------------------------------ */

/* A call on a runner's world while the runner uses it, from a thread that is not working on this world. */
static inline bool wr_world_refused(const wr_world *w) { return w && wr_guard_refuses(w->owner_busy, w); }
#define GUARD(w)                                                                                               \
    do {                                                                                                       \
        if (wr_world_refused(w))                                                                               \
            return wr_guard_fail(__func__);                                                                    \
    } while (0)
/* For the calls that return a value, not a status: the NULL-world answer, and WR_ERR_BUSY as the last error. */
#define GUARD_OR(w, value)                                                                                     \
    do {                                                                                                       \
        if (wr_world_refused(w)) {                                                                             \
            wr_guard_fail(__func__);                                                                           \
            return value;                                                                                      \
        }                                                                                                      \
    } while (0)

/* ---- the layout key ---------------------------------------------------------------------------------------------- */

/* The layout key computed from the skeletons now (O(bodies)). */
uint64_t wr_world_layout_key(const wr_world *w);

/* The layout key, recomputed first if a skeleton was added or removed. */
static inline uint64_t wr_world_current_layout(wr_world *w)
{
    if (w->layout_stale) {
        w->layout = wr_world_layout_key(w);
        w->layout_stale = 0;
    }
    return w->layout;
}

#endif
