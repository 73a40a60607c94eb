/* src/collision/collision_api.c — the public collision API (worldrunner/collision.h): settings, statistics, shape
 * filters, contacts.
 * The world owns its constraint solver; dyn_world_constraint_solver() (dynamics_internal.h) reaches it. */
#include <math.h>

#include "constraint/constraint_solver.h"
#include "core/status_internal.h"
#include "dynamics/dynamics_internal.h"
#include "worldrunner/collision.h"

static wr_status solver_of(const wr_world *w, constraint_solver **out)
{
    if (!w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world is NULL");
    *out = dyn_world_constraint_solver(w);
    if (!*out)
        return WR_FAIL(WR_ERR_INVALID_STATE, "the world has no constraint solver yet (add a skeleton first)");
    return WR_OK;
}

wr_status wr_collision_get_settings(const wr_world *w, wr_collision_settings *out)
{
    constraint_solver *solver = NULL;
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_status s = solver_of(w, &solver);
    if (s == WR_OK)
        constraint_solver_get_settings(solver, out);
    return s;
}

wr_status wr_collision_set_settings(wr_world *w, const wr_collision_settings *settings)
{
    constraint_solver *solver = NULL;
    if (!settings)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "settings is NULL");
    wr_status s = solver_of(w, &solver);
    return s == WR_OK ? constraint_solver_set_settings(solver, settings) : s;
}

wr_status wr_collision_get_stats(const wr_world *w, wr_collision_stats *out)
{
    constraint_solver *solver = NULL;
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_status s = solver_of(w, &solver);
    if (s == WR_OK)
        constraint_solver_get_stats(solver, out);
    return s;
}

static wr_status check_shape(const wr_skeleton *s, int shape)
{
    if (!s)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton is NULL");
    if (shape < 0 || shape >= dyn_skeleton_shape_count(s))
        return WR_FAIL(WR_ERR_NOT_FOUND, "shape %d not in 0..%d", shape, dyn_skeleton_shape_count(s) - 1);
    return WR_OK;
}

wr_status wr_collision_set_shape_filter(wr_skeleton *s, int shape, uint32_t group, uint32_t mask)
{
    wr_status st = check_shape(s, shape);
    if (st != WR_OK)
        return st;
    /* The shape array belongs to the skeleton (writable memory); dynamics hands it out read-only because only the
     * filter bits are collision's to change. */
    dyn_shape *ds = (dyn_shape *)dyn_skeleton_shape(s, shape);
    ds->group = group;
    ds->mask = mask;
    dyn_skeleton_shapes_changed(s); /* the solver's cold-path facts (can any pair collide?) are derived again */
    return WR_OK;
}

wr_status wr_collision_get_shape_filter(const wr_skeleton *s, int shape, uint32_t *group, uint32_t *mask)
{
    wr_status st = check_shape(s, shape);
    if (st != WR_OK)
        return st;
    if (!group || !mask)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "group and mask must not be NULL");
    const dyn_shape *ds = dyn_skeleton_shape(s, shape);
    *group = ds->group;
    *mask = ds->mask;
    return WR_OK;
}

wr_status wr_collision_get_contacts(const wr_world *w, wr_collision_contact_info *out, size_t capacity, size_t *count)
{
    constraint_solver *solver = NULL;
    wr_status s = solver_of(w, &solver);
    return s == WR_OK ? constraint_solver_get_contacts(solver, out, capacity, count) : s;
}
