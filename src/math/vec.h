/* src/math/vec.h — 3D vectors, 3x3 matrices, quaternions and rigid transforms (header-only, double precision).
 *
 * Plain structs passed by value; every function is static inline and pure. Used by dynamics, collision and the
 * constraint solver. Matrices are row-major: m[row][col]. Quaternions are (w, x, y, z), unit for rotations.
 * Threads: no state. Determinism: no reductions whose order could vary; the build disables FP contraction.
 */
#ifndef WR_MATH_VEC_H
#define WR_MATH_VEC_H

#include <math.h>

typedef struct vec3 { double x, y, z; } vec3;
typedef struct mat3 { double m[3][3]; } mat3;
typedef struct quat { double w, x, y, z; } quat;
/* x_world = rot * x_local + pos */
typedef struct transform { mat3 rot; vec3 pos; } transform;

static inline vec3 v3(double x, double y, double z) { vec3 r = {x, y, z}; return r; }
static inline vec3 v3_zero(void) { return v3(0, 0, 0); }
static inline vec3 v3_add(vec3 a, vec3 b) { return v3(a.x + b.x, a.y + b.y, a.z + b.z); }
static inline vec3 v3_sub(vec3 a, vec3 b) { return v3(a.x - b.x, a.y - b.y, a.z - b.z); }
static inline vec3 v3_scale(vec3 a, double s) { return v3(a.x * s, a.y * s, a.z * s); }
static inline vec3 v3_neg(vec3 a) { return v3(-a.x, -a.y, -a.z); }
static inline vec3 v3_mul(vec3 a, vec3 b) { return v3(a.x * b.x, a.y * b.y, a.z * b.z); }
static inline vec3 v3_madd(vec3 a, vec3 b, double s) { return v3(a.x + b.x * s, a.y + b.y * s, a.z + b.z * s); }
static inline double v3_dot(vec3 a, vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static inline vec3 v3_cross(vec3 a, vec3 b)
{
    return v3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}
static inline double v3_norm2(vec3 a) { return v3_dot(a, a); }
static inline double v3_norm(vec3 a) { return sqrt(v3_dot(a, a)); }
static inline vec3 v3_normalize(vec3 a)
{
    double n = v3_norm(a);
    return n > 0 ? v3_scale(a, 1.0 / n) : v3(0, 0, 0);
}
static inline double v3_get(vec3 a, int i) { return i == 0 ? a.x : (i == 1 ? a.y : a.z); }
static inline int v3_isfinite(vec3 a) { return isfinite(a.x) && isfinite(a.y) && isfinite(a.z); }
static inline vec3 v3_from(const double p[3]) { return v3(p[0], p[1], p[2]); }
static inline void v3_store(vec3 a, double p[3]) { p[0] = a.x; p[1] = a.y; p[2] = a.z; }

static inline mat3 m3_identity(void)
{
    mat3 r = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
    return r;
}
static inline mat3 m3_zero(void)
{
    mat3 r = {{{0, 0, 0}, {0, 0, 0}, {0, 0, 0}}};
    return r;
}
static inline mat3 m3_diag(double a, double b, double c)
{
    mat3 r = {{{a, 0, 0}, {0, b, 0}, {0, 0, c}}};
    return r;
}
static inline vec3 m3_mulv(mat3 a, vec3 v)
{
    return v3(a.m[0][0] * v.x + a.m[0][1] * v.y + a.m[0][2] * v.z,
              a.m[1][0] * v.x + a.m[1][1] * v.y + a.m[1][2] * v.z,
              a.m[2][0] * v.x + a.m[2][1] * v.y + a.m[2][2] * v.z);
}
/* transpose(a) * v */
static inline vec3 m3_tmulv(mat3 a, vec3 v)
{
    return v3(a.m[0][0] * v.x + a.m[1][0] * v.y + a.m[2][0] * v.z,
              a.m[0][1] * v.x + a.m[1][1] * v.y + a.m[2][1] * v.z,
              a.m[0][2] * v.x + a.m[1][2] * v.y + a.m[2][2] * v.z);
}
static inline mat3 m3_mul(mat3 a, mat3 b)
{
    mat3 r;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            r.m[i][j] = a.m[i][0] * b.m[0][j] + a.m[i][1] * b.m[1][j] + a.m[i][2] * b.m[2][j];
    return r;
}
static inline mat3 m3_transpose(mat3 a)
{
    mat3 r;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            r.m[i][j] = a.m[j][i];
    return r;
}
/* transpose(a) * b */
static inline mat3 m3_tmul(mat3 a, mat3 b) { return m3_mul(m3_transpose(a), b); }
static inline mat3 m3_add(mat3 a, mat3 b)
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            a.m[i][j] += b.m[i][j];
    return a;
}
static inline mat3 m3_sub(mat3 a, mat3 b)
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            a.m[i][j] -= b.m[i][j];
    return a;
}
static inline mat3 m3_scale(mat3 a, double s)
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            a.m[i][j] *= s;
    return a;
}
/* Skew-symmetric matrix: skew(a) * b == cross(a, b). */
static inline mat3 m3_skew(vec3 a)
{
    mat3 r = {{{0, -a.z, a.y}, {a.z, 0, -a.x}, {-a.y, a.x, 0}}};
    return r;
}
static inline vec3 m3_col(mat3 a, int j) { return v3(a.m[0][j], a.m[1][j], a.m[2][j]); }
static inline double m3_det(mat3 a)
{
    return a.m[0][0] * (a.m[1][1] * a.m[2][2] - a.m[1][2] * a.m[2][1]) -
           a.m[0][1] * (a.m[1][0] * a.m[2][2] - a.m[1][2] * a.m[2][0]) +
           a.m[0][2] * (a.m[1][0] * a.m[2][1] - a.m[1][1] * a.m[2][0]);
}
/* Inverse of a non-singular matrix (caller checks the determinant). */
static inline mat3 m3_inverse(mat3 a)
{
    double d = 1.0 / m3_det(a);
    mat3 r;
    r.m[0][0] = (a.m[1][1] * a.m[2][2] - a.m[1][2] * a.m[2][1]) * d;
    r.m[0][1] = (a.m[0][2] * a.m[2][1] - a.m[0][1] * a.m[2][2]) * d;
    r.m[0][2] = (a.m[0][1] * a.m[1][2] - a.m[0][2] * a.m[1][1]) * d;
    r.m[1][0] = (a.m[1][2] * a.m[2][0] - a.m[1][0] * a.m[2][2]) * d;
    r.m[1][1] = (a.m[0][0] * a.m[2][2] - a.m[0][2] * a.m[2][0]) * d;
    r.m[1][2] = (a.m[0][2] * a.m[1][0] - a.m[0][0] * a.m[1][2]) * d;
    r.m[2][0] = (a.m[1][0] * a.m[2][1] - a.m[1][1] * a.m[2][0]) * d;
    r.m[2][1] = (a.m[0][1] * a.m[2][0] - a.m[0][0] * a.m[2][1]) * d;
    r.m[2][2] = (a.m[0][0] * a.m[1][1] - a.m[0][1] * a.m[1][0]) * d;
    return r;
}

static inline quat q_identity(void) { quat q = {1, 0, 0, 0}; return q; }
static inline quat q_mul(quat a, quat b)
{
    quat r = {a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z, a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
              a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x, a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w};
    return r;
}
static inline quat q_conj(quat a) { quat r = {a.w, -a.x, -a.y, -a.z}; return r; }
static inline quat q_normalize(quat a)
{
    double n = sqrt(a.w * a.w + a.x * a.x + a.y * a.y + a.z * a.z);
    quat r = {a.w / n, a.x / n, a.y / n, a.z / n};
    return r;
}
/* Rotation of `angle` radians about unit `axis`. */
static inline quat q_axis_angle(vec3 axis, double angle)
{
    double s = sin(0.5 * angle);
    quat r = {cos(0.5 * angle), axis.x * s, axis.y * s, axis.z * s};
    return r;
}
/* exp of a rotation vector (angle * axis), accurate for small angles. */
static inline quat q_exp(vec3 w)
{
    double th = v3_norm(w);
    if (th < 1e-8) {
        quat r = {1.0 - th * th / 8.0, 0.5 * w.x, 0.5 * w.y, 0.5 * w.z};
        return q_normalize(r);
    }
    return q_axis_angle(v3_scale(w, 1.0 / th), th);
}
static inline mat3 q_to_m3(quat q)
{
    double w = q.w, x = q.x, y = q.y, z = q.z;
    mat3 r = {{{1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)},
               {2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)},
               {2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)}}};
    return r;
}
static inline vec3 q_rotate(quat q, vec3 v) { return m3_mulv(q_to_m3(q), v); }
/* Rotation matrix about unit axis by angle (Rodrigues). */
static inline mat3 m3_axis_angle(vec3 axis, double angle) { return q_to_m3(q_axis_angle(axis, angle)); }

static inline transform tf_identity(void)
{
    transform t = {m3_identity(), {0, 0, 0}};
    return t;
}
static inline transform tf_make(mat3 rot, vec3 pos)
{
    transform t = {rot, pos};
    return t;
}
static inline vec3 tf_apply(transform t, vec3 p) { return v3_add(m3_mulv(t.rot, p), t.pos); }
/* inverse(t) * p */
static inline vec3 tf_apply_inverse(transform t, vec3 p) { return m3_tmulv(t.rot, v3_sub(p, t.pos)); }
/* a * b: first b, then a */
static inline transform tf_mul(transform a, transform b)
{
    transform t = {m3_mul(a.rot, b.rot), tf_apply(a, b.pos)};
    return t;
}
static inline transform tf_inverse(transform a)
{
    mat3 rt = m3_transpose(a.rot);
    transform t = {rt, v3_neg(m3_mulv(rt, a.pos))};
    return t;
}

#endif
