/* Snapshots replay bit for bit: save at t0, step N (hash A), restore, step N again (hash B): A == B for scenes with
 * contacts (boxes:8, humanoid) and joint limits (a limited chain), because the snapshot carries the constraint
 * solver's warm-start cache. Restore asks nothing of the memory manager, the base allocator or malloc. Bad input:
 * NULL, truncated buffers, another layout, NaN in the cache, snapshots outgrown by the world, foreign worlds. */
#include "test_contact_scenes.h"

#include <math.h>
#include <string.h>

#include "malloc_count.h"
#include "worldrunner/collision.h"
#include "worldrunner/scenes.h"

#define SETTLE_STEPS 500
#define REPLAY_STEPS 300
#define HEADER_BYTES 56 /* snapshot header (src/world/world_state.c) */
#define ENTRY_BYTES 32  /* one warm-start entry: key + 3 impulses */

typedef struct counted_world {
    wr_memory_allocator *heap, *counting;
    wr_memory_manager *manager;
    wr_world *w;
} counted_world;

static void counted_world_create(counted_world *c)
{
    memset(c, 0, sizeof *c);
    assert_wr_ok(wr_memory_allocator_create_heap(&c->heap));
    assert_wr_ok(wr_memory_allocator_create_counting(c->heap, &c->counting));
    wr_memory_manager_config mc;
    wr_memory_manager_config_init(&mc);
    mc.base = c->counting;
    assert_wr_ok(wr_memory_manager_create(&mc, &c->manager));
    wr_world_config wc;
    wr_world_config_init(&wc);
    wc.memory = c->manager;
    assert_wr_ok(wr_world_create(&wc, &c->w));
}

static void counted_world_destroy(counted_world *c)
{
    assert_wr_ok(wr_world_destroy(c->w));
    assert_wr_ok(wr_memory_manager_destroy(c->manager));
    assert_wr_ok(wr_memory_allocator_destroy(c->counting));
    assert_wr_ok(wr_memory_allocator_destroy(c->heap));
}

static uint64_t base_allocations(const counted_world *c)
{
    wr_memory_allocator_counts n;
    assert_wr_ok(wr_memory_allocator_get_counts(c->counting, &n));
    return n.allocations;
}

static void build(counted_world *c, const char *scene)
{
    counted_world_create(c);
    if (strcmp(scene, "limited-chain") == 0)
        add_limited_chain(c->w, 0.4, 3.0);
    else
        assert_wr_ok(wr_scene_build(c->w, scene));
}

/* Restore `snap` (or `buffer` when snap is NULL) and assert no base-allocator, manager or malloc request. */
static void restore_counted(counted_world *c, const wr_world_snapshot *snap, const void *buffer, size_t bytes)
{
    const uint64_t base0 = base_allocations(c);
    wr_memory_manager_stats s0, s1;
    assert_wr_ok(wr_memory_manager_get_stats(c->manager, &s0));
    int counted = malloc_count_require("snapshot restore allocates nothing");
    if (counted)
        malloc_count_begin();
    wr_status st = snap ? wr_world_snapshot_restore(c->w, snap) : wr_world_restore_snapshot(c->w, buffer, bytes);
    malloc_count_stats m = {0};
    if (counted)
        m = malloc_count_end();
    assert_wr_ok(st);
    assert_wr_ok(wr_memory_manager_get_stats(c->manager, &s1));
    assert_int_equal(base_allocations(c), base0);
    assert_int_equal(s1.allocations, s0.allocations);
    assert_int_equal(s1.deallocations, s0.deallocations);
    assert_int_equal(s1.base_requests, s0.base_requests);
    if (counted) {
        assert_int_equal(m.allocations, 0);
        assert_int_equal(m.frees, 0);
    }
}

/* Settle, save, step N (A), restore, step N (B), for both snapshot kinds. */
static void check_replay(const char *scene, int expect_contacts, int expect_limits)
{
    counted_world c;
    build(&c, scene);
    assert_wr_ok(wr_world_step(c.w, SETTLE_STEPS));
    wr_collision_stats cs;
    assert_wr_ok(wr_collision_get_stats(c.w, &cs));
    if (expect_contacts)
        assert_true(cs.contacts > 0);
    if (expect_limits)
        assert_true(cs.limit_rows > 0);
    if (expect_contacts)
        assert_true(cs.warm_started > 0); /* contacts matched last step's: the cache is in use */

    wr_world_snapshot *snap = NULL;
    assert_wr_ok(wr_world_snapshot_create(c.w, &snap));
    assert_wr_ok(wr_world_snapshot_save(c.w, snap));
    const size_t bytes = wr_world_snapshot_size(c.w);
    assert_true(bytes >= HEADER_BYTES + (wr_world_position_count(c.w) + wr_world_dof_count(c.w)) * sizeof(double) +
                             (size_t)(cs.contacts + cs.limit_rows) * ENTRY_BYTES);
    unsigned char *buffer = test_malloc(bytes + 1);
    /* an odd address: the payload is read and written unaligned */
    assert_wr_ok(wr_world_save_snapshot(c.w, buffer + 1, bytes));
    const uint64_t saved = wr_world_state_hash(c.w);
    const uint64_t saved_steps = wr_world_step_count(c.w);

    assert_wr_ok(wr_world_step(c.w, REPLAY_STEPS));
    const uint64_t a = wr_world_state_hash(c.w);
    assert_true(a != saved);

    restore_counted(&c, snap, NULL, 0);
    assert_int_equal(wr_world_state_hash(c.w), saved);
    assert_int_equal(wr_world_step_count(c.w), saved_steps);
    size_t n = 0; /* the last step's contacts no longer describe the world */
    assert_int_equal(wr_collision_get_contacts(c.w, NULL, 0, &n), WR_ERR_INVALID_STATE);
    assert_wr_ok(wr_world_step(c.w, REPLAY_STEPS));
    const uint64_t b = wr_world_state_hash(c.w);
    print_message("%s: %u contacts, %u limit rows, %zu snapshot bytes; hash A %016llx, B %016llx\n", scene,
                  cs.contacts, cs.limit_rows, bytes, (unsigned long long)a, (unsigned long long)b);
    assert_int_equal(a, b);

    /* the caller-buffer form, twice in a row (a restore leaves the snapshot reusable) */
    for (int round = 0; round < 2; round++) {
        restore_counted(&c, NULL, buffer + 1, bytes);
        assert_int_equal(wr_world_state_hash(c.w), saved);
        assert_wr_ok(wr_world_step(c.w, REPLAY_STEPS));
        assert_int_equal(wr_world_state_hash(c.w), a);
    }
    test_free(buffer);
    assert_wr_ok(wr_world_snapshot_destroy(c.w, snap));
    counted_world_destroy(&c);
}

static void test_replay_boxes(void **state)
{
    (void)state;
    check_replay("boxes:8", 1, 0);
}

static void test_replay_humanoid(void **state)
{
    (void)state;
    check_replay("humanoid", 1, 0);
}

static void test_replay_limited_chain(void **state)
{
    (void)state;
    check_replay("limited-chain", 0, 1);
}

/* A snapshot made before any contact still replays a later restore: the cache is empty then, and is emptied. */
static void test_restore_empties_cache(void **state)
{
    (void)state;
    counted_world c;
    build(&c, "boxes:8");
    wr_world_snapshot *snap = NULL;
    assert_wr_ok(wr_world_snapshot_create(c.w, &snap));
    assert_wr_ok(wr_world_snapshot_save(c.w, snap));
    assert_wr_ok(wr_world_step(c.w, REPLAY_STEPS));
    const uint64_t a = wr_world_state_hash(c.w);
    wr_collision_stats cs;
    assert_wr_ok(wr_collision_get_stats(c.w, &cs));
    assert_true(cs.contacts > 0);
    restore_counted(&c, snap, NULL, 0);
    assert_wr_ok(wr_world_step(c.w, REPLAY_STEPS));
    assert_int_equal(wr_world_state_hash(c.w), a);
    /* a snapshot object sized at creation for the cache's capacity takes the later, larger state */
    assert_wr_ok(wr_world_snapshot_save(c.w, snap));
    assert_wr_ok(wr_world_snapshot_destroy(c.w, snap));
    counted_world_destroy(&c);
}

static void test_bad_input(void **state)
{
    (void)state;
    counted_world c;
    build(&c, "boxes:8");
    assert_wr_ok(wr_world_step(c.w, SETTLE_STEPS));
    const size_t bytes = wr_world_snapshot_size(c.w);
    const size_t fixed = HEADER_BYTES + (wr_world_position_count(c.w) + wr_world_dof_count(c.w)) * sizeof(double);
    assert_true(bytes > fixed); /* the cache is in it */
    assert_int_equal((bytes - fixed) % ENTRY_BYTES, 0);
    assert_int_equal(wr_world_snapshot_size(NULL), 0);
    unsigned char *buffer = test_malloc(bytes);
    const uint64_t h0 = wr_world_state_hash(c.w);

    /* save: NULLs, a buffer too small for the cache (untouched) */
    assert_int_equal(wr_world_save_snapshot(NULL, buffer, bytes), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_save_snapshot(c.w, NULL, bytes), WR_ERR_INVALID_ARGUMENT);
    memset(buffer, 0xAB, bytes);
    assert_int_equal(wr_world_save_snapshot(c.w, buffer, bytes - 1), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_save_snapshot(c.w, buffer, fixed), WR_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < bytes; i++)
        assert_int_equal(buffer[i], 0xAB);
    assert_wr_ok(wr_world_save_snapshot(c.w, buffer, bytes));

    /* restore: NULLs, truncated (cache cut off), NaN impulse: refused, world unchanged */
    assert_wr_ok(wr_world_step(c.w, 10));
    const uint64_t h1 = wr_world_state_hash(c.w);
    assert_true(h1 != h0);
    assert_int_equal(wr_world_restore_snapshot(NULL, buffer, bytes), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_restore_snapshot(c.w, NULL, bytes), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_restore_snapshot(c.w, buffer, bytes - 1), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_restore_snapshot(c.w, buffer, fixed), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_restore_snapshot(c.w, buffer, 0), WR_ERR_INVALID_ARGUMENT);
    unsigned char *bad = test_malloc(bytes);
    memcpy(bad, buffer, bytes);
    const double nan = NAN;
    memcpy(bad + bytes - sizeof nan, &nan, sizeof nan); /* the last impulse of the last entry */
    assert_int_equal(wr_world_restore_snapshot(c.w, bad, bytes), WR_ERR_NON_FINITE);
    /* an absurd entry count must not overflow the size check */
    memcpy(bad, buffer, bytes);
    const uint32_t huge = UINT32_MAX;
    memcpy(bad + 40, &huge, sizeof huge); /* cache_count, after magic, counts, layout, step count, time */
    assert_int_equal(wr_world_restore_snapshot(c.w, bad, bytes), WR_ERR_INVALID_ARGUMENT);
    test_free(bad);
    assert_int_equal(wr_world_state_hash(c.w), h1);
    /* and the good one still works */
    assert_wr_ok(wr_world_restore_snapshot(c.w, buffer, bytes));
    assert_int_equal(wr_world_state_hash(c.w), h0);

    /* another world of the same layout whose cache capacity is smaller than the snapshot's entries: refused */
    counted_world small;
    build(&small, "boxes:8");
    wr_collision_stats cs;
    assert_wr_ok(wr_collision_get_stats(small.w, &cs));
    assert_true(cs.cache_capacity > 0);
    const size_t big_bytes = fixed + (cs.cache_capacity + 1) * ENTRY_BYTES;
    unsigned char *big = test_calloc(1, big_bytes);
    memcpy(big, buffer, HEADER_BYTES);
    const uint32_t count = (uint32_t)cs.cache_capacity + 1;
    memcpy(big + 40, &count, sizeof count);
    memcpy(big + HEADER_BYTES, buffer + HEADER_BYTES, fixed - HEADER_BYTES);
    const uint64_t hs = wr_world_state_hash(small.w);
    assert_int_equal(wr_world_restore_snapshot(small.w, big, big_bytes), WR_ERR_INVALID_STATE);
    assert_int_equal(wr_world_state_hash(small.w), hs);
    test_free(big);
    /* a snapshot object of another world */
    wr_world_snapshot *snap = NULL;
    assert_wr_ok(wr_world_snapshot_create(c.w, &snap));
    assert_int_equal(wr_world_snapshot_save(small.w, snap), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_snapshot_restore(small.w, snap), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_snapshot_save(c.w, NULL), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_world_snapshot_restore(c.w, NULL), WR_ERR_INVALID_ARGUMENT);
    assert_wr_ok(wr_world_snapshot_destroy(c.w, snap));
    counted_world_destroy(&small);
    test_free(buffer);
    counted_world_destroy(&c);
}

/* A snapshot object created while the cache was small cannot take a state whose cache outgrew it: save fails with
 * WR_ERR_INVALID_STATE and leaves the snapshot as it was. */
static void test_snapshot_outgrown(void **state)
{
    (void)state;
    counted_world c;
    build(&c, "boxes:72");
    wr_world_snapshot *snap = NULL;
    assert_wr_ok(wr_world_snapshot_create(c.w, &snap)); /* sized for the cache capacity before any step */
    assert_wr_ok(wr_world_snapshot_save(c.w, snap));
    wr_collision_stats before;
    assert_wr_ok(wr_collision_get_stats(c.w, &before));
    const size_t room = HEADER_BYTES + (wr_world_position_count(c.w) + wr_world_dof_count(c.w)) * sizeof(double) +
                        before.cache_capacity * ENTRY_BYTES;
    int steps = 0;
    while (wr_world_snapshot_size(c.w) <= room && steps < 3000) {
        assert_wr_ok(wr_world_snapshot_save(c.w, snap)); /* fits: saves */
        assert_wr_ok(wr_world_step(c.w, 10));
        steps += 10;
    }
    print_message("boxes:72: snapshot room %zu bytes, state %zu bytes after %d steps\n", room,
                  wr_world_snapshot_size(c.w), steps);
    if (wr_world_snapshot_size(c.w) <= room) {
        print_message("the cache never outgrew the snapshot: case not exercised\n");
        assert_wr_ok(wr_world_snapshot_destroy(c.w, snap));
        counted_world_destroy(&c);
        skip();
    }
    const uint64_t h = wr_world_state_hash(c.w);
    assert_int_equal(wr_world_snapshot_save(c.w, snap), WR_ERR_INVALID_STATE);
    /* the snapshot still holds its last good state (10 steps back): restore works and replays */
    assert_wr_ok(wr_world_snapshot_restore(c.w, snap));
    assert_wr_ok(wr_world_step(c.w, 10));
    assert_int_equal(wr_world_state_hash(c.w), h);
    /* a new snapshot is sized for the grown cache */
    assert_wr_ok(wr_world_snapshot_destroy(c.w, snap));
    assert_wr_ok(wr_world_snapshot_create(c.w, &snap));
    assert_wr_ok(wr_world_snapshot_save(c.w, snap));
    assert_wr_ok(wr_world_snapshot_destroy(c.w, snap));
    counted_world_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_boxes),          cmocka_unit_test(test_replay_humanoid),
        cmocka_unit_test(test_replay_limited_chain),  cmocka_unit_test(test_restore_empties_cache),
        cmocka_unit_test(test_bad_input),             cmocka_unit_test(test_snapshot_outgrown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
