/* numastat_options.h — command-line options of tools/numastat, parsed without global state (testable).
 *
 * numastat_options_parse() never prints and never exits: it fills the options or returns an error message; main()
 * prints the usage on stderr and exits 2. Strings in the options point into argv (not copied).
 */
#ifndef NUMASTAT_OPTIONS_H
#define NUMASTAT_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "numastat_report.h"

#define NUMASTAT_MAX_POLICIES 8

typedef struct numastat_options {
    int worlds;                                 /* --worlds N (1..65536), default 16 */
    int workers;                                /* --workers P (0 = every allowed core), default 0 */
    const char *scene;                          /* --scene NAME, default "chain:16" */
    int steps;                                  /* --steps K (1..100000000), default 200 */
    const char *backend;                        /* --backend pthreads|openmp */
    const char *placement;                      /* --placement compact|scatter|none */
    const char *policies[NUMASTAT_MAX_POLICIES];/* --policy P, or --compare P1,P2,... (validated names) */
    int policy_count;
    char compare_buffer[256];                   /* storage for the --compare names */
    const char *topology;                       /* --topology DESC|FILE, NULL = this system */
    numastat_format format;                     /* --format table|csv|json */
    const char *output;                         /* --output FILE, NULL = stdout */
    const char *plot;                           /* --plot FILE.png, NULL = none */
    const char *plot_from;                      /* --plot-from FILE.csv: plot an earlier CSV, run nothing */
    int progress;                               /* 1 = progress bar allowed (--no-progress clears) */
    int help;                                   /* --help was given */
} numastat_options;

/* Defaults as listed above. */
void numastat_options_init(numastat_options *options);
/* Parse argv[1..argc-1]. Returns 0 on success (check options->help), -1 with a one-line message on error. */
int numastat_options_parse(int argc, char **argv, numastat_options *options, char *message, size_t message_size);
/* Print the usage text. */
void numastat_print_usage(FILE *out, const char *program);

/* Name checks, shared with the experiment code. Return 1 if the name is known. */
int numastat_is_policy(const char *name);
int numastat_is_placement(const char *name);
int numastat_is_backend(const char *name);

#endif
