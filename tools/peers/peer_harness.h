/* peer_harness.h — the measuring loop shared by the peer engine programs and worldrunner's own bench program.
 *
 * An engine program fills a peer_engine with a few callbacks and hands it to peer_main(), which parses the command
 * line, builds worlds, times them, counts heap calls (when malloc_shim.so is preloaded) and prints one line of
 * key=value pairs that run_all.sh collects. Modes:
 *   --mode time  --seconds S --threads N : single-world steps/s, then one world per thread on 1 and N threads
 *   --mode count                         : heap calls per step in steady state and heap bytes per world
 *   --mode check                         : the scene's probe (chain tip z, mean box z, pelvis z) after 0.5 s
 * Threads: peer_main runs on the main thread and starts its own worker threads in time mode.
 */
#ifndef PEER_HARNESS_H
#define PEER_HARNESS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* PEER_SCENE_MODEL: a MuJoCo sample model file ("mjcf:humanoid", "mjcf:humanoid100"), loaded as it is by every
 * engine that reads MJCF, stepped at the file's own time step. */
typedef enum peer_scene_kind { PEER_SCENE_CHAIN, PEER_SCENE_BOXES, PEER_SCENE_HUMANOID, PEER_SCENE_MODEL } peer_scene_kind;

typedef struct peer_scene {
    peer_scene_kind kind;
    int count;              /* links of a chain, boxes of boxes:N; 0 for the humanoid */
    const char *name;       /* as given, e.g. "chain:16" */
    const char *path;       /* PEER_SCENE_MODEL: the MJCF file (under $PEER_MUJOCO_MODELS, /usr/share/mujoco/model) */
} peer_scene;

typedef struct peer_engine {
    const char *name;       /* "mujoco", "dart", "ode", "worldrunner" */
    const char *version;
    const char *notes;      /* solver / cone / integrator, one line */
    /* Build one world of the scene; NULL on failure (message on stderr). */
    void *(*create)(const peer_scene *scene);
    /* Advance `steps` steps of 1 ms; returns 0 on success. */
    int (*step)(void *world, int steps);
    /* The scene's probe: chain tip height, mean box centre height, or pelvis height (m). */
    double (*probe)(void *world, const peer_scene *scene);
    /* Bytes the engine reserves for this world by its own account (0 = does not say). May be NULL. */
    size_t (*reserved_bytes)(void *world);
    void (*destroy)(void *world);
    /* Called on each worker thread before and after it steps (per-thread engine data). May be NULL. */
    void (*thread_begin)(void);
    void (*thread_end)(void);
    /* Step `count` worlds `steps` steps each on `count` threads the engine's own way; returns the wall seconds, or
     * a negative value on failure, and the CPU seconds of each stepping thread in cpu_seconds[count] (negative =
     * unknown); PEER_PARALLEL_UNSUPPORTED for a scene it cannot step its own way. May be NULL: the harness then
     * starts one pthread per world. */
    double (*step_parallel)(void **worlds, int count, int steps, double *cpu_seconds);
} peer_engine;

#define PEER_PARALLEL_UNSUPPORTED (-2.0)

/* Parse "chain:N", "boxes:N", "humanoid", "mjcf:humanoid" or "mjcf:humanoid100"; returns 0 on success. */
int peer_scene_parse(const char *name, peer_scene *out);

/* Steps a scene is run before it is measured (its steady state). */
int peer_warmup_steps(const peer_scene *scene);

/* Run the benchmark for `engine` as the command line asks; returns the process exit code. */
int peer_main(int argc, char **argv, const peer_engine *engine);

/* Seconds on a monotonic clock. */
double peer_now(void);
/* CPU seconds used by the calling thread. */
double peer_thread_cpu(void);

#ifdef __cplusplus
}
#endif
#endif
