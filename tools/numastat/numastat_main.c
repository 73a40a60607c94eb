/* numastat — where each world's memory pages live, and what a memory policy costs.
 *
 *   numastat --worlds 16 --scene chain:16 --compare local,interleave,remote --format table
 *
 * Exit status: 0 done, 1 the experiment (or writing the report or the plot) failed, 2 bad options.
 */
#include <stdio.h>
#include <string.h>

#include "numastat_experiment.h"
#include "numastat_options.h"
#include "numastat_plot.h"
#include "numastat_progress.h"
#include "numastat_report.h"

static int write_report(const numastat_options *options, const numastat_report *report)
{
    FILE *out = stdout;
    if (options->output != NULL) {
        out = fopen(options->output, "w");
        if (out == NULL) {
            fprintf(stderr, "numastat: cannot open %s for writing\n", options->output);
            return -1;
        }
    }
    int rc = numastat_write(out, report, options->format);
    if (fflush(out) != 0) {
        rc = -1;
    }
    if (out != stdout && fclose(out) != 0) {
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "numastat: writing the report failed\n");
    }
    return rc;
}

/* --plot-from: draw an earlier CSV report. */
static int plot_from_csv(const numastat_options *options)
{
    char message[512];
    numastat_plot_data data;
    FILE *in = fopen(options->plot_from, "r");
    if (in == NULL) {
        fprintf(stderr, "numastat: cannot open %s\n", options->plot_from);
        return 1;
    }
    int rc = numastat_plot_data_from_csv(in, &data, message, sizeof message);
    fclose(in);
    if (rc == 0) {
        rc = numastat_plot(&data, options->plot, message, sizeof message);
    }
    if (rc != 0) {
        fprintf(stderr, "numastat: %s\n", message);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    numastat_options options;
    char message[512];
    const char *program = argc > 0 ? argv[0] : "numastat";
    if (numastat_options_parse(argc, argv, &options, message, sizeof message) != 0) {
        fprintf(stderr, "numastat: %s\n", message);
        numastat_print_usage(stderr, program);
        return 2;
    }
    if (options.help) {
        numastat_print_usage(stdout, program);
        return 0;
    }
    if (options.plot_from != NULL) {
        return plot_from_csv(&options);
    }

    numastat_progress progress;
    numastat_experiment experiment;
    numastat_progress_begin(&progress, stderr, options.progress,
                            (double)options.policy_count * options.worlds * options.steps);
    int rc = numastat_experiment_run(&options, &progress, &experiment, message, sizeof message);
    numastat_progress_end(&progress);
    if (rc != 0) {
        fprintf(stderr, "numastat: %s\n", message);
        return 1;
    }
    rc = write_report(&options, &experiment.report);
    if (rc == 0 && (options.format != NUMASTAT_FORMAT_TABLE || options.output != NULL)) {
        /* the table on stdout ends with them; otherwise say them where a person sees them */
        char lines[NUMASTAT_MAX_POLICIES][NUMASTAT_WARNING_MAX];
        int warnings = numastat_report_warnings(&experiment.report, lines, NUMASTAT_MAX_POLICIES);
        for (int i = 0; i < warnings && i < NUMASTAT_MAX_POLICIES; i++) {
            fprintf(stderr, "numastat: %s\n", lines[i]);
        }
    }
    if (rc == 0 && options.plot != NULL) {
        numastat_plot_data data;
        rc = numastat_plot_data_from_report(&experiment.report, &data);
        if (rc != 0) {
            snprintf(message, sizeof message, "--plot: nothing to plot");
        } else {
            rc = numastat_plot(&data, options.plot, message, sizeof message);
        }
        if (rc != 0) {
            fprintf(stderr, "numastat: %s\n", message);
        }
    }
    numastat_experiment_free(&experiment);
    return rc == 0 ? 0 : 1;
}
