/* Consistency of the algorithms on random trees with every joint type (fixed seeds):
 * ABA == M^-1 (tau - C) with CRBA and RNEA; RNEA(ABA(tau)) == tau; M from CRBA == columns of RNEA; kinetic energy
 * == v^T M v / 2; point Jacobians match finite differences of forward kinematics; the cached Cholesky solve. */
#include "test_support.h"

#include <math.h>
#include <string.h>

#include "dynamics/dynamics_internal.h"
#include "dynamics/skeleton_impl.h"

#define MAX_NV 128

static void random_unit_quat(test_rng *r, double q[4])
{
    double n = 0;
    do {
        n = 0;
        for (int k = 0; k < 4; k++) {
            q[k] = test_rng_uniform(r, -1, 1);
            n += q[k] * q[k];
        }
    } while (n < 0.1 || n > 1);
    n = sqrt(n);
    for (int k = 0; k < 4; k++)
        q[k] /= n;
}

static void random_pose(test_rng *r, wr_pose *p, double scale)
{
    for (int k = 0; k < 3; k++)
        p->position[k] = test_rng_uniform(r, -scale, scale);
    random_unit_quat(r, p->rotation);
}

/* Random SPD inertia satisfying the triangle inequality: rotated diagonal of moments a <= b <= c <= a + b. */
static void random_inertia(test_rng *r, double out[9])
{
    double a = test_rng_uniform(r, 0.02, 0.3), b = test_rng_uniform(r, 0.02, 0.3);
    double c = test_rng_uniform(r, fabs(a - b) + 0.001, a + b);
    double q[4];
    random_unit_quat(r, q);
    mat3 rot = q_to_m3(dyn_quat_load(q));
    mat3 d = m3_diag(a, b, c);
    mat3 i = m3_mul(m3_mul(rot, d), m3_transpose(rot));
    for (int k = 0; k < 9; k++)
        out[k] = i.m[k / 3][k % 3];
    /* exact symmetry */
    out[3] = out[1];
    out[6] = out[2];
    out[7] = out[5];
}

static wr_skeleton *random_tree(test_rng *r, int bodies)
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "random", &s));
    for (int i = 0; i < bodies; i++) {
        wr_body_desc b;
        wr_body_desc_init(&b);
        b.parent = (int)(test_rng_next(r) % (uint64_t)(i + 1)) - 1;
        wr_joint_type t = i == 0 ? WR_JOINT_FREE : (wr_joint_type)(test_rng_next(r) % WR_JOINT_TYPE_COUNT);
        wr_joint_desc_init(&b.joint, t);
        for (int k = 0; k < 3; k++)
            b.joint.axis[k] = test_rng_uniform(r, -1, 1);
        random_pose(r, &b.joint.parent_pose, 0.3);
        random_pose(r, &b.joint.child_pose, 0.2);
        b.mass = test_rng_uniform(r, 0.5, 3.0);
        for (int k = 0; k < 3; k++)
            b.com[k] = test_rng_uniform(r, -0.2, 0.2);
        random_inertia(r, b.inertia);
        assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    }
    return s;
}

static void randomize_state(test_rng *r, wr_skeleton *s)
{
    double q[MAX_NV], v[MAX_NV];
    for (int i = 0; i < s->body_count; i++) {
        const body_node *b = &s->bodies[i];
        double *p = q + b->q_offset;
        if (b->type == WR_JOINT_BALL) {
            random_unit_quat(r, p);
        } else if (b->type == WR_JOINT_FREE) {
            for (int k = 0; k < 3; k++)
                p[k] = test_rng_uniform(r, -1, 1);
            random_unit_quat(r, p + 3);
        } else if (b->nq == 1) {
            p[0] = test_rng_uniform(r, -2, 2);
        }
    }
    for (int k = 0; k < s->nv; k++)
        v[k] = test_rng_uniform(r, -2, 2);
    assert_wr_ok(wr_skeleton_set_positions(s, q, (size_t)s->nq));
    assert_wr_ok(wr_skeleton_set_velocities(s, v, (size_t)s->nv));
    for (int i = 0; i < s->body_count; i++) {
        double f[3], t[3];
        for (int k = 0; k < 3; k++) {
            f[k] = test_rng_uniform(r, -5, 5);
            t[k] = test_rng_uniform(r, -1, 1);
        }
        assert_wr_ok(wr_skeleton_apply_body_wrench(s, i, f, t));
    }
    double g[3] = {test_rng_uniform(r, -2, 2), test_rng_uniform(r, -2, 2), -9.81};
    assert_wr_ok(wr_skeleton_set_gravity(s, g));
}

/* Solve a x = b by Gaussian elimination with partial pivoting (a is destroyed). */
static void gauss_solve(double *a, double *b, int n)
{
    for (int c = 0; c < n; c++) {
        int p = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(a[r * n + c]) > fabs(a[p * n + c]))
                p = r;
        for (int k = 0; k < n; k++) {
            double t = a[c * n + k];
            a[c * n + k] = a[p * n + k];
            a[p * n + k] = t;
        }
        double t = b[c];
        b[c] = b[p];
        b[p] = t;
        for (int r = c + 1; r < n; r++) {
            double f = a[r * n + c] / a[c * n + c];
            for (int k = c; k < n; k++)
                a[r * n + k] -= f * a[c * n + k];
            b[r] -= f * b[c];
        }
    }
    for (int r = n - 1; r >= 0; r--) {
        double sum = b[r];
        for (int k = r + 1; k < n; k++)
            sum -= a[r * n + k] * b[k];
        b[r] = sum / a[r * n + r];
    }
}

static double max_abs(const double *x, int n)
{
    double m = 0;
    for (int k = 0; k < n; k++)
        m = fmax(m, fabs(x[k]));
    return m;
}

static void test_aba_matches_crba_rnea(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, 12345);
    double worst_aba = 0, worst_rnea = 0, worst_m = 0;
    for (int trial = 0; trial < 40; trial++) {
        wr_skeleton *s = random_tree(&r, 2 + trial % 12);
        randomize_state(&r, s);
        const int nv = s->nv;
        assert_true(nv <= MAX_NV);
        static double m[MAX_NV * MAX_NV], a[MAX_NV * MAX_NV];
        double tau[MAX_NV], qdd[MAX_NV], c[MAX_NV], rhs[MAX_NV], zero[MAX_NV], back[MAX_NV];
        for (int k = 0; k < nv; k++) {
            tau[k] = test_rng_uniform(&r, -3, 3);
            zero[k] = 0;
        }
        assert_wr_ok(wr_skeleton_forward_dynamics(s, tau, qdd, (size_t)nv));
        assert_wr_ok(wr_skeleton_mass_matrix(s, m, (size_t)nv * (size_t)nv));
        assert_wr_ok(wr_skeleton_inverse_dynamics(s, zero, c, (size_t)nv));
        for (int k = 0; k < nv; k++)
            rhs[k] = tau[k] - c[k];
        memcpy(a, m, sizeof(double) * (size_t)nv * (size_t)nv);
        gauss_solve(a, rhs, nv);
        double scale = 1.0 + max_abs(qdd, nv);
        for (int k = 0; k < nv; k++)
            worst_aba = fmax(worst_aba, fabs(rhs[k] - qdd[k]) / scale);
        /* RNEA(ABA(tau)) == tau */
        assert_wr_ok(wr_skeleton_inverse_dynamics(s, qdd, back, (size_t)nv));
        double tscale = 1.0 + max_abs(tau, nv) + max_abs(c, nv);
        for (int k = 0; k < nv; k++)
            worst_rnea = fmax(worst_rnea, fabs(back[k] - tau[k]) / tscale);
        /* M symmetric, and column k == RNEA(e_k) - C */
        for (int k = 0; k < nv; k++) {
            double e[MAX_NV], col[MAX_NV];
            memset(e, 0, sizeof(double) * (size_t)nv);
            e[k] = 1.0;
            assert_wr_ok(wr_skeleton_inverse_dynamics(s, e, col, (size_t)nv));
            for (int j = 0; j < nv; j++) {
                worst_m = fmax(worst_m, fabs(col[j] - c[j] - m[j * nv + k]));
                worst_m = fmax(worst_m, fabs(m[j * nv + k] - m[k * nv + j]));
            }
        }
        /* kinetic energy == v^T M v / 2 */
        double v[MAX_NV], ke = 0, vmv = 0;
        assert_wr_ok(wr_skeleton_get_velocities(s, v, (size_t)nv));
        assert_wr_ok(wr_skeleton_kinetic_energy(s, &ke));
        for (int j = 0; j < nv; j++)
            for (int k = 0; k < nv; k++)
                vmv += v[j] * m[j * nv + k] * v[k];
        assert_true(fabs(ke - 0.5 * vmv) < 1e-9 * (1 + ke));
        assert_wr_ok(wr_skeleton_destroy(s));
    }
    print_message("worst relative error: ABA vs CRBA+RNEA %.2e, RNEA(ABA) %.2e, M vs RNEA columns %.2e\n",
                  worst_aba, worst_rnea, worst_m);
    assert_true(worst_aba < 1e-9);
    assert_true(worst_rnea < 1e-9);
    assert_true(worst_m < 1e-9);
}

static void test_jacobian_and_mass_solve(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, 777);
    for (int trial = 0; trial < 10; trial++) {
        wr_skeleton *s = random_tree(&r, 3 + trial);
        randomize_state(&r, s);
        const int nv = s->nv;
        double jl[3 * MAX_NV], ja[3 * MAX_NV], v[MAX_NV], q0[MAX_NV];
        assert_wr_ok(wr_skeleton_get_velocities(s, v, (size_t)nv));
        assert_wr_ok(wr_skeleton_get_positions(s, q0, (size_t)s->nq));
        dyn_forward_kinematics(s);
        const int body = s->body_count - 1;
        vec3 local = v3(0.1, -0.05, 0.2);
        vec3 p0 = tf_apply(dyn_body_transform(s, body), local);
        dyn_point_jacobian(s, body, p0, jl, ja);
        vec3 jv = v3_zero(), jw = v3_zero();
        for (int k = 0; k < nv; k++) {
            jv = v3_add(jv, v3(jl[k] * v[k], jl[nv + k] * v[k], jl[2 * nv + k] * v[k]));
            jw = v3_add(jw, v3(ja[k] * v[k], ja[nv + k] * v[k], ja[2 * nv + k] * v[k]));
        }
        vec3 pv = dyn_point_velocity(s, body, p0);
        vec3 bw, bv;
        dyn_body_velocity(s, body, &bw, &bv);
        assert_true(v3_norm(v3_sub(jv, pv)) < 1e-10 * (1 + v3_norm(pv)));
        assert_true(v3_norm(v3_sub(jw, bw)) < 1e-10 * (1 + v3_norm(bw)));
        /* central finite difference along the manifold: integrate +-h */
        const double h = 1e-6;
        dyn_integrate_positions(s, h);
        dyn_forward_kinematics(s);
        vec3 pp = tf_apply(dyn_body_transform(s, body), local);
        assert_wr_ok(wr_skeleton_set_positions(s, q0, (size_t)s->nq));
        dyn_integrate_positions(s, -h);
        dyn_forward_kinematics(s);
        vec3 pm = tf_apply(dyn_body_transform(s, body), local);
        vec3 fd = v3_scale(v3_sub(pp, pm), 0.5 / h);
        assert_true(v3_norm(v3_sub(fd, jv)) < 1e-5 * (1 + v3_norm(jv)));
        assert_wr_ok(wr_skeleton_set_positions(s, q0, (size_t)s->nq));
        dyn_forward_kinematics(s);
        /* M^-1 through the cached factor: M (M^-1 b) == b */
        double b[MAX_NV], x[MAX_NV];
        for (int k = 0; k < nv; k++)
            b[k] = x[k] = test_rng_uniform(&r, -1, 1);
        assert_wr_ok(dyn_mass_factor(s));
        dyn_mass_solve(s, x);
        const double *m = dyn_mass_matrix(s);
        for (int j = 0; j < nv; j++) {
            double sum = 0;
            for (int k = 0; k < nv; k++)
                sum += m[j * nv + k] * x[k];
            assert_true(fabs(sum - b[j]) < 1e-9);
        }
        /* dof info covers every dof and points at its body */
        for (int k = 0; k < nv; k++) {
            dyn_dof_info info;
            dyn_dof_info_get(s, k, &info);
            assert_true(k >= dyn_body_dof_offset(s, info.body) &&
                        k < dyn_body_dof_offset(s, info.body) + dyn_body_dof_count(s, info.body));
        }
        assert_wr_ok(wr_skeleton_destroy(s));
    }
}

static void test_inertia_helpers(void **state)
{
    (void)state;
    double a[9], b[9];
    /* a capsule without a segment is a sphere */
    assert_wr_ok(wr_inertia_of_capsule(2.0, 0.3, 0.0, a));
    assert_wr_ok(wr_inertia_of_sphere(2.0, 0.3, b));
    for (int k = 0; k < 9; k++)
        assert_true(fabs(a[k] - b[k]) < 1e-12);
    /* a cube: m (2h)^2 / 6 on every axis */
    const double he[3] = {0.5, 0.5, 0.5};
    assert_wr_ok(wr_inertia_of_box(3.0, he, a));
    assert_true(fabs(a[0] - 3.0 / 6.0) < 1e-12 && fabs(a[4] - a[0]) < 1e-12 && a[1] == 0);
    /* a long thin cylinder tends to the rod m L^2 / 12, its axial moment is m r^2 / 2 */
    assert_wr_ok(wr_inertia_of_cylinder(1.0, 1e-4, 0.5, a));
    assert_true(fabs(a[0] - 1.0 / 12.0) < 1e-8 && fabs(a[8] - 0.5e-8) < 1e-15);
    /* a long capsule approaches the cylinder of the same total length */
    assert_wr_ok(wr_inertia_of_capsule(1.0, 1e-4, 1.0, a));
    assert_wr_ok(wr_inertia_of_cylinder(1.0, 1e-4, 1.0, b));
    assert_true(fabs(a[0] - b[0]) < 1e-3 * b[0]);
    /* every helper's output is accepted by wr_skeleton_add_body (SPD, triangle inequality) */
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "shapes", &s));
    wr_body_desc d;
    wr_body_desc_init(&d);
    assert_wr_ok(wr_inertia_of_capsule(1.0, 0.05, 0.4, d.inertia));
    assert_wr_ok(wr_skeleton_add_body(s, &d, NULL));
    assert_wr_ok(wr_inertia_of_cylinder(1.0, 0.5, 0.01, d.inertia)); /* flat disc: Izz = Ixx + Iyy at the limit */
    assert_wr_ok(wr_skeleton_add_body(s, &d, NULL));
    assert_wr_ok(wr_skeleton_destroy(s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aba_matches_crba_rnea),
        cmocka_unit_test(test_jacobian_and_mass_solve),
        cmocka_unit_test(test_inertia_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
