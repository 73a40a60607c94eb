/* numastat_plot.h — --plot FILE.png: throughput and local fraction per policy, drawn by gnuplot (pngcairo).
 *
 * The points come from a report (the experiment just run) or from the summary rows of a numastat CSV file
 * (--plot-from: an experiment run elsewhere, e.g. inside the NUMA lab VM, which has no gnuplot). The data go inline
 * into the gnuplot script (a datablock), so no temporary file is needed.
 */
#ifndef NUMASTAT_PLOT_H
#define NUMASTAT_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "numastat_report.h"

typedef struct numastat_plot_point {
    char policy[NUMASTAT_NAME_MAX];
    double world_steps_per_second;              /* NaN = unknown (drawn as 0) */
    double local_fraction;                      /* 0..1; NaN = unknown (drawn as 0) */
} numastat_plot_point;

typedef struct numastat_plot_data {
    numastat_plot_point points[16];
    int count;
    char title[256];
} numastat_plot_data;

/* One point per run of the report. Returns 0 or -1 (bad report, no run). */
int numastat_plot_data_from_report(const numastat_report *report, numastat_plot_data *out);
/* One point per `summary` row of a numastat CSV. Returns 0, or -1 with a message (not numastat CSV, no summary). */
int numastat_plot_data_from_csv(FILE *in, numastat_plot_data *out, char *message, size_t message_size);
/* Write the gnuplot script that draws `data` into `png_path`. Returns 0 or -1. Pure (testable). */
int numastat_plot_script(FILE *out, const numastat_plot_data *data, const char *png_path);
/* Run gnuplot on that script. Returns 0, or -1 with a message (gnuplot missing, gnuplot failed). */
int numastat_plot(const numastat_plot_data *data, const char *png_path, char *message, size_t message_size);

#endif
