/* numastat_report.h — the report of tools/numastat over plain data: where each world's pages live, and what it cost.
 *
 * A report is a list of runs (one per memory policy; --compare gives several) over the same worlds setup. Each run
 * holds one row per world: the worker that stepped it, that worker's core and NUMA node, how many of the world's
 * pages a page-placement query found on each node, its step rate and memory figures. Everything else (per-node
 * local/remote/foreign pages, local fractions, throughput, slowdown against `local`) is derived here, so the
 * derivation and the three output formats can be tested on synthetic data without a machine that has NUMA nodes.
 *
 * Ownership: the caller owns every array; these functions only read them. Threads: any, no shared state.
 */
#ifndef NUMASTAT_REPORT_H
#define NUMASTAT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NUMASTAT_MAX_NODES 64
#define NUMASTAT_NAME_MAX 64

typedef enum numastat_format { NUMASTAT_FORMAT_TABLE = 0, NUMASTAT_FORMAT_CSV, NUMASTAT_FORMAT_JSON } numastat_format;

/* One world in one run. Page counts come from page-placement queries over the world's memory chunks. */
typedef struct numastat_world_row {
    int world;                                  /* world index (creation order) */
    int worker;                                 /* worker that stepped it */
    int core;                                   /* OS index of the worker's core; -1 = not pinned */
    int node;                                   /* NUMA node of the worker; -1 = unknown */
    uint64_t pages_on_node[NUMASTAT_MAX_NODES]; /* resident pages found on each node (node_count used) */
    uint64_t pages_unplaced;                    /* pages the query could not place (not resident, error) */
    double steps_per_second;                    /* this world's steps / its own stepping time */
    size_t peak_bytes;                          /* peak bytes the world's memory manager reserved */
    size_t frame_high_water;                    /* high-water mark of the world's frame allocator, bytes */
} numastat_world_row;

/* One experiment run: one policy over the worlds. */
typedef struct numastat_run {
    char policy[NUMASTAT_NAME_MAX];             /* local, interleave, first-touch, remote, default */
    char placement[NUMASTAT_NAME_MAX];          /* compact, scatter, none */
    char backend[NUMASTAT_NAME_MAX];            /* pthreads, openmp */
    char scene[NUMASTAT_NAME_MAX];
    int workers;
    int steps;                                  /* steps per world */
    double seconds;                             /* wall-clock time of all stepping */
    char note[160];                             /* e.g. "binding simulated (synthetic topology)"; "" = none */
    int world_count;
    const numastat_world_row *worlds;           /* world_count rows */
} numastat_run;

typedef struct numastat_report {
    int node_count;                             /* 1..NUMASTAT_MAX_NODES */
    size_t page_size;                           /* bytes, > 0 */
    char topology[NUMASTAT_NAME_MAX * 2];       /* "system" or the synthetic description / XML file */
    int run_count;
    const numastat_run *runs;
} numastat_report;

/* Per-node totals, in the spirit of numastat's numa_hit / numa_miss / numa_foreign but for our worlds:
 * local   pages on this node of worlds stepped on this node;
 * remote  pages on this node of worlds stepped on another node (memory here, its user elsewhere);
 * foreign pages on other nodes of worlds stepped on this node (its users here, memory elsewhere);
 * total   all pages of all worlds on this node (including worlds whose node is unknown). */
typedef struct numastat_node_totals {
    uint64_t local_pages;
    uint64_t remote_pages;
    uint64_t foreign_pages;
    uint64_t total_pages;
} numastat_node_totals;

typedef struct numastat_run_summary {
    uint64_t pages_total;                       /* placed pages of all worlds */
    uint64_t pages_local;                       /* of which on the stepping worker's node */
    uint64_t pages_unplaced;
    uint64_t pages_on_node[NUMASTAT_MAX_NODES];
    double local_fraction;                      /* pages_local / pages_total; NaN if no page was placed */
    double world_steps_per_second;              /* worlds * steps / seconds; NaN if seconds <= 0 */
    double slowdown_vs_local;                   /* local run's throughput / this one's; NaN without a local run */
    double rate_spread;                         /* standard deviation / mean of this run's per-world steps/s: the
                                                   worlds are identical, so this is the timing noise of the moment;
                                                   NaN with fewer than 2 rated worlds */
    double noise_vs_local;                      /* the larger rate_spread of this run and the local run: how far a
                                                   single run's slowdown may stray from 1 by noise alone; NaN if
                                                   unknown */
    int within_noise;                           /* 1 if this (non-local) run's slowdown is not a measured cost: all
                                                   pages of the report on one node, the noise unknown, or
                                                   |slowdown - 1| <= noise_vs_local; 0 otherwise and for the local
                                                   run or without a slowdown */
    int nodes_with_workers;                     /* distinct known worker nodes */
    size_t peak_bytes_max;
    size_t frame_high_water_max;
} numastat_run_summary;

/* Pages of the row that are on its worker's node (0 if the node is unknown). */
uint64_t numastat_world_local_pages(const numastat_world_row *row, int node_count);
/* All placed pages of the row. */
uint64_t numastat_world_placed_pages(const numastat_world_row *row, int node_count);
/* Local pages / placed pages; NaN if nothing is placed or the node is unknown. */
double numastat_world_local_fraction(const numastat_world_row *row, int node_count);

/* Fill out[0..node_count-1]. Returns 0, or -1 on bad input. */
int numastat_node_totals_compute(const numastat_report *report, int run, numastat_node_totals *out);
/* Summarize run `run`; slowdown is taken against the report's first run named "local". Returns 0 or -1. */
int numastat_run_summary_compute(const numastat_report *report, int run, numastat_run_summary *out);
/* Index of the first run whose policy is "local", or -1. */
int numastat_report_local_run(const numastat_report *report);
/* 0 if the report is well formed (counts in range, arrays present, nodes in range), else -1 with a message. */
int numastat_report_check(const numastat_report *report, char *message, size_t message_size);

/* Nodes holding placed pages of any run: <= 1 means no policy could put memory elsewhere (one NUMA node here, or
 * binding simulated on a synthetic topology), so slowdowns between policies can only be noise. */
int numastat_report_page_nodes(const numastat_report *report);

#define NUMASTAT_WARNING_MAX 256
/* Warnings about slowdowns that are within the noise, one line each (no newline), "warning: ..."; writes at most
 * `capacity` and returns how many there are (0 when every slowdown is a measured cost). Each policy runs once, so
 * the noise of a run is the spread of its identical worlds' step rates. */
int numastat_report_warnings(const numastat_report *report, char (*lines)[NUMASTAT_WARNING_MAX], int capacity);

/* Write the report. Returns 0, or -1 on a bad report or a write error. The table ends with the warnings; JSON has
 * them in "warnings"; CSV has rate_spread and within_noise columns in its summary rows. */
int numastat_write_table(FILE *out, const numastat_report *report);
int numastat_write_csv(FILE *out, const numastat_report *report);
int numastat_write_json(FILE *out, const numastat_report *report);
int numastat_write(FILE *out, const numastat_report *report, numastat_format format);

/* "table", "csv", "json" <-> enum. Returns 0 or -1 for an unknown name. */
int numastat_format_parse(const char *name, numastat_format *out);

#endif
