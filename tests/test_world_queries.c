/* The queries a user needs: world-frame velocities of a body's origin and COM, COMs of bodies and skeletons, the
 * index wr_world_add_skeleton hands back, mass from shapes and a density, the ground-plane helper; bad input. */
#include "test_support.h"

#include <math.h>
#include <string.h>

#include "worldrunner/collision.h"
#include "worldrunner/scenes.h"

static void expect(wr_status got, wr_status expected, const char *fragment)
{
    if (got != expected || !strstr(wr_last_error(), fragment))
        print_error("got %s \"%s\", expected %s with \"%s\"\n", wr_status_name(got), wr_last_error(),
                    wr_status_name(expected), fragment);
    assert_int_equal(got, expected);
    assert_non_null(strstr(wr_last_error(), fragment));
}

static double dist(const double a[3], const double b[3])
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

/* A hinge about y at (0, 0, 2), COM 0.5 m down the link and 0.1 m to the side: at angle q and rate qd the COM is
 * pivot + Ry(q) c and moves at qd y x (Ry(q) c); the body origin (the pivot) does not move. */
static void test_body_velocities_of_a_hinge(void **state)
{
    (void)state;
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "hinge", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
    b.joint.axis[0] = 0;
    b.joint.axis[1] = 1;
    b.joint.axis[2] = 0;
    b.joint.parent_pose.position[2] = 2.0;
    b.com[0] = 0.1;
    b.com[2] = -0.5;
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    const double q = 0.7, qd = -1.3;
    assert_wr_ok(wr_skeleton_set_positions(s, &q, 1));
    assert_wr_ok(wr_skeleton_set_velocities(s, &qd, 1));
    const double rc[3] = {cos(q) * 0.1 + sin(q) * -0.5, 0, -sin(q) * 0.1 + cos(q) * -0.5};
    const double com[3] = {rc[0], 0, 2.0 + rc[2]}, vcom[3] = {qd * rc[2], 0, -qd * rc[0]};
    double p[3], v[3], w[3], vc[3], wc[3];
    assert_wr_ok(wr_skeleton_body_com(s, 0, p));
    assert_true(dist(p, com) < 1e-14);
    assert_wr_ok(wr_skeleton_body_velocity(s, 0, v, w));
    assert_true(fabs(v[0]) + fabs(v[1]) + fabs(v[2]) < 1e-14);
    assert_true(fabs(w[0]) < 1e-15 && fabs(w[1] - qd) < 1e-15 && fabs(w[2]) < 1e-15);
    assert_wr_ok(wr_skeleton_body_com_velocity(s, 0, vc, wc));
    assert_true(dist(vc, vcom) < 1e-14 && dist(wc, w) == 0);
    assert_wr_ok(wr_skeleton_center_of_mass(s, p, v));
    assert_true(dist(p, com) < 1e-14 && dist(v, vcom) < 1e-14);
    /* bad input */
    expect(wr_skeleton_body_velocity(s, 1, v, w), WR_ERR_INVALID_ARGUMENT, "out of range");
    expect(wr_skeleton_body_com_velocity(s, -1, v, w), WR_ERR_INVALID_ARGUMENT, "out of range");
    expect(wr_skeleton_body_com(NULL, 0, p), WR_ERR_INVALID_ARGUMENT, "NULL");
    expect(wr_skeleton_body_velocity(s, 0, NULL, w), WR_ERR_INVALID_ARGUMENT, "NULL");
    expect(wr_skeleton_center_of_mass(s, NULL, v), WR_ERR_INVALID_ARGUMENT, "NULL");
    assert_wr_ok(wr_skeleton_center_of_mass(s, p, NULL)); /* the velocity is optional */
    assert_wr_ok(wr_skeleton_destroy(s));
}

/* A free body with its COM off the origin, turned and spinning: the origin moves at v_lin (world), the COM at
 * v_lin + w_world x (R c); a finite difference of the queried COM position along the integration agrees. */
static void test_free_body_velocities(void **state)
{
    (void)state;
    wr_world_config cfg;
    wr_world_config_init(&cfg);
    cfg.gravity[2] = 0;
    cfg.time_step = 1e-6;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(&cfg, &w));
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "free", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    b.com[0] = 0.2;
    b.com[1] = -0.1;
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    int index = -1;
    assert_wr_ok(wr_world_add_skeleton(w, &s, &index));
    assert_int_equal(index, 0);
    const double h = 0.5;
    double q[7] = {1, 2, 3, sqrt(0.5), h, h, 0}, v[6] = {0.3, -0.4, 0.5, 1.0, 2.0, -3.0};
    assert_wr_ok(wr_skeleton_set_positions(s, q, 7));
    assert_wr_ok(wr_skeleton_set_velocities(s, v, 6));
    double lin[3], ang[3], vc[3], wc[3], c0[3], c1[3], pos[3], rot[9];
    assert_wr_ok(wr_skeleton_body_velocity(s, 0, lin, ang));
    for (int k = 0; k < 3; k++)
        assert_true(fabs(lin[k] - v[k]) < 1e-15);
    assert_wr_ok(wr_skeleton_body_pose(s, 0, pos, rot));
    for (int k = 0; k < 3; k++) /* world angular velocity = R w_body */
        assert_true(fabs(ang[k] - (rot[3 * k] * v[3] + rot[3 * k + 1] * v[4] + rot[3 * k + 2] * v[5])) < 1e-14);
    assert_wr_ok(wr_skeleton_body_com_velocity(s, 0, vc, wc));
    assert_wr_ok(wr_skeleton_body_com(s, 0, c0));
    assert_wr_ok(wr_world_step(w, 1));
    assert_wr_ok(wr_skeleton_body_com(s, 0, c1));
    for (int k = 0; k < 3; k++)
        assert_true(fabs((c1[k] - c0[k]) / 1e-6 - vc[k]) < 1e-5);
    /* one body: the skeleton's COM is the body's, and P = m v_com */
    double sc[3], sv[3], p[3], l[3];
    assert_wr_ok(wr_skeleton_center_of_mass(s, sc, sv));
    assert_wr_ok(wr_skeleton_body_com(s, 0, c1));
    assert_wr_ok(wr_skeleton_body_com_velocity(s, 0, vc, wc));
    assert_wr_ok(wr_skeleton_momentum(s, p, l));
    assert_true(dist(sc, c1) < 1e-15 && dist(sv, vc) < 1e-15 && dist(p, sv) < 1e-14); /* m = 1 kg */
    assert_wr_ok(wr_world_destroy(w));
}

/* The humanoid's COM and its velocity: P = M v_com. */
static void test_skeleton_com_and_momentum(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_scene_build(w, "humanoid"));
    wr_skeleton *s = wr_world_get_skeleton(w, 0);
    double v[64];
    const int nv = wr_skeleton_dof_count(s);
    test_rng r;
    test_rng_seed(&r, 99);
    for (int k = 0; k < nv; k++)
        v[k] = test_rng_uniform(&r, -1, 1);
    assert_wr_ok(wr_skeleton_set_velocities(s, v, (size_t)nv));
    double c[3], vc[3], p[3], l[3];
    assert_wr_ok(wr_skeleton_center_of_mass(s, c, vc));
    assert_wr_ok(wr_skeleton_momentum(s, p, l));
    /* the total mass is the free root's linear block of M: m_total 1 */
    static double mm[64 * 64];
    assert_wr_ok(wr_skeleton_mass_matrix(s, mm, (size_t)nv * (size_t)nv));
    const double mass = mm[0];
    assert_true(fabs(mm[nv + 1] - mass) < 1e-12 && fabs(mm[1]) < 1e-12);
    for (int k = 0; k < 3; k++)
        assert_true(fabs(p[k] - mass * vc[k]) < 1e-12 * (1 + fabs(p[k])));
    print_message("humanoid: mass %.3f kg, COM (%.4f, %.4f, %.4f) m, P = M v_com to %.1e\n", mass, c[0], c[1], c[2],
                  fabs(p[0] - mass * vc[0]));
    assert_wr_ok(wr_world_destroy(w));
}

/* wr_world_add_skeleton hands back indices in order; a refused add hands back nothing and adds nothing. */
static void test_add_skeleton_index(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    int index = -1;
    assert_wr_ok(wr_world_add_ground_plane(w, NULL, NULL, 0.5, &index));
    assert_int_equal(index, 0);
    for (int i = 1; i < 4; i++) {
        wr_skeleton *s = NULL;
        assert_wr_ok(wr_skeleton_create(NULL, "ball", &s));
        wr_body_desc b;
        wr_body_desc_init(&b);
        assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
        assert_wr_ok(wr_world_add_skeleton(w, &s, &index));
        assert_int_equal(index, i);
        assert_true(wr_world_get_skeleton(w, index) == s);
    }
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "massless", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    b.density = 1000.0; /* mass from shapes, but none is added */
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    index = 77;
    expect(wr_world_add_skeleton(w, &s, &index), WR_ERR_INVALID_STATE, "no solid shape");
    assert_int_equal(index, 77);
    assert_int_equal(wr_world_skeleton_count(w), 4);
    assert_wr_ok(wr_skeleton_destroy(s));
    assert_wr_ok(wr_world_destroy(w));
}

/* density > 0: mass, COM and inertia from the body's solid shapes, recomputed as shapes are added. */
static void test_mass_from_shapes(void **state)
{
    (void)state;
    const double rho = 500.0, half[3] = {0.2, 0.1, 0.05};
    wr_skeleton *s = NULL, *t = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "shaped", &s));
    assert_wr_ok(wr_skeleton_create(NULL, "explicit", &t));
    wr_body_desc b;
    wr_body_desc_init(&b);
    b.mass = 123.0; /* ignored with a density */
    b.density = rho;
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    double e = 0;
    expect(wr_skeleton_kinetic_energy(s, &e), WR_ERR_INVALID_STATE, "no solid shape");
    double c[3];
    expect(wr_skeleton_center_of_mass(s, c, NULL), WR_ERR_INVALID_STATE, "no solid shape");
    expect(wr_skeleton_body_com(s, 0, c), WR_ERR_INVALID_STATE, "no solid shape");
    wr_shape_desc box;
    wr_shape_desc_init(&box, WR_SHAPE_BOX);
    memcpy(box.size, half, sizeof half);
    box.pose.position[0] = 0.3;
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &box, NULL));
    /* the same body with the inertia helper */
    const double m = rho * 8 * half[0] * half[1] * half[2];
    wr_body_desc e_desc;
    wr_body_desc_init(&e_desc);
    e_desc.mass = m;
    e_desc.com[0] = 0.3;
    assert_wr_ok(wr_inertia_of_box(m, half, e_desc.inertia));
    assert_wr_ok(wr_skeleton_add_body(t, &e_desc, NULL));
    double ms[36], mt[36];
    assert_wr_ok(wr_skeleton_mass_matrix(s, ms, 36));
    assert_wr_ok(wr_skeleton_mass_matrix(t, mt, 36));
    for (int k = 0; k < 36; k++)
        assert_true(fabs(ms[k] - mt[k]) < 1e-12 * (1 + fabs(mt[k])));
    assert_true(fabs(ms[0] - m) < 1e-12);
    /* a second shape, a sphere at the other side: mass adds, the COM moves to the weighted mean */
    wr_shape_desc ball;
    wr_shape_desc_init(&ball, WR_SHAPE_SPHERE);
    ball.size[0] = 0.1;
    ball.pose.position[0] = -0.3;
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &ball, NULL));
    wr_shape_desc plane; /* no volume: ignored (the body is not static, so only checking it is refused) */
    wr_shape_desc_init(&plane, WR_SHAPE_PLANE);
    expect(wr_skeleton_add_shape(s, 0, &plane, NULL), WR_ERR_INVALID_ARGUMENT, "static");
    const double mb = rho * 4.0 / 3.0 * 3.14159265358979323846 * 1e-3;
    assert_wr_ok(wr_skeleton_mass_matrix(s, ms, 36));
    assert_true(fabs(ms[0] - (m + mb)) < 1e-12);
    assert_wr_ok(wr_skeleton_body_com(s, 0, c));
    assert_true(fabs(c[0] - (0.3 * m - 0.3 * mb) / (m + mb)) < 1e-14 && fabs(c[1]) < 1e-15 && fabs(c[2]) < 1e-15);
    /* bad densities */
    wr_body_desc bad;
    wr_body_desc_init(&bad);
    bad.density = -1;
    expect(wr_skeleton_add_body(t, &bad, NULL), WR_ERR_INVALID_ARGUMENT, "density");
    bad.density = NAN;
    expect(wr_skeleton_add_body(t, &bad, NULL), WR_ERR_NON_FINITE, "density");
    assert_int_equal(wr_skeleton_body_count(t), 1);
    assert_wr_ok(wr_skeleton_destroy(s));
    assert_wr_ok(wr_skeleton_destroy(t));
}

/* The ground plane: default up, or tilted; friction as given; bad input refused with the world unchanged. */
static void test_ground_plane_helper(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    const double n[3] = {0.3, -0.2, 2.0}, p[3] = {0.5, 0.5, 0.25};
    int index = -1;
    assert_wr_ok(wr_world_add_ground_plane(w, n, p, 0.7, &index));
    assert_int_equal(index, 0);
    /* a ball dropped onto it touches it along the normal, at the plane */
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "ball", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, WR_SHAPE_SPHERE);
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &sh, NULL));
    double q[7] = {0.5, 0.5, 0.25 + 0.15, 1, 0, 0, 0};
    assert_wr_ok(wr_skeleton_set_positions(s, q, 7));
    assert_wr_ok(wr_world_add_skeleton(w, &s, &index));
    assert_int_equal(index, 1);
    assert_wr_ok(wr_world_step(w, 100));
    wr_collision_contact_info ci[4];
    size_t count = 0;
    assert_wr_ok(wr_collision_get_contacts(w, ci, 4, &count));
    assert_int_equal(count, 1);
    const double len = sqrt(0.09 + 0.04 + 4.0);
    for (int k = 0; k < 3; k++)
        assert_true(fabs(ci[0].normal[k] - n[k] / len) < 1e-12);
    double off = 0;
    for (int k = 0; k < 3; k++)
        off += (ci[0].point[k] - p[k]) * n[k] / len;
    assert_true(fabs(off) < 1e-3);
    /* bad input, nothing added */
    const double zero[3] = {0, 0, 0}, nan3[3] = {NAN, 0, 1};
    expect(wr_world_add_ground_plane(w, zero, NULL, 0.5, NULL), WR_ERR_INVALID_ARGUMENT, "zero length");
    expect(wr_world_add_ground_plane(w, nan3, NULL, 0.5, NULL), WR_ERR_NON_FINITE, "not finite");
    expect(wr_world_add_ground_plane(w, NULL, NULL, -0.1, NULL), WR_ERR_INVALID_ARGUMENT, "friction");
    expect(wr_world_add_ground_plane(NULL, NULL, NULL, 0.5, NULL), WR_ERR_INVALID_ARGUMENT, "NULL");
    assert_int_equal(wr_world_skeleton_count(w), 2);
    /* upside down works too (the shortest rotation is degenerate there) */
    const double down[3] = {0, 0, -1};
    assert_wr_ok(wr_world_add_ground_plane(w, down, NULL, 0.5, NULL));
    assert_wr_ok(wr_world_destroy(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_velocities_of_a_hinge),
        cmocka_unit_test(test_free_body_velocities),
        cmocka_unit_test(test_skeleton_com_and_momentum),
        cmocka_unit_test(test_add_skeleton_index),
        cmocka_unit_test(test_mass_from_shapes),
        cmocka_unit_test(test_ground_plane_helper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
