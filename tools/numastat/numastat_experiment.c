/* numastat_experiment.c — numastat's experiment over the public runner API (see numastat_experiment.h). */
#define _POSIX_C_SOURCE 200809L
#include "numastat_experiment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worldrunner/collision.h"
#include "worldrunner/memory_manager.h"
#include "worldrunner/numa.h"
#include "worldrunner/scenes.h"
#include "worldrunner/world_runner.h"

/* ---------------------------------------------------------------------------------------------------------------
 * Names -> runner enums (the names were validated by the option parser)
 * ------------------------------------------------------------------------------------------------------------- */

static wr_numa_memory_policy policy_of(const char *name)
{
    static const char *const names[] = {"local", "interleave", "first-touch", "remote", "default"};
    static const wr_numa_memory_policy values[] = {WR_NUMA_MEMORY_LOCAL, WR_NUMA_MEMORY_INTERLEAVE, WR_NUMA_MEMORY_FIRST_TOUCH,
                                                WR_NUMA_MEMORY_REMOTE, WR_NUMA_MEMORY_DEFAULT};
    for (int i = 0; i < 5; i++) {
        if (strcmp(name, names[i]) == 0) {
            return values[i];
        }
    }
    return WR_NUMA_MEMORY_LOCAL;
}

static wr_numa_placement placement_of(const char *name)
{
    if (strcmp(name, "scatter") == 0) {
        return WR_NUMA_PLACEMENT_SCATTER;
    }
    return strcmp(name, "none") == 0 ? WR_NUMA_PLACEMENT_NONE : WR_NUMA_PLACEMENT_COMPACT;
}

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 0;
    }
    fclose(f);
    return 1;
}

/* ---------------------------------------------------------------------------------------------------------------
 * Page counting: every chunk of the world's memory manager, page by page, through the kernel's answer
 * ------------------------------------------------------------------------------------------------------------- */

#define QUERY_WINDOW_PAGES 256

typedef struct page_count {
    numastat_world_row *row;
    int max_node_seen;
    wr_status status;            /* first query failure, WR_OK if none */
} page_count;

static void count_window(page_count *count, const char *start, size_t pages, size_t page_size)
{
    int nodes[QUERY_WINDOW_PAGES];
    size_t answered = 0;
    wr_status s = wr_numa_pages_query(start, pages * page_size, nodes, QUERY_WINDOW_PAGES, &answered);
    if (s != WR_OK) {
        if (count->status == WR_OK) {
            count->status = s;
        }
        count->row->pages_unplaced += pages;
        return;
    }
    for (size_t i = 0; i < pages; i++) {
        int node = i < answered ? nodes[i] : -2;
        if (node >= 0 && node < NUMASTAT_MAX_NODES) {
            count->row->pages_on_node[node]++;
            count->max_node_seen = node > count->max_node_seen ? node : count->max_node_seen;
        } else {
            count->row->pages_unplaced++;
        }
    }
}

static void count_range(page_count *count, uintptr_t first, uintptr_t end, size_t page)
{
    for (uintptr_t at = first; at < end; at += (uintptr_t)QUERY_WINDOW_PAGES * page) {
        size_t pages = (size_t)((end - at) / page);
        count_window(count, (const char *)at, pages < QUERY_WINDOW_PAGES ? pages : QUERY_WINDOW_PAGES, page);
    }
}

/* The page ranges of a world's chunks, collected first so that a page shared by two chunks (small heap chunks,
 * policy `default`) is counted once: sorted, merged, then queried. Cold path: plain malloc. */
typedef struct page_ranges {
    uintptr_t (*range)[2];       /* [first page, end page) */
    size_t count;
    size_t capacity;
    int out_of_memory;
} page_ranges;

static void collect_chunk(const void *chunk, size_t bytes, void *context)
{
    page_ranges *ranges = context;
    size_t page = wr_numa_pages_size();
    if (ranges->count == ranges->capacity) {
        size_t capacity = ranges->capacity ? 2 * ranges->capacity : 64;
        void *grown = realloc(ranges->range, capacity * sizeof(*ranges->range));
        if (grown == NULL) {
            ranges->out_of_memory = 1;
            return;
        }
        ranges->range = grown;
        ranges->capacity = capacity;
    }
    ranges->range[ranges->count][0] = (uintptr_t)chunk / page * page;
    ranges->range[ranges->count][1] = ((uintptr_t)chunk + bytes + page - 1) / page * page;
    ranges->count++;
}

static int compare_ranges(const void *a, const void *b)
{
    uintptr_t x = ((const uintptr_t *)a)[0], y = ((const uintptr_t *)b)[0];
    return (x > y) - (x < y);
}

/* Count the pages of the union of the ranges. */
static void count_ranges(page_count *count, page_ranges *ranges)
{
    size_t page = wr_numa_pages_size();
    if (ranges->count == 0) {
        return;
    }
    qsort(ranges->range, ranges->count, sizeof(*ranges->range), compare_ranges);
    uintptr_t first = ranges->range[0][0], end = ranges->range[0][1];
    for (size_t i = 1; i < ranges->count; i++) {
        if (ranges->range[i][0] <= end) {
            end = ranges->range[i][1] > end ? ranges->range[i][1] : end;
            continue;
        }
        count_range(count, first, end, page);
        first = ranges->range[i][0];
        end = ranges->range[i][1];
    }
    count_range(count, first, end, page);
}

/* ---------------------------------------------------------------------------------------------------------------
 * One run
 * ------------------------------------------------------------------------------------------------------------- */

typedef struct run_context {
    const numastat_options *options;
    numastat_progress *progress;
    double done_before;          /* progress units of earlier runs */
    char *message;
    size_t message_size;
    int max_node;                /* largest OS node index seen (topology or pages) */
    wr_status query_status;      /* first page-query failure of the current run, WR_OK if none */
} run_context;

static int fail(run_context *ctx, const char *what, wr_status s)
{
    snprintf(ctx->message, ctx->message_size, "%s: %s (%s)", what, wr_status_name(s), wr_last_error());
    return -1;
}

static void runner_config_of(const run_context *ctx, const char *policy, wr_world_runner_config *config)
{
    const numastat_options *o = ctx->options;
    wr_world_runner_config_init(config);
    config->workers = o->workers;
    config->backend = strcmp(o->backend, "openmp") == 0 ? WR_WORLD_RUNNER_BACKEND_OPENMP : WR_WORLD_RUNNER_BACKEND_PTHREADS;
    config->placement = placement_of(o->placement);
    config->memory_policy = policy_of(policy);
    if (o->topology != NULL) {
        config->topology_source = file_exists(o->topology) ? WR_NUMA_TOPOLOGY_XML : WR_NUMA_TOPOLOGY_SYNTHETIC;
        config->topology_description = o->topology;
    }
}

static int step_worlds(run_context *ctx, wr_world_runner *runner, numastat_run *run)
{
    const numastat_options *o = ctx->options;
    int batch = o->steps / 20 > 0 ? o->steps / 20 : 1;
    double start = numastat_now();
    for (int done = 0; done < o->steps; done += batch) {
        int n = o->steps - done < batch ? o->steps - done : batch;
        wr_status s = wr_world_runner_step_all(runner, n);
        if (s != WR_OK) {
            return fail(ctx, "wr_world_runner_step_all", s);
        }
        numastat_progress_update(ctx->progress, ctx->done_before + (double)(done + n) * o->worlds, run->policy);
    }
    run->seconds = numastat_now() - start;
    return 0;
}

static int fill_row(run_context *ctx, wr_world_runner *runner, wr_world *w, int index, numastat_world_row *row)
{
    wr_world_runner_world_info info;
    wr_world_runner_worker_stats worker;
    wr_memory_manager_stats mstats;
    wr_status s = wr_world_runner_world_info_get(runner, w, &info);
    if (s == WR_OK) {
        s = wr_world_runner_get_worker_stats(runner, info.worker, &worker);
    }
    if (s == WR_OK) {
        s = wr_memory_manager_get_stats(info.memory, &mstats);
    }
    if (s != WR_OK) {
        return fail(ctx, "world statistics", s);
    }
    int pinned = worker.pinning == WR_NUMA_BINDING_APPLIED || worker.pinning == WR_NUMA_BINDING_SIMULATED;
    memset(row, 0, sizeof(*row));
    row->world = index;
    row->worker = info.worker;
    row->core = pinned ? info.cpu_os_index : -1;
    row->node = info.node_os_index >= 0 && info.node_os_index < NUMASTAT_MAX_NODES ? info.node_os_index : -1;
    row->steps_per_second = info.steps_per_second;
    row->peak_bytes = mstats.peak_bytes_reserved;
    /* The frame allocator's own high-water mark; a world without skeletons has no solver, and so no frame. */
    wr_collision_stats cstats;
    row->frame_high_water = wr_collision_get_stats(w, &cstats) == WR_OK ? cstats.frame_high_water : 0;
    page_count count = {row, -1, WR_OK};
    page_ranges ranges = {NULL, 0, 0, 0};
    s = wr_memory_manager_visit_chunks(info.memory, collect_chunk, &ranges);
    if (s == WR_OK && !ranges.out_of_memory) {
        count_ranges(&count, &ranges);
    }
    free(ranges.range);
    if (s != WR_OK) {
        return fail(ctx, "wr_memory_manager_visit_chunks", s);
    }
    if (ranges.out_of_memory) {
        snprintf(ctx->message, ctx->message_size, "out of memory while collecting world %d's chunks", index);
        return -1;
    }
    if (count.status != WR_OK && ctx->query_status == WR_OK) {
        ctx->query_status = count.status;
    }
    if (count.max_node_seen > ctx->max_node) {
        ctx->max_node = count.max_node_seen;
    }
    if (row->node > ctx->max_node) {
        ctx->max_node = row->node;
    }
    return 0;
}

static void describe_run(const wr_world_runner_stats *stats, wr_status query_status, numastat_run *run)
{
    if (query_status != WR_OK) {
        snprintf(run->note, sizeof run->note, "page queries failed (%s): those pages are counted as unplaced",
                 wr_status_name(query_status));
    } else if (stats->pinning_simulated) {
        snprintf(run->note, sizeof run->note, "synthetic/XML topology: pinning and binding simulated, pages are "
                                              "where this machine put them");
    } else if (stats->fallback[0] != '\0') {
        snprintf(run->note, sizeof run->note, "%s", stats->fallback);
    }
}

/* Largest OS index of the runner topology's nodes (the report has a column for every node, used or not). */
static int topology_max_node(const wr_numa_topology *topology)
{
    wr_numa_topology_info info;
    int max_node = 0;
    if (topology == NULL || wr_numa_topology_get_info(topology, &info) != WR_OK) {
        return 0;
    }
    for (int n = 0; n < info.node_count; n++) {
        wr_numa_node_info node;
        if (wr_numa_topology_node(topology, n, &node) == WR_OK && node.os_index > max_node) {
            max_node = node.os_index;
        }
    }
    return max_node;
}

static int run_policy(run_context *ctx, const char *policy, numastat_run *run, numastat_world_row *rows)
{
    const numastat_options *o = ctx->options;
    wr_world_runner_config config;
    wr_world_runner *runner = NULL;
    wr_world **worlds = calloc((size_t)o->worlds, sizeof(*worlds));
    if (worlds == NULL) {
        snprintf(ctx->message, ctx->message_size, "out of memory");
        return -1;
    }
    runner_config_of(ctx, policy, &config);
    ctx->query_status = WR_OK;
    int rc = 0;
    wr_status s = wr_world_runner_create(&config, &runner);
    if (s != WR_OK) {
        rc = fail(ctx, "wr_world_runner_create", s);
    } else {
        int max_node = topology_max_node(wr_world_runner_topology(runner));
        ctx->max_node = max_node > ctx->max_node ? max_node : ctx->max_node;
    }
    for (int i = 0; rc == 0 && i < o->worlds; i++) {
        wr_world_runner_world_config wc;
        wr_world_runner_world_config_init(&wc);
        wc.build = wr_scene_build_callback;
        wc.build_context = (void *)o->scene;
        s = wr_world_runner_create_world(runner, &wc, &worlds[i]);
        if (s != WR_OK) {
            rc = fail(ctx, "wr_world_runner_create_world", s);
        }
    }
    if (rc == 0) {
        rc = step_worlds(ctx, runner, run);
    }
    for (int i = 0; rc == 0 && i < o->worlds; i++) {
        rc = fill_row(ctx, runner, worlds[i], i, &rows[i]);
    }
    wr_world_runner_stats stats;
    if (rc == 0 && wr_world_runner_get_stats(runner, &stats) == WR_OK) {
        run->workers = stats.workers;
        describe_run(&stats, ctx->query_status, run);
    }
    if (runner != NULL) {
        wr_world_runner_destroy(runner);
    }
    free(worlds);
    return rc;
}

/* ---------------------------------------------------------------------------------------------------------------
 * The experiment
 * ------------------------------------------------------------------------------------------------------------- */

static void topology_text(const numastat_options *o, char *out, size_t size)
{
    if (o->topology == NULL) {
        snprintf(out, size, "system");
    } else {
        snprintf(out, size, "%s %s", file_exists(o->topology) ? "xml" : "synthetic", o->topology);
    }
}

int numastat_experiment_run(const numastat_options *options, numastat_progress *progress, numastat_experiment *out,
                            char *message, size_t message_size)
{
    if (options == NULL || out == NULL || message == NULL || message_size == 0 || options->policy_count < 1) {
        return -1;
    }
    memset(out, 0, sizeof(*out));
    size_t world_count = (size_t)options->worlds;
    out->rows = calloc((size_t)options->policy_count * world_count, sizeof(*out->rows));
    if (out->rows == NULL) {
        snprintf(message, message_size, "out of memory");
        return -1;
    }
    run_context ctx = {options, progress, 0.0, message, message_size, 0, WR_OK};
    for (int p = 0; p < options->policy_count; p++) {
        numastat_run *run = &out->runs[p];
        snprintf(run->policy, sizeof run->policy, "%s", options->policies[p]);
        snprintf(run->placement, sizeof run->placement, "%s", options->placement);
        snprintf(run->backend, sizeof run->backend, "%s", options->backend);
        snprintf(run->scene, sizeof run->scene, "%s", options->scene);
        run->steps = options->steps;
        run->world_count = options->worlds;
        run->worlds = out->rows + (size_t)p * world_count;
        if (run_policy(&ctx, options->policies[p], run, out->rows + (size_t)p * world_count) != 0) {
            numastat_experiment_free(out);
            return -1;
        }
        ctx.done_before += (double)options->steps * options->worlds;
    }
    out->report.node_count = ctx.max_node + 1;
    out->report.page_size = wr_numa_pages_size();
    topology_text(options, out->report.topology, sizeof out->report.topology);
    out->report.run_count = options->policy_count;
    out->report.runs = out->runs;
    return 0;
}

void numastat_experiment_free(numastat_experiment *experiment)
{
    if (experiment != NULL) {
        free(experiment->rows);
        memset(experiment, 0, sizeof(*experiment));
    }
}
