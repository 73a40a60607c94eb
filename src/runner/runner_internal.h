/* Internal layout of a wr_world_runner: workers with their worlds (entries), the job the host hands to the workers,
 * and the fork/join that carries it. Only world_runner.c and runner_stats.c see this. */
#ifndef WR_RUNNER_INTERNAL_H
#define WR_RUNNER_INTERNAL_H

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "runner/fork_join.h"
#include "worldrunner/world_runner.h"

/* One world as its worker sees it. Written by the worker during a step, by the host between steps. */
typedef struct runner_entry {
    wr_world *w;
    wr_memory_manager *memory;
    wr_world_runner_pre_step_fn pre_step;
    void *user;
    double cost;
    wr_status last_status;
    int last_steps_done;
    uint64_t steps;
    uint64_t step_ns;
    uint64_t last_step_ns;
} runner_entry;

typedef struct runner_worker {
    alignas(64) int index;
    wr_numa_worker_plan plan;
    wr_numa_binding pinning;
    wr_numa_node_allocator *node_allocator; /* NULL for the heap policy or a custom base */
    wr_numa_arena *arena;                   /* used only on this worker's thread */
    wr_memory_allocator *base;              /* base of its worlds' managers: the arena, the heap or config.base */
    runner_entry *entries;
    size_t count;
    size_t capacity;
    double cost;
    uint64_t busy_ns;
    uint64_t last_busy_ns;
    uint64_t last_end_ns;                /* when it finished its part of the last tick */
    char step_error[192];                /* message of its first failed world in the last tick */
    pthread_t thread;
    bool thread_started;
} runner_worker;

typedef enum runner_job_kind {
    RUNNER_JOB_START = 0,                /* pin (and, for OpenMP, form the team) */
    RUNNER_JOB_STEP,
    RUNNER_JOB_CREATE,
    RUNNER_JOB_DESTROY,
    RUNNER_JOB_DESTROY_ALL,
    RUNNER_JOB_CALL,                     /* run a host callback on one world (wr_world_runner_call_on_worker) */
    RUNNER_JOB_EXIT
} runner_job_kind;

/* Written by the host before a fork, read by the workers after it; `status` and `error` are written by the
 * target worker and read by the host after the join. */
typedef struct runner_job {
    runner_job_kind kind;
    int steps;
    int target;                          /* worker of CREATE / DESTROY / CALL */
    size_t entry;                        /* entry index of DESTROY / CALL; CREATE fills entries[target].count */
    const wr_world_config *world;
    wr_world_runner_world_fn fn;         /* CREATE: the build callback (may be NULL); CALL: the callback */
    void *context;                       /* its context */
    size_t budget;
    double cost;                         /* CREATE: the host's cost, <= 0 = estimate it (the worker writes it back) */
    wr_status status;
    char error[256];
} runner_job;

enum { RUNNER_IDLE = 0, RUNNER_STEPPING = 1, RUNNER_ADMIN = 2 };

struct wr_world_runner {
    wr_world_runner_config config;
    uint64_t id;                         /* unique per process (OpenMP threads remember which runner pinned them) */
    wr_numa_topology *owned_topology;
    const wr_numa_topology *topology;
    wr_numa_topology_info topology_info;
    int worker_count;
    runner_worker *workers;
    wr_memory_allocator *heap;              /* the heap policy's base */
    fork_join fj;                        /* host <-> workers (pthreads) or host <-> driver (OpenMP) */
    fork_join fj0;                       /* host mode, pthreads: host <-> worker 0's thread; else unused */
    runner_job job;
    _Atomic int state;
    uint32_t step_generation;            /* generation of the job in flight on fj */
    uint32_t step_generation0;           /* ... and on fj0 */
    wr_numa_binding host_pinning;           /* host mode: the host thread's pin to worker 0's core */
    pthread_t host_thread;               /* host mode: the thread that created the runner */
    bool host_affinity_saved;
    unsigned char host_affinity[128];    /* its CPU mask before (a cpu_set_t), restored by destroy */
    uint64_t tick_begin_ns;
    int openmp_team;                     /* threads OpenMP really gave (0 before the first region) */
    pthread_t driver;
    bool driver_started;
    bool memory_bound;
    char fallback[160];
    uint64_t ticks;
    uint64_t world_steps;
    uint64_t wall_ns;
    uint64_t last_tick_ns;
};

uint64_t runner_now_ns(void);

#endif
