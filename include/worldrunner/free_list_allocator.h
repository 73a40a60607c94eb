/* worldrunner/free_list_allocator.h — a coalescing free-list allocator for blocks of any size and alignment.
 *
 * Memory comes from a base allocator in chunks (chunk_bytes each, default 64 KiB; a larger request gets a chunk of
 * its own size). Every block carries a 16-byte header with its size and the size of its neighbour below, so a
 * freed block merges with free neighbours at once: freeing everything leaves each chunk as one free block. Free
 * blocks sit in size bins (powers of two) with a bitmap of non-empty bins; allocation takes the first block that
 * fits (a few blocks of the request's own bin, then the next non-empty larger bin). Chunks are kept when they
 * empty, so a steady alloc/free pattern never asks the base again; wr_free_list_allocator_trim() returns the empty
 * ones, and destroy returns all.
 *
 * Ownership: the creator destroys it; the allocator never destroys its base. Threads: one thread at a time.
 */
#ifndef WORLDRUNNER_FREE_LIST_ALLOCATOR_H
#define WORLDRUNNER_FREE_LIST_ALLOCATOR_H

#include <stddef.h>
#include <stdint.h>

#include "worldrunner/memory_allocator.h"
#include "worldrunner/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WR_FREE_LIST_ALLOCATOR_DEFAULT_CHUNK_BYTES (64u * 1024u)

typedef struct wr_free_list_allocator wr_free_list_allocator;

typedef struct wr_free_list_allocator_stats {
    size_t bytes_in_use;         /* requested bytes live */
    size_t peak_bytes_in_use;
    size_t block_bytes_in_use;   /* bytes of live blocks, headers and padding included */
    size_t bytes_free;           /* bytes of free blocks (headers included) */
    size_t free_blocks;
    size_t largest_free_block;   /* in bytes, header included */
    size_t bytes_reserved;       /* bytes held from the base (chunks) */
    size_t chunks;
    size_t chunk_usable_bytes;   /* sum over chunks of the extent one free block would span */
    uint64_t allocations;
    uint64_t deallocations;
    uint64_t base_requests;      /* chunk requests made to the base since creation */
    uint64_t chunks_returned;    /* chunks given back to the base by trim */
} wr_free_list_allocator_stats;

typedef void (*wr_free_list_allocator_chunk_visitor)(const void *chunk, size_t bytes, void *context);

/* Create over `base` (required) with chunks of at least `chunk_bytes` (0 = 64 KiB; at least 4 KiB). */
wr_status wr_free_list_allocator_create(wr_memory_allocator *base, size_t chunk_bytes, wr_free_list_allocator **out);
/* Return every chunk to the base and free the allocator. WR_ERR_LEAK if blocks were still in use (still freed). */
wr_status wr_free_list_allocator_destroy(wr_free_list_allocator *allocator);
/* Allocate `bytes` (> 0) aligned to `alignment` (power of two <= 4096; 0 = 16). */
wr_status wr_free_list_allocator_allocate(wr_free_list_allocator *allocator, size_t bytes, size_t alignment, void **out);
/* Return a block; `bytes` is the size it was allocated with (checked against the block's header). */
wr_status wr_free_list_allocator_deallocate(wr_free_list_allocator *allocator, void *ptr, size_t bytes);
/* Return every completely free chunk to the base. Cold path. */
wr_status wr_free_list_allocator_trim(wr_free_list_allocator *allocator);
/* Statistics; walks the free blocks (cost proportional to their number). */
wr_status wr_free_list_allocator_get_stats(const wr_free_list_allocator *allocator, wr_free_list_allocator_stats *out);
wr_status wr_free_list_allocator_visit_chunks(const wr_free_list_allocator *allocator,
                                           wr_free_list_allocator_chunk_visitor visitor, void *context);
/* This allocator seen as a wr_memory_allocator. The handle belongs to the allocator. */
wr_memory_allocator *wr_free_list_allocator_as_allocator(wr_free_list_allocator *allocator);

#ifdef __cplusplus
}
#endif
#endif
