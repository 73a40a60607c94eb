/* numastat_plot.c — gnuplot driver for --plot (see numastat_plot.h). */
#define _POSIX_C_SOURCE 200809L
#include "numastat_plot.h"

#include <math.h>
#include <stdio.h>
#include <sys/wait.h>

/* A gnuplot single-quoted string: '' stands for one quote. */
static void gnuplot_string(FILE *out, const char *text)
{
    fputc('\'', out);
    for (const char *p = text; *p; p++) {
        if (*p == '\'') {
            fputc('\'', out);
        }
        fputc(*p, out);
    }
    fputc('\'', out);
}

int numastat_plot_script(FILE *out, const numastat_report *report, const char *png_path)
{
    if (out == NULL || png_path == NULL || numastat_report_check(report, NULL, 0) != 0 || report->run_count < 1) {
        return -1;
    }
    const numastat_run *first = &report->runs[0];
    fputs("$data << EOD\n", out);
    for (int r = 0; r < report->run_count; r++) {
        numastat_run_summary s;
        numastat_run_summary_compute(report, r, &s);
        double rate = isnan(s.world_steps_per_second) ? 0.0 : s.world_steps_per_second;
        double pct = isnan(s.local_fraction) ? 0.0 : 100.0 * s.local_fraction;
        fprintf(out, "\"%s\" %.6g %.6g\n", report->runs[r].policy, rate, pct);
    }
    fputs("EOD\n", out);
    fputs("set terminal pngcairo size 900,420 font 'sans,10'\nset output ", out);
    gnuplot_string(out, png_path);
    fputs("\nset style fill solid 0.7 border -1\nset boxwidth 0.6\nset grid ytics\nset key off\n"
          "set xtics nomirror\nset yrange [0:*]\n",
          out);
    fprintf(out, "set multiplot layout 1,2 title '%d worlds of %s, %d workers, %s placement, %d NUMA node%s'\n",
            first->world_count, first->scene, first->workers, first->placement, report->node_count,
            report->node_count == 1 ? "" : "s");
    fputs("set title 'throughput (world-steps/s)'\n"
          "plot $data using 0:2:xtic(1) with boxes lc rgb '#4477aa'\n"
          "set title 'pages on the stepping worker''s node (%)'\nset yrange [0:105]\n"
          "plot $data using 0:3:xtic(1) with boxes lc rgb '#228833'\n"
          "unset multiplot\n",
          out);
    return ferror(out) ? -1 : 0;
}

int numastat_plot(const numastat_report *report, const char *png_path, char *message, size_t message_size)
{
    FILE *gp = popen("gnuplot 1>&2", "w");
    if (gp == NULL) {
        snprintf(message, message_size, "--plot: cannot start gnuplot");
        return -1;
    }
    int written = numastat_plot_script(gp, report, png_path);
    int status = pclose(gp);
    if (written != 0) {
        snprintf(message, message_size, "--plot: nothing to plot");
        return -1;
    }
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        int code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
        snprintf(message, message_size, "--plot: gnuplot failed (status %d%s)", code,
                 code == 127 ? ": not installed? apt-get install gnuplot-nox" : "");
        return -1;
    }
    return 0;
}
