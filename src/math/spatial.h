/* src/math/spatial.h — 6D spatial algebra (Featherstone, "Rigid Body Dynamics Algorithms", ch. 2), header-only.
 *
 * Spatial vectors are pairs of vec3: a motion vector is (w, v) = (angular velocity, linear velocity of the frame
 * origin), a force vector is (n, f) = (moment about the frame origin, force). A spatial transform from frame P to
 * frame C is stored as (E, r): E rotates P coordinates into C coordinates, r is C's origin in P coordinates.
 * A spatial inertia is stored in blocks [A B; B^T C] (A, C symmetric): force = (A w + B v, B^T w + C v).
 * Plain structs by value, static inline, pure. Threads: no state.
 */
#ifndef WR_MATH_SPATIAL_H
#define WR_MATH_SPATIAL_H

#include "math/vec.h"

typedef struct sv6 { vec3 w, v; } sv6;          /* motion (w, v) or force (n, f) */
typedef struct sxform { mat3 E; vec3 r; } sxform; /* parent -> child */
typedef struct sinertia { mat3 A, B, C; } sinertia;

static inline sv6 sv(vec3 w, vec3 v) { sv6 r = {w, v}; return r; }
static inline sv6 sv_zero(void) { sv6 r = {{0, 0, 0}, {0, 0, 0}}; return r; }
static inline sv6 sv_add(sv6 a, sv6 b) { return sv(v3_add(a.w, b.w), v3_add(a.v, b.v)); }
static inline sv6 sv_sub(sv6 a, sv6 b) { return sv(v3_sub(a.w, b.w), v3_sub(a.v, b.v)); }
static inline sv6 sv_scale(sv6 a, double s) { return sv(v3_scale(a.w, s), v3_scale(a.v, s)); }
static inline sv6 sv_madd(sv6 a, sv6 b, double s) { return sv(v3_madd(a.w, b.w, s), v3_madd(a.v, b.v, s)); }
/* motion . force (power) or any plain 6D dot product */
static inline double sv_dot(sv6 a, sv6 b) { return v3_dot(a.w, b.w) + v3_dot(a.v, b.v); }
static inline int sv_isfinite(sv6 a) { return v3_isfinite(a.w) && v3_isfinite(a.v); }
static inline double sv_get(sv6 a, int i) { return i < 3 ? v3_get(a.w, i) : v3_get(a.v, i - 3); }

/* Motion cross product a x m (derivative of motion m in a frame moving with a). */
static inline sv6 sv_cross_motion(sv6 a, sv6 m)
{
    return sv(v3_cross(a.w, m.w), v3_add(v3_cross(a.w, m.v), v3_cross(a.v, m.w)));
}
/* Force cross product a x* f. */
static inline sv6 sv_cross_force(sv6 a, sv6 f)
{
    return sv(v3_add(v3_cross(a.w, f.w), v3_cross(a.v, f.v)), v3_cross(a.w, f.v));
}

/* --- transforms ------------------------------------------------------------------------------------------- */

static inline sxform sx_identity(void)
{
    sxform x = {m3_identity(), {0, 0, 0}};
    return x;
}
/* Transform from parent to a child frame whose pose in the parent is (rot, pos). */
static inline sxform sx_from_pose(transform child_in_parent)
{
    sxform x = {m3_transpose(child_in_parent.rot), child_in_parent.pos};
    return x;
}
/* Motion vector from parent to child coordinates. */
static inline sv6 sx_motion(const sxform *x, sv6 m)
{
    return sv(m3_mulv(x->E, m.w), m3_mulv(x->E, v3_sub(m.v, v3_cross(x->r, m.w))));
}
/* Motion vector from child to parent coordinates. */
static inline sv6 sx_motion_inv(const sxform *x, sv6 m)
{
    vec3 w = m3_tmulv(x->E, m.w);
    return sv(w, v3_add(m3_tmulv(x->E, m.v), v3_cross(x->r, w)));
}
/* Force vector from parent to child coordinates. */
static inline sv6 sx_force(const sxform *x, sv6 f)
{
    return sv(m3_mulv(x->E, v3_sub(f.w, v3_cross(x->r, f.v))), m3_mulv(x->E, f.v));
}
/* Force vector from child to parent coordinates (X^T f). */
static inline sv6 sx_force_inv(const sxform *x, sv6 f)
{
    vec3 fp = m3_tmulv(x->E, f.v);
    return sv(v3_add(m3_tmulv(x->E, f.w), v3_cross(x->r, fp)), fp);
}

/* --- inertia ---------------------------------------------------------------------------------------------- */

/* Rigid body of mass m, centre of mass c and rotational inertia ic about c, all in the body frame. */
static inline sinertia si_rigid(double m, vec3 c, mat3 ic)
{
    mat3 cx = m3_skew(c);
    sinertia s = {m3_sub(ic, m3_scale(m3_mul(cx, cx), m)), m3_scale(cx, m), m3_diag(m, m, m)};
    return s;
}
static inline sinertia si_zero(void)
{
    sinertia s = {m3_zero(), m3_zero(), m3_zero()};
    return s;
}
static inline sinertia si_add(sinertia a, sinertia b)
{
    sinertia s = {m3_add(a.A, b.A), m3_add(a.B, b.B), m3_add(a.C, b.C)};
    return s;
}
static inline sv6 si_mul(const sinertia *i, sv6 m)
{
    return sv(v3_add(m3_mulv(i->A, m.w), m3_mulv(i->B, m.v)), v3_add(m3_tmulv(i->B, m.w), m3_mulv(i->C, m.v)));
}

/* a * s * b for a skew matrix s = skew(r): columns cross products, cheaper than a full product. */
static inline mat3 m3_mul_skew(mat3 a, vec3 r)
{
    /* (a * rx) row i = (a row i) x ... : rx column j = r x e_j, so (a rx)_ij = a_i . (r x e_j) = (a_i x r)_j */
    mat3 out;
    for (int i = 0; i < 3; i++) {
        vec3 row = v3(a.m[i][0], a.m[i][1], a.m[i][2]);
        vec3 c = v3_cross(row, r);
        out.m[i][0] = c.x;
        out.m[i][1] = c.y;
        out.m[i][2] = c.z;
    }
    return out;
}
/* skew(r) * a */
static inline mat3 m3_skew_mul(vec3 r, mat3 a)
{
    mat3 out;
    for (int j = 0; j < 3; j++) {
        vec3 c = v3_cross(r, m3_col(a, j));
        out.m[0][j] = c.x;
        out.m[1][j] = c.y;
        out.m[2][j] = c.z;
    }
    return out;
}
/* Symmetric part enforcement after updates: keeps round-off from breaking symmetry. */
static inline mat3 m3_symmetrize(mat3 a)
{
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++) {
            double s = 0.5 * (a.m[i][j] + a.m[j][i]);
            a.m[i][j] = s;
            a.m[j][i] = s;
        }
    return a;
}
/* E^T a E for a symmetric a: the result is symmetric, computed once per pair. */
static inline mat3 m3_congruence_t(mat3 e, mat3 a)
{
    mat3 ae = m3_mul(a, e);
    mat3 r;
    for (int i = 0; i < 3; i++)
        for (int j = i; j < 3; j++) {
            double s = e.m[0][i] * ae.m[0][j] + e.m[1][i] * ae.m[1][j] + e.m[2][i] * ae.m[2][j];
            r.m[i][j] = s;
            r.m[j][i] = s;
        }
    return r;
}
/* Inertia in child coordinates seen from the parent: X^T I X. With X = diag(E,E) [1 0; -rx 1]:
 * A' = A - B rx + rx B^T - rx C rx, B' = B + rx C, C' = C (after rotating each block by E^T . E). */
static inline sinertia si_to_parent(const sxform *x, const sinertia *i)
{
    mat3 a = m3_congruence_t(x->E, i->A);
    mat3 b = m3_tmul(x->E, m3_mul(i->B, x->E));
    mat3 c = m3_congruence_t(x->E, i->C);
    mat3 rxc = m3_skew_mul(x->r, c);     /* rx C */
    mat3 brx = m3_mul_skew(b, x->r);     /* B rx */
    /* - B rx + rx B^T = -(B rx) - (B rx)^T since (rx B^T) = -(B rx)^T */
    mat3 rxcrx = m3_mul_skew(rxc, x->r); /* rx C rx */
    sinertia s;
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 3; k++)
            s.A.m[r][k] = a.m[r][k] - brx.m[r][k] - brx.m[k][r] - rxcrx.m[r][k];
    s.A = m3_symmetrize(s.A);
    s.B = m3_add(b, rxc);
    s.C = c;
    return s;
}

/* --- articulated inertia in packed symmetric form (the ABA's hot data) -------------------------------------- */

/* Symmetric 3x3: xx, xy, xz, yy, yz, zz. */
typedef struct sym3 { double xx, xy, xz, yy, yz, zz; } sym3;
/* Spatial inertia [A B; B^T C] with A and C symmetric: 21 numbers. */
typedef struct ainertia { sym3 A; mat3 B; sym3 C; } ainertia;

static inline vec3 sym3_mulv(const sym3 *a, vec3 v)
{
    return v3(a->xx * v.x + a->xy * v.y + a->xz * v.z, a->xy * v.x + a->yy * v.y + a->yz * v.z,
              a->xz * v.x + a->yz * v.y + a->zz * v.z);
}
static inline sv6 ai_mul(const ainertia *i, sv6 m)
{
    return sv(v3_add(sym3_mulv(&i->A, m.w), m3_mulv(i->B, m.v)),
              v3_add(m3_tmulv(i->B, m.w), sym3_mulv(&i->C, m.v)));
}
static inline void sym3_add_to(sym3 *a, const sym3 *b)
{
    a->xx += b->xx;
    a->xy += b->xy;
    a->xz += b->xz;
    a->yy += b->yy;
    a->yz += b->yz;
    a->zz += b->zz;
}
static inline void ai_add_to(ainertia *a, const ainertia *b)
{
    sym3_add_to(&a->A, &b->A);
    sym3_add_to(&a->C, &b->C);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            a->B.m[r][c] += b->B.m[r][c];
}
/* a -= s * x y^T for the symmetric blocks' upper triangles (x y^T + y x^T symmetric use: callers pass x = y or sum
 * the terms so that the total is symmetric). */
static inline void sym3_sub_outer(sym3 *a, vec3 x, vec3 y, double s)
{
    a->xx -= s * x.x * y.x;
    a->xy -= s * x.x * y.y;
    a->xz -= s * x.x * y.z;
    a->yy -= s * x.y * y.y;
    a->yz -= s * x.y * y.z;
    a->zz -= s * x.z * y.z;
}
/* i -= s * x y^T (6x6) keeping the packed symmetric blocks: valid when the accumulated update is symmetric. */
static inline void ai_sub_outer(ainertia *i, sv6 x, sv6 y, double s)
{
    sym3_sub_outer(&i->A, x.w, y.w, s);
    sym3_sub_outer(&i->C, x.v, y.v, s);
    const double a = s * x.w.x, b = s * x.w.y, c = s * x.w.z;
    i->B.m[0][0] -= a * y.v.x;
    i->B.m[0][1] -= a * y.v.y;
    i->B.m[0][2] -= a * y.v.z;
    i->B.m[1][0] -= b * y.v.x;
    i->B.m[1][1] -= b * y.v.y;
    i->B.m[1][2] -= b * y.v.z;
    i->B.m[2][0] -= c * y.v.x;
    i->B.m[2][1] -= c * y.v.y;
    i->B.m[2][2] -= c * y.v.z;
}
/* Rigid body of mass m, centre of mass c and rotational inertia ic (about c), all in one frame, as an inertia about
 * that frame's origin: A = ic + m (|c|^2 1 - c c^T), B = m skew(c), C = m 1. */
static inline ainertia ai_rigid(double m, vec3 c, const sym3 *ic)
{
    ainertia r;
    double cc = v3_dot(c, c);
    r.A.xx = ic->xx + m * (cc - c.x * c.x);
    r.A.yy = ic->yy + m * (cc - c.y * c.y);
    r.A.zz = ic->zz + m * (cc - c.z * c.z);
    r.A.xy = ic->xy - m * c.x * c.y;
    r.A.xz = ic->xz - m * c.x * c.z;
    r.A.yz = ic->yz - m * c.y * c.z;
    const double mx = m * c.x, my = m * c.y, mz = m * c.z;
    r.B.m[0][0] = 0.0;
    r.B.m[0][1] = -mz;
    r.B.m[0][2] = my;
    r.B.m[1][0] = mz;
    r.B.m[1][1] = 0.0;
    r.B.m[1][2] = -mx;
    r.B.m[2][0] = -my;
    r.B.m[2][1] = mx;
    r.B.m[2][2] = 0.0;
    r.C.xx = r.C.yy = r.C.zz = m;
    r.C.xy = r.C.xz = r.C.yz = 0.0;
    return r;
}
/* rot * a * rot^T for a symmetric a. */
static inline sym3 sym3_rotate(mat3 rot, const sym3 *a)
{
    mat3 ra; /* rot * a */
    for (int r = 0; r < 3; r++) {
        ra.m[r][0] = rot.m[r][0] * a->xx + rot.m[r][1] * a->xy + rot.m[r][2] * a->xz;
        ra.m[r][1] = rot.m[r][0] * a->xy + rot.m[r][1] * a->yy + rot.m[r][2] * a->yz;
        ra.m[r][2] = rot.m[r][0] * a->xz + rot.m[r][1] * a->yz + rot.m[r][2] * a->zz;
    }
    sym3 o;
    o.xx = ra.m[0][0] * rot.m[0][0] + ra.m[0][1] * rot.m[0][1] + ra.m[0][2] * rot.m[0][2];
    o.xy = ra.m[0][0] * rot.m[1][0] + ra.m[0][1] * rot.m[1][1] + ra.m[0][2] * rot.m[1][2];
    o.xz = ra.m[0][0] * rot.m[2][0] + ra.m[0][1] * rot.m[2][1] + ra.m[0][2] * rot.m[2][2];
    o.yy = ra.m[1][0] * rot.m[1][0] + ra.m[1][1] * rot.m[1][1] + ra.m[1][2] * rot.m[1][2];
    o.yz = ra.m[1][0] * rot.m[2][0] + ra.m[1][1] * rot.m[2][1] + ra.m[1][2] * rot.m[2][2];
    o.zz = ra.m[2][0] * rot.m[2][0] + ra.m[2][1] * rot.m[2][1] + ra.m[2][2] * rot.m[2][2];
    return o;
}

#endif
