/* wr_world_runner stress (sized for ThreadSanitizer): many worlds, thousands of ticks, async begin/wait with host work
 * in between, pre-step callbacks, and worlds created and destroyed between ticks. Every surviving world must have
 * taken exactly the steps the host asked for, and every callback must have run on the world's own worker. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include "worldrunner/world_runner.h"

#if defined(__SANITIZE_THREAD__) && !defined(__clang__)
#define OPENMP_UNDER_TSAN_SKIP 1
#else
#define OPENMP_UNDER_TSAN_SKIP 0
#endif

enum { MAX_WORLDS = 32, TICKS = 1500, CHURN_EVERY = 50 };

/* Per world, written only by the callback on the world's worker, read by the host between ticks. */
typedef struct tracked {
    wr_world *w;
    uint64_t expected_steps;     /* steps the host asked for since creation */
    uint64_t callback_calls;
    pthread_t thread;            /* the thread the callbacks ran on */
    bool thread_seen;
    bool moved_thread;           /* a callback ran on another thread than the first one */
    bool has_callback;
    bool alive;
} tracked;

static wr_status count_callback(wr_world *w, int step, void *user)
{
    (void)w;
    (void)step;
    tracked *t = user;
    pthread_t self = pthread_self();
    if (!t->thread_seen) {
        t->thread = self;
        t->thread_seen = true;
    } else if (!pthread_equal(t->thread, self)) {
        t->moved_thread = true;
    }
    t->callback_calls++;
    return WR_OK;
}

static const char *scene_of(int i)
{
    static const char *scenes[] = {"pendulum", "chain:3", "pendulum", "chain:2"};
    return scenes[i % 4];
}

static void add_world(wr_world_runner *r, tracked *slot, int i)
{
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)scene_of(i);
    memset(slot, 0, sizeof *slot);
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &slot->w));
    slot->alive = true;
    slot->has_callback = i % 3 == 0;
    if (slot->has_callback)
        assert_wr_ok(wr_world_runner_set_pre_step(r, slot->w, count_callback, slot));
}

/* Without host_as_worker a world's callbacks always run on one thread, its worker's. With it, worker 0's worlds
 * run on the host (synchronous ticks) or on worker 0's thread (async ticks), both pinned to the same core. */
static bool g_one_thread_per_world;

static void check_world(const tracked *t)
{
    assert_int_equal(wr_world_step_count(t->w), t->expected_steps);
    if (t->has_callback) {
        assert_int_equal(t->callback_calls, t->expected_steps);
        if (g_one_thread_per_world)
            assert_false(t->moved_thread);
    }
}

static void stress(wr_world_runner_backend backend, int workers, wr_numa_placement placement, bool host_as_worker)
{
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.host_as_worker = host_as_worker;
    g_one_thread_per_world = !host_as_worker;
    c.backend = backend;
    c.workers = workers;
    c.placement = placement;
    c.arena_chunk_bytes = 256 * 1024;
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    /* Slots stay put (callbacks hold their address); a destroyed world frees its slot. */
    static tracked worlds[MAX_WORLDS];
    memset(worlds, 0, sizeof worlds);
    int count = 20, created = 0;
    for (int i = 0; i < count; ++i)
        add_world(r, &worlds[i], created++);
    test_rng rng;
    test_rng_seed(&rng, 4);
    uint64_t host_work = 0;
    for (int tick = 0; tick < TICKS; ++tick) {
        int steps = 1 + (int)(test_rng_next(&rng) % 2);
        if (tick % 2 == 0) {
            assert_wr_ok(wr_world_runner_step_all(r, steps));
        } else {
            assert_wr_ok(wr_world_runner_step_begin(r, steps));
            assert_true(wr_world_runner_is_busy(r));
            wr_world *extra = NULL;
            assert_int_equal(wr_world_runner_create_world(r, NULL, &extra), WR_ERR_BUSY);
            for (int k = 0; k < 200; ++k)
                host_work += (uint64_t)k * (uint64_t)tick; /* the host "renders" meanwhile */
            assert_wr_ok(wr_world_runner_step_wait(r));
        }
        for (int i = 0; i < MAX_WORLDS; ++i)
            worlds[i].expected_steps += worlds[i].alive ? (uint64_t)steps : 0;
        if (tick % CHURN_EVERY != CHURN_EVERY - 1)
            continue;
        /* Churn: check and destroy a random world, then add one or two. */
        int victim = (int)(test_rng_next(&rng) % MAX_WORLDS);
        while (!worlds[victim].alive)
            victim = (victim + 1) % MAX_WORLDS;
        check_world(&worlds[victim]);
        assert_wr_ok(wr_world_runner_destroy_world(r, worlds[victim].w));
        worlds[victim].alive = false;
        --count;
        int adds = 1 + (int)(test_rng_next(&rng) % 2);
        for (int i = 0; i < MAX_WORLDS && adds > 0 && count < MAX_WORLDS - 1; ++i) {
            if (worlds[i].alive)
                continue;
            add_world(r, &worlds[i], created++);
            ++count;
            --adds;
        }
    }
    for (int i = 0; i < MAX_WORLDS; ++i) {
        if (worlds[i].alive)
            check_world(&worlds[i]);
    }
    assert_int_equal(wr_world_runner_world_count(r), count);
    wr_world_runner_stats s;
    assert_wr_ok(wr_world_runner_get_stats(r, &s));
    assert_int_equal(s.ticks, TICKS);
    print_message("%s, %d workers: %d worlds left, %llu world-steps, imbalance %.2f (host work %llu)\n",
                  wr_world_runner_backend_name(backend), s.workers, count, (unsigned long long)s.world_steps,
                  s.imbalance, (unsigned long long)(host_work % 7));
    assert_wr_ok(wr_world_runner_destroy(r));
}

static void stress_pthreads(void **state)
{
    (void)state;
    stress(WR_WORLD_RUNNER_BACKEND_PTHREADS, 0, WR_NUMA_PLACEMENT_COMPACT, false);
}

/* The host steps worker 0's worlds in synchronous ticks; worker 0's thread does async ticks and world jobs. */
static void stress_pthreads_host_as_worker(void **state)
{
    (void)state;
    stress(WR_WORLD_RUNNER_BACKEND_PTHREADS, 0, WR_NUMA_PLACEMENT_COMPACT, true);
}

static void stress_pthreads_oversubscribed(void **state)
{
    (void)state;
    stress(WR_WORLD_RUNNER_BACKEND_PTHREADS, 3, WR_NUMA_PLACEMENT_NONE, false);
}

static void stress_openmp(void **state)
{
    (void)state;
    if (!wr_world_runner_has_openmp() || OPENMP_UNDER_TSAN_SKIP) {
        print_message("SKIP OpenMP stress: %s\n", wr_world_runner_has_openmp()
                                                       ? "gcc's libgomp is not ThreadSanitizer-clean"
                                                       : "no OpenMP in this build");
        return;
    }
    stress(WR_WORLD_RUNNER_BACKEND_OPENMP, 0, WR_NUMA_PLACEMENT_COMPACT, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stress_pthreads),
        cmocka_unit_test(stress_pthreads_oversubscribed),
        cmocka_unit_test(stress_pthreads_host_as_worker),
        cmocka_unit_test(stress_openmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
