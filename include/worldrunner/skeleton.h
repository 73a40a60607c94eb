/* worldrunner/skeleton.h — articulated bodies: skeletons, bodies, joints, shapes, state and dynamics queries.
 *
 * A skeleton is a tree of rigid bodies, each attached to its parent (or to the world) by one joint. Bodies are added
 * parent first, so a body's parent index is always smaller than its own. Everything a skeleton holds (its header,
 * its body_node_pool: one contiguous, 32-byte-aligned array of fixed-size body slots, its shapes and its state and
 * scratch arrays) comes from one memory manager: the one given to wr_skeleton_create(), or a default one the skeleton
 * creates and owns. Bodies, joints and shapes refer to each other by index, so a skeleton moves between managers by
 * copying (wr_world_add_skeleton does that when the managers differ).
 *
 * Generalized coordinates, per joint, in body order:
 *   weld       nq 0  nv 0
 *   revolute   nq 1  nv 1   angle (rad) about `axis` (joint frame)
 *   prismatic  nq 1  nv 1   displacement (m) along `axis` (joint frame)
 *   ball       nq 4  nv 3   q = unit quaternion (w, x, y, z); v = angular velocity in the child joint frame
 *   free       nq 7  nv 6   q = (x, y, z, qw, qx, qy, qz): the child joint frame's origin in the parent joint
 *                           frame, then its orientation; v = (vx, vy, vz, wx, wy, wz): FIRST the linear velocity of
 *                           that origin in the PARENT joint frame, THEN the angular velocity in the CHILD joint frame
 *                           (MuJoCo's free joint, so qpos/qvel compare directly)
 * The pose of a body in its parent's frame is parent_pose * J(q) * inverse(child_pose).
 *
 * Free joints step like MuJoCo's Euler: v += dt * qdd, then x += dt * v_lin and orientation <- orientation *
 * exp(dt w / 2) on the manifold. For a body that is a skeleton of its own (one free root body), qdd comes from
 * Newton-Euler about the COM with the gyroscopic term w x Ic w taken at the mid-step angular velocity (the implicit
 * midpoint rule in body axes, solved by a Newton and a chord step), so a torque-free body keeps its kinetic energy
 * and |L| to round-off (an explicit term gains energy at O(dt^2) per step, backward Euler loses as much). The
 * direction of L drifts at first order in dt (the orientation turns by the end-of-step w). What holds:
 *   - COM at the child joint frame's origin (the usual case: com = child_pose.position): the origin, i.e. the COM,
 *     follows the exact discrete free-fall path v += dt g, x += dt v whatever the spin (bit for bit, with no other
 *     force), and the linear and angular parts are independent;
 *   - COM off the origin: v_lin is the origin's velocity, which differs from the COM's by w x r. The COM velocity,
 *     hence the linear momentum, still evolves exactly as for a centred body (v_lin is set for it at the new
 *     orientation), and so does the energy; the COM position is first order in dt: a step moves the origin
 *     straight while the arm r turns, misplacing the COM by dt^2/2 |w x (w x r)|, which cancels over turns about a
 *     fixed axis but adds up while the body tumbles (about 1 cm after 10 s at 8.5 rad/s, |r| = 0.11 m, dt = 1 ms).
 * A free root of an articulated skeleton (a floating base) goes through the articulated-body algorithm, where every
 * velocity-product term, the gyroscopic one included, is explicit: its energy may grow at O(dt^2) per step while
 * parts of it spin fast (first-order drift, as in MuJoCo's Euler).
 *
 * Ownership: the creator destroys a skeleton unless it was added to a world; then the world owns it
 * (wr_world_remove_skeleton destroys it). Threads: one thread at a time (the thread of its world); a skeleton of a
 * runner's world follows the runner's rules (worldrunner/world_runner.h: WR_ERR_BUSY during a tick from another
 * thread than the world's worker).
 */
#ifndef WORLDRUNNER_SKELETON_H
#define WORLDRUNNER_SKELETON_H

#include <stddef.h>
#include <stdint.h>

#include "worldrunner/memory_manager.h"
#include "worldrunner/status.h"
#include "worldrunner/world.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WR_SKELETON_MAX_JOINT_DOFS 6
#define WR_SKELETON_NAME_MAX 32 /* names longer than 31 characters are cut */
/* Largest skeleton: bodies, and dofs (nv). The joint-space matrices are dense (nv x nv doubles: 128 MiB each at
 * 4096 dofs), and these bounds keep every index product within an int. Past them wr_skeleton_add_body refuses. */
#define WR_SKELETON_MAX_BODIES 4096
#define WR_SKELETON_MAX_DOFS 4096

typedef enum wr_joint_type {
    WR_JOINT_WELD = 0,
    WR_JOINT_REVOLUTE,
    WR_JOINT_PRISMATIC,
    WR_JOINT_BALL,
    WR_JOINT_FREE,
    WR_JOINT_TYPE_COUNT
} wr_joint_type;

typedef enum wr_shape_type {
    WR_SHAPE_SPHERE = 0, /* size[0] = radius */
    WR_SHAPE_BOX,        /* size = half extents */
    WR_SHAPE_CAPSULE,    /* size[0] = radius, size[1] = half length of the segment along local z */
    WR_SHAPE_CYLINDER,   /* size[0] = radius, size[1] = half height along local z */
    WR_SHAPE_PLANE,      /* the local z = 0 plane, normal +z; only on static bodies */
    WR_SHAPE_TYPE_COUNT
} wr_shape_type;

/* A rigid pose: position (m) and unit quaternion (w, x, y, z). */
typedef struct wr_pose {
    double position[3];
    double rotation[4];
} wr_pose;

typedef struct wr_joint_desc {
    wr_joint_type type;
    double axis[3];            /* revolute/prismatic axis in the joint frame (normalized on add); default +z */
    wr_pose parent_pose;       /* joint frame in the parent body frame (world frame for a root body) */
    wr_pose child_pose;        /* joint frame in the child body frame */
    double damping;            /* N m s/rad or N s/m, on every dof: tau -= damping * v (implicit in the step) */
    double stiffness;          /* spring: revolute/prismatic tau -= stiffness * (q - rest_position); ball
                                * tau -= stiffness * theta * axis toward the identity rotation; free: none */
    double rest_position;      /* revolute/prismatic only */
    double armature;           /* rotor inertia (kg m^2 or kg), >= 0, added to the mass-matrix diagonal of each of
                                * the joint's dofs (MuJoCo's armature): M_ii += armature */
    /* Per dof (first nv entries used). Position limits apply to revolute/prismatic dofs; all limits are stored for
     * the constraint solver; effort limits clamp joint-force commands now. Defaults: unlimited (+-INFINITY). */
    double position_lower[WR_SKELETON_MAX_JOINT_DOFS];
    double position_upper[WR_SKELETON_MAX_JOINT_DOFS];
    double velocity_limit[WR_SKELETON_MAX_JOINT_DOFS];  /* > 0 */
    double effort_limit[WR_SKELETON_MAX_JOINT_DOFS];    /* > 0 */
} wr_joint_desc;

typedef struct wr_body_desc {
    char name[WR_SKELETON_NAME_MAX];
    int parent;                /* index of the parent body in this skeleton, or -1 for the world */
    wr_joint_desc joint;          /* joint to the parent */
    double mass;               /* kg, > 0 (ignored when density > 0) */
    double com[3];             /* centre of mass in the body frame (m) (ignored when density > 0) */
    double inertia[9];         /* row-major rotational inertia about the COM in body axes (kg m^2): symmetric
                                * positive definite, principal moments satisfying the triangle inequality (ignored
                                * when density > 0) */
    double density;            /* kg/m^3; 0 (default): use mass, com, inertia as given; > 0: derive all three from
                                * the body's solid shapes of this uniform density (wr_shape_mass_properties summed by
                                * wr_mass_properties_add), recomputed as each shape is added. Such a body without a
                                * solid shape is refused where its mass would be used (WR_ERR_INVALID_STATE from
                                * wr_world_add_skeleton and the dynamics queries). */
} wr_body_desc;

typedef struct wr_shape_desc {
    wr_shape_type type;
    double size[3];            /* see wr_shape_type */
    wr_pose pose;              /* shape frame in the body frame */
    double friction;           /* Coulomb coefficient, >= 0; default 0.8 */
    double restitution;        /* in [0, 1]; default 0 */
    uint32_t collision_group;  /* bits this shape belongs to; default 1 */
    uint32_t collision_mask;   /* bits it collides with; default all */
} wr_shape_desc;

/* --- descriptions ------------------------------------------------------------------------------------------ */

/* Defaults: identity poses, axis +z, no damping/spring, unlimited. */
void wr_joint_desc_init(wr_joint_desc *joint, wr_joint_type type);
/* Defaults: root body (parent -1) on a free joint, mass 1 kg, COM at the origin, unit-sphere-like inertia 0.1 I. */
void wr_body_desc_init(wr_body_desc *body);
void wr_shape_desc_init(wr_shape_desc *shape, wr_shape_type type);
void wr_pose_identity(wr_pose *pose);

/* Rotational inertia about the COM (row-major 3x3) of solid shapes of `mass` kg; sizes as in wr_shape_type. */
wr_status wr_inertia_of_sphere(double mass, double radius, double out[9]);
wr_status wr_inertia_of_box(double mass, const double half_extents[3], double out[9]);
wr_status wr_inertia_of_capsule(double mass, double radius, double half_length, double out[9]);
wr_status wr_inertia_of_cylinder(double mass, double radius, double half_height, double out[9]);

/* Mass, centre of mass and rotational inertia of a rigid body (or of one solid shape). */
typedef struct wr_mass_properties {
    double mass;               /* kg */
    double com[3];             /* centre of mass in the body frame (m) */
    double inertia[9];         /* about the COM, body axes, row-major (kg m^2) */
} wr_mass_properties;
/* A solid shape of uniform `density` (kg/m^3, > 0) placed at shape->pose in the body frame: its mass, its centre
 * (the COM) and its inertia rotated into body axes. A plane has no volume: WR_ERR_INVALID_ARGUMENT. */
wr_status wr_shape_mass_properties(const wr_shape_desc *shape, double density, wr_mass_properties *out);
/* acc <- acc combined with add: masses summed, COM the weighted mean, inertia moved to the new COM by the
 * parallel-axis theorem. acc may start as {0}. */
wr_status wr_mass_properties_add(wr_mass_properties *acc, const wr_mass_properties *add);

/* --- building ---------------------------------------------------------------------------------------------- */

/* Create an empty skeleton on `manager` (NULL = a default manager the skeleton creates and owns). */
wr_status wr_skeleton_create(wr_memory_manager *manager, const char *name, wr_skeleton **out);
/* Destroy a skeleton that is not in a world (WR_ERR_BUSY otherwise: use wr_world_remove_skeleton). */
wr_status wr_skeleton_destroy(wr_skeleton *s);
/* Append a body and its joint; *out_index (may be NULL) receives its index. WR_ERR_BUSY while in a world;
 * WR_ERR_INVALID_ARGUMENT past WR_SKELETON_MAX_BODIES bodies or WR_SKELETON_MAX_DOFS dofs. */
wr_status wr_skeleton_add_body(wr_skeleton *s, const wr_body_desc *body, int *out_index);
/* Attach a shape to body `body`; *out_index (may be NULL) receives its index among the skeleton's shapes. */
wr_status wr_skeleton_add_shape(wr_skeleton *s, int body, const wr_shape_desc *shape, int *out_index);

/* --- sizes and introspection -------------------------------------------------------------------------------- */

const char *wr_skeleton_name(const wr_skeleton *s);
int wr_skeleton_body_count(const wr_skeleton *s);
int wr_skeleton_shape_count(const wr_skeleton *s);
int wr_skeleton_dof_count(const wr_skeleton *s);       /* nv: velocities, forces, accelerations */
int wr_skeleton_position_count(const wr_skeleton *s);  /* nq: positions (quaternions take 4) */
wr_memory_manager *wr_skeleton_memory_manager(const wr_skeleton *s);
/* Bytes the skeleton holds from its manager (header, pool, shapes, state and scratch). */
size_t wr_skeleton_memory_bytes(const wr_skeleton *s);
/* Index of the body called `name`, or -1. */
int wr_skeleton_find_body(const wr_skeleton *s, const char *name);

/* --- state ------------------------------------------------------------------------------------------------- */

/* Copy the nq positions / nv velocities to or from caller buffers of `count` doubles (count must be nq resp. nv).
 * Set refuses NaN/Inf and non-unit (|1 - |q|| > 1e-6) quaternions without changing anything; quaternions are
 * renormalized. */
wr_status wr_skeleton_get_positions(const wr_skeleton *s, double *q, size_t count);
wr_status wr_skeleton_set_positions(wr_skeleton *s, const double *q, size_t count);
wr_status wr_skeleton_get_velocities(const wr_skeleton *s, double *v, size_t count);
wr_status wr_skeleton_set_velocities(wr_skeleton *s, const double *v, size_t count);
/* Joint force commands (nv values, N m or N). Kept until changed; clamped to the effort limits when stepping. */
wr_status wr_skeleton_set_joint_forces(wr_skeleton *s, const double *tau, size_t count);
/* External force (N) through the body's centre of mass and torque (N m), both in world coordinates. Kept until
 * cleared; a second call on the same body adds. */
wr_status wr_skeleton_apply_body_wrench(wr_skeleton *s, int body, const double force[3], const double torque[3]);
/* Zero joint-force commands and external wrenches. */
wr_status wr_skeleton_clear_forces(wr_skeleton *s);
/* World pose of body `body` at the current positions: position (m) and row-major rotation matrix. */
wr_status wr_skeleton_body_pose(wr_skeleton *s, int body, double position[3], double rotation[9]);
/* World-frame velocity of body `body` at the current positions and velocities: the linear velocity (m/s) of its
 * body-frame origin and its angular velocity (rad/s). */
wr_status wr_skeleton_body_velocity(wr_skeleton *s, int body, double linear[3], double angular[3]);
/* The same for the body's centre of mass (the angular velocity is the body's). */
wr_status wr_skeleton_body_com_velocity(wr_skeleton *s, int body, double linear[3], double angular[3]);
/* World position (m) of body `body`'s centre of mass. */
wr_status wr_skeleton_body_com(wr_skeleton *s, int body, double position[3]);
/* Centre of mass of the whole skeleton (world, m) and its velocity (m/s); velocity may be NULL. */
wr_status wr_skeleton_center_of_mass(wr_skeleton *s, double position[3], double velocity[3]);
/* Change the damping (>= 0) of body `body`'s joint; allowed at any time (also in a world, between steps). */
wr_status wr_skeleton_set_joint_damping(wr_skeleton *s, int body, double damping);
/* Actuators (motors of a skeleton instantiated from a model, see worldrunner/model.h; a skeleton built by hand
 * has none): each applies gear * clamp(ctrl, ctrl range) (force-range clamped) to its joint's dof in every step.
 * Controls are kept until changed; count must equal wr_skeleton_actuator_count(). Set refuses NaN/Inf. */
int wr_skeleton_actuator_count(const wr_skeleton *s);
wr_status wr_skeleton_set_controls(wr_skeleton *s, const double *ctrl, size_t count);
wr_status wr_skeleton_get_controls(const wr_skeleton *s, double *ctrl, size_t count);
/* Gravity used by the dynamics queries of a skeleton outside a world (a world sets its own). */
wr_status wr_skeleton_set_gravity(wr_skeleton *s, const double gravity[3]);

/* --- dynamics queries (current q, v, gravity, external wrenches) -------------------------------------------- */

wr_status wr_skeleton_kinetic_energy(wr_skeleton *s, double *out);     /* J */
wr_status wr_skeleton_potential_energy(wr_skeleton *s, double *out);   /* J, gravitational, zero at the world origin */
/* Linear momentum (kg m/s) and angular momentum about the world origin (kg m^2/s), world coordinates. */
wr_status wr_skeleton_momentum(wr_skeleton *s, double linear[3], double angular[3]);
/* Joint-space mass matrix M(q) (composite rigid body algorithm), nv x nv row-major into `m` of `count` = nv*nv. */
wr_status wr_skeleton_mass_matrix(wr_skeleton *s, double *m, size_t count);
/* Forward dynamics (articulated-body algorithm): accelerations `qdd` (nv) produced by the total generalized force
 * `tau` (nv) with gravity and external wrenches. Joint springs, damping and effort clamping are NOT applied here
 * (they are part of the step), so this is the exact inverse of wr_skeleton_inverse_dynamics. */
wr_status wr_skeleton_forward_dynamics(wr_skeleton *s, const double *tau, double *qdd, size_t count);
/* Inverse dynamics (recursive Newton-Euler): the generalized force `tau` (nv) that produces `qdd` (nv). With qdd = 0
 * it is the bias force C(q, v) (Coriolis, centrifugal, gravity, external wrenches). */
wr_status wr_skeleton_inverse_dynamics(wr_skeleton *s, const double *qdd, double *tau, size_t count);

/* --- worlds and skeletons ---------------------------------------------------------------------------------- */

/* Add `*s` to `w`; the world owns it from now on and *index (may be NULL) receives its index among the world's
 * skeletons (wr_world_get_skeleton, wr_world_apply_body_wrench, contact reports). If its memory lives in another
 * manager, everything is moved (copied) into the world's manager, *s is updated to the skeleton's new address and a
 * default manager the skeleton owned is destroyed. On failure (budget, out of memory, a body that derives its mass
 * from shapes it does not have: WR_ERR_INVALID_STATE) nothing changed and *s is still valid and not added.
 * A skeleton without bodies is refused (WR_ERR_INVALID_ARGUMENT): bodies cannot be added once it is in a world. */
wr_status wr_world_add_skeleton(wr_world *w, wr_skeleton **s, int *index);
/* Add a static ground plane to `w`: a skeleton "ground" of one world-welded body with one plane shape of Coulomb
 * friction `friction` (>= 0) and no restitution, through `point` (m, world; NULL = the origin) with upward normal
 * `normal` (any length > 0, normalized; NULL = +z; tilt it for an incline). The plane's frame is the shortest
 * rotation of the world's axes that takes +z onto the normal. *index (may be NULL) receives the skeleton's index.
 * Bad input (NaN, zero normal, negative friction): an error status, the world unchanged. */
wr_status wr_world_add_ground_plane(wr_world *w, const double normal[3], const double point[3], double friction,
                                    int *index);
/* Remove and destroy a skeleton of `w`. */
wr_status wr_world_remove_skeleton(wr_world *w, wr_skeleton *s);
int wr_world_skeleton_count(const wr_world *w);
wr_skeleton *wr_world_get_skeleton(const wr_world *w, int index); /* NULL if out of range */

#ifdef __cplusplus
}
#endif
#endif
