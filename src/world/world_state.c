/* src/world/world_state.c — a world's state as flat arrays, its hash, and snapshots.
 *
 * The flat state API reads and writes q, v and joint forces in the world-wide numbering (skeleton order). A snapshot
 * is a header (layout identity, counts, time) followed by q, v and the constraint solver's warm-start cache, so that
 * save / step / restore / step replays bit for bit; restoring allocates nothing.
 */
#include <math.h>
#include <stdalign.h>
#include <string.h>

#include "constraint/constraint_solver.h"
#include "core/status_internal.h"
#include "core/util.h"
#include "world/world_internal.h"
#include "worldrunner/collision.h"

/* "wrs2": a free joint's velocities are (linear in the parent frame, angular in the child frame) since version 2;
 * "wrsh" snapshots held (angular, linear) body-frame twists and are refused as another layout */
#define SNAPSHOT_MAGIC 0x77727332u

struct wr_world_snapshot {
    const wr_world *owner;
    size_t bytes;                /* of data[] */
    alignas(16) unsigned char data[];
};

typedef struct snapshot_header {
    uint32_t magic;
    uint32_t skeletons;
    uint32_t nq, nv;
    uint64_t layout;             /* the world's layout key: refuses snapshots of another world layout */
    uint64_t step_count;
    double time;
    /* The constraint solver's warm-start cache (packed entries after q and v): the next step's impulses start
     * from it, so a replay from the snapshot is bit-identical only with it. */
    uint32_t cache_count;
    uint32_t reserved;
    uint64_t cache_layout;       /* the layout key the cache was made under */
} snapshot_header;

uint64_t wr_world_state_hash(const wr_world *w)
{
    uint64_t h = WR_FNV1A_INIT;
    GUARD_OR(w, h);
    if (!w)
        return h;
    for (int i = 0; i < w->skeleton_count; i++) {
        const wr_skeleton *s = w->skeletons[i];
        h = wr_fnv1a(h, s->q, (size_t)s->nq * sizeof(double));
        h = wr_fnv1a(h, s->v, (size_t)s->nv * sizeof(double));
    }
    return wr_fnv1a(h, &w->time, sizeof w->time);
}

/* ---- flat state -------------------------------------------------------------------------------------------- */

size_t wr_world_position_count(const wr_world *w)
{
    GUARD_OR(w, 0);
    return w ? (size_t)w->nq : 0;
}

size_t wr_world_dof_count(const wr_world *w)
{
    GUARD_OR(w, 0);
    return w ? (size_t)w->nv : 0;
}

/* `function`: the public call, named in a refusal (core/guard.h). */
static wr_status check_flat(const wr_world *w, const void *p, size_t count, size_t expected, const char *what,
                            const char *function)
{
    if (!w || (!p && expected))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and buffer must not be NULL");
    if (wr_world_refused(w))
        return wr_guard_fail(function);
    if (count != expected)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "%s count %zu, the world has %zu", what, count, expected);
    return WR_OK;
}

/* The loops below copy only when there is something to copy: with count 0 the buffer may be NULL, and even
 * NULL + 0 is undefined. */

wr_status wr_world_get_positions(const wr_world *w, double *q, size_t count)
{
    wr_status st = check_flat(w, q, count, w ? (size_t)w->nq : 0, "position", __func__);
    if (st != WR_OK || count == 0)
        return st;
    for (int i = 0; st == WR_OK && i < w->skeleton_count; i++) {
        const wr_skeleton *s = w->skeletons[i];
        memcpy(q + s->q_world_offset, s->q, (size_t)s->nq * sizeof(double));
    }
    return st;
}

wr_status wr_world_set_positions(wr_world *w, const double *q, size_t count)
{
    wr_status st = check_flat(w, q, count, w ? (size_t)w->nq : 0, "position", __func__);
    if (st != WR_OK || count == 0)
        return st;
    for (int i = 0; st == WR_OK && i < w->skeleton_count; i++)
        st = skeleton_check_positions(w->skeletons[i], q + w->skeletons[i]->q_world_offset);
    for (int i = 0; st == WR_OK && i < w->skeleton_count; i++)
        skeleton_store_positions(w->skeletons[i], q + w->skeletons[i]->q_world_offset);
    return st;
}

wr_status wr_world_get_velocities(const wr_world *w, double *v, size_t count)
{
    wr_status st = check_flat(w, v, count, w ? (size_t)w->nv : 0, "velocity", __func__);
    if (st != WR_OK || count == 0)
        return st;
    for (int i = 0; st == WR_OK && i < w->skeleton_count; i++) {
        const wr_skeleton *s = w->skeletons[i];
        memcpy(v + s->v_world_offset, s->v, (size_t)s->nv * sizeof(double));
    }
    return st;
}

wr_status wr_world_set_velocities(wr_world *w, const double *v, size_t count)
{
    wr_status st = check_flat(w, v, count, w ? (size_t)w->nv : 0, "velocity", __func__);
    if (st != WR_OK || count == 0)
        return st;
    if (st == WR_OK && !wr_all_finite(v, count))
        st = WR_FAIL(WR_ERR_NON_FINITE, "velocities contain NaN or infinity");
    for (int i = 0; st == WR_OK && i < w->skeleton_count; i++) {
        wr_skeleton *s = w->skeletons[i];
        memcpy(s->v, v + s->v_world_offset, (size_t)s->nv * sizeof(double));
        s->state_epoch++;
    }
    return st;
}

wr_status wr_world_set_joint_forces(wr_world *w, const double *tau, size_t count)
{
    wr_status st = check_flat(w, tau, count, w ? (size_t)w->nv : 0, "joint force", __func__);
    if (st != WR_OK || count == 0)
        return st;
    if (st == WR_OK && !wr_all_finite(tau, count))
        st = WR_FAIL(WR_ERR_NON_FINITE, "joint forces contain NaN or infinity");
    for (int i = 0; st == WR_OK && i < w->skeleton_count; i++) {
        wr_skeleton *s = w->skeletons[i];
        memcpy(s->tau_cmd, tau + s->v_world_offset, (size_t)s->nv * sizeof(double));
    }
    return st;
}

wr_status wr_world_apply_body_wrench(wr_world *w, int skeleton_index, int body, const double force[3],
                                  const double torque[3])
{
    if (!w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world is NULL");
    GUARD(w);
    if (skeleton_index < 0 || skeleton_index >= w->skeleton_count)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "skeleton index %d out of range [0, %d)", skeleton_index,
                       w->skeleton_count);
    return wr_skeleton_apply_body_wrench(w->skeletons[skeleton_index], body, force, torque);
}

wr_status wr_world_clear_forces(wr_world *w)
{
    if (!w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world is NULL");
    GUARD(w);
    for (int i = 0; i < w->skeleton_count; i++)
        wr_skeleton_clear_forces(w->skeletons[i]);
    return WR_OK;
}

/* ---- snapshots --------------------------------------------------------------------------------------------- */

static size_t snapshot_bytes(const wr_world *w, uint32_t cache_entries)
{
    return sizeof(snapshot_header) + (size_t)(w->nq + w->nv) * sizeof(double) +
           (size_t)cache_entries * CONSTRAINT_SOLVER_CACHE_ENTRY_BYTES;
}

/* The entries a snapshot holds: the warm-start cache if the next step would use it, else none (made for another
 * state: q or v were set since, or the skeletons changed). */
static uint32_t cache_entries(const wr_world *w)
{
    if (!w->solver || constraint_solver_cache_key(w->solver) != wr_world_warm_start_key(w))
        return 0;
    return constraint_solver_cache_count(w->solver);
}

size_t wr_world_snapshot_size(const wr_world *w)
{
    GUARD_OR(w, 0);
    if (!w)
        return 0;
    return snapshot_bytes(w, cache_entries(w));
}

wr_status wr_world_save_snapshot(const wr_world *w, void *buffer, size_t bytes)
{
    if (!w || !buffer)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and buffer must not be NULL");
    GUARD(w);
    if (bytes < wr_world_snapshot_size(w))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "snapshot buffer of %zu bytes, %zu needed (%u warm-start entries)",
                       bytes, wr_world_snapshot_size(w), cache_entries(w));
    snapshot_header h = {SNAPSHOT_MAGIC, (uint32_t)w->skeleton_count, (uint32_t)w->nq, (uint32_t)w->nv,
                         w->layout_stale ? wr_world_layout_key(w) : w->layout, w->step_count, w->time,
                         cache_entries(w), 0, 0};
    unsigned char *p = (unsigned char *)buffer + sizeof h;
    for (int i = 0; i < w->skeleton_count; i++) {
        const wr_skeleton *s = w->skeletons[i];
        memcpy(p + (size_t)s->q_world_offset * sizeof(double), s->q, (size_t)s->nq * sizeof(double));
        memcpy(p + (size_t)(w->nq + s->v_world_offset) * sizeof(double), s->v, (size_t)s->nv * sizeof(double));
    }
    if (h.cache_count)
        constraint_solver_cache_save(w->solver, p + (size_t)(w->nq + w->nv) * sizeof(double), &h.cache_layout);
    memcpy(buffer, &h, sizeof h);
    return WR_OK;
}

wr_status wr_world_restore_snapshot(wr_world *w, const void *buffer, size_t bytes)
{
    if (!w || !buffer)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and buffer must not be NULL");
    GUARD(w);
    snapshot_header h;
    if (bytes < sizeof h)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "snapshot buffer too small (%zu bytes)", bytes);
    memcpy(&h, buffer, sizeof h);
    if (h.magic != SNAPSHOT_MAGIC || h.skeletons != (uint32_t)w->skeleton_count || h.nq != (uint32_t)w->nq ||
        h.nv != (uint32_t)w->nv || h.layout != wr_world_current_layout(w))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "the snapshot does not match this world's layout");
    if (h.cache_count > (bytes - sizeof h) / CONSTRAINT_SOLVER_CACHE_ENTRY_BYTES ||
        bytes < snapshot_bytes(w, h.cache_count))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "snapshot buffer of %zu bytes is shorter than its contents", bytes);
    const unsigned char *p = (const unsigned char *)buffer + sizeof h;
    const unsigned char *cache = p + (size_t)(w->nq + w->nv) * sizeof(double);
    /* the payload may be unaligned in a caller buffer: check through memcpy'd values */
    for (size_t k = 0; k < (size_t)(w->nq + w->nv); k++) {
        double x;
        memcpy(&x, p + k * sizeof(double), sizeof x);
        if (!isfinite(x))
            return WR_FAIL(WR_ERR_NON_FINITE, "the snapshot contains NaN or infinity");
    }
    if (!isfinite(h.time))
        return WR_FAIL(WR_ERR_NON_FINITE, "the snapshot time is not finite");
    wr_status st;
    /* Quaternions are checked as wr_world_set_positions checks them, so a corrupted snapshot cannot restore a
     * rotation that is not one. The step's backup array (nq + nv doubles) is the aligned scratch for it. */
    if (w->nq) {
        memcpy(w->backup, p, (size_t)w->nq * sizeof(double));
        for (int i = 0; i < w->skeleton_count; i++) {
            const wr_skeleton *s = w->skeletons[i];
            if ((st = skeleton_check_positions(s, w->backup + s->q_world_offset)) != WR_OK)
                return st;
        }
    }
    if (w->solver && (st = constraint_solver_cache_load_check(w->solver, cache, h.cache_count)) != WR_OK)
        return st;
    if (!w->solver && h.cache_count)
        return WR_FAIL(WR_ERR_INVALID_STATE, "the snapshot has a warm-start cache, this world has no solver");
    for (int i = 0; i < w->skeleton_count; i++) {
        wr_skeleton *s = w->skeletons[i];
        memcpy(s->q, p + (size_t)s->q_world_offset * sizeof(double), (size_t)s->nq * sizeof(double));
        memcpy(s->v, p + (size_t)(w->nq + s->v_world_offset) * sizeof(double), (size_t)s->nv * sizeof(double));
        skeleton_invalidate(s);
    }
    if (w->solver) {
        /* a snapshot holds a cache only if it was valid for its state, which is the world's state now (restored
         * without touching the skeletons' state epochs): valid under the world's key of now */
        constraint_solver_cache_load(w->solver, cache, h.cache_count, wr_world_warm_start_key(w));
        wr_collision_forget_contacts(w->collision); /* they no longer describe the world */
    }
    w->time = h.time;
    w->step_count = h.step_count;
    return WR_OK;
}

/* A world-memory snapshot is sized for the warm-start cache's capacity, not only its current count, so it keeps
 * fitting while contacts come and go (until the cache itself grows). */
static uint32_t cache_room(const wr_world *w)
{
    uint32_t n = cache_entries(w);
    if (w->solver && constraint_solver_cache_capacity(w->solver) > n)
        n = constraint_solver_cache_capacity(w->solver);
    return n;
}

wr_status wr_world_snapshot_create(wr_world *w, wr_world_snapshot **out)
{
    if (!w || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and out must not be NULL");
    GUARD(w);
    size_t bytes = snapshot_bytes(w, cache_room(w));
    void *mem = NULL;
    wr_status st = wr_memory_manager_allocate(w->manager, sizeof(wr_world_snapshot) + bytes, alignof(wr_world_snapshot),
                                           W_TAG, &mem);
    if (st != WR_OK)
        return st;
    wr_world_snapshot *snap = mem;
    snap->owner = w;
    snap->bytes = bytes;
    w->snapshots++;
    *out = snap;
    return WR_OK;
}

wr_status wr_world_snapshot_save(const wr_world *w, wr_world_snapshot *snap)
{
    if (!w || !snap)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and snapshot must not be NULL");
    GUARD(w);
    if (snap->owner != w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "the snapshot belongs to another world");
    if (snap->bytes < wr_world_snapshot_size(w))
        return WR_FAIL(WR_ERR_INVALID_STATE,
                       "the snapshot holds %zu bytes, the world's state now needs %zu (%u warm-start entries): "
                       "create a new snapshot", snap->bytes, wr_world_snapshot_size(w), cache_entries(w));
    return wr_world_save_snapshot(w, snap->data, snap->bytes);
}

wr_status wr_world_snapshot_restore(wr_world *w, const wr_world_snapshot *snap)
{
    if (!w || !snap)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and snapshot must not be NULL");
    GUARD(w);
    if (snap->owner != w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "the snapshot belongs to another world");
    return wr_world_restore_snapshot(w, snap->data, snap->bytes);
}

wr_status wr_world_snapshot_destroy(wr_world *w, wr_world_snapshot *snap)
{
    if (!w || !snap)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and snapshot must not be NULL");
    GUARD(w);
    if (snap->owner != w)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "the snapshot belongs to another world");
    w->snapshots--;
    return wr_memory_manager_deallocate(w->manager, snap, sizeof(wr_world_snapshot) + snap->bytes,
                                     alignof(wr_world_snapshot), W_TAG);
}
