/* src/dynamics/skeleton_impl.h — the layout of skeletons and worlds, private to src/dynamics and src/world.
 *
 * A skeleton holds four blocks from its memory manager (tag WR_MEMORY_TAG_SKELETON):
 *   - the skeleton header itself;
 *   - bodies: the body_node_pool, one contiguous 32-byte-aligned array of fixed-size body_node slots (capacity doubles
 *     while building); topology, joint and inertia data inline, constant quantities precomputed;
 *   - shapes: one contiguous array of dyn_shape, linked per body by index;
 *   - state: one block holding q, v, commands, controls and every per-step scratch array (body_work, mass matrix),
 *     rebuilt when a body is added, reused by every step.
 * Nothing refers to anything by pointer except the header's pointers to its blocks, so moving a skeleton is copying
 * the blocks and re-deriving those pointers.
 *
 * Borrowed tables. A skeleton instantiated from a wr_model (src/model/) does not own its bodies, shapes and
 * actuators: they point into the model's read-only block, shared by every world made from that model, and only the
 * header and the state block come from the world's manager. Calls that would write a borrowed table (joint damping,
 * shape filters) first copy it into the skeleton's manager (copy on write, skeleton_own_bodies/_shapes), so one world
 * never changes another's model. The lender counts its borrowers (skeleton_lender) and refuses to be destroyed while
 * any skeleton uses it.
 */
#ifndef WR_DYNAMICS_SKELETON_IMPL_H
#define WR_DYNAMICS_SKELETON_IMPL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "dynamics/dynamics_internal.h"
#include "math/spatial.h"
#include "math/vec.h"
#include "worldrunner/skeleton.h"

#define BODY_FLAG_STATIC 1u          /* welded to the world through welds only */
#define BODY_FLAG_TC_IDENTITY 2u     /* child_pose is the identity */
#define BODY_FLAG_TP_ROT_IDENTITY 4u /* parent_pose has no rotation */
#define BODY_FLAG_CONST_MASS 8u      /* a root body whose joint-space mass matrix does not depend on q */
#define BODY_FLAG_COM_AT_JOINT 16u   /* free joint: the centre of mass is the child joint frame's origin */
#define BODY_FLAG_SHAPE_MASS 32u     /* mass, COM and inertia come from the body's solid shapes (density) */

/* One slot of the body_node_pool. Fixed size, 32-byte aligned. */
typedef struct body_node {
    _Alignas(32) int32_t parent;     /* body index, -1 = world */
    int32_t type;                    /* wr_joint_type */
    int32_t nq, nv;                  /* joint position / velocity counts */
    int32_t q_offset, v_offset;      /* into the skeleton's q and v arrays */
    int32_t first_shape;             /* -1 if none */
    uint32_t flags;                  /* BODY_FLAG_* */
    /* Collision filter (MuJoCo's weld filter): bodies with the same weld_group are one rigid piece and never collide;
     * a piece does not collide with the piece it hangs from (weld_parent) unless adjacent collisions are on. Built
     * by hand: weld_group = own index, weld_parent = parent index (the two bodies of a joint). -1: the world. */
    int32_t weld_group, weld_parent;
    char name[WR_SKELETON_NAME_MAX];
    /* joint */
    transform parent_pose;           /* joint frame in the parent body frame */
    transform child_pose;            /* joint frame in this body's frame */
    transform child_inv;             /* this body's frame in the joint frame (inverse of child_pose) */
    vec3 axis;                       /* unit, joint frame */
    mat3 axis_outer;                 /* axis axis^T (Rodrigues) */
    double damping, stiffness, rest_position;
    double armature;                 /* rotor inertia on every dof's mass-matrix diagonal (kg m^2 or kg) */
    double lower[WR_SKELETON_MAX_JOINT_DOFS], upper[WR_SKELETON_MAX_JOINT_DOFS];
    double velocity_limit[WR_SKELETON_MAX_JOINT_DOFS], effort_limit[WR_SKELETON_MAX_JOINT_DOFS];
    /* Motion subspace in the body frame. Constant, except the three linear columns of a free joint (the parent
     * joint frame's axes, which turn with the joint): there S[0..2] holds their value at the identity rotation and
     * body_work.lin_axes the current one (use dyn_joint_column). */
    sv6 S[WR_SKELETON_MAX_JOINT_DOFS];
    /* inertia */
    double mass;
    vec3 com;                        /* body frame */
    mat3 inertia;                    /* about the COM, body axes */
    sym3 inertia_sym;                /* the same, packed */
    sinertia I;                      /* spatial inertia about the body origin, body frame */
    /* free joint: the COM in the child joint frame and the inertia about it in that frame's axes */
    vec3 com_joint;
    mat3 inertia_joint;
    double density;                  /* kg/m^3 with BODY_FLAG_SHAPE_MASS, else 0 */
} body_node;

/* Per-body scratch of the recursive algorithms, one contiguous array per skeleton. */
typedef struct body_work {
    _Alignas(32) sxform X;           /* parent body -> this body (for roots: world -> body) */
    transform pose;                  /* world pose of the body frame */
    mat3 lin_axes;                   /* free joint: the parent joint frame's axes in this body's frame (the body-frame
                                      * directions of the three linear dofs) at the current q; set with `pose` */
    sv6 vel;                         /* spatial velocity, body frame */
    sv6 c;                           /* velocity-product acceleration v x (S qd) + dS/dt qd (free joints) */
    sv6 acc;                         /* spatial acceleration (ABA pass 3, RNEA) */
    sv6 pA;                          /* articulated bias force / RNEA force */
    sinertia IA;                     /* articulated (ABA) or composite (CRBA) inertia */
    sv6 U[WR_SKELETON_MAX_JOINT_DOFS];  /* IA S */
    double Dinv[WR_SKELETON_MAX_JOINT_DOFS * WR_SKELETON_MAX_JOINT_DOFS];
    double u[WR_SKELETON_MAX_JOINT_DOFS];
    vec3 ext_force, ext_torque;      /* external wrench, world frame, through the COM (persistent input) */
    /* world-frame ABA (the step's hot path): Plücker coordinates about the world origin */
    sv6 Sw[WR_SKELETON_MAX_JOINT_DOFS]; /* motion subspace */
    sv6 vw, cw, aw, pw;              /* velocity, velocity-product acceleration, acceleration, bias force */
    ainertia IAw;                    /* articulated inertia */
} body_work;

/* A motor (MuJoCo's actuator/motor on a joint): generalized force gear * clamp(ctrl, ctrl range), clamped to the
 * force range, on one dof. Read-only (borrowed from a model). */
typedef struct dyn_actuator {
    int32_t dof;                     /* local dof index in the skeleton */
    int32_t ctrl_limited;            /* 1: clamp the control to [ctrl_lower, ctrl_upper] */
    int32_t force_limited;           /* 1: clamp the force (before the gear) to [force_lower, force_upper] */
    int32_t reserved;
    double gear;                     /* force -> generalized force (N m per unit or N per unit) */
    double ctrl_lower, ctrl_upper;
    double force_lower, force_upper;
} dyn_actuator;

/* The owner of borrowed tables counts the skeletons that borrow them (atomic: worlds on different threads). */
typedef struct skeleton_lender {
    atomic_long borrowers;
} skeleton_lender;

/* What a skeleton borrows from a model: its tables, sizes and initial positions. */
typedef struct skeleton_borrow {
    const char *name;
    const body_node *bodies;
    int body_count;
    const dyn_shape *shapes;
    int shape_count;
    const dyn_actuator *actuators;
    int actuator_count;
    int nq, nv;
    const double *q0;                /* nq initial positions */
    skeleton_lender *lender;
} skeleton_borrow;

struct wr_skeleton {
    wr_memory_manager *manager;
    int owns_manager;                /* created a default manager in wr_skeleton_create(NULL) */
    wr_world *world;                    /* NULL if not in a world */
    const _Atomic int *owner_busy;   /* its world's runner busy state (core/guard.h); NULL if no runner owns it */
    int world_index;
    int v_world_offset, q_world_offset;
    char name[WR_SKELETON_NAME_MAX];
    int body_count, body_capacity;
    int shape_count, shape_capacity;
    int nq, nv;
    body_node *bodies;
    dyn_shape *shapes;
    int bodies_borrowed;             /* 1: bodies point into a lender's read-only table (not freed, copied on write) */
    int shapes_borrowed;             /* 1: likewise for shapes */
    const dyn_actuator *actuators;   /* borrowed, actuator_count entries (NULL for a skeleton built by hand) */
    int actuator_count;
    skeleton_lender *lender;         /* of the borrowed tables, NULL if none */
    void *state;                     /* the state block */
    size_t state_bytes;
    int state_bodies, state_nq, state_nv, state_nu; /* capacities the state block is carved for */
    double *q;                       /* nq */
    double *v;                       /* nv */
    double *tau_cmd;                 /* nv, joint force commands */
    double *tau;                     /* nv, total generalized force of the step */
    double *qdd;                     /* nv */
    double *tmp;                     /* nv */
    double *ctrl;                    /* actuator_count controls (kept until changed) */
    double *mass;                    /* nv * nv, M */
    double *chol;                    /* nv * nv, lower Cholesky factor of M */
    body_work *work;                 /* body_count */
    vec3 gravity;
    int fk_valid;                    /* work[].pose is that of the current q */
    int factor_valid;                /* mass/chol are those of the current q */
    int chol_of_mass;                /* chol is the factor of mass as it stands (mass written since: 0) */
    uint32_t state_epoch;            /* bumped when q or v is set from outside (the state API): the world's
                                      * warm start, made for the state before, is not used after it */
};

/* Bytes of the state block for the given capacities, and carving it (arrays sized by the capacities). */
size_t skeleton_state_bytes(int body_count, int nq, int nv, int nu);
void skeleton_carve_state(wr_skeleton *s, void *block, int body_count, int nq, int nv, int nu);
/* Fill body slot `count` of a body array whose first `count` slots are `bodies` (nq, nv positions and dofs so far)
 * from a description, checking everything. With SKELETON_BODY_ALLOW_MASSLESS the mass may be 0 and the inertia
 * positive semi-definite (the model compiler's internal bodies of a multi-joint MJCF body, and static bodies
 * without geometry); the caller then guarantees that every dof moves some inertia. */
#define SKELETON_BODY_ALLOW_MASSLESS 1u
wr_status skeleton_make_body(const body_node *bodies, int count, int nq, int nv, const wr_body_desc *d,
                             unsigned flags, body_node *out);
/* Fill a shape slot for body `body` of a body array of `count` bodies from a description, checking everything
 * (next_on_body = -1: the caller links it). */
wr_status skeleton_make_shape(const body_node *bodies, int count, int body, const wr_shape_desc *d, dyn_shape *out);
/* Initial joint position of a body: zero, identity quaternions. */
void skeleton_init_joint_q(const body_node *b, double *q);
/* Create a skeleton on `manager` that borrows a model's tables (bodies, shapes, actuators); only the header and the
 * state block come from the manager. Positions start at b->q0, velocities, commands and controls at zero. */
wr_status skeleton_create_borrowed(wr_memory_manager *manager, const skeleton_borrow *b, wr_skeleton **out);
/* Copy on write: give `s` its own copy of its bodies / shapes (no-op if it owns them already). On failure
 * (budget, out of memory) nothing changed. */
wr_status skeleton_own_bodies(wr_skeleton *s);
wr_status skeleton_own_shapes(wr_skeleton *s);
/* Recompute every pointer of a header from its blocks (after copying). */
void skeleton_bind(wr_skeleton *s);
void skeleton_invalidate(wr_skeleton *s);
/* WR_ERR_INVALID_STATE if a body that derives its mass from its shapes has no solid shape yet. */
wr_status skeleton_check_mass(const wr_skeleton *s);
/* Check a full position vector (finite, unit quaternions) / store one (renormalizing quaternions). */
wr_status skeleton_check_positions(const wr_skeleton *s, const double *q);
void skeleton_store_positions(wr_skeleton *s, const double *q);

/* --- algorithms (articulated.c) ---------------------------------------------------------------------------- */

/* Column k of body b's motion subspace in its body frame at the current q (b->S[k], or for a free joint's linear
 * dofs the current lin_axes column; needs the pose of the current q). */
sv6 dyn_joint_column(const body_node *b, const body_work *wk, int k);
/* Forward kinematics and body velocities (work[].X, pose, lin_axes, vel, c). */
void dyn_forward_kinematics(wr_skeleton *s);
/* ABA with generalized force s->tau into s->qdd, in world coordinates (no spatial transforms between bodies);
 * computes the world poses itself. `dt` is the time step the joint damping is integrated implicitly over (qdd solves
 * (M + dt D) qdd = tau - C); 0 for the plain forward dynamics qdd = M^-1 (tau - C). */
void dyn_aba(wr_skeleton *s, double dt);
/* RNEA: tau_out = M qdd + C (needs forward kinematics). */
void dyn_rnea(wr_skeleton *s, const double *qdd, double *tau_out);
/* CRBA into s->mass (needs forward kinematics). */
void dyn_crba(wr_skeleton *s);
/* Total generalized force of the step: clamped commands, springs, damping, into s->tau. */
void dyn_passive_and_commands(wr_skeleton *s);
/* Position integration q <- q (+) dt * v, quaternions on the manifold (renormalized). */
void dyn_integrate_positions(wr_skeleton *s, double dt);
double dyn_kinetic_energy(const wr_skeleton *s);  /* needs FK */
double dyn_potential_energy(const wr_skeleton *s);/* needs FK */
void dyn_momentum(const wr_skeleton *s, vec3 *linear, vec3 *angular); /* needs FK */
/* Rotation of a unit quaternion stored as (w, x, y, z) doubles. */
quat dyn_quat_load(const double *p);

/* --- world (world.c) --------------------------------------------------------------------------------------- */
/* Called by world.c when the world's gravity changes or a skeleton joins. */
void skeleton_attach(wr_skeleton *s, wr_world *w, int index, int q_offset, int v_offset, vec3 gravity);
/* Move every block of `s` into `manager`; returns the new header or NULL with a status in *status. */
wr_skeleton *skeleton_move(wr_skeleton *s, wr_memory_manager *manager, wr_status *status);
/* Free every block of a skeleton (and its owned manager). */
void skeleton_free(wr_skeleton *s);

#endif
