/* A stack of 5 boxes stands for 10 s (the 64-box pile is in test_contact_pile.c: each program stays short under
 * the sanitizers). */
#include "test_contact_scenes.h"

static void test_stack_of_five_stands(void **state)
{
    (void)state;
    world *w = make_world(0.001);
    add_ground(w, 0.0, 0.8, 0.0);
    skeleton *box[5];
    for (int i = 0; i < 5; i++)
        box[i] = add_box(w, 0.1, 1.0, 0.0, 0.0, 0.1 + 0.2 * i, 0.8);
    double top0[3], top[3];
    body_position(box[4], 0, top0);
    for (int k = 0; k < 10; k++) {
        assert_wr_ok(world_step(w, 1000));
        body_position(box[4], 0, top);
        assert_true(fabs(top[0] - top0[0]) < 5e-3 && fabs(top[1] - top0[1]) < 5e-3);
    }
    body_position(box[4], 0, top);
    print_message("top box after 10 s: moved (%.2g, %.2g, %.2g) m\n", top[0] - top0[0], top[1] - top0[1],
                  top[2] - top0[2]);
    assert_true(fabs(top[2] - top0[2]) < 2e-3);
    for (int i = 0; i < 5; i++)
        assert_true(max_speed(box[i]) < 1e-3);
    collision_stats st;
    if (contact_stats(w, &st)) {
        assert_int_equal(st.islands, 1); /* the ground is static: one island of 5 boxes */
        assert_int_equal(st.contacts, 20);
        assert_int_equal(st.warm_started, 20); /* box-box feature ids persist from step to step */
    }
    assert_wr_ok(world_destroy(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stack_of_five_stands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
