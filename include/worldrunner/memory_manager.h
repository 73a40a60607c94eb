/* worldrunner/memory_manager.h — the world-level memory manager of the seed.
 *
 * A wr_memory_manager composes a pool allocator (blocks up to WR_MEMORY_MANAGER_POOL_MAX bytes, size classes) and a
 * coalescing free-list allocator (anything larger), both drawing large chunks from one base allocator. It keeps
 * statistics per component tag and enforces an optional budget on the bytes it reserves from the base. Past the
 * budget an allocation returns WR_ERR_BUDGET, is counted, and the manager is unchanged.
 *
 * Ownership: the creator destroys the manager; the manager never destroys its base allocator. All chunks go back
 * to the base on destroy. Threads: one thread at a time (a world's manager belongs to the worker stepping it).
 */
#ifndef WORLDRUNNER_MEMORY_MANAGER_H
#define WORLDRUNNER_MEMORY_MANAGER_H

#include <stddef.h>
#include <stdint.h>

#include "worldrunner/free_list_allocator.h"
#include "worldrunner/memory_allocator.h"
#include "worldrunner/pool_allocator.h"
#include "worldrunner/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WR_MEMORY_MANAGER_POOL_MAX 1024u

typedef struct wr_memory_manager wr_memory_manager;

/* Who asked for memory; statistics are kept per tag. */
typedef enum wr_memory_tag {
    WR_MEMORY_TAG_WORLD = 0,
    WR_MEMORY_TAG_SKELETON,
    WR_MEMORY_TAG_COLLISION,
    WR_MEMORY_TAG_SOLVER,
    WR_MEMORY_TAG_USER,
    WR_MEMORY_TAG_COUNT
} wr_memory_tag;

typedef struct wr_memory_manager_config {
    wr_memory_allocator *base;      /* where chunks come from; NULL = the C heap (owned by the manager) */
    size_t budget_bytes;         /* 0 = no budget; else at most this many bytes reserved from the base */
    size_t pool_chunk_bytes;     /* bytes per pool chunk; 0 = 16 KiB */
    size_t free_list_chunk_bytes;/* minimum bytes per free-list chunk; 0 = 64 KiB */
} wr_memory_manager_config;

typedef struct wr_memory_tag_stats {
    size_t bytes_in_use;         /* requested bytes live under this tag */
    size_t peak_bytes;
    uint64_t allocations;
    uint64_t deallocations;
} wr_memory_tag_stats;

typedef struct wr_memory_manager_stats {
    size_t bytes_in_use;         /* requested bytes live, all tags */
    size_t peak_bytes_in_use;
    size_t bytes_reserved;       /* bytes held from the base allocator (chunks) */
    size_t peak_bytes_reserved;
    size_t chunks;               /* chunks held from the base allocator */
    uint64_t base_requests;      /* chunks obtained from the base since creation (pool and free list) */
    uint64_t allocations;
    uint64_t deallocations;
    uint64_t pool_allocations;   /* of which served by the pool */
    uint64_t budget_refusals;    /* allocations refused with WR_ERR_BUDGET */
    size_t budget_bytes;         /* 0 = none */
    wr_memory_tag_stats by_tag[WR_MEMORY_TAG_COUNT];
} wr_memory_manager_stats;

/* Called once per chunk held from the base allocator (for page-placement queries). */
typedef void (*wr_memory_manager_chunk_visitor)(const void *chunk, size_t bytes, void *context);

/* Fill `config` with the defaults (heap base, no budget, default chunk sizes). */
void wr_memory_manager_config_init(wr_memory_manager_config *config);
/* Create a manager; config NULL = defaults. */
wr_status wr_memory_manager_create(const wr_memory_manager_config *config, wr_memory_manager **out);
/* Return every chunk to the base and free the manager. WR_ERR_LEAK if blocks were still allocated (still freed). */
wr_status wr_memory_manager_destroy(wr_memory_manager *manager);

/* Allocate `bytes` (> 0) aligned to `alignment` (power of two <= 4096; 0 = 16) on behalf of `tag`. */
wr_status wr_memory_manager_allocate(wr_memory_manager *manager, size_t bytes, size_t alignment, wr_memory_tag tag, void **out);
/* Return a block with the size, alignment and tag it was allocated with. */
wr_status wr_memory_manager_deallocate(wr_memory_manager *manager, void *ptr, size_t bytes, size_t alignment, wr_memory_tag tag);

/* Set or clear (0) the budget. Refused with WR_ERR_BUDGET if already more than `budget_bytes` is reserved. */
wr_status wr_memory_manager_set_budget(wr_memory_manager *manager, size_t budget_bytes);
wr_status wr_memory_manager_get_stats(const wr_memory_manager *manager, wr_memory_manager_stats *out);
/* Statistics of the two parts (either pointer may be NULL, not both). */
wr_status wr_memory_manager_get_component_stats(const wr_memory_manager *manager, wr_pool_allocator_stats *pool,
                                             wr_free_list_allocator_stats *free_list);
/* Return completely free free-list chunks to the base (they are kept for reuse otherwise). Cold path. */
wr_status wr_memory_manager_trim(wr_memory_manager *manager);
/* Visit every chunk currently held from the base allocator. */
wr_status wr_memory_manager_visit_chunks(const wr_memory_manager *manager, wr_memory_manager_chunk_visitor visitor,
                                      void *context);
/* The base allocator (never NULL for a valid manager). */
wr_memory_allocator *wr_memory_manager_base(const wr_memory_manager *manager);
/* This manager seen as a wr_memory_allocator (tag WR_MEMORY_TAG_USER). The handle belongs to the manager. */
wr_memory_allocator *wr_memory_manager_as_allocator(wr_memory_manager *manager);
/* Short name of a tag ("world", "skeleton", ...). */
const char *wr_memory_tag_name(wr_memory_tag tag);

#ifdef __cplusplus
}
#endif
#endif
