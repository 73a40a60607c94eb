/* peer_harness.c — measuring loop shared by the benchmark programs (see peer_harness.h). */
#define _GNU_SOURCE
#include "peer_harness.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "malloc_shim.h"

enum { PEER_MAX_THREADS = 64 };

typedef struct peer_options {
    const char *mode;
    const char *scene;
    double seconds;
    int threads;
    int count_steps;
    int check_steps;        /* 0 = the scene's default */
} peer_options;

double peer_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double peer_thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int peer_scene_parse(const char *name, peer_scene *out)
{
    char tail = 0;
    int n = 0;
    out->name = name;
    if (strcmp(name, "humanoid") == 0) {
        out->kind = PEER_SCENE_HUMANOID;
        out->count = 0;
        return 0;
    }
    if (sscanf(name, "chain:%d%c", &n, &tail) == 1 && n >= 1 && n <= 1024) {
        out->kind = PEER_SCENE_CHAIN;
        out->count = n;
        return 0;
    }
    if (sscanf(name, "boxes:%d%c", &n, &tail) == 1 && n >= 1 && n <= 4096) {
        out->kind = PEER_SCENE_BOXES;
        out->count = n;
        return 0;
    }
    static char path[512];
    const char *dir = getenv("PEER_MUJOCO_MODELS") ? getenv("PEER_MUJOCO_MODELS") : "/usr/share/mujoco/model";
    if (strcmp(name, "mjcf:humanoid") == 0 || strcmp(name, "mjcf:humanoid100") == 0) {
        const char *model = name + 5;
        snprintf(path, sizeof path, "%s/%s/%s.xml", dir, model, model);
        out->kind = PEER_SCENE_MODEL;
        out->count = 0;
        out->path = path;
        return 0;
    }
    return -1;
}

/* Steps that bring a scene to its steady state before anything is measured: the boxes fall and settle within a
 * second; the passive humanoid has fallen and lies on the ground after 3 s in every engine (DART's rigid contacts
 * keep it balanced for about 1.5 s, and its step costs much more once it lies on the ground). */
int peer_warmup_steps(const peer_scene *scene)
{
    /* a model at its own 5 ms step: 3 s, when the humanoid has fallen (as the built-in humanoid's 3000 of 1 ms) */
    return scene->kind == PEER_SCENE_CHAIN ? 100 : scene->kind == PEER_SCENE_BOXES ? 1000 : scene->kind ==
           PEER_SCENE_MODEL ? 600 : 3000;
}

/* Steps before the sanity probe: the chain tip after 0.5 s, the boxes' mean height at rest after 2 s, the pelvis
 * height after 1 s. */
static int check_steps(const peer_scene *scene)
{
    return scene->kind == PEER_SCENE_CHAIN ? 500 : scene->kind == PEER_SCENE_BOXES ? 2000 : scene->kind ==
           PEER_SCENE_MODEL ? 200 : 1000;
}

static malloc_shim_read_fn find_shim(void)
{
    malloc_shim_read_fn fn = NULL;
    void *sym = dlsym(RTLD_DEFAULT, "malloc_shim_read");
    memcpy(&fn, &sym, sizeof fn); /* object-to-function pointer without a pedantic cast */
    return fn;
}

/* ---- one world per thread ---------------------------------------------------------------------------------- */

typedef struct peer_worker {
    const peer_engine *engine;
    void *world;
    int steps;
    int failed;
    double cpu_seconds;
    pthread_barrier_t *barrier;
} peer_worker;

static void *worker_main(void *arg)
{
    peer_worker *worker = arg;
    if (worker->engine->thread_begin != NULL) {
        worker->engine->thread_begin();
    }
    pthread_barrier_wait(worker->barrier);
    double cpu = peer_thread_cpu();
    worker->failed = worker->engine->step(worker->world, worker->steps);
    worker->cpu_seconds = peer_thread_cpu() - cpu;
    if (worker->engine->thread_end != NULL) {
        worker->engine->thread_end();
    }
    return NULL;
}

/* Wall seconds for `count` threads to step one world each `steps` steps, timed from the common start; the CPU
 * seconds of each thread go to cpu[count]. */
static double run_threads(const peer_engine *engine, void **worlds, int count, int steps, double *cpu)
{
    if (engine->step_parallel != NULL) {
        double wall = engine->step_parallel(worlds, count, steps, cpu);
        if (wall != PEER_PARALLEL_UNSUPPORTED)
            return wall;
    }
    peer_worker workers[PEER_MAX_THREADS];
    pthread_t threads[PEER_MAX_THREADS];
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, (unsigned)count + 1);
    for (int i = 0; i < count; ++i) {
        workers[i] = (peer_worker){engine, worlds[i], steps, 0, 0.0, &barrier};
        pthread_create(&threads[i], NULL, worker_main, &workers[i]);
    }
    pthread_barrier_wait(&barrier);
    double start = peer_now();
    int failed = 0;
    for (int i = 0; i < count; ++i) {
        pthread_join(threads[i], NULL);
        failed |= workers[i].failed;
        cpu[i] = workers[i].cpu_seconds;
    }
    double wall = peer_now() - start;
    pthread_barrier_destroy(&barrier);
    return failed ? -1.0 : wall;
}

/* ---- modes ------------------------------------------------------------------------------------------------- */

/* No world is stepped for more than this many steps in a timed run: an undamped chain integrated with explicit
 * schemes gains energy and some engines blow up after about a minute of simulated time. */
enum { PEER_SEGMENT_STEPS = 20000 };

typedef struct peer_worlds {
    void *world[PEER_MAX_THREADS];
    long steps[PEER_MAX_THREADS];   /* steps taken since built (warm-up included) */
    int count;
} peer_worlds;

static void destroy_worlds(const peer_engine *engine, peer_worlds *set)
{
    for (int i = 0; i < set->count; ++i) {
        if (set->world[i] != NULL) {
            engine->destroy(set->world[i]);
            set->world[i] = NULL;
        }
    }
}

/* (Re)build every world that is missing or would pass PEER_SEGMENT_STEPS after `more` steps, then warm the new ones
 * up, one thread per world. Returns 0 on success. */
static int refresh_worlds(const peer_engine *engine, const peer_scene *scene, peer_worlds *set, long more)
{
    void *fresh[PEER_MAX_THREADS];
    int nfresh = 0;
    for (int i = 0; i < set->count; ++i) {
        if (set->world[i] != NULL && set->steps[i] + more <= PEER_SEGMENT_STEPS) {
            continue;
        }
        if (set->world[i] != NULL) {
            engine->destroy(set->world[i]);
        }
        set->world[i] = engine->create(scene);
        set->steps[i] = peer_warmup_steps(scene);
        if (set->world[i] == NULL) {
            fprintf(stderr, "%s: cannot build scene %s\n", engine->name, scene->name);
            return 1;
        }
        fresh[nfresh++] = set->world[i];
    }
    peer_engine plain = *engine; /* warm up on our own threads even if the engine has a parallel stepper */
    plain.step_parallel = NULL;
    double cpu[PEER_MAX_THREADS];
    if (nfresh > 0 && run_threads(&plain, fresh, nfresh, peer_warmup_steps(scene), cpu) < 0.0) {
        fprintf(stderr, "%s: warm-up failed\n", engine->name);
        return 1;
    }
    return 0;
}

/* Steps per second of world 0 on the calling thread; only the step calls are timed. Batches grow until one takes
 * about 5 ms, so clock reads cost nothing next to the steps even for the fastest engine. */
static double single_rate(const peer_engine *engine, const peer_scene *scene, peer_worlds *set, double seconds)
{
    long steps = 0;
    int batch = 10;
    double timed = 0.0;
    while (timed < seconds) {
        if (refresh_worlds(engine, scene, set, batch) != 0) {
            return -1.0;
        }
        double start = peer_now();
        int failed = engine->step(set->world[0], batch);
        double took = peer_now() - start;
        timed += took;
        steps += batch;
        set->steps[0] += batch;
        if (failed) {
            fprintf(stderr, "%s: step failed\n", engine->name);
            return -1.0;
        }
        if (took < 0.005 && batch < 5000) {
            batch *= 2;
        }
    }
    return (double)steps / timed;
}

/* Aggregate steps per second of the first `count` worlds stepped `steps` steps each, one thread per world; and in
 * *cpu_rate the sum over threads of steps per CPU second (what the rate would be if every thread had a core to
 * itself: on a loaded machine the wall-clock figure mostly measures the other processes). */
static double threaded_rate(const peer_engine *engine, const peer_scene *scene, peer_worlds *set, int count,
                            int steps, double *cpu_rate)
{
    double cpu[PEER_MAX_THREADS];
    if (refresh_worlds(engine, scene, set, steps) != 0) {
        return -1.0;
    }
    double wall = run_threads(engine, set->world, count, steps, cpu);
    *cpu_rate = 0.0;
    for (int i = 0; i < count; ++i) {
        set->steps[i] += steps;
        *cpu_rate = (*cpu_rate >= 0.0 && cpu[i] > 0.0) ? *cpu_rate + steps / cpu[i] : -1.0;
    }
    return wall > 0.0 ? (double)count * steps / wall : -1.0;
}

static int mode_time(const peer_engine *engine, const peer_scene *scene, const peer_options *opt)
{
    peer_worlds set = {{0}, {0}, opt->threads};
    double single = single_rate(engine, scene, &set, opt->seconds);
    /* The same number of steps per world on 1 and on n threads; each run lasts about seconds / 2. */
    int per_world = (int)fmin(PEER_SEGMENT_STEPS / 2, fmax(20.0, single * opt->seconds * 0.5));
    double cpu1 = -1.0, cpun = -1.0;
    double rate1 = single > 0.0 ? threaded_rate(engine, scene, &set, 1, per_world, &cpu1) : -1.0;
    double raten = rate1 > 0.0 ? threaded_rate(engine, scene, &set, opt->threads, per_world, &cpun) : -1.0;
    destroy_worlds(engine, &set);
    if (raten <= 0.0) {
        fprintf(stderr, "%s: timed run failed\n", engine->name);
        return 1;
    }
    double cpu_speedup = cpu1 > 0.0 && cpun > 0.0 ? cpun / cpu1 : -1.0;
    printf("engine=%s scene=%s mode=time steps_per_s=%.1f threads=%d rate_1t=%.1f rate_nt=%.1f speedup=%.3f "
           "cpu_speedup=%.3f\n",
           engine->name, scene->name, single, opt->threads, rate1, raten, raten / rate1, cpu_speedup);
    return 0;
}

static int mode_count(const peer_engine *engine, const peer_scene *scene, const peer_options *opt)
{
    malloc_shim_read_fn shim = find_shim();
    if (shim == NULL) {
        fprintf(stderr, "%s: count mode needs LD_PRELOAD=malloc_shim.so\n", engine->name);
        return 2;
    }
    malloc_shim_counts before, built, warm, after;
    shim(&before);
    void *world = engine->create(scene);
    if (world == NULL) {
        return 1;
    }
    shim(&built);
    if (engine->step(world, peer_warmup_steps(scene)) != 0) {
        return 1;
    }
    shim(&warm);
    if (engine->step(world, opt->count_steps) != 0) {
        return 1;
    }
    shim(&after);
    size_t reserved = engine->reserved_bytes != NULL ? engine->reserved_bytes(world) : 0;
    printf("engine=%s scene=%s mode=count mallocs_per_step=%.2f frees_per_step=%.2f build_mallocs=%llu "
           "heap_bytes_built=%lld heap_bytes_world=%lld reserved_bytes=%zu\n",
           engine->name, scene->name, (double)(after.allocations - warm.allocations) / opt->count_steps,
           (double)(after.frees - warm.frees) / opt->count_steps, built.allocations - before.allocations,
           built.live_bytes - before.live_bytes, after.live_bytes - before.live_bytes, reserved);
    engine->destroy(world);
    return 0;
}

static int mode_check(const peer_engine *engine, const peer_scene *scene, int steps)
{
    void *world = engine->create(scene);
    if (world == NULL) {
        return 1;
    }
    double initial = engine->probe(world, scene);
    int rc = engine->step(world, steps);
    double final = engine->probe(world, scene);
    printf("engine=%s scene=%s mode=check probe_t0=%.6f probe=%.6f probe_time=%.3f\n", engine->name, scene->name,
           initial, final, steps * (scene->kind == PEER_SCENE_MODEL ? 0.005 : 0.001)); /* the samples' own 5 ms */
    engine->destroy(world);
    return rc != 0 || !isfinite(final);
}

static void usage(const char *program)
{
    fprintf(stderr,
            "usage: %s --scene chain:16|boxes:64|humanoid [--mode time|count|check|info] [--seconds S] [--threads N]\n"
            "       [--count-steps K] [--check-steps K]\n",
            program);
}

int peer_main(int argc, char **argv, const peer_engine *engine)
{
    peer_options opt = {"time", "chain:16", 0.4, 2, 200, 0};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--mode") == 0) {
            opt.mode = argv[i + 1];
        } else if (strcmp(argv[i], "--scene") == 0) {
            opt.scene = argv[i + 1];
        } else if (strcmp(argv[i], "--seconds") == 0) {
            opt.seconds = atof(argv[i + 1]);
        } else if (strcmp(argv[i], "--threads") == 0) {
            opt.threads = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--count-steps") == 0) {
            opt.count_steps = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--check-steps") == 0) {
            opt.check_steps = atoi(argv[i + 1]);
        } else {
            usage(argv[0]);
            return 2;
        }
    }
    peer_scene scene;
    if ((argc % 2) != 1 || peer_scene_parse(opt.scene, &scene) != 0 || !(opt.seconds > 0.0 && opt.seconds < 60.0) ||
        opt.threads < 1 || opt.threads > PEER_MAX_THREADS || opt.count_steps < 1 || opt.check_steps < 0) {
        usage(argv[0]);
        return 2;
    }
    if (strcmp(opt.mode, "time") == 0) {
        return mode_time(engine, &scene, &opt);
    }
    if (strcmp(opt.mode, "count") == 0) {
        return mode_count(engine, &scene, &opt);
    }
    if (strcmp(opt.mode, "check") == 0) {
        return mode_check(engine, &scene, opt.check_steps > 0 ? opt.check_steps : check_steps(&scene));
    }
    if (strcmp(opt.mode, "info") == 0) {
        printf("engine=%s version=%s\nnotes=%s\n", engine->name, engine->version, engine->notes);
        return 0;
    }
    usage(argv[0]);
    return 2;
}
