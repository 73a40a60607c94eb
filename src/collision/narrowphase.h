/* src/collision/narrowphase.h — contact points between two posed collision shapes.
 *
 * Conventions (every pair):
 *   normal   unit, world frame, pointing from shape A towards shape B: B moves along +normal to separate, A along
 *            -normal. (For plane A and anything B, it is the plane's normal.)
 *   depth    penetration along the normal, > 0 overlapping, < 0 a gap (reported only while gap <= margin).
 *   point    world point midway between the two surfaces along the normal.
 *   feature  small integer naming the features in contact (vertex, clipped edge, sample, cap...), stable while the
 *            same features stay in contact; used with the body pair to match contacts across steps (warm start).
 * At most COLLISION_MAX_PAIR_CONTACTS contacts per pair; larger manifolds are reduced to the deepest point plus the
 * points that span the largest area. Pure, allocation-free; any thread.
 *
 * Methods: sphere/capsule against anything use the exact signed distance of the other shape from the sphere centre
 * or from the capsule's segment (both end points plus the closest interior point); plane against box/cylinder uses
 * vertices / rim points; box-box uses the 15 separating axes with a clipped face manifold or an edge-edge point;
 * box-cylinder and cylinder-cylinder test vertices and rim samples of each against the other's signed distance plus
 * a side (axis) contact, which is approximate for edge-on-rim poses.
 */
#ifndef WR_COLLISION_NARROWPHASE_H
#define WR_COLLISION_NARROWPHASE_H

#include <stdint.h>

#include "collision/collision_shape.h"

#define COLLISION_MAX_PAIR_CONTACTS 4

typedef struct collision_contact {
    vec3 point;
    vec3 normal;
    double depth;
    uint32_t feature;
} collision_contact;

/* Contacts between `a` at pose `ta` and `b` at pose `tb` whose gap is at most `margin` (>= 0). Returns how many
 * were written to `out` (0 .. COLLISION_MAX_PAIR_CONTACTS). Two planes never collide. */
int collision_collide(const collision_shape *a, const transform *ta, const collision_shape *b, const transform *tb,
                      double margin, collision_contact out[COLLISION_MAX_PAIR_CONTACTS]);

#endif
