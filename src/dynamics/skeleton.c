/* Skeletons: building (validated bodies, joints, shapes), the body_node_pool and state block on a memory manager,
 * moving between managers, the state API and the dynamics queries.
 *
 * Cold path only, except the small accessors of dynamics_internal.h at the end. Every builder checks all of its
 * input before it allocates, and allocates everything before it changes anything, so a failed call changes nothing.
 */
#include <assert.h>
#include <math.h>
#include <stdalign.h>
#include <string.h>

#include "core/guard.h"
#include "core/status_internal.h"
#include "core/util.h"
#include "dynamics/skeleton_impl.h"

#define SK_TAG WR_MEMORY_TAG_SKELETON
#define STATE_ALIGN 32u

/* A call on a skeleton of a runner's world while the runner uses it, from a thread not working on that world
 * (core/guard.h): refused with WR_ERR_BUSY, nothing changed. The calls that return a value give the NULL answer. */
#define SK_GUARD(s)                                                                                            \
    do {                                                                                                       \
        if ((s) && wr_guard_refuses((s)->owner_busy, (s)->world))                                             \
            return wr_guard_fail(__func__);                                                                    \
    } while (0)
#define SK_GUARD_OR(s, value)                                                                                  \
    do {                                                                                                       \
        if ((s) && wr_guard_refuses((s)->owner_busy, (s)->world)) {                                            \
            wr_guard_fail(__func__);                                                                           \
            return value;                                                                                      \
        }                                                                                                      \
    } while (0)

/* ---- small helpers ----------------------------------------------------------------------------------------- */

static size_t align_up(size_t x, size_t a) { return (x + a - 1) & ~(a - 1); }

static wr_status sk_alloc(wr_memory_manager *m, size_t bytes, size_t align, void **out)
{
    return wr_memory_manager_allocate(m, bytes, align, SK_TAG, out);
}

static void sk_free(wr_memory_manager *m, void *p, size_t bytes, size_t align)
{
    if (p)
        wr_memory_manager_deallocate(m, p, bytes, align, SK_TAG);
}

static void copy_name(char *dst, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n > WR_SKELETON_NAME_MAX - 1)
        n = WR_SKELETON_NAME_MAX - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

static int joint_nq(wr_joint_type t)
{
    static const int nq[WR_JOINT_TYPE_COUNT] = {0, 1, 1, 4, 7};
    return nq[t];
}

static int joint_nv(wr_joint_type t)
{
    static const int nv[WR_JOINT_TYPE_COUNT] = {0, 1, 1, 3, 6};
    return nv[t];
}

static const char *joint_name(wr_joint_type t)
{
    static const char *names[WR_JOINT_TYPE_COUNT] = {"weld", "revolute", "prismatic", "ball", "free"};
    return names[t];
}

/* ---- descriptions ------------------------------------------------------------------------------------------ */

void wr_pose_identity(wr_pose *pose)
{
    if (!pose)
        return;
    memset(pose, 0, sizeof *pose);
    pose->rotation[0] = 1.0;
}

void wr_joint_desc_init(wr_joint_desc *joint, wr_joint_type type)
{
    if (!joint)
        return;
    memset(joint, 0, sizeof *joint);
    joint->type = type;
    joint->axis[2] = 1.0;
    wr_pose_identity(&joint->parent_pose);
    wr_pose_identity(&joint->child_pose);
    for (int k = 0; k < WR_SKELETON_MAX_JOINT_DOFS; k++) {
        joint->position_lower[k] = -INFINITY;
        joint->position_upper[k] = INFINITY;
        joint->velocity_limit[k] = INFINITY;
        joint->effort_limit[k] = INFINITY;
    }
}

void wr_body_desc_init(wr_body_desc *body)
{
    if (!body)
        return;
    memset(body, 0, sizeof *body);
    body->parent = -1;
    wr_joint_desc_init(&body->joint, WR_JOINT_FREE);
    body->mass = 1.0;
    body->inertia[0] = body->inertia[4] = body->inertia[8] = 0.1;
}

void wr_shape_desc_init(wr_shape_desc *shape, wr_shape_type type)
{
    if (!shape)
        return;
    memset(shape, 0, sizeof *shape);
    shape->type = type;
    shape->size[0] = shape->size[1] = shape->size[2] = 0.1;
    wr_pose_identity(&shape->pose);
    shape->friction = 0.8;
    shape->restitution = 0.0;
    shape->collision_group = 1u;
    shape->collision_mask = 0xffffffffu;
}

/* ---- inertia helpers --------------------------------------------------------------------------------------- */

static void diag_inertia(double a, double b, double c, double out[9])
{
    memset(out, 0, 9 * sizeof(double));
    out[0] = a;
    out[4] = b;
    out[8] = c;
}

static wr_status check_positive(const char *what, double x)
{
    if (!isfinite(x))
        return WR_FAIL(WR_ERR_NON_FINITE, "%s is not finite", what);
    if (!(x > 0))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "%s must be > 0 (got %g)", what, x);
    return WR_OK;
}

wr_status wr_inertia_of_sphere(double mass, double radius, double out[9])
{
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_status st;
    if ((st = check_positive("mass", mass)) != WR_OK || (st = check_positive("radius", radius)) != WR_OK)
        return st;
    double i = 0.4 * mass * radius * radius;
    diag_inertia(i, i, i, out);
    return WR_OK;
}

wr_status wr_inertia_of_box(double mass, const double half_extents[3], double out[9])
{
    if (!out || !half_extents)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "half_extents and out must not be NULL");
    wr_status st;
    if ((st = check_positive("mass", mass)) != WR_OK)
        return st;
    for (int k = 0; k < 3; k++)
        if ((st = check_positive("half extent", half_extents[k])) != WR_OK)
            return st;
    double x2 = half_extents[0] * half_extents[0], y2 = half_extents[1] * half_extents[1];
    double z2 = half_extents[2] * half_extents[2];
    diag_inertia(mass / 3.0 * (y2 + z2), mass / 3.0 * (x2 + z2), mass / 3.0 * (x2 + y2), out);
    return WR_OK;
}

wr_status wr_inertia_of_cylinder(double mass, double radius, double half_height, double out[9])
{
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_status st;
    if ((st = check_positive("mass", mass)) != WR_OK || (st = check_positive("radius", radius)) != WR_OK ||
        (st = check_positive("half_height", half_height)) != WR_OK)
        return st;
    double r2 = radius * radius, h = 2.0 * half_height;
    double ixx = mass * (3.0 * r2 + h * h) / 12.0;
    diag_inertia(ixx, ixx, 0.5 * mass * r2, out);
    return WR_OK;
}

wr_status wr_inertia_of_capsule(double mass, double radius, double half_length, double out[9])
{
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_status st;
    if ((st = check_positive("mass", mass)) != WR_OK || (st = check_positive("radius", radius)) != WR_OK ||
        !isfinite(half_length) || half_length < 0)
        return st != WR_OK ? st : WR_FAIL(WR_ERR_INVALID_ARGUMENT, "half_length must be finite and >= 0");
    const double pi = 3.14159265358979323846;
    double r = radius, h = half_length, r2 = r * r;
    double vc = pi * r2 * 2.0 * h, vs = 4.0 / 3.0 * pi * r2 * r;
    double mc = mass * vc / (vc + vs), ms = mass - mc;
    /* cylinder + two hemispheres (each about the capsule centre: 2/5 m r^2 + m (h^2 + 3 h r / 8 * 2)) */
    double izz = mc * r2 / 2.0 + ms * 0.4 * r2;
    double ixx = mc * (r2 / 4.0 + (2.0 * h) * (2.0 * h) / 12.0) + ms * (0.4 * r2 + h * h + 0.75 * h * r);
    diag_inertia(ixx, ixx, izz, out);
    return WR_OK;
}

/* Volume (m^3) and unit-mass inertia of a solid shape about its own centre, in shape axes; 0 for a plane. */
static double shape_volume(const wr_shape_desc *d)
{
    const double pi = 3.14159265358979323846;
    double r = d->size[0];
    switch (d->type) {
    case WR_SHAPE_SPHERE:
        return 4.0 / 3.0 * pi * r * r * r;
    case WR_SHAPE_BOX:
        return 8.0 * d->size[0] * d->size[1] * d->size[2];
    case WR_SHAPE_CYLINDER:
        return pi * r * r * 2.0 * d->size[1];
    case WR_SHAPE_CAPSULE:
        return pi * r * r * 2.0 * d->size[1] + 4.0 / 3.0 * pi * r * r * r;
    case WR_SHAPE_PLANE:
    case WR_SHAPE_TYPE_COUNT:
        break;
    }
    return 0.0;
}

static wr_status check_pose(const char *what, const wr_pose *p, transform *out);

wr_status wr_shape_mass_properties(const wr_shape_desc *shape, double density, wr_mass_properties *out)
{
    if (!shape || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "shape and out must not be NULL");
    wr_status st = check_positive("density", density);
    if (st != WR_OK)
        return st;
    if ((unsigned)shape->type >= WR_SHAPE_TYPE_COUNT || shape->type == WR_SHAPE_PLANE)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "shape type %d has no volume", (int)shape->type);
    transform pose;
    if ((st = check_pose("shape pose", &shape->pose, &pose)) != WR_OK)
        return st;
    double mass = density * shape_volume(shape);
    double local[9];
    switch (shape->type) {
    case WR_SHAPE_SPHERE:
        st = wr_inertia_of_sphere(mass, shape->size[0], local);
        break;
    case WR_SHAPE_BOX:
        st = wr_inertia_of_box(mass, shape->size, local);
        break;
    case WR_SHAPE_CYLINDER:
        st = wr_inertia_of_cylinder(mass, shape->size[0], shape->size[1], local);
        break;
    default:
        st = wr_inertia_of_capsule(mass, shape->size[0], shape->size[1], local);
        break;
    }
    if (st != WR_OK)
        return st;
    /* I_body = R I_shape R^T about the shape centre, which is the COM */
    mat3 i = {{{local[0], local[1], local[2]}, {local[3], local[4], local[5]}, {local[6], local[7], local[8]}}};
    mat3 r = m3_mul(m3_mul(pose.rot, i), m3_transpose(pose.rot));
    out->mass = mass;
    out->com[0] = pose.pos.x;
    out->com[1] = pose.pos.y;
    out->com[2] = pose.pos.z;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            out->inertia[3 * a + b] = r.m[a][b];
    return WR_OK;
}

/* Inertia of point mass m at offset d about the origin: m (|d|^2 1 - d d^T). */
static void parallel_axis(double m, const double d[3], double out[9])
{
    double dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            out[3 * a + b] = m * ((a == b ? dd : 0.0) - d[a] * d[b]);
}

wr_status wr_mass_properties_add(wr_mass_properties *acc, const wr_mass_properties *add)
{
    if (!acc || !add)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "acc and add must not be NULL");
    if (!isfinite(acc->mass) || !isfinite(add->mass) || !wr_all_finite(acc->com, 3) || !wr_all_finite(add->com, 3) ||
        !wr_all_finite(acc->inertia, 9) || !wr_all_finite(add->inertia, 9))
        return WR_FAIL(WR_ERR_NON_FINITE, "mass properties are not finite");
    if (acc->mass < 0 || add->mass < 0 || !(acc->mass + add->mass > 0))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "masses must be >= 0 with a positive sum");
    double m = acc->mass + add->mass, com[3], sum[9];
    for (int k = 0; k < 3; k++)
        com[k] = (acc->mass * acc->com[k] + add->mass * add->com[k]) / m;
    double da[3], db[3], pa[9], pb[9];
    for (int k = 0; k < 3; k++) {
        da[k] = acc->com[k] - com[k];
        db[k] = add->com[k] - com[k];
    }
    parallel_axis(acc->mass, da, pa);
    parallel_axis(add->mass, db, pb);
    for (int k = 0; k < 9; k++)
        sum[k] = acc->inertia[k] + pa[k] + add->inertia[k] + pb[k];
    acc->mass = m;
    memcpy(acc->com, com, sizeof com);
    memcpy(acc->inertia, sum, sizeof sum);
    return WR_OK;
}

/* ---- validation -------------------------------------------------------------------------------------------- */

/* Eigenvalues of a symmetric 3x3 matrix (trigonometric closed form), ascending. */
static void sym3_eigenvalues(mat3 a, double ev[3])
{
    double p1 = a.m[0][1] * a.m[0][1] + a.m[0][2] * a.m[0][2] + a.m[1][2] * a.m[1][2];
    double tr = a.m[0][0] + a.m[1][1] + a.m[2][2];
    if (p1 <= 1e-30 * (tr * tr + 1e-300)) {
        double d[3] = {a.m[0][0], a.m[1][1], a.m[2][2]};
        for (int i = 0; i < 3; i++)
            for (int j = i + 1; j < 3; j++)
                if (d[j] < d[i]) {
                    double t = d[i];
                    d[i] = d[j];
                    d[j] = t;
                }
        memcpy(ev, d, sizeof d);
        return;
    }
    double q = tr / 3.0;
    double p2 = (a.m[0][0] - q) * (a.m[0][0] - q) + (a.m[1][1] - q) * (a.m[1][1] - q) +
                (a.m[2][2] - q) * (a.m[2][2] - q) + 2.0 * p1;
    double p = sqrt(p2 / 6.0);
    mat3 b = m3_scale(m3_sub(a, m3_diag(q, q, q)), 1.0 / p);
    double r = m3_det(b) / 2.0;
    double phi = r <= -1 ? 3.14159265358979323846 / 3.0 : (r >= 1 ? 0.0 : acos(r) / 3.0);
    double e3 = q + 2.0 * p * cos(phi);
    double e1 = q + 2.0 * p * cos(phi + 2.0 * 3.14159265358979323846 / 3.0);
    ev[0] = e1;
    ev[2] = e3;
    ev[1] = 3.0 * q - e1 - e3;
}

static wr_status check_inertia(const double in[9], int allow_singular, mat3 *out)
{
    if (!wr_all_finite(in, 9))
        return WR_FAIL(WR_ERR_NON_FINITE, "inertia has a NaN or infinite entry");
    mat3 m = {{{in[0], in[1], in[2]}, {in[3], in[4], in[5]}, {in[6], in[7], in[8]}}};
    double scale = fabs(in[0]) + fabs(in[4]) + fabs(in[8]);
    double tol = 1e-9 * (scale > 0 ? scale : 1.0);
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (fabs(m.m[i][j] - m.m[j][i]) > tol)
                return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "inertia is not symmetric ([%d][%d] = %g, [%d][%d] = %g)",
                               i, j, m.m[i][j], j, i, m.m[j][i]);
    m = m3_symmetrize(m);
    /* The eigenvalues of m / largest (entries in [-1, 1]), scaled back: the closed form squares the entries, which
     * overflows from about 1e154 (and underflows below 1e-154), and then it took a singular matrix for diagonal. */
    double largest = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            largest = fmax(largest, fabs(m.m[i][j]));
    double ev[3] = {0, 0, 0};
    if (largest > 0) {
        mat3 unit;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                unit.m[i][j] = m.m[i][j] / largest;
        sym3_eigenvalues(unit, ev);
        for (int k = 0; k < 3; k++)
            ev[k] *= largest;
    }
    if (allow_singular ? !(ev[0] >= -tol) : !(ev[0] > tol))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "inertia is not positive %s (eigenvalues %g %g %g)",
                       allow_singular ? "semi-definite" : "definite", ev[0], ev[1], ev[2]);
    if (ev[0] + ev[1] < ev[2] - tol)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT,
                       "inertia violates the triangle inequality (principal moments %g + %g < %g)", ev[0], ev[1],
                       ev[2]);
    *out = m;
    return WR_OK;
}

static wr_status check_pose(const char *what, const wr_pose *p, transform *out)
{
    if (!wr_all_finite(p->position, 3) || !wr_all_finite(p->rotation, 4))
        return WR_FAIL(WR_ERR_NON_FINITE, "%s has a NaN or infinite entry", what);
    quat q = dyn_quat_load(p->rotation);
    double n = sqrt(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);
    if (fabs(n - 1.0) > 1e-6)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "%s rotation is not a unit quaternion (norm %g)", what, n);
    out->rot = q_to_m3(q_normalize(q));
    out->pos = v3_from(p->position);
    return WR_OK;
}

static int is_identity_rot(mat3 r)
{
    mat3 i = m3_identity();
    return memcmp(&r, &i, sizeof r) == 0;
}

/* Mass properties of a body slot (its joint already set up): the spatial inertia, the free joint's view of them and
 * the flags that depend on them. */
static void body_set_inertia(body_node *b, double mass, vec3 com, mat3 inertia)
{
    b->mass = mass;
    b->com = com;
    b->inertia = inertia;
    sym3 is = {inertia.m[0][0], inertia.m[0][1], inertia.m[0][2], inertia.m[1][1], inertia.m[1][2], inertia.m[2][2]};
    b->inertia_sym = is;
    b->I = si_rigid(mass, com, inertia);
    const mat3 cr = b->child_pose.rot;
    b->com_joint = m3_tmulv(cr, v3_sub(com, b->child_pose.pos));
    b->inertia_joint = m3_symmetrize(m3_mul(m3_tmul(cr, inertia), cr));
    b->flags &= ~(BODY_FLAG_COM_AT_JOINT | BODY_FLAG_CONST_MASS);
    const int com_at_joint = com.x == b->child_pose.pos.x && com.y == b->child_pose.pos.y &&
                             com.z == b->child_pose.pos.z;
    if (b->type == WR_JOINT_FREE && com_at_joint)
        b->flags |= BODY_FLAG_COM_AT_JOINT;
    /* M = S^T I S of a root body: constant unless S turns with q, which only a free joint's linear columns do, and
     * they leave M unchanged when the COM sits at the joint origin */
    if (b->parent < 0 && (b->type != WR_JOINT_FREE || com_at_joint))
        b->flags |= BODY_FLAG_CONST_MASS;
}

wr_status skeleton_make_body(const body_node *bodies, int count, int nq, int nv_so_far, const wr_body_desc *d,
                             unsigned flags, body_node *b)
{
    const int massless_ok = (flags & SKELETON_BODY_ALLOW_MASSLESS) != 0;
    if ((unsigned)d->joint.type >= WR_JOINT_TYPE_COUNT)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "unknown joint type %d", (int)d->joint.type);
    if (d->parent < -1 || d->parent >= count)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "parent index %d out of range [-1, %d)", d->parent, count);
    if (!isfinite(d->density))
        return WR_FAIL(WR_ERR_NON_FINITE, "density is not finite");
    if (d->density < 0)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "density must be > 0 to derive the mass from the shapes, or 0 (got %g)",
                       d->density);
    const int shape_mass = d->density > 0;
    memset(b, 0, sizeof *b);
    wr_status st;
    if (!shape_mass) {
        if (!isfinite(d->mass))
            return WR_FAIL(WR_ERR_NON_FINITE, "mass is not finite");
        if (massless_ok ? !(d->mass >= 0) : !(d->mass > 0))
            return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "mass must be > 0 (got %g)", d->mass);
        if (!wr_all_finite(d->com, 3))
            return WR_FAIL(WR_ERR_NON_FINITE, "centre of mass is not finite");
        if ((st = check_inertia(d->inertia, massless_ok, &b->inertia)) != WR_OK)
            return st;
    }
    const wr_joint_desc *j = &d->joint;
    const wr_joint_type type = j->type;
    if ((st = check_pose("joint parent_pose", &j->parent_pose, &b->parent_pose)) != WR_OK ||
        (st = check_pose("joint child_pose", &j->child_pose, &b->child_pose)) != WR_OK)
        return st;
    if (!wr_all_finite(j->axis, 3) || !isfinite(j->damping) || !isfinite(j->stiffness) || !isfinite(j->rest_position) ||
        !isfinite(j->armature))
        return WR_FAIL(WR_ERR_NON_FINITE, "joint axis, damping, stiffness, rest position or armature is not finite");
    if (j->damping < 0 || j->stiffness < 0 || j->armature < 0)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "joint damping, stiffness and armature must be >= 0");
    /* Scale by the largest component before taking the norm: the squares of a finite axis such as (1e200, 0, 0)
     * overflow, and normalizing by an infinite norm gave a zero axis (a joint that moves nothing). */
    vec3 axis = v3_from(j->axis);
    double largest = fmax(fabs(axis.x), fmax(fabs(axis.y), fabs(axis.z)));
    if (largest > 0)
        axis = v3(axis.x / largest, axis.y / largest, axis.z / largest); /* not * (1 / largest): that overflows */
    if ((type == WR_JOINT_REVOLUTE || type == WR_JOINT_PRISMATIC) && !(largest * v3_norm(axis) > 1e-12))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "%s joint needs a non-zero axis", joint_name(type));
    const int nv = joint_nv(type);
    for (int k = 0; k < nv; k++) {
        if (isnan(j->position_lower[k]) || isnan(j->position_upper[k]) || isnan(j->velocity_limit[k]) ||
            isnan(j->effort_limit[k]))
            return WR_FAIL(WR_ERR_NON_FINITE, "joint limit of dof %d is NaN", k);
        if (j->position_lower[k] > j->position_upper[k])
            return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "joint dof %d: lower limit %g > upper limit %g", k,
                           j->position_lower[k], j->position_upper[k]);
        if (!(j->velocity_limit[k] > 0) || !(j->effort_limit[k] > 0))
            return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "joint dof %d: velocity and effort limits must be > 0", k);
    }

    b->parent = d->parent;
    b->type = (int32_t)type;
    b->nq = joint_nq(type);
    b->nv = nv;
    b->q_offset = nq;
    b->v_offset = nv_so_far;
    b->first_shape = -1;
    b->weld_group = count;
    b->weld_parent = d->parent;
    copy_name(b->name, d->name);
    b->child_inv = tf_inverse(b->child_pose);
    b->axis = v3_normalize(axis);
    mat3 outer;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            outer.m[r][c] = v3_get(b->axis, r) * v3_get(b->axis, c);
    b->axis_outer = outer;
    b->damping = j->damping;
    b->armature = nv > 0 ? j->armature : 0.0;
    b->stiffness = (nv == 1 || type == WR_JOINT_BALL) ? j->stiffness : 0.0;
    b->rest_position = j->rest_position;
    for (int k = 0; k < WR_SKELETON_MAX_JOINT_DOFS; k++) {
        int used = k < nv;
        int has_pos = nv == 1;
        b->lower[k] = used && has_pos ? j->position_lower[k] : -INFINITY;
        b->upper[k] = used && has_pos ? j->position_upper[k] : INFINITY;
        b->velocity_limit[k] = used ? j->velocity_limit[k] : INFINITY;
        b->effort_limit[k] = used ? j->effort_limit[k] : INFINITY;
    }
    /* motion subspace: joint-frame columns mapped into the body frame by the child pose (Ad_{child_pose}) */
    sv6 sj[WR_SKELETON_MAX_JOINT_DOFS];
    switch (type) {
    case WR_JOINT_REVOLUTE: sj[0] = sv(b->axis, v3_zero()); break;
    case WR_JOINT_PRISMATIC: sj[0] = sv(v3_zero(), b->axis); break;
    case WR_JOINT_BALL:
        for (int k = 0; k < 3; k++)
            sj[k] = sv(m3_col(m3_identity(), k), v3_zero());
        break;
    case WR_JOINT_FREE: /* linear velocity along the parent joint frame's axes (here at q = identity), angular */
        for (int k = 0; k < 3; k++) {
            sj[k] = sv(v3_zero(), m3_col(m3_identity(), k));
            sj[k + 3] = sv(m3_col(m3_identity(), k), v3_zero());
        }
        break;
    case WR_JOINT_WELD:
    case WR_JOINT_TYPE_COUNT: break;
    }
    for (int k = 0; k < nv; k++) {
        vec3 w = m3_mulv(b->child_pose.rot, sj[k].w);
        vec3 v = v3_add(m3_mulv(b->child_pose.rot, sj[k].v), v3_cross(b->child_pose.pos, w));
        b->S[k] = sv(w, v);
    }
    if (is_identity_rot(b->child_pose.rot) && v3_norm2(b->child_pose.pos) == 0)
        b->flags |= BODY_FLAG_TC_IDENTITY;
    if (is_identity_rot(b->parent_pose.rot))
        b->flags |= BODY_FLAG_TP_ROT_IDENTITY;
    if (type == WR_JOINT_WELD && (d->parent < 0 || (bodies[d->parent].flags & BODY_FLAG_STATIC)))
        b->flags |= BODY_FLAG_STATIC;
    if (shape_mass) { /* massless until its first solid shape (wr_skeleton_add_shape) */
        b->flags |= BODY_FLAG_SHAPE_MASS;
        b->density = d->density;
        return WR_OK;
    }
    body_set_inertia(b, d->mass, v3_from(d->com), b->inertia);
    return WR_OK;
}

/* ---- state block ------------------------------------------------------------------------------------------- */

size_t skeleton_state_bytes(int body_count, int nq, int nv, int nu) /* capacities */
{
    size_t d = sizeof(double);
    size_t bytes = align_up((size_t)nq * d, STATE_ALIGN);
    bytes += 5 * align_up((size_t)nv * d, STATE_ALIGN);                /* v, tau_cmd, tau, qdd, tmp */
    bytes += align_up((size_t)nu * d, STATE_ALIGN);                    /* ctrl */
    bytes += 2 * align_up((size_t)nv * (size_t)nv * d, STATE_ALIGN);    /* mass, chol */
    bytes += (size_t)body_count * sizeof(body_work);
    return bytes;
}

void skeleton_carve_state(wr_skeleton *s, void *block, int body_count, int nq, int nv, int nu)
{
    char *p = block;
    size_t d = sizeof(double);
    s->q = (double *)p;
    p += align_up((size_t)nq * d, STATE_ALIGN);
    double **vecs[5] = {&s->v, &s->tau_cmd, &s->tau, &s->qdd, &s->tmp};
    for (int k = 0; k < 5; k++) {
        *vecs[k] = (double *)p;
        p += align_up((size_t)nv * d, STATE_ALIGN);
    }
    s->ctrl = (double *)p;
    p += align_up((size_t)nu * d, STATE_ALIGN);
    s->mass = (double *)p;
    p += align_up((size_t)nv * (size_t)nv * d, STATE_ALIGN);
    s->chol = (double *)p;
    p += align_up((size_t)nv * (size_t)nv * d, STATE_ALIGN);
    s->work = body_count ? (body_work *)p : NULL;
    s->chol_of_mass = 0;
}

void skeleton_bind(wr_skeleton *s)
{
    if (s->state)
        skeleton_carve_state(s, s->state, s->state_bodies, s->state_nq, s->state_nv, s->state_nu);
}

void skeleton_invalidate(wr_skeleton *s)
{
    s->fk_valid = 0;
    s->factor_valid = 0;
}

void skeleton_init_joint_q(const body_node *b, double *q)
{
    for (int k = 0; k < b->nq; k++)
        q[k] = 0.0;
    if (b->type == WR_JOINT_BALL)
        q[0] = 1.0;
    else if (b->type == WR_JOINT_FREE)
        q[3] = 1.0;
}

/* ---- create / destroy -------------------------------------------------------------------------------------- */

wr_status wr_skeleton_create(wr_memory_manager *manager, const char *name, wr_skeleton **out)
{
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_memory_manager *m = manager;
    if (!m) {
        wr_status st = wr_memory_manager_create(NULL, &m);
        if (st != WR_OK)
            return st;
    }
    void *mem = NULL;
    wr_status st = sk_alloc(m, sizeof(wr_skeleton), alignof(wr_skeleton), &mem);
    if (st != WR_OK) {
        if (!manager)
            wr_memory_manager_destroy(m);
        return st;
    }
    wr_skeleton *s = mem;
    memset(s, 0, sizeof *s);
    s->manager = m;
    s->owns_manager = manager == NULL;
    s->world_index = -1;
    s->gravity = v3(0, 0, -9.81);
    copy_name(s->name, name);
    *out = s;
    return WR_OK;
}

void skeleton_free(wr_skeleton *s)
{
    wr_memory_manager *m = s->manager;
    int owns = s->owns_manager;
    if (!s->bodies_borrowed)
        sk_free(m, s->bodies, (size_t)s->body_capacity * sizeof(body_node), alignof(body_node));
    if (!s->shapes_borrowed)
        sk_free(m, s->shapes, (size_t)s->shape_capacity * sizeof(dyn_shape), alignof(dyn_shape));
    if (s->lender)
        atomic_fetch_sub_explicit(&s->lender->borrowers, 1, memory_order_acq_rel);
    sk_free(m, s->state, s->state_bytes, STATE_ALIGN);
    sk_free(m, s, sizeof(wr_skeleton), alignof(wr_skeleton));
    if (owns)
        wr_memory_manager_destroy(m);
}

wr_status wr_skeleton_destroy(wr_skeleton *s)
{
    if (!s)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton is NULL");
    if (s->world)
        return WR_FAIL(WR_ERR_BUSY, "skeleton '%s' belongs to a world: use wr_world_remove_skeleton", s->name);
    skeleton_free(s);
    return WR_OK;
}

/* ---- building ---------------------------------------------------------------------------------------------- */

wr_status wr_skeleton_add_body(wr_skeleton *s, const wr_body_desc *desc, int *out_index)
{
    if (!s || !desc)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton and body must not be NULL");
    if (s->world)
        return WR_FAIL(WR_ERR_BUSY, "skeleton '%s' is in a world: add bodies before wr_world_add_skeleton", s->name);
    if (s->lender)
        return WR_FAIL(WR_ERR_INVALID_STATE, "skeleton '%s' is an instance of a model: its bodies are the model's",
                       s->name);
    body_node node;
    wr_status st = skeleton_make_body(s->bodies, s->body_count, s->nq, s->nv, desc, 0, &node);
    if (st != WR_OK)
        return st;
    /* allocate everything first */
    const int n = s->body_count + 1, nq = s->nq + node.nq, nv = s->nv + node.nv;
    if (n > WR_SKELETON_MAX_BODIES || nv > WR_SKELETON_MAX_DOFS)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton '%s' would have %d bodies and %d dofs: at most %d and %d",
                       s->name, n, nv, WR_SKELETON_MAX_BODIES, WR_SKELETON_MAX_DOFS);
    body_node *bodies = s->bodies;
    int capacity = s->body_capacity;
    if (n > capacity) {
        capacity = capacity ? 2 * capacity : 4;
        void *mem = NULL;
        if ((st = sk_alloc(s->manager, (size_t)capacity * sizeof(body_node), alignof(body_node), &mem)) != WR_OK)
            return st;
        bodies = mem;
    }
    /* the state block grows geometrically too: building an n-body skeleton reallocates it O(log n) times */
    int cb = s->state_bodies, cq = s->state_nq, cv = s->state_nv;
    void *state = s->state;
    size_t state_bytes = s->state_bytes;
    if (!state || n > cb || nq > cq || nv > cv) {
        cb = n > cb ? (2 * cb > n ? 2 * cb : (n > 4 ? n : 4)) : cb;
        cq = nq > cq ? (2 * cq > nq ? 2 * cq : (nq > 8 ? nq : 8)) : cq;
        cv = nv > cv ? (2 * cv > nv ? 2 * cv : (nv > 8 ? nv : 8)) : cv;
        state_bytes = skeleton_state_bytes(cb, cq, cv, 0);
        if ((st = sk_alloc(s->manager, state_bytes, STATE_ALIGN, &state)) != WR_OK) {
            if (bodies != s->bodies)
                sk_free(s->manager, bodies, (size_t)capacity * sizeof(body_node), alignof(body_node));
            return st;
        }
        memset(state, 0, state_bytes);
    }
    /* commit: copy the old pool and state, append the new body */
    if (bodies != s->bodies) {
        if (s->body_count)
            memcpy(bodies, s->bodies, (size_t)s->body_count * sizeof(body_node));
        sk_free(s->manager, s->bodies, (size_t)s->body_capacity * sizeof(body_node), alignof(body_node));
        s->bodies = bodies;
        s->body_capacity = capacity;
    }
    s->bodies[s->body_count] = node;
    if (state != s->state) {
        wr_skeleton fresh = *s;
        skeleton_carve_state(&fresh, state, cb, cq, cv, 0);
        if (s->state) {
            memcpy(fresh.q, s->q, (size_t)s->nq * sizeof(double));
            memcpy(fresh.v, s->v, (size_t)s->nv * sizeof(double));
            memcpy(fresh.tau_cmd, s->tau_cmd, (size_t)s->nv * sizeof(double));
            for (int i = 0; i < s->body_count; i++) {
                fresh.work[i].ext_force = s->work[i].ext_force;
                fresh.work[i].ext_torque = s->work[i].ext_torque;
            }
            sk_free(s->manager, s->state, s->state_bytes, STATE_ALIGN);
        }
        s->state = state;
        s->state_bytes = state_bytes;
        s->state_bodies = cb;
        s->state_nq = cq;
        s->state_nv = cv;
    }
    s->body_count = n;
    s->chol_of_mass = 0; /* M changes with the bodies */
    s->nq = nq;
    s->nv = nv;
    skeleton_bind(s);
    skeleton_init_joint_q(&node, s->q + node.q_offset);
    for (int k = 0; k < node.nv; k++)
        s->v[node.v_offset + k] = s->tau_cmd[node.v_offset + k] = 0.0;
    memset(&s->work[n - 1], 0, sizeof(body_work));
    skeleton_invalidate(s);
    if (out_index)
        *out_index = n - 1;
    return WR_OK;
}

wr_status skeleton_make_shape(const body_node *bodies, int count, int body, const wr_shape_desc *d, dyn_shape *out)
{
    if (body < 0 || body >= count)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "body index %d out of range [0, %d)", body, count);
    if ((unsigned)d->type >= WR_SHAPE_TYPE_COUNT)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "unknown shape type %d", (int)d->type);
    if (!wr_all_finite(d->size, 3) || !isfinite(d->friction) || !isfinite(d->restitution))
        return WR_FAIL(WR_ERR_NON_FINITE, "shape size, friction or restitution is not finite");
    int nsize = d->type == WR_SHAPE_SPHERE ? 1 : (d->type == WR_SHAPE_BOX ? 3 : (d->type == WR_SHAPE_PLANE ? 0 : 2));
    for (int k = 0; k < nsize; k++)
        if (!(d->size[k] > 0) && !(d->type == WR_SHAPE_CAPSULE && k == 1 && d->size[k] == 0))
            return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "shape size[%d] must be > 0 (got %g)", k, d->size[k]);
    if (d->friction < 0 || d->restitution < 0 || d->restitution > 1)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "friction must be >= 0 and restitution in [0, 1]");
    if (d->type == WR_SHAPE_PLANE && !(bodies[body].flags & BODY_FLAG_STATIC))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "a plane can only be attached to a static (world-welded) body");
    dyn_shape sh;
    memset(&sh, 0, sizeof sh);
    wr_status st = check_pose("shape pose", &d->pose, &sh.local);
    if (st != WR_OK)
        return st;
    sh.type = d->type;
    sh.body = body;
    memcpy(sh.size, d->size, sizeof sh.size);
    sh.friction = d->friction;
    sh.restitution = d->restitution;
    sh.group = d->collision_group;
    sh.mask = d->collision_mask;
    sh.next_on_body = -1;
    *out = sh;
    return WR_OK;
}

wr_status wr_skeleton_add_shape(wr_skeleton *s, int body, const wr_shape_desc *d, int *out_index)
{
    if (!s || !d)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton and shape must not be NULL");
    if (s->world)
        return WR_FAIL(WR_ERR_BUSY, "skeleton '%s' is in a world: add shapes before wr_world_add_skeleton", s->name);
    if (s->lender)
        return WR_FAIL(WR_ERR_INVALID_STATE, "skeleton '%s' is an instance of a model: its shapes are the model's",
                       s->name);
    dyn_shape sh;
    wr_status st = skeleton_make_shape(s->bodies, s->body_count, body, d, &sh);
    if (st != WR_OK)
        return st;
    /* a body that derives its mass from its shapes: the new mass properties, computed before anything changes */
    body_node *bn = &s->bodies[body];
    const int adds_mass = (bn->flags & BODY_FLAG_SHAPE_MASS) && d->type != WR_SHAPE_PLANE;
    wr_mass_properties acc;
    memset(&acc, 0, sizeof acc);
    if (adds_mass) {
        wr_mass_properties add;
        if ((st = wr_shape_mass_properties(d, bn->density, &add)) != WR_OK)
            return st;
        acc.mass = bn->mass; /* 0 before the first solid shape */
        v3_store(bn->com, acc.com);
        for (int k = 0; k < 9; k++)
            acc.inertia[k] = bn->inertia.m[k / 3][k % 3];
        if ((st = wr_mass_properties_add(&acc, &add)) != WR_OK)
            return st;
    }
    if (s->shape_count == s->shape_capacity) {
        int capacity = s->shape_capacity ? 2 * s->shape_capacity : 4;
        void *mem = NULL;
        if ((st = sk_alloc(s->manager, (size_t)capacity * sizeof(dyn_shape), alignof(dyn_shape), &mem)) != WR_OK)
            return st;
        if (s->shape_count)
            memcpy(mem, s->shapes, (size_t)s->shape_count * sizeof(dyn_shape));
        sk_free(s->manager, s->shapes, (size_t)s->shape_capacity * sizeof(dyn_shape), alignof(dyn_shape));
        s->shapes = mem;
        s->shape_capacity = capacity;
    }
    /* append to the end of the body's list so shapes keep their insertion order */
    int index = s->shape_count;
    s->shapes[index] = sh;
    if (s->bodies[body].first_shape < 0) {
        s->bodies[body].first_shape = index;
    } else {
        int k = s->bodies[body].first_shape;
        while (s->shapes[k].next_on_body >= 0)
            k = s->shapes[k].next_on_body;
        s->shapes[k].next_on_body = index;
    }
    s->shape_count++;
    if (adds_mass) {
        mat3 inertia = {{{acc.inertia[0], acc.inertia[1], acc.inertia[2]},
                         {acc.inertia[3], acc.inertia[4], acc.inertia[5]},
                         {acc.inertia[6], acc.inertia[7], acc.inertia[8]}}};
        body_set_inertia(bn, acc.mass, v3_from(acc.com), m3_symmetrize(inertia));
        s->chol_of_mass = 0; /* M changed */
        skeleton_invalidate(s);
    }
    if (out_index)
        *out_index = index;
    return WR_OK;
}

wr_status skeleton_check_mass(const wr_skeleton *s)
{
    for (int i = 0; i < s->body_count; i++) {
        const body_node *b = &s->bodies[i];
        if ((b->flags & BODY_FLAG_SHAPE_MASS) && !(b->mass > 0))
            return WR_FAIL(WR_ERR_INVALID_STATE,
                           "body %d ('%s') of skeleton '%s' derives its mass from its shapes (density %g kg/m^3) "
                           "but has no solid shape", i, b->name, s->name, b->density);
    }
    return WR_OK;
}

/* ---- moving between managers ------------------------------------------------------------------------------- */

wr_skeleton *skeleton_move(wr_skeleton *s, wr_memory_manager *m, wr_status *status)
{
    void *header = NULL, *bodies = NULL, *shapes = NULL, *state = NULL;
    /* borrowed tables stay where they are: only what the skeleton owns moves */
    size_t body_bytes = s->bodies_borrowed ? 0 : (size_t)s->body_count * sizeof(body_node);
    size_t shape_bytes = s->shapes_borrowed ? 0 : (size_t)s->shape_count * sizeof(dyn_shape);
    wr_status st = sk_alloc(m, sizeof(wr_skeleton), alignof(wr_skeleton), &header);
    if (st == WR_OK && body_bytes)
        st = sk_alloc(m, body_bytes, alignof(body_node), &bodies);
    if (st == WR_OK && shape_bytes)
        st = sk_alloc(m, shape_bytes, alignof(dyn_shape), &shapes);
    if (st == WR_OK && s->state_bytes)
        st = sk_alloc(m, s->state_bytes, STATE_ALIGN, &state);
    if (st != WR_OK) {
        sk_free(m, state, s->state_bytes, STATE_ALIGN);
        sk_free(m, shapes, shape_bytes, alignof(dyn_shape));
        sk_free(m, bodies, body_bytes, alignof(body_node));
        sk_free(m, header, sizeof(wr_skeleton), alignof(wr_skeleton));
        *status = st;
        return NULL;
    }
    /* index-based content: a byte copy is a valid skeleton once the header's block pointers are re-derived */
    wr_skeleton *t = header;
    *t = *s;
    t->manager = m;
    t->owns_manager = 0;
    if (!s->bodies_borrowed) {
        t->bodies = bodies;
        t->body_capacity = s->body_count;
    }
    if (!s->shapes_borrowed) {
        t->shapes = shapes;
        t->shape_capacity = s->shape_count;
    }
    t->state = state;
    if (body_bytes)
        memcpy(bodies, s->bodies, body_bytes);
    if (shape_bytes)
        memcpy(shapes, s->shapes, shape_bytes);
    if (s->state_bytes)
        memcpy(state, s->state, s->state_bytes);
    skeleton_bind(t);
    s->lender = NULL; /* the borrow passes to t; tables s owned are freed, borrowed ones stay */
    skeleton_free(s);
    *status = WR_OK;
    return t;
}

void skeleton_attach(wr_skeleton *s, wr_world *w, int index, int q_offset, int v_offset, vec3 gravity)
{
    s->world = w;
    s->world_index = index;
    s->q_world_offset = q_offset;
    s->v_world_offset = v_offset;
    s->gravity = gravity;
}

/* ---- introspection ----------------------------------------------------------------------------------------- */

bool wr_skeleton_guard_refuses(const wr_skeleton *s) { return s && wr_guard_refuses(s->owner_busy, s->world); }

const char *wr_skeleton_name(const wr_skeleton *s)
{
    SK_GUARD_OR(s, "");
    return s ? s->name : "";
}

int wr_skeleton_body_count(const wr_skeleton *s)
{
    SK_GUARD_OR(s, 0);
    return s ? s->body_count : 0;
}

int wr_skeleton_shape_count(const wr_skeleton *s)
{
    SK_GUARD_OR(s, 0);
    return s ? s->shape_count : 0;
}

int wr_skeleton_dof_count(const wr_skeleton *s)
{
    SK_GUARD_OR(s, 0);
    return s ? s->nv : 0;
}

int wr_skeleton_position_count(const wr_skeleton *s)
{
    SK_GUARD_OR(s, 0);
    return s ? s->nq : 0;
}

wr_memory_manager *wr_skeleton_memory_manager(const wr_skeleton *s)
{
    SK_GUARD_OR(s, NULL);
    return s ? s->manager : NULL;
}

size_t wr_skeleton_memory_bytes(const wr_skeleton *s)
{
    SK_GUARD_OR(s, 0);
    if (!s)
        return 0;
    return sizeof(wr_skeleton) + (s->bodies_borrowed ? 0 : (size_t)s->body_capacity * sizeof(body_node)) +
           (s->shapes_borrowed ? 0 : (size_t)s->shape_capacity * sizeof(dyn_shape)) + s->state_bytes;
}

int wr_skeleton_find_body(const wr_skeleton *s, const char *name)
{
    SK_GUARD_OR(s, -1);
    if (!s || !name)
        return -1;
    for (int i = 0; i < s->body_count; i++)
        if (strncmp(s->bodies[i].name, name, WR_SKELETON_NAME_MAX) == 0)
            return i;
    return -1;
}

/* ---- state ------------------------------------------------------------------------------------------------- */

static wr_status check_count(const wr_skeleton *s, const void *p, size_t count, size_t expected, const char *what,
                             const char *function)
{
    if (!s || (!p && expected))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton and buffer must not be NULL");
    if (wr_guard_refuses(s->owner_busy, s->world))
        return wr_guard_fail(function);
    if (count != expected)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "%s count %zu, skeleton '%s' has %zu", what, count, s->name,
                       expected);
    return WR_OK;
}

wr_status wr_skeleton_get_positions(const wr_skeleton *s, double *q, size_t count)
{
    wr_status st = check_count(s, q, count, s ? (size_t)s->nq : 0, "position", __func__);
    if (st == WR_OK && count)
        memcpy(q, s->q, count * sizeof(double));
    return st;
}

/* Check a full position vector: finite, unit quaternions. */
static wr_status check_positions(const wr_skeleton *s, const double *q)
{
    if (!wr_all_finite(q, (size_t)s->nq))
        return WR_FAIL(WR_ERR_NON_FINITE, "positions of skeleton '%s' contain NaN or infinity", s->name);
    for (int i = 0; i < s->body_count; i++) {
        const body_node *b = &s->bodies[i];
        if (b->type != WR_JOINT_BALL && b->type != WR_JOINT_FREE)
            continue;
        const double *p = q + b->q_offset + (b->type == WR_JOINT_FREE ? 3 : 0);
        double n = sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2] + p[3] * p[3]);
        if (fabs(n - 1.0) > 1e-6)
            return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "quaternion of body %d ('%s') has norm %g", i, b->name, n);
    }
    return WR_OK;
}

/* Copy positions (checked) and renormalize quaternions. */
static void store_positions(wr_skeleton *s, const double *q)
{
    s->state_epoch++;
    if (s->nq)
        memcpy(s->q, q, (size_t)s->nq * sizeof(double));
    for (int i = 0; i < s->body_count; i++) {
        const body_node *b = &s->bodies[i];
        if (b->type != WR_JOINT_BALL && b->type != WR_JOINT_FREE)
            continue;
        double *p = s->q + b->q_offset + (b->type == WR_JOINT_FREE ? 3 : 0);
        quat r = q_normalize(dyn_quat_load(p));
        p[0] = r.w;
        p[1] = r.x;
        p[2] = r.y;
        p[3] = r.z;
    }
    skeleton_invalidate(s);
}

wr_status skeleton_check_positions(const wr_skeleton *s, const double *q) { return check_positions(s, q); }
void skeleton_store_positions(wr_skeleton *s, const double *q) { store_positions(s, q); }

wr_status wr_skeleton_set_positions(wr_skeleton *s, const double *q, size_t count)
{
    wr_status st = check_count(s, q, count, s ? (size_t)s->nq : 0, "position", __func__);
    if (st != WR_OK)
        return st;
    if ((st = check_positions(s, q)) != WR_OK)
        return st;
    store_positions(s, q);
    return WR_OK;
}

wr_status wr_skeleton_get_velocities(const wr_skeleton *s, double *v, size_t count)
{
    wr_status st = check_count(s, v, count, s ? (size_t)s->nv : 0, "velocity", __func__);
    if (st == WR_OK && count)
        memcpy(v, s->v, count * sizeof(double));
    return st;
}

wr_status wr_skeleton_set_velocities(wr_skeleton *s, const double *v, size_t count)
{
    wr_status st = check_count(s, v, count, s ? (size_t)s->nv : 0, "velocity", __func__);
    if (st != WR_OK)
        return st;
    if (!wr_all_finite(v, count))
        return WR_FAIL(WR_ERR_NON_FINITE, "velocities of skeleton '%s' contain NaN or infinity", s->name);
    s->state_epoch++;
    if (count)
        memcpy(s->v, v, count * sizeof(double));
    return WR_OK;
}

wr_status wr_skeleton_set_joint_forces(wr_skeleton *s, const double *tau, size_t count)
{
    wr_status st = check_count(s, tau, count, s ? (size_t)s->nv : 0, "joint force", __func__);
    if (st != WR_OK)
        return st;
    if (!wr_all_finite(tau, count))
        return WR_FAIL(WR_ERR_NON_FINITE, "joint forces for skeleton '%s' contain NaN or infinity", s->name);
    if (count)
        memcpy(s->tau_cmd, tau, count * sizeof(double));
    return WR_OK;
}

wr_status wr_skeleton_apply_body_wrench(wr_skeleton *s, int body, const double force[3], const double torque[3])
{
    if (!s || !force || !torque)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton, force and torque must not be NULL");
    SK_GUARD(s);
    if (body < 0 || body >= s->body_count)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "body index %d out of range [0, %d)", body, s->body_count);
    if (!wr_all_finite(force, 3) || !wr_all_finite(torque, 3))
        return WR_FAIL(WR_ERR_NON_FINITE, "wrench contains NaN or infinity");
    body_work *wk = &s->work[body];
    vec3 f = v3_add(wk->ext_force, v3_from(force)), t = v3_add(wk->ext_torque, v3_from(torque));
    if (!v3_isfinite(f) || !v3_isfinite(t))
        return WR_FAIL(WR_ERR_NON_FINITE, "accumulated wrench overflows");
    wk->ext_force = f;
    wk->ext_torque = t;
    return WR_OK;
}

wr_status wr_skeleton_clear_forces(wr_skeleton *s)
{
    if (!s)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton is NULL");
    SK_GUARD(s);
    if (s->nv)
        memset(s->tau_cmd, 0, (size_t)s->nv * sizeof(double));
    for (int i = 0; i < s->body_count; i++) {
        s->work[i].ext_force = v3_zero();
        s->work[i].ext_torque = v3_zero();
    }
    return WR_OK;
}

wr_status wr_skeleton_body_pose(wr_skeleton *s, int body, double position[3], double rotation[9])
{
    if (!s || !position || !rotation)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton, position and rotation must not be NULL");
    SK_GUARD(s);
    if (body < 0 || body >= s->body_count)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "body index %d out of range [0, %d)", body, s->body_count);
    dyn_forward_kinematics(s);
    const transform *t = &s->work[body].pose;
    v3_store(t->pos, position);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            rotation[r * 3 + c] = t->rot.m[r][c];
    return WR_OK;
}

/* A body whose mass is still to come from its shapes has no COM yet. */
static wr_status check_body(const wr_skeleton *s, int body)
{
    if (!s)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton is NULL");
    if (body < 0 || body >= s->body_count)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "body index %d out of range [0, %d)", body, s->body_count);
    const body_node *b = &s->bodies[body];
    if ((b->flags & BODY_FLAG_SHAPE_MASS) && !(b->mass > 0))
        return WR_FAIL(WR_ERR_INVALID_STATE, "body %d ('%s') derives its mass from its shapes but has no solid shape",
                       body, b->name);
    return WR_OK;
}

wr_status wr_skeleton_body_velocity(wr_skeleton *s, int body, double linear[3], double angular[3])
{
    if (!linear || !angular)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "linear and angular must not be NULL");
    SK_GUARD(s);
    wr_status st = check_body(s, body);
    if (st != WR_OK)
        return st;
    dyn_forward_kinematics(s);
    vec3 w, v;
    dyn_body_velocity(s, body, &w, &v);
    v3_store(v, linear);
    v3_store(w, angular);
    return WR_OK;
}

wr_status wr_skeleton_body_com_velocity(wr_skeleton *s, int body, double linear[3], double angular[3])
{
    if (!linear || !angular)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "linear and angular must not be NULL");
    SK_GUARD(s);
    wr_status st = check_body(s, body);
    if (st != WR_OK)
        return st;
    dyn_forward_kinematics(s);
    vec3 c = dyn_point_velocity(s, body, dyn_body_com_world(s, body)), w, v;
    dyn_body_velocity(s, body, &w, &v);
    v3_store(c, linear);
    v3_store(w, angular);
    return WR_OK;
}

wr_status wr_skeleton_body_com(wr_skeleton *s, int body, double position[3])
{
    if (!position)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "position must not be NULL");
    SK_GUARD(s);
    wr_status st = check_body(s, body);
    if (st != WR_OK)
        return st;
    dyn_forward_kinematics(s);
    v3_store(dyn_body_com_world(s, body), position);
    return WR_OK;
}

wr_status wr_skeleton_center_of_mass(wr_skeleton *s, double position[3], double velocity[3])
{
    if (!s || !position)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton and position must not be NULL");
    SK_GUARD(s);
    if (s->body_count == 0)
        return WR_FAIL(WR_ERR_INVALID_STATE, "skeleton '%s' has no body", s->name);
    wr_status st = skeleton_check_mass(s);
    if (st != WR_OK)
        return st;
    dyn_forward_kinematics(s);
    vec3 p = v3_zero(), v = v3_zero();
    double m = 0;
    for (int i = 0; i < s->body_count; i++) {
        const double mi = s->bodies[i].mass;
        const vec3 c = dyn_body_com_world(s, i);
        p = v3_madd(p, c, mi);
        if (velocity)
            v = v3_madd(v, dyn_point_velocity(s, i, c), mi);
        m += mi;
    }
    v3_store(v3_scale(p, 1.0 / m), position);
    if (velocity)
        v3_store(v3_scale(v, 1.0 / m), velocity);
    return WR_OK;
}

wr_status wr_skeleton_set_joint_damping(wr_skeleton *s, int body, double damping)
{
    if (!s)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton is NULL");
    SK_GUARD(s);
    if (body < 0 || body >= s->body_count)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "body index %d out of range [0, %d)", body, s->body_count);
    if (!isfinite(damping))
        return WR_FAIL(WR_ERR_NON_FINITE, "damping is not finite");
    if (damping < 0)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "damping must be >= 0 (got %g)", damping);
    if (s->bodies[body].damping == damping)
        return WR_OK;
    wr_status st = skeleton_own_bodies(s); /* a model's table is shared: change a copy */
    if (st != WR_OK)
        return st;
    s->bodies[body].damping = damping;
    return WR_OK;
}

wr_status wr_skeleton_set_gravity(wr_skeleton *s, const double gravity[3])
{
    if (!s || !gravity)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton and gravity must not be NULL");
    SK_GUARD(s);
    if (!wr_all_finite(gravity, 3))
        return WR_FAIL(WR_ERR_NON_FINITE, "gravity is not finite");
    if (s->world)
        return WR_FAIL(WR_ERR_BUSY, "skeleton '%s' is in a world: use wr_world_set_gravity", s->name);
    s->gravity = v3_from(gravity);
    return WR_OK;
}

/* ---- dynamics queries -------------------------------------------------------------------------------------- */

wr_status wr_skeleton_kinetic_energy(wr_skeleton *s, double *out)
{
    if (!s || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton and out must not be NULL");
    SK_GUARD(s);
    wr_status st = skeleton_check_mass(s);
    if (st != WR_OK)
        return st;
    dyn_forward_kinematics(s);
    *out = dyn_kinetic_energy(s);
    return WR_OK;
}

wr_status wr_skeleton_potential_energy(wr_skeleton *s, double *out)
{
    if (!s || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton and out must not be NULL");
    SK_GUARD(s);
    wr_status st = skeleton_check_mass(s);
    if (st != WR_OK)
        return st;
    dyn_forward_kinematics(s);
    *out = dyn_potential_energy(s);
    return WR_OK;
}

wr_status wr_skeleton_momentum(wr_skeleton *s, double linear[3], double angular[3])
{
    if (!s || !linear || !angular)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton, linear and angular must not be NULL");
    SK_GUARD(s);
    wr_status st = skeleton_check_mass(s);
    if (st != WR_OK)
        return st;
    dyn_forward_kinematics(s);
    vec3 p, l;
    dyn_momentum(s, &p, &l);
    v3_store(p, linear);
    v3_store(l, angular);
    return WR_OK;
}

wr_status wr_skeleton_mass_matrix(wr_skeleton *s, double *m, size_t count)
{
    wr_status st = check_count(s, m, count, s ? (size_t)s->nv * (size_t)s->nv : 0, "mass matrix entry", __func__);
    if (st == WR_OK)
        st = skeleton_check_mass(s);
    if (st != WR_OK)
        return st;
    dyn_forward_kinematics(s);
    dyn_crba(s);
    s->factor_valid = 0;
    if (count)
        memcpy(m, s->mass, count * sizeof(double));
    return WR_OK;
}

wr_status wr_skeleton_forward_dynamics(wr_skeleton *s, const double *tau, double *qdd, size_t count)
{
    wr_status st = check_count(s, tau, count, s ? (size_t)s->nv : 0, "force", __func__);
    if (st == WR_OK)
        st = skeleton_check_mass(s);
    if (st != WR_OK)
        return st;
    if (!qdd && count)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "qdd is NULL");
    if (!wr_all_finite(tau, count))
        return WR_FAIL(WR_ERR_NON_FINITE, "tau contains NaN or infinity");
    if (count)
        memcpy(s->tau, tau, count * sizeof(double));
    dyn_aba(s, 0.0);
    if (count)
        memcpy(qdd, s->qdd, count * sizeof(double));
    return WR_OK;
}

wr_status wr_skeleton_inverse_dynamics(wr_skeleton *s, const double *qdd, double *tau, size_t count)
{
    wr_status st = check_count(s, qdd, count, s ? (size_t)s->nv : 0, "acceleration", __func__);
    if (st == WR_OK)
        st = skeleton_check_mass(s);
    if (st != WR_OK)
        return st;
    if (!tau && count)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "tau is NULL");
    if (!wr_all_finite(qdd, count))
        return WR_FAIL(WR_ERR_NON_FINITE, "qdd contains NaN or infinity");
    dyn_forward_kinematics(s);
    dyn_rnea(s, qdd, tau);
    return WR_OK;
}

/* ---- dynamics_internal.h accessors ------------------------------------------------------------------------- */

int dyn_skeleton_index(const wr_skeleton *s) { return s->world_index; }
wr_world *dyn_skeleton_world(const wr_skeleton *s) { return s->world; }
int dyn_skeleton_body_count(const wr_skeleton *s) { return s->body_count; }
int dyn_skeleton_dof_count(const wr_skeleton *s) { return s->nv; }
int dyn_skeleton_dof_offset(const wr_skeleton *s) { return s->v_world_offset; }
double *dyn_skeleton_velocities(wr_skeleton *s) { return s->v; }
const double *dyn_skeleton_positions(const wr_skeleton *s) { return s->q; }
int dyn_body_parent(const wr_skeleton *s, int body) { return s->bodies[body].parent; }
int dyn_body_is_static(const wr_skeleton *s, int body) { return (s->bodies[body].flags & BODY_FLAG_STATIC) != 0; }
transform dyn_body_transform(const wr_skeleton *s, int body) { return s->work[body].pose; }
double dyn_body_mass(const wr_skeleton *s, int body) { return s->bodies[body].mass; }
vec3 dyn_body_com_world(const wr_skeleton *s, int body) { return tf_apply(s->work[body].pose, s->bodies[body].com); }
int dyn_body_dof_offset(const wr_skeleton *s, int body) { return s->bodies[body].v_offset; }
int dyn_body_dof_count(const wr_skeleton *s, int body) { return s->bodies[body].nv; }
int dyn_body_first_shape(const wr_skeleton *s, int body) { return s->bodies[body].first_shape; }
int dyn_skeleton_shape_count(const wr_skeleton *s) { return s->shape_count; }
const dyn_shape *dyn_skeleton_shape(const wr_skeleton *s, int index) { return &s->shapes[index]; }

transform dyn_shape_world_transform(const wr_skeleton *s, int index)
{
    const dyn_shape *sh = &s->shapes[index];
    return tf_mul(s->work[sh->body].pose, sh->local);
}

int dyn_skeleton_is_free_body(const wr_skeleton *s)
{
    return s->body_count == 1 && s->bodies[0].parent < 0 && s->bodies[0].type == WR_JOINT_FREE &&
           (s->bodies[0].flags & BODY_FLAG_TC_IDENTITY) && (s->bodies[0].flags & BODY_FLAG_TP_ROT_IDENTITY);
}

void dyn_dof_info_get(const wr_skeleton *s, int dof, dyn_dof_info *out)
{
    assert(dof >= 0 && dof < s->nv);
    int b = 0;
    while (!(dof >= s->bodies[b].v_offset && dof < s->bodies[b].v_offset + s->bodies[b].nv))
        b++;
    dyn_body_dof_info_get(s, b, dof - s->bodies[b].v_offset, out);
}

void dyn_body_dof_info_get(const wr_skeleton *s, int body, int k, dyn_dof_info *out)
{
    assert(body >= 0 && body < s->body_count && k >= 0 && k < s->bodies[body].nv);
    const body_node *n = &s->bodies[body];
    out->body = body;
    out->has_position = n->nv == 1;
    out->position = n->nv == 1 ? s->q[n->q_offset] : 0.0;
    out->lower = n->lower[k];
    out->upper = n->upper[k];
    out->velocity_limit = n->velocity_limit[k];
    out->effort_limit = n->effort_limit[k];
}
