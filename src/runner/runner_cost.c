/* wr_world_runner_cost_estimate: a world's load-balancing cost from what it holds (see worldrunner/world_runner.h).
 *
 *   cost = 1 + sum over skeletons s of  nv_s * (1 + k_s)
 *
 * nv_s is the skeleton's dof count (the articulated-body pass is linear in it) and k_s the number of pairs (shape on a
 * moving body of s, static shape) that the collision filter lets touch: under gravity those pairs become contacts,
 * and each contact of s costs constraint rows whose Jacobians and M^-1 solves are nv_s wide. Static shapes are planes
 * and shapes on bodies welded to the world. Pairs of two moving bodies are left out: whether they meet depends on
 * where they are, and counting them all (quadratic) would rank a spread-out field of boxes far above its cost.
 * The filter below is the collision stage's (groups and masks both ways; within one skeleton only with
 * self_collision, and between a body and its parent only with adjacent_collision).
 */
#include "core/guard.h"
#include "core/status_internal.h"
#include "dynamics/dynamics_internal.h"
#include "worldrunner/collision.h"
#include "worldrunner/skeleton.h"
#include "worldrunner/world_runner.h"

static bool shapes_may_touch(const dyn_shape *a, const dyn_shape *b)
{
    return (a->group & b->mask) && (b->group & a->mask);
}

/* Within one skeleton: a moving body `a` and a static body `b` (never the same body). */
static bool bodies_may_touch(const wr_skeleton *s, int a, int b, const wr_collision_settings *settings)
{
    if (!settings->self_collision)
        return false;
    return settings->adjacent_collision || (dyn_body_parent(s, a) != b && dyn_body_parent(s, b) != a);
}

/* Pairs (moving shape of skeleton i, static shape anywhere) the filter allows. */
static double static_pairs(const wr_world *w, int i, const wr_collision_settings *settings)
{
    const wr_skeleton *s = wr_world_get_skeleton(w, i);
    double pairs = 0;
    for (int a = 0; a < dyn_skeleton_shape_count(s); a++) {
        const dyn_shape *sa = dyn_skeleton_shape(s, a);
        if (dyn_body_is_static(s, sa->body))
            continue;
        for (int j = 0; j < wr_world_skeleton_count(w); j++) {
            const wr_skeleton *t = wr_world_get_skeleton(w, j);
            for (int b = 0; b < dyn_skeleton_shape_count(t); b++) {
                const dyn_shape *sb = dyn_skeleton_shape(t, b);
                if (!dyn_body_is_static(t, sb->body) || !shapes_may_touch(sa, sb))
                    continue;
                if (j != i || bodies_may_touch(s, sa->body, sb->body, settings))
                    pairs += 1;
            }
        }
    }
    return pairs;
}

double wr_world_runner_cost_estimate(const wr_world *w)
{
    if (!w) {
        WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world is NULL");
        return 0.0;
    }
    if (wr_world_guard_refuses(w)) {
        wr_guard_fail(__func__);
        return 0.0;
    }
    double cost = 1.0;
    wr_collision_settings settings;
    if (wr_world_skeleton_count(w) == 0 || wr_collision_get_settings(w, &settings) != WR_OK)
        return cost; /* an empty world (the solver comes with the first skeleton) */
    for (int i = 0; i < wr_world_skeleton_count(w); i++) {
        double nv = (double)dyn_skeleton_dof_count(wr_world_get_skeleton(w, i));
        if (nv > 0)
            cost += nv * (1.0 + static_pairs(w, i, &settings));
    }
    return cost;
}
