/* Projected Gauss-Seidel (see pgs.h). The inner loop is a dot product and an axpy per block. */
#include "constraint/pgs.h"

#include <assert.h>
#include <math.h>

static inline double dot_n(const double *j, const double *v, uint32_t n)
{
    double s = 0;
    for (uint32_t k = 0; k < n; k++)
        s += j[k] * v[k];
    return s;
}

static inline void axpy_n(double *v, const double *w, double a, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        v[k] += w[k] * a;
}

/* Blocks of 6 (a free body) are the common case: a fixed size the compiler unrolls. */
static inline double block_dot(const double *j, const double *v, uint32_t n)
{
    return n == 6 ? dot_n(j, v, 6) : dot_n(j, v, n);
}

static inline void block_axpy(double *v, const double *w, double a, uint32_t n)
{
    if (n == 6)
        axpy_n(v, w, a, 6);
    else
        axpy_n(v, w, a, n);
}

static inline double row_velocity(const pgs_problem *p, const pgs_row *r)
{
    double a = 0;
    for (int s = 0; s < 2; s++)
        if (r->count[s])
            a += block_dot(p->coef + r->coef[s], p->v + r->dof[s], r->count[s]);
    return a;
}

double pgs_row_velocity(const pgs_problem *p, const pgs_row *r) { return row_velocity(p, r); }

static inline void apply(pgs_problem *p, const pgs_row *r, double dl)
{
    for (int s = 0; s < 2; s++)
        if (r->count[s])
            block_axpy(p->v + r->dof[s], p->coef + r->coef[s] + r->count[s], dl, r->count[s]);
}

static double row_diag(const pgs_problem *p, const pgs_row *r)
{
    double d = r->cfm;
    for (int s = 0; s < 2; s++)
        if (r->count[s])
            d += block_dot(p->coef + r->coef[s], p->coef + r->coef[s] + r->count[s], r->count[s]);
    return d;
}

/* The 2x2 block K of a disc pair: K itself (second row's block[]), its inverse (first row's block[]), and
 * 1 / its larger eigenvalue (first row's step; 0: neither direction can act). A nearly singular K (both directions
 * move one dof) is marked by the second row's step = 0 and solved by the projected-step fallback. */
static void prepare_disc(const pgs_problem *p, pgs_row *r1, pgs_row *r2, double d1, double d2)
{
    double k12 = 0;
    for (int s = 0; s < 2; s++) {
        assert(r1->count[s] == r2->count[s] && r1->dof[s] == r2->dof[s]);
        if (r1->count[s])
            k12 += block_dot(p->coef + r1->coef[s], p->coef + r2->coef[s] + r2->count[s], r1->count[s]);
    }
    const double half = 0.5 * (d1 - d2);
    const double kmax = 0.5 * (d1 + d2) + sqrt(half * half + k12 * k12);
    r1->step = kmax > 1e-12 ? 1.0 / kmax : 0.0;
    r2->block[0] = d1;
    r2->block[1] = k12;
    r2->block[2] = d2;
    const double det = d1 * d2 - k12 * k12;
    r2->step = det > 1e-9 * d1 * d2 ? det : 0.0;
    if (r2->step > 0) {
        r1->block[0] = d2 / det;
        r1->block[1] = -k12 / det;
        r1->block[2] = d1 / det;
    }
}

void pgs_prepare(pgs_problem *p)
{
    for (uint32_t i = 0; i < p->row_count; i++) {
        pgs_row *r = &p->rows[i];
        double d = row_diag(p, r);
        r->inv_diag = d > 1e-12 ? 1.0 / d : 0.0;
        if (r->disc != 1)
            continue;
        assert(i + 1 < p->row_count && p->rows[i + 1].disc == 2);
        pgs_row *r2 = &p->rows[i + 1];
        double d2 = row_diag(p, r2);
        r2->inv_diag = d2 > 1e-12 ? 1.0 / d2 : 0.0;
        prepare_disc(p, r, r2, d, d2); /* step 0: neither direction can act */
        i++;
    }
}

/* (l1, l2) onto the disc of radius `bound` (one square root when outside). */
static void disc_project(double *l1, double *l2, double bound)
{
    double n2 = *l1 * *l1 + *l2 * *l2;
    if (n2 <= bound * bound)
        return;
    double k = bound > 0 ? bound / sqrt(n2) : 0.0;
    *l1 *= k;
    *l2 *= k;
}

static void bounds(const pgs_problem *p, const pgs_row *r, double *lo, double *hi)
{
    if (r->normal >= 0) {
        double b = r->mu * p->rows[r->normal].lambda;
        *lo = -b;
        *hi = b;
    } else {
        *lo = r->lo;
        *hi = r->hi;
    }
}

static double clamp(double x, double lo, double hi) { return x < lo ? lo : (x > hi ? hi : x); }

void pgs_warm_start(pgs_problem *p, uint32_t first, uint32_t end)
{
    for (uint32_t i = first; i < end; i++) {
        pgs_row *r = &p->rows[i];
        if (r->disc == 1) {
            pgs_row *r2 = &p->rows[i + 1];
            i++;
            if (r->step == 0.0) {
                r->lambda = r2->lambda = 0.0;
                continue;
            }
            disc_project(&r->lambda, &r2->lambda, r->mu * p->rows[r->normal].lambda);
            if (r->lambda != 0.0)
                apply(p, r, r->lambda);
            if (r2->lambda != 0.0)
                apply(p, r2, r2->lambda);
            continue;
        }
        double lo, hi;
        bounds(p, r, &lo, &hi);
        r->lambda = r->inv_diag > 0 ? clamp(r->lambda, lo, hi) : 0.0;
        if (r->lambda != 0.0)
            apply(p, r, r->lambda);
    }
}

/* The point of the disc |l| <= bound nearest to t in the metric of K (k = K's 11, 12, 22 entries, det its
 * determinant, kmin its smaller eigenvalue, z = K t; |t| > bound): l = (K + mu 1)^-1 K t = (det t + mu z) /
 * det(K + mu 1) for the mu > 0 with |l| = bound, found by Newton on 1/bound - 1/|l(mu)|, which is convex and
 * decreasing, so Newton from below never overshoots. It starts from kmin (|t| / bound - 1), a lower bound of mu (the
 * root itself when K is isotropic), and takes one to three steps. This is the exact solution of the pair's 2x2
 * problem on the disc, continuous in t (so round-off stays round-off). */
static void disc_nearest(const double k[3], double det, double kmin, double t1, double t2, double z1, double z2,
                         double bound, double *l1, double *l2)
{
    const double tr = k[0] + k[2], inv_b = 1.0 / bound;
    double mu = kmin * (sqrt(t1 * t1 + t2 * t2) * inv_b - 1.0), n = bound;
    for (int it = 0; it < 12; it++) {
        const double dm = det + mu * (tr + mu), inv = 1.0 / dm; /* det(K + mu 1) */
        const double x1 = (det * t1 + mu * z1) * inv, x2 = (det * t2 + mu * z2) * inv;
        const double n2 = x1 * x1 + x2 * x2;
        n = sqrt(n2);
        *l1 = x1;
        *l2 = x2;
        const double psi = inv_b - 1.0 / n;
        if (psi <= 1e-14 * inv_b)
            break;
        /* d psi / d mu = -l^T adj(K + mu 1) l / (det(K + mu 1) |l|^3) */
        const double a = (k[2] + mu) * x1 * x1 - 2.0 * k[1] * x1 * x2 + (k[0] + mu) * x2 * x2;
        if (!(a > 0))
            break;
        mu += psi * dm * n * n2 / a;
    }
    if (n > bound) { /* round-off */
        const double f = bound / n;
        *l1 *= f;
        *l2 *= f;
    }
}

/* One sweep's update of a disc pair (see pgs.h); returns the larger impulse change. */
static double solve_disc(pgs_problem *p, pgs_row *r1, pgs_row *r2)
{
    if (r1->step == 0.0)
        return 0.0;
    const double l1 = r1->lambda, l2 = r2->lambda;
    const double e1 = r1->rhs - row_velocity(p, r1) - r1->cfm * l1;
    const double e2 = r2->rhs - row_velocity(p, r2) - r2->cfm * l2;
    const double bound = r1->mu * p->rows[r1->normal].lambda;
    double t1 = 0, t2 = 0;
    if (bound > 0 && r2->step > 0) {
        t1 = l1 + r1->block[0] * e1 + r1->block[1] * e2; /* the block's own solution: sticking */
        t2 = l2 + r1->block[1] * e1 + r1->block[2] * e2;
        if (t1 * t1 + t2 * t2 > bound * bound) { /* sliding: the nearest point of the disc in K's metric */
            const double *k = r2->block;
            const double z1 = k[0] * l1 + k[1] * l2 + e1, z2 = k[1] * l1 + k[2] * l2 + e2; /* K t */
            disc_nearest(k, r2->step, r2->step * r1->step, t1, t2, z1, z2, bound, &t1, &t2);
        }
    } else if (bound > 0) { /* nearly singular block: a projected step */
        t1 = l1 + r1->step * e1;
        t2 = l2 + r1->step * e2;
        disc_project(&t1, &t2, bound);
    }
    const double d1 = t1 - l1, d2 = t2 - l2;
    if (d1 != 0.0) {
        apply(p, r1, d1);
        r1->lambda = t1;
    }
    if (d2 != 0.0) {
        apply(p, r2, d2);
        r2->lambda = t2;
    }
    return fmax(fabs(d1), fabs(d2));
}

pgs_result pgs_solve(pgs_problem *p, uint32_t first, uint32_t end, const pgs_settings *settings)
{
    pgs_result res = {0, 0.0};
    for (int it = 0; it < settings->max_iterations; it++) {
        double worst = 0;
        for (uint32_t i = first; i < end; i++) {
            pgs_row *r = &p->rows[i];
            if (r->disc == 1) {
                double d = solve_disc(p, r, &p->rows[i + 1]);
                if (d > worst)
                    worst = d;
                i++;
                continue;
            }
            if (r->inv_diag == 0.0)
                continue;
            double a = row_velocity(p, r);
            double lo, hi;
            bounds(p, r, &lo, &hi);
            double next = clamp(r->lambda + (r->rhs - a - r->cfm * r->lambda) * r->inv_diag, lo, hi);
            double dl = next - r->lambda;
            if (dl != 0.0) {
                apply(p, r, dl);
                r->lambda = next;
            }
            if (fabs(dl) > worst)
                worst = fabs(dl);
        }
        res.iterations = it + 1;
        res.residual = worst;
        if (worst <= settings->tolerance)
            break;
    }
    return res;
}
