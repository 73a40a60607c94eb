/* bench_contacts — steps per second of one world with contacts, and heap / base-allocator calls per step.
 *
 * Usage: bench_contacts [steps_per_run] [scene ...]     (defaults: 2000, "boxes:64" "humanoid")
 * Each scene is built in a world with dt = 1 ms whose memory manager sits on a counting base allocator, stepped
 * 3 s so that it is at rest (boxes) or lying on the ground (humanoid), then timed over 5 runs; the median is
 * printed, as wall-clock steps/s and as steps per CPU-second of the stepping thread (the stable figure when other
 * processes share the cores). Heap calls are counted when the process runs with LD_PRELOAD=.../tools/peers/malloc_shim.so, else
 * reported as "n/a"; base-allocator requests (the world's only way to the system) are always counted.
 * Peers on this machine (issue 5): MuJoCo 2.2.2 ~3,300 steps/s, ODE 0.16 ~3,700 steps/s on boxes:64.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worldrunner/collision.h"
#include "worldrunner/scenes.h"
#include "worldrunner/worldrunner.h"

typedef struct shim_counts {
    unsigned long long allocations, frees, bytes_outstanding;
} shim_counts;
typedef void (*shim_read_fn)(shim_counts *out);

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of this thread: on a shared, loaded machine the rate per CPU second is the stable figure. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int check(wr_status s, const char *what)
{
    if (s != WR_OK)
        fprintf(stderr, "bench_contacts: %s: %s: %s\n", what, wr_status_name(s), wr_last_error());
    return s == WR_OK;
}

static int bench_scene(const char *scene, int steps, shim_read_fn shim)
{
    wr_memory_allocator *heap = NULL, *counting = NULL;
    wr_memory_manager *manager = NULL;
    wr_world *w = NULL;
    int ok = check(wr_memory_allocator_create_heap(&heap), "heap") &&
             check(wr_memory_allocator_create_counting(heap, &counting), "counting allocator");
    wr_memory_manager_config mc;
    wr_memory_manager_config_init(&mc);
    mc.base = counting;
    ok = ok && check(wr_memory_manager_create(&mc, &manager), "memory manager");
    wr_world_config wc;
    wr_world_config_init(&wc);
    wc.time_step = 0.001;
    wc.memory = manager;
    ok = ok && check(wr_world_create(&wc, &w), "world") && check(wr_scene_build(w, scene), scene) &&
         check(wr_world_step(w, 3000), "settling");
    enum { RUNS = 5 };
    double rate[RUNS], cpu_rate[RUNS];
    wr_memory_allocator_counts c0, c1;
    shim_counts h0 = {0, 0, 0}, h1 = {0, 0, 0};
    ok = ok && check(wr_memory_allocator_get_counts(counting, &c0), "counts");
    if (shim)
        shim(&h0);
    for (int r = 0; ok && r < RUNS; r++) {
        double t0 = now_seconds(), c0s = cpu_seconds();
        ok = check(wr_world_step(w, steps), "step");
        rate[r] = steps / (now_seconds() - t0);
        cpu_rate[r] = steps / (cpu_seconds() - c0s);
    }
    if (shim)
        shim(&h1);
    ok = ok && check(wr_memory_allocator_get_counts(counting, &c1), "counts");
    if (ok) {
        qsort(rate, RUNS, sizeof(double), compare_doubles);
        qsort(cpu_rate, RUNS, sizeof(double), compare_doubles);
        double total = (double)steps * RUNS;
        char heap_text[32];
        if (shim)
            snprintf(heap_text, sizeof heap_text, "%.3f", (double)(h1.allocations - h0.allocations) / total);
        else
            snprintf(heap_text, sizeof heap_text, "n/a");
        wr_collision_stats st;
        memset(&st, 0, sizeof st);
        int have_stats = wr_collision_get_stats(w, &st) == WR_OK;
        printf("%-10s %7.0f steps/s wall (median of %d x %d; min %.0f max %.0f)  %7.0f steps per CPU-second  "
               "mallocs/step %s  base requests/step %.3f",
               scene, rate[RUNS / 2], RUNS, steps, rate[0], rate[RUNS - 1], cpu_rate[RUNS / 2], heap_text,
               (double)(c1.allocations - c0.allocations) / total);
        if (have_stats)
            printf("  contacts %u rows %u islands %u iterations %u frame high-water %zu B", st.contacts, st.rows,
                   st.islands, st.iterations, st.frame_high_water);
        printf("\n");
    }
    if (w)
        wr_world_destroy(w);
    if (manager)
        wr_memory_manager_destroy(manager);
    if (counting)
        wr_memory_allocator_destroy(counting);
    if (heap)
        wr_memory_allocator_destroy(heap);
    return ok;
}

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 2000;
    if (steps < 1) {
        fprintf(stderr, "usage: bench_contacts [steps_per_run >= 1] [scene ...]\n");
        return 2;
    }
    shim_read_fn shim = NULL;
    void *sym = dlsym(RTLD_DEFAULT, "malloc_shim_read");
    memcpy(&shim, &sym, sizeof shim);
    const char *defaults[] = {"boxes:64", "humanoid"};
    int ok = 1;
    if (argc > 2)
        for (int i = 2; i < argc; i++)
            ok &= bench_scene(argv[i], steps, shim);
    else
        for (int i = 0; i < 2; i++)
            ok &= bench_scene(defaults[i], steps, shim);
    printf("peers on boxes:64 (issue 5, this machine): MuJoCo 2.2.2 ~3,300 steps/s, ODE 0.16 ~3,700 steps/s\n");
    return ok ? 0 : 1;
}
