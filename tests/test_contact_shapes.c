/* Every shape kind comes to rest on the ground and on a box without sinking or drifting; results are deterministic. */
#include "test_contact_scenes.h"

/* Drop (from `lift` above resting height `rest_z`) and settle 2 s; then 1 s more must not move it. */
static void settle_and_hold(wr_shape_type type, double a, double b, double angle, double rest_z)
{
    wr_world *w = make_world(0.001);
    add_ground(w, 0.0, 0.8, 0.0);
    double size[3] = {a, b, type == WR_SHAPE_BOX ? a : 0}, pos[3] = {0.2, -0.1, rest_z + 0.02};
    wr_skeleton *s = add_free_body(w, type, size, 2.0, pos, angle, 0.8, 0.0);
    assert_wr_ok(wr_world_step(w, 2000));
    double p1[3], p2[3];
    body_position(s, 0, p1);
    assert_wr_ok(wr_world_step(w, 1000));
    body_position(s, 0, p2);
    double moved = sqrt((p2[0] - p1[0]) * (p2[0] - p1[0]) + (p2[1] - p1[1]) * (p2[1] - p1[1]) +
                        (p2[2] - p1[2]) * (p2[2] - p1[2]));
    print_message("%d: rest height %.5f (exact %.5f), moved %.2g m in the last second\n", (int)type, p2[2], rest_z,
                  moved);
    assert_true(fabs(p2[2] - rest_z) < 1e-3);
    assert_true(moved < 1e-4);
    assert_true(max_speed(s) < 1e-3);
    assert_wr_ok(wr_world_destroy(w));
}

static void test_sphere_rests(void **state)
{
    (void)state;
    settle_and_hold(WR_SHAPE_SPHERE, 0.1, 0, 0, 0.1);
}

static void test_box_rests(void **state)
{
    (void)state;
    settle_and_hold(WR_SHAPE_BOX, 0.1, 0.1, 0, 0.1);
}

static void test_capsule_lying_rests(void **state)
{
    (void)state;
    settle_and_hold(WR_SHAPE_CAPSULE, 0.05, 0.2, 0.5 * PI, 0.05);
}

static void test_cylinder_standing_rests(void **state)
{
    (void)state;
    settle_and_hold(WR_SHAPE_CYLINDER, 0.1, 0.15, 0, 0.15);
}

static void test_cylinder_lying_rests(void **state)
{
    (void)state;
    settle_and_hold(WR_SHAPE_CYLINDER, 0.1, 0.15, 0.5 * PI, 0.1);
}

/* A cylinder standing on a box standing on the ground, and a capsule lying across the cylinder's cap. */
static void test_mixed_stack_rests(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    add_ground(w, 0.0, 0.8, 0.0);
    wr_skeleton *box = add_box(w, 0.2, 4.0, 0, 0, 0.2, 0.8);
    double cyl[3] = {0.15, 0.1, 0}, cp[3] = {0, 0, 0.5};
    wr_skeleton *c = add_free_body(w, WR_SHAPE_CYLINDER, cyl, 1.0, cp, 0, 0.8, 0.0);
    double cap[3] = {0.04, 0.1, 0}, kp[3] = {0, 0, 0.64};
    wr_skeleton *k = add_free_body(w, WR_SHAPE_CAPSULE, cap, 0.5, kp, 0.5 * PI, 0.8, 0.0);
    assert_wr_ok(wr_world_step(w, 3000));
    double pb[3], pc[3], pk[3];
    body_position(box, 0, pb);
    body_position(c, 0, pc);
    body_position(k, 0, pk);
    print_message("box %.4f cylinder %.4f capsule %.4f\n", pb[2], pc[2], pk[2]);
    assert_true(fabs(pb[2] - 0.2) < 1e-3 && fabs(pc[2] - 0.5) < 2e-3 && fabs(pk[2] - 0.64) < 3e-3);
    assert_true(max_speed(box) < 1e-3 && max_speed(c) < 1e-3 && max_speed(k) < 1e-3);
    assert_wr_ok(wr_world_destroy(w));
}

/* The same scene stepped twice gives bit-identical states. */
static void test_deterministic(void **state)
{
    (void)state;
    uint64_t h[2];
    for (int r = 0; r < 2; r++) {
        wr_world *w = make_world(0.001);
        assert_wr_ok(wr_scene_build(w, "boxes:16"));
        assert_wr_ok(wr_world_step(w, 1200));
        h[r] = wr_world_state_hash(w);
        assert_wr_ok(wr_world_destroy(w));
    }
    assert_true(h[0] == h[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sphere_rests),           cmocka_unit_test(test_box_rests),
        cmocka_unit_test(test_capsule_lying_rests),    cmocka_unit_test(test_cylinder_standing_rests),
        cmocka_unit_test(test_cylinder_lying_rests),   cmocka_unit_test(test_mixed_stack_rests),
        cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
