/* worldrunner/frame_allocator.h — per-step bump allocator (the seed's FrameAllocator).
 *
 * All per-step temporaries (contacts, Jacobians, constraint rows) are bumped from one buffer taken from a memory
 * manager, and released together by wr_frame_allocator_reset() at the start of the next step, in O(1). When a frame
 * needs more than the buffer, another chunk is chained; at the next reset the chain is replaced by one buffer of the
 * high-water size, so the steady state asks the manager for nothing. deallocate is a no-op.
 *
 * wr_frame_allocator_allocate_inline() is wr_frame_allocator_allocate() compiled into the caller: the checks, one
 * aligned bump and one bound test, no call; it calls wr_frame_allocator_allocate() only when the current chunk is
 * full (chaining a chunk) or an argument is bad (reported exactly as the call reports it).
 *
 * Ownership: the creator destroys it; the buffer goes back to the manager. Threads: one at a time.
 */
#ifndef WORLDRUNNER_FRAME_ALLOCATOR_H
#define WORLDRUNNER_FRAME_ALLOCATOR_H

#include <stddef.h>
#include <stdint.h>

#include "worldrunner/memory_allocator.h"
#include "worldrunner/memory_manager.h"
#include "worldrunner/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WR_FRAME_ALLOCATOR_DEFAULT_ALIGNMENT 32u

typedef struct wr_frame_allocator wr_frame_allocator;

typedef struct wr_frame_allocator_stats {
    size_t capacity_bytes;       /* bytes held from the manager now (all chained chunks) */
    size_t used_bytes;           /* bytes bumped in the current frame (with alignment padding) */
    size_t peak_frame_bytes;     /* the largest frame so far (high-water mark) */
    uint64_t resets;
    uint64_t growths;            /* chunks chained because a frame outgrew the buffer */
    uint64_t manager_requests;   /* buffers obtained from the memory manager since creation */
    uint64_t allocations;        /* allocations since creation */
} wr_frame_allocator_stats;

/* Create over `manager` with an initial buffer of `initial_bytes` (0 = 16 KiB), tagged `tag`. */
wr_status wr_frame_allocator_create(wr_memory_manager *manager, size_t initial_bytes, wr_memory_tag tag,
                                 wr_frame_allocator **out);
/* Return the buffer(s) to the manager and free the allocator. */
wr_status wr_frame_allocator_destroy(wr_frame_allocator *frame);
/* Bump `bytes` (> 0) aligned to `alignment` (power of two <= 4096; 0 = 32). May chain a chunk (manager request);
 * WR_ERR_BUDGET / WR_ERR_OUT_OF_MEMORY if the manager refuses, and then nothing changed. */
wr_status wr_frame_allocator_allocate(wr_frame_allocator *frame, size_t bytes, size_t alignment, void **out);
/* Release everything allocated since the last reset, in O(1); consolidates a chain into one buffer of the
 * high-water size (one manager request, only after growth). If the manager refuses that buffer (budget) and the
 * initial size too, the status is returned and the frame is left empty but usable: the next allocate asks again. */
wr_status wr_frame_allocator_reset(wr_frame_allocator *frame);
/* Current position, and rewinding to it (LIFO scopes inside a frame). */
size_t wr_frame_allocator_mark(const wr_frame_allocator *frame);
wr_status wr_frame_allocator_rewind(wr_frame_allocator *frame, size_t mark);
wr_status wr_frame_allocator_get_stats(const wr_frame_allocator *frame, wr_frame_allocator_stats *out);
/* This frame allocator seen as a wr_memory_allocator (deallocate is a no-op). The handle belongs to the frame. */
wr_memory_allocator *wr_frame_allocator_as_allocator(wr_frame_allocator *frame);

/* --- inline fast path -------------------------------------------------------------------------------------------
 * Every wr_frame_allocator starts with a wr_frame_allocator_cursor. wr_frame_allocator_allocate_inline() reads and
 * writes it; nothing else outside the library may (the rest of the frame stays opaque, and these fields are not an
 * interface to program against). */

typedef struct wr_frame_allocator_cursor {
    char *next;                  /* next free byte of the current chunk (NULL while the frame holds no buffer) */
    char *end;                   /* one past the last byte of the current chunk */
    uint64_t allocations;        /* allocations since creation (the statistics' `allocations`) */
} wr_frame_allocator_cursor;

/* wr_frame_allocator_allocate() compiled into the caller, with the same arguments, checks, results and messages:
 * frame and out non-NULL, 1 <= bytes <= WR_MEMORY_ALLOCATOR_MAX_BYTES, alignment 0 (= 32) or a power of two <= 4096.
 * With a constant alignment the alignment checks fold away. */
static inline wr_status wr_frame_allocator_allocate_inline(wr_frame_allocator *frame, size_t bytes, size_t alignment,
                                                           void **out)
{
    size_t a = alignment ? alignment : WR_FRAME_ALLOCATOR_DEFAULT_ALIGNMENT;
    if (frame && out && (a & (a - 1)) == 0 && a <= WR_MEMORY_ALLOCATOR_MAX_ALIGNMENT) {
        wr_frame_allocator_cursor *c = (wr_frame_allocator_cursor *)(void *)frame;
        uintptr_t p = ((uintptr_t)c->next + (a - 1)) & ~(uintptr_t)(a - 1);
        uintptr_t end = (uintptr_t)c->end;
        /* bytes - 1 < room: bytes is not 0, fits, and is at most WR_MEMORY_ALLOCATOR_MAX_BYTES (no chunk is larger);
         * p <= end first, so that p + bytes never wraps. An empty cursor (NULL, NULL) has no room. */
        if (p <= end && bytes - 1 < end - p) {
            c->next = (char *)(p + bytes);
            c->allocations++;
            *out = (void *)p;
            return WR_OK;
        }
    }
    return wr_frame_allocator_allocate(frame, bytes, alignment, out);
}

#ifdef __cplusplus
}
#endif
#endif
