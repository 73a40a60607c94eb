/* src/constraint/pgs.h — boxed LCP by projected Gauss-Seidel over sparse velocity-level rows.
 *
 * Each row couples at most two blocks of consecutive entries of one velocity vector v (one block per skeleton):
 *   a = J v   (J: the row's entries over each block's dofs)
 * and seeks an impulse lambda in [lo, hi] with the complementarity of a boxed LCP:
 *   lambda = lo  => a >= rhs;  lambda = hi  => a <= rhs;  lo < lambda < hi  => a = rhs   (with softness cfm:
 *   a + cfm * lambda in place of a). Applying lambda changes v by W lambda, W = M^-1 J^T (per block).
 * Friction rows take their bounds from a normal row. A row of its own (disc 0) is boxed: |lambda| <= mu lambda_n
 * (two of them make a friction pyramid). Two consecutive rows marked disc 1, 2 (a contact's two tangent
 * directions) are solved together on the friction disc |(l1, l2)| <= mu lambda_n: each sweep solves their 2x2
 * problem exactly, with the Delassus block K (off-diagonal included): the block's own solution t if it lies in the
 * disc (sticking), else the point of the disc nearest to t in K's metric, (K + mu 1)^-1 K t on the circle (sliding;
 * a few Newton steps on mu, one when K is isotropic). That point is what makes a sliding contact's friction oppose
 * its sliding velocity at convergence (projecting t radially would leave it along K^-1 of the sliding direction);
 * the update commutes with a rotation of the two tangent directions and is continuous, so the result does not
 * depend on the tangent basis and a turned scene stays turned to round-off. A sticking contact costs no square
 * root; a nearly singular K (both directions move one dof) falls back to a projected step r / k_max.
 * Rows, coefficients and v are the caller's (frame memory); nothing here allocates. Threads: the caller's.
 */
#ifndef WR_CONSTRAINT_PGS_H
#define WR_CONSTRAINT_PGS_H

#include <stdint.h>

typedef struct pgs_row {
    uint32_t dof[2];      /* first entry of each block in v */
    uint32_t count[2];    /* entries in each block (0 = no block) */
    uint32_t coef[2];     /* offset of the block's J in the coefficient array; its W follows (count entries) */
    int32_t normal;       /* friction rows: index of their normal row; -1 for rows with fixed bounds */
    int32_t disc;         /* 1: first of a friction pair solved on the disc (the next row is the second, 2); 0 */
    double mu;            /* friction rows: coefficient */
    double lo, hi;        /* fixed bounds (may be +-INFINITY) */
    double rhs;           /* target of J v (m/s or rad/s) */
    double cfm;           /* softness >= 0 */
    double inv_diag;      /* 1 / (J W + cfm), set by pgs_prepare */
    double block[3];      /* disc pair: K^-1 (first row), K (second row), entries 11, 12, 22; set by pgs_prepare */
    double step;          /* disc pair: 1 / k_max, 0 if inactive (first row); det K, 0 if nearly singular (second) */
    double lambda;        /* impulse: warm start in, solution out */
} pgs_row;

typedef struct pgs_problem {
    pgs_row *rows;
    uint32_t row_count;
    double *coef;         /* J and W blocks */
    double *v;            /* the velocities, changed in place */
} pgs_problem;

typedef struct pgs_settings {
    int max_iterations;   /* sweeps per island, >= 1 */
    double tolerance;     /* stop when no impulse changed by more than this in a sweep (N s) */
} pgs_settings;

typedef struct pgs_result {
    int iterations;       /* sweeps done */
    double residual;      /* largest impulse change in the last sweep (N s) */
} pgs_result;

/* J v of row r. */
double pgs_row_velocity(const pgs_problem *p, const pgs_row *r);
/* Compute every row's inv_diag (rows with a zero diagonal and no cfm get 0 and never act). */
void pgs_prepare(pgs_problem *p);
/* Clamp the warm-start impulses of rows [first, end) to their bounds and apply them to v. */
void pgs_warm_start(pgs_problem *p, uint32_t first, uint32_t end);
/* Gauss-Seidel sweeps over rows [first, end) (one island) until converged or max_iterations. */
pgs_result pgs_solve(pgs_problem *p, uint32_t first, uint32_t end, const pgs_settings *settings);

#endif
