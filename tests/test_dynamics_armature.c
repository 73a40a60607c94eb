/* Joint armature (rotor inertia on the mass-matrix diagonal, MuJoCo's armature):
 * M(armature) = M(0) + diag(armature) exactly; ABA == (M + A)^-1 (tau - C); RNEA(ABA(tau)) == tau; kinetic energy
 * == v^T M v / 2 with it; the one-free-body fast path agrees with the general ABA; and one world step of a damped
 * pendulum with armature matches the implicit-Euler closed form v1 = v0 + dt (tau - d v0 - C) / (M + a + dt d). */
#include "test_support.h"

#include <math.h>
#include <string.h>

#include "dynamics/skeleton_impl.h"

#define MAX_NV 64

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

/* A random tree of `bodies` bodies; armature on every joint scaled by `armature_scale` (0: none). Same seed, same
 * tree for any scale. */
static wr_skeleton *random_tree(uint64_t seed, int bodies, double armature_scale)
{
    test_rng r;
    test_rng_seed(&r, seed);
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "random", &s));
    for (int i = 0; i < bodies; i++) {
        wr_body_desc b;
        wr_body_desc_init(&b);
        b.parent = (int)(test_rng_next(&r) % (uint64_t)(i + 1)) - 1;
        wr_joint_type t = i == 0 ? WR_JOINT_FREE : (wr_joint_type)(test_rng_next(&r) % WR_JOINT_TYPE_COUNT);
        wr_joint_desc_init(&b.joint, t);
        for (int k = 0; k < 3; k++) {
            b.joint.axis[k] = test_rng_uniform(&r, -1, 1);
            b.joint.parent_pose.position[k] = test_rng_uniform(&r, -0.3, 0.3);
            b.com[k] = test_rng_uniform(&r, -0.2, 0.2);
        }
        random_unit_quat(&r, b.joint.parent_pose.rotation);
        b.mass = test_rng_uniform(&r, 0.5, 3.0);
        double m = test_rng_uniform(&r, 0.05, 0.2);
        b.inertia[0] = m;
        b.inertia[4] = 1.2 * m;
        b.inertia[8] = 1.5 * m;
        b.joint.armature = armature_scale * test_rng_uniform(&r, 0.01, 0.5);
        assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    }
    return s;
}

static void randomize_state(uint64_t seed, wr_skeleton *s)
{
    test_rng r;
    test_rng_seed(&r, seed);
    double q[MAX_NV], v[MAX_NV];
    for (int i = 0; i < s->body_count; i++) {
        const body_node *b = &s->bodies[i];
        double *p = q + b->q_offset;
        if (b->type == WR_JOINT_BALL) {
            random_unit_quat(&r, p);
        } else if (b->type == WR_JOINT_FREE) {
            for (int k = 0; k < 3; k++)
                p[k] = test_rng_uniform(&r, -1, 1);
            random_unit_quat(&r, p + 3);
        } else if (b->nq == 1) {
            p[0] = test_rng_uniform(&r, -2, 2);
        }
    }
    for (int k = 0; k < s->nv; k++)
        v[k] = test_rng_uniform(&r, -2, 2);
    assert_wr_ok(wr_skeleton_set_positions(s, q, (size_t)s->nq));
    assert_wr_ok(wr_skeleton_set_velocities(s, v, (size_t)s->nv));
}

/* x <- a^-1 b (Gaussian elimination with partial pivoting; a destroyed). */
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

static void test_armature_in_every_algorithm(void **state)
{
    (void)state;
    double worst_aba = 0, worst_rnea = 0;
    for (int trial = 0; trial < 30; trial++) {
        const uint64_t seed = 1000 + (uint64_t)trial;
        const int bodies = 1 + trial % 9; /* trial 0, 9, 18, 27: one free body (its fast path) */
        wr_skeleton *s0 = random_tree(seed, bodies, 0.0), *s = random_tree(seed, bodies, 1.0);
        randomize_state(seed * 7, s0);
        randomize_state(seed * 7, s);
        const int nv = s->nv;
        static double m0[MAX_NV * MAX_NV], m[MAX_NV * MAX_NV], a[MAX_NV * MAX_NV];
        assert_wr_ok(wr_skeleton_mass_matrix(s0, m0, (size_t)nv * (size_t)nv));
        assert_wr_ok(wr_skeleton_mass_matrix(s, m, (size_t)nv * (size_t)nv));
        /* M with armature = M without it + the armature on the diagonal of each of the joint's dofs */
        for (int i = 0; i < s->body_count; i++) {
            const body_node *b = &s->bodies[i];
            assert_true(b->armature > 0 || b->nv == 0);
            for (int k = 0; k < b->nv; k++) {
                int d = b->v_offset + k;
                assert_true(fabs(m[d * nv + d] - m0[d * nv + d] - b->armature) < 1e-12);
            }
        }
        for (int j = 0; j < nv * nv; j++)
            if (j / nv != j % nv)
                assert_true(m[j] == m0[j]);
        /* ABA solves (M + A) qdd = tau - C; RNEA inverts it */
        double tau[MAX_NV], qdd[MAX_NV], c[MAX_NV], zero[MAX_NV], back[MAX_NV], rhs[MAX_NV];
        test_rng r;
        test_rng_seed(&r, seed * 13);
        for (int k = 0; k < nv; k++) {
            tau[k] = test_rng_uniform(&r, -3, 3);
            zero[k] = 0;
        }
        assert_wr_ok(wr_skeleton_forward_dynamics(s, tau, qdd, (size_t)nv));
        assert_wr_ok(wr_skeleton_inverse_dynamics(s, zero, c, (size_t)nv));
        for (int k = 0; k < nv; k++)
            rhs[k] = tau[k] - c[k];
        memcpy(a, m, sizeof(double) * (size_t)nv * (size_t)nv);
        gauss_solve(a, rhs, nv);
        double scale = 1;
        for (int k = 0; k < nv; k++)
            scale = fmax(scale, fabs(qdd[k]));
        for (int k = 0; k < nv; k++)
            worst_aba = fmax(worst_aba, fabs(rhs[k] - qdd[k]) / scale);
        assert_wr_ok(wr_skeleton_inverse_dynamics(s, qdd, back, (size_t)nv));
        for (int k = 0; k < nv; k++)
            worst_rnea = fmax(worst_rnea, fabs(back[k] - tau[k]) / (1 + fabs(tau[k]) + fabs(c[k])));
        /* kinetic energy includes the rotors: v^T M v / 2 */
        double v[MAX_NV], ke = 0, vmv = 0;
        assert_wr_ok(wr_skeleton_get_velocities(s, v, (size_t)nv));
        assert_wr_ok(wr_skeleton_kinetic_energy(s, &ke));
        for (int j = 0; j < nv; j++)
            for (int k = 0; k < nv; k++)
                vmv += v[j] * m[j * nv + k] * v[k];
        assert_true(fabs(ke - 0.5 * vmv) < 1e-9 * (1 + ke));
        assert_wr_ok(wr_skeleton_destroy(s0));
        assert_wr_ok(wr_skeleton_destroy(s));
    }
    print_message("armature: ABA vs (M + A)^-1 (tau - C) %.2e, RNEA(ABA) %.2e\n", worst_aba, worst_rnea);
    assert_true(worst_aba < 1e-9);
    assert_true(worst_rnea < 1e-9);
}

/* A point-like bob (mass m at distance l, inertia about the pivot m l^2 + i) on a hinge with armature a and damping
 * d: the step's implicit Euler gives v1 = v0 + dt (-m g l sin q0 - d v0) / (m l^2 + i + a + dt d). */
static void test_armature_pendulum_step(void **state)
{
    (void)state;
    const double m = 2.0, l = 0.7, i = 0.01, a = 0.3, d = 0.8, dt = 0.01, g = 9.81, q0 = 0.4, v0 = -1.3;
    wr_world_config wc;
    wr_world_config_init(&wc);
    wc.time_step = dt;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(&wc, &w));
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "pendulum", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
    b.joint.axis[0] = 0;
    b.joint.axis[1] = 1;
    b.joint.axis[2] = 0;
    b.joint.armature = a;
    b.joint.damping = d;
    b.mass = m;
    b.com[2] = -l;
    memset(b.inertia, 0, sizeof b.inertia);
    b.inertia[0] = b.inertia[4] = b.inertia[8] = i;
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    assert_wr_ok(wr_skeleton_set_positions(s, &q0, 1));
    assert_wr_ok(wr_skeleton_set_velocities(s, &v0, 1));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    assert_wr_ok(wr_world_step(w, 1));
    double v1 = 0, q1 = 0;
    assert_wr_ok(wr_skeleton_get_velocities(s, &v1, 1));
    assert_wr_ok(wr_skeleton_get_positions(s, &q1, 1));
    /* rotation about +y by q moves a bob below the pivot towards -x: torque -m g l sin q */
    double expect = v0 + dt * (-m * g * l * sin(q0) - d * v0) / (m * l * l + i + a + dt * d);
    assert_true(fabs(v1 - expect) < 1e-12);
    assert_true(fabs(q1 - (q0 + dt * v1)) < 1e-15);
    assert_wr_ok(wr_world_destroy(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_armature_in_every_algorithm),
        cmocka_unit_test(test_armature_pendulum_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
