/* Mass properties of solid shapes (wr_shape_mass_properties) and their combination (wr_mass_properties_add),
 * against closed forms: volumes, principal moments, rotation of the inertia with the shape's pose, and the
 * parallel-axis theorem (two half boxes side by side are one box). */
#include "test_support.h"

#include <math.h>
#include <string.h>

#define TOL 1e-12
#define PI 3.14159265358979323846

static void expect_matrix(const double *got, const double *want, double tol)
{
    for (int k = 0; k < 9; k++)
        assert_true(fabs(got[k] - want[k]) <= tol * (1.0 + fabs(want[k])));
}

static void test_volumes_and_moments(void **state)
{
    (void)state;
    wr_shape_desc d;
    wr_mass_properties mp;
    wr_shape_desc_init(&d, WR_SHAPE_BOX);
    d.size[0] = 0.1; d.size[1] = 0.2; d.size[2] = 0.3;
    assert_wr_ok(wr_shape_mass_properties(&d, 1000.0, &mp));
    assert_true(fabs(mp.mass - 48.0) < 1e-10);
    double box[9] = {48.0 / 3 * (0.04 + 0.09), 0, 0, 0, 48.0 / 3 * (0.01 + 0.09), 0, 0, 0, 48.0 / 3 * (0.01 + 0.04)};
    expect_matrix(mp.inertia, box, TOL);

    wr_shape_desc_init(&d, WR_SHAPE_SPHERE);
    d.size[0] = 0.5;
    assert_wr_ok(wr_shape_mass_properties(&d, 2.0, &mp));
    assert_true(fabs(mp.mass - 2.0 * 4.0 / 3.0 * PI * 0.125) < 1e-12);
    assert_true(fabs(mp.inertia[0] - 0.4 * mp.mass * 0.25) < 1e-12);

    /* a capsule with a zero-length segment is a sphere */
    wr_mass_properties sphere = mp;
    wr_shape_desc_init(&d, WR_SHAPE_CAPSULE);
    d.size[0] = 0.5;
    d.size[1] = 0.0;
    assert_wr_ok(wr_shape_mass_properties(&d, 2.0, &mp));
    assert_true(fabs(mp.mass - sphere.mass) < 1e-12);
    expect_matrix(mp.inertia, sphere.inertia, TOL);

    wr_shape_desc_init(&d, WR_SHAPE_CYLINDER);
    d.size[0] = 0.1; d.size[1] = 0.5;
    assert_wr_ok(wr_shape_mass_properties(&d, 100.0, &mp));
    double m = 100.0 * PI * 0.01 * 1.0;
    assert_true(fabs(mp.mass - m) < 1e-12);
    assert_true(fabs(mp.inertia[8] - 0.5 * m * 0.01) < 1e-12);
    assert_true(fabs(mp.inertia[0] - m * (3 * 0.01 + 1.0) / 12.0) < 1e-12);
}

/* A box turned 90 degrees about z swaps its x and y moments; its COM is the pose position. */
static void test_pose_rotates_inertia(void **state)
{
    (void)state;
    wr_shape_desc d;
    wr_shape_desc_init(&d, WR_SHAPE_BOX);
    d.size[0] = 0.1; d.size[1] = 0.2; d.size[2] = 0.3;
    wr_mass_properties a, b;
    assert_wr_ok(wr_shape_mass_properties(&d, 10.0, &a));
    d.pose.position[0] = 1.0; d.pose.position[1] = -2.0; d.pose.position[2] = 0.5;
    d.pose.rotation[0] = cos(PI / 4); d.pose.rotation[3] = sin(PI / 4);
    assert_wr_ok(wr_shape_mass_properties(&d, 10.0, &b));
    assert_true(fabs(b.inertia[0] - a.inertia[4]) < 1e-12 && fabs(b.inertia[4] - a.inertia[0]) < 1e-12);
    assert_true(fabs(b.inertia[8] - a.inertia[8]) < 1e-12 && fabs(b.inertia[1]) < 1e-12);
    assert_true(b.com[0] == 1.0 && b.com[1] == -2.0 && b.com[2] == 0.5);
}

/* Two 0.1 x 0.2 x 0.3 half boxes side by side along x are one 0.2 x 0.2 x 0.3 box about the common COM. */
static void test_combination_is_parallel_axis(void **state)
{
    (void)state;
    wr_shape_desc d;
    wr_shape_desc_init(&d, WR_SHAPE_BOX);
    d.size[0] = 0.05; d.size[1] = 0.1; d.size[2] = 0.15;
    wr_mass_properties acc = {0}, part;
    d.pose.position[0] = 0.3 - 0.05;
    assert_wr_ok(wr_shape_mass_properties(&d, 7.0, &part));
    assert_wr_ok(wr_mass_properties_add(&acc, &part));
    d.pose.position[0] = 0.3 + 0.05;
    assert_wr_ok(wr_shape_mass_properties(&d, 7.0, &part));
    assert_wr_ok(wr_mass_properties_add(&acc, &part));
    wr_mass_properties whole;
    d.size[0] = 0.1;
    d.pose.position[0] = 0.3;
    assert_wr_ok(wr_shape_mass_properties(&d, 7.0, &whole));
    assert_true(fabs(acc.mass - whole.mass) < 1e-12);
    assert_true(fabs(acc.com[0] - 0.3) < 1e-12 && acc.com[1] == 0.0);
    expect_matrix(acc.inertia, whole.inertia, 1e-10);
}

static void test_bad_input(void **state)
{
    (void)state;
    wr_shape_desc d;
    wr_mass_properties mp = {0}, zero = {0};
    wr_shape_desc_init(&d, WR_SHAPE_PLANE);
    assert_int_equal(wr_shape_mass_properties(&d, 1.0, &mp), WR_ERR_INVALID_ARGUMENT);
    wr_shape_desc_init(&d, WR_SHAPE_SPHERE);
    d.size[0] = 1.0;
    assert_int_equal(wr_shape_mass_properties(&d, 0.0, &mp), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_shape_mass_properties(&d, NAN, &mp), WR_ERR_NON_FINITE);
    assert_int_equal(wr_shape_mass_properties(NULL, 1.0, &mp), WR_ERR_INVALID_ARGUMENT);
    d.size[0] = -1.0;
    assert_int_equal(wr_shape_mass_properties(&d, 1.0, &mp), WR_ERR_INVALID_ARGUMENT);
    assert_true(memcmp(&mp, &zero, sizeof mp) == 0); /* nothing written on failure */
    wr_mass_properties acc = {0};
    assert_int_equal(wr_mass_properties_add(&acc, &zero), WR_ERR_INVALID_ARGUMENT); /* zero total mass */
    wr_mass_properties nan = {.mass = NAN};
    assert_int_equal(wr_mass_properties_add(&acc, &nan), WR_ERR_NON_FINITE);
    assert_true(memcmp(&acc, &zero, sizeof acc) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_volumes_and_moments),
        cmocka_unit_test(test_pose_rotates_inertia),
        cmocka_unit_test(test_combination_is_parallel_axis),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
