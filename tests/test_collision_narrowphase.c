/* Narrowphase: every pair of shapes against hand-computed contacts (depth, normal, point) when touching, separated
 * and penetrating; bad shapes refused. Normal convention: from the first shape towards the second; the point is
 * midway between the two surfaces. */
#include <math.h>
#include <string.h>

#include "test_support.h"
#include "collision/narrowphase.h"

#define TOL 1e-6

static collision_shape shape(collision_shape_type t, double a, double b, double c)
{
    double size[3] = {a, b, c};
    collision_shape s;
    assert_wr_ok(collision_shape_make(t, size, &s));
    return s;
}

static transform at(double x, double y, double z) { return tf_make(m3_identity(), v3(x, y, z)); }

static transform rot_at(vec3 axis, double angle, double x, double y, double z)
{
    return tf_make(m3_axis_angle(axis, angle), v3(x, y, z));
}

static void assert_vec(vec3 a, vec3 b, double tol)
{
    if (fabs(a.x - b.x) > tol || fabs(a.y - b.y) > tol || fabs(a.z - b.z) > tol)
        print_error("got (%.9f %.9f %.9f) expected (%.9f %.9f %.9f)\n", a.x, a.y, a.z, b.x, b.y, b.z);
    assert_true(fabs(a.x - b.x) <= tol && fabs(a.y - b.y) <= tol && fabs(a.z - b.z) <= tol);
}

static void assert_near(double a, double b, double tol)
{
    if (fabs(a - b) > tol)
        print_error("got %.9f expected %.9f\n", a, b);
    assert_true(fabs(a - b) <= tol);
}

/* Every contact has the given normal and depth; returns the count. */
static int collide_all(const collision_shape *a, transform ta, const collision_shape *b, transform tb,
                       collision_contact *c, vec3 normal, double depth, double tol)
{
    int n = collision_collide(a, &ta, b, &tb, 0.0, c);
    for (int i = 0; i < n; i++) {
        assert_vec(c[i].normal, normal, tol);
        assert_near(c[i].depth, depth, tol);
    }
    /* The swapped pair gives the same contacts with the normal reversed. */
    collision_contact d[COLLISION_MAX_PAIR_CONTACTS];
    int m = collision_collide(b, &tb, a, &ta, 0.0, d);
    assert_int_equal(m, n);
    for (int i = 0; i < m; i++) {
        assert_vec(d[i].normal, v3_neg(normal), tol);
        assert_near(d[i].depth, depth, tol);
    }
    return n;
}

/* Is there a contact at `p`? */
static int has_point(const collision_contact *c, int n, vec3 p, double tol)
{
    for (int i = 0; i < n; i++)
        if (v3_norm(v3_sub(c[i].point, p)) <= tol)
            return 1;
    return 0;
}

static void expect_none(const collision_shape *a, transform ta, const collision_shape *b, transform tb)
{
    collision_contact c[COLLISION_MAX_PAIR_CONTACTS];
    assert_int_equal(collision_collide(a, &ta, b, &tb, 0.0, c), 0);
    assert_int_equal(collision_collide(b, &tb, a, &ta, 0.0, c), 0);
}

static const vec3 X = {1, 0, 0}, Y = {0, 1, 0}, Z = {0, 0, 1};

static void test_bad_shapes_refused(void **state)
{
    (void)state;
    collision_shape s = {COLLISION_BOX, {1, 1, 1}};
    double zero[3] = {0, 1, 1}, neg[3] = {1, -1, 1}, nan3[3] = {1, 1, NAN}, inf3[3] = {INFINITY, 1, 1};
    assert_int_equal(collision_shape_make(COLLISION_BOX, zero, &s), WR_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(wr_last_error(), "size[0]"));
    assert_int_equal(collision_shape_make(COLLISION_BOX, neg, &s), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(collision_shape_make(COLLISION_BOX, nan3, &s), WR_ERR_NON_FINITE);
    assert_int_equal(collision_shape_make(COLLISION_SPHERE, inf3, &s), WR_ERR_NON_FINITE);
    assert_int_equal(collision_shape_make(COLLISION_CAPSULE, neg, &s), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(collision_shape_make(COLLISION_CYLINDER, zero, &s), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(collision_shape_make((collision_shape_type)9, neg, &s), WR_ERR_INVALID_ARGUMENT);
    /* The failed calls left the shape as it was. */
    assert_int_equal(s.type, COLLISION_BOX);
    assert_true(s.size[0] == 1 && s.size[1] == 1 && s.size[2] == 1);
    /* A plane ignores its sizes; a sphere ignores sizes it does not use. */
    assert_wr_ok(collision_shape_make(COLLISION_PLANE, zero, &s));
    assert_wr_ok(collision_shape_make(COLLISION_SPHERE, nan3, &s));
    s.size[0] = -1;
    assert_int_equal(collision_shape_validate(&s), WR_ERR_INVALID_ARGUMENT);
}

static void test_plane_sphere(void **state)
{
    (void)state;
    collision_shape p = shape(COLLISION_PLANE, 0, 0, 0), s = shape(COLLISION_SPHERE, 0.5, 0, 0);
    collision_contact c[4];
    assert_int_equal(collide_all(&p, at(0, 0, 0), &s, at(1, 2, 0.4), c, Z, 0.1, TOL), 1);
    assert_vec(c[0].point, v3(1, 2, -0.05), TOL);
    assert_int_equal(collide_all(&p, at(0, 0, 0), &s, at(0, 0, 0.5), c, Z, 0.0, TOL), 1); /* touching */
    assert_int_equal(collide_all(&p, at(0, 0, 0), &s, at(0, 0, -0.2), c, Z, 0.7, TOL), 1); /* deep */
    assert_vec(c[0].point, v3(0, 0, -0.35), TOL);
    expect_none(&p, at(0, 0, 0), &s, at(0, 0, 0.6));
    /* A tilted plane: normal (0, -sin, cos) after rotating +z about x by 30 degrees. */
    double a = 30 * 3.141592653589793 / 180;
    vec3 n = v3(0, -sin(a), cos(a));
    assert_int_equal(collide_all(&p, rot_at(X, a, 0, 0, 0), &s, tf_make(m3_identity(), v3_scale(n, 0.45)), c, n,
                                 0.05, TOL), 1);
}

static void test_plane_box(void **state)
{
    (void)state;
    collision_shape p = shape(COLLISION_PLANE, 0, 0, 0), b = shape(COLLISION_BOX, 0.5, 0.5, 0.5);
    collision_contact c[4];
    assert_int_equal(collide_all(&p, at(0, 0, 0), &b, at(0, 0, 0.4), c, Z, 0.1, TOL), 4);
    for (int sx = -1; sx <= 1; sx += 2)
        for (int sy = -1; sy <= 1; sy += 2)
            assert_true(has_point(c, 4, v3(0.5 * sx, 0.5 * sy, -0.05), TOL));
    assert_int_equal(collide_all(&p, at(0, 0, 0), &b, at(0, 0, 0.5), c, Z, 0.0, TOL), 4);
    assert_int_equal(collide_all(&p, at(0, 0, 0), &b, at(0, 0, -0.3), c, Z, 0.8, TOL), 4);
    expect_none(&p, at(0, 0, 0), &b, at(0, 0, 0.51));
    /* On an edge: rotated 45 degrees about x, the lowest edge is 0.5*sqrt(2) below the centre. */
    double e = 0.5 * sqrt(2.0);
    assert_int_equal(collide_all(&p, at(0, 0, 0), &b, rot_at(X, 0.25 * 3.141592653589793, 0, 0, e - 0.01), c, Z,
                                 0.01, TOL), 2);
    assert_true(has_point(c, 2, v3(0.5, 0, -0.005), TOL) && has_point(c, 2, v3(-0.5, 0, -0.005), TOL));
}

static void test_plane_capsule(void **state)
{
    (void)state;
    collision_shape p = shape(COLLISION_PLANE, 0, 0, 0), k = shape(COLLISION_CAPSULE, 0.1, 0.5, 0);
    collision_contact c[4];
    transform lying = rot_at(Y, 0.5 * 3.141592653589793, 0, 0, 0.08); /* local z along world x */
    assert_int_equal(collide_all(&p, at(0, 0, 0), &k, lying, c, Z, 0.02, TOL), 2);
    assert_true(has_point(c, 2, v3(0.5, 0, -0.01), TOL) && has_point(c, 2, v3(-0.5, 0, -0.01), TOL));
    assert_int_equal(collide_all(&p, at(0, 0, 0), &k, at(0, 0, 0.55), c, Z, 0.05, TOL), 1);
    assert_vec(c[0].point, v3(0, 0, -0.025), TOL);
    assert_int_equal(collide_all(&p, at(0, 0, 0), &k, at(0, 0, 0.6), c, Z, 0.0, TOL), 1);
    assert_int_equal(collide_all(&p, at(0, 0, 0), &k, at(0, 0, 0.2), c, Z, 0.4, TOL), 1);
    expect_none(&p, at(0, 0, 0), &k, at(0, 0, 0.61));
}

static void test_plane_cylinder(void **state)
{
    (void)state;
    collision_shape p = shape(COLLISION_PLANE, 0, 0, 0), y = shape(COLLISION_CYLINDER, 0.3, 0.2, 0);
    collision_contact c[4];
    assert_int_equal(collide_all(&p, at(0, 0, 0), &y, at(0, 0, 0.15), c, Z, 0.05, TOL), 4);
    for (int i = 0; i < 4; i++) {
        assert_near(c[i].point.z, -0.025, TOL);
        assert_near(sqrt(c[i].point.x * c[i].point.x + c[i].point.y * c[i].point.y), 0.3, TOL);
    }
    /* Lying on its side (axis along world y): a line contact, one point at each end of the bottom line. */
    transform lying = rot_at(X, 0.5 * 3.141592653589793, 0, 0, 0.25);
    assert_int_equal(collide_all(&p, at(0, 0, 0), &y, lying, c, Z, 0.05, TOL), 2);
    assert_true(has_point(c, 2, v3(0, 0.2, -0.025), TOL) && has_point(c, 2, v3(0, -0.2, -0.025), TOL));
    assert_int_equal(collide_all(&p, at(0, 0, 0), &y, at(0, 0, -0.1), c, Z, 0.3, TOL), 4); /* deep */
    assert_int_equal(collide_all(&p, at(0, 0, 0), &y, at(0, 0, 0.2), c, Z, 0.0, TOL), 4); /* touching */
    expect_none(&p, at(0, 0, 0), &y, at(0, 0, 0.21));
}

static void test_plane_plane_never(void **state)
{
    (void)state;
    collision_shape p = shape(COLLISION_PLANE, 0, 0, 0);
    expect_none(&p, at(0, 0, 0), &p, at(0, 0, -1));
}

static void test_sphere_sphere(void **state)
{
    (void)state;
    collision_shape a = shape(COLLISION_SPHERE, 0.5, 0, 0), b = shape(COLLISION_SPHERE, 0.3, 0, 0);
    collision_contact c[4];
    assert_int_equal(collide_all(&a, at(0, 0, 0), &b, at(0.7, 0, 0), c, X, 0.1, TOL), 1);
    assert_vec(c[0].point, v3(0.45, 0, 0), TOL);
    assert_int_equal(collide_all(&a, at(0, 0, 0), &b, at(0.8, 0, 0), c, X, 0.0, TOL), 1);
    assert_int_equal(collide_all(&a, at(0, 0, 0), &b, at(0, 0.1, 0), c, Y, 0.7, TOL), 1); /* deep */
    expect_none(&a, at(0, 0, 0), &b, at(0.81, 0, 0));
}

static void test_sphere_capsule(void **state)
{
    (void)state;
    collision_shape s = shape(COLLISION_SPHERE, 0.2, 0, 0), k = shape(COLLISION_CAPSULE, 0.2, 0.5, 0);
    transform lying = rot_at(Y, 0.5 * 3.141592653589793, 0, 0, 0);
    collision_contact c[4];
    assert_int_equal(collide_all(&s, at(0.3, 0, 0.35), &k, lying, c, v3(0, 0, -1), 0.05, TOL), 1);
    assert_vec(c[0].point, v3(0.3, 0, 0.175), TOL);
    /* Beyond the end cap: along the axis. */
    assert_int_equal(collide_all(&s, at(0.85, 0, 0), &k, lying, c, v3(-1, 0, 0), 0.05, TOL), 1);
    assert_int_equal(collide_all(&s, at(0, 0, 0.4), &k, lying, c, v3(0, 0, -1), 0.0, TOL), 1);
    assert_int_equal(collide_all(&s, at(0, 0, 0.1), &k, lying, c, v3(0, 0, -1), 0.3, TOL), 1); /* deep */
    expect_none(&s, at(0, 0, 0.41), &k, lying);
}

static void test_sphere_box(void **state)
{
    (void)state;
    collision_shape s = shape(COLLISION_SPHERE, 0.2, 0, 0), b = shape(COLLISION_BOX, 0.5, 0.5, 0.5);
    collision_contact c[4];
    assert_int_equal(collide_all(&s, at(0, 0, 0.65), &b, at(0, 0, 0), c, v3(0, 0, -1), 0.05, TOL), 1);
    assert_vec(c[0].point, v3(0, 0, 0.475), TOL);
    /* Centre inside the box: pushed out through the nearest face. */
    assert_int_equal(collide_all(&s, at(0, 0, 0.4), &b, at(0, 0, 0), c, v3(0, 0, -1), 0.3, TOL), 1);
    assert_vec(c[0].point, v3(0, 0, 0.35), TOL);
    /* Near a corner: along the diagonal. */
    double d = 0.1 * sqrt(3.0);
    vec3 n = v3_normalize(v3(-1, -1, -1));
    assert_int_equal(collide_all(&s, at(0.6, 0.6, 0.6), &b, at(0, 0, 0), c, n, 0.2 - d, TOL), 1);
    assert_int_equal(collide_all(&s, at(0, 0.7, 0), &b, at(0, 0, 0), c, v3(0, -1, 0), 0.0, TOL), 1);
    expect_none(&s, at(0.65, 0.65, 0.65), &b, at(0, 0, 0));
    /* A rotated box: 45 degrees about z, its x face normal is (1, 1, 0)/sqrt(2). */
    vec3 f = v3_normalize(v3(1, 1, 0));
    assert_int_equal(collide_all(&s, tf_make(m3_identity(), v3_scale(f, 0.65)), &b,
                                 rot_at(Z, 0.25 * 3.141592653589793, 0, 0, 0), c, v3_neg(f), 0.05, TOL), 1);
}

static void test_sphere_cylinder(void **state)
{
    (void)state;
    collision_shape s = shape(COLLISION_SPHERE, 0.1, 0, 0), y = shape(COLLISION_CYLINDER, 0.3, 0.2, 0);
    collision_contact c[4];
    assert_int_equal(collide_all(&s, at(0.35, 0, 0), &y, at(0, 0, 0), c, v3(-1, 0, 0), 0.05, TOL), 1);
    assert_vec(c[0].point, v3(0.275, 0, 0), TOL);
    assert_int_equal(collide_all(&s, at(0, 0.1, 0.28), &y, at(0, 0, 0), c, v3(0, 0, -1), 0.02, TOL), 1);
    assert_vec(c[0].point, v3(0, 0.1, 0.19), TOL);
    /* Near the rim: towards the rim circle. */
    double d = 0.05 * sqrt(2.0);
    assert_int_equal(collide_all(&s, at(0.35, 0, 0.25), &y, at(0, 0, 0), c, v3_normalize(v3(-1, 0, -1)), 0.1 - d,
                                 TOL), 1);
    assert_int_equal(collide_all(&s, at(0, 0, 0.15), &y, at(0, 0, 0), c, v3(0, 0, -1), 0.15, TOL), 1); /* deep */
    assert_int_equal(collide_all(&s, at(0, 0.4, 0), &y, at(0, 0, 0), c, v3(0, -1, 0), 0.0, TOL), 1);
    expect_none(&s, at(0.41, 0, 0), &y, at(0, 0, 0));
}

static void test_capsule_capsule(void **state)
{
    (void)state;
    collision_shape k = shape(COLLISION_CAPSULE, 0.1, 0.5, 0);
    transform along_x = rot_at(Y, 0.5 * 3.141592653589793, 0, 0, 0);
    transform along_y = rot_at(X, 0.5 * 3.141592653589793, 0, 0, 0.15);
    collision_contact c[4];
    /* Crossed: one point over the crossing. */
    assert_int_equal(collide_all(&k, along_x, &k, along_y, c, Z, 0.05, 1e-6), 1);
    assert_vec(c[0].point, v3(0, 0, 0.075), 1e-6);
    /* Parallel: contacts at both ends of the overlap. */
    transform above = rot_at(Y, 0.5 * 3.141592653589793, 0.2, 0, 0.15);
    int n = collide_all(&k, along_x, &k, above, c, Z, 0.05, TOL);
    assert_true(n >= 2);
    assert_true(has_point(c, n, v3(0.5, 0, 0.075), TOL) && has_point(c, n, v3(-0.3, 0, 0.075), TOL));
    /* End to end along the axis. */
    assert_int_equal(collide_all(&k, along_x, &k, rot_at(Y, 0.5 * 3.141592653589793, 1.15, 0, 0), c, X, 0.05, TOL),
                     1);
    assert_int_equal(collide_all(&k, along_x, &k, rot_at(X, 0.5 * 3.141592653589793, 0, 0, 0.2), c, Z, 0.0, 1e-6),
                     1); /* touching */
    assert_int_equal(collide_all(&k, along_x, &k, rot_at(X, 0.5 * 3.141592653589793, 0, 0, 0.05), c, Z, 0.15, 1e-6),
                     1); /* deep */
    expect_none(&k, along_x, &k, rot_at(X, 0.5 * 3.141592653589793, 0, 0, 0.21));
}

static void test_capsule_box(void **state)
{
    (void)state;
    collision_shape k = shape(COLLISION_CAPSULE, 0.1, 0.3, 0), b = shape(COLLISION_BOX, 0.5, 0.5, 0.5);
    collision_contact c[4];
    transform lying = rot_at(Y, 0.5 * 3.141592653589793, 0, 0, 0.55);
    assert_int_equal(collide_all(&k, lying, &b, at(0, 0, 0), c, v3(0, 0, -1), 0.05, TOL), 2);
    assert_true(has_point(c, 2, v3(0.3, 0, 0.475), TOL) && has_point(c, 2, v3(-0.3, 0, 0.475), TOL));
    assert_int_equal(collide_all(&k, at(0, 0, 0.85), &b, at(0, 0, 0), c, v3(0, 0, -1), 0.05, TOL), 1);
    assert_vec(c[0].point, v3(0, 0, 0.475), TOL);
    /* Across an edge of the box: the interior point of the segment over the edge. */
    double o = 0.05 / sqrt(2.0), r = 0.1 / sqrt(2.0);
    transform across = rot_at(Y, 0.75 * 3.141592653589793, 0.5 + o, 0, 0.5 + o);
    vec3 diag = v3_normalize(v3(-1, 0, -1));
    assert_int_equal(collide_all(&k, across, &b, at(0, 0, 0), c, diag, 0.05, 1e-6), 1);
    assert_vec(c[0].point, v3(0.5 + 0.5 * (o - r), 0, 0.5 + 0.5 * (o - r)), 1e-6);
    assert_int_equal(collide_all(&k, at(0, 0, 0.9), &b, at(0, 0, 0), c, v3(0, 0, -1), 0.0, TOL), 1);
    assert_int_equal(collide_all(&k, at(0, 0, 0.6), &b, at(0, 0, 0), c, v3(0, 0, -1), 0.3, TOL), 1); /* deep */
    expect_none(&k, at(0, 0, 0.91), &b, at(0, 0, 0));
}

static void test_capsule_cylinder(void **state)
{
    (void)state;
    collision_shape k = shape(COLLISION_CAPSULE, 0.1, 0.2, 0), y = shape(COLLISION_CYLINDER, 0.3, 0.2, 0);
    collision_contact c[4];
    transform lying = rot_at(Y, 0.5 * 3.141592653589793, 0, 0, 0.25);
    assert_int_equal(collide_all(&k, lying, &y, at(0, 0, 0), c, v3(0, 0, -1), 0.05, TOL), 2);
    assert_true(has_point(c, 2, v3(0.2, 0, 0.175), TOL) && has_point(c, 2, v3(-0.2, 0, 0.175), TOL));
    /* Standing beside the cylinder, parallel to its axis: a line contact on the side. */
    assert_int_equal(collide_all(&k, at(0.38, 0, 0), &y, at(0, 0, 0), c, v3(-1, 0, 0), 0.02, TOL), 2);
    assert_int_equal(collide_all(&k, at(0, 0, 0.5), &y, at(0, 0, 0), c, v3(0, 0, -1), 0.0, TOL), 1);
    assert_int_equal(collide_all(&k, at(0, 0, 0.4), &y, at(0, 0, 0), c, v3(0, 0, -1), 0.1, TOL), 1); /* deep */
    expect_none(&k, at(0, 0, 0.51), &y, at(0, 0, 0));
}

static void test_box_box(void **state)
{
    (void)state;
    collision_shape a = shape(COLLISION_BOX, 0.5, 0.5, 0.5), s = shape(COLLISION_BOX, 0.25, 0.25, 0.25);
    collision_contact c[4];
    /* Same size face on face: the four corners of the shared face. */
    assert_int_equal(collide_all(&a, at(0, 0, 0), &a, at(0, 0, 0.9), c, Z, 0.1, TOL), 4);
    for (int sx = -1; sx <= 1; sx += 2)
        for (int sy = -1; sy <= 1; sy += 2)
            assert_true(has_point(c, 4, v3(0.5 * sx, 0.5 * sy, 0.45), TOL));
    /* Small box on a big one. */
    assert_int_equal(collide_all(&a, at(0, 0, 0), &s, at(0.1, 0, 0.7), c, Z, 0.05, TOL), 4);
    assert_true(has_point(c, 4, v3(0.35, 0.25, 0.475), TOL) && has_point(c, 4, v3(-0.15, -0.25, 0.475), TOL));
    /* Overhanging: clipped to the big box's face. */
    int n = collide_all(&a, at(0, 0, 0), &s, at(0.6, 0, 0.74), c, Z, 0.01, TOL);
    assert_int_equal(n, 4);
    for (int i = 0; i < n; i++)
        assert_true(c[i].point.x <= 0.5 + TOL && c[i].point.x >= 0.35 - TOL);
    /* Rotated 45 degrees about z on top: an octagon reduced to four points, all on the face. */
    n = collide_all(&a, at(0, 0, 0), &a, rot_at(Z, 0.25 * 3.141592653589793, 0, 0, 0.98), c, Z, 0.02, TOL);
    assert_int_equal(n, 4);
    assert_wr_ok(WR_OK);
    /* Touching, separated and deep (along x). */
    assert_int_equal(collide_all(&a, at(0, 0, 0), &a, at(0, 0, 1.0), c, Z, 0.0, TOL), 4);
    expect_none(&a, at(0, 0, 0), &a, at(0, 0, 1.01));
    assert_int_equal(collide_all(&a, at(0, 0, 0), &a, at(0.3, 0, 0), c, X, 0.7, TOL), 4);
    /* Edge on edge, crossed: A turned 45 degrees about y (top edge along y at z = 0.5 sqrt 2), B turned 45 degrees
     * about x (bottom edge along x). */
    double e = 0.5 * sqrt(2.0);
    transform ta = rot_at(Y, 0.25 * 3.141592653589793, 0, 0, 0);
    transform tb = rot_at(X, 0.25 * 3.141592653589793, 0, 0, 2 * e - 0.05);
    assert_int_equal(collide_all(&a, ta, &a, tb, c, Z, 0.05, 1e-9), 1);
    assert_vec(c[0].point, v3(0, 0, e - 0.025), 1e-9);
    expect_none(&a, ta, &a, rot_at(X, 0.25 * 3.141592653589793, 0, 0, 2 * e + 0.01));
}

static void test_box_box_feature_ids_stable(void **state)
{
    (void)state;
    collision_shape a = shape(COLLISION_BOX, 0.5, 0.5, 0.5);
    collision_contact c1[4], c2[4];
    transform ta = at(0, 0, 0), t1 = at(0.01, 0.02, 0.99), t2 = at(0.011, 0.021, 0.985);
    int n1 = collision_collide(&a, &ta, &a, &t1, 0.0, c1);
    int n2 = collision_collide(&a, &ta, &a, &t2, 0.0, c2);
    assert_int_equal(n1, n2);
    for (int i = 0; i < n1; i++) {
        int found = 0;
        for (int j = 0; j < n2; j++)
            if (c1[i].feature == c2[j].feature) {
                found = 1;
                assert_true(v3_norm(v3_sub(c1[i].point, c2[j].point)) < 0.01);
            }
        assert_true(found);
        for (int j = i + 1; j < n1; j++)
            assert_true(c1[i].feature != c1[j].feature);
    }
}

static void test_box_cylinder(void **state)
{
    (void)state;
    collision_shape b = shape(COLLISION_BOX, 0.5, 0.5, 0.5), y = shape(COLLISION_CYLINDER, 0.3, 0.2, 0);
    collision_contact c[4];
    /* Cylinder standing on the box: rim points on the box's top face. */
    int n = collide_all(&b, at(0, 0, 0), &y, at(0, 0, 0.68), c, Z, 0.02, TOL);
    assert_int_equal(n, 4);
    for (int i = 0; i < n; i++) {
        assert_near(c[i].point.z, 0.49, TOL);
        assert_near(sqrt(c[i].point.x * c[i].point.x + c[i].point.y * c[i].point.y), 0.3, TOL);
    }
    /* Small box on a wide cylinder: the box's corners. */
    collision_shape s = shape(COLLISION_BOX, 0.1, 0.1, 0.1), w = shape(COLLISION_CYLINDER, 1.0, 0.2, 0);
    n = collide_all(&s, at(0, 0, 0.28), &w, at(0, 0, 0), c, v3(0, 0, -1), 0.02, TOL);
    assert_int_equal(n, 4);
    for (int i = 0; i < n; i++)
        assert_near(fabs(c[i].point.x), 0.1, TOL);
    /* Cylinder lying on the box (axis along y): a side contact. */
    n = collide_all(&b, at(0, 0, 0), &y, rot_at(X, 0.5 * 3.141592653589793, 0, 0, 0.78), c, Z, 0.02, TOL);
    assert_true(n >= 1);
    assert_near(c[0].point.z, 0.49, TOL);
    assert_int_equal(collide_all(&b, at(0, 0, 0), &y, at(0, 0, 0.7), c, Z, 0.0, TOL), 4); /* touching */
    assert_int_equal(collide_all(&b, at(0, 0, 0), &y, at(0, 0, 0.6), c, Z, 0.1, TOL), 4); /* deep */
    expect_none(&b, at(0, 0, 0), &y, at(0, 0, 0.71));
}

static void test_cylinder_cylinder(void **state)
{
    (void)state;
    collision_shape y = shape(COLLISION_CYLINDER, 0.3, 0.2, 0);
    collision_contact c[4];
    int n = collide_all(&y, at(0, 0, 0), &y, at(0.1, 0, 0.38), c, Z, 0.02, TOL);
    assert_int_equal(n, 4);
    for (int i = 0; i < n; i++)
        assert_near(c[i].point.z, 0.19, TOL);
    /* Lying side by side (both axes along x): the side contact. */
    transform a = rot_at(Y, 0.5 * 3.141592653589793, 0, 0, 0), b = rot_at(Y, 0.5 * 3.141592653589793, 0.05, 0, 0.58);
    n = collide_all(&y, a, &y, b, c, Z, 0.02, TOL);
    assert_true(n >= 1);
    assert_true(has_point(c, n, v3(0, 0, 0.29), 0.21));
    /* Crossed, side on side (axes along x and y): one point where the side lines cross. */
    n = collide_all(&y, rot_at(Y, 0.5 * 3.141592653589793, 0, 0, 0), &y, rot_at(X, 0.5 * 3.141592653589793, 0, 0, 0.58),
                    c, Z, 0.02, TOL);
    assert_int_equal(n, 1);
    assert_vec(c[0].point, v3(0, 0, 0.29), TOL);
    assert_int_equal(collide_all(&y, at(0, 0, 0), &y, at(0, 0, 0.4), c, Z, 0.0, TOL), 4);   /* touching */
    assert_int_equal(collide_all(&y, at(0, 0, 0), &y, at(0, 0, 0.25), c, Z, 0.15, TOL), 4); /* deep */
    expect_none(&y, at(0, 0, 0), &y, at(0, 0, 0.41));
}

static void test_margin_reports_gaps(void **state)
{
    (void)state;
    collision_shape p = shape(COLLISION_PLANE, 0, 0, 0), b = shape(COLLISION_BOX, 0.5, 0.5, 0.5);
    collision_contact c[4];
    transform tp = at(0, 0, 0), tb = at(0, 0, 0.503);
    assert_int_equal(collision_collide(&p, &tp, &b, &tb, 0.0, c), 0);
    assert_int_equal(collision_collide(&p, &tp, &b, &tb, 0.005, c), 4);
    assert_near(c[0].depth, -0.003, TOL);
}

static void test_aabb(void **state)
{
    (void)state;
    collision_shape y = shape(COLLISION_CYLINDER, 0.3, 0.2, 0), b = shape(COLLISION_BOX, 0.5, 0.25, 0.1);
    transform t = rot_at(X, 0.5 * 3.141592653589793, 1, 2, 3);
    collision_aabb a = collision_shape_aabb(&y, &t, 0.01);
    assert_vec(a.lo, v3(1 - 0.31, 2 - 0.21, 3 - 0.31), TOL);
    assert_vec(a.hi, v3(1 + 0.31, 2 + 0.21, 3 + 0.31), TOL);
    transform u = rot_at(Z, 0.5 * 3.141592653589793, 0, 0, 0);
    a = collision_shape_aabb(&b, &u, 0);
    assert_vec(a.hi, v3(0.25, 0.5, 0.1), TOL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_shapes_refused), cmocka_unit_test(test_plane_sphere),
        cmocka_unit_test(test_plane_box),          cmocka_unit_test(test_plane_capsule),
        cmocka_unit_test(test_plane_cylinder),     cmocka_unit_test(test_plane_plane_never),
        cmocka_unit_test(test_sphere_sphere),      cmocka_unit_test(test_sphere_capsule),
        cmocka_unit_test(test_sphere_box),         cmocka_unit_test(test_sphere_cylinder),
        cmocka_unit_test(test_capsule_capsule),    cmocka_unit_test(test_capsule_box),
        cmocka_unit_test(test_capsule_cylinder),   cmocka_unit_test(test_box_box),
        cmocka_unit_test(test_box_box_feature_ids_stable), cmocka_unit_test(test_box_cylinder),
        cmocka_unit_test(test_cylinder_cylinder),  cmocka_unit_test(test_margin_reports_gaps),
        cmocka_unit_test(test_aabb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
