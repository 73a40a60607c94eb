/* Node-bound base allocator: every chunk is its own anonymous mapping, bound with mbind (through hwloc) to one
 * node, interleaved, or left to first touch. Thread-safe (no shared state but atomic counters). Each allocate is a
 * syscall pair, so it is meant for large chunks on the cold path (arenas take 1 MiB at a time). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/status_internal.h"
#include "numa/numa_internal.h"

struct wr_numa_node_allocator {
    const wr_numa_topology *topology;
    wr_numa_bind_mode mode;
    int node;
    wr_numa_binding planned;        /* what binding each chunk attempts: APPLIED, SIMULATED, UNSUPPORTED or NONE */
    wr_memory_allocator *handle;
    _Atomic uint64_t requests;
    _Atomic uint64_t releases;
    _Atomic uint64_t bind_failures;
    _Atomic size_t bytes_mapped;
    _Atomic size_t peak_bytes_mapped;
};

static size_t page_round(size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (bytes + page - 1) / page * page;
}

/* Bind [p, p + len) as the mode says; false if the kernel refused. */
static bool bind_area(const wr_numa_node_allocator *a, void *p, size_t len)
{
#ifdef WR_HAVE_HWLOC
    const wr_numa_topology *t = a->topology;
    hwloc_const_bitmap_t set = a->mode == WR_NUMA_BIND_NODE ? t->node_sets[a->node] : t->all_nodes;
    hwloc_membind_policy_t policy = a->mode == WR_NUMA_BIND_NODE ? HWLOC_MEMBIND_BIND : HWLOC_MEMBIND_INTERLEAVE;
    return hwloc_set_area_membind(t->hw, p, len, set, policy, HWLOC_MEMBIND_STRICT | HWLOC_MEMBIND_BYNODESET) == 0;
#else
    (void)a;
    (void)p;
    (void)len;
    return false;
#endif
}

static wr_status node_allocate(void *self, size_t bytes, size_t alignment, void **out)
{
    wr_numa_node_allocator *a = self;
    (void)alignment; /* mappings are page-aligned, the largest alignment any allocator accepts */
    size_t len = page_round(bytes);
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "mmap of %zu bytes failed (errno %d)", len, errno);
    if (a->planned == WR_NUMA_BINDING_APPLIED && !bind_area(a, p, len))
        atomic_fetch_add(&a->bind_failures, 1);
    atomic_fetch_add(&a->requests, 1);
    size_t now = atomic_fetch_add(&a->bytes_mapped, len) + len;
    size_t peak = atomic_load(&a->peak_bytes_mapped);
    while (now > peak && !atomic_compare_exchange_weak(&a->peak_bytes_mapped, &peak, now)) {
    }
    *out = p;
    return WR_OK;
}

static wr_status node_deallocate(void *self, void *ptr, size_t bytes)
{
    wr_numa_node_allocator *a = self;
    size_t len = page_round(bytes);
    if (munmap(ptr, len) != 0)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "munmap(%p, %zu) failed (errno %d)", ptr, len, errno);
    atomic_fetch_add(&a->releases, 1);
    atomic_fetch_sub(&a->bytes_mapped, len);
    return WR_OK;
}

static wr_numa_binding planned_binding(const wr_numa_topology *t, wr_numa_bind_mode mode)
{
    if (mode == WR_NUMA_BIND_FIRST_TOUCH)
        return WR_NUMA_BINDING_NONE;
    if (!t->info.is_this_system)
        return WR_NUMA_BINDING_SIMULATED;
    return t->info.can_bind_memory ? WR_NUMA_BINDING_APPLIED : WR_NUMA_BINDING_UNSUPPORTED;
}

wr_status wr_numa_node_allocator_create(const wr_numa_topology *topology, wr_numa_bind_mode mode, int node,
                                     wr_numa_node_allocator **out)
{
    if (!topology || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "topology or out is NULL");
    if (mode < WR_NUMA_BIND_NODE || mode > WR_NUMA_BIND_FIRST_TOUCH)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "unknown bind mode %d", (int)mode);
    if (mode == WR_NUMA_BIND_NODE && (node < 0 || node >= topology->info.node_count))
        return WR_FAIL(WR_ERR_NOT_FOUND, "node %d not in 0..%d", node, topology->info.node_count - 1);
    wr_numa_node_allocator *a = calloc(1, sizeof *a);
    if (!a)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "node allocator");
    a->topology = topology;
    a->mode = mode;
    a->node = mode == WR_NUMA_BIND_NODE ? node : -1;
    a->planned = planned_binding(topology, mode);
    char name[64];
    if (mode == WR_NUMA_BIND_NODE)
        snprintf(name, sizeof name, "numa-node-%d", topology->nodes[node].os_index);
    else
        snprintf(name, sizeof name, "%s", mode == WR_NUMA_BIND_INTERLEAVE ? "numa-interleave" : "numa-first-touch");
    static const wr_memory_allocator_ops ops = {.allocate = node_allocate, .deallocate = node_deallocate};
    wr_status s = wr_memory_allocator_create_custom(&ops, a, name, &a->handle);
    if (s != WR_OK) {
        free(a);
        return s;
    }
    *out = a;
    return WR_OK;
}

wr_status wr_numa_node_allocator_destroy(wr_numa_node_allocator *allocator)
{
    if (!allocator)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator is NULL");
    if (atomic_load(&allocator->bytes_mapped) != 0)
        return WR_FAIL(WR_ERR_BUSY, "%zu bytes are still mapped", atomic_load(&allocator->bytes_mapped));
    wr_memory_allocator_destroy(allocator->handle);
    free(allocator);
    return WR_OK;
}

wr_memory_allocator *wr_numa_node_allocator_as_allocator(wr_numa_node_allocator *allocator)
{
    return allocator ? allocator->handle : NULL;
}

wr_status wr_numa_node_allocator_get_stats(const wr_numa_node_allocator *allocator, wr_numa_node_allocator_stats *out)
{
    if (!allocator || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "allocator or out is NULL");
    wr_numa_node_allocator *a = (wr_numa_node_allocator *)allocator; /* atomics are read through a non-const lvalue */
    wr_numa_node_allocator_stats s = {.mode = a->mode, .node = a->node, .node_os_index = -1};
    if (a->node >= 0)
        s.node_os_index = a->topology->nodes[a->node].os_index;
    s.requests = atomic_load(&a->requests);
    s.releases = atomic_load(&a->releases);
    s.bind_failures = atomic_load(&a->bind_failures);
    s.bytes_mapped = atomic_load(&a->bytes_mapped);
    s.peak_bytes_mapped = atomic_load(&a->peak_bytes_mapped);
    s.binding = a->planned;
    if (a->planned == WR_NUMA_BINDING_APPLIED && s.bind_failures > 0)
        s.binding = WR_NUMA_BINDING_REFUSED;
    *out = s;
    return WR_OK;
}
