/* numastat_progress.h — a progress bar on stderr for runs longer than a second, only when stderr is a terminal.
 *
 * Nothing is drawn during the first second, so short runs and pipelines stay clean; the bar is erased at the end.
 * Threads: the thread that runs the experiment.
 */
#ifndef NUMASTAT_PROGRESS_H
#define NUMASTAT_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

typedef struct numastat_progress {
    FILE *out;          /* NULL = disabled */
    double start;       /* seconds (monotonic-ish clock) */
    double total;       /* units of work (e.g. world-steps of every policy) */
    double last_draw;
    int drawn;
} numastat_progress;

/* Enable only if `wanted` and `out` is a terminal. */
void numastat_progress_begin(numastat_progress *progress, FILE *out, int wanted, double total);
/* Report `done` units; draws at most 10 times per second, and only after the first second. */
void numastat_progress_update(numastat_progress *progress, double done, const char *label);
/* Erase the bar if one was drawn. */
void numastat_progress_end(numastat_progress *progress);
/* Render "[#####-----]  42% label 3.1s" into buf (width = bar cells). Returns the length written. Pure. */
int numastat_progress_format(char *buf, size_t size, double fraction, double elapsed, int width, const char *label);
/* Seconds from a steady clock. */
double numastat_now(void);

#endif
