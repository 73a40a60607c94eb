/* Bad input: every refusal returns a clear status and message and changes nothing; a step meeting a non-finite
 * state fails and leaves the world as it was. Also: effort limits clamp commands. */
#include "test_support.h"

#include <math.h>
#include <string.h>

static void expect(wr_status got, wr_status expected, const char *fragment)
{
    if (got != expected || !strstr(wr_last_error(), fragment))
        print_error("got %s \"%s\", expected %s with \"%s\"\n", wr_status_name(got), wr_last_error(),
                    wr_status_name(expected), fragment);
    assert_int_equal(got, expected);
    assert_non_null(strstr(wr_last_error(), fragment));
}

static wr_body_desc good_body(void)
{
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
    b.mass = 1.0;
    return b;
}

static void test_bad_bodies(void **state)
{
    (void)state;
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "bad", &s));
    wr_body_desc b = good_body();
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    const size_t bytes = wr_skeleton_memory_bytes(s);

    b = good_body(); b.mass = 0;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "mass must be > 0");
    b = good_body(); b.mass = -2;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "mass must be > 0");
    b = good_body(); b.mass = NAN;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_NON_FINITE, "mass");
    b = good_body(); b.com[1] = INFINITY;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_NON_FINITE, "centre of mass");
    b = good_body(); b.inertia[1] = 0.05; /* not symmetric */
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "not symmetric");
    b = good_body(); b.inertia[0] = -0.1; /* not positive definite */
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "positive definite");
    b = good_body(); b.inertia[0] = 0.1; b.inertia[4] = 0.1; b.inertia[8] = 0.3; /* 0.1 + 0.1 < 0.3 */
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "triangle inequality");
    b = good_body(); b.inertia[4] = NAN;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_NON_FINITE, "inertia");
    b = good_body(); b.parent = 1; /* only body 0 exists */
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "parent index 1 out of range");
    b = good_body(); b.parent = -2;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "parent index -2");
    b = good_body(); b.joint.type = (wr_joint_type)99;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "unknown joint type 99");
    b = good_body(); b.joint.parent_pose.position[0] = NAN;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_NON_FINITE, "parent_pose");
    b = good_body(); b.joint.child_pose.rotation[0] = 2.0;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "unit quaternion");
    b = good_body(); b.joint.axis[2] = 0;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "non-zero axis");
    b = good_body(); b.joint.damping = -1;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "damping");
    b = good_body(); b.joint.position_lower[0] = 1; b.joint.position_upper[0] = -1;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "lower limit");
    b = good_body(); b.joint.effort_limit[0] = 0;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT, "effort");
    b = good_body(); b.joint.velocity_limit[0] = NAN;
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_NON_FINITE, "NaN");
    expect(wr_skeleton_add_body(s, NULL, NULL), WR_ERR_INVALID_ARGUMENT, "NULL");
    /* nothing changed */
    assert_int_equal(wr_skeleton_body_count(s), 1);
    assert_int_equal(wr_skeleton_dof_count(s), 1);
    assert_int_equal(wr_skeleton_memory_bytes(s), bytes);
    double m[9];
    expect(wr_inertia_of_sphere(-1, 0.1, m), WR_ERR_INVALID_ARGUMENT, "mass");
    expect(wr_inertia_of_box(1, (const double[3]){0.1, 0, 0.1}, m), WR_ERR_INVALID_ARGUMENT, "half extent");
    expect(wr_inertia_of_cylinder(1, NAN, 0.1, m), WR_ERR_NON_FINITE, "radius");
    assert_wr_ok(wr_skeleton_destroy(s));
}

static void test_bad_shapes(void **state)
{
    (void)state;
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "shapes", &s));
    wr_body_desc b = good_body();
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, WR_SHAPE_SPHERE);
    expect(wr_skeleton_add_shape(s, 1, &sh, NULL), WR_ERR_INVALID_ARGUMENT, "body index 1");
    sh.size[0] = -0.1;
    expect(wr_skeleton_add_shape(s, 0, &sh, NULL), WR_ERR_INVALID_ARGUMENT, "size[0]");
    wr_shape_desc_init(&sh, WR_SHAPE_BOX);
    sh.size[2] = NAN;
    expect(wr_skeleton_add_shape(s, 0, &sh, NULL), WR_ERR_NON_FINITE, "size");
    wr_shape_desc_init(&sh, WR_SHAPE_PLANE);
    expect(wr_skeleton_add_shape(s, 0, &sh, NULL), WR_ERR_INVALID_ARGUMENT, "static");
    wr_shape_desc_init(&sh, (wr_shape_type)42);
    expect(wr_skeleton_add_shape(s, 0, &sh, NULL), WR_ERR_INVALID_ARGUMENT, "unknown shape type");
    wr_shape_desc_init(&sh, WR_SHAPE_CAPSULE);
    sh.restitution = 1.5;
    expect(wr_skeleton_add_shape(s, 0, &sh, NULL), WR_ERR_INVALID_ARGUMENT, "restitution");
    assert_int_equal(wr_skeleton_shape_count(s), 0);
    assert_wr_ok(wr_skeleton_destroy(s));
}

static void test_bad_state(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_scene_build(w, "humanoid"));
    assert_wr_ok(wr_world_step(w, 5));
    wr_skeleton *s = wr_world_get_skeleton(w, 0);
    const uint64_t h = wr_world_state_hash(w);
    const int nq = wr_skeleton_position_count(s), nv = wr_skeleton_dof_count(s);
    double q[64], v[64];
    assert_wr_ok(wr_skeleton_get_positions(s, q, (size_t)nq));
    assert_wr_ok(wr_skeleton_get_velocities(s, v, (size_t)nv));
    q[10] = NAN;
    expect(wr_skeleton_set_positions(s, q, (size_t)nq), WR_ERR_NON_FINITE, "positions");
    assert_wr_ok(wr_skeleton_get_positions(s, q, (size_t)nq));
    q[3] = 0.5; /* pelvis quaternion no longer unit */
    expect(wr_skeleton_set_positions(s, q, (size_t)nq), WR_ERR_INVALID_ARGUMENT, "quaternion");
    expect(wr_skeleton_set_positions(s, q, (size_t)nq - 1), WR_ERR_INVALID_ARGUMENT, "count");
    v[0] = INFINITY;
    expect(wr_skeleton_set_velocities(s, v, (size_t)nv), WR_ERR_NON_FINITE, "velocities");
    v[0] = 0;
    v[nv - 1] = NAN;
    expect(wr_skeleton_set_joint_forces(s, v, (size_t)nv), WR_ERR_NON_FINITE, "joint forces");
    const double f[3] = {0, NAN, 0}, t[3] = {0, 0, 0};
    expect(wr_skeleton_apply_body_wrench(s, 0, f, t), WR_ERR_NON_FINITE, "wrench");
    expect(wr_skeleton_apply_body_wrench(s, 99, t, t), WR_ERR_INVALID_ARGUMENT, "body index 99");
    double flat[128];
    size_t n = wr_world_position_count(w);
    assert_wr_ok(wr_world_get_positions(w, flat, n));
    flat[n - 1] = NAN; /* the last skeleton's values: the first must not have been changed either */
    expect(wr_world_set_positions(w, flat, n), WR_ERR_NON_FINITE, "positions");
    expect(wr_skeleton_set_joint_damping(s, 0, -1), WR_ERR_INVALID_ARGUMENT, "damping");
    /* structural changes while in a world */
    wr_body_desc b = good_body();
    expect(wr_skeleton_add_body(s, &b, NULL), WR_ERR_BUSY, "in a world");
    expect(wr_skeleton_destroy(s), WR_ERR_BUSY, "wr_world_remove_skeleton");
    expect(wr_world_add_skeleton(w, &s, NULL), WR_ERR_BUSY, "already in a world");
    assert_int_equal(wr_world_state_hash(w), h);
    /* world parameters */
    expect(wr_world_step(w, 0), WR_ERR_INVALID_ARGUMENT, "steps");
    expect(wr_world_set_time_step(w, 0), WR_ERR_INVALID_ARGUMENT, "time step");
    expect(wr_world_set_time_step(w, NAN), WR_ERR_NON_FINITE, "time step");
    const double g[3] = {0, INFINITY, 0};
    expect(wr_world_set_gravity(w, g), WR_ERR_NON_FINITE, "gravity");
    wr_world_config c;
    wr_world_config_init(&c);
    c.time_step = -1;
    wr_world *w2 = NULL;
    expect(wr_world_create(&c, &w2), WR_ERR_INVALID_ARGUMENT, "time step");
    assert_null(w2);
    /* other worlds' skeletons */
    assert_wr_ok(wr_world_create(NULL, &w2));
    expect(wr_world_remove_skeleton(w2, s), WR_ERR_NOT_FOUND, "not in this world");
    assert_wr_ok(wr_world_destroy(w2));
    assert_int_equal(wr_world_state_hash(w), h);
    assert_wr_ok(wr_world_destroy(w));
}

static void test_bad_scene_names(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    const char *bad[] = {"", "nope", "chain", "chain:", "chain:0", "chain:12x", "chain:-3", "boxes:99999999999",
                         "boxes: 4", "Pendulum"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect(wr_scene_build(w, bad[i]), WR_ERR_INVALID_ARGUMENT, "scene");
        assert_true(wr_scene_cost_estimate(bad[i]) == 0.0);
    }
    expect(wr_scene_build(w, NULL), WR_ERR_INVALID_ARGUMENT, "NULL");
    assert_int_equal(wr_world_skeleton_count(w), 0);
    assert_true(wr_scene_cost_estimate("chain:64") > wr_scene_cost_estimate("chain:16"));
    assert_true(wr_scene_cost_estimate("humanoid") > wr_scene_cost_estimate("arm7"));
    assert_wr_ok(wr_world_destroy(w));
}

static void test_non_finite_step_restores(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_scene_build(w, "chain:8"));
    assert_wr_ok(wr_scene_build(w, "pendulum"));
    assert_wr_ok(wr_world_step(w, 10));
    const uint64_t h = wr_world_state_hash(w);
    const double t = wr_world_time(w);
    /* a finite but absurd command makes the accelerations overflow */
    double tau[9];
    for (int k = 0; k < 9; k++)
        tau[k] = 1e308;
    assert_wr_ok(wr_world_set_joint_forces(w, tau, 9));
    expect(wr_world_step(w, 3), WR_ERR_NON_FINITE, "non-finite");
    assert_int_equal(wr_world_state_hash(w), h);
    assert_true(wr_world_time(w) == t);
    assert_int_equal(wr_world_step_count(w), 10);
    /* the world is usable again once the command is sane */
    assert_wr_ok(wr_world_clear_forces(w));
    assert_wr_ok(wr_world_step(w, 3));
    assert_int_equal(wr_world_step_count(w), 13);
    assert_wr_ok(wr_world_destroy(w));
}

static void test_effort_limit_clamps(void **state)
{
    (void)state;
    /* two identical hinges with effort limit 2 N m: commanding 2 and 50 gives the same motion */
    wr_world *w[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++) {
        wr_world_config c;
        wr_world_config_init(&c);
        c.gravity[2] = 0;
        assert_wr_ok(wr_world_create(&c, &w[i]));
        wr_skeleton *s = NULL;
        assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w[i]), "hinge", &s));
        wr_body_desc b = good_body();
        b.joint.effort_limit[0] = 2.0;
        b.com[0] = 0.3;
        assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
        assert_wr_ok(wr_world_add_skeleton(w[i], &s, NULL));
        double tau = i ? 50.0 : 2.0;
        assert_wr_ok(wr_skeleton_set_joint_forces(s, &tau, 1));
        assert_wr_ok(wr_world_step(w[i], 100));
    }
    assert_int_equal(wr_world_state_hash(w[0]), wr_world_state_hash(w[1]));
    double v = 0;
    assert_wr_ok(wr_world_get_velocities(w[0], &v, 1));
    /* I about the hinge axis z: 0.1 + 1 * 0.3^2 = 0.19; v = tau t / I */
    assert_true(fabs(v - 2.0 * 0.1 / 0.19) < 1e-9);
    for (int i = 0; i < 2; i++)
        assert_wr_ok(wr_world_destroy(w[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_bodies),       cmocka_unit_test(test_bad_shapes),
        cmocka_unit_test(test_bad_state),        cmocka_unit_test(test_bad_scene_names),
        cmocka_unit_test(test_non_finite_step_restores), cmocka_unit_test(test_effort_limit_clamps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
