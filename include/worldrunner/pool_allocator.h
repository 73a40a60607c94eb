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

#ifdef __cplusplus
}
#endif
#endif
