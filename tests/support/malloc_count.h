/* malloc_count.h — count heap calls made by the code under test, to prove "no malloc on the step path".
 *
 * Every test program links malloc_count.c. In a plain build it defines malloc, calloc, realloc, reallocarray, free,
 * aligned_alloc, posix_memalign, memalign, valloc and pvalloc in the executable, so they replace glibc's for the whole
 * process (our library, CMocka, hwloc, libgomp/libomp), count the call, and forward to glibc's own allocator
 * (__libc_malloc & co.), so memory from either side may be freed by the other.
 * Under AddressSanitizer or ThreadSanitizer the sanitizer owns malloc: the counter then uses the sanitizer's
 * malloc/free hooks, which see every allocation and free but not which function made it (realloc counts as one
 * allocation plus one free; the per-function fields stay 0). TSan's hooks miss posix_memalign, aligned_alloc and
 * memalign, so the tsan preset links test programs with -Wl,--wrap for those: calls from the test program and the
 * static worldrunner library are counted, calls made inside other shared libraries are not.
 *
 * Counting is process-wide (every thread counts, which is what a parallel step needs) and happens only between
 * malloc_count_begin() and malloc_count_end(). Only one test at a time may use begin/end; the counters are atomic.
 * free(NULL) is not counted (it does nothing).
 *
 * malloc_count_available() proves the counter works by counting a probe allocation; where it does not (a static
 * glibc link, an unknown sanitizer), tests must not assert on counts: use malloc_count_require(), which prints a
 * skip reason and returns false.
 *
 *     if (malloc_count_require("wr_world_step allocates nothing")) {
 *         malloc_count_begin();
 *         assert_wr_ok(wr_world_step(w, 100));
 *         malloc_count_stats s = malloc_count_end();
 *         assert_int_equal(s.allocations, 0);
 *     }
 */
#ifndef WR_MALLOC_COUNT_H
#define WR_MALLOC_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct malloc_count_stats {
    uint64_t allocations;      /* calls that return new memory: malloc, calloc, realloc, aligned kinds */
    uint64_t frees;            /* free() of a non-NULL pointer (realloc(p, 0) frees too) */
    uint64_t bytes_requested;  /* sum of the sizes asked for by those allocations */
    /* Per function (0 under sanitizers, where only the totals above are known). */
    uint64_t malloc_calls;
    uint64_t calloc_calls;
    uint64_t realloc_calls;    /* realloc and reallocarray */
    uint64_t aligned_calls;    /* aligned_alloc, posix_memalign, memalign, valloc, pvalloc */
} malloc_count_stats;

/* True if counting works in this process (checked once, by counting a probe allocation). */
bool malloc_count_available(void);
/* Why counting is unavailable ("" when it is available). Never NULL. */
const char *malloc_count_unavailable_reason(void);
/* How counting works here: "interposer", "sanitizer-hooks" or "none". */
const char *malloc_count_method(void);

/* Reset the counters and start counting (every thread). */
void malloc_count_begin(void);
/* Stop counting and return what was counted since malloc_count_begin(). */
malloc_count_stats malloc_count_end(void);
/* What was counted so far, without stopping. */
malloc_count_stats malloc_count_peek(void);

/* For tests: true if counting is available; otherwise prints "SKIP <what>: <reason>" and returns false, so the
 * caller skips only the assertions that need the counter. */
bool malloc_count_require(const char *what);

#endif
