/* Stability: spinning free bodies keep their momentum, and randomized clutter dropped on and around articulated
 * bodies stays finite, bounded and does not gain energy (issue 16).
 *
 * - spinning_ball_keeps_its_velocity: a free ball spinning at 200 rad/s and flying at 3 m/s with no gravity keeps
 *   both exactly in closed form. The explicit velocity-product term of the body-frame free joint lengthened the
 *   linear velocity by sqrt(1 + (|w| dt)^2) per step (x 1.02 per step here: 1e43 after 5 s).
 * - tumbling_box_conserves_energy_and_momentum: an asymmetric box tumbling torque-free keeps its world angular
 *   momentum and kinetic energy (the discrete update may lose a little, never gain).
 * - issue16_reproducer: the humanoid and ten boxes and balls dropped around it (the layout that went non-finite at
 *   t = 1.684 s, a ball spun up by the foot ran away), 5 s.
 * - random_clutter_humanoid / random_clutter_arm7: seeds of 5-20 free bodies (boxes, balls, capsules, cylinders; half
 *   sizes 3-15 cm, masses 0.25-25 kg log-uniform: ratios up to 100:1 between them and against the limbs; restitution
 *   0, 0.2 or 0.5) dropped from up to 2.5 m on and around the scene, 5 s at dt = 1 ms with default settings. Every
 *   step succeeds; every free body stays within 25 m of the origin (a ball rolls on), above z = -0.05 m and below
 *   3 m, and its centre of mass moves at most SPEED_BOUND; the world's energy never exceeds its start by more than
 *   ENERGY_SLACK; contacts between exact narrowphase pairs (plane, sphere, capsule, box) penetrate at most
 *   DEPTH_BOUND, and any contact at most DEPTH_BOUND_ANY (box/cylinder pairs are approximate, see README).
 *   WR_STABILITY_SEEDS=N runs N seeds per scene (default 24 humanoid + 12 arm7; 3 + 2 under sanitizers),
 *   WR_STABILITY_SEED0=K starts at seed K.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#define DT 0.001
#define SPEED_BOUND 20.0      /* m/s: 2.5 m drop gives 7 m/s; a limb can fling a light body faster, not this fast */
#define DEPTH_BOUND 0.015     /* m */
#define DEPTH_BOUND_ANY 0.15  /* m */
#define ENERGY_SLACK 2.0      /* J, plus 0.2% of the start energy */
#define MAX_SKELETONS 32

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define WR_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define WR_TEST_SANITIZED 1
#endif
#endif
#ifdef WR_TEST_SANITIZED
#define DEFAULT_SEEDS_HUMANOID 3
#define DEFAULT_SEEDS_ARM 2
#else
#define DEFAULT_SEEDS_HUMANOID 24
#define DEFAULT_SEEDS_ARM 12
#endif

/* ---- helpers ---------------------------------------------------------------------------------------------------- */

static wr_world *make_world(void)
{
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    return w;
}

/* A free body with one shape (at the body origin, so the COM is the origin) of `mass` at `pos`, turned by the unit
 * quaternion `rot` (w, x, y, z). Sizes: box half extents, sphere radius, capsule (radius, half length), cylinder
 * (radius, half height). */
static wr_skeleton *add_free_body(wr_world *w, wr_shape_type type, const double size[3], double mass,
                                  const double pos[3], const double rot[4], double restitution)
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "clutter", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    b.mass = mass;
    test_inertia_of_shape(type, mass, size, b.inertia);
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, type);
    memcpy(sh.size, size, sizeof sh.size);
    sh.restitution = restitution;
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &sh, NULL));
    double q[7] = {pos[0], pos[1], pos[2], rot[0], rot[1], rot[2], rot[3]};
    assert_wr_ok(wr_skeleton_set_positions(s, q, 7));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
    return s;
}

/* Speed of a skeleton's centre of mass (m/s), from its momentum: independent of the free joint's coordinates. */
static double com_speed(wr_skeleton *s, double total_mass)
{
    double p[3], l[3];
    assert_wr_ok(wr_skeleton_momentum(s, p, l));
    return sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) / total_mass;
}

/* Give a free body (COM at its origin, at the identity orientation, where body and world axes agree) the angular
 * velocity `w` and linear velocity `v`, whichever order its free joint uses (found from its momentum). */
static void set_free_velocity(wr_skeleton *s, double mass, const double w[3], const double v[3])
{
    double probe[6] = {1, 0, 0, 0, 0, 0}, p[3], l[3], q[6];
    assert_wr_ok(wr_skeleton_set_velocities(s, probe, 6));
    assert_wr_ok(wr_skeleton_momentum(s, p, l));
    const int linear_first = fabs(p[0]) > 0.5 * mass;
    for (int i = 0; i < 3; i++) {
        q[linear_first ? i : 3 + i] = v[i];
        q[linear_first ? 3 + i : i] = w[i];
    }
    assert_wr_ok(wr_skeleton_set_velocities(s, q, 6));
}

/* ---- closed forms ----------------------------------------------------------------------------------------------- */

static void test_spinning_ball_keeps_its_velocity(void **state)
{
    (void)state;
    wr_world *w = make_world();
    const double zero[3] = {0, 0, 0};
    assert_wr_ok(wr_world_set_gravity(w, zero));
    const double size[3] = {0.05, 0, 0}, pos[3] = {0, 0, 0}, rot[4] = {1, 0, 0, 0};
    const double mass = 2.0;
    wr_skeleton *s = add_free_body(w, WR_SHAPE_SPHERE, size, mass, pos, rot, 0.0);
    /* spin about x, fly along y: the spin turns the body (and a body-frame velocity) 0.2 rad per step */
    const double spin[3] = {200.0, 0, 0}, vel[3] = {0, 3.0, 0};
    set_free_velocity(s, mass, spin, vel);
    double ke0;
    assert_wr_ok(wr_skeleton_kinetic_energy(s, &ke0));
    assert_wr_ok(wr_world_step(w, 5000));
    double p[3], r[9], ke;
    assert_wr_ok(wr_skeleton_body_pose(s, 0, p, r));
    assert_wr_ok(wr_skeleton_kinetic_energy(s, &ke));
    /* closed form: a straight line at constant speed, constant spin. (With body-frame linear velocities, the
     * semi-implicit position update moves along the velocity turned by half a step's spin, here 0.1 rad about x:
     * still a straight line of 15 m, so only the distance and the plane are checked.) */
    const double dist = sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    print_message("ball after 5 s: speed %.12f m/s, at (%.6f, %.6f, %.6f), energy change %.3g J\n", com_speed(s, mass),
                  p[0], p[1], p[2], ke - ke0);
    assert_true(fabs(com_speed(s, mass) - 3.0) < 1e-9);
    assert_true(fabs(dist - 15.0) < 1e-6 && fabs(p[0]) < 1e-9);
    assert_true(fabs(ke - ke0) < 1e-9 * ke0);
    assert_wr_ok(wr_world_destroy(w));
}

static void test_tumbling_box_conserves_energy_and_momentum(void **state)
{
    (void)state;
    wr_world *w = make_world();
    const double zero[3] = {0, 0, 0};
    assert_wr_ok(wr_world_set_gravity(w, zero));
    const double size[3] = {0.10, 0.06, 0.03}, pos[3] = {0, 0, 0}, rot[4] = {1, 0, 0, 0};
    const double mass = 1.5;
    wr_skeleton *s = add_free_body(w, WR_SHAPE_BOX, size, mass, pos, rot, 0.0);
    /* mostly about the intermediate axis (y): the unstable one, which tumbles */
    const double spin[3] = {0.5, 60.0, 0.5}, vel[3] = {0, 0, 0};
    set_free_velocity(s, mass, spin, vel);
    double e0, p0[3], l0[3];
    assert_wr_ok(wr_skeleton_kinetic_energy(s, &e0));
    assert_wr_ok(wr_skeleton_momentum(s, p0, l0));
    const double l0n = sqrt(l0[0] * l0[0] + l0[1] * l0[1] + l0[2] * l0[2]);
    double emax = e0, emin = e0, ldev = 0;
    for (int k = 0; k < 3000; k++) {
        assert_wr_ok(wr_world_step(w, 1));
        double e, p[3], l[3];
        assert_wr_ok(wr_skeleton_kinetic_energy(s, &e));
        assert_wr_ok(wr_skeleton_momentum(s, p, l));
        emax = fmax(emax, e);
        emin = fmin(emin, e);
        ldev = fmax(ldev, sqrt((l[0] - l0[0]) * (l[0] - l0[0]) + (l[1] - l0[1]) * (l[1] - l0[1]) +
                               (l[2] - l0[2]) * (l[2] - l0[2])));
    }
    print_message("tumbling box, 3 s: energy %+.3g%% .. %+.3g%%, world angular momentum off by %.3g%%\n",
                  100 * (emin - e0) / e0, 100 * (emax - e0) / e0, 100 * ldev / l0n);
    assert_true(emax <= e0 * (1 + 1e-12));    /* never gains */
    assert_true(emin >= e0 * (1 - 0.02));     /* loses at most 2% in 3 s at 60 rad/s */
    assert_true(ldev <= 0.05 * l0n);          /* the momentum stays put in the world to 5% */
    assert_wr_ok(wr_world_destroy(w));
}

/* A state that overflows (here 1e200 rad/s and m/s, set by hand) fails the step with WR_ERR_NON_FINITE and a message
 * naming the skeleton; the world is left as it was, and fails the same way until its state is set again. */
static void test_overflowing_state_fails_cleanly(void **state)
{
    (void)state;
    wr_world *w = make_world();
    const double size[3] = {0.1, 0.1, 0.1}, pos[3] = {0, 0, 1}, rot[4] = {1, 0, 0, 0};
    wr_skeleton *s = add_free_body(w, WR_SHAPE_BOX, size, 1.0, pos, rot, 0.0);
    const double huge[6] = {1e200, 1e200, 1e200, 1e200, 1e200, 1e200}; /* spin and speed, in any dof order */
    assert_wr_ok(wr_skeleton_set_velocities(s, huge, 6));
    const uint64_t before = wr_world_state_hash(w);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(wr_world_step(w, 1), WR_ERR_NON_FINITE);
        assert_non_null(strstr(wr_last_error(), "'clutter'"));
        assert_true(wr_world_state_hash(w) == before);
    }
    const double calm[6] = {0, 0, 0, 0, 0, 0};
    assert_wr_ok(wr_skeleton_set_velocities(s, calm, 6));
    assert_wr_ok(wr_world_step(w, 10));
    assert_wr_ok(wr_world_destroy(w));
}

/* ---- the issue's scene ------------------------------------------------------------------------------------------ */

static uint64_t lcg_state;
static double lcg_uniform(double lo, double hi)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return lo + (hi - lo) * (double)(lcg_state >> 11) * (1.0 / 9007199254740992.0);
}

static void test_issue16_reproducer(void **state)
{
    (void)state;
    wr_world *w = make_world();
    assert_wr_ok(wr_scene_build(w, "humanoid"));
    /* the layout of the first reproducer, seed 17: ten balls and boxes of 0.2-5 kg, half sizes 4-15 cm */
    lcg_state = 17ull * 0x9E3779B97F4A7C15ull + 1;
    double mass[10];
    for (int i = 0; i < 10; i++) {
        const int sphere = lcg_uniform(0, 1) < 0.5;
        const double half = lcg_uniform(0.04, 0.15);
        mass[i] = lcg_uniform(0.2, 5.0);
        const double pos[3] = {lcg_uniform(-0.6, 0.6), lcg_uniform(-0.6, 0.6), lcg_uniform(0.3, 2.5)};
        const double a = lcg_uniform(0, 3);
        const double rot[4] = {cos(0.5 * a), 0.6 * sin(0.5 * a), 0.8 * sin(0.5 * a), 0};
        const double size[3] = {half, half, half};
        add_free_body(w, sphere ? WR_SHAPE_SPHERE : WR_SHAPE_BOX, size, mass[i], pos, rot, 0.0);
    }
    double vmax = 0;
    for (int k = 0; k < 5000; k++) {
        assert_wr_ok(wr_world_step(w, 1)); /* failed at t = 1.684 s with WR_ERR_NON_FINITE */
        for (int i = 0; i < 10; i++)
            vmax = fmax(vmax, com_speed(wr_world_get_skeleton(w, 2 + i), mass[i]));
    }
    print_message("issue 16 layout: fastest body %.2f m/s over 5 s\n", vmax);
    assert_true(vmax < SPEED_BOUND);
    assert_wr_ok(wr_world_destroy(w));
}

/* ---- randomized clutter ----------------------------------------------------------------------------------------- */

typedef struct clutter_stats {
    double speed, depth, depth_any, energy_gain; /* worst over the run */
} clutter_stats;

/* Segments along the z axis of every body of skeleton `s`: the places clutter must not start in. */
static int skeleton_segments(wr_skeleton *s, double seg[][6], int capacity)
{
    int n = 0;
    const int bodies = wr_skeleton_body_count(s);
    for (int i = 0; i < bodies && n < capacity; i++) {
        double p[3], r[9];
        assert_wr_ok(wr_skeleton_body_pose(s, i, p, r));
        /* limbs and links lie along their body's z axis, up or down from the origin (the head 0.73 m above) */
        double tip[3] = {p[0] + 0.75 * r[2], p[1] + 0.75 * r[5], p[2] + 0.75 * r[8]};
        double mid[3] = {p[0] - 0.45 * r[2], p[1] - 0.45 * r[5], p[2] - 0.45 * r[8]};
        memcpy(seg[n], p, sizeof p);
        memcpy(seg[n] + 3, tip, sizeof tip);
        n++;
        if (n < capacity) {
            memcpy(seg[n], p, sizeof p);
            memcpy(seg[n] + 3, mid, sizeof mid);
            n++;
        }
    }
    return n;
}

static double point_segment_distance(const double p[3], const double s[6])
{
    double d[3], e[3], t = 0, ee = 0;
    for (int i = 0; i < 3; i++) {
        d[i] = p[i] - s[i];
        e[i] = s[3 + i] - s[i];
        t += d[i] * e[i];
        ee += e[i] * e[i];
    }
    t = ee > 0 ? fmin(1.0, fmax(0.0, t / ee)) : 0.0;
    double r = 0;
    for (int i = 0; i < 3; i++)
        r += (d[i] - t * e[i]) * (d[i] - t * e[i]);
    return sqrt(r);
}

static double world_energy(wr_world *w)
{
    double e = 0;
    for (int i = 0; i < wr_world_skeleton_count(w); i++) {
        double ke, pe;
        assert_wr_ok(wr_skeleton_kinetic_energy(wr_world_get_skeleton(w, i), &ke));
        assert_wr_ok(wr_skeleton_potential_energy(wr_world_get_skeleton(w, i), &pe));
        e += ke + pe;
    }
    return e;
}

/* A static ground plane through the origin (the humanoid scene has its own). */
static void add_ground(wr_world *w)
{
    wr_skeleton *s = NULL;
    assert_wr_ok(wr_skeleton_create(wr_world_get_memory_manager(w), "ground", &s));
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_WELD);
    assert_wr_ok(wr_skeleton_add_body(s, &b, NULL));
    wr_shape_desc sh;
    wr_shape_desc_init(&sh, WR_SHAPE_PLANE);
    assert_wr_ok(wr_skeleton_add_shape(s, 0, &sh, NULL));
    assert_wr_ok(wr_world_add_skeleton(w, &s, NULL));
}

static void run_clutter(const char *scene, uint64_t seed, clutter_stats *out)
{
    wr_world *w = make_world();
    assert_wr_ok(wr_scene_build(w, scene));
    if (strcmp(scene, "humanoid") != 0)
        add_ground(w);
    const int articulated = 0;
    double seg[64][6];
    const int nseg = skeleton_segments(wr_world_get_skeleton(w, articulated), seg, 64);
    test_rng rng;
    test_rng_seed(&rng, seed * 7919 + 13);
    const int count = 5 + (int)test_rng_uniform(&rng, 0, 16);
    const int first = wr_world_skeleton_count(w);
    double mass[MAX_SKELETONS] = {0}, placed[MAX_SKELETONS][4];
    int cylinder[MAX_SKELETONS] = {0};
    for (int i = 0; i < count; i++) {
        const int kind = (int)test_rng_uniform(&rng, 0, 4);
        const double h = test_rng_uniform(&rng, 0.03, 0.15);
        const double m = 0.25 * pow(100.0, test_rng_uniform(&rng, 0, 1));
        const double e = (double[3]){0.0, 0.2, 0.5}[(int)test_rng_uniform(&rng, 0, 3)];
        wr_shape_type type = WR_SHAPE_BOX;
        double size[3] = {h, 0.8 * h, 0.6 * h};
        if (kind == 1) {
            type = WR_SHAPE_SPHERE;
            size[0] = h;
        } else if (kind == 2) {
            type = WR_SHAPE_CAPSULE;
            size[0] = 0.5 * h;
            size[1] = h;
        } else if (kind == 3) {
            type = WR_SHAPE_CYLINDER;
            size[0] = h;
            size[1] = 0.6 * h;
        }
        const double reach = 1.6 * h; /* bounding radius of every kind, with room */
        double pos[3];
        for (int tries = 0;; tries++) { /* dropped: nothing overlaps at the start */
            assert_true(tries < 10000);
            pos[0] = test_rng_uniform(&rng, -0.6, 0.6);
            pos[1] = test_rng_uniform(&rng, -0.6, 0.6);
            pos[2] = test_rng_uniform(&rng, reach + 0.01, 2.5);
            int ok = 1;
            for (int k = 0; k < nseg && ok; k++)
                ok = point_segment_distance(pos, seg[k]) > reach + 0.2;
            for (int k = 0; k < i && ok; k++) {
                const double dx = pos[0] - placed[k][0], dy = pos[1] - placed[k][1], dz = pos[2] - placed[k][2];
                ok = sqrt(dx * dx + dy * dy + dz * dz) > reach + placed[k][3];
            }
            if (ok)
                break;
        }
        memcpy(placed[i], pos, sizeof pos);
        placed[i][3] = reach;
        double axis[3] = {test_rng_uniform(&rng, -1, 1), test_rng_uniform(&rng, -1, 1), test_rng_uniform(&rng, -1, 1)};
        const double an = sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]) + 1e-12;
        const double angle = test_rng_uniform(&rng, 0, 3.14159);
        const double rot[4] = {cos(0.5 * angle), sin(0.5 * angle) * axis[0] / an, sin(0.5 * angle) * axis[1] / an,
                               sin(0.5 * angle) * axis[2] / an};
        add_free_body(w, type, size, m, pos, rot, e);
        mass[first + i] = m;
        cylinder[first + i] = type == WR_SHAPE_CYLINDER;
    }
    const double e0 = world_energy(w);
    memset(out, 0, sizeof *out);
    static wr_collision_contact_info contacts[1024];
    for (int k = 0; k < 5000; k++) {
        wr_status st = wr_world_step(w, 1);
        if (st != WR_OK)
            print_error("%s seed %llu, step %d: %s\n", scene, (unsigned long long)seed, k, wr_last_error());
        assert_int_equal(st, WR_OK);
        for (int i = first; i < first + count; i++) {
            wr_skeleton *s = wr_world_get_skeleton(w, i);
            double p[3], r[9];
            assert_wr_ok(wr_skeleton_body_pose(s, 0, p, r));
            assert_true(isfinite(p[0]) && isfinite(p[1]) && isfinite(p[2]));
            if (!(fabs(p[0]) < 25 && fabs(p[1]) < 25 && p[2] > -0.05 && p[2] < 3.0))
                print_error("%s seed %llu, step %d: body %d left the scene at (%g, %g, %g)\n", scene,
                            (unsigned long long)seed, k, i, p[0], p[1], p[2]);
            assert_true(fabs(p[0]) < 25 && fabs(p[1]) < 25 && p[2] > -0.05 && p[2] < 3.0);
            out->speed = fmax(out->speed, com_speed(s, mass[i]));
        }
        size_t n = 0;
        assert_wr_ok(wr_collision_get_contacts(w, contacts, 1024, &n));
        assert_true(n <= 1024);
        for (size_t c = 0; c < n; c++) {
            const int cyl = cylinder[contacts[c].skeleton_a] || cylinder[contacts[c].skeleton_b];
            out->depth_any = fmax(out->depth_any, contacts[c].depth);
            if (!cyl)
                out->depth = fmax(out->depth, contacts[c].depth);
        }
        if (k % 10 == 9)
            out->energy_gain = fmax(out->energy_gain, world_energy(w) - e0);
    }
    if (out->speed >= SPEED_BOUND || out->depth >= DEPTH_BOUND || out->depth_any >= DEPTH_BOUND_ANY ||
        out->energy_gain >= ENERGY_SLACK + 0.002 * fabs(e0))
        print_error("%s seed %llu (%d bodies): speed %.3g m/s, depth %.4g m (any pair %.4g m), energy gain %.3g J "
                    "(start %.4g J)\n", scene, (unsigned long long)seed, count, out->speed, out->depth,
                    out->depth_any, out->energy_gain, e0);
    assert_true(out->speed < SPEED_BOUND);
    assert_true(out->depth < DEPTH_BOUND);
    assert_true(out->depth_any < DEPTH_BOUND_ANY);
    assert_true(out->energy_gain < ENERGY_SLACK + 0.002 * fabs(e0));
    assert_wr_ok(wr_world_destroy(w));
}

static long env_long(const char *name, long fallback)
{
    const char *s = getenv(name);
    return s && *s ? strtol(s, NULL, 10) : fallback;
}

static void run_seeds(const char *scene, long default_seeds)
{
    const long seeds = env_long("WR_STABILITY_SEEDS", default_seeds);
    const long seed0 = env_long("WR_STABILITY_SEED0", 0);
    clutter_stats worst = {0, 0, 0, 0};
    for (long k = seed0; k < seed0 + seeds; k++) {
        clutter_stats st;
        run_clutter(scene, (uint64_t)k, &st);
        worst.speed = fmax(worst.speed, st.speed);
        worst.depth = fmax(worst.depth, st.depth);
        worst.depth_any = fmax(worst.depth_any, st.depth_any);
        worst.energy_gain = fmax(worst.energy_gain, st.energy_gain);
    }
    print_message("%s, seeds %ld..%ld: fastest body %.2f m/s, deepest contact %.4f m (with cylinders %.4f m), "
                  "largest energy gain %.3g J\n", scene, seed0, seed0 + seeds - 1, worst.speed, worst.depth,
                  worst.depth_any, worst.energy_gain);
}

static void test_random_clutter_humanoid(void **state)
{
    (void)state;
    run_seeds("humanoid", DEFAULT_SEEDS_HUMANOID);
}

static void test_random_clutter_arm7(void **state)
{
    (void)state;
    run_seeds("arm7", DEFAULT_SEEDS_ARM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spinning_ball_keeps_its_velocity),
        cmocka_unit_test(test_tumbling_box_conserves_energy_and_momentum),
        cmocka_unit_test(test_overflowing_state_fails_cleanly),
        cmocka_unit_test(test_issue16_reproducer),
        cmocka_unit_test(test_random_clutter_humanoid),
        cmocka_unit_test(test_random_clutter_arm7),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
