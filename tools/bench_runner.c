/* bench_runner — what wr_world_runner_step_all costs and gains, measured against baselines in the same run.
 *
 *  1. World-steps per second for 64 chain:16 and 64 humanoid worlds on 1 and 2 workers (the speedup), for each
 *     backend, with and without host_as_worker, with 1 and 50 steps per tick; an OpenMP parallel-for and a
 *     pthread_barrier team stepping the same worlds (1 step per tick) for reference.
 *  2. Per-tick overhead with trivial (empty) worlds: the runner (pthreads, OpenMP backend) against a bare OpenMP
 *     parallel-for and a pthread_barrier team.
 *  3. Bytes per world: reserved from the arena (all of it), peak in use, and pages really touched (page query).
 *
 * Usage: bench_runner [--seconds S] (time per throughput sample, default 0.5) [--ticks N] (overhead ticks, default
 * 20000). Each figure is the median of 3 samples (5 for the overhead). The machine may be shared: read ratios. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner/runner_baseline.h"
#include "worldrunner/scenes.h"
#include "worldrunner/worldrunner.h"

enum { WORLDS = 64, SAMPLES = 3, OVERHEAD_SAMPLES = 5 };

static double g_seconds = 0.5;
static int g_overhead_ticks = 20000;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, wr_status s)
{
    fprintf(stderr, "bench_runner: %s: %s: %s\n", what, wr_status_name(s), wr_last_error());
    exit(1);
}

static void check(wr_status s, const char *what)
{
    if (s != WR_OK)
        die(what, s);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static wr_world_runner *make_runner_mode(int workers, wr_world_runner_backend backend, wr_numa_memory_policy policy,
                                     bool host_as_worker)
{
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = workers;
    c.backend = backend;
    c.memory_policy = policy;
    c.host_as_worker = host_as_worker;
    wr_world_runner *r = NULL;
    check(wr_world_runner_create(&c, &r), "wr_world_runner_create");
    return r;
}

static wr_world_runner *make_runner(int workers, wr_world_runner_backend backend, wr_numa_memory_policy policy)
{
    return make_runner_mode(workers, backend, policy, false);
}

static void add_worlds(wr_world_runner *r, const char *scene, int count)
{
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)scene;
    for (int i = 0; i < count; ++i) {
        wr_world *w = NULL;
        check(wr_world_runner_create_world(r, &wc, &w), "wr_world_runner_create_world");
    }
}

/* ---- 1. throughput -------------------------------------------------------------------------------------------- */

/* Median world-steps/s of `runner` with `steps` steps per tick, each sample about g_seconds long. */
static double runner_throughput(wr_world_runner *r, int worlds, int steps)
{
    check(wr_world_runner_step_all(r, steps), "warm-up");
    double t0 = now_s();
    int calib = 0;
    while (now_s() - t0 < 0.1 * g_seconds) {
        check(wr_world_runner_step_all(r, steps), "step_all");
        ++calib;
    }
    int ticks = (int)((double)calib * 10.0) + 1;
    double samples[SAMPLES];
    for (int s = 0; s < SAMPLES; ++s) {
        double start = now_s();
        for (int t = 0; t < ticks; ++t)
            check(wr_world_runner_step_all(r, steps), "step_all");
        samples[s] = (double)ticks * steps * worlds / (now_s() - start);
    }
    return median(samples, SAMPLES);
}

typedef uint64_t (*baseline_fn)(wr_world **, size_t, int, int);

/* Median world-steps/s of a baseline stepping plain worlds (heap managers) with `threads` threads. */
static double baseline_throughput(baseline_fn fn, const char *scene, int threads)
{
    wr_world *worlds[WORLDS];
    for (int i = 0; i < WORLDS; ++i) {
        check(wr_world_create(NULL, &worlds[i]), "wr_world_create");
        check(wr_scene_build(worlds[i], scene), "wr_scene_build");
    }
    uint64_t calib_ns = fn(worlds, WORLDS, threads, 5);
    if (calib_ns == 0)
        return 0.0;
    int ticks = (int)(g_seconds * 1e9 / ((double)calib_ns / 5.0)) + 1;
    double samples[SAMPLES];
    for (int s = 0; s < SAMPLES; ++s)
        samples[s] = (double)ticks * WORLDS / (1e-9 * (double)fn(worlds, WORLDS, threads, ticks));
    for (int i = 0; i < WORLDS; ++i)
        wr_world_destroy(worlds[i]);
    return median(samples, SAMPLES);
}

static void throughput_section(int cores)
{
    printf("\n== 1. world-steps/s, %d worlds, one step per tick (\"x50\": 50 steps per tick); median of %d samples of "
           "~%.1f s ==\n",
           WORLDS, SAMPLES, g_seconds);
    printf("%-10s %-22s %14s %14s %9s\n", "scene", "stepper", "1 thread", "2 threads", "speedup");
    const char *scenes[] = {"chain:16", "humanoid"};
    int two = cores >= 2 ? 2 : 1;
    for (int sc = 0; sc < 2; ++sc) {
        for (int v = 0; v < 6; ++v) {
            /* v: 0 pthreads, 1 openmp, 2 pthreads+host, 3 openmp+host (1 step per tick); 4, 5: 50 steps per tick */
            wr_world_runner_backend backend = v % 2 ? WR_WORLD_RUNNER_BACKEND_OPENMP : WR_WORLD_RUNNER_BACKEND_PTHREADS;
            bool host_mode = v == 2 || v == 3;
            int steps = v >= 4 ? 50 : 1;
            if (backend == WR_WORLD_RUNNER_BACKEND_OPENMP && !wr_world_runner_has_openmp())
                continue;
            double ws[2];
            for (int k = 0; k < 2; ++k) {
                wr_world_runner *r = make_runner_mode(k ? two : 1, backend, WR_NUMA_MEMORY_LOCAL, host_mode);
                add_worlds(r, scenes[sc], WORLDS);
                ws[k] = runner_throughput(r, WORLDS, steps);
                check(wr_world_runner_destroy(r), "wr_world_runner_destroy");
            }
            char name[48];
            snprintf(name, sizeof name, "runner/%s%s%s", wr_world_runner_backend_name(backend), host_mode ? "+host" : "",
                     steps > 1 ? " x50" : "");
            printf("%-10s %-22s %14.0f %14.0f %8.2fx\n", scenes[sc], name, ws[0], ws[1], ws[1] / ws[0]);
        }
        const struct { const char *name; baseline_fn fn; } baselines[] = {
            {"omp parallel-for", runner_baseline_openmp_for},
            {"pthread_barrier team", runner_baseline_pthread_barrier},
        };
        for (int i = 0; i < 2; ++i) {
            double one = baseline_throughput(baselines[i].fn, scenes[sc], 1);
            double both = baseline_throughput(baselines[i].fn, scenes[sc], two);
            if (one > 0)
                printf("%-10s %-22s %14.0f %14.0f %8.2fx\n", scenes[sc], baselines[i].name, one, both, both / one);
        }
    }
}

/* ---- 2. per-tick overhead --------------------------------------------------------------------------------------- */

static double runner_tick_ns(wr_world_runner_backend backend, int workers, bool host_mode)
{
    wr_world_runner *r = make_runner_mode(workers, backend, WR_NUMA_MEMORY_LOCAL, host_mode);
    add_worlds(r, NULL, workers); /* empty worlds: a step does almost nothing */
    for (int t = 0; t < 1000; ++t)
        check(wr_world_runner_step_all(r, 1), "step_all");
    double samples[OVERHEAD_SAMPLES];
    for (int s = 0; s < OVERHEAD_SAMPLES; ++s) {
        double start = now_s();
        for (int t = 0; t < g_overhead_ticks; ++t)
            check(wr_world_runner_step_all(r, 1), "step_all");
        samples[s] = 1e9 * (now_s() - start) / g_overhead_ticks;
    }
    check(wr_world_runner_destroy(r), "wr_world_runner_destroy");
    return median(samples, OVERHEAD_SAMPLES);
}

static double baseline_tick_ns(baseline_fn fn, int threads)
{
    wr_world *worlds[8];
    for (int i = 0; i < threads; ++i)
        check(wr_world_create(NULL, &worlds[i]), "wr_world_create");
    fn(worlds, (size_t)threads, threads, 1000);
    double samples[OVERHEAD_SAMPLES];
    for (int s = 0; s < OVERHEAD_SAMPLES; ++s)
        samples[s] = (double)fn(worlds, (size_t)threads, threads, g_overhead_ticks) / g_overhead_ticks;
    for (int i = 0; i < threads; ++i)
        wr_world_destroy(worlds[i]);
    return median(samples, OVERHEAD_SAMPLES);
}

static void overhead_row(const char *name, double ns, double omp)
{
    printf("%-44s %10.0f %11.2fx\n", name, ns, omp > 0 ? ns / omp : 0.0);
}

static void overhead_section(int cores)
{
    int threads = cores >= 2 ? 2 : 1;
    printf("\n== 2. per-tick overhead: %d empty worlds on %d threads, %d ticks (median of %d) ==\n", threads, threads,
           g_overhead_ticks, OVERHEAD_SAMPLES);
    bool omp_ok = wr_world_runner_has_openmp();
    double omp = omp_ok ? baseline_tick_ns(runner_baseline_openmp_for, threads) : 0.0;
    printf("%-44s %10s %12s\n", "stepper", "ns/tick", "vs omp for");
    overhead_row("omp parallel-for (host in the team)", omp, omp);
    overhead_row("pthread_barrier team (host in it, 2 waits)", baseline_tick_ns(runner_baseline_pthread_barrier,
                                                                                threads), omp);
    overhead_row("wr_world_runner pthreads (host waits)", runner_tick_ns(WR_WORLD_RUNNER_BACKEND_PTHREADS, threads, false),
                 omp);
    overhead_row("wr_world_runner pthreads, host_as_worker", runner_tick_ns(WR_WORLD_RUNNER_BACKEND_PTHREADS, threads,
                                                                         true), omp);
    if (omp_ok) {
        overhead_row("wr_world_runner openmp (driver thread)", runner_tick_ns(WR_WORLD_RUNNER_BACKEND_OPENMP, threads,
                                                                           false), omp);
        overhead_row("wr_world_runner openmp, host_as_worker", runner_tick_ns(WR_WORLD_RUNNER_BACKEND_OPENMP, threads,
                                                                           true), omp);
    }
}

/* ---- 3. bytes per world ----------------------------------------------------------------------------------------- */

static void bytes_section(void)
{
    printf("\n== 3. bytes per world (first-touch arena, 1 worker, after 200 steps) ==\n");
    printf("%-10s %12s %12s %12s %12s %8s\n", "scene", "reserved", "peak in use", "touched", "chunks", "mgr reqs");
    const char *scenes[] = {"pendulum", "chain:16", "arm7", "humanoid", "boxes:8"};
    for (int sc = 0; sc < 5; ++sc) {
        wr_world_runner *r = make_runner(1, WR_WORLD_RUNNER_BACKEND_PTHREADS, WR_NUMA_MEMORY_FIRST_TOUCH);
        add_worlds(r, scenes[sc], 1);
        check(wr_world_runner_step_all(r, 200), "step_all");
        wr_world *w = NULL;
        check(wr_world_runner_world_at(r, 0, &w), "world_at");
        wr_world_runner_world_info info;
        check(wr_world_runner_world_info_get(r, w, &info), "world_info");
        wr_memory_manager_stats ms;
        check(wr_memory_manager_get_stats(info.memory, &ms), "manager stats");
        size_t by_node[WR_NUMA_MAX_NODES], unplaced = 0, touched = 0;
        if (wr_world_runner_world_memory_by_node(r, w, by_node, &unplaced) == WR_OK) {
            for (int n = 0; n < WR_NUMA_MAX_NODES; ++n)
                touched += by_node[n];
        }
        printf("%-10s %12zu %12zu %12zu %12zu %8llu\n", scenes[sc], ms.bytes_reserved, ms.peak_bytes_in_use,
               touched, ms.chunks, (unsigned long long)ms.base_requests);
        if (sc == 1)
            printf("%-10s %12s   (MuJoCo 2.2.2 mjData of the same chain, issue 4: 14 MB = 3.3 MB buffer + 10.7 MB "
                   "stack; chain:16 here: %.1f%% of it; target < 262144)\n",
                   "", "", 100.0 * (double)ms.bytes_reserved / (14.0 * 1024 * 1024));
        check(wr_world_runner_destroy(r), "wr_world_runner_destroy");
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            g_seconds = atof(argv[++i]);
        } else if (strcmp(argv[i], "--ticks") == 0 && i + 1 < argc) {
            g_overhead_ticks = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: %s [--seconds S] [--ticks N]\n", argv[0]);
            return 2;
        }
    }
    if (g_seconds <= 0 || g_overhead_ticks < 1) {
        fprintf(stderr, "bench_runner: --seconds and --ticks must be positive\n");
        return 2;
    }
    wr_numa_topology *t = NULL;
    check(wr_numa_topology_create(NULL, &t), "wr_numa_topology_create");
    wr_numa_topology_info info;
    check(wr_numa_topology_get_info(t, &info), "topology info");
    check(wr_numa_topology_destroy(t), "wr_numa_topology_destroy");
    double load[3] = {0, 0, 0};
    getloadavg(load, 3);
    printf("bench_runner: %d allowed cores, %d NUMA node(s), OpenMP backend %s; load average %.2f (other processes "
           "share these cores: compare rows of one run)\n",
           info.allowed_core_count, info.node_count, wr_world_runner_has_openmp() ? "yes" : "no", load[0]);
    overhead_section(info.allowed_core_count);
    throughput_section(info.allowed_core_count);
    bytes_section();
    getloadavg(load, 3);
    printf("\nload average at the end: %.2f\n", load[0]);
    return 0;
}
