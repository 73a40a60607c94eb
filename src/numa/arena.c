/* Arena: page-rounded blocks carved from large chunks of a source allocator (a worker's node allocator).
 *
 * One arena per worker, used only by that worker's thread, so nothing here locks. Free blocks form an
 * address-ordered, coalescing list whose nodes live in the free memory itself. Blocks are cut from the END of a
 * free block so that the list header stays on the page already touched: pages a world has not used yet stay
 * untouched (and, under first touch, unplaced) until that world's worker writes them. Blocks larger than half a
 * chunk are taken from the source directly and returned to it when freed. Chunks and those dedicated blocks are
 * held in two wr_memory_chunk_lists with their headers kept apart (malloc'd), so no page of theirs is written
 * by the bookkeeping; the bytes in use are a wr_memory_counter, as in every allocator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status_internal.h"
#include "memory/chunk_list.h"
#include "memory/memory_counter.h"
#include "numa/numa_internal.h"

typedef struct free_block {
    size_t size;
    struct free_block *next;
} free_block;

struct wr_numa_arena {
    wr_memory_allocator *source;
    wr_memory_allocator *handle;
    size_t chunk_bytes;
    free_block *free_list;       /* address order */
    wr_memory_chunk_list chunks; /* chunks of chunk_bytes held from the source */
    wr_memory_chunk_list dedicated; /* blocks larger than half a chunk, held from the source one by one */
    wr_memory_counter in_use;    /* page-rounded bytes handed out */
    size_t bytes_free;           /* bytes of the chunks not handed out */
    uint64_t requests;           /* allocate calls */
};

static size_t page_round(size_t bytes)
{
    return (bytes + WR_NUMA_ARENA_PAGE_BYTES - 1) / WR_NUMA_ARENA_PAGE_BYTES * WR_NUMA_ARENA_PAGE_BYTES;
}

/* Insert [p, p + len) into the address-ordered list, merging with its neighbours. */
static void free_list_insert(wr_numa_arena *a, char *p, size_t len)
{
    free_block **link = &a->free_list;
    free_block *prev = NULL;
    while (*link && (char *)*link < p) {
        prev = *link;
        link = &(*link)->next;
    }
    free_block *next = *link;
    if (prev && (char *)prev + prev->size == p) {
        prev->size += len;
        if (next && (char *)prev + prev->size == (char *)next) {
            prev->size += next->size;
            prev->next = next->next;
        }
        return;
    }
    free_block *b = (free_block *)(void *)p;
    b->size = len;
    b->next = next;
    if (next && p + len == (char *)next) {
        b->size += next->size;
        b->next = next->next;
    }
    *link = b;
}

/* First fit, cut from the end of the block. */
static void *free_list_take(wr_numa_arena *a, size_t len)
{
    for (free_block **link = &a->free_list; *link; link = &(*link)->next) {
        free_block *b = *link;
        if (b->size < len)
            continue;
        if (b->size == len) {
            *link = b->next;
            return b;
        }
        b->size -= len;
        return (char *)b + b->size;
    }
    return NULL;
}

static wr_status add_chunk(wr_numa_arena *a)
{
    wr_memory_chunk *chunk;
    wr_status s = wr_memory_chunks_take_apart(&a->chunks, a->chunk_bytes, WR_NUMA_ARENA_PAGE_BYTES, &chunk);
    if (s != WR_OK)
        return s;
    a->bytes_free += a->chunk_bytes;
    free_list_insert(a, chunk->memory, a->chunk_bytes);
    return WR_OK;
}

static wr_status allocate_dedicated(wr_numa_arena *a, size_t len, void **out)
{
    wr_memory_chunk *block;
    wr_status s = wr_memory_chunks_take_apart(&a->dedicated, len, WR_NUMA_ARENA_PAGE_BYTES, &block);
    if (s != WR_OK)
        return s;
    wr_memory_counter_add(&a->in_use, len);
    *out = block->memory;
    return WR_OK;
}

static wr_status arena_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    wr_numa_arena *a = self;
    (void)alignment; /* every block is page-aligned: at least WR_MEMORY_ALLOCATOR_MAX_ALIGNMENT */
    if (bytes > WR_MEMORY_ALLOCATOR_MAX_BYTES - WR_NUMA_ARENA_PAGE_BYTES)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "size %zu too large", bytes);
    a->requests++;
    size_t len = page_round(bytes);
    if (len > a->chunk_bytes / 2)
        return allocate_dedicated(a, len, out);
    void *p = free_list_take(a, len);
    if (!p) {
        wr_status s = add_chunk(a);
        if (s != WR_OK)
            return s;
        p = free_list_take(a, len);
    }
    a->bytes_free -= len;
    wr_memory_counter_add(&a->in_use, len);
    *out = p;
    return WR_OK;
}

static wr_status arena_deallocate(void *self, void *ptr, size_t bytes)
{
    wr_numa_arena *a = self;
    size_t len = page_round(bytes);
    if (len > a->in_use.bytes)
        return WR_FAIL(WR_ERR_CORRUPTION, "freeing %zu bytes but only %zu are in use", len, a->in_use.bytes);
    if (len > a->chunk_bytes / 2) {
        wr_memory_chunk *block = wr_memory_chunks_find(&a->dedicated, ptr);
        if (!block || block->bytes != len)
            return WR_FAIL(WR_ERR_CORRUPTION, "%p (%zu bytes) is not a large block of this arena", ptr, bytes);
        wr_status s = wr_memory_chunks_give_back(&a->dedicated, block);
        if (s != WR_OK)
            return s;
    } else {
        free_list_insert(a, ptr, len);
        a->bytes_free += len;
    }
    wr_memory_counter_remove(&a->in_use, len);
    return WR_OK;
}

wr_status wr_numa_arena_create(wr_memory_allocator *source, size_t chunk_bytes, wr_numa_arena **out)
{
    if (!source || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "source or out is NULL");
    if (chunk_bytes == 0)
        chunk_bytes = WR_NUMA_ARENA_DEFAULT_CHUNK_BYTES;
    if (chunk_bytes % WR_NUMA_ARENA_PAGE_BYTES != 0 || chunk_bytes > WR_MEMORY_ALLOCATOR_MAX_BYTES)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "chunk_bytes %zu is not a multiple of %u bytes", chunk_bytes,
                       WR_NUMA_ARENA_PAGE_BYTES);
    wr_numa_arena *a = calloc(1, sizeof *a);
    if (!a)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "arena");
    a->source = source;
    a->chunk_bytes = chunk_bytes;
    wr_memory_chunks_init(&a->chunks, source);
    wr_memory_chunks_init(&a->dedicated, source);
    char name[64];
    snprintf(name, sizeof name, "arena(%s)", wr_memory_allocator_name(source));
    static const wr_memory_allocator_ops ops = {.allocate = arena_allocate, .deallocate = arena_deallocate};
    wr_status s = wr_memory_allocator_create_custom(&ops, a, name, &a->handle);
    if (s != WR_OK) {
        free(a);
        return s;
    }
    *out = a;
    return WR_OK;
}

wr_status wr_numa_arena_destroy(wr_numa_arena *arena)
{
    if (!arena)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "arena is NULL");
    size_t leaked = arena->in_use.bytes;
    wr_memory_chunks_release(&arena->chunks);
    wr_memory_chunks_release(&arena->dedicated);
    wr_memory_allocator_destroy(arena->handle);
    free(arena);
    if (leaked)
        return WR_FAIL(WR_ERR_LEAK, "%zu bytes were still in use", leaked);
    return WR_OK;
}

wr_memory_allocator *wr_numa_arena_as_allocator(wr_numa_arena *arena)
{
    return arena ? arena->handle : NULL;
}

wr_status wr_numa_arena_get_stats(const wr_numa_arena *arena, wr_numa_arena_stats *out)
{
    if (!arena || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "arena or out is NULL");
    const wr_memory_chunk_list *chunks = &arena->chunks, *dedicated = &arena->dedicated;
    *out = (wr_numa_arena_stats){
        .chunk_bytes = arena->chunk_bytes,
        .bytes_reserved = chunks->bytes + dedicated->bytes,
        .bytes_in_use = arena->in_use.bytes,
        .peak_bytes_in_use = arena->in_use.peak_bytes,
        .bytes_free = arena->bytes_free,
        .requests = arena->requests,
        .source_requests = chunks->taken + dedicated->taken,
        .chunks = chunks->count,
        .dedicated_blocks = dedicated->count,
    };
    return WR_OK;
}
