/* wr_world_runner: pinned workers, per-worker arenas, jobs carried by our fork/join.
 *
 * Every operation that touches a world or an arena runs ON the world's worker as a job: creating a world (its
 * memory manager, the world, the host's build callback), destroying it, stepping it, a host callback on it. The host
 * only writes the job descriptor and the entry tables between jobs. So an arena is used by one thread only (no
 * lock), first-touch pages are touched by the worker that will step them, and the fork/join's release/acquire hands
 * each job and its results over. While a worker runs a job on a world it names that world in wr_guard_current, and
 * the runner's state is nonzero from before the fork to after the join: the world API refuses every other thread
 * meanwhile (core/guard.h). */
#define _GNU_SOURCE
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/guard.h"
#include "core/status_internal.h"
#include "runner/runner_internal.h"
#include "world/world_owner.h"

#ifdef WR_HAVE_OPENMP
#include <omp.h>
#endif

uint64_t runner_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no syscall */
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *wr_world_runner_backend_name(wr_world_runner_backend backend)
{
    switch (backend) {
    case WR_WORLD_RUNNER_BACKEND_PTHREADS: return "pthreads";
    case WR_WORLD_RUNNER_BACKEND_OPENMP: return "openmp";
    }
    return "unknown";
}

bool wr_world_runner_has_openmp(void)
{
#ifdef WR_HAVE_OPENMP
    return true;
#else
    return false;
#endif
}

void wr_world_runner_config_init(wr_world_runner_config *config)
{
    if (config)
        *config = (wr_world_runner_config){.backend = WR_WORLD_RUNNER_BACKEND_PTHREADS,
                                        .placement = WR_NUMA_PLACEMENT_COMPACT,
                                        .memory_policy = WR_NUMA_MEMORY_LOCAL,
                                        .topology_source = WR_NUMA_TOPOLOGY_SYSTEM};
}

void wr_world_runner_world_config_init(wr_world_runner_world_config *config)
{
    if (config)
        *config = (wr_world_runner_world_config){.worker = -1};
}

/* ================================================================================================================
 * Jobs, run on the workers
 * ============================================================================================================== */

static void record_error(char *buffer, size_t size)
{
    snprintf(buffer, size, "%s", wr_last_error());
}

/* Run a host callback on this worker. A failure keeps the callback's status; its message is this thread's last
 * error if the callback left one (a failed library call), else one naming the status. */
static wr_status run_callback(wr_world_runner_world_fn fn, wr_world *w, void *context, const char *what)
{
    if (!fn)
        return WR_OK;
    wr_clear_error();
    wr_status s = fn(w, context);
    if (s == WR_OK)
        return WR_OK;
    if (wr_last_error()[0] == '\0')
        return WR_FAIL(s, "the %s callback returned %s", what, wr_status_name(s));
    return s;
}

/* Step one world `steps` times; a pre-step callback forces one step at a time. */
static void step_entry(runner_entry *e, int steps, runner_worker *wk, bool *first_failure)
{
    uint64_t start = runner_now_ns();
    wr_guard_current = e->w; /* this thread works on e->w: its own calls (pre-step callback) pass the guard */
    uint64_t before = wr_world_owner_step_count(e->w);
    wr_status s = WR_OK;
    if (!e->pre_step) {
        s = wr_world_step(e->w, steps);
    } else {
        for (int i = 0; i < steps && s == WR_OK; ++i) {
            s = e->pre_step(e->w, i, e->user);
            if (s == WR_OK)
                s = wr_world_step(e->w, 1);
        }
    }
    uint64_t done = wr_world_owner_step_count(e->w) - before;
    wr_guard_current = NULL;
    uint64_t elapsed = runner_now_ns() - start;
    e->last_status = s;
    e->last_steps_done = (int)done;
    e->steps += done;
    e->step_ns += elapsed;
    e->last_step_ns = elapsed;
    if (s != WR_OK && *first_failure) {
        *first_failure = false;
        record_error(wk->step_error, sizeof wk->step_error);
    }
}

static void job_step(wr_world_runner *r, runner_worker *wk)
{
    uint64_t start = runner_now_ns();
    bool first_failure = true;
    wk->step_error[0] = '\0';
    for (size_t i = 0; i < wk->count; ++i)
        step_entry(&wk->entries[i], r->job.steps, wk, &first_failure);
    uint64_t end = runner_now_ns();
    wk->last_busy_ns = end - start;
    wk->busy_ns += end - start;
    wk->last_end_ns = end;
}

static wr_status create_world_here(wr_world_runner *r, runner_worker *wk, runner_entry *e)
{
    wr_memory_manager_config mc;
    wr_memory_manager_config_init(&mc);
    mc.base = wk->base;
    mc.budget_bytes = r->job.budget;
    /* Smaller chunks: a world reserves what it needs in 4 KiB / 48 KiB steps instead of the manager's general
     * defaults (16 KiB / 64 KiB): measured, 4 KiB / 48 KiB reserve least for the built-in scenes (a chain:16
     * world 216 KiB in total, humanoid 216 KiB, pendulum 120 KiB). */
    mc.pool_chunk_bytes = r->config.world_pool_chunk_bytes ? r->config.world_pool_chunk_bytes : 4096;
    mc.free_list_chunk_bytes = r->config.world_free_list_chunk_bytes ? r->config.world_free_list_chunk_bytes
                                                                     : 49152;
    wr_memory_manager *m = NULL;
    wr_status s = wr_memory_manager_create(&mc, &m);
    if (s != WR_OK)
        return s;
    wr_world_config wc;
    wr_world_config_init(&wc);
    if (r->job.world)
        wc = *r->job.world;
    wc.memory = m;
    wr_world *w = NULL;
    s = wr_world_create(&wc, &w);
    if (s != WR_OK) {
        wr_memory_manager_destroy(m);
        return s;
    }
    wr_world_set_owner(w, &r->state);
    wr_guard_current = w;
    s = run_callback(r->job.fn, w, r->job.context, "build");
    if (s == WR_OK && !(r->job.cost > 0))
        r->job.cost = wr_world_runner_cost_estimate(w);
    if (s != WR_OK) {
        /* The callback's message is the job's; tearing down the half-built world must not overwrite it. A leak
         * report (a skeleton the callback neither added nor destroyed) still frees every chunk. */
        record_error(r->job.error, sizeof r->job.error);
        wr_world_set_owner(w, NULL);
        wr_world_destroy(w);
        wr_memory_manager_destroy(m);
        wr_guard_current = NULL;
        return s;
    }
    wr_guard_current = NULL;
    *e = (runner_entry){.w = w, .memory = m, .cost = r->job.cost, .last_status = WR_OK};
    return WR_OK;
}

static wr_status destroy_entry(runner_entry *e)
{
    wr_world_set_owner(e->w, NULL); /* on its worker: nothing else can be using it now */
    wr_status s = wr_world_destroy(e->w);
    wr_status m = wr_memory_manager_destroy(e->memory);
    return s != WR_OK ? s : m;
}

static wr_status call_entry(wr_world_runner *r, runner_entry *e)
{
    wr_guard_current = e->w;
    wr_status s = run_callback(r->job.fn, e->w, r->job.context, "callback");
    wr_guard_current = NULL;
    return s;
}

static void pin_worker(wr_world_runner *r, runner_worker *wk)
{
    wk->pinning = WR_NUMA_BINDING_NONE;
    if (!wk->plan.pin)
        return;
    if (wr_numa_topology_pin_current_thread(r->topology, wk->plan.core, &wk->pinning) != WR_OK)
        wk->pinning = WR_NUMA_BINDING_REFUSED;
}

/* Worker k's part of the current job. */
static void run_job(wr_world_runner *r, int k)
{
    runner_worker *wk = &r->workers[k];
    runner_job *job = &r->job;
    switch (job->kind) {
    case RUNNER_JOB_START:
        pin_worker(r, wk);
        break;
    case RUNNER_JOB_STEP:
        job_step(r, wk);
        break;
    case RUNNER_JOB_CREATE:
        if (job->target == k) {
            job->error[0] = '\0';
            job->status = create_world_here(r, wk, &wk->entries[wk->count]);
            if (job->status != WR_OK && job->error[0] == '\0')
                record_error(job->error, sizeof job->error);
        }
        break;
    case RUNNER_JOB_DESTROY:
        if (job->target == k) {
            job->status = destroy_entry(&wk->entries[job->entry]);
            if (job->status != WR_OK)
                record_error(job->error, sizeof job->error);
        }
        break;
    case RUNNER_JOB_DESTROY_ALL:
        for (size_t i = 0; i < wk->count; ++i)
            destroy_entry(&wk->entries[i]);
        wk->count = 0;
        break;
    case RUNNER_JOB_CALL:
        if (job->target == k) {
            job->status = call_entry(r, &wk->entries[job->entry]);
            if (job->status != WR_OK)
                record_error(job->error, sizeof job->error);
        }
        break;
    case RUNNER_JOB_EXIT:
        break;
    }
}

/* ================================================================================================================
 * Threads: pthreads workers, or one driver thread running an OpenMP team per job
 * ============================================================================================================== */

typedef struct worker_start {
    wr_world_runner *runner;
    int index;
} worker_start;

/* In host mode worker 0's thread waits on its own fork/join (used for async ticks and world jobs only), so that
 * synchronous ticks, which the host runs as worker 0, do not wake it. */
static fork_join *crew_of(wr_world_runner *r, int k)
{
    return r->config.host_as_worker && k == 0 ? &r->fj0 : &r->fj;
}

static void *pthread_worker_main(void *arg)
{
    wr_world_runner *r = ((worker_start *)arg)->runner;
    int k = ((worker_start *)arg)->index;
    free(arg);
    fork_join *fj = crew_of(r, k);
    uint32_t seen = 0;
    for (;;) {
        uint32_t generation = fork_join_wait_fork(fj, &seen);
        runner_job_kind kind = r->job.kind;
        run_job(r, k);
        fork_join_arrive(fj, generation);
        if (kind == RUNNER_JOB_EXIT)
            return NULL;
    }
}

#ifdef WR_HAVE_OPENMP
/* Which runner worker this OpenMP thread is pinned for: pinning is a syscall, done once per thread. */
static _Thread_local uint64_t tls_pinned_runner; /* runner id, 0 = none */
static _Thread_local int tls_pinned_worker = -1;

static void openmp_region(wr_world_runner *r)
{
    int n = r->worker_count;
#pragma omp parallel num_threads(n)
    {
        int t = omp_get_thread_num();
        int team = omp_get_num_threads();
        if (t == 0)
            r->openmp_team = team;
        for (int k = t; k < n; k += team) {
            if (team == n && (tls_pinned_runner != r->id || tls_pinned_worker != k)) {
                pin_worker(r, &r->workers[k]);
                tls_pinned_runner = r->id;
                tls_pinned_worker = k;
            }
            run_job(r, k);
        }
    }
}

static void *openmp_driver_main(void *arg)
{
    wr_world_runner *r = arg;
    omp_set_dynamic(0);
    uint32_t seen = 0;
    for (;;) {
        uint32_t generation = fork_join_wait_fork(&r->fj, &seen);
        runner_job_kind kind = r->job.kind;
        if (kind != RUNNER_JOB_EXIT)
            openmp_region(r);
        fork_join_arrive(&r->fj, generation);
        if (kind == RUNNER_JOB_EXIT)
            return NULL;
    }
}
#endif

/* Host: start the current job on every worker thread (the driver, for OpenMP). */
static void fork_everywhere(wr_world_runner *r)
{
    if (r->fj.participants)
        r->step_generation = fork_join_fork(&r->fj);
    if (r->fj0.participants)
        r->step_generation0 = fork_join_fork(&r->fj0);
}

static void join_everywhere(wr_world_runner *r)
{
    if (r->fj.participants)
        fork_join_join(&r->fj, r->step_generation);
    if (r->fj0.participants)
        fork_join_join(&r->fj0, r->step_generation0);
}

/* Host: run a job to completion on every worker. */
static void run_job_everywhere(wr_world_runner *r)
{
    fork_everywhere(r);
    join_everywhere(r);
}

/* Host mode, synchronous tick: the host is worker 0 (pthreads) or the OpenMP team's primary thread. */
static void run_step_on_host(wr_world_runner *r)
{
#ifdef WR_HAVE_OPENMP
    if (r->config.backend == WR_WORLD_RUNNER_BACKEND_OPENMP) {
        openmp_region(r);
        return;
    }
#endif
    if (r->fj.participants)
        r->step_generation = fork_join_fork(&r->fj);
    run_job(r, 0);
    if (r->fj.participants)
        fork_join_join(&r->fj, r->step_generation);
}

/* Spinning pays only when every waiting thread has a core of its own. When the workers fill every allowed core,
 * the host has none: a spinning host would take a core from a worker that is still stepping, and workers spinning
 * after their part would keep the host from the core it needs to finish the tick. Then everyone sleeps almost at
 * once (like a pthread_barrier). On a synthetic topology the real core count is unknown: the same rule. */
static void spins(const wr_world_runner *r, unsigned *worker_spin, unsigned *host_spin)
{
    /* In host mode the host is a worker: it needs no core of its own. */
    int threads = r->worker_count + (r->config.host_as_worker ? 0 : 1);
    bool crowded = threads > r->topology_info.allowed_core_count || !r->topology_info.is_this_system;
    *worker_spin = r->config.spin_iterations ? r->config.spin_iterations
                                             : (crowded ? FORK_JOIN_SHORT_SPIN : FORK_JOIN_DEFAULT_SPIN);
    *host_spin = r->config.spin_iterations ? r->config.spin_iterations
                                           : (crowded ? FORK_JOIN_SHORT_SPIN : FORK_JOIN_DEFAULT_SPIN);
}

static wr_status start_threads(wr_world_runner *r)
{
    unsigned worker_spin, host_spin;
    spins(r, &worker_spin, &host_spin);
    if (r->config.backend == WR_WORLD_RUNNER_BACKEND_OPENMP) {
#ifdef WR_HAVE_OPENMP
        fork_join_init(&r->fj, 1, worker_spin, host_spin);
        fork_join_init(&r->fj0, 0, worker_spin, host_spin);
        if (pthread_create(&r->driver, NULL, openmp_driver_main, r) != 0)
            return WR_FAIL(WR_ERR_SYSTEM, "cannot start the OpenMP driver thread");
        r->driver_started = true;
        return WR_OK;
#else
        return WR_FAIL(WR_ERR_UNSUPPORTED, "this build has no OpenMP");
#endif
    }
    bool host_mode = r->config.host_as_worker;
    fork_join_init(&r->fj, (uint32_t)(r->worker_count - (host_mode ? 1 : 0)), worker_spin, host_spin);
    fork_join_init(&r->fj0, host_mode ? 1u : 0u, worker_spin, host_spin);
    for (int k = 0; k < r->worker_count; ++k) {
        worker_start *start = malloc(sizeof *start);
        const bool have_memory = start != NULL;
        if (start) {
            *start = (worker_start){.runner = r, .index = k};
            if (pthread_create(&r->workers[k].thread, NULL, pthread_worker_main, start) == 0) {
                r->workers[k].thread_started = true;
                continue;
            }
            free(start);
        }
        /* The workers already started are the participants of the EXIT job (the join would wait for the others
         * forever). */
        if (host_mode) {
            r->fj0.participants = k > 0 ? 1u : 0u;
            r->fj.participants = k > 1 ? (uint32_t)(k - 1) : 0u;
        } else {
            r->fj.participants = (uint32_t)k;
        }
        return have_memory ? WR_FAIL(WR_ERR_SYSTEM, "cannot start worker thread %d", k)
                           : WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory to start worker thread %d", k);
    }
    return WR_OK;
}

static void stop_threads(wr_world_runner *r)
{
    bool any = r->driver_started;
    for (int k = 0; k < r->worker_count; ++k)
        any = any || r->workers[k].thread_started;
    if (!any)
        return;
    r->job.kind = RUNNER_JOB_EXIT;
    run_job_everywhere(r);
    if (r->driver_started)
        pthread_join(r->driver, NULL);
    for (int k = 0; k < r->worker_count; ++k) {
        if (r->workers[k].thread_started)
            pthread_join(r->workers[k].thread, NULL);
    }
}

/* ================================================================================================================
 * Creating and destroying the runner
 * ============================================================================================================== */

static wr_status check_config(const wr_world_runner_config *c)
{
    if (c->workers < 0)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "workers must be >= 0 (got %d)", c->workers);
    if (c->backend != WR_WORLD_RUNNER_BACKEND_PTHREADS && c->backend != WR_WORLD_RUNNER_BACKEND_OPENMP)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "unknown backend %d", (int)c->backend);
    if (c->backend == WR_WORLD_RUNNER_BACKEND_OPENMP && !wr_world_runner_has_openmp())
        return WR_FAIL(WR_ERR_UNSUPPORTED, "the OpenMP backend is not in this build");
    if (c->workers > WR_WORLD_RUNNER_MAX_WORKERS)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "%d workers asked: a runner has at most %d", c->workers,
                       WR_WORLD_RUNNER_MAX_WORKERS);
    if (c->spin_iterations > WR_WORLD_RUNNER_MAX_SPIN_ITERATIONS)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "spin_iterations %u: at most %u (a waiting thread would spin for "
                       "seconds)", c->spin_iterations, WR_WORLD_RUNNER_MAX_SPIN_ITERATIONS);
    if (c->arena_chunk_bytes % WR_NUMA_ARENA_PAGE_BYTES != 0)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "arena_chunk_bytes %zu is not a multiple of %u",
                       c->arena_chunk_bytes, WR_NUMA_ARENA_PAGE_BYTES);
    const size_t chunks[3] = {c->arena_chunk_bytes, c->world_pool_chunk_bytes, c->world_free_list_chunk_bytes};
    for (int i = 0; i < 3; ++i) {
        if (chunks[i] && (chunks[i] < 4096 || chunks[i] > WR_WORLD_RUNNER_MAX_CHUNK_BYTES))
            return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "%s chunk size %zu: must be 0 or 4096..%zu",
                           i == 0 ? "arena" : (i == 1 ? "world pool" : "world free-list"), chunks[i],
                           (size_t)WR_WORLD_RUNNER_MAX_CHUNK_BYTES);
    }
    return WR_OK;
}

/* Oversubscription is allowed (placement none) but bounded: thousands of threads on a few cores help nobody,
 * and each costs a stack. Checked once the allowed cores are known, before any thread or arena exists. */
static wr_status check_worker_count(const wr_world_runner *r)
{
    int cores = r->topology_info.allowed_core_count > 0 ? r->topology_info.allowed_core_count : 1;
    long long limit = (long long)WR_WORLD_RUNNER_MAX_WORKERS_PER_CORE * cores;
    if (limit > WR_WORLD_RUNNER_MAX_WORKERS)
        limit = WR_WORLD_RUNNER_MAX_WORKERS;
    if (r->config.workers > limit)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT,
                       "%d workers asked: at most %lld here (%d per allowed core, %d allowed cores, cap %d)",
                       r->config.workers, limit, WR_WORLD_RUNNER_MAX_WORKERS_PER_CORE, cores,
                       WR_WORLD_RUNNER_MAX_WORKERS);
    return WR_OK;
}

static wr_status load_topology(wr_world_runner *r, const wr_world_runner_config *c)
{
    if (c->topology) {
        r->topology = c->topology;
    } else {
        wr_numa_topology_config tc;
        wr_numa_topology_config_init(&tc);
        tc.source = c->topology_source;
        tc.description = c->topology_description;
        wr_status s = wr_numa_topology_create(&tc, &r->owned_topology);
        if (s != WR_OK)
            return s;
        r->topology = r->owned_topology;
    }
    r->config.topology = NULL;
    r->config.topology_description = NULL; /* not kept: the caller's string */
    return wr_numa_topology_get_info(r->topology, &r->topology_info);
}

static void append_fallback(wr_world_runner *r, const char *text)
{
    size_t used = strlen(r->fallback);
    snprintf(r->fallback + used, sizeof r->fallback - used, "%s%s", used ? "; " : "", text);
}

/* Whether arenas bind their chunks, and if not, why (said in the statistics). */
static bool decide_memory_binding(wr_world_runner *r)
{
    wr_numa_memory_policy p = r->config.memory_policy;
    if (r->config.base || p == WR_NUMA_MEMORY_DEFAULT || p == WR_NUMA_MEMORY_FIRST_TOUCH)
        return false;
    if (r->topology_info.node_count < 2) {
        append_fallback(r, "one NUMA node: arenas not bound (plain first-touch arenas)");
        return false;
    }
    if (r->topology_info.is_this_system && !r->topology_info.libnuma_available) {
        append_fallback(r, "no kernel NUMA support (numa_available() < 0): arenas not bound");
        return false;
    }
    if (r->topology_info.is_this_system && !r->topology_info.can_bind_memory) {
        append_fallback(r, "memory binding unsupported here: arenas not bound");
        return false;
    }
    return true;
}

static wr_status make_worker_memory(wr_world_runner *r, runner_worker *wk, bool bind)
{
    wr_numa_memory_policy p = r->config.memory_policy;
    if (r->config.base) {
        wk->base = r->config.base;
        return WR_OK;
    }
    if (p == WR_NUMA_MEMORY_DEFAULT) {
        wk->base = r->heap;
        return WR_OK;
    }
    wr_numa_bind_mode mode = WR_NUMA_BIND_FIRST_TOUCH;
    if (bind)
        mode = p == WR_NUMA_MEMORY_INTERLEAVE ? WR_NUMA_BIND_INTERLEAVE : WR_NUMA_BIND_NODE;
    wr_status s = wr_numa_node_allocator_create(r->topology, mode, wk->plan.memory_node, &wk->node_allocator);
    if (s == WR_OK)
        s = wr_numa_arena_create(wr_numa_node_allocator_as_allocator(wk->node_allocator), r->config.arena_chunk_bytes,
                              &wk->arena);
    if (s == WR_OK)
        wk->base = wr_numa_arena_as_allocator(wk->arena);
    return s;
}

static void free_runner(wr_world_runner *r)
{
    for (int k = 0; r->workers && k < r->worker_count; ++k) {
        runner_worker *wk = &r->workers[k];
        if (wk->arena)
            wr_numa_arena_destroy(wk->arena);
        if (wk->node_allocator)
            wr_numa_node_allocator_destroy(wk->node_allocator);
        free(wk->entries);
    }
    free(r->workers);
    if (r->heap)
        wr_memory_allocator_destroy(r->heap);
    if (r->owned_topology)
        wr_numa_topology_destroy(r->owned_topology);
    free(r);
}

static wr_status plan_workers(wr_world_runner *r)
{
    /* worker_count only once the table exists: the cleanup of a failed create walks workers[0..worker_count) */
    int count = wr_numa_plan_resolve_workers(r->topology, r->config.workers);
    r->workers = aligned_alloc(64, (size_t)count * sizeof *r->workers);
    if (!r->workers)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "%d workers", count);
    memset(r->workers, 0, (size_t)count * sizeof *r->workers);
    r->worker_count = count;
    wr_numa_worker_plan *plan = malloc((size_t)r->worker_count * sizeof *plan);
    if (!plan)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "plan");
    wr_status s = wr_numa_plan_workers(r->topology, r->config.placement, r->config.memory_policy, r->worker_count,
                                    plan);
    for (int k = 0; s == WR_OK && k < r->worker_count; ++k) {
        r->workers[k].index = k;
        r->workers[k].plan = plan[k];
        r->workers[k].pinning = WR_NUMA_BINDING_NONE;
    }
    free(plan);
    return s;
}

static void note_pinning_fallbacks(wr_world_runner *r)
{
    if (r->config.placement == WR_NUMA_PLACEMENT_NONE)
        return;
    int refused = 0;
    for (int k = 0; k < r->worker_count; ++k)
        refused += r->workers[k].pinning == WR_NUMA_BINDING_REFUSED || r->workers[k].pinning == WR_NUMA_BINDING_UNSUPPORTED;
    if (refused) {
        char text[96];
        snprintf(text, sizeof text, "%d worker(s) run unpinned (pinning refused or unsupported)", refused);
        append_fallback(r, text);
    }
    if (r->config.backend == WR_WORLD_RUNNER_BACKEND_OPENMP && r->openmp_team != r->worker_count) {
        char text[96];
        snprintf(text, sizeof text, "OpenMP gave %d of %d threads: workers unpinned", r->openmp_team,
                 r->worker_count);
        append_fallback(r, text);
    }
}

_Static_assert(sizeof(cpu_set_t) <= sizeof(((wr_world_runner *)0)->host_affinity), "host_affinity too small");

/* Host mode: the creating thread becomes worker 0 for synchronous ticks; keep its CPU mask to restore it. */
static void pin_host(wr_world_runner *r)
{
    r->host_thread = pthread_self();
    r->host_pinning = WR_NUMA_BINDING_NONE;
    cpu_set_t mask;
    if (r->topology_info.is_this_system && sched_getaffinity(0, sizeof mask, &mask) == 0) {
        memcpy(r->host_affinity, &mask, sizeof mask);
        r->host_affinity_saved = true;
    }
    if (r->workers[0].plan.pin &&
        wr_numa_topology_pin_current_thread(r->topology, r->workers[0].plan.core, &r->host_pinning) != WR_OK)
        r->host_pinning = WR_NUMA_BINDING_REFUSED;
}

static void unpin_host(wr_world_runner *r)
{
    if (!r->host_affinity_saved || !pthread_equal(r->host_thread, pthread_self()))
        return;
#ifdef WR_HAVE_OPENMP
    /* The host's own OpenMP team (host mode, OpenMP backend) was pinned too: let it run anywhere again, so the
     * host's later parallel regions are not tied to our cores. */
    if (r->config.backend == WR_WORLD_RUNNER_BACKEND_OPENMP && r->openmp_team > 0) {
#pragma omp parallel num_threads(r->worker_count)
        {
            wr_numa_topology_unpin_current_thread(r->topology);
            tls_pinned_runner = 0;
            tls_pinned_worker = -1;
        }
    }
#endif
    cpu_set_t mask;
    memcpy(&mask, r->host_affinity, sizeof mask);
    sched_setaffinity(0, sizeof mask, &mask);
}

wr_status wr_world_runner_create(const wr_world_runner_config *config, wr_world_runner **out)
{
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_world_runner_config defaults;
    wr_world_runner_config_init(&defaults);
    if (!config)
        config = &defaults;
    wr_status s = check_config(config);
    if (s != WR_OK)
        return s;
    wr_world_runner *r = calloc(1, sizeof *r);
    if (!r)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "runner");
    static _Atomic uint64_t next_id = 1;
    r->config = *config;
    r->id = atomic_fetch_add(&next_id, 1);
    atomic_init(&r->state, RUNNER_IDLE);
    s = load_topology(r, config);
    if (s == WR_OK)
        s = check_worker_count(r);
    if (s == WR_OK)
        s = plan_workers(r);
    if (s == WR_OK)
        s = wr_memory_allocator_create_heap(&r->heap);
    if (s == WR_OK && !r->topology_info.is_this_system)
        append_fallback(r, "synthetic/XML topology: pinning and binding simulated");
    bool bind = s == WR_OK && decide_memory_binding(r);
    r->memory_bound = bind;
    for (int k = 0; s == WR_OK && k < r->worker_count; ++k)
        s = make_worker_memory(r, &r->workers[k], bind);
    if (s == WR_OK && r->config.host_as_worker)
        pin_host(r);
    if (s == WR_OK)
        s = start_threads(r);
    if (s == WR_OK) {
        r->job.kind = RUNNER_JOB_START;
        run_job_everywhere(r);
        note_pinning_fallbacks(r);
    }
    if (s != WR_OK) {
        stop_threads(r);
        unpin_host(r);
        free_runner(r);
        return s;
    }
    *out = r;
    return WR_OK;
}

/* Enter an exclusive host operation; WR_ERR_BUSY while a step runs (or another host call is inside). */
static wr_status enter_admin(wr_world_runner *r)
{
    int expected = RUNNER_IDLE;
    if (!atomic_compare_exchange_strong(&r->state, &expected, RUNNER_ADMIN))
        return WR_FAIL(WR_ERR_BUSY, "a step is running (call wr_world_runner_step_wait first)");
    return WR_OK;
}

static void leave_admin(wr_world_runner *r) { atomic_store(&r->state, RUNNER_IDLE); }

wr_status wr_world_runner_destroy(wr_world_runner *runner)
{
    if (!runner)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner is NULL");
    wr_status s = enter_admin(runner);
    if (s != WR_OK)
        return s;
    runner->job.kind = RUNNER_JOB_DESTROY_ALL;
    run_job_everywhere(runner);
    stop_threads(runner);
    unpin_host(runner);
    free_runner(runner);
    return WR_OK;
}

/* ================================================================================================================
 * Worlds
 * ============================================================================================================== */

/* Find `w`; returns false if it is not one of this runner's worlds. */
static bool find_world(const wr_world_runner *r, const wr_world *w, int *worker, size_t *entry)
{
    for (int k = 0; k < r->worker_count; ++k) {
        const runner_worker *wk = &r->workers[k];
        for (size_t i = 0; i < wk->count; ++i) {
            if (wk->entries[i].w == w) {
                *worker = k;
                *entry = i;
                return true;
            }
        }
    }
    return false;
}

static int least_loaded_worker(const wr_world_runner *r)
{
    int best = 0;
    for (int k = 1; k < r->worker_count; ++k) {
        const runner_worker *a = &r->workers[k], *b = &r->workers[best];
        if (a->cost < b->cost || (a->cost == b->cost && a->count < b->count))
            best = k;
    }
    return best;
}

static bool reserve_entry(runner_worker *wk)
{
    if (wk->count < wk->capacity)
        return true;
    size_t capacity = wk->capacity ? wk->capacity * 2 : 16;
    runner_entry *grown = realloc(wk->entries, capacity * sizeof *grown);
    if (!grown)
        return false;
    wk->entries = grown;
    wk->capacity = capacity;
    return true;
}

static wr_status check_world_config(const wr_world_runner *r, const wr_world_runner_world_config *c)
{
    if (c->worker < -1 || c->worker >= r->worker_count)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "worker %d not in -1..%d", c->worker, r->worker_count - 1);
    if (c->world && c->world->memory)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world config's memory must be NULL: the runner builds the manager");
    if (!isfinite(c->cost))
        return WR_FAIL(WR_ERR_NON_FINITE, "cost is not finite");
    if (c->cost > 1e300) /* summed per worker: keep the sums finite */
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "cost %g is above 1e300", c->cost);
    if (!c->build && c->build_context)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "build_context without a build callback");
    return WR_OK;
}

static wr_status create_world_locked(wr_world_runner *r, const wr_world_runner_world_config *c, wr_world **out)
{
    wr_status s = check_world_config(r, c);
    if (s != WR_OK)
        return s;
    int k = c->worker >= 0 ? c->worker : least_loaded_worker(r);
    runner_worker *wk = &r->workers[k];
    if (!reserve_entry(wk))
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "world table of worker %d", k);
    r->job = (runner_job){.kind = RUNNER_JOB_CREATE, .target = k, .world = c->world, .fn = c->build,
                          .context = c->build_context, .budget = c->memory_budget, .cost = c->cost > 0 ? c->cost : 0};
    run_job_everywhere(r);
    if (r->job.status != WR_OK)
        return WR_FAIL(r->job.status, "on worker %d: %s", k, r->job.error);
    *out = wk->entries[wk->count++].w;
    wk->cost += r->job.cost;
    return WR_OK;
}

wr_status wr_world_runner_create_world(wr_world_runner *runner, const wr_world_runner_world_config *config, wr_world **out)
{
    if (!runner || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner or out is NULL");
    wr_world_runner_world_config defaults;
    wr_world_runner_world_config_init(&defaults);
    wr_status s = enter_admin(runner);
    if (s != WR_OK)
        return s;
    s = create_world_locked(runner, config ? config : &defaults, out);
    leave_admin(runner);
    return s;
}

static wr_status destroy_world_locked(wr_world_runner *r, wr_world *w)
{
    int k;
    size_t i;
    if (!find_world(r, w, &k, &i))
        return WR_FAIL(WR_ERR_NOT_FOUND, "world %p does not belong to this runner", (void *)w);
    runner_worker *wk = &r->workers[k];
    r->job = (runner_job){.kind = RUNNER_JOB_DESTROY, .target = k, .entry = i};
    run_job_everywhere(r);
    /* The world is gone whatever the status (a leak report still frees everything). */
    wk->cost -= wk->entries[i].cost;
    wk->entries[i] = wk->entries[--wk->count];
    if (wk->count == 0)
        wk->cost = 0; /* no rounding residue on an empty worker */
    if (r->job.status != WR_OK)
        return WR_FAIL(r->job.status, "on worker %d: %s", k, r->job.error);
    return WR_OK;
}

wr_status wr_world_runner_destroy_world(wr_world_runner *runner, wr_world *w)
{
    if (!runner || !w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner or world is NULL");
    wr_status s = enter_admin(runner);
    if (s != WR_OK)
        return s;
    s = destroy_world_locked(runner, w);
    leave_admin(runner);
    return s;
}

wr_status wr_world_runner_set_pre_step(wr_world_runner *runner, wr_world *w, wr_world_runner_pre_step_fn fn, void *user)
{
    if (!runner || !w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner or world is NULL");
    wr_status s = enter_admin(runner);
    if (s != WR_OK)
        return s;
    int k;
    size_t i;
    if (find_world(runner, w, &k, &i)) {
        runner->workers[k].entries[i].pre_step = fn;
        runner->workers[k].entries[i].user = fn ? user : NULL;
    } else {
        s = WR_FAIL(WR_ERR_NOT_FOUND, "world %p does not belong to this runner", (void *)w);
    }
    leave_admin(runner);
    return s;
}

wr_status wr_world_runner_call_on_worker(wr_world_runner *runner, wr_world *w, wr_world_runner_world_fn fn,
                                         void *context)
{
    if (!runner || !w || !fn)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner, world and callback must not be NULL");
    wr_status s = enter_admin(runner);
    if (s != WR_OK)
        return s;
    int k;
    size_t i;
    if (find_world(runner, w, &k, &i)) {
        runner->job = (runner_job){.kind = RUNNER_JOB_CALL, .target = k, .entry = i, .fn = fn, .context = context};
        run_job_everywhere(runner);
        s = runner->job.status == WR_OK ? WR_OK
                                        : WR_FAIL(runner->job.status, "on worker %d: %s", k, runner->job.error);
    } else {
        s = WR_FAIL(WR_ERR_NOT_FOUND, "world %p does not belong to this runner", (void *)w);
    }
    leave_admin(runner);
    return s;
}

size_t wr_world_runner_world_count(const wr_world_runner *runner)
{
    if (!runner)
        return 0;
    size_t n = 0;
    for (int k = 0; k < runner->worker_count; ++k)
        n += runner->workers[k].count;
    return n;
}

wr_status wr_world_runner_world_at(const wr_world_runner *runner, size_t index, wr_world **out)
{
    if (!runner || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner or out is NULL");
    if (atomic_load(&((wr_world_runner *)runner)->state) == RUNNER_STEPPING)
        return WR_FAIL(WR_ERR_BUSY, "a step is running");
    for (int k = 0; k < runner->worker_count; ++k) {
        const runner_worker *wk = &runner->workers[k];
        if (index < wk->count) {
            *out = wk->entries[index].w;
            return WR_OK;
        }
        index -= wk->count;
    }
    return WR_FAIL(WR_ERR_NOT_FOUND, "world index out of range");
}

/* ================================================================================================================
 * Stepping
 * ============================================================================================================== */

wr_status wr_world_runner_step_begin(wr_world_runner *runner, int steps)
{
    if (!runner)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner is NULL");
    if (steps < 1)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "steps must be >= 1 (got %d)", steps);
    int expected = RUNNER_IDLE;
    if (!atomic_compare_exchange_strong(&runner->state, &expected, RUNNER_STEPPING))
        return WR_FAIL(WR_ERR_BUSY, "a step is already running");
    runner->job.kind = RUNNER_JOB_STEP;
    runner->job.steps = steps;
    runner->tick_begin_ns = runner_now_ns();
    fork_everywhere(runner);
    return WR_OK;
}

/* After the join: totals, and the status of the first failed world in world_at order. */
static wr_status finish_tick(wr_world_runner *r)
{
    uint64_t end = r->tick_begin_ns;
    wr_status first = WR_OK;
    size_t failed = 0, first_index = 0, index = 0;
    int first_worker = -1;
    for (int k = 0; k < r->worker_count; ++k) {
        const runner_worker *wk = &r->workers[k];
        end = wk->last_end_ns > end ? wk->last_end_ns : end;
        for (size_t i = 0; i < wk->count; ++i, ++index) {
            r->world_steps += (uint64_t)wk->entries[i].last_steps_done;
            if (wk->entries[i].last_status == WR_OK)
                continue;
            if (failed++ == 0) {
                first = wk->entries[i].last_status;
                first_index = index;
                first_worker = k;
            }
        }
    }
    r->ticks++;
    r->last_tick_ns = end - r->tick_begin_ns;
    r->wall_ns += r->last_tick_ns;
    if (first == WR_OK)
        return WR_OK;
    return WR_FAIL(first, "%zu world(s) failed; first: world %zu on worker %d: %s", failed, first_index,
                   first_worker, r->workers[first_worker].step_error);
}

wr_status wr_world_runner_step_wait(wr_world_runner *runner)
{
    if (!runner)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner is NULL");
    if (atomic_load(&runner->state) != RUNNER_STEPPING)
        return WR_FAIL(WR_ERR_INVALID_STATE, "no step was begun");
    join_everywhere(runner);
    wr_status s = finish_tick(runner);
    atomic_store(&runner->state, RUNNER_IDLE);
    return s;
}

wr_status wr_world_runner_step_all(wr_world_runner *runner, int steps)
{
    if (!runner || !runner->config.host_as_worker) {
        wr_status s = wr_world_runner_step_begin(runner, steps);
        return s != WR_OK ? s : wr_world_runner_step_wait(runner);
    }
    if (steps < 1)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "steps must be >= 1 (got %d)", steps);
    int expected = RUNNER_IDLE;
    if (!atomic_compare_exchange_strong(&runner->state, &expected, RUNNER_STEPPING))
        return WR_FAIL(WR_ERR_BUSY, "a step is already running");
    runner->job.kind = RUNNER_JOB_STEP;
    runner->job.steps = steps;
    runner->tick_begin_ns = runner_now_ns();
    run_step_on_host(runner);
    wr_status s = finish_tick(runner);
    atomic_store(&runner->state, RUNNER_IDLE);
    return s;
}

bool wr_world_runner_is_busy(const wr_world_runner *runner)
{
    return runner && atomic_load(&((wr_world_runner *)runner)->state) == RUNNER_STEPPING;
}
