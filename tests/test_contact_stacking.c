/* A stack of 5 boxes stands for 10 s; a jumbled pile of 27 boxes settles (the 64-box pile is in test_contact_pile.c:
 * each program stays short under the sanitizers). */
#include "test_contact_scenes.h"

static void test_stack_of_five_stands(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    add_ground(w, 0.0, 0.8, 0.0);
    wr_skeleton *box[5];
    for (int i = 0; i < 5; i++)
        box[i] = add_box(w, 0.1, 1.0, 0.0, 0.0, 0.1 + 0.2 * i, 0.8);
    double top0[3], top[3];
    body_position(box[4], 0, top0);
    for (int k = 0; k < 10; k++) {
        assert_wr_ok(wr_world_step(w, 1000));
        body_position(box[4], 0, top);
        assert_true(fabs(top[0] - top0[0]) < 5e-3 && fabs(top[1] - top0[1]) < 5e-3);
    }
    body_position(box[4], 0, top);
    print_message("top box after 10 s: moved (%.2g, %.2g, %.2g) m\n", top[0] - top0[0], top[1] - top0[1],
                  top[2] - top0[2]);
    assert_true(fabs(top[2] - top0[2]) < 2e-3);
    for (int i = 0; i < 5; i++)
        assert_true(max_speed(box[i]) < 1e-3);
    wr_collision_stats st;
    if (contact_stats(w, &st)) {
        assert_int_equal(st.islands, 1); /* the ground is static: one island of 5 boxes */
        assert_int_equal(st.contacts, 20);
        assert_int_equal(st.warm_started, 20); /* box-box feature ids persist from step to step */
    }
    assert_wr_ok(wr_world_destroy(w));
}

/* 27 boxes dropped onto each other from a staggered, rotated lattice (box-box manifolds of every kind) come to rest
 * by 3 s with nothing sunk into anything by more than 1 mm. */
static void test_jumbled_pile_settles(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    add_ground(w, 0.0, 0.8, 0.0);
    wr_skeleton *box[27];
    int n = 0;
    for (int k = 0; k < 3; k++)
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 3; i++) {
                double a = 0.3 * ((i + j + k) % 3), size[3] = {0.1, 0.1, 0.1};
                double pos[3] = {0.21 * i + 0.03 * k, 0.21 * j + 0.02 * k, 0.12 + 0.25 * k};
                box[n++] = add_free_body(w, WR_SHAPE_BOX, size, 1.0, pos, a, 0.8, 0.0);
            }
    assert_wr_ok(wr_world_step(w, 3000));
    double worst = 0;
    for (int i = 0; i < n; i++)
        worst = fmax(worst, max_speed(box[i]));
    wr_collision_contact_info ci[256];
    size_t count = 0;
    assert_wr_ok(wr_collision_get_contacts(w, ci, 256, &count));
    assert_true(count > 27 && count <= 256);
    double deepest = 0;
    for (size_t i = 0; i < count; i++)
        deepest = fmax(deepest, ci[i].depth);
    print_message("jumbled pile of 27: largest speed %.3g, %zu contacts, deepest %.3g m\n", worst, count, deepest);
    assert_true(worst < 1e-3);
    assert_true(deepest < 1e-3);
    assert_wr_ok(wr_world_destroy(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stack_of_five_stands),
        cmocka_unit_test(test_jumbled_pile_settles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
