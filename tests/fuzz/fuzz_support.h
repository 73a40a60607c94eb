/* fuzz_support.h — what every fuzz target shares: the libFuzzer entry point, a reader that turns the fuzzer's
 * bytes into choices and numbers, and the check that stops on a broken promise.
 *
 * A target is one file tests/fuzz/fuzz_<name>.c that defines LLVMFuzzerTestOneInput(). It is built twice (see
 * tests/fuzz/CMakeLists.txt): with libFuzzer in the `fuzz` preset, and with replay_main.c in every other preset,
 * where ctest replays the checked-in corpus and regression inputs through it.
 *
 * The reader never fails: past the end of the input every read returns 0, so any byte string is a valid program.
 * Numbers are drawn so that the fuzzer reaches both the ordinary and the extreme: a double is either one of a table
 * of interesting values (0, -0, 1, tiny, huge, denormal, infinities, NaN), a small decimal, or 8 raw bytes.
 */
#ifndef WR_FUZZ_SUPPORT_H
#define WR_FUZZ_SUPPORT_H

#include <math.h>
#include <float.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worldrunner/scenes.h"
#include "worldrunner/worldrunner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop the process (a crash to libFuzzer, a failure to the replay test) when a promise is broken. */
#define FUZZ_CHECK(cond, ...)                                                                                  \
    do {                                                                                                       \
        if (!(cond)) {                                                                                         \
            fprintf(stderr, "%s:%d: broken promise: %s\n  ", __FILE__, __LINE__, #cond);                       \
            fprintf(stderr, __VA_ARGS__);                                                                      \
            fprintf(stderr, "\n  last error: %s\n", wr_last_error());                                          \
            abort();                                                                                           \
        }                                                                                                      \
    } while (0)

/* A failed call must say why: FUZZ_CALL(call) clears the last error, makes the call, and checks that a failure left
 * a message. It evaluates to the call's status. */
static inline wr_status fuzz_after_call(wr_status st, const char *call)
{
    FUZZ_CHECK(st == WR_OK || wr_last_error()[0] != '\0', "%s returned %s without a message", call,
               wr_status_name(st));
    return st;
}
#define FUZZ_CALL(call) (wr_clear_error(), fuzz_after_call((call), #call))

typedef struct fuzz_reader {
    const uint8_t *p;
    size_t left;
} fuzz_reader;

static inline fuzz_reader fuzz_reader_make(const uint8_t *data, size_t size)
{
    fuzz_reader r = {data, size};
    return r;
}

static inline bool fuzz_empty(const fuzz_reader *r) { return r->left == 0; }

static inline uint8_t fuzz_u8(fuzz_reader *r)
{
    if (!r->left)
        return 0;
    r->left--;
    return *r->p++;
}

static inline uint16_t fuzz_u16(fuzz_reader *r)
{
    uint16_t lo = fuzz_u8(r);
    return (uint16_t)(lo | (uint16_t)fuzz_u8(r) << 8);
}

static inline uint32_t fuzz_u32(fuzz_reader *r)
{
    uint32_t lo = fuzz_u16(r);
    return lo | (uint32_t)fuzz_u16(r) << 16;
}

static inline bool fuzz_bool(fuzz_reader *r) { return fuzz_u8(r) & 1u; }

/* An integer in [lo, hi] (hi - lo < 65536). */
static inline int fuzz_int(fuzz_reader *r, int lo, int hi)
{
    unsigned span = (unsigned)(hi - lo) + 1u;
    unsigned x = span <= 256u ? fuzz_u8(r) : fuzz_u16(r);
    return lo + (int)(x % span);
}

/* Raw bytes; zeros past the end of the input. */
static inline void fuzz_bytes(fuzz_reader *r, void *out, size_t n)
{
    size_t k = n < r->left ? n : r->left;
    memcpy(out, r->p, k);
    memset((unsigned char *)out + k, 0, n - k);
    r->p += k;
    r->left -= k;
}

/* Interesting doubles: each is a boundary some check or some arithmetic may get wrong. */
static const double fuzz_special_doubles[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-3, -1e-3, 10.0, 1e3, 1e6, -1e6, 1e-9, 1e9, 1e-12, 1e15,
    1e-300, 1e300, -1e300, DBL_MIN, DBL_MIN / 4, -DBL_MIN / 8, DBL_MAX, -DBL_MAX, DBL_EPSILON, 1.0 + DBL_EPSILON,
    1.0 - 1e-7, 1.0 + 1e-6, 1e154, 1e-154, 3.14159265358979323846, 9.81, 0.001, 1e-6, 4096.0, 65536.0,
    /* the last three are not finite: keep them last (fuzz_finite_double skips them) */
    INFINITY, -INFINITY, NAN,
};
#define FUZZ_SPECIAL_COUNT (sizeof fuzz_special_doubles / sizeof fuzz_special_doubles[0])

/* Any double: a special value, a small decimal (k / 16 with k in -2048..2047), or 8 raw bytes. */
static inline double fuzz_double(fuzz_reader *r)
{
    uint8_t kind = fuzz_u8(r);
    if (kind < 96)
        return fuzz_special_doubles[kind % FUZZ_SPECIAL_COUNT];
    if (kind < 224)
        return (double)((int)(fuzz_u16(r) & 0x0fffu) - 2048) / 16.0;
    double x;
    fuzz_bytes(r, &x, sizeof x);
    return x;
}

/* A double in a sane range [lo, hi], 256 steps: for descriptions that should be accepted. */
static inline double fuzz_double_in(fuzz_reader *r, double lo, double hi)
{
    return lo + (hi - lo) * (double)fuzz_u8(r) / 255.0;
}

/* Either a sane value in [lo, hi] (mostly) or any double. */
static inline double fuzz_double_mostly(fuzz_reader *r, double lo, double hi)
{
    return (fuzz_u8(r) & 7u) ? fuzz_double_in(r, lo, hi) : fuzz_double(r);
}

static inline bool fuzz_all_finite(const double *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i]))
            return false;
    return true;
}

/* What a failed call must leave as it was: everything the public API shows of a world's state and layout. */
typedef struct fuzz_world_view {
    uint64_t hash;            /* wr_world_state_hash: q, v, time */
    uint64_t steps;
    int skeletons;
    size_t nq, nv;
} fuzz_world_view;

static inline fuzz_world_view fuzz_world_view_of(const wr_world *w)
{
    fuzz_world_view v = {wr_world_state_hash(w), wr_world_step_count(w), wr_world_skeleton_count(w),
                         wr_world_position_count(w), wr_world_dof_count(w)};
    return v;
}

static inline bool fuzz_world_view_equal(fuzz_world_view a, fuzz_world_view b)
{
    return a.hash == b.hash && a.steps == b.steps && a.skeletons == b.skeletons && a.nq == b.nq && a.nv == b.nv;
}

#endif
