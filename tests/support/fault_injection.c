/* fault_injection.c — see fault_injection.h. */
#define _GNU_SOURCE
#include "fault_injection.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#if FAULT_HEAP_WRAPPED
void *__real_aligned_alloc(size_t alignment, size_t bytes);
#define BASE_ALIGNED_ALLOC __real_aligned_alloc /* the base's own blocks are not heap requests of the library */
#else
#define BASE_ALIGNED_ALLOC aligned_alloc
#endif

/* ---- the base allocator --------------------------------------------------------------------------------------- */

struct fault_allocator {
    wr_memory_allocator *handle;
    atomic_bool armed;
    atomic_uint_fast64_t fail_at;
    atomic_uint_fast64_t requests;
    atomic_bool fired;
    atomic_size_t outstanding;
};

/* Blocks come from aligned_alloc rounded up to the alignment (page-sized alignments included), like the heap
 * allocator's. */
static wr_status fault_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    fault_allocator *f = self;
    if (atomic_load(&f->armed)) {
        uint64_t n = atomic_fetch_add(&f->requests, 1) + 1;
        if (n == atomic_load(&f->fail_at)) {
            atomic_store(&f->fired, true);
            return WR_ERR_OUT_OF_MEMORY;
        }
    }
    if (alignment < sizeof(void *))
        alignment = sizeof(void *);
    void *p = BASE_ALIGNED_ALLOC(alignment, (bytes + alignment - 1) / alignment * alignment);
    if (!p)
        return WR_ERR_OUT_OF_MEMORY;
    atomic_fetch_add(&f->outstanding, bytes);
    *out = p;
    return WR_OK;
}

static wr_status fault_deallocate(void *self, void *ptr, size_t bytes)
{
    fault_allocator *f = self;
    atomic_fetch_sub(&f->outstanding, bytes);
    free(ptr);
    return WR_OK;
}

fault_allocator *fault_allocator_create(void)
{
    fault_allocator *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    static const wr_memory_allocator_ops ops = {fault_allocate, fault_deallocate, NULL};
    if (wr_memory_allocator_create_custom(&ops, f, "fault", &f->handle) != WR_OK) {
        free(f);
        return NULL;
    }
    return f;
}

size_t fault_allocator_destroy(fault_allocator *f)
{
    size_t left = atomic_load(&f->outstanding);
    wr_memory_allocator_destroy(f->handle);
    free(f);
    return left;
}

wr_memory_allocator *fault_allocator_handle(fault_allocator *f) { return f->handle; }

void fault_allocator_arm(fault_allocator *f, uint64_t fail_at)
{
    atomic_store(&f->armed, false);
    atomic_store(&f->requests, 0);
    atomic_store(&f->fired, false);
    atomic_store(&f->fail_at, fail_at);
    atomic_store(&f->armed, true);
}

void fault_allocator_disarm(fault_allocator *f) { atomic_store(&f->armed, false); }
uint64_t fault_allocator_requests(const fault_allocator *f) { return atomic_load(&f->requests); }
bool fault_allocator_fired(const fault_allocator *f) { return atomic_load(&f->fired); }
size_t fault_allocator_bytes_outstanding(const fault_allocator *f) { return atomic_load(&f->outstanding); }

/* ---- the C heap ------------------------------------------------------------------------------------------------- */

static atomic_bool g_heap_armed;
static atomic_uint_fast64_t g_heap_fail_at, g_heap_requests;
static atomic_bool g_heap_fired;

void fault_heap_arm(uint64_t fail_at)
{
    atomic_store(&g_heap_armed, false);
    atomic_store(&g_heap_requests, 0);
    atomic_store(&g_heap_fired, false);
    atomic_store(&g_heap_fail_at, fail_at);
    atomic_store(&g_heap_armed, FAULT_HEAP_WRAPPED != 0);
}

void fault_heap_disarm(void) { atomic_store(&g_heap_armed, false); }
uint64_t fault_heap_requests(void) { return atomic_load(&g_heap_requests); }
bool fault_heap_fired(void) { return atomic_load(&g_heap_fired); }

#if FAULT_HEAP_WRAPPED
/* True if this request is to fail (counted only while armed). */
static bool heap_fails(void)
{
    if (!atomic_load_explicit(&g_heap_armed, memory_order_relaxed))
        return false;
    uint64_t n = atomic_fetch_add(&g_heap_requests, 1) + 1;
    if (n != atomic_load(&g_heap_fail_at))
        return false;
    atomic_store(&g_heap_fired, true);
    errno = ENOMEM;
    return true;
}

void *__real_malloc(size_t bytes);
void *__real_calloc(size_t count, size_t bytes);
void *__real_realloc(void *ptr, size_t bytes);

void *__wrap_malloc(size_t bytes) { return heap_fails() ? NULL : __real_malloc(bytes); }
void *__wrap_calloc(size_t count, size_t bytes) { return heap_fails() ? NULL : __real_calloc(count, bytes); }
void *__wrap_realloc(void *ptr, size_t bytes) { return heap_fails() ? NULL : __real_realloc(ptr, bytes); }
void *__wrap_aligned_alloc(size_t alignment, size_t bytes)
{
    return heap_fails() ? NULL : __real_aligned_alloc(alignment, bytes);
}
#endif
