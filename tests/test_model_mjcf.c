/* The MJCF reader on small models given as strings: what it builds (bodies, joints, chains for multi-joint bodies,
 * ref folded into the pose, defaults and childclass, includes, orientation forms, motors), the warning report and
 * strict mode, and bad input: every malformed or invalid model is refused with WR_ERR_PARSE or
 * WR_ERR_INVALID_ARGUMENT, a message naming the file, line and element, and nothing built. */
#define _XOPEN_SOURCE 700
#include "test_support.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dynamics/skeleton_impl.h"

static wr_model *load(const char *xml)
{
    wr_model *m = NULL;
    assert_wr_ok(wr_model_load_string(xml, strlen(xml), NULL, &m));
    return m;
}

/* Load must fail with `status`, a message containing every NULL-terminated fragment, and *out untouched. */
static void refuse_with(const wr_model_load_options *o, const char *xml, wr_status status, const char *fragment1,
                        const char *fragment2)
{
    wr_model *m = (wr_model *)(uintptr_t)0x1;
    wr_status st = wr_model_load_string(xml, strlen(xml), o, &m);
    if (st != status || !strstr(wr_last_error(), fragment1) || (fragment2 && !strstr(wr_last_error(), fragment2)))
        print_error("got %s: %s\nwanted %s with \"%s\"%s%s\n", wr_status_name(st), wr_last_error(),
                    wr_status_name(status), fragment1, fragment2 ? " and " : "", fragment2 ? fragment2 : "");
    assert_int_equal(st, status);
    assert_non_null(strstr(wr_last_error(), fragment1));
    if (fragment2)
        assert_non_null(strstr(wr_last_error(), fragment2));
    assert_ptr_equal(m, (wr_model *)(uintptr_t)0x1);
}

static void refuse(const char *xml, wr_status status, const char *fragment1, const char *fragment2)
{
    refuse_with(NULL, xml, status, fragment1, fragment2);
}

/* ---- what is built ----------------------------------------------------------------------------------------- */

static const char *pendulum2 = "<mujoco model=\"p2\">\n"
                               "  <option timestep=\"0.01\" gravity=\"0 0 -10\"/>\n"
                               "  <worldbody>\n"
                               "    <body name=\"arm\" pos=\"0 0 2\">\n"
                               "      <joint name=\"swing\" axis=\"0 1 0\" damping=\"0.1\"/>\n"
                               "      <joint name=\"twist\" axis=\"0 0 1\" pos=\"0 0 -0.5\"/>\n"
                               "      <geom type=\"sphere\" size=\"0.1\" pos=\"0 0 -1\"/>\n"
                               "    </body>\n"
                               "  </worldbody>\n"
                               "</mujoco>\n";

static void test_multi_joint_body_is_a_chain(void **state)
{
    (void)state;
    wr_model *m = load(pendulum2);
    assert_string_equal(wr_model_name(m), "p2");
    assert_int_equal(wr_model_body_count(m), 2); /* world + arm */
    assert_int_equal(wr_model_joint_count(m), 2);
    assert_int_equal((int)wr_model_dof_count(m), 2);
    assert_int_equal(wr_model_skeleton_count(m), 1); /* the world has no geoms: no static skeleton */
    assert_true(wr_model_time_step(m) == 0.01);
    wr_model_body_info b;
    assert_wr_ok(wr_model_get_body(m, 1, &b));
    assert_string_equal(b.name, "arm");
    assert_int_equal(b.joint_count, 2);
    assert_int_equal(b.skeleton_body, 1); /* a massless body for "swing", then the arm itself */
    const double mass = 1000.0 * 4.0 / 3.0 * 3.14159265358979323846 * 1e-3;
    assert_true(fabs(b.mass - mass) < 1e-12 * mass);
    assert_true(fabs(b.com[2] + 1.0) < 1e-15);
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_world_add_model(w, m, NULL, NULL));
    assert_true(wr_world_time_step(w) == 0.01);
    double g[3];
    wr_world_get_gravity(w, g);
    assert_true(g[2] == -10.0);
    wr_skeleton *s = wr_world_get_skeleton(w, 0);
    assert_int_equal(wr_skeleton_body_count(s), 2);
    assert_int_equal(wr_skeleton_find_body(s, "arm"), 1);
    /* swinging by 90 degrees about y carries the bob (1 m below the pivot) to -x: both joints compose in order */
    double q[2] = {1.5707963267948966, 0.0}, p[3], r[9];
    assert_wr_ok(wr_world_set_positions(w, q, 2));
    assert_wr_ok(wr_skeleton_body_pose(s, 1, p, r));
    assert_true(fabs(p[0]) < 1e-12 && fabs(p[2] - 2.0) < 1e-12);
    double com_x = r[2] * -1.0 + p[0], com_z = r[8] * -1.0 + p[2];
    assert_true(fabs(com_x + 1.0) < 1e-12 && fabs(com_z - 2.0) < 1e-12);
    /* twisting about the second axis (through (0, 0, -0.5) of the body) moves nothing on that axis */
    q[0] = 0;
    q[1] = 1.0;
    assert_wr_ok(wr_world_set_positions(w, q, 2));
    assert_wr_ok(wr_skeleton_body_pose(s, 1, p, r));
    assert_true(fabs(p[0]) < 1e-12 && fabs(p[1]) < 1e-12 && fabs(p[2] - 2.0) < 1e-12);
    assert_wr_ok(wr_world_destroy(w));
    assert_wr_ok(wr_model_destroy(m));
}

/* A hinge with ref: at q = ref the body is where the file puts it; q - ref is the rotation. */
static void test_ref_is_folded_into_the_pose(void **state)
{
    (void)state;
    const char *xml = "<mujoco><compiler angle=\"radian\"/><worldbody>"
                      "<body name=\"b\" pos=\"1 0 0\"><joint axis=\"0 0 1\" ref=\"0.7\" pos=\"-1 0 0\"/>"
                      "<geom type=\"box\" size=\".1 .2 .3\"/></body>"
                      "<body name=\"s\" pos=\"0 0 3\"><joint type=\"slide\" axis=\"1 0 0\" ref=\"0.25\"/>"
                      "<geom type=\"sphere\" size=\".1\"/></body></worldbody></mujoco>";
    wr_model *m = load(xml);
    double q0[2];
    assert_wr_ok(wr_model_get_initial_positions(m, q0, 2));
    assert_true(q0[0] == 0.7 && q0[1] == 0.25);
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_world_add_model(w, m, NULL, NULL));
    wr_skeleton *hinge = wr_world_get_skeleton(w, 0), *slide = wr_world_get_skeleton(w, 1);
    double p[3], r[9];
    assert_wr_ok(wr_skeleton_body_pose(hinge, 0, p, r));
    assert_true(fabs(p[0] - 1.0) < 1e-15 && fabs(p[1]) < 1e-15 && fabs(r[0] - 1.0) < 1e-15);
    assert_wr_ok(wr_skeleton_body_pose(slide, 0, p, r));
    assert_true(fabs(p[0]) < 1e-15 && fabs(p[2] - 3.0) < 1e-15);
    /* q = ref + pi/2 turns the body about the anchor at the world origin: (1, 0) -> (0, 1) */
    double q[2] = {0.7 + 1.5707963267948966, 1.25};
    assert_wr_ok(wr_world_set_positions(w, q, 2));
    assert_wr_ok(wr_skeleton_body_pose(hinge, 0, p, r));
    assert_true(fabs(p[0]) < 1e-12 && fabs(p[1] - 1.0) < 1e-12);
    assert_wr_ok(wr_skeleton_body_pose(slide, 0, p, r));
    assert_true(fabs(p[0] - 1.0) < 1e-15);
    assert_wr_ok(wr_world_destroy(w));
    assert_wr_ok(wr_model_destroy(m));
}

static void test_defaults_and_childclass(void **state)
{
    (void)state;
    const char *xml = "<mujoco>\n"
                      "<default><joint damping=\"1\"/>\n"
                      "  <default class=\"a\"><joint damping=\"2\" armature=\"0.5\"/>\n"
                      "    <default class=\"b\"><joint stiffness=\"3\"/></default></default></default>\n"
                      "<default><joint damping=\"9\"/></default>\n" /* main changes later: "a" keeps its copy */
                      "<worldbody>\n"
                      "  <body name=\"p\" childclass=\"b\"><joint name=\"j1\"/><geom size=\".1\"/>\n"
                      "    <body name=\"c\"><joint name=\"j2\" class=\"a\" damping=\"4\"/><geom size=\".1\"/></body>\n"
                      "  </body>\n"
                      "  <body name=\"q\"><joint name=\"j3\"/><geom size=\".1\"/></body>\n"
                      "</worldbody></mujoco>\n";
    wr_model *m = load(xml);
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_world_add_model(w, m, NULL, NULL));
    const wr_skeleton *p = wr_world_get_skeleton(w, 0), *q = wr_world_get_skeleton(w, 1);
    /* j1: class b (childclass): damping 2 and armature from a, stiffness 3 */
    assert_true(p->bodies[0].damping == 2 && p->bodies[0].armature == 0.5 && p->bodies[0].stiffness == 3);
    /* j2: class a, its own damping */
    assert_true(p->bodies[1].damping == 4 && p->bodies[1].armature == 0.5 && p->bodies[1].stiffness == 0);
    /* j3: main, as it stands after both main sections */
    assert_true(q->bodies[0].damping == 9 && q->bodies[0].armature == 0);
    assert_wr_ok(wr_world_destroy(w));
    assert_wr_ok(wr_model_destroy(m));
    refuse("<mujoco><worldbody><body><joint class=\"nope\"/></body></worldbody></mujoco>", WR_ERR_INVALID_ARGUMENT,
           "unknown class \"nope\"", "<joint>");
    refuse("<mujoco><default><default class=\"x\"/><default class=\"x\"/></default></mujoco>",
           WR_ERR_INVALID_ARGUMENT, "class \"x\" is defined twice", NULL);
    refuse("<mujoco><default><default/></default></mujoco>", WR_ERR_PARSE, "needs attribute 'class'", NULL);
}

/* Sections apply in MuJoCo's order whatever the file order: a compiler after the bodies still sets the angle unit. */
static void test_section_order_and_orientations(void **state)
{
    (void)state;
    const char *xml = "<mujoco><worldbody>"
                      "<body name=\"a\" euler=\"0 0 1.5707963267948966\"><geom size=\".1\"/></body>"
                      "<body name=\"b\" axisangle=\"0 0 1 1.5707963267948966\"><geom size=\".1\"/></body>"
                      "<body name=\"c\" xyaxes=\"0 1 0 -1 0 0\"><geom size=\".1\"/></body>"
                      "<body name=\"d\" quat=\"2 0 0 2\"><geom size=\".1\"/></body>"
                      "</worldbody><compiler angle=\"radian\"/></mujoco>";
    wr_model *m = load(xml);
    for (int b = 1; b <= 4; b++) { /* every one is a quarter turn about z */
        wr_model_body_info info;
        assert_wr_ok(wr_model_get_body(m, b, &info));
        assert_true(fabs(info.quat[0] - sqrt(0.5)) < 1e-12 && fabs(info.quat[3] - sqrt(0.5)) < 1e-12);
    }
    assert_wr_ok(wr_model_destroy(m));
    refuse("<mujoco><worldbody><body quat=\"1 0 0 0\" euler=\"0 0 0\"/></worldbody></mujoco>", WR_ERR_PARSE,
           "both 'quat' and 'euler'", NULL);
}

static void test_motors_and_controls(void **state)
{
    (void)state;
    const char *xml = "<mujoco><compiler autolimits=\"true\"/><worldbody>"
                      "<body name=\"a\"><joint name=\"ja\"/><geom size=\".1\"/></body>"
                      "<body name=\"b\" pos=\"1 0 0\"><joint name=\"jb\" type=\"slide\"/><geom size=\".1\"/></body>"
                      "</worldbody><actuator>"
                      "<motor name=\"mb\" joint=\"jb\" gear=\"10\" ctrlrange=\"-1 1\"/>"
                      "<motor name=\"ma\" joint=\"ja\" gear=\"2\"/>"
                      "</actuator></mujoco>";
    wr_model *m = load(xml);
    assert_int_equal(wr_model_actuator_count(m), 2);
    wr_model_actuator_info a;
    assert_wr_ok(wr_model_get_actuator(m, 0, &a)); /* control order: skeleton a first */
    assert_string_equal(a.name, "ma");
    assert_int_equal(a.file_index, 1);
    assert_wr_ok(wr_model_get_actuator(m, 1, &a));
    assert_string_equal(a.name, "mb");
    assert_true(a.ctrl_limited && a.ctrl_range[0] == -1 && a.gear == 10);
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_world_add_model(w, m, NULL, NULL));
    assert_int_equal((int)wr_world_control_count(w), 2);
    double ctrl[2] = {0.5, 3.0}, back[2];
    assert_wr_ok(wr_world_set_controls(w, ctrl, 2));
    assert_wr_ok(wr_world_get_controls(w, back, 2));
    assert_true(back[0] == 0.5 && back[1] == 3.0);
    assert_int_equal(wr_world_set_controls(w, ctrl, 1), WR_ERR_INVALID_ARGUMENT);
    double bad[2] = {NAN, 0};
    assert_int_equal(wr_world_set_controls(w, bad, 2), WR_ERR_NON_FINITE);
    /* one step from rest: v = dt * gear * clamp(ctrl) / mass (the sphere's mass) */
    wr_model_body_info body;
    assert_wr_ok(wr_model_get_body(m, 2, &body));
    wr_world_set_gravity(w, (double[3]){0, 0, 0});
    assert_wr_ok(wr_world_step(w, 1));
    double v[2];
    assert_wr_ok(wr_world_get_velocities(w, v, 2));
    const double dt = wr_world_time_step(w);
    assert_true(fabs(v[1] - dt * 10.0 * 1.0 / body.mass) < 1e-12 * fabs(v[1]));
    assert_true(v[0] > 0);
    assert_wr_ok(wr_world_destroy(w));
    assert_wr_ok(wr_model_destroy(m));
}

/* ---- includes ---------------------------------------------------------------------------------------------- */

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_includes(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/wr_mjcf_XXXXXX");
    assert_non_null(mkdtemp(dir));
    write_file("arm.xml", "<mujoco><body name=\"arm\"><joint/><geom size=\".1\"/></body></mujoco>");
    write_file("main.xml", "<mujoco><worldbody><include file=\"arm.xml\"/></worldbody></mujoco>");
    write_file("cycle_a.xml", "<mujoco><include file=\"cycle_b.xml\"/></mujoco>");
    write_file("cycle_b.xml", "<mujoco>\n<include file=\"cycle_a.xml\"/></mujoco>");
    write_file("twice.xml", "<mujoco><worldbody><include file=\"arm.xml\"/><include file=\"arm.xml\"/></worldbody>"
                            "</mujoco>");
    write_file("broken.xml", "<mujoco><worldbody>\n<body></worldbody></mujoco>");
    write_file("uses_broken.xml", "<mujoco><include file=\"broken.xml\"/></mujoco>");
    char path[256];
    snprintf(path, sizeof path, "%s/main.xml", dir);
    wr_model *m = NULL;
    assert_wr_ok(wr_model_load_file(path, NULL, &m));
    assert_int_equal(wr_model_find_body(m, "arm"), 1);
    assert_wr_ok(wr_model_destroy(m));
    /* a string includes relative to options.base_dir, and only with it */
    const char *xml = "<mujoco><worldbody><include file=\"arm.xml\"/></worldbody></mujoco>";
    refuse(xml, WR_ERR_INVALID_ARGUMENT, "base_dir", "<include>");
    wr_model_load_options o;
    wr_model_load_options_init(&o);
    o.base_dir = dir;
    assert_wr_ok(wr_model_load_string(xml, strlen(xml), &o, &m));
    assert_int_equal(wr_model_body_count(m), 2);
    assert_wr_ok(wr_model_destroy(m));
    refuse_with(&o, "<mujoco><include file=\"missing.xml\"/></mujoco>", WR_ERR_INVALID_ARGUMENT, "missing.xml",
                "<include>");
    snprintf(path, sizeof path, "%s/cycle_a.xml", dir);
    m = NULL;
    assert_int_equal(wr_model_load_file(path, NULL, &m), WR_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(wr_last_error(), "include cycle"));
    assert_non_null(strstr(wr_last_error(), "cycle_b.xml:2"));
    assert_null(m);
    snprintf(path, sizeof path, "%s/twice.xml", dir);
    assert_int_equal(wr_model_load_file(path, NULL, &m), WR_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(wr_last_error(), "included twice"));
    /* an error inside an included file names that file */
    snprintf(path, sizeof path, "%s/uses_broken.xml", dir);
    assert_int_equal(wr_model_load_file(path, NULL, &m), WR_ERR_PARSE);
    assert_non_null(strstr(wr_last_error(), "broken.xml:2"));
    assert_null(m);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- the warning report and strict mode -------------------------------------------------------------------- */

static const char *unsupported = "<mujoco>\n"
                                 "<option impratio=\"2\"/>\n"
                                 "<worldbody>\n"
                                 "  <light pos=\"0 0 3\"/>\n"
                                 "  <body><joint frictionloss=\"1\"/><geom size=\".1\" solref=\".02 1\"/>\n"
                                 "    <site name=\"s\"/></body>\n"
                                 "  <body><joint/><geom size=\".1\" solref=\".02 1\" rgba=\"1 0 0 1\"/></body>\n"
                                 "</worldbody>\n"
                                 "<tendon/>\n"
                                 "<sensor><jointpos joint=\"x\"/></sensor>\n"
                                 "</mujoco>\n";

static int find_warning(const wr_model *m, const char *element, const char *attribute, wr_model_warning_info *out)
{
    for (int i = 0; i < wr_model_warning_count(m); i++) {
        assert_wr_ok(wr_model_get_warning(m, i, out));
        if (strcmp(out->element, element) == 0 && strcmp(out->attribute, attribute) == 0)
            return 1;
    }
    return 0;
}

static void test_warnings_and_strict(void **state)
{
    (void)state;
    wr_model *m = load(unsupported);
    wr_model_warning_info w;
    assert_true(find_warning(m, "geom", "solref", &w));
    assert_int_equal(w.count, 2); /* once per kind, counted */
    assert_int_equal(w.line, 5);
    assert_string_equal(w.file, "<string>");
    assert_true(find_warning(m, "joint", "frictionloss", &w) && w.line == 5);
    assert_true(find_warning(m, "option", "impratio", &w) && w.line == 2);
    assert_true(find_warning(m, "site", "", &w) && w.line == 6);
    assert_true(find_warning(m, "jointpos", "", &w) && w.line == 10);
    assert_false(find_warning(m, "light", "", &w)); /* visual: ignored silently */
    assert_false(find_warning(m, "geom", "rgba", &w));
    assert_wr_ok(wr_model_destroy(m));
    wr_model_load_options o;
    wr_model_load_options_init(&o);
    o.strict = 1;
    refuse_with(&o, unsupported, WR_ERR_UNSUPPORTED, "<string>:2: <option>", "impratio");
}

/* ---- bad input --------------------------------------------------------------------------------------------- */

typedef struct bad_case {
    const char *xml;
    wr_status status;
    const char *fragment1, *fragment2;
} bad_case;

static void test_bad_input(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"<mujoco><worldbody>\n<body>\n</worldbody></mujoco>", WR_ERR_PARSE, "XML syntax error", ":3:"},
        {"", WR_ERR_PARSE, "XML syntax error", NULL},
        {"<robt/>", WR_ERR_PARSE, "root element", "<robt>"},
        {"<mujoco>\n<worldbody><bodyy/></worldbody></mujoco>", WR_ERR_PARSE, ":2: <bodyy>", "unknown element"},
        {"<mujoco><worldbody><body>\n<geom sizee=\"1\"/></body></worldbody></mujoco>", WR_ERR_PARSE, ":2: <geom>",
         "unknown attribute 'sizee'"},
        {"<mujoco><worldbody><body><inertial pos=\"0 0 0\" diaginertia=\"1 1 1\"/></body></worldbody></mujoco>",
         WR_ERR_PARSE, "<inertial>", "missing attribute 'mass'"},
        {"<mujoco><worldbody><body><geom size=\"abc\"/></body></worldbody></mujoco>", WR_ERR_PARSE, "<geom>",
         "not a list of numbers"},
        {"<mujoco><worldbody><body><geom size=\"nan\"/></body></worldbody></mujoco>", WR_ERR_PARSE, "<geom>",
         "not a finite number"},
        {"<mujoco><worldbody><body><geom size=\"1e999\"/></body></worldbody></mujoco>", WR_ERR_PARSE, "<geom>",
         "not a finite number"},
        {"<mujoco><worldbody><body pos=\"1 2\"/></worldbody></mujoco>", WR_ERR_PARSE, "<body>", "needs 3 numbers"},
        {"<mujoco><worldbody><body pos=\"1 2 3 4\"/></worldbody></mujoco>", WR_ERR_PARSE, "<body>",
         "more than 3 numbers"},
        {"<mujoco><worldbody><body><geom size=\"-1\"/></body></worldbody></mujoco>", WR_ERR_INVALID_ARGUMENT,
         "<geom>", "must be > 0"},
        {"<mujoco><worldbody><body><geom size=\"1\" mass=\"-2\"/></body></worldbody></mujoco>",
         WR_ERR_INVALID_ARGUMENT, "<geom>", "must be >= 0"},
        {"<mujoco><worldbody><body><inertial pos=\"0 0 0\" mass=\"-1\" diaginertia=\"1 1 1\"/></body></worldbody>"
         "</mujoco>",
         WR_ERR_INVALID_ARGUMENT, "<inertial>", "mass must be >= 0"},
        {"<mujoco><worldbody><body><joint/><inertial pos=\"0 0 0\" mass=\"1\" diaginertia=\"1 1 -1\"/></body>"
         "</worldbody></mujoco>",
         WR_ERR_INVALID_ARGUMENT, "<body>", "cannot be negative"},
        {"<mujoco><worldbody><body><joint/><inertial pos=\"0 0 0\" mass=\"1\" diaginertia=\"1 1 3\"/></body>"
         "</worldbody></mujoco>",
         WR_ERR_INVALID_ARGUMENT, "<body>", "A + B >= C"},
        {"<mujoco><worldbody><body><joint/></body></worldbody></mujoco>", WR_ERR_INVALID_ARGUMENT,
         "mass and inertia of moving bodies", NULL},
        {"<mujoco><worldbody><body name=\"a\"/><body name=\"a\"/></worldbody></mujoco>", WR_ERR_INVALID_ARGUMENT,
         "<body>", "repeated name \"a\""},
        {"<mujoco><worldbody><body><joint name=\"j\"/><geom size=\".1\"/></body></worldbody>"
         "<actuator><motor joint=\"k\"/></actuator></mujoco>",
         WR_ERR_INVALID_ARGUMENT, "<motor>", "unknown joint \"k\""},
        {"<mujoco><actuator><motor/></actuator></mujoco>", WR_ERR_PARSE, "<motor>", "needs a transmission"},
        {"<mujoco><worldbody><body><joint range=\"0 1\"/><geom size=\".1\"/></body></worldbody></mujoco>",
         WR_ERR_PARSE, "<joint>", "autolimits"},
        {"<mujoco><worldbody><body><body><freejoint/><geom size=\".1\"/></body></body></worldbody></mujoco>",
         WR_ERR_INVALID_ARGUMENT, "<joint>", "top level"},
        {"<mujoco><worldbody><body><joint/><geom type=\"plane\" size=\"1 1 1\"/><geom size=\".1\"/></body>"
         "</worldbody></mujoco>",
         WR_ERR_INVALID_ARGUMENT, "<geom>", "plane"},
        {"<mujoco><worldbody><body><joint type=\"screw\"/></body></worldbody></mujoco>", WR_ERR_PARSE, "<joint>",
         "is not one of"},
        {"<mujoco><worldbody><body><geom type=\"capsule\" fromto=\"0 0 0 0 0 0\" size=\".1\"/></body></worldbody>"
         "</mujoco>",
         WR_ERR_INVALID_ARGUMENT, "<geom>", "too close"},
        {"<mujoco><compiler angle=\"gradian\"/></mujoco>", WR_ERR_PARSE, "<compiler>", "angle"},
        {"<mujoco><option timestep=\"0\"/></mujoco>", WR_ERR_PARSE, "<option>", "timestep"},
        {"<mujoco><worldbody><joint/></worldbody></mujoco>", WR_ERR_PARSE, "<joint>", "world body"},
        {"<mujoco><worldbody><body><joint axis=\"0 0 0\"/></body></worldbody></mujoco>", WR_ERR_INVALID_ARGUMENT,
         "<joint>", "axis too small"},
        {"<!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
         "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
         "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
         "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>"
         "<mujoco model=\"&h;\"/>",
         WR_ERR_PARSE, "XML syntax error", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        refuse(cases[i].xml, cases[i].status, cases[i].fragment1, cases[i].fragment2);
    /* NULLs and an unknown format */
    wr_model *m = NULL;
    assert_int_equal(wr_model_load_string(NULL, 0, NULL, &m), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_model_load_string("<mujoco/>", 9, NULL, NULL), WR_ERR_INVALID_ARGUMENT);
    assert_int_equal(wr_model_load_file("/nonexistent/model.xml", NULL, &m), WR_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(wr_last_error(), "cannot open"));
    wr_model_load_options o;
    wr_model_load_options_init(&o);
    o.format = (wr_model_format)7;
    assert_int_equal(wr_model_load_string("<mujoco/>", 9, &o, &m), WR_ERR_INVALID_ARGUMENT);
    o.format = WR_MODEL_FORMAT_URDF;
    refuse_with(&o, "<mujoco/>", WR_ERR_PARSE, "not URDF", NULL);
    assert_null(m);
}

/* Sizes past the limits: a file larger than max_bytes, bodies nested deeper than the parsers allow. */
static void test_limits(void **state)
{
    (void)state;
    wr_model_load_options o;
    wr_model_load_options_init(&o);
    o.max_bytes = 16;
    refuse_with(&o, "<mujoco model=\"more than sixteen bytes\"/>", WR_ERR_INVALID_ARGUMENT, "limit", NULL);
    /* 2000 nested bodies: libxml2 refuses past its depth limit (256) */
    size_t cap = 2000 * 20 + 200, n = 0;
    char *xml = malloc(cap);
    assert_non_null(xml);
    n += (size_t)sprintf(xml + n, "<mujoco><worldbody>");
    for (int i = 0; i < 2000; i++)
        n += (size_t)sprintf(xml + n, "<body>");
    for (int i = 0; i < 2000; i++)
        n += (size_t)sprintf(xml + n, "</body>");
    n += (size_t)sprintf(xml + n, "</worldbody></mujoco>");
    refuse(xml, WR_ERR_PARSE, "XML syntax error", NULL);
    /* 200 nested bodies parse (a deep chain: 200 skeleton bodies) */
    n = 0;
    n += (size_t)sprintf(xml + n, "<mujoco><worldbody>");
    for (int i = 0; i < 200; i++)
        n += (size_t)sprintf(xml + n, "<body><joint/><geom size=\".1\"/>");
    for (int i = 0; i < 200; i++)
        n += (size_t)sprintf(xml + n, "</body>");
    sprintf(xml + n, "</worldbody></mujoco>");
    wr_model *m = load(xml);
    assert_int_equal(wr_model_body_count(m), 201);
    assert_wr_ok(wr_model_destroy(m));
    free(xml);
}

/* Numbers are read in the C locale whatever the host's LC_NUMERIC says. */
static void test_locale(void **state)
{
    (void)state;
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "C.UTF-8", NULL};
    const char *set = NULL;
    for (int i = 0; names[i] && !set; i++)
        set = setlocale(LC_NUMERIC, names[i]);
    wr_model *m = load(pendulum2);
    assert_true(wr_model_time_step(m) == 0.01);
    assert_wr_ok(wr_model_destroy(m));
    setlocale(LC_NUMERIC, "C");
    if (!set)
        print_message("no other locale installed: checked in the C locale only\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multi_joint_body_is_a_chain),
        cmocka_unit_test(test_ref_is_folded_into_the_pose),
        cmocka_unit_test(test_defaults_and_childclass),
        cmocka_unit_test(test_section_order_and_orientations),
        cmocka_unit_test(test_motors_and_controls),
        cmocka_unit_test(test_includes),
        cmocka_unit_test(test_warnings_and_strict),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
