/* The free-list allocator: boundary-tagged blocks in chunks, size bins, immediate coalescing.
 *
 * Chunk layout:  [chunk header 32 B][block][block]...[sentinel header 16 B]
 * Block layout:  [header: prev_size, size|USED][payload ...]; a free block keeps its bin links in the payload.
 * Invariants: sizes are multiples of 16 and at least FL_MIN_BLOCK; prev_size is the size of the block just below
 * (0 for the first block of a chunk); no two free blocks are neighbours (they are merged at once); the sentinel
 * is a used block of size 0, so the last real block never merges past the chunk end. */
#include "memory/free_list_internal.h"

#include <stdlib.h>

#define FL_USED ((size_t)1)
#define FL_HEADER 16u
#define FL_MIN_BLOCK 32u
#define FL_CHUNK_HEADER sizeof(wr_memory_chunk)
#define FL_CHUNK_OVERHEAD (FL_CHUNK_HEADER + FL_HEADER) /* chunk header + sentinel */
#define FL_MIN_CHUNK_BYTES 4096u

typedef struct fl_header {
    size_t prev_size;
    size_t size_flags;
} fl_header;

struct fl_free {
    fl_header header;
    fl_free *next;
    fl_free *prev;
};

typedef wr_memory_chunk fl_chunk;

_Static_assert(sizeof(fl_header) == FL_HEADER, "block header is 16 bytes");
_Static_assert(FL_CHUNK_HEADER % 16 == 0, "blocks after the chunk header stay 16-byte aligned");

/* ------------------------------------------------------------------------------------------------------------ */
/* Blocks and bins                                                                                               */
/* ------------------------------------------------------------------------------------------------------------ */

static size_t block_size(const fl_header *h) { return h->size_flags & ~(size_t)15; }
static int block_used(const fl_header *h) { return (int)(h->size_flags & FL_USED); }
static fl_header *block_next(fl_header *h) { return (fl_header *)((char *)h + block_size(h)); }
static fl_header *first_block(fl_chunk *chunk) { return (fl_header *)((char *)chunk + FL_CHUNK_HEADER); }
static size_t chunk_extent(const fl_chunk *chunk) { return chunk->bytes - FL_CHUNK_OVERHEAD; }

/* A block that is the whole of its chunk: first (prev_size 0) and followed by the sentinel (size 0). */
static int block_spans_chunk(fl_header *h)
{
    return h->prev_size == 0 && block_size(block_next(h)) == 0;
}

static unsigned bin_of(size_t size)
{
    return 63u - (unsigned)__builtin_clzll((unsigned long long)size);
}

static void bin_insert(wr_free_list_allocator *a, fl_header *h)
{
    fl_free *f = (fl_free *)h;
    unsigned b = bin_of(block_size(h));
    f->prev = NULL;
    f->next = a->bins[b];
    if (f->next)
        f->next->prev = f;
    a->bins[b] = f;
    a->bin_bitmap |= (uint64_t)1 << b;
}

static void bin_remove(wr_free_list_allocator *a, fl_header *h)
{
    fl_free *f = (fl_free *)h;
    unsigned b = bin_of(block_size(h));
    if (f->prev)
        f->prev->next = f->next;
    else
        a->bins[b] = f->next;
    if (f->next)
        f->next->prev = f->prev;
    if (!a->bins[b])
        a->bin_bitmap &= ~((uint64_t)1 << b);
}

/* Where the payload of an allocation of `need` block bytes would start inside free block h, or 0 if it does not
 * fit. A front gap left by alignment must be able to stand as a free block of its own. */
static uintptr_t fit(fl_header *h, size_t need, size_t alignment)
{
    uintptr_t payload = (uintptr_t)h + FL_HEADER;
    uintptr_t p = memory_align_up(payload, alignment);
    while (p != payload && p - payload < FL_MIN_BLOCK)
        p += alignment;
    uintptr_t end = (uintptr_t)h + block_size(h);
    return p - FL_HEADER + need <= end ? p : 0;
}

/* First fit along one bin's list, looking at no more than `limit` blocks. */
static fl_header *search_bin(fl_free *f, size_t need, size_t alignment, size_t limit, uintptr_t *payload)
{
    for (; f && limit > 0; f = f->next, --limit) {
        uintptr_t p = fit(&f->header, need, alignment);
        if (p) {
            *payload = p;
            return &f->header;
        }
    }
    return NULL;
}

/* Good fit in bounded time: a few blocks of the request's own bin (so holes get reused), then the smallest
 * non-empty larger bin (whose blocks all fit unless alignment gets in the way), then the rest of the own bin. */
static fl_header *find_block(wr_free_list_allocator *a, size_t need, size_t alignment, uintptr_t *payload)
{
    unsigned own = bin_of(need);
    fl_header *h = search_bin(a->bins[own], need, alignment, 8, payload);
    if (h)
        return h;
    uint64_t larger = own >= 63 ? 0 : a->bin_bitmap & ~(((uint64_t)2 << own) - 1);
    while (larger) {
        unsigned b = (unsigned)__builtin_ctzll(larger);
        if ((h = search_bin(a->bins[b], need, alignment, SIZE_MAX, payload)))
            return h;
        larger &= larger - 1;
    }
    return search_bin(a->bins[own], need, alignment, SIZE_MAX, payload);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Chunks                                                                                                        */
/* ------------------------------------------------------------------------------------------------------------ */

static wr_status add_chunk(wr_free_list_allocator *a, size_t need, size_t alignment, fl_header **block)
{
    size_t bytes = need + FL_CHUNK_OVERHEAD + (alignment > FL_HEADER ? alignment + FL_MIN_BLOCK : 0);
    bytes = (size_t)memory_align_up(bytes, 4096);
    if (bytes < a->chunk_bytes)
        bytes = a->chunk_bytes;
    fl_chunk *chunk;
    wr_status status = wr_memory_chunks_take(&a->chunks, bytes, 64, NULL, &chunk);
    if (status != WR_OK)
        return status;
    fl_header *h = first_block(chunk);
    h->prev_size = 0;
    h->size_flags = chunk_extent(chunk);
    fl_header *sentinel = block_next(h);
    sentinel->prev_size = chunk_extent(chunk);
    sentinel->size_flags = FL_USED;
    bin_insert(a, h);
    *block = h;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Allocate and free                                                                                             */
/* ------------------------------------------------------------------------------------------------------------ */

static size_t block_need(size_t bytes)
{
    size_t need = FL_HEADER + (size_t)memory_align_up(bytes, 16);
    return need < FL_MIN_BLOCK ? FL_MIN_BLOCK : need;
}

wr_status free_list_allocate_unchecked(wr_free_list_allocator *a, size_t bytes, size_t alignment, void **out)
{
    if (alignment < FL_HEADER)
        alignment = FL_HEADER;
    size_t need = block_need(bytes);
    uintptr_t p = 0;
    fl_header *h = find_block(a, need, alignment, &p);
    if (!h) {
        wr_status status = add_chunk(a, need, alignment, &h);
        if (status != WR_OK)
            return status;
        p = fit(h, need, alignment);
    }
    bin_remove(a, h);
    size_t size = block_size(h);
    /* Front gap left by alignment: it stays a free block below ours. */
    size_t gap = (size_t)(p - FL_HEADER - (uintptr_t)h);
    if (gap) {
        h->size_flags = gap;
        bin_insert(a, h);
        fl_header *moved = (fl_header *)(p - FL_HEADER);
        moved->prev_size = gap;
        size -= gap;
        h = moved;
    }
    /* Tail: split it off when it can stand as a block; its upper neighbour is used, so no merge is needed. */
    size_t rest = size - need;
    if (rest >= FL_MIN_BLOCK) {
        size = need;
        fl_header *tail = (fl_header *)((char *)h + need);
        tail->prev_size = need;
        tail->size_flags = rest;
        block_next(tail)->prev_size = rest;
        bin_insert(a, tail);
    }
    h->size_flags = size | FL_USED;
    block_next(h)->prev_size = size;
    wr_memory_counter_add(&a->in_use, bytes);
    *out = (void *)p;
    return WR_OK;
}

/* Free the block at ptr and merge it with free neighbours; the merged block in *merged. */
static wr_status deallocate_block(wr_free_list_allocator *a, void *ptr, size_t bytes, fl_header **merged)
{
    if ((uintptr_t)ptr & 15u)
        return WR_FAIL(WR_ERR_CORRUPTION, "%p is not 16-byte aligned, so not a free-list block", ptr);
    fl_header *h = (fl_header *)((char *)ptr - FL_HEADER);
    if (!block_used(h))
        return WR_FAIL(WR_ERR_CORRUPTION, "%p is not an allocated block (double free?)", ptr);
    size_t size = block_size(h);
    if (size - FL_HEADER < bytes || size - block_need(bytes) >= FL_MIN_BLOCK)
        return WR_FAIL(WR_ERR_CORRUPTION, "size mismatch freeing %p: %zu bytes given, the block holds %zu", ptr, bytes,
                       size - FL_HEADER);
    wr_memory_counter_remove(&a->in_use, bytes);
    h->size_flags = size; /* clear USED first: a stale header left inside a merged block reads as free */
    fl_header *next = block_next(h);
    if (!block_used(next)) {
        bin_remove(a, next);
        size += block_size(next);
    }
    if (h->prev_size) {
        fl_header *prev = (fl_header *)((char *)h - h->prev_size);
        if (!block_used(prev)) {
            bin_remove(a, prev);
            size += block_size(prev);
            h = prev;
        }
    }
    h->size_flags = size;
    block_next(h)->prev_size = size;
    bin_insert(a, h);
    *merged = h;
    return WR_OK;
}

wr_status free_list_deallocate_checked(wr_free_list_allocator *a, void *ptr, size_t bytes)
{
    fl_header *h = NULL;
    return deallocate_block(a, ptr, bytes, &h);
}

static fl_chunk *chunk_of_first_block(fl_header *h) { return (fl_chunk *)((char *)h - FL_CHUNK_HEADER); }

static int chunk_empty(fl_chunk *chunk)
{
    fl_header *h = first_block(chunk);
    return !block_used(h) && block_spans_chunk(h);
}

/* Give an empty chunk back to the base; if the base refuses, its free block goes back into its bin. */
static void release_empty_chunk(wr_free_list_allocator *a, fl_chunk *chunk)
{
    fl_header *h = first_block(chunk);
    bin_remove(a, h);
    if (wr_memory_chunks_give_back(&a->chunks, chunk) != WR_OK)
        bin_insert(a, h);
}

wr_status free_list_deallocate_shedding(wr_free_list_allocator *a, void *ptr, size_t bytes)
{
    fl_header *h = NULL;
    wr_status status = deallocate_block(a, ptr, bytes, &h);
    if (status != WR_OK || !block_spans_chunk(h))
        return status;
    fl_chunk *chunk = chunk_of_first_block(h);
    if (chunk->bytes <= a->chunk_bytes || chunk == a->spare)
        return WR_OK;
    /* An oversized chunk fell empty. Keep the larger of it and the spare (if that is still empty): the next
     * large request of a steady pattern reuses it without the base; give the other back. */
    if (a->spare && chunk_empty(a->spare)) {
        fl_chunk *smaller = a->spare->bytes < chunk->bytes ? a->spare : chunk;
        a->spare = smaller == chunk ? a->spare : chunk;
        release_empty_chunk(a, smaller);
    } else {
        a->spare = chunk;
    }
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Life cycle, as a wr_memory_allocator, and the public API                                                         */
/* ------------------------------------------------------------------------------------------------------------ */

static wr_status op_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    return free_list_allocate_unchecked(self, bytes, alignment, out);
}

static wr_status op_deallocate(void *self, void *ptr, size_t bytes)
{
    return free_list_deallocate_checked(self, ptr, bytes);
}

void free_list_init(wr_free_list_allocator *a, wr_memory_allocator *base, size_t chunk_bytes)
{
    *a = (wr_free_list_allocator){0};
    wr_memory_chunks_init(&a->chunks, base);
    a->chunk_bytes = chunk_bytes ? chunk_bytes : WR_FREE_LIST_ALLOCATOR_DEFAULT_CHUNK_BYTES;
    static const wr_memory_allocator_ops ops = {op_allocate, op_deallocate, NULL};
    memory_allocator_init_embedded(&a->handle, &ops, a, "free-list");
}

void free_list_release_chunks(wr_free_list_allocator *a)
{
    wr_memory_chunks_release(&a->chunks);
    a->spare = NULL;
    for (unsigned b = 0; b < FREE_LIST_BIN_COUNT; ++b)
        a->bins[b] = NULL;
    a->bin_bitmap = 0;
}

wr_status wr_free_list_allocator_create(wr_memory_allocator *base, size_t chunk_bytes, wr_free_list_allocator **out)
{
    if (!base)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "base is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    if (chunk_bytes != 0 && (chunk_bytes < FL_MIN_CHUNK_BYTES || chunk_bytes > WR_MEMORY_ALLOCATOR_MAX_BYTES))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "chunk_bytes %zu is outside %u..%zu (or 0 for the default)",
                       chunk_bytes, FL_MIN_CHUNK_BYTES, (size_t)WR_MEMORY_ALLOCATOR_MAX_BYTES);
    wr_free_list_allocator *a = malloc(sizeof *a);
    if (!a)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for a free-list allocator");
    free_list_init(a, base, (size_t)memory_align_up(chunk_bytes, 16));
    *out = a;
    return WR_OK;
}

wr_status wr_free_list_allocator_destroy(wr_free_list_allocator *a)
{
    if (!a)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    uint64_t live = wr_memory_counter_live(&a->in_use);
    size_t live_bytes = a->in_use.bytes;
    free_list_release_chunks(a);
    free(a);
    if (live)
        return WR_FAIL(WR_ERR_LEAK, "%llu free-list blocks (%zu bytes) were still in use; their chunks were returned",
                       (unsigned long long)live, live_bytes);
    return WR_OK;
}

wr_status wr_free_list_allocator_allocate(wr_free_list_allocator *a, size_t bytes, size_t alignment, void **out)
{
    if (!a)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    if (alignment == 0)
        alignment = WR_MEMORY_ALLOCATOR_DEFAULT_ALIGNMENT;
    if (!memory_request_ok(bytes, alignment))
        return memory_fail_request(__func__, bytes, alignment);
    return free_list_allocate_unchecked(a, bytes, alignment, out);
}

wr_status wr_free_list_allocator_deallocate(wr_free_list_allocator *a, void *ptr, size_t bytes)
{
    if (!a)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    if (!ptr)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "ptr is NULL");
    if (bytes - 1 >= WR_MEMORY_ALLOCATOR_MAX_BYTES)
        return memory_fail_request(__func__, bytes, 16);
    return free_list_deallocate_checked(a, ptr, bytes);
}

wr_status wr_free_list_allocator_trim(wr_free_list_allocator *a)
{
    if (!a)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    fl_chunk *chunk = a->chunks.first;
    while (chunk) {
        fl_chunk *next = chunk->next;
        if (chunk_empty(chunk))
            release_empty_chunk(a, chunk);
        chunk = next;
    }
    a->spare = NULL; /* returned if it was empty, an ordinary chunk if not */
    return WR_OK;
}

wr_status wr_free_list_allocator_get_stats(const wr_free_list_allocator *a, wr_free_list_allocator_stats *out)
{
    if (!a)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    *out = (wr_free_list_allocator_stats){0};
    out->bytes_in_use = a->in_use.bytes;
    out->peak_bytes_in_use = a->in_use.peak_bytes;
    out->bytes_reserved = a->chunks.bytes;
    out->chunks = a->chunks.count;
    out->allocations = a->in_use.allocations;
    out->deallocations = a->in_use.deallocations;
    out->base_requests = a->chunks.taken;
    out->chunks_returned = a->chunks.returned;
    for (const fl_chunk *chunk = a->chunks.first; chunk; chunk = chunk->next)
        out->chunk_usable_bytes += chunk_extent(chunk);
    for (unsigned b = 0; b < FREE_LIST_BIN_COUNT; ++b) {
        for (const fl_free *f = a->bins[b]; f; f = f->next) {
            size_t size = block_size(&f->header);
            out->free_blocks++;
            out->bytes_free += size;
            if (size > out->largest_free_block)
                out->largest_free_block = size;
        }
    }
    out->block_bytes_in_use = out->chunk_usable_bytes - out->bytes_free;
    return WR_OK;
}

wr_status wr_free_list_allocator_visit_chunks(const wr_free_list_allocator *a, wr_free_list_allocator_chunk_visitor visitor,
                                           void *context)
{
    if (!a)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    if (!visitor)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "visitor is NULL");
    wr_memory_chunks_visit(&a->chunks, visitor, context);
    return WR_OK;
}

wr_memory_allocator *wr_free_list_allocator_as_allocator(wr_free_list_allocator *a)
{
    return a ? &a->handle : NULL;
}
