/* Baselines for tools/bench_runner.c: the same worlds stepped by an OpenMP parallel-for and by threads meeting at a
 * pthread_barrier, so the runner's per-tick fork/join can be compared with them in one run. They live in the
 * library because only the library is compiled with OpenMP. Not public API; no argument checks beyond asserts. */
#ifndef WR_RUNNER_BASELINE_H
#define WR_RUNNER_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "worldrunner/world.h"

/* `ticks` times: step every world once with `#pragma omp parallel for num_threads(threads) schedule(static)`.
 * Returns the elapsed nanoseconds, or 0 if this build has no OpenMP. */
uint64_t runner_baseline_openmp_for(wr_world **worlds, size_t count, int threads, int ticks);

/* `ticks` times: `threads` threads (the caller is thread 0) meet at a pthread_barrier, step their static share of
 * the worlds, and meet again. Returns the elapsed nanoseconds (0 on a thread-creation failure). */
uint64_t runner_baseline_pthread_barrier(wr_world **worlds, size_t count, int threads, int ticks);

#endif
