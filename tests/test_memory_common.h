/* Helpers shared by the tests/test_memory_*.c programs: failure checks, block patterns, alignment sweeps and
 * fixed-seed random allocate/free sequences run through the wr_memory_allocator interface. */
#ifndef WR_TEST_MEMORY_COMMON_H
#define WR_TEST_MEMORY_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "test_support.h"

/* Assert a call failed with `expected` and left a message containing `fragment`. */
static inline void expect_failure(wr_status status, wr_status expected, const char *fragment)
{
    if (status != expected || !strstr(wr_last_error(), fragment))
        print_error("got %s \"%s\", expected %s containing \"%s\"\n", wr_status_name(status), wr_last_error(),
                    wr_status_name(expected), fragment);
    assert_int_equal(status, expected);
    assert_non_null(strstr(wr_last_error(), fragment));
}

static inline uint8_t pattern_byte(uint64_t id, size_t k) { return (uint8_t)(id * 131u + k * 7u + 1u); }

static inline void fill(void *p, size_t bytes, uint64_t id)
{
    uint8_t *b = p;
    for (size_t k = 0; k < bytes; ++k)
        b[k] = pattern_byte(id, k);
}

static inline void check(const void *p, size_t bytes, uint64_t id)
{
    const uint8_t *b = p;
    for (size_t k = 0; k < bytes; ++k)
        if (b[k] != pattern_byte(id, k))
            fail_msg("block %llu byte %zu overwritten", (unsigned long long)id, k);
}

/* Every alignment 1..4096 with a few sizes; all blocks live at once, then freed. */
static inline void check_alignments(wr_memory_allocator *a, size_t max_bytes)
{
    static const size_t sizes[] = {1, 7, 16, 100, 1000, 5000};
    void *blocks[13 * 6];
    size_t bytes[13 * 6];
    size_t n = 0;
    for (size_t alignment = 1; alignment <= 4096; alignment *= 2) {
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; ++s) {
            if (sizes[s] > max_bytes)
                continue;
            assert_wr_ok(wr_memory_allocator_allocate_aligned(a, sizes[s], alignment, &blocks[n]));
            assert_int_equal((uintptr_t)blocks[n] % alignment, 0);
            bytes[n] = sizes[s];
            fill(blocks[n], bytes[n], n);
            ++n;
        }
    }
    for (size_t i = 0; i < n; ++i) {
        check(blocks[i], bytes[i], i);
        assert_wr_ok(wr_memory_allocator_deallocate(a, blocks[i], bytes[i]));
    }
}

/* A chunk visitor that sums chunk sizes into *(size_t *)context. */
static inline void count_chunk_bytes(const void *chunk, size_t bytes, void *context)
{
    (void)chunk;
    *(size_t *)context += bytes;
}

typedef struct live_block {
    uintptr_t start;
    size_t bytes;
} live_block;

static inline int compare_live_blocks(const void *a, const void *b)
{
    uintptr_t x = ((const live_block *)a)->start, y = ((const live_block *)b)->start;
    return (x > y) - (x < y);
}

/* No two live blocks share a byte. */
static inline void check_no_overlap(void *const *ptr, const size_t *bytes, size_t slots)
{
    live_block blocks[256];
    size_t n = 0;
    for (size_t s = 0; s < slots && n < 256; ++s)
        if (ptr[s])
            blocks[n++] = (live_block){(uintptr_t)ptr[s], bytes[s]};
    qsort(blocks, n, sizeof blocks[0], compare_live_blocks);
    for (size_t i = 1; i < n; ++i)
        assert_true(blocks[i - 1].start + blocks[i - 1].bytes <= blocks[i].start);
}

/* Random allocate/free with a fixed seed through the allocator interface; each block carries its own pattern,
 * checked before it is freed, and live blocks are checked for overlap every 512 steps. Alignments are mostly
 * 1..64, one request in eight up to 4096. */
static inline void random_sequence(wr_memory_allocator *a, uint64_t seed, int steps, size_t max_bytes)
{
    enum { SLOTS = 256 };
    void *ptr[SLOTS] = {0};
    size_t bytes[SLOTS] = {0};
    uint64_t id[SLOTS] = {0};
    test_rng rng;
    test_rng_seed(&rng, seed);
    for (int step = 0; step < steps; ++step) {
        size_t s = (size_t)(test_rng_next(&rng) % SLOTS);
        if (ptr[s]) {
            check(ptr[s], bytes[s], id[s]);
            assert_wr_ok(wr_memory_allocator_deallocate(a, ptr[s], bytes[s]));
            ptr[s] = NULL;
        } else {
            bytes[s] = 1 + (size_t)(test_rng_next(&rng) % max_bytes);
            unsigned shift = (unsigned)(test_rng_next(&rng) % 64);
            size_t alignment = (size_t)1 << (shift < 56 ? shift % 7 : shift % 13);
            assert_wr_ok(wr_memory_allocator_allocate_aligned(a, bytes[s], alignment, &ptr[s]));
            assert_int_equal((uintptr_t)ptr[s] % alignment, 0);
            id[s] = (uint64_t)step;
            fill(ptr[s], bytes[s], id[s]);
        }
        if (step % 512 == 511)
            check_no_overlap(ptr, bytes, SLOTS);
    }
    check_no_overlap(ptr, bytes, SLOTS);
    for (size_t s = 0; s < SLOTS; ++s) {
        if (ptr[s]) {
            check(ptr[s], bytes[s], id[s]);
            assert_wr_ok(wr_memory_allocator_deallocate(a, ptr[s], bytes[s]));
        }
    }
}

#endif
