/* Built-in scenes: pendulum, chain:N, arm7, humanoid, boxes:N (library worldrunner_scenes, above the core).
 *
 * Each scene builds its skeletons directly on the world's memory manager (so adding them moves nothing) and adds
 * them; if any part fails, the skeletons already added by this call are removed again, so the world is unchanged.
 * Only the public API is used, plus the core's error recording (core/status_internal.h), so a failure reads like
 * any other library call's.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status_internal.h"
#include "world/world_build.h"
#include "worldrunner/scenes.h"
#include "worldrunner/skeleton.h"

#define SCENE_MAX_COUNT WR_SCENE_MAX_COUNT

/* ---- helpers ----------------------------------------------------------------------------------------------- */

static void set_pose(wr_pose *p, double x, double y, double z)
{
    wr_pose_identity(p);
    p->position[0] = x;
    p->position[1] = y;
    p->position[2] = z;
}

/* Rotation of `angle` about a principal axis (0 = x, 1 = y, 2 = z) into a pose. */
static void set_rotation(wr_pose *p, int axis, double angle)
{
    p->rotation[0] = cos(0.5 * angle);
    p->rotation[1] = p->rotation[2] = p->rotation[3] = 0.0;
    p->rotation[1 + axis] = sin(0.5 * angle);
}

static void set_vec(double v[3], double x, double y, double z)
{
    v[0] = x;
    v[1] = y;
    v[2] = z;
}

/* Collision bits of chain links: a chain's links do not collide with each other (the classic benchmark chain has
 * no contacts), but do with everything else. */
#define CHAIN_GROUP 2u

/* A body of a box of half extents (hx, hy, hz) whose centre is at `com` in the body frame. */
static wr_status add_box_body_masked(wr_skeleton *s, const wr_body_desc *base, double mass, double hx, double hy, double hz,
                                     uint32_t group, uint32_t mask, int *out);
static wr_status add_box_body(wr_skeleton *s, const wr_body_desc *base, double mass, double hx, double hy, double hz,
                              int *out)
{
    return add_box_body_masked(s, base, mass, hx, hy, hz, 1u, 0xffffffffu, out);
}

static wr_status add_box_body_masked(wr_skeleton *s, const wr_body_desc *base, double mass, double hx, double hy, double hz,
                                     uint32_t group, uint32_t mask, int *out)
{
    wr_body_desc b = *base;
    b.mass = mass;
    double he[3] = {hx, hy, hz};
    wr_status st = wr_inertia_of_box(mass, he, b.inertia);
    if (st == WR_OK)
        st = wr_skeleton_add_body(s, &b, out);
    if (st != WR_OK)
        return st;
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, WR_SHAPE_BOX);
    memcpy(sh.size, he, sizeof he);
    sh.collision_group = group;
    sh.collision_mask = mask;
    set_pose(&sh.pose, b.com[0], b.com[1], b.com[2]);
    return wr_skeleton_add_shape(s, *out, &sh, NULL);
}

/* A capsule body along the body's local axis `axis` (0 x, 1 y, 2 z) from the origin to `length`, mass at its
 * middle. */
static wr_status add_capsule_body(wr_skeleton *s, wr_body_desc *b, double mass, double radius, double length, int axis,
                                  double sign, int *out)
{
    double half = 0.5 * length;
    b->mass = mass;
    set_vec(b->com, 0, 0, 0);
    b->com[axis] = sign * half;
    double local[9];
    wr_status st = wr_inertia_of_capsule(mass, radius, half > radius ? half - radius : 0.0, local);
    if (st != WR_OK)
        return st;
    /* the capsule's long axis is local z; permute the moments onto `axis` */
    double ia = local[8], it = local[0];
    memset(b->inertia, 0, sizeof b->inertia);
    for (int k = 0; k < 3; k++)
        b->inertia[k * 4] = (k == axis) ? ia : it;
    if ((st = wr_skeleton_add_body(s, b, out)) != WR_OK)
        return st;
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, WR_SHAPE_CAPSULE);
    sh.size[0] = radius;
    sh.size[1] = half > radius ? half - radius : 0.0;
    set_pose(&sh.pose, b->com[0], b->com[1], b->com[2]);
    if (axis == 0)
        set_rotation(&sh.pose, 1, 0.5 * 3.14159265358979323846);
    else if (axis == 1)
        set_rotation(&sh.pose, 0, 0.5 * 3.14159265358979323846);
    return wr_skeleton_add_shape(s, *out, &sh, NULL);
}

/* Add a finished skeleton to the world, destroying it if that fails. */
static wr_status add_to_world(wr_world *w, wr_skeleton *s, wr_status st)
{
    if (st == WR_OK)
        st = wr_world_add_skeleton(w, &s, NULL);
    if (st != WR_OK)
        wr_skeleton_destroy(s);
    return st;
}

/* ---- scenes ------------------------------------------------------------------------------------------------ */

static wr_status build_ground(wr_world *w)
{
    return wr_world_add_ground_plane(w, NULL, NULL, 0.8, NULL);
}

/* A 1 m pendulum: 1 kg sphere (r = 0.05 m) on a massless-like rod, hinge about y at height 2 m, started at 0.5 rad. */
static wr_status build_pendulum(wr_world *w)
{
    wr_skeleton *s = NULL;
    wr_status st = wr_skeleton_create(wr_world_get_memory_manager(w), "pendulum", &s);
    if (st != WR_OK)
        return st;
    wr_body_desc b;
    wr_body_desc_init(&b);
    strcpy(b.name, "bob");
    wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
    set_vec(b.joint.axis, 0, 1, 0);
    set_pose(&b.joint.parent_pose, 0, 0, 2.0);
    b.mass = 1.0;
    set_vec(b.com, 0, 0, -1.0);
    int body = 0;
    st = wr_inertia_of_sphere(1.0, 0.05, b.inertia);
    if (st == WR_OK)
        st = wr_skeleton_add_body(s, &b, &body);
    if (st == WR_OK) {
        wr_shape_desc sh;
        wr_shape_desc_init(&sh, WR_SHAPE_SPHERE);
        sh.size[0] = 0.05;
        set_pose(&sh.pose, 0, 0, -1.0);
        st = wr_skeleton_add_shape(s, body, &sh, NULL);
    }
    if (st == WR_OK) {
        double q = 0.5;
        st = wr_skeleton_set_positions(s, &q, 1);
    }
    return add_to_world(w, s, st);
}

/* N revolute links of 0.1 m and 1 kg (boxes 0.1 x 0.02 x 0.02), hinges about y, horizontal along +x at q = 0; the
 * links do not collide with each other. */
static wr_status build_chain(wr_world *w, int n)
{
    wr_skeleton *s = NULL;
    wr_status st = wr_skeleton_create(wr_world_get_memory_manager(w), "chain", &s);
    if (st != WR_OK)
        return st;
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
    set_vec(b.joint.axis, 0, 1, 0);
    set_vec(b.com, 0.05, 0, 0);
    b.joint.damping = 0.3; /* keeps long chains stable at dt = 1 ms (whips) */
    int prev = -1;
    for (int i = 0; i < n && st == WR_OK; i++) {
        b.parent = prev;
        if (i == 0)
            set_pose(&b.joint.parent_pose, 0, 0, 0.1 * n + 0.5);
        else
            set_pose(&b.joint.parent_pose, 0.1, 0, 0);
        b.name[0] = 'l';
        b.name[1] = 'i';
        b.name[2] = 'n';
        b.name[3] = 'k';
        b.name[4] = '\0';
        st = add_box_body_masked(s, &b, 1.0, 0.05, 0.01, 0.01, CHAIN_GROUP, ~CHAIN_GROUP, &prev);
    }
    return add_to_world(w, s, st);
}

/* A 7-DOF arm on a fixed base: alternating z / y hinges, shrinking links, light damping, effort limits. */
static wr_status build_arm7(wr_world *w)
{
    static const double length[7] = {0.30, 0.35, 0.30, 0.30, 0.20, 0.12, 0.08};
    static const double mass[7] = {4.0, 3.5, 2.5, 2.0, 1.5, 0.8, 0.4};
    static const double radius[7] = {0.06, 0.055, 0.05, 0.045, 0.04, 0.035, 0.03};
    static const double q0[7] = {0.0, 0.6, 0.0, -1.2, 0.0, 0.8, 0.0};
    static const double effort[7] = {150, 150, 80, 80, 40, 20, 10};
    wr_skeleton *s = NULL;
    wr_status st = wr_skeleton_create(wr_world_get_memory_manager(w), "arm7", &s);
    if (st != WR_OK)
        return st;
    wr_body_desc b;
    wr_body_desc_init(&b);
    strcpy(b.name, "base");
    wr_joint_desc_init(&b.joint, WR_JOINT_WELD);
    int prev = -1;
    st = add_capsule_body(s, &b, 10.0, 0.08, 0.2, 2, 1.0, &prev);
    double offset = 0.2;
    for (int i = 0; i < 7 && st == WR_OK; i++) {
        wr_body_desc_init(&b);
        b.name[0] = (char)('1' + i);
        b.parent = prev;
        wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
        set_vec(b.joint.axis, 0, (i % 2) ? 1 : 0, (i % 2) ? 0 : 1);
        set_pose(&b.joint.parent_pose, 0, 0, offset);
        b.joint.damping = 0.5;
        b.joint.position_lower[0] = -2.9;
        b.joint.position_upper[0] = 2.9;
        b.joint.velocity_limit[0] = 3.0;
        b.joint.effort_limit[0] = effort[i];
        st = add_capsule_body(s, &b, mass[i], radius[i], length[i], 2, 1.0, &prev);
        offset = length[i];
    }
    if (st == WR_OK)
        st = wr_skeleton_set_positions(s, q0, 7);
    return add_to_world(w, s, st);
}

/* A floating-base humanoid, 27 DOF (free pelvis 6, ball torso/shoulders/hips 4 x 3, revolute elbows/knees/ankles
 * 6 x 1), standing with the pelvis 1.0 m above the ground plane. */
static wr_status build_humanoid(wr_world *w)
{
    wr_skeleton *s = NULL;
    wr_status st = wr_skeleton_create(wr_world_get_memory_manager(w), "humanoid", &s);
    if (st != WR_OK)
        return st;
    wr_body_desc b;
    int pelvis = -1, torso = -1, tmp = -1;
    wr_body_desc_init(&b);
    strcpy(b.name, "pelvis");
    wr_joint_desc_init(&b.joint, WR_JOINT_FREE);
    set_pose(&b.joint.parent_pose, 0, 0, 1.0);
    set_vec(b.com, 0, 0, 0);
    st = add_box_body(s, &b, 10.0, 0.12, 0.15, 0.08, &pelvis);

    if (st == WR_OK) {
        wr_body_desc_init(&b);
        strcpy(b.name, "torso");
        b.parent = pelvis;
        wr_joint_desc_init(&b.joint, WR_JOINT_BALL);
        set_pose(&b.joint.parent_pose, 0, 0, 0.08);
        b.joint.damping = 1.0;
        set_vec(b.com, 0, 0, 0.25);
        st = add_box_body(s, &b, 25.0, 0.11, 0.17, 0.25, &torso);
    }
    if (st == WR_OK) { /* head, part of the torso body */
        wr_shape_desc sh;
        wr_shape_desc_init(&sh, WR_SHAPE_SPHERE);
        sh.size[0] = 0.11;
        set_pose(&sh.pose, 0, 0, 0.62);
        st = wr_skeleton_add_shape(s, torso, &sh, NULL);
    }
    for (int side = 0; side < 2 && st == WR_OK; side++) {
        const double y = side ? -1.0 : 1.0;
        const char *names[2][5] = {{"l_upper_arm", "l_forearm", "l_thigh", "l_shin", "l_foot"},
                                   {"r_upper_arm", "r_forearm", "r_thigh", "r_shin", "r_foot"}};
        int upper = -1, thigh = -1, shin = -1;
        /* arm: ball shoulder, revolute elbow, hanging down */
        wr_body_desc_init(&b);
        strcpy(b.name, names[side][0]);
        b.parent = torso;
        wr_joint_desc_init(&b.joint, WR_JOINT_BALL);
        set_pose(&b.joint.parent_pose, 0, y * 0.22, 0.45);
        b.joint.damping = 0.5;
        st = add_capsule_body(s, &b, 2.5, 0.045, 0.30, 2, -1.0, &upper);
        if (st == WR_OK) {
            wr_body_desc_init(&b);
            strcpy(b.name, names[side][1]);
            b.parent = upper;
            wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
            set_vec(b.joint.axis, 0, 1, 0);
            set_pose(&b.joint.parent_pose, 0, 0, -0.30);
            b.joint.damping = 0.3;
            b.joint.position_lower[0] = -2.5;
            b.joint.position_upper[0] = 0.0;
            st = add_capsule_body(s, &b, 1.5, 0.04, 0.28, 2, -1.0, &tmp);
        }
        /* leg: ball hip, revolute knee and ankle */
        if (st == WR_OK) {
            wr_body_desc_init(&b);
            strcpy(b.name, names[side][2]);
            b.parent = pelvis;
            wr_joint_desc_init(&b.joint, WR_JOINT_BALL);
            set_pose(&b.joint.parent_pose, 0, y * 0.1, -0.08);
            b.joint.damping = 1.0;
            st = add_capsule_body(s, &b, 7.0, 0.07, 0.42, 2, -1.0, &thigh);
        }
        if (st == WR_OK) {
            wr_body_desc_init(&b);
            strcpy(b.name, names[side][3]);
            b.parent = thigh;
            wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
            set_vec(b.joint.axis, 0, 1, 0);
            set_pose(&b.joint.parent_pose, 0, 0, -0.42);
            b.joint.damping = 0.8;
            b.joint.position_lower[0] = 0.0;
            b.joint.position_upper[0] = 2.6;
            st = add_capsule_body(s, &b, 3.5, 0.05, 0.40, 2, -1.0, &shin);
        }
        if (st == WR_OK) {
            wr_body_desc_init(&b);
            strcpy(b.name, names[side][4]);
            b.parent = shin;
            wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
            set_vec(b.joint.axis, 0, 1, 0);
            set_pose(&b.joint.parent_pose, 0, 0, -0.40);
            b.joint.damping = 0.3;
            b.joint.position_lower[0] = -0.8;
            b.joint.position_upper[0] = 0.8;
            set_vec(b.com, 0.05, 0, -0.04);
            st = add_box_body(s, &b, 1.0, 0.11, 0.05, 0.03, &tmp);
        }
    }
    st = add_to_world(w, s, st);
    if (st == WR_OK)
        st = build_ground(w);
    return st;
}

/* n free boxes (0.2 m cubes, 1 kg) on a grid 0.5 m apart, 0.5 m above a ground plane, slightly rotated. */
static wr_status build_boxes(wr_world *w, int n)
{
    wr_status st = build_ground(w);
    int side = (int)ceil(sqrt((double)n));
    for (int i = 0; i < n && st == WR_OK; i++) {
        wr_skeleton *s = NULL;
        st = wr_skeleton_create(wr_world_get_memory_manager(w), "box", &s);
        if (st != WR_OK)
            break;
        wr_body_desc b;
        wr_body_desc_init(&b);
        strcpy(b.name, "box");
        int body = 0;
        st = add_box_body(s, &b, 1.0, 0.1, 0.1, 0.1, &body);
        if (st == WR_OK) {
            double a = 0.1 * (double)(i % 7), q[7];
            q[0] = 0.5 * (double)(i % side) - 0.25 * (double)(side - 1);
            q[1] = 0.5 * (double)(i / side) - 0.25 * (double)(side - 1);
            q[2] = 0.5 + 0.1 * (double)(i % 3);
            q[3] = cos(0.5 * a);
            q[4] = sin(0.5 * a);
            q[5] = q[6] = 0.0;
            st = wr_skeleton_set_positions(s, q, 7);
        }
        st = add_to_world(w, s, st);
    }
    return st;
}

/* ---- names ------------------------------------------------------------------------------------------------- */

/* "prefix:N" with 1 <= N <= SCENE_MAX_COUNT: returns N, 0 if malformed, -1 if the prefix differs. */
static int parse_count(const char *name, const char *prefix)
{
    size_t len = strlen(prefix);
    if (strncmp(name, prefix, len) != 0 || name[len] != ':')
        return -1;
    const char *digits = name + len + 1;
    if (*digits < '0' || *digits > '9')
        return 0;
    char *end = NULL;
    errno = 0;
    long n = strtol(digits, &end, 10);
    if (errno || *end != '\0' || n < 1 || n > SCENE_MAX_COUNT)
        return 0;
    return (int)n;
}

wr_status wr_scene_build(wr_world *w, const char *name)
{
    if (!w || !name)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and name must not be NULL");
    const int before = wr_world_skeleton_count(w);
    const bool had_stages = wr_world_has_contact_stages(w);
    wr_status st;
    int n;
    if (strcmp(name, "pendulum") == 0)
        st = build_pendulum(w);
    else if (strcmp(name, "arm7") == 0)
        st = build_arm7(w);
    else if (strcmp(name, "humanoid") == 0)
        st = build_humanoid(w);
    else if ((n = parse_count(name, "chain")) > 0)
        st = build_chain(w, n);
    else if ((n = parse_count(name, "boxes")) > 0)
        st = build_boxes(w, n);
    else
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT,
                       "unknown scene '%s' (pendulum, chain:N, arm7, humanoid, boxes:N; 1 <= N <= %d)", name,
                       SCENE_MAX_COUNT);
    if (st != WR_OK) {
        /* keep the failing call's message: removing cannot fail here */
        while (wr_world_skeleton_count(w) > before)
            wr_world_remove_skeleton(w, wr_world_get_skeleton(w, wr_world_skeleton_count(w) - 1));
        if (!had_stages) /* the first skeleton created them: the world is as before the call */
            wr_world_drop_contact_stages(w);
    }
    return st;
}

wr_status wr_scene_build_callback(wr_world *w, void *name)
{
    return wr_scene_build(w, name);
}

/* wr_world_runner_cost_estimate's formula, 1 + sum nv_s (1 + k_s), counted by hand for each scene (k_s: pairs of a
 * moving shape of skeleton s and a static shape that may touch); tests/test_scenes.c checks them against it. */
double wr_scene_cost_estimate(const char *name)
{
    if (!name)
        return 0.0;
    int n;
    if (strcmp(name, "pendulum") == 0)
        return 1.0 + 1.0;                 /* 1 dof, nothing static */
    if (strcmp(name, "arm7") == 0)
        return 1.0 + 7.0 * (1.0 + 6.0);   /* links 2..7 may touch the welded base (link 1 is its child) */
    if (strcmp(name, "humanoid") == 0)
        return 1.0 + 27.0 * (1.0 + 13.0); /* 13 shapes over the ground plane */
    if ((n = parse_count(name, "chain")) > 0)
        return 1.0 + n;                   /* the links hang from the world: nothing static */
    if ((n = parse_count(name, "boxes")) > 0)
        return 1.0 + 12.0 * n;            /* 6 dofs, one box over the ground plane each */
    return 0.0;
}
