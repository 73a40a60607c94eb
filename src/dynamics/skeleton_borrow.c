/* Skeletons over borrowed tables (instances of a wr_model), copy on write, the weld collision filter, and the
 * control API of actuators.
 *
 * A borrowed skeleton points its bodies, shapes and actuators at a model's read-only block; it owns only its header
 * and its state block (q, v, commands, controls, scratch), so a thousand worlds of one model hold one copy of the
 * model's tables. Writes to a table (joint damping, shape filters) copy it into the skeleton's manager first.
 * Cold path only, except dyn_bodies_filtered (collision filtering, a few compares).
 */
#include <math.h>
#include <stdalign.h>
#include <string.h>

#include "core/guard.h"
#include "core/status_internal.h"
#include "core/util.h"
#include "dynamics/skeleton_impl.h"

#define SK_TAG WR_MEMORY_TAG_SKELETON
#define STATE_ALIGN 32u

static size_t name_length(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    return n > WR_SKELETON_NAME_MAX - 1 ? WR_SKELETON_NAME_MAX - 1 : n;
}

wr_status skeleton_create_borrowed(wr_memory_manager *m, const skeleton_borrow *b, wr_skeleton **out)
{
    if (!m || !b || !out || !b->lender || b->body_count < 1 || !b->bodies || (b->nq && !b->q0))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "incomplete borrowed skeleton description");
    void *header = NULL, *state = NULL;
    size_t state_bytes = skeleton_state_bytes(b->body_count, b->nq, b->nv, b->actuator_count);
    wr_status st = wr_memory_manager_allocate(m, sizeof(wr_skeleton), alignof(wr_skeleton), SK_TAG, &header);
    if (st == WR_OK)
        st = wr_memory_manager_allocate(m, state_bytes, STATE_ALIGN, SK_TAG, &state);
    if (st != WR_OK) {
        if (header)
            wr_memory_manager_deallocate(m, header, sizeof(wr_skeleton), alignof(wr_skeleton), SK_TAG);
        return st;
    }
    memset(state, 0, state_bytes);
    wr_skeleton *s = header;
    memset(s, 0, sizeof *s);
    s->manager = m;
    s->world_index = -1;
    s->gravity = v3(0, 0, -9.81);
    size_t n = name_length(b->name);
    if (n)
        memcpy(s->name, b->name, n);
    s->name[n] = '\0';
    /* the tables are only read through these pointers unless copied first (skeleton_own_*) */
    s->bodies = (body_node *)b->bodies;
    s->body_count = s->body_capacity = b->body_count;
    s->shapes = (dyn_shape *)b->shapes;
    s->shape_count = s->shape_capacity = b->shape_count;
    s->bodies_borrowed = s->shapes_borrowed = 1;
    s->actuators = b->actuators;
    s->actuator_count = b->actuator_count;
    s->nq = b->nq;
    s->nv = b->nv;
    s->state = state;
    s->state_bytes = state_bytes;
    s->state_bodies = b->body_count;
    s->state_nq = b->nq;
    s->state_nv = b->nv;
    s->state_nu = b->actuator_count;
    skeleton_bind(s);
    if (b->nq)
        memcpy(s->q, b->q0, (size_t)b->nq * sizeof(double));
    s->lender = b->lender;
    atomic_fetch_add_explicit(&s->lender->borrowers, 1, memory_order_acq_rel);
    skeleton_invalidate(s);
    *out = s;
    return WR_OK;
}

wr_status skeleton_own_bodies(wr_skeleton *s)
{
    if (!s->bodies_borrowed)
        return WR_OK;
    size_t bytes = (size_t)s->body_count * sizeof(body_node);
    void *mem = NULL;
    wr_status st = wr_memory_manager_allocate(s->manager, bytes, alignof(body_node), SK_TAG, &mem);
    if (st != WR_OK)
        return st;
    memcpy(mem, s->bodies, bytes);
    s->bodies = mem;
    s->body_capacity = s->body_count;
    s->bodies_borrowed = 0;
    return WR_OK;
}

wr_status skeleton_own_shapes(wr_skeleton *s)
{
    if (!s->shapes_borrowed || s->shape_count == 0)
        return WR_OK;
    size_t bytes = (size_t)s->shape_count * sizeof(dyn_shape);
    void *mem = NULL;
    wr_status st = wr_memory_manager_allocate(s->manager, bytes, alignof(dyn_shape), SK_TAG, &mem);
    if (st != WR_OK)
        return st;
    memcpy(mem, s->shapes, bytes);
    s->shapes = mem;
    s->shape_capacity = s->shape_count;
    s->shapes_borrowed = 0;
    return WR_OK;
}

/* ---- collision filtering ----------------------------------------------------------------------------------- */

int dyn_bodies_filtered(const wr_skeleton *s, int a, int b, int filter_parent)
{
    const body_node *na = &s->bodies[a], *nb = &s->bodies[b];
    if (na->weld_group < 0 || nb->weld_group < 0)
        return 0;
    if (na->weld_group == nb->weld_group)
        return 1;
    return filter_parent && (na->weld_group == nb->weld_parent || nb->weld_group == na->weld_parent);
}

wr_status dyn_skeleton_set_shape_filter(wr_skeleton *s, int shape, uint32_t group, uint32_t mask)
{
    dyn_shape *ds = &s->shapes[shape];
    if (ds->group == group && ds->mask == mask)
        return WR_OK;
    wr_status st = skeleton_own_shapes(s);
    if (st != WR_OK)
        return st;
    ds = &s->shapes[shape];
    ds->group = group;
    ds->mask = mask;
    return WR_OK;
}

/* ---- controls ---------------------------------------------------------------------------------------------- */

int wr_skeleton_actuator_count(const wr_skeleton *s)
{
    if (wr_skeleton_guard_refuses(s)) { /* a runner's world during a tick (core/guard.h): the NULL answer */
        wr_guard_fail(__func__);
        return 0;
    }
    return s ? s->actuator_count : 0;
}

static wr_status check_controls(const wr_skeleton *s, const void *p, size_t count, const char *function)
{
    if (!s || (!p && count))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton and buffer must not be NULL");
    if (wr_skeleton_guard_refuses(s))
        return wr_guard_fail(function);
    if (count != (size_t)s->actuator_count)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "control count %zu, skeleton '%s' has %d actuators", count, s->name,
                       s->actuator_count);
    return WR_OK;
}

wr_status wr_skeleton_set_controls(wr_skeleton *s, const double *ctrl, size_t count)
{
    wr_status st = check_controls(s, ctrl, count, __func__);
    if (st != WR_OK)
        return st;
    if (!wr_all_finite(ctrl, count))
        return WR_FAIL(WR_ERR_NON_FINITE, "controls for skeleton '%s' contain NaN or infinity", s->name);
    if (count)
        memcpy(s->ctrl, ctrl, count * sizeof(double));
    return WR_OK;
}

wr_status wr_skeleton_get_controls(const wr_skeleton *s, double *ctrl, size_t count)
{
    wr_status st = check_controls(s, ctrl, count, __func__);
    if (st == WR_OK && count)
        memcpy(ctrl, s->ctrl, count * sizeof(double));
    return st;
}

size_t wr_world_control_count(const wr_world *w)
{
    if (wr_world_guard_refuses(w)) {
        wr_guard_fail(__func__);
        return 0;
    }
    size_t n = 0;
    for (int i = 0; w && i < wr_world_skeleton_count(w); i++)
        n += (size_t)wr_world_get_skeleton(w, i)->actuator_count;
    return n;
}

static wr_status check_world_controls(const wr_world *w, const void *p, size_t count, const char *function)
{
    if (!w || (!p && count))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and buffer must not be NULL");
    if (wr_world_guard_refuses(w))
        return wr_guard_fail(function);
    if (count != wr_world_control_count(w))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "control count %zu, the world has %zu actuators", count,
                       wr_world_control_count(w));
    return WR_OK;
}

wr_status wr_world_set_controls(wr_world *w, const double *ctrl, size_t count)
{
    wr_status st = check_world_controls(w, ctrl, count, __func__);
    if (st != WR_OK)
        return st;
    if (!wr_all_finite(ctrl, count))
        return WR_FAIL(WR_ERR_NON_FINITE, "controls contain NaN or infinity");
    size_t o = 0;
    for (int i = 0; i < wr_world_skeleton_count(w); i++) {
        wr_skeleton *s = wr_world_get_skeleton(w, i);
        if (s->actuator_count)
            memcpy(s->ctrl, ctrl + o, (size_t)s->actuator_count * sizeof(double));
        o += (size_t)s->actuator_count;
    }
    return WR_OK;
}

wr_status wr_world_get_controls(const wr_world *w, double *ctrl, size_t count)
{
    wr_status st = check_world_controls(w, ctrl, count, __func__);
    if (st != WR_OK)
        return st;
    size_t o = 0;
    for (int i = 0; i < wr_world_skeleton_count(w); i++) {
        const wr_skeleton *s = wr_world_get_skeleton(w, i);
        if (s->actuator_count)
            memcpy(ctrl + o, s->ctrl, (size_t)s->actuator_count * sizeof(double));
        o += (size_t)s->actuator_count;
    }
    return WR_OK;
}
