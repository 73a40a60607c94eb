/* malloc_shim.h — what the LD_PRELOAD heap-call counter (malloc_shim.so) exports.
 *
 * The shim counts every malloc, calloc, realloc, memalign-family call and free made by the process (C++ operator
 * new goes through malloc in libstdc++) and keeps the bytes outstanding (usable sizes). Counters are process-wide,
 * relaxed atomics: read them around a single-threaded stretch of code. A program finds the reader with
 * dlsym(RTLD_DEFAULT, "malloc_shim_read"); when the shim is not preloaded the symbol is absent.
 */
#ifndef MALLOC_SHIM_H
#define MALLOC_SHIM_H

typedef struct malloc_shim_counts {
    unsigned long long allocations;  /* malloc, calloc, realloc, memalign, posix_memalign, aligned_alloc, valloc */
    unsigned long long frees;        /* free of a non-NULL pointer (and realloc's release of the old block) */
    long long live_bytes;            /* usable bytes of all blocks not yet freed */
} malloc_shim_counts;

typedef void (*malloc_shim_read_fn)(malloc_shim_counts *out);

#endif
