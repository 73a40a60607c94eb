/* Projected Gauss-Seidel (see pgs.h). The inner loop is a dot product and an axpy per block. */
#include "constraint/pgs.h"

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

void pgs_prepare(pgs_problem *p)
{
    for (uint32_t i = 0; i < p->row_count; i++) {
        pgs_row *r = &p->rows[i];
        double d = r->cfm;
        for (int s = 0; s < 2; s++)
            if (r->count[s])
                d += block_dot(p->coef + r->coef[s], p->coef + r->coef[s] + r->count[s], r->count[s]);
        r->inv_diag = d > 1e-12 ? 1.0 / d : 0.0;
    }
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
        double lo, hi;
        bounds(p, r, &lo, &hi);
        r->lambda = r->inv_diag > 0 ? clamp(r->lambda, lo, hi) : 0.0;
        if (r->lambda != 0.0)
            apply(p, r, r->lambda);
    }
}

pgs_result pgs_solve(pgs_problem *p, uint32_t first, uint32_t end, const pgs_settings *settings)
{
    pgs_result res = {0, 0.0};
    for (int it = 0; it < settings->max_iterations; it++) {
        double worst = 0;
        for (uint32_t i = first; i < end; i++) {
            pgs_row *r = &p->rows[i];
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
