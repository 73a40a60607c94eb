/* src/core/util.h — small helpers every layer uses: finite checks and FNV-1a hashing.
 *
 * Header-only (static inline): the finite check runs on the step path (every velocity, every step), and nothing here
 * allocates or keeps state. Threads: any.
 */
#ifndef WR_CORE_UTIL_H
#define WR_CORE_UTIL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* 1 if none of p[0..n) is NaN or infinite. */
static inline int wr_all_finite(const double *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i]))
            return 0;
    return 1;
}

/* 64-bit FNV-1a over bytes: start from WR_FNV1A_INIT, then chain h = wr_fnv1a(h, data, bytes). Used where a value
 * must be the same in every run and build (the state hash of the determinism tests, the world's layout key). */
#define WR_FNV1A_INIT 0xcbf29ce484222325ull

static inline uint64_t wr_fnv1a(uint64_t h, const void *data, size_t bytes)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < bytes; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

#endif
