/* The world's one layout key (skeleton count, joint types, shape counts) and what is derived under it:
 *   - a skeleton replaced by another of the same layout keeps the key (a snapshot still restores), but the contact
 *     stages' cold-path facts are derived again: the new skeleton's filters and limits count;
 *   - a world whose shape numbering differs (same joints, one more shape) refuses the snapshot.
 */
#include <stdlib.h>

#include "test_contact_scenes.h"

/* A 0.1 m box, free, resting on the ground plane, with the given filter bits. */
static wr_skeleton *add_filtered_box(wr_world *w, uint32_t group, uint32_t mask)
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "box", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    const double half[3] = {0.1, 0.1, 0.1};
    b.mass = 1.0;
    assert_wr_ok(wr_inertia_of_box(1.0, half, b.inertia));
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, WR_SHAPE_BOX);
    memcpy(sh.size, half, sizeof half);
    sh.collision_group = group;
    sh.collision_mask = mask;
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &sh, NULL));
    const double q[7] = {0, 0, 0.1, 1, 0, 0, 0};
    assert_wr_ok(wr_skeleton_set_positions(s, q, 7));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    return s;
}

/* One 1 kg link hinged about y at 1 m, horizontal (gravity swings it down), with position limits +-limit. */
static wr_skeleton *add_link(wr_world *w, double limit)
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "link", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
    b.joint.axis[0] = 0;
    b.joint.axis[1] = 1;
    b.joint.axis[2] = 0;
    b.joint.parent_pose.position[2] = 1.0;
    b.joint.position_lower[0] = -limit;
    b.joint.position_upper[0] = limit;
    b.mass = 1.0;
    b.com[0] = 0.05;
    const double half[3] = {0.05, 0.01, 0.01};
    assert_wr_ok(wr_inertia_of_box(1.0, half, b.inertia));
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    return s;
}

static void save(const wr_world *w, unsigned char **buffer, size_t *bytes)
{
    *bytes = wr_world_snapshot_size(w);
    *buffer = malloc(*bytes);
    assert_non_null(*buffer);
    assert_wr_ok(wr_world_save_snapshot(w, *buffer, *bytes));
}

/* A box whose filter excludes the ground finds no contact; the same box with default filters, put in its place,
 * does at once: the can-any-pair-collide fact is not kept across the replacement although the layout key is. */
static void test_replaced_skeleton_rederives_collision_facts(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    add_ground(w, 0.0, 0.8, 0.0);
    wr_skeleton *box = add_filtered_box(w, 2, ~1u); /* not the ground (group 1) */
    assert_wr_ok(wr_world_step(w, 2));
    wr_collision_stats st;
    assert_wr_ok(wr_collision_get_stats(w, &st));
    assert_int_equal(st.contacts, 0);
    unsigned char *snap = NULL;
    size_t bytes = 0;
    save(w, &snap, &bytes);

    assert_wr_ok(wr_world_remove_skeleton(w, box));
    add_filtered_box(w, 1, ~0u);
    assert_wr_ok(wr_world_restore_snapshot(w, snap, bytes)); /* the same layout: the key did not change */
    assert_wr_ok(wr_world_step(w, 1));
    assert_wr_ok(wr_collision_get_stats(w, &st));
    assert_true(st.contacts >= 4);
    free(snap);
    assert_wr_ok(wr_world_destroy(w));
}

/* A link without limits makes no limit row; the same link with limits, put in its place, makes them when it swings
 * into them: the any-dof-has-a-limit fact is derived again. */
static void test_replaced_skeleton_rederives_limit_facts(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    wr_skeleton *link = add_link(w, INFINITY);
    assert_wr_ok(wr_world_step(w, 50));
    wr_collision_stats st;
    assert_wr_ok(wr_collision_get_stats(w, &st));
    assert_int_equal(st.limit_rows, 0);

    assert_wr_ok(wr_world_remove_skeleton(w, link));
    link = add_link(w, 0.01);
    uint32_t most = 0;
    for (int k = 0; k < 50; k++) {
        assert_wr_ok(wr_world_step(w, 1));
        assert_wr_ok(wr_collision_get_stats(w, &st));
        most = st.limit_rows > most ? st.limit_rows : most;
    }
    assert_true(most >= 1);
    double q = 0;
    assert_wr_ok(wr_skeleton_get_positions(link, &q, 1));
    assert_true(q < 0.01 + 0.002); /* held at the limit (Baumgarte recovery leaves a small overshoot) */
    assert_wr_ok(wr_world_destroy(w));
}

/* The key covers the shape numbering (the warm-start cache's keys): the same joints with one more shape refuse. */
static void test_snapshot_of_other_shape_count_refused(void **state)
{
    (void)state;
    wr_world *a = make_world(0.001), *b = make_world(0.001);
    add_ground(a, 0.0, 0.8, 0.0);
    add_filtered_box(a, 1, ~0u);
    add_ground(b, 0.0, 0.8, 0.0);
    wr_skeleton *box = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "box", &box));
    wr_body_desc body;
    wr_body_desc_init(&body);
    assert_wr_ok(wr_skeleton_add_body(box, &body, NULL));
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, WR_SHAPE_SPHERE);
    sh.size[0] = 0.05;
    assert_wr_ok(wr_skeleton_add_shape(box, 0, &sh, NULL));
    assert_wr_ok(wr_skeleton_add_shape(box, 0, &sh, NULL));
    assert_wr_ok(wr_world_add_skeleton(b, &box, NULL));
    assert_int_equal(wr_world_position_count(a), wr_world_position_count(b));
    assert_wr_ok(wr_world_step(a, 5));
    unsigned char *snap = NULL;
    size_t bytes = 0;
    save(a, &snap, &bytes);
    uint64_t before = wr_world_state_hash(b);
    assert_int_equal(wr_world_restore_snapshot(b, snap, bytes), WR_ERR_INVALID_ARGUMENT);
    assert_true(wr_world_state_hash(b) == before);
    free(snap);
    assert_wr_ok(wr_world_destroy(a));
    assert_wr_ok(wr_world_destroy(b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replaced_skeleton_rederives_collision_facts),
        cmocka_unit_test(test_replaced_skeleton_rederives_limit_facts),
        cmocka_unit_test(test_snapshot_of_other_shape_count_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
