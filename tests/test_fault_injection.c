/* Fault injection: every memory request a scenario makes is made to fail in turn (issue 13, item 1).
 *
 * A scenario is a short sequence of public calls on fresh objects (a world over a memory manager whose base is
 * tests/support/fault_injection.h's failing allocator, a runner whose worlds draw from it, ...). It is first run
 * with counting only, which gives its number of requests N and a reference result. Then, for every k in 1..N, it
 * is run again with the k-th request failing, once for each layer:
 *   - base: the k-th chunk request to a base allocator (what worlds, skeletons and runner worlds draw from);
 *   - heap: the k-th heap call the library makes itself (handles of worlds, managers, runners, topologies...),
 *     where the build can wrap them (not under TSan).
 * At the failing call: the status is WR_ERR_OUT_OF_MEMORY or WR_ERR_BUDGET with a message; the objects' state
 * (world state hash, time, step count, skeletons, memory-manager bytes and blocks in use per tag, snapshot size,
 * whether the solver exists; or the skeleton's bodies, shapes and bytes; or the runner's worlds) is what it was
 * before the call; the same call then succeeds with the allocator working; the rest of the sequence runs; the final
 * result equals the reference bit for bit; and after teardown every byte came back to the base (ASan's leak check
 * covers the heap). A failure that a call absorbs (it returns WR_OK) must leave the same final result too.
 * The program prints, per scenario and in total, how many injection points it covered.
 *
 * To add a scenario: write its setup/op/fingerprint/teardown functions and one line in the table `scenarios` at
 * the end.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fault_injection.h"
#include "test_support.h"
#include "worldrunner/model.h"
#include "worldrunner/world_runner.h"

#define MAX_OPS 400
#define MAX_WORLDS 8

/* ---- what "unchanged" means --------------------------------------------------------------------------------- */

typedef struct fingerprint {
    /* world */
    uint64_t hash, steps;
    double time;
    int skeletons, has_solver;
    size_t nq, nv, snapshot_size;
    /* memory manager */
    size_t bytes_in_use, tag_bytes[WR_MEMORY_TAG_COUNT];
    uint64_t live_blocks;
    /* skeleton being built */
    int bodies, shapes;
    size_t skeleton_bytes;
    /* runner */
    size_t worlds;
    uint64_t world_hash[MAX_WORLDS];
    /* handles a failed create must leave NULL */
    int handles;
} fingerprint;

static void fingerprint_manager(const wr_memory_manager *m, fingerprint *f)
{
    wr_memory_manager_stats st;
    if (!m || wr_memory_manager_get_stats(m, &st) != WR_OK)
        return;
    f->bytes_in_use = st.bytes_in_use;
    f->live_blocks = st.allocations - st.deallocations;
    for (int t = 0; t < WR_MEMORY_TAG_COUNT; ++t)
        f->tag_bytes[t] = st.by_tag[t].bytes_in_use;
}

static void fingerprint_world(const wr_world *w, fingerprint *f)
{
    if (!w)
        return;
    f->hash = wr_world_state_hash(w);
    f->steps = wr_world_step_count(w);
    f->time = wr_world_time(w);
    f->skeletons = wr_world_skeleton_count(w);
    f->nq = wr_world_position_count(w);
    f->nv = wr_world_dof_count(w);
    f->snapshot_size = wr_world_snapshot_size(w);
    wr_collision_settings cs;
    f->has_solver = wr_collision_get_settings(w, &cs) == WR_OK;
    fingerprint_manager(wr_world_get_memory_manager(w), f);
}

static int fingerprint_differs(const fingerprint *a, const fingerprint *b)
{
    return memcmp(a, b, sizeof *a) != 0;
}

static void print_fingerprint(const char *what, const fingerprint *f)
{
    print_message("  %s: hash %016llx steps %llu skeletons %d solver %d nq %zu in use %zu blocks %llu snapshot %zu "
                  "bodies %d shapes %d skeleton bytes %zu worlds %zu handles %d\n",
                  what, (unsigned long long)f->hash, (unsigned long long)f->steps, f->skeletons, f->has_solver, f->nq,
                  f->bytes_in_use, (unsigned long long)f->live_blocks, f->snapshot_size, f->bodies, f->shapes,
                  f->skeleton_bytes, f->worlds, f->handles);
}

/* ---- fixtures and scenarios ----------------------------------------------------------------------------------- */

typedef struct fixture {
    fault_allocator *fault;      /* base of everything the scenario builds */
    wr_memory_manager *m;        /* over `fault` */
    wr_memory_manager *m2;       /* a second one (skeletons built elsewhere, then moved) */
    wr_world *w;
    wr_skeleton *s;
    wr_world_snapshot *snap;
    unsigned char buffer[1 << 16];
    wr_world_runner *r;
    wr_world *rw[MAX_WORLDS];
    wr_model *model, *clone;
    int param;                   /* scenario-specific */
    const char *scene;
} fixture;

typedef struct scenario {
    const char *name;
    const char *scene;           /* for scene scenarios */
    int param;
    int ops;
    void (*setup)(fixture *fx);
    wr_status (*op)(fixture *fx, int j);
    void (*fingerprint)(const fixture *fx, fingerprint *f);
    uint64_t (*result)(const fixture *fx); /* compared with the fault-free run's */
    void (*teardown)(fixture *fx);
} scenario;

/* The smallest chunks (4 KiB): most allocations then need a new chunk, so more of them meet a failing request. */
static wr_memory_manager *manager_over(fault_allocator *fault)
{
    wr_memory_manager_config mc;
    wr_memory_manager_config_init(&mc);
    mc.base = fault_allocator_handle(fault);
    mc.pool_chunk_bytes = 4096;
    mc.free_list_chunk_bytes = 4096;
    wr_memory_manager *m = NULL;
    assert_wr_ok(wr_memory_manager_create(&mc, &m));
    return m;
}

static wr_world *world_over(wr_memory_manager *m)
{
    wr_world_config wc;
    wr_world_config_init(&wc);
    wc.memory = m;
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(&wc, &w));
    return w;
}

/* A world over a manager over the fault allocator; the scene (if any) built before the faults start. */
static void setup_world(fixture *fx)
{
    fx->m = manager_over(fx->fault);
    fx->w = world_over(fx->m);
    if (fx->scene && fx->param)
        assert_wr_ok(wr_scene_build(fx->w, fx->scene));
}

/* The same, stepped `param` times: contacts, a grown frame and warm-start cache (a snapshot of several KiB). */
static void setup_world_stepped(fixture *fx)
{
    setup_world(fx);
    assert_wr_ok(wr_world_step(fx->w, fx->param));
}

static void teardown_world(fixture *fx)
{
    if (fx->snap)
        assert_wr_ok(wr_world_snapshot_destroy(fx->w, fx->snap));
    if (fx->s)
        assert_wr_ok(wr_skeleton_destroy(fx->s));
    if (fx->w)
        assert_wr_ok(wr_world_destroy(fx->w));
    if (fx->m)
        assert_wr_ok(wr_memory_manager_destroy(fx->m));
    if (fx->m2)
        assert_wr_ok(wr_memory_manager_destroy(fx->m2));
}

static void fingerprint_of_world(const fixture *fx, fingerprint *f)
{
    fingerprint_world(fx->w, f);
    if (!fx->w)
        fingerprint_manager(fx->m, f);
    f->handles = (fx->w != NULL) + (fx->s != NULL) + (fx->snap != NULL);
}

static uint64_t result_of_world(const fixture *fx) { return wr_world_state_hash(fx->w); }

/* -- world create: its own manager (heap base), or a borrowed one --------------------------------------------- */

static void setup_nothing(fixture *fx) { (void)fx; }

static wr_status op_world_create(fixture *fx, int j)
{
    (void)j;
    if (fx->param == 0)
        return wr_world_create(NULL, &fx->w);
    wr_world_config wc;
    wr_world_config_init(&wc);
    wc.memory = fx->m;
    return wr_world_create(&wc, &fx->w);
}

static void setup_manager(fixture *fx) { fx->m = manager_over(fx->fault); }

static uint64_t result_world_created(const fixture *fx) { return fx->w ? wr_world_state_hash(fx->w) : 0; }

/* -- scene build, then steps -------------------------------------------------------------------------------------- */

static wr_status op_scene_then_steps(fixture *fx, int j)
{
    return j == 0 ? wr_scene_build(fx->w, fx->scene) : wr_world_step(fx->w, 1);
}

/* -- skeleton build and add ------------------------------------------------------------------------------------- */

enum { BUILD_BODIES = 9 };

static void setup_two_managers(fixture *fx)
{
    setup_world(fx);
    fx->m2 = manager_over(fx->fault);
}

/* op 0: create on m2; 1..9: bodies of every joint type; 10..18: a shape per body; 19: add to the world (moved);
 * 20: a second skeleton on the world's own manager; 21: one body; 22: add (not moved); 23..: steps. */
static wr_status op_build(fixture *fx, int j)
{
    static const wr_joint_type types[BUILD_BODIES] = {WR_JOINT_FREE,  WR_JOINT_REVOLUTE, WR_JOINT_BALL,
                                                      WR_JOINT_PRISMATIC, WR_JOINT_WELD,  WR_JOINT_REVOLUTE,
                                                      WR_JOINT_BALL,  WR_JOINT_REVOLUTE, WR_JOINT_PRISMATIC};
    if (j == 0 || j == 20)
        return wr_skeleton_create(j == 0 ? fx->m2 : fx->m, j == 0 ? "built" : "second", &fx->s);
    if ((j >= 1 && j <= BUILD_BODIES) || j == 21) {
        int b = j == 21 ? 0 : j - 1;
        wr_body_desc d;
        wr_body_desc_init(&d);
        wr_joint_desc_init(&d.joint, j == 21 ? WR_JOINT_FREE : types[b]);
        d.parent = b == 0 ? -1 : (b - 1) / 2;
        d.joint.parent_pose.position[2] = b == 0 ? 1.0 : 0.2;
        d.joint.axis[0] = 1.0;
        d.joint.damping = 0.1;
        if (j == 21)
            d.joint.parent_pose.position[2] = 2.0;
        return wr_skeleton_add_body(fx->s, &d, NULL);
    }
    if (j >= 10 && j <= 9 + BUILD_BODIES) {
        wr_shape_desc sh;
        wr_shape_desc_init(&sh, (wr_shape_type)((j - 10) % 4)); /* sphere, box, capsule, cylinder */
        sh.collision_group = 2; /* touches the pendulum, not its own (overlapping) bodies */
        sh.collision_mask = 1;
        return wr_skeleton_add_shape(fx->s, j - 10, &sh, NULL);
    }
    if (j == 19 || j == 22) {
        wr_status st = wr_world_add_skeleton(fx->w, &fx->s, NULL);
        if (st == WR_OK)
            fx->s = NULL; /* the world owns it */
        return st;
    }
    return wr_world_step(fx->w, 1);
}

static void fingerprint_build(const fixture *fx, fingerprint *f)
{
    fingerprint_of_world(fx, f);
    if (fx->s) {
        f->bodies = wr_skeleton_body_count(fx->s);
        f->shapes = wr_skeleton_shape_count(fx->s);
        f->skeleton_bytes = wr_skeleton_memory_bytes(fx->s);
        fingerprint_manager(wr_skeleton_memory_manager(fx->s), f);
    }
}

/* -- snapshots ---------------------------------------------------------------------------------------------------- */

/* op 0: snapshot_create; 1..40: steps; 41: save; 42..51: steps; 52: restore; 53: save into a buffer;
 * 54..63: steps; 64: restore from the buffer; 65..74: steps. */
static wr_status op_snapshot(fixture *fx, int j)
{
    if (j == 0)
        return wr_world_snapshot_create(fx->w, &fx->snap);
    if (j == 41)
        return wr_world_snapshot_save(fx->w, fx->snap);
    if (j == 52)
        return wr_world_snapshot_restore(fx->w, fx->snap);
    if (j == 53)
        return wr_world_save_snapshot(fx->w, fx->buffer, sizeof fx->buffer);
    if (j == 64)
        return wr_world_restore_snapshot(fx->w, fx->buffer, sizeof fx->buffer);
    return wr_world_step(fx->w, 1);
}

/* -- model load and instantiation ------------------------------------------------------------------------------- */

static const char *const fault_model =
    "<mujoco model=\"fault\">\n"
    "  <worldbody>\n"
    "    <geom name=\"floor\" type=\"plane\" size=\"0 0 1\"/>\n"
    "    <body name=\"arm\" pos=\"0 0 1\"><joint name=\"shoulder\" axis=\"0 1 0\"/>\n"
    "      <geom type=\"capsule\" fromto=\"0 0 0 0.3 0 0\" size=\"0.05\"/>\n"
    "      <body name=\"forearm\" pos=\"0.3 0 0\"><joint name=\"elbow\" axis=\"0 1 0\"/>\n"
    "        <geom type=\"box\" size=\"0.1 0.05 0.05\" pos=\"0.1 0 0\"/></body></body>\n"
    "    <body name=\"box\" pos=\"0.6 0 0.3\"><freejoint/><geom type=\"box\" size=\"0.05 0.05 0.05\"/></body>\n"
    "  </worldbody>\n"
    "</mujoco>\n";

/* op 0: load the model (its block from the fault allocator); 1: a clone of it (ditto); 2: an instance of the
 * clone in the world (a second instance would lie inside the first); 3..: steps (the box lands). */
static wr_status op_model(fixture *fx, int j)
{
    if (j == 0) {
        wr_model_load_options o;
        wr_model_load_options_init(&o);
        o.allocator = fault_allocator_handle(fx->fault);
        return wr_model_load_string(fault_model, strlen(fault_model), &o, &fx->model);
    }
    if (j == 1)
        return wr_model_clone(fx->model, fault_allocator_handle(fx->fault), &fx->clone);
    if (j == 2)
        return wr_world_add_model(fx->w, fx->clone, NULL, NULL);
    return wr_world_step(fx->w, 1);
}

static void fingerprint_model(const fixture *fx, fingerprint *f)
{
    fingerprint_of_world(fx, f);
    f->handles += (fx->model != NULL) + (fx->clone != NULL);
}

static void teardown_model(fixture *fx)
{
    teardown_world(fx);
    if (fx->model)
        assert_wr_ok(wr_model_destroy(fx->model));
    if (fx->clone)
        assert_wr_ok(wr_model_destroy(fx->clone));
}

/* -- the runner --------------------------------------------------------------------------------------------------- */

/* param: 0 = worlds on the fault base (no arena), 1 = arenas (first-touch node allocators), 2 = OpenMP backend. */
static wr_world_runner_config runner_config(const fixture *fx)
{
    wr_world_runner_config c;
    wr_world_runner_config_init(&c);
    c.workers = 2;
    c.placement = WR_NUMA_PLACEMENT_NONE;
    c.topology_source = WR_NUMA_TOPOLOGY_SYNTHETIC;
    c.topology_description = "package:1 core:2 pu:1";
    if (fx->param == 1)
        c.memory_policy = WR_NUMA_MEMORY_FIRST_TOUCH;
    else
        c.base = fault_allocator_handle(fx->fault);
    if (fx->param == 2)
        c.backend = WR_WORLD_RUNNER_BACKEND_OPENMP;
    return c;
}

static wr_status op_runner_create(fixture *fx, int j)
{
    (void)j;
    wr_world_runner_config c = runner_config(fx);
    return wr_world_runner_create(&c, &fx->r);
}

static void setup_runner(fixture *fx)
{
    wr_world_runner_config c = runner_config(fx);
    assert_wr_ok(wr_world_runner_create(&c, &fx->r));
}

static void teardown_runner(fixture *fx)
{
    if (fx->r)
        assert_wr_ok(wr_world_runner_destroy(fx->r));
}

static void fingerprint_runner(const fixture *fx, fingerprint *f)
{
    f->handles = fx->r != NULL;
    if (!fx->r)
        return;
    f->worlds = wr_world_runner_world_count(fx->r);
    for (size_t i = 0; i < f->worlds && i < MAX_WORLDS; ++i) {
        wr_world *w = NULL;
        assert_wr_ok(wr_world_runner_world_at(fx->r, i, &w));
        f->world_hash[i] = wr_world_state_hash(w);
    }
}

static uint64_t result_of_runner(const fixture *fx)
{
    fingerprint f = {0};
    fingerprint_runner(fx, &f);
    uint64_t h = f.worlds;
    for (size_t i = 0; i < f.worlds && i < MAX_WORLDS; ++i)
        h = h * 0x100000001b3ull ^ f.world_hash[i];
    return h;
}

/* op 0: a humanoid world on worker 0; 1: boxes:8 on worker 1; 2: an empty world; 3: destroy the empty world;
 * 4: a pendulum world on the least-loaded worker. */
static wr_status op_runner_worlds(fixture *fx, int j)
{
    static const char *scenes[] = {"humanoid", "boxes:8", NULL, NULL, "pendulum"};
    if (j == 3) {
        wr_status st = wr_world_runner_destroy_world(fx->r, fx->rw[2]);
        if (st == WR_OK)
            fx->rw[2] = NULL;
        return st;
    }
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = scenes[j] ? wr_scene_build_callback : NULL;
    wc.build_context = (void *)scenes[j];
    wc.worker = j == 4 ? -1 : j % 2;
    return wr_world_runner_create_world(fx->r, &wc, &fx->rw[j]);
}

/* op 0: one boxes:8 world; 1..: step_all(1). With one world, a failed tick is that world's failed step: it is
 * unchanged, and the tick can be retried (with several worlds the others would have moved on). */
static wr_status op_runner_steps(fixture *fx, int j)
{
    if (j > 0)
        return wr_world_runner_step_all(fx->r, 1);
    wr_world_runner_world_config wc;
    wr_world_runner_world_config_init(&wc);
    wc.build = wr_scene_build_callback;
    wc.build_context = (void *)"boxes:8";
    return wr_world_runner_create_world(fx->r, &wc, &fx->rw[0]);
}

/* ---- the driver ------------------------------------------------------------------------------------------------ */

typedef enum layer { LAYER_BASE = 0, LAYER_HEAP = 1 } layer;

static const char *layer_name(layer l) { return l == LAYER_BASE ? "base" : "heap"; }

static void arm(const fixture *fx, layer l, uint64_t k)
{
    if (l == LAYER_BASE)
        fault_allocator_arm(fx->fault, k);
    else
        fault_heap_arm(k);
}

static void disarm(const fixture *fx, layer l)
{
    if (l == LAYER_BASE)
        fault_allocator_disarm(fx->fault);
    else
        fault_heap_disarm();
}

static uint64_t requests(const fixture *fx, layer l)
{
    return l == LAYER_BASE ? fault_allocator_requests(fx->fault) : fault_heap_requests();
}

static int fired(const fixture *fx, layer l)
{
    return l == LAYER_BASE ? fault_allocator_fired(fx->fault) : fault_heap_fired();
}

typedef struct run_result {
    uint64_t requests;           /* counted during the run */
    uint64_t result;
    int failed_op;               /* -1 if no op failed */
    int absorbed;                /* the fault fired but every op returned WR_OK */
} run_result;

/* One run of a scenario with the k-th request of layer l failing (k = 0: count only). */
static run_result run_once(const scenario *sc, layer l, uint64_t k)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->fault = fault_allocator_create();
    assert_non_null(fx->fault);
    fx->param = sc->param;
    fx->scene = sc->scene;
    sc->setup(fx);
    run_result rr = {.failed_op = -1};
    arm(fx, l, k);
    for (int j = 0; j < sc->ops; ++j) {
        fingerprint before = {0}, after = {0};
        sc->fingerprint(fx, &before);
        wr_clear_error();
        wr_status st = sc->op(fx, j);
        if (st == WR_OK)
            continue;
        rr.requests = requests(fx, l);
        disarm(fx, l);
        if (!fired(fx, l) || rr.failed_op >= 0 || (st != WR_ERR_OUT_OF_MEMORY && st != WR_ERR_BUDGET) ||
            !wr_last_error()[0])
            print_error("%s, %s request %llu: op %d returned %s \"%s\" (fault fired: %d)\n", sc->name, layer_name(l),
                        (unsigned long long)k, j, wr_status_name(st), wr_last_error(), fired(fx, l));
        assert_true(fired(fx, l));
        assert_true(st == WR_ERR_OUT_OF_MEMORY || st == WR_ERR_BUDGET);
        assert_true(wr_last_error()[0] != '\0');
        sc->fingerprint(fx, &after);
        if (fingerprint_differs(&before, &after)) {
            print_error("%s, %s request %llu: op %d failed (%s) but changed the state\n", sc->name, layer_name(l),
                        (unsigned long long)k, j, wr_last_error());
            print_fingerprint("before", &before);
            print_fingerprint("after ", &after);
            fail();
        }
        rr.failed_op = j;
        st = sc->op(fx, j); /* the same call, the allocator working again */
        if (st != WR_OK)
            print_error("%s: retry of op %d: %s %s\n", sc->name, j, wr_status_name(st), wr_last_error());
        assert_wr_ok(st);
    }
    if (rr.failed_op < 0)
        rr.requests = requests(fx, l);
    rr.absorbed = rr.failed_op < 0 && fired(fx, l);
    disarm(fx, l);
    rr.result = sc->result(fx);
    sc->teardown(fx);
    size_t left = fault_allocator_destroy(fx->fault);
    if (left)
        print_error("%s, %s request %llu: %zu bytes never came back to the base\n", sc->name, layer_name(l),
                    (unsigned long long)k, left);
    assert_int_equal(left, 0);
    free(fx);
    return rr;
}

typedef struct coverage {
    uint64_t points[2];
    uint64_t absorbed;
    int scenarios;
} coverage;

static coverage g_total;

static void sweep(const scenario *sc, layer l, uint64_t *points, uint64_t *absorbed)
{
    const run_result reference = run_once(sc, l, 0);
    for (uint64_t k = 1; k <= reference.requests; ++k) {
        run_result rr = run_once(sc, l, k);
        *absorbed += (uint64_t)rr.absorbed;
        if (rr.result != reference.result)
            print_error("%s, %s request %llu of %llu (op %d failed and was retried): result %016llx, without "
                        "faults %016llx\n",
                        sc->name, layer_name(l), (unsigned long long)k, (unsigned long long)reference.requests,
                        rr.failed_op, (unsigned long long)rr.result, (unsigned long long)reference.result);
        assert_true(rr.result == reference.result);
    }
    *points = reference.requests;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void run_scenario(const scenario *sc)
{
    const double start = now_seconds();
    uint64_t points[2] = {0, 0}, absorbed = 0;
    sweep(sc, LAYER_BASE, &points[0], &absorbed);
    if (FAULT_HEAP_WRAPPED)
        sweep(sc, LAYER_HEAP, &points[1], &absorbed);
    printf("fault injection: %-38s %4llu base + %3llu heap requests failed in turn (%.1f s)%s\n", sc->name,
           (unsigned long long)points[0], (unsigned long long)points[1], now_seconds() - start,
           absorbed ? ", some absorbed with the same result" : "");
    fflush(stdout);
    g_total.points[0] += points[0];
    g_total.points[1] += points[1];
    g_total.absorbed += absorbed;
    g_total.scenarios++;
}

/* ---- the scenarios ---------------------------------------------------------------------------------------------- */

#define WORLD_FIXTURE fingerprint_of_world, result_of_world, teardown_world

static const scenario scenarios[] = {
    {"world create (own manager)", NULL, 0, 1, setup_nothing, op_world_create, fingerprint_of_world,
     result_world_created, teardown_world},
    {"world create (borrowed manager)", NULL, 1, 1, setup_manager, op_world_create, fingerprint_of_world,
     result_world_created, teardown_world},
    {"scene pendulum + 20 steps", "pendulum", 0, 21, setup_world, op_scene_then_steps, WORLD_FIXTURE},
    {"scene chain:16 + 20 steps", "chain:16", 0, 21, setup_world, op_scene_then_steps, WORLD_FIXTURE},
    {"scene arm7 + 20 steps", "arm7", 0, 21, setup_world, op_scene_then_steps, WORLD_FIXTURE},
    {"scene humanoid + 20 steps", "humanoid", 0, 21, setup_world, op_scene_then_steps, WORLD_FIXTURE},
    {"scene boxes:8 + 20 steps", "boxes:8", 0, 21, setup_world, op_scene_then_steps, WORLD_FIXTURE},
    {"skeleton build, add (moved, not moved)", "pendulum", 1, 23 + 30, setup_two_managers, op_build,
     fingerprint_build, result_of_world, teardown_world},
    /* boxes fall onto the ground: contacts appear, the frame and the warm-start cache grow */
    {"boxes:32 landing, 380 steps", "boxes:32", 0, 1 + 380, setup_world, op_scene_then_steps, WORLD_FIXTURE},
    {"humanoid falling, 400 steps", "humanoid", 0, 1 + 400, setup_world, op_scene_then_steps, WORLD_FIXTURE},
    {"snapshot create/save/restore", "boxes:16", 350, 75, setup_world_stepped, op_snapshot, WORLD_FIXTURE},
    {"runner create (base)", NULL, 0, 1, setup_nothing, op_runner_create, fingerprint_runner, result_of_runner,
     teardown_runner},
    {"runner create (arenas)", NULL, 1, 1, setup_nothing, op_runner_create, fingerprint_runner, result_of_runner,
     teardown_runner},
    {"runner create_world x4, destroy_world", NULL, 0, 5, setup_runner, op_runner_worlds, fingerprint_runner,
     result_of_runner, teardown_runner},
    {"runner (arenas) create/destroy_world", NULL, 1, 5, setup_runner, op_runner_worlds, fingerprint_runner,
     result_of_runner, teardown_runner},
    {"runner boxes:8 world, 300 step_all", NULL, 0, 301, setup_runner, op_runner_steps, fingerprint_runner,
     result_of_runner, teardown_runner},
    /* model load and clone (MJCF string, blocks from the fault allocator), an instance in a world, then steps */
    {"model load, clone, add, 300 steps", NULL, 0, 3 + 300, setup_world, op_model, fingerprint_model,
     result_of_world, teardown_model},
};

static void every_request_fails_cleanly(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; ++i)
        run_scenario(&scenarios[i]);
    printf("fault injection: %llu injection points covered (%llu base-allocator requests, %llu heap calls%s) in %d "
           "scenarios; %llu failures absorbed with the same result\n",
           (unsigned long long)(g_total.points[0] + g_total.points[1]), (unsigned long long)g_total.points[0],
           (unsigned long long)g_total.points[1], FAULT_HEAP_WRAPPED ? "" : ": not wrapped in this build",
           g_total.scenarios, (unsigned long long)g_total.absorbed);
    assert_true(g_total.points[0] > 0);
    if (FAULT_HEAP_WRAPPED)
        assert_true(g_total.points[1] > 0);
}

/* The OpenMP backend's runner create, when this build has it. */
static void openmp_runner_create_fails_cleanly(void **state)
{
    (void)state;
    if (!wr_world_runner_has_openmp()) {
        printf("SKIP OpenMP runner: not in this build\n");
        return;
    }
    const scenario sc = {"runner create (OpenMP)", NULL, 2, 1, setup_nothing, op_runner_create, fingerprint_runner,
                         result_of_runner, teardown_runner};
    run_scenario(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_request_fails_cleanly),
        cmocka_unit_test(openmp_runner_create_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
