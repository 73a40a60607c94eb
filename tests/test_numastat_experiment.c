/* tools/numastat's experiment on this machine, over a synthetic 2-node topology (pinning and binding simulated):
 * every world gets a row with its worker's planned node, scatter spreads the workers over both nodes, the page
 * counts come from the kernel (so they are on this machine's real nodes), --compare gives one run per policy, and
 * errors (unknown scene, too many workers) come back as a message, not a crash. The multi-node truth of the page
 * counts is checked in the NUMA lab (tests/numa_lab), where the nodes are real. */
#include "test_support.h"

#include <math.h>
#include <string.h>

#include "numastat_experiment.h"
#include "numastat_options.h"

static void options_for(numastat_options *o, char **argv, int argc)
{
    char message[256];
    if (numastat_options_parse(argc, argv, o, message, sizeof message) != 0) {
        fail_msg("options: %s", message);
    }
}

static void test_compare_on_synthetic_topology(void **state)
{
    (void)state;
    char *argv[] = {"numastat", "--topology", "package:2 [numa] core:2 pu:1", "--placement", "scatter",
                    "--workers", "2", "--worlds", "4", "--steps", "3", "--scene", "chain:4",
                    "--compare", "local,remote,default", "--no-progress"};
    numastat_options o;
    numastat_experiment e;
    char message[256];
    options_for(&o, argv, (int)(sizeof argv / sizeof argv[0]));
    if (numastat_experiment_run(&o, NULL, &e, message, sizeof message) != 0) {
        fail_msg("experiment: %s", message);
    }
    assert_int_equal(e.report.run_count, 3);
    assert_true(e.report.node_count >= 2); /* the topology's two nodes, whatever this machine has */
    assert_int_equal(e.report.page_size, wr_numa_pages_size());
    assert_non_null(strstr(e.report.topology, "synthetic package:2"));
    static const char *const policies[] = {"local", "remote", "default"};
    for (int r = 0; r < 3; r++) {
        const numastat_run *run = &e.report.runs[r];
        int node_seen[2] = {0, 0};
        assert_string_equal(run->policy, policies[r]);
        assert_string_equal(run->placement, "scatter");
        assert_int_equal(run->workers, 2);
        assert_int_equal(run->world_count, 4);
        assert_int_equal(run->steps, 3);
        assert_true(run->seconds > 0.0);
        assert_non_null(strstr(run->note, "simulated"));
        for (int w = 0; w < 4; w++) {
            const numastat_world_row *row = &run->worlds[w];
            assert_int_equal(row->world, w);
            assert_true(row->worker == 0 || row->worker == 1);
            /* scatter: worker i on node i % 2, cores 0-1 on node 0 and 2-3 on node 1 */
            assert_int_equal(row->node, row->worker % 2);
            assert_true(row->core >= 2 * row->node && row->core < 2 * row->node + 2);
            node_seen[row->node] = 1;
            assert_true(numastat_world_placed_pages(row, e.report.node_count) > 0);
            assert_true(row->peak_bytes > 0);
            assert_true(row->steps_per_second > 0.0);
        }
        assert_true(node_seen[0] && node_seen[1]);
        numastat_run_summary s;
        assert_int_equal(numastat_run_summary_compute(&e.report, r, &s), 0);
        assert_int_equal(s.nodes_with_workers, 2);
        assert_false(isnan(s.world_steps_per_second));
    }
    numastat_experiment_free(&e);
    assert_null(e.rows);
}

/* The topology captured in the 4-node lab VM (XML): scatter puts one worker on each node's first core. */
static void test_vm_topology_from_xml(void **state)
{
    (void)state;
    char *argv[] = {"numastat", "--topology", WR_NUMA_LAB_DIR "/vm-4node.xml", "--placement", "scatter", "--workers",
                    "4", "--worlds", "8", "--steps", "2", "--scene", "pendulum", "--no-progress"};
    numastat_options o;
    numastat_experiment e;
    char message[256];
    options_for(&o, argv, (int)(sizeof argv / sizeof argv[0]));
    if (numastat_experiment_run(&o, NULL, &e, message, sizeof message) != 0) {
        fail_msg("experiment: %s", message);
    }
    assert_int_equal(strncmp(e.report.topology, "xml ", 4), 0);
    assert_true(e.report.node_count >= 4);
    const numastat_run *run = &e.report.runs[0];
    int seen[4] = {0, 0, 0, 0};
    for (int w = 0; w < run->world_count; w++) {
        const numastat_world_row *row = &run->worlds[w];
        assert_true(row->node >= 0 && row->node < 4);
        assert_int_equal(row->node, row->worker); /* one worker per node, in node order */
        assert_int_equal(row->core, 2 * row->node);
        seen[row->node]++;
    }
    for (int n = 0; n < 4; n++) {
        assert_int_equal(seen[n], 2);
    }
    numastat_experiment_free(&e);
}

static void test_errors_come_back_as_messages(void **state)
{
    (void)state;
    numastat_options o;
    numastat_experiment e;
    char message[256];

    char *bad_scene[] = {"numastat", "--scene", "teapot:3", "--worlds", "2", "--workers", "1", "--placement",
                         "none"};
    options_for(&o, bad_scene, (int)(sizeof bad_scene / sizeof bad_scene[0]));
    assert_int_equal(numastat_experiment_run(&o, NULL, &e, message, sizeof message), -1);
    assert_non_null(strstr(message, "wr_world_runner_create_world"));
    assert_null(e.rows);

    char *too_many[] = {"numastat", "--topology", "package:1 [numa] core:2 pu:1", "--workers", "3", "--worlds", "1"};
    options_for(&o, too_many, (int)(sizeof too_many / sizeof too_many[0]));
    assert_int_equal(numastat_experiment_run(&o, NULL, &e, message, sizeof message), -1);
    assert_non_null(strstr(message, "wr_world_runner_create"));

    assert_int_equal(numastat_experiment_run(NULL, NULL, &e, message, sizeof message), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_on_synthetic_topology),
        cmocka_unit_test(test_vm_topology_from_xml),
        cmocka_unit_test(test_errors_come_back_as_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
