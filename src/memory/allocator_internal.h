/* Internal view of wr_memory_allocator handles and the argument checks shared by every allocator in src/memory.
 *
 * A handle is a copy of the operations plus the implementation's state. Handles created by
 * memory_allocator_create_* are heap-allocated and owned by their creator; handles embedded in another object
 * (a pool, free list, manager or frame allocator seen as an allocator) belong to that object and cannot be
 * destroyed through wr_memory_allocator_destroy(). */
#ifndef WR_MEMORY_ALLOCATOR_INTERNAL_H
#define WR_MEMORY_ALLOCATOR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status_internal.h"
#include "worldrunner/memory_allocator.h"

typedef enum memory_allocator_kind {
    MEMORY_ALLOCATOR_KIND_HEAP = 1,
    MEMORY_ALLOCATOR_KIND_CUSTOM,
    MEMORY_ALLOCATOR_KIND_DEBUG,
    MEMORY_ALLOCATOR_KIND_COUNTING,
    MEMORY_ALLOCATOR_KIND_EMBEDDED
} memory_allocator_kind;

struct wr_memory_allocator {
    wr_memory_allocator_ops ops;
    void *self;
    memory_allocator_kind kind;
    char name[64];
};

/* Fill a handle that lives inside another object (pool, free list, manager, frame). */
void memory_allocator_init_embedded(wr_memory_allocator *handle, const wr_memory_allocator_ops *ops, void *self,
                                    const char *name);

/* Keeps cold paths (errors, refills) out of the fast functions, so those need no stack frame. */
#if defined(__GNUC__)
#define MEMORY_COLD __attribute__((noinline, cold))
#else
#define MEMORY_COLD
#endif

/* Call an allocator's allocate operation with checked arguments (how allocators call their base). A failure of
 * user operations that left no message gets one. */
wr_status memory_base_allocate(wr_memory_allocator *allocator, size_t bytes, size_t alignment, void **out);

static inline bool memory_is_power_of_two(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

static inline uintptr_t memory_align_up(uintptr_t x, size_t alignment)
{
    return (x + (alignment - 1)) & ~(uintptr_t)(alignment - 1);
}

/* Check a (bytes, alignment) request; alignment must already have its default substituted. Cold on failure. */
wr_status memory_fail_request(const char *function, size_t bytes, size_t alignment);

static inline bool memory_request_ok(size_t bytes, size_t alignment)
{
    return bytes - 1 < WR_MEMORY_ALLOCATOR_MAX_BYTES && memory_is_power_of_two(alignment) &&
           alignment <= WR_MEMORY_ALLOCATOR_MAX_ALIGNMENT;
}

#endif
