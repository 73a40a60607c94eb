/* src/dynamics/dynamics_stage.c — the dynamics stages of a world step (dynamics_stage.h), on top of the
 * articulated-body algorithms of articulated.c.
 */
#include "dynamics/dynamics_stage.h"

#include <math.h>

#include "core/status_internal.h"
#include "core/util.h"
#include "dynamics/skeleton_impl.h"

/* Stage 1 for one skeleton: candidate velocities. Returns 0 if anything is not finite. */
static int skeleton_velocity_update(wr_skeleton *s, double dt)
{
    dyn_passive_and_commands(s);
    dyn_aba(s, dt);
    s->factor_valid = 0;
    int ok = 1;
    for (int k = 0; k < s->nv; k++) {
        double v = s->v[k] + dt * s->qdd[k];
        ok &= isfinite(v) != 0;
        s->v[k] = v;
    }
    return ok;
}

wr_status wr_dynamics_forward(wr_skeleton *const *skeletons, int count, double dt)
{
    int bad = -1;
    for (int i = 0; i < count; i++)
        if (!skeleton_velocity_update(skeletons[i], dt) && bad < 0)
            bad = i;
    if (bad >= 0)
        return WR_FAIL(WR_ERR_NON_FINITE, "non-finite velocity of skeleton '%s' (index %d) after forward dynamics",
                       skeletons[bad]->name, bad);
    return WR_OK;
}

wr_status wr_dynamics_integrate(wr_skeleton *const *skeletons, int count, double dt)
{
    for (int i = 0; i < count; i++) {
        wr_skeleton *s = skeletons[i];
        if (!wr_all_finite(s->v, (size_t)s->nv))
            return WR_FAIL(WR_ERR_NON_FINITE, "non-finite velocity of skeleton '%s' after the constraint stage",
                           s->name);
        dyn_integrate_positions(s, dt);
        if (!wr_all_finite(s->q, (size_t)s->nq))
            return WR_FAIL(WR_ERR_NON_FINITE, "non-finite position of skeleton '%s' after integration", s->name);
    }
    return WR_OK;
}
