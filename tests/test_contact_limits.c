/* Joint limits and an articulated body on the floor: a revolute chain falls into its limits; a pendulum bounces on
 * the ground and settles there. Impulses go through the skeleton's joint-space mass matrix. */
#include "test_contact_scenes.h"

static void test_chain_rests_on_its_limits(void **state)
{
    (void)state;
    const double limit = 0.5;
    wr_world *w = make_world(0.001);
    wr_skeleton *chain = add_limited_chain(w, limit, INFINITY);
    double q[3], worst = -1;
    for (int k = 0; k < 5000; k++) {
        assert_wr_ok(wr_world_step(w, 1));
        assert_wr_ok(wr_skeleton_get_positions(chain, q, 3));
        for (int i = 0; i < 3; i++)
            worst = fmax(worst, fmax(q[i] - limit, -limit - q[i]));
    }
    print_message("chain: worst limit violation %.3g rad, final q = (%.5f %.5f %.5f)\n", worst, q[0], q[1], q[2]);
    assert_true(worst < 0.01);
    for (int i = 0; i < 3; i++)
        assert_true(fabs(q[i] - limit) < 1e-3);
    assert_true(max_speed(chain) < 1e-3);
    wr_collision_stats st;
    if (contact_stats(w, &st)) {
        assert_int_equal(st.contacts, 0);
        assert_int_equal(st.limit_rows, 3);
    }
    assert_wr_ok(wr_world_destroy(w));
}

/* A velocity limit caps a joint driven by gravity. */
static void test_velocity_limit(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "wheel", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
    b.joint.axis[0] = 0;
    b.joint.axis[1] = 1;
    b.joint.axis[2] = 0;
    b.joint.velocity_limit[0] = 2.0;
    b.mass = 1.0;
    b.com[0] = 0.3;
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    double v = 0, worst = 0;
    for (int k = 0; k < 2000; k++) {
        assert_wr_ok(wr_world_step(w, 1));
        assert_wr_ok(wr_skeleton_get_velocities(s, &v, 1));
        worst = fmax(worst, fabs(v));
    }
    print_message("velocity limit 2 rad/s: largest |v| %.6f\n", worst);
    assert_true(worst <= 2.0 + 1e-6);
    assert_true(worst > 1.9);
    assert_wr_ok(wr_world_destroy(w));
}

/* A 1 m pendulum hinged 0.5 m above the ground, bob radius 0.05 m, frictionless: it falls from 1.6 rad, hits the
 * floor at cos(q) = 0.45 (a steep impact), bounces (restitution 0.5) and comes to rest touching the floor. With
 * friction a 1-dof pendulum hitting at a shallow angle is stopped dead by the friction impulse instead. */
static void test_pendulum_bounces_and_settles(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    add_ground(w, 0.0, 0.8, 0.0);
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "pendulum", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
    b.joint.axis[0] = 0;
    b.joint.axis[1] = 1;
    b.joint.axis[2] = 0;
    b.joint.parent_pose.position[2] = 0.5;
    b.mass = 1.0;
    b.com[2] = -1.0;
    assert_wr_ok(wr_inertia_of_sphere(1.0, 0.05, b.inertia));
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, WR_SHAPE_SPHERE);
    sh.size[0] = 0.05;
    sh.pose.position[2] = -1.0;
    sh.restitution = 0.5;
    sh.friction = 0.0;
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &sh, NULL));
    double q0 = 1.6;
    assert_wr_ok(wr_skeleton_set_positions(s, &q0, 1));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    const double q_touch = acos(0.45);
    double q = q0, v = 0, prev_v = 0, lowest = q0;
    int bounces = 0;
    for (int k = 0; k < 10000; k++) {
        assert_wr_ok(wr_world_step(w, 1));
        assert_wr_ok(wr_skeleton_get_positions(s, &q, 1));
        assert_wr_ok(wr_skeleton_get_velocities(s, &v, 1));
        lowest = fmin(lowest, q);
        if (prev_v < -0.05 && v > 0.05 && q < q_touch + 0.05)
            bounces++;
        prev_v = v;
    }
    print_message("pendulum: %d bounces, lowest q %.5f (touch at %.5f), final q %.5f v %.2g\n", bounces, lowest,
                  q_touch, q, v);
    assert_true(bounces >= 2);
    assert_true(lowest > q_touch - 0.01);
    assert_true(fabs(q - q_touch) < 2e-3);
    assert_true(fabs(v) < 1e-3);
    assert_wr_ok(wr_world_destroy(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_rests_on_its_limits),
        cmocka_unit_test(test_velocity_limit),
        cmocka_unit_test(test_pendulum_bounces_and_settles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
