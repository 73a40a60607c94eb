/* Baselines for the per-tick overhead benchmark (see runner_baseline.h). Cold code: only tools call it. */
#define _GNU_SOURCE
#include "runner/runner_baseline.h"

#include <assert.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "runner/runner_internal.h"

#ifdef WR_HAVE_OPENMP
#include <omp.h>
#endif

uint64_t runner_baseline_openmp_for(wr_world **worlds, size_t count, int threads, int ticks)
{
#ifdef WR_HAVE_OPENMP
    assert(worlds && threads > 0 && ticks > 0);
    long n = (long)count;
    uint64_t start = runner_now_ns();
    for (int t = 0; t < ticks; ++t) {
#pragma omp parallel for num_threads(threads) schedule(static)
        for (long i = 0; i < n; ++i)
            wr_world_step(worlds[i], 1);
    }
    return runner_now_ns() - start;
#else
    (void)worlds;
    (void)count;
    (void)threads;
    (void)ticks;
    return 0;
#endif
}

typedef struct barrier_team {
    pthread_barrier_t barrier;
    _Atomic int go;              /* 0 wait, 1 run, 2 abort (a thread could not be created) */
    wr_world **worlds;
    size_t count;
    int threads;
    int ticks;
} barrier_team;

typedef struct barrier_member {
    barrier_team *team;
    int index;
} barrier_member;

static void barrier_loop(barrier_team *team, int index)
{
    for (int t = 0; t < team->ticks; ++t) {
        pthread_barrier_wait(&team->barrier);
        for (size_t i = (size_t)index; i < team->count; i += (size_t)team->threads)
            wr_world_step(team->worlds[i], 1);
        pthread_barrier_wait(&team->barrier);
    }
}

static void *barrier_main(void *arg)
{
    barrier_member *m = arg;
    while (atomic_load(&m->team->go) == 0)
        sched_yield();
    if (atomic_load(&m->team->go) == 1)
        barrier_loop(m->team, m->index);
    return NULL;
}

uint64_t runner_baseline_pthread_barrier(wr_world **worlds, size_t count, int threads, int ticks)
{
    assert(worlds && threads > 0 && ticks > 0);
    barrier_team team = {.worlds = worlds, .count = count, .threads = threads, .ticks = ticks};
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    barrier_member *members = calloc((size_t)threads, sizeof *members);
    if (!ids || !members || pthread_barrier_init(&team.barrier, NULL, (unsigned)threads) != 0) {
        free(ids);
        free(members);
        return 0;
    }
    int started = 1;
    for (; started < threads; ++started) {
        members[started] = (barrier_member){.team = &team, .index = started};
        if (pthread_create(&ids[started], NULL, barrier_main, &members[started]) != 0)
            break;
    }
    uint64_t elapsed = 0;
    atomic_store(&team.go, started == threads ? 1 : 2); /* a partial team would wait forever at the barrier */
    if (started == threads) {
        uint64_t start = runner_now_ns();
        barrier_loop(&team, 0);
        elapsed = runner_now_ns() - start;
    }
    for (int i = 1; i < started; ++i)
        pthread_join(ids[i], NULL);
    pthread_barrier_destroy(&team.barrier);
    free(ids);
    free(members);
    return elapsed;
}
