/* worldrunner/status.h — status codes and the last error message.
 *
 * Every public worldrunner call returns a wr_status. On failure the call changes nothing and leaves a readable
 * message, which wr_last_error() returns. The message is thread-local: each thread reads the message of its
 * own last failed call. Any thread may call these functions.
 */
#ifndef WORLDRUNNER_STATUS_H
#define WORLDRUNNER_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum wr_status {
    WR_OK = 0,
    WR_ERR_INVALID_ARGUMENT = 1, /* NULL, zero size, bad alignment, out of range, unknown name */
    WR_ERR_OUT_OF_MEMORY = 2,    /* the base allocator refused */
    WR_ERR_BUDGET = 3,           /* the request would pass the memory manager's budget */
    WR_ERR_BUSY = 4,             /* the object is in use (a step is running, a world holds memory) */
    WR_ERR_UNSUPPORTED = 5,      /* not available on this system or build */
    WR_ERR_NOT_FOUND = 6,        /* no such object (index, name, pointer) */
    WR_ERR_NON_FINITE = 7,       /* NaN or infinity in a parameter or in the state */
    WR_ERR_CORRUPTION = 8,       /* a debug check failed: double free, size mismatch, foreign pointer */
    WR_ERR_LEAK = 9,             /* memory still allocated when its allocator was destroyed */
    WR_ERR_SYSTEM = 10,          /* an operating-system call failed (errno is in the message) */
    WR_ERR_INVALID_STATE = 11,   /* the object is not in a state where this call is allowed */
    WR_ERR_PARSE = 12            /* a model file or string is malformed: XML syntax, unknown element or attribute,
                                  * missing attribute, bad number (the message names the file, line and element) */
} wr_status;

/* Short constant name of a status, e.g. "WR_ERR_BUDGET". Never NULL. */
const char *wr_status_name(wr_status status);

/* Message of the last call on this thread that failed (empty string if none). Never NULL. */
const char *wr_last_error(void);

/* Clear this thread's last error message. */
void wr_clear_error(void);

#ifdef __cplusplus
}
#endif
#endif
