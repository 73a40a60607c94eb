/* soak_runner — a long randomized run of wr_world_runner (sized for ThreadSanitizer), checked against a replay.
 *
 * For WR_SOAK_SECONDS (default 60 under TSan, 15 otherwise; WR_SOAK_SEED picks the random sequence) the host
 * drives runners of 2 to 4 workers in turn (pthreads and OpenMP backends, pinned or not, host_as_worker, worlds on
 * the worker arenas or on a counting base). Between ticks it creates worlds (random scenes, time steps, gravity and
 * budgets), destroys them, installs and removes pre-step callbacks that apply random forces, tightens budgets to what
 * a world holds and raises them after they tripped (on the world's worker, through wr_world_runner_call_on_worker).
 * Each tick is synchronous or begun asynchronously; while a step runs the host calls every runner query and
 * operation and world calls on the runner's worlds, and now and then a second thread does too: each must be refused
 * with WR_ERR_BUSY.
 * Every operation that changes a world is logged with its tick and seeds. At the end the log is replayed on plain
 * worlds, one at a time on one thread, and every world must reach the same state hash with the same steps done and
 * statuses per tick. Also checked: the refused world creations change nothing, the runner's step counts agree with
 * the host's, every world's memory goes back (counting base: nothing outstanding; arenas: nothing in use). A TSan
 * report ends the run (halt_on_error), and so does a leak under ASan. Prints one "[soak] ..." line of totals.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pthread.h>

#include "test_support.h"
#include "worldrunner/scenes.h"
#include "worldrunner/world_runner.h"

#ifndef WR_SOAK_DEFAULT_SECONDS
#define WR_SOAK_DEFAULT_SECONDS 15
#endif

#define CHECK(cond, ...)                                                                                       \
    do {                                                                                                       \
        if (!(cond))                                                                                           \
            soak_fail(__LINE__, #cond, __VA_ARGS__);                                                           \
    } while (0)

static void soak_fail(int line, const char *cond, const char *format, ...)
{
    fprintf(stderr, "soak_runner.c:%d: FAILED %s\n  ", line, cond);
    va_list ap;
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
    fprintf(stderr, "\n  last error: %s\n", wr_last_error());
    fflush(stderr);
    abort();
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ================================================================================================================
 * The operation log
 * ============================================================================================================== */

/* What the forces depend on: the world's seed, and the step count where the callback last failed (it fails once
 * per such step count, else the world would never get past it). */
typedef struct force_state {
    uint64_t seed;
    uint64_t failed_at;
} force_state;

typedef enum event_kind { EVENT_BUDGET, EVENT_CALLBACK_ON, EVENT_CALLBACK_OFF } event_kind;

typedef struct event {
    uint32_t tick;                /* applied before this tick (index into the phase's tick list) */
    event_kind kind;
    size_t budget;                /* EVENT_BUDGET: the value set */
    wr_status status;             /* EVENT_BUDGET: what set_budget returned */
} event;

typedef struct outcome {
    uint32_t tick;                /* a tick where the world did not do all its steps, or failed */
    int steps_done;
    wr_status status;
} outcome;

/* One world's life: how it was made, what was done to it, what it did, and how it ended. */
typedef struct world_log {
    int id;
    int phase;
    const char *scene;
    wr_world_config config;       /* time step, gravity (memory NULL) */
    size_t create_budget;         /* memory_budget given at creation (0 = none) */
    force_state forces;           /* the pre-step callback's forces come from (seed, step count) */
    uint32_t first_tick, end_tick; /* ticks [first_tick, end_tick) of its phase */
    event *events;
    size_t event_count, event_capacity;
    outcome *outcomes;
    size_t outcome_count, outcome_capacity;
    uint64_t final_hash, final_steps;
    /* live state, host side */
    wr_world *w;
    bool callback;
    uint64_t expected_steps;
    wr_status last_status;
} world_log;

typedef struct phase_log {
    int *steps;                   /* steps of each tick */
    size_t ticks, capacity;
    size_t free_list_chunk_bytes; /* of the worlds' managers (the pool chunk is the runner's default, 4 KiB) */
} phase_log;

#define PUSH(array, count, capacity, value)                                                                    \
    do {                                                                                                       \
        if ((count) == (capacity)) {                                                                           \
            size_t grown_ = (capacity) ? 2 * (capacity) : 16;                                                  \
            void *p_ = realloc((array), grown_ * sizeof *(array));                                             \
            CHECK(p_ != NULL, "out of memory for the log");                                                    \
            (array) = p_;                                                                                      \
            (capacity) = grown_;                                                                               \
        }                                                                                                      \
        (array)[(count)++] = (value);                                                                          \
    } while (0)

typedef struct totals {
    uint64_t ticks, async_ticks, world_steps, busy_refusals, created, create_refused, destroyed, budget_trips,
        budget_raises, callback_failures, callbacks_installed, phases, replayed, other_thread_checks;
} totals;

static totals g_totals;
static world_log **g_logs;
static size_t g_log_count, g_log_capacity;
static phase_log *g_phases;
static size_t g_phase_count, g_phase_capacity;

/* ================================================================================================================
 * Forces applied by the pre-step callback (on the worker) and by the replay (on the host): a pure function of the
 * world's seed and step count
 * ============================================================================================================== */

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

static double unit(uint64_t h, int k) { return (double)((mix(h + (uint64_t)k) >> 11) & 0xfffff) / 1048575.0; }

/* Called before each step of a world with a callback: a random wrench on a random body. About one step in 997 the
 * callback fails instead, once ("a status other than WR_OK fails the world for this call"). */
static wr_status apply_forces(wr_world *w, force_state *fs)
{
    const uint64_t step = wr_world_step_count(w);
    uint64_t h = mix(fs->seed ^ (step * 0x9e3779b97f4a7c15ull));
    if (h % 997u == 0 && fs->failed_at != step + 1) {
        fs->failed_at = step + 1;
        return WR_ERR_INVALID_STATE;
    }
    wr_status st = wr_world_clear_forces(w);
    int n = wr_world_skeleton_count(w);
    if (st != WR_OK || n == 0)
        return st;
    int k = (int)(h % (uint64_t)n);
    wr_skeleton *s = wr_world_get_skeleton(w, k);
    int body = (int)((h >> 16) % (uint64_t)wr_skeleton_body_count(s));
    double f[3], t[3];
    for (int i = 0; i < 3; i++) {
        f[i] = 40.0 * unit(h, i) - 20.0;
        t[i] = 2.0 * unit(h, 3 + i) - 1.0;
    }
    return wr_world_apply_body_wrench(w, k, body, f, t);
}

static wr_status soak_pre_step(wr_world *w, int step, void *user)
{
    (void)step;
    world_log *log = user; /* log->forces belongs to the worker during a tick; the host reads it only between */
    return apply_forces(w, &log->forces);
}

/* ================================================================================================================
 * The runner phases
 * ============================================================================================================== */

typedef struct phase_config {
    const char *name;
    wr_world_runner_backend backend;
    int workers;
    wr_numa_placement placement;
    bool host_as_worker;
    bool counting_base;           /* worlds on a counting allocator (checked to return every byte) */
    size_t free_list_chunk_bytes; /* world managers' free-list chunk (0 = the runner's 48 KiB); small ones make
                                     budgets trip at every growth */
} phase_config;

static const phase_config PHASES[] = {
    {"pthreads 2 workers pinned, arenas", WR_WORLD_RUNNER_BACKEND_PTHREADS, 2, WR_NUMA_PLACEMENT_COMPACT, false, false,
     0},
    {"pthreads 3 workers unpinned, counting base", WR_WORLD_RUNNER_BACKEND_PTHREADS, 3, WR_NUMA_PLACEMENT_NONE, false,
     true, 8192},
    {"openmp 2 workers pinned, arenas", WR_WORLD_RUNNER_BACKEND_OPENMP, 2, WR_NUMA_PLACEMENT_COMPACT, false, false,
     4096},
    {"pthreads 4 workers unpinned, host as worker, counting base", WR_WORLD_RUNNER_BACKEND_PTHREADS, 4,
     WR_NUMA_PLACEMENT_NONE, true, true, 0},
    {"openmp 3 workers unpinned, host as worker, arenas", WR_WORLD_RUNNER_BACKEND_OPENMP, 3, WR_NUMA_PLACEMENT_NONE,
     true, false, 16384},
};
#define PHASE_COUNT ((int)(sizeof PHASES / sizeof PHASES[0]))

enum { MAX_LIVE = 12 };

static const char *const SCENES[] = {"pendulum", "chain:2", "chain:5", "chain:12", "arm7", "boxes:2", "boxes:5",
                                     "humanoid", "boxes:8", "chain:3"};
#define SCENE_COUNT (sizeof SCENES / sizeof SCENES[0])

typedef struct phase {
    const phase_config *config;
    int index;
    wr_world_runner *runner;
    wr_memory_allocator *heap, *counting;
    phase_log *log;
    world_log *live[MAX_LIVE];
    int live_count;
    test_rng rng;
} phase;

static uint32_t current_tick(const phase *p) { return (uint32_t)p->log->ticks; }

static void add_event(world_log *log, uint32_t tick, event_kind kind, size_t budget, wr_status status)
{
    event e = {tick, kind, budget, status};
    PUSH(log->events, log->event_count, log->event_capacity, e);
}

static void tighten_budget(phase *p, world_log *log);

/* The world is built on its worker by the scenes library's build callback. */
static wr_status runner_create_world(phase *p, world_log *log)
{
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.world = &log->config;
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)log->scene;
    wc.memory_budget = log->create_budget;
    wc.worker = (test_rng_next(&p->rng) % 4u == 0) ? (int)(test_rng_next(&p->rng) % (uint64_t)p->config->workers)
                                                    : -1;
    return wr_world_runner_create_world(p->runner, &wc, &log->w);
}

static void create_world(phase *p)
{
    if (p->live_count == MAX_LIVE)
        return;
    world_log *log = calloc(1, sizeof *log);
    CHECK(log != NULL, "out of memory");
    log->id = (int)g_log_count;
    log->phase = p->index;
    log->scene = SCENES[test_rng_next(&p->rng) % SCENE_COUNT];
    wr_world_config_init(&log->config);
    log->config.time_step = test_rng_uniform(&p->rng, 0.0005, 0.004);
    log->config.gravity[0] = test_rng_uniform(&p->rng, -1.0, 1.0);
    log->config.gravity[2] = test_rng_uniform(&p->rng, -12.0, -6.0);
    /* some worlds get a budget at creation that may not even hold the scene: refused on the worker, nothing kept */
    if (test_rng_next(&p->rng) % 8u == 0)
        log->create_budget = (size_t)(64 + test_rng_next(&p->rng) % 192) * 1024;
    log->forces.seed = test_rng_next(&p->rng);
    log->first_tick = current_tick(p);
    const size_t before = wr_world_runner_world_count(p->runner);
    wr_status st = runner_create_world(p, log);
    if (st != WR_OK) {
        CHECK(log->create_budget && st == WR_ERR_BUDGET, "create world '%s': %s", log->scene, wr_status_name(st));
        CHECK(wr_world_runner_world_count(p->runner) == before, "a refused world creation changed the world count");
        g_totals.create_refused++;
        free(log);
        return;
    }
    g_totals.created++;
    log->last_status = WR_OK;
    PUSH(g_logs, g_log_count, g_log_capacity, log);
    p->live[p->live_count++] = log;
    /* half of the worlds start on a budget of what they hold: their first contacts trip it */
    if (test_rng_next(&p->rng) % 2u == 0)
        tighten_budget(p, log);
}

static void finish_world(phase *p, world_log *log)
{
    CHECK(wr_world_step_count(log->w) == log->expected_steps, "world %d: %" PRIu64 " steps, the host counted %" PRIu64,
          log->id, wr_world_step_count(log->w), log->expected_steps);
    log->final_hash = wr_world_state_hash(log->w);
    log->final_steps = wr_world_step_count(log->w);
    log->end_tick = current_tick(p);
}

static void destroy_world(phase *p, int i)
{
    world_log *log = p->live[i];
    finish_world(p, log);
    wr_status st = wr_world_runner_destroy_world(p->runner, log->w);
    CHECK(st == WR_OK, "destroy world %d: %s", log->id, wr_status_name(st));
    log->w = NULL;
    p->live[i] = p->live[--p->live_count];
    g_totals.destroyed++;
}

static void toggle_callback(phase *p, world_log *log)
{
    bool on = !log->callback;
    wr_status st = wr_world_runner_set_pre_step(p->runner, log->w, on ? soak_pre_step : NULL, log);
    CHECK(st == WR_OK, "set pre-step: %s", wr_status_name(st));
    log->callback = on;
    add_event(log, current_tick(p), on ? EVENT_CALLBACK_ON : EVENT_CALLBACK_OFF, 0, WR_OK);
    g_totals.callbacks_installed += on;
}

/* Budgets: tighten one to what the world holds now (it trips as soon as the world grows), raise it after a trip.
 * The world's manager belongs to its worker, so the change runs there (wr_world_runner_call_on_worker). */
typedef struct budget_change {
    bool relative;                /* budget = bytes reserved now + slack; else budget = slack (0 = none) */
    size_t slack;
    size_t budget;                /* out: the value set */
    wr_status status;             /* out: what set_budget returned */
} budget_change;

static wr_status change_budget_on_worker(wr_world *w, void *context)
{
    budget_change *c = context;
    wr_memory_manager *m = wr_world_get_memory_manager(w);
    wr_memory_manager_stats ms;
    wr_status st = wr_memory_manager_get_stats(m, &ms);
    if (st != WR_OK)
        return st;
    c->budget = c->relative ? ms.bytes_reserved + c->slack : c->slack;
    c->status = wr_memory_manager_set_budget(m, c->budget);
    return WR_OK;
}

static void set_budget(phase *p, world_log *log, bool relative, size_t slack)
{
    budget_change c = {relative, slack, 0, WR_OK};
    wr_status st = wr_world_runner_call_on_worker(p->runner, log->w, change_budget_on_worker, &c);
    CHECK(st == WR_OK, "call on worker: %s", wr_status_name(st));
    CHECK(c.status == WR_OK || c.status == WR_ERR_BUDGET, "set budget: %s", wr_status_name(c.status));
    add_event(log, current_tick(p), EVENT_BUDGET, c.budget, c.status);
}

static void tighten_budget(phase *p, world_log *log)
{
    set_budget(p, log, true, (size_t)(test_rng_next(&p->rng) % 2u) * 1024);
}

static void adjust_budget(phase *p, world_log *log)
{
    if (log->last_status == WR_ERR_BUDGET) {
        if (test_rng_next(&p->rng) % 2u)
            set_budget(p, log, false, 0);
        else
            set_budget(p, log, true, 96 * 1024);
        g_totals.budget_raises++;
    } else {
        tighten_budget(p, log);
    }
}

/* Calls on a runner's world from a thread that is not its worker, during a tick: refused with WR_ERR_BUSY (the ones
 * that return a value return the NULL-world answer and leave WR_ERR_BUSY as the last error). Returns the count. */
static int busy_world_calls(wr_world *w)
{
    double q[1];
    int n = 0;
    wr_status got[4];
    got[n++] = wr_world_step(w, 1);
    got[n++] = wr_world_get_positions(w, q, wr_world_position_count(w));
    got[n++] = wr_world_clear_forces(w);
    double g[3] = {0, 0, -9.81};
    got[n++] = wr_world_set_gravity(w, g);
    for (int i = 0; i < n; i++)
        CHECK(got[i] == WR_ERR_BUSY, "world call %d during a step returned %s", i, wr_status_name(got[i]));
    wr_clear_error();
    CHECK(wr_world_step_count(w) == 0 && wr_world_skeleton_count(w) == 0, "value calls during a step");
    CHECK(wr_last_error()[0] != '\0', "a refused value call left no message");
    return n + 2;
}

typedef struct other_thread {
    phase *p;
    wr_world *w;
    int refusals;
} other_thread;

/* Another host thread (started after step_begin and joined before step_wait, so ordered with the runner calls). */
static void *other_thread_queries(void *arg)
{
    other_thread *t = arg;
    wr_world_runner_stats rs;
    CHECK(wr_world_runner_get_stats(t->p->runner, &rs) == WR_ERR_BUSY, "stats from another thread during a step");
    t->refusals = 1 + (t->w ? busy_world_calls(t->w) : 0);
    return NULL;
}

/* While a step runs, everything but is_busy and world_count is refused with WR_ERR_BUSY. */
static void busy_queries(phase *p)
{
    wr_world_runner *r = p->runner;
    CHECK(wr_world_runner_is_busy(r), "not busy during a step");
    wr_world *w = p->live_count ? p->live[0]->w : NULL;
    wr_world *out = NULL;
    wr_world_runner_stats rs;
    wr_world_runner_worker_stats ws;
    wr_world_runner_world_info info;
    size_t by_node[WR_NUMA_MAX_NODES], unplaced;
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wr_status got[11];
    int n = 0;
    got[n++] = wr_world_runner_get_stats(r, &rs);
    got[n++] = wr_world_runner_get_worker_stats(r, 0, &ws);
    got[n++] = wr_world_runner_create_world(r, &wc, &out);
    got[n++] = wr_world_runner_step_all(r, 1);
    got[n++] = wr_world_runner_step_begin(r, 1);
    got[n++] = wr_world_runner_destroy(r);
    got[n++] = wr_world_runner_world_at(r, 0, &out);
    if (w) {
        got[n++] = wr_world_runner_world_info_get(r, w, &info);
        got[n++] = wr_world_runner_world_memory_by_node(r, w, by_node, &unplaced);
        got[n++] = wr_world_runner_destroy_world(r, w);
        got[n++] = wr_world_runner_set_pre_step(r, w, NULL, NULL);
    }
    for (int i = 0; i < n; i++)
        CHECK(got[i] == WR_ERR_BUSY, "call %d during a step returned %s", i, wr_status_name(got[i]));
    CHECK(wr_world_runner_world_count(r) == (size_t)p->live_count, "world count during a step");
    if (w) {
        wr_status cw = wr_world_runner_call_on_worker(r, w, change_budget_on_worker, NULL);
        CHECK(cw == WR_ERR_BUSY, "call_on_worker during a step returned %s", wr_status_name(cw));
        n += 1 + busy_world_calls(p->live[test_rng_next(&p->rng) % (uint64_t)p->live_count]->w);
    }
    if (test_rng_next(&p->rng) % 8u == 0) {
        other_thread t = {p, w, 0};
        pthread_t thread;
        CHECK(pthread_create(&thread, NULL, other_thread_queries, &t) == 0, "pthread_create");
        CHECK(pthread_join(thread, NULL) == 0, "pthread_join");
        n += t.refusals;
        g_totals.other_thread_checks++;
    }
    g_totals.busy_refusals += (uint64_t)n;
}

static void tick(phase *p)
{
    int steps = 1 + (int)(test_rng_next(&p->rng) % 4u);
    bool async = test_rng_next(&p->rng) % 2u;
    wr_status st;
    if (async) {
        st = wr_world_runner_step_begin(p->runner, steps);
        CHECK(st == WR_OK, "step begin: %s", wr_status_name(st));
        busy_queries(p);
        st = wr_world_runner_step_wait(p->runner);
        g_totals.async_ticks++;
    } else {
        st = wr_world_runner_step_all(p->runner, steps);
    }
    const uint32_t t = current_tick(p);
    PUSH(p->log->steps, p->log->ticks, p->log->capacity, steps);
    g_totals.ticks++;
    bool any_failed = false;
    for (int i = 0; i < p->live_count; i++) {
        world_log *log = p->live[i];
        wr_world_runner_world_info info;
        CHECK(wr_world_runner_world_info_get(p->runner, log->w, &info) == WR_OK, "world info");
        log->last_status = info.last_status;
        log->expected_steps += (uint64_t)info.last_steps_done;
        g_totals.world_steps += (uint64_t)info.last_steps_done;
        CHECK(info.last_steps_done >= 0 && info.last_steps_done <= steps, "steps done %d of %d", info.last_steps_done,
              steps);
        CHECK((info.last_status == WR_OK) == (info.last_steps_done == steps), "status %s with %d of %d steps",
              wr_status_name(info.last_status), info.last_steps_done, steps);
        if (info.last_status != WR_OK) {
            CHECK(info.last_status == WR_ERR_BUDGET || info.last_status == WR_ERR_INVALID_STATE ||
                      info.last_status == WR_ERR_NON_FINITE,
                  "world %d failed with %s", log->id, wr_status_name(info.last_status));
            outcome o = {t, info.last_steps_done, info.last_status};
            PUSH(log->outcomes, log->outcome_count, log->outcome_capacity, o);
            g_totals.budget_trips += info.last_status == WR_ERR_BUDGET;
            g_totals.callback_failures += info.last_status == WR_ERR_INVALID_STATE;
            any_failed = true;
        }
        CHECK(wr_world_step_count(log->w) == log->expected_steps, "world %d step count", log->id);
    }
    CHECK((st == WR_OK) == !any_failed, "tick returned %s", wr_status_name(st));
}

/* Host work between ticks: churn, callbacks, budgets. */
static void between_ticks(phase *p)
{
    uint64_t r = test_rng_next(&p->rng) % 80u;
    if (r == 0 || p->live_count < 3)
        create_world(p);
    else if (r == 1 && p->live_count > 0)
        destroy_world(p, (int)(test_rng_next(&p->rng) % (uint64_t)p->live_count));
    for (int i = 0; i < p->live_count; i++) {
        world_log *log = p->live[i];
        if (test_rng_next(&p->rng) % 64u == 0) {
            /* the runner's own calls are refused on its worlds between ticks too, and change nothing */
            const uint64_t hash = wr_world_state_hash(log->w);
            CHECK(wr_world_step(log->w, 1) == WR_ERR_INVALID_STATE, "host step of a runner's world");
            CHECK(wr_world_state_hash(log->w) == hash, "a refused host step changed the world");
        }
        if (test_rng_next(&p->rng) % 32u == 0)
            toggle_callback(p, log);
        if (log->last_status == WR_ERR_BUDGET || test_rng_next(&p->rng) % 128u == 0)
            adjust_budget(p, log);
    }
}

static bool run_phase(const phase_config *config, int index, double seconds, uint64_t seed)
{
    phase p = {.config = config, .index = index};
    test_rng_seed(&p.rng, seed);
    if (config->backend == WR_WORLD_RUNNER_BACKEND_OPENMP && !wr_world_runner_has_openmp())
        return false;
    wr_world_runner_config rc;
    wr_world_runner_config_init(&rc);
    rc.backend = config->backend;
    rc.workers = config->workers;
    rc.placement = config->placement;
    rc.host_as_worker = config->host_as_worker;
    rc.arena_chunk_bytes = 256 * 1024;
    rc.world_free_list_chunk_bytes = config->free_list_chunk_bytes;
    if (config->counting_base) {
        CHECK(wr_memory_allocator_create_heap(&p.heap) == WR_OK, "heap");
        CHECK(wr_memory_allocator_create_counting(p.heap, &p.counting) == WR_OK, "counting");
        rc.base = p.counting;
    }
    wr_status st = wr_world_runner_create(&rc, &p.runner);
    if (st == WR_ERR_INVALID_ARGUMENT && config->placement != WR_NUMA_PLACEMENT_NONE) {
        rc.placement = WR_NUMA_PLACEMENT_NONE; /* fewer allowed cores than workers (taskset, a small CI machine) */
        st = wr_world_runner_create(&rc, &p.runner);
    }
    CHECK(st == WR_OK, "runner create (%s): %s", config->name, wr_status_name(st));
    phase_log empty = {.free_list_chunk_bytes = config->free_list_chunk_bytes ? config->free_list_chunk_bytes : 49152};
    PUSH(g_phases, g_phase_count, g_phase_capacity, empty);
    p.log = &g_phases[g_phase_count - 1];
    g_totals.phases++;

    const double end = now_seconds() + seconds;
    while (now_seconds() < end) {
        between_ticks(&p);
        tick(&p);
    }
    /* destroy some worlds one by one, the rest with the runner */
    while (p.live_count > 0 && test_rng_next(&p.rng) % 2u)
        destroy_world(&p, p.live_count - 1);
    if (!config->counting_base) {
        wr_world_runner_stats rs;
        CHECK(wr_world_runner_get_stats(p.runner, &rs) == WR_OK, "stats");
        CHECK(p.live_count > 0 || rs.arena_bytes_in_use == 0, "%zu arena bytes in use with no world left",
              rs.arena_bytes_in_use);
    }
    for (int i = 0; i < p.live_count; i++)
        finish_world(&p, p.live[i]);
    g_totals.destroyed += (uint64_t)p.live_count;
    CHECK(wr_world_runner_destroy(p.runner) == WR_OK, "runner destroy");
    if (p.counting) {
        wr_memory_allocator_counts counts;
        CHECK(wr_memory_allocator_get_counts(p.counting, &counts) == WR_OK, "counts");
        CHECK(counts.bytes_outstanding == 0 && counts.allocations == counts.deallocations,
              "%zu bytes in %" PRIu64 " blocks not returned to the base", counts.bytes_outstanding,
              counts.allocations - counts.deallocations);
        CHECK(wr_memory_allocator_destroy(p.counting) == WR_OK && wr_memory_allocator_destroy(p.heap) == WR_OK,
              "base destroy");
    }
    return true;
}

/* ================================================================================================================
 * The replay: every world alone, on a plain world with a manager like the runner's, one step at a time
 * ============================================================================================================== */

static void replay_world(const world_log *log)
{
    const phase_log *pl = &g_phases[log->phase];
    wr_memory_manager_config mc;
    wr_memory_manager_config_init(&mc);
    mc.pool_chunk_bytes = 4096;          /* as the runner's world managers */
    mc.free_list_chunk_bytes = pl->free_list_chunk_bytes;
    mc.budget_bytes = log->create_budget;
    wr_memory_manager *m = NULL;
    CHECK(wr_memory_manager_create(&mc, &m) == WR_OK, "replay manager");
    wr_world_config wc = log->config;
    wc.memory = m;
    wr_world *w = NULL;
    CHECK(wr_world_create(&wc, &w) == WR_OK, "replay world");
    wr_status st = wr_scene_build(w, log->scene);
    CHECK(st == WR_OK, "replay of world %d: scene '%s' %s", log->id, log->scene, wr_status_name(st));
    bool callback = false;
    force_state forces = {log->forces.seed, 0};
    size_t e = 0, o = 0;
    for (uint32_t t = log->first_tick; t < log->end_tick; t++) {
        for (; e < log->event_count && log->events[e].tick == t; e++) {
            const event *ev = &log->events[e];
            if (ev->kind == EVENT_BUDGET) {
                st = wr_memory_manager_set_budget(m, ev->budget);
                CHECK(st == ev->status, "replay of world %d, tick %u: set budget %zu gave %s, the run %s", log->id, t,
                      ev->budget, wr_status_name(st), wr_status_name(ev->status));
            } else {
                callback = ev->kind == EVENT_CALLBACK_ON;
            }
        }
        const int steps = pl->steps[t];
        int done = 0;
        st = WR_OK;
        for (; done < steps; done++) {
            if (callback && (st = apply_forces(w, &forces)) != WR_OK)
                break;
            if ((st = wr_world_step(w, 1)) != WR_OK)
                break;
        }
        outcome expected = {t, steps, WR_OK};
        if (o < log->outcome_count && log->outcomes[o].tick == t)
            expected = log->outcomes[o++];
        CHECK(done == expected.steps_done && st == expected.status,
              "replay of world %d (%s), tick %u: %d steps, %s; in the runner %d steps, %s", log->id, log->scene, t,
              done, wr_status_name(st), expected.steps_done, wr_status_name(expected.status));
    }
    CHECK(wr_world_step_count(w) == log->final_steps, "replay of world %d: %" PRIu64 " steps, the runner %" PRIu64,
          log->id, wr_world_step_count(w), log->final_steps);
    CHECK(wr_world_state_hash(w) == log->final_hash, "replay of world %d (%s, %" PRIu64 " steps): state differs",
          log->id, log->scene, log->final_steps);
    CHECK(wr_world_destroy(w) == WR_OK && wr_memory_manager_destroy(m) == WR_OK, "replay teardown");
    g_totals.replayed++;
}

int main(void)
{
    const char *env = getenv("WR_SOAK_SECONDS");
    double seconds = env && *env ? atof(env) : WR_SOAK_DEFAULT_SECONDS;
    env = getenv("WR_SOAK_SEED");
    uint64_t seed = env && *env ? strtoull(env, NULL, 0) : 1;
    if (!(seconds > 0))
        seconds = WR_SOAK_DEFAULT_SECONDS;
    /* 8 phases or more: every configuration runs at least once (twice when there is time) */
    const int phases = seconds >= 40 ? 2 * PHASE_COUNT : PHASE_COUNT;
    const double start = now_seconds();
    test_rng rng;
    test_rng_seed(&rng, seed);
    for (int i = 0; i < phases; i++) {
        const phase_config *pc = &PHASES[i % PHASE_COUNT];
        if (!run_phase(pc, (int)g_phase_count, seconds / phases, test_rng_next(&rng)))
            printf("[soak] phase '%s' skipped: no OpenMP in this build\n", pc->name);
    }
    const double stepping = now_seconds() - start;
    for (size_t i = 0; i < g_log_count; i++)
        replay_world(g_logs[i]);
    const double replay = now_seconds() - start - stepping;
    printf("[soak] %.0f s of runner ticks (seed %" PRIu64 ", %" PRIu64 " phases of 2-4 workers): %" PRIu64
           " ticks (%" PRIu64 " async), %" PRIu64 " world steps, %" PRIu64 " worlds created (%" PRIu64
           " refused by their budget), %" PRIu64 " destroyed, %" PRIu64 " busy refusals, %" PRIu64
           " budget trips and %" PRIu64 " raises, %" PRIu64 " callback failures, %" PRIu64
           " rounds of refusals from a second thread; replay of all %" PRIu64
           " worlds on one thread (%.0f s): every state hash equal\n",
           stepping, seed, g_totals.phases, g_totals.ticks, g_totals.async_ticks, g_totals.world_steps,
           g_totals.created, g_totals.create_refused, g_totals.destroyed, g_totals.busy_refusals,
           g_totals.budget_trips, g_totals.budget_raises, g_totals.callback_failures, g_totals.other_thread_checks,
           g_totals.replayed, replay);
    for (size_t i = 0; i < g_log_count; i++) {
        free(g_logs[i]->events);
        free(g_logs[i]->outcomes);
        free(g_logs[i]);
    }
    free(g_logs);
    for (size_t i = 0; i < g_phase_count; i++)
        free(g_phases[i].steps);
    free(g_phases);
    return 0;
}
