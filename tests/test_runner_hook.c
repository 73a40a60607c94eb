/* The runner's build hook and its thread rules: custom worlds are built by the host's callback on the worker that
 * owns them (every allocation from that worker's arena, made on that worker's thread), a failing build leaves
 * nothing behind, a world's cost is estimated from what it holds, and during a tick every call on a runner's world
 * from another thread gets WR_ERR_BUSY and changes nothing while the world's own callbacks keep working.
 * Run in the tsan preset too: the workers and the host touch the same worlds only through these rules. */
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include "worldrunner/collision.h"
#include "worldrunner/model.h"
#include "worldrunner/skeleton.h"
#include "worldrunner/world_runner.h"

/* ---- a host's own robot: an arm of `links` revolute links on a welded base, over a ground plane ------------- */

typedef struct arm_build {
    int links;                    /* revolute links */
    double reach;                 /* total length (m) */
    int fail;                     /* 1: after adding the ground and the arm, fail on a bad body of a third skeleton */
    int leak_skeleton;            /* with fail: leave that third skeleton neither added nor destroyed */
    /* written by the callback, on the worker */
    pthread_t thread;
    int calls;
    size_t reserved;              /* the world's manager: bytes reserved after the build */
} arm_build;

static wr_status add_ground(wr_world *w)
{
    wr_skeleton *s = NULL;
    wr_status st = wr_skeleton_create(wr_world_get_memory_manager(w), "ground", &s);
    if (st != WR_OK)
        return st;
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_WELD);
    int body = 0;
    st = wr_skeleton_add_body(s, &b, &body);
    wr_shape_desc plane;
    wr_shape_desc_init(&plane, WR_SHAPE_PLANE);
    if (st == WR_OK)
        st = wr_skeleton_add_shape(s, body, &plane, NULL);
    if (st == WR_OK)
        st = wr_world_add_skeleton(w, &s, NULL);
    if (st != WR_OK)
        wr_skeleton_destroy(s);
    return st;
}

static wr_status add_arm(wr_world *w, const arm_build *spec)
{
    wr_skeleton *s = NULL;
    wr_status st = wr_skeleton_create(wr_world_get_memory_manager(w), "arm", &s);
    const double length = spec->reach / spec->links;
    int parent = -1;
    for (int i = 0; st == WR_OK && i < spec->links; ++i) {
        wr_body_desc b;
        wr_body_desc_init(&b);
        snprintf(b.name, sizeof b.name, "link%d", i);
        b.parent = parent;
        wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
        b.joint.axis[0] = 0.0;
        b.joint.axis[1] = 1.0;
        b.joint.axis[2] = 0.0;
        b.joint.parent_pose.position[2] = i == 0 ? 1.0 : length;
        b.joint.damping = 0.2;
        b.mass = 1.0;
        b.com[2] = 0.5 * length;
        st = wr_inertia_of_capsule(1.0, 0.03, 0.5 * length, b.inertia);
        if (st == WR_OK)
            st = wr_skeleton_add_body(s, &b, &parent);
        wr_shape_desc capsule;
        wr_shape_desc_init(&capsule, WR_SHAPE_CAPSULE);
        capsule.size[0] = 0.03;
        capsule.size[1] = 0.5 * length;
        capsule.pose.position[2] = 0.5 * length;
        if (st == WR_OK)
            st = wr_skeleton_add_shape(s, parent, &capsule, NULL);
    }
    if (st == WR_OK) {
        double q[16] = {0.4, -0.3, 0.2, 0.1};
        st = wr_skeleton_set_positions(s, q, (size_t)spec->links);
    }
    if (st == WR_OK)
        st = wr_world_add_skeleton(w, &s, NULL);
    if (st != WR_OK && s)
        wr_skeleton_destroy(s);
    return st;
}

static wr_status build_arm(wr_world *w, void *context)
{
    arm_build *spec = context;
    spec->thread = pthread_self();
    spec->calls++;
    wr_status st = add_ground(w);
    if (st == WR_OK)
        st = add_arm(w, spec);
    if (st == WR_OK && spec->fail) {
        wr_skeleton *third = NULL;
        st = wr_skeleton_create(wr_world_get_memory_manager(w), "third", &third);
        wr_body_desc bad;
        wr_body_desc_init(&bad);
        bad.mass = -1.0;
        if (st == WR_OK)
            st = wr_skeleton_add_body(third, &bad, NULL); /* refused: a negative mass */
        if (!spec->leak_skeleton && third)
            wr_skeleton_destroy(third);
        return st;
    }
    wr_memory_manager_stats ms;
    if (st == WR_OK && (st = wr_memory_manager_get_stats(wr_world_get_memory_manager(w), &ms)) == WR_OK)
        spec->reserved = ms.bytes_reserved;
    return st;
}

static wr_world_runner *make_runner(int workers)
{
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = workers;
    c.placement = WR_NUMA_PLACEMENT_NONE; /* any core count: the test is about threads, not cores */
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    return r;
}

static wr_world *create_arm(wr_world_runner *r, arm_build *spec, int worker)
{
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = build_arm;
    wc.build_context = spec;
    wc.worker = worker;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &w));
    return w;
}

static size_t arena_in_use(const wr_world_runner *r, int worker)
{
    wr_world_runner_worker_stats ws;
    assert_wr_ok(wr_world_runner_get_worker_stats(r, worker, &ws));
    return ws.arena.bytes_in_use;
}

/* ---- built on the worker ------------------------------------------------------------------------------------- */

/* Every byte of a built world comes from its worker's arena, and the callback runs on that worker's thread: the
 * same thread for two worlds of one worker, another for each worker, never the host. */
static void custom_worlds_are_built_on_their_worker(void **state)
{
    (void)state;
    enum { WORKERS = 3 };
    wr_world_runner *r = make_runner(WORKERS);
    arm_build spec[2 * WORKERS];
    wr_world *worlds[2 * WORKERS];
    for (int i = 0; i < 2 * WORKERS; ++i) {
        spec[i] = (arm_build){.links = 2 + i % 3, .reach = 0.9};
        int k = i % WORKERS;
        size_t before[WORKERS];
        for (int j = 0; j < WORKERS; ++j)
            before[j] = arena_in_use(r, j);
        worlds[i] = create_arm(r, &spec[i], k);
        assert_int_equal(spec[i].calls, 1);
        assert_false(pthread_equal(spec[i].thread, pthread_self()));
        wr_world_runner_world_info info;
        assert_wr_ok(wr_world_runner_world_info_get(r, worlds[i], &info));
        assert_int_equal(info.worker, k);
        wr_memory_manager_stats ms;
        assert_wr_ok(wr_memory_manager_get_stats(info.memory, &ms));
        assert_true(ms.bytes_reserved > 0);
        assert_true(ms.bytes_reserved == spec[i].reserved); /* the build made every allocation it needed */
        for (int j = 0; j < WORKERS; ++j) {
            size_t grown = arena_in_use(r, j) - before[j];
            if (j == k)
                assert_true(grown >= ms.bytes_reserved); /* the world's chunks, from its worker's arena */
            else
                assert_true(grown == 0);
        }
    }
    for (int i = 0; i < WORKERS; ++i) {
        assert_true(pthread_equal(spec[i].thread, spec[i + WORKERS].thread));
        for (int j = 0; j < i; ++j)
            assert_false(pthread_equal(spec[i].thread, spec[j].thread));
    }
    /* The built worlds step like the same worlds built and stepped alone. */
    assert_wr_ok(wr_world_runner_step_all(r, 200));
    for (int i = 0; i < 2 * WORKERS; ++i) {
        wr_world *alone = NULL;
        assert_wr_ok(wr_world_create(NULL, &alone));
        arm_build again = spec[i];
        assert_wr_ok(build_arm(alone, &again));
        assert_wr_ok(wr_world_step(alone, 200));
        assert_true(wr_world_state_hash(alone) == wr_world_state_hash(worlds[i]));
        assert_wr_ok(wr_world_destroy(alone));
    }
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* A base allocator that remembers which thread made each request (thread-safe, as config.base must be). */
typedef struct thread_log {
    pthread_mutex_t lock;
    wr_memory_allocator *heap;
    pthread_t threads[4096];
    int count;
} thread_log;

static wr_status logged_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    thread_log *log = self;
    pthread_mutex_lock(&log->lock);
    if (log->count < 4096)
        log->threads[log->count++] = pthread_self();
    pthread_mutex_unlock(&log->lock);
    return wr_memory_allocator_allocate_aligned(log->heap, bytes, alignment, out);
}

static wr_status logged_deallocate(void *self, void *ptr, size_t bytes)
{
    return wr_memory_allocator_deallocate(((thread_log *)self)->heap, ptr, bytes);
}

/* Every base request made while creating a world (manager chunks, skeletons, solver) comes from the worker's thread. */
static void every_allocation_of_a_build_is_made_on_the_worker(void **state)
{
    (void)state;
    static thread_log log;
    memset(&log, 0, sizeof log);
    pthread_mutex_init(&log.lock, NULL);
    assert_wr_ok(wr_memory_allocator_create_heap(&log.heap));
    const wr_memory_allocator_ops ops = {logged_allocate, logged_deallocate, NULL};
    wr_memory_allocator *base = NULL;
    assert_wr_ok(wr_memory_allocator_create_custom(&ops, &log, "thread-log", &base));
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = 2;
    c.placement = WR_NUMA_PLACEMENT_NONE;
    c.base = base;
    wr_world_runner *r = NULL;
    assert_wr_ok(wr_world_runner_create(&c, &r));
    for (int k = 0; k < 2; ++k) {
        pthread_mutex_lock(&log.lock);
        int first = log.count;
        pthread_mutex_unlock(&log.lock);
        arm_build spec = {.links = 4, .reach = 1.0};
        wr_world *w = create_arm(r, &spec, k);
        assert_wr_ok(wr_world_runner_step_all(r, 10));
        pthread_mutex_lock(&log.lock);
        int last = log.count;
        for (int i = first; i < last; ++i)
            assert_true(pthread_equal(log.threads[i], spec.thread));
        pthread_mutex_unlock(&log.lock);
        assert_true(last - first >= 2); /* at least the manager's pool and free-list chunks */
        assert_wr_ok(wr_world_runner_destroy_world(r, w));
    }
    assert_wr_ok(wr_world_runner_destroy(r));
    assert_wr_ok(wr_memory_allocator_destroy(base));
    assert_wr_ok(wr_memory_allocator_destroy(log.heap));
    pthread_mutex_destroy(&log.lock);
}

/* ---- a failing build ----------------------------------------------------------------------------------------- */

static wr_status build_silently_fails(wr_world *w, void *context)
{
    (void)context;
    wr_status st = add_ground(w);
    return st == WR_OK ? WR_ERR_NOT_FOUND : st; /* a host status, no library message */
}

static void a_failing_build_leaves_nothing_behind(void **state)
{
    (void)state;
    wr_world_runner *r = make_runner(2);
    arm_build first = {.links = 3, .reach = 0.9};
    wr_world *kept = create_arm(r, &first, 1);
    wr_world_runner_worker_stats before;
    assert_wr_ok(wr_world_runner_get_worker_stats(r, 1, &before));
    /* Fails in the middle (two skeletons added, a third refused), with and without a leaked skeleton. */
    for (int leak = 0; leak < 2; ++leak) {
        arm_build spec = {.links = 3, .reach = 0.9, .fail = 1, .leak_skeleton = leak};
        wr_world_runner_world_config wc;
        wr_world_runner_world_config_init(&wc);
        wc.build = build_arm;
        wc.build_context = &spec;
        wc.worker = 1;
        wr_world *w = (wr_world *)&spec; /* must stay untouched */
        assert_int_equal(wr_world_runner_create_world(r, &wc, &w), WR_ERR_INVALID_ARGUMENT);
        assert_ptr_equal(w, (wr_world *)&spec);
        /* the message of the call that failed in the callback (wr_skeleton_add_body's), after the worker */
        assert_non_null(strstr(wr_last_error(), "on worker 1"));
        assert_non_null(strstr(wr_last_error(), "mass must be > 0"));
        wr_world_runner_worker_stats after;
        assert_wr_ok(wr_world_runner_get_worker_stats(r, 1, &after));
        assert_int_equal(after.worlds, before.worlds);
        assert_true(after.cost == before.cost);
        assert_int_equal(after.arena.bytes_in_use, before.arena.bytes_in_use);
        assert_int_equal(wr_world_runner_world_count(r), 1);
    }
    /* A status without a message gets one that names it. */
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = build_silently_fails;
    wc.worker = 1;
    wr_world *w = NULL;
    assert_int_equal(wr_world_runner_create_world(r, &wc, &w), WR_ERR_NOT_FOUND);
    assert_null(w);
    assert_non_null(strstr(wr_last_error(), "build callback returned WR_ERR_NOT_FOUND"));
    assert_int_equal(arena_in_use(r, 1), before.arena.bytes_in_use);
    /* A context without a callback is a mistake. */
    wc.build = NULL;
    wc.build_context = &first;
    assert_int_equal(wr_world_runner_create_world(r, &wc, &w), WR_ERR_INVALID_ARGUMENT);
    /* The world that was there is unharmed. */
    assert_wr_ok(wr_world_runner_step_all(r, 5));
    assert_int_equal(wr_world_step_count(kept), 5);
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* ---- cost -------------------------------------------------------------------------------------------------- */

static void cost_is_given_or_estimated_from_the_built_world(void **state)
{
    (void)state;
    wr_world_runner *r = make_runner(1);
    arm_build spec = {.links = 4, .reach = 1.0};
    wr_world *w = create_arm(r, &spec, 0);
    wr_world_runner_world_info info;
    assert_wr_ok(wr_world_runner_world_info_get(r, w, &info));
    /* 4 dofs; each of the 4 link capsules may touch the ground plane: 1 + 4 x (1 + 4) */
    assert_true(info.cost == 21.0);
    assert_true(wr_world_runner_cost_estimate(w) == 21.0);
    /* Shapes that cannot touch the plane (masks) do not count. */
    for (int i = 0; i < 4; ++i)
        assert_wr_ok(wr_collision_set_shape_filter(wr_world_get_skeleton(w, 1), i, 2u, ~1u));
    assert_true(wr_world_runner_cost_estimate(w) == 5.0);
    /* The host's cost wins; an empty world costs 1. */
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = build_arm;
    wc.build_context = &spec;
    wc.cost = 7.5;
    wr_world *given = NULL;
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &given));
    assert_wr_ok(wr_world_runner_world_info_get(r, given, &info));
    assert_true(info.cost == 7.5);
    wr_world_runner_world_config_init(&wc);
    wr_world *empty = NULL;
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &empty));
    assert_wr_ok(wr_world_runner_world_info_get(r, empty, &info));
    assert_true(info.cost == 1.0);
    wr_world_runner_worker_stats ws;
    assert_wr_ok(wr_world_runner_get_worker_stats(r, 0, &ws));
    assert_true(ws.cost == 21.0 + 7.5 + 1.0);
    assert_true(wr_world_runner_cost_estimate(NULL) == 0.0);
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* ---- during a tick ----------------------------------------------------------------------------------------- */

/* A pre-step callback that holds its world's first step until the host lets it go, and checks that the world's own
 * calls work on the worker while another world's are refused. */
typedef struct hold {
    atomic_int inside;            /* set by the worker: it is in the callback of step 0 */
    atomic_int release;           /* set by the host */
    wr_world *other;              /* a world of another worker */
    wr_status own_call;           /* a call on its own world, from the callback */
    wr_status other_call;         /* a call on `other`, from the callback */
} hold;

static wr_status hold_first_step(wr_world *w, int step, void *user)
{
    hold *h = user;
    if (step != 0)
        return WR_OK;
    double tau[8] = {0.5, -0.25, 0.125, 0.0};
    h->own_call = wr_world_set_joint_forces(w, tau, wr_world_dof_count(w));
    double g[3] = {0, 0, -9.81};
    h->other_call = h->other ? wr_world_set_gravity(h->other, g) : WR_OK;
    atomic_store(&h->inside, 1);
    while (!atomic_load(&h->release))
        sched_yield();
    return WR_OK;
}

typedef struct probe {
    wr_world *w;
    wr_skeleton *loose;           /* a skeleton of no world, for wr_world_add_skeleton */
    wr_world_snapshot *snapshot;  /* a snapshot object of w, made between ticks */
    const wr_model *model;        /* a loaded model for wr_world_add_model, NULL in a build without libxml2 */
    int refused;                  /* calls that returned WR_ERR_BUSY (or the NULL answer with its message) */
    int calls;
} probe;

static void expect_busy(probe *p, wr_status s)
{
    p->calls++;
    p->refused += s == WR_ERR_BUSY && strstr(wr_last_error(), "busy") != NULL;
}

static void expect_null_answer(probe *p, int is_null_answer)
{
    p->calls++;
    p->refused += is_null_answer && strstr(wr_last_error(), "busy") != NULL;
}

/* Every kind of call on a world, its skeleton and its collision state, each expected to be refused. */
static void *call_everything(void *arg)
{
    probe *p = arg;
    wr_world *w = p->w;
    double buf[64] = {0}, v3[3] = {0, 0, 1};
    size_t n = 0;
    wr_collision_settings settings;
    wr_collision_stats stats;
    unsigned char snapshot[4096] = {0};
    wr_world_snapshot *snap = NULL;
    wr_skeleton *loose = p->loose;
    wr_clear_error();
    expect_busy(p, wr_world_step(w, 1));
    expect_busy(p, wr_world_destroy(w));
    expect_busy(p, wr_world_set_gravity(w, v3));
    expect_busy(p, wr_world_set_time_step(w, 0.002));
    expect_busy(p, wr_world_get_positions(w, buf, 4));
    expect_busy(p, wr_world_set_positions(w, buf, 4));
    expect_busy(p, wr_world_get_velocities(w, buf, 4));
    expect_busy(p, wr_world_set_velocities(w, buf, 4));
    expect_busy(p, wr_world_set_joint_forces(w, buf, 4));
    expect_busy(p, wr_world_apply_body_wrench(w, 1, 0, v3, v3));
    expect_busy(p, wr_world_clear_forces(w));
    expect_busy(p, wr_world_save_snapshot(w, snapshot, sizeof snapshot));
    expect_busy(p, wr_world_restore_snapshot(w, snapshot, sizeof snapshot));
    expect_busy(p, wr_world_snapshot_create(w, &snap));
    expect_busy(p, wr_world_add_skeleton(w, &loose, NULL));
    expect_busy(p, wr_world_snapshot_save(w, p->snapshot));
    expect_busy(p, wr_world_snapshot_restore(w, p->snapshot));
    expect_busy(p, wr_world_snapshot_destroy(w, p->snapshot));
    expect_busy(p, wr_world_set_controls(w, buf, 0));
    expect_busy(p, wr_world_get_controls(w, buf, 0));
    if (p->model)
        expect_busy(p, wr_world_add_model(w, p->model, NULL, NULL));
    expect_busy(p, wr_collision_get_settings(w, &settings));
    wr_collision_settings_init(&settings);
    expect_busy(p, wr_collision_set_settings(w, &settings));
    expect_busy(p, wr_collision_get_stats(w, &stats));
    expect_busy(p, wr_collision_get_contacts(w, NULL, 0, &n));
    expect_null_answer(p, wr_world_time(w) == 0.0);
    expect_null_answer(p, wr_world_step_count(w) == 0);
    expect_null_answer(p, wr_world_time_step(w) == 0.0);
    expect_null_answer(p, wr_world_dof_count(w) == 0);
    expect_null_answer(p, wr_world_position_count(w) == 0);
    expect_null_answer(p, wr_world_skeleton_count(w) == 0);
    expect_null_answer(p, wr_world_snapshot_size(w) == 0);
    expect_null_answer(p, wr_world_get_memory_manager(w) == NULL);
    expect_null_answer(p, wr_world_runner_cost_estimate(w) == 0.0);
    wr_clear_error();
    expect_null_answer(p, wr_world_control_count(w) == 0);
    expect_null_answer(p, wr_world_get_skeleton(w, 1) == NULL);
    double g[3] = {1, 1, 1};
    wr_world_get_gravity(w, g);
    expect_null_answer(p, g[0] == 1 && g[2] == 1); /* untouched */
    expect_null_answer(p, wr_world_state_hash(w) == wr_world_state_hash(NULL));
    return NULL;
}

/* The same for a skeleton of a runner's world (its handle taken between ticks). */
static void call_skeleton(probe *p, wr_world *w, wr_skeleton *s)
{
    double buf[64] = {0}, v3[3] = {0, 0, 1}, rot[9], e;
    uint32_t group, mask;
    wr_clear_error();
    expect_busy(p, wr_world_remove_skeleton(w, s));
    expect_busy(p, wr_skeleton_get_positions(s, buf, 4));
    expect_busy(p, wr_skeleton_set_positions(s, buf, 4));
    expect_busy(p, wr_skeleton_get_velocities(s, buf, 4));
    expect_busy(p, wr_skeleton_set_velocities(s, buf, 4));
    expect_busy(p, wr_skeleton_set_joint_forces(s, buf, 4));
    expect_busy(p, wr_skeleton_apply_body_wrench(s, 0, v3, v3));
    expect_busy(p, wr_skeleton_clear_forces(s));
    expect_busy(p, wr_skeleton_body_pose(s, 0, v3, rot));
    expect_busy(p, wr_skeleton_set_joint_damping(s, 0, 1.0));
    expect_busy(p, wr_skeleton_kinetic_energy(s, &e));
    expect_busy(p, wr_skeleton_potential_energy(s, &e));
    expect_busy(p, wr_skeleton_momentum(s, v3, v3));
    expect_busy(p, wr_skeleton_mass_matrix(s, buf, 16));
    expect_busy(p, wr_skeleton_forward_dynamics(s, buf, buf + 8, 4));
    expect_busy(p, wr_skeleton_inverse_dynamics(s, buf, buf + 8, 4));
    expect_busy(p, wr_collision_set_shape_filter(s, 0, 1u, ~0u));
    expect_busy(p, wr_collision_get_shape_filter(s, 0, &group, &mask));
    expect_busy(p, wr_skeleton_set_controls(s, buf, 0));
    expect_busy(p, wr_skeleton_get_controls(s, buf, 0));
    wr_clear_error();
    expect_null_answer(p, wr_skeleton_actuator_count(s) == 0);
    expect_null_answer(p, wr_skeleton_body_count(s) == 0);
    expect_null_answer(p, wr_skeleton_shape_count(s) == 0);
    expect_null_answer(p, wr_skeleton_dof_count(s) == 0);
    expect_null_answer(p, wr_skeleton_position_count(s) == 0);
    expect_null_answer(p, wr_skeleton_memory_bytes(s) == 0);
    expect_null_answer(p, wr_skeleton_memory_manager(s) == NULL);
    expect_null_answer(p, wr_skeleton_find_body(s, "link0") == -1);
    expect_null_answer(p, strcmp(wr_skeleton_name(s), "") == 0);
}

static void host_calls_during_a_tick_are_busy(void **state)
{
    (void)state;
    enum { WORKERS = 2 };
    wr_world_runner *r = make_runner(WORKERS);
    arm_build spec[WORKERS];
    wr_world *w[WORKERS];
    hold h[WORKERS];
    for (int k = 0; k < WORKERS; ++k) {
        spec[k] = (arm_build){.links = 4, .reach = 1.2};
        w[k] = create_arm(r, &spec[k], k);
    }
    for (int k = 0; k < WORKERS; ++k) {
        memset(&h[k], 0, sizeof h[k]);
        h[k].other = w[(k + 1) % WORKERS];
        h[k].own_call = h[k].other_call = WR_ERR_CORRUPTION;
        assert_wr_ok(wr_world_runner_set_pre_step(r, w[k], hold_first_step, &h[k]));
    }
    /* A twin of world 0 stepped alone with the same inputs: the reference for "nothing changed". */
    wr_world *twin = NULL;
    assert_wr_ok(wr_world_create(NULL, &twin));
    arm_build twin_spec = spec[0];
    assert_wr_ok(build_arm(twin, &twin_spec));
    wr_skeleton *arm0 = wr_world_get_skeleton(w[0], 1); /* taken between ticks */
    uint64_t hash_before = wr_world_state_hash(w[0]);
    wr_skeleton *loose = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "loose", &loose));
    static const char mjcf[] = "<mujoco><worldbody><body><joint type=\"hinge\"/><geom size=\"0.1\"/></body>"
                               "</worldbody></mujoco>";
    wr_model *model = NULL;
    wr_status loaded = wr_model_load_string(mjcf, sizeof mjcf - 1, NULL, &model);
    assert_true(loaded == WR_OK || loaded == WR_ERR_UNSUPPORTED); /* UNSUPPORTED: built without libxml2 */
    wr_world_snapshot *snap[WORKERS];
    for (int k = 0; k < WORKERS; ++k)
        assert_wr_ok(wr_world_snapshot_create(w[k], &snap[k])); /* between ticks, from the host: allowed */

    assert_wr_ok(wr_world_runner_step_begin(r, 3));
    for (int k = 0; k < WORKERS; ++k)
        while (!atomic_load(&h[k].inside))
            sched_yield();
    /* Every worker is inside its world's tick: the host (this thread) and another thread are refused. */
    probe p = {.w = w[0], .loose = loose, .snapshot = snap[0], .model = model};
    call_everything(&p);
    call_skeleton(&p, w[0], arm0);
    assert_int_equal(p.refused, p.calls);
    probe q = {.w = w[1], .loose = loose, .snapshot = snap[1], .model = model};
    pthread_t other;
    assert_int_equal(pthread_create(&other, NULL, call_everything, &q), 0);
    assert_int_equal(pthread_join(other, NULL), 0);
    assert_int_equal(q.refused, q.calls);
    print_message("refused during the tick: %d calls on world 0 and its arm from the host, %d on world 1 from "
                  "another thread\n", p.calls, q.calls);
    assert_true(q.calls > 30);
    for (int k = 0; k < WORKERS; ++k)
        atomic_store(&h[k].release, 1);
    /* Still a tick until step_wait returns, whether the workers are still stepping or done. */
    probe late = {.w = w[0], .loose = loose, .snapshot = snap[0], .model = model};
    call_everything(&late);
    assert_int_equal(late.refused, late.calls);
    assert_wr_ok(wr_world_runner_step_wait(r));

    /* Inside the tick the worker's own call worked and its call on the other worker's world was refused. */
    for (int k = 0; k < WORKERS; ++k) {
        assert_int_equal(h[k].own_call, WR_OK);
        assert_int_equal(h[k].other_call, WR_ERR_BUSY);
    }
    /* Nothing the refused calls tried got through: world 0 is its twin after the same 3 steps and inputs. */
    double tau[8] = {0.5, -0.25, 0.125, 0.0};
    assert_wr_ok(wr_world_set_joint_forces(twin, tau, wr_world_dof_count(twin)));
    assert_wr_ok(wr_world_step(twin, 3));
    assert_int_equal(wr_world_step_count(w[0]), 3);
    assert_true(wr_world_time_step(w[0]) == 0.001);
    assert_true(wr_world_state_hash(w[0]) == wr_world_state_hash(twin));
    assert_true(hash_before != wr_world_state_hash(w[0]));
    assert_int_equal(wr_world_skeleton_count(w[0]), 2); /* the loose skeleton was not added */
    assert_wr_ok(wr_skeleton_destroy(loose));
    for (int k = 0; k < WORKERS; ++k)
        assert_wr_ok(wr_world_snapshot_destroy(w[k], snap[k]));
    if (model)
        assert_wr_ok(wr_model_destroy(model));

    /* Between ticks the same calls work again, except the runner's own three. */
    wr_clear_error();
    assert_int_equal(wr_world_step(w[0], 1), WR_ERR_INVALID_STATE);
    assert_int_equal(wr_world_destroy(w[0]), WR_ERR_INVALID_STATE);
    wr_memory_manager *m = NULL;
    assert_wr_ok(wr_memory_manager_create(NULL, &m));
    assert_int_equal(wr_world_set_memory_manager(w[0], m), WR_ERR_INVALID_STATE);
    assert_wr_ok(wr_memory_manager_destroy(m));
    double g[3] = {0, 0, -9.0};
    assert_wr_ok(wr_world_set_gravity(w[0], g));
    double e = 0;
    assert_wr_ok(wr_skeleton_kinetic_energy(arm0, &e));
    assert_true(e > 0);
    assert_int_equal(wr_skeleton_body_count(arm0), 4);
    assert_int_equal(wr_world_skeleton_count(w[0]), 2);
    for (int k = 0; k < WORKERS; ++k)
        assert_wr_ok(wr_world_runner_set_pre_step(r, w[k], NULL, NULL));
    assert_wr_ok(wr_world_runner_step_all(r, 2));
    assert_int_equal(wr_world_step_count(w[0]), 5);
    assert_wr_ok(wr_world_destroy(twin));
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* A build callback may not touch another world of the runner (it belongs to another worker, or is being used). */
typedef struct nosy {
    wr_world *other;
    wr_world_runner *runner;
    wr_status other_status;
    wr_status runner_status;
} nosy;

static wr_status build_nosy(wr_world *w, void *context)
{
    nosy *n = context;
    double g[3] = {0, 0, -1};
    n->other_status = wr_world_set_gravity(n->other, g);
    wr_world *created = NULL;
    n->runner_status = wr_world_runner_create_world(n->runner, NULL, &created);
    return wr_world_set_gravity(w, g); /* its own world: fine */
}

static void callbacks_touch_only_their_own_world(void **state)
{
    (void)state;
    wr_world_runner *r = make_runner(2);
    arm_build spec = {.links = 2, .reach = 0.5};
    wr_world *first = create_arm(r, &spec, 0);
    nosy n = {.other = first, .runner = r};
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = build_nosy;
    wc.build_context = &n;
    wc.worker = 1;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_runner_create_world(r, &wc, &w));
    assert_int_equal(n.other_status, WR_ERR_BUSY);
    assert_int_equal(n.runner_status, WR_ERR_BUSY);
    double g[3];
    wr_world_get_gravity(w, g);
    assert_true(g[2] == -1.0);
    wr_world_get_gravity(first, g);
    assert_true(g[2] == -9.81);
    assert_wr_ok(wr_world_runner_destroy(r));
}

/* ---- after creation: wr_world_runner_call_on_worker -------------------------------------------------------- */

typedef struct grow {
    pthread_t thread;
    int links;
} grow;

static wr_status add_another_arm(wr_world *w, void *context)
{
    grow *g = context;
    g->thread = pthread_self();
    arm_build spec = {.links = g->links, .reach = 0.6};
    return add_arm(w, &spec);
}

static void later_changes_run_on_the_worker(void **state)
{
    (void)state;
    wr_world_runner *r = make_runner(2);
    arm_build spec = {.links = 2, .reach = 0.5};
    wr_world *w = create_arm(r, &spec, 1);
    size_t before = arena_in_use(r, 1), other = arena_in_use(r, 0);
    grow g = {.links = 6};
    assert_wr_ok(wr_world_runner_call_on_worker(r, w, add_another_arm, &g));
    assert_true(pthread_equal(g.thread, spec.thread));
    assert_int_equal(wr_world_skeleton_count(w), 3);
    assert_int_equal(wr_world_dof_count(w), 8);
    assert_true(arena_in_use(r, 1) >= before);
    assert_int_equal(arena_in_use(r, 0), other);
    /* Its failure comes back with its message; bad input and strangers are refused. */
    wr_world *stranger = NULL;
    assert_wr_ok(wr_world_create(NULL, &stranger));
    assert_int_equal(wr_world_runner_call_on_worker(r, stranger, add_another_arm, &g), WR_ERR_NOT_FOUND);
    assert_int_equal(wr_world_runner_call_on_worker(r, w, NULL, &g), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_runner_call_on_worker(r, w, build_silently_fails, NULL), WR_ERR_NOT_FOUND);
    assert_non_null(strstr(wr_last_error(), "callback returned WR_ERR_NOT_FOUND"));
    /* During a tick it is busy like everything else. */
    assert_wr_ok(wr_world_runner_step_begin(r, 2));
    g.links = 1;
    assert_int_equal(wr_world_runner_call_on_worker(r, w, add_another_arm, &g), WR_ERR_BUSY);
    assert_wr_ok(wr_world_runner_step_wait(r));
    assert_int_equal(wr_world_skeleton_count(w), 4); /* the ground, the two arms, and the failed call's ground */
    assert_wr_ok(wr_world_destroy(stranger));
    assert_wr_ok(wr_world_runner_destroy(r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(custom_worlds_are_built_on_their_worker),
        cmocka_unit_test(every_allocation_of_a_build_is_made_on_the_worker),
        cmocka_unit_test(a_failing_build_leaves_nothing_behind),
        cmocka_unit_test(cost_is_given_or_estimated_from_the_built_world),
        cmocka_unit_test(host_calls_during_a_tick_are_busy),
        cmocka_unit_test(callbacks_touch_only_their_own_world),
        cmocka_unit_test(later_changes_run_on_the_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
