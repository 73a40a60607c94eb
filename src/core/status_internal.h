/* Internal helpers for reporting errors. Cold path only: never call on a successful hot path. */
#ifndef WR_CORE_STATUS_INTERNAL_H
#define WR_CORE_STATUS_INTERNAL_H

#include "worldrunner/status.h"

/* Record "function: message" as this thread's last error and return status. Usage:
 *   if (!ptr) return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "ptr is NULL");                                  */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
wr_status wr_fail(wr_status status, const char *function, const char *format, ...);

#define WR_FAIL(status, ...) wr_fail((status), __func__, __VA_ARGS__)

/* How many times wr_fail ran on this thread: whether a callee left a message of its own, without clearing the
 * caller's (a cleanup after a failure must not erase the failure's message). */
unsigned long wr_fail_count(void);

#endif
