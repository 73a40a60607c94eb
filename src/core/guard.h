/* Who may touch a world that a runner owns, checked on every public call on the world, its skeletons and its
 * collision state.
 *
 * A runner marks each world it creates with a pointer to its own busy state (nonzero while a tick runs, or while a
 * world job runs on a worker), and each worker thread names the world it is working on in wr_guard_current while it
 * runs a job on it (create + build, a pre-step callback, the step, destroy). A call on an owned world is refused
 * (WR_ERR_BUSY, nothing changed) when the runner is busy and the calling thread is not working on that world: the
 * host during a tick, a callback touching another world. The check is one load and a thread-local compare: no lock,
 * nothing written, so the step path pays nothing measurable; a free world (busy pointer NULL) pays one branch.
 * The runner makes the busy state nonzero before it hands a job to its workers and zero after it has joined them,
 * so a call that starts during a tick always sees it busy; a call from another thread that races with step_begin
 * itself is the host's own race (one host thread calls the runner at a time, see worldrunner/world_runner.h).
 */
#ifndef WR_CORE_GUARD_H
#define WR_CORE_GUARD_H

#include <stdatomic.h>
#include <stdbool.h>

#include "worldrunner/status.h"

/* The world this thread is working on as its runner's worker, NULL otherwise (set and cleared by the runner). */
extern _Thread_local const void *wr_guard_current;

/* True if a call on `world` (marked with `busy`, NULL for a world no runner owns) must be refused now. */
static inline bool wr_guard_refuses(const _Atomic int *busy, const void *world)
{
    return busy && wr_guard_current != world && atomic_load_explicit(busy, memory_order_acquire) != 0;
}

/* The same for modules that implement public calls on a world or a skeleton without seeing their layout (the
 * collision API): true if the call must be refused now (then return wr_guard_fail(__func__)). */
struct wr_world;
struct wr_skeleton;
bool wr_world_guard_refuses(const struct wr_world *w);       /* world.c */
bool wr_skeleton_guard_refuses(const struct wr_skeleton *s); /* skeleton.c */

/* Record the refusal of `function` as this thread's last error; returns WR_ERR_BUSY. Cold. */
wr_status wr_guard_fail(const char *function);

/* Reject `function` on a world a runner owns when the caller is not the world's worker in a job: stepping, destroying
 * and swapping the manager are the runner's own (WR_ERR_INVALID_STATE). */
wr_status wr_guard_fail_owned(const char *function);

#endif
