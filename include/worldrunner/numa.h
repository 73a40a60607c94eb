/* worldrunner/numa.h — machine topology, node-bound base allocators, per-worker arenas and page-placement queries.
 *
 * A thin, honest layer over hwloc (and the Linux move_pages/mbind calls):
 *  - wr_numa_topology: cores, NUMA nodes and the cores this process may use (its CPU binding: taskset, cgroups), read
 *    from the running system, from an hwloc synthetic description ("package:2 numa:1 core:4 pu:1") or from an hwloc
 *    XML file. On a synthetic or XML topology nothing can really be bound: pinning and memory binding are simulated,
 *    the decisions are still made and recorded, and every "applied" flag says false.
 *  - wr_numa_plan_workers(): the pure placement plan (worker -> core -> node, and the node its memory is bound to).
 *  - wr_numa_node_allocator: a thread-safe wr_memory_allocator that maps page-aligned chunks bound to one node (or
 *    interleaved, or left to first touch) and unmaps them on deallocate; it says whether binding really happened.
 *  - wr_numa_arena: a wr_memory_allocator that carves blocks out of large chunks of a source allocator; one arena per
 *    worker, used only by that worker's thread, so it does not lock.
 *  - numa_pages_*: which node holds each page of a range (move_pages with no target nodes).
 *
 * Names: numa_topology_*, numa_plan_*, numa_node_allocator_*, numa_arena_*, numa_pages_* (none clashes with libnuma).
 * Ownership: whoever creates an object destroys it; a topology must outlive the allocators created from it; an
 * arena never owns its source. Threads: a topology is read-only after creation (any thread); node allocators are
 * thread-safe; an arena is used by one thread at a time.
 */
#ifndef WORLDRUNNER_NUMA_H
#define WORLDRUNNER_NUMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worldrunner/memory_allocator.h"
#include "worldrunner/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest NUMA node OS index + 1 that per-node arrays in worldrunner statistics cover. */
#define WR_NUMA_MAX_NODES 64

/* ---------------------------------------------------------------------------------------------------------------
 * Topology
 * ------------------------------------------------------------------------------------------------------------- */

typedef struct wr_numa_topology wr_numa_topology;

/* Largest synthetic or XML topology accepted, in PUs (hardware threads); today's largest single-system machines
 * have fewer. A synthetic description asking for more (the product of its arities) is refused before hwloc builds
 * anything (hwloc's synthetic build grows faster than linearly: 16384 PUs take minutes); an XML topology with more
 * is refused once loaded (its file size bounds the loading). The running system is taken as it is. */
#define WR_NUMA_TOPOLOGY_MAX_PUS 4096

typedef enum wr_numa_topology_source {
    WR_NUMA_TOPOLOGY_SYSTEM = 0,    /* the running machine (honours HWLOC_SYNTHETIC / HWLOC_XMLFILE like any hwloc app) */
    WR_NUMA_TOPOLOGY_SYNTHETIC,     /* hwloc synthetic description, e.g. "package:2 numa:1 core:4 pu:1" */
    WR_NUMA_TOPOLOGY_XML            /* path of an hwloc XML file (lstopo --of xml) */
} wr_numa_topology_source;

typedef struct wr_numa_topology_info {
    wr_numa_topology_source source;
    bool is_this_system;         /* binding calls reach the kernel (false for synthetic/XML: binding is simulated) */
    bool can_pin_threads;        /* is_this_system and hwloc supports binding the calling thread */
    bool can_bind_memory;        /* is_this_system and hwloc supports binding a memory area to nodes */
    bool can_query_pages;        /* is_this_system and the kernel answers move_pages queries */
    bool libnuma_available;      /* numa_available() >= 0 (false without libnuma or without kernel NUMA support) */
    int node_count;              /* NUMA nodes (>= 1) */
    int core_count;              /* cores in the topology */
    int allowed_core_count;      /* cores this process may run on (its CPU binding) */
} wr_numa_topology_info;

typedef struct wr_numa_core_info {
    int index;                   /* 0 .. core_count-1, topology order */
    int cpu_os_index;            /* OS index of its first allowed PU (first PU if none is allowed) */
    int node;                    /* logical index of its NUMA node (0 .. node_count-1) */
    int node_os_index;           /* OS index of that node */
    int package;                 /* logical index of its package, -1 if unknown */
    bool allowed;                /* the process may run on it */
} wr_numa_core_info;

typedef struct wr_numa_node_info {
    int index;                   /* logical index */
    int os_index;                /* the kernel's node number (what move_pages reports) */
    uint64_t memory_bytes;       /* local memory; 0 if unknown */
    int core_count;              /* cores whose PUs belong to this node */
    int allowed_core_count;
} wr_numa_node_info;

typedef struct wr_numa_topology_config {
    wr_numa_topology_source source;
    const char *description;     /* synthetic description or XML path; ignored for SYSTEM */
} wr_numa_topology_config;

void wr_numa_topology_config_init(wr_numa_topology_config *config);
/* Load a topology; config NULL = the running system. A synthetic or XML topology of more than
 * WR_NUMA_TOPOLOGY_MAX_PUS PUs (also a synthetic one given through HWLOC_SYNTHETIC): WR_ERR_INVALID_ARGUMENT. */
wr_status wr_numa_topology_create(const wr_numa_topology_config *config, wr_numa_topology **out);
wr_status wr_numa_topology_destroy(wr_numa_topology *topology);
wr_status wr_numa_topology_get_info(const wr_numa_topology *topology, wr_numa_topology_info *out);
wr_status wr_numa_topology_core(const wr_numa_topology *topology, int core, wr_numa_core_info *out);
wr_status wr_numa_topology_node(const wr_numa_topology *topology, int node, wr_numa_node_info *out);
/* Logical node index of an OS node number, or -1. */
int wr_numa_topology_node_from_os_index(const wr_numa_topology *topology, int os_index);

/* How a pin or bind request ended. */
typedef enum wr_numa_binding {
    WR_NUMA_BINDING_APPLIED = 0,    /* the kernel accepted it */
    WR_NUMA_BINDING_SIMULATED,      /* synthetic/XML topology: recorded only */
    WR_NUMA_BINDING_UNSUPPORTED,    /* this system or build cannot bind */
    WR_NUMA_BINDING_REFUSED,        /* the kernel refused (container, cgroup, missing node) */
    WR_NUMA_BINDING_NONE            /* nothing was asked (unpinned worker, first-touch or heap memory) */
} wr_numa_binding;

const char *wr_numa_binding_name(wr_numa_binding binding);

/* Pin the calling thread to `core` (its allowed PUs). WR_OK with *result APPLIED or SIMULATED; WR_OK with
 * UNSUPPORTED or REFUSED too (the thread keeps running unpinned; callers report it). */
wr_status wr_numa_topology_pin_current_thread(const wr_numa_topology *topology, int core, wr_numa_binding *result);
/* Let the calling thread run on every allowed core again (undo a pin). */
wr_status wr_numa_topology_unpin_current_thread(const wr_numa_topology *topology);

/* ---------------------------------------------------------------------------------------------------------------
 * Placement plan (pure: depends only on the topology and the arguments; tested on synthetic topologies)
 * ------------------------------------------------------------------------------------------------------------- */

typedef enum wr_numa_placement {
    WR_NUMA_PLACEMENT_COMPACT = 0,  /* fill the allowed cores in topology order (node 0 first) */
    WR_NUMA_PLACEMENT_SCATTER,      /* round-robin over nodes: worker i on node i % nodes */
    WR_NUMA_PLACEMENT_NONE          /* no pinning; may oversubscribe (more workers than allowed cores) */
} wr_numa_placement;

typedef enum wr_numa_memory_policy {
    WR_NUMA_MEMORY_LOCAL = 0,       /* bound to the worker's node */
    WR_NUMA_MEMORY_INTERLEAVE,      /* pages interleaved over every node */
    WR_NUMA_MEMORY_FIRST_TOUCH,     /* no binding: the kernel places a page where it is first touched (by the worker) */
    WR_NUMA_MEMORY_REMOTE,          /* bound to another node than the worker's (experiments); local on one node */
    WR_NUMA_MEMORY_DEFAULT          /* the C heap, no arena */
} wr_numa_memory_policy;

const char *wr_numa_placement_name(wr_numa_placement placement);
const char *wr_numa_memory_policy_name(wr_numa_memory_policy policy);

typedef struct wr_numa_worker_plan {
    int core;                    /* topology core index the worker is placed on (nominal for NONE) */
    int cpu_os_index;            /* OS index of that core's first allowed PU */
    int node;                    /* logical node of that core */
    int node_os_index;
    bool pin;                    /* the worker is to be pinned (false for NONE) */
    int memory_node;             /* logical node its arena is bound to; -1 = interleave / first touch / heap */
    int memory_node_os_index;    /* OS index of memory_node, -1 likewise */
    bool remote_unavailable;     /* REMOTE was asked but there is one node: memory is local */
} wr_numa_worker_plan;

/* The worker count a request resolves to: `requested` (> 0), or every allowed core when 0. */
int wr_numa_plan_resolve_workers(const wr_numa_topology *topology, int requested);
/* Plan `workers` workers (>= 1). COMPACT/SCATTER with more workers than allowed cores: WR_ERR_INVALID_ARGUMENT.
 * NONE accepts any count (nominal cores wrap around). `plan` has room for `workers` entries. */
wr_status wr_numa_plan_workers(const wr_numa_topology *topology, wr_numa_placement placement, wr_numa_memory_policy policy,
                            int workers, wr_numa_worker_plan *plan);

/* ---------------------------------------------------------------------------------------------------------------
 * Node-bound base allocator (thread-safe; every allocate is an mmap and an mbind: cold path only)
 * ------------------------------------------------------------------------------------------------------------- */

typedef struct wr_numa_node_allocator wr_numa_node_allocator;

typedef enum wr_numa_bind_mode {
    WR_NUMA_BIND_NODE = 0,          /* bind every chunk to `node` (strict) */
    WR_NUMA_BIND_INTERLEAVE,        /* interleave every chunk over all nodes */
    WR_NUMA_BIND_FIRST_TOUCH        /* plain mapping, no policy */
} wr_numa_bind_mode;

typedef struct wr_numa_node_allocator_stats {
    wr_numa_bind_mode mode;
    int node;                    /* logical node for WR_NUMA_BIND_NODE, else -1 */
    int node_os_index;
    wr_numa_binding binding;        /* APPLIED only if every chunk so far was bound; SIMULATED on a synthetic topology */
    uint64_t requests;           /* allocate calls (each maps a chunk) */
    uint64_t releases;           /* deallocate calls */
    uint64_t bind_failures;      /* chunks that could not be bound (kept, unbound) */
    size_t bytes_mapped;         /* bytes mapped now (page-rounded) */
    size_t peak_bytes_mapped;
} wr_numa_node_allocator_stats;

wr_status wr_numa_node_allocator_create(const wr_numa_topology *topology, wr_numa_bind_mode mode, int node,
                                     wr_numa_node_allocator **out);
/* Refused with WR_ERR_BUSY while chunks are still mapped. */
wr_status wr_numa_node_allocator_destroy(wr_numa_node_allocator *allocator);
/* The allocator handle (name "numa-node-N", "numa-interleave" or "numa-first-touch"); belongs to the allocator. */
wr_memory_allocator *wr_numa_node_allocator_as_allocator(wr_numa_node_allocator *allocator);
wr_status wr_numa_node_allocator_get_stats(const wr_numa_node_allocator *allocator, wr_numa_node_allocator_stats *out);

/* ---------------------------------------------------------------------------------------------------------------
 * Arena: blocks carved from large chunks of a source allocator (one thread at a time, no lock)
 * ------------------------------------------------------------------------------------------------------------- */

typedef struct wr_numa_arena wr_numa_arena;

#define WR_NUMA_ARENA_DEFAULT_CHUNK_BYTES ((size_t)1 << 20)
#define WR_NUMA_ARENA_PAGE_BYTES 4096u

typedef struct wr_numa_arena_stats {
    size_t chunk_bytes;          /* size of the chunks taken from the source */
    size_t bytes_reserved;       /* held from the source (chunks + dedicated large blocks) */
    size_t bytes_in_use;         /* handed out (page-rounded) */
    size_t peak_bytes_in_use;
    size_t bytes_free;           /* reserved, not in use */
    uint64_t requests;           /* allocate calls */
    uint64_t source_requests;    /* allocate calls made to the source */
    size_t chunks;               /* chunks held */
    size_t dedicated_blocks;     /* blocks larger than half a chunk, taken from the source directly */
} wr_numa_arena_stats;

/* Arena over `source` (borrowed, must outlive the arena) taking chunks of `chunk_bytes` (0 = 1 MiB; a multiple of
 * WR_NUMA_ARENA_PAGE_BYTES). Blocks are page-rounded and page-aligned. */
wr_status wr_numa_arena_create(wr_memory_allocator *source, size_t chunk_bytes, wr_numa_arena **out);
/* Return every chunk to the source. WR_ERR_LEAK if blocks were still in use (still freed). */
wr_status wr_numa_arena_destroy(wr_numa_arena *arena);
/* The arena seen as a wr_memory_allocator (name "arena(<source>)"); belongs to the arena. */
wr_memory_allocator *wr_numa_arena_as_allocator(wr_numa_arena *arena);
wr_status wr_numa_arena_get_stats(const wr_numa_arena *arena, wr_numa_arena_stats *out);

/* ---------------------------------------------------------------------------------------------------------------
 * Page placement queries (syscalls: cold path)
 * ------------------------------------------------------------------------------------------------------------- */

/* Longest range a page query covers (1 TiB, 2^28 pages of 4 KiB: far more than any arena maps); a longer range, or
 * one that wraps past the end of the address space, is refused with WR_ERR_INVALID_ARGUMENT. */
#define WR_NUMA_PAGES_MAX_BYTES ((size_t)1 << 40)

/* Size of the pages the queries report on (the system page size). */
size_t wr_numa_pages_size(void);
/* For each page overlapping [addr, addr + bytes): the OS node holding it, or -1 if it is not backed yet (never
 * touched), or -2 if the kernel could not say. Fills at most `capacity` entries and sets *pages to the number of
 * pages of the range. WR_ERR_UNSUPPORTED if the kernel does not answer (no NUMA support). */
wr_status wr_numa_pages_query(const void *addr, size_t bytes, int *nodes, size_t capacity, size_t *pages);
/* Add the bytes of every page of the range to bytes_by_node[os node] (array of WR_NUMA_MAX_NODES entries) or, for
 * pages not backed yet (or unknown), to *unplaced_bytes. Does not clear the arrays first, so ranges can be summed. */
wr_status wr_numa_pages_count_by_node(const void *addr, size_t bytes, size_t bytes_by_node[WR_NUMA_MAX_NODES],
                                   size_t *unplaced_bytes);

#ifdef __cplusplus
}
#endif
#endif
