/* wr_frame_allocator: alignment, growth then consolidation, zero manager requests in steady state, O(1) reset,
 * mark/rewind, budget refusal, use as a wr_memory_allocator, the inline fast path, bad input. */
#include "test_support.h"
#include "test_memory_common.h"

#include "malloc_count.h"

typedef struct fixture {
    wr_memory_allocator *heap;
    wr_memory_allocator *counting;
    wr_memory_manager *manager;
    wr_frame_allocator *frame;
} fixture;

static void create_fixture(fixture *f, size_t budget, size_t initial_bytes)
{
    assert_wr_ok(wr_memory_allocator_create_heap(&f->heap));
    assert_wr_ok(wr_memory_allocator_create_counting(f->heap, &f->counting));
    wr_memory_manager_config config;
    wr_memory_manager_config_init(&config);
    config.base = f->counting;
    config.budget_bytes = budget;
    assert_wr_ok(wr_memory_manager_create(&config, &f->manager));
    assert_wr_ok(wr_frame_allocator_create(f->manager, initial_bytes, WR_MEMORY_TAG_SOLVER, &f->frame));
}

static void destroy_fixture(fixture *f)
{
    assert_wr_ok(wr_frame_allocator_destroy(f->frame));
    wr_memory_manager_stats s;
    assert_wr_ok(wr_memory_manager_get_stats(f->manager, &s));
    assert_int_equal(s.by_tag[WR_MEMORY_TAG_SOLVER].bytes_in_use, 0); /* every buffer went back to the manager */
    assert_wr_ok(wr_memory_manager_destroy(f->manager));
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0);
    assert_wr_ok(wr_memory_allocator_destroy(f->counting));
    assert_wr_ok(wr_memory_allocator_destroy(f->heap));
}

static int setup(void **state)
{
    static fixture f;
    create_fixture(&f, 0, 4096);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    destroy_fixture(*state);
    return 0;
}

static wr_frame_allocator_stats stats_of(const wr_frame_allocator *frame)
{
    wr_frame_allocator_stats s;
    assert_wr_ok(wr_frame_allocator_get_stats(frame, &s));
    return s;
}

/* One frame of solver temporaries: 200 blocks of 16..4096 bytes (fixed seed), each filled, all checked. */
static void solver_frame(wr_frame_allocator *frame, uint64_t seed)
{
    enum { N = 200 };
    void *blocks[N];
    size_t bytes[N];
    test_rng rng;
    test_rng_seed(&rng, seed);
    for (int i = 0; i < N; ++i) {
        bytes[i] = 16 + (size_t)(test_rng_next(&rng) % (4096 - 16 + 1));
        assert_wr_ok(wr_frame_allocator_allocate(frame, bytes[i], 0, &blocks[i]));
        assert_int_equal((uintptr_t)blocks[i] % WR_FRAME_ALLOCATOR_DEFAULT_ALIGNMENT, 0);
        fill(blocks[i], bytes[i], (uint64_t)i);
    }
    for (int i = 0; i < N; ++i)
        check(blocks[i], bytes[i], (uint64_t)i); /* no two blocks overlap, even across chained chunks */
}

static void test_alignment(void **state)
{
    fixture *f = *state;
    wr_memory_allocator *a = wr_frame_allocator_as_allocator(f->frame);
    assert_string_equal(wr_memory_allocator_name(a), "frame");
    check_alignments(a, 5000); /* deallocate is a no-op; the blocks stay valid until reset */
    for (size_t alignment = 1; alignment <= 4096; alignment *= 2) {
        void *p;
        assert_wr_ok(wr_frame_allocator_allocate(f->frame, 3, alignment, &p));
        assert_int_equal((uintptr_t)p % alignment, 0);
    }
    assert_wr_ok(wr_frame_allocator_reset(f->frame));
}

static void test_growth_then_consolidation(void **state)
{
    fixture *f = *state;
    wr_frame_allocator_stats s0 = stats_of(f->frame);
    assert_int_equal(s0.manager_requests, 1);
    assert_true(s0.capacity_bytes >= 4096 && s0.capacity_bytes < 8192);

    solver_frame(f->frame, 1); /* ~400 KiB: far more than the 4 KiB buffer */
    wr_frame_allocator_stats grown = stats_of(f->frame);
    assert_true(grown.growths >= 2);
    assert_int_equal(grown.manager_requests, 1 + grown.growths);
    assert_true(grown.capacity_bytes >= grown.used_bytes);
    assert_int_equal(grown.allocations, 200);

    assert_wr_ok(wr_frame_allocator_reset(f->frame));
    wr_frame_allocator_stats consolidated = stats_of(f->frame);
    assert_int_equal(consolidated.manager_requests, grown.manager_requests + 1); /* one buffer, once */
    assert_int_equal(consolidated.used_bytes, 0);
    assert_int_equal(consolidated.resets, 1);
    assert_int_equal(consolidated.peak_frame_bytes, grown.used_bytes);
    assert_true(consolidated.capacity_bytes >= consolidated.peak_frame_bytes);
    assert_true(consolidated.capacity_bytes < consolidated.peak_frame_bytes + 4096);

    /* the same frame again fits in the one buffer */
    solver_frame(f->frame, 1);
    wr_frame_allocator_stats again = stats_of(f->frame);
    assert_int_equal(again.growths, grown.growths);
    assert_int_equal(again.manager_requests, consolidated.manager_requests);
    assert_wr_ok(wr_frame_allocator_reset(f->frame));
}

static void test_steady_state_makes_no_manager_requests(void **state)
{
    fixture *f = *state;
    for (uint64_t seed = 1; seed <= 3; ++seed) { /* warm up: reach the high-water mark */
        solver_frame(f->frame, seed);
        assert_wr_ok(wr_frame_allocator_reset(f->frame));
    }
    wr_frame_allocator_stats before = stats_of(f->frame);
    wr_memory_manager_stats manager_before;
    assert_wr_ok(wr_memory_manager_get_stats(f->manager, &manager_before));
    wr_memory_allocator_counts base_before;
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &base_before));
    if (malloc_count_require("frame steady state allocates nothing"))
        malloc_count_begin();
    for (int frame = 0; frame < 30; ++frame) {
        solver_frame(f->frame, 1 + (uint64_t)frame % 3);
        assert_wr_ok(wr_frame_allocator_reset(f->frame));
    }
    if (malloc_count_available())
        assert_int_equal(malloc_count_end().allocations, 0);
    wr_frame_allocator_stats after = stats_of(f->frame);
    assert_int_equal(after.manager_requests, before.manager_requests); /* counted by the frame ... */
    assert_int_equal(after.growths, before.growths);
    assert_int_equal(after.resets, before.resets + 30);
    wr_memory_manager_stats manager_after;
    assert_wr_ok(wr_memory_manager_get_stats(f->manager, &manager_after));
    assert_int_equal(manager_after.allocations, manager_before.allocations); /* ... by the manager ... */
    wr_memory_allocator_counts base_after;
    assert_wr_ok(wr_memory_allocator_get_counts(f->counting, &base_after));
    assert_int_equal(base_after.allocations, base_before.allocations); /* ... and by a counting base */
    assert_int_equal(base_after.deallocations, base_before.deallocations);
}

/* Reset does not depend on the number of allocations: blocks carry no headers (consecutive blocks are adjacent),
 * so there is nothing to walk, and reset touches neither the blocks nor the manager, whatever their number. */
static void check_reset_touches_nothing(fixture *f, int count)
{
    const size_t size = 64;
    unsigned char *first = NULL, *previous = NULL;
    for (int i = 0; i < count; ++i) {
        void *p;
        assert_wr_ok(wr_frame_allocator_allocate(f->frame, size, 0, &p));
        if (previous)
            assert_ptr_equal(p, previous + size); /* no per-block metadata between blocks */
        else
            first = p;
        previous = p;
        memset(p, 0xA5, size);
    }
    wr_memory_manager_stats manager_before;
    assert_wr_ok(wr_memory_manager_get_stats(f->manager, &manager_before));
    wr_frame_allocator_stats before = stats_of(f->frame);
    assert_int_equal(before.used_bytes, (size_t)count * size);

    assert_wr_ok(wr_frame_allocator_reset(f->frame));

    for (size_t k = 0; k < (size_t)count * size; ++k)
        assert_int_equal(first[k], 0xA5); /* the blocks were not visited */
    wr_memory_manager_stats manager_after;
    assert_wr_ok(wr_memory_manager_get_stats(f->manager, &manager_after));
    assert_memory_equal(&manager_before, &manager_after, sizeof manager_before);
    wr_frame_allocator_stats after = stats_of(f->frame);
    assert_int_equal(after.manager_requests, before.manager_requests);
    assert_int_equal(after.used_bytes, 0);
    void *p;
    assert_wr_ok(wr_frame_allocator_allocate(f->frame, size, 0, &p));
    assert_ptr_equal(p, first); /* back at the start of the one buffer */
    assert_wr_ok(wr_frame_allocator_reset(f->frame));
}

static void test_reset_independent_of_allocation_count(void **state)
{
    (void)state;
    fixture f;
    create_fixture(&f, 0, 1 << 20); /* room for every frame below in one buffer */
    check_reset_touches_nothing(&f, 1);
    check_reset_touches_nothing(&f, 10);
    check_reset_touches_nothing(&f, 10000);
    destroy_fixture(&f);
}

static void test_mark_and_rewind(void **state)
{
    fixture *f = *state;
    void *a, *b, *c;
    assert_wr_ok(wr_frame_allocator_allocate(f->frame, 100, 0, &a));
    size_t mark = wr_frame_allocator_mark(f->frame);
    assert_wr_ok(wr_frame_allocator_allocate(f->frame, 100, 0, &b));
    assert_wr_ok(wr_frame_allocator_rewind(f->frame, mark));
    assert_wr_ok(wr_frame_allocator_allocate(f->frame, 100, 0, &c));
    assert_ptr_equal(b, c);
    /* across chained chunks */
    for (int i = 0; i < 10; ++i)
        assert_wr_ok(wr_frame_allocator_allocate(f->frame, 3000, 0, &c));
    assert_true(stats_of(f->frame).growths >= 1);
    assert_true(wr_frame_allocator_mark(f->frame) > 30000);
    assert_wr_ok(wr_frame_allocator_rewind(f->frame, mark));
    assert_int_equal(wr_frame_allocator_mark(f->frame), mark);
    assert_wr_ok(wr_frame_allocator_allocate(f->frame, 100, 0, &c));
    assert_ptr_equal(b, c); /* back in the first chunk, right after a */
    expect_failure(wr_frame_allocator_rewind(f->frame, 1 << 30), WR_ERR_INVALID_ARGUMENT, "past the current position");
    assert_wr_ok(wr_frame_allocator_reset(f->frame));
}

/* Scopes that rewind still count towards the high-water mark: a frame whose big scope is rewound before reset
 * reaches a steady state too. */
static void test_rewound_scopes_reach_steady_state(void **state)
{
    fixture *f = *state;
    wr_frame_allocator_stats first = {0};
    for (int step = 0; step < 10; ++step) {
        void *p;
        assert_wr_ok(wr_frame_allocator_allocate(f->frame, 1000, 0, &p));
        size_t mark = wr_frame_allocator_mark(f->frame);
        for (int i = 0; i < 20; ++i)
            assert_wr_ok(wr_frame_allocator_allocate(f->frame, 3000, 0, &p)); /* a scope of 60 KB */
        assert_wr_ok(wr_frame_allocator_rewind(f->frame, mark));
        assert_wr_ok(wr_frame_allocator_reset(f->frame));
        if (step == 0)
            first = stats_of(f->frame);
    }
    wr_frame_allocator_stats last = stats_of(f->frame);
    assert_true(first.growths >= 1);
    assert_int_equal(last.growths, first.growths);
    assert_int_equal(last.manager_requests, first.manager_requests);
    assert_true(last.peak_frame_bytes >= 61000);
    assert_true(last.capacity_bytes >= last.peak_frame_bytes);
}

static void test_budget_refusal_changes_nothing(void **state)
{
    (void)state;
    fixture f;
    create_fixture(&f, 16 * 1024 + 64 * 1024, 8192); /* one pool chunk and one free-list chunk */
    void *p;
    assert_wr_ok(wr_frame_allocator_allocate(f.frame, 4000, 0, &p));
    wr_frame_allocator_stats before = stats_of(f.frame);
    void *q = (void *)0x1;
    expect_failure(wr_frame_allocator_allocate(f.frame, 100000, 0, &q), WR_ERR_BUDGET, "budget");
    assert_ptr_equal(q, (void *)0x1);
    wr_frame_allocator_stats after = stats_of(f.frame);
    assert_memory_equal(&before, &after, sizeof before);
    /* the frame still works: smaller growth fits the free-list chunk */
    assert_wr_ok(wr_frame_allocator_allocate(f.frame, 20000, 0, &q));
    assert_wr_ok(wr_frame_allocator_reset(f.frame));
    destroy_fixture(&f);

    /* creation refused by the budget leaves nothing behind */
    wr_memory_manager_config config;
    wr_memory_manager_config_init(&config);
    config.budget_bytes = 4096;
    wr_memory_manager *small;
    assert_wr_ok(wr_memory_manager_create(&config, &small));
    wr_frame_allocator *frame = (wr_frame_allocator *)0x1;
    expect_failure(wr_frame_allocator_create(small, 0, WR_MEMORY_TAG_SOLVER, &frame), WR_ERR_BUDGET, "budget");
    assert_ptr_equal(frame, (wr_frame_allocator *)0x1);
    assert_wr_ok(wr_memory_manager_destroy(small));
}

/* A base that can be told to refuse, to reach the fallback of consolidation. */
typedef struct switchable_base {
    wr_memory_allocator *heap;
    int refuse;
} switchable_base;

static wr_status switchable_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    switchable_base *b = self;
    if (b->refuse)
        return WR_ERR_OUT_OF_MEMORY;
    return wr_memory_allocator_allocate_aligned(b->heap, bytes, alignment, out);
}

static wr_status switchable_deallocate(void *self, void *ptr, size_t bytes)
{
    return wr_memory_allocator_deallocate(((switchable_base *)self)->heap, ptr, bytes);
}

static void test_consolidation_refused_falls_back(void **state)
{
    (void)state;
    switchable_base sb = {0};
    assert_wr_ok(wr_memory_allocator_create_heap(&sb.heap));
    wr_memory_allocator_ops ops = {switchable_allocate, switchable_deallocate, NULL};
    wr_memory_allocator *base;
    assert_wr_ok(wr_memory_allocator_create_custom(&ops, &sb, "switchable", &base));
    wr_memory_manager_config config;
    wr_memory_manager_config_init(&config);
    config.base = base;
    wr_memory_manager *m;
    assert_wr_ok(wr_memory_manager_create(&config, &m));
    wr_frame_allocator *frame;
    assert_wr_ok(wr_frame_allocator_create(m, 4096, WR_MEMORY_TAG_SOLVER, &frame));
    void *p;
    assert_wr_ok(wr_frame_allocator_allocate(frame, 100000, 0, &p)); /* grows: a chunk of its own from the base */
    wr_frame_allocator_stats grown = stats_of(frame);
    assert_int_equal(grown.growths, 1);

    sb.refuse = 1; /* the high-water buffer cannot be had: the frame keeps a buffer of its initial size */
    assert_wr_ok(wr_frame_allocator_reset(frame));
    wr_frame_allocator_stats fallback = stats_of(frame);
    assert_int_equal(fallback.capacity_bytes, 4096);
    assert_int_equal(fallback.manager_requests, grown.manager_requests + 1);
    assert_wr_ok(wr_frame_allocator_allocate(frame, 1000, 0, &p)); /* and works */
    memset(p, 1, 1000);

    sb.refuse = 0; /* the next growth and reset consolidate as usual */
    assert_wr_ok(wr_frame_allocator_allocate(frame, 100000, 0, &p));
    assert_wr_ok(wr_frame_allocator_reset(frame));
    assert_true(stats_of(frame).capacity_bytes >= 100000);
    assert_wr_ok(wr_frame_allocator_destroy(frame));
    assert_wr_ok(wr_memory_manager_destroy(m));
    assert_wr_ok(wr_memory_allocator_destroy(base));
    assert_wr_ok(wr_memory_allocator_destroy(sb.heap));
}

/* A fixed-seed sequence of sizes and alignments (0, 1..64: chunk data is 64-aligned, so the padding does not
 * depend on where a chunk lies) over several frames; `use_inline` sends every other allocation through
 * wr_frame_allocator_allocate_inline. Returns the marks after each allocation. */
static void run_frames(wr_frame_allocator *frame, int use_inline, size_t *marks, int count)
{
    static const size_t alignments[] = {0, 1, 2, 8, 16, 32, 64, 0, 32};
    enum { PER_FRAME = 150 };
    void *blocks[PER_FRAME];
    size_t bytes[PER_FRAME];
    test_rng rng;
    test_rng_seed(&rng, 5);
    for (int n = 0; n < count;) {
        int i;
        for (i = 0; i < PER_FRAME && n < count; ++i, ++n) {
            bytes[i] = 1 + (size_t)(test_rng_next(&rng) % 3000);
            size_t alignment = alignments[test_rng_next(&rng) % 9];
            if (use_inline && n % 2 == 0)
                assert_wr_ok(wr_frame_allocator_allocate_inline(frame, bytes[i], alignment, &blocks[i]));
            else
                assert_wr_ok(wr_frame_allocator_allocate(frame, bytes[i], alignment, &blocks[i]));
            assert_int_equal((uintptr_t)blocks[i] % (alignment ? alignment : WR_FRAME_ALLOCATOR_DEFAULT_ALIGNMENT), 0);
            fill(blocks[i], bytes[i], (uint64_t)i);
            marks[n] = wr_frame_allocator_mark(frame);
        }
        for (int k = 0; k < i; ++k)
            check(blocks[k], bytes[k], (uint64_t)k);
        assert_wr_ok(wr_frame_allocator_reset(frame));
    }
}

/* The inline path bumps exactly as the call does: the same positions after every allocation (growth and
 * consolidation included), the same statistics, and every block intact. */
static void test_inline_path_matches_the_call(void **state)
{
    fixture *f = *state;
    enum { COUNT = 600 };
    static size_t inline_marks[COUNT], call_marks[COUNT];
    wr_frame_allocator *reference;
    assert_wr_ok(wr_frame_allocator_create(f->manager, 4096, WR_MEMORY_TAG_SOLVER, &reference));
    run_frames(f->frame, 1, inline_marks, COUNT);
    run_frames(reference, 0, call_marks, COUNT);
    assert_memory_equal(inline_marks, call_marks, sizeof inline_marks);
    wr_frame_allocator_stats a = stats_of(f->frame), b = stats_of(reference);
    assert_int_equal(a.allocations, COUNT);
    assert_true(a.growths >= 2); /* the sequence outgrew the 4 KiB buffer: the inline path went to the call */
    assert_memory_equal(&a, &b, sizeof a);
    assert_wr_ok(wr_frame_allocator_destroy(reference));
    for (size_t alignment = 1; alignment <= 4096; alignment *= 2) { /* larger alignments, inline too */
        void *p;
        assert_wr_ok(wr_frame_allocator_allocate_inline(f->frame, 3, alignment, &p));
        assert_int_equal((uintptr_t)p % alignment, 0);
    }
    assert_wr_ok(wr_frame_allocator_reset(f->frame));
}

static void test_bad_input(void **state)
{
    fixture *f = *state;
    wr_frame_allocator *none = (wr_frame_allocator *)0x1;
    expect_failure(wr_frame_allocator_create(NULL, 0, WR_MEMORY_TAG_SOLVER, &none), WR_ERR_INVALID_ARGUMENT,
                   "manager is NULL");
    expect_failure(wr_frame_allocator_create(f->manager, 0, WR_MEMORY_TAG_SOLVER, NULL), WR_ERR_INVALID_ARGUMENT,
                   "out is NULL");
    expect_failure(wr_frame_allocator_create(f->manager, 0, WR_MEMORY_TAG_COUNT, &none), WR_ERR_INVALID_ARGUMENT,
                   "is not a wr_memory_tag");
    expect_failure(wr_frame_allocator_create(f->manager, SIZE_MAX, WR_MEMORY_TAG_SOLVER, &none), WR_ERR_INVALID_ARGUMENT,
                   "size overflow");
    assert_ptr_equal(none, (wr_frame_allocator *)0x1);
    expect_failure(wr_frame_allocator_destroy(NULL), WR_ERR_INVALID_ARGUMENT, "frame is NULL");

    void *live;
    assert_wr_ok(wr_frame_allocator_allocate(f->frame, 100, 0, &live));
    wr_frame_allocator_stats before = stats_of(f->frame);
    void *p = (void *)0x1;
    expect_failure(wr_frame_allocator_allocate(NULL, 8, 0, &p), WR_ERR_INVALID_ARGUMENT, "frame is NULL");
    expect_failure(wr_frame_allocator_allocate(f->frame, 8, 0, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    expect_failure(wr_frame_allocator_allocate(f->frame, 0, 0, &p), WR_ERR_INVALID_ARGUMENT, "bytes is 0");
    expect_failure(wr_frame_allocator_allocate(f->frame, SIZE_MAX, 0, &p), WR_ERR_INVALID_ARGUMENT, "size overflow");
    expect_failure(wr_frame_allocator_allocate(f->frame, 8, 6, &p), WR_ERR_INVALID_ARGUMENT, "not a power of two");
    expect_failure(wr_frame_allocator_allocate(f->frame, 8, 8192, &p), WR_ERR_INVALID_ARGUMENT, "above the page size");
    /* The inline path checks as much, with the same statuses and messages (it hands bad input to the call). */
    expect_failure(wr_frame_allocator_allocate_inline(NULL, 8, 0, &p), WR_ERR_INVALID_ARGUMENT, "frame is NULL");
    expect_failure(wr_frame_allocator_allocate_inline(f->frame, 8, 0, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    expect_failure(wr_frame_allocator_allocate_inline(f->frame, 0, 0, &p), WR_ERR_INVALID_ARGUMENT, "bytes is 0");
    expect_failure(wr_frame_allocator_allocate_inline(f->frame, SIZE_MAX, 0, &p), WR_ERR_INVALID_ARGUMENT,
                   "size overflow");
    expect_failure(wr_frame_allocator_allocate_inline(f->frame, WR_MEMORY_ALLOCATOR_MAX_BYTES + 1, 0, &p),
                   WR_ERR_INVALID_ARGUMENT, "size overflow");
    expect_failure(wr_frame_allocator_allocate_inline(f->frame, 8, 6, &p), WR_ERR_INVALID_ARGUMENT,
                   "not a power of two");
    expect_failure(wr_frame_allocator_allocate_inline(f->frame, 8, 8192, &p), WR_ERR_INVALID_ARGUMENT,
                   "above the page size");
    assert_ptr_equal(p, (void *)0x1);
    wr_memory_allocator *a = wr_frame_allocator_as_allocator(f->frame);
    expect_failure(wr_memory_allocator_allocate(a, 0, &p), WR_ERR_INVALID_ARGUMENT, "bytes is 0");
    expect_failure(wr_memory_allocator_deallocate(a, NULL, 8), WR_ERR_INVALID_ARGUMENT, "ptr is NULL");
    assert_wr_ok(wr_memory_allocator_deallocate(a, live, 100)); /* a no-op */
    expect_failure(wr_frame_allocator_reset(NULL), WR_ERR_INVALID_ARGUMENT, "frame is NULL");
    assert_int_equal(wr_frame_allocator_mark(NULL), 0);
    expect_failure(wr_frame_allocator_rewind(NULL, 0), WR_ERR_INVALID_ARGUMENT, "frame is NULL");
    expect_failure(wr_frame_allocator_rewind(f->frame, before.used_bytes + 1), WR_ERR_INVALID_ARGUMENT,
                   "past the current position");
    wr_frame_allocator_stats after = stats_of(f->frame);
    assert_memory_equal(&before, &after, sizeof before);
    expect_failure(wr_frame_allocator_get_stats(NULL, &after), WR_ERR_INVALID_ARGUMENT, "frame is NULL");
    expect_failure(wr_frame_allocator_get_stats(f->frame, NULL), WR_ERR_INVALID_ARGUMENT, "out is NULL");
    assert_null(wr_frame_allocator_as_allocator(NULL));
    expect_failure(wr_memory_allocator_destroy(a), WR_ERR_INVALID_ARGUMENT, "belongs to the object");
    assert_wr_ok(wr_frame_allocator_reset(f->frame));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growth_then_consolidation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_steady_state_makes_no_manager_requests, setup, teardown),
        cmocka_unit_test(test_reset_independent_of_allocation_count),
        cmocka_unit_test_setup_teardown(test_mark_and_rewind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rewound_scopes_reach_steady_state, setup, teardown),
        cmocka_unit_test(test_budget_refusal_changes_nothing),
        cmocka_unit_test(test_consolidation_refused_falls_back),
        cmocka_unit_test_setup_teardown(test_inline_path_matches_the_call, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
