/* wr_memory_manager: routing by size, statistics per tag, budget refusal and recovery, chunks, bad input. */
#include "test_support.h"
#include "test_memory_common.h"

#include "malloc_count.h"

typedef struct fixture {
    wr_memory_allocator *heap;
    wr_memory_allocator *counting;
    wr_memory_manager *manager;
} fixture;

static void create_fixture(fixture *f, size_t budget)
{
    assert_wr_ok(wr_memory_allocator_create_heap(&f->heap));
    assert_wr_ok(wr_memory_allocator_create_counting(f->heap, &f->counting));
    wr_memory_manager_config config;
    wr_memory_manager_config_init(&config);
    config.base = f->counting;
    config.budget_bytes = budget;
    assert_wr_ok(wr_memory_manager_create(&config, &f->manager));
}

static int setup(void **state)
{
    static fixture f;
    create_fixture(&f, 0);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->manager)
        assert_wr_ok(wr_memory_manager_destroy(f->manager));
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0); /* every chunk went back to the base */
    assert_wr_ok(wr_memory_allocator_destroy(f->counting));
    assert_wr_ok(wr_memory_allocator_destroy(f->heap));
    return 0;
}

static wr_memory_manager_stats stats_of(const wr_memory_manager *m)
{
    wr_memory_manager_stats s;
    assert_wr_ok(wr_memory_manager_get_stats(m, &s));
    return s;
}

static void test_routing_by_size(void **state)
{
    fixture *f = *state;
    void *a, *b, *c, *d;
    assert_wr_ok(wr_memory_manager_allocate(f->manager, 1, 0, WR_MEMORY_TAG_WORLD, &a));
    assert_wr_ok(wr_memory_manager_allocate(f->manager, WR_MEMORY_MANAGER_POOL_MAX, 0, WR_MEMORY_TAG_WORLD, &b));
    assert_wr_ok(wr_memory_manager_allocate(f->manager, WR_MEMORY_MANAGER_POOL_MAX + 1, 0, WR_MEMORY_TAG_WORLD, &c));
    assert_wr_ok(wr_memory_manager_allocate(f->manager, 100, 4096, WR_MEMORY_TAG_WORLD, &d)); /* small, page-aligned */
    assert_int_equal((uintptr_t)d % 4096, 0);
    wr_pool_allocator_stats pool;
    wr_free_list_allocator_stats list;
    assert_wr_ok(wr_memory_manager_get_component_stats(f->manager, &pool, &list));
    assert_int_equal(pool.allocations, 3);
    assert_int_equal(pool.bytes_in_use, 16 + 1024 + 128);
    assert_int_equal(list.allocations, 1);
    assert_int_equal(list.bytes_in_use, WR_MEMORY_MANAGER_POOL_MAX + 1);
    wr_memory_manager_stats s = stats_of(f->manager);
    assert_int_equal(s.pool_allocations, 3);
    assert_int_equal(s.allocations, 4);
    /* deallocate routes by size too: each part gets its own blocks back */
    assert_wr_ok(wr_memory_manager_deallocate(f->manager, c, WR_MEMORY_MANAGER_POOL_MAX + 1, 0, WR_MEMORY_TAG_WORLD));
    assert_wr_ok(wr_memory_manager_deallocate(f->manager, b, WR_MEMORY_MANAGER_POOL_MAX, 0, WR_MEMORY_TAG_WORLD));
    assert_wr_ok(wr_memory_manager_deallocate(f->manager, a, 1, 0, WR_MEMORY_TAG_WORLD));
    assert_wr_ok(wr_memory_manager_deallocate(f->manager, d, 100, 4096, WR_MEMORY_TAG_WORLD));
    assert_wr_ok(wr_memory_manager_get_component_stats(f->manager, &pool, NULL));
    assert_wr_ok(wr_memory_manager_get_component_stats(f->manager, NULL, &list));
    assert_int_equal(pool.bytes_in_use, 0);
    assert_int_equal(pool.deallocations, 3);
    assert_int_equal(list.bytes_in_use, 0);
    assert_int_equal(list.deallocations, 1);
}

static void test_alignment_and_random(void **state)
{
    fixture *f = *state;
    wr_memory_allocator *a = wr_memory_manager_as_allocator(f->manager);
    assert_string_equal(wr_memory_allocator_name(a), "memory-manager");
    check_alignments(a, 5000);
    wr_memory_allocator *debug;
    assert_wr_ok(wr_memory_allocator_create_debug(a, &debug));
    random_sequence(debug, 31, 20000, 2048);
    random_sequence(debug, 32, 20000, 20000);
    assert_wr_ok(wr_memory_allocator_destroy(debug)); /* WR_OK: no leak */
    wr_memory_manager_stats s = stats_of(f->manager);
    assert_int_equal(s.bytes_in_use, 0);
    assert_int_equal(s.by_tag[WR_MEMORY_TAG_USER].bytes_in_use, 0);
    assert_int_equal(s.by_tag[WR_MEMORY_TAG_USER].allocations, s.allocations);
}

static void test_statistics_match(void **state)
{
    fixture *f = *state;
    static const struct { size_t bytes; wr_memory_tag tag; } requests[] = {
        {64, WR_MEMORY_TAG_SKELETON}, {500, WR_MEMORY_TAG_SKELETON}, {3000, WR_MEMORY_TAG_SKELETON},
        {24, WR_MEMORY_TAG_COLLISION}, {70000, WR_MEMORY_TAG_COLLISION}, {1000, WR_MEMORY_TAG_SOLVER},
        {2048, WR_MEMORY_TAG_WORLD}, {8, WR_MEMORY_TAG_USER},
    };
    enum { N = sizeof requests / sizeof requests[0] };
    void *blocks[N];
    size_t per_tag[WR_MEMORY_TAG_COUNT] = {0}, total = 0;
    uint64_t small = 0;
    for (size_t i = 0; i < N; ++i) {
        assert_wr_ok(wr_memory_manager_allocate(f->manager, requests[i].bytes, 32, requests[i].tag, &blocks[i]));
        assert_int_equal((uintptr_t)blocks[i] % 32, 0);
        fill(blocks[i], requests[i].bytes, i);
        per_tag[requests[i].tag] += requests[i].bytes;
        total += requests[i].bytes;
        small += requests[i].bytes <= WR_MEMORY_MANAGER_POOL_MAX;
    }
    wr_memory_manager_stats s = stats_of(f->manager);
    assert_int_equal(s.bytes_in_use, total);
    assert_int_equal(s.peak_bytes_in_use, total);
    assert_int_equal(s.allocations, N);
    assert_int_equal(s.pool_allocations, small);
    for (int t = 0; t < WR_MEMORY_TAG_COUNT; ++t) {
        assert_int_equal(s.by_tag[t].bytes_in_use, per_tag[t]);
        assert_int_equal(s.by_tag[t].peak_bytes, per_tag[t]);
    }
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &counts));
    assert_int_equal(s.bytes_reserved, counts.bytes_outstanding);
    assert_int_equal(s.base_requests, counts.allocations);
    assert_int_equal(s.chunks, counts.allocations - counts.deallocations);
    assert_int_equal(s.peak_bytes_reserved, counts.peak_bytes_outstanding);
    size_t visited = 0;
    assert_wr_ok(wr_memory_manager_visit_chunks(f->manager, count_chunk_bytes, &visited));
    assert_int_equal(visited, s.bytes_reserved);
    /* the defaults keep a small world small: one pool chunk, one free-list chunk, one large chunk */
    assert_true(s.bytes_reserved < 16 * 1024 + 64 * 1024 + 80 * 1024);

    for (size_t i = 0; i < N; ++i) {
        check(blocks[i], requests[i].bytes, i);
        assert_wr_ok(wr_memory_manager_deallocate(f->manager, blocks[i], requests[i].bytes, 32, requests[i].tag));
    }
    s = stats_of(f->manager);
    assert_int_equal(s.bytes_in_use, 0);
    assert_int_equal(s.peak_bytes_in_use, total);
    assert_int_equal(s.deallocations, N);
    for (int t = 0; t < WR_MEMORY_TAG_COUNT; ++t) {
        assert_int_equal(s.by_tag[t].bytes_in_use, 0);
        assert_int_equal(s.by_tag[t].allocations, s.by_tag[t].deallocations);
    }
    assert_wr_ok(wr_memory_manager_trim(f->manager));
    s = stats_of(f->manager);
    assert_int_equal(s.bytes_reserved, 16 * 1024); /* the pool keeps its chunk until destroy */
}

static void test_budget_refusal_and_recovery(void **state)
{
    (void)state;
    fixture f;
    create_fixture(&f, 16 * 1024 + 64 * 1024); /* one pool chunk and one free-list chunk */
    void *small, *large, *big;
    assert_wr_ok(wr_memory_manager_allocate(f.manager, 200, 0, WR_MEMORY_TAG_SKELETON, &small));
    assert_wr_ok(wr_memory_manager_allocate(f.manager, 40000, 0, WR_MEMORY_TAG_SOLVER, &large));
    wr_memory_manager_stats before = stats_of(f.manager);
    assert_int_equal(before.bytes_reserved, 80 * 1024);
    assert_int_equal(before.budget_bytes, 80 * 1024);

    /* 30000 more bytes do not fit in the free-list chunk; another chunk would pass the budget. */
    void *p = (void *)0x1;
    expect_failure(wr_memory_manager_allocate(f.manager, 30000, 0, WR_MEMORY_TAG_SOLVER, &p), WR_ERR_BUDGET,
                   "budget of 81920 bytes");
    assert_ptr_equal(p, (void *)0x1);
    wr_memory_manager_stats after = stats_of(f.manager);
    assert_int_equal(after.budget_refusals, 1);
    after.budget_refusals = before.budget_refusals;
    assert_memory_equal(&before, &after, sizeof before); /* nothing else changed */
    wr_pool_allocator_stats pool;
    wr_free_list_allocator_stats list;
    assert_wr_ok(wr_memory_manager_get_component_stats(f.manager, &pool, &list));
    assert_int_equal(list.allocations, 1);
    assert_int_equal(list.chunks, 1);

    /* Many small blocks: the pool runs out of its chunk and is refused too. */
    void *blocks[200];
    size_t n = 0;
    wr_status status = WR_OK;
    while (n < 200 && (status = wr_memory_manager_allocate(f.manager, 1000, 0, WR_MEMORY_TAG_WORLD, &blocks[n])) == WR_OK)
        ++n;
    assert_int_equal(status, WR_ERR_BUDGET);
    assert_true(n >= 14 && n < 16); /* 16 KiB chunk, 1 KiB blocks, minus the 200-byte block and the header */
    assert_int_equal(stats_of(f.manager).budget_refusals, 2);

    /* Recovery: freeing makes room inside the chunks, and a raised budget allows new ones. */
    assert_wr_ok(wr_memory_manager_deallocate(f.manager, large, 40000, 0, WR_MEMORY_TAG_SOLVER));
    assert_wr_ok(wr_memory_manager_allocate(f.manager, 30000, 0, WR_MEMORY_TAG_SOLVER, &big));
    assert_wr_ok(wr_memory_manager_deallocate(f.manager, blocks[--n], 1000, 0, WR_MEMORY_TAG_WORLD));
    assert_wr_ok(wr_memory_manager_allocate(f.manager, 1000, 0, WR_MEMORY_TAG_WORLD, &blocks[n++]));
    expect_failure(wr_memory_manager_set_budget(f.manager, 1024), WR_ERR_BUDGET, "already reserved");
    assert_int_equal(stats_of(f.manager).budget_bytes, 80 * 1024);
    assert_wr_ok(wr_memory_manager_set_budget(f.manager, 0)); /* no budget */
    assert_wr_ok(wr_memory_manager_allocate(f.manager, 100000, 0, WR_MEMORY_TAG_SOLVER, &large));
    assert_int_equal(stats_of(f.manager).budget_refusals, 2);

    assert_wr_ok(wr_memory_manager_deallocate(f.manager, large, 100000, 0, WR_MEMORY_TAG_SOLVER));
    assert_wr_ok(wr_memory_manager_deallocate(f.manager, big, 30000, 0, WR_MEMORY_TAG_SOLVER));
    assert_wr_ok(wr_memory_manager_deallocate(f.manager, small, 200, 0, WR_MEMORY_TAG_SKELETON));
    while (n > 0)
        assert_wr_ok(wr_memory_manager_deallocate(f.manager, blocks[--n], 1000, 0, WR_MEMORY_TAG_WORLD));
    fixture *fp = &f;
    teardown((void **)&fp);
}

static void test_steady_state_makes_no_requests(void **state)
{
    fixture *f = *state;
    static const size_t sizes[] = {32, 256, 1000, 4000, 20000};
    void *blocks[5];
    for (int i = 0; i < 5; ++i)
        assert_wr_ok(wr_memory_manager_allocate(f->manager, sizes[i], 0, WR_MEMORY_TAG_SOLVER, &blocks[i]));
    for (int i = 0; i < 5; ++i)
        assert_wr_ok(wr_memory_manager_deallocate(f->manager, blocks[i], sizes[i], 0, WR_MEMORY_TAG_SOLVER));
    uint64_t requests = stats_of(f->manager).base_requests;
    if (malloc_count_require("memory manager steady state allocates nothing"))
        malloc_count_begin();
    for (int round = 0; round < 200; ++round) {
        for (int i = 0; i < 5; ++i)
            assert_wr_ok(wr_memory_manager_allocate(f->manager, sizes[i], 0, WR_MEMORY_TAG_SOLVER, &blocks[i]));
        for (int i = 4; i >= 0; --i)
            assert_wr_ok(wr_memory_manager_deallocate(f->manager, blocks[i], sizes[i], 0, WR_MEMORY_TAG_SOLVER));
    }
    if (malloc_count_available())
        assert_int_equal(malloc_count_end().allocations, 0);
    assert_int_equal(stats_of(f->manager).base_requests, requests);
}

static void test_leak_reported(void **state)
{
    fixture *f = *state;
    void *p, *q;
    assert_wr_ok(wr_memory_manager_allocate(f->manager, 10, 0, WR_MEMORY_TAG_WORLD, &p));
    assert_wr_ok(wr_memory_manager_allocate(f->manager, 10000, 0, WR_MEMORY_TAG_WORLD, &q));
    expect_failure(wr_memory_manager_destroy(f->manager), WR_ERR_LEAK, "2 blocks (10010 bytes)");
    f->manager = NULL; /* teardown checks that the chunks went back anyway */
}

static void test_default_heap_base(void **state)
{
    (void)state;
    wr_memory_manager *m;
    assert_wr_ok(wr_memory_manager_create(NULL, &m));
    assert_string_equal(wr_memory_allocator_name(wr_memory_manager_base(m)), "heap");
    void *p;
    assert_wr_ok(wr_memory_manager_allocate(m, 100, 0, WR_MEMORY_TAG_USER, &p));
    assert_wr_ok(wr_memory_manager_deallocate(m, p, 100, 0, WR_MEMORY_TAG_USER));
    assert_wr_ok(wr_memory_manager_destroy(m));
}

static void test_bad_input(void **state)
{
    fixture *f = *state;
    wr_memory_manager *none = (wr_memory_manager *)0x1;
    wr_memory_manager_config config;
    wr_memory_manager_config_init(&config);
    wr_memory_manager_config_init(NULL); /* harmless */
    expect_failure(wr_memory_manager_create(&config, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    config.pool_chunk_bytes = 100;
    expect_failure(wr_memory_manager_create(&config, &none), WR_ERR_INVALID_ARGUMENT, "config->pool_chunk_bytes 100");
    config.pool_chunk_bytes = 0;
    config.free_list_chunk_bytes = SIZE_MAX;
    expect_failure(wr_memory_manager_create(&config, &none), WR_ERR_INVALID_ARGUMENT, "config->free_list_chunk_bytes");
    assert_ptr_equal(none, (wr_memory_manager *)0x1);
    expect_failure(wr_memory_manager_destroy(NULL), WR_ERR_INVALID_ARGUMENT, "manager is NULL");

    void *small, *large;
    assert_wr_ok(wr_memory_manager_allocate(f->manager, 100, 0, WR_MEMORY_TAG_SKELETON, &small));
    assert_wr_ok(wr_memory_manager_allocate(f->manager, 5000, 0, WR_MEMORY_TAG_SKELETON, &large));
    wr_memory_manager_stats before = stats_of(f->manager);
    void *p = (void *)0x1;
    expect_failure(wr_memory_manager_allocate(NULL, 8, 0, WR_MEMORY_TAG_USER, &p), WR_ERR_INVALID_ARGUMENT,
                   "manager is NULL");
    expect_failure(wr_memory_manager_allocate(f->manager, 8, 0, WR_MEMORY_TAG_USER, NULL), WR_ERR_INVALID_ARGUMENT,
                   "out is NULL");
    expect_failure(wr_memory_manager_allocate(f->manager, 0, 0, WR_MEMORY_TAG_USER, &p), WR_ERR_INVALID_ARGUMENT,
                   "bytes is 0");
    expect_failure(wr_memory_manager_allocate(f->manager, SIZE_MAX - 15, 0, WR_MEMORY_TAG_USER, &p),
                   WR_ERR_INVALID_ARGUMENT, "size overflow");
    expect_failure(wr_memory_manager_allocate(f->manager, 8, 12, WR_MEMORY_TAG_USER, &p), WR_ERR_INVALID_ARGUMENT,
                   "alignment 12 is not a power of two");
    expect_failure(wr_memory_manager_allocate(f->manager, 8, 1 << 13, WR_MEMORY_TAG_USER, &p), WR_ERR_INVALID_ARGUMENT,
                   "above the page size");
    expect_failure(wr_memory_manager_allocate(f->manager, 8, 0, WR_MEMORY_TAG_COUNT, &p), WR_ERR_INVALID_ARGUMENT,
                   "is not a wr_memory_tag");
    expect_failure(wr_memory_manager_allocate(f->manager, 8, 0, (wr_memory_tag)-1, &p), WR_ERR_INVALID_ARGUMENT,
                   "tag -1 is not a wr_memory_tag");
    assert_ptr_equal(p, (void *)0x1);
    expect_failure(wr_memory_manager_deallocate(NULL, small, 100, 0, WR_MEMORY_TAG_SKELETON), WR_ERR_INVALID_ARGUMENT,
                   "manager is NULL");
    expect_failure(wr_memory_manager_deallocate(f->manager, NULL, 100, 0, WR_MEMORY_TAG_SKELETON),
                   WR_ERR_INVALID_ARGUMENT, "ptr is NULL");
    expect_failure(wr_memory_manager_deallocate(f->manager, small, 0, 0, WR_MEMORY_TAG_SKELETON), WR_ERR_INVALID_ARGUMENT,
                   "bytes is 0");
    expect_failure(wr_memory_manager_deallocate(f->manager, small, 100, 3, WR_MEMORY_TAG_SKELETON),
                   WR_ERR_INVALID_ARGUMENT, "not a power of two");
    expect_failure(wr_memory_manager_deallocate(f->manager, small, 100, 0, WR_MEMORY_TAG_COUNT), WR_ERR_INVALID_ARGUMENT,
                   "is not a wr_memory_tag");
    expect_failure(wr_memory_manager_deallocate(f->manager, small, 100, 0, WR_MEMORY_TAG_SOLVER), WR_ERR_CORRUPTION,
                   "wrong size or tag");
    expect_failure(wr_memory_manager_deallocate(f->manager, (char *)small + 4, 100, 0, WR_MEMORY_TAG_SKELETON),
                   WR_ERR_CORRUPTION, "not 16-byte aligned");
    expect_failure(wr_memory_manager_deallocate(f->manager, large, 3000, 0, WR_MEMORY_TAG_SKELETON), WR_ERR_CORRUPTION,
                   "size mismatch");
    expect_failure(wr_memory_manager_set_budget(NULL, 0), WR_ERR_INVALID_ARGUMENT, "manager is NULL");
    wr_memory_manager_stats after = stats_of(f->manager);
    assert_memory_equal(&before, &after, sizeof before);

    expect_failure(wr_memory_manager_get_stats(NULL, &after), WR_ERR_INVALID_ARGUMENT, "manager is NULL");
    expect_failure(wr_memory_manager_get_stats(f->manager, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_pool_allocator_stats pool;
    expect_failure(wr_memory_manager_get_component_stats(NULL, &pool, NULL), WR_ERR_INVALID_ARGUMENT,
                   "manager is NULL");
    expect_failure(wr_memory_manager_get_component_stats(f->manager, NULL, NULL), WR_ERR_INVALID_ARGUMENT,
                   "both NULL");
    size_t visited = 0;
    expect_failure(wr_memory_manager_visit_chunks(NULL, count_chunk_bytes, &visited), WR_ERR_INVALID_ARGUMENT,
                   "manager is NULL");
    expect_failure(wr_memory_manager_visit_chunks(f->manager, NULL, &visited), WR_ERR_INVALID_ARGUMENT,
                   "visitor is NULL");
    expect_failure(wr_memory_manager_trim(NULL), WR_ERR_INVALID_ARGUMENT, "manager is NULL");
    assert_null(wr_memory_manager_base(NULL));
    assert_null(wr_memory_manager_as_allocator(NULL));
    expect_failure(wr_memory_allocator_destroy(wr_memory_manager_as_allocator(f->manager)), WR_ERR_INVALID_ARGUMENT,
                   "belongs to the object");
    assert_string_equal(wr_memory_tag_name(WR_MEMORY_TAG_SKELETON), "skeleton");
    assert_string_equal(wr_memory_tag_name(WR_MEMORY_TAG_COUNT), "(invalid tag)");

    assert_wr_ok(wr_memory_manager_deallocate(f->manager, small, 100, 0, WR_MEMORY_TAG_SKELETON));
    assert_wr_ok(wr_memory_manager_deallocate(f->manager, large, 5000, 0, WR_MEMORY_TAG_SKELETON));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_routing_by_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alignment_and_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statistics_match, setup, teardown),
        cmocka_unit_test(test_budget_refusal_and_recovery),
        cmocka_unit_test_setup_teardown(test_steady_state_makes_no_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leak_reported, setup, teardown),
        cmocka_unit_test(test_default_heap_base),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
