/* fuzz_api — random sequences of public calls on up to 3 worlds and 4 free skeletons.
 *
 * Operations: create and destroy worlds (any time step, gravity and budget; on a manager of the harness over a
 * debug allocator, or on one the world owns), create skeletons (on a world's manager or their own), add bodies and
 * shapes from sane or corrupted descriptions, add skeletons to worlds (moved between managers), remove and destroy
 * them, set state, step, snapshots (create, save, restore, destroy), scene builds, settings, budgets that change, and
 * calls the API must refuse (a body added to a skeleton in a world, a skeleton of another world...).
 * Promises checked: every refused call returns a documented status with a message and changes nothing (world state,
 * step count and sizes; skeleton body/shape counts and sizes); a sane description is accepted (unless the budget
 * refuses it) and gives a finite mass matrix with a positive diagonal; a step either succeeds with finite state or
 * changes nothing; a snapshot restores bit for bit; at the end every manager is returned whole: no leak, no double
 * free or size mismatch seen by the debug allocator, and destroy reports no leak.
 */
#include "fuzz_bodies.h"

/* MAX_STEPS bounds the work of one input: stepping scenes full of contacts dominates it. */
enum { MAX_WORLDS = 3, MAX_FREE = 4, MAX_SNAPS = 2, MAX_BODIES = 12, MAX_OPS = 64, MAX_STATE = 512, MAX_STEPS = 40 };

typedef struct world_slot {
    wr_world *w;
    wr_memory_allocator *debug;   /* base of `manager` (NULL when the world owns its manager) */
    wr_memory_manager *manager;   /* the harness's manager the world borrows, or NULL */
    wr_world_snapshot *snaps[MAX_SNAPS];
} world_slot;

typedef struct free_slot {
    wr_skeleton *s;
    int on_world;                 /* slot of the world whose manager it lives on, or -1 (its own manager) */
    bool may_fail_build;          /* a corrupted body was accepted: the mass matrix may be anything */
} free_slot;

typedef struct ctx {
    fuzz_reader in;
    world_slot worlds[MAX_WORLDS];
    free_slot free[MAX_FREE];
    wr_memory_allocator *heap;
    int steps_left;
    double buf[MAX_STATE];
} ctx;

typedef struct skeleton_view {
    int bodies, shapes, nq, nv;
    size_t bytes;
} skeleton_view;

static skeleton_view skeleton_view_of(const wr_skeleton *s)
{
    skeleton_view v = {wr_skeleton_body_count(s), wr_skeleton_shape_count(s), wr_skeleton_position_count(s),
                       wr_skeleton_dof_count(s), wr_skeleton_memory_bytes(s)};
    return v;
}

static bool skeleton_view_equal(skeleton_view a, skeleton_view b)
{
    return a.bodies == b.bodies && a.shapes == b.shapes && a.nq == b.nq && a.nv == b.nv && a.bytes == b.bytes;
}

static bool is_memory_failure(wr_status st) { return st == WR_ERR_BUDGET || st == WR_ERR_OUT_OF_MEMORY; }

static world_slot *pick_world(ctx *c)
{
    world_slot *ws = &c->worlds[fuzz_u8(&c->in) % MAX_WORLDS];
    return ws->w ? ws : NULL;
}

static void check_finite_world(ctx *c, const wr_world *w)
{
    size_t nq = wr_world_position_count(w), nv = wr_world_dof_count(w);
    if (nq + nv > MAX_STATE)
        return;
    FUZZ_CHECK(FUZZ_CALL(wr_world_get_positions(w, c->buf, nq)) == WR_OK, "get positions");
    FUZZ_CHECK(FUZZ_CALL(wr_world_get_velocities(w, c->buf + nq, nv)) == WR_OK, "get velocities");
    FUZZ_CHECK(fuzz_all_finite(c->buf, nq + nv), "non-finite state in a world");
}

/* ---- worlds ------------------------------------------------------------------------------------------------ */

static void op_create_world(ctx *c)
{
    world_slot *ws = &c->worlds[fuzz_u8(&c->in) % MAX_WORLDS];
    if (ws->w)
        return;
    wr_world_config cfg;
    wr_world_config_init(&cfg);
    if (fuzz_u8(&c->in) < 32) {
        cfg.time_step = fuzz_double(&c->in);
        for (int k = 0; k < 3; k++)
            cfg.gravity[k] = fuzz_double_mostly(&c->in, -20, 20);
    }
    size_t budget = (fuzz_u8(&c->in) & 3u) == 0 ? ((size_t)fuzz_u16(&c->in) + 1) * 512 : 0;
    bool borrowed = fuzz_bool(&c->in);
    if (borrowed) {
        FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_create_debug(c->heap, &ws->debug)) == WR_OK, "debug allocator");
        wr_memory_manager_config mc;
        wr_memory_manager_config_init(&mc);
        mc.base = ws->debug;
        mc.budget_bytes = budget;
        if (fuzz_bool(&c->in)) {
            mc.pool_chunk_bytes = 4096;
            mc.free_list_chunk_bytes = 4096 * (size_t)fuzz_int(&c->in, 1, 16);
        }
        wr_status st = FUZZ_CALL(wr_memory_manager_create(&mc, &ws->manager));
        if (st != WR_OK) {
            FUZZ_CHECK(budget && st == WR_ERR_BUDGET, "manager create: %s", wr_status_name(st));
            FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_destroy(ws->debug)) == WR_OK, "debug destroy");
            ws->debug = NULL;
            return;
        }
        cfg.memory = ws->manager;
    } else {
        cfg.memory_budget = budget;
    }
    wr_status st = FUZZ_CALL(wr_world_create(&cfg, &ws->w));
    bool nonfinite = !isfinite(cfg.time_step) || !fuzz_all_finite(cfg.gravity, 3);
    if (nonfinite)
        FUZZ_CHECK(st == WR_ERR_NON_FINITE, "world with a non-finite setting: %s", wr_status_name(st));
    else if (!(cfg.time_step > 0))
        FUZZ_CHECK(st == WR_ERR_INVALID_ARGUMENT, "world with time step %g: %s", cfg.time_step, wr_status_name(st));
    else
        FUZZ_CHECK(st == WR_OK || (budget && st == WR_ERR_BUDGET), "world create: %s", wr_status_name(st));
    if (st != WR_OK) {
        ws->w = NULL;
        if (ws->manager) {
            FUZZ_CHECK(FUZZ_CALL(wr_memory_manager_destroy(ws->manager)) == WR_OK, "manager destroy");
            FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_destroy(ws->debug)) == WR_OK, "debug destroy");
            ws->manager = NULL;
            ws->debug = NULL;
        }
    }
}

/* Destroy a world and everything the harness keeps on its manager; every byte must come back. */
static void destroy_world(ctx *c, int k)
{
    world_slot *ws = &c->worlds[k];
    for (int i = 0; i < MAX_FREE; i++) {
        if (c->free[i].s && c->free[i].on_world == k) {
            FUZZ_CHECK(FUZZ_CALL(wr_skeleton_destroy(c->free[i].s)) == WR_OK, "skeleton destroy");
            c->free[i].s = NULL;
        }
    }
    for (int i = 0; i < MAX_SNAPS; i++) {
        if (ws->snaps[i])
            FUZZ_CHECK(FUZZ_CALL(wr_world_snapshot_destroy(ws->w, ws->snaps[i])) == WR_OK, "snapshot destroy");
        ws->snaps[i] = NULL;
    }
    wr_status st = FUZZ_CALL(wr_world_destroy(ws->w));
    FUZZ_CHECK(st == WR_OK, "world destroy: %s", wr_status_name(st));
    ws->w = NULL;
    if (ws->manager) {
        wr_memory_manager_stats ms;
        FUZZ_CHECK(FUZZ_CALL(wr_memory_manager_get_stats(ws->manager, &ms)) == WR_OK, "manager stats");
        FUZZ_CHECK(ms.bytes_in_use == 0, "%zu bytes still in use after the world was destroyed", ms.bytes_in_use);
        for (int t = 0; t < WR_MEMORY_TAG_COUNT; t++)
            FUZZ_CHECK(ms.by_tag[t].bytes_in_use == 0 && ms.by_tag[t].allocations == ms.by_tag[t].deallocations,
                       "tag %s: %zu bytes in use, %llu allocations, %llu deallocations", wr_memory_tag_name(t),
                       ms.by_tag[t].bytes_in_use, (unsigned long long)ms.by_tag[t].allocations,
                       (unsigned long long)ms.by_tag[t].deallocations);
        st = FUZZ_CALL(wr_memory_manager_destroy(ws->manager));
        FUZZ_CHECK(st == WR_OK, "manager destroy: %s", wr_status_name(st));
        size_t live_blocks = 1, live_bytes = 1, problems = 1;
        st = FUZZ_CALL(wr_memory_allocator_debug_report(ws->debug, &live_blocks, &live_bytes, &problems));
        FUZZ_CHECK(st == WR_OK, "debug report: %s", wr_status_name(st));
        FUZZ_CHECK(live_blocks == 0 && live_bytes == 0 && problems == 0,
                   "debug allocator: %zu blocks / %zu bytes live, %zu problems", live_blocks, live_bytes, problems);
        FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_destroy(ws->debug)) == WR_OK, "debug destroy");
        ws->manager = NULL;
        ws->debug = NULL;
    }
}

static void op_destroy_world(ctx *c)
{
    int k = fuzz_u8(&c->in) % MAX_WORLDS;
    if (c->worlds[k].w)
        destroy_world(c, k);
}

/* ---- free skeletons ---------------------------------------------------------------------------------------- */

static void op_create_skeleton(ctx *c)
{
    free_slot *fs = &c->free[fuzz_u8(&c->in) % MAX_FREE];
    if (fs->s)
        return;
    int k = fuzz_int(&c->in, -1, MAX_WORLDS - 1);
    wr_memory_manager *m = k >= 0 && c->worlds[k].w ? wr_world_get_memory_manager(c->worlds[k].w) : NULL;
    char name[48];
    fuzz_bytes(&c->in, name, sizeof name - 1);
    name[sizeof name - 1] = '\0';
    wr_status st = FUZZ_CALL(wr_skeleton_create(m, name, &fs->s));
    FUZZ_CHECK(st == WR_OK || (m && is_memory_failure(st)), "skeleton create: %s", wr_status_name(st));
    if (st != WR_OK) {
        fs->s = NULL;
        return;
    }
    FUZZ_CHECK(strlen(wr_skeleton_name(fs->s)) < WR_SKELETON_NAME_MAX, "name not cut");
    fs->on_world = m ? k : -1;
    fs->may_fail_build = false;
}

static free_slot *pick_free(ctx *c)
{
    free_slot *fs = &c->free[fuzz_u8(&c->in) % MAX_FREE];
    return fs->s ? fs : NULL;
}

static void op_add_body(ctx *c)
{
    free_slot *fs = pick_free(c);
    if (!fs || wr_skeleton_body_count(fs->s) >= MAX_BODIES)
        return;
    const int n = wr_skeleton_body_count(fs->s);
    wr_body_desc b;
    wr_joint_type type = (wr_joint_type)(fuzz_u8(&c->in) % WR_JOINT_TYPE_COUNT);
    fuzz_sane_body(&c->in, type, n == 0 ? -1 : fuzz_int(&c->in, -1, n - 1), &b);
    bool corrupted = fuzz_corrupt_body(&c->in, &b);
    const skeleton_view before = skeleton_view_of(fs->s);
    int index = -7;
    wr_status st = FUZZ_CALL(wr_skeleton_add_body(fs->s, &b, fuzz_bool(&c->in) ? &index : NULL));
    if (st != WR_OK) {
        FUZZ_CHECK(corrupted || is_memory_failure(st), "sane body refused: %s", wr_status_name(st));
        FUZZ_CHECK(st == WR_ERR_INVALID_ARGUMENT || st == WR_ERR_NON_FINITE || is_memory_failure(st),
                   "add body: %s", wr_status_name(st));
        FUZZ_CHECK(skeleton_view_equal(before, skeleton_view_of(fs->s)), "a refused body changed the skeleton");
        FUZZ_CHECK(index == -7, "a refused body wrote its index");
        return;
    }
    FUZZ_CHECK(fuzz_inertia_positive_definite(b.inertia), "inertia %g %g %g / %g %g %g / %g %g %g accepted",
               b.inertia[0], b.inertia[1], b.inertia[2], b.inertia[3], b.inertia[4], b.inertia[5], b.inertia[6],
               b.inertia[7], b.inertia[8]);
    const skeleton_view after = skeleton_view_of(fs->s);
    FUZZ_CHECK(after.bodies == n + 1 && after.nq == before.nq + fuzz_joint_nq(b.joint.type) &&
                   after.nv == before.nv + fuzz_joint_nv(b.joint.type) && after.shapes == before.shapes,
               "sizes after adding a body");
    FUZZ_CHECK(index == -7 || index == n, "index %d for body %d", index, n);
    fs->may_fail_build |= corrupted;
    if (!fs->may_fail_build)
        fuzz_check_mass_matrix(fs->s);
}

static void op_add_shape(ctx *c)
{
    free_slot *fs = pick_free(c);
    if (!fs)
        return;
    const int n = wr_skeleton_body_count(fs->s);
    int body = fuzz_int(&c->in, -1, n);
    wr_shape_desc d;
    fuzz_sane_shape(&c->in, true, &d);
    bool corrupted = fuzz_corrupt_shape(&c->in, &d);
    const skeleton_view before = skeleton_view_of(fs->s);
    int index = -7;
    wr_status st = FUZZ_CALL(wr_skeleton_add_shape(fs->s, body, &d, &index));
    bool bad_body = body < 0 || body >= n;
    if (st == WR_OK) {
        FUZZ_CHECK(!bad_body, "a shape on missing body %d was accepted", body);
        FUZZ_CHECK(wr_skeleton_shape_count(fs->s) == before.shapes + 1 && index == before.shapes, "shape index");
        return;
    }
    FUZZ_CHECK(st == WR_ERR_INVALID_ARGUMENT || st == WR_ERR_NON_FINITE || is_memory_failure(st), "add shape: %s",
               wr_status_name(st));
    /* a plane may only go on a static body: that refusal is allowed for a sane plane description */
    FUZZ_CHECK(corrupted || bad_body || d.type == WR_SHAPE_PLANE || is_memory_failure(st), "sane shape refused: %s",
               wr_status_name(st));
    FUZZ_CHECK(skeleton_view_equal(before, skeleton_view_of(fs->s)) && index == -7, "a refused shape changed things");
}

static void op_add_to_world(ctx *c)
{
    free_slot *fs = pick_free(c);
    int k = fuzz_u8(&c->in) % MAX_WORLDS;
    world_slot *ws = &c->worlds[k];
    if (!fs || !ws->w)
        return;
    const fuzz_world_view before = fuzz_world_view_of(ws->w);
    const skeleton_view sv = skeleton_view_of(fs->s);
    wr_skeleton *s = fs->s;
    int index = -7;
    wr_status st = FUZZ_CALL(wr_world_add_skeleton(ws->w, &s, fuzz_bool(&c->in) ? &index : NULL));
    if (sv.bodies == 0)
        FUZZ_CHECK(st == WR_ERR_INVALID_ARGUMENT, "an empty skeleton was added: %s", wr_status_name(st));
    if (st != WR_OK) {
        /* INVALID_STATE: a body that derives its mass from shapes it does not have */
        FUZZ_CHECK(is_memory_failure(st) || sv.bodies == 0 || st == WR_ERR_INVALID_STATE, "add skeleton: %s",
                   wr_status_name(st));
        FUZZ_CHECK(index == -7, "a refused add wrote its index");
        FUZZ_CHECK(s == fs->s, "a refused add moved the skeleton");
        FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(ws->w)), "a refused add changed the world");
        FUZZ_CHECK(skeleton_view_equal(sv, skeleton_view_of(s)), "a refused add changed the skeleton");
        return;
    }
    const fuzz_world_view after = fuzz_world_view_of(ws->w);
    FUZZ_CHECK(after.skeletons == before.skeletons + 1 && after.nq == before.nq + (size_t)sv.nq &&
                   after.nv == before.nv + (size_t)sv.nv && after.steps == before.steps,
               "world sizes after adding a skeleton");
    FUZZ_CHECK(wr_world_get_skeleton(ws->w, after.skeletons - 1) == s, "the added skeleton is not the last");
    FUZZ_CHECK(index == -7 || index == before.skeletons, "index %d for skeleton %d", index, before.skeletons);
    FUZZ_CHECK(wr_skeleton_memory_manager(s) == wr_world_get_memory_manager(ws->w), "the skeleton was not moved");
    /* the skeleton in a world refuses to grow and to be destroyed directly */
    wr_body_desc b;
    wr_body_desc_init(&b);
    FUZZ_CHECK(FUZZ_CALL(wr_skeleton_add_body(s, &b, NULL)) == WR_ERR_BUSY, "add body to a skeleton in a world");
    FUZZ_CHECK(FUZZ_CALL(wr_skeleton_destroy(s)) == WR_ERR_BUSY, "destroy of a skeleton in a world");
    fs->s = NULL;
    check_finite_world(c, ws->w);
}

static void op_remove(ctx *c)
{
    world_slot *ws = pick_world(c);
    if (!ws)
        return;
    int n = wr_world_skeleton_count(ws->w);
    int i = fuzz_int(&c->in, -1, n);
    wr_skeleton *s = wr_world_get_skeleton(ws->w, i);
    if (!s) {
        FUZZ_CHECK(i < 0 || i >= n, "skeleton %d of %d is NULL", i, n);
        /* a skeleton that is not in this world */
        free_slot *fs = pick_free(c);
        if (fs) {
            const fuzz_world_view before = fuzz_world_view_of(ws->w);
            FUZZ_CHECK(FUZZ_CALL(wr_world_remove_skeleton(ws->w, fs->s)) == WR_ERR_NOT_FOUND, "remove a free one");
            FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(ws->w)), "a refused remove changed things");
        }
        return;
    }
    const fuzz_world_view before = fuzz_world_view_of(ws->w);
    FUZZ_CHECK(FUZZ_CALL(wr_world_remove_skeleton(ws->w, s)) == WR_OK, "remove skeleton");
    FUZZ_CHECK(wr_world_skeleton_count(ws->w) == before.skeletons - 1, "count after remove");
}

static void op_destroy_free(ctx *c)
{
    free_slot *fs = pick_free(c);
    if (!fs)
        return;
    FUZZ_CHECK(FUZZ_CALL(wr_skeleton_destroy(fs->s)) == WR_OK, "skeleton destroy");
    fs->s = NULL;
}

/* ---- state, steps, snapshots ------------------------------------------------------------------------------- */

static void op_set_state(ctx *c)
{
    world_slot *ws = pick_world(c);
    if (!ws)
        return;
    size_t nq = wr_world_position_count(ws->w), nv = wr_world_dof_count(ws->w);
    if (nq > MAX_STATE || nv > MAX_STATE)
        return;
    bool positions = fuzz_bool(&c->in);
    size_t n = positions ? nq : nv;
    if (positions)
        FUZZ_CHECK(FUZZ_CALL(wr_world_get_positions(ws->w, c->buf, nq)) == WR_OK, "get positions");
    else
        FUZZ_CHECK(FUZZ_CALL(wr_world_get_velocities(ws->w, c->buf, nv)) == WR_OK, "get velocities");
    int edits = fuzz_int(&c->in, 1, 4);
    for (int i = 0; i < edits && n; i++)
        c->buf[fuzz_u16(&c->in) % n] = fuzz_double_mostly(&c->in, -3, 3);
    const fuzz_world_view before = fuzz_world_view_of(ws->w);
    wr_status st = positions ? FUZZ_CALL(wr_world_set_positions(ws->w, c->buf, n))
                             : FUZZ_CALL(wr_world_set_velocities(ws->w, c->buf, n));
    if (st != WR_OK) {
        FUZZ_CHECK(st == WR_ERR_INVALID_ARGUMENT || st == WR_ERR_NON_FINITE, "set state: %s", wr_status_name(st));
        FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(ws->w)), "a refused set changed the world");
    }
}

static void op_step(ctx *c)
{
    world_slot *ws = pick_world(c);
    if (!ws)
        return;
    int steps = fuzz_int(&c->in, 1, 3);
    for (int i = 0; i < steps && c->steps_left > 0; i++, c->steps_left--) {
        const fuzz_world_view before = fuzz_world_view_of(ws->w);
        wr_status st = FUZZ_CALL(wr_world_step(ws->w, 1));
        if (st != WR_OK) {
            FUZZ_CHECK(st == WR_ERR_NON_FINITE || is_memory_failure(st), "step: %s", wr_status_name(st));
            FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(ws->w)), "a failed step changed the world");
            return;
        }
        FUZZ_CHECK(wr_world_step_count(ws->w) == before.steps + 1, "step count");
    }
    check_finite_world(c, ws->w);
}

static void op_snapshot(ctx *c)
{
    world_slot *ws = pick_world(c);
    if (!ws)
        return;
    wr_world_snapshot **slot = &ws->snaps[fuzz_u8(&c->in) % MAX_SNAPS];
    uint8_t what = fuzz_u8(&c->in) % 4u;
    if (!*slot || what == 0) {
        if (*slot)
            FUZZ_CHECK(FUZZ_CALL(wr_world_snapshot_destroy(ws->w, *slot)) == WR_OK, "snapshot destroy");
        *slot = NULL;
        wr_status st = FUZZ_CALL(wr_world_snapshot_create(ws->w, slot));
        FUZZ_CHECK(st == WR_OK || is_memory_failure(st), "snapshot create: %s", wr_status_name(st));
        if (st != WR_OK)
            *slot = NULL;
        return;
    }
    if (what == 1) {
        FUZZ_CHECK(FUZZ_CALL(wr_world_snapshot_destroy(ws->w, *slot)) == WR_OK, "snapshot destroy");
        *slot = NULL;
        return;
    }
    const fuzz_world_view before = fuzz_world_view_of(ws->w);
    if (what == 2) {
        wr_status st = FUZZ_CALL(wr_world_snapshot_save(ws->w, *slot));
        /* a snapshot taken for another layout or outgrown by the warm-start cache is refused */
        FUZZ_CHECK(st == WR_OK || st == WR_ERR_INVALID_STATE || st == WR_ERR_INVALID_ARGUMENT, "save: %s",
                   wr_status_name(st));
        if (st == WR_OK) {
            /* save, step, restore: bit for bit */
            if (wr_world_step(ws->w, 1) == WR_OK) {
                st = FUZZ_CALL(wr_world_snapshot_restore(ws->w, *slot));
                FUZZ_CHECK(st == WR_OK, "restore right after save: %s", wr_status_name(st));
                FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(ws->w)), "restore is not bit for bit");
            }
        }
        FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(ws->w)), "save changed the world");
        return;
    }
    wr_status st = FUZZ_CALL(wr_world_snapshot_restore(ws->w, *slot));
    if (st != WR_OK) {
        FUZZ_CHECK(st == WR_ERR_INVALID_ARGUMENT || st == WR_ERR_INVALID_STATE || st == WR_ERR_NON_FINITE,
                   "restore: %s", wr_status_name(st));
        FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(ws->w)), "a refused restore changed the world");
    } else {
        check_finite_world(c, ws->w);
    }
}

static void op_scene(ctx *c)
{
    world_slot *ws = pick_world(c);
    if (!ws)
        return;
    char name[32];
    static const char *const fixed[] = {"pendulum", "arm7", "humanoid", "pendulum:1", "boxes", ""};
    uint8_t k = fuzz_u8(&c->in);
    if (k % 3u == 0)
        snprintf(name, sizeof name, "chain:%d", fuzz_int(&c->in, 0, 24));
    else if (k % 3u == 1)
        snprintf(name, sizeof name, "boxes:%d", fuzz_int(&c->in, 0, 6));
    else
        snprintf(name, sizeof name, "%s", fixed[(k / 3u) % 6u]);
    const fuzz_world_view before = fuzz_world_view_of(ws->w);
    wr_status st = FUZZ_CALL(wr_scene_build(ws->w, name));
    if (st != WR_OK) {
        FUZZ_CHECK(st == WR_ERR_INVALID_ARGUMENT || is_memory_failure(st), "scene %s: %s", name, wr_status_name(st));
        FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(ws->w)), "a failed scene build changed things");
    } else {
        check_finite_world(c, ws->w);
    }
}

static void op_settings(ctx *c)
{
    world_slot *ws = pick_world(c);
    if (!ws)
        return;
    const fuzz_world_view before = fuzz_world_view_of(ws->w);
    switch (fuzz_u8(&c->in) % 5u) {
    case 0: {
        double g[3] = {fuzz_double_mostly(&c->in, -20, 20), fuzz_double_mostly(&c->in, -20, 20),
                       fuzz_double_mostly(&c->in, -20, 20)};
        wr_status st = FUZZ_CALL(wr_world_set_gravity(ws->w, g));
        FUZZ_CHECK(st == (fuzz_all_finite(g, 3) ? WR_OK : WR_ERR_NON_FINITE), "gravity: %s", wr_status_name(st));
        break;
    }
    case 1: {
        double dt = fuzz_double_mostly(&c->in, 1e-4, 0.01);
        wr_status st = FUZZ_CALL(wr_world_set_time_step(ws->w, dt));
        FUZZ_CHECK(st == (!isfinite(dt) ? WR_ERR_NON_FINITE : (dt > 0 ? WR_OK : WR_ERR_INVALID_ARGUMENT)),
                   "time step %g: %s", dt, wr_status_name(st));
        break;
    }
    case 2: {
        wr_skeleton *s = wr_world_get_skeleton(ws->w, fuzz_int(&c->in, 0, 3));
        if (!s)
            break;
        int body = fuzz_int(&c->in, -1, wr_skeleton_body_count(s));
        double damping = fuzz_double_mostly(&c->in, 0, 2);
        wr_status st = FUZZ_CALL(wr_skeleton_set_joint_damping(s, body, damping));
        bool ok = body >= 0 && body < wr_skeleton_body_count(s) && isfinite(damping) && damping >= 0;
        FUZZ_CHECK((st == WR_OK) == ok, "damping %g on body %d: %s", damping, body, wr_status_name(st));
        break;
    }
    case 3: {
        /* a world that holds memory refuses another manager */
        world_slot *other = pick_world(c);
        if (other && other != ws && wr_world_skeleton_count(ws->w) > 0) {
            wr_status st = FUZZ_CALL(wr_world_set_memory_manager(ws->w, wr_world_get_memory_manager(other->w)));
            FUZZ_CHECK(st == WR_ERR_BUSY, "set memory manager on a full world: %s", wr_status_name(st));
        }
        break;
    }
    default: {
        /* budgets go up and down; below what is reserved they are refused */
        wr_memory_manager *m = wr_world_get_memory_manager(ws->w);
        wr_memory_manager_stats before_stats;
        FUZZ_CHECK(FUZZ_CALL(wr_memory_manager_get_stats(m, &before_stats)) == WR_OK, "manager stats");
        size_t budget = fuzz_bool(&c->in) ? 0 : before_stats.bytes_reserved + (size_t)fuzz_u16(&c->in) * 64 -
                                                    (fuzz_bool(&c->in) ? 4096 : 0);
        wr_status st = FUZZ_CALL(wr_memory_manager_set_budget(m, budget));
        bool refuse = budget != 0 && budget < before_stats.bytes_reserved;
        FUZZ_CHECK(st == (refuse ? WR_ERR_BUDGET : WR_OK), "budget %zu with %zu reserved: %s", budget,
                   before_stats.bytes_reserved, wr_status_name(st));
        break;
    }
    }
    FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(ws->w)), "a setting changed the state");
}

static void op_queries(ctx *c)
{
    world_slot *ws = pick_world(c);
    if (!ws)
        return;
    wr_skeleton *s = wr_world_get_skeleton(ws->w, fuzz_int(&c->in, -1, 4));
    if (!s)
        return;
    const fuzz_world_view before = fuzz_world_view_of(ws->w);
    int body = fuzz_int(&c->in, -2, wr_skeleton_body_count(s));
    double p[3], r[9];
    wr_status st = FUZZ_CALL(wr_skeleton_body_pose(s, body, p, r));
    FUZZ_CHECK((st == WR_OK) == (body >= 0 && body < wr_skeleton_body_count(s)), "body pose %d: %s", body,
               wr_status_name(st));
    char name[8];
    snprintf(name, sizeof name, "b%d", fuzz_u8(&c->in));
    int found = wr_skeleton_find_body(s, name);
    FUZZ_CHECK(found >= -1 && found < wr_skeleton_body_count(s), "find body");
    double e;
    FUZZ_CHECK(FUZZ_CALL(wr_skeleton_kinetic_energy(s, &e)) == WR_OK, "kinetic energy");
    FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(ws->w)), "a query changed the state");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ctx c;
    memset(&c, 0, sizeof c);
    c.in = fuzz_reader_make(data, size);
    c.steps_left = MAX_STEPS;
    FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_create_heap(&c.heap)) == WR_OK, "heap");
    for (int op = 0; op < MAX_OPS && !fuzz_empty(&c.in); op++) {
        switch (fuzz_u8(&c.in) % 16u) {
        case 0: op_create_world(&c); break;
        case 1: op_destroy_world(&c); break;
        case 2: op_create_skeleton(&c); break;
        case 3: case 4: op_add_body(&c); break;
        case 5: op_add_shape(&c); break;
        case 6: op_add_to_world(&c); break;
        case 7: op_remove(&c); break;
        case 8: op_destroy_free(&c); break;
        case 9: op_set_state(&c); break;
        case 10: case 11: op_step(&c); break;
        case 12: op_snapshot(&c); break;
        case 13: op_scene(&c); break;
        case 14: op_settings(&c); break;
        default: op_queries(&c); break;
        }
    }
    for (int i = 0; i < MAX_FREE; i++)
        if (c.free[i].s && c.free[i].on_world < 0)
            FUZZ_CHECK(FUZZ_CALL(wr_skeleton_destroy(c.free[i].s)) == WR_OK, "skeleton destroy");
    for (int k = 0; k < MAX_WORLDS; k++)
        if (c.worlds[k].w)
            destroy_world(&c, k);
    FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_destroy(c.heap)) == WR_OK, "heap destroy");
    return 0;
}
