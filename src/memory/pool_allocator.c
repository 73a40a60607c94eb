/* The pool allocator: size classes up to 1024 bytes, one free list per class, chunks carved on demand. */
#include "memory/pool_internal.h"

#include <stdlib.h>

/* Room for the chunk header; carving starts after it. */
#define POOL_CHUNK_HEADER sizeof(wr_memory_chunk)
#define POOL_MIN_CHUNK_BYTES 4096u

size_t wr_pool_allocator_block_size(size_t bytes)
{
    if (bytes == 0 || bytes > WR_POOL_ALLOCATOR_MAX_BLOCK)
        return 0;
    return pool_class_size[pool_class(bytes)];
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Slow path: carving and chunks                                                                                 */
/* ------------------------------------------------------------------------------------------------------------ */

static wr_status add_chunk(wr_pool_allocator *pool, size_t at_least)
{
    size_t bytes = pool->chunk_bytes;
    if (bytes < at_least)
        bytes = (size_t)memory_align_up(at_least, 4096);
    wr_memory_chunk *chunk;
    wr_status status = wr_memory_chunks_take(&pool->chunks, bytes, 64, NULL, &chunk);
    if (status != WR_OK)
        return status;
    /* The tail of the previous chunk (less than one block) is abandoned: at most 1/16 of a default chunk. */
    pool->carve = (char *)chunk + POOL_CHUNK_HEADER;
    pool->carve_end = (char *)chunk + bytes;
    return WR_OK;
}

wr_status pool_allocate_slow(wr_pool_allocator *pool, unsigned c, size_t alignment, void **out)
{
    size_t size = pool_class_size[c];
    wr_pool_allocator_class_state *s = &pool->fast.classes[c];
    /* A block waiting on the list may already have the larger alignment asked for. */
    wr_pool_allocator_block *head = s->free;
    if (head && ((uintptr_t)head & (alignment - 1)) == 0) {
        s->free = head->next;
        s->allocations++;
        *out = head;
        return WR_OK;
    }
    if (alignment < pool_class_alignment[c])
        alignment = pool_class_alignment[c];
    uintptr_t p = memory_align_up((uintptr_t)pool->carve, alignment);
    if (!pool->carve || p + size > (uintptr_t)pool->carve_end) {
        wr_status status = add_chunk(pool, POOL_CHUNK_HEADER + alignment + size);
        if (status != WR_OK)
            return status;
        p = memory_align_up((uintptr_t)pool->carve, alignment);
    }
    pool->carve = (char *)(p + size);
    s->allocations++;
    s->carved++;
    *out = (void *)p;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* As a wr_memory_allocator                                                                                         */
/* ------------------------------------------------------------------------------------------------------------ */

static wr_status pool_op_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    if (bytes > WR_POOL_ALLOCATOR_MAX_BLOCK)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "the pool serves at most %u bytes, not %zu", WR_POOL_ALLOCATOR_MAX_BLOCK,
                       bytes);
    return pool_allocate_unchecked(self, bytes, alignment, out);
}

static wr_status pool_op_deallocate(void *self, void *ptr, size_t bytes)
{
    return wr_pool_allocator_deallocate(self, ptr, bytes);
}

void pool_init(wr_pool_allocator *pool, wr_memory_allocator *base, size_t chunk_bytes)
{
    *pool = (wr_pool_allocator){0};
    wr_memory_chunks_init(&pool->chunks, base);
    pool->chunk_bytes = chunk_bytes ? chunk_bytes : WR_POOL_ALLOCATOR_DEFAULT_CHUNK_BYTES;
    static const wr_memory_allocator_ops ops = {pool_op_allocate, pool_op_deallocate, NULL};
    memory_allocator_init_embedded(&pool->handle, &ops, pool, "pool");
}

void pool_release_chunks(wr_pool_allocator *pool)
{
    wr_memory_chunks_release(&pool->chunks);
    pool->carve = pool->carve_end = NULL;
    for (unsigned c = 0; c < WR_POOL_ALLOCATOR_CLASS_COUNT; ++c)
        pool->fast.classes[c].free = NULL;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Public API                                                                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

wr_status wr_pool_allocator_create(wr_memory_allocator *base, size_t chunk_bytes, wr_pool_allocator **out)
{
    if (!base)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "base is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    if (chunk_bytes != 0 && (chunk_bytes < POOL_MIN_CHUNK_BYTES || chunk_bytes > WR_MEMORY_ALLOCATOR_MAX_BYTES))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "chunk_bytes %zu is outside %u..%zu (or 0 for the default)",
                       chunk_bytes, POOL_MIN_CHUNK_BYTES, (size_t)WR_MEMORY_ALLOCATOR_MAX_BYTES);
    wr_pool_allocator *pool = malloc(sizeof *pool);
    if (!pool)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for a pool allocator");
    pool_init(pool, base, chunk_bytes);
    *out = pool;
    return WR_OK;
}

static size_t class_in_use(const wr_pool_allocator *pool, unsigned c)
{
    const wr_pool_allocator_class_state *s = &pool->fast.classes[c];
    return (size_t)(s->allocations - s->deallocations);
}

static size_t blocks_in_use(const wr_pool_allocator *pool)
{
    size_t n = 0;
    for (unsigned c = 0; c < WR_POOL_ALLOCATOR_CLASS_COUNT; ++c)
        n += class_in_use(pool, c);
    return n;
}

static size_t bytes_in_use(const wr_pool_allocator *pool)
{
    size_t n = 0;
    for (unsigned c = 0; c < WR_POOL_ALLOCATOR_CLASS_COUNT; ++c)
        n += class_in_use(pool, c) * pool_class_size[c];
    return n;
}

wr_status wr_pool_allocator_destroy(wr_pool_allocator *pool)
{
    if (!pool)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "pool is NULL");
    size_t live = blocks_in_use(pool);
    size_t live_bytes = bytes_in_use(pool);
    pool_release_chunks(pool);
    free(pool);
    if (live)
        return WR_FAIL(WR_ERR_LEAK, "%zu pool blocks (%zu bytes) were still in use; their chunks were returned", live,
                       live_bytes);
    return WR_OK;
}

static MEMORY_COLD wr_status allocate_refused(const wr_pool_allocator *pool, size_t bytes, size_t alignment, void **out)
{
    if (!pool)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, "wr_pool_allocator_allocate", "pool is NULL");
    if (!out)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, "wr_pool_allocator_allocate", "out is NULL");
    if (!memory_request_ok(bytes, alignment))
        return memory_fail_request("wr_pool_allocator_allocate", bytes, alignment);
    return wr_fail(WR_ERR_INVALID_ARGUMENT, "wr_pool_allocator_allocate", "the pool serves at most %u bytes, not %zu",
                   WR_POOL_ALLOCATOR_MAX_BLOCK, bytes);
}

wr_status wr_pool_allocator_allocate(wr_pool_allocator *pool, size_t bytes, size_t alignment, void **out)
{
    if (alignment == 0)
        alignment = WR_MEMORY_ALLOCATOR_DEFAULT_ALIGNMENT;
    if (!pool || !out || bytes - 1 >= WR_POOL_ALLOCATOR_MAX_BLOCK || !memory_request_ok(bytes, alignment))
        return allocate_refused(pool, bytes, alignment, out);
    return pool_allocate_unchecked(pool, bytes, alignment, out);
}

static MEMORY_COLD wr_status deallocate_refused(const wr_pool_allocator *pool, const void *ptr, size_t bytes)
{
    if (!pool)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, "wr_pool_allocator_deallocate", "pool is NULL");
    if (!ptr)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, "wr_pool_allocator_deallocate", "ptr is NULL");
    if (bytes == 0 || bytes > WR_POOL_ALLOCATOR_MAX_BLOCK)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, "wr_pool_allocator_deallocate", "bytes %zu is outside the pool's 1..%u",
                       bytes, WR_POOL_ALLOCATOR_MAX_BLOCK);
    return wr_fail(WR_ERR_CORRUPTION, "wr_pool_allocator_deallocate", "%p is not 16-byte aligned, so not a pool block",
                   ptr);
}

wr_status wr_pool_allocator_deallocate(wr_pool_allocator *pool, void *ptr, size_t bytes)
{
    if (!pool || !ptr || bytes - 1 >= WR_POOL_ALLOCATOR_MAX_BLOCK || ((uintptr_t)ptr & 15u))
        return deallocate_refused(pool, ptr, bytes);
    pool_deallocate_unchecked(pool, ptr, bytes);
    return WR_OK;
}

wr_status wr_pool_allocator_get_stats(const wr_pool_allocator *pool, wr_pool_allocator_stats *out)
{
    if (!pool)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "pool is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    *out = (wr_pool_allocator_stats){0};
    out->bytes_in_use = bytes_in_use(pool);
    out->bytes_reserved = pool->chunks.bytes;
    out->chunks = pool->chunks.count;
    out->base_requests = pool->chunks.taken;
    for (unsigned c = 0; c < WR_POOL_ALLOCATOR_CLASS_COUNT; ++c) {
        const wr_pool_allocator_class_state *state = &pool->fast.classes[c];
        wr_pool_allocator_class_stats *s = &out->classes[c];
        s->block_bytes = pool_class_size[c];
        s->blocks_in_use = class_in_use(pool, c);
        s->peak_blocks_in_use = (size_t)state->carved;
        s->allocations = state->allocations;
        for (const wr_pool_allocator_block *b = state->free; b; b = b->next)
            s->free_blocks++;
        out->bytes_carved += (size_t)state->carved * pool_class_size[c];
        out->allocations += state->allocations;
        out->deallocations += state->deallocations;
    }
    return WR_OK;
}

wr_status wr_pool_allocator_visit_chunks(const wr_pool_allocator *pool, wr_pool_allocator_chunk_visitor visitor,
                                      void *context)
{
    if (!pool)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "pool is NULL");
    if (!visitor)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "visitor is NULL");
    wr_memory_chunks_visit(&pool->chunks, visitor, context);
    return WR_OK;
}

wr_memory_allocator *wr_pool_allocator_as_allocator(wr_pool_allocator *pool)
{
    return pool ? &pool->handle : NULL;
}
