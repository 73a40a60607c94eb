/* fuzz_bodies.h — bodies, joints and shapes drawn from fuzz input, for the world and API targets.
 *
 * fuzz_sane_body() draws a description the library must accept (mass, inertia, poses and axis in sensible ranges,
 * with a direction scaled by any factor: normalization is promised); fuzz_any_body() starts from it and replaces
 * fields by arbitrary values (NaN, huge, negative, unknown enum values...), which the library must either accept or
 * refuse cleanly. The joint layout helpers say which generalized coordinates are quaternions.
 */
#ifndef WR_FUZZ_BODIES_H
#define WR_FUZZ_BODIES_H

#include "fuzz_support.h"

static inline int fuzz_joint_nq(wr_joint_type t)
{
    static const int nq[WR_JOINT_TYPE_COUNT] = {0, 1, 1, 4, 7};
    return (unsigned)t < WR_JOINT_TYPE_COUNT ? nq[t] : 0;
}

static inline int fuzz_joint_nv(wr_joint_type t)
{
    static const int nv[WR_JOINT_TYPE_COUNT] = {0, 1, 1, 3, 6};
    return (unsigned)t < WR_JOINT_TYPE_COUNT ? nv[t] : 0;
}

/* Offset of the quaternion within a joint's coordinates, or -1 if it has none. */
static inline int fuzz_joint_quat_offset(wr_joint_type t)
{
    return t == WR_JOINT_BALL ? 0 : (t == WR_JOINT_FREE ? 3 : -1);
}

/* A unit quaternion (w, x, y, z) from four sane components (identity when they are all 0). */
static inline void fuzz_unit_quat(fuzz_reader *r, double q[4])
{
    double n2 = 0;
    for (int k = 0; k < 4; k++) {
        q[k] = fuzz_double_in(r, -1.0, 1.0);
        n2 += q[k] * q[k];
    }
    if (n2 < 1e-6) {
        q[0] = 1.0;
        q[1] = q[2] = q[3] = 0.0;
        return;
    }
    double n = sqrt(n2);
    for (int k = 0; k < 4; k++)
        q[k] /= n;
}

static inline void fuzz_sane_pose(fuzz_reader *r, wr_pose *p)
{
    wr_pose_identity(p);
    uint8_t kind = fuzz_u8(r);
    if (kind & 1u)
        for (int k = 0; k < 3; k++)
            p->position[k] = fuzz_double_in(r, -0.5, 0.5);
    if (kind & 2u)
        fuzz_unit_quat(r, p->rotation);
}

/* A body the library must accept: joint `type`, parent `parent`. The axis is a sane direction times a factor that
 * may be anything from 1e-6 to 1e300 (the library normalizes it). */
static inline void fuzz_sane_body(fuzz_reader *r, wr_joint_type type, int parent, wr_body_desc *b)
{
    wr_body_desc_init(b);
    wr_joint_desc_init(&b->joint, type);
    b->parent = parent;
    snprintf(b->name, sizeof b->name, "b%d", fuzz_u8(r));
    b->mass = fuzz_double_in(r, 0.05, 20.0);
    double he[3];
    for (int k = 0; k < 3; k++)
        he[k] = fuzz_double_in(r, 0.01, 0.5);
    wr_status st = wr_inertia_of_box(b->mass, he, b->inertia);
    FUZZ_CHECK(st == WR_OK, "inertia of a %g kg box %g %g %g: %s", b->mass, he[0], he[1], he[2], wr_status_name(st));
    for (int k = 0; k < 3; k++)
        b->com[k] = fuzz_double_in(r, -0.3, 0.3);
    fuzz_sane_pose(r, &b->joint.parent_pose);
    fuzz_sane_pose(r, &b->joint.child_pose);
    static const double scales[] = {1.0, 1e-6, 1e-3, 7.5, 1e6, 1e150, 1e200, 1e300}; /* axis scale */
    double dir[3] = {fuzz_double_in(r, -1, 1), fuzz_double_in(r, -1, 1), fuzz_double_in(r, -1, 1)};
    if (fabs(dir[0]) + fabs(dir[1]) + fabs(dir[2]) < 0.1)
        dir[2] = 1.0;
    double scale = scales[fuzz_u8(r) & 7u];
    for (int k = 0; k < 3; k++)
        b->joint.axis[k] = dir[k] * scale;
    b->joint.damping = fuzz_double_in(r, 0.0, 2.0);
    uint8_t extras = fuzz_u8(r);
    if (extras & 1u) {
        b->joint.stiffness = fuzz_double_in(r, 0.0, 50.0);
        b->joint.rest_position = fuzz_double_in(r, -1.0, 1.0);
    }
    if (extras & 2u) {
        for (int k = 0; k < WR_SKELETON_MAX_JOINT_DOFS; k++) {
            double lo = fuzz_double_in(r, -2.0, 0.0), hi = fuzz_double_in(r, 0.0, 2.0);
            b->joint.position_lower[k] = lo;
            b->joint.position_upper[k] = hi;
        }
    }
    if (extras & 4u)
        for (int k = 0; k < WR_SKELETON_MAX_JOINT_DOFS; k++) {
            b->joint.velocity_limit[k] = fuzz_double_in(r, 0.1, 20.0);
            b->joint.effort_limit[k] = fuzz_double_in(r, 0.1, 200.0);
        }
}

/* A shape the library must accept on a body (planes only when `static_body`). */
static inline void fuzz_sane_shape(fuzz_reader *r, bool static_body, wr_shape_desc *d)
{
    int kinds = static_body ? WR_SHAPE_TYPE_COUNT : WR_SHAPE_PLANE;
    wr_shape_desc_init(d, (wr_shape_type)(fuzz_u8(r) % (unsigned)kinds));
    for (int k = 0; k < 3; k++)
        d->size[k] = fuzz_double_in(r, 0.02, 0.4);
    fuzz_sane_pose(r, &d->pose);
    d->friction = fuzz_double_in(r, 0.0, 1.5);
    d->restitution = fuzz_double_in(r, 0.0, 1.0);
    if (fuzz_u8(r) & 1u) {
        d->collision_group = fuzz_u32(r);
        d->collision_mask = fuzz_u32(r);
    }
}

/* Replace a few fields of a sane body by arbitrary values. Returns true if the result may be refused. */
static inline bool fuzz_corrupt_body(fuzz_reader *r, wr_body_desc *b)
{
    int n = fuzz_int(r, 0, 3);
    for (int i = 0; i < n; i++) {
        double x = fuzz_double(r);
        switch (fuzz_u8(r) % 14u) {
        case 0: b->mass = x; break;
        case 1: b->inertia[fuzz_u8(r) % 9u] = x; break;
        case 2: b->com[fuzz_u8(r) % 3u] = x; break;
        case 3: b->joint.axis[fuzz_u8(r) % 3u] = x; break;
        case 4: b->joint.parent_pose.position[fuzz_u8(r) % 3u] = x; break;
        case 5: b->joint.child_pose.rotation[fuzz_u8(r) % 4u] = x; break;
        case 6: b->joint.damping = x; break;
        case 7: b->joint.stiffness = x; break;
        case 8: b->joint.position_lower[fuzz_u8(r) % WR_SKELETON_MAX_JOINT_DOFS] = x; break;
        case 9: b->joint.velocity_limit[fuzz_u8(r) % WR_SKELETON_MAX_JOINT_DOFS] = x; break;
        case 10: b->joint.type = (wr_joint_type)(int)(int8_t)fuzz_u8(r); break;
        case 11: b->parent = (int)(int8_t)fuzz_u8(r); break;
        case 12: /* the whole inertia scaled: positive definite or not, by any factor */
            for (int k = 0; k < 9; k++)
                b->inertia[k] *= x;
            break;
        default: /* every entry equal: rank one, never positive definite */
            for (int k = 0; k < 9; k++)
                b->inertia[k] = x;
            break;
        }
    }
    return n > 0;
}

static inline bool fuzz_corrupt_shape(fuzz_reader *r, wr_shape_desc *d)
{
    int n = fuzz_int(r, 0, 2);
    for (int i = 0; i < n; i++) {
        double x = fuzz_double(r);
        switch (fuzz_u8(r) % 5u) {
        case 0: d->size[fuzz_u8(r) % 3u] = x; break;
        case 1: d->pose.rotation[fuzz_u8(r) % 4u] = x; break;
        case 2: d->friction = x; break;
        case 3: d->restitution = x; break;
        default: d->type = (wr_shape_type)(int)(int8_t)fuzz_u8(r); break;
        }
    }
    return n > 0;
}

/* An independent check of what the library must only accept: a symmetric positive definite inertia. Scaled to a
 * largest entry of 1 (no overflow), its diagonal is positive and its determinant clearly above 0 (the library asks
 * the smallest eigenvalue to exceed 1e-9 of the trace, which keeps this determinant above ~1e-11). */
static inline bool fuzz_inertia_positive_definite(const double in[9])
{
    double largest = 0;
    for (int k = 0; k < 9; k++)
        largest = fmax(largest, fabs(in[k]));
    if (!(largest > 0) || !isfinite(largest))
        return false;
    double a[9];
    for (int k = 0; k < 9; k++)
        a[k] = in[k] / largest;
    double det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
                 a[2] * (a[3] * a[7] - a[4] * a[6]);
    return a[0] > 0 && a[4] > 0 && a[8] > 0 && a[0] * a[4] - a[1] * a[3] > 0 && det > 1e-13;
}

/* The joint-space mass matrix of a skeleton built from sane bodies at a sane configuration must be finite,
 * symmetric and have a positive diagonal (every dof moves some mass). */
static inline void fuzz_check_mass_matrix(wr_skeleton *s)
{
    size_t nv = (size_t)wr_skeleton_dof_count(s);
    if (nv == 0)
        return;
    double *m = malloc(nv * nv * sizeof(double));
    FUZZ_CHECK(m != NULL, "out of memory in the harness");
    wr_status st = FUZZ_CALL(wr_skeleton_mass_matrix(s, m, nv * nv));
    FUZZ_CHECK(st == WR_OK, "mass matrix: %s", wr_status_name(st));
    for (size_t i = 0; i < nv; i++) {
        FUZZ_CHECK(isfinite(m[i * nv + i]) && m[i * nv + i] > 0, "M[%zu][%zu] = %g for sane bodies", i, i,
                   m[i * nv + i]);
        for (size_t j = 0; j < i; j++) {
            double a = m[i * nv + j], b = m[j * nv + i];
            FUZZ_CHECK(isfinite(a) && fabs(a - b) <= 1e-9 * (1 + fabs(a)), "M[%zu][%zu] = %g, M[%zu][%zu] = %g", i,
                       j, a, j, i, b);
        }
    }
    free(m);
}

#endif
