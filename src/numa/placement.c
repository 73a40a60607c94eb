/* The placement plan: which core each worker runs on and which node its memory is bound to. Pure: it reads the
 * topology tables only, so tests check it on synthetic topologies where nothing can really be bound. */
#include <assert.h>
#include <stdlib.h>

#include "core/status_internal.h"
#include "numa/numa_internal.h"

const char *wr_numa_placement_name(wr_numa_placement placement)
{
    switch (placement) {
    case WR_NUMA_PLACEMENT_COMPACT: return "compact";
    case WR_NUMA_PLACEMENT_SCATTER: return "scatter";
    case WR_NUMA_PLACEMENT_NONE: return "none";
    }
    return "unknown";
}

const char *wr_numa_memory_policy_name(wr_numa_memory_policy policy)
{
    switch (policy) {
    case WR_NUMA_MEMORY_LOCAL: return "local";
    case WR_NUMA_MEMORY_INTERLEAVE: return "interleave";
    case WR_NUMA_MEMORY_FIRST_TOUCH: return "first-touch";
    case WR_NUMA_MEMORY_REMOTE: return "remote";
    case WR_NUMA_MEMORY_DEFAULT: return "default";
    }
    return "unknown";
}

int wr_numa_plan_resolve_workers(const wr_numa_topology *topology, int requested)
{
    if (!topology || requested < 0)
        return 0;
    if (requested > 0)
        return requested;
    return topology->info.allowed_core_count > 0 ? topology->info.allowed_core_count : 1;
}

/* The k-th allowed core in topology order, or -1. */
static int nth_allowed_core(const wr_numa_topology *t, int k)
{
    for (int i = 0; i < t->info.core_count; ++i) {
        if (t->cores[i].allowed && k-- == 0)
            return i;
    }
    return -1;
}

/* Scatter: worker i goes to node i % nodes (nodes with allowed cores only), on that node's next unused core; a
 * node that runs out passes its turn to the next one that still has cores. */
static bool plan_scatter(const wr_numa_topology *t, int workers, wr_numa_worker_plan *plan)
{
    bool *used = calloc((size_t)t->info.core_count, sizeof *used);
    if (!used)
        return false;
    int node = 0;
    for (int w = 0; w < workers; ++w) {
        int chosen = -1;
        for (int tries = 0; tries < t->info.node_count && chosen < 0; ++tries) {
            int n = (node + tries) % t->info.node_count;
            for (int i = 0; i < t->info.core_count && chosen < 0; ++i) {
                if (t->cores[i].allowed && t->cores[i].node == n && !used[i])
                    chosen = i;
            }
            if (chosen >= 0)
                node = n;
        }
        assert(chosen >= 0); /* workers <= allowed cores was checked */
        used[chosen] = true;
        plan[w].core = chosen;
        node = (node + 1) % t->info.node_count;
    }
    free(used);
    return true;
}

static void plan_memory(const wr_numa_topology *t, wr_numa_memory_policy policy, wr_numa_worker_plan *p)
{
    p->memory_node = -1;
    p->memory_node_os_index = -1;
    p->remote_unavailable = false;
    if (policy == WR_NUMA_MEMORY_LOCAL) {
        p->memory_node = p->node;
    } else if (policy == WR_NUMA_MEMORY_REMOTE) {
        p->remote_unavailable = t->info.node_count < 2;
        p->memory_node = (p->node + 1) % t->info.node_count;
    }
    if (p->memory_node >= 0)
        p->memory_node_os_index = t->nodes[p->memory_node].os_index;
}

wr_status wr_numa_plan_workers(const wr_numa_topology *topology, wr_numa_placement placement, wr_numa_memory_policy policy,
                            int workers, wr_numa_worker_plan *plan)
{
    if (!topology || !plan)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "topology or plan is NULL");
    if (workers < 1)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "workers must be >= 1 (got %d)", workers);
    if (placement < WR_NUMA_PLACEMENT_COMPACT || placement > WR_NUMA_PLACEMENT_NONE)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "unknown placement %d", (int)placement);
    if (policy < WR_NUMA_MEMORY_LOCAL || policy > WR_NUMA_MEMORY_DEFAULT)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "unknown memory policy %d", (int)policy);
    int allowed = topology->info.allowed_core_count;
    if (placement != WR_NUMA_PLACEMENT_NONE && workers > allowed)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT,
                       "%d pinned workers asked but this process may use only %d cores (placement %s); use fewer "
                       "workers or placement none",
                       workers, allowed, wr_numa_placement_name(placement));
    /* The cores go straight into the caller's plan (no scratch sized by `workers`: any count NONE accepts costs
     * nothing here); scatter's only scratch is one flag per core, taken before anything is written. */
    if (placement == WR_NUMA_PLACEMENT_SCATTER) {
        if (!plan_scatter(topology, workers, plan))
            return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "plan scratch");
    } else {
        for (int w = 0; w < workers; ++w)
            plan[w].core = allowed > 0 ? nth_allowed_core(topology, w % allowed) : w % topology->info.core_count;
    }
    for (int w = 0; w < workers; ++w) {
        wr_numa_worker_plan *p = &plan[w];
        const numa_core_entry *c = &topology->cores[p->core];
        p->cpu_os_index = c->cpu_os_index;
        p->node = c->node;
        p->node_os_index = topology->nodes[c->node].os_index;
        p->pin = placement != WR_NUMA_PLACEMENT_NONE;
        plan_memory(topology, policy, p);
    }
    return WR_OK;
}
