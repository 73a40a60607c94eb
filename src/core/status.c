/* Status names and the thread-local last error message. */
#include "core/status_internal.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_error[512];
static _Thread_local unsigned long fail_count;

const char *wr_status_name(wr_status status)
{
    switch (status) {
    case WR_OK: return "WR_OK";
    case WR_ERR_INVALID_ARGUMENT: return "WR_ERR_INVALID_ARGUMENT";
    case WR_ERR_OUT_OF_MEMORY: return "WR_ERR_OUT_OF_MEMORY";
    case WR_ERR_BUDGET: return "WR_ERR_BUDGET";
    case WR_ERR_BUSY: return "WR_ERR_BUSY";
    case WR_ERR_UNSUPPORTED: return "WR_ERR_UNSUPPORTED";
    case WR_ERR_NOT_FOUND: return "WR_ERR_NOT_FOUND";
    case WR_ERR_NON_FINITE: return "WR_ERR_NON_FINITE";
    case WR_ERR_CORRUPTION: return "WR_ERR_CORRUPTION";
    case WR_ERR_LEAK: return "WR_ERR_LEAK";
    case WR_ERR_SYSTEM: return "WR_ERR_SYSTEM";
    case WR_ERR_INVALID_STATE: return "WR_ERR_INVALID_STATE";
    case WR_ERR_PARSE: return "WR_ERR_PARSE";
    }
    return "WR_ERR_UNKNOWN";
}

const char *wr_last_error(void) { return last_error; }

void wr_clear_error(void) { last_error[0] = '\0'; }

unsigned long wr_fail_count(void) { return fail_count; }

wr_status wr_fail(wr_status status, const char *function, const char *format, ...)
{
    fail_count++;
    int n = snprintf(last_error, sizeof last_error, "%s: ", function);
    if (n < 0 || (size_t)n >= sizeof last_error)
        n = 0;
    va_list args;
    va_start(args, format);
    vsnprintf(last_error + n, sizeof last_error - (size_t)n, format, args);
    va_end(args);
    return status;
}
