/* src/collision/collision_shape.h — collision geometry: shape kinds, sizes, validation, bounds, signed distance.
 *
 * A collision_shape is plain data (no pointers): a kind and three sizes, in the shape's local frame. Its pose in the
 * world is a `transform` (math/vec.h) supplied by the caller (body transform * local offset). Every function here is
 * pure and allocation-free. Threads: any.
 *
 * Local geometry of each kind (sizes in metres):
 *   sphere    size[0] = radius, centred at the origin
 *   box       size[0..2] = half extents along local x, y, z
 *   capsule   size[0] = radius, size[1] = half length of the core segment along local z (from -h to +h)
 *   cylinder  size[0] = radius, size[1] = half height along local z (caps at z = -h and z = +h)
 *   plane     the local z = 0 plane, solid below it (normal +z); sizes unused (0)
 */
#ifndef WR_COLLISION_SHAPE_H
#define WR_COLLISION_SHAPE_H

#include <stdint.h>

#include "math/vec.h"
#include "worldrunner/status.h"

typedef enum collision_shape_type {
    COLLISION_SPHERE = 0,
    COLLISION_BOX = 1,
    COLLISION_CAPSULE = 2,
    COLLISION_CYLINDER = 3,
    COLLISION_PLANE = 4,
    COLLISION_SHAPE_TYPE_COUNT
} collision_shape_type;

typedef struct collision_shape {
    collision_shape_type type;
    double size[3];
} collision_shape;

/* Axis-aligned bounds in world coordinates. A plane has infinite bounds (see collision_shape_is_unbounded). */
typedef struct collision_aabb {
    vec3 lo, hi;
} collision_aabb;

/* Fill `out` and validate it. Sizes must be finite and > 0 where used (plane: ignored). WR_ERR_INVALID_ARGUMENT or
 * WR_ERR_NON_FINITE with a message naming the bad size; `out` is untouched on failure. */
wr_status collision_shape_make(collision_shape_type type, const double size[3], collision_shape *out);
/* Check an existing shape (same rules). */
wr_status collision_shape_validate(const collision_shape *shape);
/* Short name ("sphere", "box", ...). */
const char *collision_shape_type_name(collision_shape_type type);

/* 1 for planes (they are tested against everything instead of going through the sweep). */
static inline int collision_shape_is_unbounded(const collision_shape *s) { return s->type == COLLISION_PLANE; }

/* World bounds of `s` at pose `t`, grown by `margin` on every side. Undefined for planes. */
collision_aabb collision_shape_aabb(const collision_shape *s, const transform *t, double margin);

/* Signed distance from world point `p` to the surface of `s` at pose `t` (negative inside). Writes the closest
 * surface point and the outward unit normal there (for an interior point: of the nearest face). */
double collision_shape_distance(const collision_shape *s, const transform *t, vec3 p, vec3 *surface, vec3 *normal);

#endif
