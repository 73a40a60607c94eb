/* Small scenes for the contact tests (header-only, included by tests/test_contact_*.c). */
#ifndef WR_TEST_CONTACT_SCENES_H
#define WR_TEST_CONTACT_SCENES_H

#include <math.h>
#include <string.h>

#include "test_support.h"
#include "worldrunner/collision.h"
#include "worldrunner/skeleton.h"

#define PI 3.141592653589793

static inline world *make_world(double dt)
{
    world_config cfg;
    world_config_init(&cfg);
    cfg.time_step = dt;
    world *w = NULL;
    assert_wr_ok(world_create(&cfg, &w));
    return w;
}

/* A static ground plane through the origin, tilted by `tilt` radians about the x axis. */
static inline skeleton *add_ground(world *w, double tilt, double friction, double restitution)
{
    skeleton *s = NULL;
    assert_wr_ok(skeleton_create(NULL, "ground", &s));
    body_desc b;
    body_desc_init(&b);
    joint_desc_init(&b.joint, JOINT_WELD);
    assert_wr_ok(skeleton_add_body(s, &b, NULL));
    shape_desc sh;
    shape_desc_init(&sh, SHAPE_PLANE);
    sh.pose.rotation[0] = cos(0.5 * tilt);
    sh.pose.rotation[1] = sin(0.5 * tilt);
    sh.friction = friction;
    sh.restitution = restitution;
    assert_wr_ok(skeleton_add_shape(s, 0, &sh, NULL));
    assert_wr_ok(world_add_skeleton(w, &s));
    return s;
}

/* A free body with one shape at `pos` rotated by `angle` about the x axis. */
static inline skeleton *add_free_body(world *w, shape_type type, const double size[3], double mass,
                                      const double pos[3], double angle, double friction, double restitution)
{
    skeleton *s = NULL;
    assert_wr_ok(skeleton_create(NULL, "body", &s));
    body_desc b;
    body_desc_init(&b);
    b.mass = mass;
    if (type == SHAPE_BOX)
        assert_wr_ok(inertia_of_box(mass, size, b.inertia));
    else if (type == SHAPE_SPHERE)
        assert_wr_ok(inertia_of_sphere(mass, size[0], b.inertia));
    else if (type == SHAPE_CAPSULE)
        assert_wr_ok(inertia_of_capsule(mass, size[0], size[1], b.inertia));
    else
        assert_wr_ok(inertia_of_cylinder(mass, size[0], size[1], b.inertia));
    assert_wr_ok(skeleton_add_body(s, &b, NULL));
    shape_desc sh;
    shape_desc_init(&sh, type);
    memcpy(sh.size, size, sizeof sh.size);
    sh.friction = friction;
    sh.restitution = restitution;
    assert_wr_ok(skeleton_add_shape(s, 0, &sh, NULL));
    double q[7] = {pos[0], pos[1], pos[2], cos(0.5 * angle), sin(0.5 * angle), 0, 0};
    assert_wr_ok(skeleton_set_positions(s, q, 7));
    assert_wr_ok(world_add_skeleton(w, &s));
    return s;
}

static inline skeleton *add_box(world *w, double half, double mass, double x, double y, double z, double friction)
{
    double size[3] = {half, half, half}, pos[3] = {x, y, z};
    return add_free_body(w, SHAPE_BOX, size, mass, pos, 0.0, friction, 0.0);
}

static inline void body_position(skeleton *s, int body, double p[3])
{
    double r[9];
    assert_wr_ok(skeleton_body_pose(s, body, p, r));
}

/* Largest absolute velocity entry (rad/s or m/s) of a skeleton. */
static inline double max_speed(const skeleton *s)
{
    double v[64];
    int n = skeleton_dof_count(s);
    assert_true(n <= 64);
    assert_wr_ok(skeleton_get_velocities(s, v, (size_t)n));
    double m = 0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

/* The world's contact statistics; 0 (with a note) while the world does not expose its solver to this build. */
static inline int contact_stats(const world *w, collision_stats *st)
{
    wr_status s = collision_get_stats(w, st);
    if (s == WR_ERR_UNSUPPORTED) {
        print_message("note: statistics not checked: %s\n", wr_last_error());
        return 0;
    }
    assert_wr_ok(s);
    return 1;
}

/* Three 0.1 m, 1 kg links hinged about y, horizontal at the start, pivot at 1 m, position limits [-limit, limit] rad
 * and a velocity limit (INFINITY for none): gravity swings every joint into its upper limit. */
static inline skeleton *add_limited_chain(world *w, double limit, double velocity_limit)
{
    skeleton *s = NULL;
    assert_wr_ok(skeleton_create(NULL, "chain", &s));
    int prev = -1;
    for (int i = 0; i < 3; i++) {
        body_desc b;
        body_desc_init(&b);
        b.parent = prev;
        joint_desc_init(&b.joint, JOINT_REVOLUTE);
        b.joint.axis[0] = 0;
        b.joint.axis[1] = 1;
        b.joint.axis[2] = 0;
        b.joint.parent_pose.position[0] = i == 0 ? 0.0 : 0.1;
        b.joint.parent_pose.position[2] = i == 0 ? 1.0 : 0.0;
        b.joint.position_lower[0] = -limit;
        b.joint.position_upper[0] = limit;
        b.joint.velocity_limit[0] = velocity_limit;
        b.mass = 1.0;
        b.com[0] = 0.05;
        double half[3] = {0.05, 0.01, 0.01};
        assert_wr_ok(inertia_of_box(1.0, half, b.inertia));
        assert_wr_ok(skeleton_add_body(s, &b, &prev));
    }
    assert_wr_ok(world_add_skeleton(w, &s));
    return s;
}

#endif
