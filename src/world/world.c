/* src/world/world.c — the world: its memory manager, its skeletons and the step.
 *
 * The world is the layer above the stages: it owns their state and hands each, once per step, what it needs. The
 * step reads like mj_step, one call per stage, each into a folder of its own:
 *
 *   wr_world_step (steps times)
 *   └ world_step_once
 *     ├ backup_state                               q, v into the world's backup (no allocation)
 *     ├ wr_dynamics_forward       src/dynamics     1. kinematics + forward dynamics, per skeleton: generalized
 *     │                                               forces, ABA (body poses of q on its way), v <- v + dt qdd
 *     ├ contact_stages                             (a world has them once it had a skeleton)
 *     │ ├ wr_frame_allocator_reset  src/memory       the step's frame: every temporary below lives there
 *     │ ├ wr_collision_detect     src/collision    2. proxies, broadphase, narrowphase -> contact list (frame)
 *     │ └ constraint_solver_step  src/constraint   3. limits, islands, rows, PGS -> impulses on v (step view)
 *     ├ wr_dynamics_integrate     src/dynamics     4. semi-implicit Euler: q <- q (+) dt v (where stage 3 recovers a
 *     │                                               deep penetration, v + pseudo velocities, which are then
 *     │                                               dropped: constraint_solver_finish_integration)
 *     └ commit (constraint_solver_commit: warm-start cache; wr_collision_commit: contacts readable)
 *       or, on any failure (a status, NaN/Inf), restore_state: the world is exactly as before the step.
 *
 * Includes go down only: src/world includes the stages; the stages include dynamics/dynamics_internal.h (the narrow
 * view of skeletons), the collision stage's output (the constraint stage) and math/memory/core, never src/world.
 * The public collision API (src/collision/collision_api.c) reaches a world's collision stage through
 * wr_world_collision_stage(), implemented at the end of this file.
 * The flat state API, the state hash and snapshots are in world_state.c.
 *
 * The world handle itself is one small struct from the C heap (so that wr_world_set_memory_manager can swap the
 * manager under it); everything the world holds comes from its memory manager (tag WR_MEMORY_TAG_WORLD for the world's
 * own arrays, WR_MEMORY_TAG_SKELETON for skeletons, WR_MEMORY_TAG_COLLISION and WR_MEMORY_TAG_SOLVER for the contact
 * stages and their frame).
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collision/collision_stage.h"
#include "constraint/constraint_solver.h"
#include "core/status_internal.h"
#include "core/util.h"
#include "dynamics/dynamics_stage.h"
#include "world/world_build.h"
#include "world/world_internal.h"
#include "world/world_owner.h"
#include "worldrunner/collision.h"

/* ---- runner ownership ------------------------------------------------------------------------------------------ */

/* Stepping a runner's world: only the thread working on it (its worker, in a job). */
static inline bool foreign(const wr_world *w) { return w->owner_busy && wr_guard_current != w; }
/* Refuse a call that only the runner makes (`refuse`: foreign(w) for a step, w->owner_busy for destroying the world
 * or swapping its manager, which the runner does itself after releasing the world). */
#define GUARD_RUNNER(w, refuse)                                                                                \
    do {                                                                                                       \
        if (refuse)                                                                                            \
            return wr_world_refused(w) ? wr_guard_fail(__func__) : wr_guard_fail_owned(__func__);              \
    } while (0)

bool wr_world_guard_refuses(const wr_world *w) { return wr_world_refused(w); }

uint64_t wr_world_owner_step_count(const wr_world *w) { return w->step_count; }

void wr_world_set_owner(wr_world *w, const _Atomic int *busy)
{
    assert(w && (!busy || w->skeleton_count == 0));
    w->owner_busy = busy;
    for (int i = 0; i < w->skeleton_count; i++)
        w->skeletons[i]->owner_busy = busy;
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
    if (!isfinite(config->time_step) || !wr_all_finite(config->gravity, 3))
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
    wr_collision_settings_init(&w->early_settings);
    *out = w;
    return WR_OK;
}

/* The collision stage, the constraint solver and their frame allocator (64 KiB to start, grown on the cold path to
 * the largest step's need), all from the world's manager: everything or nothing. */
static wr_status create_contact_stages(wr_world *w, wr_collision_stage **collision, constraint_solver **solver,
                                       wr_frame_allocator **frame)
{
    *collision = NULL;
    *solver = NULL;
    *frame = NULL;
    wr_status st = wr_collision_stage_create(w->manager, collision);
    if (st == WR_OK) {
        (*collision)->settings = w->early_settings; /* set (and checked) before the first skeleton */
        st = constraint_solver_create(w->manager, &(*collision)->stats, solver);
    }
    if (st == WR_OK)
        st = wr_frame_allocator_create(w->manager, 64 * 1024, WR_MEMORY_TAG_SOLVER, frame);
    if (st != WR_OK) {
        if (*solver)
            constraint_solver_destroy(*solver);
        wr_collision_stage_destroy(*collision);
        *collision = NULL;
        *solver = NULL;
    }
    return st;
}

static void destroy_contact_stages(wr_collision_stage *collision, constraint_solver *solver, wr_frame_allocator *frame)
{
    if (frame)
        wr_frame_allocator_destroy(frame);
    if (solver)
        constraint_solver_destroy(solver);
    wr_collision_stage_destroy(collision);
}

static void world_free_arrays(wr_world *w)
{
    if (w->skeletons)
        wr_memory_manager_deallocate(w->manager, w->skeletons, (size_t)w->skeleton_capacity * sizeof(wr_skeleton *), 0,
                                  W_TAG);
    if (w->backup)
        wr_memory_manager_deallocate(w->manager, w->backup, w->backup_doubles * sizeof(double), 0, W_TAG);
    w->skeletons = NULL;
    w->skeleton_capacity = 0;
    w->backup = NULL;
    w->backup_doubles = 0;
}

wr_status wr_world_destroy(wr_world *w)
{
    if (!w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world is NULL");
    GUARD_RUNNER(w, w->owner_busy != NULL);
    for (int i = 0; i < w->skeleton_count; i++)
        skeleton_free(w->skeletons[i]);
    destroy_contact_stages(w->collision, w->solver, w->frame);
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
    GUARD_RUNNER(w, w->owner_busy != NULL);
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

wr_memory_manager *wr_world_get_memory_manager(const wr_world *w)
{
    GUARD_OR(w, NULL);
    return w ? w->manager : NULL;
}

/* ---- skeletons --------------------------------------------------------------------------------------------- */

/* The layout identity (see world_internal.h). The same worlds built the same way have the same key in every run and
 * build, so a snapshot can move between them. */
uint64_t wr_world_layout_key(const wr_world *w)
{
    uint64_t h = wr_fnv1a(WR_FNV1A_INIT, &w->skeleton_count, sizeof w->skeleton_count);
    for (int i = 0; i < w->skeleton_count; i++) {
        const wr_skeleton *s = w->skeletons[i];
        for (int b = 0; b < s->body_count; b++)
            h = wr_fnv1a(h, &s->bodies[b].type, sizeof s->bodies[b].type);
        h = wr_fnv1a(h, &s->shape_count, sizeof s->shape_count);
        h = wr_fnv1a(h, &i, sizeof i);
    }
    return h;
}

/* Re-derive each skeleton's index and offsets in the world-wide numbering, and the layout key. What the contact
 * stages derived from the skeletons is derived again: a skeleton replaced by another of the same layout keeps the
 * key, not its filters or limits. */
static void world_relayout(wr_world *w, int first)
{
    /* skeletons before `first` keep their numbers: adding n skeletons one by one stays linear */
    int q = 0, v = 0;
    if (first > 0) {
        const wr_skeleton *prev = w->skeletons[first - 1];
        q = prev->q_world_offset + prev->nq;
        v = prev->v_world_offset + prev->nv;
    }
    for (int i = first; i < w->skeleton_count; i++) {
        skeleton_attach(w->skeletons[i], w, i, q, v, w->gravity);
        w->skeletons[i]->owner_busy = w->owner_busy;
        q += w->skeletons[i]->nq;
        v += w->skeletons[i]->nv;
    }
    w->nq = q;
    w->nv = v;
    w->layout_stale = 1;
    if (w->solver) {
        wr_collision_invalidate(w->collision);
        constraint_solver_invalidate(w->solver);
    }
}

wr_status wr_world_add_skeleton(wr_world *w, wr_skeleton **sp, int *index)
{
    if (!w || !sp || !*sp)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and skeleton must not be NULL");
    GUARD(w);
    wr_skeleton *s = *sp;
    if (s->world)
        return WR_FAIL(WR_ERR_BUSY, "skeleton '%s' is already in a world", s->name);
    /* Refused rather than carried: a skeleton in a world can no longer gain bodies, so an empty one could never
     * take part, and it is the only skeleton whose state arrays do not exist. */
    if (s->body_count == 0)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton '%s' has no body: add bodies before wr_world_add_skeleton",
                       s->name);
    /* everything that can fail first; the move last, because it cannot be undone */
    wr_status st = skeleton_check_mass(s);
    if (st != WR_OK)
        return st;
    wr_collision_stage *collision = w->collision;
    constraint_solver *solver = w->solver;
    wr_frame_allocator *frame = w->frame;
    if (!solver && (st = create_contact_stages(w, &collision, &solver, &frame)) != WR_OK)
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
            destroy_contact_stages(collision, solver, frame);
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
    w->collision = collision;
    w->solver = solver;
    w->frame = frame;
    w->skeletons[w->skeleton_count++] = s;
    world_relayout(w, w->skeleton_count - 1);
    skeleton_invalidate(s);
    *sp = s;
    if (index)
        *index = s->world_index;
    return WR_OK;
}

/* A static ground: one world-welded body with one plane shape, built with the public skeleton calls. */
wr_status wr_world_add_ground_plane(wr_world *w, const double normal[3], const double point[3], double friction,
                                    int *index)
{
    if (!w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world is NULL");
    GUARD(w);
    double n[3] = {0, 0, 1}, p[3] = {0, 0, 0};
    if (normal)
        memcpy(n, normal, sizeof n);
    if (point)
        memcpy(p, point, sizeof p);
    for (int k = 0; k < 3; k++)
        if (!isfinite(n[k]) || !isfinite(p[k]))
            return WR_FAIL(WR_ERR_NON_FINITE, "ground plane normal or point is not finite");
    if (!isfinite(friction))
        return WR_FAIL(WR_ERR_NON_FINITE, "ground friction is not finite");
    if (friction < 0)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "ground friction must be >= 0 (got %g)", friction);
    double len = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    if (!(len > 1e-12))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "ground plane normal has zero length");
    for (int k = 0; k < 3; k++)
        n[k] /= len;
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, WR_SHAPE_PLANE);
    sh.friction = friction;
    memcpy(sh.pose.position, p, sizeof p);
    /* shortest rotation taking +z onto n: axis z x n, angle acos(n_z); q = (1 + n_z, z x n) normalized */
    double qw = 1.0 + n[2], qx = -n[1], qy = n[0];
    double qn = sqrt(qw * qw + qx * qx + qy * qy);
    if (qn > 1e-12) {
        sh.pose.rotation[0] = qw / qn;
        sh.pose.rotation[1] = qx / qn;
        sh.pose.rotation[2] = qy / qn;
        sh.pose.rotation[3] = 0.0;
    } else { /* n = -z: half a turn about x */
        sh.pose.rotation[0] = 0.0;
        sh.pose.rotation[1] = 1.0;
        sh.pose.rotation[2] = sh.pose.rotation[3] = 0.0;
    }
    wr_skeleton *s = NULL;
    wr_status st = wr_skeleton_create(wr_world_get_memory_manager(w), "ground", &s);
    if (st != WR_OK)
        return st;
    wr_body_desc b;
    wr_body_desc_init(&b);
    strcpy(b.name, "ground");
    wr_joint_desc_init(&b.joint, WR_JOINT_WELD);
    int body = 0;
    st = wr_skeleton_add_body(s, &b, &body);
    if (st == WR_OK)
        st = wr_skeleton_add_shape(s, body, &sh, NULL);
    if (st == WR_OK)
        st = wr_world_add_skeleton(w, &s, index);
    if (st != WR_OK)
        wr_skeleton_destroy(s);
    return st;
}

wr_status wr_world_remove_skeleton(wr_world *w, wr_skeleton *s)
{
    if (!w || !s)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and skeleton must not be NULL");
    GUARD(w);
    if (s->world != w)
        return WR_FAIL(WR_ERR_NOT_FOUND, "skeleton '%s' is not in this world", s->name);
    int index = s->world_index;
    /* the backup shrinks; keep the larger array (it is only scratch) rather than risk an allocation failure */
    memmove(&w->skeletons[index], &w->skeletons[index + 1],
            (size_t)(w->skeleton_count - index - 1) * sizeof(wr_skeleton *));
    w->skeleton_count--;
    s->world = NULL;
    skeleton_free(s);
    world_relayout(w, index);
    if (w->skeleton_count == 0)
        world_free_arrays(w); /* an empty world holds nothing but its contact stages: as before its first skeleton */
    return WR_OK;
}

bool wr_world_has_contact_stages(const wr_world *w) { return w && w->solver; }

void wr_world_drop_contact_stages(wr_world *w)
{
    if (!w || w->skeleton_count || !w->solver)
        return;
    destroy_contact_stages(w->collision, w->solver, w->frame);
    w->collision = NULL;
    w->solver = NULL;
    w->frame = NULL;
}

int wr_world_skeleton_count(const wr_world *w)
{
    GUARD_OR(w, 0);
    return w ? w->skeleton_count : 0;
}

wr_skeleton *wr_world_get_skeleton(const wr_world *w, int index)
{
    GUARD_OR(w, NULL);
    if (!w || index < 0 || index >= w->skeleton_count)
        return NULL;
    return w->skeletons[index];
}

/* ---- the step ---------------------------------------------------------------------------------------------- */

/* A world of static bodies only has no backup array (w->backup is NULL): nothing to copy then. */
static void backup_state(wr_world *w)
{
    double *p = w->backup;
    for (int i = 0; p && i < w->skeleton_count; i++) {
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
        if (p) {
            memcpy(s->q, p, (size_t)s->nq * sizeof(double));
            p += s->nq;
            memcpy(s->v, p, (size_t)s->nv * sizeof(double));
            p += s->nv;
        }
        skeleton_invalidate(s);
    }
}

/* Before the contact stages: the last step's contacts go with the frame's reset; the per-step figures to zero. */
static wr_status begin_contact_stages(wr_world *w)
{
    wr_collision_forget_contacts(w->collision);
    wr_status st = wr_frame_allocator_reset(w->frame);
    if (st == WR_OK)
        wr_collision_stats_begin_step(&w->collision->stats);
    return st;
}

/* After them: the frame's figures of the step, for wr_collision_get_stats. */
static void end_contact_stages(wr_world *w)
{
    wr_frame_allocator_stats fs;
    wr_collision_stats *st = &w->collision->stats;
    if (wr_frame_allocator_get_stats(w->frame, &fs) == WR_OK) {
        st->frame_bytes = fs.used_bytes;
        st->frame_high_water = fs.peak_frame_bytes;
        st->frame_capacity = fs.capacity_bytes;
        st->frame_growths = fs.growths;
    }
}

uint64_t wr_world_warm_start_key(const wr_world *w)
{
    uint64_t h = w->layout_stale ? wr_world_layout_key(w) : w->layout;
    for (int i = 0; i < w->skeleton_count; i++)
        h = wr_fnv1a(h, &w->skeletons[i]->state_epoch, sizeof w->skeletons[i]->state_epoch);
    return h;
}

/* Stages 2 and 3 (the world has contact stages once it had a skeleton). */
static wr_status contact_stages(wr_world *w, double dt)
{
    wr_collision_stage *cs = w->collision;
    wr_world_current_layout(w);
    const wr_collision_input in = {w->skeletons, w->skeleton_count, w->frame, w->layout};
    const wr_constraint_view view = {w->skeletons, w->skeleton_count, w->nv,        &cs->contacts,
                                     w->frame,     dt,                &cs->settings, &cs->stats,
                                     w->layout,    wr_world_warm_start_key(w)};
    wr_status st = begin_contact_stages(w);
    if (st != WR_OK)
        return st;
    st = wr_collision_detect(cs, &in);                  /* 2: the contacts at the step's poses */
    if (st == WR_OK)
        st = constraint_solver_step(w->solver, &view);  /* 3: impulses of contacts and limits on the velocities */
    end_contact_stages(w);
    return st;
}

/* One step: backup, the four stages, then commit or restore. */
/* A stage's non-finite failure (already restored), with the time and the largest velocity before the step: a state
 * that runs away by itself (a spin or speed that overflows the next step's dynamics) fails again at every later step
 * until the caller sets or restores it, so the message says so. */
static wr_status non_finite_context(const wr_world *w, double time)
{
    char stage[200];
    snprintf(stage, sizeof stage, "%s", wr_last_error());
    double vmax = 0;
    for (int i = 0; i < w->skeleton_count; i++) {
        const wr_skeleton *s = w->skeletons[i];
        for (int k = 0; k < s->nv; k++)
            vmax = fmax(vmax, fabs(s->v[k]));
    }
    return WR_FAIL(WR_ERR_NON_FINITE, "%s, at t = %g (largest |v| before the step %g; the world is unchanged: set or "
                   "restore its state)", stage, time, vmax);
}

static wr_status world_step_once(wr_world *w)
{
    const double dt = w->dt;
    const double time = w->time;
    backup_state(w);
    wr_status st = wr_dynamics_forward(w->skeletons, w->skeleton_count, dt); /* 1: kinematics, forward dynamics */
    if (st == WR_OK && w->solver)
        st = contact_stages(w, dt);                                         /* 2: collision, 3: constraint */
    if (st == WR_OK)
        st = wr_dynamics_integrate(w->skeletons, w->skeleton_count, dt);    /* 4: integration */
    if (w->solver) /* the velocities to keep, where 4 moved positions with pseudo velocities too */
        constraint_solver_finish_integration(w->solver, w->skeletons, w->skeleton_count);
    if (st != WR_OK) {
        restore_state(w);
        w->time = time;
        return st == WR_ERR_NON_FINITE ? non_finite_context(w, time) : st;
    }
    if (w->solver) {
        constraint_solver_commit(w->solver, &w->collision->stats);
        wr_collision_commit(w->collision);
    }
    w->step_count++;
    w->time = time + dt;
    return WR_OK;
}

wr_status wr_world_step(wr_world *w, int steps)
{
    if (!w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world is NULL");
    GUARD_RUNNER(w, foreign(w));
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
    GUARD(w);
    if (!wr_all_finite(gravity, 3))
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
    GUARD(w);
    if (!isfinite(time_step))
        return WR_FAIL(WR_ERR_NON_FINITE, "time step is not finite");
    if (!(time_step > 0))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "time step must be > 0 (got %g)", time_step);
    w->dt = time_step;
    return WR_OK;
}

double wr_world_time(const wr_world *w)
{
    GUARD_OR(w, 0.0);
    return w ? w->time : 0.0;
}

uint64_t wr_world_step_count(const wr_world *w)
{
    GUARD_OR(w, 0);
    return w ? w->step_count : 0;
}

double wr_world_time_step(const wr_world *w)
{
    GUARD_OR(w, 0.0);
    return w ? w->dt : 0.0;
}

void wr_world_get_gravity(const wr_world *w, double gravity[3])
{
    GUARD_OR(w, );
    if (w && gravity)
        v3_store(w->gravity, gravity);
}

/* ---- for the public collision API (collision_stage.h) -------------------------------------------------- */

wr_collision_stage *wr_world_collision_stage(const wr_world *w) { return w ? w->collision : NULL; }
wr_collision_settings *wr_world_early_collision_settings(wr_world *w) { return w ? &w->early_settings : NULL; }
