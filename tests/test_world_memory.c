/* Worlds and memory: steady-state steps allocate nothing (base allocator and malloc), skeletons move between
 * managers with identical dynamics, budgets refuse skeletons cleanly, snapshots restore without allocating. */
#include "test_support.h"

#include <math.h>
#include <string.h>

#include "dynamics/skeleton_impl.h"
#include "malloc_count.h"

/* A world on a manager over a counting heap allocator. */
typedef struct counted_world {
    wr_memory_allocator *heap, *counting;
    wr_memory_manager *manager;
    wr_world *w;
    wr_world *more[4];              /* further worlds on the same manager */
    int more_count;
} counted_world;

static void counted_world_create(counted_world *c, size_t budget)
{
    memset(c, 0, sizeof *c);
    assert_wr_ok(wr_memory_allocator_create_heap(&c->heap));
    assert_wr_ok(wr_memory_allocator_create_counting(c->heap, &c->counting));
    wr_memory_manager_config mc;
    wr_memory_manager_config_init(&mc);
    mc.base = c->counting;
    mc.budget_bytes = budget;
    assert_wr_ok(wr_memory_manager_create(&mc, &c->manager));
    wr_world_config wc;
    wr_world_config_init(&wc);
    wc.memory = c->manager;
    assert_wr_ok(wr_world_create(&wc, &c->w));
}

static wr_world *counted_world_add(counted_world *c)
{
    wr_world_config wc;
    wr_world_config_init(&wc);
    wc.memory = c->manager;
    assert_true(c->more_count < 4);
    assert_wr_ok(wr_world_create(&wc, &c->more[c->more_count]));
    return c->more[c->more_count++];
}

static void counted_world_destroy(counted_world *c)
{
    for (int i = 0; i < c->more_count; i++)
        assert_wr_ok(wr_world_destroy(c->more[i]));
    assert_wr_ok(wr_world_destroy(c->w));
    assert_wr_ok(wr_memory_manager_destroy(c->manager));
    assert_wr_ok(wr_memory_allocator_destroy(c->counting));
    assert_wr_ok(wr_memory_allocator_destroy(c->heap));
}

static uint64_t base_allocations(const counted_world *c)
{
    wr_memory_allocator_counts n;
    assert_wr_ok(wr_memory_allocator_get_counts(c->counting, &n));
    return n.allocations;
}

/* Joint forces on every dof of `w` and a wrench on body 1 of its first skeleton, kept for every step. */
static void apply_test_forces(wr_world *w)
{
    double tau[128] = {0};
    const size_t nv = wr_world_dof_count(w);
    assert_true(nv <= 128);
    for (size_t k = 0; k < nv; k++)
        tau[k] = 0.5 * sin((double)k);
    assert_wr_ok(wr_world_set_joint_forces(w, tau, nv));
    const double f[3] = {1, 2, 3}, t[3] = {0.1, 0, -0.1};
    assert_wr_ok(wr_world_apply_body_wrench(w, 0, 1, f, t));
}

/* Step `steps` times after `warmup` steps; assert nothing was asked of the base allocator nor of malloc. */
static void check_steady_state(counted_world *c, int warmup, int steps, const char *what)
{
    for (int i = -1; i < c->more_count && warmup > 0; i++)
        assert_wr_ok(wr_world_step(i < 0 ? c->w : c->more[i], warmup));
    const uint64_t before = base_allocations(c);
    wr_memory_manager_stats s0, s1;
    assert_wr_ok(wr_memory_manager_get_stats(c->manager, &s0));
    int counted = malloc_count_require(what);
    if (counted)
        malloc_count_begin();
    wr_status st = WR_OK;
    for (int k = 0; k < steps && st == WR_OK; k++)
        for (int i = -1; i < c->more_count && st == WR_OK; i++)
            st = wr_world_step(i < 0 ? c->w : c->more[i], 1);
    malloc_count_stats m = {0};
    if (counted)
        m = malloc_count_end();
    assert_wr_ok(st);
    assert_wr_ok(wr_memory_manager_get_stats(c->manager, &s1));
    print_message("%s: %d steps after %d: base allocator requests %llu, manager allocations %llu, mallocs %llu "
                  "(%s)\n",
                  what, steps, warmup, (unsigned long long)(base_allocations(c) - before),
                  (unsigned long long)(s1.allocations - s0.allocations), (unsigned long long)m.allocations,
                  malloc_count_method());
    for (int tag = 0; tag < WR_MEMORY_TAG_COUNT; tag++)
        if (s1.by_tag[tag].allocations != s0.by_tag[tag].allocations)
            print_message("  tag %s: %llu allocations\n", wr_memory_tag_name((wr_memory_tag)tag),
                          (unsigned long long)(s1.by_tag[tag].allocations - s0.by_tag[tag].allocations));
    /* the dynamics (world and skeleton memory) never allocates on the step path */
    assert_int_equal(s1.by_tag[WR_MEMORY_TAG_WORLD].allocations, s0.by_tag[WR_MEMORY_TAG_WORLD].allocations);
    assert_int_equal(s1.by_tag[WR_MEMORY_TAG_SKELETON].allocations, s0.by_tag[WR_MEMORY_TAG_SKELETON].allocations);
    assert_int_equal(base_allocations(c), before);
    assert_int_equal(s1.base_requests, s0.base_requests);
    if (counted) {
        assert_int_equal(m.allocations, 0);
        assert_int_equal(m.frees, 0);
    }
}

static void test_steady_state_allocates_nothing(void **state)
{
    (void)state;
    /* articulated dynamics without constraints (no limits, no contacts): nothing after the first step */
    counted_world c;
    counted_world_create(&c, 0);
    wr_skeleton *s = NULL; /* a free tumbling box */
    assert_wr_ok(wr_skeleton_create(NULL, "tumbler", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    const double he[3] = {0.1, 0.2, 0.3};
    assert_wr_ok(wr_inertia_of_box(2.0, he, b.inertia));
    b.mass = 2.0;
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    const double v[6] = {1.0, 3.0, 0.2, 0.5, 0, 0};
    assert_wr_ok(wr_skeleton_set_velocities(s, v, 6));
    assert_wr_ok(wr_world_add_skeleton(c.w, &s, NULL));
    /* one scene per world (scenes overlap in space), all worlds on the one counted manager */
    const char *scenes[3] = {"chain:16", "chain:64", "pendulum"};
    for (int i = 0; i < 3; i++) {
        wr_world *w = counted_world_add(&c);
        assert_wr_ok(wr_scene_build(w, scenes[i]));
        if (i < 2)
            apply_test_forces(w);
    }
    check_steady_state(&c, 1, 10000, "articulated worlds, no constraints");
    counted_world_destroy(&c);
}

static void test_steady_state_with_contacts(void **state)
{
    (void)state;
    /* Contacts and joint limits: the dynamics (world and skeleton memory) still allocates nothing after the first
     * step. The constraint stage's frame allocator may grow while the constraint load reaches a new high-water
     * mark (boxes landing, limits reached); that growth is the constraint solver's, counted and printed here. */
    counted_world c;
    counted_world_create(&c, 0);
    assert_wr_ok(wr_scene_build(c.w, "boxes:4"));
    assert_wr_ok(wr_scene_build(c.w, "humanoid"));
    assert_wr_ok(wr_scene_build(c.w, "arm7"));
    assert_wr_ok(wr_world_step(c.w, 1));
    wr_memory_manager_stats s0, s1;
    assert_wr_ok(wr_memory_manager_get_stats(c.manager, &s0));
    assert_wr_ok(wr_world_step(c.w, 3000));
    assert_wr_ok(wr_memory_manager_get_stats(c.manager, &s1));
    print_message("with contacts: 3000 steps after the first: solver allocations %llu, world %llu, skeleton %llu\n",
                  (unsigned long long)(s1.by_tag[WR_MEMORY_TAG_SOLVER].allocations -
                                       s0.by_tag[WR_MEMORY_TAG_SOLVER].allocations),
                  (unsigned long long)(s1.by_tag[WR_MEMORY_TAG_WORLD].allocations -
                                       s0.by_tag[WR_MEMORY_TAG_WORLD].allocations),
                  (unsigned long long)(s1.by_tag[WR_MEMORY_TAG_SKELETON].allocations -
                                       s0.by_tag[WR_MEMORY_TAG_SKELETON].allocations));
    assert_int_equal(s1.by_tag[WR_MEMORY_TAG_WORLD].allocations, s0.by_tag[WR_MEMORY_TAG_WORLD].allocations);
    assert_int_equal(s1.by_tag[WR_MEMORY_TAG_SKELETON].allocations, s0.by_tag[WR_MEMORY_TAG_SKELETON].allocations);
    counted_world_destroy(&c);
}

/* A small arm with every joint type, built on `manager` (NULL = the skeleton's own). */
static wr_skeleton *build_mixed(wr_memory_manager *manager)
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(manager, "mixed", &s));
    const wr_joint_type types[5] = {WR_JOINT_FREE, WR_JOINT_BALL, WR_JOINT_REVOLUTE, WR_JOINT_PRISMATIC, WR_JOINT_WELD};
    for (int i = 0; i < 5; i++) {
        wr_body_desc b;
        wr_body_desc_init(&b);
        b.parent = i - 1;
        wr_joint_desc_init(&b.joint, types[i]);
        b.joint.axis[0] = 0.3;
        b.joint.axis[1] = 1.0;
        b.joint.parent_pose.position[2] = i ? -0.3 : 1.0;
        b.joint.damping = 0.05;
        b.com[0] = 0.05 * i;
        b.com[2] = -0.1;
        b.mass = 1.0 + i;
        double he[3] = {0.1, 0.05 + 0.01 * i, 0.15};
        assert_wr_ok(wr_inertia_of_box(b.mass, he, b.inertia));
        int body = 0;
        assert_wr_ok(wr_skeleton_add_body(s, &b, &body));
        wr_shape_desc sh;
        wr_shape_desc_init(&sh, WR_SHAPE_BOX);
        memcpy(sh.size, he, sizeof he);
        sh.collision_mask = 0; /* this test is about dynamics: no contacts */
        assert_wr_ok(wr_skeleton_add_shape(s, body, &sh, NULL));
    }
    double v[64];
    for (int k = 0; k < wr_skeleton_dof_count(s); k++)
        v[k] = 0.3 * cos(1.7 * k);
    assert_wr_ok(wr_skeleton_set_velocities(s, v, (size_t)wr_skeleton_dof_count(s)));
    return s;
}

static void test_moved_skeleton_identical(void **state)
{
    (void)state;
    wr_world *a = NULL, *b = NULL, *c = NULL;
    assert_wr_ok(wr_world_create(NULL, &a));
    assert_wr_ok(wr_world_create(NULL, &b));
    assert_wr_ok(wr_world_create(NULL, &c));
    /* a: built in place; b: built on its own default manager, moved on add; c: built on a user manager, moved */
    wr_skeleton *sa = build_mixed(wr_world_get_memory_manager(a));
    wr_skeleton *sb = build_mixed(NULL);
    wr_memory_manager *user = NULL;
    assert_wr_ok(wr_memory_manager_create(NULL, &user));
    wr_skeleton *sc = build_mixed(user);
    wr_skeleton *sa0 = sa;
    assert_wr_ok(wr_world_add_skeleton(a, &sa, NULL));
    assert_ptr_equal(sa, sa0); /* same manager: nothing moved */
    assert_wr_ok(wr_world_add_skeleton(b, &sb, NULL));
    assert_wr_ok(wr_world_add_skeleton(c, &sc, NULL));
    assert_ptr_equal(wr_skeleton_memory_manager(sb), wr_world_get_memory_manager(b));
    /* the body_node_pool is one contiguous, 32-byte aligned array of fixed-size slots, wherever it lives */
    assert_int_equal((uintptr_t)sb->bodies % 32, 0);
    assert_int_equal((uintptr_t)sc->bodies % 32, 0);
    assert_int_equal(sizeof(body_node) % 32, 0);
    assert_int_equal((uintptr_t)&sb->bodies[3] - (uintptr_t)&sb->bodies[0], 3 * sizeof(body_node));
    assert_ptr_equal(wr_skeleton_memory_manager(sc), wr_world_get_memory_manager(c));
    wr_memory_manager_stats us;
    assert_wr_ok(wr_memory_manager_get_stats(user, &us));
    assert_int_equal(us.bytes_in_use, 0); /* everything left the user's manager */
    wr_memory_manager_stats ws;
    assert_wr_ok(wr_memory_manager_get_stats(wr_world_get_memory_manager(b), &ws));
    assert_true(ws.by_tag[WR_MEMORY_TAG_SKELETON].bytes_in_use >= wr_skeleton_memory_bytes(sb));
    assert_int_equal(wr_world_state_hash(a), wr_world_state_hash(b));
    for (int k = 0; k < 5; k++) {
        assert_wr_ok(wr_world_step(a, 200));
        assert_wr_ok(wr_world_step(b, 200));
        assert_wr_ok(wr_world_step(c, 200));
        assert_int_equal(wr_world_state_hash(a), wr_world_state_hash(b));
        assert_int_equal(wr_world_state_hash(a), wr_world_state_hash(c));
    }
    assert_wr_ok(wr_world_destroy(a));
    assert_wr_ok(wr_world_destroy(b));
    assert_wr_ok(wr_world_destroy(c));
    assert_wr_ok(wr_memory_manager_destroy(user));
}

static void test_budget_refuses_cleanly(void **state)
{
    (void)state;
    /* the budget: what a pendulum world needs (measured here, so it follows the solver's own needs) */
    counted_world probe;
    counted_world_create(&probe, 0);
    assert_wr_ok(wr_scene_build(probe.w, "pendulum"));
    assert_wr_ok(wr_world_step(probe.w, 3));
    wr_memory_manager_stats ps;
    assert_wr_ok(wr_memory_manager_get_stats(probe.manager, &ps));
    counted_world_destroy(&probe);

    counted_world c;
    counted_world_create(&c, ps.peak_bytes_reserved);
    assert_wr_ok(wr_scene_build(c.w, "pendulum"));
    assert_wr_ok(wr_world_step(c.w, 3));
    const uint64_t h = wr_world_state_hash(c.w);
    wr_memory_manager_stats s0, s1;
    assert_wr_ok(wr_memory_manager_get_stats(c.manager, &s0));
    /* a scene too big for the budget: refused, world unchanged */
    wr_status st = wr_scene_build(c.w, "chain:64");
    assert_int_equal(st, WR_ERR_BUDGET);
    assert_true(strlen(wr_last_error()) > 0);
    assert_int_equal(wr_world_skeleton_count(c.w), 1);
    assert_wr_ok(wr_memory_manager_get_stats(c.manager, &s1));
    assert_int_equal(s1.bytes_in_use, s0.bytes_in_use);
    /* a skeleton built elsewhere: the move is refused, the skeleton stays valid where it was */
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "big", &s));
    for (int i = 0; i < 60; i++) {
        wr_body_desc b;
        wr_body_desc_init(&b);
        b.parent = i - 1;
        wr_joint_desc_init(&b.joint, i ? WR_JOINT_BALL : WR_JOINT_FREE);
        assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    }
    wr_skeleton *before = s;
    st = wr_world_add_skeleton(c.w, &s, NULL);
    assert_int_equal(st, WR_ERR_BUDGET);
    assert_ptr_equal(s, before);
    assert_int_equal(wr_world_skeleton_count(c.w), 1);
    assert_wr_ok(wr_memory_manager_get_stats(c.manager, &s1));
    assert_int_equal(s1.bytes_in_use, s0.bytes_in_use);
    assert_int_equal(wr_world_state_hash(c.w), h);
    double ke = 0;
    assert_wr_ok(wr_skeleton_kinetic_energy(s, &ke)); /* still usable */
    assert_wr_ok(wr_skeleton_destroy(s));
    /* the world steps on */
    assert_wr_ok(wr_world_step(c.w, 3));
    counted_world_destroy(&c);
}

static void test_set_memory_manager(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    wr_memory_manager *m = NULL;
    assert_wr_ok(wr_memory_manager_create(NULL, &m));
    assert_wr_ok(wr_world_set_memory_manager(w, m)); /* holds nothing yet */
    assert_ptr_equal(wr_world_get_memory_manager(w), m);
    assert_wr_ok(wr_scene_build(w, "chain:4"));
    wr_memory_manager *other = NULL;
    assert_wr_ok(wr_memory_manager_create(NULL, &other));
    assert_int_equal(wr_world_set_memory_manager(w, other), WR_ERR_BUSY);
    assert_ptr_equal(wr_world_get_memory_manager(w), m);
    assert_wr_ok(wr_world_step(w, 10));
    assert_wr_ok(wr_world_destroy(w));
    wr_memory_manager_stats st;
    assert_wr_ok(wr_memory_manager_get_stats(m, &st));
    assert_int_equal(st.bytes_in_use, 0); /* the world gave everything back */
    assert_wr_ok(wr_memory_manager_destroy(m));
    assert_wr_ok(wr_memory_manager_destroy(other));
}

static void test_snapshot_restore(void **state)
{
    (void)state;
    counted_world c;
    counted_world_create(&c, 0);
    assert_wr_ok(wr_scene_build(c.w, "humanoid"));
    assert_wr_ok(wr_scene_build(c.w, "arm7"));
    assert_wr_ok(wr_world_step(c.w, 10));
    /* caller buffer */
    static unsigned char buffer[8192];
    assert_true(wr_world_snapshot_size(c.w) <= sizeof buffer);
    assert_wr_ok(wr_world_save_snapshot(c.w, buffer, sizeof buffer));
    const uint64_t saved = wr_world_state_hash(c.w);
    const double t = wr_world_time(c.w);
    /* world-memory snapshot */
    wr_world_snapshot *snap = NULL;
    assert_wr_ok(wr_world_snapshot_create(c.w, &snap));
    assert_wr_ok(wr_world_snapshot_save(c.w, snap));
    assert_wr_ok(wr_world_step(c.w, 100));
    assert_true(wr_world_state_hash(c.w) != saved);
    const uint64_t base0 = base_allocations(&c);
    int counted = malloc_count_require("snapshot restore allocates nothing");
    if (counted)
        malloc_count_begin();
    assert_wr_ok(wr_world_restore_snapshot(c.w, buffer, sizeof buffer));
    malloc_count_stats m = {0};
    if (counted)
        m = malloc_count_end();
    assert_int_equal(wr_world_state_hash(c.w), saved);
    assert_true(wr_world_time(c.w) == t);
    assert_int_equal(wr_world_step_count(c.w), 10);
    assert_int_equal(base_allocations(&c), base0);
    if (counted)
        assert_int_equal(m.allocations, 0);
    /* the same trajectory replays bit for bit */
    assert_wr_ok(wr_world_step(c.w, 100));
    const uint64_t after = wr_world_state_hash(c.w);
    assert_wr_ok(wr_world_snapshot_restore(c.w, snap));
    assert_int_equal(wr_world_state_hash(c.w), saved);
    assert_wr_ok(wr_world_step(c.w, 100));
    assert_int_equal(wr_world_state_hash(c.w), after);
    /* wrong layout: refused, world unchanged */
    assert_int_equal(wr_world_restore_snapshot(c.w, buffer, 16), WR_ERR_INVALID_ARGUMENT);
    assert_wr_ok(wr_scene_build(c.w, "pendulum"));
    uint64_t h = wr_world_state_hash(c.w);
    assert_int_equal(wr_world_restore_snapshot(c.w, buffer, sizeof buffer), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_state_hash(c.w), h);
    assert_wr_ok(wr_world_snapshot_destroy(c.w, snap));
    counted_world_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steady_state_allocates_nothing),
        cmocka_unit_test(test_steady_state_with_contacts),
        cmocka_unit_test(test_moved_skeleton_identical),
        cmocka_unit_test(test_budget_refuses_cleanly),
        cmocka_unit_test(test_set_memory_manager),
        cmocka_unit_test(test_snapshot_restore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
