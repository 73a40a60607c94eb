/* The PGS core and the broadphase on small problems with known solutions. */
#include <math.h>
#include <string.h>

#include "test_support.h"
#include "collision/broadphase.h"
#include "constraint/pgs.h"

static void row1(pgs_row *r, uint32_t dof, uint32_t coef_at, double *coef, double j, double inv_m)
{
    memset(r, 0, sizeof(*r));
    r->dof[0] = dof;
    r->count[0] = 1;
    r->coef[0] = coef_at;
    coef[coef_at] = j;
    coef[coef_at + 1] = j * inv_m;
    r->normal = -1;
    r->lo = 0;
    r->hi = INFINITY;
}

static const pgs_settings k_settings = {200, 1e-12};

/* A 2 kg body approaching at 1 m/s stops: lambda = m v. */
static void test_single_contact_stops(void **state)
{
    (void)state;
    double v[1] = {-1.0}, coef[2];
    pgs_row r;
    row1(&r, 0, 0, coef, 1.0, 0.5);
    pgs_problem p = {&r, 1, coef, v};
    pgs_prepare(&p);
    pgs_result res = pgs_solve(&p, 0, 1, &k_settings);
    assert_true(fabs(r.lambda - 2.0) < 1e-12);
    assert_true(fabs(v[0]) < 1e-12);
    assert_true(res.iterations <= 2);
    /* Separating: no impulse. */
    v[0] = 0.5;
    r.lambda = 0;
    pgs_solve(&p, 0, 1, &k_settings);
    assert_true(r.lambda == 0 && v[0] == 0.5);
}

/* Normal and friction on a unit mass sliding at 2 m/s while pressed with 1 N s: friction takes mu * 1 N s. */
static void test_friction_pyramid_bound(void **state)
{
    (void)state;
    double v[2] = {-1.0, 2.0}, coef[4];
    pgs_row r[2];
    row1(&r[0], 0, 0, coef, 1.0, 1.0);
    row1(&r[1], 1, 2, coef, 1.0, 1.0);
    r[1].normal = 0;
    r[1].mu = 0.5;
    r[1].lo = -INFINITY;
    pgs_problem p = {r, 2, coef, v};
    pgs_prepare(&p);
    pgs_solve(&p, 0, 2, &k_settings);
    assert_true(fabs(r[0].lambda - 1.0) < 1e-12);
    assert_true(fabs(r[1].lambda + 0.5) < 1e-12);
    assert_true(fabs(v[1] - 1.5) < 1e-12);
    /* Slow sliding is stopped completely (sticking). */
    v[0] = -1.0;
    v[1] = 0.2;
    r[0].lambda = r[1].lambda = 0;
    pgs_solve(&p, 0, 2, &k_settings);
    assert_true(fabs(v[1]) < 1e-12 && fabs(r[1].lambda + 0.2) < 1e-12);
}

/* Two masses stacked on a floor (1-D), one step of gravity: lambda_floor = (m1 + m2) g dt, lambda_12 = m2 g dt. */
static void test_stack_of_two(void **state)
{
    (void)state;
    const double m1 = 1.0, m2 = 3.0, gdt = 9.81e-3;
    double v[2] = {-gdt, -gdt}, coef[6];
    pgs_row r[2];
    row1(&r[0], 0, 0, coef, 1.0, 1.0 / m1);
    /* Row 2: J = (-1, +1) over two one-dof blocks. */
    row1(&r[1], 1, 2, coef, 1.0, 1.0 / m2);
    r[1].dof[1] = 0;
    r[1].count[1] = 1;
    r[1].coef[1] = 4;
    coef[4] = -1.0;
    coef[5] = -1.0 / m1;
    pgs_problem p = {r, 2, coef, v};
    pgs_prepare(&p);
    pgs_result res = pgs_solve(&p, 0, 2, &k_settings);
    assert_true(fabs(r[0].lambda - (m1 + m2) * gdt) < 1e-9);
    assert_true(fabs(r[1].lambda - m2 * gdt) < 1e-9);
    assert_true(fabs(v[0]) < 1e-9 && fabs(v[1]) < 1e-9);
    assert_true(res.residual <= 1e-12);
    /* Warm started with the solution, the next identical step converges at once. */
    v[0] = v[1] = -gdt;
    pgs_warm_start(&p, 0, 2);
    res = pgs_solve(&p, 0, 2, &k_settings);
    assert_true(res.iterations == 1);
    assert_true(fabs(v[0]) < 1e-12 && fabs(v[1]) < 1e-12);
}

/* Boxed bounds and a velocity target: the impulse saturates at hi. */
static void test_boxed_bounds_and_target(void **state)
{
    (void)state;
    double v[1] = {0.0}, coef[2];
    pgs_row r;
    row1(&r, 0, 0, coef, 1.0, 1.0);
    r.rhs = 3.0;     /* wants +3 m/s */
    r.hi = 1.0;      /* but at most 1 N s */
    pgs_problem p = {&r, 1, coef, v};
    pgs_prepare(&p);
    pgs_solve(&p, 0, 1, &k_settings);
    assert_true(fabs(r.lambda - 1.0) < 1e-12 && fabs(v[0] - 1.0) < 1e-12);
    /* Softness: a + cfm lambda = rhs with lambda free. */
    r.hi = INFINITY;
    r.cfm = 1.0;
    r.lambda = 0;
    v[0] = 0;
    pgs_prepare(&p);
    pgs_solve(&p, 0, 1, &k_settings);
    assert_true(fabs(v[0] + r.cfm * r.lambda - 3.0) < 1e-9 && fabs(r.lambda - 1.5) < 1e-9);
}

/* Broadphase: overlapping boxes pair, far ones do not, planes pair with every bounded proxy, filters apply. */
static int reject_0_1(void *ctx, uint32_t a, uint32_t b)
{
    (void)ctx;
    return !(a == 0 && b == 1);
}

static void test_broadphase(void **state)
{
    (void)state;
    wr_memory_manager *m = NULL;
    wr_frame_allocator *f = NULL;
    assert_wr_ok(wr_memory_manager_create(NULL, &m));
    assert_wr_ok(wr_frame_allocator_create(m, 0, WR_MEMORY_TAG_COLLISION, &f));
    broadphase_proxy p[5];
    memset(p, 0, sizeof(p));
    const double lo[4][3] = {{0, 0, 0}, {0.9, 0.5, 0.5}, {5, 5, 5}, {1.5, 0, 0}};
    for (int i = 0; i < 4; i++) {
        p[i].box.lo = v3(lo[i][0], lo[i][1], lo[i][2]);
        p[i].box.hi = v3(lo[i][0] + 1, lo[i][1] + 1, lo[i][2] + 1);
        p[i].group = 1;
        p[i].mask = ~0u;
    }
    p[4].unbounded = 1;
    p[4].group = 1;
    p[4].mask = ~0u;
    broadphase_pair *pairs = NULL;
    uint32_t n = 0;
    assert_wr_ok(broadphase_find_pairs(f, p, 5, NULL, NULL, &pairs, &n));
    /* 0-1, 1-3, 0-3 (touching at x = 1 .. 1.5? 0 spans 0..1, 3 spans 1.5..2.5: no), plane with 0..3. */
    int has01 = 0, has13 = 0, has03 = 0, planes = 0;
    for (uint32_t i = 0; i < n; i++) {
        assert_true(pairs[i].a < pairs[i].b);
        has01 |= pairs[i].a == 0 && pairs[i].b == 1;
        has13 |= pairs[i].a == 1 && pairs[i].b == 3;
        has03 |= pairs[i].a == 0 && pairs[i].b == 3;
        planes += pairs[i].b == 4;
    }
    assert_true(has01 && has13 && !has03);
    assert_int_equal(planes, 4);
    assert_int_equal(n, 6);
    /* Group/mask: box 1 in group 2 which box 0 does not collide with. */
    assert_wr_ok(wr_frame_allocator_reset(f));
    p[1].group = 2;
    p[0].mask = 1;
    assert_wr_ok(broadphase_find_pairs(f, p, 5, NULL, NULL, &pairs, &n));
    assert_int_equal(n, 5);
    /* Filter callback. */
    p[1].group = 1;
    p[0].mask = ~0u;
    assert_wr_ok(wr_frame_allocator_reset(f));
    assert_wr_ok(broadphase_find_pairs(f, p, 5, reject_0_1, NULL, &pairs, &n));
    assert_int_equal(n, 5);
    /* Two planes never pair. */
    assert_wr_ok(wr_frame_allocator_reset(f));
    broadphase_proxy two[2];
    memset(two, 0, sizeof(two));
    two[0] = p[4];
    two[1] = p[4];
    assert_wr_ok(broadphase_find_pairs(f, two, 2, NULL, NULL, &pairs, &n));
    assert_int_equal(n, 0);
    assert_wr_ok(wr_frame_allocator_destroy(f));
    assert_wr_ok(wr_memory_manager_destroy(m));
}

/* Many random boxes: the sweep finds exactly the overlapping pairs a brute-force check finds. */
static void test_broadphase_matches_brute_force(void **state)
{
    (void)state;
    wr_memory_manager *m = NULL;
    wr_frame_allocator *f = NULL;
    assert_wr_ok(wr_memory_manager_create(NULL, &m));
    assert_wr_ok(wr_frame_allocator_create(m, 0, WR_MEMORY_TAG_COLLISION, &f));
    enum { N = 300 };
    static broadphase_proxy p[N];
    test_rng rng;
    test_rng_seed(&rng, 42);
    for (int i = 0; i < N; i++) {
        vec3 c = v3(test_rng_uniform(&rng, 0, 10), test_rng_uniform(&rng, 0, 10), test_rng_uniform(&rng, 0, 2));
        vec3 h = v3(test_rng_uniform(&rng, 0.05, 0.5), test_rng_uniform(&rng, 0.05, 0.5), 0.3);
        p[i].box.lo = v3_sub(c, h);
        p[i].box.hi = v3_add(c, h);
        p[i].group = 1;
        p[i].mask = ~0u;
        p[i].unbounded = 0;
    }
    broadphase_pair *pairs = NULL;
    uint32_t n = 0;
    assert_wr_ok(broadphase_find_pairs(f, p, N, NULL, NULL, &pairs, &n));
    uint32_t brute = 0;
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++) {
            const collision_aabb *a = &p[i].box, *b = &p[j].box;
            brute += a->lo.x <= b->hi.x && b->lo.x <= a->hi.x && a->lo.y <= b->hi.y && b->lo.y <= a->hi.y &&
                     a->lo.z <= b->hi.z && b->lo.z <= a->hi.z;
        }
    assert_int_equal(n, brute);
    assert_true(n > 100);
    assert_wr_ok(wr_frame_allocator_destroy(f));
    assert_wr_ok(wr_memory_manager_destroy(m));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_contact_stops),   cmocka_unit_test(test_friction_pyramid_bound),
        cmocka_unit_test(test_stack_of_two),           cmocka_unit_test(test_boxed_bounds_and_target),
        cmocka_unit_test(test_broadphase),             cmocka_unit_test(test_broadphase_matches_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
