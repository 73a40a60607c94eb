/* The fast paths of the step: a free body's forward dynamics by one body-frame solve (checked against inverse
 * dynamics, which runs the generic recursive Newton-Euler), idle constraint stages (no pair can collide), their
 * cold-path facts following a filter change, and a boxes:64 world keeping its reserved memory near its use. */
#include "test_support.h"

#include <math.h>
#include <string.h>

/* One free body, COM off the origin, a full inertia tensor; child_pose rotated and shifted if `offset_joint`. */
static wr_skeleton *free_body(int offset_joint)
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "free", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_FREE);
    b.mass = 2.0;
    const double com[3] = {0.1, -0.05, 0.02};
    const double inertia[9] = {0.3, 0.02, 0.01, 0.02, 0.25, -0.03, 0.01, -0.03, 0.2};
    memcpy(b.com, com, sizeof com);
    memcpy(b.inertia, inertia, sizeof inertia);
    if (offset_joint) {
        const double c = cos(0.35), sn = sin(0.35); /* 0.7 rad about a tilted axis */
        const double axis[3] = {0.6, 0.0, 0.8};
        b.joint.child_pose.rotation[0] = c;
        for (int k = 0; k < 3; k++)
            b.joint.child_pose.rotation[1 + k] = sn * axis[k];
        b.joint.child_pose.position[0] = 0.2;
        b.joint.child_pose.position[2] = -0.1;
    }
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    return s;
}

static void check_free_body_inverse(int offset_joint)
{
    wr_skeleton *s = free_body(offset_joint);
    test_rng rng;
    test_rng_seed(&rng, 7 + (uint64_t)offset_joint);
    double q[7] = {0.3, -0.2, 1.1, 0.9, 0.1, -0.3, 0.2};
    double n = 0;
    for (int k = 3; k < 7; k++)
        n += q[k] * q[k];
    for (int k = 3; k < 7; k++)
        q[k] /= sqrt(n);
    assert_wr_ok(wr_skeleton_set_positions(s, q, 7));
    double v[6], tau[6], qdd[6], back[6];
    for (int k = 0; k < 6; k++) {
        v[k] = test_rng_uniform(&rng, -3, 3);
        tau[k] = test_rng_uniform(&rng, -5, 5);
    }
    assert_wr_ok(wr_skeleton_set_velocities(s, v, 6));
    const double force[3] = {1.5, -0.5, 2.0}, torque[3] = {0.2, 0.3, -0.4};
    assert_wr_ok(wr_skeleton_apply_body_wrench(s, 0, force, torque));
    assert_wr_ok(wr_skeleton_forward_dynamics(s, tau, qdd, 6));
    assert_wr_ok(wr_skeleton_inverse_dynamics(s, qdd, back, 6));
    for (int k = 0; k < 6; k++)
        assert_true(fabs(back[k] - tau[k]) < 1e-9 * (1 + fabs(tau[k])));
    /* and the mass matrix the constraint stage uses: M qdd = tau - C */
    double m[36], bias[6], zero[6] = {0};
    assert_wr_ok(wr_skeleton_mass_matrix(s, m, 36));
    assert_wr_ok(wr_skeleton_inverse_dynamics(s, zero, bias, 6));
    for (int i = 0; i < 6; i++) {
        double sum = 0;
        for (int j = 0; j < 6; j++)
            sum += m[i * 6 + j] * qdd[j];
        assert_true(fabs(sum - (tau[i] - bias[i])) < 1e-9 * (1 + fabs(tau[i])));
    }
    assert_wr_ok(wr_skeleton_destroy(s));
}

static void test_free_body_matches_newton_euler(void **state)
{
    (void)state;
    check_free_body_inverse(0);
    check_free_body_inverse(1);
}

/* A free body falls exactly as g t in a world (the fast path with the world's gravity and implicit damping 0). */
static void test_free_body_falls(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    wr_skeleton *s = free_body(0); /* joint frame = body frame, COM off the origin */
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    s = wr_world_get_skeleton(w, 0);
    double v[6] = {0, 0, 0, 0, 0, 0};
    assert_wr_ok(wr_world_step(w, 500));
    assert_wr_ok(wr_skeleton_get_velocities(s, v, 6));
    double p[3], r[9];
    assert_wr_ok(wr_skeleton_body_pose(s, 0, p, r));
    /* no rotation: the origin's world velocity is (0, 0, -g t), the angular velocity stays 0 */
    (void)r;
    for (int k = 0; k < 3; k++)
        assert_true(fabs(v[3 + k]) < 1e-12);
    assert_true(fabs(v[0]) < 1e-12 && fabs(v[1]) < 1e-12);
    assert_true(fabs(v[2] - (-9.81 * 0.5)) < 1e-9);
    assert_wr_ok(wr_world_destroy(w));
}

/* chain:16 cannot collide with itself and has no ground: its steps find no pairs and build no rows. */
static void test_idle_stage_statistics(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_scene_build(w, "chain:16"));
    assert_wr_ok(wr_world_step(w, 20));
    wr_collision_stats st;
    assert_wr_ok(wr_collision_get_stats(w, &st));
    assert_int_equal(st.shapes, (uint32_t)wr_skeleton_shape_count(wr_world_get_skeleton(w, 0)));
    assert_int_equal(st.pairs, 0);
    assert_int_equal(st.contacts, 0);
    assert_int_equal(st.rows, 0);
    assert_int_equal(st.islands, 0);
    assert_int_equal(st.steps, 20);
    size_t count = 1;
    assert_wr_ok(wr_collision_get_contacts(w, NULL, 0, &count));
    assert_int_equal(count, 0);
    assert_wr_ok(wr_world_destroy(w));
}

/* A box on a plane whose filters first exclude each other, then (between steps) include each other. */
static void test_filter_change_ends_idle(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    wr_skeleton *ground = NULL, *box = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "ground", &ground));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_WELD);
    assert_wr_ok(wr_skeleton_add_body(ground, &b, NULL));
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, WR_SHAPE_PLANE);
    assert_wr_ok(wr_skeleton_add_shape(ground, 0, &sh, NULL));
    assert_wr_ok(wr_skeleton_create(NULL, "box", &box));
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_FREE);
    b.joint.parent_pose.position[2] = 0.1;
    assert_wr_ok(wr_skeleton_add_body(box, &b, NULL));
    wr_shape_desc_init(&sh, WR_SHAPE_BOX);
    sh.size[0] = sh.size[1] = sh.size[2] = 0.1;
    sh.collision_group = 2;
    sh.collision_mask = ~1u; /* not the ground (group 1) */
    assert_wr_ok(wr_skeleton_add_shape(box, 0, &sh, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &ground, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &box, NULL));
    box = wr_world_get_skeleton(w, 1);
    assert_wr_ok(wr_world_step(w, 2));
    wr_collision_stats st;
    assert_wr_ok(wr_collision_get_stats(w, &st));
    assert_int_equal(st.contacts, 0);
    assert_int_equal(st.shapes, 2);
    assert_wr_ok(wr_collision_set_shape_filter(box, 0, 2, ~0u));
    assert_wr_ok(wr_world_step(w, 1));
    assert_wr_ok(wr_collision_get_stats(w, &st));
    assert_true(st.contacts >= 4);
    assert_wr_ok(wr_world_destroy(w));
}

/* boxes:64 settles: reserved memory stays within 1.5x of what is in use, and steady steps ask the base for nothing. */
static void test_boxes_reserved_near_use(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_scene_build(w, "boxes:64"));
    assert_wr_ok(wr_world_step(w, 1500));
    wr_memory_manager_stats a, b;
    assert_wr_ok(wr_memory_manager_get_stats(wr_world_get_memory_manager(w), &a));
    assert_wr_ok(wr_world_step(w, 200));
    assert_wr_ok(wr_memory_manager_get_stats(wr_world_get_memory_manager(w), &b));
    assert_int_equal(b.base_requests, a.base_requests);
    print_message("boxes:64: %zu bytes reserved, %zu in use, %zu chunks\n", b.bytes_reserved, b.bytes_in_use,
                  b.chunks);
    assert_true((double)b.bytes_reserved <= 1.5 * (double)b.bytes_in_use);
    assert_wr_ok(wr_world_destroy(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_body_matches_newton_euler),
        cmocka_unit_test(test_free_body_falls),
        cmocka_unit_test(test_idle_stage_statistics),
        cmocka_unit_test(test_filter_change_ends_idle),
        cmocka_unit_test(test_boxes_reserved_near_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
