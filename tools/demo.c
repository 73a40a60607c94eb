/* demo — the main job: many independent worlds stepped in parallel with wr_world_runner_step_all.
 *
 * Creates a mix of worlds (by default 256: chain:16, boxes:4, arm7, humanoid, pendulum), each on a pinned worker
 * with its own memory manager over the worker's NUMA-local arena, steps them for a few seconds (or a fixed number
 * of ticks), and prints the throughput, the load of every worker, where the memory lives (page query) and the
 * bytes per world. With --ticks the combined state hash is the same for any workers/backend/placement/policy.
 *
 * Usage: demo [--worlds N] [--seconds S | --ticks N] [--steps K] [--workers N] [--backend pthreads|openmp]
 *             [--placement compact|scatter|none] [--policy local|interleave|first-touch|remote|default]
 *             [--topology "<hwloc synthetic description>"] [--host-worker] [--help]
 * Exit status: 0 done (and --help, which prints the usage on stdout), 1 a library call failed, 2 a bad option or
 * value (named on stderr, then the usage).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worldrunner/scenes.h"
#include "worldrunner/worldrunner.h"

enum { SCENE_KINDS = 5 };
/* Per 8 worlds: 3 chain:16, 2 boxes:4, 1 arm7, 1 humanoid, 1 pendulum. */
static const char *SCENE_NAMES[SCENE_KINDS] = {"chain:16", "boxes:4", "arm7", "humanoid", "pendulum"};
static const int SCENE_OF_SLOT[8] = {0, 1, 0, 2, 0, 1, 3, 4};

typedef struct options {
    int worlds;
    double seconds;
    int ticks;                   /* > 0: run exactly this many ticks */
    int steps;
    int workers;
    wr_world_runner_backend backend;
    wr_numa_placement placement;
    wr_numa_memory_policy policy;
    const char *topology;
    bool host_worker;
} options;

static void print_usage(FILE *out, const char *program)
{
    fprintf(out,
            "usage: %s [--worlds N] [--seconds S | --ticks N] [--steps K] [--workers N] [--backend pthreads|openmp]\n"
            "          [--placement compact|scatter|none] [--policy local|interleave|first-touch|remote|default]\n"
            "          [--topology \"<hwloc synthetic description>\"] [--host-worker] [--help]\n",
            program);
}

static void print_options(FILE *out)
{
    fputs("\nSteps a mix of worlds (per 8: 3 chain:16, 2 boxes:4, 1 arm7, 1 humanoid, 1 pendulum) in parallel, each\n"
          "built on its pinned worker with its own memory manager, and prints the throughput, the load of every\n"
          "worker, where the memory lives and the bytes per world.\n\n"
          "  --worlds N        worlds to step (default 256)\n"
          "  --seconds S       step for S seconds of wall time (default 3)\n"
          "  --ticks N         step exactly N ticks instead (the combined state hash is then the same for any\n"
          "                    workers, backend, placement and policy)\n"
          "  --steps K         steps per world per tick (default 1)\n"
          "  --workers N       worker threads, 0 = one per allowed core (default 0)\n"
          "  --backend B       pthreads (default) or openmp\n"
          "  --placement P     compact (default), scatter (across NUMA nodes) or none (unpinned)\n"
          "  --policy P        where arenas take pages: local (default), interleave, first-touch, remote, default\n"
          "                    (the C heap)\n"
          "  --topology DESC   plan on a synthetic hwloc topology, e.g. \"package:2 numa:1 core:4 pu:1\"\n"
          "  --host-worker     the calling thread steps worker 0's worlds (lowest tick overhead)\n"
          "  --help            this text\n\n"
          "Exit status: 0 done, 1 a library call failed, 2 a bad option or value.\n",
          out);
}

/* A bad command line: say what was wrong, then the usage; exit 2. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void bad_usage(const char *program, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("demo: ", stderr);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    print_usage(stderr, program);
    exit(2);
}

/* The whole of `value` as an integer >= `min` (1: "a positive integer", 0: "a non-negative integer"). */
static int parse_int(const char *program, const char *option, const char *value, int min)
{
    char *end = NULL;
    errno = 0;
    long n = strtol(value, &end, 10);
    if (end == value || *end != '\0' || errno == ERANGE || n < min || n > 1000000000L)
        bad_usage(program, "%s: '%s' is not a %s integer", option, value, min > 0 ? "positive" : "non-negative");
    return (int)n;
}

static double parse_seconds(const char *program, const char *option, const char *value)
{
    char *end = NULL;
    errno = 0;
    double x = strtod(value, &end);
    if (end == value || *end != '\0' || errno == ERANGE || !(x > 0.0) || x > 1e6)
        bad_usage(program, "%s: '%s' is not a positive number of seconds", option, value);
    return x;
}

static void fail(const char *what, wr_status s)
{
    fprintf(stderr, "demo: %s: %s: %s\n", what, wr_status_name(s), wr_last_error());
    exit(1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int parse_enum(const char *program, const char *option, const char *value, const char *const *names,
                      int count)
{
    for (int i = 0; i < count; ++i) {
        if (strcmp(value, names[i]) == 0)
            return i;
    }
    char choices[160] = "";
    for (int i = 0; i < count; ++i)
        snprintf(choices + strlen(choices), sizeof choices - strlen(choices), "%s%s", i ? ", " : "", names[i]);
    bad_usage(program, "%s: '%s' is not one of %s", option, value, choices);
    return 0;
}

static options parse(int argc, char **argv)
{
    static const char *const backends[] = {"pthreads", "openmp"};
    static const char *const placements[] = {"compact", "scatter", "none"};
    static const char *const policies[] = {"local", "interleave", "first-touch", "remote", "default"};
    options o = {.worlds = 256, .seconds = 3.0, .steps = 1, .backend = WR_WORLD_RUNNER_BACKEND_PTHREADS,
                 .placement = WR_NUMA_PLACEMENT_COMPACT, .policy = WR_NUMA_MEMORY_LOCAL, .host_worker = false};
    static const char *const valued[] = {"--worlds", "--seconds", "--ticks", "--steps", "--workers", "--backend",
                                         "--placement", "--policy", "--topology"};
    const char *program = argc > 0 ? argv[0] : "demo";
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_usage(stdout, program);
            print_options(stdout);
            exit(0);
        }
        if (strcmp(a, "--host-worker") == 0) {
            o.host_worker = true;
            continue;
        }
        bool known = false;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; ++k)
            known = known || strcmp(a, valued[k]) == 0;
        if (!known)
            bad_usage(program, "unknown option '%s'", a);
        if (i + 1 >= argc)
            bad_usage(program, "%s needs a value", a);
        const char *v = argv[++i];
        if (strcmp(a, "--worlds") == 0)
            o.worlds = parse_int(program, a, v, 1);
        else if (strcmp(a, "--seconds") == 0)
            o.seconds = parse_seconds(program, a, v);
        else if (strcmp(a, "--ticks") == 0)
            o.ticks = parse_int(program, a, v, 1);
        else if (strcmp(a, "--steps") == 0)
            o.steps = parse_int(program, a, v, 1);
        else if (strcmp(a, "--workers") == 0)
            o.workers = parse_int(program, a, v, 0);
        else if (strcmp(a, "--backend") == 0)
            o.backend = (wr_world_runner_backend)parse_enum(program, a, v, backends, 2);
        else if (strcmp(a, "--placement") == 0)
            o.placement = (wr_numa_placement)parse_enum(program, a, v, placements, 3);
        else if (strcmp(a, "--policy") == 0)
            o.policy = (wr_numa_memory_policy)parse_enum(program, a, v, policies, 5);
        else
            o.topology = v;
    }
    return o;
}

static wr_world_runner *make_runner(const options *o)
{
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = o->workers;
    c.backend = o->backend;
    c.placement = o->placement;
    c.memory_policy = o->policy;
    c.host_as_worker = o->host_worker;
    if (o->topology) {
        c.topology_source = WR_NUMA_TOPOLOGY_SYNTHETIC;
        c.topology_description = o->topology;
    }
    wr_world_runner *r = NULL;
    wr_status s = wr_world_runner_create(&c, &r);
    if (s != WR_OK)
        fail("wr_world_runner_create", s);
    return r;
}

static void print_header(const wr_world_runner *r, const options *o, const int *per_scene)
{
    wr_world_runner_stats s;
    wr_world_runner_get_stats(r, &s);
    printf("worldrunner demo: %d worlds (", o->worlds);
    for (int k = 0; k < SCENE_KINDS; ++k)
        printf("%s%d %s", k ? ", " : "", per_scene[k], SCENE_NAMES[k]);
    printf(") on %d workers\n", s.workers);
    printf("topology: %s, %d NUMA node(s), %d allowed cores; backend %s%s, placement %s, memory policy %s\n",
           s.topology_source == WR_NUMA_TOPOLOGY_SYSTEM ? "this machine" : "synthetic", s.node_count,
           s.allowed_core_count, wr_world_runner_backend_name(s.backend), o->host_worker ? " (host is worker 0)" : "",
           wr_numa_placement_name(s.placement), wr_numa_memory_policy_name(s.memory_policy));
    printf("pinned: %d of %d workers%s; memory bound to nodes: %s%s%s\n", s.workers_pinned, s.workers,
           s.pinning_simulated ? " (simulated)" : "", s.memory_bound ? "yes" : "no",
           s.fallback[0] ? " -- " : "", s.fallback);
}

enum { MAX_WORKERS = 1024 };
static uint64_t g_busy_before[MAX_WORKERS], g_steps_before[MAX_WORKERS];

/* Per worker: busy time and world steps so far (to subtract the warm-up). */
static void worker_totals(const wr_world_runner *r, uint64_t *busy, uint64_t *steps)
{
    wr_world_runner_stats s;
    wr_world_runner_get_stats(r, &s);
    for (int k = 0; k < s.workers && k < MAX_WORKERS; ++k) {
        wr_world_runner_worker_stats w;
        wr_world_runner_get_worker_stats(r, k, &w);
        busy[k] = w.busy_ns;
        steps[k] = 0;
    }
    for (size_t i = 0; i < wr_world_runner_world_count(r); ++i) {
        wr_world *wd = NULL;
        wr_world_runner_world_info info;
        wr_world_runner_world_at(r, i, &wd);
        wr_world_runner_world_info_get(r, wd, &info);
        if (info.worker < MAX_WORKERS)
            steps[info.worker] += info.steps;
    }
}

static void print_workers(const wr_world_runner *r, double wall)
{
    static uint64_t busy[MAX_WORKERS], steps[MAX_WORKERS];
    worker_totals(r, busy, steps);
    wr_world_runner_stats s;
    wr_world_runner_get_stats(r, &s);
    printf("\nper worker (busy = time stepping its worlds / wall time):\n");
    printf("%6s %5s %5s %5s %8s %7s %9s %6s %12s %10s\n", "worker", "core", "cpu", "node", "mem-node", "worlds",
           "cost", "busy%", "steps/s", "pinning");
    for (int k = 0; k < s.workers; ++k) {
        wr_world_runner_worker_stats w;
        wr_world_runner_get_worker_stats(r, k, &w);
        if (k >= MAX_WORKERS)
            break;
        char mem[16];
        snprintf(mem, sizeof mem, "%d", w.memory_node_os_index);
        printf("%6d %5d %5d %5d %8s %7zu %9.0f %5.1f%% %12.0f %10s\n", k, w.core, w.cpu_os_index, w.node_os_index,
               w.memory_node_os_index >= 0 ? mem : "-", w.worlds, w.cost,
               100.0 * 1e-9 * (double)(busy[k] - g_busy_before[k]) / wall,
               (double)(steps[k] - g_steps_before[k]) / wall, wr_numa_binding_name(w.pinning));
    }
    printf("imbalance (max/mean busy): %.3f over all ticks, %.3f in the last\n", s.imbalance, s.last_imbalance);
}

typedef struct scene_memory {
    size_t worlds;
    size_t reserved;
    size_t in_use;
    size_t touched;
} scene_memory;

static void print_memory(const wr_world_runner *r, wr_world **worlds, const int *scene_of_world, int count)
{
    size_t by_node[WR_NUMA_MAX_NODES] = {0}, unplaced = 0, reserved = 0;
    scene_memory per_scene[SCENE_KINDS] = {{0}};
    bool query_ok = true;
    for (int i = 0; i < count; ++i) {
        wr_world_runner_world_info info;
        wr_world_runner_world_info_get(r, worlds[i], &info);
        wr_memory_manager_stats ms;
        wr_memory_manager_get_stats(info.memory, &ms);
        size_t nodes[WR_NUMA_MAX_NODES], un = 0, touched = 0;
        if (wr_world_runner_world_memory_by_node(r, worlds[i], nodes, &un) == WR_OK) {
            for (int n = 0; n < WR_NUMA_MAX_NODES; ++n) {
                by_node[n] += nodes[n];
                touched += nodes[n];
            }
            unplaced += un;
        } else {
            query_ok = false;
        }
        reserved += ms.bytes_reserved;
        scene_memory *sm = &per_scene[scene_of_world[i]];
        sm->worlds++;
        sm->reserved += ms.bytes_reserved;
        sm->in_use += ms.bytes_in_use;
        sm->touched += touched;
    }
    printf("\nwhere the worlds' memory lives (page query over every chunk of every world's manager):\n");
    if (!query_ok) {
        printf("  page query unavailable here (no kernel NUMA support)\n");
    } else {
        for (int n = 0; n < WR_NUMA_MAX_NODES; ++n) {
            if (by_node[n])
                printf("  node %d: %8.2f MiB touched\n", n, (double)by_node[n] / (1 << 20));
        }
        printf("  not yet touched (reserved, no page): %.2f MiB\n", (double)unplaced / (1 << 20));
    }
    wr_world_runner_stats s;
    wr_world_runner_get_stats(r, &s);
    printf("  all worlds' managers: %.2f MiB reserved; worker arenas: %.2f MiB reserved, %.2f MiB handed out\n",
           (double)reserved / (1 << 20), (double)s.arena_bytes_reserved / (1 << 20),
           (double)s.arena_bytes_in_use / (1 << 20));
    printf("\nbytes per world (its memory manager: reserved from the arena / in use / pages touched):\n");
    printf("%-10s %7s %12s %12s %12s\n", "scene", "worlds", "reserved", "in use", "touched");
    for (int k = 0; k < SCENE_KINDS; ++k) {
        const scene_memory *sm = &per_scene[k];
        if (!sm->worlds)
            continue;
        printf("%-10s %7zu %12zu %12zu %12zu\n", SCENE_NAMES[k], sm->worlds, sm->reserved / sm->worlds,
               sm->in_use / sm->worlds, sm->touched / sm->worlds);
    }
}

int main(int argc, char **argv)
{
    options o = parse(argc, argv);
    wr_world_runner *r = make_runner(&o);
    wr_world **worlds = calloc((size_t)o.worlds, sizeof *worlds);
    int *scene_of_world = calloc((size_t)o.worlds, sizeof *scene_of_world);
    if (!worlds || !scene_of_world) {
        fprintf(stderr, "demo: out of memory\n");
        return 1;
    }
    int per_scene[SCENE_KINDS] = {0};
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    for (int i = 0; i < o.worlds; ++i) {
        scene_of_world[i] = SCENE_OF_SLOT[i % 8];
        wc.build = wr_scene_build_callback;
        wc.build_context = (void *)SCENE_NAMES[scene_of_world[i]];
        wr_status s = wr_world_runner_create_world(r, &wc, &worlds[i]);
        if (s != WR_OK)
            fail("wr_world_runner_create_world", s);
        per_scene[scene_of_world[i]]++;
    }
    print_header(r, &o, per_scene);
    wr_status s = wr_world_runner_step_all(r, o.steps); /* warm-up: frame buffers reach their size */
    if (s != WR_OK)
        fail("wr_world_runner_step_all", s);
    if (o.ticks)
        printf("\nstepping %d ticks of %d step(s) ...\n", o.ticks, o.steps);
    else
        printf("\nstepping for %.1f s, %d step(s) per tick ...\n", o.seconds, o.steps);
    fflush(stdout);
    worker_totals(r, g_busy_before, g_steps_before);
    double start = now_s(), wall = 0;
    uint64_t ticks = 0;
    while (o.ticks ? ticks < (uint64_t)o.ticks : wall < o.seconds) {
        s = wr_world_runner_step_all(r, o.steps);
        if (s != WR_OK)
            fail("wr_world_runner_step_all", s);
        ++ticks;
        wall = now_s() - start;
    }
    double world_steps = (double)ticks * o.steps * o.worlds;
    double sim_seconds = 0;
    uint64_t combined = 1469598103934665603ull;
    for (int i = 0; i < o.worlds; ++i) {
        sim_seconds += (double)ticks * o.steps * wr_world_time_step(worlds[i]);
        combined = (combined ^ wr_world_state_hash(worlds[i])) * 1099511628211ull;
    }
    double load[3] = {0, 0, 0};
    getloadavg(load, 3);
    printf("throughput: %.0f world-steps/s (%llu ticks in %.2f s, %.1f us per tick; %.1f simulated s per wall s)\n",
           world_steps / wall, (unsigned long long)ticks, wall, 1e6 * wall / (double)ticks,
           sim_seconds / (wall + 1e-12));
    printf("load average: %.2f (on a shared machine other processes take their share of the cores)\n", load[0]);
    printf("combined state hash after %llu steps per world: %016llx\n",
           (unsigned long long)wr_world_step_count(worlds[0]), (unsigned long long)combined);
    print_workers(r, wall);
    print_memory(r, worlds, scene_of_world, o.worlds);
    s = wr_world_runner_destroy(r);
    if (s != WR_OK)
        fail("wr_world_runner_destroy", s);
    free(worlds);
    free(scene_of_world);
    return 0;
}
