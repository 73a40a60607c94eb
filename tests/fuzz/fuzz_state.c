/* fuzz_state — the flat state API with arbitrary doubles: set/get positions, velocities, joint forces, wrenches,
 * gravity and time step, steps, snapshots (also restored from corrupted bytes) and the dynamics queries.
 *
 * Input: a world layout (1-3 skeletons of 1-4 sane bodies with any joint types, shapes, an optional ground plane),
 * then up to 48 operations. The harness knows which coordinates are quaternions, so it predicts every set call's
 * status: a wrong count is INVALID_ARGUMENT, NaN/Inf is NON_FINITE, a quaternion of norm off 1 by more than 1e-6 is
 * INVALID_ARGUMENT. Promises checked: the predicted status; a failed call changes nothing (state hash, step count,
 * sizes); a successful set reads back bit for bit (quaternions normalized); a step either succeeds with finite state
 * or fails with NON_FINITE/BUDGET and changes nothing; a snapshot restores bit for bit; a corrupted snapshot is
 * refused without change or restores a valid (finite, unit-quaternion) state; the mass matrix of sane bodies is
 * symmetric with a positive diagonal; forward and inverse dynamics agree for moderate inputs.
 */
#include "fuzz_bodies.h"

enum { MAX_SKELETONS = 4, MAX_BODIES = 4, MAX_OPS = 48, MAX_Q = MAX_SKELETONS * MAX_BODIES * 7, MAX_STEPS = 60 };

typedef struct layout {
    int skeletons;                 /* in the world, ground included */
    size_t nq, nv;
    bool is_quat[MAX_Q];           /* q index -> first component of a quaternion */
    int skeleton_of_q[MAX_Q];
    int q_offset[MAX_SKELETONS], skel_nq[MAX_SKELETONS], skel_nv[MAX_SKELETONS], bodies[MAX_SKELETONS];
} layout;

typedef struct ctx {
    fuzz_reader in;
    wr_world *w;
    layout lay;
    double q[MAX_Q], v[MAX_Q];
    bool large_wrench;             /* a wrench beyond the moderate range is applied (until cleared) */
    int steps_left;                /* bounds the work of one input */
} ctx;

/* ---- building ---------------------------------------------------------------------------------------------- */

static void add_skeleton(ctx *c, bool ground)
{
    layout *L = &c->lay;
    wr_skeleton *s = NULL;
    FUZZ_CHECK(FUZZ_CALL(wr_skeleton_create(wr_world_get_memory_manager(c->w), "s", &s)) == WR_OK, "create");
    int n = ground ? 1 : fuzz_int(&c->in, 1, MAX_BODIES);
    const int k = L->skeletons;
    L->q_offset[k] = (int)L->nq;
    for (int i = 0; i < n; i++) {
        wr_joint_type type = ground ? WR_JOINT_WELD : (wr_joint_type)(fuzz_u8(&c->in) % WR_JOINT_TYPE_COUNT);
        int parent = i == 0 ? -1 : fuzz_int(&c->in, -1, i - 1);
        wr_body_desc b;
        fuzz_sane_body(&c->in, type, parent, &b);
        int index = -1;
        wr_status st = FUZZ_CALL(wr_skeleton_add_body(s, &b, &index));
        FUZZ_CHECK(st == WR_OK && index == i, "sane body %d (joint %d) refused: %s", i, (int)type,
                   wr_status_name(st));
        int qo = fuzz_joint_quat_offset(type);
        if (qo >= 0)
            L->is_quat[L->nq + (size_t)qo] = true;
        for (int j = 0; j < fuzz_joint_nq(type); j++)
            L->skeleton_of_q[L->nq + (size_t)j] = k;
        L->nq += (size_t)fuzz_joint_nq(type);
        L->nv += (size_t)fuzz_joint_nv(type);
        L->skel_nq[k] += fuzz_joint_nq(type);
        L->skel_nv[k] += fuzz_joint_nv(type);
        bool static_body = type == WR_JOINT_WELD && (parent < 0);
        if (ground || (fuzz_u8(&c->in) & 3u)) {
            wr_shape_desc d;
            fuzz_sane_shape(&c->in, static_body, &d);
            if (ground)
                wr_shape_desc_init(&d, WR_SHAPE_PLANE);
            st = FUZZ_CALL(wr_skeleton_add_shape(s, i, &d, NULL));
            FUZZ_CHECK(st == WR_OK, "sane shape (type %d) refused: %s", (int)d.type, wr_status_name(st));
        }
    }
    L->bodies[k] = n;
    wr_status st = FUZZ_CALL(wr_world_add_skeleton(c->w, &s, NULL));
    FUZZ_CHECK(st == WR_OK, "add skeleton: %s", wr_status_name(st));
    L->skeletons++;
    fuzz_check_mass_matrix(s);
}

/* ---- checks ------------------------------------------------------------------------------------------------ */

static void get_state(ctx *c)
{
    FUZZ_CHECK(FUZZ_CALL(wr_world_get_positions(c->w, c->q, c->lay.nq)) == WR_OK, "get positions");
    FUZZ_CHECK(FUZZ_CALL(wr_world_get_velocities(c->w, c->v, c->lay.nv)) == WR_OK, "get velocities");
}

/* Every state the library holds is finite, with unit quaternions. */
static void check_valid_state(ctx *c, const char *after)
{
    get_state(c);
    FUZZ_CHECK(fuzz_all_finite(c->q, c->lay.nq) && fuzz_all_finite(c->v, c->lay.nv), "non-finite state after %s",
               after);
    FUZZ_CHECK(isfinite(wr_world_time(c->w)), "time %g after %s", wr_world_time(c->w), after);
    for (size_t i = 0; i < c->lay.nq; i++) {
        if (!c->lay.is_quat[i])
            continue;
        const double *p = c->q + i;
        double n = sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2] + p[3] * p[3]);
        FUZZ_CHECK(fabs(n - 1.0) <= 1e-6, "quaternion at q[%zu] has norm %.17g after %s", i, n, after);
    }
}

/* Worst defect of `count` positions starting at world index `first`: 0 none, 1 non-unit quaternion, 2 non-finite. */
static void position_defects(const ctx *c, const double *q, size_t first, size_t count, bool *nonfinite, bool *badquat)
{
    *nonfinite = !fuzz_all_finite(q, count);
    *badquat = false;
    for (size_t i = 0; i < count; i++) {
        if (!c->lay.is_quat[first + i])
            continue;
        const double *p = q + i;
        double n = sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2] + p[3] * p[3]);
        if (!(fabs(n - 1.0) <= 1e-6))
            *badquat = true;
    }
}

static void expect(wr_status got, bool nonfinite, bool invalid, const char *what)
{
    if (invalid && nonfinite)
        FUZZ_CHECK(got == WR_ERR_INVALID_ARGUMENT || got == WR_ERR_NON_FINITE, "%s: %s", what, wr_status_name(got));
    else if (invalid)
        FUZZ_CHECK(got == WR_ERR_INVALID_ARGUMENT, "%s: expected INVALID_ARGUMENT, got %s", what, wr_status_name(got));
    else if (nonfinite)
        FUZZ_CHECK(got == WR_ERR_NON_FINITE, "%s: expected NON_FINITE, got %s", what, wr_status_name(got));
    else
        FUZZ_CHECK(got == WR_OK, "%s: expected OK, got %s", what, wr_status_name(got));
}

/* A successful set of positions `in` (world indices first..first+count) reads back: plain coordinates bit for
 * bit, quaternions as the normalized input. */
static void check_positions_read_back(ctx *c, const double *in, size_t first, size_t count)
{
    get_state(c);
    for (size_t i = 0; i < count; i++) {
        size_t k = first + i;
        if (c->lay.is_quat[k]) {
            const double *p = in + i;
            double n = sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2] + p[3] * p[3]);
            for (int j = 0; j < 4; j++)
                FUZZ_CHECK(fabs(c->q[k + (size_t)j] - p[j] / n) <= 4e-16, "quaternion q[%zu] read back %.17g, set "
                           "%.17g (norm %.17g)", k + (size_t)j, c->q[k + (size_t)j], p[j], n);
            i += 3;
        } else {
            FUZZ_CHECK(memcmp(&c->q[k], &in[i], sizeof(double)) == 0, "q[%zu] read back %.17g, set %.17g", k, c->q[k],
                       in[i]);
        }
    }
}

/* ---- operations -------------------------------------------------------------------------------------------- */

/* Positions: mostly sane (unit quaternions), sometimes anything. */
static void draw_positions(ctx *c, double *q, size_t first, size_t count)
{
    bool wild = (fuzz_u8(&c->in) & 3u) == 0;
    for (size_t i = 0; i < count; i++) {
        if (c->lay.is_quat[first + i] && !wild && i + 4 <= count) {
            fuzz_unit_quat(&c->in, q + i);
            i += 3;
        } else {
            q[i] = wild ? fuzz_double(&c->in) : fuzz_double_mostly(&c->in, -2.0, 2.0);
        }
    }
}

static size_t draw_count(ctx *c, size_t right)
{
    uint8_t k = fuzz_u8(&c->in);
    if (k < 240)
        return right;
    return k < 248 ? right + 1 : (right ? right - 1 : 1);
}

static void op_set_positions(ctx *c)
{
    size_t count = draw_count(c, c->lay.nq);
    double q[MAX_Q + 1];
    draw_positions(c, q, 0, count <= c->lay.nq ? count : c->lay.nq);
    if (count > c->lay.nq)
        q[c->lay.nq] = 0.0;
    const fuzz_world_view before = fuzz_world_view_of(c->w);
    wr_status st = FUZZ_CALL(wr_world_set_positions(c->w, q, count));
    if (count != c->lay.nq) {
        expect(st, false, true, "set positions with a wrong count");
    } else {
        bool nonfinite, badquat;
        position_defects(c, q, 0, count, &nonfinite, &badquat);
        expect(st, nonfinite, badquat, "set positions");
    }
    if (st == WR_OK)
        check_positions_read_back(c, q, 0, count);
    else
        FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(c->w)), "failed set positions changed the world");
}

static void op_set_skeleton_positions(ctx *c)
{
    int k = fuzz_int(&c->in, 0, c->lay.skeletons - 1);
    wr_skeleton *s = wr_world_get_skeleton(c->w, k);
    size_t nq = (size_t)c->lay.skel_nq[k], first = (size_t)c->lay.q_offset[k];
    double q[8 * MAX_BODIES];
    draw_positions(c, q, first, nq);
    const fuzz_world_view before = fuzz_world_view_of(c->w);
    wr_status st = FUZZ_CALL(wr_skeleton_set_positions(s, q, nq));
    bool nonfinite, badquat;
    position_defects(c, q, first, nq, &nonfinite, &badquat);
    expect(st, nonfinite, badquat, "skeleton set positions");
    if (st == WR_OK)
        check_positions_read_back(c, q, first, nq);
    else
        FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(c->w)), "failed set positions changed the world");
}

/* Velocities or joint forces: any finite value is accepted. */
static void op_set_vector(ctx *c, bool forces)
{
    size_t count = draw_count(c, c->lay.nv);
    double v[MAX_Q + 1];
    bool wild = (fuzz_u8(&c->in) & 3u) == 0;
    for (size_t i = 0; i < count; i++)
        v[i] = wild ? fuzz_double(&c->in) : fuzz_double_mostly(&c->in, -5.0, 5.0);
    const fuzz_world_view before = fuzz_world_view_of(c->w);
    wr_status st = forces ? FUZZ_CALL(wr_world_set_joint_forces(c->w, v, count))
                          : FUZZ_CALL(wr_world_set_velocities(c->w, v, count));
    if (count != c->lay.nv)
        expect(st, false, true, "set velocities/forces with a wrong count");
    else
        expect(st, !fuzz_all_finite(v, count), false, "set velocities/forces");
    if (st == WR_OK && !forces) {
        get_state(c);
        FUZZ_CHECK(count == 0 || memcmp(c->v, v, count * sizeof(double)) == 0, "velocities do not read back");
    } else {
        /* joint forces are inputs, not state: the state never changes */
        FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(c->w)), "set %s changed the state",
                   forces ? "forces" : "velocities");
    }
}

static void op_wrench(ctx *c)
{
    int k = fuzz_int(&c->in, -1, c->lay.skeletons);
    int body = fuzz_int(&c->in, -1, MAX_BODIES);
    double f[3], t[3];
    bool wild = (fuzz_u8(&c->in) & 3u) == 0;
    for (int i = 0; i < 3; i++) {
        f[i] = wild ? fuzz_double(&c->in) : fuzz_double_mostly(&c->in, -50, 50);
        t[i] = wild ? fuzz_double(&c->in) : fuzz_double_mostly(&c->in, -5, 5);
    }
    for (int i = 0; i < 3; i++)
        c->large_wrench |= !(fabs(f[i]) <= 100.0 && fabs(t[i]) <= 100.0);
    const fuzz_world_view before = fuzz_world_view_of(c->w);
    wr_status st = FUZZ_CALL(wr_world_apply_body_wrench(c->w, k, body, f, t));
    bool bad_index = k < 0 || k >= c->lay.skeletons || body < 0 || body >= c->lay.bodies[k];
    if (bad_index)
        expect(st, false, true, "wrench on a missing body");
    else if (!fuzz_all_finite(f, 3) || !fuzz_all_finite(t, 3))
        expect(st, true, false, "non-finite wrench");
    else
        /* wrenches add up: a sum may overflow, which must be refused */
        FUZZ_CHECK(st == WR_OK || st == WR_ERR_NON_FINITE, "wrench: %s", wr_status_name(st));
    FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(c->w)), "a wrench changed the state");
}

static void op_step(ctx *c)
{
    int steps = fuzz_int(&c->in, 1, 4);
    for (int i = 0; i < steps && c->steps_left > 0; i++, c->steps_left--) {
        const fuzz_world_view before = fuzz_world_view_of(c->w);
        wr_status st = FUZZ_CALL(wr_world_step(c->w, 1));
        if (st != WR_OK) {
            FUZZ_CHECK(st == WR_ERR_NON_FINITE || st == WR_ERR_BUDGET || st == WR_ERR_OUT_OF_MEMORY, "step: %s",
                       wr_status_name(st));
            FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(c->w)), "a failed step changed the world");
            return;
        }
        FUZZ_CHECK(wr_world_step_count(c->w) == before.steps + 1, "step count");
        check_valid_state(c, "a step");
    }
}

static void op_snapshot(ctx *c)
{
    size_t bytes = wr_world_snapshot_size(c->w);
    unsigned char *snap = malloc(bytes), *bad = malloc(bytes);
    FUZZ_CHECK(snap && bad, "out of memory in the harness");
    FUZZ_CHECK(FUZZ_CALL(wr_world_save_snapshot(c->w, snap, bytes)) == WR_OK, "save");
    const fuzz_world_view saved = fuzz_world_view_of(c->w);
    /* change the world a little, then corrupt a copy of the snapshot and restore it */
    if (fuzz_bool(&c->in))
        op_step(c);
    memcpy(bad, snap, bytes);
    int edits = fuzz_int(&c->in, 0, 4);
    for (int i = 0; i < edits && bytes; i++) {
        size_t at = fuzz_u16(&c->in) % bytes;
        if (fuzz_bool(&c->in)) {
            double x = fuzz_double(&c->in);
            size_t n = bytes - at < sizeof x ? bytes - at : sizeof x;
            memcpy(bad + at, &x, n);
        } else {
            bad[at] = fuzz_u8(&c->in);
        }
    }
    size_t bad_bytes = bytes - (fuzz_u8(&c->in) < 16 ? fuzz_u16(&c->in) % (bytes + 1) : 0);
    const fuzz_world_view before = fuzz_world_view_of(c->w);
    wr_status st = FUZZ_CALL(wr_world_restore_snapshot(c->w, bad, bad_bytes));
    if (st == WR_OK)
        check_valid_state(c, "restoring a corrupted snapshot");
    else
        FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(c->w)), "a refused snapshot (%s) changed the world",
                   wr_status_name(st));
    if (edits == 0 && bad_bytes == bytes)
        FUZZ_CHECK(st == WR_OK, "an intact snapshot was refused: %s", wr_status_name(st));
    st = FUZZ_CALL(wr_world_restore_snapshot(c->w, snap, bytes));
    FUZZ_CHECK(st == WR_OK, "restore of an intact snapshot: %s", wr_status_name(st));
    FUZZ_CHECK(fuzz_world_view_equal(saved, fuzz_world_view_of(c->w)), "restore is not bit for bit");
    free(snap);
    free(bad);
}

static void op_settings(ctx *c)
{
    if (fuzz_bool(&c->in)) {
        double g[3];
        for (int i = 0; i < 3; i++)
            g[i] = fuzz_double_mostly(&c->in, -20, 20);
        wr_status st = FUZZ_CALL(wr_world_set_gravity(c->w, g));
        expect(st, !fuzz_all_finite(g, 3), false, "set gravity");
        if (st == WR_OK) {
            double back[3];
            wr_world_get_gravity(c->w, back);
            FUZZ_CHECK(memcmp(back, g, sizeof g) == 0, "gravity does not read back");
        }
    } else {
        double dt = fuzz_double_mostly(&c->in, 1e-5, 0.01);
        double old = wr_world_time_step(c->w);
        wr_status st = FUZZ_CALL(wr_world_set_time_step(c->w, dt));
        expect(st, !isfinite(dt), isfinite(dt) && !(dt > 0), "set time step");
        FUZZ_CHECK(wr_world_time_step(c->w) == (st == WR_OK ? dt : old), "time step after set");
    }
}

/* Dynamics queries on one skeleton; with moderate state and forces, RNEA(ABA(tau)) == tau. */
static void op_queries(ctx *c)
{
    int k = fuzz_int(&c->in, 0, c->lay.skeletons - 1);
    wr_skeleton *s = wr_world_get_skeleton(c->w, k);
    const fuzz_world_view before = fuzz_world_view_of(c->w);
    double e, lin[3], ang[3];
    FUZZ_CHECK(FUZZ_CALL(wr_skeleton_kinetic_energy(s, &e)) == WR_OK, "kinetic energy");
    FUZZ_CHECK(!(e < 0), "kinetic energy %g < 0", e);
    FUZZ_CHECK(FUZZ_CALL(wr_skeleton_potential_energy(s, &e)) == WR_OK, "potential energy");
    FUZZ_CHECK(FUZZ_CALL(wr_skeleton_momentum(s, lin, ang)) == WR_OK, "momentum");
    size_t nv = (size_t)c->lay.skel_nv[k];
    bool moderate = !c->large_wrench;
    get_state(c);
    for (size_t i = 0; i < c->lay.nq; i++)
        moderate &= fabs(c->q[i]) <= 10.0;
    for (size_t i = 0; i < c->lay.nv; i++)
        moderate &= fabs(c->v[i]) <= 10.0;
    double g[3];
    wr_world_get_gravity(c->w, g);
    moderate &= fabs(g[0]) + fabs(g[1]) + fabs(g[2]) <= 100.0;
    if (moderate)
        fuzz_check_mass_matrix(s);
    double tau[8 * MAX_BODIES], qdd[8 * MAX_BODIES], back[8 * MAX_BODIES];
    for (size_t i = 0; i < nv; i++) {
        tau[i] = fuzz_double_mostly(&c->in, -20, 20);
        moderate &= fabs(tau[i]) <= 100.0;
    }
    wr_status st = FUZZ_CALL(wr_skeleton_forward_dynamics(s, tau, qdd, nv));
    expect(st, !fuzz_all_finite(tau, nv), false, "forward dynamics");
    if (st == WR_OK && moderate && nv) {
        FUZZ_CHECK(FUZZ_CALL(wr_skeleton_inverse_dynamics(s, qdd, back, nv)) == WR_OK, "inverse dynamics");
        double scale = 1.0;
        for (size_t i = 0; i < nv; i++)
            scale = fmax(scale, fmax(fabs(tau[i]), fabs(back[i])));
        for (size_t i = 0; i < nv; i++)
            FUZZ_CHECK(fabs(back[i] - tau[i]) <= 1e-6 * scale, "RNEA(ABA(tau))[%zu] = %.17g, tau = %.17g", i, back[i],
                       tau[i]);
    }
    FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(c->w)), "a query changed the state");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ctx c;
    memset(&c, 0, sizeof c);
    c.in = fuzz_reader_make(data, size);
    c.steps_left = MAX_STEPS;
    FUZZ_CHECK(FUZZ_CALL(wr_world_create(NULL, &c.w)) == WR_OK, "world create");
    uint8_t head = fuzz_u8(&c.in);
    int skeletons = 1 + head % 3;
    for (int i = 0; i < skeletons; i++)
        add_skeleton(&c, false);
    if (head & 0x10u)
        add_skeleton(&c, true);
    check_valid_state(&c, "building");
    for (int op = 0; op < MAX_OPS && !fuzz_empty(&c.in); op++) {
        switch (fuzz_u8(&c.in) % 11u) {
        case 0: op_set_positions(&c); break;
        case 1: op_set_skeleton_positions(&c); break;
        case 2: op_set_vector(&c, false); break;
        case 3: op_set_vector(&c, true); break;
        case 4: op_wrench(&c); break;
        case 5: case 6: op_step(&c); break;
        case 7: op_snapshot(&c); break;
        case 8: op_settings(&c); break;
        case 9: op_queries(&c); break;
        default:
            FUZZ_CHECK(FUZZ_CALL(wr_world_clear_forces(c.w)) == WR_OK, "clear forces");
            c.large_wrench = false;
            break;
        }
    }
    wr_status st = FUZZ_CALL(wr_world_destroy(c.w));
    FUZZ_CHECK(st == WR_OK, "world destroy: %s", wr_status_name(st));
    return 0;
}
