/* worldrunner's MJCF reader and compiler against MuJoCo 2.2.2 itself, on MuJoCo's own sample models:
 *   - structure: body count, parents, names, dof and position counts, joint types and addresses, qpos0, motors;
 *   - inertia: every body's mass, centre of mass and inertia (MuJoCo's R(iquat) diag(inertia) R^T) to 1e-9 relative;
 *   - dynamics: with constraints disabled (<flag constraint="disable"/>: no contacts, no joint-limit constraints) and
 *     the free roots pinned (welded where the file had them), 1 s from the same perturbed state and random motor
 *     controls agrees with MuJoCo's Euler to 1e-6 rad (joint damping implicit in both, armature, springs);
 *   - contacts: the humanoid dropped on the floor comes to rest lying down, as MuJoCo's does.
 * The free-joint convention is MuJoCo's: one trajectory keeps the humanoid's free root (a floating base).
 */
#define _XOPEN_SOURCE 700
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mujoco/mujoco.h>

#define MODELS WR_MUJOCO_MODELS
#define OUR_MODELS WR_TEST_MODELS /* tests/model_mujoco/models */

static char tmpdir[256];

static void make_tmpdir(void)
{
    if (tmpdir[0])
        return;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/wr_model_mujoco_XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Replace every occurrence of `from` by `to` (returns a new string). */
static char *replace_all(const char *s, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), count = 0;
    for (const char *p = strstr(s, from); p; p = strstr(p + nf, from))
        count++;
    char *out = malloc(strlen(s) + count * (nt + 1) + 1);
    assert_non_null(out);
    char *o = out;
    for (const char *p = s;;) {
        const char *q = strstr(p, from);
        if (!q) {
            strcpy(o, p);
            break;
        }
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, to, nt);
        o += nt;
        p = q + nf;
    }
    return out;
}

/* A copy of a sample model (and its include) in the temporary directory, edited: free roots pinned and constraints
 * disabled if asked. Returns the path of the copy. */
static void prepare(const char *dir, const char *file, const char *include, int pin, int no_constraints, char *out,
                    size_t out_size)
{
    make_tmpdir();
    char src[512];
    snprintf(src, sizeof src, "%s/%s", dir, file);
    char *text = read_text(src);
    if (pin) {
        char *t = replace_all(text, "<freejoint name=\"root\"/>", "");
        free(text);
        text = t;
        /* 22_humanoids: <freejoint name="1a_root"/> ... */
        for (char *p = strstr(text, "<freejoint"); p; p = strstr(text, "<freejoint")) {
            char *end = strstr(p, "/>");
            assert_non_null(end);
            memset(p, ' ', (size_t)(end + 2 - p));
        }
    }
    if (no_constraints) {
        char *t = replace_all(text, "<worldbody>", "<option><flag constraint=\"disable\"/></option>\n  <worldbody>");
        free(text);
        text = t;
    }
    snprintf(out, out_size, "%s/%s", tmpdir, file);
    write_text(out, text);
    free(text);
    if (include) {
        char isrc[512], idst[512];
        snprintf(isrc, sizeof isrc, "%s/%s", dir, include);
        snprintf(idst, sizeof idst, "%s/%s", tmpdir, include);
        char *inc = read_text(isrc);
        if (pin) {
            char *t = replace_all(inc, "<freejoint name=\"root\"/>", "");
            free(inc);
            inc = t;
        }
        write_text(idst, inc);
        free(inc);
    }
}

static mjModel *mj_load(const char *path)
{
    char err[1000] = "";
    mjModel *m = mj_loadXML(path, NULL, err, sizeof err);
    if (!m)
        print_error("MuJoCo: %s\n", err);
    assert_non_null(m);
    return m;
}

static wr_model *wr_load(const char *path)
{
    wr_model *m = NULL;
    assert_wr_ok(wr_model_load_file(path, NULL, &m));
    return m;
}

static double max_abs_diff(const double *a, const double *b, int n)
{
    double d = 0;
    for (int k = 0; k < n; k++)
        d = fmax(d, fabs(a[k] - b[k]));
    return d;
}

static double max_abs(const double *a, int n)
{
    double d = 0;
    for (int k = 0; k < n; k++)
        d = fmax(d, fabs(a[k]));
    return d;
}

/* ---- structure and inertia ---------------------------------------------------------------------------------- */

static void compare_compiled(const char *dir, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    mjModel *mm = mj_load(path);
    wr_model *wm = wr_load(path);
    assert_int_equal(wr_model_body_count(wm), mm->nbody);
    assert_int_equal(wr_model_joint_count(wm), mm->njnt);
    assert_int_equal((int)wr_model_position_count(wm), mm->nq);
    assert_int_equal((int)wr_model_dof_count(wm), mm->nv);
    assert_int_equal(wr_model_actuator_count(wm), mm->nu);
    assert_true(wr_model_time_step(wm) == mm->opt.timestep);
    double worst_mass = 0, worst_com = 0, worst_inertia = 0, worst_moment = 0;
    for (int b = 0; b < mm->nbody; b++) {
        wr_model_body_info info;
        assert_wr_ok(wr_model_get_body(wm, b, &info));
        const char *name = mj_id2name(mm, mjOBJ_BODY, b);
        assert_string_equal(info.name, name ? name : "");
        assert_int_equal(info.parent, b == 0 ? -1 : mm->body_parentid[b]);
        assert_int_equal(info.joint_count, mm->body_jntnum[b]);
        double m_mj = mm->body_mass[b];
        worst_mass = fmax(worst_mass, fabs(info.mass - m_mj) / fmax(m_mj, 1e-300));
        if (m_mj == 0)
            assert_true(info.mass == 0);
        const double *ipos = mm->body_ipos + 3 * b;
        if (m_mj > 0)
            worst_com = fmax(worst_com, max_abs_diff(info.com, ipos, 3) / fmax(max_abs(ipos, 3), 1e-3));
        /* MuJoCo keeps principal moments and their frame: R diag R^T */
        double r[9], full[9];
        mju_quat2Mat(r, mm->body_iquat + 4 * b);
        const double *d = mm->body_inertia + 3 * b;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                full[3 * i + j] = r[3 * i] * d[0] * r[3 * j] + r[3 * i + 1] * d[1] * r[3 * j + 1] +
                                  r[3 * i + 2] * d[2] * r[3 * j + 2];
        if (m_mj > 0) {
            /* principal moments: well conditioned, to 1e-9 */
            double ev[3], vec[9], quat[4], sorted_mj[3] = {d[0], d[1], d[2]};
            mju_eig3(ev, vec, quat, info.inertia);
            for (int i = 0; i < 3; i++)
                for (int j = i + 1; j < 3; j++)
                    if (sorted_mj[j] > sorted_mj[i]) {
                        double t = sorted_mj[i];
                        sorted_mj[i] = sorted_mj[j];
                        sorted_mj[j] = t;
                    }
            worst_moment = fmax(worst_moment, max_abs_diff(ev, sorted_mj, 3) / max_abs(sorted_mj, 3));
            /* the whole matrix: MuJoCo stores principal axes from its iterative mju_eig3, which stops at an
             * off-diagonal of 1e-12 kg m^2 (about 1e-7 relative for a 3 g m^2 body given a fullinertia) */
            worst_inertia = fmax(worst_inertia, max_abs_diff(info.inertia, full, 9) / max_abs(full, 9));
        }
        /* the body frame in its parent */
        assert_true(max_abs_diff(info.pos, mm->body_pos + 3 * b, 3) < 1e-12);
    }
    for (int j = 0; j < mm->njnt; j++) {
        wr_model_joint_info info;
        assert_wr_ok(wr_model_get_joint(wm, j, &info));
        static const wr_joint_type types[4] = {WR_JOINT_FREE, WR_JOINT_BALL, WR_JOINT_PRISMATIC, WR_JOINT_REVOLUTE};
        assert_int_equal(info.type, types[mm->jnt_type[j]]);
        assert_int_equal(info.body, mm->jnt_bodyid[j]);
        assert_int_equal(info.q_offset, mm->jnt_qposadr[j]);
        assert_int_equal(info.v_offset, mm->jnt_dofadr[j]);
        const char *name = mj_id2name(mm, mjOBJ_JOINT, j);
        assert_string_equal(info.name, name ? name : "");
    }
    double *q0 = malloc(sizeof(double) * (size_t)mm->nq);
    assert_wr_ok(wr_model_get_initial_positions(wm, q0, (size_t)mm->nq));
    double worst_q0 = max_abs_diff(q0, mm->qpos0, mm->nq);
    free(q0);
    for (int a = 0; a < mm->nu; a++) {
        wr_model_actuator_info info;
        assert_wr_ok(wr_model_get_actuator(wm, a, &info));
        int k = info.file_index;
        assert_true(k >= 0 && k < mm->nu);
        assert_int_equal(mm->actuator_trnid[2 * k], info.joint);
        assert_true(mm->actuator_gear[6 * k] == info.gear);
        assert_int_equal(mm->actuator_ctrllimited[k], info.ctrl_limited);
        assert_true(max_abs_diff(info.ctrl_range, mm->actuator_ctrlrange + 2 * k, 2) == 0);
    }
    print_message("%s: %d bodies, nq %d, nv %d, %d motors; worst relative error: mass %.1e, COM %.1e, principal "
                  "moments %.1e, inertia matrix %.1e; qpos0 %.1e\n",
                  file, mm->nbody, mm->nq, mm->nv, mm->nu, worst_mass, worst_com, worst_moment, worst_inertia,
                  worst_q0);
    assert_true(worst_mass < 1e-9);
    assert_true(worst_com < 1e-9);
    assert_true(worst_moment < 1e-9);
    assert_true(worst_inertia < 1e-6);
    assert_true(worst_q0 < 1e-12);
    assert_wr_ok(wr_model_destroy(wm));
    mj_deleteModel(mm);
}

static void test_humanoid_compiled(void **state)
{
    (void)state;
    compare_compiled(MODELS "/humanoid", "humanoid.xml");
}

static void test_humanoid100_compiled(void **state)
{
    (void)state;
    compare_compiled(MODELS "/humanoid100", "humanoid100.xml");
}

static void test_22_humanoids_compiled(void **state)
{
    (void)state;
    compare_compiled(MODELS "/humanoid", "22_humanoids.xml");
}

/* Every feature the reader handles (tests/model_mujoco/models/features.xml): ref, springref, several joints per
 * body at different anchors, slide and ball joints, every orientation form, fromto for capsule, cylinder and box,
 * ellipsoids, explicit diagonal and full inertials, nested defaults with childclass and class, density and mass,
 * geom groups outside the inertia group range, motors with force ranges, an included file. */
static void test_features_compiled(void **state)
{
    (void)state;
    compare_compiled(OUR_MODELS, "features.xml");
}

/* ---- trajectories without constraints ------------------------------------------------------------------------ */

/* 1 s from qpos0 + a perturbation of the hinges, random velocities and motor controls, in both engines. */
static void compare_trajectory(const char *dir, const char *file, const char *include, uint64_t seed, int pin)
{
    char path[512];
    prepare(dir, file, include, pin, 1, path, sizeof path);
    mjModel *mm = mj_load(path);
    mjData *md = mj_makeData(mm);
    wr_model *wm = wr_load(path);
    assert_int_equal((int)wr_model_position_count(wm), mm->nq);
    assert_int_equal((int)wr_model_dof_count(wm), mm->nv);
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_world_add_model(w, wm, NULL, NULL));
    assert_true(wr_world_time_step(w) == mm->opt.timestep);
    test_rng r;
    test_rng_seed(&r, seed);
    const int nq = mm->nq, nv = mm->nv, nu = mm->nu;
    double *q = malloc(sizeof(double) * (size_t)(nq + nv + 2 * nu + 1));
    double *v = q + nq, *ctrl = v + nv, *ctrl_wr = ctrl + nu;
    mju_copy(q, mm->qpos0, nq);
    for (int j = 0; j < mm->njnt; j++)
        if (mm->jnt_type[j] == mjJNT_HINGE)
            q[mm->jnt_qposadr[j]] += test_rng_uniform(&r, -0.3, 0.3);
    for (int k = 0; k < nv; k++)
        v[k] = test_rng_uniform(&r, -0.5, 0.5);
    for (int a = 0; a < nu; a++)
        ctrl[a] = test_rng_uniform(&r, -0.1, 0.1); /* the elbows have no spring: larger torques spin them */
    if (nu)
        ctrl[0] = 1.7; /* beyond the control range (-1, 1): clamped by both */
    for (int a = 0; a < nu; a++) {
        wr_model_actuator_info info;
        assert_wr_ok(wr_model_get_actuator(wm, a, &info));
        ctrl_wr[a] = ctrl[info.file_index];
    }
    mju_copy(md->qpos, q, nq);
    mju_copy(md->qvel, v, nv);
    mju_copy(md->ctrl, ctrl, nu);
    assert_wr_ok(wr_world_set_positions(w, q, (size_t)nq));
    assert_wr_ok(wr_world_set_velocities(w, v, (size_t)nv));
    assert_wr_ok(wr_world_set_controls(w, ctrl_wr, (size_t)nu));
    const int steps = (int)lround(1.0 / mm->opt.timestep);
    double worst = 0, worst_v = 0, moved = 0;
    for (int s = 0; s < steps; s++) {
        mj_step(mm, md);
        assert_wr_ok(wr_world_step(w, 1));
        assert_wr_ok(wr_world_get_positions(w, q, (size_t)nq));
        assert_wr_ok(wr_world_get_velocities(w, v, (size_t)nv));
        worst = fmax(worst, max_abs_diff(q, md->qpos, nq));
        worst_v = fmax(worst_v, max_abs_diff(v, md->qvel, nv));
    }
    for (int k = 0; k < nq; k++)
        moved = fmax(moved, fabs(md->qpos[k] - mm->qpos0[k]));
    print_message("%s, %s, constraints off: %d steps of %g s, largest |q - q_MuJoCo| %.2e (the joints moved up to "
                  "%.2f), |v - v_MuJoCo| %.2e\n",
                  file, pin ? "pinned" : "free root", steps, mm->opt.timestep, worst, moved, worst_v);
    assert_true(moved > 0.3); /* the comparison is not of a figure at rest */
    assert_true(worst < 1e-6);
    assert_true(worst_v < 1e-5);
    free(q);
    assert_wr_ok(wr_world_destroy(w));
    assert_wr_ok(wr_model_destroy(wm));
    mj_deleteData(md);
    mj_deleteModel(mm);
}

static void test_humanoid_trajectory(void **state)
{
    (void)state;
    compare_trajectory(MODELS "/humanoid", "humanoid.xml", NULL, 11, 1);
}

static void test_features_trajectory(void **state)
{
    (void)state;
    compare_trajectory(OUR_MODELS, "features.xml", "features_defaults.xml", 33, 1);
}

static void test_22_humanoids_trajectory(void **state)
{
    (void)state;
    compare_trajectory(MODELS "/humanoid", "22_humanoids.xml", NULL, 22, 1);
}

/* The humanoid with its free root (floating base), falling freely with constraints off: free-joint positions and
 * velocities are MuJoCo's (x, quaternion; linear velocity in the parent frame, angular in the body frame), so qpos
 * and qvel compare directly (measured 3e-14 and 2e-13 over 1 s; limits 1e-6 and 1e-5 as for the pinned figures). */
static void test_humanoid_free_root_trajectory(void **state)
{
    (void)state;
    compare_trajectory(MODELS "/humanoid", "humanoid.xml", NULL, 12, 0);
}

/* ---- contacts ------------------------------------------------------------------------------------------------ */

/* The passive humanoid released standing: after 4 s it lies on the floor, at rest, in both engines. */
static void test_humanoid_falls_and_rests(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/humanoid/humanoid.xml", MODELS);
    mjModel *mm = mj_load(path);
    mjData *md = mj_makeData(mm);
    wr_model *wm = wr_load(path);
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_world_add_model(w, wm, NULL, NULL));
    const int steps = (int)lround(4.0 / mm->opt.timestep);
    for (int s = 0; s < steps; s++)
        mj_step(mm, md);
    assert_wr_ok(wr_world_step(w, steps));
    const size_t nq = wr_model_position_count(wm), nv = wr_model_dof_count(wm);
    double *q = malloc(sizeof(double) * (nq + nv)), *v = q + nq;
    assert_wr_ok(wr_world_get_positions(w, q, nq));
    assert_wr_ok(wr_world_get_velocities(w, v, nv));
    double speed_wr = max_abs(v, (int)nv), speed_mj = max_abs(md->qvel, mm->nv);
    print_message("humanoid dropped standing, after 4 s: torso height %.3f m (MuJoCo %.3f m), fastest dof %.3f "
                  "(MuJoCo %.3f)\n",
                  q[2], md->qpos[2], speed_wr, speed_mj);
    /* standing, the torso is at 1.5 m (1.4 m at the feet's contact); lying, below 0.3 m */
    assert_true(md->qpos[2] < 0.3);
    assert_true(q[2] < 0.3 && q[2] > 0.0);
    assert_true(speed_mj < 0.2);
    assert_true(speed_wr < 0.2);
    free(q);
    assert_wr_ok(wr_world_destroy(w));
    assert_wr_ok(wr_model_destroy(wm));
    mj_deleteData(md);
    mj_deleteModel(mm);
}

int main(void)
{
    mju_user_warning = NULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_humanoid_compiled),
        cmocka_unit_test(test_humanoid100_compiled),
        cmocka_unit_test(test_22_humanoids_compiled),
        cmocka_unit_test(test_features_compiled),
        cmocka_unit_test(test_humanoid_trajectory),
        cmocka_unit_test(test_humanoid_free_root_trajectory),
        cmocka_unit_test(test_22_humanoids_trajectory),
        cmocka_unit_test(test_features_trajectory),
        cmocka_unit_test(test_humanoid_falls_and_rests),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (tmpdir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmpdir);
    }
    return rc;
}
