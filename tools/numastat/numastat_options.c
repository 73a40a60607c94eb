/* numastat_options.c — option parsing of tools/numastat (see numastat_options.h). */
#include "numastat_options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const policy_names[] = {"local", "interleave", "first-touch", "remote", "default"};
static const char *const placement_names[] = {"compact", "scatter", "none"};
static const char *const backend_names[] = {"pthreads", "openmp"};

static int name_in(const char *name, const char *const *names, size_t count)
{
    for (size_t i = 0; name != NULL && i < count; i++) {
        if (strcmp(name, names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

int numastat_is_policy(const char *name) { return name_in(name, policy_names, 5); }
int numastat_is_placement(const char *name) { return name_in(name, placement_names, 3); }
int numastat_is_backend(const char *name) { return name_in(name, backend_names, 2); }

void numastat_options_init(numastat_options *options)
{
    memset(options, 0, sizeof(*options));
    options->worlds = 16;
    options->workers = 0;
    options->scene = "chain:16";
    options->steps = 200;
    options->backend = "pthreads";
    options->placement = "compact";
    options->policies[0] = "local";
    options->policy_count = 1;
    options->format = NUMASTAT_FORMAT_TABLE;
    options->progress = 1;
}

void numastat_print_usage(FILE *out, const char *program)
{
    fprintf(out,
            "usage: %s [options]\n"
            "Runs worlds on the world runner and reports, per NUMA node and per world, where the worlds' memory\n"
            "pages live (page-placement queries over every chunk of each world's memory manager) and what each\n"
            "memory policy costs in throughput.\n"
            "  --worlds N            worlds to create (default 16)\n"
            "  --workers P           workers (default 0 = every allowed core)\n"
            "  --scene NAME          scene of every world: pendulum, chain:N, arm7, humanoid, boxes:N (default chain:16)\n"
            "  --steps K             steps per world (default 200)\n"
            "  --backend B           pthreads | openmp (default pthreads)\n"
            "  --placement P         compact | scatter | none (default compact)\n"
            "  --policy P            local | interleave | first-touch | remote | default (default local)\n"
            "  --compare P1,P2,...   run several policies back to back on the same worlds (instead of --policy)\n"
            "  --topology DESC|FILE  hwloc synthetic description (\"package:2 [numa] core:2 pu:1\") or XML file;\n"
            "                        binding is then simulated (default: this system)\n"
            "  --format F            table | csv | json (default table)\n"
            "  --output FILE         write the report to FILE (default stdout)\n"
            "  --plot FILE.png       draw throughput and local fraction per policy with gnuplot\n"
            "  --plot-from FILE.csv  with --plot: draw an earlier CSV report (e.g. from the NUMA lab), run nothing\n"
            "  --no-progress         no progress bar (it is shown on stderr only when it is a terminal)\n"
            "  --help                this text\n"
            "Exit status: 0 done, 1 the experiment failed, 2 bad options.\n",
            program);
}

static int parse_int(const char *text, long min, long max, int *out)
{
    char *end = NULL;
    if (text == NULL || *text == '\0') {
        return -1;
    }
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max) {
        return -1;
    }
    *out = (int)value;
    return 0;
}

/* Split --compare's list into options->policies, validating each name. */
static int parse_compare(const char *list, numastat_options *o, char *message, size_t size)
{
    if (strlen(list) >= sizeof o->compare_buffer) {
        snprintf(message, size, "--compare: list too long");
        return -1;
    }
    strcpy(o->compare_buffer, list);
    o->policy_count = 0;
    char *p = o->compare_buffer;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        if (!numastat_is_policy(p)) {
            snprintf(message, size, "--compare: unknown policy '%s' (local, interleave, first-touch, remote, default)",
                     p);
            return -1;
        }
        for (int i = 0; i < o->policy_count; i++) {
            if (strcmp(o->policies[i], p) == 0) {
                snprintf(message, size, "--compare: policy '%s' given twice", p);
                return -1;
            }
        }
        if (o->policy_count == NUMASTAT_MAX_POLICIES) {
            snprintf(message, size, "--compare: at most %d policies", NUMASTAT_MAX_POLICIES);
            return -1;
        }
        o->policies[o->policy_count++] = p;
        if (comma == NULL) {
            return 0;
        }
        p = comma + 1;
    }
}

/* Apply one option that takes a value. Returns 0, or -1 with a message. */
static int apply_value(const char *name, const char *value, numastat_options *o, int *saw_policy, int *saw_compare,
                       char *message, size_t size)
{
    if (strcmp(name, "--worlds") == 0) {
        if (parse_int(value, 1, 65536, &o->worlds) == 0) return 0;
        snprintf(message, size, "--worlds: expected an integer 1..65536, got '%s'", value);
    } else if (strcmp(name, "--workers") == 0) {
        if (parse_int(value, 0, 4096, &o->workers) == 0) return 0;
        snprintf(message, size, "--workers: expected an integer 0..4096, got '%s'", value);
    } else if (strcmp(name, "--steps") == 0) {
        if (parse_int(value, 1, 100000000, &o->steps) == 0) return 0;
        snprintf(message, size, "--steps: expected an integer 1..100000000, got '%s'", value);
    } else if (strcmp(name, "--scene") == 0) {
        if (*value != '\0') { o->scene = value; return 0; }
        snprintf(message, size, "--scene: empty name");
    } else if (strcmp(name, "--backend") == 0) {
        if (numastat_is_backend(value)) { o->backend = value; return 0; }
        snprintf(message, size, "--backend: expected pthreads or openmp, got '%s'", value);
    } else if (strcmp(name, "--placement") == 0) {
        if (numastat_is_placement(value)) { o->placement = value; return 0; }
        snprintf(message, size, "--placement: expected compact, scatter or none, got '%s'", value);
    } else if (strcmp(name, "--policy") == 0) {
        *saw_policy = 1;
        if (numastat_is_policy(value)) { o->policies[0] = value; o->policy_count = 1; return 0; }
        snprintf(message, size, "--policy: expected local, interleave, first-touch, remote or default, got '%s'", value);
    } else if (strcmp(name, "--compare") == 0) {
        *saw_compare = 1;
        return parse_compare(value, o, message, size);
    } else if (strcmp(name, "--topology") == 0) {
        if (*value != '\0') { o->topology = value; return 0; }
        snprintf(message, size, "--topology: empty description");
    } else if (strcmp(name, "--format") == 0) {
        if (numastat_format_parse(value, &o->format) == 0) return 0;
        snprintf(message, size, "--format: expected table, csv or json, got '%s'", value);
    } else if (strcmp(name, "--output") == 0) {
        if (*value != '\0') { o->output = value; return 0; }
        snprintf(message, size, "--output: empty file name");
    } else if (strcmp(name, "--plot") == 0) {
        if (*value != '\0') { o->plot = value; return 0; }
        snprintf(message, size, "--plot: empty file name");
    } else if (strcmp(name, "--plot-from") == 0) {
        if (*value != '\0') { o->plot_from = value; return 0; }
        snprintf(message, size, "--plot-from: empty file name");
    } else {
        snprintf(message, size, "unknown option '%s'", name);
    }
    return -1;
}

static int takes_value(const char *name)
{
    static const char *const names[] = {"--worlds", "--workers", "--steps", "--scene", "--backend", "--placement",
                                        "--policy", "--compare", "--topology", "--format", "--output", "--plot",
                                        "--plot-from"};
    return name_in(name, names, sizeof names / sizeof names[0]);
}

int numastat_options_parse(int argc, char **argv, numastat_options *options, char *message, size_t message_size)
{
    char scratch[8];
    int saw_policy = 0, saw_compare = 0;
    if (message == NULL || message_size == 0) {
        message = scratch;
        message_size = sizeof scratch;
    }
    message[0] = '\0';
    if (options == NULL || argc < 0 || (argc > 0 && argv == NULL)) {
        snprintf(message, message_size, "internal: bad arguments to the parser");
        return -1;
    }
    numastat_options_init(options);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        char name[32];
        const char *value = NULL;
        const char *eq = strchr(arg, '=');
        size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        if (len >= sizeof name) {
            len = sizeof name - 1; /* long junk: still reported as unknown below */
        }
        memcpy(name, arg, len);
        name[len] = '\0';
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            options->help = 1;
            continue;
        }
        if (strcmp(arg, "--no-progress") == 0) {
            options->progress = 0;
            continue;
        }
        if (!takes_value(name)) {
            snprintf(message, message_size, arg[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'", arg);
            return -1;
        }
        if (eq != NULL) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            snprintf(message, message_size, "%s needs a value", name);
            return -1;
        }
        if (apply_value(name, value, options, &saw_policy, &saw_compare, message, message_size) != 0) {
            return -1;
        }
    }
    if (saw_policy && saw_compare) {
        snprintf(message, message_size, "use either --policy or --compare, not both");
        return -1;
    }
    if (options->plot_from != NULL && options->plot == NULL) {
        snprintf(message, message_size, "--plot-from needs --plot FILE.png");
        return -1;
    }
    return 0;
}
