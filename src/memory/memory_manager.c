/* The memory manager: a pool for small blocks and a free list for the rest, over one base allocator, with
 * per-tag statistics and a budget on the bytes reserved from the base.
 *
 * The pool and the free list do not see the base directly: they draw chunks through `base_view`, a handle whose
 * allocate enforces the budget and tracks the peak, so a refused chunk leaves both untouched. What is held from
 * the base is what their two chunk lists hold. Routing is by size alone (<= WR_MEMORY_MANAGER_POOL_MAX bytes ->
 * pool), so deallocate needs no search. */
#include "memory/free_list_internal.h"
#include "memory/memory_counter.h"
#include "memory/pool_internal.h"
#include "worldrunner/memory_manager.h"

#include <stdlib.h>

struct wr_memory_manager {
    wr_pool_allocator pool;
    wr_free_list_allocator free_list;
    wr_memory_counter in_use;                      /* requested bytes, all tags */
    wr_memory_counter by_tag[WR_MEMORY_TAG_COUNT]; /* requested bytes per tag */
    uint64_t pool_allocations;
    uint64_t budget_refusals;
    size_t budget_bytes;
    size_t peak_bytes_reserved;                    /* joint peak of the two chunk lists, kept by base_view */
    wr_memory_allocator *base;
    int owns_base;
    wr_memory_allocator base_view;
    wr_memory_allocator handle;
};

_Static_assert(WR_MEMORY_MANAGER_POOL_MAX == WR_POOL_ALLOCATOR_MAX_BLOCK, "the manager routes to the pool what it serves");

static const char *const tag_names[WR_MEMORY_TAG_COUNT] = {"world", "skeleton", "collision", "solver", "user"};

const char *wr_memory_tag_name(wr_memory_tag tag)
{
    return (unsigned)tag < WR_MEMORY_TAG_COUNT ? tag_names[tag] : "(invalid tag)";
}

/* ------------------------------------------------------------------------------------------------------------ */
/* The base as the pool and free list see it: budget and chunk accounting                                        */
/* ------------------------------------------------------------------------------------------------------------ */

/* Bytes held from the base: what the pool's and the free list's chunk lists hold. */
static size_t bytes_reserved(const wr_memory_manager *m)
{
    return m->pool.chunks.bytes + m->free_list.chunks.bytes;
}

static wr_status base_view_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    wr_memory_manager *m = self;
    size_t reserved = bytes_reserved(m);
    if (m->budget_bytes && (bytes > m->budget_bytes || reserved > m->budget_bytes - bytes))
        return WR_FAIL(WR_ERR_BUDGET, "budget of %zu bytes: %zu reserved, a chunk of %zu more would pass it",
                       m->budget_bytes, reserved, bytes);
    wr_status status = memory_base_allocate(m->base, bytes, alignment, out);
    if (status != WR_OK)
        return status;
    if (reserved + bytes > m->peak_bytes_reserved)
        m->peak_bytes_reserved = reserved + bytes; /* the chunk list counts the chunk when this returns */
    return WR_OK;
}

static wr_status base_view_deallocate(void *self, void *ptr, size_t bytes)
{
    wr_memory_manager *m = self;
    return m->base->ops.deallocate(m->base->self, ptr, bytes);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Allocate and free                                                                                             */
/* ------------------------------------------------------------------------------------------------------------ */

static MEMORY_COLD wr_status allocate_refused(const wr_memory_manager *manager, size_t bytes, size_t alignment,
                                              wr_memory_tag tag, void **out)
{
    const char *function = "wr_memory_manager_allocate";
    if (!manager)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, function, "manager is NULL");
    if (!out)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, function, "out is NULL");
    if (!memory_request_ok(bytes, alignment))
        return memory_fail_request(function, bytes, alignment);
    return wr_fail(WR_ERR_INVALID_ARGUMENT, function, "tag %d is not a wr_memory_tag (0..%d)", (int)tag,
                   WR_MEMORY_TAG_COUNT - 1);
}

static MEMORY_COLD wr_status allocate_failed(wr_memory_manager *manager, wr_status status)
{
    if (status == WR_ERR_BUDGET)
        manager->budget_refusals++;
    return status;
}

wr_status wr_memory_manager_allocate(wr_memory_manager *manager, size_t bytes, size_t alignment, wr_memory_tag tag, void **out)
{
    if (alignment == 0)
        alignment = WR_MEMORY_ALLOCATOR_DEFAULT_ALIGNMENT;
    if (!manager || !out || !memory_request_ok(bytes, alignment) || (unsigned)tag >= WR_MEMORY_TAG_COUNT)
        return allocate_refused(manager, bytes, alignment, tag, out);
    int small = bytes <= WR_MEMORY_MANAGER_POOL_MAX;
    wr_status status = small ? pool_allocate_unchecked(&manager->pool, bytes, alignment, out)
                             : free_list_allocate_unchecked(&manager->free_list, bytes, alignment, out);
    if (status != WR_OK)
        return allocate_failed(manager, status);
    manager->pool_allocations += (uint64_t)small;
    wr_memory_counter_add(&manager->in_use, bytes);
    wr_memory_counter_add(&manager->by_tag[tag], bytes);
    return WR_OK;
}

static MEMORY_COLD wr_status deallocate_refused(const wr_memory_manager *manager, const void *ptr, size_t bytes,
                                                size_t alignment, wr_memory_tag tag)
{
    const char *function = "wr_memory_manager_deallocate";
    if (!manager)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, function, "manager is NULL");
    if (!ptr)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, function, "ptr is NULL");
    if (!memory_request_ok(bytes, alignment))
        return memory_fail_request(function, bytes, alignment);
    if ((unsigned)tag >= WR_MEMORY_TAG_COUNT)
        return wr_fail(WR_ERR_INVALID_ARGUMENT, function, "tag %d is not a wr_memory_tag (0..%d)", (int)tag,
                       WR_MEMORY_TAG_COUNT - 1);
    if (manager->by_tag[tag].bytes < bytes)
        return wr_fail(WR_ERR_CORRUPTION, function, "freeing %zu bytes under tag '%s', which has only %zu bytes in "
                       "use (wrong size or tag?)", bytes, tag_names[tag], manager->by_tag[tag].bytes);
    return wr_fail(WR_ERR_CORRUPTION, function, "%p is not 16-byte aligned, so not a block of this manager", ptr);
}

wr_status wr_memory_manager_deallocate(wr_memory_manager *manager, void *ptr, size_t bytes, size_t alignment, wr_memory_tag tag)
{
    if (alignment == 0)
        alignment = WR_MEMORY_ALLOCATOR_DEFAULT_ALIGNMENT;
    if (!manager || !ptr || !memory_request_ok(bytes, alignment) || (unsigned)tag >= WR_MEMORY_TAG_COUNT ||
        manager->by_tag[tag].bytes < bytes || ((uintptr_t)ptr & 15u))
        return deallocate_refused(manager, ptr, bytes, alignment, tag);
    if (bytes <= WR_MEMORY_MANAGER_POOL_MAX) {
        pool_deallocate_unchecked(&manager->pool, ptr, bytes);
    } else {
        wr_status status = free_list_deallocate_shedding(&manager->free_list, ptr, bytes);
        if (status != WR_OK)
            return status;
    }
    wr_memory_counter_remove(&manager->in_use, bytes);
    wr_memory_counter_remove(&manager->by_tag[tag], bytes);
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* As a wr_memory_allocator (tag user)                                                                              */
/* ------------------------------------------------------------------------------------------------------------ */

static wr_status op_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    return wr_memory_manager_allocate(self, bytes, alignment, WR_MEMORY_TAG_USER, out);
}

static wr_status op_deallocate(void *self, void *ptr, size_t bytes)
{
    return wr_memory_manager_deallocate(self, ptr, bytes, WR_MEMORY_ALLOCATOR_DEFAULT_ALIGNMENT, WR_MEMORY_TAG_USER);
}

wr_memory_allocator *wr_memory_manager_as_allocator(wr_memory_manager *manager)
{
    return manager ? &manager->handle : NULL;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Life cycle                                                                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

void wr_memory_manager_config_init(wr_memory_manager_config *config)
{
    if (config)
        *config = (wr_memory_manager_config){0};
}

static wr_status check_chunk_bytes(const char *name, size_t bytes)
{
    if (bytes != 0 && (bytes < 4096 || bytes > WR_MEMORY_ALLOCATOR_MAX_BYTES))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "config->%s %zu is outside 4096..%zu (or 0 for the default)", name,
                       bytes, (size_t)WR_MEMORY_ALLOCATOR_MAX_BYTES);
    return WR_OK;
}

wr_status wr_memory_manager_create(const wr_memory_manager_config *config, wr_memory_manager **out)
{
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_memory_manager_config defaults;
    wr_memory_manager_config_init(&defaults);
    if (!config)
        config = &defaults;
    wr_status status = check_chunk_bytes("pool_chunk_bytes", config->pool_chunk_bytes);
    if (status == WR_OK)
        status = check_chunk_bytes("free_list_chunk_bytes", config->free_list_chunk_bytes);
    if (status != WR_OK)
        return status;
    wr_memory_manager *m = calloc(1, sizeof *m);
    if (!m)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for a memory manager");
    m->base = config->base;
    if (!m->base) {
        status = wr_memory_allocator_create_heap(&m->base);
        if (status != WR_OK) {
            free(m);
            return status;
        }
        m->owns_base = 1;
    }
    m->budget_bytes = config->budget_bytes;
    static const wr_memory_allocator_ops view_ops = {base_view_allocate, base_view_deallocate, NULL};
    memory_allocator_init_embedded(&m->base_view, &view_ops, m, m->base->name);
    static const wr_memory_allocator_ops ops = {op_allocate, op_deallocate, NULL};
    memory_allocator_init_embedded(&m->handle, &ops, m, "memory-manager");
    pool_init(&m->pool, &m->base_view, config->pool_chunk_bytes);
    free_list_init(&m->free_list, &m->base_view, (size_t)memory_align_up(config->free_list_chunk_bytes, 16));
    *out = m;
    return WR_OK;
}

wr_status wr_memory_manager_destroy(wr_memory_manager *manager)
{
    if (!manager)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "manager is NULL");
    size_t live_bytes = manager->in_use.bytes;
    uint64_t live_blocks = wr_memory_counter_live(&manager->in_use);
    pool_release_chunks(&manager->pool);
    free_list_release_chunks(&manager->free_list);
    if (manager->owns_base)
        wr_memory_allocator_destroy(manager->base);
    free(manager);
    if (live_blocks)
        return WR_FAIL(WR_ERR_LEAK, "%llu blocks (%zu bytes) were still allocated; all chunks were returned",
                       (unsigned long long)live_blocks, live_bytes);
    return WR_OK;
}

wr_status wr_memory_manager_set_budget(wr_memory_manager *manager, size_t budget_bytes)
{
    if (!manager)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "manager is NULL");
    if (budget_bytes && bytes_reserved(manager) > budget_bytes)
        return WR_FAIL(WR_ERR_BUDGET, "%zu bytes are already reserved, more than the budget of %zu",
                       bytes_reserved(manager), budget_bytes);
    manager->budget_bytes = budget_bytes;
    return WR_OK;
}

wr_status wr_memory_manager_trim(wr_memory_manager *manager)
{
    if (!manager)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "manager is NULL");
    return wr_free_list_allocator_trim(&manager->free_list);
}

wr_status wr_memory_manager_get_stats(const wr_memory_manager *manager, wr_memory_manager_stats *out)
{
    if (!manager)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "manager is NULL");
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    *out = (wr_memory_manager_stats){0};
    const wr_memory_chunk_list *pool = &manager->pool.chunks, *free_list = &manager->free_list.chunks;
    out->bytes_in_use = manager->in_use.bytes;
    out->peak_bytes_in_use = manager->in_use.peak_bytes;
    out->bytes_reserved = bytes_reserved(manager);
    out->peak_bytes_reserved = manager->peak_bytes_reserved;
    out->chunks = pool->count + free_list->count;
    out->base_requests = pool->taken + free_list->taken;
    out->allocations = manager->in_use.allocations;
    out->deallocations = manager->in_use.deallocations;
    out->pool_allocations = manager->pool_allocations;
    out->budget_refusals = manager->budget_refusals;
    out->budget_bytes = manager->budget_bytes;
    for (unsigned t = 0; t < WR_MEMORY_TAG_COUNT; ++t) {
        const wr_memory_counter *c = &manager->by_tag[t];
        out->by_tag[t] = (wr_memory_tag_stats){.bytes_in_use = c->bytes, .peak_bytes = c->peak_bytes,
                                               .allocations = c->allocations, .deallocations = c->deallocations};
    }
    return WR_OK;
}

wr_status wr_memory_manager_get_component_stats(const wr_memory_manager *manager, wr_pool_allocator_stats *pool,
                                             wr_free_list_allocator_stats *free_list)
{
    if (!manager)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "manager is NULL");
    if (!pool && !free_list)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "pool and free_list are both NULL");
    if (pool)
        wr_pool_allocator_get_stats(&manager->pool, pool);
    if (free_list)
        wr_free_list_allocator_get_stats(&manager->free_list, free_list);
    return WR_OK;
}

wr_status wr_memory_manager_visit_chunks(const wr_memory_manager *manager, wr_memory_manager_chunk_visitor visitor,
                                      void *context)
{
    if (!manager)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "manager is NULL");
    if (!visitor)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "visitor is NULL");
    wr_pool_allocator_visit_chunks(&manager->pool, visitor, context);
    wr_free_list_allocator_visit_chunks(&manager->free_list, visitor, context);
    return WR_OK;
}

wr_memory_allocator *wr_memory_manager_base(const wr_memory_manager *manager)
{
    return manager ? manager->base : NULL;
}
