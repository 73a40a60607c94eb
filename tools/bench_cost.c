/* bench_cost — how well wr_world_runner_cost_estimate() predicts the time of a step, on the built-in scenes.
 *
 *   bench_cost [--steps N]
 *
 * For each scene: one world on this thread, 500 steps to settle (boxes land, the humanoid falls), then the best of 21
 * timed runs of N steps (default 200); prints microseconds per step, the runner's estimate and the time per unit of
 * estimate. A perfect estimate gives the same us/unit for every scene: the spread line is max / min of us/unit, for
 * the estimate and for the naive "dofs + shapes" count it replaces, measured in the same process.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worldrunner/scenes.h"
#include "worldrunner/worldrunner.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void die(const char *what, wr_status st)
{
    fprintf(stderr, "bench_cost: %s: %s: %s\n", what, wr_status_name(st), wr_last_error());
    exit(1);
}

int main(int argc, char **argv)
{
    int steps = 200;
    if (argc == 3 && strcmp(argv[1], "--steps") == 0 && atoi(argv[2]) > 0) {
        steps = atoi(argv[2]);
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [--steps N]\n", argv[0]);
        return 2;
    }
    static const char *const scenes[] = {"pendulum", "chain:4", "chain:16", "chain:64", "arm7",
                                         "humanoid", "boxes:1", "boxes:4",  "boxes:16", "boxes:64"};
    double lo = 1e300, hi = 0, naive_lo = 1e300, naive_hi = 0;
    printf("%-10s %5s %7s %9s %10s %9s %12s\n", "scene", "dofs", "shapes", "us/step", "estimate", "us/unit",
           "dofs+shapes");
    for (size_t i = 0; i < sizeof scenes / sizeof scenes[0]; ++i) {
        wr_world *w = NULL;
        wr_status st = wr_world_create(NULL, &w);
        if (st == WR_OK)
            st = wr_scene_build(w, scenes[i]);
        if (st == WR_OK)
            st = wr_world_step(w, 500);
        if (st != WR_OK)
            die(scenes[i], st);
        double best = 1e300;
        for (int round = 0; round < 21; ++round) {
            double t0 = now();
            if ((st = wr_world_step(w, steps)) != WR_OK)
                die(scenes[i], st);
            double t = (now() - t0) / steps * 1e6;
            best = t < best ? t : best;
        }
        int shapes = 0;
        for (int k = 0; k < wr_world_skeleton_count(w); ++k)
            shapes += wr_skeleton_shape_count(wr_world_get_skeleton(w, k));
        double estimate = wr_world_runner_cost_estimate(w), naive = (double)wr_world_dof_count(w) + shapes;
        double unit = best / estimate, naive_unit = best / naive;
        lo = unit < lo ? unit : lo;
        hi = unit > hi ? unit : hi;
        naive_lo = naive_unit < naive_lo ? naive_unit : naive_lo;
        naive_hi = naive_unit > naive_hi ? naive_unit : naive_hi;
        printf("%-10s %5zu %7d %9.2f %10.0f %9.3f %12.0f\n", scenes[i], wr_world_dof_count(w), shapes, best, estimate,
               unit, naive);
        wr_world_destroy(w);
    }
    printf("spread of us/unit (max / min): estimate %.2fx, dofs + shapes %.2fx\n", hi / lo, naive_hi / naive_lo);
    return 0;
}
