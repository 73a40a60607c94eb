/* fuzz_alloc — allocator operation sequences checked against a reference model.
 *
 * Input: the allocator (pool, free list, memory manager with an optional budget, frame allocator over a manager),
 * its chunk sizes, then up to 200 operations: allocate (any size and alignment, valid or not, directly, through the
 * header's inline fast path or through the wr_memory_allocator interface), free, check everything, trim, change
 * the budget, and for the frame allocator reset, mark and rewind. The base is a counting allocator over a debug
 * allocator over the heap.
 * The model keeps every live block (address, size, alignment, tag, fill pattern; for the frame its end offset).
 * Promises checked: a block is aligned as asked (at least the default), inside no other live block, and keeps its
 * contents until it is freed (or reset / rewound past); refused requests return INVALID_ARGUMENT or BUDGET with a
 * message and change no statistic except the refusal count; the statistics agree with the model (bytes in use, per
 * class, per tag, allocations and deallocations, frame position); the bytes reserved equal the bytes the base has
 * outstanding and never pass the budget; after destroy the base has nothing outstanding and the debug allocator saw
 * no double free, size mismatch or foreign pointer.
 */
#include "fuzz_support.h"

enum { KIND_POOL, KIND_FREE_LIST, KIND_MANAGER, KIND_FRAME, KIND_COUNT };
enum { MAX_BLOCKS = 256, MAX_OPS = 200, MAX_MARKS = 16 };

typedef struct block {
    unsigned char *p;
    size_t size, alignment;
    wr_memory_tag tag;
    bool via_interface;           /* allocated through wr_memory_allocator (manager: tag USER) */
    uint8_t pattern;
    size_t frame_end;             /* frame: offset in the frame right after the block */
} block;

typedef struct ctx {
    fuzz_reader in;
    int kind;
    wr_memory_allocator *heap, *debug, *base;
    wr_pool_allocator *pool;
    wr_free_list_allocator *free_list;
    wr_memory_manager *manager;
    wr_frame_allocator *frame;
    size_t budget;
    block blocks[MAX_BLOCKS];
    int count;
    uint64_t allocations, deallocations;   /* calls that succeeded, as the allocator counts them */
    size_t marks[MAX_MARKS];
    int mark_count;
    size_t frame_used;            /* the frame's position as the model knows it */
    uint64_t budget_refusals;
} ctx;

/* ---- the model --------------------------------------------------------------------------------------------- */

/* Each block is filled with its own byte (256 patterns: a block written through an overlap shows a foreign byte).
 * memset/memcmp keep the cost low for big blocks (a byte loop here would dominate the fuzzer's time). */
static void fill(block *b) { memset(b->p, b->pattern, b->size); }

static void check_block(const block *b)
{
    static unsigned char expected[4096];
    memset(expected, b->pattern, sizeof expected);
    for (size_t at = 0; at < b->size; at += sizeof expected) {
        size_t n = b->size - at < sizeof expected ? b->size - at : sizeof expected;
        FUZZ_CHECK(memcmp(b->p + at, expected, n) == 0, "block %p (%zu bytes, alignment %zu) changed near byte %zu",
                   (void *)b->p, b->size, b->alignment, at);
    }
}

static void check_all_blocks(const ctx *c)
{
    for (int i = 0; i < c->count; i++)
        check_block(&c->blocks[i]);
}

static void check_new_block(const ctx *c, const unsigned char *p, size_t size, size_t alignment)
{
    FUZZ_CHECK(p != NULL, "allocation succeeded with a NULL block");
    FUZZ_CHECK(((uintptr_t)p & (alignment - 1)) == 0, "block %p not aligned to %zu", (const void *)p, alignment);
    for (int i = 0; i < c->count; i++) {
        const block *o = &c->blocks[i];
        FUZZ_CHECK(p + size <= o->p || o->p + o->size <= p, "block %p+%zu overlaps live block %p+%zu",
                   (const void *)p, size, (void *)o->p, o->size);
    }
}

static void forget(ctx *c, int i) { c->blocks[i] = c->blocks[--c->count]; }

/* ---- statistics -------------------------------------------------------------------------------------------- */

static size_t base_outstanding(const ctx *c)
{
    wr_memory_allocator_counts counts;
    FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_get_counts(c->base, &counts)) == WR_OK, "counts");
    return counts.bytes_outstanding;
}

/* Everything the statistics say, as one comparable record. */
typedef struct snapshot_stats {
    wr_pool_allocator_stats pool;
    wr_free_list_allocator_stats free_list;
    wr_memory_manager_stats manager;
    wr_frame_allocator_stats frame;
} snapshot_stats;

static snapshot_stats stats_of(const ctx *c)
{
    snapshot_stats s;
    memset(&s, 0, sizeof s);
    if (c->pool)
        FUZZ_CHECK(FUZZ_CALL(wr_pool_allocator_get_stats(c->pool, &s.pool)) == WR_OK, "pool stats");
    if (c->free_list)
        FUZZ_CHECK(FUZZ_CALL(wr_free_list_allocator_get_stats(c->free_list, &s.free_list)) == WR_OK, "fl stats");
    if (c->manager)
        FUZZ_CHECK(FUZZ_CALL(wr_memory_manager_get_stats(c->manager, &s.manager)) == WR_OK, "manager stats");
    if (c->frame)
        FUZZ_CHECK(FUZZ_CALL(wr_frame_allocator_get_stats(c->frame, &s.frame)) == WR_OK, "frame stats");
    return s;
}

static void check_pool_stats(const ctx *c, const wr_pool_allocator_stats *s)
{
    size_t in_use = 0, per_class[WR_POOL_ALLOCATOR_CLASS_COUNT] = {0};
    for (int i = 0; i < c->count; i++) {
        size_t bs = wr_pool_allocator_block_size(c->blocks[i].size);
        in_use += bs;
        for (unsigned k = 0; k < WR_POOL_ALLOCATOR_CLASS_COUNT; k++)
            if (s->classes[k].block_bytes == bs)
                per_class[k]++;
    }
    FUZZ_CHECK(s->bytes_in_use == in_use, "pool bytes in use %zu, model %zu", s->bytes_in_use, in_use);
    FUZZ_CHECK(s->allocations == c->allocations && s->deallocations == c->deallocations,
               "pool counts %llu/%llu, model %llu/%llu", (unsigned long long)s->allocations,
               (unsigned long long)s->deallocations, (unsigned long long)c->allocations,
               (unsigned long long)c->deallocations);
    for (unsigned k = 0; k < WR_POOL_ALLOCATOR_CLASS_COUNT; k++) {
        FUZZ_CHECK(s->classes[k].blocks_in_use == per_class[k], "class %zu B: %zu blocks in use, model %zu",
                   s->classes[k].block_bytes, s->classes[k].blocks_in_use, per_class[k]);
        FUZZ_CHECK(s->classes[k].peak_blocks_in_use >= s->classes[k].blocks_in_use, "class peak below use");
    }
    FUZZ_CHECK(s->bytes_carved >= s->bytes_in_use, "carved %zu < in use %zu", s->bytes_carved, s->bytes_in_use);
    FUZZ_CHECK(s->bytes_reserved == base_outstanding(c), "pool reserved %zu, base outstanding %zu",
               s->bytes_reserved, base_outstanding(c));
}

static void check_free_list_stats(const ctx *c, const wr_free_list_allocator_stats *s)
{
    size_t in_use = 0;
    for (int i = 0; i < c->count; i++)
        in_use += c->blocks[i].size;
    FUZZ_CHECK(s->bytes_in_use == in_use, "free list bytes in use %zu, model %zu", s->bytes_in_use, in_use);
    FUZZ_CHECK(s->allocations == c->allocations && s->deallocations == c->deallocations, "free list counts");
    FUZZ_CHECK(s->peak_bytes_in_use >= s->bytes_in_use, "peak below use");
    FUZZ_CHECK(s->block_bytes_in_use >= in_use && s->block_bytes_in_use + s->bytes_free == s->chunk_usable_bytes,
               "free list blocks %zu + free %zu != usable %zu (in use %zu)", s->block_bytes_in_use, s->bytes_free,
               s->chunk_usable_bytes, in_use);
    FUZZ_CHECK(s->largest_free_block <= s->bytes_free && s->chunk_usable_bytes <= s->bytes_reserved,
               "largest free %zu, free %zu, usable %zu, reserved %zu", s->largest_free_block, s->bytes_free,
               s->chunk_usable_bytes, s->bytes_reserved);
    FUZZ_CHECK(c->count > 0 || s->free_blocks == s->chunks, "with nothing in use, %zu free blocks in %zu chunks "
               "(freed neighbours must merge)", s->free_blocks, s->chunks);
    FUZZ_CHECK(s->bytes_reserved == base_outstanding(c), "free list reserved %zu, base outstanding %zu",
               s->bytes_reserved, base_outstanding(c));
}

static void check_manager_stats(const ctx *c, const wr_memory_manager_stats *s)
{
    size_t in_use = 0, by_tag[WR_MEMORY_TAG_COUNT] = {0};
    for (int i = 0; i < c->count; i++) {
        if (c->kind == KIND_FRAME)
            continue; /* frame blocks live inside the frame's buffers */
        in_use += c->blocks[i].size;
        by_tag[c->blocks[i].tag] += c->blocks[i].size;
    }
    if (c->kind == KIND_MANAGER) {
        FUZZ_CHECK(s->bytes_in_use == in_use, "manager bytes in use %zu, model %zu", s->bytes_in_use, in_use);
        for (int t = 0; t < WR_MEMORY_TAG_COUNT; t++)
            FUZZ_CHECK(s->by_tag[t].bytes_in_use == by_tag[t], "tag %s: %zu bytes, model %zu", wr_memory_tag_name(t),
                       s->by_tag[t].bytes_in_use, by_tag[t]);
        FUZZ_CHECK(s->allocations == c->allocations && s->deallocations == c->deallocations, "manager counts");
    }
    FUZZ_CHECK(s->budget_refusals == c->budget_refusals, "budget refusals %llu, model %llu",
               (unsigned long long)s->budget_refusals, (unsigned long long)c->budget_refusals);
    FUZZ_CHECK(s->bytes_reserved == base_outstanding(c), "manager reserved %zu, base outstanding %zu",
               s->bytes_reserved, base_outstanding(c));
    FUZZ_CHECK(!c->budget || s->bytes_reserved <= c->budget, "reserved %zu past the budget %zu", s->bytes_reserved,
               c->budget);
    FUZZ_CHECK(s->peak_bytes_reserved >= s->bytes_reserved && s->peak_bytes_in_use >= s->bytes_in_use, "peaks");
}

static void check_frame_stats(const ctx *c, const wr_frame_allocator_stats *s)
{
    FUZZ_CHECK(s->used_bytes == c->frame_used, "frame used %zu, model %zu", s->used_bytes, c->frame_used);
    FUZZ_CHECK(wr_frame_allocator_mark(c->frame) == c->frame_used, "mark != used");
    FUZZ_CHECK(s->capacity_bytes >= s->used_bytes || s->capacity_bytes == 0, "capacity %zu < used %zu",
               s->capacity_bytes, s->used_bytes);
    FUZZ_CHECK(s->peak_frame_bytes >= s->used_bytes, "peak below use");
    FUZZ_CHECK(s->allocations == c->allocations, "frame allocations %llu, model %llu",
               (unsigned long long)s->allocations, (unsigned long long)c->allocations);
}

static void check_stats(const ctx *c)
{
    snapshot_stats s = stats_of(c);
    if (c->pool)
        check_pool_stats(c, &s.pool);
    if (c->free_list)
        check_free_list_stats(c, &s.free_list);
    if (c->manager)
        check_manager_stats(c, &s.manager);
    if (c->frame)
        check_frame_stats(c, &s.frame);
}

/* ---- operations -------------------------------------------------------------------------------------------- */

static size_t draw_size(ctx *c)
{
    switch (fuzz_u8(&c->in) % 8u) {
    case 0: return 0;
    case 1: return (size_t)fuzz_u32(&c->in) & 0x3fffffu;                 /* up to 4 MiB */
    case 2: return fuzz_bool(&c->in) ? SIZE_MAX : WR_MEMORY_ALLOCATOR_MAX_BYTES + 1 - fuzz_u8(&c->in) % 2u;
    case 3: case 4: return 1 + fuzz_u16(&c->in) % 70000u;
    default: return 1 + fuzz_u16(&c->in) % 1100u;
    }
}

static size_t draw_alignment(ctx *c)
{
    uint8_t k = fuzz_u8(&c->in);
    if (k < 96)
        return 0;
    if (k < 248)
        return (size_t)1 << (k % 13u);   /* 1 .. 4096 */
    static const size_t bad[] = {3, 24, 8192, 1u << 20, 48, 5, (size_t)1 << 63, 100};
    return bad[k % 8u];
}

static bool alignment_ok(size_t a) { return a == 0 || (a <= WR_MEMORY_ALLOCATOR_MAX_ALIGNMENT && !(a & (a - 1))); }

static size_t default_alignment(const ctx *c)
{
    return c->kind == KIND_FRAME ? WR_FRAME_ALLOCATOR_DEFAULT_ALIGNMENT : WR_MEMORY_ALLOCATOR_DEFAULT_ALIGNMENT;
}

static wr_memory_allocator *interface_of(const ctx *c)
{
    switch (c->kind) {
    case KIND_POOL: return wr_pool_allocator_as_allocator(c->pool);
    case KIND_FREE_LIST: return wr_free_list_allocator_as_allocator(c->free_list);
    case KIND_MANAGER: return wr_memory_manager_as_allocator(c->manager);
    default: return wr_frame_allocator_as_allocator(c->frame);
    }
}

static void op_allocate(ctx *c)
{
    if (c->count == MAX_BLOCKS)
        return;
    size_t size = draw_size(c), alignment = draw_alignment(c);
    wr_memory_tag tag = (wr_memory_tag)(fuzz_u8(&c->in) % WR_MEMORY_TAG_COUNT);
    uint8_t path = fuzz_u8(&c->in);
    bool via_interface = (path & 7u) == 0;
    bool inline_path = (path & 7u) == 1; /* the static inline fast paths of the pool and frame headers */
    if (via_interface) {
        tag = WR_MEMORY_TAG_USER;
        if (alignment == 0)
            alignment = WR_MEMORY_ALLOCATOR_DEFAULT_ALIGNMENT; /* the interface has no "default" alignment */
    }
    bool valid = size > 0 && size <= WR_MEMORY_ALLOCATOR_MAX_BYTES && alignment_ok(alignment) &&
                 !(c->kind == KIND_POOL && size > WR_POOL_ALLOCATOR_MAX_BLOCK);
    /* sizes the model does not want to fill: keep the harness fast and its memory bounded */
    if (valid && size > (1u << 22))
        return;
    const snapshot_stats before = stats_of(c);
    const size_t outstanding = base_outstanding(c);
    void *p = NULL;
    wr_status st;
    wr_clear_error();
    if (via_interface) {
        st = FUZZ_CALL(wr_memory_allocator_allocate_aligned(interface_of(c), size, alignment, &p));
    } else {
        switch (c->kind) {
        case KIND_POOL:
            st = inline_path ? FUZZ_CALL(wr_pool_allocator_allocate_inline(c->pool, size, alignment, &p))
                             : FUZZ_CALL(wr_pool_allocator_allocate(c->pool, size, alignment, &p));
            break;
        case KIND_FREE_LIST: st = FUZZ_CALL(wr_free_list_allocator_allocate(c->free_list, size, alignment, &p)); break;
        case KIND_MANAGER: st = FUZZ_CALL(wr_memory_manager_allocate(c->manager, size, alignment, tag, &p)); break;
        default:
            st = inline_path ? FUZZ_CALL(wr_frame_allocator_allocate_inline(c->frame, size, alignment, &p))
                             : FUZZ_CALL(wr_frame_allocator_allocate(c->frame, size, alignment, &p));
            break;
        }
    }
    if (st != WR_OK) {
        FUZZ_CHECK(!valid ? st == WR_ERR_INVALID_ARGUMENT : (st == WR_ERR_BUDGET && c->budget) ||
                                                                st == WR_ERR_OUT_OF_MEMORY,
                   "allocate %zu bytes, alignment %zu (%s): %s", size, alignment, valid ? "valid" : "invalid",
                   wr_status_name(st));
        FUZZ_CHECK(p == NULL, "a refused allocation wrote its result");
        if (st == WR_ERR_BUDGET)
            c->budget_refusals++;
        snapshot_stats after = stats_of(c);
        after.manager.budget_refusals = before.manager.budget_refusals;
        FUZZ_CHECK(memcmp(&before, &after, sizeof before) == 0, "a refused allocation changed the statistics");
        FUZZ_CHECK(base_outstanding(c) == outstanding, "a refused allocation kept base memory");
        return;
    }
    FUZZ_CHECK(valid, "allocate %zu bytes, alignment %zu accepted", size, alignment);
    size_t a = alignment ? alignment : default_alignment(c);
    check_new_block(c, p, size, a);
    block *b = &c->blocks[c->count++];
    *b = (block){.p = p, .size = size, .alignment = alignment, .tag = tag, .via_interface = via_interface,
                 .pattern = fuzz_u8(&c->in)};
    fill(b);
    c->allocations++;
    if (c->kind == KIND_FRAME) {
        c->frame_used = wr_frame_allocator_mark(c->frame);
        b->frame_end = c->frame_used;
    }
}

static void op_free(ctx *c)
{
    if (c->count == 0)
        return;
    int i = fuzz_u8(&c->in) % c->count;
    block *b = &c->blocks[i];
    check_block(b);
    wr_status st;
    if (b->via_interface || c->kind == KIND_FRAME) {
        st = FUZZ_CALL(wr_memory_allocator_deallocate(interface_of(c), b->p, b->size));
    } else {
        switch (c->kind) {
        case KIND_POOL:
            st = fuzz_bool(&c->in) ? FUZZ_CALL(wr_pool_allocator_deallocate_inline(c->pool, b->p, b->size))
                                   : FUZZ_CALL(wr_pool_allocator_deallocate(c->pool, b->p, b->size));
            break;
        case KIND_FREE_LIST: st = FUZZ_CALL(wr_free_list_allocator_deallocate(c->free_list, b->p, b->size)); break;
        default: st = FUZZ_CALL(wr_memory_manager_deallocate(c->manager, b->p, b->size, b->alignment, b->tag)); break;
        }
    }
    FUZZ_CHECK(st == WR_OK, "free of a live block: %s", wr_status_name(st));
    if (c->kind == KIND_FRAME)
        return; /* a no-op: the block stays valid until reset or rewind */
    c->deallocations++;
    forget(c, i);
}

/* Calls the free list and manager must refuse: a NULL block, a size no allocator accepts. */
static void op_bad_free(ctx *c)
{
    if (c->kind == KIND_FRAME || c->kind == KIND_POOL)
        return; /* the pool trusts its caller (fast path); the frame's deallocate is a no-op */
    const snapshot_stats before = stats_of(c);
    void *p = c->count ? c->blocks[0].p : NULL;
    size_t size = fuzz_bool(&c->in) ? 0 : SIZE_MAX;
    if (fuzz_bool(&c->in))
        p = NULL, size = 16;
    wr_status st = c->kind == KIND_FREE_LIST ? FUZZ_CALL(wr_free_list_allocator_deallocate(c->free_list, p, size))
                                             : FUZZ_CALL(wr_memory_manager_deallocate(c->manager, p, size, 0,
                                                                                      WR_MEMORY_TAG_USER));
    FUZZ_CHECK(st == WR_ERR_INVALID_ARGUMENT, "bad free (%p, %zu): %s", p, size, wr_status_name(st));
    const snapshot_stats after = stats_of(c);
    FUZZ_CHECK(memcmp(&before, &after, sizeof before) == 0, "a refused free changed the statistics");
}

static void op_trim(ctx *c)
{
    if (c->kind == KIND_FREE_LIST)
        FUZZ_CHECK(FUZZ_CALL(wr_free_list_allocator_trim(c->free_list)) == WR_OK, "trim");
    else if (c->kind == KIND_MANAGER)
        FUZZ_CHECK(FUZZ_CALL(wr_memory_manager_trim(c->manager)) == WR_OK, "trim");
    check_all_blocks(c);
}

static void op_budget(ctx *c)
{
    if (!c->manager)
        return;
    wr_memory_manager_stats s;
    FUZZ_CHECK(FUZZ_CALL(wr_memory_manager_get_stats(c->manager, &s)) == WR_OK, "stats");
    size_t budget = 0;
    if (fuzz_u8(&c->in) & 3u) {
        long delta = (long)(int16_t)fuzz_u16(&c->in) * 64;
        budget = delta < 0 && (size_t)-delta > s.bytes_reserved ? 1 : s.bytes_reserved + (size_t)delta;
    }
    wr_status st = FUZZ_CALL(wr_memory_manager_set_budget(c->manager, budget));
    bool refuse = budget && budget < s.bytes_reserved;
    FUZZ_CHECK(st == (refuse ? WR_ERR_BUDGET : WR_OK), "budget %zu with %zu reserved: %s", budget, s.bytes_reserved,
               wr_status_name(st));
    if (st == WR_OK)
        c->budget = budget;
}

/* Frame: reset releases everything; mark/rewind releases what came after the mark. */
static void op_frame(ctx *c)
{
    if (c->kind != KIND_FRAME)
        return;
    uint8_t what = fuzz_u8(&c->in) % 4u;
    if (what == 0) {
        const uint64_t refusals = stats_of(c).manager.budget_refusals;
        wr_status st = FUZZ_CALL(wr_frame_allocator_reset(c->frame));
        FUZZ_CHECK(st == WR_OK || (c->budget && st == WR_ERR_BUDGET), "reset: %s", wr_status_name(st));
        /* after growth, reset asks for one buffer of the high-water size, then (refused) one of the initial size:
         * refused twice it fails; refused once it succeeds with the smaller buffer */
        uint64_t delta = stats_of(c).manager.budget_refusals - refusals;
        FUZZ_CHECK(st == WR_ERR_BUDGET ? delta == 2 : delta <= 1, "reset %s after %llu budget refusals",
                   wr_status_name(st), (unsigned long long)delta);
        FUZZ_CHECK(delta == 0 || c->budget, "budget refusals without a budget");
        c->budget_refusals += delta;
        c->count = 0;
        c->frame_used = 0;
        c->mark_count = 0;
    } else if (what == 1) {
        if (c->mark_count < MAX_MARKS)
            c->marks[c->mark_count++] = wr_frame_allocator_mark(c->frame);
    } else {
        size_t mark;
        if (what == 2 && c->mark_count)
            mark = c->marks[--c->mark_count];
        else
            mark = fuzz_bool(&c->in) ? c->frame_used + 1 + fuzz_u16(&c->in) : fuzz_u16(&c->in);
        const snapshot_stats before = stats_of(c);
        wr_status st = FUZZ_CALL(wr_frame_allocator_rewind(c->frame, mark));
        if (mark > c->frame_used) {
            FUZZ_CHECK(st == WR_ERR_INVALID_ARGUMENT, "rewind past the position: %s", wr_status_name(st));
            const snapshot_stats after = stats_of(c);
            FUZZ_CHECK(memcmp(&before, &after, sizeof before) == 0, "a refused rewind changed the statistics");
            return;
        }
        FUZZ_CHECK(st == WR_OK, "rewind to %zu of %zu: %s", mark, c->frame_used, wr_status_name(st));
        c->frame_used = mark;
        for (int i = c->count - 1; i >= 0; i--)
            if (c->blocks[i].frame_end > mark)
                forget(c, i);
        while (c->mark_count && c->marks[c->mark_count - 1] > mark)
            c->mark_count--;
    }
    check_all_blocks(c);
}

/* ---- set up and tear down ---------------------------------------------------------------------------------- */

static bool create(ctx *c)
{
    FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_create_heap(&c->heap)) == WR_OK, "heap");
    FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_create_debug(c->heap, &c->debug)) == WR_OK, "debug");
    FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_create_counting(c->debug, &c->base)) == WR_OK, "counting");
    uint8_t head = fuzz_u8(&c->in);
    c->kind = head % KIND_COUNT;
    size_t chunk = (head & 0x10u) ? 4096u * (size_t)fuzz_int(&c->in, 1, 20) : 0;
    wr_status st;
    switch (c->kind) {
    case KIND_POOL: st = FUZZ_CALL(wr_pool_allocator_create(c->base, chunk, &c->pool)); break;
    case KIND_FREE_LIST: st = FUZZ_CALL(wr_free_list_allocator_create(c->base, chunk, &c->free_list)); break;
    default: {
        wr_memory_manager_config mc;
        wr_memory_manager_config_init(&mc);
        mc.base = c->base;
        mc.pool_chunk_bytes = chunk;
        mc.free_list_chunk_bytes = (head & 0x20u) ? 4096u * (size_t)fuzz_int(&c->in, 1, 20) : 0;
        if (head & 0x40u)
            mc.budget_bytes = (size_t)fuzz_u16(&c->in) * 64;
        c->budget = mc.budget_bytes;
        st = FUZZ_CALL(wr_memory_manager_create(&mc, &c->manager));
        if (st != WR_OK) {
            FUZZ_CHECK(c->budget && st == WR_ERR_BUDGET, "manager create: %s", wr_status_name(st));
            return false;
        }
        if (c->kind == KIND_FRAME) {
            size_t initial = (head & 0x80u) ? (size_t)fuzz_u16(&c->in) : 0;
            wr_memory_tag tag = (wr_memory_tag)(fuzz_u8(&c->in) % WR_MEMORY_TAG_COUNT);
            st = FUZZ_CALL(wr_frame_allocator_create(c->manager, initial, tag, &c->frame));
            if (st == WR_ERR_BUDGET) {
                FUZZ_CHECK(c->budget != 0, "frame create refused without a budget");
                c->budget_refusals++;
                check_stats(c);
                return false;
            }
        }
        break;
    }
    }
    FUZZ_CHECK(st == WR_OK, "create allocator kind %d: %s", c->kind, wr_status_name(st));
    return true;
}

static void destroy(ctx *c)
{
    /* give everything back first, so destroy must find nothing in use */
    while (c->kind != KIND_FRAME && c->count > 0) {
        c->in.left = 0; /* op_free draws index 0 */
        op_free(c);
    }
    wr_status st = WR_OK;
    if (c->frame)
        st = FUZZ_CALL(wr_frame_allocator_destroy(c->frame));
    FUZZ_CHECK(st == WR_OK, "frame destroy: %s", wr_status_name(st));
    if (c->manager)
        st = FUZZ_CALL(wr_memory_manager_destroy(c->manager));
    else if (c->pool)
        st = FUZZ_CALL(wr_pool_allocator_destroy(c->pool));
    else if (c->free_list)
        st = FUZZ_CALL(wr_free_list_allocator_destroy(c->free_list));
    FUZZ_CHECK(st == WR_OK, "allocator destroy: %s", wr_status_name(st));
    FUZZ_CHECK(base_outstanding(c) == 0, "%zu bytes outstanding at the base after destroy", base_outstanding(c));
    size_t live_blocks = 1, live_bytes = 1, problems = 1;
    FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_debug_report(c->debug, &live_blocks, &live_bytes, &problems)) == WR_OK,
               "debug report");
    FUZZ_CHECK(live_blocks == 0 && problems == 0, "debug allocator: %zu live blocks, %zu problems", live_blocks,
               problems);
    FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_destroy(c->base)) == WR_OK, "counting destroy");
    FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_destroy(c->debug)) == WR_OK, "debug destroy");
    FUZZ_CHECK(FUZZ_CALL(wr_memory_allocator_destroy(c->heap)) == WR_OK, "heap destroy");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ctx c;
    memset(&c, 0, sizeof c);
    c.in = fuzz_reader_make(data, size);
    if (create(&c)) {
        check_stats(&c);
        for (int op = 0; op < MAX_OPS && !fuzz_empty(&c.in); op++) {
            switch (fuzz_u8(&c.in) % 10u) {
            case 0: case 1: case 2: case 3: op_allocate(&c); break;
            case 4: case 5: op_free(&c); break;
            case 6: check_all_blocks(&c); break;
            case 7: op_frame(&c); break;
            case 8: if (fuzz_bool(&c.in)) op_trim(&c); else op_budget(&c); break;
            default: op_bad_free(&c); break;
            }
            check_stats(&c);
        }
    }
    destroy(&c);
    return 0;
}
