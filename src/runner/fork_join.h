/* fork_join: the runner's per-tick wake-up and barrier between one host thread and N workers.
 *
 * The host publishes a job and bumps `generation` (fork); every worker, waiting for a new generation, runs its
 * part and decrements `remaining`; the last one publishes the generation in `done` (join). Waiting threads spin
 * for a while (cheap when ticks are short) and then sleep on a futex; wake-up syscalls are made only when someone
 * sleeps, so a steady stream of short ticks makes no syscall at all. Counters are read and written with seq_cst
 * atomics where a sleeper and a waker must not miss each other (the "sleepers" Dekker pattern), and the job
 * descriptor is handed over by the release/acquire of `generation` and `done`. */
#ifndef WR_RUNNER_FORK_JOIN_H
#define WR_RUNNER_FORK_JOIN_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define FORK_JOIN_DEFAULT_SPIN 4000u
/* The host's join spin when every core has a worker: the host then has no core of its own, and spinning would
 * only take the core from a worker that is still stepping, so it sleeps almost at once. */
#define FORK_JOIN_SHORT_SPIN 64u

typedef struct fork_join {
    alignas(64) _Atomic uint32_t generation; /* futex word the workers wait on */
    _Atomic uint32_t sleepers;               /* workers asleep (or about to sleep) on generation */
    alignas(64) _Atomic uint32_t remaining;  /* workers still running the current job */
    alignas(64) _Atomic uint32_t done;       /* futex word the host waits on: last generation completed */
    _Atomic uint32_t host_sleeping;
    uint32_t participants;
    unsigned spin;                           /* workers' wait for the next fork */
    unsigned host_spin;                      /* host's wait for the join */
} fork_join;

/* spin 0 = FORK_JOIN_DEFAULT_SPIN; host_spin 0 = the same as spin. */
void fork_join_init(fork_join *fj, uint32_t participants, unsigned spin, unsigned host_spin);
/* Host: start a job (its descriptor must be written before); returns the job's generation. */
uint32_t fork_join_fork(fork_join *fj);
/* Worker: wait until the generation differs from *seen, store it there, return it. */
uint32_t fork_join_wait_fork(fork_join *fj, uint32_t *seen);
/* Worker: this worker's part of the job is done. */
void fork_join_arrive(fork_join *fj, uint32_t generation);
/* Host: has the job of `generation` completed? (no waiting) */
bool fork_join_is_done(fork_join *fj, uint32_t generation);
/* Host: wait until the job of `generation` has completed. */
void fork_join_join(fork_join *fj, uint32_t generation);

#endif
