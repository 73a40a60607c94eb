/* Worlds made from one model: they share the model's read-only tables (bodies, shapes, motors) and own only their
 * state; copy on write keeps one world's changes (joint damping, shape filters) out of the others and out of the
 * model; a clone in another allocator steps bit-identically; a model cannot be destroyed while a world uses it;
 * stepping allocates nothing; worlds are made from one model on several threads at once. */
#include "test_support.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include "dynamics/skeleton_impl.h"
#include "malloc_count.h"
#include "model/model_impl.h"

/* A small humanoid-like figure: a free torso, two-joint shoulders, elbows, a floor. */
static const char *figure =
    "<mujoco model=\"figure\">\n"
    "  <option timestep=\"0.005\"/>\n"
    "  <default><joint damping=\"0.5\" armature=\"0.01\" limited=\"true\" range=\"-90 90\"/>\n"
    "    <geom type=\"capsule\" size=\"0.05\"/></default>\n"
    "  <worldbody>\n"
    "    <geom name=\"floor\" type=\"plane\" size=\"0 0 1\"/>\n"
    "    <body name=\"torso\" pos=\"0 0 1\"><freejoint/>\n"
    "      <geom fromto=\"0 -.1 0 0 .1 0\"/>\n"
    "      <body name=\"arm\" pos=\"0 .2 0\"><joint name=\"s1\" axis=\"1 0 0\"/><joint name=\"s2\" axis=\"0 1 0\"/>\n"
    "        <geom fromto=\"0 0 0 0 0 -.3\"/>\n"
    "        <body name=\"forearm\" pos=\"0 0 -.3\"><joint name=\"elbow\" axis=\"0 1 0\"/>\n"
    "          <geom fromto=\"0 0 0 0 0 -.3\"/></body></body>\n"
    "      <body name=\"leg\" pos=\"0 0 -.1\"><joint name=\"hip\" axis=\"1 0 0\"/>\n"
    "        <geom fromto=\"0 0 0 0 0 -.5\"/></body>\n"
    "    </body>\n"
    "  </worldbody>\n"
    "  <actuator><motor joint=\"elbow\" gear=\"5\" ctrlrange=\"-1 1\" ctrllimited=\"true\"/></actuator>\n"
    "</mujoco>\n";

static wr_model *load_figure(wr_memory_allocator *allocator)
{
    wr_model_load_options o;
    wr_model_load_options_init(&o);
    o.allocator = allocator;
    wr_model *m = NULL;
    assert_wr_ok(wr_model_load_string(figure, strlen(figure), &o, &m));
    return m;
}

static wr_world *world_of(const wr_model *m)
{
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_world_add_model(w, m, NULL, NULL));
    return w;
}

static size_t in_use(const wr_world *w)
{
    wr_memory_manager_stats st;
    assert_wr_ok(wr_memory_manager_get_stats(wr_world_get_memory_manager(w), &st));
    return st.bytes_in_use;
}

static void test_tables_are_shared(void **state)
{
    (void)state;
    wr_model *m = load_figure(NULL);
    assert_int_equal(wr_model_skeleton_count(m), 2); /* the floor, the figure */
    wr_world *a = world_of(m), *b = world_of(m);
    wr_skeleton *sa = wr_world_get_skeleton(a, 1), *sb = wr_world_get_skeleton(b, 1);
    assert_ptr_equal(sa->bodies, sb->bodies);
    assert_ptr_equal(sa->shapes, sb->shapes);
    assert_ptr_equal(sa->actuators, sb->actuators);
    assert_true(sa->bodies_borrowed && sa->shapes_borrowed);
    assert_int_equal(wr_skeleton_body_count(sa), 5); /* torso, a massless body for s1, arm, forearm, leg */
    /* the skeleton's own memory is its header and state only */
    assert_int_equal(wr_skeleton_memory_bytes(sa), sizeof(wr_skeleton) + sa->state_bytes);
    /* both start at the model's initial positions */
    double q0[64], q[64];
    size_t nq = wr_model_position_count(m);
    assert_wr_ok(wr_model_get_initial_positions(m, q0, nq));
    assert_wr_ok(wr_world_get_positions(b, q, nq));
    assert_memory_equal(q0, q, nq * sizeof(double));
    assert_true(q0[2] == 1.0 && q0[3] == 1.0);
    /* copy on write: changing a damping in one world copies its body table; the other world keeps the model's */
    size_t before = in_use(a);
    assert_wr_ok(wr_skeleton_set_joint_damping(sa, 3, 7.0));
    assert_false(sa->bodies_borrowed);
    assert_true(sb->bodies_borrowed);
    assert_true(sa->bodies[3].damping == 7.0 && sb->bodies[3].damping == 0.5);
    size_t body_table = (size_t)sa->body_count * sizeof(body_node);
    assert_true(in_use(a) >= before + body_table);
    /* the same for a shape filter */
    assert_wr_ok(wr_collision_set_shape_filter(sa, 0, 0, 0));
    assert_false(sa->shapes_borrowed);
    uint32_t g = 0, k = 0;
    assert_wr_ok(wr_collision_get_shape_filter(sb, 0, &g, &k));
    assert_true(g != 0 && k != 0);
    /* a world made afterwards still gets the model's tables */
    wr_world *c = world_of(m);
    assert_ptr_equal(wr_world_get_skeleton(c, 1)->bodies, sb->bodies);
    /* the model is busy while worlds use it */
    assert_int_equal(wr_model_destroy(m), WR_ERR_BUSY);
    assert_wr_ok(wr_world_destroy(a));
    assert_wr_ok(wr_world_destroy(b));
    assert_int_equal(wr_model_destroy(m), WR_ERR_BUSY);
    assert_wr_ok(wr_world_remove_skeleton(c, wr_world_get_skeleton(c, 1)));
    assert_int_equal(wr_model_destroy(m), WR_ERR_BUSY); /* the floor skeleton still borrows */
    assert_wr_ok(wr_world_destroy(c));
    assert_wr_ok(wr_model_destroy(m));
}

/* Bytes per world with the model's tables shared, and what a world would hold with its own copy of them. */
static void test_bytes_per_world(void **state)
{
    (void)state;
    wr_model *m = load_figure(NULL);
    enum { N = 20 };
    wr_world *w[N];
    size_t shared = 0, owned = 0;
    for (int i = 0; i < N; i++) {
        w[i] = world_of(m);
        shared += in_use(w[i]);
    }
    for (int i = 0; i < N; i++) { /* force the copies */
        for (int s = 0; s < wr_world_skeleton_count(w[i]); s++) {
            wr_skeleton *sk = wr_world_get_skeleton(w[i], s);
            assert_wr_ok(skeleton_own_bodies(sk));
            assert_wr_ok(skeleton_own_shapes(sk));
        }
        owned += in_use(w[i]);
    }
    print_message("figure model: block %zu B; per world in use %zu B with the tables shared, %zu B with own copies\n",
                  wr_model_block_bytes(m), shared / N, owned / N);
    assert_true(owned > shared);
    for (int i = 0; i < N; i++)
        assert_wr_ok(wr_world_destroy(w[i]));
    assert_wr_ok(wr_model_destroy(m));
}

static void run(wr_world *w, int steps)
{
    double ctrl = 0.7;
    assert_wr_ok(wr_world_set_controls(w, &ctrl, 1));
    assert_wr_ok(wr_world_step(w, steps));
}

/* A clone on another allocator: the same bits in every table, and worlds that step bit-identically. */
static void test_clone(void **state)
{
    (void)state;
    wr_memory_allocator *heap = NULL, *counting = NULL;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    assert_wr_ok(wr_memory_allocator_create_counting(heap, &counting));
    wr_model *m = load_figure(NULL), *c = NULL;
    assert_wr_ok(wr_model_clone(m, counting, &c));
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(counting, &counts));
    assert_true(counts.bytes_outstanding >= wr_model_block_bytes(m));
    assert_int_equal(wr_model_block_bytes(c), wr_model_block_bytes(m));
    assert_memory_equal(m->block, c->block, m->bytes);
    assert_string_equal(wr_model_name(c), "figure");
    wr_world *a = world_of(m), *b = world_of(c);
    assert_ptr_not_equal(wr_world_get_skeleton(a, 1)->bodies, wr_world_get_skeleton(b, 1)->bodies);
    run(a, 400);
    run(b, 400);
    assert_true(wr_world_state_hash(a) == wr_world_state_hash(b));
    assert_wr_ok(wr_world_destroy(a));
    assert_wr_ok(wr_world_destroy(b));
    assert_wr_ok(wr_model_destroy(c));
    assert_wr_ok(wr_memory_allocator_get_counts(counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0);
    assert_wr_ok(wr_model_destroy(m));
    assert_wr_ok(wr_memory_allocator_destroy(counting));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
}

/* The figure falls on the floor (contacts, limits, motors); after the first step nothing allocates. */
static void test_step_allocates_nothing(void **state)
{
    (void)state;
    wr_model *m = load_figure(NULL);
    wr_world *w = world_of(m);
    run(w, 300); /* fallen: contacts */
    wr_collision_stats cs;
    assert_wr_ok(wr_collision_get_stats(w, &cs));
    assert_true(cs.contacts > 0);
    if (malloc_count_require("stepping a world made from a model allocates nothing")) {
        malloc_count_begin();
        assert_wr_ok(wr_world_step(w, 200));
        malloc_count_stats s = malloc_count_end();
        assert_int_equal(s.allocations, 0);
    }
    wr_memory_manager_stats ms;
    assert_wr_ok(wr_memory_manager_get_stats(wr_world_get_memory_manager(w), &ms));
    uint64_t requests = ms.base_requests;
    assert_wr_ok(wr_world_step(w, 200));
    assert_wr_ok(wr_memory_manager_get_stats(wr_world_get_memory_manager(w), &ms));
    assert_true(ms.base_requests == requests);
    assert_wr_ok(wr_world_destroy(w));
    assert_wr_ok(wr_model_destroy(m));
}

/* A failed instantiation (a budget too small) leaves the world as it was and the model unborrowed. */
static void test_instantiation_failure(void **state)
{
    (void)state;
    wr_model *m = load_figure(NULL);
    wr_world_config wc;
    wr_world_config_init(&wc);
    wc.memory_budget = 1;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(&wc, &w));
    assert_int_equal(wr_world_add_model(w, m, NULL, NULL), WR_ERR_BUDGET);
    assert_int_equal(wr_world_skeleton_count(w), 0);
    assert_true(wr_world_time_step(w) == 0.001); /* options untouched */
    assert_wr_ok(wr_model_destroy(m));           /* nothing borrows it */
    assert_wr_ok(wr_world_destroy(w));
    assert_int_equal(wr_world_add_model(NULL, m, NULL, NULL), WR_ERR_INVALID_ARGUMENT);
}

/* Four threads make, step and destroy worlds from one model at once (the borrow count is atomic). */
static void *worker(void *arg)
{
    const wr_model *m = arg;
    for (int i = 0; i < 20; i++) {
        wr_world *w = NULL;
        if (wr_world_create(NULL, &w) != WR_OK)
            return (void *)1;
        if (wr_world_add_model(w, m, NULL, NULL) != WR_OK || wr_world_step(w, 10) != WR_OK)
            return (void *)1;
        wr_world_destroy(w);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    wr_model *m = load_figure(NULL);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, m), 0);
    for (int i = 0; i < 4; i++) {
        void *rc = NULL;
        assert_int_equal(pthread_join(t[i], &rc), 0);
        assert_null(rc);
    }
    assert_wr_ok(wr_model_destroy(m));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_are_shared),  cmocka_unit_test(test_bytes_per_world),
        cmocka_unit_test(test_clone),              cmocka_unit_test(test_step_allocates_nothing),
        cmocka_unit_test(test_instantiation_failure), cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
