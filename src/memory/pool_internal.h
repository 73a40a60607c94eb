/* Inside the pool allocator: the structure and the O(1) fast paths, inlined into the memory manager.
 *
 * Invariants: free[c] is a singly linked list of blocks of class c, each aligned to at least
 * pool_class_alignment[c]; carve..carve_end is the untouched tail of the newest chunk; chunks are linked through
 * a small header at their start. Statistics on the fast path are one counter per call: bytes in use are summed
 * from the class counters when asked for, and a class's peak is the number of blocks carved for it (a block is
 * only carved when every block of the class is in use). */
#ifndef WR_MEMORY_POOL_INTERNAL_H
#define WR_MEMORY_POOL_INTERNAL_H

#include "memory/allocator_internal.h"
#include "worldrunner/pool_allocator.h"

typedef struct pool_free_block {
    struct pool_free_block *next;
} pool_free_block;

typedef struct pool_chunk {
    struct pool_chunk *next;
    size_t bytes;
} pool_chunk;

struct wr_pool_allocator {
    pool_free_block *free[WR_POOL_ALLOCATOR_CLASS_COUNT];
    char *carve;                 /* next unused byte of the newest chunk */
    char *carve_end;
    uint64_t class_allocations[WR_POOL_ALLOCATOR_CLASS_COUNT];
    uint64_t class_deallocations[WR_POOL_ALLOCATOR_CLASS_COUNT];
    size_t class_carved[WR_POOL_ALLOCATOR_CLASS_COUNT];
    pool_chunk *chunks;
    size_t chunk_count;
    size_t bytes_reserved;
    uint64_t base_requests;
    size_t chunk_bytes;
    wr_memory_allocator *base;
    wr_memory_allocator handle;
};

/* Class of a request of 1..1024 bytes, indexed by (bytes + 15) / 16. The tables are static so that, in
 * position-independent code, the fast paths read them directly rather than through the GOT. */
static const uint8_t pool_class_of[WR_POOL_ALLOCATOR_MAX_BLOCK / 16 + 1] = {
    0,  0,  1,  2,  2,  3,  3,  4,  4,  5,  5,  6,  6,  7,  7,  8,  8,  9,  9,  9,  9,  10,
    10, 10, 10, 11, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 13, 13, 13, 13, 14, 14, 14,
    14, 14, 14, 14, 14, 15, 15, 15, 15, 15, 15, 15, 15, 16, 16, 16, 16, 16, 16, 16, 16};
static const uint16_t pool_class_size[WR_POOL_ALLOCATOR_CLASS_COUNT] = {16,  32,  64,  96,  128, 160, 192, 224, 256,
                                                                     320, 384, 448, 512, 640, 768, 896, 1024};
/* Carving alignment of each class: its lowest set bit, capped at a cache line so carving wastes little. */
static const uint16_t pool_class_alignment[WR_POOL_ALLOCATOR_CLASS_COUNT] = {16, 32, 64, 32, 64, 32, 64, 32, 64,
                                                                          64, 64, 64, 64, 64, 64, 64, 64};

/* Empty free list or alignment above the class's: carve a block (may draw a chunk from the base). */
MEMORY_COLD wr_status pool_allocate_slow(wr_pool_allocator *pool, unsigned c, size_t alignment, void **out);

/* Arguments already checked: 1 <= bytes <= 1024, alignment a power of two <= 4096. */
static inline wr_status pool_allocate_unchecked(wr_pool_allocator *pool, size_t bytes, size_t alignment, void **out)
{
    unsigned c = pool_class_of[(bytes + 15) >> 4];
    pool_free_block *block = pool->free[c];
    if (!block || alignment > pool_class_alignment[c])
        return pool_allocate_slow(pool, c, alignment, out);
    pool->free[c] = block->next;
    pool->class_allocations[c]++;
    *out = block;
    return WR_OK;
}

static inline void pool_deallocate_unchecked(wr_pool_allocator *pool, void *ptr, size_t bytes)
{
    unsigned c = pool_class_of[(bytes + 15) >> 4];
    pool_free_block *block = ptr;
    block->next = pool->free[c];
    pool->free[c] = block;
    pool->class_deallocations[c]++;
}

/* Initialise / tear down a pool living inside another object (the memory manager). */
void pool_init(wr_pool_allocator *pool, wr_memory_allocator *base, size_t chunk_bytes);
void pool_release_chunks(wr_pool_allocator *pool);

#endif
