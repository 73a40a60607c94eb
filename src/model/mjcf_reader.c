/* MJCF (MuJoCo's XML) to the model IR.
 *
 * The reader follows MuJoCo 2.2.2: the schema (mjcf_schema.c) decides which elements and attributes exist (anything
 * else is an error, as in MuJoCo); sections are read in MuJoCo's order whatever their order in the file (compiler,
 * option, defaults, ..., worldbody, actuator), after <include> files are spliced in where they appear; defaults
 * classes copy their parent class when defined and apply through `class` and `childclass`; angles are degrees unless
 * compiler/angle says radian. What is read, what is ignored because it is visual only, and what is reported as not
 * supported is listed in the README (models section).
 *
 * Errors carry file, line and element (ir_fail); nothing is kept of a failed read (the caller frees the IR).
 */
#define _XOPEN_SOURCE 700
#include "model/mjcf_reader.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "core/status_internal.h"
#include "model/mjcf_schema.h"

#define MJ_PI 3.14159265358979323846
#define MJ_MAX_INCLUDE_DEPTH 8
#define MJ_MAX_BODY_DEPTH 512
#define MJ_MAX_CLASSES 10000

/* What a defaults class can set: the attributes of joints, geoms and actuators (one actuator default per class,
 * shared by every actuator shortcut, as in MuJoCo). */
enum { DK_JOINT = 0, DK_GEOM, DK_ACTUATOR, DK_COUNT };

typedef struct mj_entry {
    int kind;                 /* DK_* */
    int key, value;           /* IR string offsets */
    ir_src src;
} mj_entry;

typedef struct mj_class {
    int name;                 /* IR string offset */
    mj_entry *entries;        /* the class's full set: its parent's at definition, then its own */
    int count, cap;
} mj_class;

typedef struct mj_parser {
    ir_model *ir;
    xml_reader *xml;
    const wr_model_load_options *options;
    char dir[PATH_MAX];       /* directory relative includes are resolved in ("" if none allowed) */
    int have_dir;
    char *included[64];       /* canonical paths of every file read (the main one first) */
    int included_count;
    int stack[MJ_MAX_INCLUDE_DEPTH + 1]; /* indices into included[] of the files being read */
    int depth;
    mj_class *classes;
    int class_count, class_cap;
    int degree;               /* compiler/angle */
    char eulerseq[4];
    int autolimits;
} mj_parser;

/* ---- small helpers ----------------------------------------------------------------------------------------- */

static const char *const kw_bool[] = {"false", "true", NULL};

static wr_status str_of(mj_parser *p, const char *s, int *out)
{
    wr_status st;
    if (strlen(s) > IR_MAX_NAME)
        return WR_FAIL(WR_ERR_PARSE, "a name or value is longer than %d characters", IR_MAX_NAME);
    *out = ir_string(p->ir, s, &st);
    return st;
}

static int schema_index(int parent, const char *name) { return mjcf_schema_child(parent, name); }

/* Open an element with the attributes its schema entry allows. */
static wr_status open_elem(mj_parser *p, xmlNode *n, int file, int schema, xml_elem *e)
{
    return xml_elem_open(p->xml, n, file, schema >= 0 ? mjcf_schema[schema].attrs : NULL, e);
}

typedef wr_status (*mj_child_fn)(mj_parser *p, xmlNode *n, int file, int schema, void *ctx);

static wr_status for_children(mj_parser *p, xmlNode *parent, int file, int parent_schema, mj_child_fn fn, void *ctx);

/* <include file="..."/>: read the file (relative to the main file's directory) and visit the children of its root
 * element in place of the include. A file may be included once (MuJoCo's rule), which also rules out cycles. */
static wr_status visit_include(mj_parser *p, xmlNode *n, int file, int parent_schema, mj_child_fn fn, void *ctx)
{
    static const char *const allowed[] = {"file", NULL};
    xml_elem e;
    wr_status st = xml_elem_open(p->xml, n, file, allowed, &e);
    const char *name = st == WR_OK ? xml_elem_get(&e, "file") : NULL;
    if (st == WR_OK && (!name || !*name))
        st = ir_fail(p->ir, WR_ERR_PARSE, e.src, "include", "missing attribute 'file'");
    if (st == WR_OK && !p->have_dir)
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, "include",
                     "'%s': a model read from a string can include files only with options.base_dir set", name);
    if (st == WR_OK && p->depth >= MJ_MAX_INCLUDE_DEPTH)
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, "include", "includes nested deeper than %d",
                     MJ_MAX_INCLUDE_DEPTH);
    char path[PATH_MAX], canon[PATH_MAX];
    if (st == WR_OK) {
        int len = name[0] == '/' ? snprintf(path, sizeof path, "%s", name)
                                 : snprintf(path, sizeof path, "%s/%s", p->dir, name);
        if (len < 0 || (size_t)len >= sizeof path)
            st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, "include", "path too long");
    }
    if (st == WR_OK && !realpath(path, canon))
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, "include", "cannot find '%s'", path);
    for (int i = 0; st == WR_OK && i < p->included_count; i++) {
        if (strcmp(p->included[i], canon) != 0)
            continue;
        int cycle = 0;
        for (int k = 0; k <= p->depth; k++)
            cycle |= p->stack[k] == i;
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, "include",
                     cycle ? "include cycle: '%s' is already being read" : "'%s' is included twice (MuJoCo allows once)",
                     name);
    }
    if (st == WR_OK && p->included_count == (int)(sizeof p->included / sizeof p->included[0]))
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, "include", "more than %d included files",
                     (int)(sizeof p->included / sizeof p->included[0]));
    xmlNode *root = NULL;
    int child_file = -1;
    if (st == WR_OK) {
        p->included[p->included_count] = strdup(canon);
        if (!p->included[p->included_count])
            st = WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the include list");
        else
            p->included_count++;
    }
    if (st == WR_OK)
        st = xml_read_file(p->xml, path, e.src, "include", &root, &child_file);
    if (st == WR_OK) {
        p->stack[++p->depth] = p->included_count - 1;
        st = for_children(p, root, child_file, parent_schema, fn, ctx);
        p->depth--;
    }
    xml_elem_close(&e);
    return st;
}

/* Visit the element children of `parent` (whose schema entry is parent_schema), splicing includes in; an element
 * the schema does not allow there is an error. */
static wr_status for_children(mj_parser *p, xmlNode *parent, int file, int parent_schema, mj_child_fn fn, void *ctx)
{
    for (xmlNode *c = xml_first_child(parent); c; c = xml_next_element(c->next)) {
        const char *name = xml_node_name(c);
        wr_status st;
        if (strcmp(name, "include") == 0) {
            st = visit_include(p, c, file, parent_schema, fn, ctx);
        } else {
            int schema = schema_index(parent_schema, name);
            if (schema < 0) {
                const char *in = parent_schema >= 0 ? mjcf_schema[parent_schema].name : "the document";
                if (strcmp(in, "(world)body") == 0)
                    in = "body";
                return ir_fail(p->ir, WR_ERR_PARSE, (ir_src){file, xml_node_line(c)}, name,
                               "unknown element (not allowed in <%s>)", in);
            }
            st = fn(p, c, file, schema, ctx);
        }
        if (st != WR_OK)
            return st;
    }
    return WR_OK;
}

/* An element we do not read (visual, assets, cameras...): still checked against the schema, recursively. */
static wr_status validate_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    (void)ctx;
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    xml_elem_close(&e);
    if (st == WR_OK)
        st = for_children(p, n, file, schema, validate_cb, NULL);
    return st;
}

/* Not supported: checked, then reported once per element kind. */
static wr_status unsupported_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    const char *why = ctx ? ctx : "not supported: ignored";
    wr_status st = validate_cb(p, n, file, schema, NULL);
    if (st == WR_OK)
        st = ir_warn(p->ir, (ir_src){file, xml_node_line(n)}, xml_node_name(n), "", "%s", why);
    return st;
}

/* ---- values ------------------------------------------------------------------------------------------------ */

static wr_status get_doubles(mj_parser *p, const xml_elem *e, const char *key, int min, int max, double *out,
                             int *count)
{
    const char *v = xml_elem_get(e, key);
    if (count)
        *count = 0;
    if (!v)
        return WR_OK;
    return xml_doubles(p->ir, e->src, e->name, key, v, min, max, out, count);
}

static wr_status get_bool(mj_parser *p, const xml_elem *e, const char *key, int *out)
{
    const char *v = xml_elem_get(e, key);
    return v ? xml_bool(p->ir, e->src, e->name, key, v, out) : WR_OK;
}

/* A value resolved through the defaults: the element's own attribute, else the class's (with where it was set). */
typedef struct mj_value {
    const char *text;         /* NULL: absent */
    ir_src src;
    const char *element;      /* the element or "default" */
} mj_value;

static mj_value resolve(const mj_parser *p, const xml_elem *e, int kind, int cls, const char *key)
{
    mj_value v = {xml_elem_get(e, key), e->src, e->name};
    if (v.text || cls < 0)
        return v;
    const mj_class *c = &p->classes[cls];
    for (int i = c->count - 1; i >= 0; i--) {
        const mj_entry *en = &c->entries[i];
        if (en->kind == kind && strcmp(ir_str(p->ir, en->key), key) == 0) {
            v.text = ir_str(p->ir, en->value);
            v.src = en->src;
            v.element = "default";
            return v;
        }
    }
    return v;
}

static wr_status value_doubles(mj_parser *p, mj_value v, const char *key, int min, int max, double *out, int *count)
{
    if (count)
        *count = 0;
    if (!v.text)
        return WR_OK;
    return xml_doubles(p->ir, v.src, v.element, key, v.text, min, max, out, count);
}

static wr_status value_double(mj_parser *p, mj_value v, const char *key, double *out)
{
    return value_doubles(p, v, key, 1, 1, out, NULL);
}

static wr_status value_keyword(mj_parser *p, mj_value v, const char *key, const char *const *words, int *out)
{
    return v.text ? xml_keyword(p->ir, v.src, v.element, key, v.text, words, out) : WR_OK;
}

static wr_status value_int(mj_parser *p, mj_value v, const char *key, long lo, long hi, long *out)
{
    return v.text ? xml_int(p->ir, v.src, v.element, key, v.text, lo, hi, out) : WR_OK;
}

/* Warn for every attribute of `keys` that the element has (itself or through its class). */
static wr_status warn_present(mj_parser *p, const xml_elem *e, int kind, int cls, const char *const *keys,
                              const char *why)
{
    for (; *keys; keys++) {
        mj_value v = resolve(p, e, kind, cls, *keys);
        if (!v.text)
            continue;
        wr_status st = ir_warn(p->ir, v.src, e->name, *keys, "%s", why);
        if (st != WR_OK)
            return st;
    }
    return WR_OK;
}

/* ---- frames ------------------------------------------------------------------------------------------------ */

/* Orientation of a frame from quat, axisangle, xyaxes, zaxis or euler (at most one), as MuJoCo's mjCAlternative. */
static wr_status read_orientation(mj_parser *p, const xml_elem *e, double quat[4])
{
    static const char *const keys[] = {"quat", "axisangle", "xyaxes", "zaxis", "euler"};
    int given = -1;
    for (int k = 0; k < 5; k++) {
        if (!xml_elem_get(e, keys[k]))
            continue;
        if (given >= 0)
            return ir_fail(p->ir, WR_ERR_PARSE, e->src, e->name, "both '%s' and '%s' give the orientation",
                           keys[given], keys[k]);
        given = k;
    }
    quat[0] = 1;
    quat[1] = quat[2] = quat[3] = 0;
    if (given < 0)
        return WR_OK;
    double v[6];
    wr_status st;
    switch (given) {
    case 0:
        if ((st = get_doubles(p, e, "quat", 4, 4, v, NULL)) != WR_OK)
            return st;
        memcpy(quat, v, 4 * sizeof(double));
        if (!ir_quat_normalize(quat))
            return ir_fail(p->ir, WR_ERR_PARSE, e->src, e->name, "attribute 'quat' is a zero quaternion");
        return WR_OK;
    case 1: {
        if ((st = get_doubles(p, e, "axisangle", 4, 4, v, NULL)) != WR_OK)
            return st;
        double n = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        if (n < 1e-14)
            return ir_fail(p->ir, WR_ERR_PARSE, e->src, e->name, "attribute 'axisangle': axis too small");
        ir_axis_angle_quat(v, p->degree ? v[3] / 180.0 * MJ_PI : v[3], quat);
        return WR_OK;
    }
    case 2: {
        if ((st = get_doubles(p, e, "xyaxes", 6, 6, v, NULL)) != WR_OK)
            return st;
        double *x = v, *y = v + 3, z[3], m[9];
        double nx = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
        if (nx < 1e-14)
            return ir_fail(p->ir, WR_ERR_PARSE, e->src, e->name, "attribute 'xyaxes': x axis too small");
        for (int k = 0; k < 3; k++)
            x[k] /= nx;
        double d = x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
        for (int k = 0; k < 3; k++)
            y[k] -= x[k] * d;
        double ny = sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
        if (ny < 1e-14)
            return ir_fail(p->ir, WR_ERR_PARSE, e->src, e->name, "attribute 'xyaxes': y axis too small");
        for (int k = 0; k < 3; k++)
            y[k] /= ny;
        z[0] = x[1] * y[2] - x[2] * y[1];
        z[1] = x[2] * y[0] - x[0] * y[2];
        z[2] = x[0] * y[1] - x[1] * y[0];
        for (int k = 0; k < 3; k++) { /* columns x, y, z */
            m[3 * k] = x[k];
            m[3 * k + 1] = y[k];
            m[3 * k + 2] = z[k];
        }
        ir_mat_to_quat(m, quat);
        return WR_OK;
    }
    case 3: {
        if ((st = get_doubles(p, e, "zaxis", 3, 3, v, NULL)) != WR_OK)
            return st;
        if (sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) < 1e-14)
            return ir_fail(p->ir, WR_ERR_PARSE, e->src, e->name, "attribute 'zaxis' too small");
        ir_z_to_quat(v, quat);
        return WR_OK;
    }
    default: {
        if ((st = get_doubles(p, e, "euler", 3, 3, v, NULL)) != WR_OK)
            return st;
        for (int i = 0; i < 3; i++) {
            double a = p->degree ? v[i] / 180.0 * MJ_PI : v[i];
            double r[4] = {cos(a / 2), 0, 0, 0};
            char axis = p->eulerseq[i];
            r[1 + (axis == 'x' || axis == 'X' ? 0 : (axis == 'y' || axis == 'Y' ? 1 : 2))] = sin(a / 2);
            if (axis >= 'a') /* moving axes: post-multiply; fixed axes: pre-multiply */
                ir_quat_mul(quat, r, quat);
            else
                ir_quat_mul(r, quat, quat);
        }
        ir_quat_normalize(quat);
        return WR_OK;
    }
    }
}

/* ---- compiler, option -------------------------------------------------------------------------------------- */

static wr_status compiler_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    (void)ctx;
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    const char *v;
    int k = 0;
    static const char *const angle[] = {"radian", "degree", NULL};
    static const char *const coordinate[] = {"local", "global", NULL};
    static const char *const infer[] = {"false", "true", "auto", NULL};
    if (st == WR_OK && (v = xml_elem_get(&e, "angle")) && (st = xml_keyword(p->ir, e.src, e.name, "angle", v, angle,
                                                                             &k)) == WR_OK)
        p->degree = k;
    if (st == WR_OK && (v = xml_elem_get(&e, "coordinate")) &&
        (st = xml_keyword(p->ir, e.src, e.name, "coordinate", v, coordinate, &k)) == WR_OK && k == 1)
        st = ir_fail(p->ir, WR_ERR_UNSUPPORTED, e.src, e.name, "coordinate=\"global\" is not supported");
    if (st == WR_OK && (v = xml_elem_get(&e, "eulerseq"))) {
        if (strlen(v) != 3 || strspn(v, "xyzXYZ") != 3)
            st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "attribute 'eulerseq': \"%.20s\" is not 3 of xyzXYZ", v);
        else
            memcpy(p->eulerseq, v, 4);
    }
    if (st == WR_OK && (v = xml_elem_get(&e, "inertiafromgeom")) &&
        (st = xml_keyword(p->ir, e.src, e.name, "inertiafromgeom", v, infer, &k)) == WR_OK)
        p->ir->inertia_from_geom = k;
    double g[2];
    int count = 0;
    if (st == WR_OK && (st = get_doubles(p, &e, "inertiagrouprange", 2, 2, g, &count)) == WR_OK && count) {
        p->ir->inertia_group_range[0] = (int)g[0];
        p->ir->inertia_group_range[1] = (int)g[1];
    }
    if (st == WR_OK)
        st = get_doubles(p, &e, "boundmass", 1, 1, &p->ir->bound_mass, NULL);
    if (st == WR_OK)
        st = get_doubles(p, &e, "boundinertia", 1, 1, &p->ir->bound_inertia, NULL);
    if (st == WR_OK)
        st = get_doubles(p, &e, "settotalmass", 1, 1, &p->ir->set_total_mass, NULL);
    if (st == WR_OK)
        st = get_bool(p, &e, "balanceinertia", &p->ir->balance_inertia);
    if (st == WR_OK)
        st = get_bool(p, &e, "autolimits", &p->autolimits);
    int fuse = 0;
    if (st == WR_OK && (st = get_bool(p, &e, "fusestatic", &fuse)) == WR_OK && fuse)
        st = ir_warn(p->ir, e.src, e.name, "fusestatic", "static bodies are kept (the body list is the file's)");
    if (st == WR_OK && (p->ir->bound_mass < 0 || p->ir->bound_inertia < 0))
        st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "boundmass and boundinertia must be >= 0");
    xml_elem_close(&e);
    if (st == WR_OK)
        st = for_children(p, n, file, schema, validate_cb, NULL); /* lengthrange: muscles only */
    return st;
}

static wr_status flag_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    (void)ctx;
    static const char *const enable[] = {"disable", "enable", NULL};
    static const char *const handled[] = {"constraint", "limit", "contact", "passive", "gravity", "clampctrl",
                                          "filterparent", NULL};
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    int *flags[] = {NULL, &p->ir->disable_limit, &p->ir->disable_contact, &p->ir->disable_passive, NULL,
                    &p->ir->disable_clampctrl, &p->ir->disable_filterparent};
    for (int i = 0; st == WR_OK && i < e.count; i++) {
        int k = -1, on = 1;
        for (int h = 0; handled[h]; h++)
            if (strcmp(e.keys[i], handled[h]) == 0)
                k = h;
        if ((st = xml_keyword(p->ir, e.src, e.name, e.keys[i], e.values[i], enable, &on)) != WR_OK)
            break;
        if (k < 0) {
            st = ir_warn(p->ir, e.src, e.name, e.keys[i], "flag not modelled: ignored");
        } else if (k == 0) { /* constraint: every constraint, i.e. contacts and limits */
            p->ir->disable_limit = p->ir->disable_contact = !on;
        } else if (k == 4) {
            if (!on)
                p->ir->gravity[0] = p->ir->gravity[1] = p->ir->gravity[2] = 0;
        } else {
            *flags[k] = !on;
        }
    }
    xml_elem_close(&e);
    return st;
}

static wr_status option_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    (void)ctx;
    static const char *const not_modelled[] = {"impratio", "tolerance", "noslip_tolerance", "mpr_tolerance", "wind",
                                               "magnetic", "density", "viscosity", "o_margin", "o_solref",
                                               "o_solimp", "collision", "cone", "jacobian", "solver", "iterations",
                                               "noslip_iterations", "mpr_iterations", NULL};
    static const char *const integrators[] = {"Euler", "RK4", "implicit", NULL};
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    double dt = p->ir->time_step;
    int integrator = 0;
    const char *v;
    if (st == WR_OK)
        st = get_doubles(p, &e, "timestep", 1, 1, &dt, NULL);
    if (st == WR_OK && !(dt > 0))
        st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "attribute 'timestep' must be > 0 (got %g)", dt);
    if (st == WR_OK)
        p->ir->time_step = dt;
    if (st == WR_OK)
        st = get_doubles(p, &e, "gravity", 3, 3, p->ir->gravity, NULL);
    if (st == WR_OK && (v = xml_elem_get(&e, "integrator")) &&
        (st = xml_keyword(p->ir, e.src, e.name, "integrator", v, integrators, &integrator)) == WR_OK && integrator)
        st = ir_warn(p->ir, e.src, e.name, "integrator", "only Euler (semi-implicit, damping implicit): %s ignored",
                     v);
    for (int i = 0; st == WR_OK && not_modelled[i]; i++)
        if (xml_elem_get(&e, not_modelled[i]))
            st = ir_warn(p->ir, e.src, e.name, not_modelled[i], "solver or medium parameter not modelled: ignored");
    xml_elem_close(&e);
    if (st == WR_OK)
        st = for_children(p, n, file, schema, flag_cb, NULL);
    return st;
}

/* ---- defaults ---------------------------------------------------------------------------------------------- */

static int find_class(const mj_parser *p, const char *name)
{
    for (int i = 0; i < p->class_count; i++)
        if (strcmp(ir_str(p->ir, p->classes[i].name), name) == 0)
            return i;
    return -1;
}

static wr_status add_class(mj_parser *p, const char *name, int parent, ir_src src, int *out)
{
    if (p->class_count >= MJ_MAX_CLASSES)
        return ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, src, "default", "more than %d classes", MJ_MAX_CLASSES);
    if (p->class_count == p->class_cap) {
        int cap = p->class_cap ? 2 * p->class_cap : 8;
        void *m = realloc(p->classes, (size_t)cap * sizeof(mj_class));
        if (!m)
            return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for defaults classes");
        p->classes = m;
        p->class_cap = cap;
    }
    mj_class c = {0};
    wr_status st = str_of(p, name, &c.name);
    if (st != WR_OK)
        return st;
    if (parent >= 0 && p->classes[parent].count) { /* a class starts as a copy of its parent */
        const mj_class *pc = &p->classes[parent];
        c.entries = malloc((size_t)pc->count * sizeof(mj_entry));
        if (!c.entries)
            return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for defaults classes");
        memcpy(c.entries, pc->entries, (size_t)pc->count * sizeof(mj_entry));
        c.count = c.cap = pc->count;
    }
    p->classes[p->class_count] = c;
    *out = p->class_count++;
    return WR_OK;
}

static wr_status class_set(mj_parser *p, int cls, int kind, const char *key, const char *value, ir_src src)
{
    mj_class *c = &p->classes[cls];
    if (c->count == c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        void *m = realloc(c->entries, (size_t)cap * sizeof(mj_entry));
        if (!m)
            return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for defaults classes");
        c->entries = m;
        c->cap = cap;
    }
    mj_entry en = {kind, -1, -1, src};
    wr_status st = str_of(p, key, &en.key);
    if (st == WR_OK)
        st = str_of(p, value, &en.value);
    if (st == WR_OK)
        c->entries[c->count++] = en;
    return st;
}

typedef struct default_ctx {
    int cls;
} default_ctx;

static wr_status default_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx);

/* A child of <default>: joint, geom or an actuator shortcut sets the class; other kinds are checked and kept out. */
static wr_status default_child_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    const char *name = xml_node_name(n);
    if (strcmp(name, "default") == 0)
        return default_cb(p, n, file, schema, ctx);
    int kind = -1;
    static const char *const actuators[] = {"general", "motor", "position", "velocity", "intvelocity", "damper",
                                            "cylinder", "muscle", "adhesion", NULL};
    if (strcmp(name, "joint") == 0)
        kind = DK_JOINT;
    else if (strcmp(name, "geom") == 0)
        kind = DK_GEOM;
    for (int i = 0; actuators[i]; i++)
        if (strcmp(name, actuators[i]) == 0)
            kind = DK_ACTUATOR;
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    const default_ctx *d = ctx;
    for (int i = 0; st == WR_OK && kind >= 0 && i < e.count; i++)
        st = class_set(p, d->cls, kind, e.keys[i], e.values[i], e.src);
    xml_elem_close(&e);
    if (st == WR_OK)
        st = for_children(p, n, file, schema, validate_cb, NULL);
    return st;
}

static wr_status default_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    const default_ctx *parent = ctx;
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    const char *name = st == WR_OK ? xml_elem_get(&e, "class") : NULL;
    default_ctx d = {0};
    if (st == WR_OK && !parent) { /* top level: the main class */
        if (name && strcmp(name, "main") != 0)
            st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "a top-level default is class \"main\" (got \"%.40s\")",
                         name);
        d.cls = 0;
    } else if (st == WR_OK) {
        if (!name || !*name)
            st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "a nested default needs attribute 'class'");
        else if (find_class(p, name) >= 0)
            st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name, "class \"%.40s\" is defined twice", name);
        else
            st = add_class(p, name, parent->cls, e.src, &d.cls);
    }
    xml_elem_close(&e);
    if (st == WR_OK)
        st = for_children(p, n, file, schema, default_child_cb, &d);
    return st;
}

/* ---- bodies ------------------------------------------------------------------------------------------------ */

typedef struct body_ctx {
    int body;                 /* IR body index */
    int childclass;           /* class of elements that name none */
    int depth;
    int has_inertial;
} body_ctx;

/* The class of an element: its `class` attribute, else the enclosing childclass. */
static wr_status element_class(mj_parser *p, const xml_elem *e, int fallback, int *out)
{
    const char *c = xml_elem_get(e, "class");
    *out = fallback;
    if (!c)
        return WR_OK;
    *out = find_class(p, c);
    if (*out < 0)
        return ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e->src, e->name, "unknown class \"%.40s\"", c);
    return WR_OK;
}

/* MuJoCo 2.2.2's limited="auto" rule: with autolimits, a range means limited; without it, a range needs an explicit
 * `limited` (error otherwise, as in MuJoCo). */
static wr_status read_limited(mj_parser *p, const xml_elem *e, int kind, int cls, const char *limited_key,
                              const char *range_key, int range_given, int *limited)
{
    mj_value lv = resolve(p, e, kind, cls, limited_key);
    int k = -1;
    wr_status st = value_keyword(p, lv, limited_key, kw_bool, &k);
    if (st != WR_OK)
        return st;
    if (k >= 0) {
        *limited = k;
        return WR_OK;
    }
    if (range_given && !p->autolimits)
        return ir_fail(p->ir, WR_ERR_PARSE, e->src, e->name,
                       "has '%s' but not '%s': set compiler autolimits=\"true\" or give '%s' (as MuJoCo 2.2.2 asks)",
                       range_key, limited_key, limited_key);
    *limited = range_given;
    return WR_OK;
}

static wr_status joint_cb_common(mj_parser *p, const xml_elem *e, body_ctx *b, int cls, int is_free)
{
    static const char *const types[] = {"free", "ball", "slide", "hinge", NULL};
    static const wr_joint_type map[] = {WR_JOINT_FREE, WR_JOINT_BALL, WR_JOINT_PRISMATIC, WR_JOINT_REVOLUTE};
    static const char *const unsupported[] = {"springdamper", "solreflimit", "solimplimit", "solreffriction",
                                              "solimpfriction", "margin", "frictionloss", NULL};
    ir_joint *j = ir_add_joint(p->ir, e->src);
    if (!j)
        return WR_ERR_OUT_OF_MEMORY;
    j->body = b->body;
    j->axis[2] = 1.0;
    j->effort = j->velocity = INFINITY;
    wr_status st = WR_OK;
    const char *name = xml_elem_get(e, "name");
    if (name && *name)
        st = str_of(p, name, &j->name);
    int type = 3;
    if (st == WR_OK && !is_free)
        st = value_keyword(p, resolve(p, e, DK_JOINT, cls, "type"), "type", types, &type);
    if (is_free)
        type = 0;
    j->type = map[type];
    if (is_free)
        return st;
    double range[2] = {0, 0};
    int range_count = 0;
    if (st == WR_OK)
        st = value_doubles(p, resolve(p, e, DK_JOINT, cls, "pos"), "pos", 3, 3, j->pos, NULL);
    if (st == WR_OK)
        st = value_doubles(p, resolve(p, e, DK_JOINT, cls, "axis"), "axis", 3, 3, j->axis, NULL);
    if (st == WR_OK)
        st = value_doubles(p, resolve(p, e, DK_JOINT, cls, "range"), "range", 2, 2, range, &range_count);
    if (st == WR_OK)
        st = value_double(p, resolve(p, e, DK_JOINT, cls, "damping"), "damping", &j->damping);
    if (st == WR_OK)
        st = value_double(p, resolve(p, e, DK_JOINT, cls, "stiffness"), "stiffness", &j->stiffness);
    if (st == WR_OK)
        st = value_double(p, resolve(p, e, DK_JOINT, cls, "armature"), "armature", &j->armature);
    if (st == WR_OK)
        st = value_double(p, resolve(p, e, DK_JOINT, cls, "ref"), "ref", &j->ref);
    if (st == WR_OK)
        st = value_double(p, resolve(p, e, DK_JOINT, cls, "springref"), "springref", &j->springref);
    if (st == WR_OK)
        st = read_limited(p, e, DK_JOINT, cls, "limited", "range", range_count && (range[0] != 0 || range[1] != 0),
                          &j->limited);
    if (st == WR_OK)
        st = warn_present(p, e, DK_JOINT, cls, unsupported, "soft-constraint or friction parameter not modelled");
    if (st != WR_OK)
        return st;
    if (j->damping < 0 || j->stiffness < 0 || j->armature < 0)
        return ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e->src, e->name, "damping, stiffness and armature must be >= 0");
    double n = sqrt(j->axis[0] * j->axis[0] + j->axis[1] * j->axis[1] + j->axis[2] * j->axis[2]);
    if (n < 1e-14 && (j->type == WR_JOINT_REVOLUTE || j->type == WR_JOINT_PRISMATIC))
        return ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e->src, e->name, "axis too small");
    if (j->type == WR_JOINT_REVOLUTE || j->type == WR_JOINT_PRISMATIC)
        for (int k = 0; k < 3; k++)
            j->axis[k] /= n;
    const double to_rad = p->degree ? MJ_PI / 180.0 : 1.0;
    if (j->limited) {
        if (j->type != WR_JOINT_BALL && !(range[0] < range[1]))
            return ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e->src, e->name, "range[0] must be smaller than range[1]");
        if (j->type == WR_JOINT_BALL) {
            if ((st = ir_warn(p->ir, e->src, e->name, "range", "ball joint cone limits are not modelled")) != WR_OK)
                return st;
            j->limited = 0;
        }
        if (j->type == WR_JOINT_REVOLUTE) {
            range[0] *= to_rad;
            range[1] *= to_rad;
        }
        j->range[0] = range[0];
        j->range[1] = range[1];
    }
    if (j->type == WR_JOINT_REVOLUTE) {
        j->ref *= to_rad;
        j->springref *= to_rad;
    }
    if (j->type == WR_JOINT_FREE && j->stiffness > 0)
        st = ir_warn(p->ir, e->src, e->name, "stiffness", "free-joint springs are not modelled");
    return st;
}

static wr_status joint_cb(mj_parser *p, xmlNode *n, int file, int schema, body_ctx *b)
{
    xml_elem e;
    int cls = 0;
    wr_status st = open_elem(p, n, file, schema, &e);
    if (st == WR_OK)
        st = element_class(p, &e, b->childclass, &cls);
    if (st == WR_OK)
        st = joint_cb_common(p, &e, b, cls, 0);
    xml_elem_close(&e);
    return st;
}

static wr_status freejoint_cb(mj_parser *p, xmlNode *n, int file, int schema, body_ctx *b)
{
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    if (st == WR_OK) /* a freejoint takes no defaults (MuJoCo: no damping, armature or stiffness) */
        st = joint_cb_common(p, &e, b, -1, 1);
    xml_elem_close(&e);
    return st;
}

static wr_status inertial_cb(mj_parser *p, xmlNode *n, int file, int schema, body_ctx *b)
{
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    ir_body *body = &p->ir->bodies[b->body];
    double diag[3], full[6];
    int ndiag = 0, nfull = 0, npos = 0, nmass = 0;
    if (st == WR_OK && b->has_inertial)
        st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "a body has at most one <inertial>");
    if (st == WR_OK)
        st = get_doubles(p, &e, "pos", 3, 3, body->ipos, &npos);
    if (st == WR_OK)
        st = get_doubles(p, &e, "mass", 1, 1, &body->mass, &nmass);
    if (st == WR_OK && (!npos || !nmass))
        st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "missing attribute '%s'", npos ? "mass" : "pos");
    if (st == WR_OK)
        st = read_orientation(p, &e, body->iquat);
    if (st == WR_OK)
        st = get_doubles(p, &e, "diaginertia", 3, 3, diag, &ndiag);
    if (st == WR_OK)
        st = get_doubles(p, &e, "fullinertia", 6, 6, full, &nfull);
    if (st == WR_OK && ndiag + nfull != 3 && ndiag + nfull != 6)
        st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "needs exactly one of 'diaginertia' and 'fullinertia'");
    if (st == WR_OK && nfull && (xml_elem_get(&e, "quat") || xml_elem_get(&e, "euler") ||
                                 xml_elem_get(&e, "axisangle") || xml_elem_get(&e, "xyaxes") ||
                                 xml_elem_get(&e, "zaxis")))
        st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "'fullinertia' cannot be combined with an orientation");
    if (st == WR_OK && body->mass < 0)
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name, "mass must be >= 0 (got %g)", body->mass);
    if (st == WR_OK) {
        memset(body->inertia, 0, sizeof body->inertia);
        if (ndiag) {
            body->inertia[0] = diag[0];
            body->inertia[4] = diag[1];
            body->inertia[8] = diag[2];
        } else {
            const double m[9] = {full[0], full[3], full[4], full[3], full[1], full[5], full[4], full[5], full[2]};
            memcpy(body->inertia, m, sizeof m);
        }
        body->has_inertial = b->has_inertial = 1;
    }
    xml_elem_close(&e);
    return st;
}

static wr_status geom_cb(mj_parser *p, xmlNode *n, int file, int schema, body_ctx *b)
{
    static const char *const types[] = {"plane", "hfield", "sphere", "capsule", "ellipsoid", "cylinder", "box",
                                        "mesh", NULL};
    static const int map[] = {IR_GEOM_PLANE, IR_GEOM_HFIELD, IR_GEOM_SPHERE, IR_GEOM_CAPSULE, IR_GEOM_ELLIPSOID,
                              IR_GEOM_CYLINDER, IR_GEOM_BOX, IR_GEOM_MESH};
    static const char *const unsupported[] = {"solmix", "solref", "solimp", "margin", "gap", "priority",
                                              "fluidshape", "fluidcoef", NULL};
    xml_elem e;
    int cls = 0;
    wr_status st = open_elem(p, n, file, schema, &e);
    if (st == WR_OK)
        st = element_class(p, &e, b->childclass, &cls);
    ir_geom *g = st == WR_OK ? ir_add_geom(p->ir, e.src) : NULL;
    if (st == WR_OK && !g)
        st = WR_ERR_OUT_OF_MEMORY;
    if (st != WR_OK) {
        xml_elem_close(&e);
        return st;
    }
    g->body = b->body;
    g->quat[0] = 1;
    g->mass = NAN;
    g->density = 1000.0;
    g->massive = g->collides = 1;
    g->friction = 1.0;
    g->contype = g->conaffinity = 1;
    int type = 2, nfromto = 0;
    double fromto[6], friction[3] = {1, 0.005, 0.0001};
    long contype = 1, conaffinity = 1, condim = 3, group = 0;
    const char *name = xml_elem_get(&e, "name");
    if (name && *name)
        st = str_of(p, name, &g->name);
    if (st == WR_OK)
        st = value_keyword(p, resolve(p, &e, DK_GEOM, cls, "type"), "type", types, &type);
    g->type = map[type];
    if (st == WR_OK)
        st = value_doubles(p, resolve(p, &e, DK_GEOM, cls, "size"), "size", 1, 3, g->size, NULL);
    if (st == WR_OK)
        st = value_doubles(p, resolve(p, &e, DK_GEOM, cls, "fromto"), "fromto", 6, 6, fromto, &nfromto);
    if (st == WR_OK)
        st = value_doubles(p, resolve(p, &e, DK_GEOM, cls, "pos"), "pos", 3, 3, g->pos, NULL);
    if (st == WR_OK)
        st = read_orientation(p, &e, g->quat);
    if (st == WR_OK)
        st = value_doubles(p, resolve(p, &e, DK_GEOM, cls, "friction"), "friction", 1, 3, friction, NULL);
    if (st == WR_OK)
        st = value_double(p, resolve(p, &e, DK_GEOM, cls, "density"), "density", &g->density);
    if (st == WR_OK)
        st = value_double(p, resolve(p, &e, DK_GEOM, cls, "mass"), "mass", &g->mass);
    if (st == WR_OK)
        st = value_int(p, resolve(p, &e, DK_GEOM, cls, "contype"), "contype", 0, INT_MAX, &contype);
    if (st == WR_OK)
        st = value_int(p, resolve(p, &e, DK_GEOM, cls, "conaffinity"), "conaffinity", 0, INT_MAX, &conaffinity);
    mj_value condim_v = resolve(p, &e, DK_GEOM, cls, "condim");
    if (st == WR_OK)
        st = value_int(p, condim_v, "condim", 1, 6, &condim);
    if (st == WR_OK)
        st = value_int(p, resolve(p, &e, DK_GEOM, cls, "group"), "group", INT_MIN, INT_MAX, &group);
    if (st == WR_OK)
        st = warn_present(p, &e, DK_GEOM, cls, unsupported, "soft-contact parameter not modelled");
    int shell = 0;
    if (st == WR_OK && (st = value_keyword(p, resolve(p, &e, DK_GEOM, cls, "shellinertia"), "shellinertia", kw_bool,
                                           &shell)) == WR_OK && shell)
        st = ir_warn(p->ir, e.src, e.name, "shellinertia", "shell inertia not modelled: solid inertia used");
    if (st == WR_OK && condim != 1 && condim != 3 && condim != 4 && condim != 6)
        st = ir_fail(p->ir, WR_ERR_PARSE, condim_v.src, condim_v.element, "condim must be 1, 3, 4 or 6 (got %ld)",
                     condim);
    if (st == WR_OK && condim == 1)
        st = ir_warn(p->ir, condim_v.src, e.name, "condim",
                     "condim 1 (frictionless) not modelled: the geom keeps its friction");
    if (st == WR_OK && condim > 3)
        st = ir_warn(p->ir, condim_v.src, e.name, "condim",
                     "torsional and rolling friction not modelled: condim 3 used");
    if (st == WR_OK && (g->type == IR_GEOM_MESH || g->type == IR_GEOM_HFIELD))
        st = ir_warn(p->ir, e.src, e.name, "type", "mesh and hfield geoms are not supported: no mass, no collision");
    if (st == WR_OK && g->type == IR_GEOM_ELLIPSOID)
        st = ir_warn(p->ir, e.src, e.name, "type",
                     "ellipsoid: exact mass and inertia; collides as a box of half extents sqrt(3/5) x semi-axes");
    if (st != WR_OK) {
        xml_elem_close(&e);
        return st;
    }
    g->friction = friction[0];
    g->contype = (uint32_t)contype;
    g->conaffinity = (uint32_t)conaffinity;
    g->group = (int)group;
    if (friction[0] < 0 || g->density < 0 || (!isnan(g->mass) && g->mass < 0))
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name, "friction, density and mass must be >= 0");
    if (st == WR_OK && nfromto) {
        if (g->type != IR_GEOM_CAPSULE && g->type != IR_GEOM_CYLINDER && g->type != IR_GEOM_BOX &&
            g->type != IR_GEOM_ELLIPSOID)
            st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "fromto requires a capsule, cylinder, box or ellipsoid");
        else if (g->pos[0] != 0 || g->pos[1] != 0 || g->pos[2] != 0)
            st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "both pos and fromto given");
        if (st == WR_OK) { /* MuJoCo's mjCGeom::Compile: vec = from - to, size[1] = |vec| / 2, z along vec */
            double vec[3] = {fromto[0] - fromto[3], fromto[1] - fromto[4], fromto[2] - fromto[5]};
            double half = sqrt(vec[0] * vec[0] + vec[1] * vec[1] + vec[2] * vec[2]) / 2;
            if (half < 1e-14)
                st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name, "fromto points too close");
            if (st == WR_OK) {
                g->size[1] = half;
                if (g->type == IR_GEOM_ELLIPSOID || g->type == IR_GEOM_BOX) {
                    g->size[2] = g->size[1];
                    g->size[1] = g->size[0];
                }
                for (int k = 0; k < 3; k++)
                    g->pos[k] = (fromto[k] + fromto[k + 3]) / 2;
                ir_z_to_quat(vec, g->quat);
            }
        }
    }
    if (st == WR_OK) { /* sizes: as MuJoCo's checksize */
        int need = g->type == IR_GEOM_SPHERE ? 1 : (g->type == IR_GEOM_CAPSULE || g->type == IR_GEOM_CYLINDER ? 2 : 3);
        if (g->type == IR_GEOM_PLANE) {
            if (!(g->size[2] > 0))
                st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name, "plane size[2] must be > 0");
        } else if (g->type != IR_GEOM_MESH && g->type != IR_GEOM_HFIELD) {
            for (int k = 0; k < need && st == WR_OK; k++)
                if (!(g->size[k] > 0))
                    st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name,
                                 "size[%d] must be > 0 for this type (got %g)", k, g->size[k]);
        }
    }
    if (g->type == IR_GEOM_MESH || g->type == IR_GEOM_HFIELD || g->type == IR_GEOM_PLANE)
        g->massive = 0;
    if (g->type == IR_GEOM_MESH || g->type == IR_GEOM_HFIELD)
        g->collides = 0;
    xml_elem_close(&e);
    return st;
}

static wr_status body_elem(mj_parser *p, xmlNode *n, int file, int schema, body_ctx *parent);

static wr_status body_child_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    body_ctx *b = ctx;
    const char *name = xml_node_name(n);
    if (strcmp(name, "body") == 0)
        return body_elem(p, n, file, schema, b);
    if (strcmp(name, "geom") == 0)
        return geom_cb(p, n, file, schema, b);
    if (strcmp(name, "joint") == 0)
        return b->body == 0 ? ir_fail(p->ir, WR_ERR_PARSE, (ir_src){file, xml_node_line(n)}, name,
                                      "the world body cannot have joints")
                            : joint_cb(p, n, file, schema, b);
    if (strcmp(name, "freejoint") == 0)
        return b->body == 0 ? ir_fail(p->ir, WR_ERR_PARSE, (ir_src){file, xml_node_line(n)}, name,
                                      "the world body cannot have joints")
                            : freejoint_cb(p, n, file, schema, b);
    if (strcmp(name, "inertial") == 0)
        return b->body == 0 ? ir_fail(p->ir, WR_ERR_PARSE, (ir_src){file, xml_node_line(n)}, name,
                                      "the world body has no inertia")
                            : inertial_cb(p, n, file, schema, b);
    if (strcmp(name, "camera") == 0 || strcmp(name, "light") == 0)
        return validate_cb(p, n, file, schema, NULL);
    if (strcmp(name, "site") == 0)
        return unsupported_cb(p, n, file, schema, (void *)"sites are not supported (no physics): ignored");
    return unsupported_cb(p, n, file, schema, (void *)"not supported: ignored");
}

static wr_status body_elem(mj_parser *p, xmlNode *n, int file, int schema, body_ctx *parent)
{
    if (parent->depth >= MJ_MAX_BODY_DEPTH)
        return ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, (ir_src){file, xml_node_line(n)}, "body",
                       "bodies nested deeper than %d", MJ_MAX_BODY_DEPTH);
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    body_ctx b = {p->ir->body_count, parent->childclass, parent->depth + 1, 0};
    ir_body *body = st == WR_OK ? ir_add_body(p->ir, e.src) : NULL;
    if (st == WR_OK && !body)
        st = WR_ERR_OUT_OF_MEMORY;
    if (st == WR_OK) {
        body->parent = parent->body;
        body->quat[0] = body->iquat[0] = 1;
        const char *name = xml_elem_get(&e, "name");
        if (name && *name)
            st = str_of(p, name, &body->name);
    }
    if (st == WR_OK)
        st = get_doubles(p, &e, "pos", 3, 3, body->pos, NULL);
    if (st == WR_OK)
        st = read_orientation(p, &e, body->quat);
    const char *cc = st == WR_OK ? xml_elem_get(&e, "childclass") : NULL;
    if (cc && (b.childclass = find_class(p, cc)) < 0)
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name, "unknown childclass \"%.40s\"", cc);
    int mocap = 0;
    if (st == WR_OK && (st = get_bool(p, &e, "mocap", &mocap)) == WR_OK && mocap)
        st = ir_warn(p->ir, e.src, e.name, "mocap", "mocap bodies are not supported: treated as a static body");
    xml_elem_close(&e);
    if (st == WR_OK)
        st = for_children(p, n, file, schema, body_child_cb, &b);
    return st;
}

static wr_status worldbody_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    (void)ctx;
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    body_ctx b = {0, 0, 0, 0};
    const char *cc = st == WR_OK ? xml_elem_get(&e, "childclass") : NULL;
    if (cc && (b.childclass = find_class(p, cc)) < 0)
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name, "unknown childclass \"%.40s\"", cc);
    static const char *const frame[] = {"pos", "quat", "axisangle", "xyaxes", "zaxis", "euler", "mocap", NULL};
    for (int i = 0; st == WR_OK && frame[i]; i++)
        if (xml_elem_get(&e, frame[i]))
            st = ir_warn(p->ir, e.src, e.name, frame[i], "the world body does not move: ignored");
    xml_elem_close(&e);
    if (st == WR_OK)
        st = for_children(p, n, file, schema, body_child_cb, &b);
    return st;
}

/* ---- actuators --------------------------------------------------------------------------------------------- */

static int find_joint(const ir_model *ir, const char *name)
{
    for (int i = 0; i < ir->joint_count; i++)
        if (ir->joints[i].name >= 0 && strcmp(ir_str(ir, ir->joints[i].name), name) == 0)
            return i;
    return -1;
}

static wr_status motor_cb(mj_parser *p, xmlNode *n, int file, int schema)
{
    static const char *const transmissions[] = {"tendon", "slidersite", "cranksite", "site", "refsite", NULL};
    xml_elem e;
    int cls = 0;
    wr_status st = open_elem(p, n, file, schema, &e);
    if (st == WR_OK)
        st = element_class(p, &e, 0, &cls);
    for (int i = 0; st == WR_OK && transmissions[i]; i++)
        if (xml_elem_get(&e, transmissions[i])) {
            st = ir_warn(p->ir, e.src, e.name, transmissions[i], "only joint transmissions: actuator ignored");
            xml_elem_close(&e);
            return st;
        }
    const char *joint = st == WR_OK ? xml_elem_get(&e, "joint") : NULL;
    const char *jip = st == WR_OK ? xml_elem_get(&e, "jointinparent") : NULL;
    if (st == WR_OK && !joint && !jip)
        st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "needs a transmission: attribute 'joint'");
    if (st == WR_OK && joint && jip)
        st = ir_fail(p->ir, WR_ERR_PARSE, e.src, e.name, "both 'joint' and 'jointinparent' given");
    int j = st == WR_OK ? find_joint(p->ir, joint ? joint : jip) : -1;
    if (st == WR_OK && j < 0)
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name, "unknown joint \"%.40s\"", joint ? joint : jip);
    if (st == WR_OK && p->ir->joints[j].type != WR_JOINT_REVOLUTE && p->ir->joints[j].type != WR_JOINT_PRISMATIC) {
        st = ir_warn(p->ir, e.src, e.name, "joint", "motors on ball and free joints are not supported: ignored");
        xml_elem_close(&e);
        return st;
    }
    ir_actuator *a = st == WR_OK ? ir_add_actuator(p->ir, e.src) : NULL;
    if (st == WR_OK && !a)
        st = WR_ERR_OUT_OF_MEMORY;
    double gear[6] = {1, 0, 0, 0, 0, 0};
    int nctrl = 0, nforce = 0;
    if (st == WR_OK) {
        a->joint = j;
        const char *name = xml_elem_get(&e, "name");
        if (name && *name)
            st = str_of(p, name, &a->name);
    }
    if (st == WR_OK)
        st = value_doubles(p, resolve(p, &e, DK_ACTUATOR, cls, "gear"), "gear", 1, 6, gear, NULL);
    if (st == WR_OK)
        st = value_doubles(p, resolve(p, &e, DK_ACTUATOR, cls, "ctrlrange"), "ctrlrange", 2, 2, a->ctrl_range, &nctrl);
    if (st == WR_OK)
        st = value_doubles(p, resolve(p, &e, DK_ACTUATOR, cls, "forcerange"), "forcerange", 2, 2, a->force_range,
                           &nforce);
    if (st == WR_OK)
        st = read_limited(p, &e, DK_ACTUATOR, cls, "ctrllimited", "ctrlrange",
                          nctrl && (a->ctrl_range[0] != 0 || a->ctrl_range[1] != 0), &a->ctrl_limited);
    if (st == WR_OK)
        st = read_limited(p, &e, DK_ACTUATOR, cls, "forcelimited", "forcerange",
                          nforce && (a->force_range[0] != 0 || a->force_range[1] != 0), &a->force_limited);
    if (st == WR_OK && resolve(p, &e, DK_ACTUATOR, cls, "cranklength").text)
        st = ir_warn(p->ir, e.src, e.name, "cranklength", "slider-crank transmissions are not supported: ignored");
    if (st == WR_OK && a->ctrl_limited && !(a->ctrl_range[0] < a->ctrl_range[1]))
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name, "ctrlrange[0] must be smaller than ctrlrange[1]");
    if (st == WR_OK && a->force_limited && !(a->force_range[0] < a->force_range[1]))
        st = ir_fail(p->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name, "forcerange[0] must be smaller than forcerange[1]");
    if (st == WR_OK)
        a->gear = gear[0];
    xml_elem_close(&e);
    return st;
}

static wr_status actuator_child_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    (void)ctx;
    if (strcmp(xml_node_name(n), "motor") == 0)
        return motor_cb(p, n, file, schema);
    return unsupported_cb(p, n, file, schema, (void *)"only motor actuators are supported: ignored");
}

static wr_status actuator_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    (void)ctx;
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    xml_elem_close(&e);
    return st == WR_OK ? for_children(p, n, file, schema, actuator_child_cb, NULL) : st;
}

/* ---- sections ---------------------------------------------------------------------------------------------- */

static wr_status asset_child_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    (void)ctx;
    const char *name = xml_node_name(n);
    if (strcmp(name, "mesh") == 0 || strcmp(name, "hfield") == 0)
        return unsupported_cb(p, n, file, schema, (void *)"meshes and height fields are not supported: ignored");
    return validate_cb(p, n, file, schema, NULL); /* textures, materials, skins: visual */
}

static wr_status container_cb(mj_parser *p, xmlNode *n, int file, int schema, mj_child_fn child)
{
    xml_elem e;
    wr_status st = open_elem(p, n, file, schema, &e);
    xml_elem_close(&e);
    return st == WR_OK ? for_children(p, n, file, schema, child, NULL) : st;
}

/* The top-level sections, in the order MuJoCo reads them. */
typedef struct section {
    xmlNode *node;
    int file, schema;
} section;

typedef struct sections {
    section *list;
    int count, cap;
} sections;

static wr_status collect_cb(mj_parser *p, xmlNode *n, int file, int schema, void *ctx)
{
    (void)p;
    sections *s = ctx;
    if (s->count == s->cap) {
        int cap = s->cap ? 2 * s->cap : 16;
        void *m = realloc(s->list, (size_t)cap * sizeof(section));
        if (!m)
            return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the section list");
        s->list = m;
        s->cap = cap;
    }
    s->list[s->count++] = (section){n, file, schema};
    return WR_OK;
}

static wr_status read_sections(mj_parser *p, const sections *s)
{
    static const char *const order[] = {"compiler", "option", "size", "visual", "statistic", "default", "custom",
                                        "asset", "contact", "equality", "tendon", "sensor", "worldbody", "actuator",
                                        "keyframe", NULL};
    for (int o = 0; order[o]; o++) {
        for (int i = 0; i < s->count; i++) {
            const section *sec = &s->list[i];
            const char *name = xml_node_name(sec->node);
            if (strcmp(name, order[o]) != 0)
                continue;
            wr_status st;
            if (o == 0)
                st = compiler_cb(p, sec->node, sec->file, sec->schema, NULL);
            else if (o == 1)
                st = option_cb(p, sec->node, sec->file, sec->schema, NULL);
            else if (o == 5)
                st = default_cb(p, sec->node, sec->file, sec->schema, NULL);
            else if (o == 7)
                st = container_cb(p, sec->node, sec->file, sec->schema, asset_child_cb);
            else if (o == 12)
                st = worldbody_cb(p, sec->node, sec->file, sec->schema, NULL);
            else if (o == 13)
                st = actuator_cb(p, sec->node, sec->file, sec->schema, NULL);
            else if (o == 8 || o == 9 || o == 10 || o == 11 || o == 14)
                st = container_cb(p, sec->node, sec->file, sec->schema, unsupported_cb);
            else /* size, visual, statistic, custom: no physics we model */
                st = validate_cb(p, sec->node, sec->file, sec->schema, NULL);
            if (st != WR_OK)
                return st;
        }
    }
    return WR_OK;
}

wr_status mjcf_read(ir_model *ir, xml_reader *xml, struct _xmlNode *root, int file, const char *path,
                    const wr_model_load_options *options)
{
    mj_parser p;
    memset(&p, 0, sizeof p);
    p.ir = ir;
    p.xml = xml;
    p.options = options;
    p.degree = 1;
    memcpy(p.eulerseq, "xyz", 4);
    wr_status st = WR_OK;
    /* includes resolve against the main file's directory (MuJoCo), or options.base_dir for a string */
    const char *dir = path ? path : (options ? options->base_dir : NULL);
    if (dir) {
        char tmp[PATH_MAX];
        int len = snprintf(tmp, sizeof tmp, "%s", dir);
        if (len < 0 || (size_t)len >= sizeof tmp)
            return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "path too long: %.100s", dir);
        if (path) { /* the file's directory */
            char *slash = strrchr(tmp, '/');
            if (slash)
                *slash = '\0';
            else
                memcpy(tmp, ".", 2);
        }
        memcpy(p.dir, tmp, sizeof p.dir);
        p.have_dir = 1;
        char canon[PATH_MAX];
        if (path && realpath(path, canon)) {
            p.included[0] = strdup(canon);
            if (!p.included[0])
                return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the include list");
            p.included_count = 1;
        }
    }
    st = add_class(&p, "main", -1, (ir_src){file, 0}, &(int){0});
    ir_body *world = st == WR_OK ? ir_add_body(ir, (ir_src){file, xml_node_line(root)}) : NULL;
    if (st == WR_OK && !world)
        st = WR_ERR_OUT_OF_MEMORY;
    if (st == WR_OK) {
        world->parent = -1;
        world->quat[0] = world->iquat[0] = 1;
        world->name = ir_string(ir, "world", &st);
    }
    xml_elem e;
    memset(&e, 0, sizeof e);
    int root_schema = mjcf_schema_child(-1, xml_node_name(root));
    if (st == WR_OK && root_schema < 0)
        st = ir_fail(ir, WR_ERR_PARSE, (ir_src){file, xml_node_line(root)}, xml_node_name(root),
                     "an MJCF model starts with <mujoco>");
    if (st == WR_OK && (st = open_elem(&p, root, file, root_schema, &e)) == WR_OK) {
        const char *model = xml_elem_get(&e, "model");
        if (model && *model)
            st = str_of(&p, model, &ir->name);
    }
    xml_elem_close(&e);
    sections s = {0};
    if (st == WR_OK)
        st = for_children(&p, root, file, root_schema, collect_cb, &s);
    if (st == WR_OK)
        st = read_sections(&p, &s);
    free(s.list);
    for (int i = 0; i < p.class_count; i++)
        free(p.classes[i].entries);
    free(p.classes);
    for (int i = 0; i < p.included_count; i++)
        free(p.included[i]);
    return st;
}
