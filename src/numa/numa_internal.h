/* Internal view of a wr_numa_topology: a plain copy of what the placement plan needs (cores, nodes, allowed flags),
 * plus the hwloc handle the apply layer (pinning, binding) uses. */
#ifndef WR_NUMA_INTERNAL_H
#define WR_NUMA_INTERNAL_H

#include <stdbool.h>

#include "worldrunner/numa.h"

#ifdef WR_HAVE_HWLOC
#include <hwloc.h>
#endif

typedef struct numa_core_entry {
    int cpu_os_index;
    int node;
    int package;
    bool allowed;
} numa_core_entry;

typedef struct numa_node_entry {
    int os_index;
    uint64_t memory_bytes;
} numa_node_entry;

struct wr_numa_topology {
    wr_numa_topology_info info;
    numa_core_entry *cores;      /* info.core_count */
    numa_node_entry *nodes;      /* info.node_count */
#ifdef WR_HAVE_HWLOC
    hwloc_topology_t hw;
    hwloc_bitmap_t *core_sets;   /* per core: its allowed PUs (all its PUs if none allowed) */
    hwloc_bitmap_t allowed_set;  /* every allowed PU */
    hwloc_bitmap_t *node_sets;   /* per node: nodeset with that node only */
    hwloc_bitmap_t all_nodes;    /* every node with memory */
#endif
};

#endif
