/* Inside the pool allocator: the structure and the O(1) fast paths, inlined into the memory manager.
 *
 * Invariants: fast.classes[c].free is a singly linked list of blocks of class c, each aligned to at least
 * pool_class_alignment[c]; carve..carve_end is the untouched tail of the newest chunk; chunks are held in a
 * wr_memory_chunk_list (header at each chunk's start). Statistics on the fast path are one counter per call, next
 * to the class's list head: bytes in use are summed from the class counters when asked for, and a class's peak
 * is the number of blocks carved for it (a block is only carved when every block of the class is in use). */
#ifndef WR_MEMORY_POOL_INTERNAL_H
#define WR_MEMORY_POOL_INTERNAL_H

#include "memory/allocator_internal.h"
#include "memory/chunk_list.h"
#include "worldrunner/pool_allocator.h"

struct wr_pool_allocator {
    wr_pool_allocator_fast fast; /* first: the public inline fast path reads it through the handle */
    char *carve;                 /* next unused byte of the newest chunk */
    char *carve_end;
    size_t chunk_bytes;
    wr_memory_chunk_list chunks;
    wr_memory_allocator handle;
};

_Static_assert(sizeof(wr_pool_allocator_class_state) == 32, "two classes per cache line, never one across two");

static const uint16_t pool_class_size[WR_POOL_ALLOCATOR_CLASS_COUNT] = {16,  32,  64,  96,  128, 160, 192, 224, 256,
                                                                     320, 384, 448, 512, 640, 768, 896, 1024};
/* Carving alignment of each class: its lowest set bit, capped at a cache line so carving wastes little. */
static const uint16_t pool_class_alignment[WR_POOL_ALLOCATOR_CLASS_COUNT] = {16, 32, 64, 32, 64, 32, 64, 32, 64,
                                                                          64, 64, 64, 64, 64, 64, 64, 64};

static inline unsigned pool_class(size_t bytes) { return wr_pool_allocator_class_of[(bytes + 15) >> 4]; }

/* Empty free list or alignment above the class's: carve a block (may draw a chunk from the base). */
MEMORY_COLD wr_status pool_allocate_slow(wr_pool_allocator *pool, unsigned c, size_t alignment, void **out);

/* Arguments already checked: 1 <= bytes <= 1024, alignment a power of two <= 4096. */
static inline wr_status pool_allocate_unchecked(wr_pool_allocator *pool, size_t bytes, size_t alignment, void **out)
{
    unsigned c = pool_class(bytes);
    wr_pool_allocator_class_state *s = &pool->fast.classes[c];
    wr_pool_allocator_block *block = s->free;
    if (!block || alignment > pool_class_alignment[c])
        return pool_allocate_slow(pool, c, alignment, out);
    s->free = block->next;
    s->allocations++;
    *out = block;
    return WR_OK;
}

static inline void pool_deallocate_unchecked(wr_pool_allocator *pool, void *ptr, size_t bytes)
{
    wr_pool_allocator_class_state *s = &pool->fast.classes[pool_class(bytes)];
    wr_pool_allocator_block *block = ptr;
    block->next = s->free;
    s->free = block;
    s->deallocations++;
}

/* Initialise / tear down a pool living inside another object (the memory manager). */
void pool_init(wr_pool_allocator *pool, wr_memory_allocator *base, size_t chunk_bytes);
void pool_release_chunks(wr_pool_allocator *pool);

#endif
