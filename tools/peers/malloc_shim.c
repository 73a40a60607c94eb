/* malloc_shim.c — LD_PRELOAD heap-call counter for the peer benchmarks (see malloc_shim.h).
 *
 * Forwards to glibc's __libc_* entry points, so it needs no dlsym bootstrap and adds two relaxed atomic adds per
 * call. Only for counting: timing runs are made without it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "malloc_shim.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *ptr);

static _Atomic unsigned long long shim_allocations;
static _Atomic unsigned long long shim_frees;
static _Atomic long long shim_live_bytes;

static void *counted(void *ptr)
{
    if (ptr != NULL) {
        atomic_fetch_add_explicit(&shim_allocations, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&shim_live_bytes, (long long)malloc_usable_size(ptr), memory_order_relaxed);
    }
    return ptr;
}

static void uncount(void *ptr)
{
    if (ptr != NULL) {
        atomic_fetch_add_explicit(&shim_frees, 1, memory_order_relaxed);
        atomic_fetch_sub_explicit(&shim_live_bytes, (long long)malloc_usable_size(ptr), memory_order_relaxed);
    }
}

void malloc_shim_read(malloc_shim_counts *out)
{
    out->allocations = atomic_load_explicit(&shim_allocations, memory_order_relaxed);
    out->frees = atomic_load_explicit(&shim_frees, memory_order_relaxed);
    out->live_bytes = atomic_load_explicit(&shim_live_bytes, memory_order_relaxed);
}

void *malloc(size_t size)
{
    return counted(__libc_malloc(size));
}

void *calloc(size_t count, size_t size)
{
    return counted(__libc_calloc(count, size));
}

void free(void *ptr)
{
    uncount(ptr);
    __libc_free(ptr);
}

void *realloc(void *ptr, size_t size)
{
    if (ptr == NULL) {
        return counted(__libc_realloc(NULL, size));
    }
    size_t old_size = malloc_usable_size(ptr);
    void *out = __libc_realloc(ptr, size);
    if (out == NULL) {
        if (size == 0) { /* realloc(p, 0) freed p */
            atomic_fetch_add_explicit(&shim_frees, 1, memory_order_relaxed);
            atomic_fetch_sub_explicit(&shim_live_bytes, (long long)old_size, memory_order_relaxed);
        }
        return NULL;
    }
    /* A realloc is one allocation and one free, whether or not the block moved. */
    atomic_fetch_add_explicit(&shim_frees, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(&shim_live_bytes, (long long)old_size, memory_order_relaxed);
    return counted(out);
}

void *memalign(size_t alignment, size_t size)
{
    return counted(__libc_memalign(alignment, size));
}

void *aligned_alloc(size_t alignment, size_t size)
{
    return counted(__libc_memalign(alignment, size));
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) {
        return EINVAL;
    }
    void *ptr = counted(__libc_memalign(alignment, size));
    if (ptr == NULL) {
        return ENOMEM;
    }
    *out = ptr;
    return 0;
}

void *valloc(size_t size)
{
    return counted(__libc_memalign(4096, size));
}

void *pvalloc(size_t size)
{
    return counted(__libc_memalign(4096, (size + 4095) & ~(size_t)4095));
}
