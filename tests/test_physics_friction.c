/* Coulomb friction against closed forms, at headings that are not world axes (dt = 1 ms throughout).
 *
 *   - a 1 kg box (mu 0.5) pushed through its COM at 0..90 degrees: below mu m g it does not move; at 1.2 mu m g it
 *     accelerates along the push at (F - mu m g) / m within 1% (and within 0.1 degree of the push's heading);
 *   - the pyramid setting: the same push at 45 degrees sticks (its limit reaches sqrt(2) mu m g there);
 *   - a ball launched sliding (no spin) ends rolling at 5/7 v0 within 0.5% and keeps it for 5 s, its reported
 *     vertical velocity ~0, its kinetic energy constant;
 *   - inclines of 20 degrees at several headings: a rolling ball (5/7 g sin a), a rolling capsule
 *     (g sin a / (1 + I / (m r^2))) and a sliding box (g (sin a - mu cos a)) within 0.5%, a box on a steep enough
 *     but grippy slope stays put. */
#include "test_support.h"

#include <math.h>
#include <string.h>

#include "worldrunner/collision.h"

#define PI 3.141592653589793
#define G 9.81

static wr_world *world_with_ground(const double normal[3], double mu, wr_friction_cone cone)
{
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    wr_collision_settings cs;
    assert_wr_ok(wr_collision_get_settings(w, &cs));
    cs.friction_cone = cone;
    assert_wr_ok(wr_collision_set_settings(w, &cs));
    int index = -1;
    assert_wr_ok(wr_world_add_ground_plane(w, normal, NULL, mu, &index));
    assert_int_equal(index, 0);
    return w;
}

/* A body of one shape with its inertia from the shape (density chosen for `mass`), at pose (p, q). */
static wr_skeleton *add_body(wr_world *w, wr_shape_type type, const double size[3], double mass, double mu,
                             const double p[3], const double q[4])
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "body", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, type);
    memcpy(sh.size, size, sizeof sh.size);
    sh.friction = mu;
    wr_mass_properties unit;
    assert_wr_ok(wr_shape_mass_properties(&sh, 1.0, &unit));
    b.density = mass / unit.mass;
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &sh, NULL));
    double x[7] = {p[0], p[1], p[2], q[0], q[1], q[2], q[3]};
    assert_wr_ok(wr_skeleton_set_positions(s, x, 7));
    int index = -1;
    assert_wr_ok(wr_world_add_skeleton(w, &s, &index));
    assert_true(wr_world_get_skeleton(w, index) == s);
    return s;
}

static void com_velocity(wr_skeleton *s, double v[3])
{
    double w[3];
    assert_wr_ok(wr_skeleton_body_com_velocity(s, 0, v, w));
}

/* The acceleration (m/s^2, world) of the box's COM under a push of `force` N at `heading` (rad), measured over
 * 0.5 s after 0.1 s of pushing; *moved: how far the COM went in those 0.6 s. */
static void push_box(wr_friction_cone cone, double force, double heading, double acc[3], double *moved)
{
    wr_world *w = world_with_ground(NULL, 0.5, cone);
    const double half[3] = {0.1, 0.1, 0.1}, p[3] = {0.3, -0.2, 0.1}, q[4] = {1, 0, 0, 0};
    wr_skeleton *box = add_body(w, WR_SHAPE_BOX, half, 1.0, 0.5, p, q);
    assert_wr_ok(wr_world_step(w, 200)); /* settle */
    double c0[3], c1[3], v1[3], v2[3];
    assert_wr_ok(wr_skeleton_body_com(box, 0, c0));
    const double f[3] = {force * cos(heading), force * sin(heading), 0}, none[3] = {0, 0, 0};
    assert_wr_ok(wr_skeleton_apply_body_wrench(box, 0, f, none));
    assert_wr_ok(wr_world_step(w, 100));
    com_velocity(box, v1);
    assert_wr_ok(wr_world_step(w, 500));
    com_velocity(box, v2);
    assert_wr_ok(wr_skeleton_body_com(box, 0, c1));
    for (int k = 0; k < 3; k++)
        acc[k] = (v2[k] - v1[k]) / 0.5;
    *moved = hypot(c1[0] - c0[0], c1[1] - c0[1]);
    assert_wr_ok(wr_world_destroy(w));
}

static void test_push_at_every_heading(void **state)
{
    (void)state;
    const double limit = 0.5 * 1.0 * G;
    double worst_rel = 0, worst_angle = 0, worst_stuck = 0;
    for (int deg = 0; deg <= 90; deg += 15) {
        const double h = deg * PI / 180;
        double a[3], moved;
        push_box(WR_FRICTION_ELLIPTIC, 0.8 * limit, h, a, &moved);
        worst_stuck = fmax(worst_stuck, moved);
        push_box(WR_FRICTION_ELLIPTIC, 1.2 * limit, h, a, &moved);
        const double expect = (1.2 * limit - limit) / 1.0, mag = hypot(a[0], a[1]);
        worst_rel = fmax(worst_rel, fabs(mag - expect) / expect);
        worst_angle = fmax(worst_angle, fabs(atan2(a[1], a[0]) - h) * 180 / PI);
        assert_true(fabs(a[2]) < 1e-6);
    }
    print_message("push 0..90 deg: below mu m g moved at most %.3g m; above, acceleration within %.3g%% of "
                  "(F - mu m g) / m, direction within %.3g deg of the push\n",
                  worst_stuck, 100 * worst_rel, worst_angle);
    assert_true(worst_stuck < 1e-6);
    assert_true(worst_rel < 0.01);
    assert_true(worst_angle < 0.1);
}

static void test_pyramid_setting(void **state)
{
    (void)state;
    const double limit = 0.5 * 1.0 * G;
    double a[3], moved;
    push_box(WR_FRICTION_PYRAMID, 1.2 * limit, 0.25 * PI, a, &moved); /* inside sqrt(2) mu m g on the diagonal */
    print_message("pyramid, 1.2 mu m g at 45 deg: moved %.3g m\n", moved);
    assert_true(moved < 1e-6);
    push_box(WR_FRICTION_PYRAMID, 1.2 * limit, 0.0, a, &moved); /* along an axis the limit is mu m g */
    assert_true(fabs(a[0] - 0.2 * limit) < 0.01 * 0.2 * limit);
}

static void test_sliding_then_rolling_ball(void **state)
{
    (void)state;
    const double r = 0.1, v0 = 2.0, heading = 0.6;
    wr_world *w = world_with_ground(NULL, 0.5, WR_FRICTION_ELLIPTIC);
    const double size[3] = {r, 0, 0}, p[3] = {0, 0, r}, q[4] = {1, 0, 0, 0};
    wr_skeleton *ball = add_body(w, WR_SHAPE_SPHERE, size, 1.0, 0.5, p, q);
    assert_wr_ok(wr_world_step(w, 50));
    double v[6];
    assert_wr_ok(wr_skeleton_get_velocities(ball, v, 6));
    v[0] = v0 * cos(heading);
    v[1] = v0 * sin(heading);
    v[3] = v[4] = v[5] = 0;
    assert_wr_ok(wr_skeleton_set_velocities(ball, v, 6));
    /* it slides for 2 v0 / (7 mu g) = 0.12 s; from 0.5 s on it rolls */
    assert_wr_ok(wr_world_step(w, 500));
    const double expect = 5.0 / 7.0 * v0;
    double worst = 0, worst_vz = 0, worst_dir = 0, e0 = 0, e = 0;
    assert_wr_ok(wr_skeleton_kinetic_energy(ball, &e0));
    for (int k = 0; k < 5000; k++) {
        assert_wr_ok(wr_world_step(w, 1));
        double c[3];
        com_velocity(ball, c);
        assert_wr_ok(wr_skeleton_get_velocities(ball, v, 6));
        assert_true(fabs(c[0] - v[0]) < 1e-12 && fabs(c[2] - v[2]) < 1e-12); /* COM at the joint origin */
        worst = fmax(worst, fabs(hypot(c[0], c[1]) - expect) / expect);
        worst_vz = fmax(worst_vz, fabs(c[2]));
        worst_dir = fmax(worst_dir, fabs(atan2(c[1], c[0]) - heading));
    }
    assert_wr_ok(wr_skeleton_kinetic_energy(ball, &e));
    print_message("ball launched at %.1f m/s: rolling speed within %.3g%% of 5/7 v0 over 5 s, |v_z| <= %.3g m/s, "
                  "heading within %.3g rad, kinetic energy %.9f -> %.9f J\n", v0, 100 * worst, worst_vz, worst_dir,
                  e0, e);
    assert_true(worst < 0.005);
    assert_true(worst_vz < 1e-6);
    assert_true(worst_dir < 1e-6);
    assert_true(fabs(e - e0) < 1e-6 * e0);
    assert_wr_ok(wr_world_destroy(w));
}

/* q = the shortest rotation taking +z onto unit n (as wr_world_add_ground_plane does) */
static void z_onto(const double n[3], double q[4])
{
    double w = 1.0 + n[2], x = -n[1], y = n[0], len = sqrt(w * w + x * x + y * y);
    q[0] = w / len;
    q[1] = x / len;
    q[2] = y / len;
    q[3] = 0;
}

static void quat_mul(const double a[4], const double b[4], double out[4])
{
    out[0] = a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
    out[1] = a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2];
    out[2] = a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1];
    out[3] = a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0];
}

/* Acceleration along the slope of a body resting on an incline of angle `tilt` going down towards `heading`. */
static double incline_acceleration(wr_shape_type type, const double size[3], double mu, double tilt, double heading,
                                   double *moved)
{
    const double d[3] = {cos(heading), sin(heading), 0};
    const double n[3] = {sin(tilt) * d[0], sin(tilt) * d[1], cos(tilt)};   /* descends along d */
    const double down[3] = {cos(tilt) * d[0], cos(tilt) * d[1], -sin(tilt)};
    wr_world *w = world_with_ground(n, mu, WR_FRICTION_ELLIPTIC);
    double q[4], p[3];
    z_onto(n, q);
    double reach = type == WR_SHAPE_BOX ? size[2] : size[0];
    if (type == WR_SHAPE_CAPSULE) { /* axis (local z) along the slope's level line n x down */
        const double turn[4] = {cos(0.25 * PI), 0, sin(0.25 * PI), 0}; /* z onto x, then onto the level line */
        const double spin[4] = {cos(0.5 * (heading + 0.5 * PI)), 0, 0, sin(0.5 * (heading + 0.5 * PI))};
        double level[4], tilt_q[4];
        quat_mul(spin, turn, level);
        const double ax[3] = {-d[1], d[0], 0}; /* the level line, the axis the incline turns about */
        tilt_q[0] = cos(0.5 * tilt);
        for (int k = 0; k < 3; k++)
            tilt_q[1 + k] = sin(0.5 * tilt) * ax[k];
        quat_mul(tilt_q, level, q);
        reach = size[0];
    }
    for (int k = 0; k < 3; k++)
        p[k] = n[k] * reach;
    wr_skeleton *s = add_body(w, type, size, 1.0, mu, p, q);
    assert_wr_ok(wr_world_step(w, 100));
    double v1[3], v2[3], c1[3], c2[3];
    com_velocity(s, v1);
    assert_wr_ok(wr_skeleton_body_com(s, 0, c1));
    assert_wr_ok(wr_world_step(w, 500));
    com_velocity(s, v2);
    assert_wr_ok(wr_skeleton_body_com(s, 0, c2));
    *moved = sqrt((c2[0] - c1[0]) * (c2[0] - c1[0]) + (c2[1] - c1[1]) * (c2[1] - c1[1]) +
                  (c2[2] - c1[2]) * (c2[2] - c1[2]));
    double a = 0, off = 0;
    for (int k = 0; k < 3; k++)
        a += (v2[k] - v1[k]) / 0.5 * down[k];
    for (int k = 0; k < 3; k++)
        off = fmax(off, fabs((v2[k] - v1[k]) / 0.5 - a * down[k]));
    assert_true(off < 1e-3 * (fabs(a) + 1e-3)); /* straight down the slope */
    assert_wr_ok(wr_world_destroy(w));
    return a;
}

static void test_inclines_at_headings(void **state)
{
    (void)state;
    const double tilt = 20 * PI / 180, headings[4] = {0.0, 0.61, 0.5 * PI, 3.5};
    const double ball[3] = {0.1, 0, 0}, caps[3] = {0.08, 0.15, 0}, cube[3] = {0.1, 0.1, 0.1};
    double ci[9];
    assert_wr_ok(wr_inertia_of_capsule(1.0, caps[0], caps[1], ci));
    const double e_ball = 5.0 / 7.0 * G * sin(tilt);
    const double e_caps = G * sin(tilt) / (1.0 + ci[8] / (1.0 * caps[0] * caps[0]));
    const double e_box = G * (sin(tilt) - 0.1 * cos(tilt));
    double worst = 0, stuck = 0, moved;
    for (int k = 0; k < 4; k++) {
        double a = incline_acceleration(WR_SHAPE_SPHERE, ball, 0.8, tilt, headings[k], &moved);
        worst = fmax(worst, fabs(a - e_ball) / e_ball);
        a = incline_acceleration(WR_SHAPE_CAPSULE, caps, 0.8, tilt, headings[k], &moved);
        worst = fmax(worst, fabs(a - e_caps) / e_caps);
        a = incline_acceleration(WR_SHAPE_BOX, cube, 0.1, tilt, headings[k], &moved);
        worst = fmax(worst, fabs(a - e_box) / e_box);
        incline_acceleration(WR_SHAPE_BOX, cube, 0.5, tilt, headings[k], &moved); /* tan 20 deg = 0.36 < 0.5 */
        stuck = fmax(stuck, moved);
    }
    print_message("20 deg inclines at 4 headings: rolling ball (%.4f), rolling capsule (%.4f), sliding box (%.4f "
                  "m/s^2) within %.3g%%; a box with mu 0.5 moved %.3g m\n", e_ball, e_caps, e_box, 100 * worst, stuck);
    assert_true(worst < 0.005);
    assert_true(stuck < 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_at_every_heading),
        cmocka_unit_test(test_pyramid_setting),
        cmocka_unit_test(test_sliding_then_rolling_ball),
        cmocka_unit_test(test_inclines_at_headings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
