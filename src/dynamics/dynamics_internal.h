/* src/dynamics/dynamics_internal.h — what the collision and constraint stages may use of skeletons.
 *
 * This is the stable inside interface between src/dynamics and src/collision + src/constraint: the narrow view of
 * bodies the stages get (the world hands them its skeleton array in their step views). It exposes a skeleton's
 * bodies, body poses and velocities, shapes, point Jacobians, the joint-space mass matrix with a cached Cholesky
 * factor, and per-dof limits. Everything is index-based; pointers returned stay valid until the world's skeleton
 * set changes (add/remove), never during a step.
 *
 * How the stages use it (wr_world_step runs them between the velocity update and the position integration):
 *   - body poses (dyn_body_transform, dyn_shape_world_transform) are those of the step's current positions q
 *     (computed by the dynamics stage's ABA); they do not change during the collision and constraint stages.
 *   - dyn_skeleton_velocities() is the candidate velocity v + dt * qdd (writable). Apply an impulse p (generalized,
 *     nv) by  dv = M^-1 p:  build p = J^T lambda with dyn_point_jacobian, call dyn_mass_factor() once per skeleton
 *     per step (cheap if already done this step), dyn_mass_solve(s, p) in place, then add p to the velocities.
 *     Velocities of bodies/points (dyn_body_velocity, dyn_point_velocity) always read the current candidate v.
 *   - The next position integration uses the velocities as the constraint stage left them.
 *   - dof numbering: a skeleton's dofs are 0..nv-1 locally; dyn_skeleton_dof_offset() gives its first dof in the
 *     world-wide numbering (the order of wr_world_get_velocities()).
 *   - Static bodies (welded to the world, directly or through welds) have no dofs above them: their Jacobians are
 *     zero and their velocity is zero; treat them as infinite mass.
 * Threads: the world's thread only.
 */
#ifndef WR_DYNAMICS_INTERNAL_H
#define WR_DYNAMICS_INTERNAL_H

#include <stdint.h>

#include "math/spatial.h"
#include "math/vec.h"
#include "worldrunner/skeleton.h"
#include "worldrunner/world.h"

/* A shape as stored in its skeleton's contiguous shape array. */
typedef struct dyn_shape {
    wr_shape_type type;
    int body;                 /* index of the body it is attached to */
    int next_on_body;         /* next shape of the same body, or -1 */
    double size[3];           /* see wr_shape_type in worldrunner/skeleton.h */
    transform local;          /* shape frame in the body frame */
    double friction;          /* >= 0 */
    double restitution;       /* [0, 1] */
    uint32_t group;           /* collision group bits */
    uint32_t mask;            /* collides with shapes whose group & mask != 0 (checked both ways) */
} dyn_shape;

/* Limits of one dof. Position limits are meaningful only when has_position (revolute/prismatic dofs). */
typedef struct dyn_dof_info {
    int body;                 /* body whose joint owns this dof */
    int has_position;         /* 1 if the dof has a scalar position q (revolute, prismatic) */
    double position;          /* current q of that dof (if has_position) */
    double lower, upper;      /* position limits (+-INFINITY if none) */
    double velocity_limit;    /* > 0, INFINITY if none */
    double effort_limit;      /* > 0, INFINITY if none */
} dyn_dof_info;

/* --- skeleton ---------------------------------------------------------------------------------------------- */

int dyn_skeleton_index(const wr_skeleton *s);          /* index in its world, -1 if none */
wr_world *dyn_skeleton_world(const wr_skeleton *s);    /* the world it is in (opaque here), NULL if none */
int dyn_skeleton_body_count(const wr_skeleton *s);
int dyn_skeleton_dof_count(const wr_skeleton *s);      /* nv */
int dyn_skeleton_dof_offset(const wr_skeleton *s);     /* first dof in the world-wide numbering */
/* Candidate generalized velocities (nv, writable) during the constraint stage; the current ones otherwise. */
double *dyn_skeleton_velocities(wr_skeleton *s);
const double *dyn_skeleton_positions(const wr_skeleton *s); /* nq */

/* --- bodies ------------------------------------------------------------------------------------------------ */

int dyn_body_parent(const wr_skeleton *s, int body);   /* -1 for a root body (attached to the world) */
int dyn_body_is_static(const wr_skeleton *s, int body);/* 1 if welded to the world through welds only */
transform dyn_body_transform(const wr_skeleton *s, int body); /* world pose of the body frame */
double dyn_body_mass(const wr_skeleton *s, int body);
vec3 dyn_body_com_world(const wr_skeleton *s, int body);
int dyn_body_dof_offset(const wr_skeleton *s, int body);/* local index of the first dof of the body's joint */
int dyn_body_dof_count(const wr_skeleton *s, int body);
int dyn_body_first_shape(const wr_skeleton *s, int body); /* -1 if none; follow dyn_shape.next_on_body */
/* 1 if bodies a and b of `s` must not collide by the weld filter: they are one rigid piece (welded together), or,
 * with `filter_parent`, one piece hangs from the other (for a skeleton built by hand: b is a's parent or a is b's,
 * the two bodies of one joint). Static bodies (the world's piece) are never filtered here. */
int dyn_bodies_filtered(const wr_skeleton *s, int a, int b, int filter_parent);
/* World-frame angular velocity and linear velocity of the body-frame origin, from the current velocities. */
void dyn_body_velocity(const wr_skeleton *s, int body, vec3 *angular, vec3 *linear);
/* World-frame velocity of a world point moving with body `body`. */
vec3 dyn_point_velocity(const wr_skeleton *s, int body, vec3 point_world);

/* --- shapes ------------------------------------------------------------------------------------------------ */

int dyn_skeleton_shape_count(const wr_skeleton *s);
const dyn_shape *dyn_skeleton_shape(const wr_skeleton *s, int index);
/* Change the filter bits of a shape (copying a borrowed shape table first: a model's shapes are shared); the caller
 * invalidates what collision derived from them. WR_ERR_BUDGET / WR_ERR_OUT_OF_MEMORY from the copy leave
 * everything unchanged. */
wr_status dyn_skeleton_set_shape_filter(wr_skeleton *s, int shape, uint32_t group, uint32_t mask);
transform dyn_shape_world_transform(const wr_skeleton *s, int index);

/* --- Jacobians, mass matrix, limits ------------------------------------------------------------------------ */

/* World-frame Jacobian of a point fixed on `body` (given in world coordinates): linear 3 x nv into `jlin` and,
 * if `jang` is not NULL, angular 3 x nv into `jang`, both row-major (entry [r][k] at r * nv + k). Columns of dofs
 * that do not move the body are zero. velocity = jlin * v. */
void dyn_point_jacobian(const wr_skeleton *s, int body, vec3 point_world, double *jlin, double *jang);
/* Compute M(q) (CRBA) and its Cholesky factor into the skeleton's scratch, once per step: does nothing if already
 * valid for the current positions. WR_ERR_NON_FINITE if M is not positive definite (degenerate inertia). */
wr_status dyn_mass_factor(wr_skeleton *s);
/* x <- M^-1 x (nv values), using the factor of dyn_mass_factor (which must have succeeded). */
void dyn_mass_solve(const wr_skeleton *s, double *x);
/* M (nv x nv row-major) as computed by the last dyn_mass_factor. */
const double *dyn_mass_matrix(const wr_skeleton *s);
/* 1 if the skeleton is one free body whose joint frames are its body frame and the world's axes (child pose the
 * identity, parent pose without rotation): its velocities are the body origin's world velocity, then the angular
 * velocity in body axes, and its point Jacobian for a direction d at world point p is (d, R^T ((p - o) x d)) with
 * (R, o) = dyn_body_transform(s, 0). */
int dyn_skeleton_is_free_body(const wr_skeleton *s);
void dyn_dof_info_get(const wr_skeleton *s, int dof, dyn_dof_info *out);
/* The same for dof k (0 <= k < dyn_body_dof_count) of body `body`, without searching the body. */
void dyn_body_dof_info_get(const wr_skeleton *s, int body, int k, dyn_dof_info *out);

#endif
