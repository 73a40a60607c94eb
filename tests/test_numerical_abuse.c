/* Numerical abuse (issue 13, item 4): huge and non-finite states set through the flat state API, extreme time
 * steps and masses, long chains. The promise: every wr_world_step either succeeds, leaving a finite state, or
 * fails with a status and a message and leaves the world exactly as it was (state hash, time, step count); a world
 * that failed is still usable (a sane state set again steps normally). Nothing may hang, crash or trip a
 * sanitizer. The program prints how many steps it ran and how they ended. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"

typedef struct tally {
    uint64_t steps, ok, failed[16];
} tally;

static tally g_tally;

/* One step, checked against the promise. Returns its status. */
static wr_status checked_step(wr_world *w, const char *what)
{
    const uint64_t hash = wr_world_state_hash(w), steps = wr_world_step_count(w);
    const double time = wr_world_time(w);
    wr_clear_error();
    wr_status st = wr_world_step(w, 1);
    g_tally.steps++;
    if (st == WR_OK) {
        g_tally.ok++;
        assert_int_equal(wr_world_step_count(w), steps + 1);
        size_t nq = wr_world_position_count(w), nv = wr_world_dof_count(w);
        double q[4096], v[4096];
        assert_true(nq <= 4096 && nv <= 4096);
        assert_wr_ok(wr_world_get_positions(w, q, nq));
        assert_wr_ok(wr_world_get_velocities(w, v, nv));
        for (size_t k = 0; k < nq; ++k)
            if (!isfinite(q[k]))
                fail_msg("%s: step succeeded with q[%zu] = %g", what, k, q[k]);
        for (size_t k = 0; k < nv; ++k)
            if (!isfinite(v[k]))
                fail_msg("%s: step succeeded with v[%zu] = %g", what, k, v[k]);
        return st;
    }
    g_tally.failed[(unsigned)st < 16 ? (unsigned)st : 15]++;
    if (wr_world_state_hash(w) != hash || wr_world_step_count(w) != steps || wr_world_time(w) != time)
        fail_msg("%s: step failed (%s: %s) and changed the world", what, wr_status_name(st), wr_last_error());
    if (!wr_last_error()[0])
        fail_msg("%s: step failed with %s and no message", what, wr_status_name(st));
    assert_true(st == WR_ERR_NON_FINITE || st == WR_ERR_BUDGET || st == WR_ERR_OUT_OF_MEMORY);
    return st;
}

/* Step `n` times (stopping at the first failure); returns the number of failures (0 or 1). */
static int checked_steps(wr_world *w, int n, const char *what)
{
    for (int i = 0; i < n; ++i)
        if (checked_step(w, what) != WR_OK)
            return 1;
    return 0;
}

static wr_world *scene_world(const char *scene, double dt)
{
    wr_world_config c;
    wr_world_config_init(&c);
    c.time_step = dt;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(&c, &w));
    assert_wr_ok(wr_scene_build(w, scene));
    return w;
}

/* After abuse, the world still works: restore a sane snapshot and step. */
static void still_usable(wr_world *w, const void *snapshot, size_t bytes, const char *what)
{
    assert_wr_ok(wr_world_clear_forces(w));
    assert_wr_ok(wr_world_set_time_step(w, 0.001));
    const double g[3] = {0, 0, -9.81};
    assert_wr_ok(wr_world_set_gravity(w, g));
    assert_wr_ok(wr_world_restore_snapshot(w, snapshot, bytes));
    for (int i = 0; i < 5; ++i)
        if (checked_step(w, what) != WR_OK)
            fail_msg("%s: a sane state no longer steps: %s", what, wr_last_error());
}

static const char *const scenes[] = {"pendulum", "chain:16", "arm7", "humanoid", "boxes:8"};
enum { SCENES = sizeof scenes / sizeof scenes[0] };

/* ---- non-finite values are refused at the boundary -------------------------------------------------------------- */

static void non_finite_states_are_refused(void **state)
{
    (void)state;
    const double bad[] = {NAN, -NAN, INFINITY, -INFINITY};
    for (int sc = 0; sc < SCENES; ++sc) {
        wr_world *w = scene_world(scenes[sc], 0.001);
        assert_wr_ok(wr_world_step(w, 3));
        const uint64_t hash = wr_world_state_hash(w);
        size_t nq = wr_world_position_count(w), nv = wr_world_dof_count(w);
        double q[512], v[512];
        for (size_t i = 0; i < 4; ++i) {
            for (size_t k = 0; k < nq; k += 1 + nq / 7) {
                assert_wr_ok(wr_world_get_positions(w, q, nq));
                q[k] = bad[i];
                assert_int_equal(wr_world_set_positions(w, q, nq), WR_ERR_NON_FINITE);
            }
            for (size_t k = 0; k < nv; k += 1 + nv / 7) {
                assert_wr_ok(wr_world_get_velocities(w, v, nv));
                v[k] = bad[i];
                assert_int_equal(wr_world_set_velocities(w, v, nv), WR_ERR_NON_FINITE);
                assert_int_equal(wr_world_set_joint_forces(w, v, nv), WR_ERR_NON_FINITE);
            }
            const double f[3] = {bad[i], 0, 0}, zero[3] = {0, 0, 0};
            assert_int_equal(wr_world_apply_body_wrench(w, 0, 0, f, zero), WR_ERR_NON_FINITE);
            assert_int_equal(wr_world_apply_body_wrench(w, 0, 0, zero, f), WR_ERR_NON_FINITE);
            assert_int_equal(wr_world_set_gravity(w, f), WR_ERR_NON_FINITE);
            assert_int_equal(wr_world_set_time_step(w, bad[i]), WR_ERR_NON_FINITE);
        }
        assert_int_equal(wr_world_state_hash(w), hash);
        assert_int_equal(checked_steps(w, 5, scenes[sc]), 0);
        assert_wr_ok(wr_world_destroy(w));
    }
}

/* ---- huge finite states ----------------------------------------------------------------------------------------- */

/* Scale every position (not the quaternions, which must stay unit) and every velocity. */
static void set_scaled_state(wr_world *w, double q_value, double v_value, int which)
{
    size_t nq = wr_world_position_count(w), nv = wr_world_dof_count(w);
    double q[512], v[512];
    assert_wr_ok(wr_world_get_positions(w, q, nq));
    assert_wr_ok(wr_world_get_velocities(w, v, nv));
    if (which & 1) {
        /* entry by entry, keeping what is accepted: quaternion entries (which must stay unit) are refused */
        for (size_t k = 0; k < nq; ++k) {
            double old = q[k];
            q[k] = (k % 2 ? -1 : 1) * q_value;
            if (wr_world_set_positions(w, q, nq) != WR_OK)
                q[k] = old;
        }
    }
    if (which & 2) {
        for (size_t k = 0; k < nv; ++k)
            v[k] = (k % 3 ? 1 : -1) * v_value;
        assert_wr_ok(wr_world_set_velocities(w, v, nv));
    }
}

/* Huge joint forces, wrenches and gravity. */
static void set_huge_forces(wr_world *w, double value)
{
    double tau[512];
    size_t nv = wr_world_dof_count(w);
    for (size_t k = 0; k < nv; ++k)
        tau[k] = value;
    assert_wr_ok(wr_world_set_joint_forces(w, tau, nv));
    const double f[3] = {value, -value, value};
    assert_wr_ok(wr_world_apply_body_wrench(w, wr_world_skeleton_count(w) - 1, 0, f, f));
    const double g[3] = {0, value, -value};
    assert_wr_ok(wr_world_set_gravity(w, g));
}

/* which: 1 = q, 2 = v, 3 = both, 4 = forces. */
static void abuse(wr_world *w, double value, int which)
{
    if (which == 4)
        set_huge_forces(w, value);
    else
        set_scaled_state(w, value, value, which);
}

/* A failed step left nothing behind, not even in what the hash does not see (warm-start cache, factor and
 * kinematics caches): a twin brought to the state just before the failing step, never having tried it, and the
 * failed world, both given the same sane state through the flat API (which keeps the caches) and stepped on, stay
 * bit-identical. */
static void no_residue(wr_world *w, const char *scene, const void *snap, size_t bytes, double value, int which,
                       int steps_ok, const char *what)
{
    wr_world *twin = scene_world(scene, 0.001);
    assert_wr_ok(wr_world_restore_snapshot(twin, snap, bytes));
    abuse(twin, value, which);
    for (int i = 0; i < steps_ok; ++i)
        assert_wr_ok(wr_world_step(twin, 1));
    assert_int_equal(wr_world_state_hash(twin), wr_world_state_hash(w));
    wr_world *sane = scene_world(scene, 0.001);
    assert_wr_ok(wr_world_restore_snapshot(sane, snap, bytes));
    double q[512], v[512];
    size_t nq = wr_world_position_count(w), nv = wr_world_dof_count(w);
    assert_wr_ok(wr_world_get_positions(sane, q, nq));
    assert_wr_ok(wr_world_get_velocities(sane, v, nv));
    const double g[3] = {0, 0, -9.81};
    wr_world *both[2] = {w, twin};
    for (int k = 0; k < 2; ++k) {
        assert_wr_ok(wr_world_clear_forces(both[k]));
        assert_wr_ok(wr_world_set_gravity(both[k], g));
        assert_wr_ok(wr_world_set_positions(both[k], q, nq));
        assert_wr_ok(wr_world_set_velocities(both[k], v, nv));
        wr_status st = wr_world_step(both[k], 10);
        if (st != WR_OK)
            fail_msg("%s: %s, a sane state set through the flat API fails to step: %s", what,
                     k ? "the twin" : "the world that failed", wr_last_error());
    }
    if (wr_world_state_hash(w) != wr_world_state_hash(twin))
        fail_msg("%s: the failed step left something behind (replay differs from a twin that never tried it)", what);
    assert_wr_ok(wr_world_destroy(sane));
    assert_wr_ok(wr_world_destroy(twin));
}

static void huge_states_step_or_fail_cleanly(void **state)
{
    (void)state;
    const double values[] = {1e3, 1e8, 1e15, 1e100, 1e154, 1e200, 1e300, DBL_MAX, -DBL_MAX, 1e-300, DBL_MIN / 4,
                             -0.0};
    static const char *const kinds[] = {"", "q", "v", "q and v", "forces, wrench, gravity"};
    int failures = 0, cases = 0;
    for (int sc = 0; sc < SCENES; ++sc) {
        wr_world *w = scene_world(scenes[sc], 0.001);
        assert_wr_ok(wr_world_step(w, 2));
        unsigned char snap[1 << 15];
        size_t bytes = wr_world_snapshot_size(w);
        assert_true(bytes <= sizeof snap);
        assert_wr_ok(wr_world_save_snapshot(w, snap, sizeof snap));
        for (size_t i = 0; i < sizeof values / sizeof values[0]; ++i) {
            for (int which = 1; which <= 4; ++which) {
                char what[96];
                snprintf(what, sizeof what, "%s, %s = %g", scenes[sc], kinds[which], values[i]);
                assert_wr_ok(wr_world_restore_snapshot(w, snap, sizeof snap));
                abuse(w, values[i], which);
                const uint64_t before = wr_world_step_count(w);
                int failed = checked_steps(w, 3, what);
                failures += failed;
                cases++;
                if (failed)
                    no_residue(w, scenes[sc], snap, sizeof snap, values[i], which,
                               (int)(wr_world_step_count(w) - before), what);
                still_usable(w, snap, sizeof snap, what);
            }
        }
        assert_wr_ok(wr_world_destroy(w));
    }
    print_message("huge states: %d cases, %d ended in a failed step (world unchanged, no residue)\n", cases,
                  failures);
}

/* ---- extreme time steps ---------------------------------------------------------------------------------------- */

static void extreme_time_steps(void **state)
{
    (void)state;
    const double dts[] = {1e-300, 1e-9, 1e-6, 0.1, 1.0, 10.0, 1e6, 1e300};
    const int steps[] = {20, 200, 50, 30, 20, 20, 5, 3};
    for (int sc = 0; sc < SCENES; ++sc) {
        for (size_t i = 0; i < sizeof dts / sizeof dts[0]; ++i) {
            char what[64];
            snprintf(what, sizeof what, "%s at dt = %g s", scenes[sc], dts[i]);
            wr_world *w = scene_world(scenes[sc], dts[i]);
            checked_steps(w, steps[i], what);
            /* back to 1 ms: usable again, from wherever it got to (or from the start) */
            assert_wr_ok(wr_world_set_time_step(w, 0.001));
            checked_steps(w, 3, what);
            assert_wr_ok(wr_world_destroy(w));
        }
    }
}

/* ---- extreme masses and mass ratios ---------------------------------------------------------------------------- */

static void box_body(wr_body_desc *b, double mass, wr_joint_type type, int parent, double z)
{
    wr_body_desc_init(b);
    wr_joint_desc_init(&b->joint, type);
    b->parent = parent;
    b->mass = mass;
    const double half[3] = {0.05, 0.05, 0.05};
    assert_wr_ok(wr_inertia_of_box(mass, half, b->inertia));
    b->joint.parent_pose.position[2] = z;
    b->joint.axis[0] = 0;
    b->joint.axis[1] = 1;
    b->joint.axis[2] = 0;
}

/* A chain of `links` revolute links whose masses alternate between lo and hi, and a free box of mass `free_mass`
 * resting on a ground plane, with another box of mass lo stacked on it. */
static wr_world *mass_world(double lo, double hi, double free_mass, int links)
{
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_scene_build(w, "pendulum")); /* something ordinary beside */
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "masses", &s));
    for (int i = 0; i < links; ++i) {
        wr_body_desc b;
        box_body(&b, i % 2 ? hi : lo, WR_JOINT_REVOLUTE, i - 1, i == 0 ? 3.0 : -0.1);
        b.joint.damping = 0.01;
        assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
        wr_shape_desc sh;
        wr_shape_desc_init(&sh, WR_SHAPE_BOX);
        sh.size[0] = sh.size[1] = sh.size[2] = 0.05;
        assert_wr_ok(wr_skeleton_add_shape(s, i, &sh, NULL));
    }
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    /* ground, and a stack of two free boxes */
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "ground", &s));
    wr_body_desc g;
    box_body(&g, 1.0, WR_JOINT_WELD, -1, 0.0);
    assert_wr_ok(wr_skeleton_add_body(s, &g, NULL));
    wr_shape_desc plane;
    wr_shape_desc_init(&plane, WR_SHAPE_PLANE);
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &plane, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    for (int k = 0; k < 2; ++k) {
        assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "box", &s));
        wr_body_desc b;
        box_body(&b, k == 0 ? free_mass : lo, WR_JOINT_FREE, -1, 0.0);
        b.joint.parent_pose.position[0] = 1.0;
        b.joint.parent_pose.position[2] = 0.0501 + 0.1 * k;
        assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
        wr_shape_desc sh;
        wr_shape_desc_init(&sh, WR_SHAPE_BOX);
        sh.size[0] = sh.size[1] = sh.size[2] = 0.05;
        assert_wr_ok(wr_skeleton_add_shape(s, 0, &sh, NULL));
        assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    }
    return w;
}

static void extreme_masses(void **state)
{
    (void)state;
    const double pairs[][3] = {
        {1e-9, 1e-9, 1e-9}, {1e9, 1e9, 1e9}, {1e-9, 1e9, 1.0}, {1e-9, 1.0, 1e9},
        {1.0, 1e9, 1e-9},   {1e-6, 1e6, 1e3}, {1e-300, 1e-300, 1e-300}, {1e-9, 1e300, 1e300},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; ++i) {
        char what[96];
        snprintf(what, sizeof what, "masses %g / %g, free box %g kg", pairs[i][0], pairs[i][1], pairs[i][2]);
        wr_world *w = mass_world(pairs[i][0], pairs[i][1], pairs[i][2], 12);
        checked_steps(w, 300, what);
        assert_wr_ok(wr_world_destroy(w));
    }
}

/* ---- long chains ----------------------------------------------------------------------------------------------- */

static void long_chains(void **state)
{
    (void)state;
    const double dts[] = {1e-3, 1e-2};
    for (size_t i = 0; i < sizeof dts / sizeof dts[0]; ++i) {
        char what[64];
        snprintf(what, sizeof what, "chain:200 at dt = %g s", dts[i]);
        wr_world *w = scene_world("chain:200", dts[i]);
        /* undamped: the free end whips */
        for (int b = 0; b < 200; ++b)
            assert_wr_ok(wr_skeleton_set_joint_damping(wr_world_get_skeleton(w, 0), b, 0.0));
        checked_steps(w, 400, what);
        assert_wr_ok(wr_world_destroy(w));
    }
    /* 200 links lying on the ground under a huge initial spin */
    wr_world *w = scene_world("chain:200", 1e-3);
    assert_wr_ok(wr_scene_build(w, "boxes:8"));
    set_scaled_state(w, 0.0, 1e4, 2);
    checked_steps(w, 100, "chain:200 spun at 1e4 rad/s among boxes");
    assert_wr_ok(wr_world_destroy(w));
}

/* ---- settings and joint parameters at their extremes ------------------------------------------------------------ */

static void extreme_settings_and_joints(void **state)
{
    (void)state;
    for (int sc = 0; sc < SCENES; ++sc) {
        for (int variant = 0; variant < 4; ++variant) {
            char what[96];
            snprintf(what, sizeof what, "%s, extreme solver settings %d", scenes[sc], variant);
            wr_world *w = scene_world(scenes[sc], 0.001);
            wr_collision_settings cs;
            assert_wr_ok(wr_collision_get_settings(w, &cs));
            switch (variant) {
            case 0: cs.margin = 1e308; cs.limit_margin = 1e308; break;
            case 1: cs.max_correction = 1e308; cs.erp = 1.0; cs.cfm = 0.0; cs.slop = 0.0; break;
            case 2: cs.slop = 1e308; cs.restitution_threshold = 0.0; cs.tolerance = 0.0; cs.max_iterations = 10000; break;
            default: cs.cfm = 1e300; cs.tolerance = 1e300; cs.max_iterations = 1; break;
            }
            assert_wr_ok(wr_collision_set_settings(w, &cs));
            checked_steps(w, variant == 2 ? 20 : 200, what);
            assert_wr_ok(wr_world_destroy(w));
        }
    }
    /* joints: huge stiffness and damping, tiny velocity and effort limits, limits at +-1e308 */
    for (int variant = 0; variant < 4; ++variant) {
        wr_world *w = NULL;
        assert_wr_ok(wr_world_create(NULL, &w));
        wr_skeleton *s = NULL;
        assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "joints", &s));
        const wr_joint_type types[] = {WR_JOINT_FREE, WR_JOINT_BALL, WR_JOINT_REVOLUTE, WR_JOINT_PRISMATIC};
        for (int i = 0; i < 4; ++i) {
            wr_body_desc b;
            box_body(&b, 1.0, types[i], i - 1, 0.3);
            b.joint.axis[0] = 1;
            switch (variant) {
            case 0: b.joint.stiffness = 1e300; b.joint.damping = 1e300; break;
            case 1:
                for (int k = 0; k < 6; ++k)
                    b.joint.velocity_limit[k] = b.joint.effort_limit[k] = 1e-300;
                break;
            case 2:
                for (int k = 0; k < 6; ++k) {
                    b.joint.position_lower[k] = -1e308;
                    b.joint.position_upper[k] = 1e308;
                }
                break;
            default:
                for (int k = 0; k < 6; ++k)
                    b.joint.position_lower[k] = b.joint.position_upper[k] = 1e-300; /* a zero-width range */
                b.joint.rest_position = 1e300;
                b.joint.stiffness = 1.0;
                break;
            }
            assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
        }
        assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
        char what[64];
        snprintf(what, sizeof what, "extreme joint parameters %d", variant);
        double v[16];
        for (int k = 0; k < 11; ++k)
            v[k] = 1e3 * (k % 2 ? 1 : -1);
        assert_wr_ok(wr_world_set_velocities(w, v, wr_world_dof_count(w)));
        checked_steps(w, 200, what);
        assert_wr_ok(wr_world_destroy(w));
    }
}

/* The bodies of one skeleton overlapping deeply (self collision): the contacts push them apart violently. */
static void overlapping_bodies_of_one_skeleton(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_scene_build(w, "pendulum"));
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "tangle", &s));
    const wr_joint_type types[9] = {WR_JOINT_FREE, WR_JOINT_REVOLUTE, WR_JOINT_BALL,    WR_JOINT_PRISMATIC,
                                    WR_JOINT_WELD, WR_JOINT_REVOLUTE, WR_JOINT_BALL,    WR_JOINT_REVOLUTE,
                                    WR_JOINT_PRISMATIC};
    for (int b = 0; b < 9; ++b) {
        wr_body_desc d;
        wr_body_desc_init(&d);
        wr_joint_desc_init(&d.joint, types[b]);
        d.parent = b == 0 ? -1 : (b - 1) / 2;
        d.joint.parent_pose.position[2] = b == 0 ? 1.0 : 0.2;
        d.joint.axis[0] = 1.0;
        d.joint.damping = 0.1;
        assert_wr_ok(wr_skeleton_add_body(s, &d, NULL));
        wr_shape_desc sh;
        wr_shape_desc_init(&sh, (wr_shape_type)(b % 4));
        assert_wr_ok(wr_skeleton_add_shape(s, b, &sh, NULL));
    }
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    checked_steps(w, 200, "overlapping bodies of one skeleton");
    assert_wr_ok(wr_world_destroy(w));
}

/* Found by no_residue(): after one violent step (v = 1e15 on the humanoid, whose joint-limit rows then carry
 * impulses of that size into the warm-start cache), a sane state set through the flat API exploded (1.6e11 rad/s
 * after one step, NaN after three): the next steps warm-started from impulses of the old state. Setting q or v now
 * discards the warm start, so the world steps exactly like one that was given the same state after a quiet start,
 * and a snapshot saved then replays bit for bit. */
static void setting_the_state_discards_the_warm_start(void **state)
{
    (void)state;
    wr_world *violent = scene_world("humanoid", 0.001), *quiet = scene_world("humanoid", 0.001);
    assert_wr_ok(wr_world_step(violent, 2));
    assert_wr_ok(wr_world_step(quiet, 2));
    double q[128], v[128], q2[128], v2[128];
    size_t nq = wr_world_position_count(quiet), nv = wr_world_dof_count(quiet);
    assert_wr_ok(wr_world_get_positions(quiet, q, nq));
    assert_wr_ok(wr_world_get_velocities(quiet, v, nv));
    set_scaled_state(violent, 0.0, 1e15, 2);
    assert_wr_ok(wr_world_step(violent, 1));
    wr_world *both[2] = {violent, quiet};
    for (int k = 0; k < 2; ++k) {
        assert_wr_ok(wr_world_set_positions(both[k], q, nq));
        assert_wr_ok(wr_world_set_velocities(both[k], v, nv));
    }
    /* no cache in a snapshot taken now: it would not be used */
    assert_int_equal(wr_world_snapshot_size(violent), wr_world_snapshot_size(quiet));
    unsigned char snap[1 << 14];
    assert_wr_ok(wr_world_save_snapshot(violent, snap, sizeof snap));
    for (int k = 0; k < 2; ++k)
        assert_wr_ok(wr_world_step(both[k], 20));
    assert_wr_ok(wr_world_get_positions(violent, q, nq));
    assert_wr_ok(wr_world_get_velocities(violent, v, nv));
    assert_wr_ok(wr_world_get_positions(quiet, q2, nq));
    assert_wr_ok(wr_world_get_velocities(quiet, v2, nv));
    assert_memory_equal(q, q2, nq * sizeof q[0]);
    assert_memory_equal(v, v2, nv * sizeof v[0]);
    const uint64_t after = wr_world_state_hash(violent);
    assert_wr_ok(wr_world_restore_snapshot(violent, snap, sizeof snap));
    assert_wr_ok(wr_world_step(violent, 20));
    assert_int_equal(wr_world_state_hash(violent), after);
    /* the skeleton's own setters count too */
    wr_skeleton *s = wr_world_get_skeleton(quiet, wr_world_skeleton_count(quiet) - 1);
    double sv[64];
    const size_t snv = (size_t)wr_skeleton_dof_count(s);
    assert_wr_ok(wr_skeleton_get_velocities(s, sv, snv));
    const size_t with_cache = wr_world_snapshot_size(quiet);
    assert_wr_ok(wr_skeleton_set_velocities(s, sv, snv));
    assert_true(wr_world_snapshot_size(quiet) <= with_cache);
    assert_wr_ok(wr_world_destroy(violent));
    assert_wr_ok(wr_world_destroy(quiet));
}

static void summary(void **state)
{
    (void)state;
    uint64_t failed = 0;
    for (int s = 0; s < 16; ++s)
        failed += g_tally.failed[s];
    printf("numerical abuse: %llu steps checked: %llu succeeded with a finite state, %llu failed with a status and "
           "left the world unchanged (%llu WR_ERR_NON_FINITE)\n",
           (unsigned long long)g_tally.steps, (unsigned long long)g_tally.ok, (unsigned long long)failed,
           (unsigned long long)g_tally.failed[WR_ERR_NON_FINITE]);
    assert_int_equal(g_tally.ok + failed, g_tally.steps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(non_finite_states_are_refused),
        cmocka_unit_test(huge_states_step_or_fail_cleanly),
        cmocka_unit_test(extreme_time_steps),
        cmocka_unit_test(extreme_masses),
        cmocka_unit_test(long_chains),
        cmocka_unit_test(extreme_settings_and_joints),
        cmocka_unit_test(overlapping_bodies_of_one_skeleton),
        cmocka_unit_test(setting_the_state_discards_the_warm_start),
        cmocka_unit_test(summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
