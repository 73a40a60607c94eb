/* numastat_report.c — derivations and the table / CSV / JSON writers of tools/numastat (see numastat_report.h). */
#include "numastat_report.h"

#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------------------------
 * Derivations
 * ------------------------------------------------------------------------------------------------------------- */

static int node_known(int node, int node_count) { return node >= 0 && node < node_count; }

uint64_t numastat_world_local_pages(const numastat_world_row *row, int node_count)
{
    if (row == NULL || !node_known(row->node, node_count)) {
        return 0;
    }
    return row->pages_on_node[row->node];
}

uint64_t numastat_world_placed_pages(const numastat_world_row *row, int node_count)
{
    uint64_t sum = 0;
    if (row == NULL || node_count < 1 || node_count > NUMASTAT_MAX_NODES) {
        return 0;
    }
    for (int n = 0; n < node_count; n++) {
        sum += row->pages_on_node[n];
    }
    return sum;
}

double numastat_world_local_fraction(const numastat_world_row *row, int node_count)
{
    uint64_t placed = numastat_world_placed_pages(row, node_count);
    if (placed == 0 || !node_known(row->node, node_count)) {
        return NAN;
    }
    return (double)numastat_world_local_pages(row, node_count) / (double)placed;
}

int numastat_report_check(const numastat_report *report, char *message, size_t message_size)
{
    char scratch[8];
    if (message == NULL || message_size == 0) {
        message = scratch;
        message_size = sizeof scratch;
    }
    message[0] = '\0';
    if (report == NULL) {
        snprintf(message, message_size, "report is NULL");
        return -1;
    }
    if (report->node_count < 1 || report->node_count > NUMASTAT_MAX_NODES) {
        snprintf(message, message_size, "node count %d out of range 1..%d", report->node_count, NUMASTAT_MAX_NODES);
        return -1;
    }
    if (report->page_size == 0) {
        snprintf(message, message_size, "page size is 0");
        return -1;
    }
    if (report->run_count < 0 || (report->run_count > 0 && report->runs == NULL)) {
        snprintf(message, message_size, "no runs array for %d runs", report->run_count);
        return -1;
    }
    for (int r = 0; r < report->run_count; r++) {
        const numastat_run *run = &report->runs[r];
        if (run->world_count < 0 || (run->world_count > 0 && run->worlds == NULL)) {
            snprintf(message, message_size, "run %d: no worlds array for %d worlds", r, run->world_count);
            return -1;
        }
        for (int w = 0; w < run->world_count; w++) {
            int node = run->worlds[w].node;
            if (node < -1 || node >= report->node_count) {
                snprintf(message, message_size, "run %d world %d: node %d out of range", r, w, node);
                return -1;
            }
        }
    }
    return 0;
}

static int run_index_ok(const numastat_report *report, int run)
{
    return numastat_report_check(report, NULL, 0) == 0 && run >= 0 && run < report->run_count;
}

int numastat_node_totals_compute(const numastat_report *report, int run, numastat_node_totals *out)
{
    if (out == NULL || !run_index_ok(report, run)) {
        return -1;
    }
    int nodes = report->node_count;
    memset(out, 0, sizeof(*out) * (size_t)nodes);
    const numastat_run *r = &report->runs[run];
    for (int w = 0; w < r->world_count; w++) {
        const numastat_world_row *row = &r->worlds[w];
        for (int n = 0; n < nodes; n++) {
            uint64_t pages = row->pages_on_node[n];
            out[n].total_pages += pages;
            if (!node_known(row->node, nodes)) {
                continue;
            }
            if (n == row->node) {
                out[n].local_pages += pages;
            } else {
                out[n].remote_pages += pages;
                out[row->node].foreign_pages += pages;
            }
        }
    }
    return 0;
}

int numastat_report_local_run(const numastat_report *report)
{
    if (report == NULL || report->runs == NULL) {
        return -1;
    }
    for (int r = 0; r < report->run_count; r++) {
        if (strcmp(report->runs[r].policy, "local") == 0) {
            return r;
        }
    }
    return -1;
}

/* Standard deviation / mean of the finite, positive per-world step rates; NaN with fewer than two. */
static double run_rate_spread(const numastat_run *run)
{
    double sum = 0.0, squares = 0.0;
    int n = 0;
    for (int w = 0; w < run->world_count; w++) {
        double x = run->worlds[w].steps_per_second;
        if (isfinite(x) && x > 0.0) {
            sum += x;
            squares += x * x;
            n++;
        }
    }
    if (n < 2) {
        return NAN;
    }
    double mean = sum / n, variance = (squares - n * mean * mean) / (n - 1);
    return sqrt(variance > 0.0 ? variance : 0.0) / mean;
}

int numastat_report_page_nodes(const numastat_report *report)
{
    if (numastat_report_check(report, NULL, 0) != 0) {
        return 0;
    }
    int nodes = 0;
    for (int n = 0; n < report->node_count; n++) {
        int holds = 0;
        for (int r = 0; r < report->run_count && !holds; r++) {
            for (int w = 0; w < report->runs[r].world_count && !holds; w++) {
                holds = report->runs[r].worlds[w].pages_on_node[n] > 0;
            }
        }
        nodes += holds;
    }
    return nodes;
}

static double run_throughput(const numastat_run *run)
{
    if (!(run->seconds > 0.0)) {
        return NAN;
    }
    return (double)run->world_count * (double)run->steps / run->seconds;
}

int numastat_run_summary_compute(const numastat_report *report, int run, numastat_run_summary *out)
{
    if (out == NULL || !run_index_ok(report, run)) {
        return -1;
    }
    memset(out, 0, sizeof(*out));
    int nodes = report->node_count;
    const numastat_run *r = &report->runs[run];
    int has_worker[NUMASTAT_MAX_NODES] = {0};
    for (int w = 0; w < r->world_count; w++) {
        const numastat_world_row *row = &r->worlds[w];
        for (int n = 0; n < nodes; n++) {
            out->pages_on_node[n] += row->pages_on_node[n];
        }
        out->pages_total += numastat_world_placed_pages(row, nodes);
        out->pages_local += numastat_world_local_pages(row, nodes);
        out->pages_unplaced += row->pages_unplaced;
        if (node_known(row->node, nodes)) {
            has_worker[row->node] = 1;
        }
        if (row->peak_bytes > out->peak_bytes_max) {
            out->peak_bytes_max = row->peak_bytes;
        }
        if (row->frame_high_water > out->frame_high_water_max) {
            out->frame_high_water_max = row->frame_high_water;
        }
    }
    for (int n = 0; n < nodes; n++) {
        out->nodes_with_workers += has_worker[n];
    }
    out->local_fraction = out->pages_total > 0 ? (double)out->pages_local / (double)out->pages_total : NAN;
    out->world_steps_per_second = run_throughput(r);
    int local = numastat_report_local_run(report);
    double base = local >= 0 ? run_throughput(&report->runs[local]) : NAN;
    out->slowdown_vs_local = base / out->world_steps_per_second; /* NaN propagates when either is missing */
    out->rate_spread = run_rate_spread(r);
    double local_spread = local >= 0 ? run_rate_spread(&report->runs[local]) : NAN;
    out->noise_vs_local = isnan(out->rate_spread) || isnan(local_spread) ? NAN : fmax(out->rate_spread, local_spread);
    if (local >= 0 && run != local && isfinite(out->slowdown_vs_local)) {
        out->within_noise = numastat_report_page_nodes(report) <= 1 || isnan(out->noise_vs_local) ||
                            fabs(out->slowdown_vs_local - 1.0) <= out->noise_vs_local;
    }
    return 0;
}

int numastat_report_warnings(const numastat_report *report, char (*lines)[NUMASTAT_WARNING_MAX], int capacity)
{
    if (numastat_report_check(report, NULL, 0) != 0 || numastat_report_local_run(report) < 0) {
        return 0;
    }
    int count = 0;
    int one_node = numastat_report_page_nodes(report) <= 1;
    for (int r = 0; r < report->run_count; r++) {
        numastat_run_summary s;
        numastat_run_summary_compute(report, r, &s);
        if (!s.within_noise) {
            continue;
        }
        char line[NUMASTAT_WARNING_MAX];
        if (one_node) {
            snprintf(line, sizeof line,
                     "warning: every page of every run is on one NUMA node (%s), so the slowdowns between policies "
                     "are timing noise, not a cost of the policy",
                     report->node_count < 2 ? "this machine has one" : "binding simulated");
        } else if (isnan(s.noise_vs_local)) {
            snprintf(line, sizeof line,
                     "warning: %s: slowdown %.3fx from a single run with fewer than 2 timed worlds: its noise is "
                     "unknown, so it is not a measured cost",
                     report->runs[r].policy, s.slowdown_vs_local);
        } else {
            snprintf(line, sizeof line,
                     "warning: %s: slowdown %.3fx is within the noise of a single run (identical worlds' step rates "
                     "spread +-%.1f%%): not a measured cost",
                     report->runs[r].policy, s.slowdown_vs_local, 100.0 * s.noise_vs_local);
        }
        if (lines != NULL && count < capacity) {
            memcpy(lines[count], line, sizeof line);
        }
        count++;
        if (one_node) {
            break; /* one line says it for every run */
        }
    }
    return count;
}

int numastat_format_parse(const char *name, numastat_format *out)
{
    static const char *const names[] = {"table", "csv", "json"};
    if (name == NULL || out == NULL) {
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (numastat_format)i;
            return 0;
        }
    }
    return -1;
}

/* ---------------------------------------------------------------------------------------------------------------
 * Table: aligned like numactl's numastat (a label column, then one right-aligned column per node and a total)
 * ------------------------------------------------------------------------------------------------------------- */

#define LABEL_W 16
#define COL_W 16

static void table_rule(FILE *out, int columns)
{
    fprintf(out, "%*s", LABEL_W, "");
    for (int c = 0; c < columns; c++) {
        fputc(' ', out);
        for (int i = 0; i < COL_W - 1; i++) {
            fputc('-', out);
        }
    }
    fputc('\n', out);
}

static void table_node_row(FILE *out, const char *label, const uint64_t *values, int nodes)
{
    uint64_t total = 0;
    fprintf(out, "%-*s", LABEL_W, label);
    for (int n = 0; n < nodes; n++) {
        fprintf(out, "%*llu", COL_W, (unsigned long long)values[n]);
        total += values[n];
    }
    fprintf(out, "%*llu\n", COL_W, (unsigned long long)total);
}

/* A percentage with one decimal, or "-" when undefined. */
static void format_percent(char *buf, size_t size, double fraction)
{
    if (isnan(fraction)) {
        snprintf(buf, size, "-");
    } else {
        snprintf(buf, size, "%.1f", fraction * 100.0);
    }
}

static void format_number(char *buf, size_t size, double value, int decimals)
{
    if (isnan(value) || isinf(value)) {
        snprintf(buf, size, "-");
    } else {
        snprintf(buf, size, "%.*f", decimals, value);
    }
}

static void table_run_nodes(FILE *out, const numastat_report *report, int run)
{
    int nodes = report->node_count;
    numastat_node_totals totals[NUMASTAT_MAX_NODES];
    uint64_t values[NUMASTAT_MAX_NODES];
    char label[32];
    numastat_node_totals_compute(report, run, totals);

    snprintf(label, sizeof label, "Pages (%zu KiB)", report->page_size / 1024);
    fprintf(out, "%-*s", LABEL_W, label);
    for (int n = 0; n < nodes; n++) {
        char head[24];
        snprintf(head, sizeof head, "Node %d", n);
        fprintf(out, "%*s", COL_W, head);
    }
    fprintf(out, "%*s\n", COL_W, "Total");
    table_rule(out, nodes + 1);
    static const char *const names[] = {"local", "remote", "foreign", "total"};
    for (int k = 0; k < 4; k++) {
        for (int n = 0; n < nodes; n++) {
            const uint64_t per[4] = {totals[n].local_pages, totals[n].remote_pages, totals[n].foreign_pages,
                                     totals[n].total_pages};
            values[n] = per[k];
        }
        table_node_row(out, names[k], values, nodes);
    }
}

static void table_run_worlds(FILE *out, const numastat_report *report, int run)
{
    const numastat_run *r = &report->runs[run];
    int nodes = report->node_count;
    fprintf(out, "%5s %6s %4s %4s", "world", "worker", "core", "node");
    for (int n = 0; n < nodes; n++) {
        char head[24];
        snprintf(head, sizeof head, "KiB node%d", n);
        fprintf(out, " %11s", head);
    }
    fprintf(out, " %12s %7s %11s %10s %10s\n", "KiB unplaced", "local%", "steps/s", "peak KiB", "frame KiB");
    for (int w = 0; w < r->world_count; w++) {
        const numastat_world_row *row = &r->worlds[w];
        char pct[16], rate[32];
        format_percent(pct, sizeof pct, numastat_world_local_fraction(row, nodes));
        format_number(rate, sizeof rate, row->steps_per_second, 1);
        fprintf(out, "%5d %6d %4d %4d", row->world, row->worker, row->core, row->node);
        for (int n = 0; n < nodes; n++) {
            fprintf(out, " %11llu", (unsigned long long)(row->pages_on_node[n] * report->page_size / 1024));
        }
        fprintf(out, " %12llu %7s %11s %10zu %10zu\n", (unsigned long long)(row->pages_unplaced * report->page_size / 1024),
                pct, rate,
                row->peak_bytes / 1024, row->frame_high_water / 1024);
    }
}

static void table_summary(FILE *out, const numastat_report *report)
{
    fprintf(out, "%-12s %-9s %-8s %7s %7s %14s %7s %11s %8s %9s\n", "policy", "placement", "backend", "workers",
            "w-nodes", "world-steps/s", "local%", "slowdown", "spread", "unplaced");
    for (int r = 0; r < report->run_count; r++) {
        const numastat_run *run = &report->runs[r];
        numastat_run_summary s;
        char pct[16], rate[32], slow[32], spread[24];
        numastat_run_summary_compute(report, r, &s);
        format_percent(pct, sizeof pct, s.local_fraction);
        format_number(rate, sizeof rate, s.world_steps_per_second, 1);
        format_number(slow, sizeof slow, s.slowdown_vs_local, 3);
        if (strcmp(slow, "-") != 0) {
            strncat(slow, s.within_noise ? "x~" : "x", sizeof slow - strlen(slow) - 1);
        }
        if (isnan(s.rate_spread)) {
            snprintf(spread, sizeof spread, "-");
        } else {
            snprintf(spread, sizeof spread, "+-%.1f%%", 100.0 * s.rate_spread);
        }
        fprintf(out, "%-12s %-9s %-8s %7d %7d %14s %7s %11s %8s %9llu\n", run->policy, run->placement, run->backend,
                run->workers, s.nodes_with_workers, rate, pct, slow, spread, (unsigned long long)s.pages_unplaced);
    }
    char lines[NUMASTAT_MAX_NODES][NUMASTAT_WARNING_MAX];
    int warnings = numastat_report_warnings(report, lines, NUMASTAT_MAX_NODES);
    if (warnings > 0) {
        fputs("(spread: of the worlds' own steps/s in the run; x~: within the noise, see below)\n", out);
    }
    for (int i = 0; i < warnings && i < NUMASTAT_MAX_NODES; i++) {
        fprintf(out, "%s\n", lines[i]);
    }
}

int numastat_write_table(FILE *out, const numastat_report *report)
{
    if (out == NULL || numastat_report_check(report, NULL, 0) != 0) {
        return -1;
    }
    const numastat_run *first = report->run_count > 0 ? &report->runs[0] : NULL;
    fprintf(out, "numastat: %d worlds of %s, %d steps each; topology %s, %d NUMA node%s, %zu KiB pages\n",
            first ? first->world_count : 0, first ? first->scene : "-", first ? first->steps : 0, report->topology,
            report->node_count, report->node_count == 1 ? "" : "s", report->page_size / 1024);
    for (int r = 0; r < report->run_count; r++) {
        const numastat_run *run = &report->runs[r];
        fprintf(out, "\n== policy %s, placement %s, backend %s, %d workers ==\n", run->policy, run->placement,
                run->backend, run->workers);
        if (run->note[0] != '\0') {
            fprintf(out, "note: %s\n", run->note);
        }
        table_run_nodes(out, report, r);
        fputc('\n', out);
        table_run_worlds(out, report, r);
    }
    fprintf(out, "\n== summary (slowdown = local's world-steps/s / this policy's) ==\n");
    table_summary(out, report);
    return ferror(out) ? -1 : 0;
}

/* ---------------------------------------------------------------------------------------------------------------
 * CSV: one header, one row per world, per node and per run (column `record` says which); n/a fields are empty.
 * ------------------------------------------------------------------------------------------------------------- */

static void csv_text(FILE *out, const char *text)
{
    if (strpbrk(text, ",\"\n\r") == NULL) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (const char *p = text; *p; p++) {
        if (*p == '"') {
            fputc('"', out);
        }
        fputc(*p, out);
    }
    fputc('"', out);
}

static void csv_double(FILE *out, double value)
{
    if (!isnan(value) && !isinf(value)) {
        fprintf(out, "%.9g", value);
    }
}

static void csv_prefix(FILE *out, const char *record, const numastat_run *run)
{
    fprintf(out, "%s,", record);
    csv_text(out, run->policy);
    fputc(',', out);
    csv_text(out, run->placement);
    fputc(',', out);
    csv_text(out, run->backend);
    fputc(',', out);
    csv_text(out, run->scene);
    fprintf(out, ",%d,%d,%d", run->workers, run->world_count, run->steps);
}

static void csv_empty(FILE *out, int count)
{
    for (int i = 0; i < count; i++) {
        fputc(',', out);
    }
}

static void csv_world_rows(FILE *out, const numastat_report *report, const numastat_run *run)
{
    int nodes = report->node_count;
    for (int w = 0; w < run->world_count; w++) {
        const numastat_world_row *row = &run->worlds[w];
        uint64_t placed = numastat_world_placed_pages(row, nodes);
        uint64_t local = numastat_world_local_pages(row, nodes);
        csv_prefix(out, "world", run);
        fprintf(out, ",%d,%d,%d,%d,%llu,", row->world, row->worker, row->core, row->node,
                (unsigned long long)local);
        if (row->node >= 0) {
            fprintf(out, "%llu", (unsigned long long)(placed - local));
        }
        fprintf(out, ",,%llu", (unsigned long long)row->pages_unplaced);
        for (int n = 0; n < nodes; n++) {
            fprintf(out, ",%llu", (unsigned long long)row->pages_on_node[n]);
        }
        fprintf(out, ",%zu,%llu,", report->page_size, (unsigned long long)(placed * report->page_size));
        csv_double(out, numastat_world_local_fraction(row, nodes));
        fputc(',', out);
        csv_double(out, row->steps_per_second);
        fprintf(out, ",%zu,%zu,,,,\n", row->peak_bytes, row->frame_high_water);
    }
}

static void csv_node_rows(FILE *out, const numastat_report *report, int r)
{
    int nodes = report->node_count;
    numastat_node_totals totals[NUMASTAT_MAX_NODES];
    numastat_node_totals_compute(report, r, totals);
    for (int n = 0; n < nodes; n++) {
        csv_prefix(out, "node", &report->runs[r]);
        fprintf(out, ",,,,%d,%llu,%llu,%llu,", n, (unsigned long long)totals[n].local_pages,
                (unsigned long long)totals[n].remote_pages, (unsigned long long)totals[n].foreign_pages);
        for (int k = 0; k < nodes; k++) {
            fputc(',', out);
            if (k == n) {
                fprintf(out, "%llu", (unsigned long long)totals[n].total_pages);
            }
        }
        fprintf(out, ",%zu,%llu", report->page_size, (unsigned long long)(totals[n].total_pages * report->page_size));
        csv_empty(out, 8);
        fputc('\n', out);
    }
}

static void csv_summary_row(FILE *out, const numastat_report *report, int r)
{
    int nodes = report->node_count;
    numastat_run_summary s;
    numastat_run_summary_compute(report, r, &s);
    csv_prefix(out, "summary", &report->runs[r]);
    fprintf(out, ",,,,,%llu,%llu,,%llu", (unsigned long long)s.pages_local,
            (unsigned long long)(s.pages_total - s.pages_local), (unsigned long long)s.pages_unplaced);
    for (int n = 0; n < nodes; n++) {
        fprintf(out, ",%llu", (unsigned long long)s.pages_on_node[n]);
    }
    fprintf(out, ",%zu,%llu,", report->page_size, (unsigned long long)(s.pages_total * report->page_size));
    csv_double(out, s.local_fraction);
    fprintf(out, ",,%zu,%zu,", s.peak_bytes_max, s.frame_high_water_max);
    csv_double(out, s.world_steps_per_second);
    fputc(',', out);
    csv_double(out, s.slowdown_vs_local);
    fputc(',', out);
    csv_double(out, s.rate_spread);
    fprintf(out, ",%d\n", s.within_noise);
}

int numastat_write_csv(FILE *out, const numastat_report *report)
{
    if (out == NULL || numastat_report_check(report, NULL, 0) != 0) {
        return -1;
    }
    fputs("record,policy,placement,backend,scene,workers,worlds,steps,world,worker,core,node,local_pages,remote_pages,"
          "foreign_pages,"
          "unplaced_pages",
          out);
    for (int n = 0; n < report->node_count; n++) {
        fprintf(out, ",pages_node%d", n);
    }
    fputs(",page_size,bytes,local_fraction,steps_per_second,peak_bytes,frame_high_water,world_steps_per_second,"
          "slowdown_vs_local,rate_spread,within_noise\n",
          out);
    for (int r = 0; r < report->run_count; r++) {
        csv_world_rows(out, report, &report->runs[r]);
        csv_node_rows(out, report, r);
        csv_summary_row(out, report, r);
    }
    return ferror(out) ? -1 : 0;
}

/* ---------------------------------------------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------------------------------------------- */

static void json_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\') {
            fprintf(out, "\\%c", *p);
        } else if (*p < 0x20) {
            fprintf(out, "\\u%04x", *p);
        } else {
            fputc(*p, out);
        }
    }
    fputc('"', out);
}

static void json_double(FILE *out, double value)
{
    if (isnan(value) || isinf(value)) {
        fputs("null", out);
    } else {
        fprintf(out, "%.9g", value);
    }
}

static void json_u64_array(FILE *out, const uint64_t *values, int count, uint64_t scale)
{
    fputc('[', out);
    for (int i = 0; i < count; i++) {
        fprintf(out, "%s%llu", i ? ", " : "", (unsigned long long)(values[i] * scale));
    }
    fputc(']', out);
}

static void json_world(FILE *out, const numastat_report *report, const numastat_world_row *row, int last)
{
    int nodes = report->node_count;
    fprintf(out, "        {\"world\": %d, \"worker\": %d, \"core\": %d, \"node\": %d, \"pages_per_node\": ", row->world,
            row->worker, row->core, row->node);
    json_u64_array(out, row->pages_on_node, nodes, 1);
    fputs(", \"bytes_per_node\": ", out);
    json_u64_array(out, row->pages_on_node, nodes, report->page_size);
    fprintf(out, ", \"unplaced_pages\": %llu, \"local_fraction\": ", (unsigned long long)row->pages_unplaced);
    json_double(out, numastat_world_local_fraction(row, nodes));
    fputs(", \"steps_per_second\": ", out);
    json_double(out, row->steps_per_second);
    fprintf(out, ", \"peak_bytes\": %zu, \"frame_high_water\": %zu}%s\n", row->peak_bytes, row->frame_high_water,
            last ? "" : ",");
}

static void json_run(FILE *out, const numastat_report *report, int r, int last)
{
    const numastat_run *run = &report->runs[r];
    numastat_run_summary s;
    numastat_node_totals totals[NUMASTAT_MAX_NODES];
    numastat_run_summary_compute(report, r, &s);
    numastat_node_totals_compute(report, r, totals);
    fputs("    {\"policy\": ", out);
    json_string(out, run->policy);
    fputs(", \"placement\": ", out);
    json_string(out, run->placement);
    fputs(", \"backend\": ", out);
    json_string(out, run->backend);
    fputs(", \"scene\": ", out);
    json_string(out, run->scene);
    fprintf(out, ",\n     \"workers\": %d, \"worlds\": %d, \"steps\": %d, \"seconds\": ", run->workers,
            run->world_count, run->steps);
    json_double(out, run->seconds);
    fputs(", \"world_steps_per_second\": ", out);
    json_double(out, s.world_steps_per_second);
    fputs(", \"local_fraction\": ", out);
    json_double(out, s.local_fraction);
    fputs(", \"slowdown_vs_local\": ", out);
    json_double(out, s.slowdown_vs_local);
    fputs(", \"rate_spread\": ", out);
    json_double(out, s.rate_spread);
    fprintf(out, ", \"within_noise\": %s", s.within_noise ? "true" : "false");
    fputs(", \"note\": ", out);
    json_string(out, run->note);
    fprintf(out, ", \"worker_nodes\": %d, \"unplaced_pages\": %llu,\n     \"nodes\": [", s.nodes_with_workers,
            (unsigned long long)s.pages_unplaced);
    for (int n = 0; n < report->node_count; n++) {
        fprintf(out, "%s{\"node\": %d, \"local_pages\": %llu, \"remote_pages\": %llu, \"foreign_pages\": %llu, "
                     "\"total_pages\": %llu}",
                n ? ", " : "", n, (unsigned long long)totals[n].local_pages,
                (unsigned long long)totals[n].remote_pages, (unsigned long long)totals[n].foreign_pages,
                (unsigned long long)totals[n].total_pages);
    }
    fputs("],\n     \"world_rows\": [\n", out);
    for (int w = 0; w < run->world_count; w++) {
        json_world(out, report, &run->worlds[w], w == run->world_count - 1);
    }
    fprintf(out, "     ]}%s\n", last ? "" : ",");
}

int numastat_write_json(FILE *out, const numastat_report *report)
{
    if (out == NULL || numastat_report_check(report, NULL, 0) != 0) {
        return -1;
    }
    fprintf(out, "{\"tool\": \"numastat\", \"node_count\": %d, \"page_size\": %zu, \"topology\": ", report->node_count,
            report->page_size);
    json_string(out, report->topology);
    fputs(",\n  \"runs\": [\n", out);
    for (int r = 0; r < report->run_count; r++) {
        json_run(out, report, r, r == report->run_count - 1);
    }
    fputs("  ],\n  \"warnings\": [", out);
    char lines[NUMASTAT_MAX_NODES][NUMASTAT_WARNING_MAX];
    int warnings = numastat_report_warnings(report, lines, NUMASTAT_MAX_NODES);
    for (int i = 0; i < warnings && i < NUMASTAT_MAX_NODES; i++) {
        fputs(i ? ",\n    " : "\n    ", out);
        json_string(out, lines[i]);
    }
    fputs(warnings > 0 ? "\n  ]\n}\n" : "]\n}\n", out);
    return ferror(out) ? -1 : 0;
}

int numastat_write(FILE *out, const numastat_report *report, numastat_format format)
{
    switch (format) {
    case NUMASTAT_FORMAT_TABLE:
        return numastat_write_table(out, report);
    case NUMASTAT_FORMAT_CSV:
        return numastat_write_csv(out, report);
    case NUMASTAT_FORMAT_JSON:
        return numastat_write_json(out, report);
    }
    return -1;
}
