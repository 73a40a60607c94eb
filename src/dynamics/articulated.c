/* Articulated-body algorithms on a skeleton's flat arrays (Featherstone, "Rigid Body Dynamics Algorithms"):
 * forward kinematics, ABA, RNEA, CRBA + Cholesky (math/linalg.h), point Jacobians, energy, momentum and position
 * integration.
 *
 * Everything works in body coordinates with the spatial algebra of math/spatial.h. Bodies are stored parent first,
 * so a forward loop is a root-to-leaf pass and a backward loop a leaf-to-root pass. Constant quantities (motion
 * subspaces S in the body frame, spatial inertias, inverse child poses) are precomputed when a body is added; a pass
 * touches only the skeleton's contiguous arrays and allocates nothing.
 */
#include <math.h>
#include <string.h>

#include "core/status_internal.h"
#include "dynamics/skeleton_impl.h"
#include "math/linalg.h"

quat dyn_quat_load(const double *p)
{
    quat r = {p[0], p[1], p[2], p[3]};
    return r;
}

static quat q_neg_shortest(quat a)
{
    quat r = {-a.w, -a.x, -a.y, -a.z};
    return r;
}

static void quat_store(quat a, double *p)
{
    p[0] = a.w;
    p[1] = a.x;
    p[2] = a.y;
    p[3] = a.z;
}

/* Pose of the child joint frame in the parent joint frame. */
static transform joint_motion(const body_node *b, const double *q)
{
    switch ((wr_joint_type)b->type) {
    case WR_JOINT_REVOLUTE: {
        double c = cos(q[0]), s = sin(q[0]), t = 1.0 - c;
        vec3 a = b->axis;
        const mat3 *o = &b->axis_outer;
        mat3 r = {{{c + t * o->m[0][0], t * o->m[0][1] - s * a.z, t * o->m[0][2] + s * a.y},
                   {t * o->m[1][0] + s * a.z, c + t * o->m[1][1], t * o->m[1][2] - s * a.x},
                   {t * o->m[2][0] - s * a.y, t * o->m[2][1] + s * a.x, c + t * o->m[2][2]}}};
        return tf_make(r, v3_zero());
    }
    case WR_JOINT_PRISMATIC:
        return tf_make(m3_identity(), v3_scale(b->axis, q[0]));
    case WR_JOINT_BALL:
        return tf_make(q_to_m3(dyn_quat_load(q)), v3_zero());
    case WR_JOINT_FREE:
        return tf_make(q_to_m3(dyn_quat_load(q + 3)), v3(q[0], q[1], q[2]));
    case WR_JOINT_WELD:
    case WR_JOINT_TYPE_COUNT:
        break;
    }
    return tf_identity();
}

/* Pose of body b in its parent body frame: parent_pose * J(q) * inverse(child_pose). A free joint's linear dofs
 * move along the parent joint frame's axes, which turn with the joint: their body-frame directions go to
 * wk->lin_axes (child_pose.rot * R_J^T). */
static transform body_in_parent(const body_node *b, const double *q, body_work *wk)
{
    transform j = joint_motion(b, q);
    if (b->type == WR_JOINT_FREE)
        wk->lin_axes = (b->flags & BODY_FLAG_TC_IDENTITY) ? m3_transpose(j.rot) : m3_mul(b->child_pose.rot,
                                                                                          m3_transpose(j.rot));
    transform t;
    if (b->flags & BODY_FLAG_TP_ROT_IDENTITY)
        t = tf_make(j.rot, v3_add(b->parent_pose.pos, j.pos));
    else
        t = tf_mul(b->parent_pose, j);
    if (b->flags & BODY_FLAG_TC_IDENTITY)
        return t;
    return tf_mul(t, b->child_inv);
}

static inline sv6 joint_column(const body_node *b, const body_work *wk, int k)
{
    if (b->type == WR_JOINT_FREE && k < 3)
        return sv(v3_zero(), m3_col(wk->lin_axes, k));
    return b->S[k];
}

sv6 dyn_joint_column(const body_node *b, const body_work *wk, int k) { return joint_column(b, wk, k); }

/* The free joint's share of the velocity-product acceleration beyond v x vj: its linear columns are fixed in the
 * parent and its angular ones in the child, so d/dt (S) qd = v_parent x vj_lin + v x vj_ang
 *   = v x vj + vj_lin x vj_ang, and vj_lin x vj_ang = (0, u x W) for the joint's linear velocity u and angular
 * velocity W (in any one frame). */
static sv6 free_joint_bias(vec3 u, vec3 angular)
{
    return sv(v3_zero(), v3_cross(u, angular));
}

/* ---- forward kinematics ---------------------------------------------------------------------------------- */

void dyn_forward_kinematics(wr_skeleton *s)
{
    for (int i = 0; i < s->body_count; i++) {
        const body_node *b = &s->bodies[i];
        body_work *wk = &s->work[i];
        transform t = body_in_parent(b, s->q + b->q_offset, wk);
        wk->X = sx_from_pose(t);
        const double *v = s->v + b->v_offset;
        sv6 vj = sv_zero();
        for (int k = 0; k < b->nv; k++)
            vj = sv_madd(vj, joint_column(b, wk, k), v[k]);
        if (b->parent >= 0) {
            const body_work *pw = &s->work[b->parent];
            wk->pose = tf_mul(pw->pose, t);
            wk->vel = sv_add(sx_motion(&wk->X, pw->vel), vj);
        } else {
            wk->pose = t;
            wk->vel = vj;
        }
        wk->c = sv_cross_motion(wk->vel, vj);
        if (b->type == WR_JOINT_FREE) {
            const vec3 u = m3_mulv(wk->lin_axes, v3(v[0], v[1], v[2]));
            const vec3 om = m3_mulv(b->child_pose.rot, v3(v[3], v[4], v[5]));
            wk->c = sv_add(wk->c, free_joint_bias(u, om));
        }
    }
    s->fk_valid = 1;
}

/* External wrench (world force through the COM, world torque) as a spatial force in the body frame. */
static sv6 external_force_body(const body_node *b, const body_work *wk)
{
    vec3 f = m3_tmulv(wk->pose.rot, wk->ext_force);
    vec3 n = v3_add(m3_tmulv(wk->pose.rot, wk->ext_torque), v3_cross(b->com, f));
    return sv(n, f);
}

/* ---- a single root body ------------------------------------------------------------------------------------- */

/* M = S^T I S of a root body (no parent: no transform enters). Constant for every joint but a free one whose COM is
 * off its origin (BODY_FLAG_CONST_MASS); a free joint's linear block is m 1 exactly (its columns are orthonormal),
 * and its coupling block is exactly zero when the COM sits at the joint origin. Needs the pose (lin_axes). */
static void root_mass_matrix(const body_node *b, const body_work *wk, double *m)
{
    const int nv = b->nv, free_joint = b->type == WR_JOINT_FREE;
    for (int k = 0; k < nv; k++) {
        sv6 f = si_mul(&b->I, joint_column(b, wk, k));
        for (int l = 0; l < nv; l++)
            m[k * nv + l] = sv_dot(joint_column(b, wk, l), f);
    }
    for (int k = 0; k < nv; k++) /* the rotor inertia on the joint-space diagonal */
        m[k * nv + k] += b->armature;
    if (!free_joint)
        return;
    for (int k = 0; k < 3; k++)
        for (int l = 0; l < 3; l++) {
            m[k * 6 + l] = k == l ? b->mass + b->armature : 0.0;
            if (b->flags & BODY_FLAG_COM_AT_JOINT)
                m[k * 6 + 3 + l] = m[(3 + l) * 6 + k] = 0.0;
        }
    for (int k = 0; k < 3; k++) /* exact symmetry of the coupling blocks */
        for (int l = 3; l < 6; l++)
            m[l * 6 + k] = m[k * 6 + l];
}

/* Forward dynamics of a skeleton that is one free body (a box, a ball), from Newton-Euler about its COM instead of
 * the three ABA passes. Unknowns x = (a_c - g, wdot): the COM's acceleration (parent joint frame) less gravity and
 * the angular acceleration (child joint frame J); with c the COM and Ic its inertia in J, K = R_J [c]x:
 *   m (a_c - g) = f                    f = tau_lin + F_ext                      (forces, parent joint frame)
 *   Ic wdot + w x Ic w = n             n = tau_ang - c x R_J^T tau_lin + T_ext  (torques about the COM, J)
 *   qdd = (a_c + K wdot - R_J (w x (w x c)), wdot)                              (the joint origin is off the COM)
 * With h = dt = 0 this is the exact forward dynamics (what ABA and RNEA give). In a step (h > 0) the
 * gyroscopic term is taken at the mid-step angular velocity wm = w + h wdot / 2 (the implicit midpoint rule in the
 * body frame): Ic (w1 - w0) = h (n - wm x Ic wm) conserves the kinetic energy and |L| of a torque-free body, where
 * the explicit w x Ic w makes an asymmetric body gain energy at O(h^2) per step and backward Euler (Bullet's
 * implicit gyroscopic force) loses as much. It is solved by one Newton step from w0, (Ic + h/2 ([w]x Ic - [Ic w]x))
 * wdot = n - w x Ic w, plus one chord step for the quadratic remainder h^2/4 wdot x Ic wdot, which leaves the energy
 * error at round-off level. Joint damping d is implicit as in the ABA; over x it reads h d T^-T T^-1 with
 * T^-T T^-1 = [1 K; K^T 1 + K^T K]. With the COM at the joint origin (K = 0) and no damping the linear part is
 * qdd_lin = g + f / m exactly, so the origin follows the discrete free-fall path whatever the spin. Sets the pose. */
static void aba_free_body(wr_skeleton *s, double dt)
{
    const body_node *b = &s->bodies[0];
    body_work *wk = &s->work[0];
    const double *q = s->q + b->q_offset, *v = s->v + b->v_offset, *tau = s->tau + b->v_offset;
    wk->pose = body_in_parent(b, q, wk);
    s->fk_valid = 1;
    const mat3 rj = q_to_m3(dyn_quat_load(q + 3)); /* J in the parent joint frame */
    const int tp_identity = (b->flags & BODY_FLAG_TP_ROT_IDENTITY) != 0;
    const int centred = (b->flags & BODY_FLAG_COM_AT_JOINT) != 0;
    const mat3 rp = b->parent_pose.rot;            /* the parent joint frame in the world (a root body) */
    /* hd: what sits on the joint-space diagonal besides M, implicit damping and armature, both a multiple of qdd */
    const double mass = b->mass, h = dt, hd = h * b->damping + b->armature, q4 = 0.25 * h * h;
    const vec3 c = b->com_joint, w = v3(v[3], v[4], v[5]), tl = v3(tau[0], tau[1], tau[2]);
    const mat3 ic = b->inertia_joint;
    const vec3 g = tp_identity ? s->gravity : m3_tmulv(rp, s->gravity);
    vec3 f = tl, n = v3(tau[3], tau[4], tau[5]);
    if (wk->ext_force.x != 0 || wk->ext_force.y != 0 || wk->ext_force.z != 0 || wk->ext_torque.x != 0 ||
        wk->ext_torque.y != 0 || wk->ext_torque.z != 0) {
        f = v3_add(f, tp_identity ? wk->ext_force : m3_tmulv(rp, wk->ext_force));
        n = v3_add(n, m3_tmulv(m3_mul(rp, rj), wk->ext_torque));
    }
    const vec3 icw = m3_mulv(ic, w);
    n = v3_sub(n, v3_cross(w, icw));
    vec3 cent = v3_zero(); /* -R_J (w x (w x c)): the joint origin's centripetal acceleration relative to the COM */
    if (!centred) {
        n = v3_sub(n, v3_cross(c, m3_tmulv(rj, tl)));
        cent = v3_neg(m3_mulv(rj, v3_cross(w, v3_cross(w, c))));
    }
    /* angular block: Ic + h/2 ([w]x Ic - [Ic w]x) */
    mat3 ja = ic;
    if (h > 0)
        ja = m3_add(ic, m3_scale(m3_sub(m3_mul(m3_skew(w), ic), m3_skew(icw)), 0.5 * h));
    double x[6];
    int ok = 1;
    if (hd == 0) {
        /* no implicit damping: the linear part decouples; the angular one is a 3x3 solve (chord step reused) */
        x[0] = f.x / mass;
        x[1] = f.y / mass;
        x[2] = f.z / mass;
        const double det = m3_det(ja);
        ok = isfinite(det) && det != 0;
        const mat3 jinv = m3_inverse(ja);
        vec3 wd = m3_mulv(jinv, n);
        if (h > 0)
            wd = v3_sub(wd, m3_mulv(jinv, v3_scale(v3_cross(wd, m3_mulv(ic, wd)), q4)));
        x[3] = wd.x;
        x[4] = wd.y;
        x[5] = wd.z;
    } else {
        /* A = [(m + hd) 1, hd K; hd K^T, ja + hd (1 + K^T K)], rhs = (f, n) - hd T^-T (g + cent, 0) */
        const mat3 k = m3_mul(rj, m3_skew(c));
        const mat3 kt = m3_transpose(k);
        const mat3 aa = m3_add(ja, m3_scale(m3_add(m3_identity(), m3_mul(kt, k)), hd));
        const vec3 gc = v3_add(g, cent), ktg = m3_mulv(kt, gc);
        double a6[36], a6copy[36], rhs[6];
        for (int r = 0; r < 3; r++)
            for (int l = 0; l < 3; l++) {
                a6[r * 6 + l] = r == l ? mass + hd : 0.0;
                a6[r * 6 + 3 + l] = hd * k.m[r][l];
                a6[(3 + r) * 6 + l] = hd * kt.m[r][l];
                a6[(3 + r) * 6 + 3 + l] = aa.m[r][l];
            }
        memcpy(a6copy, a6, sizeof a6);
        rhs[0] = f.x - hd * gc.x;
        rhs[1] = f.y - hd * gc.y;
        rhs[2] = f.z - hd * gc.z;
        rhs[3] = n.x - hd * ktg.x;
        rhs[4] = n.y - hd * ktg.y;
        rhs[5] = n.z - hd * ktg.z;
        memcpy(x, rhs, sizeof rhs);
        ok = wr_general_solve_small(a6, 6, x);
        if (ok) { /* the chord step for the quadratic remainder */
            const vec3 wd = v3(x[3], x[4], x[5]), qr = v3_scale(v3_cross(wd, m3_mulv(ic, wd)), q4);
            memcpy(x, rhs, sizeof rhs);
            x[3] -= qr.x;
            x[4] -= qr.y;
            x[5] -= qr.z;
            ok = wr_general_solve_small(a6copy, 6, x);
        }
    }
    double *qdd = s->qdd + b->v_offset;
    if (!ok) { /* only with a non-finite state: let the step's check fail */
        for (int i = 0; i < 6; i++)
            qdd[i] = NAN;
        return;
    }
    const vec3 wd = v3(x[3], x[4], x[5]);
    vec3 lin = v3_add(g, v3(x[0], x[1], x[2]));
    if (!centred && h > 0) {
        /* In a step, the origin's new velocity is the one that gives the COM exactly its new velocity at the new
         * orientation (the one dyn_integrate_positions will reach), so the COM velocity evolves as for a centred
         * body: no error enters through the turning arm R c. */
        const vec3 vl0 = v3(v[0], v[1], v[2]), w1 = v3_madd(w, wd, h);
        const vec3 vc1 = v3_add(v3_add(vl0, m3_mulv(rj, v3_cross(w, c))), v3_scale(lin, h));
        const mat3 r1 = m3_mul(rj, q_to_m3(q_exp(v3_scale(w1, h))));
        lin = v3_scale(v3_sub(v3_sub(vc1, m3_mulv(r1, v3_cross(w1, c))), vl0), 1.0 / h);
    } else if (!centred) {
        lin = v3_add(v3_add(lin, m3_mulv(rj, v3_cross(c, wd))), cent);
    }
    qdd[0] = lin.x;
    qdd[1] = lin.y;
    qdd[2] = lin.z;
    qdd[3] = wd.x;
    qdd[4] = wd.y;
    qdd[5] = wd.z;
}

/* ---- articulated-body algorithm -------------------------------------------------------------------------- */

/* World-frame ABA. Every spatial quantity is in Plücker coordinates about the world origin, so velocities,
 * articulated inertias and bias forces pass between bodies without transforms (v_i = v_parent + S_i qd,
 * IA_parent += Ia_i); the price is rotating each body's rigid inertia and motion subspace into the world once per
 * step, which is cheaper than the per-body 6x6 congruence of the body-frame form. */
void dyn_aba(wr_skeleton *s, double dt)
{
    const int n = s->body_count;
    if (n == 1 && s->bodies[0].type == WR_JOINT_FREE && s->bodies[0].parent < 0) {
        aba_free_body(s, dt);
        return;
    }
    /* pass 1, root to leaves: poses, world motion subspaces, velocities, rigid inertias, bias forces */
    for (int i = 0; i < n; i++) {
        const body_node *b = &s->bodies[i];
        body_work *wk = &s->work[i];
        transform t = body_in_parent(b, s->q + b->q_offset, wk);
        sv6 vp = sv_zero();
        if (b->parent >= 0) {
            const body_work *pw = &s->work[b->parent];
            wk->pose = tf_mul(pw->pose, t);
            vp = pw->vw;
        } else {
            wk->pose = t;
        }
        const mat3 r = wk->pose.rot;
        const vec3 o = wk->pose.pos;
        const double *v = s->v + b->v_offset;
        sv6 vj = sv_zero();
        const sv6 *cols = b->S; /* the body-frame columns: constant but for a free joint's linear ones */
        sv6 turned[WR_SKELETON_MAX_JOINT_DOFS];
        if (b->type == WR_JOINT_FREE) {
            for (int k = 0; k < 6; k++)
                turned[k] = joint_column(b, wk, k);
            cols = turned;
        }
        for (int k = 0; k < b->nv; k++) {
            const sv6 col = cols[k];
            vec3 w = m3_mulv(r, col.w);
            sv6 sw = sv(w, v3_add(m3_mulv(r, col.v), v3_cross(o, w)));
            wk->Sw[k] = sw;
            vj = sv_madd(vj, sw, v[k]);
        }
        wk->vw = sv_add(vp, vj);
        wk->cw = sv_cross_motion(wk->vw, vj);
        if (b->type == WR_JOINT_FREE) { /* world linear columns are (0, axis): their sum is the linear velocity */
            vec3 u = v3_zero(), om = v3_zero();
            for (int k = 0; k < 3; k++) {
                u = v3_madd(u, wk->Sw[k].v, v[k]);
                om = v3_madd(om, wk->Sw[3 + k].w, v[3 + k]);
            }
            wk->cw = sv_add(wk->cw, free_joint_bias(u, om));
        }
        const vec3 com = v3_add(m3_mulv(r, b->com), o);
        const sym3 ic = sym3_rotate(r, &b->inertia_sym);
        wk->IAw = ai_rigid(b->mass, com, &ic);
        /* rigid momentum I v without the 6x6 product: h = m (v + w x c), n = Ic w + c x h */
        const vec3 hl = v3_scale(v3_add(wk->vw.v, v3_cross(wk->vw.w, com)), b->mass);
        const sv6 h = sv(v3_add(sym3_mulv(&ic, wk->vw.w), v3_cross(com, hl)), hl);
        sv6 p = sv_cross_force(wk->vw, h);
        if (wk->ext_force.x != 0 || wk->ext_force.y != 0 || wk->ext_force.z != 0 || wk->ext_torque.x != 0 ||
            wk->ext_torque.y != 0 || wk->ext_torque.z != 0)
            p = sv_sub(p, sv(v3_add(wk->ext_torque, v3_cross(com, wk->ext_force)), wk->ext_force));
        wk->pw = p;
    }
    s->fk_valid = 1;
    /* pass 2, leaves to root: articulated inertias and bias forces */
    for (int i = n - 1; i >= 0; i--) {
        const body_node *b = &s->bodies[i];
        body_work *wk = &s->work[i];
        const int nd = b->nv;
        const double *tau = s->tau + b->v_offset;
        /* implicit damping: the damping force of the new velocity, -d (v + dt qdd), moves d dt to the left side,
         * a joint-space term on the diagonal like the rotor inertia (armature) beside it (MuJoCo's Euler does the
         * same) */
        const double implicit = dt * b->damping + b->armature;
        sv6 pa = wk->pw;
        if (nd == 1) {
            const sv6 u = ai_mul(&wk->IAw, wk->Sw[0]);
            const double dinv = 1.0 / (sv_dot(wk->Sw[0], u) + implicit);
            const double uu = tau[0] - sv_dot(wk->Sw[0], wk->pw);
            wk->U[0] = u;
            wk->Dinv[0] = dinv;
            wk->u[0] = uu;
            if (b->parent < 0)
                continue;
            ai_sub_outer(&wk->IAw, u, u, dinv);
            pa = sv_add(sv_add(pa, ai_mul(&wk->IAw, wk->cw)), sv_scale(u, dinv * uu));
        } else if (nd > 1) {
            double d[36];
            for (int k = 0; k < nd; k++) {
                wk->U[k] = ai_mul(&wk->IAw, wk->Sw[k]);
                wk->u[k] = tau[k] - sv_dot(wk->Sw[k], wk->pw);
            }
            for (int j = 0; j < nd; j++)
                for (int k = 0; k < nd; k++)
                    d[j * nd + k] = sv_dot(wk->Sw[j], wk->U[k]) + (j == k ? implicit : 0.0);
            if (!wr_spd_inverse_small(d, nd, wk->Dinv)) {
                /* Only reachable with a non-finite state: poison the result so the step's check fails. */
                for (int k = 0; k < nd * nd; k++)
                    wk->Dinv[k] = NAN;
            }
            if (b->parent < 0)
                continue;
            sv6 bias = sv_zero();
            for (int k = 0; k < nd; k++) {
                sv6 wkk = sv_zero(); /* (U Dinv) column k */
                for (int j = 0; j < nd; j++)
                    wkk = sv_madd(wkk, wk->U[j], wk->Dinv[j * nd + k]);
                bias = sv_madd(bias, wkk, wk->u[k]);
                ai_sub_outer(&wk->IAw, wkk, wk->U[k], 1.0);
            }
            pa = sv_add(sv_add(pa, ai_mul(&wk->IAw, wk->cw)), bias);
        } else {
            if (b->parent < 0)
                continue;
            pa = sv_add(pa, ai_mul(&wk->IAw, wk->cw));
        }
        body_work *pw = &s->work[b->parent];
        ai_add_to(&pw->IAw, &wk->IAw);
        pw->pw = sv_add(pw->pw, pa);
    }
    /* pass 3, root to leaves: accelerations */
    const sv6 a0 = sv(v3_zero(), v3_neg(s->gravity));
    for (int i = 0; i < n; i++) {
        const body_node *b = &s->bodies[i];
        body_work *wk = &s->work[i];
        sv6 a = sv_add(b->parent >= 0 ? s->work[b->parent].aw : a0, wk->cw);
        const int nd = b->nv;
        double *qdd = s->qdd + b->v_offset;
        if (nd == 1) {
            qdd[0] = wk->Dinv[0] * (wk->u[0] - sv_dot(wk->U[0], a));
            a = sv_madd(a, wk->Sw[0], qdd[0]);
        } else if (nd > 1) {
            double r[WR_SKELETON_MAX_JOINT_DOFS];
            for (int k = 0; k < nd; k++)
                r[k] = wk->u[k] - sv_dot(wk->U[k], a);
            for (int j = 0; j < nd; j++) {
                double sum = 0;
                for (int k = 0; k < nd; k++)
                    sum += wk->Dinv[j * nd + k] * r[k];
                qdd[j] = sum;
            }
            for (int k = 0; k < nd; k++)
                a = sv_madd(a, wk->Sw[k], qdd[k]);
        }
        wk->aw = a;
    }
}

/* ---- recursive Newton-Euler ------------------------------------------------------------------------------ */

void dyn_rnea(wr_skeleton *s, const double *qdd, double *tau_out)
{
    const int n = s->body_count;
    const sv6 a0 = sv(v3_zero(), v3_neg(s->gravity));
    for (int i = 0; i < n; i++) {
        const body_node *b = &s->bodies[i];
        body_work *wk = &s->work[i];
        const sv6 ap = b->parent >= 0 ? s->work[b->parent].acc : a0;
        sv6 a = sv_add(sx_motion(&wk->X, ap), wk->c);
        for (int k = 0; k < b->nv; k++)
            a = sv_madd(a, joint_column(b, wk, k), qdd[b->v_offset + k]);
        wk->acc = a;
        sv6 f = sv_add(si_mul(&b->I, a), sv_cross_force(wk->vel, si_mul(&b->I, wk->vel)));
        wk->pA = sv_sub(f, external_force_body(b, wk));
    }
    for (int i = n - 1; i >= 0; i--) {
        const body_node *b = &s->bodies[i];
        const body_work *wk = &s->work[i];
        for (int k = 0; k < b->nv; k++)
            tau_out[b->v_offset + k] = sv_dot(joint_column(b, wk, k), wk->pA) + b->armature * qdd[b->v_offset + k];
        if (b->parent >= 0) {
            body_work *pw = &s->work[b->parent];
            pw->pA = sv_add(pw->pA, sx_force_inv(&wk->X, wk->pA));
        }
    }
}

/* ---- composite rigid body algorithm ---------------------------------------------------------------------- */

void dyn_crba(wr_skeleton *s)
{
    const int n = s->body_count, nv = s->nv;
    double *m = s->mass;
    s->chol_of_mass = 0;
    for (int i = 0; i < n; i++)
        s->work[i].IA = s->bodies[i].I;
    for (int i = n - 1; i >= 0; i--) {
        const body_node *b = &s->bodies[i];
        if (b->parent >= 0) {
            body_work *pw = &s->work[b->parent];
            pw->IA = si_add(pw->IA, si_to_parent(&s->work[i].X, &s->work[i].IA));
        }
    }
    if (nv) /* m is NULL on a skeleton without bodies */
        memset(m, 0, sizeof(double) * (size_t)nv * (size_t)nv);
    for (int i = 0; i < n; i++) {
        const body_node *b = &s->bodies[i];
        for (int k = 0; k < b->nv; k++) {
            const int row = b->v_offset + k;
            sv6 f = si_mul(&s->work[i].IA, joint_column(b, &s->work[i], k));
            for (int l = 0; l < b->nv; l++)
                m[row * nv + b->v_offset + l] = sv_dot(joint_column(b, &s->work[i], l), f);
            m[row * nv + row] += b->armature;
            int j = i;
            while (s->bodies[j].parent >= 0) {
                f = sx_force_inv(&s->work[j].X, f);
                j = s->bodies[j].parent;
                const body_node *bj = &s->bodies[j];
                for (int l = 0; l < bj->nv; l++) {
                    double x = sv_dot(joint_column(bj, &s->work[j], l), f);
                    m[row * nv + bj->v_offset + l] = x;
                    m[(bj->v_offset + l) * nv + row] = x;
                }
            }
        }
    }
}

/* ---- mass matrix factor for the constraint stage --------------------------------------------------------- */

wr_status dyn_mass_factor(wr_skeleton *s)
{
    if (s->factor_valid)
        return WR_OK;
    if (s->body_count == 1 && s->bodies[0].parent < 0) {
        /* One root body: M = S^T I S does not depend on q (BODY_FLAG_CONST_MASS: all but a free joint with its COM
         * off the origin), and a body's S and I do not change once in a world (adding a body or a shape that
         * changes the mass clears chol_of_mass), so a factor of it stays valid. */
        if (!s->fk_valid)
            dyn_forward_kinematics(s);
        if (s->chol_of_mass && (s->bodies[0].flags & BODY_FLAG_CONST_MASS)) {
            s->factor_valid = 1;
            return WR_OK;
        }
        root_mass_matrix(&s->bodies[0], &s->work[0], s->mass);
    } else {
        dyn_forward_kinematics(s); /* CRBA needs the body-frame transforms, which the world-frame ABA skips */
        dyn_crba(s);
    }
    if (!wr_cholesky_factor(s->mass, s->nv, s->chol))
        return WR_FAIL(WR_ERR_NON_FINITE, "mass matrix of skeleton '%s' is not positive definite", s->name);
    s->factor_valid = 1;
    s->chol_of_mass = 1;
    return WR_OK;
}

void dyn_mass_solve(const wr_skeleton *s, double *x) { wr_cholesky_solve(s->chol, s->nv, x); }

const double *dyn_mass_matrix(const wr_skeleton *s) { return s->mass; }

/* ---- Jacobians and velocities ---------------------------------------------------------------------------- */

void dyn_point_jacobian(const wr_skeleton *s, int body, vec3 point, double *jlin, double *jang)
{
    const int nv = s->nv;
    memset(jlin, 0, sizeof(double) * 3 * (size_t)nv);
    if (jang)
        memset(jang, 0, sizeof(double) * 3 * (size_t)nv);
    for (int j = body; j >= 0; j = s->bodies[j].parent) {
        const body_node *b = &s->bodies[j];
        const transform *t = &s->work[j].pose;
        vec3 r = v3_sub(point, t->pos);
        for (int k = 0; k < b->nv; k++) {
            const sv6 sc = joint_column(b, &s->work[j], k);
            vec3 w = m3_mulv(t->rot, sc.w);
            vec3 lin = v3_add(m3_mulv(t->rot, sc.v), v3_cross(w, r));
            int col = b->v_offset + k;
            jlin[col] = lin.x;
            jlin[nv + col] = lin.y;
            jlin[2 * nv + col] = lin.z;
            if (jang) {
                jang[col] = w.x;
                jang[nv + col] = w.y;
                jang[2 * nv + col] = w.z;
            }
        }
    }
}

void dyn_body_velocity(const wr_skeleton *s, int body, vec3 *angular, vec3 *linear)
{
    vec3 w = v3_zero(), v = v3_zero();
    const vec3 o = s->work[body].pose.pos;
    for (int j = body; j >= 0; j = s->bodies[j].parent) {
        const body_node *b = &s->bodies[j];
        const transform *t = &s->work[j].pose;
        vec3 r = v3_sub(o, t->pos);
        for (int k = 0; k < b->nv; k++) {
            double qd = s->v[b->v_offset + k];
            const sv6 sc = joint_column(b, &s->work[j], k);
            vec3 wk = m3_mulv(t->rot, sc.w);
            w = v3_madd(w, wk, qd);
            v = v3_madd(v, v3_add(m3_mulv(t->rot, sc.v), v3_cross(wk, r)), qd);
        }
    }
    *angular = w;
    *linear = v;
}

vec3 dyn_point_velocity(const wr_skeleton *s, int body, vec3 point)
{
    vec3 w, v;
    dyn_body_velocity(s, body, &w, &v);
    return v3_add(v, v3_cross(w, v3_sub(point, s->work[body].pose.pos)));
}

/* ---- passive forces, commands, integration --------------------------------------------------------------- */

/* Motors: gear * clamp(ctrl) (then the force range) on their dofs, as MuJoCo's actuator/motor. */
static void actuator_forces(wr_skeleton *s)
{
    for (int a = 0; a < s->actuator_count; a++) {
        const dyn_actuator *u = &s->actuators[a];
        double c = s->ctrl[a];
        if (u->ctrl_limited)
            c = c < u->ctrl_lower ? u->ctrl_lower : (c > u->ctrl_upper ? u->ctrl_upper : c);
        if (u->force_limited)
            c = c < u->force_lower ? u->force_lower : (c > u->force_upper ? u->force_upper : c);
        s->tau[u->dof] += u->gear * c;
    }
}

void dyn_passive_and_commands(wr_skeleton *s)
{
    for (int i = 0; i < s->body_count; i++) {
        const body_node *b = &s->bodies[i];
        const int o = b->v_offset;
        for (int k = 0; k < b->nv; k++) {
            double t = s->tau_cmd[o + k], lim = b->effort_limit[k];
            t = t > lim ? lim : (t < -lim ? -lim : t);
            s->tau[o + k] = t - b->damping * s->v[o + k];
        }
        if (b->nv == 1 && b->stiffness != 0)
            s->tau[o] -= b->stiffness * (s->q[b->q_offset] - b->rest_position);
        if (b->type == WR_JOINT_BALL && b->stiffness != 0) {
            /* spring toward the identity: V = k theta^2 / 2, whose force conjugate to the child-frame angular
             * velocity is exactly -k theta axis (theta' = axis . w, the axis being fixed by the rotation) */
            quat r = dyn_quat_load(s->q + b->q_offset);
            if (r.w < 0)
                r = q_neg_shortest(r);
            vec3 im = v3(r.x, r.y, r.z);
            double sn = v3_norm(im);
            double k = sn > 1e-12 ? 2.0 * atan2(sn, r.w) / sn : 2.0; /* theta / sin(theta/2) */
            vec3 rv = v3_scale(im, k);
            s->tau[o] -= b->stiffness * rv.x;
            s->tau[o + 1] -= b->stiffness * rv.y;
            s->tau[o + 2] -= b->stiffness * rv.z;
        }
    }
    if (s->actuator_count)
        actuator_forces(s);
}

void dyn_integrate_positions(wr_skeleton *s, double dt)
{
    for (int i = 0; i < s->body_count; i++) {
        const body_node *b = &s->bodies[i];
        double *q = s->q + b->q_offset;
        const double *v = s->v + b->v_offset;
        switch ((wr_joint_type)b->type) {
        case WR_JOINT_REVOLUTE:
        case WR_JOINT_PRISMATIC:
            q[0] += dt * v[0];
            break;
        case WR_JOINT_BALL: {
            quat r = q_mul(dyn_quat_load(q), q_exp(v3_scale(v3(v[0], v[1], v[2]), dt)));
            quat_store(q_normalize(r), q);
            break;
        }
        case WR_JOINT_FREE: {
            /* MuJoCo's: the origin moves by dt times its velocity (parent joint frame), the orientation turns by
             * dt times the angular velocity (child joint frame) on the manifold */
            q[0] += dt * v[0];
            q[1] += dt * v[1];
            q[2] += dt * v[2];
            quat r = q_mul(dyn_quat_load(q + 3), q_exp(v3_scale(v3(v[3], v[4], v[5]), dt)));
            quat_store(q_normalize(r), q + 3);
            break;
        }
        case WR_JOINT_WELD:
        case WR_JOINT_TYPE_COUNT:
            break;
        }
    }
    s->fk_valid = 0;
    s->factor_valid = 0;
}

/* ---- energy and momentum --------------------------------------------------------------------------------- */

double dyn_kinetic_energy(const wr_skeleton *s)
{
    double e = 0;
    for (int i = 0; i < s->body_count; i++) {
        const body_node *b = &s->bodies[i];
        const sv6 v = s->work[i].vel;
        e += 0.5 * sv_dot(v, si_mul(&b->I, v));
        for (int k = 0; k < b->nv && b->armature != 0; k++) /* the rotor's energy: 1/2 v^T M v includes it */
            e += 0.5 * b->armature * s->v[b->v_offset + k] * s->v[b->v_offset + k];
    }
    return e;
}

double dyn_potential_energy(const wr_skeleton *s)
{
    double e = 0;
    for (int i = 0; i < s->body_count; i++) {
        const body_node *b = &s->bodies[i];
        vec3 c = tf_apply(s->work[i].pose, b->com);
        e -= b->mass * v3_dot(s->gravity, c);
    }
    return e;
}

void dyn_momentum(const wr_skeleton *s, vec3 *linear, vec3 *angular)
{
    vec3 p = v3_zero(), l = v3_zero();
    for (int i = 0; i < s->body_count; i++) {
        const transform *t = &s->work[i].pose;
        sv6 h = si_mul(&s->bodies[i].I, s->work[i].vel);
        vec3 f = m3_mulv(t->rot, h.v);
        p = v3_add(p, f);
        l = v3_add(l, v3_add(m3_mulv(t->rot, h.w), v3_cross(t->pos, f)));
    }
    *linear = p;
    *angular = l;
}
