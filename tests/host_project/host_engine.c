/* A tiny host engine: what a program using an installed worldrunner does. It includes only the public headers,
 * links only the installed library, and exits non-zero if anything it checks is wrong. */
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

/* Two worlds built from the same scene and stepped alike end in the same state (the library's determinism). */
static int use_worlds(void)
{
    wr_world_config config;
    wr_world_config_init(&config);
    wr_world *a = NULL, *b = NULL;
    CHECK(wr_world_create(&config, &a));
    CHECK(wr_world_create(&config, &b));
    CHECK(wr_scene_build(a, "chain:4"));
    CHECK(wr_scene_build(b, "chain:4"));
    CHECK(wr_world_step(a, 100));
    CHECK(wr_world_step(b, 50));
    CHECK(wr_world_step(b, 50));
    wr_memory_manager_stats stats;
    CHECK(wr_memory_manager_get_stats(wr_world_get_memory_manager(a), &stats));
    printf("host_engine: chain:4 world: %zu DOFs, t = %.3f s after %llu steps, %zu bytes reserved\n",
           wr_world_dof_count(a), wr_world_time(a), (unsigned long long)wr_world_step_count(a), stats.bytes_reserved);
    if (wr_world_step_count(a) != 100 || wr_world_state_hash(a) != wr_world_state_hash(b)) {
        fprintf(stderr, "host_engine: worlds stepped alike differ\n");
        return 1;
    }
    if (wr_scene_build(a, "no-such-scene") != WR_ERR_INVALID_ARGUMENT) {
        fprintf(stderr, "host_engine: an unknown scene was accepted\n");
        return 1;
    }
    CHECK(wr_world_destroy(b));
    CHECK(wr_world_destroy(a));
    return 0;
}

int main(void)
{
    if (use_memory_manager() != 0 || use_worlds() != 0)
        return 1;
    printf("host_engine: ok\n");
    return 0;
}
