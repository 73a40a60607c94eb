#include "test_support.h"

void test_rng_seed(test_rng *rng, uint64_t seed) { rng->state = seed ? seed : 0x9e3779b97f4a7c15ull; }

uint64_t test_rng_next(test_rng *rng)
{
    uint64_t x = rng->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng->state = x;
    return x * 0x2545f4914f6cdd1dull;
}

double test_rng_uniform(test_rng *rng, double lo, double hi)
{
    return lo + (hi - lo) * (double)(test_rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

void test_inertia_of_shape(wr_shape_type type, double mass, const double size[3], double inertia[9])
{
    if (type == WR_SHAPE_BOX)
        assert_wr_ok(wr_inertia_of_box(mass, size, inertia));
    else if (type == WR_SHAPE_SPHERE)
        assert_wr_ok(wr_inertia_of_sphere(mass, size[0], inertia));
    else if (type == WR_SHAPE_CAPSULE)
        assert_wr_ok(wr_inertia_of_capsule(mass, size[0], size[1], inertia));
    else
        assert_wr_ok(wr_inertia_of_cylinder(mass, size[0], size[1], inertia));
}
