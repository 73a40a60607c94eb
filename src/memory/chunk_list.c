/* The chunk list shared by the allocators: take, link, give back, count. See chunk_list.h. */
#include "memory/chunk_list.h"

#include <assert.h>
#include <stdlib.h>

#include "memory/allocator_internal.h"

void wr_memory_chunks_init(wr_memory_chunk_list *list, wr_memory_allocator *base)
{
    *list = (wr_memory_chunk_list){.base = base};
}

static void link_after(wr_memory_chunk_list *list, wr_memory_chunk *after, wr_memory_chunk *chunk)
{
    chunk->prev = after;
    chunk->next = after ? after->next : list->first;
    if (chunk->next)
        chunk->next->prev = chunk;
    if (after)
        after->next = chunk;
    else
        list->first = chunk;
    list->count++;
    list->bytes += chunk->bytes;
    list->taken++;
}

/* Unlink a chunk given its links and size, read before its memory went back (an in-chunk header is gone then). */
static void unlink_chunk(wr_memory_chunk_list *list, wr_memory_chunk *prev, wr_memory_chunk *next, size_t bytes)
{
    if (prev)
        prev->next = next;
    else
        list->first = next;
    if (next)
        next->prev = prev;
    list->count--;
    list->bytes -= bytes;
}

wr_status wr_memory_chunks_take(wr_memory_chunk_list *list, size_t bytes, size_t alignment, wr_memory_chunk *after,
                                wr_memory_chunk **out)
{
    assert(bytes >= sizeof(wr_memory_chunk));
    void *memory;
    wr_status status = memory_base_allocate(list->base, bytes, alignment, &memory);
    if (status != WR_OK)
        return status;
    wr_memory_chunk *chunk = memory;
    chunk->memory = memory;
    chunk->bytes = bytes;
    link_after(list, after, chunk);
    *out = chunk;
    return WR_OK;
}

wr_status wr_memory_chunks_take_apart(wr_memory_chunk_list *list, size_t bytes, size_t alignment,
                                      wr_memory_chunk **out)
{
    wr_memory_chunk *chunk = malloc(sizeof *chunk);
    if (!chunk)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the header of a %zu-byte chunk", bytes);
    wr_status status = memory_base_allocate(list->base, bytes, alignment, &chunk->memory);
    if (status != WR_OK) {
        free(chunk);
        return status;
    }
    chunk->bytes = bytes;
    link_after(list, NULL, chunk);
    *out = chunk;
    return WR_OK;
}

/* Hand the chunk's memory back to the base (and free a header kept apart). */
static wr_status return_memory(wr_memory_chunk_list *list, wr_memory_chunk *chunk)
{
    void *memory = chunk->memory;
    wr_status status = list->base->ops.deallocate(list->base->self, memory, chunk->bytes);
    if (status == WR_OK && memory != (void *)chunk)
        free(chunk);
    return status;
}

wr_status wr_memory_chunks_give_back(wr_memory_chunk_list *list, wr_memory_chunk *chunk)
{
    wr_memory_chunk *prev = chunk->prev, *next = chunk->next;
    size_t bytes = chunk->bytes;
    wr_status status = return_memory(list, chunk);
    if (status != WR_OK)
        return status; /* the base kept it refused: still held, still linked */
    unlink_chunk(list, prev, next, bytes);
    list->returned++;
    return WR_OK;
}

void wr_memory_chunks_release(wr_memory_chunk_list *list)
{
    wr_memory_chunk *chunk = list->first;
    while (chunk) {
        wr_memory_chunk *next = chunk->next;
        (void)return_memory(list, chunk);
        chunk = next;
    }
    list->first = NULL;
    list->count = 0;
    list->bytes = 0;
}

wr_memory_chunk *wr_memory_chunks_find(const wr_memory_chunk_list *list, const void *memory)
{
    for (wr_memory_chunk *chunk = list->first; chunk; chunk = chunk->next)
        if (chunk->memory == memory)
            return chunk;
    return NULL;
}

void wr_memory_chunks_visit(const wr_memory_chunk_list *list, void (*visitor)(const void *, size_t, void *),
                            void *context)
{
    for (const wr_memory_chunk *chunk = list->first; chunk; chunk = chunk->next)
        visitor(chunk->memory, chunk->bytes, context);
}
