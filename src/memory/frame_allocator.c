/* The frame allocator: a bump pointer over a chain of buffers taken from a memory manager.
 *
 * Offsets inside a frame are counted along the chain: chunk k starts at the sum of the capacities of chunks
 * 0..k-1, and `before` is that sum for the current chunk, so used = before + (next - data(current)). Moving to
 * the next chunk abandons the tail of the current one for this frame. reset() is O(1) when the frame fitted in
 * one buffer; after growth it replaces the chain by one buffer of the high-water size (cold, once).
 *
 * The chain is a wr_memory_chunk_list over `source`, a view of the manager that allocates under the frame's tag.
 * The cursor (next, end, allocations) comes first in the object, where the public inline fast path finds it. */
#include "memory/allocator_internal.h"
#include "memory/chunk_list.h"
#include "worldrunner/frame_allocator.h"

#include <stdlib.h>

#define FRAME_CHUNK_HEADER 64u  /* the chunk list's header, padded so every chunk's data is cache-line aligned */
#define FRAME_CHUNK_ALIGNMENT 64u
#define FRAME_DEFAULT_INITIAL_BYTES (16u * 1024u)

_Static_assert(FRAME_CHUNK_HEADER >= sizeof(wr_memory_chunk), "the chunk header fits before the data");

struct wr_frame_allocator {
    wr_frame_allocator_cursor cursor; /* first: the inline fast path in frame_allocator.h reads it */
    wr_memory_chunk *current;    /* the chunk the cursor bumps in; NULL while the frame holds no buffer */
    size_t before;               /* frame offset where the current chunk's data starts */
    size_t peak_frame_bytes;
    size_t initial_bytes;
    uint64_t resets;
    uint64_t growths;
    wr_memory_chunk_list chunks; /* the chain, in frame order */
    wr_memory_manager *manager;
    wr_memory_tag tag;
    wr_memory_allocator source;  /* the manager as the chunk list sees it: blocks under `tag` */
    wr_memory_allocator handle;
};

static char *chunk_data(wr_memory_chunk *chunk) { return (char *)chunk + FRAME_CHUNK_HEADER; }
static size_t chunk_capacity(const wr_memory_chunk *chunk) { return chunk->bytes - FRAME_CHUNK_HEADER; }

static size_t used_bytes(const wr_frame_allocator *frame)
{
    return frame->current ? frame->before + (size_t)(frame->cursor.next - chunk_data(frame->current)) : 0;
}

/* Data bytes of all chained chunks (headers left out). */
static size_t capacity_bytes(const wr_frame_allocator *frame)
{
    return frame->chunks.bytes - frame->chunks.count * FRAME_CHUNK_HEADER;
}

static void enter_chunk(wr_frame_allocator *frame, wr_memory_chunk *chunk, size_t before)
{
    frame->current = chunk;
    frame->before = before;
    frame->cursor.next = chunk_data(chunk);
    frame->cursor.end = chunk_data(chunk) + chunk_capacity(chunk);
}

/* Ask the manager for a chunk with `capacity` data bytes, linked after `after` (NULL: first). Nothing changes on
 * failure; refusals are counted by the manager (budget_refusals), not here. The manager refuses more than
 * WR_MEMORY_ALLOCATOR_MAX_BYTES, so no chunk has more room than that: the inline fast path relies on it. */
static wr_status new_chunk(wr_frame_allocator *frame, size_t capacity, wr_memory_chunk *after, wr_memory_chunk **out)
{
    capacity = (size_t)memory_align_up(capacity, FRAME_CHUNK_ALIGNMENT);
    return wr_memory_chunks_take(&frame->chunks, FRAME_CHUNK_HEADER + capacity, FRAME_CHUNK_ALIGNMENT, after, out);
}

static wr_status source_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    wr_frame_allocator *frame = self;
    return wr_memory_manager_allocate(frame->manager, bytes, alignment, frame->tag, out);
}

static wr_status source_deallocate(void *self, void *ptr, size_t bytes)
{
    wr_frame_allocator *frame = self;
    return wr_memory_manager_deallocate(frame->manager, ptr, bytes, FRAME_CHUNK_ALIGNMENT, frame->tag);
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
    wr_memory_chunk *chunk;
    wr_status status = new_chunk(frame, capacity, NULL, &chunk);
    if (status != WR_OK)
        return status;
    enter_chunk(frame, chunk, 0);
    uintptr_t p = memory_align_up((uintptr_t)frame->cursor.next, alignment);
    frame->cursor.next = (char *)(p + bytes);
    frame->cursor.allocations++;
    *out = (void *)p;
    return WR_OK;
}

/* The current chunk is full: go on to a later chunk of the chain that fits, or chain a new one. */
static MEMORY_COLD wr_status allocate_slow(wr_frame_allocator *frame, size_t bytes, size_t alignment, void **out)
{
    if (!frame->current)
        return allocate_first_chunk(frame, bytes, alignment, out);
    size_t before = frame->before + chunk_capacity(frame->current);
    for (wr_memory_chunk *c = frame->current->next; c; c = c->next) {
        uintptr_t p = memory_align_up((uintptr_t)chunk_data(c), alignment);
        if (p + bytes <= (uintptr_t)chunk_data(c) + chunk_capacity(c)) {
            enter_chunk(frame, c, before);
            frame->cursor.next = (char *)(p + bytes);
            frame->cursor.allocations++;
            *out = (void *)p;
            return WR_OK;
        }
        before += chunk_capacity(c);
    }
    /* Nothing fits: chain a chunk right after the current one, at least doubling the capacity. */
    size_t capacity = bytes + (alignment > FRAME_CHUNK_ALIGNMENT ? alignment : 0);
    if (capacity < capacity_bytes(frame))
        capacity = capacity_bytes(frame);
    wr_memory_chunk *chunk;
    wr_status status = new_chunk(frame, capacity, frame->current, &chunk);
    if (status != WR_OK)
        return status;
    frame->growths++;
    enter_chunk(frame, chunk, frame->before + chunk_capacity(frame->current));
    uintptr_t p = memory_align_up((uintptr_t)frame->cursor.next, alignment);
    frame->cursor.next = (char *)(p + bytes);
    frame->cursor.allocations++;
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

/* The fast path out of line (wr_frame_allocator_allocate_inline is the same, in the caller): checks, one aligned
 * bump, one bound test. Everything else is a tail call. */
wr_status wr_frame_allocator_allocate(wr_frame_allocator *frame, size_t bytes, size_t alignment, void **out)
{
    if (alignment == 0)
        alignment = WR_FRAME_ALLOCATOR_DEFAULT_ALIGNMENT;
    if (!frame || !out || !memory_request_ok(bytes, alignment))
        return allocate_refused(frame, bytes, alignment, out);
    uintptr_t p = memory_align_up((uintptr_t)frame->cursor.next, alignment);
    uintptr_t end = (uintptr_t)frame->cursor.end;
    if (p > end || bytes > end - p) /* two tests, so that p + bytes never wraps */
        return allocate_slow(frame, bytes, alignment, out);
    frame->cursor.next = (char *)(p + bytes);
    frame->cursor.allocations++;
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
    wr_memory_chunks_release(&frame->chunks);
    frame->current = NULL;
    frame->cursor.next = frame->cursor.end = NULL;
    frame->before = 0;
    wr_memory_chunk *chunk;
    /* whole 4 KiB pages: a need that creeps up by a few hundred bytes a step (contacts appearing one by one as a
     * pile lands) then fits the next step too, instead of growing and consolidating again at every step */
    const size_t want = (size_t)memory_align_up(frame->peak_frame_bytes, 4096);
    wr_status status = new_chunk(frame, want, NULL, &chunk);
    if (status != WR_OK)
        status = new_chunk(frame, frame->initial_bytes, NULL, &chunk);
    if (status != WR_OK)
        return status;
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
    wr_memory_chunk *first = frame->chunks.first;
    if (!first || first->next)
        return consolidate(frame);
    enter_chunk(frame, first, 0);
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
    for (wr_memory_chunk *c = frame->chunks.first; c; c = c->next) {
        if (mark <= before + chunk_capacity(c)) {
            enter_chunk(frame, c, before);
            frame->cursor.next = chunk_data(c) + (mark - before);
            return WR_OK;
        }
        before += chunk_capacity(c);
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
    static const wr_memory_allocator_ops source_ops = {source_allocate, source_deallocate, NULL};
    memory_allocator_init_embedded(&frame->source, &source_ops, frame, wr_memory_tag_name(tag));
    wr_memory_chunks_init(&frame->chunks, &frame->source);
    wr_memory_chunk *chunk;
    wr_status status = new_chunk(frame, frame->initial_bytes, NULL, &chunk);
    if (status != WR_OK) {
        free(frame);
        return status;
    }
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
    wr_memory_chunks_release(&frame->chunks);
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
    out->capacity_bytes = capacity_bytes(frame);
    out->used_bytes = used;
    out->peak_frame_bytes = used > frame->peak_frame_bytes ? used : frame->peak_frame_bytes;
    out->resets = frame->resets;
    out->growths = frame->growths;
    out->manager_requests = frame->chunks.taken;
    out->allocations = frame->cursor.allocations;
    return WR_OK;
}

wr_memory_allocator *wr_frame_allocator_as_allocator(wr_frame_allocator *frame)
{
    return frame ? &frame->handle : NULL;
}
