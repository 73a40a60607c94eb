/* peer_scenes.h — one description of the benchmark scenes, shared by every peer engine program.
 *
 * The numbers copy worldrunner's src/scenes/scenes.c (wr_scene_build), so MuJoCo, DART and ODE get the same problem: the scenes
 * differ between engines only where the engines themselves differ (solver, friction cone, integrator, contact
 * softness, what collides with what); the README benchmark section lists those differences.
 *
 * Frames: z is up, gravity (0, 0, -9.81) m/s^2, time step 1 ms, friction 0.8, no restitution. Inertias are about the
 * centre of mass in body axes, computed by the same formulas as worldrunner's wr_inertia_of_box / wr_inertia_of_capsule.
 * Header-only data (static const), usable from C and C++.
 */
#ifndef PEER_SCENES_H
#define PEER_SCENES_H

#define PEER_DT 0.001
#define PEER_GRAVITY_Z (-9.81)
#define PEER_FRICTION 0.8

/* chain:N — N revolute links (axis y) hanging from a fixed pivot at (0, 0, 0.1 N + 0.5). Link i is a box
 * 0.1 x 0.02 x 0.02 m along its local x axis, 1 kg, COM at its middle, joint at its start; link i+1's joint is at
 * link i's end; every joint has viscous damping PEER_CHAIN_DAMPING (N m s/rad). At t = 0 every angle is 0: the chain
 * lies straight along +x and falls under gravity. No contacts. */
#define PEER_CHAIN_DAMPING 0.3
#define PEER_CHAIN_LENGTH 0.1
#define PEER_CHAIN_WIDTH 0.02
#define PEER_CHAIN_MASS 1.0
static inline double peer_chain_pivot_z(int links)
{
    return 0.1 * links + 0.5;
}

/* boxes:N — N free cubes (edge 0.2 m, 1 kg) over the ground plane z = 0, on a square grid 0.5 m apart centred on
 * the origin. Box i starts at height 0.5 + 0.1 (i mod 3) m, turned by 0.1 (i mod 7) rad about x, at rest; they fall
 * and come to rest on the plane within about a second. Boxes collide with the plane and with each other. */
#define PEER_BOX_EDGE 0.2
#define PEER_BOX_MASS 1.0
#define PEER_BOX_SPACING 0.5
static inline int peer_boxes_side(int count)
{
    int side = 1;
    while (side * side < count) {
        ++side;
    }
    return side;
}
/* Start position and angle about x of box i of n. */
static inline void peer_box_start(int i, int count, double position[3], double *angle)
{
    int side = peer_boxes_side(count);
    position[0] = PEER_BOX_SPACING * (i % side) - 0.5 * PEER_BOX_SPACING * (side - 1);
    position[1] = PEER_BOX_SPACING * (i / side) - 0.5 * PEER_BOX_SPACING * (side - 1);
    position[2] = 0.5 + 0.1 * (i % 3);
    *angle = 0.1 * (i % 7);
}

/* humanoid — 27 DOF: a free pelvis (1.0 m above the ground plane), ball torso, shoulders and hips, revolute elbows,
 * knees and ankles (axis y) with position limits, joint damping everywhere but the pelvis. Boxes and capsules; the
 * head is a sphere on the torso body. The soles start 3 cm above the ground; the passive figure drops and falls.
 * Collisions as worldrunner's defaults: with the ground and between bodies, except parent and child. */
enum peer_joint_type { PEER_JOINT_FREE = 0, PEER_JOINT_HINGE = 1, PEER_JOINT_BALL = 2 };
enum peer_shape_type { PEER_SHAPE_BOX = 0, PEER_SHAPE_CAPSULE = 1 };

typedef struct peer_body {
    const char *name;
    int parent;             /* index of the parent body, -1 for the root */
    int joint;              /* enum peer_joint_type; hinge axes are y */
    double joint_pos[3];    /* joint position in the parent's frame (root: world position); all frames are aligned
                             * with the world at t = 0 and the body origin is its joint */
    double damping;         /* N m s/rad on every joint dof */
    double lower, upper;    /* hinge limits (rad); lower > upper = unlimited */
    double mass;            /* kg */
    int shape;              /* enum peer_shape_type */
    double size[3];         /* box: half extents; capsule: radius, total length along -z from the joint */
    double com[3];          /* centre of mass = shape centre in the body frame */
} peer_body;

#define PEER_HUMANOID_BODIES 12
#define PEER_HUMANOID_TORSO 1
#define PEER_HEAD_RADIUS 0.11
static const double peer_head_pos[3] = {0.0, 0.0, 0.62}; /* head sphere centre in the torso frame */

#define PEER_ARM(side, y)                                                                                          \
    {side "_upper_arm", 1, PEER_JOINT_BALL, {0, (y)*0.22, 0.45}, 0.5, 1, 0, 2.5, PEER_SHAPE_CAPSULE,               \
     {0.045, 0.30, 0}, {0, 0, -0.15}},                                                                             \
    {side "_forearm", -1, PEER_JOINT_HINGE, {0, 0, -0.30}, 0.3, -2.5, 0.0, 1.5, PEER_SHAPE_CAPSULE,                \
     {0.04, 0.28, 0}, {0, 0, -0.14}}
#define PEER_LEG(side, y)                                                                                          \
    {side "_thigh", 0, PEER_JOINT_BALL, {0, (y)*0.1, -0.08}, 1.0, 1, 0, 7.0, PEER_SHAPE_CAPSULE, {0.07, 0.42, 0},  \
     {0, 0, -0.21}},                                                                                               \
    {side "_shin", -1, PEER_JOINT_HINGE, {0, 0, -0.42}, 0.8, 0.0, 2.6, 3.5, PEER_SHAPE_CAPSULE, {0.05, 0.40, 0},   \
     {0, 0, -0.20}},                                                                                               \
    {side "_foot", -1, PEER_JOINT_HINGE, {0, 0, -0.40}, 0.3, -0.8, 0.8, 1.0, PEER_SHAPE_BOX, {0.11, 0.05, 0.03},   \
     {0.05, 0, -0.04}}

/* Body order as in scenes.c: pelvis, torso, then per side upper arm, forearm, thigh, shin, foot. A parent of -1 after
 * the root means "the body just before" (fixed up by peer_humanoid_parent). */
static const peer_body peer_humanoid[PEER_HUMANOID_BODIES] = {
    {"pelvis", -1, PEER_JOINT_FREE, {0, 0, 1.0}, 0.0, 1, 0, 10.0, PEER_SHAPE_BOX, {0.12, 0.15, 0.08}, {0, 0, 0}},
    {"torso", 0, PEER_JOINT_BALL, {0, 0, 0.08}, 1.0, 1, 0, 25.0, PEER_SHAPE_BOX, {0.11, 0.17, 0.25}, {0, 0, 0.25}},
    PEER_ARM("l", 1.0), PEER_LEG("l", 1.0),
    PEER_ARM("r", -1.0), PEER_LEG("r", -1.0),
};

static inline int peer_humanoid_parent(int index)
{
    return index == 0 ? -1 : peer_humanoid[index].parent >= 0 ? peer_humanoid[index].parent : index - 1;
}

/* Body origin (joint) in world coordinates at t = 0. */
static inline void peer_humanoid_origin(int index, double out[3])
{
    out[0] = out[1] = out[2] = 0.0;
    for (int i = index; i >= 0; i = peer_humanoid_parent(i)) {
        for (int k = 0; k < 3; ++k) {
            out[k] += peer_humanoid[i].joint_pos[k];
        }
    }
}

/* Diagonal inertia about the COM of a solid box with half extents h. */
static inline void peer_box_inertia(double m, const double h[3], double out[3])
{
    out[0] = m / 3.0 * (h[1] * h[1] + h[2] * h[2]);
    out[1] = m / 3.0 * (h[0] * h[0] + h[2] * h[2]);
    out[2] = m / 3.0 * (h[0] * h[0] + h[1] * h[1]);
}

/* Diagonal inertia about the COM of a solid capsule along z: radius r, segment half length h (worldrunner's
 * formula: a cylinder and two hemispheres sharing the mass by volume). */
static inline void peer_capsule_inertia(double m, double r, double h, double out[3])
{
    const double pi = 3.14159265358979323846;
    double r2 = r * r;
    double vc = pi * r2 * 2.0 * h, vs = 4.0 / 3.0 * pi * r2 * r;
    double mc = m * vc / (vc + vs), ms = m - mc;
    out[2] = mc * r2 / 2.0 + ms * 0.4 * r2;
    out[0] = out[1] = mc * (r2 / 4.0 + (2.0 * h) * (2.0 * h) / 12.0) + ms * (0.4 * r2 + h * h + 0.75 * h * r);
}

/* Inertia of humanoid body i; for a capsule also its segment half length. */
static inline void peer_humanoid_inertia(int index, double out[3])
{
    const peer_body *b = &peer_humanoid[index];
    if (b->shape == PEER_SHAPE_BOX) {
        peer_box_inertia(b->mass, b->size, out);
    } else {
        double half = 0.5 * b->size[1];
        peer_capsule_inertia(b->mass, b->size[0], half > b->size[0] ? half - b->size[0] : 0.0, out);
    }
}

/* Capsule segment half length (the cylinder part) of humanoid body i. */
static inline double peer_capsule_half(const peer_body *b)
{
    double half = 0.5 * b->size[1];
    return half > b->size[0] ? half - b->size[0] : 0.0;
}

#endif
