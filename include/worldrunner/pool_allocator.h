/* worldrunner/pool_allocator.h — fixed size classes for small blocks (up to WR_POOL_ALLOCATOR_MAX_BLOCK bytes).
 *
 * A request is rounded up to its size class (16, 32, 64, 96, ... 1024 bytes) through a lookup table; each class
 * keeps a singly linked free list, so allocate and deallocate are O(1) and touch a few words. Blocks are carved
 * from chunks drawn from a base allocator (chunk_bytes each, default 16 KiB). Every block is aligned to 16 bytes;
 * blocks of classes >= 32 bytes to 32 bytes and of classes that are multiples of 64 to 64 bytes. A larger
 * alignment (up to 4096) takes a slower path: the head of the class's free list if it happens to be aligned so,
 * else a freshly carved block (the padding before it is lost). The class depends on the size only, so deallocate
 * needs the size only.
 *
 * wr_pool_allocator_allocate_inline() and wr_pool_allocator_deallocate_inline() are the same calls compiled into the
 * caller: a table lookup and a list pop or push, no call, unless the class's list is empty or the request is one
 * the inline code cannot serve (see below); then they call the functions above.
 *
 * Ownership: the creator destroys the pool; all chunks go back to the base then (freed or not). The pool never
 * destroys its base. Threads: one thread at a time.
 */
#ifndef WORLDRUNNER_POOL_ALLOCATOR_H
#define WORLDRUNNER_POOL_ALLOCATOR_H

#include <stddef.h>
#include <stdint.h>

#include "worldrunner/memory_allocator.h"
#include "worldrunner/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WR_POOL_ALLOCATOR_MAX_BLOCK 1024u
#define WR_POOL_ALLOCATOR_CLASS_COUNT 17u
#define WR_POOL_ALLOCATOR_DEFAULT_CHUNK_BYTES (16u * 1024u)

typedef struct wr_pool_allocator wr_pool_allocator;

typedef struct wr_pool_allocator_class_stats {
    size_t block_bytes;          /* size of every block of this class */
    size_t blocks_in_use;
    size_t peak_blocks_in_use;   /* = blocks carved: a block is carved only when all blocks of the class are in use */
    size_t free_blocks;          /* blocks of this class waiting on its free list (counted by get_stats) */
    uint64_t allocations;
} wr_pool_allocator_class_stats;

typedef struct wr_pool_allocator_stats {
    size_t bytes_in_use;         /* block bytes (class sizes) live */
    size_t bytes_carved;         /* block bytes ever carved: the sum of the classes' peaks, an upper bound of the
                                    peak of bytes_in_use (exact when one class is used); the fast path keeps one
                                    counter per call, so the joint peak is not tracked */
    size_t bytes_reserved;       /* bytes held from the base (chunks) */
    size_t chunks;
    uint64_t allocations;
    uint64_t deallocations;
    uint64_t base_requests;      /* chunk requests made to the base since creation */
    wr_pool_allocator_class_stats classes[WR_POOL_ALLOCATOR_CLASS_COUNT];
} wr_pool_allocator_stats;

typedef void (*wr_pool_allocator_chunk_visitor)(const void *chunk, size_t bytes, void *context);

/* Create a pool over `base` (required) with chunks of `chunk_bytes` (0 = 16 KiB; at least 4 KiB). */
wr_status wr_pool_allocator_create(wr_memory_allocator *base, size_t chunk_bytes, wr_pool_allocator **out);
/* Return every chunk to the base and free the pool. WR_ERR_LEAK if blocks were still in use (still freed). */
wr_status wr_pool_allocator_destroy(wr_pool_allocator *pool);
/* Allocate `bytes` (1..1024) aligned to `alignment` (power of two <= 4096; 0 = 16). */
wr_status wr_pool_allocator_allocate(wr_pool_allocator *pool, size_t bytes, size_t alignment, void **out);
/* Return a block; `bytes` is the size it was allocated with (any alignment). */
wr_status wr_pool_allocator_deallocate(wr_pool_allocator *pool, void *ptr, size_t bytes);
wr_status wr_pool_allocator_get_stats(const wr_pool_allocator *pool, wr_pool_allocator_stats *out);
wr_status wr_pool_allocator_visit_chunks(const wr_pool_allocator *pool, wr_pool_allocator_chunk_visitor visitor,
                                      void *context);
/* The block size used for a request of `bytes` (0 if bytes is 0 or above WR_POOL_ALLOCATOR_MAX_BLOCK). */
size_t wr_pool_allocator_block_size(size_t bytes);
/* This pool seen as a wr_memory_allocator. The handle belongs to the pool. */
wr_memory_allocator *wr_pool_allocator_as_allocator(wr_pool_allocator *pool);

/* --- inline fast path -------------------------------------------------------------------------------------------
 * Every wr_pool_allocator starts with a wr_pool_allocator_fast: per size class, the head of its free list and its
 * counters. The two inline functions below read and write it; nothing else outside the library may (the rest of
 * the pool stays opaque, and these fields are not an interface to program against). */

/* A free block: its first word links it to the next free block of its class. */
typedef struct wr_pool_allocator_block {
    struct wr_pool_allocator_block *next;
} wr_pool_allocator_block;

typedef struct wr_pool_allocator_class_state {
    wr_pool_allocator_block *free; /* first free block of the class; NULL = empty (the next allocation carves) */
    uint64_t allocations;          /* blocks of the class handed out since creation */
    uint64_t deallocations;        /* blocks of the class taken back since creation */
    uint64_t carved;               /* blocks carved from chunks for the class (= its peak of blocks in use) */
} wr_pool_allocator_class_state;   /* 32 bytes: a class's list head and counters share one cache line */

typedef struct wr_pool_allocator_fast {
    wr_pool_allocator_class_state classes[WR_POOL_ALLOCATOR_CLASS_COUNT];
} wr_pool_allocator_fast;

/* Size class of a request of 1..1024 bytes, indexed by (bytes + 15) / 16; the classes are 16, 32, 64, 96, 128, 160,
 * 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024 bytes. When `bytes` is a constant the lookup folds. */
static const unsigned char wr_pool_allocator_class_of[WR_POOL_ALLOCATOR_MAX_BLOCK / 16 + 1] = {
    0,  0,  1,  2,  2,  3,  3,  4,  4,  5,  5,  6,  6,  7,  7,  8,  8,  9,  9,  9,  9,  10,
    10, 10, 10, 11, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 13, 13, 13, 13, 14, 14, 14,
    14, 14, 14, 14, 14, 15, 15, 15, 15, 15, 15, 15, 15, 16, 16, 16, 16, 16, 16, 16, 16};

/* wr_pool_allocator_allocate() compiled into the caller, with the same arguments, checks, results and messages.
 * Served inline: pool and out non-NULL, 1 <= bytes <= 1024, alignment 0 or a power of two <= 16 (every block is
 * 16-aligned), and a block waiting on the class's list. Anything else (an empty list: carving, a new chunk; a
 * larger alignment; every bad argument, reported as the call reports it) calls wr_pool_allocator_allocate(). */
static inline wr_status wr_pool_allocator_allocate_inline(wr_pool_allocator *pool, size_t bytes, size_t alignment,
                                                          void **out)
{
    if (pool && out && bytes - 1 < WR_POOL_ALLOCATOR_MAX_BLOCK && alignment <= 16 &&
        (alignment & (alignment - 1)) == 0) {
        wr_pool_allocator_class_state *c =
            &((wr_pool_allocator_fast *)(void *)pool)->classes[wr_pool_allocator_class_of[(bytes + 15) >> 4]];
        wr_pool_allocator_block *block = c->free;
        if (block) {
            c->free = block->next;
            c->allocations++;
            *out = block;
            return WR_OK;
        }
    }
    return wr_pool_allocator_allocate(pool, bytes, alignment, out);
}

/* wr_pool_allocator_deallocate() compiled into the caller, with the same checks (pool and ptr non-NULL, bytes
 * 1..1024, ptr 16-aligned); a bad argument calls wr_pool_allocator_deallocate(), which reports it. */
static inline wr_status wr_pool_allocator_deallocate_inline(wr_pool_allocator *pool, void *ptr, size_t bytes)
{
    if (pool && ptr && bytes - 1 < WR_POOL_ALLOCATOR_MAX_BLOCK && ((uintptr_t)ptr & 15u) == 0) {
        wr_pool_allocator_class_state *c =
            &((wr_pool_allocator_fast *)(void *)pool)->classes[wr_pool_allocator_class_of[(bytes + 15) >> 4]];
        wr_pool_allocator_block *block = (wr_pool_allocator_block *)ptr;
        block->next = c->free;
        c->free = block;
        c->deallocations++;
        return WR_OK;
    }
    return wr_pool_allocator_deallocate(pool, ptr, bytes);
}

#ifdef __cplusplus
}
#endif
#endif
