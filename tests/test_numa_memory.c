/* numa: node-bound base allocators (real binding checked with the page query), the worker arena (reuse,
 * coalescing, dedicated blocks, leak report), and simulated binding on a synthetic topology. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"
#include "worldrunner/numa.h"

enum { CHUNK = 1 << 20 };

/* Where the pages of [p, p + bytes) are, as node counts; returns false if the kernel does not answer. */
static bool pages_by_node(const void *p, size_t bytes, size_t by_node[WR_NUMA_MAX_NODES], size_t *unplaced)
{
    memset(by_node, 0, WR_NUMA_MAX_NODES * sizeof by_node[0]);
    *unplaced = 0;
    return wr_numa_pages_count_by_node(p, bytes, by_node, unplaced) == WR_OK;
}

static void node_allocator_binds_to_each_node(void **state)
{
    (void)state;
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_topology_info info;
    assert_wr_ok(wr_numa_topology_get_info(t, &info));
    for (int n = 0; n < info.node_count; ++n) {
        wr_numa_node_info node;
        assert_wr_ok(wr_numa_topology_node(t, n, &node));
        if (node.memory_bytes == 0)
            continue;
        wr_numa_node_allocator *na = NULL;
        assert_wr_ok(wr_numa_node_allocator_create(t, WR_NUMA_BIND_NODE, n, &na));
        wr_memory_allocator *a = wr_numa_node_allocator_as_allocator(na);
        void *p = NULL;
        assert_wr_ok(wr_memory_allocator_allocate_aligned(a, CHUNK, 4096, &p));
        assert_int_equal((uintptr_t)p % 4096, 0);
        memset(p, 1, CHUNK);
        wr_numa_node_allocator_stats s;
        assert_wr_ok(wr_numa_node_allocator_get_stats(na, &s));
        assert_int_equal(s.requests, 1);
        assert_int_equal(s.bytes_mapped, CHUNK);
        size_t by_node[WR_NUMA_MAX_NODES], unplaced;
        if (info.can_query_pages && s.binding == WR_NUMA_BINDING_APPLIED) {
            assert_true(pages_by_node(p, CHUNK, by_node, &unplaced));
            assert_int_equal(by_node[node.os_index], CHUNK);
            assert_int_equal(unplaced, 0);
        } else {
            print_message("node %d: binding %s, page query %s: placement not checked\n", node.os_index,
                          wr_numa_binding_name(s.binding), info.can_query_pages ? "yes" : "no");
        }
        assert_int_equal(wr_numa_node_allocator_destroy(na), WR_ERR_BUSY); /* still mapped */
        assert_wr_ok(wr_memory_allocator_deallocate(a, p, CHUNK));
        assert_wr_ok(wr_numa_node_allocator_destroy(na));
    }
    assert_wr_ok(wr_numa_topology_destroy(t));
}

static void first_touch_pages_are_unplaced_until_touched(void **state)
{
    (void)state;
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_topology_info info;
    assert_wr_ok(wr_numa_topology_get_info(t, &info));
    wr_numa_node_allocator *na = NULL;
    assert_wr_ok(wr_numa_node_allocator_create(t, WR_NUMA_BIND_FIRST_TOUCH, -1, &na));
    wr_memory_allocator *a = wr_numa_node_allocator_as_allocator(na);
    assert_string_equal(wr_memory_allocator_name(a), "numa-first-touch");
    char *p = NULL;
    assert_wr_ok(wr_memory_allocator_allocate_aligned(a, 64 * 1024, 4096, (void **)&p));
    if (!info.can_query_pages) {
        print_message("SKIP page query: the kernel does not answer move_pages\n");
    } else {
        int nodes[16];
        size_t pages = 0;
        assert_wr_ok(wr_numa_pages_query(p, 64 * 1024, nodes, 16, &pages));
        assert_int_equal(pages, 64 * 1024 / wr_numa_pages_size());
        assert_int_equal(nodes[0], -1); /* never touched */
        p[0] = 1;
        p[5 * 4096] = 1;
        assert_wr_ok(wr_numa_pages_query(p, 64 * 1024, nodes, 16, &pages));
        assert_true(nodes[0] >= 0);
        assert_true(nodes[5] >= 0);
        assert_int_equal(nodes[1], -1);
        size_t by_node[WR_NUMA_MAX_NODES], unplaced;
        assert_true(pages_by_node(p, 64 * 1024, by_node, &unplaced));
        assert_int_equal(unplaced, 64 * 1024 - 2 * wr_numa_pages_size());
    }
    wr_numa_node_allocator_stats s;
    assert_wr_ok(wr_numa_node_allocator_get_stats(na, &s));
    assert_int_equal(s.binding, WR_NUMA_BINDING_NONE);
    assert_wr_ok(wr_memory_allocator_deallocate(a, p, 64 * 1024));
    assert_wr_ok(wr_numa_node_allocator_destroy(na));
    assert_wr_ok(wr_numa_topology_destroy(t));
}

static void interleave_places_pages_on_known_nodes(void **state)
{
    (void)state;
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(NULL, &t));
    wr_numa_topology_info info;
    assert_wr_ok(wr_numa_topology_get_info(t, &info));
    wr_numa_node_allocator *na = NULL;
    assert_wr_ok(wr_numa_node_allocator_create(t, WR_NUMA_BIND_INTERLEAVE, -1, &na));
    wr_memory_allocator *a = wr_numa_node_allocator_as_allocator(na);
    void *p = NULL;
    assert_wr_ok(wr_memory_allocator_allocate_aligned(a, CHUNK, 4096, &p));
    memset(p, 2, CHUNK);
    if (info.can_query_pages) {
        size_t by_node[WR_NUMA_MAX_NODES], unplaced;
        assert_true(pages_by_node(p, CHUNK, by_node, &unplaced));
        assert_int_equal(unplaced, 0);
        int nodes_used = 0;
        for (int n = 0; n < WR_NUMA_MAX_NODES; ++n) {
            if (by_node[n] == 0)
                continue;
            nodes_used++;
            assert_true(wr_numa_topology_node_from_os_index(t, n) >= 0);
        }
        assert_int_equal(nodes_used, info.node_count); /* every node gets a share of 256 pages */
    }
    assert_wr_ok(wr_memory_allocator_deallocate(a, p, CHUNK));
    assert_wr_ok(wr_numa_node_allocator_destroy(na));
    assert_wr_ok(wr_numa_topology_destroy(t));
}

static void synthetic_binding_is_simulated(void **state)
{
    (void)state;
    wr_numa_topology_config config;
    wr_numa_topology_config_init(&config);
    config.source = WR_NUMA_TOPOLOGY_SYNTHETIC;
    config.description = "package:2 numa:1 core:4 pu:1";
    wr_numa_topology *t = NULL;
    assert_wr_ok(wr_numa_topology_create(&config, &t));
    wr_numa_node_allocator *na = NULL;
    assert_wr_ok(wr_numa_node_allocator_create(t, WR_NUMA_BIND_NODE, 1, &na));
    void *p = NULL;
    assert_wr_ok(wr_memory_allocator_allocate_aligned(wr_numa_node_allocator_as_allocator(na), 8192, 64, &p));
    wr_numa_node_allocator_stats s;
    assert_wr_ok(wr_numa_node_allocator_get_stats(na, &s));
    assert_int_equal(s.binding, WR_NUMA_BINDING_SIMULATED);
    assert_int_equal(s.node, 1);
    assert_int_equal(s.bind_failures, 0);
    assert_wr_ok(wr_memory_allocator_deallocate(wr_numa_node_allocator_as_allocator(na), p, 8192));
    assert_wr_ok(wr_numa_node_allocator_destroy(na));
    assert_wr_ok(wr_numa_topology_destroy(t));
}

/* The arena over a counting heap: blocks are page-rounded, reused after free, neighbours coalesce, large blocks
 * go straight to the source, and the source is asked once per chunk. */
static void arena_carves_reuses_and_coalesces(void **state)
{
    (void)state;
    wr_memory_allocator *heap = NULL, *counting = NULL;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    assert_wr_ok(wr_memory_allocator_create_counting(heap, &counting));
    wr_numa_arena *arena = NULL;
    assert_wr_ok(wr_numa_arena_create(counting, 64 * 1024, &arena));
    wr_memory_allocator *a = wr_numa_arena_as_allocator(arena);
    void *blocks[8];
    for (int i = 0; i < 8; ++i) {
        assert_wr_ok(wr_memory_allocator_allocate_aligned(a, 4000, 64, &blocks[i]));
        assert_int_equal((uintptr_t)blocks[i] % 4096, 0);
        memset(blocks[i], i, 4000);
    }
    wr_numa_arena_stats s;
    assert_wr_ok(wr_numa_arena_get_stats(arena, &s));
    assert_int_equal(s.bytes_in_use, 8 * 4096);
    assert_int_equal(s.chunks, 1);
    assert_int_equal(s.source_requests, 1);
    /* Free two neighbours and take a block that needs both: it reuses that space without a new chunk. */
    assert_wr_ok(wr_memory_allocator_deallocate(a, blocks[3], 4000));
    assert_wr_ok(wr_memory_allocator_deallocate(a, blocks[4], 4000));
    void *big = NULL;
    assert_wr_ok(wr_memory_allocator_allocate_aligned(a, 8192, 4096, &big));
    assert_wr_ok(wr_numa_arena_get_stats(arena, &s));
    assert_int_equal(s.chunks, 1);
    /* More than fits: a second chunk. Larger than half a chunk: dedicated from the source. */
    void *more = NULL, *huge = NULL;
    assert_wr_ok(wr_memory_allocator_allocate_aligned(a, 28 * 1024, 4096, &more));
    assert_wr_ok(wr_memory_allocator_allocate_aligned(a, 100 * 1024, 4096, &huge));
    assert_wr_ok(wr_numa_arena_get_stats(arena, &s));
    assert_int_equal(s.chunks, 2);
    assert_int_equal(s.dedicated_blocks, 1);
    assert_int_equal(s.source_requests, 3);
    assert_int_equal(s.bytes_reserved, 2 * 64 * 1024 + 100 * 1024);
    assert_wr_ok(wr_memory_allocator_deallocate(a, huge, 100 * 1024));
    assert_wr_ok(wr_memory_allocator_deallocate(a, more, 28 * 1024));
    assert_wr_ok(wr_memory_allocator_deallocate(a, big, 8192));
    for (int i = 0; i < 8; ++i) {
        if (i != 3 && i != 4)
            assert_wr_ok(wr_memory_allocator_deallocate(a, blocks[i], 4000));
    }
    assert_wr_ok(wr_numa_arena_get_stats(arena, &s));
    assert_int_equal(s.bytes_in_use, 0);
    assert_int_equal(s.bytes_free, s.bytes_reserved);
    /* Everything coalesced back: a full chunk fits without a new source request. */
    void *whole = NULL;
    assert_wr_ok(wr_memory_allocator_allocate_aligned(a, 32 * 1024, 4096, &whole));
    assert_wr_ok(wr_numa_arena_get_stats(arena, &s));
    assert_int_equal(s.source_requests, 3);
    assert_wr_ok(wr_memory_allocator_deallocate(a, whole, 32 * 1024));
    assert_wr_ok(wr_numa_arena_destroy(arena));
    wr_memory_allocator_counts counts;
    assert_wr_ok(wr_memory_allocator_get_counts(counting, &counts));
    assert_int_equal(counts.bytes_outstanding, 0);
    assert_int_equal(counts.allocations, counts.deallocations);
    assert_wr_ok(wr_memory_allocator_destroy(counting));
    assert_wr_ok(wr_memory_allocator_destroy(heap));
}

static void arena_reports_leaks_and_bad_input(void **state)
{
    (void)state;
    wr_memory_allocator *heap = NULL;
    assert_wr_ok(wr_memory_allocator_create_heap(&heap));
    wr_numa_arena *arena = NULL;
    assert_int_equal(wr_numa_arena_create(NULL, 0, &arena), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_numa_arena_create(heap, 1000, &arena), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_numa_arena_create(heap, 0, NULL), WR_ERR_INVALID_ARGUMENT);
    assert_wr_ok(wr_numa_arena_create(heap, 0, &arena));
    wr_numa_arena_stats s;
    assert_wr_ok(wr_numa_arena_get_stats(arena, &s));
    assert_int_equal(s.chunk_bytes, WR_NUMA_ARENA_DEFAULT_CHUNK_BYTES);
    wr_memory_allocator *a = wr_numa_arena_as_allocator(arena);
    void *p = NULL;
    assert_int_equal(wr_memory_allocator_allocate_aligned(a, 0, 16, &p), WR_ERR_INVALID_ARGUMENT);
    assert_wr_ok(wr_memory_allocator_allocate_aligned(a, 100, 16, &p));
    assert_int_equal(wr_memory_allocator_deallocate(a, p, 1 << 20), WR_ERR_CORRUPTION); /* more than in use */
    assert_int_equal(wr_numa_arena_destroy(arena), WR_ERR_LEAK);                       /* the block is still out */
    assert_wr_ok(wr_memory_allocator_destroy(heap));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(node_allocator_binds_to_each_node),
        cmocka_unit_test(first_touch_pages_are_unplaced_until_touched),
        cmocka_unit_test(interleave_places_pages_on_known_nodes),
        cmocka_unit_test(synthetic_binding_is_simulated),
        cmocka_unit_test(arena_carves_reuses_and_coalesces),
        cmocka_unit_test(arena_reports_leaks_and_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
