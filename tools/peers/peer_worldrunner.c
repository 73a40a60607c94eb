/* peer_worldrunner.c — worldrunner's own figures for the peer benchmarks, through the public API only.
 *
 * One world: wr_world_create + wr_scene_build + wr_world_step on the calling thread. One world per thread: a wr_world_runner
 * with that many pinned workers, each owning one world built on it, stepped by wr_world_runner_step_all (one tick of
 * `steps` steps, so the figure includes one wake-up and one join). Memory per world: the bytes the world's memory
 * manager holds from its base allocator (chunks), plus the heap bytes the shim sees.
 */
#define _GNU_SOURCE /* dlsym(RTLD_DEFAULT) */
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "malloc_shim.h"
#include "peer_harness.h"
#include "worldrunner/model.h"
#include "worldrunner/scenes.h"
#include "worldrunner/skeleton.h"
#include "worldrunner/world.h"
#ifdef PEER_HAVE_RUNNER
#include "worldrunner/world_runner.h"
#endif

#ifndef PEER_WR_VERSION
#define PEER_WR_VERSION "dev"
#endif

/* The scene the harness asked for, for the runner's own worlds. */
static const char *current_scene = NULL;

static void report(const char *what, wr_status st)
{
    fprintf(stderr, "worldrunner: %s: %s: %s\n", what, wr_status_name(st), wr_last_error());
}

/* A sample model file: loaded once, every world made from it shares its tables (the model outlives the worlds:
 * the process ends first). */
static wr_model *shared_model = NULL;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

static wr_status build(wr_world *w, const peer_scene *scene)
{
    if (scene->kind != PEER_SCENE_MODEL)
        return wr_scene_build(w, scene->name);
    wr_status st = WR_OK;
    pthread_mutex_lock(&shared_lock);
    if (shared_model == NULL)
        st = wr_model_load_file(scene->path, NULL, &shared_model);
    pthread_mutex_unlock(&shared_lock);
    return st == WR_OK ? wr_world_add_model(w, shared_model, NULL, NULL) : st;
}

static void *wr_create(const peer_scene *scene)
{
    wr_world *w = NULL;
    wr_status st = wr_world_create(NULL, &w);
    if (st == WR_OK && (st = build(w, scene)) != WR_OK) {
        wr_world_destroy(w);
    }
    if (st != WR_OK) {
        report("build", st);
        return NULL;
    }
    current_scene = scene->name;
    return w;
}

static int wr_step(void *world_handle, int steps)
{
    wr_status st = wr_world_step(world_handle, steps);
    if (st != WR_OK) {
        report("wr_world_step", st);
    }
    return st != WR_OK;
}

/* Position (m) of `local` (body frame) on body `body` of skeleton `s`. */
static double body_point_z(wr_skeleton *s, int body, const double local[3])
{
    double p[3], r[9];
    if (wr_skeleton_body_pose(s, body, p, r) != WR_OK) {
        return NAN; /* NaN: the check then fails loudly */
    }
    return p[2] + r[6] * local[0] + r[7] * local[1] + r[8] * local[2];
}

static double wr_probe(void *world_handle, const peer_scene *scene)
{
    wr_world *w = world_handle;
    const double origin[3] = {0, 0, 0};
    double sum = 0.0;
    int count = 0;
    if (scene->kind == PEER_SCENE_MODEL) { /* the torso's height: the first free joint of the file */
        double q[1024];
        size_t nq = wr_world_position_count(w);
        return nq >= 3 && nq <= 1024 && wr_world_get_positions(w, q, nq) == WR_OK ? q[2] : NAN;
    }
    for (int i = 0; i < wr_world_skeleton_count(w); ++i) {
        wr_skeleton *s = wr_world_get_skeleton(w, i);
        const char *name = wr_skeleton_name(s);
        if (scene->kind == PEER_SCENE_CHAIN && strcmp(name, "chain") == 0) {
            const double tip[3] = {0.1, 0, 0};
            return body_point_z(s, wr_skeleton_body_count(s) - 1, tip);
        }
        if (scene->kind == PEER_SCENE_HUMANOID && strcmp(name, "humanoid") == 0) {
            return body_point_z(s, 0, origin);
        }
        if (scene->kind == PEER_SCENE_BOXES && strcmp(name, "ground") != 0) {
            sum += body_point_z(s, 0, origin);
            ++count;
        }
    }
    return count > 0 ? sum / count : NAN;
}

static size_t wr_reserved(void *world_handle)
{
    wr_memory_manager_stats stats;
    if (wr_memory_manager_get_stats(wr_world_get_memory_manager(world_handle), &stats) != WR_OK) {
        return 0;
    }
    return stats.bytes_reserved;
}

static void wr_destroy(void *world_handle)
{
    wr_world_destroy(world_handle);
}

#ifdef PEER_HAVE_RUNNER
/* Thread CPU time of a worker across one tick, read by a pre-step callback on the worker itself: at the first step
 * and before the last one, so it covers steps - 1 steps. */
typedef struct cpu_probe {
    int last;
    double start;
    double seconds;
} cpu_probe;

static wr_status read_cpu(wr_world *w, int step, void *user)
{
    cpu_probe *probe = user;
    (void)w;
    if (step == 0) {
        probe->start = peer_thread_cpu();
    } else if (step == probe->last) {
        probe->seconds = peer_thread_cpu() - probe->start;
    }
    return WR_OK;
}

/* `count` workers, one world each, built on its worker; warmed up by one untimed tick, then one timed step_all of
 * `steps` steps. The harness's own worlds are not used: runner worlds belong to the runner. */
static double wr_step_parallel(void **worlds, int count, int steps, double *cpu_seconds)
{
    (void)worlds;
    peer_scene parsed;
    if (peer_scene_parse(current_scene, &parsed) == 0 && parsed.kind == PEER_SCENE_MODEL)
        return PEER_PARALLEL_UNSUPPORTED; /* runner worlds from a model wait for the runner's build hook */
    cpu_probe probes[64];
    wr_world_runner_config config;
    wr_world_runner_config_init(&config);
    config.workers = count;
    wr_world_runner *runner = NULL;
    wr_status st = count <= 64 ? wr_world_runner_create(&config, &runner) : WR_ERR_INVALID_ARGUMENT;
    if (st != WR_OK) {
        report("wr_world_runner_create", st);
        return -1.0;
    }
    for (int i = 0; i < count && st == WR_OK; ++i) {
        wr_world_runner_world_config wc;
        wr_world_runner_world_config_init(&wc);
        wc.build = wr_scene_build_callback;
        wc.build_context = (void *)current_scene;
        wc.worker = i;
        wr_world *w = NULL;
        probes[i] = (cpu_probe){steps - 1, 0.0, -1.0};
        st = wr_world_runner_create_world(runner, &wc, &w);
        if (st == WR_OK) {
            st = wr_world_runner_set_pre_step(runner, w, read_cpu, &probes[i]);
        }
    }
    peer_scene scene;
    if (st == WR_OK && peer_scene_parse(current_scene, &scene) == 0) {
        st = wr_world_runner_step_all(runner, peer_warmup_steps(&scene));
    }
    for (int i = 0; i < count; ++i) {
        probes[i].last = steps - 1;
        probes[i].seconds = -1.0;
    }
    double wall = -1.0;
    if (st == WR_OK) {
        double start = peer_now();
        st = wr_world_runner_step_all(runner, steps);
        wall = peer_now() - start;
    }
    if (st != WR_OK) {
        report("wr_world_runner", st);
        wall = -1.0;
    }
    /* probes are in creation order, which is worker order here (one world per worker) */
    for (int i = 0; i < count; ++i) {
        cpu_seconds[i] = probes[i].seconds > 0.0 ? probes[i].seconds * steps / (steps - 1) : -1.0;
    }
    wr_world_runner_destroy(runner);
    return wall;
}

/* --mode count-runner: heap calls made by wr_world_runner_step_all in steady state (LD_PRELOAD malloc_shim.so): 100
 * ticks of 10 steps on one worker and one world, after a warm-up tick. */
static int count_runner(const char *scene_name)
{
    malloc_shim_read_fn shim = NULL;
    void *sym = dlsym(RTLD_DEFAULT, "malloc_shim_read");
    memcpy(&shim, &sym, sizeof shim);
    peer_scene scene;
    if (peer_scene_parse(scene_name, &scene) == 0 && scene.kind == PEER_SCENE_MODEL)
        return 0; /* runner worlds from a model wait for the runner's build hook */
    if (shim == NULL || peer_scene_parse(scene_name, &scene) != 0) {
        fprintf(stderr, "worldrunner: count-runner needs a scene and LD_PRELOAD=malloc_shim.so\n");
        return 2;
    }
    wr_world_runner_config config;
    wr_world_runner_config_init(&config);
    config.workers = 1;
    wr_world_runner *runner = NULL;
    wr_status st = wr_world_runner_create(&config, &runner);
    if (st == WR_OK) {
        wr_world_runner_world_config wc;
        wr_world_runner_world_config_init(&wc);
        wc.build = wr_scene_build_callback;
        wc.build_context = (void *)scene_name;
        wr_world *w = NULL;
        st = wr_world_runner_create_world(runner, &wc, &w);
    }
    if (st == WR_OK) {
        st = wr_world_runner_step_all(runner, peer_warmup_steps(&scene));
    }
    malloc_shim_counts before, after;
    shim(&before);
    for (int tick = 0; tick < 100 && st == WR_OK; ++tick) {
        st = wr_world_runner_step_all(runner, 10);
    }
    shim(&after);
    if (runner != NULL) {
        wr_world_runner_destroy(runner);
    }
    if (st != WR_OK) {
        report("count-runner", st);
        return 1;
    }
    printf("engine=worldrunner scene=%s mode=count_runner mallocs_per_tick=%.2f mallocs_per_step=%.3f\n", scene_name,
           (double)(after.allocations - before.allocations) / 100.0,
           (double)(after.allocations - before.allocations) / 1000.0);
    return 0;
}
#endif

int main(int argc, char **argv)
{
#ifdef PEER_HAVE_RUNNER
    if (argc == 5 && strcmp(argv[1], "--scene") == 0 && strcmp(argv[3], "--mode") == 0 &&
        strcmp(argv[4], "count-runner") == 0) {
        return count_runner(argv[2]);
    }
#endif
    const peer_engine engine = {
        .name = "worldrunner",
        .version = PEER_WR_VERSION,
        .notes = "generalized coordinates (articulated-body algorithm), semi-implicit Euler (free bodies: "
                 "implicit-midpoint gyroscopic term), projected Gauss-Seidel contacts and limits, circular friction "
                 "cone",
        .create = wr_create,
        .step = wr_step,
        .probe = wr_probe,
        .reserved_bytes = wr_reserved,
        .destroy = wr_destroy,
#ifdef PEER_HAVE_RUNNER
        .step_parallel = wr_step_parallel,
#endif
    };
    return peer_main(argc, argv, &engine);
}
