/* Memory of the contact stage: in steady state a step asks the base allocator and the heap for nothing; the frame
 * high-water mark is reported; a budget too small for the contacts fails the step cleanly (world unchanged) and the
 * next step with a larger budget succeeds. */
#include "malloc_count.h"
#include "test_contact_scenes.h"

typedef struct counted_world {
    wr_memory_allocator *heap, *counting;
    wr_memory_manager *manager;
    wr_world *w;
} counted_world;

static void counted_world_create(counted_world *cw)
{
    assert_wr_ok(wr_memory_allocator_create_heap(&cw->heap));
    assert_wr_ok(wr_memory_allocator_create_counting(cw->heap, &cw->counting));
    wr_memory_manager_config mc;
    wr_memory_manager_config_init(&mc);
    mc.base = cw->counting;
    assert_wr_ok(wr_memory_manager_create(&mc, &cw->manager));
    wr_world_config wc;
    wr_world_config_init(&wc);
    wc.time_step = 0.001;
    wc.memory = cw->manager;
    assert_wr_ok(wr_world_create(&wc, &cw->w));
}

static void counted_world_destroy(counted_world *cw)
{
    assert_wr_ok(wr_world_destroy(cw->w));
    assert_wr_ok(wr_memory_manager_destroy(cw->manager));
    assert_wr_ok(wr_memory_allocator_destroy(cw->counting));
    assert_wr_ok(wr_memory_allocator_destroy(cw->heap));
}

static uint64_t base_requests(const counted_world *cw)
{
    wr_memory_allocator_counts c;
    assert_wr_ok(wr_memory_allocator_get_counts(cw->counting, &c));
    return c.allocations;
}

/* Warm up `warm` steps, then step `steps` more: no base request, no malloc. */
static void expect_steady(const char *scene, int warm, int steps)
{
    counted_world cw;
    counted_world_create(&cw);
    assert_wr_ok(wr_scene_build(cw.w, scene));
    assert_wr_ok(wr_world_step(cw.w, warm));
    uint64_t before = base_requests(&cw);
    int counting = malloc_count_require("wr_world_step with contacts allocates nothing");
    if (counting)
        malloc_count_begin();
    assert_wr_ok(wr_world_step(cw.w, steps));
    if (counting) {
        malloc_count_stats ms = malloc_count_end();
        assert_int_equal(ms.allocations, 0);
    }
    assert_int_equal(base_requests(&cw), before);
    wr_collision_stats st;
    if (contact_stats(cw.w, &st)) {
        print_message("%s: contacts %u rows %u, frame high-water %zu B of %zu B held, %llu frame growths, cache "
                      "%zu entries (%llu growths)\n",
                      scene, st.contacts, st.rows, st.frame_high_water, st.frame_capacity,
                      (unsigned long long)st.frame_growths, st.cache_capacity, (unsigned long long)st.cache_growths);
        assert_true(st.contacts > 0);
        assert_true(st.frame_high_water >= st.frame_bytes && st.frame_high_water > 0);
        assert_true(st.frame_capacity >= st.frame_high_water);
    }
    counted_world_destroy(&cw);
}

static void test_boxes_resting_steady_state(void **state)
{
    (void)state;
    expect_steady("boxes:64", 1000, 300); /* the frame's last growth is near step 560, when the last box lands */
}

static void test_humanoid_on_floor_steady_state(void **state)
{
    (void)state;
    expect_steady("humanoid", 300, 1200); /* measured while it falls, hits the floor and comes to rest */
}

/* 64 boxes resting on the ground; the budget is set to what the manager holds before the first step, so the frame
 * cannot grow to fit ~256 contacts. */
static void test_budget_too_small_fails_cleanly(void **state)
{
    (void)state;
    counted_world cw;
    counted_world_create(&cw);
    add_ground(cw.w, 0.0, 0.8, 0.0);
    for (int i = 0; i < 64; i++)
        add_box(cw.w, 0.1, 1.0, 0.5 * (i % 8), 0.5 * (i / 8), 0.1, 0.8);
    wr_memory_manager_stats ms;
    assert_wr_ok(wr_memory_manager_get_stats(cw.manager, &ms));
    assert_wr_ok(wr_memory_manager_set_budget(cw.manager, ms.bytes_reserved));
    uint64_t hash = wr_world_state_hash(cw.w);
    wr_status s = wr_world_step(cw.w, 1);
    assert_int_equal(s, WR_ERR_BUDGET);
    print_message("refused: %s\n", wr_last_error());
    assert_true(wr_world_state_hash(cw.w) == hash);
    assert_int_equal(wr_world_step_count(cw.w), 0);
    assert_true(wr_world_time(cw.w) == 0.0);
    size_t n = 0;
    assert_int_equal(wr_collision_get_contacts(cw.w, NULL, 0, &n), WR_ERR_INVALID_STATE); /* nothing committed */
    /* A larger budget: the same step now succeeds, and the next ones too. */
    assert_wr_ok(wr_memory_manager_set_budget(cw.manager, 0));
    assert_wr_ok(wr_world_step(cw.w, 10));
    assert_int_equal(wr_world_step_count(cw.w), 10);
    wr_collision_stats st;
    if (contact_stats(cw.w, &st)) {
        assert_int_equal(st.contacts, 256);
        assert_int_equal(st.warm_started, 256);
        assert_wr_ok(wr_collision_get_contacts(cw.w, NULL, 0, &n));
        assert_int_equal(n, 256);
    }
    counted_world_destroy(&cw);
}

/* More contacts than the warm-start cache holds: it grows once (counted), then the steps are steady again. */
static void test_cache_grows_once_then_steady(void **state)
{
    (void)state;
    counted_world cw;
    counted_world_create(&cw);
    add_ground(cw.w, 0.0, 0.8, 0.0);
    for (int i = 0; i < 70; i++)
        add_box(cw.w, 0.1, 1.0, 0.5 * (i % 10), 0.5 * (i / 10), 0.1, 0.8);
    assert_wr_ok(wr_world_step(cw.w, 20));
    wr_collision_stats st;
    if (!contact_stats(cw.w, &st)) {
        counted_world_destroy(&cw);
        return;
    }
    assert_int_equal(st.contacts, 280);
    assert_int_equal(st.cache_growths, 1);
    assert_true(st.cache_capacity >= 280);
    assert_int_equal(st.warm_started, 280);
    uint64_t before = base_requests(&cw);
    assert_wr_ok(wr_world_step(cw.w, 100));
    assert_int_equal(base_requests(&cw), before);
    assert_wr_ok(wr_collision_get_stats(cw.w, &st));
    assert_int_equal(st.cache_growths, 1);
    counted_world_destroy(&cw);
}

/* Settings are checked; bad values change nothing. */
static void test_settings(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    wr_collision_settings s;
    /* before the first skeleton (no solver yet) the world keeps them, checked the same way, and hands them on */
    assert_wr_ok(wr_collision_get_settings(w, &s));
    assert_int_equal(s.max_iterations, 40);
    assert_int_equal(s.friction_cone, WR_FRICTION_ELLIPTIC);
    s.max_iterations = 25;
    s.friction_cone = WR_FRICTION_PYRAMID;
    assert_wr_ok(wr_collision_set_settings(w, &s));
    wr_collision_settings early = s;
    early.erp = -1;
    assert_int_equal(wr_collision_set_settings(w, &early), WR_ERR_INVALID_ARGUMENT);
    add_ground(w, 0.0, 0.8, 0.0);
    assert_wr_ok(wr_collision_get_settings(w, &s));
    assert_int_equal(s.max_iterations, 25);
    assert_int_equal(s.friction_cone, WR_FRICTION_PYRAMID);
    assert_true(s.erp == 0.2);
    s.max_iterations = 40;
    s.friction_cone = WR_FRICTION_ELLIPTIC;
    assert_wr_ok(wr_collision_set_settings(w, &s));
    wr_collision_settings bad = s;
    bad.erp = 1.5;
    assert_int_equal(wr_collision_set_settings(w, &bad), WR_ERR_INVALID_ARGUMENT);
    bad = s;
    bad.margin = NAN;
    assert_int_equal(wr_collision_set_settings(w, &bad), WR_ERR_NON_FINITE);
    bad = s;
    bad.max_iterations = 0;
    assert_int_equal(wr_collision_set_settings(w, &bad), WR_ERR_INVALID_ARGUMENT);
    bad = s;
    bad.friction_cone = (wr_friction_cone)7;
    assert_int_equal(wr_collision_set_settings(w, &bad), WR_ERR_INVALID_ARGUMENT);
    wr_collision_settings now;
    assert_wr_ok(wr_collision_get_settings(w, &now));
    /* Field by field (padding is not part of the value). */
    assert_true(now.max_iterations == s.max_iterations && now.tolerance == s.tolerance && now.margin == s.margin &&
                now.erp == s.erp && now.slop == s.slop && now.max_correction == s.max_correction &&
                now.cfm == s.cfm && now.restitution_threshold == s.restitution_threshold &&
                now.limit_margin == s.limit_margin && now.self_collision == s.self_collision &&
                now.adjacent_collision == s.adjacent_collision && now.friction_cone == s.friction_cone);
    s.max_iterations = 10;
    assert_wr_ok(wr_collision_set_settings(w, &s));
    assert_wr_ok(wr_collision_get_settings(w, &now));
    assert_int_equal(now.max_iterations, 10);
    assert_int_equal(wr_collision_set_settings(NULL, &s), WR_ERR_INVALID_ARGUMENT);
    assert_wr_ok(wr_world_destroy(w));
}

/* Group/mask filtering: a box whose mask excludes the ground's group falls through it. */
static void test_shape_filter(void **state)
{
    (void)state;
    wr_world *w = make_world(0.001);
    add_ground(w, 0.0, 0.8, 0.0);
    wr_skeleton *box = add_box(w, 0.1, 1.0, 0, 0, 0.1, 0.8);
    uint32_t g = 0, m = 0;
    assert_wr_ok(wr_collision_get_shape_filter(box, 0, &g, &m));
    assert_int_equal(g, 1);
    assert_wr_ok(wr_collision_set_shape_filter(box, 0, 2, ~1u));
    assert_int_equal(wr_collision_set_shape_filter(box, 5, 1, 1), WR_ERR_NOT_FOUND);
    assert_wr_ok(wr_world_step(w, 200));
    double p[3];
    body_position(box, 0, p);
    assert_true(p[2] < 0.0);
    assert_wr_ok(wr_world_destroy(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boxes_resting_steady_state),
        cmocka_unit_test(test_humanoid_on_floor_steady_state),
        cmocka_unit_test(test_budget_too_small_fails_cleanly),
        cmocka_unit_test(test_cache_grows_once_then_steady),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_shape_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
