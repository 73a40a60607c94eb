/* The statistics counter every allocator keeps: calls, and bytes live with their high-water mark.
 *
 * One type for the free list, the memory manager (in all and per tag), the NUMA arena and the debug allocator, so
 * that "in use" and "peak" mean the same everywhere and are updated in one place. Plain integers, updated by the
 * one thread that owns the allocator (the counting allocator, which is thread-safe, keeps atomic counters of its
 * own). The public statistics structs keep their own field names; get_stats copies from these. */
#ifndef WR_MEMORY_COUNTER_H
#define WR_MEMORY_COUNTER_H

#include <stddef.h>
#include <stdint.h>

typedef struct wr_memory_counter {
    uint64_t allocations;        /* blocks handed out since creation */
    uint64_t deallocations;      /* blocks taken back since creation */
    size_t bytes;                /* bytes live (as the allocator measures them: requested, page-rounded, ...) */
    size_t peak_bytes;           /* the largest `bytes` has been */
} wr_memory_counter;

static inline void wr_memory_counter_add(wr_memory_counter *c, size_t bytes)
{
    c->allocations++;
    c->bytes += bytes;
    if (c->bytes > c->peak_bytes)
        c->peak_bytes = c->bytes;
}

static inline void wr_memory_counter_remove(wr_memory_counter *c, size_t bytes)
{
    c->deallocations++;
    c->bytes -= bytes;
}

/* Blocks live now. */
static inline uint64_t wr_memory_counter_live(const wr_memory_counter *c)
{
    return c->allocations - c->deallocations;
}

#endif
