/* The chunks an allocator holds from its base: one list type for the pool, the free list, the frame allocator
 * and the NUMA arena (the memory manager adds up its pool's and free list's lists).
 *
 * A chunk's header (links and size) normally sits at the start of the chunk itself, so keeping a chunk costs no
 * other memory and taking one on the step path calls no malloc. The NUMA arena keeps its headers apart (malloc'd,
 * on its cold path), because its chunks' pages must stay untouched until the world that uses them writes them.
 * The list counts what it holds (chunks, bytes) and how many chunks it has taken and given back, so the owners'
 * statistics read those counts instead of keeping their own. A failed take or give-back changes nothing.
 * Owned by one allocator, used by its thread only. */
#ifndef WR_MEMORY_CHUNK_LIST_H
#define WR_MEMORY_CHUNK_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "worldrunner/memory_allocator.h"
#include "worldrunner/status.h"

typedef struct wr_memory_chunk {
    struct wr_memory_chunk *next;
    struct wr_memory_chunk *prev;
    void *memory;                /* the chunk as obtained from the base: this header's own address, or elsewhere
                                    for a header kept apart */
    size_t bytes;                /* the chunk's size as obtained from the base, header included */
} wr_memory_chunk;               /* 32 bytes, so what follows an in-chunk header is 32-byte aligned */

typedef struct wr_memory_chunk_list {
    wr_memory_chunk *first;      /* in the order the owner chose (newest first, or a chain for the frame) */
    wr_memory_allocator *base;   /* where chunks come from and go back to (borrowed) */
    size_t count;                /* chunks held */
    size_t bytes;                /* bytes held: the sum of the chunks' sizes */
    uint64_t taken;              /* chunks obtained from the base since creation */
    uint64_t returned;           /* chunks given back one at a time since creation (not counting release) */
} wr_memory_chunk_list;

/* An empty list over `base`. */
void wr_memory_chunks_init(wr_memory_chunk_list *list, wr_memory_allocator *base);
/* Take a chunk of `bytes` (>= sizeof(wr_memory_chunk)) aligned to `alignment` from the base, with its header at its
 * start, and link it right after `after` (NULL: first). The base's status on failure, and nothing changed. */
wr_status wr_memory_chunks_take(wr_memory_chunk_list *list, size_t bytes, size_t alignment, wr_memory_chunk *after,
                                wr_memory_chunk **out);
/* The same with the header kept apart (malloc'd), so the chunk's memory is not written; linked first. */
wr_status wr_memory_chunks_take_apart(wr_memory_chunk_list *list, size_t bytes, size_t alignment,
                                      wr_memory_chunk **out);
/* Give one chunk back to the base and unlink it. If the base refuses, the chunk stays held and its status is
 * returned. */
wr_status wr_memory_chunks_give_back(wr_memory_chunk_list *list, wr_memory_chunk *chunk);
/* Give every chunk back (statuses ignored: this is teardown); the list is empty after, its history counts kept. */
void wr_memory_chunks_release(wr_memory_chunk_list *list);
/* The chunk whose memory starts at `memory`, or NULL (a walk along the list: cold path). */
wr_memory_chunk *wr_memory_chunks_find(const wr_memory_chunk_list *list, const void *memory);
/* Call visitor(memory, bytes, context) for every chunk, in list order. */
void wr_memory_chunks_visit(const wr_memory_chunk_list *list, void (*visitor)(const void *, size_t, void *),
                            void *context);

#endif
