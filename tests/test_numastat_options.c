/* tools/numastat option parsing: defaults, every option in both spellings, --compare lists, and argument errors
 * (the program turns every error into the usage text on stderr and exit status 2), plus the progress bar text. */
#include "test_support.h"

#include <string.h>

#include "numastat_options.h"
#include "numastat_progress.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int parse(int argc, char **argv, numastat_options *o, char *message)
{
    return numastat_options_parse(argc, argv, o, message, 256);
}

static void test_defaults(void **state)
{
    (void)state;
    numastat_options o;
    char message[256];
    char *argv[] = {"numastat"};
    assert_int_equal(parse(ARGC(argv), argv, &o, message), 0);
    assert_int_equal(o.worlds, 16);
    assert_int_equal(o.workers, 0);
    assert_int_equal(o.steps, 200);
    assert_string_equal(o.scene, "chain:16");
    assert_string_equal(o.backend, "pthreads");
    assert_string_equal(o.placement, "compact");
    assert_int_equal(o.policy_count, 1);
    assert_string_equal(o.policies[0], "local");
    assert_null(o.topology);
    assert_null(o.output);
    assert_null(o.plot);
    assert_int_equal(o.format, NUMASTAT_FORMAT_TABLE);
    assert_int_equal(o.progress, 1);
    assert_int_equal(o.help, 0);
}

static void test_every_option(void **state)
{
    (void)state;
    numastat_options o;
    char message[256];
    char *argv[] = {"numastat", "--worlds", "64", "--workers=2", "--scene", "humanoid", "--steps=50",
                    "--backend", "openmp", "--placement=scatter", "--policy", "remote",
                    "--topology", "package:2 [numa] core:2 pu:1", "--format=csv", "--output", "out.csv",
                    "--plot=p.png", "--no-progress", "--plot-from", "old.csv"};
    assert_int_equal(parse(ARGC(argv), argv, &o, message), 0);
    assert_int_equal(o.worlds, 64);
    assert_int_equal(o.workers, 2);
    assert_string_equal(o.scene, "humanoid");
    assert_int_equal(o.steps, 50);
    assert_string_equal(o.backend, "openmp");
    assert_string_equal(o.placement, "scatter");
    assert_int_equal(o.policy_count, 1);
    assert_string_equal(o.policies[0], "remote");
    assert_string_equal(o.topology, "package:2 [numa] core:2 pu:1");
    assert_int_equal(o.format, NUMASTAT_FORMAT_CSV);
    assert_string_equal(o.output, "out.csv");
    assert_string_equal(o.plot, "p.png");
    assert_string_equal(o.plot_from, "old.csv");
    assert_int_equal(o.progress, 0);

    char *help[] = {"numastat", "--worlds", "3", "--help"};
    assert_int_equal(parse(ARGC(help), help, &o, message), 0);
    assert_int_equal(o.help, 1);
    char *h[] = {"numastat", "-h"};
    assert_int_equal(parse(ARGC(h), h, &o, message), 0);
    assert_int_equal(o.help, 1);
}

static void test_compare(void **state)
{
    (void)state;
    numastat_options o;
    char message[256];
    char *argv[] = {"numastat", "--compare", "local,interleave,first-touch,remote,default"};
    assert_int_equal(parse(ARGC(argv), argv, &o, message), 0);
    assert_int_equal(o.policy_count, 5);
    assert_string_equal(o.policies[0], "local");
    assert_string_equal(o.policies[2], "first-touch");
    assert_string_equal(o.policies[4], "default");
    /* the list is copied: argv is untouched */
    assert_string_equal(argv[2], "local,interleave,first-touch,remote,default");

    char *one[] = {"numastat", "--compare=remote"};
    assert_int_equal(parse(ARGC(one), one, &o, message), 0);
    assert_int_equal(o.policy_count, 1);
    assert_string_equal(o.policies[0], "remote");
}

/* Each bad command line fails with a message naming the problem. */
static void expect_error(int argc, char **argv, const char *needle)
{
    numastat_options o;
    char message[256];
    assert_int_equal(parse(argc, argv, &o, message), -1);
    if (strstr(message, needle) == NULL) {
        fail_msg("message '%s' lacks '%s'", message, needle);
    }
}

static void test_argument_errors(void **state)
{
    (void)state;
    char *a1[] = {"numastat", "--worlds", "0"};
    expect_error(ARGC(a1), a1, "--worlds");
    char *a2[] = {"numastat", "--worlds", "12x"};
    expect_error(ARGC(a2), a2, "12x");
    char *a3[] = {"numastat", "--worlds"};
    expect_error(ARGC(a3), a3, "needs a value");
    char *a4[] = {"numastat", "--policy", "nearby"};
    expect_error(ARGC(a4), a4, "nearby");
    char *a5[] = {"numastat", "--compare", "local,,remote"};
    expect_error(ARGC(a5), a5, "unknown policy ''");
    char *a6[] = {"numastat", "--compare", "local,remote,local"};
    expect_error(ARGC(a6), a6, "given twice");
    char *a7[] = {"numastat", "--policy", "local", "--compare", "local,remote"};
    expect_error(ARGC(a7), a7, "either --policy or --compare");
    char *a8[] = {"numastat", "--backend", "tbb"};
    expect_error(ARGC(a8), a8, "tbb");
    char *a9[] = {"numastat", "--placement", "spread"};
    expect_error(ARGC(a9), a9, "spread");
    char *a10[] = {"numastat", "--format", "xml"};
    expect_error(ARGC(a10), a10, "xml");
    char *a11[] = {"numastat", "--frobnicate"};
    expect_error(ARGC(a11), a11, "unknown option '--frobnicate'");
    char *a12[] = {"numastat", "stray"};
    expect_error(ARGC(a12), a12, "unexpected argument 'stray'");
    char *a13[] = {"numastat", "--steps", "-5"};
    expect_error(ARGC(a13), a13, "--steps");
    char *a14[] = {"numastat", "--workers", "99999999999999999999"};
    expect_error(ARGC(a14), a14, "--workers");
    char *a15[] = {"numastat", "--output="};
    expect_error(ARGC(a15), a15, "--output");
    char *a16[] = {"numastat", "--topology", ""};
    expect_error(ARGC(a16), a16, "--topology");
    char *a17[] = {"numastat", "--scene="};
    expect_error(ARGC(a17), a17, "--scene");
    char *a18[] = {"numastat", "--a-very-long-option-name-that-is-not-known=1"};
    expect_error(ARGC(a18), a18, "unknown option");
    char *a19[] = {"numastat", "--compare", "local,interleave,first-touch,remote,default,local"};
    expect_error(ARGC(a19), a19, "given twice");
    char *a21[] = {"numastat", "--plot-from", "x.csv"};
    expect_error(ARGC(a21), a21, "--plot-from needs --plot");
    char *a20[] = {"numastat", "--no-progress=1"};
    expect_error(ARGC(a20), a20, "unknown option");
    numastat_options o;
    assert_int_equal(numastat_options_parse(1, NULL, &o, NULL, 0), -1);
}

static void test_usage_and_names(void **state)
{
    (void)state;
    FILE *tmp = tmpfile();
    char text[4096];
    assert_non_null(tmp);
    numastat_print_usage(tmp, "numastat");
    rewind(tmp);
    text[fread(text, 1, sizeof text - 1, tmp)] = '\0';
    fclose(tmp);
    static const char *const options[] = {"--worlds", "--workers", "--scene", "--steps", "--backend", "--placement",
                                          "--policy", "--compare", "--topology", "--format", "--output", "--plot",
                                          "--plot-from", "--help"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        assert_non_null(strstr(text, options[i]));
    }
    assert_true(numastat_is_policy("first-touch"));
    assert_false(numastat_is_policy("First-touch"));
    assert_true(numastat_is_placement("none"));
    assert_true(numastat_is_backend("openmp"));
    assert_false(numastat_is_backend(NULL));
}

static void test_progress_text(void **state)
{
    (void)state;
    char line[128];
    numastat_progress_format(line, sizeof line, 0.5, 2.24, 10, "local");
    assert_string_equal(line, "[#####-----]  50% local 2.2s");
    numastat_progress_format(line, sizeof line, 1.7, 0.0, 4, NULL);
    assert_string_equal(line, "[####] 100%  0.0s");
    numastat_progress_format(line, sizeof line, -1.0, 0.0, 4, "x");
    assert_string_equal(line, "[----]   0% x 0.0s");
    assert_int_equal(numastat_progress_format(line, 8, 0.5, 0.0, 10, "x"), 7);
    assert_int_equal(strlen(line), 7);
    /* Not a terminal (a temporary file): the bar stays off and writes nothing. */
    FILE *tmp = tmpfile();
    numastat_progress p;
    numastat_progress_begin(&p, tmp, 1, 100.0);
    assert_null(p.out);
    numastat_progress_update(&p, 50.0, "x");
    numastat_progress_end(&p);
    assert_int_equal(ftell(tmp), 0);
    fclose(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),        cmocka_unit_test(test_every_option),
        cmocka_unit_test(test_compare),         cmocka_unit_test(test_argument_errors),
        cmocka_unit_test(test_usage_and_names), cmocka_unit_test(test_progress_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
