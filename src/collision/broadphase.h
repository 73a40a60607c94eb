/* src/collision/broadphase.h — candidate pairs by sweep and prune over world-space AABBs, with no heap.
 *
 * The caller fills one proxy per shape (bounds, group/mask bits, unbounded flag for planes). The sweep sorts the
 * bounded proxies along the axis with the largest spread of centres and reports every pair whose boxes overlap,
 * plus every (unbounded, bounded) pair; two unbounded proxies never pair. A pair is kept only if each proxy's group
 * meets the other's mask and the caller's filter (same body, adjacent bodies, two static bodies...) accepts it.
 * All arrays live in the given frame allocator; pairs come out ordered by (a, b), so the order does not depend on
 * where the scene is or how it is turned.
 * Threads: the caller's (one frame allocator per thread).
 */
#ifndef WR_COLLISION_BROADPHASE_H
#define WR_COLLISION_BROADPHASE_H

#include <stdint.h>

#include "collision/collision_shape.h"
#include "worldrunner/frame_allocator.h"

typedef struct broadphase_proxy {
    collision_aabb box;      /* ignored when unbounded */
    uint32_t group;          /* bits this proxy belongs to */
    uint32_t mask;           /* bits it collides with */
    uint32_t unbounded;      /* 1 for planes */
} broadphase_proxy;

typedef struct broadphase_pair {
    uint32_t a, b;           /* proxy indices, a < b */
} broadphase_pair;

/* Return nonzero to keep the pair of proxies (a, b). */
typedef int (*broadphase_filter)(void *context, uint32_t a, uint32_t b);

/* Find the candidate pairs among `count` proxies; `filter` may be NULL. *pairs points into `frame`.
 * WR_ERR_BUDGET / WR_ERR_OUT_OF_MEMORY if the frame cannot grow (nothing else changed). */
wr_status broadphase_find_pairs(wr_frame_allocator *frame, const broadphase_proxy *proxies, uint32_t count,
                                broadphase_filter filter, void *context, broadphase_pair **pairs,
                                uint32_t *pair_count);

#endif
