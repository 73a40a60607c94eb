/* The URDF reader: real robots from Debian's dart-doc (Barrett WAM, KUKA KR5 sixx R650, DRC-Hubo, Atlas v3) read
 * with their masses, inertias (rotated by the inertial origin), limits and damping; a URDF double pendulum and the
 * same robot written in MJCF step identically; the root welded or floating; and bad input refused with file, line
 * and element: malformed XML, unknown elements, missing attributes and limits, bad numbers, negative mass,
 * duplicate names, unknown links, two parents, two roots, joint cycles, planar joints. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dynamics/skeleton_impl.h"

#define DART_DATA "/usr/share/doc/dart/data"

static wr_model *load_string(const char *xml, const wr_model_load_options *o)
{
    wr_model *m = NULL;
    assert_wr_ok(wr_model_load_string(xml, strlen(xml), o, &m));
    return m;
}

static void refuse(const char *xml, wr_status status, const char *fragment1, const char *fragment2)
{
    wr_model *m = NULL;
    wr_status st = wr_model_load_string(xml, strlen(xml), NULL, &m);
    if (st != status || !strstr(wr_last_error(), fragment1) || (fragment2 && !strstr(wr_last_error(), fragment2)))
        print_error("got %s: %s\nwanted %s with \"%s\"\n", wr_status_name(st), wr_last_error(), wr_status_name(status),
                    fragment1);
    assert_int_equal(st, status);
    assert_non_null(strstr(wr_last_error(), fragment1));
    if (fragment2)
        assert_non_null(strstr(wr_last_error(), fragment2));
    assert_null(m);
}

static int have_dart_data(void)
{
    if (access(DART_DATA "/urdf/wam/wam.urdf", R_OK) == 0)
        return 1;
    print_message("dart-doc is not installed (tools/deps.sh installs it): the real robots are not checked\n");
    return 0;
}

/* R(rpy) I R^T with URDF's fixed-axis roll, pitch, yaw, for an independent check of the inertial rotation. */
static void rpy_matrix(double r, double p, double y, double m[9])
{
    double cr = cos(r), sr = sin(r), cp = cos(p), sp = sin(p), cy = cos(y), sy = sin(y);
    const double rz[9] = {cy, -sy, 0, sy, cy, 0, 0, 0, 1}, ry[9] = {cp, 0, sp, 0, 1, 0, -sp, 0, cp},
                 rx[9] = {1, 0, 0, 0, cr, -sr, 0, sr, cr};
    double t[9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            t[3 * i + j] = 0;
            for (int k = 0; k < 3; k++)
                t[3 * i + j] += rz[3 * i + k] * ry[3 * k + j];
        }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            m[3 * i + j] = 0;
            for (int k = 0; k < 3; k++)
                m[3 * i + j] += t[3 * i + k] * rx[3 * k + j];
        }
}

static void test_wam(void **state)
{
    (void)state;
    if (!have_dart_data())
        return;
    wr_model *m = NULL;
    assert_wr_ok(wr_model_load_file(DART_DATA "/urdf/wam/wam.urdf", NULL, &m));
    assert_int_equal(wr_model_format_of(m), WR_MODEL_FORMAT_URDF);
    assert_string_equal(wr_model_name(m), "wam");
    assert_int_equal(wr_model_body_count(m), 9);  /* the link "world" is the world, then 8 links */
    assert_int_equal(wr_model_joint_count(m), 7); /* /j0 is fixed */
    assert_int_equal((int)wr_model_dof_count(m), 7);
    int b = wr_model_find_body(m, "/wam1");
    assert_true(b > 0);
    wr_model_body_info info;
    assert_wr_ok(wr_model_get_body(m, b, &info));
    assert_true(info.mass == 10.76768767);
    const double com[3] = {-0.004434, -0.000665, -0.121890};
    for (int k = 0; k < 3; k++)
        assert_true(info.com[k] == com[k]);
    /* <inertia> is in the inertial frame (rpy -pi/2 0 0): the body-frame inertia is R I R^T */
    const double i[9] = {0.13488033, -0.00213041, -0.00012485, -0.00213041, 0.11328369,
                         0.00068555, -0.00012485, 0.00068555,  0.09046330};
    double r[9], expect[9];
    rpy_matrix(-1.570796, 0, 0, r);
    for (int a = 0; a < 3; a++)
        for (int c = 0; c < 3; c++) {
            expect[3 * a + c] = 0;
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 3; l++)
                    expect[3 * a + c] += r[3 * a + k] * i[3 * k + l] * r[3 * c + l];
        }
    for (int k = 0; k < 9; k++)
        assert_true(fabs(info.inertia[k] - expect[k]) < 1e-12);
    /* its joint /j1: limits, effort, velocity as the file says */
    wr_world *w = NULL;
    assert_wr_ok(wr_world_create(NULL, &w));
    assert_wr_ok(wr_world_add_model(w, m, NULL, NULL));
    const wr_skeleton *s = wr_world_get_skeleton(w, 0);
    const body_node *n = &s->bodies[info.skeleton_body];
    assert_int_equal(n->type, WR_JOINT_REVOLUTE);
    assert_true(n->lower[0] == -2.6 && n->upper[0] == 2.6 && n->effort_limit[0] == 1.8 && n->velocity_limit[0] == 0.75);
    assert_true(s->bodies[0].flags & BODY_FLAG_STATIC); /* /wam_base, welded to the world by /j0 */
    /* the arm hangs under gravity: 0.5 s of stepping, within its limits */
    assert_wr_ok(wr_world_step(w, 500));
    double q[7];
    assert_wr_ok(wr_world_get_positions(w, q, 7));
    for (int k = 0; k < 7; k++)
        assert_true(fabs(q[k]) < 3.2);
    /* the report names what is not modelled: extra inertia attributes, mesh collision geometry */
    int extra = 0, mesh = 0;
    for (int k = 0; k < wr_model_warning_count(m); k++) {
        wr_model_warning_info wi;
        assert_wr_ok(wr_model_get_warning(m, k, &wi));
        extra += strcmp(wi.element, "inertia") == 0 && strcmp(wi.attribute, "iyx") == 0 && wi.count == 8;
        mesh += strcmp(wi.element, "mesh") == 0 && wi.count == 8;
    }
    assert_true(extra == 1 && mesh == 1);
    assert_wr_ok(wr_world_destroy(w));
    assert_wr_ok(wr_model_destroy(m));
    /* strict: the non-URDF attribute is an error */
    wr_model_load_options o;
    wr_model_load_options_init(&o);
    o.strict = 1;
    assert_int_equal(wr_model_load_file(DART_DATA "/urdf/wam/wam.urdf", &o, &m), WR_ERR_UNSUPPORTED);
    assert_non_null(strstr(wr_last_error(), "wam.urdf:26: <inertia>"));
}

static void test_other_robots(void **state)
{
    (void)state;
    if (!have_dart_data())
        return;
    static const struct {
        const char *path;
        int bodies, dofs;
    } robots[] = {
        {DART_DATA "/urdf/KR5/KR5 sixx R650.urdf", 8, 6},
        {DART_DATA "/urdf/drchubo/drchubo.urdf", 53, 51},
        {DART_DATA "/sdf/atlas/atlas_v3_no_head.urdf", 35, 27},
    };
    for (size_t i = 0; i < sizeof robots / sizeof robots[0]; i++) {
        wr_model *m = NULL;
        assert_wr_ok(wr_model_load_file(robots[i].path, NULL, &m));
        assert_int_equal(wr_model_body_count(m), robots[i].bodies);
        assert_int_equal((int)wr_model_dof_count(m), robots[i].dofs);
        wr_world *w = NULL;
        assert_wr_ok(wr_world_create(NULL, &w));
        assert_wr_ok(wr_world_add_model(w, m, NULL, NULL));
        assert_wr_ok(wr_world_step(w, 200));
        assert_wr_ok(wr_world_destroy(w));
        assert_wr_ok(wr_model_destroy(m));
    }
    /* the Atlas file with a head names a link it does not define */
    wr_model *m = NULL;
    assert_int_equal(wr_model_load_file(DART_DATA "/sdf/atlas/atlas_v3.urdf", NULL, &m), WR_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(wr_last_error(), "atlas_v3.urdf:719: <child>: unknown link \"head\""));
    /* a floating base: the root link moves on a free joint */
    wr_model_load_options o;
    wr_model_load_options_init(&o);
    o.urdf_floating_base = 1;
    assert_wr_ok(wr_model_load_file(DART_DATA "/urdf/drchubo/drchubo.urdf", &o, &m));
    assert_int_equal((int)wr_model_dof_count(m), 57);
    assert_int_equal((int)wr_model_position_count(m), 58);
    assert_wr_ok(wr_model_destroy(m));
}

/* A double pendulum with rotated joint origins and a rotated inertial frame, in URDF and in MJCF (the same numbers):
 * both readers give the same skeleton, which steps to the same state. */
static const char *pendulum_urdf =
    "<robot name=\"pendulum\">\n"
    "  <link name=\"base\"/>\n"
    "  <link name=\"upper\">\n"
    "    <inertial><origin xyz=\"0 0 -0.25\" rpy=\"0.1 0.2 0.3\"/><mass value=\"2\"/>\n"
    "      <inertia ixx=\"0.05\" ixy=\"0.001\" ixz=\"0\" iyy=\"0.04\" iyz=\"0.002\" izz=\"0.03\"/></inertial>\n"
    "    <collision><origin xyz=\"0 0 -0.25\"/><geometry><cylinder radius=\"0.03\" length=\"0.5\"/></geometry>"
    "</collision>\n"
    "  </link>\n"
    "  <link name=\"lower\">\n"
    "    <inertial><origin xyz=\"0 0 -0.2\"/><mass value=\"1\"/>\n"
    "      <inertia ixx=\"0.02\" ixy=\"0\" ixz=\"0\" iyy=\"0.02\" iyz=\"0\" izz=\"0.01\"/></inertial>\n"
    "  </link>\n"
    "  <joint name=\"shoulder\" type=\"continuous\">\n"
    "    <parent link=\"base\"/><child link=\"upper\"/><origin xyz=\"0 0 2\" rpy=\"0 0 0.5\"/>\n"
    "    <axis xyz=\"0 1 0\"/><dynamics damping=\"0.1\"/>\n"
    "  </joint>\n"
    "  <joint name=\"elbow\" type=\"revolute\">\n"
    "    <parent link=\"upper\"/><child link=\"lower\"/><origin xyz=\"0 0 -0.5\" rpy=\"0.3 0 0\"/>\n"
    "    <axis xyz=\"1 0 0\"/><limit lower=\"-2\" upper=\"2\" effort=\"10\" velocity=\"20\"/>\n"
    "  </joint>\n"
    "</robot>\n";

static void quat_of_rpy(double r, double p, double y, double q[4])
{
    /* q = qz(y) qy(p) qx(r) */
    double cr = cos(r / 2), sr = sin(r / 2), cp = cos(p / 2), sp = sin(p / 2), cy = cos(y / 2), sy = sin(y / 2);
    q[0] = cy * cp * cr + sy * sp * sr;
    q[1] = cy * cp * sr - sy * sp * cr;
    q[2] = cy * sp * cr + sy * cp * sr;
    q[3] = sy * cp * cr - cy * sp * sr;
}

static void test_urdf_matches_mjcf(void **state)
{
    (void)state;
    /* MJCF cannot rotate a fullinertia: the URDF's inertial rotation is applied here, by hand */
    double q2[4], q3[4];
    quat_of_rpy(0, 0, 0.5, q2);
    quat_of_rpy(0.3, 0, 0, q3);
    wr_model *u = load_string(pendulum_urdf, NULL);
    assert_int_equal(wr_model_body_count(u), 4); /* world, base, upper, lower */
    wr_model_body_info ub;
    assert_wr_ok(wr_model_get_body(u, 2, &ub));
    double r[9];
    rpy_matrix(0.1, 0.2, 0.3, r);
    const double i[9] = {0.05, 0.001, 0, 0.001, 0.04, 0.002, 0, 0.002, 0.03};
    double full[9];
    for (int a = 0; a < 3; a++)
        for (int c = 0; c < 3; c++) {
            full[3 * a + c] = 0;
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 3; l++)
                    full[3 * a + c] += r[3 * a + k] * i[3 * k + l] * r[3 * c + l];
        }
    char mjcf[2048];
    snprintf(mjcf, sizeof mjcf,
             "<mujoco><option timestep=\"0.001\"/><compiler angle=\"radian\"/><worldbody>\n"
             "<body name=\"base\"/>"
             "<body name=\"upper\" pos=\"0 0 2\" quat=\"%.17g %.17g %.17g %.17g\">\n"
             "  <joint name=\"shoulder\" axis=\"0 1 0\" damping=\"0.1\"/>\n"
             "  <inertial pos=\"0 0 -0.25\" mass=\"2\"\n"
             "    fullinertia=\"%.17g %.17g %.17g %.17g %.17g %.17g\"/>\n"
             "  <geom type=\"cylinder\" size=\"0.03 0.25\" pos=\"0 0 -0.25\" friction=\"1\"/>\n"
             "  <body name=\"lower\" pos=\"0 0 -0.5\" quat=\"%.17g %.17g %.17g %.17g\">\n"
             "    <joint name=\"elbow\" axis=\"1 0 0\" limited=\"true\" range=\"-2 2\"/>\n"
             "    <inertial pos=\"0 0 -0.2\" mass=\"1\" diaginertia=\"0.02 0.02 0.01\"/>\n"
             "  </body></body></worldbody></mujoco>\n",
             q2[0], q2[1], q2[2], q2[3], full[0], full[4], full[8], full[1], full[2], full[5], q3[0], q3[1], q3[2],
             q3[3]);
    wr_model *j = load_string(mjcf, NULL);
    assert_int_equal(wr_model_body_count(j), 4);
    for (int b = 1; b < 4; b++) {
        wr_model_body_info x, y;
        assert_wr_ok(wr_model_get_body(u, b, &x));
        assert_wr_ok(wr_model_get_body(j, b, &y));
        assert_string_equal(x.name, y.name);
        assert_true(fabs(x.mass - y.mass) < 1e-15);
        for (int k = 0; k < 3; k++)
            assert_true(fabs(x.com[k] - y.com[k]) < 1e-15 && fabs(x.pos[k] - y.pos[k]) < 1e-15);
        for (int k = 0; k < 4; k++)
            assert_true(fabs(x.quat[k] - y.quat[k]) < 1e-15);
        for (int k = 0; k < 9; k++)
            assert_true(fabs(x.inertia[k] - y.inertia[k]) < 1e-15);
    }
    wr_world *wu = NULL, *wj = NULL;
    assert_wr_ok(wr_world_create(NULL, &wu));
    assert_wr_ok(wr_world_create(NULL, &wj));
    assert_wr_ok(wr_world_add_model(wu, u, NULL, NULL));
    assert_wr_ok(wr_world_add_model(wj, j, NULL, NULL));
    double q0[2] = {0.8, -0.4};
    assert_wr_ok(wr_world_set_positions(wu, q0, 2));
    assert_wr_ok(wr_world_set_positions(wj, q0, 2));
    assert_wr_ok(wr_world_step(wu, 1000));
    assert_wr_ok(wr_world_step(wj, 1000));
    double a[2], c[2];
    assert_wr_ok(wr_world_get_positions(wu, a, 2));
    assert_wr_ok(wr_world_get_positions(wj, c, 2));
    print_message("URDF and MJCF double pendulum after 1 s: q = (%.6f, %.6f) and (%.6f, %.6f)\n", a[0], a[1], c[0],
                  c[1]);
    assert_true(fabs(a[0] - c[0]) < 1e-9 && fabs(a[1] - c[1]) < 1e-9);
    assert_true(fabs(a[0] - q0[0]) > 0.1); /* it swung */
    assert_wr_ok(wr_world_destroy(wu));
    assert_wr_ok(wr_world_destroy(wj));
    assert_wr_ok(wr_model_destroy(u));
    assert_wr_ok(wr_model_destroy(j));
}

typedef struct bad_case {
    const char *xml;
    wr_status status;
    const char *fragment1, *fragment2;
} bad_case;

#define L(name) "<link name=\"" name "\"><inertial><mass value=\"1\"/><inertia ixx=\"1\" ixy=\"0\" ixz=\"0\" " \
                "iyy=\"1\" iyz=\"0\" izz=\"1\"/></inertial></link>"
#define J(name, type, parent, child) "<joint name=\"" name "\" type=\"" type "\"><parent link=\"" parent "\"/>" \
                                     "<child link=\"" child "\"/></joint>"

static void test_bad_input(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"<robot><link name=\"a\">\n</robot>", WR_ERR_PARSE, "XML syntax error", ":2:"},
        {"<robot>\n<lnk name=\"a\"/></robot>", WR_ERR_PARSE, ":2: <lnk>", "unknown element"},
        {"<robot><link name=\"a\">\n<vision/></link></robot>", WR_ERR_PARSE, ":2: <vision>", "unknown element"},
        {"<robot><link/></robot>", WR_ERR_PARSE, "<link>", "missing attribute 'name'"},
        {"<robot>" L("a") L("b") "<joint name=\"j\" type=\"revolute\"><parent link=\"a\"/><child link=\"b\"/>"
         "</joint></robot>",
         WR_ERR_PARSE, "<joint>", "needs <limit>"},
        {"<robot>" L("a") L("b") "<joint name=\"j\" type=\"hinge\"><parent link=\"a\"/><child link=\"b\"/>"
         "</joint></robot>",
         WR_ERR_PARSE, "<joint>", "is not one of"},
        {"<robot>" L("a") L("b") J("j", "planar", "a", "b") "</robot>", WR_ERR_UNSUPPORTED, "<joint>", "planar"},
        {"<robot>" L("a") L("b") J("j", "fixed", "a", "c") "</robot>", WR_ERR_INVALID_ARGUMENT, "<child>",
         "unknown link \"c\""},
        {"<robot>" L("a") L("a") "</robot>", WR_ERR_INVALID_ARGUMENT, "<link>", "repeated name \"a\""},
        {"<robot>" L("a") L("b") L("c") J("j", "fixed", "a", "b") J("j", "fixed", "a", "c") "</robot>",
         WR_ERR_INVALID_ARGUMENT, "<joint>", "repeated name \"j\""},
        {"<robot>" L("a") L("b") L("c") J("j1", "fixed", "a", "c") J("j2", "fixed", "b", "c") "</robot>",
         WR_ERR_INVALID_ARGUMENT, "<joint>", "two parent joints"},
        {"<robot>" L("a") L("b") "</robot>", WR_ERR_INVALID_ARGUMENT, "<link>", "two root links"},
        {"<robot>" L("a") L("b") J("j1", "continuous", "a", "b") J("j2", "continuous", "b", "a") "</robot>",
         WR_ERR_INVALID_ARGUMENT, "<robot>", "cycle"},
        {"<robot>" L("r") L("a") L("b") J("j1", "continuous", "a", "b") J("j2", "continuous", "b", "a") "</robot>",
         WR_ERR_INVALID_ARGUMENT, "<link>", "cycle"},
        {"<robot>" L("a") "<link name=\"b\"/>" J("j", "continuous", "a", "b") "</robot>", WR_ERR_INVALID_ARGUMENT,
         "<body>", "moving bodies"},
        {"<robot><link name=\"a\"><inertial><mass value=\"-1\"/><inertia ixx=\"1\" ixy=\"0\" ixz=\"0\" iyy=\"1\" "
         "iyz=\"0\" izz=\"1\"/></inertial></link></robot>",
         WR_ERR_INVALID_ARGUMENT, "<mass>", "must be >= 0"},
        {"<robot><link name=\"a\"><inertial><mass value=\"1\"/><inertia ixx=\"1\" ixy=\"0\" ixz=\"0\" iyy=\"1\" "
         "iyz=\"0\" izz=\"nan\"/></inertial></link></robot>",
         WR_ERR_PARSE, "<inertia>", "not a finite number"},
        {"<robot><link name=\"a\"><inertial><mass value=\"1\"/><inertia ixx=\"1\" ixy=\"0\" ixz=\"0\" iyy=\"1\" "
         "iyz=\"0\"/></inertial></link></robot>",
         WR_ERR_PARSE, "<inertia>", "missing attribute 'izz'"},
        {"<robot><link name=\"a\"><collision><geometry><box size=\"1 1\"/></geometry></collision></link></robot>",
         WR_ERR_PARSE, "<box>", "needs 3 numbers"},
        {"<robot><link name=\"a\"><collision><geometry><sphere radius=\"-1\"/></geometry></collision></link>"
         "</robot>",
         WR_ERR_INVALID_ARGUMENT, "<sphere>", "> 0"},
        {"<robot><link name=\"a\"><collision><geometry><cone radius=\"1\"/></geometry></collision></link></robot>",
         WR_ERR_PARSE, "<cone>", "unknown geometry"},
        {"<robot>" L("a") L("b") L("c") J("j1", "fixed", "a", "b") J("j2", "floating", "b", "c") "</robot>",
         WR_ERR_UNSUPPORTED, "<joint>", "floating"},
        {"<robot>" L("a") L("b") "<joint name=\"j\" type=\"prismatic\"><parent link=\"a\"/><child link=\"b\"/>"
         "<limit lower=\"1\" upper=\"0\" effort=\"1\" velocity=\"1\"/></joint></robot>",
         WR_ERR_INVALID_ARGUMENT, "<limit>", "lower 1 > upper 0"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        refuse(cases[k].xml, cases[k].status, cases[k].fragment1, cases[k].fragment2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wam),
        cmocka_unit_test(test_other_robots),
        cmocka_unit_test(test_urdf_matches_mjcf),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
