/* wr_world_runner statistics: per world, per worker, and for the runner. Read between steps only (the workers write
 * these counters during a step), so every call here returns WR_ERR_BUSY while a step runs. */
#include <stdio.h>
#include <string.h>

#include "core/status_internal.h"
#include "runner/runner_internal.h"

static wr_status check_idle(const wr_world_runner *r)
{
    if (atomic_load(&((wr_world_runner *)r)->state) == RUNNER_STEPPING)
        return WR_FAIL(WR_ERR_BUSY, "a step is running: statistics are read between steps");
    return WR_OK;
}

static const runner_entry *lookup(const wr_world_runner *r, const wr_world *w, const runner_worker **worker)
{
    for (int k = 0; k < r->worker_count; ++k) {
        const runner_worker *wk = &r->workers[k];
        for (size_t i = 0; i < wk->count; ++i) {
            if (wk->entries[i].w == w) {
                *worker = wk;
                return &wk->entries[i];
            }
        }
    }
    return NULL;
}

wr_status wr_world_runner_world_info_get(const wr_world_runner *runner, const wr_world *w, wr_world_runner_world_info *out)
{
    if (!runner || !w || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner, world or out is NULL");
    wr_status s = check_idle(runner);
    if (s != WR_OK)
        return s;
    const runner_worker *wk = NULL;
    const runner_entry *e = lookup(runner, w, &wk);
    if (!e)
        return WR_FAIL(WR_ERR_NOT_FOUND, "world %p does not belong to this runner", (const void *)w);
    *out = (wr_world_runner_world_info){
        .worker = wk->index,
        .core = wk->plan.core,
        .cpu_os_index = wk->plan.cpu_os_index,
        .node_os_index = wk->plan.node_os_index,
        .memory_node_os_index = wk->arena ? wk->plan.memory_node_os_index : -1,
        .cost = e->cost,
        .last_status = e->last_status,
        .last_steps_done = e->last_steps_done,
        .steps = e->steps,
        .step_ns = e->step_ns,
        .last_step_ns = e->last_step_ns,
        .steps_per_second = e->step_ns ? (double)e->steps * 1e9 / (double)e->step_ns : 0.0,
        .memory = e->memory,
    };
    return WR_OK;
}

typedef struct chunk_count {
    size_t *bytes_by_node;
    size_t *unplaced;
    wr_status status;
} chunk_count;

static void count_chunk(const void *chunk, size_t bytes, void *context)
{
    chunk_count *c = context;
    if (c->status == WR_OK)
        c->status = wr_numa_pages_count_by_node(chunk, bytes, c->bytes_by_node, c->unplaced);
}

wr_status wr_world_runner_world_memory_by_node(const wr_world_runner *runner, const wr_world *w,
                                            size_t bytes_by_node[WR_NUMA_MAX_NODES], size_t *unplaced_bytes)
{
    if (!runner || !w || !bytes_by_node || !unplaced_bytes)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner, world, bytes_by_node or unplaced_bytes is NULL");
    wr_status s = check_idle(runner);
    if (s != WR_OK)
        return s;
    const runner_worker *wk = NULL;
    const runner_entry *e = lookup(runner, w, &wk);
    if (!e)
        return WR_FAIL(WR_ERR_NOT_FOUND, "world %p does not belong to this runner", (const void *)w);
    memset(bytes_by_node, 0, WR_NUMA_MAX_NODES * sizeof bytes_by_node[0]);
    *unplaced_bytes = 0;
    chunk_count c = {.bytes_by_node = bytes_by_node, .unplaced = unplaced_bytes, .status = WR_OK};
    s = wr_memory_manager_visit_chunks(e->memory, count_chunk, &c);
    return s != WR_OK ? s : c.status;
}

static wr_numa_binding worker_memory_binding(const runner_worker *wk)
{
    if (!wk->node_allocator)
        return WR_NUMA_BINDING_NONE;
    wr_numa_node_allocator_stats s;
    if (wr_numa_node_allocator_get_stats(wk->node_allocator, &s) != WR_OK)
        return WR_NUMA_BINDING_NONE;
    return s.binding;
}

wr_status wr_world_runner_get_worker_stats(const wr_world_runner *runner, int worker, wr_world_runner_worker_stats *out)
{
    if (!runner || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner or out is NULL");
    if (worker < 0 || worker >= runner->worker_count)
        return WR_FAIL(WR_ERR_NOT_FOUND, "worker %d not in 0..%d", worker, runner->worker_count - 1);
    wr_status s = check_idle(runner);
    if (s != WR_OK)
        return s;
    const runner_worker *wk = &runner->workers[worker];
    *out = (wr_world_runner_worker_stats){
        .core = wk->plan.core,
        .cpu_os_index = wk->plan.cpu_os_index,
        .node_os_index = wk->plan.node_os_index,
        .memory_node_os_index = wk->arena ? wk->plan.memory_node_os_index : -1,
        .pinning = wk->pinning,
        .memory_binding = worker_memory_binding(wk),
        .worlds = wk->count,
        .cost = wk->cost,
        .busy_ns = wk->busy_ns,
        .last_busy_ns = wk->last_busy_ns,
    };
    if (wk->arena)
        wr_numa_arena_get_stats(wk->arena, &out->arena);
    return WR_OK;
}

/* max / mean of a per-worker figure; 0 when everything is 0. */
static double imbalance(const wr_world_runner *r, bool last)
{
    double max = 0, sum = 0;
    for (int k = 0; k < r->worker_count; ++k) {
        double v = (double)(last ? r->workers[k].last_busy_ns : r->workers[k].busy_ns);
        max = v > max ? v : max;
        sum += v;
    }
    return sum > 0 ? max / (sum / r->worker_count) : 0.0;
}

static bool every_arena_bound(const wr_world_runner *r)
{
    if (!r->memory_bound)
        return false;
    for (int k = 0; k < r->worker_count; ++k) {
        if (worker_memory_binding(&r->workers[k]) != WR_NUMA_BINDING_APPLIED)
            return false;
    }
    return true;
}

wr_status wr_world_runner_get_stats(const wr_world_runner *runner, wr_world_runner_stats *out)
{
    if (!runner || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "runner or out is NULL");
    wr_status s = check_idle(runner);
    if (s != WR_OK)
        return s;
    const wr_world_runner *r = runner;
    *out = (wr_world_runner_stats){
        .workers = r->worker_count,
        .backend = r->config.backend,
        .placement = r->config.placement,
        .memory_policy = r->config.memory_policy,
        .topology_source = r->topology_info.source,
        .node_count = r->topology_info.node_count,
        .allowed_core_count = r->topology_info.allowed_core_count,
        .pinning_simulated = !r->topology_info.is_this_system && r->config.placement != WR_NUMA_PLACEMENT_NONE,
        .memory_bound = every_arena_bound(r),
        .worlds = wr_world_runner_world_count(r),
        .ticks = r->ticks,
        .world_steps = r->world_steps,
        .wall_ns = r->wall_ns,
        .last_tick_ns = r->last_tick_ns,
        .imbalance = imbalance(r, false),
        .last_imbalance = imbalance(r, true),
    };
    memcpy(out->fallback, r->fallback, sizeof out->fallback);
    bool refused = false;
    for (int k = 0; k < r->worker_count; ++k)
        refused = refused || worker_memory_binding(&r->workers[k]) == WR_NUMA_BINDING_REFUSED;
    if (refused) {
        size_t used = strlen(out->fallback);
        snprintf(out->fallback + used, sizeof out->fallback - used, "%smemory binding refused by the kernel",
                 used ? "; " : "");
    }
    for (int k = 0; k < r->worker_count; ++k) {
        const runner_worker *wk = &r->workers[k];
        out->workers_pinned += wk->pinning == WR_NUMA_BINDING_APPLIED;
        if (!wk->arena)
            continue;
        wr_numa_arena_stats a;
        wr_numa_arena_get_stats(wk->arena, &a);
        out->arena_bytes_reserved += a.bytes_reserved;
        out->arena_bytes_in_use += a.bytes_in_use;
    }
    return WR_OK;
}

const wr_numa_topology *wr_world_runner_topology(const wr_world_runner *runner)
{
    return runner ? runner->topology : NULL;
}
