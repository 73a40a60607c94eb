/* malloc_count.c — see malloc_count.h. Two ways to see heap calls:
 *  - plain builds: this file defines the heap functions in the executable (weak, so a static glibc link, where
 *    libc.a's own strong definitions win, still links; the probe then reports "unavailable") and forwards them to
 *    glibc's internal allocator through its exported __libc_* entry points;
 *  - ASan/TSan builds: the sanitizer runtime owns malloc, so we register its malloc/free hooks instead.
 */
#define _GNU_SOURCE
#include "malloc_count.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MC_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define MC_SANITIZER 1
#endif
#endif
#ifndef MC_SANITIZER
#define MC_SANITIZER 0
#endif

/* Counting switch and counters, shared by every thread. */
static atomic_int g_active;
static atomic_uint_fast64_t g_allocations, g_frees, g_bytes;
static atomic_uint_fast64_t g_malloc, g_calloc, g_realloc, g_aligned;
/* Counts every call, active or not: the availability probe reads it. */
static atomic_uint_fast64_t g_seen;

static void count_allocation(atomic_uint_fast64_t *per_function, size_t bytes)
{
    atomic_fetch_add_explicit(&g_seen, 1, memory_order_relaxed);
    if (!atomic_load_explicit(&g_active, memory_order_relaxed))
        return;
    atomic_fetch_add_explicit(&g_allocations, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&g_bytes, bytes, memory_order_relaxed);
    if (per_function)
        atomic_fetch_add_explicit(per_function, 1, memory_order_relaxed);
}

static void count_free(const volatile void *ptr)
{
    if (ptr == NULL)
        return;
    atomic_fetch_add_explicit(&g_seen, 1, memory_order_relaxed);
    if (atomic_load_explicit(&g_active, memory_order_relaxed))
        atomic_fetch_add_explicit(&g_frees, 1, memory_order_relaxed);
}

#if MC_SANITIZER
/* ---- Sanitizer builds: the runtime's hooks (compiler-rt and libsanitizer both provide this entry point). ---- */
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *));

/* Set while a __wrap_ function below runs, so its allocation is not counted twice should the hook see it too. */
static _Thread_local int t_in_wrapper;

static void hook_malloc(const volatile void *ptr, size_t bytes)
{
    (void)ptr;
    if (!t_in_wrapper)
        count_allocation(NULL, bytes);
}

#if defined(WR_MALLOC_COUNT_WRAP_ALIGNED)
/* ThreadSanitizer (LLVM 14, GCC 12) does not run the malloc hook for posix_memalign, aligned_alloc and memalign.
 * tests/CMakeLists.txt links tsan test programs with -Wl,--wrap for those three, so calls made from the executable
 * and our static library (the code under test; not other shared libraries) come through here. */
int __real_posix_memalign(void **out, size_t alignment, size_t bytes);
void *__real_aligned_alloc(size_t alignment, size_t bytes);
void *__real_memalign(size_t alignment, size_t bytes);

int __wrap_posix_memalign(void **out, size_t alignment, size_t bytes)
{
    t_in_wrapper = 1;
    int rc = __real_posix_memalign(out, alignment, bytes);
    t_in_wrapper = 0;
    if (rc == 0)
        count_allocation(NULL, bytes);
    return rc;
}

void *__wrap_aligned_alloc(size_t alignment, size_t bytes)
{
    t_in_wrapper = 1;
    void *p = __real_aligned_alloc(alignment, bytes);
    t_in_wrapper = 0;
    if (p != NULL)
        count_allocation(NULL, bytes);
    return p;
}

void *__wrap_memalign(size_t alignment, size_t bytes)
{
    t_in_wrapper = 1;
    void *p = __real_memalign(alignment, bytes);
    t_in_wrapper = 0;
    if (p != NULL)
        count_allocation(NULL, bytes);
    return p;
}
#endif

static void hook_free(const volatile void *ptr) { count_free(ptr); }

static atomic_int g_hooks_installed;

static void install_counter(void)
{
    int expected = 0;
    if (atomic_compare_exchange_strong(&g_hooks_installed, &expected, 1))
        (void)__sanitizer_install_malloc_and_free_hooks(hook_malloc, hook_free);
}

const char *malloc_count_method(void) { return malloc_count_available() ? "sanitizer-hooks" : "none"; }

#else
/* ---- Plain builds: replace the heap functions, forward to glibc's allocator. ---- */
extern void *__libc_malloc(size_t bytes);
extern void *__libc_calloc(size_t count, size_t bytes);
extern void *__libc_realloc(void *ptr, size_t bytes);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t bytes);
extern void *__libc_valloc(size_t bytes);
extern void *__libc_pvalloc(size_t bytes);

#define MC_REPLACE __attribute__((weak, used))

static void install_counter(void) {}

MC_REPLACE void *malloc(size_t bytes)
{
    count_allocation(&g_malloc, bytes);
    return __libc_malloc(bytes);
}

MC_REPLACE void *calloc(size_t count, size_t bytes)
{
    count_allocation(&g_calloc, count * bytes);
    return __libc_calloc(count, bytes);
}

MC_REPLACE void *realloc(void *ptr, size_t bytes)
{
    if (ptr != NULL && bytes == 0)
        count_free(ptr); /* glibc frees and returns NULL */
    else
        count_allocation(&g_realloc, bytes);
    return __libc_realloc(ptr, bytes);
}

MC_REPLACE void *reallocarray(void *ptr, size_t count, size_t bytes)
{
    if (bytes != 0 && count > (size_t)-1 / bytes) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(ptr, count * bytes);
}

MC_REPLACE void free(void *ptr)
{
    count_free(ptr);
    __libc_free(ptr);
}

static int valid_alignment(size_t alignment) { return alignment != 0 && (alignment & (alignment - 1)) == 0; }

MC_REPLACE void *memalign(size_t alignment, size_t bytes)
{
    count_allocation(&g_aligned, bytes);
    return __libc_memalign(alignment, bytes);
}

MC_REPLACE void *aligned_alloc(size_t alignment, size_t bytes)
{
    if (!valid_alignment(alignment)) {
        errno = EINVAL;
        return NULL;
    }
    count_allocation(&g_aligned, bytes);
    return __libc_memalign(alignment, bytes);
}

MC_REPLACE int posix_memalign(void **out, size_t alignment, size_t bytes)
{
    if (!valid_alignment(alignment) || alignment % sizeof(void *) != 0)
        return EINVAL;
    count_allocation(&g_aligned, bytes);
    void *p = __libc_memalign(alignment, bytes);
    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}

MC_REPLACE void *valloc(size_t bytes)
{
    count_allocation(&g_aligned, bytes);
    return __libc_valloc(bytes);
}

MC_REPLACE void *pvalloc(size_t bytes)
{
    count_allocation(&g_aligned, bytes);
    return __libc_pvalloc(bytes);
}

const char *malloc_count_method(void) { return malloc_count_available() ? "interposer" : "none"; }
#endif

/* ---- Availability: count a probe allocation the compiler cannot remove. ---- */
static atomic_int g_probe_state; /* 0 = not probed, 1 = works, 2 = does not */

bool malloc_count_available(void)
{
    int state = atomic_load(&g_probe_state);
    if (state == 0) {
        install_counter();
        void *(*volatile allocate)(size_t) = malloc;
        void (*volatile release)(void *) = free;
        uint_fast64_t before = atomic_load(&g_seen);
        void *p = allocate(24);
        uint_fast64_t after_alloc = atomic_load(&g_seen);
        release(p);
        uint_fast64_t after_free = atomic_load(&g_seen);
        state = (p != NULL && after_alloc > before && after_free > after_alloc) ? 1 : 2;
        atomic_store(&g_probe_state, state);
    }
    return state == 1;
}

const char *malloc_count_unavailable_reason(void)
{
    if (malloc_count_available())
        return "";
    return MC_SANITIZER ? "this sanitizer does not call the malloc/free hooks"
                        : "heap functions could not be interposed (static glibc link?)";
}

void malloc_count_begin(void)
{
    install_counter();
    atomic_store(&g_active, 0);
    atomic_store(&g_allocations, 0);
    atomic_store(&g_frees, 0);
    atomic_store(&g_bytes, 0);
    atomic_store(&g_malloc, 0);
    atomic_store(&g_calloc, 0);
    atomic_store(&g_realloc, 0);
    atomic_store(&g_aligned, 0);
    atomic_store(&g_active, 1);
}

malloc_count_stats malloc_count_peek(void)
{
    malloc_count_stats s;
    s.allocations = atomic_load(&g_allocations);
    s.frees = atomic_load(&g_frees);
    s.bytes_requested = atomic_load(&g_bytes);
    s.malloc_calls = atomic_load(&g_malloc);
    s.calloc_calls = atomic_load(&g_calloc);
    s.realloc_calls = atomic_load(&g_realloc);
    s.aligned_calls = atomic_load(&g_aligned);
    return s;
}

malloc_count_stats malloc_count_end(void)
{
    atomic_store(&g_active, 0);
    return malloc_count_peek();
}

bool malloc_count_require(const char *what)
{
    if (malloc_count_available())
        return true;
    fprintf(stdout, "SKIP %s: malloc counting unavailable (%s)\n", what ? what : "assertion",
            malloc_count_unavailable_reason());
    fflush(stdout);
    return false;
}
