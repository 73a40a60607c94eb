/* 64 boxes (the boxes:64 scene) dropped on a plane all come to rest: speeds below 1e-3 by 3 s. */
#include "test_contact_scenes.h"

static void test_64_boxes_come_to_rest(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    assert_wr_ok(wr_scene_build(w, "boxes:64"));
    assert_wr_ok(wr_world_step(w, 3000));
    double worst = 0;
    int n = wr_world_skeleton_count(w);
    for (int i = 0; i < n; i++) {
        wr_skeleton *s = wr_world_get_skeleton(w, i);
        if (wr_skeleton_dof_count(s) == 0)
            continue;
        worst = fmax(worst, max_speed(s));
        double p[3];
        body_position(s, 0, p);
        assert_true(p[2] > 0.09 && p[2] < 0.2); /* on the ground, on a face or an edge */
    }
    print_message("64 boxes after 3 s: largest speed %.3g\n", worst);
    assert_true(worst < 1e-3);
    wr_collision_stats st;
    if (contact_stats(w, &st)) {
        print_message("contacts %u rows %u islands %u iterations %u residual %.3g frame high-water %zu B\n",
                      st.contacts, st.rows, st.islands, st.iterations, st.residual, st.frame_high_water);
        assert_true(st.contacts >= 4 * 64);
        assert_int_equal(st.islands, 64);
    }
    assert_wr_ok(wr_world_destroy(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_64_boxes_come_to_rest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
