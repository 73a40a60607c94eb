/* The bugs fuzzing found (tests/fuzz), each as a plain unit test next to its fuzz regression input: an accepted
 * description must give a working body, a refused call must change nothing, and no call may hand memcpy a NULL.
 * (The empty skeleton and the chain:10000 it also found are tested by test_hostile_input, which fixed them too.) */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static wr_body_desc revolute_body(void)
{
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
    return b;
}

/* A finite axis whose squared norm overflows (1e200) was normalized to zero: a joint that moved nothing, with a
 * zero mass matrix. Normalizing must give the same unit axis whatever the scale. */
static void test_huge_axis_is_normalized(void **state)
{
    (void)state;
    const double scales[] = {1.0, 1e-6, 1e150, 1e200, 1e300, 1.7e308};
    double m_ref = 0;
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        wr_skeleton *s = NULL;
        assert_wr_ok(wr_skeleton_create(NULL, "axis", &s));
        wr_body_desc b = revolute_body();
        b.com[0] = 0.5; /* the mass matrix then depends on the axis direction */
        b.joint.axis[0] = 0.6 * scales[i];
        b.joint.axis[1] = 0.8 * scales[i];
        b.joint.axis[2] = 0.0;
        assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
        double m = 0;
        assert_wr_ok(wr_skeleton_mass_matrix(s, &m, 1));
        if (i == 0)
            m_ref = m;
        assert_true(m > 0);
        assert_true(fabs(m - m_ref) <= 1e-15 * m_ref);
        assert_wr_ok(wr_skeleton_destroy(s));
    }
    /* a zero (or vanishing) axis is still refused */
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(NULL, "axis", &s));
    wr_body_desc b = revolute_body();
    b.joint.axis[0] = b.joint.axis[1] = b.joint.axis[2] = 0.0;
    assert_int_equal(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT);
    b.joint.axis[2] = 1e-13;
    assert_int_equal(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT);
    b.joint.axis[2] = 4.9e-324; /* the smallest denormal */
    assert_int_equal(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_skeleton_body_count(s), 0);
    assert_wr_ok(wr_skeleton_destroy(s));
}

/* The eigenvalue check squared the inertia's entries: from about 1e154 they overflowed and a singular (rank-one)
 * inertia passed as positive definite. */
static void test_huge_singular_inertia_is_refused(void **state)
{
    (void)state;
    const double scales[] = {1.0, 1e155, 1e200, 1e300, 1e-160, 1e-300};
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        wr_skeleton *s = NULL;
        assert_wr_ok(wr_skeleton_create(NULL, "inertia", &s));
        wr_body_desc b = revolute_body();
        for (int k = 0; k < 9; k++)
            b.inertia[k] = scales[i]; /* every entry equal: eigenvalues 3 s, 0, 0 */
        assert_int_equal(wr_skeleton_add_body(s, &b, NULL), WR_ERR_INVALID_ARGUMENT);
        assert_non_null(strstr(wr_last_error(), "positive definite"));
        /* the same scale on a valid inertia is accepted */
        memset(b.inertia, 0, sizeof b.inertia);
        b.inertia[0] = b.inertia[4] = b.inertia[8] = scales[i];
        assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
        assert_wr_ok(wr_skeleton_destroy(s));
    }
}

/* One free body in a world, for the snapshot test. */
static wr_world *free_body_world(void)
{
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "free", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    return w;
}

/* A snapshot whose quaternion is not a rotation (corrupted bytes) was restored as it was: set_positions refuses
 * such a state, so restore must too, and change nothing. */
static void test_snapshot_with_a_bad_quaternion_is_refused(void **state)
{
    (void)state;
    wr_world *w = free_body_world();
    const double spin[6] = {1.0, 2.0, 3.0, 0.0, 0.0, 0.0};
    assert_wr_ok(wr_world_set_velocities(w, spin, 6));
    assert_wr_ok(wr_world_step(w, 10));
    size_t bytes = wr_world_snapshot_size(w);
    unsigned char *snap = malloc(bytes);
    assert_non_null(snap);
    assert_wr_ok(wr_world_save_snapshot(w, snap, bytes));
    /* the payload after the header holds q (x, y, z, qw, qx, qy, qz): find qw by its value and scale it */
    double q[7];
    assert_wr_ok(wr_world_get_positions(w, q, 7));
    size_t at = 0;
    for (size_t k = 0; k + sizeof(double) <= bytes; k++) {
        if (memcmp(snap + k, &q[3], sizeof(double)) == 0) {
            at = k;
            break;
        }
    }
    assert_true(at > 0);
    double bad = q[3] * 1.01;
    memcpy(snap + at, &bad, sizeof bad);
    assert_wr_ok(wr_world_step(w, 5));
    const uint64_t hash = wr_world_state_hash(w);
    assert_int_equal(wr_world_restore_snapshot(w, snap, bytes), WR_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(wr_last_error(), "quaternion"));
    assert_int_equal(wr_world_state_hash(w), hash);
    /* the intact snapshot still restores */
    memcpy(snap + at, &q[3], sizeof(double));
    assert_wr_ok(wr_world_restore_snapshot(w, snap, bytes));
    free(snap);
    assert_wr_ok(wr_world_destroy(w));
}

/* A world whose skeletons have no coordinates at all (only welds) has no backup array; the step copied "nothing"
 * from and to NULL, which UBSan reports. */
static void test_weld_only_world_steps(void **state)
{
    (void)state;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "base", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_WELD);
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    assert_int_equal(wr_world_position_count(w), 0);
    assert_wr_ok(wr_world_step(w, 3));
    assert_int_equal(wr_world_step_count(w), 3);
    size_t bytes = wr_world_snapshot_size(w);
    unsigned char snap[256];
    assert_true(bytes <= sizeof snap);
    assert_wr_ok(wr_world_save_snapshot(w, snap, bytes));
    assert_wr_ok(wr_world_restore_snapshot(w, snap, bytes));
    assert_wr_ok(wr_world_destroy(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_huge_axis_is_normalized),
        cmocka_unit_test(test_huge_singular_inertia_is_refused),
        cmocka_unit_test(test_snapshot_with_a_bad_quaternion_is_refused),
        cmocka_unit_test(test_weld_only_world_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
