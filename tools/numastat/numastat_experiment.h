/* numastat_experiment.h — runs numastat's experiment on the world runner and fills a numastat_report.
 *
 * For each policy (one, or several with --compare) it creates a wr_world_runner with the options' workers, backend,
 * placement and topology, creates the worlds of the scene on it, steps them, and then, for every world, visits
 * every chunk its memory manager holds (wr_memory_manager_visit_chunks) and asks the kernel which node holds each page
 * (wr_numa_pages_query). The page counts therefore say where the memory really is, not where the policy meant it to be.
 *
 * Ownership: the experiment owns the report's arrays until numastat_experiment_free(). Threads: the caller's.
 */
#ifndef NUMASTAT_EXPERIMENT_H
#define NUMASTAT_EXPERIMENT_H

#include <stddef.h>

#include "numastat_options.h"
#include "numastat_progress.h"
#include "numastat_report.h"

typedef struct numastat_experiment {
    numastat_report report;                     /* points into runs / rows below */
    numastat_run runs[NUMASTAT_MAX_POLICIES];
    numastat_world_row *rows;                   /* policy_count * worlds rows, run-major */
} numastat_experiment;

/* Run the experiment the options describe. Returns 0, or -1 with a message (runner or world creation failed,
 * a step failed). `progress` may be NULL. On failure nothing needs to be freed. */
int numastat_experiment_run(const numastat_options *options, numastat_progress *progress, numastat_experiment *out,
                            char *message, size_t message_size);
void numastat_experiment_free(numastat_experiment *experiment);

#endif
