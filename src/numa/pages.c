/* Page-placement queries: move_pages() with no target nodes only reports where each page is (no migration). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/status_internal.h"
#include "numa/numa_internal.h"

enum { QUERY_BATCH = 256 };

size_t wr_numa_pages_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

/* Ask the kernel about `count` pages from `first` (page-aligned); status[i] = node, or -errno. */
static bool query_batch(uintptr_t first, size_t count, int *status)
{
#ifdef SYS_move_pages
    void *pages[QUERY_BATCH];
    size_t page = wr_numa_pages_size();
    for (size_t i = 0; i < count; ++i)
        pages[i] = (void *)(first + i * page);
    return syscall(SYS_move_pages, 0, (unsigned long)count, pages, NULL, status, 0) == 0;
#else
    (void)first;
    (void)count;
    (void)status;
    return false;
#endif
}

static int status_to_node(int status)
{
    if (status >= 0)
        return status;
    return status == -ENOENT ? -1 : -2;
}

/* Walk the pages of the range in batches; `visit` receives each page's node (-1 untouched, -2 unknown). */
typedef void (*page_visitor)(size_t index, int node, void *context);

static wr_status walk_pages(const void *addr, size_t bytes, page_visitor visit, void *context, size_t *pages)
{
    size_t page = wr_numa_pages_size();
    uintptr_t start = (uintptr_t)addr / page * page;
    uintptr_t end = ((uintptr_t)addr + bytes + page - 1) / page * page;
    size_t total = (end - start) / page;
    int status[QUERY_BATCH];
    for (size_t done = 0; done < total;) {
        size_t count = total - done < QUERY_BATCH ? total - done : QUERY_BATCH;
        if (!query_batch(start + done * page, count, status))
            return WR_FAIL(WR_ERR_UNSUPPORTED, "move_pages query failed (errno %d): no NUMA support?", errno);
        for (size_t i = 0; i < count; ++i)
            visit(done + i, status_to_node(status[i]), context);
        done += count;
    }
    if (pages)
        *pages = total;
    return WR_OK;
}

/* A range is refused before any page is visited if its end does not fit the address space (it would wrap to a
 * short range elsewhere) or it is longer than WR_NUMA_PAGES_MAX_BYTES (a query would run for minutes). */
static wr_status check_range(const void *addr, size_t bytes)
{
    size_t page = wr_numa_pages_size();
    if ((uintptr_t)addr > UINTPTR_MAX - bytes || (uintptr_t)addr + bytes > UINTPTR_MAX - (page - 1))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "range %p + %zu bytes wraps past the end of the address space", addr,
                       bytes);
    if (bytes > WR_NUMA_PAGES_MAX_BYTES)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "range of %zu bytes: a query covers at most %zu", bytes,
                       (size_t)WR_NUMA_PAGES_MAX_BYTES);
    return WR_OK;
}

typedef struct fill_context {
    int *nodes;
    size_t capacity;
} fill_context;

static void fill_visit(size_t index, int node, void *context)
{
    fill_context *c = context;
    if (index < c->capacity)
        c->nodes[index] = node;
}

wr_status wr_numa_pages_query(const void *addr, size_t bytes, int *nodes, size_t capacity, size_t *pages)
{
    if (!addr || bytes == 0 || !pages || (capacity > 0 && !nodes))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "addr, bytes, pages or nodes missing");
    wr_status s = check_range(addr, bytes);
    if (s != WR_OK)
        return s;
    fill_context c = {.nodes = nodes, .capacity = capacity};
    return walk_pages(addr, bytes, fill_visit, &c, pages);
}

typedef struct count_context {
    size_t *bytes_by_node;
    size_t *unplaced;
    size_t page;
} count_context;

static void count_visit(size_t index, int node, void *context)
{
    (void)index;
    count_context *c = context;
    if (node >= 0 && node < WR_NUMA_MAX_NODES)
        c->bytes_by_node[node] += c->page;
    else
        *c->unplaced += c->page;
}

wr_status wr_numa_pages_count_by_node(const void *addr, size_t bytes, size_t bytes_by_node[WR_NUMA_MAX_NODES],
                                   size_t *unplaced_bytes)
{
    if (!addr || bytes == 0 || !bytes_by_node || !unplaced_bytes)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "addr, bytes, bytes_by_node or unplaced_bytes missing");
    wr_status s = check_range(addr, bytes);
    if (s != WR_OK)
        return s;
    /* counted apart and added only on success, so a query that fails half-way changes nothing */
    size_t by_node[WR_NUMA_MAX_NODES] = {0}, unplaced = 0;
    count_context c = {.bytes_by_node = by_node, .unplaced = &unplaced, .page = wr_numa_pages_size()};
    s = walk_pages(addr, bytes, count_visit, &c, NULL);
    if (s != WR_OK)
        return s;
    for (int n = 0; n < WR_NUMA_MAX_NODES; ++n)
        bytes_by_node[n] += by_node[n];
    *unplaced_bytes += unplaced;
    return WR_OK;
}
