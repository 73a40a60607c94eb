/* src/collision/collision_stage.c — the collision stage (collision_stage.h): its persistent state, proxies, filtered
 * broadphase pairs, narrowphase contacts with their warm-start keys, and the cold-path facts.
 */
#include "collision/collision_stage.h"

#include <string.h>

#include "collision/broadphase.h"
#include "collision/narrowphase.h"

/* Everything one call of wr_collision_detect needs, on its stack. */
typedef struct detect_ctx {
    const wr_collision_input *in;
    const wr_collision_settings *settings;
    wr_collision_stats *stats;
    proxy_info *info;
    uint32_t proxy_count;
} detect_ctx;

/* ---- the persistent state ---------------------------------------------------------------------------------- */

wr_status wr_collision_stage_create(wr_memory_manager *manager, wr_collision_stage **out)
{
    void *mem = NULL;
    wr_status s = wr_memory_manager_allocate(manager, sizeof(wr_collision_stage), 0, WR_MEMORY_TAG_COLLISION, &mem);
    if (s != WR_OK)
        return s;
    wr_collision_stage *stage = mem;
    memset(stage, 0, sizeof *stage);
    stage->manager = manager;
    wr_collision_settings_init(&stage->settings);
    *out = stage;
    return WR_OK;
}

void wr_collision_stage_destroy(wr_collision_stage *stage)
{
    if (stage)
        wr_memory_manager_deallocate(stage->manager, stage, sizeof(wr_collision_stage), 0, WR_MEMORY_TAG_COLLISION);
}

void wr_collision_forget_contacts(wr_collision_stage *stage) { stage->contacts_committed = 0; }

void wr_collision_commit(wr_collision_stage *stage) { stage->contacts_committed = 1; }

void wr_collision_invalidate(wr_collision_stage *stage) { stage->facts.valid = 0; }

void wr_collision_stats_begin_step(wr_collision_stats *st)
{
    st->shapes = st->pairs = st->contacts = st->warm_started = st->limit_rows = st->rows = 0;
    st->islands = st->iterations = 0;
    st->residual = 0;
    st->steps++;
}

static wr_status frame_alloc(const detect_ctx *c, size_t bytes, void **out)
{
    if (bytes == 0)
        bytes = 8;
    return wr_frame_allocator_allocate(c->in->frame, bytes, 0, out);
}

/* ---- filters and facts --------------------------------------------------------------------------------------- */

/* The filters beyond groups and masks: static-static, same body, self and adjacent collision. */
static int pair_allowed(const detect_ctx *c, int skel_a, int body_a, int static_a, int skel_b, int body_b,
                        int static_b)
{
    if (static_a && static_b)
        return 0;
    if (skel_a != skel_b)
        return 1;
    const wr_collision_settings *st = c->settings;
    if (body_a == body_b || !st->self_collision)
        return 0;
    return !dyn_bodies_filtered(c->in->skeletons[skel_a], body_a, body_b, !st->adjacent_collision);
}

static int pair_filter(void *context, uint32_t a, uint32_t b)
{
    const detect_ctx *c = context;
    const proxy_info *pa = &c->info[a], *pb = &c->info[b];
    return pair_allowed(c, pa->skel, pa->body, pa->is_static, pb->skel, pb->body, pb->is_static);
}

/* Could shape k of skeleton i ever touch some later shape (in world order)? Filters only, no geometry. */
static int shape_has_partner(const detect_ctx *c, int i, int k)
{
    const wr_collision_input *in = c->in;
    const dyn_shape *a = dyn_skeleton_shape(in->skeletons[i], k);
    int sa = dyn_body_is_static(in->skeletons[i], a->body);
    for (int j = i; j < in->skeleton_count; j++) {
        int count = dyn_skeleton_shape_count(in->skeletons[j]);
        for (int l = j == i ? k + 1 : 0; l < count; l++) {
            const dyn_shape *b = dyn_skeleton_shape(in->skeletons[j], l);
            if (!(a->group & b->mask) || !(b->group & a->mask))
                continue;
            if (pair_allowed(c, i, a->body, sa, j, b->body, dyn_body_is_static(in->skeletons[j], b->body)))
                return 1;
        }
    }
    return 0;
}

/* Cold path (layout, a filter or the settings changed). Quadratic in the number of shapes only when no pair can
 * collide; a world with contacts finds its first pair early. */
static void update_facts(wr_collision_facts *facts, const detect_ctx *c)
{
    const wr_collision_input *in = c->in;
    if (facts->valid && facts->layout == in->layout)
        return;
    int any_pair = 0;
    uint32_t shapes = 0;
    for (int i = 0; i < in->skeleton_count; i++) {
        int count = dyn_skeleton_shape_count(in->skeletons[i]);
        shapes += (uint32_t)count;
        for (int k = 0; k < count && !any_pair; k++)
            any_pair = shape_has_partner(c, i, k);
    }
    facts->any_pair = any_pair;
    facts->shape_total = shapes;
    facts->layout = in->layout;
    facts->valid = 1;
}

/* ---- stage 1: proxies ---------------------------------------------------------------------------------------- */

static wr_status gather(detect_ctx *c, const wr_collision_facts *facts)
{
    const wr_collision_input *in = c->in;
    void *mem = NULL;
    wr_status s = frame_alloc(c, (size_t)facts->shape_total * sizeof(proxy_info), &mem);
    if (s != WR_OK)
        return s;
    c->info = mem;
    uint32_t n = 0;
    for (int i = 0; i < in->skeleton_count; i++) {
        wr_skeleton *sk = in->skeletons[i];
        int count = dyn_skeleton_shape_count(sk);
        for (int k = 0; k < count; k++, n++) {
            const dyn_shape *ds = dyn_skeleton_shape(sk, k);
            proxy_info *p = &c->info[n];
            p->shape.type = (collision_shape_type)ds->type;
            memcpy(p->shape.size, ds->size, sizeof(p->shape.size));
            p->pose = dyn_shape_world_transform(sk, k);
            p->skel = i;
            p->body = ds->body;
            p->gid = n;
            p->shape_index = k;
            p->is_static = dyn_body_is_static(sk, ds->body);
            p->group = ds->group;
            p->mask = ds->mask;
            p->friction = ds->friction;
            p->restitution = ds->restitution;
        }
    }
    c->proxy_count = n;
    return WR_OK;
}

/* ---- stages 2-3: pairs and contacts -------------------------------------------------------------------------- */

static uint64_t contact_key(uint32_t ga, uint32_t gb, uint32_t feature)
{
    return ((uint64_t)(ga & 0xFFFFFu) << 36) | ((uint64_t)(gb & 0xFFFFFu) << 16) | (feature & 0xFFFFu);
}

static wr_status find_contacts(detect_ctx *c, wr_contact_list *out)
{
    const double margin = c->settings->margin;
    void *mem = NULL;
    wr_status s = frame_alloc(c, (size_t)c->proxy_count * sizeof(broadphase_proxy), &mem);
    if (s != WR_OK)
        return s;
    broadphase_proxy *bp = mem;
    for (uint32_t i = 0; i < c->proxy_count; i++) {
        const proxy_info *p = &c->info[i];
        bp[i].unbounded = (uint32_t)collision_shape_is_unbounded(&p->shape);
        if (!bp[i].unbounded)
            bp[i].box = collision_shape_aabb(&p->shape, &p->pose, margin);
        bp[i].group = p->group;
        bp[i].mask = p->mask;
    }
    broadphase_pair *pairs = NULL;
    uint32_t pair_count = 0;
    s = broadphase_find_pairs(c->in->frame, bp, c->proxy_count, pair_filter, c, &pairs, &pair_count);
    if (s != WR_OK)
        return s;
    c->stats->pairs = pair_count;
    if ((s = frame_alloc(c, (size_t)pair_count * COLLISION_MAX_PAIR_CONTACTS * sizeof(contact_rec), &mem)) != WR_OK)
        return s;
    contact_rec *contacts = mem;
    uint32_t nc = 0;
    for (uint32_t i = 0; i < pair_count; i++) {
        const proxy_info *pa = &c->info[pairs[i].a], *pb = &c->info[pairs[i].b];
        collision_contact found[COLLISION_MAX_PAIR_CONTACTS];
        int k = collision_collide(&pa->shape, &pa->pose, &pb->shape, &pb->pose, margin, found);
        for (int j = 0; j < k; j++) {
            contact_rec *r = &contacts[nc++];
            r->c = found[j];
            r->pa = pairs[i].a;
            r->pb = pairs[i].b;
            r->key = contact_key(pa->gid, pb->gid, found[j].feature);
            r->island = -1;
            r->impulse[0] = r->impulse[1] = r->impulse[2] = 0;
        }
    }
    out->contacts = contacts;
    out->contact_count = nc;
    return WR_OK;
}

wr_status wr_collision_detect(wr_collision_stage *stage, const wr_collision_input *in)
{
    detect_ctx c = {in, &stage->settings, &stage->stats, NULL, 0};
    wr_contact_list *out = &stage->contacts;
    memset(out, 0, sizeof *out);
    update_facts(&stage->facts, &c);
    wr_status s = WR_OK;
    /* no pair can pass the filters: no proxies, nothing can touch */
    if (stage->facts.any_pair && (s = gather(&c, &stage->facts)) == WR_OK)
        s = find_contacts(&c, out);
    out->proxies = c.info;
    out->proxy_count = c.proxy_count;
    stage->stats.shapes = stage->facts.any_pair ? c.proxy_count : stage->facts.shape_total;
    stage->stats.contacts = out->contact_count;
    return s;
}
