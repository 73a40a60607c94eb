/* numastat_plot.h — --plot FILE.png: throughput and local fraction per policy, drawn by gnuplot (pngcairo).
 *
 * The data go inline into the gnuplot script (a datablock), so no temporary file is needed.
 */
#ifndef NUMASTAT_PLOT_H
#define NUMASTAT_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "numastat_report.h"

/* Write the gnuplot script that draws `report` into `png_path`. Returns 0 or -1. Pure (testable). */
int numastat_plot_script(FILE *out, const numastat_report *report, const char *png_path);
/* Run gnuplot on that script. Returns 0, or -1 with a message (gnuplot missing, gnuplot failed). */
int numastat_plot(const numastat_report *report, const char *png_path, char *message, size_t message_size);

#endif
