/* src/collision/collision_api.c — the public collision API (worldrunner/collision.h): settings, statistics, shape
 * filters, contacts. A world's collision stage (collision_stage.h) holds what these calls read and write; the world
 * hands it out through wr_world_collision_stage().
 */
#include <math.h>

#include "collision/collision_stage.h"
#include "core/guard.h"
#include "core/status_internal.h"
#include "dynamics/dynamics_internal.h"
#include "worldrunner/collision.h"

/* Every call on a world goes through here: `function` names the public call in a refusal (core/guard.h). */
static wr_status stage_of(const wr_world *w, wr_collision_stage **out, const char *function)
{
    if (!w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world is NULL");
    if (wr_world_guard_refuses(w))
        return wr_guard_fail(function);
    *out = wr_world_collision_stage(w);
    if (!*out)
        return WR_FAIL(WR_ERR_INVALID_STATE, "the world has no constraint solver yet (add a skeleton first)");
    return WR_OK;
}

void wr_collision_settings_init(wr_collision_settings *s)
{
    if (!s)
        return;
    s->max_iterations = 40;
    s->tolerance = 1e-7;
    s->margin = 0.005;
    s->erp = 0.2;
    s->slop = 0.0005;
    s->max_correction = 1.0;
    s->cfm = 1e-9;
    s->restitution_threshold = 0.2;
    s->limit_margin = 0.05;
    s->self_collision = 1;
    s->adjacent_collision = 0;
    s->friction_cone = WR_FRICTION_ELLIPTIC;
}

static wr_status check_settings(const wr_collision_settings *s)
{
    if (s->max_iterations < 1 || s->max_iterations > 10000)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "max_iterations %d not in 1..10000", s->max_iterations);
    const double v[] = {s->tolerance, s->margin, s->erp, s->slop, s->max_correction, s->cfm,
                        s->restitution_threshold, s->limit_margin};
    const char *names[] = {"tolerance", "margin", "erp", "slop", "max_correction", "cfm", "restitution_threshold",
                           "limit_margin"};
    for (int i = 0; i < 8; i++) {
        if (!isfinite(v[i]))
            return WR_FAIL(WR_ERR_NON_FINITE, "%s is not finite", names[i]);
        if (v[i] < 0)
            return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "%s = %g must be >= 0", names[i], v[i]);
    }
    if (s->erp > 1)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "erp = %g must be in [0, 1]", s->erp);
    if (!(s->max_correction > 0))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "max_correction must be > 0");
    if ((s->self_collision != 0 && s->self_collision != 1) || (s->adjacent_collision != 0 && s->adjacent_collision != 1))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "self_collision and adjacent_collision must be 0 or 1");
    if (s->friction_cone != WR_FRICTION_ELLIPTIC && s->friction_cone != WR_FRICTION_PYRAMID)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT,
                       "friction_cone %d is neither WR_FRICTION_ELLIPTIC nor WR_FRICTION_PYRAMID", (int)s->friction_cone);
    return WR_OK;
}

/* Settings work before the world's first skeleton too: the world keeps them and hands them to its stage. */
wr_status wr_collision_get_settings(const wr_world *w, wr_collision_settings *out)
{
    if (!w || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and out must not be NULL");
    if (wr_world_guard_refuses(w))
        return wr_guard_fail(__func__);
    const wr_collision_stage *stage = wr_world_collision_stage(w);
    *out = stage ? stage->settings : *wr_world_early_collision_settings((wr_world *)w); /* only read */
    return WR_OK;
}

wr_status wr_collision_set_settings(wr_world *w, const wr_collision_settings *settings)
{
    if (!w || !settings)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and settings must not be NULL");
    if (wr_world_guard_refuses(w))
        return wr_guard_fail(__func__);
    wr_status s = check_settings(settings);
    if (s != WR_OK)
        return s;
    wr_collision_stage *stage = wr_world_collision_stage(w);
    if (!stage) {
        *wr_world_early_collision_settings(w) = *settings;
        return WR_OK;
    }
    stage->settings = *settings;
    wr_collision_invalidate(stage); /* self/adjacent collision may have changed */
    return WR_OK;
}

wr_status wr_collision_get_stats(const wr_world *w, wr_collision_stats *out)
{
    wr_collision_stage *stage = NULL;
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_status s = stage_of(w, &stage, __func__);
    if (s == WR_OK)
        *out = stage->stats;
    return s;
}

static wr_status check_shape(const wr_skeleton *s, int shape, const char *function)
{
    if (!s)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton is NULL");
    if (wr_skeleton_guard_refuses(s))
        return wr_guard_fail(function);
    if (shape < 0 || shape >= dyn_skeleton_shape_count(s))
        return WR_FAIL(WR_ERR_NOT_FOUND, "shape %d not in 0..%d", shape, dyn_skeleton_shape_count(s) - 1);
    return WR_OK;
}

wr_status wr_collision_set_shape_filter(wr_skeleton *s, int shape, uint32_t group, uint32_t mask)
{
    wr_status st = check_shape(s, shape, __func__);
    if (st != WR_OK)
        return st;
    /* dynamics changes the bits (copying a model's shared shape table first) */
    if ((st = dyn_skeleton_set_shape_filter(s, shape, group, mask)) != WR_OK)
        return st;
    wr_collision_stage *stage = wr_world_collision_stage(dyn_skeleton_world(s));
    if (stage)
        wr_collision_invalidate(stage); /* the cold-path facts (can any pair collide?) are derived again */
    return WR_OK;
}

wr_status wr_collision_get_shape_filter(const wr_skeleton *s, int shape, uint32_t *group, uint32_t *mask)
{
    wr_status st = check_shape(s, shape, __func__);
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
    wr_collision_stage *stage = NULL;
    wr_status s = stage_of(w, &stage, __func__);
    if (s != WR_OK)
        return s;
    if (!count || (capacity && !out))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "count must not be NULL, nor out when capacity > 0");
    if (!stage->contacts_committed)
        return WR_FAIL(WR_ERR_INVALID_STATE, "the world's last step did not commit (or none was taken)");
    const wr_contact_list *list = &stage->contacts;
    *count = list->contact_count;
    for (uint32_t k = 0; k < list->contact_count && k < capacity; k++) {
        const contact_rec *r = &list->contacts[k];
        const proxy_info *a = &list->proxies[r->pa], *b = &list->proxies[r->pb];
        wr_collision_contact_info *o = &out[k];
        o->skeleton_a = a->skel;
        o->body_a = a->body;
        o->shape_a = a->shape_index;
        o->skeleton_b = b->skel;
        o->body_b = b->body;
        o->shape_b = b->shape_index;
        v3_store(r->c.point, o->point);
        v3_store(r->c.normal, o->normal);
        o->depth = r->c.depth;
        for (int j = 0; j < 3; j++)
            o->impulse[j] = r->impulse[j];
    }
    return WR_OK;
}
