/* Collision shapes: validation, world bounds and signed distance (see collision_shape.h). */
#include "collision/collision_shape.h"

#include <math.h>

#include "core/status_internal.h"

static const char *const k_type_names[COLLISION_SHAPE_TYPE_COUNT] = {"sphere", "box", "capsule", "cylinder",
                                                                     "plane"};
/* How many of size[] each kind uses. */
static const int k_sizes_used[COLLISION_SHAPE_TYPE_COUNT] = {1, 3, 2, 2, 0};

const char *collision_shape_type_name(collision_shape_type type)
{
    if ((int)type < 0 || type >= COLLISION_SHAPE_TYPE_COUNT)
        return "unknown";
    return k_type_names[type];
}

static wr_status check_sizes(collision_shape_type type, const double size[3])
{
    if ((int)type < 0 || type >= COLLISION_SHAPE_TYPE_COUNT)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "unknown shape type %d", (int)type);
    for (int i = 0; i < k_sizes_used[type]; i++) {
        if (!isfinite(size[i]))
            return WR_FAIL(WR_ERR_NON_FINITE, "%s size[%d] is not finite", k_type_names[type], i);
        if (!(size[i] > 0))
            return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "%s size[%d] = %g must be > 0", k_type_names[type], i, size[i]);
    }
    return WR_OK;
}

wr_status collision_shape_make(collision_shape_type type, const double size[3], collision_shape *out)
{
    if (!size || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "size and out must not be NULL");
    wr_status s = check_sizes(type, size);
    if (s != WR_OK)
        return s;
    out->type = type;
    for (int i = 0; i < 3; i++)
        out->size[i] = i < k_sizes_used[type] ? size[i] : 0.0;
    return WR_OK;
}

wr_status collision_shape_validate(const collision_shape *shape)
{
    if (!shape)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "shape must not be NULL");
    return check_sizes(shape->type, shape->size);
}

collision_aabb collision_shape_aabb(const collision_shape *s, const transform *t, double margin)
{
    vec3 ext = v3_zero();
    const mat3 *r = &t->rot;
    switch (s->type) {
    case COLLISION_SPHERE:
        ext = v3(s->size[0], s->size[0], s->size[0]);
        break;
    case COLLISION_BOX:
        for (int i = 0; i < 3; i++) {
            double e = fabs(r->m[i][0]) * s->size[0] + fabs(r->m[i][1]) * s->size[1] + fabs(r->m[i][2]) * s->size[2];
            if (i == 0)
                ext.x = e;
            else if (i == 1)
                ext.y = e;
            else
                ext.z = e;
        }
        break;
    case COLLISION_CAPSULE: {
        double rad = s->size[0], h = s->size[1];
        ext = v3(fabs(r->m[0][2]) * h + rad, fabs(r->m[1][2]) * h + rad, fabs(r->m[2][2]) * h + rad);
        break;
    }
    case COLLISION_CYLINDER: {
        /* A disc of radius r with unit normal a spans r*sqrt(1 - a_i^2) along axis i. */
        double rad = s->size[0], h = s->size[1];
        double a[3] = {r->m[0][2], r->m[1][2], r->m[2][2]};
        double e[3];
        for (int i = 0; i < 3; i++) {
            double q = 1.0 - a[i] * a[i];
            e[i] = fabs(a[i]) * h + rad * sqrt(q > 0 ? q : 0);
        }
        ext = v3(e[0], e[1], e[2]);
        break;
    }
    default:
        ext = v3(INFINITY, INFINITY, INFINITY);
        break;
    }
    ext = v3_add(ext, v3(margin, margin, margin));
    collision_aabb b = {v3_sub(t->pos, ext), v3_add(t->pos, ext)};
    return b;
}

/* --- signed distance in the local frame ----------------------------------------------------------------------- */

static double round_distance(vec3 q, vec3 core, double radius, vec3 *surface, vec3 *normal)
{
    vec3 d = v3_sub(q, core);
    double len = v3_norm(d);
    /* At the core itself every direction is as good; pick one that is stable. */
    vec3 n = len > 1e-12 ? v3_scale(d, 1.0 / len) : v3(1, 0, 0);
    *normal = n;
    *surface = v3_madd(core, n, radius);
    return len - radius;
}

static double box_distance(const double h[3], vec3 q, vec3 *surface, vec3 *normal)
{
    double p[3] = {q.x, q.y, q.z}, c[3];
    int inside = 1;
    for (int i = 0; i < 3; i++) {
        c[i] = p[i] < -h[i] ? -h[i] : (p[i] > h[i] ? h[i] : p[i]);
        if (c[i] != p[i])
            inside = 0;
    }
    if (!inside) {
        vec3 cv = v3_from(c);
        vec3 d = v3_sub(q, cv);
        double len = v3_norm(d);
        *surface = cv;
        *normal = v3_scale(d, 1.0 / len);
        return len;
    }
    int best = 0;
    double best_gap = h[0] - fabs(p[0]);
    for (int i = 1; i < 3; i++) {
        double gap = h[i] - fabs(p[i]);
        if (gap < best_gap) {
            best_gap = gap;
            best = i;
        }
    }
    double sgn = p[best] >= 0 ? 1.0 : -1.0;
    double n[3] = {0, 0, 0};
    n[best] = sgn;
    c[best] = sgn * h[best];
    *surface = v3_from(c);
    *normal = v3_from(n);
    return -best_gap;
}

static double cylinder_distance(double r, double h, vec3 q, vec3 *surface, vec3 *normal)
{
    double rho = sqrt(q.x * q.x + q.y * q.y);
    vec3 u = rho > 1e-12 ? v3(q.x / rho, q.y / rho, 0) : v3(1, 0, 0);
    double dz = fabs(q.z) - h, dr = rho - r;
    double sz = q.z >= 0 ? 1.0 : -1.0;
    if (dz <= 0 && dr <= 0) {
        if (-dz < -dr) {
            *surface = v3(q.x, q.y, sz * h);
            *normal = v3(0, 0, sz);
            return dz;
        }
        *surface = v3(u.x * r, u.y * r, q.z);
        *normal = u;
        return dr;
    }
    double rc = rho < r ? rho : r;
    double zc = q.z < -h ? -h : (q.z > h ? h : q.z);
    vec3 c = v3(u.x * rc, u.y * rc, zc);
    vec3 d = v3_sub(q, c);
    double len = v3_norm(d);
    *surface = c;
    *normal = v3_scale(d, 1.0 / len);
    return len;
}

double collision_shape_distance(const collision_shape *s, const transform *t, vec3 p, vec3 *surface, vec3 *normal)
{
    vec3 q = tf_apply_inverse(*t, p);
    vec3 ls, ln;
    double d;
    switch (s->type) {
    case COLLISION_SPHERE:
        d = round_distance(q, v3_zero(), s->size[0], &ls, &ln);
        break;
    case COLLISION_CAPSULE: {
        double h = s->size[1];
        double z = q.z < -h ? -h : (q.z > h ? h : q.z);
        d = round_distance(q, v3(0, 0, z), s->size[0], &ls, &ln);
        break;
    }
    case COLLISION_BOX:
        d = box_distance(s->size, q, &ls, &ln);
        break;
    case COLLISION_CYLINDER:
        d = cylinder_distance(s->size[0], s->size[1], q, &ls, &ln);
        break;
    default:
        d = q.z;
        ls = v3(q.x, q.y, 0);
        ln = v3(0, 0, 1);
        break;
    }
    *surface = tf_apply(*t, ls);
    *normal = m3_mulv(t->rot, ln);
    return d;
}
