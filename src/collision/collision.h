/* src/collision/collision.h — the collision stage of a world step: which shapes touch, where, and since when.
 *
 * Per step (wr_collision_detect; every array in the step's frame allocator):
 *   1. proxies: every shape of every skeleton with its world pose (the poses of the step's positions q, computed by
 *      the dynamics stage), its bounds and its filter bits;
 *   2. sweep-and-prune pairs (broadphase.h), filtered: groups/masks, same body, joint-adjacent bodies, static-static;
 *   3. narrowphase contacts per pair (narrowphase.h), each with a key (shape pair + feature) that names it across
 *      steps, for the constraint stage's warm start.
 * The output, a wr_contact_list, is what the constraint stage consumes; it stays readable until the frame's next
 * reset. Cold path: facts about the world's shapes (can any pair pass the filters at all? if not, a step does no
 * proxy, bounds, broadphase or narrowphase work), derived again when the layout, the settings or a filter changes.
 * Threads: the world's thread only.
 */
#ifndef WR_COLLISION_H
#define WR_COLLISION_H

#include <stdint.h>

#include "collision/narrowphase.h"
#include "dynamics/dynamics_internal.h"
#include "worldrunner/collision.h"
#include "worldrunner/frame_allocator.h"

/* One shape taking part in a step. */
typedef struct proxy_info {
    collision_shape shape;
    transform pose;              /* world pose of the shape frame */
    int32_t skel, body, shape_index; /* skeleton index in the world; body and shape index in that skeleton */
    uint32_t gid;                /* world-wide shape number (skeleton order), for contact keys */
    int32_t is_static;           /* the body is welded to the world: infinite mass, zero velocity */
    uint32_t group, mask;        /* filter bits (worldrunner/collision.h) */
    double friction, restitution;
} proxy_info;

/* One contact point between proxies pa and pb (normal from pa towards pb, see narrowphase.h). */
typedef struct contact_rec {
    collision_contact c;
    uint32_t pa, pb;             /* proxies */
    uint64_t key;                /* shape pair + feature: the same contact in the next step has the same key */
    int32_t island;              /* -1 here; the constraint stage's island of the contact */
} contact_rec;

/* What one step's collision stage found (frame memory, readable until the frame's next reset). */
typedef struct wr_contact_list {
    proxy_info *proxies;         /* proxy_count */
    uint32_t proxy_count;
    contact_rec *contacts;       /* contact_count, in pair order, up to COLLISION_MAX_PAIR_CONTACTS per pair */
    uint32_t contact_count;
} wr_contact_list;

/* Cold-path facts about a world's shapes, kept from step to step. */
typedef struct wr_collision_facts {
    int valid;
    uint64_t layout;             /* the layout they were derived under */
    int any_pair;                /* some pair of shapes passes the filters (geometry aside) */
    uint32_t shape_total;        /* shapes in the world */
} wr_collision_facts;

/* What the collision stage sees of a step. */
typedef struct wr_collision_input {
    wr_skeleton *const *skeletons; /* skeleton_count, in world order, posed at the step's positions */
    int skeleton_count;
    wr_frame_allocator *frame;   /* the step's temporaries */
    const wr_collision_settings *settings;
    uint64_t layout;             /* the world's layout identity (facts derived under another one are derived again) */
    wr_collision_stats *stats;   /* shapes, pairs and contacts of this step are written here, also on failure */
} wr_collision_input;

/* One step's collision stage: the contacts at the skeletons' current poses into `out` (frame memory). Updates the
 * facts if they are stale. WR_ERR_BUDGET / WR_ERR_OUT_OF_MEMORY if the frame cannot grow. */
wr_status wr_collision_detect(wr_collision_facts *facts, const wr_collision_input *in, wr_contact_list *out);

#endif
