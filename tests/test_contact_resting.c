/* Resting contact: a box on a plane for 10 s, a sphere bouncing with restitution, a block on an incline. */
#include "test_contact_scenes.h"

/* A 1 kg box of 0.2 m sides on the ground for 10 s at dt = 1 ms: drift and penetration below 1 mm. */
static void test_box_rests_on_plane(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    add_ground(w, 0.0, 0.8, 0.0);
    wr_skeleton *box = add_box(w, 0.1, 1.0, 0.3, -0.2, 0.1, 0.8);
    double p0[3], p[3];
    body_position(box, 0, p0);
    double worst_pen = 0;
    for (int k = 0; k < 10000; k++) {
        assert_wr_ok(wr_world_step(w, 1));
        body_position(box, 0, p);
        worst_pen = fmax(worst_pen, 0.1 - p[2]);
    }
    double drift = sqrt((p[0] - p0[0]) * (p[0] - p0[0]) + (p[1] - p0[1]) * (p[1] - p0[1]));
    print_message("box on plane: drift %.3g m, worst penetration %.3g m\n", drift, worst_pen);
    assert_true(drift < 1e-3);
    assert_true(worst_pen < 1e-3);
    assert_true(max_speed(box) < 1e-3);
    wr_collision_stats st;
    if (contact_stats(w, &st)) {
        assert_int_equal(st.contacts, 4);
        assert_int_equal(st.rows, 12);
        assert_int_equal(st.warm_started, 4);
        assert_int_equal(st.islands, 1);
        assert_true(st.frame_high_water > 0);
    }
    /* The four corners carry the weight: the normal impulses of a step add up to m g dt. */
    wr_collision_contact_info ci[8];
    size_t n = 0;
    assert_wr_ok(wr_collision_get_contacts(w, ci, 8, &n));
    assert_int_equal(n, 4);
    double sum = 0, f1 = 0, f2 = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ci[i].skeleton_a, 0); /* the ground, then the box */
        assert_int_equal(ci[i].skeleton_b, 1);
        assert_true(fabs(ci[i].normal[2] - 1.0) < 1e-12);
        assert_true(fabs(ci[i].point[2]) < 1e-3);
        assert_true(fabs(fabs(ci[i].point[0] - p[0]) - 0.1) < 1e-3);
        sum += ci[i].impulse[0];
        f1 += ci[i].impulse[1]; /* the same tangent basis at every corner (same normal) */
        f2 += ci[i].impulse[2];
    }
    assert_true(fabs(sum - 1.0 * 9.81 * 0.001) < 1e-6);
    assert_true(fabs(f1) < 1e-9 && fabs(f2) < 1e-9); /* friction may pull corners against each other, net zero */
    assert_wr_ok(wr_collision_get_contacts(w, NULL, 0, &n));
    assert_int_equal(n, 4);
    assert_int_equal(wr_collision_get_contacts(w, NULL, 1, &n), WR_ERR_INVALID_ARGUMENT);
    assert_wr_ok(wr_world_destroy(w));
}

/* A sphere dropped from 1 m with restitution e: the first rebound rises to e^2 of the drop height (5%). */
static void test_sphere_rebound(void **state)
{
    (void)state;
    const double e = 0.7, r = 0.1, h0 = 1.0;
    wr_world *w = make_world(0.001);
    add_ground(w, 0.0, 0.8, 0.0);
    double size[3] = {r, 0, 0}, pos[3] = {0, 0, r + h0};
    wr_skeleton *ball = add_free_body(w, WR_SHAPE_SPHERE, size, 1.0, pos, 0.0, 0.8, e);
    double p[3], top = 0;
    int bounced = 0;
    double prev_vz = 0;
    for (int k = 0; k < 2000; k++) {
        assert_wr_ok(wr_world_step(w, 1));
        body_position(ball, 0, p);
        double v[6];
        assert_wr_ok(wr_skeleton_get_velocities(ball, v, 6));
        if (!bounced && v[2] > 0 && prev_vz < 0)
            bounced = 1;
        if (bounced)
            top = fmax(top, p[2] - r);
        if (bounced && v[2] < 0 && top > 0.1)
            break;
        prev_vz = v[2]; /* the world vertical velocity of the centre */
    }
    print_message("rebound height %.4f m, ratio %.4f, e^2 = %.4f\n", top, top / h0, e * e);
    assert_true(bounced);
    assert_true(fabs(top / h0 - e * e) < 0.05 * e * e);
    assert_wr_ok(wr_world_destroy(w));
}

/* Block on an incline: sticks when tan(angle) < mu, slides with g (sin - mu cos) otherwise (5%). */
static double incline_acceleration(double angle, double mu, double *moved)
{
    wr_world *w = make_world(0.001);
    add_ground(w, angle, mu, 0.0);
    /* A box resting on the tilted plane: centre 0.1 m along the plane normal (0, -sin, cos). */
    double half = 0.1;
    double size[3] = {half, half, half};
    double pos[3] = {0, -sin(angle) * half, cos(angle) * half};
    wr_skeleton *box = add_free_body(w, WR_SHAPE_BOX, size, 1.0, pos, angle, mu, 0.0);
    /* Settle 0.2 s, then measure the speed gained along the slope over 0.5 s. */
    assert_wr_ok(wr_world_step(w, 200));
    double p1[3], p2[3], v1[6], v2[6];
    body_position(box, 0, p1);
    assert_wr_ok(wr_skeleton_get_velocities(box, v1, 6));
    assert_wr_ok(wr_world_step(w, 500));
    body_position(box, 0, p2);
    assert_wr_ok(wr_skeleton_get_velocities(box, v2, 6));
    /* The speed of the centre (world linear velocity, the first three velocities). */
    *moved = sqrt((p2[1] - p1[1]) * (p2[1] - p1[1]) + (p2[2] - p1[2]) * (p2[2] - p1[2]));
    double dv = sqrt(v2[0] * v2[0] + v2[1] * v2[1] + v2[2] * v2[2]) - sqrt(v1[0] * v1[0] + v1[1] * v1[1] + v1[2] * v1[2]);
    assert_wr_ok(wr_world_destroy(w));
    return dv / 0.5;
}

static void test_incline_sticks(void **state)
{
    (void)state;
    double moved = 0;
    double a = incline_acceleration(20 * PI / 180, 0.5, &moved); /* tan 20 deg = 0.364 < 0.5 */
    print_message("incline 20 deg mu 0.5: moved %.3g m in 0.5 s, acceleration %.3g\n", moved, a);
    assert_true(moved < 1e-3);
}

static void test_incline_slides(void **state)
{
    (void)state;
    double angle = 30 * PI / 180, mu = 0.3, moved = 0;
    double a = incline_acceleration(angle, mu, &moved);
    double expect = 9.81 * (sin(angle) - mu * cos(angle));
    print_message("incline 30 deg mu 0.3: acceleration %.4f, expected %.4f\n", a, expect);
    assert_true(fabs(a - expect) < 0.05 * expect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_box_rests_on_plane),
        cmocka_unit_test(test_sphere_rebound),
        cmocka_unit_test(test_incline_sticks),
        cmocka_unit_test(test_incline_slides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
