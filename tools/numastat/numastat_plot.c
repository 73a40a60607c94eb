/* numastat_plot.c — gnuplot driver for --plot and the CSV reader of --plot-from (see numastat_plot.h). */
#define _POSIX_C_SOURCE 200809L
#include "numastat_plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define PLOT_MAX_POINTS ((int)(sizeof(((numastat_plot_data *)0)->points) / sizeof(numastat_plot_point)))

int numastat_plot_data_from_report(const numastat_report *report, numastat_plot_data *out)
{
    if (out == NULL || numastat_report_check(report, NULL, 0) != 0 || report->run_count < 1) {
        return -1;
    }
    memset(out, 0, sizeof(*out));
    for (int r = 0; r < report->run_count && out->count < PLOT_MAX_POINTS; r++) {
        numastat_run_summary s;
        numastat_plot_point *p = &out->points[out->count++];
        numastat_run_summary_compute(report, r, &s);
        snprintf(p->policy, sizeof p->policy, "%s", report->runs[r].policy);
        p->world_steps_per_second = s.world_steps_per_second;
        p->local_fraction = s.local_fraction;
    }
    const numastat_run *first = &report->runs[0];
    snprintf(out->title, sizeof out->title, "%d worlds of %s, %d workers, %s placement, %s, %d NUMA node%s",
             first->world_count, first->scene, first->workers, first->placement, first->backend, report->node_count,
             report->node_count == 1 ? "" : "s");
    return 0;
}

/* ---------------------------------------------------------------------------------------------------------------
 * Reading numastat's own CSV back (quoted fields with "" escapes; one record per line)
 * ------------------------------------------------------------------------------------------------------------- */

#define CSV_FIELDS 96

/* Split `line` in place; returns the field count. */
static int csv_split(char *line, char **fields)
{
    int count = 0;
    char *p = line;
    for (;;) {
        char *start = p, *out = p;
        if (*p == '"') {
            for (p++; *p != '\0' && !(*p == '"' && p[1] != '"'); p++) {
                if (*p == '"') {
                    p++;
                }
                *out++ = *p;
            }
            if (*p == '"') {
                p++;
            }
        } else {
            while (*p != ',' && *p != '\n' && *p != '\r' && *p != '\0') {
                *out++ = *p++;
            }
        }
        char end = *p;
        *out = '\0';
        if (count < CSV_FIELDS) {
            fields[count++] = start;
        }
        if (end != ',') {
            return count;
        }
        p++;
    }
}

static int column(char **header, int count, const char *name)
{
    for (int i = 0; i < count; i++) {
        if (strcmp(header[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

static double number_or_nan(const char *text)
{
    char *end = NULL;
    double value = strtod(text, &end);
    return (end == text) ? NAN : value;
}

int numastat_plot_data_from_csv(FILE *in, numastat_plot_data *out, char *message, size_t message_size)
{
    char head_line[4096], line[4096];
    char *head[CSV_FIELDS], *f[CSV_FIELDS];
    if (in == NULL || out == NULL || fgets(head_line, sizeof head_line, in) == NULL) {
        snprintf(message, message_size, "--plot-from: empty or unreadable file");
        return -1;
    }
    memset(out, 0, sizeof(*out));
    int heads = csv_split(head_line, head), nodes = 0;
    int c_record = column(head, heads, "record"), c_policy = column(head, heads, "policy");
    int c_rate = column(head, heads, "world_steps_per_second"), c_local = column(head, heads, "local_fraction");
    int c_scene = column(head, heads, "scene"), c_place = column(head, heads, "placement");
    int c_workers = column(head, heads, "workers"), c_worlds = column(head, heads, "worlds");
    int c_backend = column(head, heads, "backend");
    if (c_record < 0 || c_policy < 0 || c_rate < 0 || c_local < 0 || c_scene < 0 || c_place < 0 || c_workers < 0 ||
        c_worlds < 0 || c_backend < 0) {
        snprintf(message, message_size, "--plot-from: not a numastat CSV (header lacks a column numastat writes)");
        return -1;
    }
    for (int i = 0; i < heads; i++) {
        nodes += strncmp(head[i], "pages_node", 10) == 0;
    }
    while (fgets(line, sizeof line, in) != NULL) {
        int n = csv_split(line, f);
        if (n != heads || strcmp(f[c_record], "summary") != 0 || out->count == PLOT_MAX_POINTS) {
            continue;
        }
        numastat_plot_point *p = &out->points[out->count++];
        snprintf(p->policy, sizeof p->policy, "%s", f[c_policy]);
        p->world_steps_per_second = number_or_nan(f[c_rate]);
        p->local_fraction = number_or_nan(f[c_local]);
        if (out->count == 1) {
            snprintf(out->title, sizeof out->title, "%s worlds of %s, %s workers, %s placement, %s, %d NUMA node%s",
                     f[c_worlds], f[c_scene], f[c_workers], f[c_place], f[c_backend], nodes, nodes == 1 ? "" : "s");
        }
    }
    if (out->count == 0) {
        snprintf(message, message_size, "--plot-from: no summary rows");
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------------------------
 * gnuplot
 * ------------------------------------------------------------------------------------------------------------- */

/* A gnuplot single-quoted string: '' stands for one quote. */
static void gnuplot_string(FILE *out, const char *text)
{
    fputc('\'', out);
    for (const char *p = text; *p; p++) {
        if (*p == '\'') {
            fputc('\'', out);
        }
        if (*p != '\n' && *p != '\r') {
            fputc(*p, out);
        }
    }
    fputc('\'', out);
}

int numastat_plot_script(FILE *out, const numastat_plot_data *data, const char *png_path)
{
    if (out == NULL || data == NULL || png_path == NULL || data->count < 1 || data->count > PLOT_MAX_POINTS) {
        return -1;
    }
    fputs("$data << EOD\n", out);
    for (int i = 0; i < data->count; i++) {
        const numastat_plot_point *p = &data->points[i];
        double rate = isnan(p->world_steps_per_second) ? 0.0 : p->world_steps_per_second;
        double pct = isnan(p->local_fraction) ? 0.0 : 100.0 * p->local_fraction;
        fputs("\"", out);
        for (const char *c = p->policy; *c; c++) {
            fputc(*c == '"' || *c == '\n' ? '_' : *c, out);
        }
        fprintf(out, "\" %.6g %.6g\n", rate, pct);
    }
    fputs("EOD\n", out);
    fputs("set terminal pngcairo size 900,420 font 'sans,10'\nset output ", out);
    gnuplot_string(out, png_path);
    fputs("\nset style fill solid 0.7 border -1\nset boxwidth 0.6\nset grid ytics\nset key off\n"
          "set xtics nomirror\nset yrange [0:*]\nset multiplot layout 1,2 title ",
          out);
    gnuplot_string(out, data->title);
    fputs("\nset title 'throughput (world-steps/s)'\n"
          "plot $data using 0:2:xtic(1) with boxes lc rgb '#4477aa'\n"
          "set title 'pages on the stepping worker''s node (%)'\nset yrange [0:105]\n"
          "plot $data using 0:3:xtic(1) with boxes lc rgb '#228833'\n"
          "unset multiplot\n",
          out);
    return ferror(out) ? -1 : 0;
}

int numastat_plot(const numastat_plot_data *data, const char *png_path, char *message, size_t message_size)
{
    /* gnuplot's own messages go to stderr, never into a report written to stdout. */
    FILE *gp = popen("gnuplot 1>&2", "w");
    if (gp == NULL) {
        snprintf(message, message_size, "--plot: cannot start gnuplot");
        return -1;
    }
    int written = numastat_plot_script(gp, data, png_path);
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
