/* Which bodies of one skeleton touch: never the same body, the two bodies of a joint only with adjacent_collision,
 * other bodies while self_collision is on. And a skeleton removed between steps leaves nothing stale behind. */
#include "test_contact_scenes.h"

/* A welded base box with a chain of two revolute links whose boxes overlap the base and each other. */
static wr_world *overlapping_chain(void)
{
    wr_world *w = make_world(0.001);
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "overlap", &s));
    int prev = -1;
    for (int i = 0; i < 3; i++) {
        wr_body_desc b;
        wr_body_desc_init(&b);
        b.parent = prev;
        wr_joint_desc_init(&b.joint, i == 0 ? WR_JOINT_WELD : WR_JOINT_REVOLUTE);
        b.joint.parent_pose.position[2] = i == 0 ? 1.0 : 0.05;
        assert_wr_ok(wr_skeleton_add_body(s, &b, &prev));
        wr_shape_desc sh;
        wr_shape_desc_init(&sh, WR_SHAPE_BOX);
        sh.size[0] = sh.size[1] = sh.size[2] = 0.1; /* each box overlaps its parent's and its grandparent's */
        assert_wr_ok(wr_skeleton_add_shape(s, prev, &sh, NULL));
    }
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    return w;
}

static uint32_t contacts_after_one_step(int self, int adjacent)
{
    wr_world *w = overlapping_chain();
    wr_collision_settings cs;
    assert_wr_ok(wr_collision_get_settings(w, &cs));
    cs.self_collision = self;
    cs.adjacent_collision = adjacent;
    assert_wr_ok(wr_collision_set_settings(w, &cs));
    assert_wr_ok(wr_world_step(w, 1));
    wr_collision_stats st;
    assert_wr_ok(wr_collision_get_stats(w, &st));
    assert_wr_ok(wr_world_destroy(w));
    return st.pairs;
}

static void test_adjacent_and_self_collision(void **state)
{
    (void)state;
    /* Pairs: base-link1 and link1-link2 are joints; base-link2 is not. */
    assert_int_equal(contacts_after_one_step(1, 0), 1);
    assert_int_equal(contacts_after_one_step(1, 1), 3);
    assert_int_equal(contacts_after_one_step(0, 0), 0);
    assert_int_equal(contacts_after_one_step(0, 1), 0);
    wr_world *w = overlapping_chain();
    wr_collision_settings cs;
    assert_wr_ok(wr_collision_get_settings(w, &cs));
    cs.self_collision = 2;
    assert_int_equal(wr_collision_set_settings(w, &cs), WR_ERR_INVALID_ARGUMENT);
    assert_wr_ok(wr_world_destroy(w));
}

/* Removing a skeleton between steps renumbers shapes and skeletons: the caches must not carry anything wrong over. */
static void test_remove_skeleton_between_steps(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    add_ground(w, 0.0, 0.8, 0.0);
    wr_skeleton *heavy = add_box(w, 0.1, 50.0, 0, 0, 0.1, 0.8);
    wr_skeleton *light = add_box(w, 0.05, 0.5, 1, 0, 0.05, 0.8);
    assert_wr_ok(wr_world_step(w, 200));
    assert_wr_ok(wr_world_remove_skeleton(w, heavy));
    wr_collision_stats st;
    assert_wr_ok(wr_world_step(w, 1));
    assert_wr_ok(wr_collision_get_stats(w, &st));
    assert_int_equal(st.warm_started, 0); /* the cache was made under the old numbering: not used */
    assert_wr_ok(wr_world_step(w, 499));
    double p[3];
    body_position(light, 0, p);
    assert_true(fabs(p[2] - 0.05) < 1e-3);
    assert_true(max_speed(light) < 1e-3);
    assert_wr_ok(wr_collision_get_stats(w, &st));
    assert_int_equal(st.contacts, 4);
    assert_int_equal(st.warm_started, 4);
    assert_wr_ok(wr_world_destroy(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adjacent_and_self_collision),
        cmocka_unit_test(test_remove_skeleton_between_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
