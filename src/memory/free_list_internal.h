/* Inside the free-list allocator, so the memory manager can embed one. */
#ifndef WR_MEMORY_FREE_LIST_INTERNAL_H
#define WR_MEMORY_FREE_LIST_INTERNAL_H

#include "memory/allocator_internal.h"
#include "memory/chunk_list.h"
#include "memory/memory_counter.h"
#include "worldrunner/free_list_allocator.h"

#define FREE_LIST_BIN_COUNT 64u

typedef struct fl_free fl_free;

struct wr_free_list_allocator {
    fl_free *bins[FREE_LIST_BIN_COUNT]; /* bin b holds free blocks of size in [2^b, 2^(b+1)) */
    uint64_t bin_bitmap;                /* bit b set when bins[b] is non-empty */
    wr_memory_counter in_use;           /* requested bytes */
    wr_memory_chunk_list chunks;        /* header at each chunk's start */
    size_t chunk_bytes;
    wr_memory_chunk *spare;             /* the one oversized chunk free_list_deallocate_shedding keeps when empty */
    wr_memory_allocator handle;
};

/* Arguments already checked (bytes in range, alignment a power of two <= 4096). */
wr_status free_list_allocate_unchecked(wr_free_list_allocator *allocator, size_t bytes, size_t alignment, void **out);
/* ptr non-NULL; checks the header (double free, size mismatch) and reports WR_ERR_CORRUPTION. */
wr_status free_list_deallocate_checked(wr_free_list_allocator *allocator, void *ptr, size_t bytes);
/* The same, and then, if the block's chunk is oversized (larger than chunk_bytes: it was sized for a large block)
 * and now empty, keep only the larger of it and the previous such chunk, returning the other to the base. Used by
 * the memory manager, so that caches and frame buffers growing step by step do not leave a trail of empty chunks
 * reserved until wr_memory_manager_trim (the standalone free list keeps every empty chunk until trim). */
wr_status free_list_deallocate_shedding(wr_free_list_allocator *allocator, void *ptr, size_t bytes);
void free_list_init(wr_free_list_allocator *allocator, wr_memory_allocator *base, size_t chunk_bytes);
void free_list_release_chunks(wr_free_list_allocator *allocator);

#endif
