/* A world's owner: what the runner tells a world it creates (see core/guard.h for the check itself). */
#ifndef WR_WORLD_OWNER_H
#define WR_WORLD_OWNER_H

#include <stdatomic.h>
#include <stdint.h>

#include "worldrunner/world.h"

/* Mark `w` (no skeleton yet) as owned by a runner whose state `busy` is nonzero while the runner may be using the
 * world from a worker. From then on every public call on `w`, its skeletons and its collision state is guarded,
 * wr_world_step is allowed only to the thread working on `w` (core/guard.h: wr_guard_current), and
 * wr_world_destroy / wr_world_set_memory_manager are refused to everyone: the runner releases the world
 * (busy = NULL, on the worker) before it destroys it. */
void wr_world_set_owner(wr_world *w, const _Atomic int *busy);
/* wr_world_step_count without the guard, for the owner's worker on its step path (it is the thread working on w). */
uint64_t wr_world_owner_step_count(const wr_world *w);

#endif
