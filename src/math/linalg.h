/* src/math/linalg.h — small dense symmetric positive definite matrices: Cholesky factor, solve, inverse; and one
 * small general solve.
 *
 * The one place where worldrunner factors a matrix: the joint-space blocks of ABA (n <= 6), the skeleton's
 * mass-matrix factor for the constraint stage, the constraint stage's M^-1, and (general, not symmetric) the
 * implicit gyroscopic step of a free body with joint damping (6x6). Matrices are
 * row-major n x n doubles; only the lower triangle of an input is read. Header-only (static inline) like the rest of
 * src/math: the callers' fixed sizes (6 for a free body) unroll, and nothing allocates. Threads: any.
 *
 * Two pivot forms, each bit for bit what its callers always computed:
 *   wr_cholesky_factor / wr_cholesky_solve   L with its diagonal, divisions by the pivots: factor once, solve often;
 *   wr_spd_inverse                           L with reciprocal pivots and products only: the whole inverse at once,
 *                                            n divisions instead of n^2 / 2 (the constraint stage's M^-1).
 */
#ifndef WR_MATH_LINALG_H
#define WR_MATH_LINALG_H

#include <math.h>

/* Largest n of the _small functions (a joint's dofs, a free body). */
#define WR_LINALG_SMALL_MAX 6

/* Lower-triangular l with a = l l^T (entries of l above the diagonal are not written). Returns 0 if `a` is not
 * positive definite or not finite (a pivot that is not > 0 and finite); l is then partly written. */
static inline int wr_cholesky_factor(const double *a, int n, double *l)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double sum = a[i * n + j];
            for (int k = 0; k < j; k++)
                sum -= l[i * n + k] * l[j * n + k];
            if (i == j) {
                if (!(sum > 0) || !isfinite(sum))
                    return 0;
                l[i * n + i] = sqrt(sum);
            } else {
                l[i * n + j] = sum / l[j * n + j];
            }
        }
    return 1;
}

/* x <- (l l^T)^-1 x with l from wr_cholesky_factor: forward, then backward substitution. */
static inline void wr_cholesky_solve(const double *l, int n, double *x)
{
    for (int i = 0; i < n; i++) {
        double sum = x[i];
        for (int k = 0; k < i; k++)
            sum -= l[i * n + k] * x[k];
        x[i] = sum / l[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
        double sum = x[i];
        for (int k = i + 1; k < n; k++)
            sum -= l[k * n + i] * x[k];
        x[i] = sum / l[i * n + i];
    }
}

/* x <- a^-1 x for n <= WR_LINALG_SMALL_MAX (the factor on the stack). Returns 0 if `a` is not SPD. */
static inline int wr_spd_solve_small(const double *a, int n, double *x)
{
    double l[WR_LINALG_SMALL_MAX * WR_LINALG_SMALL_MAX];
    if (!wr_cholesky_factor(a, n, l))
        return 0;
    wr_cholesky_solve(l, n, x);
    return 1;
}

/* out <- a^-1 (n x n) for n <= WR_LINALG_SMALL_MAX, column by column of the solve. Returns 0 if `a` is not SPD. */
static inline int wr_spd_inverse_small(const double *a, int n, double *out)
{
    if (n == 1) {
        if (!(a[0] > 0))
            return 0;
        out[0] = 1.0 / a[0];
        return 1;
    }
    double l[WR_LINALG_SMALL_MAX * WR_LINALG_SMALL_MAX];
    if (!wr_cholesky_factor(a, n, l))
        return 0;
    for (int c = 0; c < n; c++) { /* columns of the inverse: solve l l^T x = e_c */
        double x[WR_LINALG_SMALL_MAX] = {0};
        x[c] = 1.0;
        wr_cholesky_solve(l, n, x);
        for (int i = 0; i < n; i++)
            out[i * n + c] = x[i];
    }
    return 1;
}

/* Inverse of a symmetric positive definite n x n matrix `a` (already known to factor) into `out`, with `l` (n x n)
 * as scratch: Cholesky L with reciprocal pivots, L^-1 in place, then out = L^-T L^-1. Few divisions: this is the
 * cheap way for the small matrices of free bodies and limbs. */
static inline void wr_spd_inverse(const double *a, int n, double *out, double *l)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double sum = a[i * n + j];
            for (int k = 0; k < j; k++)
                sum -= l[i * n + k] * l[j * n + k];
            /* the diagonal holds 1 / L_ii */
            l[i * n + j] = i == j ? 1.0 / sqrt(sum) : sum * l[j * n + j];
        }
    /* L^-1 (lower), stored in the upper-left triangle of out transposed: out[j][i] = (L^-1)[i][j]. */
    for (int j = 0; j < n; j++) {
        out[j * n + j] = l[j * n + j];
        for (int i = j + 1; i < n; i++) {
            double sum = 0;
            for (int k = j; k < i; k++)
                sum -= l[i * n + k] * out[j * n + k];
            out[j * n + i] = sum * l[i * n + i];
        }
    }
    /* out[j][i] for i >= j is (L^-1)[i][j]; M^-1[i][j] = sum_k (L^-1)[k][i] (L^-1)[k][j], k >= max(i, j). */
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double sum = 0;
            for (int k = i; k < n; k++)
                sum += out[i * n + k] * out[j * n + k];
            l[i * n + j] = sum;
        }
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
            out[i * n + j] = out[j * n + i] = l[i * n + j];
}

/* x <- a^-1 x for a general n x n `a` (n <= WR_LINALG_SMALL_MAX; destroyed) by Gaussian elimination with partial
 * pivoting. Returns 0 if `a` is singular (or not finite). */
static inline int wr_general_solve_small(double *a, int n, double *x)
{
    for (int c = 0; c < n; c++) {
        int p = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(a[r * n + c]) > fabs(a[p * n + c]))
                p = r;
        if (!(fabs(a[p * n + c]) > 0))
            return 0;
        if (p != c) {
            for (int k = c; k < n; k++) {
                double t = a[c * n + k];
                a[c * n + k] = a[p * n + k];
                a[p * n + k] = t;
            }
            double t = x[c];
            x[c] = x[p];
            x[p] = t;
        }
        for (int r = c + 1; r < n; r++) {
            double f = a[r * n + c] / a[c * n + c];
            if (f == 0.0)
                continue;
            for (int k = c + 1; k < n; k++)
                a[r * n + k] -= f * a[c * n + k];
            x[r] -= f * x[c];
        }
    }
    for (int r = n - 1; r >= 0; r--) {
        double sum = x[r];
        for (int k = r + 1; k < n; k++)
            sum -= a[r * n + k] * x[k];
        x[r] = sum / a[r * n + r];
    }
    return 1;
}

#endif
