/* fork_join: spin, then futex. See fork_join.h for the protocol. */
#define _GNU_SOURCE
#include "runner/fork_join.h"

#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void cpu_relax(void) { _mm_pause(); }
#else
static inline void cpu_relax(void) {}
#endif

/* The futex word is the 32-bit atomic itself (lock-free atomics have the plain object's representation). */
static void futex_wait(_Atomic uint32_t *word, uint32_t expected)
{
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake_all(_Atomic uint32_t *word)
{
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

void fork_join_init(fork_join *fj, uint32_t participants, unsigned spin, unsigned host_spin)
{
    atomic_init(&fj->generation, 0);
    atomic_init(&fj->sleepers, 0);
    atomic_init(&fj->remaining, 0);
    atomic_init(&fj->done, 0);
    atomic_init(&fj->host_sleeping, 0);
    fj->participants = participants;
    fj->spin = spin ? spin : FORK_JOIN_DEFAULT_SPIN;
    fj->host_spin = host_spin ? host_spin : fj->spin;
}

uint32_t fork_join_fork(fork_join *fj)
{
    atomic_store_explicit(&fj->remaining, fj->participants, memory_order_relaxed);
    uint32_t generation = atomic_fetch_add(&fj->generation, 1) + 1; /* seq_cst: publishes the job */
    if (atomic_load(&fj->sleepers) != 0)
        futex_wake_all(&fj->generation);
    return generation;
}

uint32_t fork_join_wait_fork(fork_join *fj, uint32_t *seen)
{
    uint32_t old = *seen;
    uint32_t now = old;
    for (unsigned i = 0; i < fj->spin; ++i) {
        now = atomic_load_explicit(&fj->generation, memory_order_acquire);
        if (now != old)
            return *seen = now;
        cpu_relax();
    }
    for (;;) {
        atomic_fetch_add(&fj->sleepers, 1);
        now = atomic_load(&fj->generation);
        if (now == old)
            futex_wait(&fj->generation, old);
        atomic_fetch_sub(&fj->sleepers, 1);
        now = atomic_load(&fj->generation);
        if (now != old)
            return *seen = now;
    }
}

void fork_join_arrive(fork_join *fj, uint32_t generation)
{
    if (atomic_fetch_sub_explicit(&fj->remaining, 1, memory_order_acq_rel) != 1)
        return;
    atomic_store(&fj->done, generation); /* seq_cst: publishes every worker's results (acq_rel chain above) */
    if (atomic_load(&fj->host_sleeping) != 0)
        futex_wake_all(&fj->done);
}

bool fork_join_is_done(fork_join *fj, uint32_t generation)
{
    return atomic_load_explicit(&fj->done, memory_order_acquire) == generation;
}

void fork_join_join(fork_join *fj, uint32_t generation)
{
    for (unsigned i = 0; i < fj->host_spin; ++i) {
        if (fork_join_is_done(fj, generation))
            return;
        cpu_relax();
    }
    for (;;) {
        atomic_store(&fj->host_sleeping, 1);
        uint32_t now = atomic_load(&fj->done);
        if (now != generation)
            futex_wait(&fj->done, now);
        atomic_store(&fj->host_sleeping, 0);
        if (fork_join_is_done(fj, generation))
            return;
    }
}
