/* Topology discovery (hwloc) and thread pinning: the "apply" half of placement. Without hwloc the topology is one
 * node holding the CPUs of the process's affinity mask. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "core/status_internal.h"
#include "numa/numa_internal.h"

#ifdef WR_HAVE_NUMA
#include <numa.h>
#endif

/* ---- names ------------------------------------------------------------------------------------------------- */

const char *wr_numa_binding_name(wr_numa_binding binding)
{
    switch (binding) {
    case WR_NUMA_BINDING_APPLIED: return "applied";
    case WR_NUMA_BINDING_SIMULATED: return "simulated";
    case WR_NUMA_BINDING_UNSUPPORTED: return "unsupported";
    case WR_NUMA_BINDING_REFUSED: return "refused";
    case WR_NUMA_BINDING_NONE: return "none";
    }
    return "unknown";
}

void wr_numa_topology_config_init(wr_numa_topology_config *config)
{
    if (!config)
        return;
    config->source = WR_NUMA_TOPOLOGY_SYSTEM;
    config->description = NULL;
}

static bool libnuma_available(void)
{
#ifdef WR_HAVE_NUMA
    return numa_available() >= 0;
#else
    return false;
#endif
}

/* ---- building from hwloc ------------------------------------------------------------------------------------ */

#ifdef WR_HAVE_HWLOC

static void release_hw(wr_numa_topology *t)
{
    if (t->core_sets) {
        for (int i = 0; i < t->info.core_count; ++i)
            hwloc_bitmap_free(t->core_sets[i]);
    }
    if (t->node_sets) {
        for (int i = 0; i < t->info.node_count; ++i)
            hwloc_bitmap_free(t->node_sets[i]);
    }
    free(t->core_sets);
    free(t->node_sets);
    hwloc_bitmap_free(t->allowed_set);
    hwloc_bitmap_free(t->all_nodes);
    if (t->hw)
        hwloc_topology_destroy(t->hw);
}

static wr_status load_hw(wr_numa_topology *t, const wr_numa_topology_config *config)
{
    if (hwloc_topology_init(&t->hw) != 0) {
        t->hw = NULL;
        return WR_FAIL(WR_ERR_SYSTEM, "hwloc_topology_init failed");
    }
    hwloc_topology_set_io_types_filter(t->hw, HWLOC_TYPE_FILTER_KEEP_NONE);
    if (config->source == WR_NUMA_TOPOLOGY_SYNTHETIC && hwloc_topology_set_synthetic(t->hw, config->description) != 0)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "invalid synthetic topology \"%s\"", config->description);
    if (config->source == WR_NUMA_TOPOLOGY_XML && hwloc_topology_set_xml(t->hw, config->description) != 0)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "cannot read topology XML \"%s\"", config->description);
    if (hwloc_topology_load(t->hw) != 0)
        return WR_FAIL(WR_ERR_SYSTEM, "hwloc_topology_load failed");
    return WR_OK;
}

/* The PUs this process may use: the topology's allowed set, narrowed by the thread's affinity on a real system. */
static void compute_allowed(wr_numa_topology *t)
{
    t->allowed_set = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(t->hw));
    if (!t->info.is_this_system)
        return;
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof mask, &mask) != 0)
        return;
    hwloc_bitmap_t affinity = hwloc_bitmap_alloc();
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &mask))
            hwloc_bitmap_set(affinity, (unsigned)cpu);
    }
    hwloc_bitmap_and(t->allowed_set, t->allowed_set, affinity);
    hwloc_bitmap_free(affinity);
}

static wr_status fill_from_hw(wr_numa_topology *t)
{
    hwloc_topology_t hw = t->hw;
    int nodes = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_NUMANODE);
    hwloc_obj_type_t core_type = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
    int cores = hwloc_get_nbobjs_by_type(hw, core_type);
    if (nodes < 1 || cores < 1)
        return WR_FAIL(WR_ERR_UNSUPPORTED, "topology has %d NUMA nodes and %d cores", nodes, cores);
    int pus = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_PU);
    if (t->info.source == WR_NUMA_TOPOLOGY_XML && pus > WR_NUMA_TOPOLOGY_MAX_PUS)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "the XML topology has %d PUs, more than supported (at most %d)", pus,
                       WR_NUMA_TOPOLOGY_MAX_PUS);
    t->nodes = calloc((size_t)nodes, sizeof *t->nodes);
    t->node_sets = calloc((size_t)nodes, sizeof *t->node_sets);
    t->cores = calloc((size_t)cores, sizeof *t->cores);
    t->core_sets = calloc((size_t)cores, sizeof *t->core_sets);
    t->all_nodes = hwloc_bitmap_alloc();
    if (!t->nodes || !t->node_sets || !t->cores || !t->core_sets || !t->all_nodes)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "topology tables");
    t->info.node_count = nodes;
    t->info.core_count = cores;
    for (int i = 0; i < nodes; ++i) {
        hwloc_obj_t node = hwloc_get_obj_by_type(hw, HWLOC_OBJ_NUMANODE, (unsigned)i);
        t->nodes[i].os_index = (int)node->os_index;
        t->nodes[i].memory_bytes = node->attr ? node->attr->numanode.local_memory : 0;
        t->node_sets[i] = hwloc_bitmap_alloc();
        hwloc_bitmap_only(t->node_sets[i], node->os_index);
        hwloc_bitmap_set(t->all_nodes, node->os_index);
    }
    for (int i = 0; i < cores; ++i) {
        hwloc_obj_t core = hwloc_get_obj_by_type(hw, core_type, (unsigned)i);
        numa_core_entry *c = &t->cores[i];
        t->core_sets[i] = hwloc_bitmap_alloc();
        hwloc_bitmap_and(t->core_sets[i], core->cpuset, t->allowed_set);
        c->allowed = !hwloc_bitmap_iszero(t->core_sets[i]);
        if (!c->allowed)
            hwloc_bitmap_copy(t->core_sets[i], core->cpuset);
        c->cpu_os_index = hwloc_bitmap_first(t->core_sets[i]);
        hwloc_obj_t package = hwloc_get_ancestor_obj_by_type(hw, HWLOC_OBJ_PACKAGE, core);
        c->package = package ? (int)package->logical_index : -1;
        c->node = 0;
        for (int n = 0; n < nodes; ++n) {
            hwloc_obj_t node = hwloc_get_obj_by_type(hw, HWLOC_OBJ_NUMANODE, (unsigned)n);
            if (hwloc_bitmap_isincluded(core->cpuset, node->cpuset)) {
                c->node = n;
                break;
            }
        }
        if (c->allowed)
            t->info.allowed_core_count++;
    }
    return WR_OK;
}

static wr_status build(wr_numa_topology *t, const wr_numa_topology_config *config)
{
    wr_status s = load_hw(t, config);
    if (s != WR_OK)
        return s;
    const struct hwloc_topology_support *support = hwloc_topology_get_support(t->hw);
    t->info.is_this_system = hwloc_topology_is_thissystem(t->hw) != 0;
    t->info.can_pin_threads = t->info.is_this_system && support->cpubind->set_thisthread_cpubind;
    t->info.can_bind_memory = t->info.is_this_system && support->membind->set_area_membind &&
                              support->membind->bind_membind;
    compute_allowed(t);
    return fill_from_hw(t);
}

#else /* no hwloc: one node, the CPUs of the affinity mask */

static void release_hw(wr_numa_topology *t) { (void)t; }

static bool affinity_allows(const cpu_set_t *set, int cpu)
{
    return cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, set);
}

static wr_status build(wr_numa_topology *t, const wr_numa_topology_config *config)
{
    if (config->source != WR_NUMA_TOPOLOGY_SYSTEM)
        return WR_FAIL(WR_ERR_UNSUPPORTED, "synthetic and XML topologies need hwloc (not in this build)");
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof mask, &mask) != 0)
        return WR_FAIL(WR_ERR_SYSTEM, "sched_getaffinity failed");
    int count = CPU_COUNT(&mask);
    t->cores = calloc((size_t)count, sizeof *t->cores);
    t->nodes = calloc(1, sizeof *t->nodes);
    if (!t->cores || !t->nodes)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "topology tables");
    int i = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && i < count; ++cpu) {
        if (affinity_allows(&mask, cpu))
            t->cores[i++] = (numa_core_entry){.cpu_os_index = cpu, .node = 0, .package = -1, .allowed = true};
    }
    t->info.is_this_system = true;
    t->info.can_pin_threads = true;
    t->info.node_count = 1;
    t->info.core_count = count;
    t->info.allowed_core_count = count;
    return WR_OK;
}

#endif

/* ---- size bound ---------------------------------------------------------------------------------------------- */

/* hwloc builds every object of a synthetic description, so "package:100000 core:100000 pu:1" would take hours:
 * the product of the arities (the PU count) is checked first. Memory children in brackets ("[numa]") hang one
 * object per parent and attributes in parentheses ("(memory=1GB)") count nothing; a level is "type:N" or "N".
 * Whatever else the description holds is left for hwloc to judge. Saturates instead of overflowing. */
static uint64_t synthetic_pu_count(const char *d)
{
    const uint64_t cap = (uint64_t)WR_NUMA_TOPOLOGY_MAX_PUS + 1;
    uint64_t pus = 1;
    int round = 0, square = 0;
    for (const char *p = d; *p; ++p) {
        char c = *p;
        round += c == '(' ? 1 : (c == ')' && round > 0 ? -1 : 0);
        square += c == '[' ? 1 : (c == ']' && square > 0 ? -1 : 0);
        bool starts_arity = (c == ':' && p[1] >= '0' && p[1] <= '9') ||
                            (c >= '0' && c <= '9' && (p == d || p[-1] == ' ' || p[-1] == '\t'));
        if (round || square || c == '[' || c == '(' || !starts_arity)
            continue;
        if (c == ':')
            ++p;
        uint64_t arity = 0;
        for (; *p >= '0' && *p <= '9'; ++p)
            arity = arity >= cap ? cap : arity * 10 + (uint64_t)(*p - '0');
        pus = arity && pus > cap / arity ? cap : pus * arity;
        if (pus > cap)
            pus = cap;
        --p;
    }
    return pus;
}

static wr_status check_synthetic_size(const char *description, const char *origin)
{
    if (synthetic_pu_count(description) > WR_NUMA_TOPOLOGY_MAX_PUS)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT,
                       "%s synthetic topology \"%.80s\" has more PUs than supported (at most %d)", origin,
                       description, WR_NUMA_TOPOLOGY_MAX_PUS);
    return WR_OK;
}

static wr_status check_size(const wr_numa_topology_config *config)
{
    if (config->source == WR_NUMA_TOPOLOGY_SYNTHETIC)
        return check_synthetic_size(config->description, "the");
    const char *env = getenv("HWLOC_SYNTHETIC"); /* hwloc reads it for a system topology */
    if (config->source == WR_NUMA_TOPOLOGY_SYSTEM && env && env[0])
        return check_synthetic_size(env, "HWLOC_SYNTHETIC's");
    return WR_OK;
}

/* move_pages answers for a page we own only on a NUMA kernel. */
static bool kernel_answers_page_queries(void)
{
    int probe = 0;
    int node = -3;
    size_t pages = 0;
    return wr_numa_pages_query(&probe, sizeof probe, &node, 1, &pages) == WR_OK && node >= 0;
}

wr_status wr_numa_topology_create(const wr_numa_topology_config *config, wr_numa_topology **out)
{
    if (!out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "out is NULL");
    wr_numa_topology_config defaults;
    wr_numa_topology_config_init(&defaults);
    if (!config)
        config = &defaults;
    if (config->source != WR_NUMA_TOPOLOGY_SYSTEM && config->source != WR_NUMA_TOPOLOGY_SYNTHETIC &&
        config->source != WR_NUMA_TOPOLOGY_XML)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "unknown topology source %d", (int)config->source);
    if (config->source != WR_NUMA_TOPOLOGY_SYSTEM && (!config->description || !config->description[0]))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "synthetic/XML topology needs a description");
    wr_status s = check_size(config);
    if (s != WR_OK)
        return s;
    wr_numa_topology *t = calloc(1, sizeof *t);
    if (!t)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "topology");
    t->info.source = config->source;
    s = build(t, config);
    if (s != WR_OK) {
        release_hw(t);
        free(t->cores);
        free(t->nodes);
        free(t);
        return s;
    }
    t->info.libnuma_available = libnuma_available();
    t->info.can_query_pages = t->info.is_this_system && kernel_answers_page_queries();
    *out = t;
    return WR_OK;
}

wr_status wr_numa_topology_destroy(wr_numa_topology *topology)
{
    if (!topology)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "topology is NULL");
    release_hw(topology);
    free(topology->cores);
    free(topology->nodes);
    free(topology);
    return WR_OK;
}

wr_status wr_numa_topology_get_info(const wr_numa_topology *topology, wr_numa_topology_info *out)
{
    if (!topology || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "topology or out is NULL");
    *out = topology->info;
    return WR_OK;
}

wr_status wr_numa_topology_core(const wr_numa_topology *topology, int core, wr_numa_core_info *out)
{
    if (!topology || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "topology or out is NULL");
    if (core < 0 || core >= topology->info.core_count)
        return WR_FAIL(WR_ERR_NOT_FOUND, "core %d not in 0..%d", core, topology->info.core_count - 1);
    const numa_core_entry *c = &topology->cores[core];
    *out = (wr_numa_core_info){.index = core, .cpu_os_index = c->cpu_os_index, .node = c->node,
                            .node_os_index = topology->nodes[c->node].os_index, .package = c->package,
                            .allowed = c->allowed};
    return WR_OK;
}

wr_status wr_numa_topology_node(const wr_numa_topology *topology, int node, wr_numa_node_info *out)
{
    if (!topology || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "topology or out is NULL");
    if (node < 0 || node >= topology->info.node_count)
        return WR_FAIL(WR_ERR_NOT_FOUND, "node %d not in 0..%d", node, topology->info.node_count - 1);
    wr_numa_node_info info = {.index = node, .os_index = topology->nodes[node].os_index,
                           .memory_bytes = topology->nodes[node].memory_bytes};
    for (int i = 0; i < topology->info.core_count; ++i) {
        if (topology->cores[i].node != node)
            continue;
        info.core_count++;
        info.allowed_core_count += topology->cores[i].allowed ? 1 : 0;
    }
    *out = info;
    return WR_OK;
}

int wr_numa_topology_node_from_os_index(const wr_numa_topology *topology, int os_index)
{
    if (!topology)
        return -1;
    for (int i = 0; i < topology->info.node_count; ++i) {
        if (topology->nodes[i].os_index == os_index)
            return i;
    }
    return -1;
}

/* ---- pinning ------------------------------------------------------------------------------------------------ */

wr_status wr_numa_topology_pin_current_thread(const wr_numa_topology *topology, int core, wr_numa_binding *result)
{
    if (!topology || !result)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "topology or result is NULL");
    if (core < 0 || core >= topology->info.core_count)
        return WR_FAIL(WR_ERR_NOT_FOUND, "core %d not in 0..%d", core, topology->info.core_count - 1);
    if (!topology->info.is_this_system) {
        *result = WR_NUMA_BINDING_SIMULATED;
        return WR_OK;
    }
    if (!topology->info.can_pin_threads || !topology->cores[core].allowed) {
        *result = topology->info.can_pin_threads ? WR_NUMA_BINDING_REFUSED : WR_NUMA_BINDING_UNSUPPORTED;
        return WR_OK;
    }
#ifdef WR_HAVE_HWLOC
    int rc = hwloc_set_cpubind(topology->hw, topology->core_sets[core], HWLOC_CPUBIND_THREAD);
#else
    cpu_set_t mask;
    CPU_ZERO(&mask);
    CPU_SET(topology->cores[core].cpu_os_index, &mask);
    int rc = sched_setaffinity(0, sizeof mask, &mask);
#endif
    *result = rc == 0 ? WR_NUMA_BINDING_APPLIED : WR_NUMA_BINDING_REFUSED;
    return WR_OK;
}

wr_status wr_numa_topology_unpin_current_thread(const wr_numa_topology *topology)
{
    if (!topology)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "topology is NULL");
    if (!topology->info.is_this_system || !topology->info.can_pin_threads)
        return WR_OK;
#ifdef WR_HAVE_HWLOC
    int rc = hwloc_set_cpubind(topology->hw, topology->allowed_set, HWLOC_CPUBIND_THREAD);
#else
    cpu_set_t mask;
    CPU_ZERO(&mask);
    for (int i = 0; i < topology->info.core_count; ++i)
        CPU_SET(topology->cores[i].cpu_os_index, &mask);
    int rc = sched_setaffinity(0, sizeof mask, &mask);
#endif
    return rc == 0 ? WR_OK : WR_FAIL(WR_ERR_SYSTEM, "cannot reset the thread's CPU binding");
}
