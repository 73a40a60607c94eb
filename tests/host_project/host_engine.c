/* A tiny host engine: what a program using an installed worldrunner does. It includes only the public headers,
 * links only the installed core library (no built-in scenes: its robot is its own, built by its own callback on the
 * runner's workers), and exits non-zero if anything it checks is wrong. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <worldrunner/worldrunner.h>

#define CHECK(call)                                                                                             \
    do {                                                                                                        \
        wr_status s_ = (call);                                                                                  \
        if (s_ != WR_OK) {                                                                                      \
            fprintf(stderr, "host_engine: %s -> %s: %s\n", #call, wr_status_name(s_), wr_last_error());         \
            return 1;                                                                                           \
        }                                                                                                       \
    } while (0)

static int use_memory_manager(void)
{
    wr_memory_manager_config config;
    wr_memory_manager_config_init(&config);
    config.budget_bytes = 1u << 20;
    wr_memory_manager *manager = NULL;
    CHECK(wr_memory_manager_create(&config, &manager));

    void *small = NULL, *large = NULL;
    CHECK(wr_memory_manager_allocate(manager, 256, 32, WR_MEMORY_TAG_USER, &small));
    CHECK(wr_memory_manager_allocate(manager, 64 * 1024, 64, WR_MEMORY_TAG_SOLVER, &large));
    memset(small, 1, 256);
    memset(large, 2, 64 * 1024);

    /* Past the budget: refused with a status, nothing changed. */
    void *too_big = NULL;
    wr_status refused = wr_memory_manager_allocate(manager, 4u << 20, 16, WR_MEMORY_TAG_USER, &too_big);
    if (refused != WR_ERR_BUDGET) {
        fprintf(stderr, "host_engine: expected WR_ERR_BUDGET, got %s\n", wr_status_name(refused));
        return 1;
    }

    wr_memory_manager_stats stats;
    CHECK(wr_memory_manager_get_stats(manager, &stats));
    printf("host_engine: memory manager: %zu bytes in use, %zu reserved in %zu chunks, %llu budget refusal(s)\n",
           stats.bytes_in_use, stats.bytes_reserved, stats.chunks, (unsigned long long)stats.budget_refusals);
    if (stats.bytes_in_use != 256 + 64 * 1024 || stats.budget_refusals != 1) {
        fprintf(stderr, "host_engine: unexpected statistics\n");
        return 1;
    }

    /* Per-step temporaries from a frame allocator over the manager. */
    wr_frame_allocator *frame = NULL;
    CHECK(wr_frame_allocator_create(manager, 16 * 1024, WR_MEMORY_TAG_SOLVER, &frame));
    for (int step = 0; step < 10; ++step) {
        void *tmp = NULL;
        CHECK(wr_frame_allocator_allocate(frame, 4096, 32, &tmp));
        memset(tmp, step, 4096);
        CHECK(wr_frame_allocator_reset(frame));
    }
    CHECK(wr_frame_allocator_destroy(frame));

    CHECK(wr_memory_manager_deallocate(manager, large, 64 * 1024, 64, WR_MEMORY_TAG_SOLVER));
    CHECK(wr_memory_manager_deallocate(manager, small, 256, 32, WR_MEMORY_TAG_USER));
    CHECK(wr_memory_manager_destroy(manager));
    return 0;
}

/* ---- the host's own robot: an arm of revolute links over a floor, built by the host's own callback ---------- */

typedef struct arm_spec {
    int links;                   /* revolute links, 0.25 m each (1..8) */
    double shoulder;             /* initial angle of the first joint (rad) */
} arm_spec;

/* Runs on the worker that owns `w`: everything it allocates comes from that worker's arena. */
static wr_status build_arm(wr_world *w, void *context)
{
    const arm_spec *spec = context;
    wr_skeleton *floor = NULL, *arm = NULL;
    wr_status s = wr_skeleton_create(wr_world_get_memory_manager(w), "floor", &floor);
    wr_body_desc b;
    wr_body_desc_init(&b);
    wr_joint_desc_init(&b.joint, WR_JOINT_WELD);
    wr_shape_desc plane;
    wr_shape_desc_init(&plane, WR_SHAPE_PLANE);
    if (s == WR_OK && (s = wr_skeleton_add_body(floor, &b, NULL)) == WR_OK &&
        (s = wr_skeleton_add_shape(floor, 0, &plane, NULL)) == WR_OK)
        s = wr_world_add_skeleton(w, &floor, NULL);
    if (s != WR_OK) {
        wr_skeleton_destroy(floor);
        return s;
    }
    s = wr_skeleton_create(wr_world_get_memory_manager(w), "arm", &arm);
    for (int i = 0; s == WR_OK && i < spec->links; ++i) {
        wr_body_desc_init(&b);
        snprintf(b.name, sizeof b.name, "link%d", i);
        b.parent = i - 1;
        wr_joint_desc_init(&b.joint, WR_JOINT_REVOLUTE);
        b.joint.axis[0] = 0.0;
        b.joint.axis[1] = 1.0;
        b.joint.axis[2] = 0.0;
        b.joint.parent_pose.position[2] = i == 0 ? 1.0 : 0.25;
        b.joint.damping = 0.1;
        b.mass = 1.0;
        b.com[2] = 0.125;
        wr_shape_desc capsule;
        wr_shape_desc_init(&capsule, WR_SHAPE_CAPSULE);
        capsule.size[0] = 0.03;
        capsule.size[1] = 0.125;
        capsule.pose.position[2] = 0.125;
        if ((s = wr_inertia_of_capsule(1.0, 0.03, 0.125, b.inertia)) == WR_OK &&
            (s = wr_skeleton_add_body(arm, &b, NULL)) == WR_OK)
            s = wr_skeleton_add_shape(arm, i, &capsule, NULL);
    }
    double q[8] = {spec->shoulder};
    if (s == WR_OK && (s = wr_skeleton_set_positions(arm, q, (size_t)spec->links)) == WR_OK)
        s = wr_world_add_skeleton(w, &arm, NULL);
    if (s != WR_OK && arm)
        wr_skeleton_destroy(arm);
    return s; /* on failure the runner destroys the half-built world (the floor too) */
}

enum { COPIES = 100, TICKS = 50, STEPS_PER_TICK = 10 };

/* 100 copies of the arm on a runner, each built on its worker by build_arm, stepped together: every copy ends where
 * one arm built and stepped alone ends (the library's determinism), and the rules of a tick hold. */
static int use_runner(void)
{
    wr_world_runner_config rc;
    wr_world_runner_config_init(&rc);
    rc.placement = WR_NUMA_PLACEMENT_NONE; /* any machine: do not pin */
    wr_world_runner *runner = NULL;
    CHECK(wr_world_runner_create(&rc, &runner));
    arm_spec spec = {.links = 3, .shoulder = 0.6};
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = build_arm;
    wc.build_context = &spec;
    static wr_world *copies[COPIES];
    for (int i = 0; i < COPIES; ++i)
        CHECK(wr_world_runner_create_world(runner, &wc, &copies[i]));

    /* A bad arm (an infinite angle) fails on its worker with the library's message; nothing is left behind. */
    arm_spec bad = {.links = 1, .shoulder = INFINITY};
    wc.build_context = &bad;
    wr_world *broken = NULL;
    wr_status refused = wr_world_runner_create_world(runner, &wc, &broken);
    if (refused != WR_ERR_NON_FINITE || broken != NULL || wr_world_runner_world_count(runner) != COPIES) {
        fprintf(stderr, "host_engine: a bad build gave %s (%s)\n", wr_status_name(refused), wr_last_error());
        return 1;
    }

    CHECK(wr_world_runner_step_begin(runner, STEPS_PER_TICK));
    /* During a tick the host may not touch a world: refused, nothing changed. */
    double g[3] = {0.0, 0.0, -1.0};
    wr_status busy = wr_world_set_gravity(copies[0], g);
    CHECK(wr_world_runner_step_wait(runner));
    if (busy != WR_ERR_BUSY) {
        fprintf(stderr, "host_engine: a call during a tick gave %s\n", wr_status_name(busy));
        return 1;
    }
    for (int t = 1; t < TICKS; ++t)
        CHECK(wr_world_runner_step_all(runner, STEPS_PER_TICK));

    wr_world *alone = NULL;
    CHECK(wr_world_create(NULL, &alone));
    CHECK(build_arm(alone, &spec));
    CHECK(wr_world_step(alone, TICKS * STEPS_PER_TICK));
    for (int i = 0; i < COPIES; ++i) {
        if (wr_world_state_hash(copies[i]) != wr_world_state_hash(alone)) {
            fprintf(stderr, "host_engine: copy %d differs from the arm stepped alone\n", i);
            return 1;
        }
    }
    wr_world_runner_stats stats;
    CHECK(wr_world_runner_get_stats(runner, &stats));
    wr_world_runner_world_info info;
    CHECK(wr_world_runner_world_info_get(runner, copies[0], &info));
    double q[3];
    CHECK(wr_world_get_positions(copies[0], q, 3));
    printf("host_engine: %d arms on %d workers, %llu world-steps, t = %.2f s, cost %.0f each, shoulder %.4f rad\n",
           COPIES, stats.workers, (unsigned long long)stats.world_steps, wr_world_time(copies[0]), info.cost, q[0]);
    CHECK(wr_world_destroy(alone));
    CHECK(wr_world_runner_destroy(runner));
    return 0;
}

int main(void)
{
    if (use_memory_manager() != 0 || use_runner() != 0)
        return 1;
    printf("host_engine: ok\n");
    return 0;
}
