/* worldrunner/memory_allocator.h — the allocator interface every worldrunner allocator implements.
 *
 * A wr_memory_allocator is a handle to an allocator: a table of operations plus the allocator's own state. The C heap,
 * NUMA-node-bound arenas, pools, free lists, frame allocators, memory managers and user allocators all present this
 * interface, so any of them can be the base of another (the seed's MemoryAllocator, with alignment: its phase 3).
 *
 * Ownership: whoever creates an allocator destroys it with wr_memory_allocator_destroy(); an allocator never owns the
 * allocator it wraps. Threads: an allocator is not thread-safe unless its documentation says so (the heap allocator
 * is); worldrunner gives each world its own.
 */
#ifndef WORLDRUNNER_MEMORY_ALLOCATOR_H
#define WORLDRUNNER_MEMORY_ALLOCATOR_H

#include <stddef.h>
#include <stdint.h>

#include "worldrunner/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Alignment used by wr_memory_allocator_allocate() (the seed's unaligned allocate). */
#define WR_MEMORY_ALLOCATOR_DEFAULT_ALIGNMENT 16u
/* Largest alignment any worldrunner allocator accepts: one page. */
#define WR_MEMORY_ALLOCATOR_MAX_ALIGNMENT 4096u
/* Largest request any worldrunner allocator accepts; larger sizes are refused as a size overflow, so that
 * size + alignment + bookkeeping never wraps around. */
#define WR_MEMORY_ALLOCATOR_MAX_BYTES (SIZE_MAX / 4)

typedef struct wr_memory_allocator wr_memory_allocator;

/* Operations of a user-defined allocator. `self` is the state given to wr_memory_allocator_create_custom().
 * Arguments reach these functions already checked: bytes > 0, alignment a power of two <= MAX_ALIGNMENT,
 * ptr non-NULL. allocate stores a block of at least `bytes` bytes aligned to `alignment` in *out and returns WR_OK,
 * or returns an error status (and sets no *out). deallocate receives the size given to allocate. release (may be
 * NULL) frees `self` when the handle is destroyed. */
typedef struct wr_memory_allocator_ops {
    wr_status (*allocate)(void *self, size_t bytes, size_t alignment, void **out);
    wr_status (*deallocate)(void *self, void *ptr, size_t bytes);
    wr_status (*release)(void *self);
} wr_memory_allocator_ops;

/* Counters kept by the counting allocator. */
typedef struct wr_memory_allocator_counts {
    uint64_t allocations;         /* successful allocate calls */
    uint64_t deallocations;       /* deallocate calls */
    uint64_t failed_allocations;  /* allocate calls that returned an error */
    size_t bytes_outstanding;     /* allocated and not yet deallocated */
    size_t peak_bytes_outstanding;
} wr_memory_allocator_counts;

/* --- creating and destroying ------------------------------------------------------------------------------- */

/* The C heap (aligned_alloc/free). Thread-safe. */
wr_status wr_memory_allocator_create_heap(wr_memory_allocator **out);
/* A handle over user operations; `name` is copied (at most 63 characters kept). */
wr_status wr_memory_allocator_create_custom(const wr_memory_allocator_ops *ops, void *self, const char *name,
                                         wr_memory_allocator **out);
/* A debug allocator over `inner`: tracks every live block; deallocate reports double frees, size mismatches and
 * foreign pointers as WR_ERR_CORRUPTION (the block is not passed on); destroy reports leaks as WR_ERR_LEAK after
 * returning the leaked blocks to `inner`. Not thread-safe. */
wr_status wr_memory_allocator_create_debug(wr_memory_allocator *inner, wr_memory_allocator **out);
/* A counting allocator over `inner` (for tests): counts calls and bytes. Thread-safe if inner is (atomic counters). */
wr_status wr_memory_allocator_create_counting(wr_memory_allocator *inner, wr_memory_allocator **out);
/* Destroy the handle (and, for custom allocators, call release). Returns the release or leak status. */
wr_status wr_memory_allocator_destroy(wr_memory_allocator *allocator);

/* --- using ------------------------------------------------------------------------------------------------- */

/* Allocate `bytes` aligned to `alignment` (a power of two, 1..MEMORY_ALLOCATOR_MAX_ALIGNMENT). */
wr_status wr_memory_allocator_allocate_aligned(wr_memory_allocator *allocator, size_t bytes, size_t alignment, void **out);
/* Allocate with WR_MEMORY_ALLOCATOR_DEFAULT_ALIGNMENT (delegates to the aligned call). */
wr_status wr_memory_allocator_allocate(wr_memory_allocator *allocator, size_t bytes, void **out);
/* Return a block; `bytes` must be the size it was allocated with. NULL ptr is refused. */
wr_status wr_memory_allocator_deallocate(wr_memory_allocator *allocator, void *ptr, size_t bytes);
/* The allocator's name, e.g. "heap", "debug(heap)", "numa-node-1". Never NULL for a valid handle. */
const char *wr_memory_allocator_name(const wr_memory_allocator *allocator);

/* Counters of a counting allocator (WR_ERR_INVALID_ARGUMENT for any other kind). */
wr_status wr_memory_allocator_get_counts(const wr_memory_allocator *allocator, wr_memory_allocator_counts *out);
/* Debug allocator: number of live blocks and bytes, and the number of problems (double frees, size mismatches,
 * foreign pointers) reported so far. */
wr_status wr_memory_allocator_debug_report(const wr_memory_allocator *allocator, size_t *live_blocks, size_t *live_bytes,
                                        size_t *problems);

#ifdef __cplusplus
}
#endif
#endif
