/* src/collision/collision_stage.h — the collision stage of a world step: which shapes touch, where, and since when.
 *
 * A world holds one wr_collision_stage (created with its first skeleton, from the world's memory manager, tag
 * WR_MEMORY_TAG_COLLISION): the settings and statistics of the public collision API (worldrunner/collision.h), the
 * cold-path facts, and the contacts of the last step. The public API (collision_api.c) is implemented here too.
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
#ifndef WR_COLLISION_STAGE_H
#define WR_COLLISION_STAGE_H

#include <stdint.h>

#include "collision/narrowphase.h"
#include "dynamics/dynamics_internal.h"
#include "worldrunner/collision.h"
#include "worldrunner/frame_allocator.h"
#include "worldrunner/memory_manager.h"

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
    double impulse[3];           /* 0 here; the constraint stage's normal and two friction impulses (N s) */
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

/* The persistent part of a world's collision stage. */
typedef struct wr_collision_stage {
    wr_memory_manager *manager;   /* the world's, which holds this struct */
    wr_collision_settings settings; /* of both contact stages (collision and constraint) */
    wr_collision_stats stats;     /* of the last step: this stage's figures, the constraint stage's, the frame's */
    wr_collision_facts facts;
    wr_contact_list contacts;     /* of the last step (frame memory) */
    int contacts_committed;       /* the last step committed: `contacts` describe the world as it is */
} wr_collision_stage;

/* What the collision stage sees of a step. */
typedef struct wr_collision_input {
    wr_skeleton *const *skeletons; /* skeleton_count, in world order, posed at the step's positions */
    int skeleton_count;
    wr_frame_allocator *frame;    /* the step's temporaries */
    uint64_t layout;              /* the world's layout key (facts derived under another are derived again) */
} wr_collision_input;

/* Create (default settings, zero statistics, no facts) from `manager` / give back. */
wr_status wr_collision_stage_create(wr_memory_manager *manager, wr_collision_stage **out);
void wr_collision_stage_destroy(wr_collision_stage *stage);

/* A step begins, or the world's state was replaced (snapshot restore): the last step's contacts no longer
 * describe the world (and go with the frame's next reset). */
void wr_collision_forget_contacts(wr_collision_stage *stage);
/* The skeleton set, a filter or the settings changed: the facts are derived again at the next step. */
void wr_collision_invalidate(wr_collision_stage *stage);
/* The per-step figures of `stats` to zero, one more step counted (a step's contact stages begin). */
void wr_collision_stats_begin_step(wr_collision_stats *stats);

/* One step's collision stage: the contacts at the skeletons' current poses into stage->contacts (frame memory).
 * Updates the facts if they are stale; writes the shapes, pairs and contacts figures, also on failure.
 * WR_ERR_BUDGET / WR_ERR_OUT_OF_MEMORY if the frame cannot grow. */
wr_status wr_collision_detect(wr_collision_stage *stage, const wr_collision_input *in);

/* The step committed: its contacts are the world's (wr_collision_get_contacts reads them until the next step). */
void wr_collision_commit(wr_collision_stage *stage);

/* Implemented by the world layer (src/world/world.c): the collision stage of world `w`, NULL for a NULL world or
 * one without skeletons yet (it is created with the first). The public collision API reaches a world only through
 * it; a function rather than a header, so that no stage sees the world's layout (the one call from a stage folder
 * up into src/world, made only by the API entry points). */
wr_collision_stage *wr_world_collision_stage(const wr_world *w);
/* Implemented by the world layer too: the settings a world keeps while it has no collision stage yet (it hands them
 * to the stage it creates with its first skeleton), so that the public API can read and set them at any time;
 * NULL for a NULL world. */
wr_collision_settings *wr_world_early_collision_settings(wr_world *w);

#endif
