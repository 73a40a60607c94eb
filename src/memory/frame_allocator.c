/* The frame allocator: a bump pointer over a chain of buffers taken from a memory manager.
 *
 * Offsets inside a frame are counted along the chain: chunk k starts at the sum of the capacities of chunks
 * 0..k-1, and `before` is that sum for the current chunk, so used = before + (cur - data(current)). Moving to
 * the next chunk abandons the tail of the current one for this frame. reset() is O(1) when the frame fitted in
 * one buffer; after growth it replaces the chain by one buffer of the high-water size (cold, once). */
#include "memory/allocator_internal.h"
#include "worldrunner/frame_allocator.h"

#include <stdlib.h>

#define FRAME_CHUNK_HEADER 64u  /* keeps the data of every chunk cache-line aligned */
#define FRAME_CHUNK_ALIGNMENT 64u
#define FRAME_DEFAULT_INITIAL_BYTES (16u * 1024u)

typedef struct frame_chunk {
    struct frame_chunk *next;
    size_t capacity;             /* data bytes after the header */
} frame_chunk;

struct wr_frame_allocator {
    char *cur;                   /* fast path: next free byte and end of the current chunk */
    char *end;
    uint64_t allocations;
    frame_chunk *current;
    frame_chunk *first;
    size_t before;               /* frame offset where the current chunk's data starts */
    size_t capacity_bytes;
    size_t peak_frame_bytes;
    size_t initial_bytes;
    uint64_t resets;
    uint64_t growths;
    uint64_t manager_requests;
    wr_memory_manager *manager;
    wr_memory_tag tag;
    wr_memory_allocator handle;
};

static char *chunk_data(frame_chunk *chunk) { return (char *)chunk + FRAME_CHUNK_HEADER; }

static size_t used_bytes(const wr_frame_allocator *frame)
{
    return frame->current ? frame->before + (size_t)(frame->cur - chunk_data(frame->current)) : 0;
}

static void enter_chunk(wr_frame_allocator *frame, frame_chunk *chunk, size_t before)
{
    frame->current = chunk;
    frame->before = before;
    frame->cur = chunk_data(chunk);
    frame->end = chunk_data(chunk) + chunk->capacity;
}

/* Ask the manager for a chunk with `capacity` data bytes. Nothing changes on failure. */
static wr_status new_chunk(wr_frame_allocator *frame, size_t capacity, frame_chunk **out)
{
    capacity = (size_t)memory_align_up(capacity, FRAME_CHUNK_ALIGNMENT);
    void *memory;
    wr_status status = wr_memory_manager_allocate(frame->manager, FRAME_CHUNK_HEADER + capacity, FRAME_CHUNK_ALIGNMENT,
                                               frame->tag, &memory);
    if (status != WR_OK)
        return status; /* refusals are counted by the manager (budget_refusals), not here */
    frame->manager_requests++;
    frame_chunk *chunk = memory;
    chunk->next = NULL;
    chunk->capacity = capacity;
    frame->capacity_bytes += capacity;
    *out = chunk;
    return WR_OK;
}

static void free_chunk(wr_frame_allocator *frame, frame_chunk *chunk)
{
    frame->capacity_bytes -= chunk->capacity;
    wr_memory_manager_deallocate(frame->manager, chunk, FRAME_CHUNK_HEADER + chunk->capacity, FRAME_CHUNK_ALIGNMENT,
                              frame->tag);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Allocate                                                                                                      */
/* ------------------------------------------------------------------------------------------------------------ */

/* No buffer at all (a consolidation was refused): take one of at least the initial size. */
static MEMORY_COLD wr_status allocate_first_chunk(wr_frame_allocator *frame, size_t bytes, size_t alignment, void **out)
{
    size_t capacity = bytes + (alignment > FRAME_CHUNK_ALIGNMENT ? alignment : 0);
    if (capacity < frame->initial_bytes)
        capacity = frame->initial_bytes;
    frame_chunk *chunk;
    wr_status status = new_chunk(frame, capacity, &chunk);
    if (status != WR_OK)
        return status;
    frame->first = chunk;
    enter_chunk(frame, chunk, 0);
    uintptr_t p = memory_align_up((uintptr_t)frame->cur, alignment);
    frame->cur = (char *)(p + bytes);
    frame->allocations++;
    *out = (void *)p;
    return WR_OK;
}

/* The current chunk is full: go on to a later chunk of the chain that fits, or chain a new one. */
static MEMORY_COLD wr_status allocate_slow(wr_frame_allocator *frame, size_t bytes, size_t alignment, void **out)
{
    if (!frame->current)
        return allocate_first_chunk(frame, bytes, alignment, out);
    size_t before = frame->before + frame->current->capacity;
    for (frame_chunk *c = frame->current->next; c; c = c->next) {
        uintptr_t p = memory_align_up((uintptr_t)chunk_data(c), alignment);
        if (p + bytes <= (uintptr_t)chunk_data(c) + c->capacity) {
            enter_chunk(frame, c, before);
            frame->cur = (char *)(p + bytes);
            frame->allocations++;
            *out = (void *)p;
            return WR_OK;
        }
        before += c->capacity;
    }
    /* Nothing fits: chain a chunk right after the current one, at least doubling the capacity. */
    size_t capacity = bytes + (alignment > FRAME_CHUNK_ALIGNMENT ? alignment : 0);
    if (capacity < frame->capacity_bytes)
        capacity = frame->capacity_bytes;
    frame_chunk *chunk;
    wr_status status = new_chunk(frame, capacity, &chunk);
    if (status != WR_OK)
        return status;
    chunk->next = frame->current->next;
    frame->current->next = chunk;
    frame->growths++;
    enter_chunk(frame, chunk, frame->before + frame->current->capacity);
    uintptr_t p = memory_align_up((uintptr_t)frame->cur, alignment);
    frame->cur = (char *)(p + bytes);
    frame->allocations++;
    *out = (void *)p;
    return WR_OK;
}

static MEMORY_COLD wr_status allocate_refused(const wr_frame_allocator *frame, size_t bytes, size_t alignment,
                                              void **out)
{
    if (!frame || !out)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, "wr_frame_allocator_allocate", "%s is NULL", frame ? "out" : "frame");
    return memory_fail_request("wr_frame_allocator_allocate", bytes, alignment);
}

/* The fast path: checks, one aligned bump, one bound test. Everything else is a tail call. */
wr_status wr_frame_allocator_allocate(wr_frame_allocator *frame, size_t bytes, size_t alignment, void **out)
{
    if (alignment == 0)
        alignment = WR_FRAME_ALLOCATOR_DEFAULT_ALIGNMENT;
    if (!frame || !out || !memory_request_ok(bytes, alignment))
        return allocate_refused(frame, bytes, alignment, out);
    uintptr_t p = memory_align_up((uintptr_t)frame->cur, alignment);
    if (p + bytes > (uintptr_t)frame->end)
        return allocate_slow(frame, bytes, alignment, out);
    frame->cur = (char *)(p + bytes);
    frame->allocations++;
    *out = (void *)p;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Reset, mark and rewind                                                                                        */
/* ------------------------------------------------------------------------------------------------------------ */

/* After growth: give the chain back and take one buffer of the high-water size. If the manager refuses that,
 * try the initial size; if it refuses again the frame stays empty and the next allocate asks again. */
static wr_status consolidate(wr_frame_allocator *frame)
{
    frame_chunk *chunk = frame->first;
    while (chunk) {
        frame_chunk *next = chunk->next;
        free_chunk(frame, chunk);
        chunk = next;
    }
    frame->first = frame->current = NULL;
    frame->cur = frame->end = NULL;
    frame->before = 0;
    wr_status status = new_chunk(frame, frame->peak_frame_bytes, &chunk);
    if (status != WR_OK)
        status = new_chunk(frame, frame->initial_bytes, &chunk);
    if (status != WR_OK)
        return status;
    frame->first = chunk;
    enter_chunk(frame, chunk, 0);
    return WR_OK;
}

wr_status wr_frame_allocator_reset(wr_frame_allocator *frame)
{
    if (!frame)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "frame is NULL");
    size_t used = used_bytes(frame);
    if (used > frame->peak_frame_bytes)
        frame->peak_frame_bytes = used;
    frame->resets++;
    if (!frame->first || frame->first->next)
        return consolidate(frame);
    enter_chunk(frame, frame->first, 0);
    return WR_OK;
}

size_t wr_frame_allocator_mark(const wr_frame_allocator *frame)
{
    return frame ? used_bytes(frame) : 0;
}

wr_status wr_frame_allocator_rewind(wr_frame_allocator *frame, size_t mark)
{
    if (!frame)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "frame is NULL");
    size_t used = used_bytes(frame);
    if (mark > used)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "mark %zu is past the current position %zu (already rewound?)",
                       mark, used);
    /* The high-water mark must include what a rewound scope used, or consolidation would pick too small a
     * buffer and the frame would grow again every step. */
    if (used > frame->peak_frame_bytes)
        frame->peak_frame_bytes = used;
    size_t before = 0;
    for (frame_chunk *c = frame->first; c; c = c->next) {
        if (mark <= before + c->capacity) {
            enter_chunk(frame, c, before);
            frame->cur = chunk_data(c) + (mark - before);
            return WR_OK;
        }
        before += c->capacity;
    }
    return WR_OK; /* mark == used == 0 with no buffer: nothing to do */
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Life cycle, statistics, and as a wr_memory_allocator                                                             */
/* ------------------------------------------------------------------------------------------------------------ */

static wr_status op_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    return wr_frame_allocator_allocate(self, bytes, alignment, out);
}

static wr_status op_deallocate(void *self, void *ptr, size_t bytes)
{
    (void)self;
    (void)ptr;
    (void)bytes;
    return WR_OK; /* released all at once by wr_frame_allocator_reset() */
}

wr_status wr_frame_allocator_create(wr_memory_manager *manager, size_t initial_bytes, wr_memory_tag tag, wr_frame_allocator **out)
{
    if (!manager)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "manager is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    if ((unsigned)tag >= WR_MEMORY_TAG_COUNT)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "tag %d is not a wr_memory_tag", (int)tag);
    if (initial_bytes > WR_MEMORY_ALLOCATOR_MAX_BYTES)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "size overflow: initial_bytes %zu is above %zu", initial_bytes,
                       (size_t)WR_MEMORY_ALLOCATOR_MAX_BYTES);
    wr_frame_allocator *frame = calloc(1, sizeof *frame);
    if (!frame)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for a frame allocator");
    frame->manager = manager;
    frame->tag = tag;
    frame->initial_bytes = initial_bytes ? initial_bytes : FRAME_DEFAULT_INITIAL_BYTES;
    frame_chunk *chunk;
    wr_status status = new_chunk(frame, frame->initial_bytes, &chunk);
    if (status != WR_OK) {
        free(frame);
        return status;
    }
    frame->first = chunk;
    enter_chunk(frame, chunk, 0);
    static const wr_memory_allocator_ops ops = {op_allocate, op_deallocate, NULL};
    memory_allocator_init_embedded(&frame->handle, &ops, frame, "frame");
    *out = frame;
    return WR_OK;
}

wr_status wr_frame_allocator_destroy(wr_frame_allocator *frame)
{
    if (!frame)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "frame is NULL");
    frame_chunk *chunk = frame->first;
    while (chunk) {
        frame_chunk *next = chunk->next;
        free_chunk(frame, chunk);
        chunk = next;
    }
    free(frame);
    return WR_OK;
}

wr_status wr_frame_allocator_get_stats(const wr_frame_allocator *frame, wr_frame_allocator_stats *out)
{
    if (!frame)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "frame is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    size_t used = used_bytes(frame);
    out->capacity_bytes = frame->capacity_bytes;
    out->used_bytes = used;
    out->peak_frame_bytes = used > frame->peak_frame_bytes ? used : frame->peak_frame_bytes;
    out->resets = frame->resets;
    out->growths = frame->growths;
    out->manager_requests = frame->manager_requests;
    out->allocations = frame->allocations;
    return WR_OK;
}

wr_memory_allocator *wr_frame_allocator_as_allocator(wr_frame_allocator *frame)
{
    return frame ? &frame->handle : NULL;
}
