/* src/world/world.c — the world: its memory manager, skeletons and the step pipeline.
 *
 * wr_world_step reads like mj_step, one stage per line:
 *   (0) keep q, v, time in world-owned backup arrays;
 *   (1) forward kinematics and (2) ABA per skeleton: candidate velocities v + dt * qdd;
 *   (3) constraint_solver_step: contacts and limits change the candidate velocities by impulses;
 *   (4) semi-implicit Euler: q <- q (+) dt * v (quaternions on the manifold);
 *   (5) commit, or on any failure (status, NaN/Inf) restore the backup exactly and return the status.
 * The step allocates nothing: backups, scratch and the solver's frame live in memory taken when skeletons were added.
 * The flat state API, the state hash and snapshots are in world_state.c.
 *
 * The world handle itself is one small struct from the C heap (so that wr_world_set_memory_manager can swap the
 * manager under it); everything the world holds comes from its memory manager (tag WR_MEMORY_TAG_WORLD for the world's
 * own arrays, WR_MEMORY_TAG_SKELETON for skeletons).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "constraint/constraint_solver.h"
#include "core/status_internal.h"
#include "world/world_internal.h"
#include "worldrunner/collision.h"

static int all_finite(const double *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i]))
            return 0;
    return 1;
}

/* ---- create / destroy -------------------------------------------------------------------------------------- */

void wr_world_config_init(wr_world_config *config)
{
    if (!config)
        return;
    memset(config, 0, sizeof *config);
    config->time_step = 0.001;
    config->gravity[2] = -9.81;
}

wr_status wr_world_create(const wr_world_config *config, wr_world **out)
{
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_world_config defaults;
    if (!config) {
        wr_world_config_init(&defaults);
        config = &defaults;
    }
    if (!isfinite(config->time_step) || !all_finite(config->gravity, 3))
        return WR_FAIL(WR_ERR_NON_FINITE, "time step and gravity must be finite");
    if (!(config->time_step > 0))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "time step must be > 0 (got %g)", config->time_step);
    wr_world *w = calloc(1, sizeof *w);
    if (!w)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the world handle");
    if (config->memory) {
        w->manager = config->memory;
    } else {
        wr_memory_manager_config mc;
        wr_memory_manager_config_init(&mc);
        mc.budget_bytes = config->memory_budget;
        wr_status st = wr_memory_manager_create(&mc, &w->manager);
        if (st != WR_OK) {
            free(w);
            return st;
        }
        w->owns_manager = 1;
    }
    w->dt = config->time_step;
    w->gravity = v3_from(config->gravity);
    *out = w;
    return WR_OK;
}

static void world_free_arrays(wr_world *w)
{
    if (w->skeletons)
        wr_memory_manager_deallocate(w->manager, w->skeletons, (size_t)w->skeleton_capacity * sizeof(wr_skeleton *), 0,
                                  W_TAG);
    if (w->backup)
        wr_memory_manager_deallocate(w->manager, w->backup, w->backup_doubles * sizeof(double), 0, W_TAG);
    w->skeletons = NULL;
    w->backup = NULL;
}

wr_status wr_world_destroy(wr_world *w)
{
    if (!w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world is NULL");
    for (int i = 0; i < w->skeleton_count; i++)
        skeleton_free(w->skeletons[i]);
    if (w->solver)
        constraint_solver_destroy(w->solver);
    world_free_arrays(w);
    wr_status st = WR_OK;
    if (w->owns_manager)
        st = wr_memory_manager_destroy(w->manager);
    free(w);
    return st;
}

wr_status wr_world_set_memory_manager(wr_world *w, wr_memory_manager *manager)
{
    if (!w || !manager)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and manager must not be NULL");
    if (manager == w->manager)
        return WR_OK;
    if (w->skeleton_count || w->solver || w->skeletons || w->backup || w->snapshots)
        return WR_FAIL(WR_ERR_BUSY, "the world already holds memory from its manager");
    if (w->owns_manager) {
        wr_status st = wr_memory_manager_destroy(w->manager);
        if (st != WR_OK)
            return st;
    }
    w->manager = manager;
    w->owns_manager = 0;
    return WR_OK;
}

wr_memory_manager *wr_world_get_memory_manager(const wr_world *w) { return w ? w->manager : NULL; }

/* ---- skeletons --------------------------------------------------------------------------------------------- */

/* Re-derive each skeleton's index and offsets in the world-wide numbering. */
static void world_relayout(wr_world *w)
{
    int q = 0, v = 0;
    for (int i = 0; i < w->skeleton_count; i++) {
        skeleton_attach(w->skeletons[i], w, i, q, v, w->gravity);
        q += w->skeletons[i]->nq;
        v += w->skeletons[i]->nv;
    }
    w->nq = q;
    w->nv = v;
    w->layout_version++;
}

wr_status wr_world_add_skeleton(wr_world *w, wr_skeleton **sp)
{
    if (!w || !sp || !*sp)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and skeleton must not be NULL");
    wr_skeleton *s = *sp;
    if (s->world)
        return WR_FAIL(WR_ERR_BUSY, "skeleton '%s' is already in a world", s->name);
    /* everything that can fail first; the move last, because it cannot be undone */
    wr_status st = WR_OK;
    constraint_solver *solver = w->solver;
    if (!solver && (st = constraint_solver_create(w->manager, &solver)) != WR_OK)
        return st;
    wr_skeleton **slots = w->skeletons;
    int capacity = w->skeleton_capacity;
    if (w->skeleton_count == capacity) {
        capacity = capacity ? 2 * capacity : 4;
        void *mem = NULL;
        st = wr_memory_manager_allocate(w->manager, (size_t)capacity * sizeof(wr_skeleton *), 0, W_TAG, &mem);
        slots = mem;
    }
    size_t backup_doubles = (size_t)(w->nq + s->nq + w->nv + s->nv);
    void *backup = NULL;
    if (st == WR_OK && backup_doubles)
        st = wr_memory_manager_allocate(w->manager, backup_doubles * sizeof(double), 0, W_TAG, &backup);
    if (st == WR_OK && s->manager != w->manager) {
        wr_skeleton *moved = skeleton_move(s, w->manager, &st);
        if (moved)
            s = moved;
    }
    if (st != WR_OK) {
        if (backup)
            wr_memory_manager_deallocate(w->manager, backup, backup_doubles * sizeof(double), 0, W_TAG);
        if (slots && slots != w->skeletons)
            wr_memory_manager_deallocate(w->manager, slots, (size_t)capacity * sizeof(wr_skeleton *), 0, W_TAG);
        if (solver != w->solver)
            constraint_solver_destroy(solver);
        return st;
    }
    /* commit */
    if (slots != w->skeletons) {
        if (w->skeleton_count)
            memcpy(slots, w->skeletons, (size_t)w->skeleton_count * sizeof(wr_skeleton *));
        if (w->skeletons)
            wr_memory_manager_deallocate(w->manager, w->skeletons, (size_t)w->skeleton_capacity * sizeof(wr_skeleton *),
                                      0, W_TAG);
        w->skeletons = slots;
        w->skeleton_capacity = capacity;
    }
    if (w->backup)
        wr_memory_manager_deallocate(w->manager, w->backup, w->backup_doubles * sizeof(double), 0, W_TAG);
    w->backup = backup;
    w->backup_doubles = backup_doubles;
    w->solver = solver;
    w->skeletons[w->skeleton_count++] = s;
    world_relayout(w);
    skeleton_invalidate(s);
    *sp = s;
    return WR_OK;
}

wr_status wr_world_remove_skeleton(wr_world *w, wr_skeleton *s)
{
    if (!w || !s)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and skeleton must not be NULL");
    if (s->world != w)
        return WR_FAIL(WR_ERR_NOT_FOUND, "skeleton '%s' is not in this world", s->name);
    int index = s->world_index;
    /* the backup shrinks; keep the larger array (it is only scratch) rather than risk an allocation failure */
    memmove(&w->skeletons[index], &w->skeletons[index + 1],
            (size_t)(w->skeleton_count - index - 1) * sizeof(wr_skeleton *));
    w->skeleton_count--;
    s->world = NULL;
    skeleton_free(s);
    world_relayout(w);
    return WR_OK;
}

int wr_world_skeleton_count(const wr_world *w) { return w ? w->skeleton_count : 0; }

wr_skeleton *wr_world_get_skeleton(const wr_world *w, int index)
{
    if (!w || index < 0 || index >= w->skeleton_count)
        return NULL;
    return w->skeletons[index];
}

/* ---- the step ---------------------------------------------------------------------------------------------- */

static void backup_state(wr_world *w)
{
    double *p = w->backup;
    for (int i = 0; i < w->skeleton_count; i++) {
        const wr_skeleton *s = w->skeletons[i];
        memcpy(p, s->q, (size_t)s->nq * sizeof(double));
        p += s->nq;
        memcpy(p, s->v, (size_t)s->nv * sizeof(double));
        p += s->nv;
    }
}

static void restore_state(wr_world *w)
{
    const double *p = w->backup;
    for (int i = 0; i < w->skeleton_count; i++) {
        wr_skeleton *s = w->skeletons[i];
        memcpy(s->q, p, (size_t)s->nq * sizeof(double));
        p += s->nq;
        memcpy(s->v, p, (size_t)s->nv * sizeof(double));
        p += s->nv;
        skeleton_invalidate(s);
    }
}

/* Stages 1-2 for one skeleton: candidate velocities. Returns 0 if anything is not finite. */
static int skeleton_velocity_update(wr_skeleton *s, double dt)
{
    dyn_passive_and_commands(s);
    s->implicit_dt = dt;
    dyn_aba(s);
    s->implicit_dt = 0.0;
    s->factor_valid = 0;
    int ok = 1;
    for (int k = 0; k < s->nv; k++) {
        double v = s->v[k] + dt * s->qdd[k];
        ok &= isfinite(v) != 0;
        s->v[k] = v;
    }
    return ok;
}

static wr_status world_step_once(wr_world *w)
{
    const double dt = w->dt;
    const double time = w->time;
    backup_state(w);
    wr_status st = WR_OK;
    int ok = 1;
    for (int i = 0; i < w->skeleton_count; i++)
        ok &= skeleton_velocity_update(w->skeletons[i], dt);
    if (!ok) {
        st = WR_FAIL(WR_ERR_NON_FINITE, "non-finite velocity after forward dynamics at t = %g", time);
    } else if (w->solver) {
        st = constraint_solver_step(w->solver, w, dt);
    }
    for (int i = 0; st == WR_OK && i < w->skeleton_count; i++) {
        wr_skeleton *s = w->skeletons[i];
        if (!all_finite(s->v, (size_t)s->nv)) {
            st = WR_FAIL(WR_ERR_NON_FINITE, "non-finite velocity after the constraint stage at t = %g", time);
            break;
        }
        dyn_integrate_positions(s, dt);
        if (!all_finite(s->q, (size_t)s->nq))
            st = WR_FAIL(WR_ERR_NON_FINITE, "non-finite position after integration at t = %g", time);
    }
    if (st != WR_OK) {
        restore_state(w);
        w->time = time;
        return st;
    }
    if (w->solver)
        constraint_solver_commit(w->solver);
    w->step_count++;
    w->time = time + dt;
    return WR_OK;
}

wr_status wr_world_step(wr_world *w, int steps)
{
    if (!w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world is NULL");
    if (steps < 1)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "steps must be >= 1 (got %d)", steps);
    for (int k = 0; k < steps; k++) {
        wr_status st = world_step_once(w);
        if (st != WR_OK)
            return st;
    }
    return WR_OK;
}

/* ---- parameters -------------------------------------------------------------------------------------------- */

wr_status wr_world_set_gravity(wr_world *w, const double gravity[3])
{
    if (!w || !gravity)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and gravity must not be NULL");
    if (!all_finite(gravity, 3))
        return WR_FAIL(WR_ERR_NON_FINITE, "gravity is not finite");
    w->gravity = v3_from(gravity);
    for (int i = 0; i < w->skeleton_count; i++)
        w->skeletons[i]->gravity = w->gravity;
    return WR_OK;
}

wr_status wr_world_set_time_step(wr_world *w, double time_step)
{
    if (!w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world is NULL");
    if (!isfinite(time_step))
        return WR_FAIL(WR_ERR_NON_FINITE, "time step is not finite");
    if (!(time_step > 0))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "time step must be > 0 (got %g)", time_step);
    w->dt = time_step;
    return WR_OK;
}

double wr_world_time(const wr_world *w) { return w ? w->time : 0.0; }
uint64_t wr_world_step_count(const wr_world *w) { return w ? w->step_count : 0; }
double wr_world_time_step(const wr_world *w) { return w ? w->dt : 0.0; }

void wr_world_get_gravity(const wr_world *w, double gravity[3])
{
    if (w && gravity)
        v3_store(w->gravity, gravity);
}

/* ---- dynamics_internal.h accessors ------------------------------------------------------------------------- */

int dyn_world_skeleton_count(const wr_world *w) { return w->skeleton_count; }
wr_skeleton *dyn_world_skeleton(const wr_world *w, int index) { return w->skeletons[index]; }
double dyn_world_time_step(const wr_world *w) { return w->dt; }
vec3 dyn_world_gravity(const wr_world *w) { return w->gravity; }
int dyn_world_dof_count(const wr_world *w) { return w->nv; }
uint64_t dyn_world_layout_version(const wr_world *w) { return w->layout_version; }

void dyn_skeleton_shapes_changed(wr_skeleton *s)
{
    if (s->world)
        s->world->layout_version++;
}
constraint_solver *dyn_world_constraint_solver(const wr_world *w) { return w ? w->solver : NULL; }
