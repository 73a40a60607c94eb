/* The runner ownership guard (see core/guard.h). */
#include "core/guard.h"

#include "core/status_internal.h"

_Thread_local const void *wr_guard_current;

wr_status wr_guard_fail(const char *function)
{
    return wr_fail(WR_ERR_BUSY, function,
                   "busy: the world's runner is using it (a tick, or a job on its worker); call between ticks "
                   "(after step_wait), or from this world's own build or pre-step callback");
}

wr_status wr_guard_fail_owned(const char *function)
{
    return wr_fail(WR_ERR_INVALID_STATE, function,
                   "the world belongs to a runner: it is stepped and destroyed through the runner "
                   "(wr_world_runner_step_all, wr_world_runner_destroy_world)");
}
