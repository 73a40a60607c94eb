/* src/constraint/constraint_solver.c — the constraint stage of a world step: joint limits, islands, rows, PGS,
 * warm-start cache.
 *
 * Per step (all temporaries in the step's frame allocator; the contacts come from the collision stage):
 *   1-3. the skeletons' dofs and candidate velocities; joint position/velocity limits close to being hit;
 *   4. islands: skeletons joined by contacts (union-find); rows laid out island by island;
 *   5. rows: contact normal (restitution, Baumgarte or speculative bias) and two friction rows (a disc pair, or a
 *      pyramid by setting), limits;
 *      J over each side's skeleton dofs, W = M^-1 J^T through the skeleton's cached Cholesky factor;
 *   6. warm start from the cache (key: shape pair + feature, or skeleton + dof + kind), PGS per island;
 *   7. the candidate velocities are written back only if everything succeeded and is finite.
 * The warm-start cache (persistent, from the world's manager) is replaced only in constraint_solver_commit().
 */
#include "constraint/constraint_solver.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collision/collision_stage.h"
#include "constraint/pgs.h"
#include "core/status_internal.h"
#include "core/util.h"
#include "dynamics/dynamics_internal.h"
#include "math/linalg.h"
#include "worldrunner/collision.h"

#define CACHE_INITIAL_ENTRIES 256u
/* Position recovery (Baumgarte) beyond this separation speed (m/s) is done with pseudo velocities that move the
 * positions but are not kept (split impulse). A resting contact's recovery is about g dt (0.01 m/s at 1 ms), so
 * ordinary contacts never reach it; a deep overlap does. */
#define SPLIT_BIAS 0.05
#define KEY_LIMIT_BIT (1ull << 63)

typedef struct cache_entry {
    uint64_t key;
    double lambda[3];
} cache_entry;

typedef struct minv_slot minv_slot;

struct constraint_solver {
    wr_memory_manager *manager;
    /* The impulses of the last committed step: entries plus an open-addressing hash of their keys (2 x capacity
     * slots), one block from the manager. */
    cache_entry *cache;
    uint32_t *cache_slots;
    uint32_t cache_count, cache_capacity;
    void *spare;                 /* a larger block taken by a step whose entries did not fit; used at commit */
    uint32_t spare_capacity;
    /* Per skeleton: M and M^-1 of the last step it had rows (pool of doubles, 2 nv^2 each). A free body's M is the
     * same every step (body-frame coordinates), so its inverse is reused after an exact comparison of M. */
    minv_slot *slots;
    uint32_t slot_capacity;
    double *pool;
    size_t pool_capacity;        /* doubles */
    cache_entry *fresh;          /* this step's entries (frame memory), adopted by commit */
    /* When the step had split position recovery, the skeletons hold v + the pseudo velocities for the position
     * integration; these (frame memory, all dofs) are the velocities to keep, restored by
     * constraint_solver_finish_integration. NULL otherwise. */
    const double *kept_velocities;
    uint32_t fresh_count;
    int fresh_valid;
    /* Cache keys use world-wide shape and dof numbers: a cache made under another layout (skeletons added or
     * removed) is not used. The world's layout key the cache was made under, and this step's. */
    uint64_t cache_layout, step_layout;
    /* Cold-path fact, derived again when the skeleton set changes: does any dof have a limit? */
    int limits_valid;
    uint64_t limits_layout;
    int any_limit;
};

typedef struct minv_slot {
    int32_t nv;
    int32_t valid;
    size_t offset;               /* into the pool: M, then M^-1 */
} minv_slot;

typedef struct limit_rec {
    int32_t skel, dof, kind;     /* kind: 0 lower position, 1 upper position, 2 velocity below -max, 3 above +max */
    double gap;                  /* position gap (>= 0 free) or velocity bound */
    uint64_t key;
    int32_t island;
} limit_rec;

/* A row's position recovery beyond SPLIT_BIAS (m/s), done by the pseudo-velocity solve instead. */
typedef struct split_entry {
    uint32_t row;
    double bias;
} split_entry;

/* Everything one step needs, on the stack of constraint_solver_step. */
typedef struct step_ctx {
    constraint_solver *solver;
    const wr_constraint_view *view;
    const wr_collision_settings *settings;
    wr_collision_stats *stats;
    wr_frame_allocator *frame;
    double dt;
    int skel_count;
    wr_skeleton *const *skels;
    int *dof_offset;             /* per skeleton, into v */
    double *v;                   /* all candidate velocities */
    proxy_info *info;
    uint32_t proxy_count;
    contact_rec *contacts;
    uint32_t contact_count;
    limit_rec *limits;
    uint32_t limit_count;
    int *island_of_skel;
    int island_count;
    pgs_problem pgs;
    uint32_t *island_first;      /* island_count + 1 row offsets */
    double *jac;                 /* 2 x 3 x max_nv scratch: point Jacobians of sides B and A */
    struct split_entry *splits;  /* rows whose position recovery moved to the pseudo-velocity solve (room: rows) */
    uint32_t split_count;
    double **minv;               /* per skeleton: M^-1 (nv x nv) once it has rows, else NULL */
    int *nv;                     /* per skeleton: dofs */
    unsigned char *free_body;    /* per skeleton: dyn_skeleton_is_free_body */
    unsigned char *block_minv;   /* per skeleton: nv = 6 and M^-1 has zero off-diagonal 3x3 blocks (COM at origin) */
    int max_nv;
} step_ctx;

/* ---- creation, settings, statistics --------------------------------------------------------------------------- */

/* Bytes of a cache block of `capacity` (a power of two) entries: the entries, then 2 x capacity hash slots. */
static size_t cache_bytes(uint32_t capacity)
{
    return (size_t)capacity * (sizeof(cache_entry) + 2 * sizeof(uint32_t));
}

static void cache_bind(constraint_solver *solver, void *block, uint32_t capacity)
{
    solver->cache = block;
    solver->cache_slots = (uint32_t *)(solver->cache + capacity);
    solver->cache_capacity = capacity;
    solver->cache_count = 0;
    memset(solver->cache_slots, 0xFF, 2 * (size_t)capacity * sizeof(uint32_t));
}

wr_status constraint_solver_create(wr_memory_manager *manager, wr_collision_stats *stats, constraint_solver **out)
{
    if (!manager || !stats || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "manager, stats and out must not be NULL");
    void *mem = NULL;
    wr_status s = wr_memory_manager_allocate(manager, sizeof(constraint_solver), 0, WR_MEMORY_TAG_SOLVER, &mem);
    if (s != WR_OK)
        return s;
    constraint_solver *solver = mem;
    memset(solver, 0, sizeof(*solver));
    solver->manager = manager;
    void *cache = NULL;
    s = wr_memory_manager_allocate(manager, cache_bytes(CACHE_INITIAL_ENTRIES), 0, WR_MEMORY_TAG_SOLVER, &cache);
    if (s != WR_OK) {
        wr_memory_manager_deallocate(manager, solver, sizeof(constraint_solver), 0, WR_MEMORY_TAG_SOLVER);
        return s;
    }
    cache_bind(solver, cache, CACHE_INITIAL_ENTRIES);
    stats->cache_capacity = CACHE_INITIAL_ENTRIES;
    *out = solver;
    return WR_OK;
}

static void free_inverse_cache(constraint_solver *solver)
{
    if (solver->slots)
        wr_memory_manager_deallocate(solver->manager, solver->slots, solver->slot_capacity * sizeof(minv_slot), 0,
                                  WR_MEMORY_TAG_SOLVER);
    if (solver->pool)
        wr_memory_manager_deallocate(solver->manager, solver->pool, solver->pool_capacity * sizeof(double), 0,
                                  WR_MEMORY_TAG_SOLVER);
    solver->slots = NULL;
    solver->pool = NULL;
    solver->slot_capacity = 0;
    solver->pool_capacity = 0;
}

void constraint_solver_invalidate(constraint_solver *solver) { solver->limits_valid = 0; }

void constraint_solver_destroy(constraint_solver *solver)
{
    if (!solver)
        return;
    free_inverse_cache(solver);
    wr_memory_manager *m = solver->manager;
    wr_memory_manager_deallocate(m, solver->cache, cache_bytes(solver->cache_capacity), 0, WR_MEMORY_TAG_SOLVER);
    if (solver->spare)
        wr_memory_manager_deallocate(m, solver->spare, cache_bytes(solver->spare_capacity), 0, WR_MEMORY_TAG_SOLVER);
    wr_memory_manager_deallocate(m, solver, sizeof(constraint_solver), 0, WR_MEMORY_TAG_SOLVER);
}

/* ---- warm-start cache ------------------------------------------------------------------------------------------ */

static uint32_t cache_hash(uint64_t key, uint32_t mask)
{
    return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

static const cache_entry *cache_find(const constraint_solver *solver, uint64_t key)
{
    if (solver->cache_layout != solver->step_layout)
        return NULL;
    uint32_t mask = 2 * solver->cache_capacity - 1;
    for (uint32_t h = cache_hash(key, mask);; h = (h + 1) & mask) {
        uint32_t i = solver->cache_slots[h];
        if (i == UINT32_MAX)
            return NULL;
        if (solver->cache[i].key == key)
            return &solver->cache[i];
    }
}

/* Copy `n` packed entries (any alignment) into the cache (capacity >= n) and index them. */
static void cache_adopt(constraint_solver *solver, const void *entries, uint32_t n, uint64_t layout)
{
    uint32_t mask = 2 * solver->cache_capacity - 1;
    if (n)
        memcpy(solver->cache, entries, n * sizeof(cache_entry));
    if (n || solver->cache_count) /* an empty cache's slots are all empty already */
        memset(solver->cache_slots, 0xFF, 2 * (size_t)solver->cache_capacity * sizeof(uint32_t));
    for (uint32_t i = 0; i < n; i++) {
        uint32_t h = cache_hash(solver->cache[i].key, mask);
        while (solver->cache_slots[h] != UINT32_MAX)
            h = (h + 1) & mask;
        solver->cache_slots[h] = i;
    }
    solver->cache_count = n;
    solver->cache_layout = layout;
}

void constraint_solver_commit(constraint_solver *solver, wr_collision_stats *stats)
{
    if (!solver->fresh_valid)
        return;
    if (solver->fresh_count > solver->cache_capacity) {
        /* The step made sure a spare block large enough exists. */
        assert(solver->spare && solver->spare_capacity >= solver->fresh_count);
        void *old = solver->cache;
        uint32_t old_capacity = solver->cache_capacity;
        cache_bind(solver, solver->spare, solver->spare_capacity);
        solver->spare = old;
        solver->spare_capacity = old_capacity;
        stats->cache_capacity = solver->cache_capacity;
    }
    cache_adopt(solver, solver->fresh, solver->fresh_count, solver->step_layout);
    solver->fresh_valid = 0;
}

_Static_assert(sizeof(cache_entry) == CONSTRAINT_SOLVER_CACHE_ENTRY_BYTES, "packed snapshot entries");

uint32_t constraint_solver_cache_count(const constraint_solver *solver)
{
    return solver->cache_count;
}

uint64_t constraint_solver_cache_key(const constraint_solver *solver) { return solver->cache_layout; }

uint32_t constraint_solver_cache_capacity(const constraint_solver *solver)
{
    return solver->cache_capacity;
}

void constraint_solver_cache_save(const constraint_solver *solver, void *dst, uint64_t *layout)
{
    if (solver->cache_count)
        memcpy(dst, solver->cache, (size_t)solver->cache_count * sizeof(cache_entry));
    *layout = solver->cache_layout;
}

wr_status constraint_solver_cache_load_check(const constraint_solver *solver, const void *src, uint32_t count)
{
    if (count > solver->cache_capacity)
        return WR_FAIL(WR_ERR_INVALID_STATE, "the snapshot holds %u warm-start entries, this world's cache only %u",
                       count, solver->cache_capacity);
    const unsigned char *p = src;
    for (uint32_t i = 0; i < count; i++) {
        cache_entry e; /* the source may be unaligned */
        memcpy(&e, p + (size_t)i * sizeof e, sizeof e);
        for (int j = 0; j < 3; j++)
            if (!isfinite(e.lambda[j]))
                return WR_FAIL(WR_ERR_NON_FINITE, "the snapshot's warm-start impulses contain NaN or infinity");
    }
    return WR_OK;
}

void constraint_solver_cache_load(constraint_solver *solver, const void *src, uint32_t count, uint64_t layout)
{
    assert(count <= solver->cache_capacity);
    cache_adopt(solver, src, count, layout);
    solver->fresh_valid = 0;
}

/* Make sure commit can hold `count` entries without allocating (cold path: one manager request on growth). */
static wr_status reserve_cache(constraint_solver *solver, wr_collision_stats *stats, uint32_t count)
{
    if (count <= solver->cache_capacity || (solver->spare && count <= solver->spare_capacity))
        return WR_OK;
    uint32_t capacity = solver->cache_capacity * 2;
    while (capacity < count)
        capacity *= 2;
    void *mem = NULL;
    wr_status s = wr_memory_manager_allocate(solver->manager, cache_bytes(capacity), 0, WR_MEMORY_TAG_SOLVER, &mem);
    if (s != WR_OK)
        return s;
    if (solver->spare)
        wr_memory_manager_deallocate(solver->manager, solver->spare, cache_bytes(solver->spare_capacity), 0,
                                  WR_MEMORY_TAG_SOLVER);
    solver->spare = mem;
    solver->spare_capacity = capacity;
    stats->cache_growths++;
    return WR_OK;
}

/* ---- stages 1-2: skeletons, dofs, candidate velocities -------------------------------------------------------- */

static wr_status frame_alloc(step_ctx *c, size_t bytes, void **out)
{
    if (bytes == 0)
        bytes = 8;
    return wr_frame_allocator_allocate(c->frame, bytes, 0, out);
}

/* Lay out one inverse-mass slot per skeleton (2 nv^2 doubles each); grows on the cold path only. A slot whose
 * place or size changed is invalidated. */
static wr_status reserve_inverse_cache(step_ctx *c)
{
    constraint_solver *solver = c->solver;
    size_t need = 0;
    for (int i = 0; i < c->skel_count; i++)
        need += 2 * (size_t)c->nv[i] * (size_t)c->nv[i];
    if ((uint32_t)c->skel_count > solver->slot_capacity || need > solver->pool_capacity) {
        uint32_t slots = (uint32_t)c->skel_count * 2 + 4;
        size_t pool = need * 2 + 64;
        void *a = NULL, *b = NULL;
        wr_status s = wr_memory_manager_allocate(solver->manager, slots * sizeof(minv_slot), 0, WR_MEMORY_TAG_SOLVER, &a);
        if (s == WR_OK)
            s = wr_memory_manager_allocate(solver->manager, pool * sizeof(double), 0, WR_MEMORY_TAG_SOLVER, &b);
        if (s != WR_OK) {
            if (a)
                wr_memory_manager_deallocate(solver->manager, a, slots * sizeof(minv_slot), 0, WR_MEMORY_TAG_SOLVER);
            return s;
        }
        free_inverse_cache(solver);
        solver->slots = a;
        solver->slot_capacity = slots;
        solver->pool = b;
        solver->pool_capacity = pool;
        for (uint32_t i = 0; i < slots; i++)
            solver->slots[i].valid = 0;
        c->stats->mass_cache_growths++;
    }
    size_t offset = 0;
    for (int i = 0; i < c->skel_count; i++) {
        minv_slot *slot = &solver->slots[i];
        if (slot->nv != c->nv[i] || slot->offset != offset) {
            slot->nv = c->nv[i];
            slot->offset = offset;
            slot->valid = 0;
        }
        offset += 2 * (size_t)c->nv[i] * (size_t)c->nv[i];
    }
    return WR_OK;
}

static void update_limit_facts(step_ctx *c);

static wr_status gather(step_ctx *c)
{
    c->skel_count = c->view->skeleton_count;
    c->skels = c->view->skeletons;
    int nv_total = c->view->dof_count;
    int max_nv = 1;
    void *m1 = NULL, *m2 = NULL, *m4 = NULL, *m5 = NULL;
    wr_status s = frame_alloc(c, (size_t)c->skel_count * (sizeof(double *) + 3 * sizeof(int)), &m1);
    if (s == WR_OK)
        s = frame_alloc(c, 2 * (size_t)c->skel_count, &m5);
    if (s != WR_OK)
        return s;
    c->free_body = m5;
    c->block_minv = c->free_body + c->skel_count;
    c->minv = m1;
    c->dof_offset = (int *)(c->minv + c->skel_count);
    c->nv = c->dof_offset + c->skel_count;
    c->island_of_skel = c->nv + c->skel_count;
    for (int i = 0; i < c->skel_count; i++) {
        wr_skeleton *sk = c->skels[i];
        c->minv[i] = NULL;
        c->free_body[i] = (unsigned char)dyn_skeleton_is_free_body(sk);
        c->block_minv[i] = 0;
        c->nv[i] = dyn_skeleton_dof_count(sk);
        c->dof_offset[i] = dyn_skeleton_dof_offset(sk);
        if (c->nv[i] > max_nv)
            max_nv = c->nv[i];
    }
    if ((s = frame_alloc(c, (size_t)nv_total * sizeof(double), &m2)) != WR_OK ||
        (s = frame_alloc(c, (size_t)6 * max_nv * sizeof(double), &m4)) != WR_OK)
        return s;
    c->max_nv = max_nv;
    c->v = m2;
    c->jac = m4;
    if ((s = reserve_inverse_cache(c)) != WR_OK)
        return s;
    for (int i = 0; i < c->skel_count; i++) {
        wr_skeleton *sk = c->skels[i];
        int nv = dyn_skeleton_dof_count(sk);
        if (nv)
            memcpy(c->v + c->dof_offset[i], dyn_skeleton_velocities(sk), (size_t)nv * sizeof(double));
    }
    update_limit_facts(c);
    c->solver->step_layout = c->view->warm_start_key;
    return WR_OK;
}

static int dof_has_limit(const dyn_dof_info *info)
{
    return (info->has_position && (isfinite(info->lower) || isfinite(info->upper))) ||
           isfinite(info->velocity_limit);
}

/* Cold path (skeleton set changed): does any dof have a limit? If not, a step looks for no limit rows. */
static void update_limit_facts(step_ctx *c)
{
    constraint_solver *solver = c->solver;
    uint64_t layout = c->view->layout;
    if (solver->limits_valid && solver->limits_layout == layout)
        return;
    int any_limit = 0;
    for (int i = 0; i < c->skel_count; i++) {
        wr_skeleton *sk = c->skels[i];
        for (int b = 0; b < dyn_skeleton_body_count(sk) && !any_limit; b++)
            for (int k = 0; k < dyn_body_dof_count(sk, b); k++) {
                dyn_dof_info info;
                dyn_body_dof_info_get(sk, b, k, &info);
                any_limit |= dof_has_limit(&info);
            }
    }
    solver->any_limit = any_limit;
    solver->limits_layout = layout;
    solver->limits_valid = 1;
}

/* ---- joint limits ------------------------------------------------------------------------------------------------ */

static wr_status find_limits(step_ctx *c)
{
    const wr_collision_settings *st = c->settings;
    if (!c->solver->any_limit)
        return WR_OK;
    uint32_t total = 0;
    for (int i = 0; i < c->skel_count; i++)
        total += 3u * (uint32_t)c->nv[i];
    void *mem = NULL;
    wr_status s = frame_alloc(c, (size_t)total * sizeof(limit_rec), &mem);
    if (s != WR_OK)
        return s;
    c->limits = mem;
    uint32_t n = 0;
    for (int i = 0; i < c->skel_count; i++) {
        wr_skeleton *sk = c->skels[i];
        int bodies = dyn_skeleton_body_count(sk);
        for (int b = 0; b < bodies; b++) {
            int first = dyn_body_dof_offset(sk, b), count = dyn_body_dof_count(sk, b);
            for (int k = 0; k < count; k++) {
                int d = first + k;
                dyn_dof_info info;
                dyn_body_dof_info_get(sk, b, k, &info);
                double vel = c->v[c->dof_offset[i] + d];
                double reach = fabs(vel) * c->dt + st->limit_margin;
                limit_rec r = {i, d, 0, 0, 0, -1};
                if (info.has_position && isfinite(info.lower) && info.position - info.lower < reach) {
                    r.kind = 0;
                    r.gap = info.position - info.lower;
                    c->limits[n++] = r;
                }
                if (info.has_position && isfinite(info.upper) && info.upper - info.position < reach) {
                    r.kind = 1;
                    r.gap = info.upper - info.position;
                    c->limits[n++] = r;
                }
                if (isfinite(info.velocity_limit) && fabs(vel) > 0.5 * info.velocity_limit) {
                    r.kind = vel < 0 ? 2 : 3;
                    r.gap = info.velocity_limit;
                    c->limits[n++] = r;
                }
            }
        }
    }
    for (uint32_t k = 0; k < n; k++) {
        limit_rec *r = &c->limits[k];
        r->key = KEY_LIMIT_BIT | ((uint64_t)r->skel << 24) | ((uint64_t)r->dof << 3) | (uint64_t)r->kind;
    }
    c->limit_count = n;
    return WR_OK;
}

/* ---- islands ----------------------------------------------------------------------------------------------------- */

static int uf_find(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static int dynamic_skel(const step_ctx *c, uint32_t proxy)
{
    const proxy_info *p = &c->info[proxy];
    return p->is_static ? -1 : p->skel;
}

static wr_status make_islands(step_ctx *c, uint32_t **rows_per_island)
{
    int *parent = c->island_of_skel;
    for (int i = 0; i < c->skel_count; i++)
        parent[i] = i;
    for (uint32_t k = 0; k < c->contact_count; k++) {
        int a = dynamic_skel(c, c->contacts[k].pa), b = dynamic_skel(c, c->contacts[k].pb);
        if (a >= 0 && b >= 0) {
            int ra = uf_find(parent, a), rb = uf_find(parent, b);
            if (ra != rb)
                parent[ra > rb ? ra : rb] = ra < rb ? ra : rb; /* the smaller index is the root: deterministic */
        }
    }
    /* Roots are the smallest index of their set, so after this loop parent[i] <= i is i's root. */
    for (int i = 0; i < c->skel_count; i++)
        parent[i] = uf_find(parent, i);
    /* Island numbers in skeleton order, in place: a root is numbered before any member refers to it. */
    int count = 0;
    for (int i = 0; i < c->skel_count; i++)
        parent[i] = parent[i] == i ? count++ : parent[parent[i]];
    c->island_count = count;
    void *mem = NULL;
    wr_status s = frame_alloc(c, (size_t)(count + 1) * sizeof(uint32_t), &mem);
    if (s != WR_OK)
        return s;
    uint32_t *rows = mem;
    memset(rows, 0, (size_t)(count + 1) * sizeof(uint32_t));
    for (uint32_t k = 0; k < c->contact_count; k++) {
        contact_rec *r = &c->contacts[k];
        int a = dynamic_skel(c, r->pa);
        int sk = a >= 0 ? a : dynamic_skel(c, r->pb);
        r->island = sk >= 0 ? c->island_of_skel[sk] : -1;
        if (r->island >= 0)
            rows[r->island] += 3;
    }
    for (uint32_t k = 0; k < c->limit_count; k++) {
        c->limits[k].island = c->island_of_skel[c->limits[k].skel];
        rows[c->limits[k].island] += 1;
    }
    *rows_per_island = rows;
    return WR_OK;
}

/* ---- rows ---------------------------------------------------------------------------------------------------------- */

/* Two tangent directions for normal n, from the axes of shape A's frame (the first one not within 53 degrees of n:
 * one always is): they turn with the scene, so a rotated scene gets the rotated basis (and warm starts stored in
 * it stay meaningful), and they stay put while n moves a little over a face. */
static void tangent_basis(vec3 n, mat3 frame, vec3 *t1, vec3 *t2)
{
    vec3 a = m3_col(frame, 0);
    if (!(fabs(v3_dot(a, n)) < 0.6)) {
        a = m3_col(frame, 1);
        if (!(fabs(v3_dot(a, n)) < 0.6))
            a = m3_col(frame, 2);
    }
    *t1 = v3_normalize(v3_cross(n, a));
    *t2 = v3_cross(n, *t1);
}

/* J of a direction d at a point on a body: d^T Jlin (nv entries), times sign. */
static void project(const double *jlin, int nv, vec3 d, double sign, double *out)
{
    for (int k = 0; k < nv; k++)
        out[k] = sign * (d.x * jlin[k] + d.y * jlin[nv + k] + d.z * jlin[2 * nv + k]);
}

/* A 6x6 M^-1 whose off-diagonal 3x3 blocks are zero (a free body with its COM at the body origin). */
static int zero_coupling(const double *m)
{
    for (int i = 0; i < 3; i++)
        for (int j = 3; j < 6; j++)
            if (m[i * 6 + j] != 0 || m[j * 6 + i] != 0)
                return 0;
    return 1;
}

/* M^-1 of a skeleton with rows, once per step (M from the dynamics' CRBA, cached per step): every row of the skeleton
 * then gets W = M^-1 J^T by a matrix-vector product instead of two triangular solves. */
static wr_status inverse_mass(step_ctx *c, int skel)
{
    if (c->minv[skel])
        return WR_OK;
    wr_skeleton *sk = c->skels[skel];
    wr_status s = dyn_mass_factor(sk);
    if (s != WR_OK)
        return s;
    int nv = c->nv[skel];
    size_t nn = (size_t)nv * (size_t)nv;
    const double *mass = dyn_mass_matrix(sk);
    minv_slot *slot = &c->solver->slots[skel];
    double *kept = c->solver->pool + slot->offset;
    c->minv[skel] = kept + nn;
    c->block_minv[skel] = nv == 6 && zero_coupling(kept + nn);
    if (slot->valid && memcmp(kept, mass, nn * sizeof(double)) == 0)
        return WR_OK; /* the same M bit for bit: the same inverse */
    void *scratch = NULL;
    if ((s = frame_alloc(c, nn * sizeof(double), &scratch)) != WR_OK)
        return s;
    if (nv == 6) /* a free body: let the compiler unroll the fixed size */
        wr_spd_inverse(mass, 6, kept + nn, scratch);
    else
        wr_spd_inverse(mass, nv, kept + nn, scratch);
    memcpy(kept, mass, nn * sizeof(double));
    slot->valid = 1;
    c->block_minv[skel] = nv == 6 && zero_coupling(kept + nn);
    return WR_OK;
}

static inline void mat_vec(const double *m, const double *x, double *y, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        double sum = 0;
        for (uint32_t k = 0; k < n; k++)
            sum += m[i * n + k] * x[k];
        y[i] = sum;
    }
}

/* Fill one block of a row: J (already in coef[at..at+nv)) and W = M^-1 J^T after it. */
static void finish_block(step_ctx *c, pgs_row *row, int side, int skel, uint32_t at)
{
    uint32_t nv = (uint32_t)c->nv[skel];
    double *j = c->pgs.coef + at, *wv = j + nv;
    if (nv == 6)
        mat_vec(c->minv[skel], j, wv, 6);
    else
        mat_vec(c->minv[skel], j, wv, nv);
    row->dof[side] = (uint32_t)c->dof_offset[skel];
    row->count[side] = nv;
    row->coef[side] = at;
}

static void init_row(pgs_row *row, double cfm)
{
    /* Field by field: a memset of this small struct costs more than the stores. */
    row->dof[0] = row->dof[1] = 0;
    row->count[0] = row->count[1] = 0;
    row->coef[0] = row->coef[1] = 0;
    row->mu = 0;
    row->rhs = 0;
    row->inv_diag = 0;
    row->lambda = 0;
    row->normal = -1;
    row->disc = 0;
    row->step = 0;
    row->cfm = cfm;
    row->lo = 0;
    row->hi = INFINITY;
}

/* Coefficients one contact's three rows need. */
static uint32_t contact_coef_size(const step_ctx *c, const contact_rec *r)
{
    int a = dynamic_skel(c, r->pa), b = dynamic_skel(c, r->pb);
    uint32_t n = 0;
    if (a >= 0)
        n += 2u * (uint32_t)c->nv[a];
    if (b >= 0 && b != a)
        n += 2u * (uint32_t)c->nv[b];
    return 3 * n;
}

static double normal_rhs(const step_ctx *c, const contact_rec *r, double vn, double e)
{
    const wr_collision_settings *st = c->settings;
    double depth = r->c.depth, bias;
    if (depth > st->slop)
        bias = fmin(st->erp * (depth - st->slop) / c->dt, st->max_correction);
    else if (depth >= 0)
        bias = 0;
    else
        bias = depth / c->dt; /* speculative: may still approach by the gap this step */
    if (e > 0 && vn < -st->restitution_threshold && depth - vn * c->dt > 0)
        bias = fmax(bias, -e * vn);
    return bias;
}

/* Row `at` targets `rhs` > SPLIT_BIAS: keep SPLIT_BIAS (or the restitution target `bounce`, if higher) and hand the
 * rest of the position recovery to the pseudo-velocity solve. Returns the row's new target. */
static double split_off(step_ctx *c, uint32_t at, double rhs, double bounce)
{
    const double keep = fmax(SPLIT_BIAS, bounce);
    if (rhs <= keep)
        return rhs;
    split_entry *e = &c->splits[c->split_count++];
    e->row = at;
    e->bias = rhs - keep;
    return keep;
}

/* The three J blocks of one free-body side of a contact, directly: d^T J = sign (d, R^T (r x d)). */
static void free_body_rows(step_ctx *c, const contact_rec *r, int sk, const vec3 *dirs, double sign, pgs_row *rows,
                           int slot, uint32_t at)
{
    const transform t = dyn_body_transform(c->skels[sk], 0);
    const vec3 arm = v3_sub(r->c.point, t.pos);
    for (int k = 0; k < 3; k++) {
        double *j = c->pgs.coef + at + (uint32_t)(k * 12);
        vec3 ang = m3_tmulv(t.rot, v3_cross(arm, dirs[k])), lin = dirs[k];
        j[0] = sign * lin.x;
        j[1] = sign * lin.y;
        j[2] = sign * lin.z;
        j[3] = sign * ang.x;
        j[4] = sign * ang.y;
        j[5] = sign * ang.z;
        if (!c->block_minv[sk]) {
            finish_block(c, &rows[k], slot, sk, at + (uint32_t)(k * 12));
            continue;
        }
        /* W = M^-1 J by its two diagonal blocks: the same sums as the full product without its zero terms */
        const double *m = c->minv[sk];
        double *wv = j + 6;
        for (int i = 0; i < 3; i++) {
            wv[i] = m[i * 6] * j[0] + m[i * 6 + 1] * j[1] + m[i * 6 + 2] * j[2];
            wv[3 + i] = m[(3 + i) * 6 + 3] * j[3] + m[(3 + i) * 6 + 4] * j[4] + m[(3 + i) * 6 + 5] * j[5];
        }
        rows[k].dof[slot] = (uint32_t)c->dof_offset[sk];
        rows[k].count[slot] = 6;
        rows[k].coef[slot] = at + (uint32_t)(k * 12);
    }
}

/* The three rows of contact r at rows[at..at+2], coefficients from *coef_at on. */
static void build_contact_rows(step_ctx *c, const contact_rec *r, uint32_t at, uint32_t *coef_at)
{
    const proxy_info *pa = &c->info[r->pa], *pb = &c->info[r->pb];
    int a = dynamic_skel(c, r->pa), b = dynamic_skel(c, r->pb);
    vec3 dirs[3];
    dirs[0] = r->c.normal;
    tangent_basis(r->c.normal, pa->pose.rot, &dirs[1], &dirs[2]);
    double mu = sqrt(pa->friction * pb->friction);
    double e = fmax(pa->restitution, pb->restitution);
    pgs_row *rows = c->pgs.rows + at;
    for (int k = 0; k < 3; k++)
        init_row(&rows[k], c->settings->cfm);
    rows[1].normal = rows[2].normal = (int32_t)at;
    rows[1].mu = rows[2].mu = mu;
    rows[1].lo = rows[2].lo = -INFINITY;
    if (c->settings->friction_cone == WR_FRICTION_ELLIPTIC) {
        rows[1].disc = 1;
        rows[2].disc = 2;
    }
    /* Side B (+) then side A (-); one combined block when both are the same skeleton. */
    int sides[2] = {b, a};
    int bodies[2] = {pb->body, pa->body};
    double signs[2] = {1.0, -1.0};
    int slot = 0;
    double *jac_other = c->jac + 3 * c->max_nv;
    for (int sdx = 0; sdx < 2; sdx++) {
        int sk = sides[sdx];
        if (sk < 0 || (sdx == 1 && sk == b))
            continue;
        int nv = c->nv[sk];
        int self = sdx == 0 && a == b;
        if (c->free_body[sk] && !self) {
            free_body_rows(c, r, sk, dirs, signs[sdx], &rows[0], slot, *coef_at);
            *coef_at += (uint32_t)(3 * 2 * nv);
            slot++;
            continue;
        }
        dyn_point_jacobian(c->skels[sk], bodies[sdx], r->c.point, c->jac, NULL);
        if (self) /* self-contact: J = J_B - J_A over the same dofs */
            dyn_point_jacobian(c->skels[sk], bodies[1], r->c.point, jac_other, NULL);
        for (int k = 0; k < 3; k++) {
            double *j = c->pgs.coef + *coef_at + (uint32_t)(k * 2 * nv);
            project(c->jac, nv, dirs[k], signs[sdx], j);
            if (self) {
                double *tmp = j + nv; /* W's place, filled by finish_block afterwards */
                project(jac_other, nv, dirs[k], -1.0, tmp);
                for (int q = 0; q < nv; q++)
                    j[q] += tmp[q];
            }
            finish_block(c, &rows[k], slot, sk, *coef_at + (uint32_t)(k * 2 * nv));
        }
        *coef_at += (uint32_t)(3 * 2 * nv);
        slot++;
    }
    double vn = pgs_row_velocity(&c->pgs, &rows[0]);
    rows[0].rhs = normal_rhs(c, r, vn, e);
    if (rows[0].rhs > SPLIT_BIAS && r->c.depth > c->settings->slop) { /* a deep penetration (rare) */
        const wr_collision_settings *st = c->settings;
        const int bounces = e > 0 && vn < -st->restitution_threshold && r->c.depth - vn * c->dt > 0;
        rows[0].rhs = split_off(c, at, rows[0].rhs, bounces ? -e * vn : -INFINITY);
    }
    const cache_entry *hit = cache_find(c->solver, r->key);
    if (hit) {
        for (int k = 0; k < 3; k++)
            rows[k].lambda = hit->lambda[k];
        c->stats->warm_started++;
    }
}

static void build_limit_row(step_ctx *c, const limit_rec *r, uint32_t at, uint32_t *coef_at)
{
    const wr_collision_settings *st = c->settings;
    pgs_row *row = c->pgs.rows + at;
    init_row(row, st->cfm);
    int nv = c->nv[r->skel];
    double *j = c->pgs.coef + *coef_at;
    memset(j, 0, (size_t)nv * sizeof(double));
    double sign = (r->kind == 1) ? -1.0 : 1.0;
    j[r->dof] = sign;
    finish_block(c, row, 0, r->skel, *coef_at);
    *coef_at += (uint32_t)(2 * nv);
    if (r->kind <= 1) {
        /* gap >= 0: may close it this step; gap < 0: push back out (Baumgarte, the part beyond SPLIT_BIAS by
         * pseudo velocities) */
        row->rhs = r->gap >= 0 ? -r->gap / c->dt : fmin(-st->erp * r->gap / c->dt, st->max_correction);
        if (r->gap < 0 && row->rhs > SPLIT_BIAS)
            row->rhs = split_off(c, at, row->rhs, -INFINITY);
    } else if (r->kind == 2) {
        row->rhs = -r->gap; /* v >= -max */
    } else {
        row->rhs = r->gap; /* v <= max */
        row->lo = -INFINITY;
        row->hi = 0;
    }
    const cache_entry *hit = cache_find(c->solver, r->key);
    if (hit)
        row->lambda = hit->lambda[0];
}

static wr_status build_rows(step_ctx *c, uint32_t *rows_per_island)
{
    /* Row offsets per island, and coefficient sizes. */
    uint32_t total_rows = 0;
    for (int i = 0; i < c->island_count; i++) {
        uint32_t n = rows_per_island[i];
        rows_per_island[i] = total_rows;
        total_rows += n;
    }
    rows_per_island[c->island_count] = total_rows;
    size_t coef = 0;
    for (uint32_t k = 0; k < c->contact_count; k++)
        coef += contact_coef_size(c, &c->contacts[k]);
    for (uint32_t k = 0; k < c->limit_count; k++)
        coef += 2u * (uint32_t)c->nv[c->limits[k].skel];
    void *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL;
    wr_status s;
    if ((s = frame_alloc(c, total_rows * sizeof(pgs_row), &m1)) != WR_OK ||
        (s = frame_alloc(c, coef * sizeof(double), &m2)) != WR_OK ||
        (s = frame_alloc(c, (size_t)(c->island_count + 1) * sizeof(uint32_t), &m3)) != WR_OK ||
        (s = frame_alloc(c, total_rows * sizeof(split_entry), &m4)) != WR_OK)
        return s;
    c->splits = m4;
    c->split_count = 0;
    c->pgs.rows = m1;
    c->pgs.row_count = total_rows;
    c->pgs.coef = m2;
    c->pgs.v = c->v;
    c->island_first = m3;
    memcpy(c->island_first, rows_per_island, (size_t)(c->island_count + 1) * sizeof(uint32_t));
    uint32_t *next = rows_per_island; /* reused as the fill cursor per island */
    uint32_t coef_at = 0;
    for (uint32_t k = 0; k < c->contact_count; k++) {
        const contact_rec *r = &c->contacts[k];
        if (r->island < 0)
            continue;
        int a = dynamic_skel(c, r->pa), b = dynamic_skel(c, r->pb);
        if (a >= 0 && (s = inverse_mass(c, a)) != WR_OK)
            return s;
        if (b >= 0 && (s = inverse_mass(c, b)) != WR_OK)
            return s;
        build_contact_rows(c, r, next[r->island], &coef_at);
        next[r->island] += 3;
    }
    for (uint32_t k = 0; k < c->limit_count; k++) {
        const limit_rec *r = &c->limits[k];
        if ((s = inverse_mass(c, r->skel)) != WR_OK)
            return s;
        build_limit_row(c, r, next[r->island], &coef_at);
        next[r->island] += 1;
    }
    assert(coef_at == coef);
    return WR_OK;
}

/* ---- solve, check, write back -------------------------------------------------------------------------------------- */

static void solve(step_ctx *c)
{
    pgs_prepare(&c->pgs);
    pgs_settings ps = {c->settings->max_iterations, c->settings->tolerance};
    wr_collision_stats *st = c->stats;
    for (int i = 0; i < c->island_count; i++) {
        uint32_t first = c->island_first[i], end = c->island_first[i + 1];
        if (first == end)
            continue;
        pgs_warm_start(&c->pgs, first, end);
        pgs_result r = pgs_solve(&c->pgs, first, end, &ps);
        st->islands++;
        if ((uint32_t)r.iterations > st->iterations)
            st->iterations = (uint32_t)r.iterations;
        if (r.residual > st->residual)
            st->residual = r.residual;
    }
}

static int split_order(const void *a, const void *b)
{
    const uint32_t x = ((const split_entry *)a)->row, y = ((const split_entry *)b)->row;
    return (x > y) - (x < y);
}

/* Split impulse: the position recovery moved out of the velocity rows (c->splits) is solved on its own, as pseudo
 * velocities vp from zero: the same rows (J, W) with target J vp >= split and impulses >= 0, no friction, not warm
 * started. vp moves the positions this step and is then dropped, so recovering a deep overlap adds no kinetic
 * energy, even where the rows are nearly dependent (a body wedged between two links of one skeleton near their
 * joint: the biased velocity rows drove impulses of thousands of N s and flung the body out at 19 m/s). *out is
 * NULL when no row has split recovery. */
static wr_status solve_split(step_ctx *c, double **out)
{
    *out = NULL;
    const uint32_t n = c->split_count;
    if (n == 0)
        return WR_OK;
    qsort(c->splits, n, sizeof(split_entry), split_order); /* rows, hence islands, in order */
    const size_t nv = (size_t)c->view->dof_count;
    void *m1 = NULL, *m2 = NULL, *m3 = NULL;
    wr_status s;
    if ((s = frame_alloc(c, n * sizeof(pgs_row), &m1)) != WR_OK ||
        (s = frame_alloc(c, (size_t)(c->island_count + 1) * sizeof(uint32_t), &m2)) != WR_OK ||
        (s = frame_alloc(c, nv * sizeof(double), &m3)) != WR_OK)
        return s;
    pgs_row *rows = m1;
    uint32_t *first = m2;
    double *vp = m3;
    memset(vp, 0, nv * sizeof(double));
    uint32_t k = 0;
    for (int i = 0; i < c->island_count; i++) {
        first[i] = k;
        for (; k < n && c->splits[k].row < c->island_first[i + 1]; k++) {
            rows[k] = c->pgs.rows[c->splits[k].row]; /* its J, W and inv_diag */
            rows[k].rhs = c->splits[k].bias;
            rows[k].lambda = 0;
            rows[k].normal = -1;
            rows[k].lo = 0;
            rows[k].hi = INFINITY;
        }
    }
    first[c->island_count] = k;
    pgs_problem p = {rows, n, c->pgs.coef, vp};
    pgs_settings ps = {c->settings->max_iterations, c->settings->tolerance};
    for (int i = 0; i < c->island_count; i++)
        if (first[i] != first[i + 1])
            pgs_solve(&p, first[i], first[i + 1], &ps);
    *out = vp;
    return WR_OK;
}

static wr_status record_fresh(step_ctx *c)
{
    constraint_solver *solver = c->solver;
    uint32_t n = c->contact_count + c->limit_count;
    void *mem = NULL;
    wr_status s = frame_alloc(c, (size_t)n * sizeof(cache_entry), &mem);
    if (s != WR_OK)
        return s;
    if ((s = reserve_cache(solver, c->stats, n)) != WR_OK)
        return s;
    cache_entry *e = mem;
    uint32_t m = 0;
    solver->fresh = e;
    solver->fresh_count = 0;
    if (n == 0) /* an idle step: no rows, no islands laid out */
        return WR_OK;
    /* Rows were laid out island by island in contact order; walk them the same way. */
    uint32_t *cursor = NULL;
    if ((s = frame_alloc(c, (size_t)(c->island_count + 1) * sizeof(uint32_t), &mem)) != WR_OK)
        return s;
    cursor = mem;
    memcpy(cursor, c->island_first, (size_t)(c->island_count + 1) * sizeof(uint32_t));
    for (uint32_t k = 0; k < c->contact_count; k++) {
        contact_rec *r = &c->contacts[k];
        if (r->island < 0)
            continue;
        const pgs_row *row = &c->pgs.rows[cursor[r->island]];
        cursor[r->island] += 3;
        e[m].key = r->key;
        for (int j = 0; j < 3; j++)
            e[m].lambda[j] = r->impulse[j] = row[j].lambda;
        m++;
    }
    for (uint32_t k = 0; k < c->limit_count; k++) {
        const limit_rec *r = &c->limits[k];
        const pgs_row *row = &c->pgs.rows[cursor[r->island]];
        cursor[r->island] += 1;
        e[m].key = r->key;
        e[m].lambda[0] = row->lambda;
        e[m].lambda[1] = e[m].lambda[2] = 0;
        m++;
    }
    solver->fresh = e;
    solver->fresh_count = m;
    return WR_OK;
}

static wr_status run_step(step_ctx *c)
{
    wr_status s;
    uint32_t *rows_per_island = NULL;
    if ((s = gather(c)) != WR_OK || (s = find_limits(c)) != WR_OK)
        return s;
    if (c->contact_count == 0 && c->limit_count == 0)
        return record_fresh(c); /* idle: no rows, the candidate velocities stand as they are */
    if ((s = make_islands(c, &rows_per_island)) != WR_OK || (s = build_rows(c, rows_per_island)) != WR_OK)
        return s;
    solve(c);
    double *vp = NULL;
    if ((s = solve_split(c, &vp)) != WR_OK)
        return s;
    const size_t nv_total = (size_t)c->view->dof_count;
    if (!wr_all_finite(c->v, nv_total) || (vp && !wr_all_finite(vp, nv_total)))
        return WR_FAIL(WR_ERR_NON_FINITE, "non-finite velocity from the contact solver (%u rows)",
                       c->pgs.row_count);
    if ((s = record_fresh(c)) != WR_OK)
        return s;
    for (int i = 0; i < c->skel_count; i++) {
        int nv = c->nv[i];
        double *v = dyn_skeleton_velocities(c->skels[i]);
        const double *cv = c->v + c->dof_offset[i];
        if (!vp) {
            if (nv)
                memcpy(v, cv, (size_t)nv * sizeof(double));
            continue;
        }
        for (int k = 0; k < nv; k++) /* for the position integration; the world restores cv afterwards */
            v[k] = cv[k] + vp[c->dof_offset[i] + k];
    }
    c->solver->kept_velocities = vp ? c->v : NULL;
    return WR_OK;
}

void constraint_solver_finish_integration(constraint_solver *solver, wr_skeleton *const *skeletons, int count)
{
    const double *v = solver->kept_velocities;
    solver->kept_velocities = NULL;
    if (!v)
        return;
    for (int i = 0; i < count; i++) {
        wr_skeleton *sk = skeletons[i];
        const int nv = dyn_skeleton_dof_count(sk);
        if (nv)
            memcpy(dyn_skeleton_velocities(sk), v + dyn_skeleton_dof_offset(sk), (size_t)nv * sizeof(double));
    }
}

wr_status constraint_solver_step(constraint_solver *solver, const wr_constraint_view *view)
{
    assert(solver && view && view->dt > 0);
    solver->fresh_valid = 0;
    solver->kept_velocities = NULL;
    step_ctx c;
    memset(&c, 0, sizeof(c));
    c.solver = solver;
    c.view = view;
    c.settings = view->settings;
    c.stats = view->stats;
    c.frame = view->frame;
    c.dt = view->dt;
    c.info = view->contacts->proxies;
    c.proxy_count = view->contacts->proxy_count;
    c.contacts = view->contacts->contacts;
    c.contact_count = view->contacts->contact_count;
    wr_status s = run_step(&c);
    view->stats->limit_rows = c.limit_count;
    view->stats->rows = c.pgs.row_count;
    if (s == WR_OK)
        solver->fresh_valid = 1;
    return s;
}
