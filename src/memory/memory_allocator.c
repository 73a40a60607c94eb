/* The wr_memory_allocator interface: dispatch, argument checks, and the heap, custom and counting allocators.
 * The debug allocator lives in debug_allocator.c. */
#include "memory/allocator_internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------------------------ */
/* Shared helpers                                                                                                */
/* ------------------------------------------------------------------------------------------------------------ */

wr_status memory_fail_request(const char *function, size_t bytes, size_t alignment)
{
    if (bytes == 0)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, function, "bytes is 0 (a block must have a size)");
    if (bytes > WR_MEMORY_ALLOCATOR_MAX_BYTES)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, function, "size overflow: %zu bytes is more than the largest request %zu",
                       bytes, (size_t)WR_MEMORY_ALLOCATOR_MAX_BYTES);
    if (!memory_is_power_of_two(alignment))
        return wr_fail(WR_ERR_INVALID_ARGUMENT, function, "alignment %zu is not a power of two", alignment);
    return wr_fail(WR_ERR_INVALID_ARGUMENT, function, "alignment %zu is above the page size %u", alignment,
                   WR_MEMORY_ALLOCATOR_MAX_ALIGNMENT);
}

static void copy_name(char *dst, size_t capacity, const char *src)
{
    size_t n = strlen(src);
    if (n >= capacity)
        n = capacity - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void memory_allocator_init_embedded(wr_memory_allocator *handle, const wr_memory_allocator_ops *ops, void *self,
                                    const char *name)
{
    handle->ops = *ops;
    handle->self = self;
    handle->kind = MEMORY_ALLOCATOR_KIND_EMBEDDED;
    copy_name(handle->name, sizeof handle->name, name);
}

static wr_status new_handle(const wr_memory_allocator_ops *ops, void *self, memory_allocator_kind kind,
                            const char *name, wr_memory_allocator **out)
{
    wr_memory_allocator *handle = malloc(sizeof *handle);
    if (!handle)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for an allocator handle");
    handle->ops = *ops;
    handle->self = self;
    handle->kind = kind;
    copy_name(handle->name, sizeof handle->name, name);
    *out = handle;
    return WR_OK;
}

wr_status memory_base_allocate(wr_memory_allocator *allocator, size_t bytes, size_t alignment, void **out)
{
    if (allocator->kind != MEMORY_ALLOCATOR_KIND_CUSTOM)
        return allocator->ops.allocate(allocator->self, bytes, alignment, out);
    /* User operations may fail without a message: give the failure one. (Counted, not cleared: clearing the
     * message here erased the one of a failure being cleaned up, e.g. a model whose block was refused.) */
    const unsigned long fails = wr_fail_count();
    wr_status status = allocator->ops.allocate(allocator->self, bytes, alignment, out);
    if (status != WR_OK && wr_fail_count() == fails)
        return WR_FAIL(status, "allocator '%s' refused %zu bytes (alignment %zu)", allocator->name, bytes, alignment);
    return status;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Using any allocator                                                                                           */
/* ------------------------------------------------------------------------------------------------------------ */

wr_status wr_memory_allocator_allocate_aligned(wr_memory_allocator *allocator, size_t bytes, size_t alignment, void **out)
{
    if (!allocator)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    if (!memory_request_ok(bytes, alignment))
        return memory_fail_request(__func__, bytes, alignment);
    return memory_base_allocate(allocator, bytes, alignment, out);
}

wr_status wr_memory_allocator_allocate(wr_memory_allocator *allocator, size_t bytes, void **out)
{
    return wr_memory_allocator_allocate_aligned(allocator, bytes, WR_MEMORY_ALLOCATOR_DEFAULT_ALIGNMENT, out);
}

wr_status wr_memory_allocator_deallocate(wr_memory_allocator *allocator, void *ptr, size_t bytes)
{
    if (!allocator)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    if (!ptr)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "ptr is NULL");
    if (bytes - 1 >= WR_MEMORY_ALLOCATOR_MAX_BYTES)
        return memory_fail_request(__func__, bytes, 1);
    if (allocator->kind != MEMORY_ALLOCATOR_KIND_CUSTOM)
        return allocator->ops.deallocate(allocator->self, ptr, bytes);
    const unsigned long fails = wr_fail_count();
    wr_status status = allocator->ops.deallocate(allocator->self, ptr, bytes);
    if (status != WR_OK && wr_fail_count() == fails)
        return WR_FAIL(status, "allocator '%s' refused to free %p (%zu bytes)", allocator->name, ptr, bytes);
    return status;
}

const char *wr_memory_allocator_name(const wr_memory_allocator *allocator)
{
    return allocator ? allocator->name : "(null)";
}

wr_status wr_memory_allocator_destroy(wr_memory_allocator *allocator)
{
    if (!allocator)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    if (allocator->kind == MEMORY_ALLOCATOR_KIND_EMBEDDED)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT,
                       "allocator '%s' belongs to the object it views; destroy that object instead", allocator->name);
    wr_status status = WR_OK;
    if (allocator->ops.release)
        status = allocator->ops.release(allocator->self);
    free(allocator);
    return status;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* The C heap                                                                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

static wr_status heap_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    (void)self;
    void *p;
    if (alignment <= 16)
        p = malloc(bytes); /* glibc and musl malloc return 16-byte aligned blocks on 64-bit targets */
    else
        p = aligned_alloc(alignment, (size_t)memory_align_up(bytes, alignment));
    if (!p)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "the C heap refused %zu bytes (alignment %zu)", bytes, alignment);
    *out = p;
    return WR_OK;
}

static wr_status heap_deallocate(void *self, void *ptr, size_t bytes)
{
    (void)self;
    (void)bytes;
    free(ptr);
    return WR_OK;
}

wr_status wr_memory_allocator_create_heap(wr_memory_allocator **out)
{
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    static const wr_memory_allocator_ops ops = {heap_allocate, heap_deallocate, NULL};
    return new_handle(&ops, NULL, MEMORY_ALLOCATOR_KIND_HEAP, "heap", out);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* User operations                                                                                               */
/* ------------------------------------------------------------------------------------------------------------ */

wr_status wr_memory_allocator_create_custom(const wr_memory_allocator_ops *ops, void *self, const char *name,
                                         wr_memory_allocator **out)
{
    if (!ops)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "ops is NULL");
    if (!ops->allocate || !ops->deallocate)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "ops->allocate and ops->deallocate must both be set");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    return new_handle(ops, self, MEMORY_ALLOCATOR_KIND_CUSTOM, name ? name : "custom", out);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Counting: atomic counters, so it is as thread-safe as the allocator it wraps                                 */
/* ------------------------------------------------------------------------------------------------------------ */

typedef struct counting_state {
    wr_memory_allocator *inner;
    atomic_uint_least64_t allocations;
    atomic_uint_least64_t deallocations;
    atomic_uint_least64_t failed_allocations;
    atomic_size_t bytes_outstanding;
    atomic_size_t peak_bytes_outstanding;
} counting_state;

static wr_status counting_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    counting_state *state = self;
    wr_status status = memory_base_allocate(state->inner, bytes, alignment, out);
    if (status != WR_OK) {
        atomic_fetch_add(&state->failed_allocations, 1);
        return status;
    }
    atomic_fetch_add(&state->allocations, 1);
    size_t now = atomic_fetch_add(&state->bytes_outstanding, bytes) + bytes;
    size_t peak = atomic_load(&state->peak_bytes_outstanding);
    while (now > peak && !atomic_compare_exchange_weak(&state->peak_bytes_outstanding, &peak, now)) {
    }
    return WR_OK;
}

static wr_status counting_deallocate(void *self, void *ptr, size_t bytes)
{
    counting_state *state = self;
    wr_status status = state->inner->ops.deallocate(state->inner->self, ptr, bytes);
    if (status != WR_OK)
        return status;
    atomic_fetch_add(&state->deallocations, 1);
    atomic_fetch_sub(&state->bytes_outstanding, bytes);
    return WR_OK;
}

static wr_status counting_release(void *self)
{
    free(self);
    return WR_OK;
}

wr_status wr_memory_allocator_create_counting(wr_memory_allocator *inner, wr_memory_allocator **out)
{
    if (!inner)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "inner is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    counting_state *state = calloc(1, sizeof *state);
    if (!state)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the counting allocator");
    state->inner = inner;
    char name[96]; /* longer than a handle's name, so snprintf never truncates; new_handle cuts at 63 */
    snprintf(name, sizeof name, "counting(%s)", inner->name);
    static const wr_memory_allocator_ops ops = {counting_allocate, counting_deallocate, counting_release};
    wr_status status = new_handle(&ops, state, MEMORY_ALLOCATOR_KIND_COUNTING, name, out);
    if (status != WR_OK)
        free(state);
    return status;
}

wr_status wr_memory_allocator_get_counts(const wr_memory_allocator *allocator, wr_memory_allocator_counts *out)
{
    if (!allocator)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    if (allocator->kind != MEMORY_ALLOCATOR_KIND_COUNTING)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator '%s' is not a counting allocator", allocator->name);
    counting_state *state = allocator->self;
    out->allocations = atomic_load(&state->allocations);
    out->deallocations = atomic_load(&state->deallocations);
    out->failed_allocations = atomic_load(&state->failed_allocations);
    out->bytes_outstanding = atomic_load(&state->bytes_outstanding);
    out->peak_bytes_outstanding = atomic_load(&state->peak_bytes_outstanding);
    return WR_OK;
}
