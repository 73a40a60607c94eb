/* The debug allocator: wraps any allocator and remembers every block it handed out, so that double frees, size
 * mismatches, foreign pointers and leaks are reported as a status and a message instead of corrupting memory.
 *
 * Blocks are kept in an open-addressing hash table keyed by address. A freed block keeps its entry (state FREED)
 * so that a second free of the same address is recognised as a double free rather than a foreign pointer; the
 * entry becomes LIVE again when the inner allocator hands the address out anew. When the table is rebuilt and
 * freed entries outnumber live ones, the freed entries are forgotten (double frees of very old blocks are then
 * reported as foreign pointers, which is still an error). The table uses malloc: this is a debugging wrapper,
 * not a hot-path allocator. */
#include "memory/allocator_internal.h"
#include "memory/memory_counter.h"

#include <stdio.h>
#include <stdlib.h>

enum { ENTRY_EMPTY = 0, ENTRY_LIVE = 1, ENTRY_FREED = 2 };

typedef struct debug_entry {
    uintptr_t address;
    size_t bytes;
    int state;
} debug_entry;

typedef struct debug_state {
    wr_memory_allocator *inner;
    debug_entry *entries;
    size_t capacity;    /* power of two */
    size_t used;        /* LIVE + FREED entries */
    wr_memory_counter live;     /* blocks handed out by the inner allocator and not yet freed */
    size_t problems;
} debug_state;

static size_t hash_address(uintptr_t address)
{
    uint64_t x = (uint64_t)address;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x;
}

/* The entry holding `address`, or the empty slot where it would go. */
static debug_entry *find_slot(debug_entry *entries, size_t capacity, uintptr_t address)
{
    size_t i = hash_address(address) & (capacity - 1);
    while (entries[i].state != ENTRY_EMPTY && entries[i].address != address)
        i = (i + 1) & (capacity - 1);
    return &entries[i];
}

/* Make room for one more entry. Fails (changing nothing) only if malloc fails. */
static wr_status reserve_entry(debug_state *state)
{
    if ((state->used + 1) * 2 <= state->capacity)
        return WR_OK;
    size_t live_blocks = (size_t)wr_memory_counter_live(&state->live);
    bool keep_freed = state->used - live_blocks < live_blocks;
    size_t kept = keep_freed ? state->used : live_blocks;
    size_t capacity = 64;
    while ((kept + 1) * 2 > capacity / 2)
        capacity *= 2;
    debug_entry *entries = calloc(capacity, sizeof *entries);
    if (!entries)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the debug allocator's block table");
    size_t used = 0;
    for (size_t i = 0; i < state->capacity; ++i) {
        const debug_entry *e = &state->entries[i];
        if (e->state == ENTRY_LIVE || (keep_freed && e->state == ENTRY_FREED)) {
            *find_slot(entries, capacity, e->address) = *e;
            ++used;
        }
    }
    free(state->entries);
    state->entries = entries;
    state->capacity = capacity;
    state->used = used;
    return WR_OK;
}

static wr_status debug_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    debug_state *state = self;
    wr_status status = reserve_entry(state);
    if (status != WR_OK)
        return status;
    void *p;
    status = memory_base_allocate(state->inner, bytes, alignment, &p);
    if (status != WR_OK)
        return status;
    debug_entry *e = find_slot(state->entries, state->capacity, (uintptr_t)p);
    if (e->state == ENTRY_LIVE) {
        /* The inner allocator returned a block that is still live: report it, and hand nothing out. */
        state->problems++;
        return WR_FAIL(WR_ERR_CORRUPTION, "%s returned %p, which is still live (%zu bytes)", state->inner->name, p,
                       e->bytes);
    }
    if (e->state == ENTRY_EMPTY)
        state->used++;
    e->address = (uintptr_t)p;
    e->bytes = bytes;
    e->state = ENTRY_LIVE;
    wr_memory_counter_add(&state->live, bytes);
    *out = p;
    return WR_OK;
}

static wr_status debug_deallocate(void *self, void *ptr, size_t bytes)
{
    debug_state *state = self;
    debug_entry *e = find_slot(state->entries, state->capacity, (uintptr_t)ptr);
    if (e->state == ENTRY_EMPTY) {
        state->problems++;
        return WR_FAIL(WR_ERR_CORRUPTION, "foreign pointer %p (%zu bytes): not allocated by debug(%s)", ptr, bytes,
                       state->inner->name);
    }
    if (e->state == ENTRY_FREED) {
        state->problems++;
        return WR_FAIL(WR_ERR_CORRUPTION, "double free of %p (%zu bytes) in debug(%s)", ptr, bytes,
                       state->inner->name);
    }
    if (e->bytes != bytes) {
        state->problems++;
        return WR_FAIL(WR_ERR_CORRUPTION, "size mismatch freeing %p: freed with %zu bytes, allocated with %zu", ptr,
                       bytes, e->bytes);
    }
    wr_status status = state->inner->ops.deallocate(state->inner->self, ptr, bytes);
    if (status != WR_OK)
        return status;
    e->state = ENTRY_FREED;
    wr_memory_counter_remove(&state->live, bytes);
    return WR_OK;
}

static wr_status debug_release(void *self)
{
    debug_state *state = self;
    size_t leaked_blocks = (size_t)wr_memory_counter_live(&state->live);
    size_t leaked_bytes = state->live.bytes;
    for (size_t i = 0; i < state->capacity; ++i) {
        debug_entry *e = &state->entries[i];
        if (e->state == ENTRY_LIVE)
            state->inner->ops.deallocate(state->inner->self, (void *)e->address, e->bytes);
    }
    char inner_name[64];
    snprintf(inner_name, sizeof inner_name, "%s", state->inner->name);
    free(state->entries);
    free(state);
    if (leaked_blocks > 0)
        return WR_FAIL(WR_ERR_LEAK, "debug(%s): %zu blocks (%zu bytes) were still allocated at destruction; "
                       "they were returned to %s", inner_name, leaked_blocks, leaked_bytes, inner_name);
    return WR_OK;
}

wr_status wr_memory_allocator_create_debug(wr_memory_allocator *inner, wr_memory_allocator **out)
{
    if (!inner)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "inner is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    debug_state *state = calloc(1, sizeof *state);
    debug_entry *entries = calloc(64, sizeof *entries);
    wr_memory_allocator *handle = malloc(sizeof *handle);
    if (!state || !entries || !handle) {
        free(state);
        free(entries);
        free(handle);
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the debug allocator");
    }
    state->inner = inner;
    state->entries = entries;
    state->capacity = 64;
    static const wr_memory_allocator_ops ops = {debug_allocate, debug_deallocate, debug_release};
    char name[96];
    snprintf(name, sizeof name, "debug(%s)", inner->name);
    memory_allocator_init_embedded(handle, &ops, state, name);
    handle->kind = MEMORY_ALLOCATOR_KIND_DEBUG;
    *out = handle;
    return WR_OK;
}

wr_status wr_memory_allocator_debug_report(const wr_memory_allocator *allocator, size_t *live_blocks, size_t *live_bytes,
                                        size_t *problems)
{
    if (!allocator)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    if (allocator->kind != MEMORY_ALLOCATOR_KIND_DEBUG)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator '%s' is not a debug allocator", allocator->name);
    if (!live_blocks && !live_bytes && !problems)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "live_blocks, live_bytes and problems are all NULL");
    const debug_state *state = allocator->self;
    if (live_blocks)
        *live_blocks = (size_t)wr_memory_counter_live(&state->live);
    if (live_bytes)
        *live_bytes = state->live.bytes;
    if (problems)
        *problems = state->problems;
    return WR_OK;
}
