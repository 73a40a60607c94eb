/* numastat_progress.c — progress bar on stderr (see numastat_progress.h). */
#define _POSIX_C_SOURCE 200809L
#include "numastat_progress.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

double numastat_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int numastat_progress_format(char *buf, size_t size, double fraction, double elapsed, int width, const char *label)
{
    if (buf == NULL || size == 0) {
        return 0;
    }
    if (!(fraction >= 0.0)) {
        fraction = 0.0; /* also NaN */
    }
    if (fraction > 1.0) {
        fraction = 1.0;
    }
    if (width < 1) {
        width = 1;
    }
    if (width > 100) {
        width = 100;
    }
    char bar[101];
    int filled = (int)(fraction * width + 0.5);
    memset(bar, '#', (size_t)filled);
    memset(bar + filled, '-', (size_t)(width - filled));
    bar[width] = '\0';
    int n = snprintf(buf, size, "[%s] %3d%% %s %.1fs", bar, (int)(fraction * 100.0 + 0.5), label ? label : "",
                     elapsed);
    return n < 0 ? 0 : (n >= (int)size ? (int)size - 1 : n);
}

void numastat_progress_begin(numastat_progress *progress, FILE *out, int wanted, double total)
{
    memset(progress, 0, sizeof(*progress));
    progress->out = (wanted && out != NULL && isatty(fileno(out))) ? out : NULL;
    progress->start = numastat_now();
    progress->total = total > 0.0 ? total : 1.0;
}

void numastat_progress_update(numastat_progress *progress, double done, const char *label)
{
    if (progress == NULL || progress->out == NULL) {
        return;
    }
    double now = numastat_now();
    double elapsed = now - progress->start;
    if (elapsed < 1.0 || now - progress->last_draw < 0.1) {
        return;
    }
    char line[160];
    numastat_progress_format(line, sizeof line, done / progress->total, elapsed, 30, label);
    fprintf(progress->out, "\r%s\033[K", line);
    fflush(progress->out);
    progress->last_draw = now;
    progress->drawn = 1;
}

void numastat_progress_end(numastat_progress *progress)
{
    if (progress != NULL && progress->out != NULL && progress->drawn) {
        fputs("\r\033[K", progress->out);
        fflush(progress->out);
    }
}
