/* worldrunner/world_runner.h — step many worlds in parallel on pinned workers with NUMA-local arenas.
 *
 * A wr_world_runner starts `workers` worker threads (pthreads, or an OpenMP team), pins each to a core (placement
 * compact / scatter / none) and gives each a thread-local arena whose chunks are bound to a node as the memory
 * policy says. wr_world_runner_create_world() places a world on the least-loaded worker (by cost) and creates the
 * world and its own memory manager ON THAT WORKER, over that worker's arena, then runs the host's build callback
 * there to fill it (skeletons, shapes, settings): the arena is only ever used by its worker's thread (so it needs
 * no lock; with host_as_worker also by the host, pinned to the same core, never at the same time), and first-touch
 * pages are touched by the worker. wr_world_runner_step_all() wakes the workers; each steps its own worlds, one
 * after the other, and the call returns when all are done. The runner knows nothing of what a world holds: built-in
 * scenes are one build callback among others (worldrunner/scenes.h, library worldrunner::scenes).
 *
 * Determinism: in a tick a world is stepped by exactly one thread (wr_world_step(w, steps), or wr_world_step(w, 1) per
 * step when it has a pre-step callback), and nothing is shared or reduced across worlds, so its state after N ticks
 * is bit-identical whatever the worker count, backend, placement, memory policy or host_as_worker, and equal to
 * calling wr_world_step() on it alone (the build also uses -ffp-contract=off; wr_world_step does not depend on
 * addresses).
 *
 * Hot path: a tick costs one wake-up and one join (spin briefly, then futex); stepping allocates nothing and takes
 * no lock; per-world times are read from the vDSO clock.
 *
 * Ownership: the runner owns its workers, arenas, topology (unless borrowed) and every world created through it
 * (wr_world_runner_destroy_world / wr_world_runner_destroy), with its memory manager and skeletons.
 *
 * Threads: one host thread calls the runner at a time. While a step runs (between begin and wait), every runner
 * call that would touch worlds or workers returns WR_ERR_BUSY, and so do the statistics calls (workers write those
 * counters during a step); wr_world_runner_is_busy() and wr_world_runner_world_count() stay available.
 *
 * What the host may call on a runner's world (every wr_world_*, wr_skeleton_* and wr_collision_* call on the world,
 * its skeletons and its collision state), enforced by the library:
 *   - Between ticks (no step running, no runner call in progress): any call, from the host thread (or one other
 *     thread at a time, ordered with the runner calls), except three that are the runner's: wr_world_step (step it
 *     with wr_world_runner_step_all), wr_world_destroy (wr_world_runner_destroy_world) and
 *     wr_world_set_memory_manager: WR_ERR_INVALID_STATE. Calls that take memory from the world's manager
 *     (wr_world_add_skeleton, wr_world_snapshot_create, a wr_skeleton_create on its manager) work but draw on the
 *     worker's arena from the host's thread, so their pages are first touched there: make them on the worker, in
 *     the build callback or through wr_world_runner_call_on_worker().
 *   - During a tick (inside wr_world_runner_step_all, or from wr_world_runner_step_begin until step_wait returns)
 *     and while a runner call runs a job on the workers (create_world, destroy_world, call_on_worker, destroy):
 *     every such call from a thread other than the world's worker fails with WR_ERR_BUSY and changes nothing.
 *     The calls that return a value instead of a status (wr_world_time, wr_world_dof_count, wr_world_state_hash,
 *     wr_skeleton_body_count, ...) then return what they return for NULL (0, NULL, "", -1; the hash of nothing)
 *     and leave WR_ERR_BUSY's message in wr_last_error(). The check is a load of the runner's state and a
 *     thread-local compare: no lock, nothing written on the step path. A call from another thread that races
 *     with step_begin itself (neither ordered before nor after it) is the host's own race.
 *   - The world's own callbacks (build, pre-step, call_on_worker) run on its worker and may make any call on
 *     their own world, except destroying it or swapping its manager; a call on another world is refused
 *     (WR_ERR_BUSY), since that world belongs to another worker.
 *   - The world's memory manager (wr_world_runner_world_info.memory): read its statistics between ticks.
 */
#ifndef WORLDRUNNER_WORLD_RUNNER_H
#define WORLDRUNNER_WORLD_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worldrunner/memory_allocator.h"
#include "worldrunner/memory_manager.h"
#include "worldrunner/numa.h"
#include "worldrunner/status.h"
#include "worldrunner/world.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wr_world_runner wr_world_runner;

/* Bounds wr_world_runner_create checks before it starts anything (WR_ERR_INVALID_ARGUMENT beyond them). */
#define WR_WORLD_RUNNER_MAX_WORKERS 1024          /* workers of one runner, whatever the machine */
#define WR_WORLD_RUNNER_MAX_WORKERS_PER_CORE 8    /* placement none: at most this many workers per allowed core */
#define WR_WORLD_RUNNER_MAX_CHUNK_BYTES ((size_t)1 << 30) /* arena and world chunk sizes: 0 or 4096 B .. 1 GiB */
#define WR_WORLD_RUNNER_MAX_SPIN_ITERATIONS 1000000u /* spin_iterations: a few ms of pause before sleeping */

typedef enum wr_world_runner_backend {
    WR_WORLD_RUNNER_BACKEND_PTHREADS = 0, /* our own workers and fork/join */
    WR_WORLD_RUNNER_BACKEND_OPENMP        /* a driver thread runs an OpenMP parallel region per tick */
} wr_world_runner_backend;

typedef struct wr_world_runner_config {
    int workers;                       /* 0 = one per allowed core; at most WR_WORLD_RUNNER_MAX_WORKERS and (placement
                                          none) WR_WORLD_RUNNER_MAX_WORKERS_PER_CORE per allowed core */
    wr_world_runner_backend backend;
    wr_numa_placement placement;          /* default COMPACT */
    wr_numa_memory_policy memory_policy;  /* default LOCAL */
    /* chunk sizes: 0 (the default) or 4096 .. WR_WORLD_RUNNER_MAX_CHUNK_BYTES */
    size_t arena_chunk_bytes;          /* chunk each worker arena takes from its node allocator (a multiple of
                                          4096); 0 = 1 MiB */
    size_t world_pool_chunk_bytes;     /* pool chunk of each world's memory manager; 0 = 4 KiB */
    size_t world_free_list_chunk_bytes;/* minimum free-list chunk of each world's manager; 0 = 48 KiB */
    wr_numa_topology_source topology_source; /* default SYSTEM */
    const char *topology_description;  /* synthetic description or XML path (copied) */
    const wr_numa_topology *topology;     /* borrowed topology; overrides the two fields above when set */
    wr_memory_allocator *base;            /* optional, thread-safe: base of every world's manager instead of the
                                          arenas (tests, custom allocators); memory_policy is then not applied */
    unsigned spin_iterations;          /* pause-loop iterations before a waiting thread sleeps; 0 = default;
                                          at most WR_WORLD_RUNNER_MAX_SPIN_ITERATIONS */
    bool host_as_worker;               /* the creating thread is worker 0 in synchronous step_all: it is pinned to
                                          worker 0's core (wr_world_runner_destroy, from the same thread, restores its
                                          CPU mask) and steps worker 0's worlds itself instead of waking a thread:
                                          the lowest tick overhead when the workers fill every core. Worker 0's
                                          thread, pinned to the same core, still runs async ticks and world jobs.
                                          Allowed cores are read from the creating thread's CPU mask, so a runner
                                          created later from this pinned thread sees one core. */
} wr_world_runner_config;

/* Defaults: every allowed core, pthreads, compact, local, system topology. */
void wr_world_runner_config_init(wr_world_runner_config *config);
/* Create the runner and start its workers. COMPACT/SCATTER with more workers than allowed cores, or a worker count
 * or chunk size beyond the bounds above: WR_ERR_INVALID_ARGUMENT, before any thread starts. The OpenMP backend in a
 * build without OpenMP: WR_ERR_UNSUPPORTED. */
wr_status wr_world_runner_create(const wr_world_runner_config *config, wr_world_runner **out);
/* Destroy every world (on its worker), stop the workers, free the arenas. WR_ERR_BUSY during a step. */
wr_status wr_world_runner_destroy(wr_world_runner *runner);

/* --- worlds ----------------------------------------------------------------------------------------------------- */

/* A host callback run on the worker that owns `w`: fills a new world (build) or changes one between ticks
 * (wr_world_runner_call_on_worker). It may make any call on `w` (add skeletons built on
 * wr_world_get_memory_manager(w), set positions, collision settings, create snapshots), except destroying `w` or
 * swapping its manager, and must add to `w` or destroy every skeleton it creates. It must not touch other worlds
 * of the runner (WR_ERR_BUSY) or call the runner (WR_ERR_BUSY). A status other than WR_OK fails the call. */
typedef wr_status (*wr_world_runner_world_fn)(wr_world *w, void *context);

typedef struct wr_world_runner_world_config {
    const wr_world_config *world;      /* NULL = wr_world_config_init() defaults; its `memory` field must be NULL */
    wr_world_runner_world_fn build;    /* fills the new world on its worker; NULL = an empty world */
    void *build_context;               /* passed to build; used only during wr_world_runner_create_world */
    double cost;                       /* load-balancing cost; <= 0 = wr_world_runner_cost_estimate() of the
                                          built world */
    int worker;                        /* -1 = least-loaded worker; else this worker */
    size_t memory_budget;              /* budget of the world's memory manager in bytes; 0 = none */
} wr_world_runner_world_config;

/* Defaults: no build (an empty world), estimated cost, least-loaded worker, no budget. */
void wr_world_runner_world_config_init(wr_world_runner_world_config *config);
/* Create a world on its worker: its memory manager over that worker's arena, the world, then build(world,
 * build_context) there, so every allocation of the build comes from that arena and is first touched by the worker.
 * Then, unless config->cost > 0, its cost is estimated from what it holds. The worker is chosen before the build
 * (by the cost already on each worker). If build fails, the half-built world and its manager are destroyed on the
 * worker (nothing is left behind) and the callback's status is returned, with its message (the last error it left
 * on the worker, e.g. of the library call that failed) after "on worker K: ". */
wr_status wr_world_runner_create_world(wr_world_runner *runner, const wr_world_runner_world_config *config, wr_world **out);
/* Destroy a world created by this runner (on its worker) and its memory manager. */
wr_status wr_world_runner_destroy_world(wr_world_runner *runner, wr_world *w);
/* Run fn(w, context) on the worker that owns `w` and wait for it (between ticks; WR_ERR_BUSY during one): for
 * changes after creation that take memory from the world's manager. fn's status is returned as for a build; on
 * failure the world is as fn left it. */
wr_status wr_world_runner_call_on_worker(wr_world_runner *runner, wr_world *w, wr_world_runner_world_fn fn,
                                         void *context);

/* The cost create_world gives a world when the host gives none (a world of any runner or none; the runner calls it
 * on the worker, after the build). A rough number of "dof-steps", proportional to the time of one step:
 *     cost = 1 + sum over skeletons s of  nv_s * (1 + k_s)
 * nv_s: the skeleton's dofs (the articulated-body pass is linear in them); k_s: the pairs (shape on a moving body of
 * s, static shape: a plane or a shape on a body welded to the world) that the collision filter lets touch, because
 * under gravity those become contacts, each costing constraint rows as wide as the skeleton. Pairs of two moving
 * bodies are not counted: whether they meet depends on where they are. Measured (tools/bench_cost: one thread,
 * dt 1 ms, settled), a unit costs 0.10-0.21 us on every built-in scene, within 2x of each other, where a count of
 * dofs + shapes spreads 17-40x (the humanoid: 27 dofs, 13 shapes over a ground plane, 379 units, ~70 us a step).
 * 1 for an empty world; 0 for NULL (with a message). */
double wr_world_runner_cost_estimate(const wr_world *w);

/* Called on the worker before each step of `w`; `step` counts from 0 within the current step_all call. A status
 * other than WR_OK fails the world for this call (it is not stepped further; other worlds go on). */
typedef wr_status (*wr_world_runner_pre_step_fn)(wr_world *w, int step, void *user);
/* Install (fn != NULL) or remove (fn == NULL) the pre-step callback of `w`. */
wr_status wr_world_runner_set_pre_step(wr_world_runner *runner, wr_world *w, wr_world_runner_pre_step_fn fn, void *user);

size_t wr_world_runner_world_count(const wr_world_runner *runner);
/* The i-th world (0 .. count-1, in worker order); the order changes when worlds are created or destroyed. */
wr_status wr_world_runner_world_at(const wr_world_runner *runner, size_t index, wr_world **out);

/* --- stepping --------------------------------------------------------------------------------------------------- */

/* Step every world `steps` (>= 1) times; returns when all are done. WR_OK if every world succeeded; otherwise the
 * status of the first failed world in world_at order (each world's own status is in wr_world_runner_world_info).
 * A failed world stops for this call at the state before its failing step; the others are not affected. */
wr_status wr_world_runner_step_all(wr_world_runner *runner, int steps);
/* Start stepping and return at once (the host may render meanwhile). */
wr_status wr_world_runner_step_begin(wr_world_runner *runner, int steps);
/* Wait for the step started by step_begin; returns what step_all would. WR_ERR_INVALID_STATE if none was begun. */
wr_status wr_world_runner_step_wait(wr_world_runner *runner);
/* True between step_begin and step_wait. */
bool wr_world_runner_is_busy(const wr_world_runner *runner);

/* --- statistics ------------------------------------------------------------------------------------------------- */

typedef struct wr_world_runner_world_info {
    int worker;                        /* worker that owns and steps it */
    int core;                          /* that worker's topology core (nominal if unpinned) */
    int cpu_os_index;
    int node_os_index;                 /* node of that core */
    int memory_node_os_index;          /* node its arena is bound to; -1 = interleave / first touch / heap */
    double cost;                       /* load-balancing cost: the host's, or the estimate of the built world */
    wr_status last_status;             /* of the last step_all (WR_OK before any) */
    int last_steps_done;               /* steps completed in the last step_all */
    uint64_t steps;                    /* total steps taken through the runner */
    uint64_t step_ns;                  /* total time spent stepping it (callbacks included) */
    uint64_t last_step_ns;             /* time of the last step_all call */
    double steps_per_second;           /* steps / (step_ns / 1e9); 0 before any step */
    wr_memory_manager *memory;            /* its memory manager (owned by the runner; read-only for the caller) */
} wr_world_runner_world_info;

wr_status wr_world_runner_world_info_get(const wr_world_runner *runner, const wr_world *w, wr_world_runner_world_info *out);
/* Bytes of the world's manager chunks by the OS node that holds their pages (page query; cold). On a synthetic
 * topology pages are reported where they really are (the machine's nodes). */
wr_status wr_world_runner_world_memory_by_node(const wr_world_runner *runner, const wr_world *w,
                                            size_t bytes_by_node[WR_NUMA_MAX_NODES], size_t *unplaced_bytes);

typedef struct wr_world_runner_worker_stats {
    int core;                          /* topology core (nominal if unpinned) */
    int cpu_os_index;
    int node_os_index;
    int memory_node_os_index;          /* -1 = interleave / first touch / heap */
    wr_numa_binding pinning;              /* APPLIED, SIMULATED, REFUSED, UNSUPPORTED, or NONE (placement none) */
    wr_numa_binding memory_binding;       /* of its node allocator; NONE for first touch / heap / custom base */
    size_t worlds;
    double cost;                       /* sum of its worlds' costs */
    uint64_t busy_ns;                  /* total time spent stepping worlds */
    uint64_t last_busy_ns;             /* in the last tick */
    wr_numa_arena_stats arena;            /* zero when there is no arena (heap policy or custom base) */
} wr_world_runner_worker_stats;

typedef struct wr_world_runner_stats {
    int workers;
    wr_world_runner_backend backend;
    wr_numa_placement placement;
    wr_numa_memory_policy memory_policy;
    wr_numa_topology_source topology_source;
    int node_count;
    int allowed_core_count;
    int workers_pinned;                /* pinning APPLIED */
    bool pinning_simulated;            /* synthetic/XML topology: placement planned, not applied */
    bool memory_bound;                 /* every arena's chunks really bound as the policy says (LOCAL/REMOTE/
                                          INTERLEAVE with APPLIED binding) */
    char fallback[160];                /* why pinning or binding did not happen, "" if nothing fell back */
    size_t worlds;
    uint64_t ticks;                    /* step_all / step_begin calls completed */
    uint64_t world_steps;              /* steps of all worlds */
    uint64_t wall_ns;                  /* time inside ticks (begin to the last worker done) */
    uint64_t last_tick_ns;
    double imbalance;                  /* max / mean of worker busy time over all ticks (1 = perfect); 0 before */
    double last_imbalance;             /* same, for the last tick */
    size_t arena_bytes_reserved;       /* all arenas */
    size_t arena_bytes_in_use;
} wr_world_runner_stats;

wr_status wr_world_runner_get_stats(const wr_world_runner *runner, wr_world_runner_stats *out);
wr_status wr_world_runner_get_worker_stats(const wr_world_runner *runner, int worker, wr_world_runner_worker_stats *out);
/* The topology the runner uses (owned or borrowed). */
const wr_numa_topology *wr_world_runner_topology(const wr_world_runner *runner);
const char *wr_world_runner_backend_name(wr_world_runner_backend backend);
/* True if this build has the OpenMP backend. */
bool wr_world_runner_has_openmp(void);

#ifdef __cplusplus
}
#endif
#endif
