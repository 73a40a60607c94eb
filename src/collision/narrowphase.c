/* Narrowphase: contacts for every pair of shapes (see narrowphase.h for the conventions). */
#include "collision/narrowphase.h"

#include <assert.h>
#include <math.h>

/* Working buffer size before reduction (box-box clipping gives at most 8, cylinder sampling a few more). */
#define NP_MAX_RAW 40
#define NP_RIM_SAMPLES 8
#define NP_TWO_PI 6.283185307179586
/* Points closer than 1e-6 m are one contact. */
#define NP_SAME_POINT2 1e-12
/* "Touching" survives rounding: gaps up to this are kept even with margin 0. */
#define NP_TOUCH_EPS 1e-9

typedef struct contact_buf {
    collision_contact c[NP_MAX_RAW];
    int n;
} contact_buf;

static void push(contact_buf *b, vec3 point, vec3 normal, double depth, uint32_t feature)
{
    if (b->n >= NP_MAX_RAW)
        return;
    for (int i = 0; i < b->n; i++)
        if (v3_norm2(v3_sub(b->c[i].point, point)) < NP_SAME_POINT2)
            return; /* the same point found from the other shape's side */
    collision_contact *c = &b->c[b->n++];
    c->point = point;
    c->normal = normal;
    c->depth = depth;
    c->feature = feature;
}

/* ---- manifold reduction -------------------------------------------------------------------------------------- */

/* Keep the deepest point, the point farthest from it, and the two that span the largest area with them. */
static int reduce(const contact_buf *b, collision_contact *out)
{
    int n = b->n;
    if (n <= COLLISION_MAX_PAIR_CONTACTS) {
        for (int i = 0; i < n; i++)
            out[i] = b->c[i];
        return n;
    }
    const collision_contact *c = b->c;
    int i0 = 0;
    for (int i = 1; i < n; i++)
        if (c[i].depth > c[i0].depth + 1e-12)
            i0 = i;
    int i1 = i0 == 0 ? 1 : 0;
    double best = -1;
    for (int i = 0; i < n; i++) {
        double d = v3_norm2(v3_sub(c[i].point, c[i0].point));
        if (i != i0 && d > best) {
            best = d;
            i1 = i;
        }
    }
    vec3 nrm = c[i0].normal;
    vec3 e = v3_sub(c[i1].point, c[i0].point);
    int i2 = -1;
    double s2 = 0;
    for (int i = 0; i < n; i++) {
        if (i == i0 || i == i1)
            continue;
        double s = v3_dot(nrm, v3_cross(e, v3_sub(c[i].point, c[i0].point)));
        if (i2 < 0 || fabs(s) > fabs(s2)) {
            s2 = s;
            i2 = i;
        }
    }
    int i3 = -1;
    double s3 = 0;
    for (int i = 0; i < n; i++) {
        if (i == i0 || i == i1 || i == i2)
            continue;
        /* Most area on the other side of the line i0-i1 than i2. */
        double s = -v3_dot(nrm, v3_cross(e, v3_sub(c[i].point, c[i0].point))) * (s2 >= 0 ? 1.0 : -1.0);
        if (i3 < 0 || s > s3) {
            s3 = s;
            i3 = i;
        }
    }
    out[0] = c[i0];
    out[1] = c[i1];
    out[2] = c[i2];
    out[3] = c[i3];
    return 4;
}

/* ---- round cores (sphere centre, capsule segment points) against any shape's signed distance ------------------ */

/* A core point `p` of radius `r` (shape A) against shape `x` (shape B). */
static void round_vs(contact_buf *b, vec3 p, double r, const collision_shape *x, const transform *tx, double margin,
                     uint32_t feature)
{
    vec3 q, nx;
    double sd = collision_shape_distance(x, tx, p, &q, &nx);
    double depth = r - sd;
    if (depth < -margin)
        return;
    vec3 a_surface = v3_madd(p, nx, -r);
    push(b, v3_scale(v3_add(q, a_surface), 0.5), v3_neg(nx), depth, feature);
}

static vec3 segment_point(vec3 p0, vec3 p1, double t) { return v3_add(p0, v3_scale(v3_sub(p1, p0), t)); }

/* The t in [0,1] minimizing the (convex) signed distance of x from p0 + t (p1 - p0): golden-section search. */
static double closest_t(vec3 p0, vec3 p1, const collision_shape *x, const transform *tx)
{
    const double g = 0.6180339887498949;
    double lo = 0, hi = 1;
    vec3 q, nx;
    double t1 = hi - g * (hi - lo), t2 = lo + g * (hi - lo);
    double f1 = collision_shape_distance(x, tx, segment_point(p0, p1, t1), &q, &nx);
    double f2 = collision_shape_distance(x, tx, segment_point(p0, p1, t2), &q, &nx);
    for (int it = 0; it < 48; it++) {
        if (f1 <= f2) {
            hi = t2;
            t2 = t1;
            f2 = f1;
            t1 = hi - g * (hi - lo);
            f1 = collision_shape_distance(x, tx, segment_point(p0, p1, t1), &q, &nx);
        } else {
            lo = t1;
            t1 = t2;
            f1 = f2;
            t2 = lo + g * (hi - lo);
            f2 = collision_shape_distance(x, tx, segment_point(p0, p1, t2), &q, &nx);
        }
    }
    return 0.5 * (lo + hi);
}

static void capsule_segment(const collision_shape *c, const transform *t, vec3 *p0, vec3 *p1)
{
    vec3 axis = m3_col(t->rot, 2);
    *p0 = v3_madd(t->pos, axis, -c->size[1]);
    *p1 = v3_madd(t->pos, axis, c->size[1]);
}

/* Capsule A against shape B: both end points, plus the closest interior point when it is deeper than both. */
static void capsule_vs(contact_buf *b, const collision_shape *cap, const transform *tc, const collision_shape *x,
                       const transform *tx, double margin, uint32_t feature_base)
{
    double r = cap->size[0];
    vec3 p0, p1, q, nx;
    capsule_segment(cap, tc, &p0, &p1);
    round_vs(b, p0, r, x, tx, margin, feature_base + 0);
    round_vs(b, p1, r, x, tx, margin, feature_base + 1);
    if (x->type == COLLISION_PLANE)
        return; /* distance to a plane is linear along the segment: the ends are the extremes */
    double t = closest_t(p0, p1, x, tx);
    if (t < 1e-6 || t > 1 - 1e-6)
        return;
    vec3 pt = segment_point(p0, p1, t);
    double dt = collision_shape_distance(x, tx, pt, &q, &nx);
    double d0 = collision_shape_distance(x, tx, p0, &q, &nx);
    double d1 = collision_shape_distance(x, tx, p1, &q, &nx);
    if (dt < d0 - 1e-9 && dt < d1 - 1e-9)
        round_vs(b, pt, r, x, tx, margin, feature_base + 2);
}

static void flip_from(contact_buf *b, int start)
{
    for (int i = start; i < b->n; i++)
        b->c[i].normal = v3_neg(b->c[i].normal);
}

/* ---- planes --------------------------------------------------------------------------------------------------- */

static void plane_points(contact_buf *b, const transform *tp, const vec3 *pts, int n, double margin,
                         uint32_t feature_base)
{
    vec3 nrm = m3_col(tp->rot, 2);
    double off = v3_dot(nrm, tp->pos);
    for (int i = 0; i < n; i++) {
        double depth = off - v3_dot(nrm, pts[i]);
        if (depth >= -margin)
            push(b, v3_madd(pts[i], nrm, 0.5 * depth), nrm, depth, feature_base + (uint32_t)i);
    }
}

/* Keep the `keep` deepest contacts of b (stable order otherwise). */
static void keep_deepest(contact_buf *b, int keep)
{
    for (int i = 1; i < b->n; i++) {
        collision_contact c = b->c[i];
        int j = i - 1;
        while (j >= 0 && b->c[j].depth < c.depth) {
            b->c[j + 1] = b->c[j];
            j--;
        }
        b->c[j + 1] = c;
    }
    if (b->n > keep)
        b->n = keep;
}

static void box_vertices(const collision_shape *box, const transform *t, vec3 v[8])
{
    for (int i = 0; i < 8; i++) {
        vec3 l = v3((i & 1) ? box->size[0] : -box->size[0], (i & 2) ? box->size[1] : -box->size[1],
                    (i & 4) ? box->size[2] : -box->size[2]);
        v[i] = tf_apply(*t, l);
    }
}

static void plane_box(contact_buf *b, const transform *tp, const collision_shape *box, const transform *tb,
                      double margin)
{
    vec3 v[8];
    box_vertices(box, tb, v);
    plane_points(b, tp, v, 8, margin, 0);
    keep_deepest(b, COLLISION_MAX_PAIR_CONTACTS);
}

/* Points on both rims of a cylinder: for each cap, 4 rim points starting at the direction most against `toward`
 * (the cylinder's local x when `toward` is along the axis), every 90 degrees. */
static int cylinder_rim_points(const collision_shape *cyl, const transform *t, vec3 toward, int per_rim, vec3 *out)
{
    vec3 a = m3_col(t->rot, 2);
    vec3 w = v3_sub(toward, v3_scale(a, v3_dot(toward, a)));
    double wn = v3_norm(w);
    vec3 u = wn > 1e-9 ? v3_scale(w, -1.0 / wn) : m3_col(t->rot, 0);
    vec3 v = v3_cross(a, u);
    double r = cyl->size[0], h = cyl->size[1];
    int n = 0;
    for (int cap = 0; cap < 2; cap++) {
        vec3 cc = v3_madd(t->pos, a, cap ? h : -h);
        for (int k = 0; k < per_rim; k++) {
            double th = NP_TWO_PI * k / per_rim;
            out[n++] = v3_add(cc, v3_add(v3_scale(u, r * cos(th)), v3_scale(v, r * sin(th))));
        }
    }
    return n;
}

static void plane_cylinder(contact_buf *b, const transform *tp, const collision_shape *cyl, const transform *tc,
                           double margin)
{
    vec3 pts[8];
    int n = cylinder_rim_points(cyl, tc, m3_col(tp->rot, 2), 4, pts);
    plane_points(b, tp, pts, n, margin, 0);
    keep_deepest(b, COLLISION_MAX_PAIR_CONTACTS);
}

/* ---- box against box: separating axes, then a clipped face manifold or an edge-edge point --------------------- */

typedef struct clip_point {
    vec3 p;
    uint32_t id;   /* which vertex / intersection this is */
    uint32_t edge; /* id of the polygon edge leaving this point */
} clip_point;

/* Clip polygon `in` (n points) to the half space dot(nrm, p) <= off; `plane_id` names the clipping plane. */
static int clip_polygon(const clip_point *in, int n, vec3 nrm, double off, uint32_t plane_id, clip_point *out)
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        const clip_point *p = &in[i];
        const clip_point *q = &in[(i + 1) % n];
        double dp = v3_dot(nrm, p->p) - off, dq = v3_dot(nrm, q->p) - off;
        if (dp <= 0 && dq <= 0) {
            out[m++] = *q;
        } else if (dp <= 0 || dq <= 0) {
            double s = dp / (dp - dq);
            clip_point x;
            x.p = v3_add(p->p, v3_scale(v3_sub(q->p, p->p), s));
            x.id = 4u + p->edge * 4u + plane_id;
            if (dp <= 0) {
                x.edge = 4u + plane_id; /* leaving along the clipping plane */
                out[m++] = x;
            } else {
                x.edge = p->edge; /* continues along the original edge to q */
                out[m++] = x;
                out[m++] = *q;
            }
        }
    }
    return m;
}

static void box_face_contacts(contact_buf *b, const collision_shape *ref, const transform *tr, int ref_axis,
                              vec3 nr, const collision_shape *inc, const transform *ti, vec3 normal_ab,
                              double margin, uint32_t feature_base)
{
    vec3 ra = m3_col(tr->rot, ref_axis);
    double rs = v3_dot(nr, ra) >= 0 ? 1.0 : -1.0;
    vec3 fc = v3_madd(tr->pos, ra, rs * ref->size[ref_axis]);
    int k1 = (ref_axis + 1) % 3, k2 = (ref_axis + 2) % 3;
    vec3 t1 = m3_col(tr->rot, k1), t2 = m3_col(tr->rot, k2);

    int ia = 0;
    double best = -1;
    for (int j = 0; j < 3; j++) {
        double d = fabs(v3_dot(nr, m3_col(ti->rot, j)));
        if (d > best) {
            best = d;
            ia = j;
        }
    }
    vec3 iax = m3_col(ti->rot, ia);
    double is = v3_dot(nr, iax) > 0 ? -1.0 : 1.0;
    vec3 ic = v3_madd(ti->pos, iax, is * inc->size[ia]);
    int j1 = (ia + 1) % 3, j2 = (ia + 2) % 3;
    vec3 e1 = v3_scale(m3_col(ti->rot, j1), inc->size[j1]);
    vec3 e2 = v3_scale(m3_col(ti->rot, j2), inc->size[j2]);
    static const double signs[4][2] = {{1, 1}, {-1, 1}, {-1, -1}, {1, -1}};
    clip_point poly[16], tmp[16];
    for (int k = 0; k < 4; k++) {
        poly[k].p = v3_add(ic, v3_add(v3_scale(e1, signs[k][0]), v3_scale(e2, signs[k][1])));
        poly[k].id = (uint32_t)k;
        poly[k].edge = (uint32_t)k;
    }
    int n = 4;
    n = clip_polygon(poly, n, t1, v3_dot(t1, fc) + ref->size[k1], 0, tmp);
    n = clip_polygon(tmp, n, v3_neg(t1), -v3_dot(t1, fc) + ref->size[k1], 1, poly);
    n = clip_polygon(poly, n, t2, v3_dot(t2, fc) + ref->size[k2], 2, tmp);
    n = clip_polygon(tmp, n, v3_neg(t2), -v3_dot(t2, fc) + ref->size[k2], 3, poly);
    uint32_t face_code = (uint32_t)(ia * 2 + (is > 0 ? 1 : 0));
    double off = v3_dot(nr, fc);
    for (int k = 0; k < n; k++) {
        double depth = off - v3_dot(nr, poly[k].p);
        if (depth >= -margin)
            push(b, v3_madd(poly[k].p, nr, 0.5 * depth), normal_ab, depth,
                 feature_base | (face_code << 6) | (poly[k].id & 63u));
    }
}

static void box_box(contact_buf *b, const collision_shape *ba, const transform *ta, const collision_shape *bb,
                    const transform *tb, double margin)
{
    vec3 d = v3_sub(tb->pos, ta->pos);
    vec3 axa[3], axb[3];
    for (int i = 0; i < 3; i++) {
        axa[i] = m3_col(ta->rot, i);
        axb[i] = m3_col(tb->rot, i);
    }
    double best_face_sep = -INFINITY, best_edge_sep = -INFINITY;
    int best_face = -1, best_edge = -1;
    vec3 best_edge_axis = v3_zero();
    for (int k = 0; k < 15; k++) {
        vec3 l;
        if (k < 3) {
            l = axa[k];
        } else if (k < 6) {
            l = axb[k - 3];
        } else {
            l = v3_cross(axa[(k - 6) / 3], axb[(k - 6) % 3]);
            double len = v3_norm(l);
            if (len < 1e-6)
                continue; /* parallel edges: covered by the face axes */
            l = v3_scale(l, 1.0 / len);
        }
        double ra = 0, rb = 0;
        for (int i = 0; i < 3; i++) {
            ra += ba->size[i] * fabs(v3_dot(l, axa[i]));
            rb += bb->size[i] * fabs(v3_dot(l, axb[i]));
        }
        double sep = fabs(v3_dot(d, l)) - ra - rb;
        if (sep > margin)
            return;
        if (k < 6) {
            /* Prefer A's faces and lower indices unless clearly better: keeps the feature ids stable. */
            if (sep > best_face_sep + 1e-9 * (1 + fabs(best_face_sep)) || best_face < 0) {
                best_face_sep = sep;
                best_face = k;
            }
        } else if (sep > best_edge_sep) {
            best_edge_sep = sep;
            best_edge = k;
            best_edge_axis = l;
        }
    }
    if (best_edge >= 0 && best_edge_sep > best_face_sep + 1e-5 + 0.05 * fabs(best_face_sep)) {
        vec3 n = best_edge_axis;
        if (v3_dot(n, d) < 0)
            n = v3_neg(n);
        int ia = (best_edge - 6) / 3, ib = (best_edge - 6) % 3;
        vec3 pa = ta->pos, pb = tb->pos;
        for (int i = 0; i < 3; i++) {
            if (i != ia)
                pa = v3_madd(pa, axa[i], ba->size[i] * (v3_dot(n, axa[i]) >= 0 ? 1.0 : -1.0));
            if (i != ib)
                pb = v3_madd(pb, axb[i], bb->size[i] * (v3_dot(n, axb[i]) >= 0 ? -1.0 : 1.0));
        }
        vec3 da = axa[ia], db = axb[ib], r = v3_sub(pa, pb);
        double bd = v3_dot(da, db), c = v3_dot(da, r), f = v3_dot(db, r);
        double den = 1.0 - bd * bd;
        double s = den > 1e-12 ? (bd * f - c) / den : 0.0;
        s = fmax(-ba->size[ia], fmin(ba->size[ia], s));
        double t = f + s * bd;
        t = fmax(-bb->size[ib], fmin(bb->size[ib], t));
        vec3 ca = v3_madd(pa, da, s), cb = v3_madd(pb, db, t);
        push(b, v3_scale(v3_add(ca, cb), 0.5), n, -best_edge_sep, 0x1000u | (uint32_t)(best_edge << 4));
        return;
    }
    vec3 n = best_face < 3 ? axa[best_face] : axb[best_face - 3];
    if (v3_dot(n, d) < 0)
        n = v3_neg(n);
    if (best_face < 3)
        box_face_contacts(b, ba, ta, best_face, n, bb, tb, n, margin, (uint32_t)best_face << 9);
    else
        box_face_contacts(b, bb, tb, best_face - 3, v3_neg(n), ba, ta, n, margin, (uint32_t)best_face << 9);
}

/* ---- cylinders against boxes and cylinders: separating axes over support functions, then sampled features ---- */

static double sgn0(double x) { return x > 1e-12 ? 1.0 : (x < -1e-12 ? -1.0 : 0.0); }

/* The point of box or cylinder `s` farthest along d (the middle of a face or side line when d is square to it). */
static vec3 support(const collision_shape *s, const transform *t, vec3 d)
{
    if (s->type == COLLISION_BOX) {
        vec3 p = t->pos;
        for (int k = 0; k < 3; k++) {
            vec3 ax = m3_col(t->rot, k);
            p = v3_madd(p, ax, s->size[k] * sgn0(v3_dot(d, ax)));
        }
        return p;
    }
    vec3 a = m3_col(t->rot, 2);
    double da = v3_dot(d, a);
    vec3 w = v3_sub(d, v3_scale(a, da));
    double wn = v3_norm(w);
    vec3 p = v3_madd(t->pos, a, s->size[1] * sgn0(da));
    return wn > 1e-12 ? v3_madd(p, w, s->size[0] / wn) : p;
}

/* Overlap of A and B along unit l (A's extent along l minus B's start along l). */
static double overlap_along(const collision_shape *a, const transform *ta, const collision_shape *b,
                            const transform *tb, vec3 l)
{
    return v3_dot(l, support(a, ta, l)) - v3_dot(l, support(b, tb, v3_neg(l)));
}

/* Candidate axes: each shape's face normals or axis, their cross products, the centre line, and the line between
 * the cylinder axes' (or axis and box's) closest points. */
static int candidate_axes(const collision_shape *a, const transform *ta, const collision_shape *b,
                          const transform *tb, vec3 *out)
{
    vec3 aa[3], ab[3];
    int na = 0, nb = 0, n = 0;
    if (a->type == COLLISION_BOX)
        for (int k = 0; k < 3; k++)
            aa[na++] = m3_col(ta->rot, k);
    else
        aa[na++] = m3_col(ta->rot, 2);
    if (b->type == COLLISION_BOX)
        for (int k = 0; k < 3; k++)
            ab[nb++] = m3_col(tb->rot, k);
    else
        ab[nb++] = m3_col(tb->rot, 2);
    for (int i = 0; i < na; i++)
        out[n++] = aa[i];
    for (int i = 0; i < nb; i++)
        out[n++] = ab[i];
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            out[n++] = v3_cross(aa[i], ab[j]);
    vec3 d = v3_sub(tb->pos, ta->pos);
    out[n++] = d;
    /* Radial directions of the cylinder(s) towards the other shape's nearest part of its axis/body. */
    const collision_shape *cyl = b;
    const transform *tc = tb, *to = ta;
    const collision_shape *other = a;
    vec3 p0, p1, q, nx;
    capsule_segment(cyl, tc, &p0, &p1);
    collision_shape core = *other;
    if (core.type == COLLISION_CYLINDER) {
        core.type = COLLISION_CAPSULE; /* the other cylinder's axis segment */
        core.size[0] = 0.0;
    }
    vec3 p = segment_point(p0, p1, closest_t(p0, p1, &core, to));
    collision_shape_distance(&core, to, p, &q, &nx);
    out[n++] = v3_sub(p, q);
    vec3 ax = m3_col(tc->rot, 2);
    out[n++] = v3_sub(d, v3_scale(ax, v3_dot(d, ax)));
    if (a->type == COLLISION_CYLINDER) {
        vec3 axa = m3_col(ta->rot, 2);
        out[n++] = v3_sub(d, v3_scale(axa, v3_dot(d, axa)));
    }
    return n;
}

/* Points `pts` of one shape that lie beyond `level` along `n` (depth = sign * (level - n.p)) and whose projection
 * onto that level lies on the other shape `x`. */
static void plane_samples(contact_buf *b, const vec3 *pts, int count, vec3 n, double level, double sign,
                          const collision_shape *x, const transform *tx, double margin, uint32_t feature_base)
{
    for (int i = 0; i < count; i++) {
        double depth = sign * (level - v3_dot(n, pts[i]));
        if (depth < -margin)
            continue;
        vec3 q = v3_madd(pts[i], n, sign * depth), sq, sn;
        if (collision_shape_distance(x, tx, q, &sq, &sn) > 1e-6)
            continue;
        push(b, v3_madd(pts[i], n, 0.5 * sign * depth), n, depth, feature_base + (uint32_t)i);
    }
}

static int sample_points(const collision_shape *s, const transform *t, vec3 toward, vec3 *out)
{
    if (s->type == COLLISION_BOX) {
        box_vertices(s, t, out);
        return 8;
    }
    return cylinder_rim_points(s, t, toward, NP_RIM_SAMPLES, out);
}

/* Box or cylinder A against cylinder B. */
static void convex_cylinder(contact_buf *b, const collision_shape *a, const transform *ta, const collision_shape *c,
                            const transform *tc, double margin)
{
    vec3 axes[20];
    int na = candidate_axes(a, ta, c, tc, axes);
    double best = INFINITY;
    vec3 n = v3(0, 0, 1);
    for (int i = 0; i < na; i++) {
        double len = v3_norm(axes[i]);
        if (len < 1e-9)
            continue;
        vec3 l = v3_scale(axes[i], 1.0 / len);
        double p1 = overlap_along(a, ta, c, tc, l), p2 = overlap_along(a, ta, c, tc, v3_neg(l));
        double pen = p1 <= p2 ? p1 : p2;
        if (pen < best - 1e-9) {
            best = pen;
            n = p1 <= p2 ? l : v3_neg(l);
        }
    }
    if (best < -margin)
        return;
    vec3 pa = support(a, ta, n), pc = support(c, tc, v3_neg(n));
    double top_a = v3_dot(n, pa), bottom_c = v3_dot(n, pc);
    vec3 pts[2 * NP_RIM_SAMPLES];
    int np = sample_points(c, tc, n, pts);
    plane_samples(b, pts, np, n, top_a, 1.0, a, ta, margin, 0);
    np = sample_points(a, ta, v3_neg(n), pts);
    plane_samples(b, pts, np, n, bottom_c, -1.0, c, tc, margin, 16);
    if (b->n == 0)
        push(b, v3_scale(v3_add(pa, pc), 0.5), n, best, 40);
}

/* ---- dispatch ------------------------------------------------------------------------------------------------- */

/* Pairs are handled with A the lower rank: plane < sphere < capsule < box < cylinder. */
static int rank_of(collision_shape_type t)
{
    switch (t) {
    case COLLISION_PLANE: return 0;
    case COLLISION_SPHERE: return 1;
    case COLLISION_CAPSULE: return 2;
    case COLLISION_BOX: return 3;
    default: return 4;
    }
}

static void collide_ordered(contact_buf *b, const collision_shape *a, const transform *ta, const collision_shape *x,
                            const transform *tx, double margin)
{
    switch (a->type) {
    case COLLISION_PLANE:
        if (x->type == COLLISION_SPHERE) {
            round_vs(b, tx->pos, x->size[0], a, ta, margin, 0);
            flip_from(b, 0);
        } else if (x->type == COLLISION_CAPSULE) {
            capsule_vs(b, x, tx, a, ta, margin, 0);
            flip_from(b, 0);
        } else if (x->type == COLLISION_BOX) {
            plane_box(b, ta, x, tx, margin);
        } else if (x->type == COLLISION_CYLINDER) {
            plane_cylinder(b, ta, x, tx, margin);
        }
        break;
    case COLLISION_SPHERE:
        round_vs(b, ta->pos, a->size[0], x, tx, margin, 0);
        break;
    case COLLISION_CAPSULE:
        capsule_vs(b, a, ta, x, tx, margin, 0);
        if (x->type == COLLISION_CAPSULE) {
            /* B's end points against A too, so a short capsule lying along a long one gets two contacts. */
            int start = b->n;
            vec3 p0, p1;
            capsule_segment(x, tx, &p0, &p1);
            round_vs(b, p0, x->size[0], a, ta, margin, 8);
            round_vs(b, p1, x->size[0], a, ta, margin, 9);
            flip_from(b, start);
        }
        break;
    case COLLISION_BOX:
        if (x->type == COLLISION_BOX)
            box_box(b, a, ta, x, tx, margin);
        else
            convex_cylinder(b, a, ta, x, tx, margin);
        break;
    default:
        convex_cylinder(b, a, ta, x, tx, margin);
        break;
    }
}

int collision_collide(const collision_shape *a, const transform *ta, const collision_shape *b, const transform *tb,
                      double margin, collision_contact out[COLLISION_MAX_PAIR_CONTACTS])
{
    assert(a && ta && b && tb && out && margin >= 0);
    contact_buf buf;
    buf.n = 0;
    margin += NP_TOUCH_EPS;
    if (rank_of(a->type) <= rank_of(b->type)) {
        collide_ordered(&buf, a, ta, b, tb, margin);
    } else {
        collide_ordered(&buf, b, tb, a, ta, margin);
        flip_from(&buf, 0);
    }
    return reduce(&buf, out);
}
