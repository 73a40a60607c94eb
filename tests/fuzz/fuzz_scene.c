/* fuzz_scene — scene names: wr_scene_build and wr_scene_cost_estimate on any string.
 *
 * Input: one flag byte, then the name (at most 63 bytes, cut at the first NUL).
 *   flags bits 0-1  memory budget: none, (u16 + 1) * 64 B, (u16 + 1) * 1 KiB, none
 *         bits 2-3  steps taken after a successful build (0..3)
 *         bit 4     build the name a second time into the same world
 *         bit 5     build "pendulum" first, so a failing build has something to leave alone
 * Promises checked: a name is accepted exactly when its cost estimate is > 0 (without a budget, a known name always
 * builds); a failed build returns INVALID_ARGUMENT, BUDGET or OUT_OF_MEMORY with a message and leaves the world as it
 * was (state hash, step count, skeletons, sizes); a built scene has finite state; a failed step changes nothing; a
 * snapshot taken after the build restores the world bit for bit; destroying the world reports no leak.
 */
#include "fuzz_support.h"

static void check_finite_state(const wr_world *w)
{
    size_t nq = wr_world_position_count(w), nv = wr_world_dof_count(w);
    double *q = malloc((nq + nv + 1) * sizeof(double));
    FUZZ_CHECK(q != NULL, "out of memory in the harness");
    FUZZ_CHECK(FUZZ_CALL(wr_world_get_positions(w, q, nq)) == WR_OK, "get positions");
    FUZZ_CHECK(FUZZ_CALL(wr_world_get_velocities(w, q + nq, nv)) == WR_OK, "get velocities");
    FUZZ_CHECK(fuzz_all_finite(q, nq + nv), "a world the library accepted holds NaN/Inf");
    free(q);
}

/* The world-wide sizes are the sums over the skeletons. */
static void check_sizes(const wr_world *w)
{
    size_t nq = 0, nv = 0;
    for (int i = 0; i < wr_world_skeleton_count(w); i++) {
        const wr_skeleton *s = wr_world_get_skeleton(w, i);
        FUZZ_CHECK(s != NULL, "skeleton %d of %d is NULL", i, wr_world_skeleton_count(w));
        nq += (size_t)wr_skeleton_position_count(s);
        nv += (size_t)wr_skeleton_dof_count(s);
    }
    FUZZ_CHECK(nq == wr_world_position_count(w) && nv == wr_world_dof_count(w),
               "world sizes %zu/%zu, skeletons sum to %zu/%zu", wr_world_position_count(w), wr_world_dof_count(w), nq,
               nv);
}

static void build(wr_world *w, const char *name, bool budgeted)
{
    const fuzz_world_view before = fuzz_world_view_of(w);
    const double cost = wr_scene_cost_estimate(name);
    FUZZ_CHECK(cost >= 0 && isfinite(cost), "cost estimate %g for '%s'", cost, name);
    wr_status st = FUZZ_CALL(wr_scene_build(w, name));
    if (st == WR_OK) {
        FUZZ_CHECK(cost > 0, "'%s' built but its cost estimate is %g", name, cost);
        FUZZ_CHECK(wr_world_skeleton_count(w) > before.skeletons, "'%s' built nothing", name);
        check_sizes(w);
        check_finite_state(w);
        return;
    }
    FUZZ_CHECK(st == WR_ERR_INVALID_ARGUMENT || st == WR_ERR_BUDGET || st == WR_ERR_OUT_OF_MEMORY,
               "'%s' failed with %s", name, wr_status_name(st));
    FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(w)), "failed build of '%s' changed the world", name);
    if (st == WR_ERR_INVALID_ARGUMENT)
        FUZZ_CHECK(cost == 0, "'%s' refused as invalid but its cost estimate is %g", name, cost);
    else
        FUZZ_CHECK(budgeted, "'%s' failed with %s without a budget", name, wr_status_name(st));
    if (cost > 0)
        FUZZ_CHECK(st != WR_ERR_INVALID_ARGUMENT, "known scene '%s' refused as invalid", name);
}

static void step_and_replay(wr_world *w, int steps)
{
    size_t bytes = wr_world_snapshot_size(w);
    unsigned char *snap = malloc(bytes);
    FUZZ_CHECK(snap != NULL, "out of memory in the harness");
    FUZZ_CHECK(FUZZ_CALL(wr_world_save_snapshot(w, snap, bytes)) == WR_OK, "save snapshot");
    const fuzz_world_view saved = fuzz_world_view_of(w);
    int done = 0;
    for (; done < steps; done++) {
        const fuzz_world_view before = fuzz_world_view_of(w);
        wr_status st = FUZZ_CALL(wr_world_step(w, 1));
        if (st != WR_OK) {
            FUZZ_CHECK(st == WR_ERR_NON_FINITE || st == WR_ERR_BUDGET || st == WR_ERR_OUT_OF_MEMORY,
                       "step failed with %s", wr_status_name(st));
            FUZZ_CHECK(fuzz_world_view_equal(before, fuzz_world_view_of(w)), "a failed step changed the world");
            break;
        }
        check_finite_state(w);
    }
    const fuzz_world_view after = fuzz_world_view_of(w);
    if (done > 0) {
        FUZZ_CHECK(FUZZ_CALL(wr_world_restore_snapshot(w, snap, bytes)) == WR_OK, "restore snapshot");
        FUZZ_CHECK(fuzz_world_view_equal(saved, fuzz_world_view_of(w)), "restore did not bring the state back");
        /* replaying the same steps from the snapshot gives the same bits */
        FUZZ_CHECK(FUZZ_CALL(wr_world_step(w, done)) == WR_OK, "replay of %d steps failed", done);
        FUZZ_CHECK(fuzz_world_view_equal(after, fuzz_world_view_of(w)), "replay after restore differs");
    }
    free(snap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader in = fuzz_reader_make(data, size);
    const uint8_t flags = fuzz_u8(&in);
    size_t budget = 0;
    if ((flags & 3u) == 1u)
        budget = ((size_t)fuzz_u16(&in) + 1) * 64;
    else if ((flags & 3u) == 2u)
        budget = ((size_t)fuzz_u16(&in) + 1) * 1024;
    char name[64];
    size_t n = in.left < sizeof name - 1 ? in.left : sizeof name - 1;
    fuzz_bytes(&in, name, n);
    name[n] = '\0';

    wr_world_config cfg;
    wr_world_config_init(&cfg);
    cfg.memory_budget = budget;
    wr_world *w = NULL;
    wr_status st = FUZZ_CALL(wr_world_create(&cfg, &w));
    if (st != WR_OK) {
        FUZZ_CHECK(budget && st == WR_ERR_BUDGET, "world create failed with %s", wr_status_name(st));
        return 0;
    }
    if (flags & 0x20u)
        build(w, "pendulum", budget != 0);
    build(w, name, budget != 0);
    if (flags & 0x10u)
        build(w, name, budget != 0);
    if (wr_world_skeleton_count(w) > 0)
        step_and_replay(w, (flags >> 2) & 3);
    st = FUZZ_CALL(wr_world_destroy(w));
    FUZZ_CHECK(st == WR_OK, "world destroy returned %s", wr_status_name(st));
    return 0;
}
