/* Closed-form checks: pendulum small-angle period, free fall, torque-free spin of a symmetric body. */
#include "test_support.h"

#include <math.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

/* Period from successive downward zero crossings of the angle (linear interpolation between steps). */
static double measure_period(wr_world *w, wr_skeleton *s, double dt, double duration)
{
    double q_prev = 0, t_prev = 0, first = -1, last = -1;
    int crossings = 0;
    assert_wr_ok(wr_skeleton_get_positions(s, &q_prev, 1));
    int steps = (int)(duration / dt);
    for (int k = 0; k < steps; k++) {
        assert_wr_ok(wr_world_step(w, 1));
        double q = 0, t = wr_world_time(w);
        assert_wr_ok(wr_skeleton_get_positions(s, &q, 1));
        if (q_prev > 0 && q <= 0) {
            double tc = t_prev + (t - t_prev) * q_prev / (q_prev - q);
            if (first < 0)
                first = tc;
            last = tc;
            crossings++;
        }
        q_prev = q;
        t_prev = t;
    }
    assert_true(crossings >= 2);
    return (last - first) / (crossings - 1);
}

static void check_pendulum(double sphere_radius, double dt)
{
    wr_world_config c;
    wr_world_config_init(&c);
    c.time_step = dt;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(&c, &w));
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "pendulum", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
    b.joint.axis[0] = 0;
    b.joint.axis[1] = 1;
    b.joint.axis[2] = 0;
    const double mass = 2.0, d = 0.8;
    b.mass = mass;
    b.com[2] = -d;
    assert_wr_ok(wr_inertia_of_sphere(mass, sphere_radius, b.inertia));
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    double q0 = 0.01;
    assert_wr_ok(wr_skeleton_set_positions(s, &q0, 1));

    const double g = 9.81;
    const double i_pivot = b.inertia[0] + mass * d * d;
    const double expected = 2 * PI * sqrt(i_pivot / (mass * g * d));
    double period = measure_period(w, s, dt, 4.5 * expected);
    double rel = fabs(period - expected) / expected;
    print_message("pendulum r=%.3f dt=%g: period %.6f s, expected %.6f s, rel. error %.2e\n", sphere_radius, dt,
                  period, expected, rel);
    assert_true(rel < 0.005);
    assert_wr_ok(wr_world_destroy(w));
}

static void test_pendulum_period(void **state)
{
    (void)state;
    check_pendulum(0.2, 1e-3);  /* extended bob: 2 pi sqrt(I_pivot / (m g d)) */
    check_pendulum(1e-3, 1e-4); /* near point mass: 2 pi sqrt(L / g) */
}

static void test_pendulum_scene(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_scene_build(w, "pendulum"));
    assert_int_equal(wr_world_skeleton_count(w), 1);
    wr_skeleton *s = wr_world_get_skeleton(w, 0);
    assert_int_equal(wr_skeleton_dof_count(s), 1);
    /* energy is nearly conserved over 2 s at dt = 1 ms */
    double ke, pe, e0, e1;
    assert_wr_ok(wr_skeleton_kinetic_energy(s, &ke));
    assert_wr_ok(wr_skeleton_potential_energy(s, &pe));
    e0 = ke + pe;
    uint64_t h0 = wr_world_state_hash(w);
    assert_wr_ok(wr_world_step(w, 2000));
    assert_true(wr_world_state_hash(w) != h0);
    assert_int_equal(wr_world_step_count(w), 2000);
    assert_true(fabs(wr_world_time(w) - 2.0) < 1e-9);
    assert_wr_ok(wr_skeleton_kinetic_energy(s, &ke));
    assert_wr_ok(wr_skeleton_potential_energy(s, &pe));
    e1 = ke + pe;
    assert_true(fabs(e1 - e0) < 0.01 * 9.81 * 1.0 * (1 - cos(0.5)));
    assert_wr_ok(wr_world_destroy(w));
}

static void test_free_fall(void **state)
{
    (void)state;
    const double dt = 1e-3, g = -9.81;
    const int steps = 1000;
    wr_world_config c;
    wr_world_config_init(&c);
    c.time_step = dt;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(&c, &w));
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "ball", &s)); /* own manager: moved on add */
    wr_body_desc b;
    wr_body_desc_init(&b); /* free root */
    b.mass = 3.0;
    assert_wr_ok(wr_inertia_of_sphere(3.0, 0.1, b.inertia));
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    double q[7] = {0.5, -1.0, 10.0, 1, 0, 0, 0};
    double v[6] = {2.0, 1.0, 3.0, 0, 0, 0}; /* the origin's world velocity, then the angular velocity */
    assert_wr_ok(wr_skeleton_set_positions(s, q, 7));
    assert_wr_ok(wr_skeleton_set_velocities(s, v, 6));
    assert_wr_ok(wr_world_step(w, steps));
    const double t = steps * dt;
    double qe[7], ve[6];
    assert_wr_ok(wr_skeleton_get_positions(s, qe, 7));
    assert_wr_ok(wr_skeleton_get_velocities(s, ve, 6));
    /* velocity: exact, v0 + g t */
    assert_true(fabs(ve[2] - (3.0 + g * t)) < 1e-9);
    assert_true(fabs(ve[0] - 2.0) < 1e-12 && fabs(ve[1] - 1.0) < 1e-12);
    /* position: closed form plus semi-implicit Euler's known first-order offset g t dt / 2 */
    double z_closed = 10.0 + 3.0 * t + 0.5 * g * t * t;
    assert_true(fabs(qe[2] - (z_closed + 0.5 * g * t * dt)) < 1e-9);
    assert_true(fabs(qe[2] - z_closed) <= 0.5 * fabs(g) * t * dt + 1e-9);
    assert_true(fabs(qe[0] - (0.5 + 2.0 * t)) < 1e-9 && fabs(qe[1] - (-1.0 + 1.0 * t)) < 1e-9);
    assert_wr_ok(wr_world_destroy(w));
}

static void test_symmetric_spin(void **state)
{
    (void)state;
    /* a sphere spinning about a tilted axis keeps its angular velocity; its orientation is exp(w t) */
    wr_world_config c;
    wr_world_config_init(&c);
    c.gravity[2] = 0;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(&c, &w));
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "spinner", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    assert_wr_ok(wr_inertia_of_sphere(1.0, 0.2, b.inertia));
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    double v[6] = {0, 0, 0, 0.3, -0.2, 1.5};
    assert_wr_ok(wr_skeleton_set_velocities(s, v, 6));
    assert_wr_ok(wr_world_step(w, 1000));
    double ve[6], qe[7];
    assert_wr_ok(wr_skeleton_get_velocities(s, ve, 6));
    assert_wr_ok(wr_skeleton_get_positions(s, qe, 7));
    for (int k = 0; k < 6; k++)
        assert_true(fabs(ve[k] - v[k]) < 1e-12);
    double wn = sqrt(0.09 + 0.04 + 2.25), half = 0.5 * wn * 1.0;
    assert_true(fabs(qe[3] - cos(half)) < 1e-9);
    assert_true(fabs(qe[4] - sin(half) * 0.3 / wn) < 1e-9);
    assert_wr_ok(wr_world_destroy(w));
}

static void test_ball_spring_period(void **state)
{
    (void)state;
    /* a sphere on a ball joint with a rotational spring, no gravity: small rotation about x oscillates with
     * period 2 pi sqrt(I / k) */
    wr_world_config c;
    wr_world_config_init(&c);
    c.gravity[2] = 0;
    c.time_step = 1e-4;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(&c, &w));
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "ball", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_BALL);
    b.joint.stiffness = 4.0;
    b.mass = 2.0;
    assert_wr_ok(wr_inertia_of_sphere(2.0, 0.5, b.inertia)); /* I = 0.2 */
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    const double a = 0.02;
    double q[4] = {cos(0.5 * a), sin(0.5 * a), 0, 0};
    assert_wr_ok(wr_skeleton_set_positions(s, q, 4));
    const double expected = 2 * PI * sqrt(0.2 / 4.0);
    double prev = q[1], t_prev = 0, first = -1, last = -1;
    int crossings = 0;
    for (int k = 0; k < (int)(3.5 * expected / 1e-4); k++) {
        assert_wr_ok(wr_world_step(w, 1));
        assert_wr_ok(wr_skeleton_get_positions(s, q, 4));
        double t = wr_world_time(w);
        if (prev > 0 && q[1] <= 0) {
            double tc = t_prev + (t - t_prev) * prev / (prev - q[1]);
            if (first < 0)
                first = tc;
            last = tc;
            crossings++;
        }
        prev = q[1];
        t_prev = t;
    }
    assert_true(crossings >= 2);
    double period = (last - first) / (crossings - 1);
    print_message("ball spring: period %.6f s, expected %.6f s\n", period, expected);
    assert_true(fabs(period - expected) < 0.005 * expected);
    assert_true(fabs(q[2]) < 1e-12 && fabs(q[3]) < 1e-12); /* stays about x */
    assert_wr_ok(wr_world_destroy(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pendulum_period),
        cmocka_unit_test(test_pendulum_scene),
        cmocka_unit_test(test_free_fall),
        cmocka_unit_test(test_symmetric_spin),
        cmocka_unit_test(test_ball_spring_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
