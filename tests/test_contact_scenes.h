/* Small scenes for the contact tests (header-only, included by tests/test_contact_*.c). */
#ifndef WR_TEST_CONTACT_SCENES_H
#define WR_TEST_CONTACT_SCENES_H

#include <math.h>
#include <string.h>

#include "test_support.h"
#include "worldrunner/collision.h"
#include "worldrunner/skeleton.h"

#define PI 3.141592653589793

static inline wr_world *make_world(double dt)
{
    wr_world_config cfg;
    wr_world_config_init(&cfg);
    cfg.time_step = dt;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(&cfg, &w));
    return w;
}

/* A static ground plane through the origin, tilted by `tilt` radians about the x axis. */
static inline wr_skeleton *add_ground(wr_world *w, double tilt, double friction, double restitution)
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "ground", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_WELD);
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, WR_SHAPE_PLANE);
    sh.pose.rotation[0] = cos(0.5 * tilt);
    sh.pose.rotation[1] = sin(0.5 * tilt);
    sh.friction = friction;
    sh.restitution = restitution;
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &sh, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    return s;
}

/* A free body with one shape at `pos` rotated by `angle` about the x axis. */
static inline wr_skeleton *add_free_body(wr_world *w, wr_shape_type type, const double size[3], double mass,
                                      const double pos[3], double angle, double friction, double restitution)
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "body", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    b.mass = mass;
    test_inertia_of_shape(type, mass, size, b.inertia);
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, type);
    memcpy(sh.size, size, sizeof sh.size);
    sh.friction = friction;
    sh.restitution = restitution;
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &sh, NULL));
    double q[7] = {pos[0], pos[1], pos[2], cos(0.5 * angle), sin(0.5 * angle), 0, 0};
    assert_wr_ok(wr_skeleton_set_positions(s, q, 7));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    return s;
}

static inline wr_skeleton *add_box(wr_world *w, double half, double mass, double x, double y, double z, double friction)
{
    double size[3] = {half, half, half}, pos[3] = {x, y, z};
    return add_free_body(w, WR_SHAPE_BOX, size, mass, pos, 0.0, friction, 0.0);
}

static inline void body_position(wr_skeleton *s, int body, double p[3])
{
    double r[9];
    assert_wr_ok(wr_skeleton_body_pose(s, body, p, r));
}

/* Largest absolute velocity entry (rad/s or m/s) of a skeleton. */
static inline double max_speed(const wr_skeleton *s)
{
    double v[64];
    int n = wr_skeleton_dof_count(s);
    assert_true(n <= 64);
    assert_wr_ok(wr_skeleton_get_velocities(s, v, (size_t)n));
    double m = 0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

/* The world's contact statistics; 0 (with a note) while the world does not expose its solver to this build. */
static inline int contact_stats(const wr_world *w, wr_collision_stats *st)
{
    wr_status s = wr_collision_get_stats(w, st);
    if (s == WR_ERR_UNSUPPORTED) {
        print_message("note: statistics not checked: %s\n", wr_last_error());
        return 0;
    }
    assert_wr_ok(s);
    return 1;
}

/* Three 0.1 m, 1 kg links hinged about y, horizontal at the start, pivot at 1 m, position limits [-limit, limit] rad
 * and a velocity limit (INFINITY for none): gravity swings every joint into its upper limit. */
static inline wr_skeleton *add_limited_chain(wr_world *w, double limit, double velocity_limit)
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "chain", &s));
    int prev = -1;
    for (int i = 0; i < 3; i++) {
        wr_body_desc b;
        wr_body_desc_init(&b);
        b.parent = prev;
        wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
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
        assert_wr_ok(wr_inertia_of_box(1.0, half, b.inertia));
        assert_wr_ok(wr_skeleton_add_body(s, &b, &prev));
    }
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    return s;
}

#endif
