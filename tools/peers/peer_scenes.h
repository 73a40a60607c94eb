/* peer_scenes.h — one description of the benchmark scenes, shared by every peer engine program.
 *
 * Each engine program (peer_mujoco.c, peer_dart.cpp, peer_ode.c) builds its world from these numbers only, so the
 * scenes differ between engines only where the engines themselves differ (solver, friction cone, integrator,
 * contact softness). The numbers follow worldrunner's src/scene.c; see the README benchmark section.
 *
 * Frames: z is up, gravity (0, 0, -9.81) m/s^2, time step 1 ms. Every body's inertia is that of a solid box of the
 * listed size and mass about its centre of mass, which is the centre of the box.
 * Header-only data (static const), usable from C and C++.
 */
#ifndef PEER_SCENES_H
#define PEER_SCENES_H

#define PEER_DT 0.001
#define PEER_GRAVITY_Z (-9.81)
#define PEER_FRICTION 0.8

/* chain:N — N revolute links hanging from a fixed pivot at the origin. Link i is a box of length 0.1 m along its
 * local x axis (cross-section 0.02 m x 0.02 m), 1 kg, with its joint (axis y) at its start; link i+1's joint is at
 * link i's end. At t = 0 every joint angle is 0, so the chain lies straight along +x and falls under gravity. */
#define PEER_CHAIN_LINKS 16
#define PEER_CHAIN_LENGTH 0.1
#define PEER_CHAIN_WIDTH 0.02
#define PEER_CHAIN_MASS 1.0

/* boxes:N — N free cubes (edge 0.1 m, 1 kg) resting on the ground plane z = 0 on a square grid, spacing 0.3 m,
 * centred on the origin; their centres start at z = edge/2 (touching, at rest). */
#define PEER_BOXES_COUNT 64
#define PEER_BOX_EDGE 0.1
#define PEER_BOX_MASS 1.0
#define PEER_BOX_SPACING 0.3

/* humanoid — a 22-DOF figure standing on the ground plane: a free pelvis and 12 boxes connected by hinges and ball
 * joints. Bodies collide with the ground only (no self-collision). */
enum peer_joint_type { PEER_JOINT_FREE = 0, PEER_JOINT_HINGE = 1, PEER_JOINT_BALL = 2 };

typedef struct peer_body {
    const char *name;
    int parent;             /* index of the parent body, -1 for the root */
    int joint;              /* enum peer_joint_type */
    double axis[3];         /* hinge axis (body frame = world frame at t = 0) */
    double joint_pos[3];    /* joint position in the parent's frame (root: world position of the body origin) */
    double half[3];         /* box half extents, m */
    double center[3];       /* box centre (= centre of mass) in the body frame, whose origin is the joint */
    double mass;            /* kg */
} peer_body;

#define PEER_HUMANOID_BODIES 13
/* Pelvis centre height: the soles (foot box bottoms) touch z = 0. */
#define PEER_HUMANOID_PELVIS_Z 0.935

static const peer_body peer_humanoid[PEER_HUMANOID_BODIES] = {
    {"pelvis", -1, PEER_JOINT_FREE, {0, 0, 0}, {0, 0, PEER_HUMANOID_PELVIS_Z}, {0.125, 0.15, 0.075}, {0, 0, 0}, 10.0},
    {"torso", 0, PEER_JOINT_HINGE, {0, 1, 0}, {0, 0, 0.075}, {0.1, 0.15, 0.2}, {0, 0, 0.2}, 20.0},
    {"head", 1, PEER_JOINT_HINGE, {0, 0, 1}, {0, 0, 0.4}, {0.09, 0.09, 0.1}, {0, 0, 0.12}, 5.0},
    {"upper_arm_l", 1, PEER_JOINT_HINGE, {0, 1, 0}, {0, 0.2, 0.37}, {0.04, 0.04, 0.15}, {0, 0, -0.15}, 2.5},
    {"forearm_l", 3, PEER_JOINT_HINGE, {0, 1, 0}, {0, 0, -0.3}, {0.035, 0.035, 0.14}, {0, 0, -0.14}, 1.5},
    {"upper_arm_r", 1, PEER_JOINT_HINGE, {0, 1, 0}, {0, -0.2, 0.37}, {0.04, 0.04, 0.15}, {0, 0, -0.15}, 2.5},
    {"forearm_r", 5, PEER_JOINT_HINGE, {0, 1, 0}, {0, 0, -0.3}, {0.035, 0.035, 0.14}, {0, 0, -0.14}, 1.5},
    {"thigh_l", 0, PEER_JOINT_BALL, {0, 0, 0}, {0, 0.1, -0.075}, {0.06, 0.06, 0.2}, {0, 0, -0.2}, 7.0},
    {"shin_l", 7, PEER_JOINT_HINGE, {0, 1, 0}, {0, 0, -0.4}, {0.05, 0.05, 0.2}, {0, 0, -0.2}, 4.0},
    {"foot_l", 8, PEER_JOINT_HINGE, {0, 1, 0}, {0, 0, -0.4}, {0.11, 0.05, 0.03}, {0.05, 0, -0.03}, 1.0},
    {"thigh_r", 0, PEER_JOINT_BALL, {0, 0, 0}, {0, -0.1, -0.075}, {0.06, 0.06, 0.2}, {0, 0, -0.2}, 7.0},
    {"shin_r", 10, PEER_JOINT_HINGE, {0, 1, 0}, {0, 0, -0.4}, {0.05, 0.05, 0.2}, {0, 0, -0.2}, 4.0},
    {"foot_r", 11, PEER_JOINT_HINGE, {0, 1, 0}, {0, 0, -0.4}, {0.11, 0.05, 0.03}, {0.05, 0, -0.03}, 1.0},
};

/* Diagonal inertia of a solid box with half extents h and mass m about its centre. */
static inline void peer_box_inertia(double m, const double h[3], double out[3])
{
    out[0] = m / 3.0 * (h[1] * h[1] + h[2] * h[2]);
    out[1] = m / 3.0 * (h[0] * h[0] + h[2] * h[2]);
    out[2] = m / 3.0 * (h[0] * h[0] + h[1] * h[1]);
}

#endif
