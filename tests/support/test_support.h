/* Shared helpers for the CMocka tests. */
#ifndef WR_TEST_SUPPORT_H
#define WR_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "worldrunner/scenes.h"
#include "worldrunner/worldrunner.h"

/* Assert a call returned WR_OK; print the last error message if it did not. */
#define assert_wr_ok(call)                                                                                   \
    do {                                                                                                     \
        wr_status s_ = (call);                                                                               \
        if (s_ != WR_OK)                                                                                     \
            print_error("%s -> %s: %s\n", #call, wr_status_name(s_), wr_last_error());                       \
        assert_int_equal(s_, WR_OK);                                                                         \
    } while (0)

/* Deterministic pseudo-random numbers (xorshift64*), for fixed-seed tests. */
typedef struct test_rng { uint64_t state; } test_rng;
void test_rng_seed(test_rng *rng, uint64_t seed);
uint64_t test_rng_next(test_rng *rng);
double test_rng_uniform(test_rng *rng, double lo, double hi);

/* The inertia of a solid box, sphere, capsule or cylinder of `mass` (size as in wr_shape_desc); fails the test on
 * a refused call. One place for the switch the tests' free-body builders share. */
void test_inertia_of_shape(wr_shape_type type, double mass, const double size[3], double inertia[9]);

#endif
