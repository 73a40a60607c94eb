/* numa_lab_guest — NUMA placement checks that need a machine with several NUMA nodes (run by run.sh in the VM).
 *
 * Each check creates a wr_world_runner with real pinning and binding, creates worlds on it, steps them, and then
 * counts, for every world, the pages of every chunk its memory manager holds, by the node the kernel says holds
 * them (move_pages through wr_numa_pages_query). It asserts:
 *   local       every world's pages are on its worker's node (100 %)
 *   remote      none of them is
 *   interleave  every node holds a fair share of all pages (between half and 1.5 times 1/nodes)
 *   first-touch every page is on the node of the worker that touched it first (the world's worker)
 *   scatter     workers land on every node; compact with one node's worth of workers stays on node 0
 * and that the runner's own per-node accounting (wr_world_runner_world_memory_by_node) agrees with the count.
 * Exit status: 0 all passed, 1 a check failed, 77 fewer than 2 NUMA nodes (nothing to check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worldrunner/memory_manager.h"
#include "worldrunner/numa.h"
#include "worldrunner/scenes.h"
#include "worldrunner/world_runner.h"

#define MAX_WORLDS 64
#define WINDOW 256

static int failures;

#define CHECK(cond, ...)                                                                                             \
    do {                                                                                                             \
        if (!(cond)) {                                                                                               \
            printf("FAIL %s:%d: ", __func__, __LINE__);                                                              \
            printf(__VA_ARGS__);                                                                                     \
            printf("\n");                                                                                            \
            failures++;                                                                                              \
        }                                                                                                            \
    } while (0)

typedef struct pages {
    size_t on_node[WR_NUMA_MAX_NODES];
    size_t unplaced;
    int query_failed;
} pages;

static void count_chunk(const void *chunk, size_t bytes, void *context)
{
    pages *p = context;
    size_t page = wr_numa_pages_size();
    uintptr_t at = (uintptr_t)chunk / page * page;
    uintptr_t end = ((uintptr_t)chunk + bytes + page - 1) / page * page;
    int nodes[WINDOW];
    for (; at < end; at += (uintptr_t)WINDOW * page) {
        size_t n = (size_t)((end - at) / page), answered = 0;
        n = n < WINDOW ? n : WINDOW;
        if (wr_numa_pages_query((const void *)at, n * page, nodes, WINDOW, &answered) != WR_OK) {
            p->query_failed = 1;
            continue;
        }
        for (size_t i = 0; i < n && i < answered; i++) {
            if (nodes[i] >= 0 && nodes[i] < WR_NUMA_MAX_NODES) {
                p->on_node[nodes[i]]++;
            } else {
                p->unplaced++;
            }
        }
    }
}

typedef struct setup {
    const char *name;
    wr_numa_placement placement;
    wr_numa_memory_policy policy;
    int workers;                 /* 0 = every allowed core */
    int worlds;
} setup;

typedef struct result {
    int workers;
    int worlds;
    wr_world_runner_stats stats;
    wr_world_runner_world_info info[MAX_WORLDS];
    pages world_pages[MAX_WORLDS];
    size_t runner_bytes[MAX_WORLDS][WR_NUMA_MAX_NODES];
} result;

/* Create, step, count; 0 on success. */
static int run_setup(const setup *s, result *r)
{
    wr_world_runner_config config;
    wr_world_runner *runner = NULL;
    wr_world *worlds[MAX_WORLDS];
    memset(r, 0, sizeof(*r));
    wr_world_runner_config_init(&config);
    config.workers = s->workers;
    config.placement = s->placement;
    config.memory_policy = s->policy;
    wr_status st = wr_world_runner_create(&config, &runner);
    if (st != WR_OK) {
        CHECK(0, "%s: wr_world_runner_create: %s %s", s->name, wr_status_name(st), wr_last_error());
        return -1;
    }
    r->worlds = s->worlds;
    for (int i = 0; i < s->worlds; i++) {
        wr_world_runner_world_config wc;
        wr_world_runner_world_config_init(&wc);
        wc.build = wr_scene_build_callback;
        wc.build_context = (void *)"chain:8";
        st = wr_world_runner_create_world(runner, &wc, &worlds[i]);
        if (st != WR_OK) {
            CHECK(0, "%s: create_world: %s %s", s->name, wr_status_name(st), wr_last_error());
            wr_world_runner_destroy(runner);
            return -1;
        }
    }
    st = wr_world_runner_step_all(runner, 5);
    CHECK(st == WR_OK, "%s: step_all: %s %s", s->name, wr_status_name(st), wr_last_error());
    wr_world_runner_get_stats(runner, &r->stats);
    r->workers = r->stats.workers;
    for (int i = 0; i < s->worlds; i++) {
        size_t unplaced = 0;
        wr_world_runner_world_info_get(runner, worlds[i], &r->info[i]);
        wr_memory_manager_visit_chunks(r->info[i].memory, count_chunk, &r->world_pages[i]);
        wr_world_runner_world_memory_by_node(runner, worlds[i], r->runner_bytes[i], &unplaced);
        CHECK(!r->world_pages[i].query_failed, "%s: page query failed for world %d", s->name, i);
    }
    wr_world_runner_destroy(runner);
    return 0;
}

static size_t total_pages(const pages *p)
{
    size_t sum = 0;
    for (int n = 0; n < WR_NUMA_MAX_NODES; n++) {
        sum += p->on_node[n];
    }
    return sum;
}

static void print_world(const char *name, const result *r, int i)
{
    const pages *p = &r->world_pages[i];
    printf("  %-12s world %2d worker %d cpu %d node %d memory-node %2d pages:", name, i, r->info[i].worker,
           r->info[i].cpu_os_index, r->info[i].node_os_index, r->info[i].memory_node_os_index);
    for (int n = 0; n < 4; n++) {
        printf(" %zu", p->on_node[n]);
    }
    printf(" unplaced %zu\n", p->unplaced);
}

/* The runner's own accounting matches the page count (both ask the kernel about the same chunks). */
static void check_runner_agrees(const char *name, const result *r)
{
    size_t page = wr_numa_pages_size();
    for (int i = 0; i < r->worlds; i++) {
        for (int n = 0; n < WR_NUMA_MAX_NODES; n++) {
            CHECK(r->runner_bytes[i][n] == r->world_pages[i].on_node[n] * page,
                  "%s: world %d node %d: runner says %zu bytes, pages say %zu", name, i, n, r->runner_bytes[i][n],
                  r->world_pages[i].on_node[n] * page);
        }
    }
}

static void check_bound(const char *name, const result *r, int nodes)
{
    CHECK(r->stats.node_count == nodes, "%s: runner sees %d nodes, expected %d", name, r->stats.node_count, nodes);
    CHECK(r->stats.workers_pinned == r->workers, "%s: %d of %d workers pinned (%s)", name, r->stats.workers_pinned,
          r->workers, r->stats.fallback);
    CHECK(!r->stats.pinning_simulated, "%s: pinning simulated on the real machine", name);
}

/* The base layer alone: a node allocator bound to node n gives pages on node n once touched. */
static void check_node_allocators(const wr_numa_topology *topology, int nodes)
{
    const size_t bytes = (size_t)1 << 20;
    for (int n = 0; n < nodes; n++) {
        wr_numa_node_allocator *allocator = NULL;
        wr_numa_node_info node;
        void *block = NULL;
        size_t by_node[WR_NUMA_MAX_NODES] = {0}, unplaced = 0;
        if (wr_numa_topology_node(topology, n, &node) != WR_OK ||
            wr_numa_node_allocator_create(topology, WR_NUMA_BIND_NODE, n, &allocator) != WR_OK) {
            CHECK(0, "node allocator %d: %s", n, wr_last_error());
            continue;
        }
        wr_memory_allocator *m = wr_numa_node_allocator_as_allocator(allocator);
        if (wr_memory_allocator_allocate_aligned(m, bytes, 4096, &block) == WR_OK) {
            memset(block, 1, bytes);
            wr_numa_pages_count_by_node(block, bytes, by_node, &unplaced);
            CHECK(by_node[node.os_index] == bytes, "node allocator %d: %zu of %zu bytes on node %d", n,
                  by_node[node.os_index], bytes, node.os_index);
            wr_memory_allocator_deallocate(m, block, bytes);
        } else {
            CHECK(0, "node allocator %d: allocate: %s", n, wr_last_error());
        }
        wr_numa_node_allocator_destroy(allocator);
    }
    printf("  node allocators: 1 MiB bound to each of %d nodes checked\n", nodes);
}

static void check_local(int nodes)
{
    setup s = {"local", WR_NUMA_PLACEMENT_COMPACT, WR_NUMA_MEMORY_LOCAL, 0, 4 * nodes};
    result *r = calloc(1, sizeof(*r));
    if (r == NULL || run_setup(&s, r) != 0) {
        free(r);
        return;
    }
    check_bound(s.name, r, nodes);
    CHECK(r->stats.memory_bound, "local: memory not bound (%s)", r->stats.fallback);
    for (int i = 0; i < r->worlds; i++) {
        const pages *p = &r->world_pages[i];
        int node = r->info[i].node_os_index;
        print_world(s.name, r, i);
        CHECK(total_pages(p) > 0, "local: world %d has no resident page", i);
        CHECK(p->on_node[node] == total_pages(p), "local: world %d: %zu of %zu pages on its node %d", i,
              p->on_node[node], total_pages(p), node);
        CHECK(r->info[i].memory_node_os_index == node, "local: world %d memory node %d, worker node %d", i,
              r->info[i].memory_node_os_index, node);
    }
    check_runner_agrees(s.name, r);
    free(r);
}

static void check_remote(int nodes)
{
    setup s = {"remote", WR_NUMA_PLACEMENT_SCATTER, WR_NUMA_MEMORY_REMOTE, 0, 2 * nodes};
    result *r = calloc(1, sizeof(*r));
    if (r == NULL || run_setup(&s, r) != 0) {
        free(r);
        return;
    }
    check_bound(s.name, r, nodes);
    CHECK(r->stats.memory_bound, "remote: memory not bound (%s)", r->stats.fallback);
    for (int i = 0; i < r->worlds; i++) {
        const pages *p = &r->world_pages[i];
        int node = r->info[i].node_os_index;
        print_world(s.name, r, i);
        CHECK(total_pages(p) > 0, "remote: world %d has no resident page", i);
        CHECK(p->on_node[node] == 0, "remote: world %d: %zu pages on its own node %d", i, p->on_node[node], node);
    }
    check_runner_agrees(s.name, r);
    free(r);
}

static void check_interleave(int nodes)
{
    setup s = {"interleave", WR_NUMA_PLACEMENT_COMPACT, WR_NUMA_MEMORY_INTERLEAVE, 0, 4 * nodes};
    result *r = calloc(1, sizeof(*r));
    if (r == NULL || run_setup(&s, r) != 0) {
        free(r);
        return;
    }
    check_bound(s.name, r, nodes);
    size_t per_node[WR_NUMA_MAX_NODES] = {0}, all = 0;
    for (int i = 0; i < r->worlds; i++) {
        for (int n = 0; n < nodes; n++) {
            per_node[n] += r->world_pages[i].on_node[n];
        }
        all += total_pages(&r->world_pages[i]);
    }
    printf("  interleave   pages per node:");
    for (int n = 0; n < nodes; n++) {
        printf(" %zu", per_node[n]);
    }
    printf(" (total %zu)\n", all);
    CHECK(all > 0, "interleave: no resident page");
    for (int n = 0; n < nodes; n++) {
        double share = all ? (double)per_node[n] / (double)all : 0.0;
        CHECK(share >= 0.5 / nodes && share <= 1.5 / nodes, "interleave: node %d holds %.3f of the pages, fair is %.3f",
              n, share, 1.0 / nodes);
    }
    check_runner_agrees(s.name, r);
    free(r);
}

static void check_first_touch(int nodes)
{
    setup s = {"first-touch", WR_NUMA_PLACEMENT_SCATTER, WR_NUMA_MEMORY_FIRST_TOUCH, 0, 2 * nodes};
    result *r = calloc(1, sizeof(*r));
    if (r == NULL || run_setup(&s, r) != 0) {
        free(r);
        return;
    }
    check_bound(s.name, r, nodes);
    for (int i = 0; i < r->worlds; i++) {
        const pages *p = &r->world_pages[i];
        int node = r->info[i].node_os_index;
        print_world(s.name, r, i);
        CHECK(total_pages(p) > 0 && p->on_node[node] == total_pages(p),
              "first-touch: world %d: %zu of %zu pages on its worker's node %d", i, p->on_node[node], total_pages(p),
              node);
    }
    free(r);
}

static void check_placements(int nodes)
{
    setup s = {"scatter", WR_NUMA_PLACEMENT_SCATTER, WR_NUMA_MEMORY_LOCAL, nodes, 2 * nodes};
    result *r = calloc(1, sizeof(*r));
    if (r == NULL || run_setup(&s, r) != 0) {
        free(r);
        return;
    }
    int seen[WR_NUMA_MAX_NODES] = {0}, distinct = 0;
    for (int i = 0; i < r->worlds; i++) {
        int node = r->info[i].node_os_index;
        distinct += node >= 0 && node < WR_NUMA_MAX_NODES && !seen[node]++;
        CHECK(r->world_pages[i].on_node[node] == total_pages(&r->world_pages[i]),
              "scatter/local: world %d not all on node %d", i, node);
    }
    printf("  scatter      %d workers on %d distinct nodes\n", r->workers, distinct);
    CHECK(distinct == nodes, "scatter: %d workers use %d of %d nodes", r->workers, distinct, nodes);

    setup c = {"compact", WR_NUMA_PLACEMENT_COMPACT, WR_NUMA_MEMORY_LOCAL, 2, 4};
    if (run_setup(&c, r) == 0) {
        for (int i = 0; i < r->worlds; i++) {
            CHECK(r->info[i].node_os_index == 0, "compact: world %d on node %d, expected 0 (2 workers fit node 0)", i,
                  r->info[i].node_os_index);
        }
        printf("  compact      2 workers: worlds on node %d\n", r->info[0].node_os_index);
    }
    free(r);
}

int main(void)
{
    wr_numa_topology *topology = NULL;
    wr_numa_topology_info info;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (wr_numa_topology_create(NULL, &topology) != WR_OK || wr_numa_topology_get_info(topology, &info) != WR_OK) {
        printf("FAIL cannot read the topology: %s\n", wr_last_error());
        return 1;
    }
    printf("numa_lab_guest: %d nodes, %d cores (%d allowed), pin %d bind %d query %d\n", info.node_count,
           info.core_count, info.allowed_core_count, info.can_pin_threads, info.can_bind_memory,
           info.can_query_pages);
    if (info.node_count < 2) {
        printf("SKIP: one NUMA node, nothing to check\n");
        wr_numa_topology_destroy(topology);
        return 77;
    }
    const char *expected = getenv("NUMALAB_NODES");
    if (expected != NULL && atoi(expected) != info.node_count) {
        printf("FAIL hwloc sees %d nodes, the VM has %s\n", info.node_count, expected);
        wr_numa_topology_destroy(topology);
        return 1;
    }
    if (info.node_count * 4 > MAX_WORLDS) {
        printf("SKIP: more than %d nodes\n", MAX_WORLDS / 4);
        wr_numa_topology_destroy(topology);
        return 77;
    }
    check_node_allocators(topology, info.node_count);
    wr_numa_topology_destroy(topology);
    check_local(info.node_count);
    check_remote(info.node_count);
    check_interleave(info.node_count);
    check_first_touch(info.node_count);
    check_placements(info.node_count);
    printf("numa_lab_guest: %s (%d failure%s)\n", failures ? "FAIL" : "PASS", failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
