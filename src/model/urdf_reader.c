/* URDF (ROS's robot description) to the model IR.
 *
 * A URDF is a tree of links joined by joints, each joint at its origin in the parent link's frame; the child link's
 * frame is the joint frame. So a link becomes an IR body whose pose in its parent is its joint's origin, with that
 * joint at the body origin: revolute (limited), continuous (unlimited revolute), prismatic, fixed (no joint: welded),
 * floating (free: only for links hanging from the world). planar is refused. The root link is welded to the world,
 * or moves on a free joint with options.urdf_floating_base; a root link named "world" is the world itself.
 *
 * Inertia comes from <inertial> only (a link without one has no mass, which MuJoCo's rule allows for links welded to
 * others); collision geometry becomes shapes (box, cylinder, sphere; meshes are reported and skipped); visual
 * elements and materials are ignored. Attributes outside the URDF spec are reported, not refused, because real files
 * carry them (urdfdom, the reference parser, ignores them); unknown elements are refused, except the extensions ROS
 * tools add at the top level (gazebo, transmission, ros2_control), which are reported.
 */
#define _XOPEN_SOURCE 700
#include "model/urdf_reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "core/status_internal.h"

typedef struct ur_link {
    xmlNode *node;
    int file;
    int name;                 /* IR string */
    int parent_joint;         /* index into joints, -1: none (a root) */
    int body;                 /* IR body once placed, -1 before */
} ur_link;

typedef struct ur_joint {
    xmlNode *node;
    int name;
    int type;                 /* index into joint_types */
    int parent, child;        /* link indices */
    ir_src src;
} ur_joint;

typedef struct ur_reader {
    ir_model *ir;
    xml_reader *xml;
    int file;
    int floating_base;
    ur_link *links;
    int link_count, link_cap;
    ur_joint *joints;
    int joint_count, joint_cap;
    int *stack;               /* DFS */
} ur_reader;

static const char *const joint_types[] = {"revolute", "continuous", "prismatic", "fixed", "floating", "planar", NULL};
enum { UJ_REVOLUTE, UJ_CONTINUOUS, UJ_PRISMATIC, UJ_FIXED, UJ_FLOATING, UJ_PLANAR };

/* Open an element; attributes outside `known` are reported (URDF files carry extras that urdfdom ignores). */
static wr_status open_elem(ur_reader *r, xmlNode *n, const char *const *known, xml_elem *e)
{
    wr_status st = xml_elem_open(r->xml, n, r->file, NULL, e);
    for (int i = 0; st == WR_OK && i < e->count; i++) {
        int ok = 0;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(*k, e->keys[i]) == 0;
        if (!ok)
            st = ir_warn(r->ir, e->src, e->name, e->keys[i], "not a URDF attribute: ignored");
    }
    return st;
}

static wr_status required(ur_reader *r, const xml_elem *e, const char *key, const char **out)
{
    *out = xml_elem_get(e, key);
    if (!*out || !**out)
        return ir_fail(r->ir, WR_ERR_PARSE, e->src, e->name, "missing attribute '%s'", key);
    return WR_OK;
}

static wr_status doubles(ur_reader *r, const xml_elem *e, const char *key, int n, double *out, int need)
{
    const char *v = xml_elem_get(e, key);
    if (!v) {
        if (need)
            return ir_fail(r->ir, WR_ERR_PARSE, e->src, e->name, "missing attribute '%s'", key);
        return WR_OK;
    }
    return xml_doubles(r->ir, e->src, e->name, key, v, n, n, out, NULL);
}

/* Anything else among the children of `n` than the names in `known` (NULL-terminated) is refused. */
static wr_status only_children(ur_reader *r, xmlNode *n, const char *const *known)
{
    for (xmlNode *c = xml_first_child(n); c; c = xml_next_element(c->next)) {
        int ok = 0;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(*k, xml_node_name(c)) == 0;
        if (!ok)
            return ir_fail(r->ir, WR_ERR_PARSE, (ir_src){r->file, xml_node_line(c)}, xml_node_name(c),
                           "unknown element (not allowed in <%s>)", xml_node_name(n));
    }
    return WR_OK;
}

/* <origin xyz rpy>: a pose; rpy are fixed-axis roll (x), pitch (y), yaw (z): R = Rz(yaw) Ry(pitch) Rx(roll). */
static wr_status read_origin(ur_reader *r, xmlNode *parent, double pos[3], double quat[4])
{
    static const char *const keys[] = {"xyz", "rpy", NULL};
    pos[0] = pos[1] = pos[2] = 0;
    quat[0] = 1;
    quat[1] = quat[2] = quat[3] = 0;
    xmlNode *o = NULL;
    for (xmlNode *c = xml_first_child(parent); c; c = xml_next_element(c->next))
        if (strcmp(xml_node_name(c), "origin") == 0) {
            if (o)
                return ir_fail(r->ir, WR_ERR_PARSE, (ir_src){r->file, xml_node_line(c)}, "origin",
                               "more than one <origin>");
            o = c;
        }
    if (!o)
        return WR_OK;
    xml_elem e;
    double rpy[3] = {0, 0, 0};
    wr_status st = open_elem(r, o, keys, &e);
    if (st == WR_OK)
        st = doubles(r, &e, "xyz", 3, pos, 0);
    if (st == WR_OK)
        st = doubles(r, &e, "rpy", 3, rpy, 0);
    xml_elem_close(&e);
    if (st != WR_OK)
        return st;
    const double x[3] = {1, 0, 0}, y[3] = {0, 1, 0}, z[3] = {0, 0, 1};
    double qx[4], qy[4], qz[4];
    ir_axis_angle_quat(x, rpy[0], qx);
    ir_axis_angle_quat(y, rpy[1], qy);
    ir_axis_angle_quat(z, rpy[2], qz);
    ir_quat_mul(qz, qy, quat);
    ir_quat_mul(quat, qx, quat);
    return WR_OK;
}

static xmlNode *child(xmlNode *n, const char *name)
{
    for (xmlNode *c = xml_first_child(n); c; c = xml_next_element(c->next))
        if (strcmp(xml_node_name(c), name) == 0)
            return c;
    return NULL;
}

static int count_children(xmlNode *n, const char *name)
{
    int k = 0;
    for (xmlNode *c = xml_first_child(n); c; c = xml_next_element(c->next))
        k += strcmp(xml_node_name(c), name) == 0;
    return k;
}

/* ---- links: inertia and collision shapes ------------------------------------------------------------------- */

static wr_status read_inertial(ur_reader *r, xmlNode *n, ir_body *b)
{
    static const char *const none[] = {NULL}, *const mass_keys[] = {"value", NULL};
    static const char *const inertia_keys[] = {"ixx", "ixy", "ixz", "iyy", "iyz", "izz", NULL};
    static const char *const children[] = {"origin", "mass", "inertia", NULL};
    xml_elem e;
    wr_status st = open_elem(r, n, none, &e);
    xml_elem_close(&e);
    if (st == WR_OK)
        st = only_children(r, n, children);
    if (st == WR_OK)
        st = read_origin(r, n, b->ipos, b->iquat);
    xmlNode *m = child(n, "mass"), *i = child(n, "inertia");
    if (st == WR_OK && (!m || !i))
        st = ir_fail(r->ir, WR_ERR_PARSE, (ir_src){r->file, xml_node_line(n)}, "inertial", "needs <mass> and <inertia>");
    if (st == WR_OK && (st = open_elem(r, m, mass_keys, &e)) == WR_OK)
        st = doubles(r, &e, "value", 1, &b->mass, 1);
    if (st == WR_OK && b->mass < 0)
        st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, e.src, "mass", "mass must be >= 0 (got %g)", b->mass);
    xml_elem_close(&e);
    double v[6] = {0, 0, 0, 0, 0, 0};
    if (st == WR_OK && (st = open_elem(r, i, inertia_keys, &e)) == WR_OK)
        for (int k = 0; k < 6 && st == WR_OK; k++)
            st = doubles(r, &e, inertia_keys[k], 1, &v[k], 1);
    xml_elem_close(&e);
    if (st == WR_OK) {
        const double full[9] = {v[0], v[1], v[2], v[1], v[3], v[4], v[2], v[4], v[5]};
        memcpy(b->inertia, full, sizeof full);
        b->has_inertial = 1;
    }
    return st;
}

static wr_status read_collision(ur_reader *r, xmlNode *n, int body)
{
    static const char *const keys[] = {"name", NULL}, *const children[] = {"origin", "geometry", NULL};
    xml_elem e;
    wr_status st = open_elem(r, n, keys, &e);
    xml_elem_close(&e);
    if (st == WR_OK)
        st = only_children(r, n, children);
    double pos[3], quat[4];
    if (st == WR_OK)
        st = read_origin(r, n, pos, quat);
    xmlNode *g = st == WR_OK ? child(n, "geometry") : NULL;
    if (st == WR_OK && !g)
        st = ir_fail(r->ir, WR_ERR_PARSE, (ir_src){r->file, xml_node_line(n)}, "collision", "needs <geometry>");
    xmlNode *shape = g ? xml_first_child(g) : NULL;
    if (st == WR_OK && (!shape || xml_next_element(shape->next)))
        st = ir_fail(r->ir, WR_ERR_PARSE, (ir_src){r->file, xml_node_line(g)}, "geometry", "needs exactly one shape");
    if (st != WR_OK)
        return st;
    const char *name = xml_node_name(shape);
    static const char *const box_keys[] = {"size", NULL}, *const sphere_keys[] = {"radius", NULL};
    static const char *const cyl_keys[] = {"radius", "length", NULL}, *const mesh_keys[] = {"filename", "scale", NULL};
    int type = -1;
    double size[3] = {0, 0, 0};
    if (strcmp(name, "box") == 0) {
        type = IR_GEOM_BOX;
        if ((st = open_elem(r, shape, box_keys, &e)) == WR_OK)
            st = doubles(r, &e, "size", 3, size, 1);
        for (int k = 0; k < 3; k++)
            size[k] *= 0.5;
    } else if (strcmp(name, "sphere") == 0) {
        type = IR_GEOM_SPHERE;
        if ((st = open_elem(r, shape, sphere_keys, &e)) == WR_OK)
            st = doubles(r, &e, "radius", 1, size, 1);
    } else if (strcmp(name, "cylinder") == 0) {
        type = IR_GEOM_CYLINDER;
        double length = 0;
        if ((st = open_elem(r, shape, cyl_keys, &e)) == WR_OK && (st = doubles(r, &e, "radius", 1, size, 1)) == WR_OK)
            st = doubles(r, &e, "length", 1, &length, 1);
        size[1] = 0.5 * length;
    } else if (strcmp(name, "mesh") == 0) {
        if ((st = open_elem(r, shape, mesh_keys, &e)) == WR_OK)
            st = ir_warn(r->ir, e.src, "mesh", "", "mesh collision geometry is not supported: no collision shape");
        xml_elem_close(&e);
        return st;
    } else {
        return ir_fail(r->ir, WR_ERR_PARSE, (ir_src){r->file, xml_node_line(shape)}, name,
                       "unknown geometry (box, cylinder, sphere or mesh)");
    }
    if (st == WR_OK)
        for (int k = 0; k < (type == IR_GEOM_BOX ? 3 : (type == IR_GEOM_SPHERE ? 1 : 2)) && st == WR_OK; k++)
            if (!(size[k] > 0))
                st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, e.src, e.name, "sizes must be > 0");
    ir_src src = e.src;
    xml_elem_close(&e);
    if (st != WR_OK)
        return st;
    ir_geom *geom = ir_add_geom(r->ir, src);
    if (!geom)
        return WR_ERR_OUT_OF_MEMORY;
    geom->body = body;
    geom->type = type;
    memcpy(geom->size, size, sizeof size);
    memcpy(geom->pos, pos, sizeof pos);
    memcpy(geom->quat, quat, sizeof quat);
    geom->mass = NAN;
    geom->massive = 0; /* a URDF link's inertia is its <inertial> */
    geom->collides = 1;
    geom->friction = 1.0;
    geom->contype = geom->conaffinity = 1;
    return WR_OK;
}

/* The IR body of link `l`, its inertia and its collision shapes. */
static wr_status read_link(ur_reader *r, int l, int parent_body)
{
    static const char *const keys[] = {"name", NULL};
    static const char *const children[] = {"inertial", "visual", "collision", NULL};
    ur_link *link = &r->links[l];
    xml_elem e;
    wr_status st = open_elem(r, link->node, keys, &e);
    xml_elem_close(&e);
    if (st == WR_OK)
        st = only_children(r, link->node, children);
    if (st == WR_OK && count_children(link->node, "inertial") > 1)
        st = ir_fail(r->ir, WR_ERR_PARSE, e.src, "link", "more than one <inertial>");
    if (st != WR_OK)
        return st;
    ir_body *b = ir_add_body(r->ir, e.src);
    if (!b)
        return WR_ERR_OUT_OF_MEMORY;
    int index = r->ir->body_count - 1;
    link->body = index;
    b->name = link->name;
    b->parent = parent_body;
    b->quat[0] = b->iquat[0] = 1;
    for (xmlNode *c = xml_first_child(link->node); c && st == WR_OK; c = xml_next_element(c->next)) {
        const char *name = xml_node_name(c);
        if (strcmp(name, "inertial") == 0)
            st = read_inertial(r, c, &r->ir->bodies[index]);
        else if (strcmp(name, "collision") == 0)
            st = read_collision(r, c, index);
    }
    return st;
}

/* ---- joints ------------------------------------------------------------------------------------------------ */

static int find_link(const ur_reader *r, const char *name)
{
    for (int i = 0; i < r->link_count; i++)
        if (strcmp(ir_str(r->ir, r->links[i].name), name) == 0)
            return i;
    return -1;
}

/* The IR joint of URDF joint `j` on the body of its child link (pose: the joint origin). */
static wr_status read_joint(ur_reader *r, int j)
{
    const ur_joint *uj = &r->joints[j];
    ir_body *b = &r->ir->bodies[r->links[uj->child].body];
    wr_status st = read_origin(r, uj->node, b->pos, b->quat);
    if (st != WR_OK || uj->type == UJ_FIXED)
        return st;
    static const char *const axis_keys[] = {"xyz", NULL};
    static const char *const limit_keys[] = {"lower", "upper", "effort", "velocity", NULL};
    static const char *const dyn_keys[] = {"damping", "friction", NULL};
    ir_joint *ij = ir_add_joint(r->ir, uj->src);
    if (!ij)
        return WR_ERR_OUT_OF_MEMORY;
    ij->body = r->links[uj->child].body;
    ij->name = uj->name;
    ij->effort = ij->velocity = INFINITY;
    ij->axis[0] = 1.0; /* URDF's default axis */
    ij->type = uj->type == UJ_PRISMATIC ? WR_JOINT_PRISMATIC
               : uj->type == UJ_FLOATING ? WR_JOINT_FREE
                                         : WR_JOINT_REVOLUTE;
    if (uj->type == UJ_FLOATING) {
        if (r->ir->bodies[ij->body].parent != 0)
            return ir_fail(r->ir, WR_ERR_UNSUPPORTED, uj->src, "joint",
                           "a floating joint is supported only for a link hanging from the world");
        return WR_OK;
    }
    xml_elem e;
    memset(&e, 0, sizeof e);
    xmlNode *a = child(uj->node, "axis"), *l = child(uj->node, "limit"), *d = child(uj->node, "dynamics");
    if (a && (st = open_elem(r, a, axis_keys, &e)) == WR_OK)
        st = doubles(r, &e, "xyz", 3, ij->axis, 1);
    xml_elem_close(&e);
    double n = sqrt(ij->axis[0] * ij->axis[0] + ij->axis[1] * ij->axis[1] + ij->axis[2] * ij->axis[2]);
    if (st == WR_OK && n < 1e-14)
        st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, uj->src, "joint", "axis too small");
    for (int k = 0; st == WR_OK && k < 3; k++)
        ij->axis[k] /= n;
    if (st == WR_OK && !l && (uj->type == UJ_REVOLUTE || uj->type == UJ_PRISMATIC))
        st = ir_fail(r->ir, WR_ERR_PARSE, uj->src, "joint", "a %s joint needs <limit>", joint_types[uj->type]);
    if (st == WR_OK && l) {
        double lim[4] = {0, 0, 0, 0};
        if ((st = open_elem(r, l, limit_keys, &e)) == WR_OK)
            for (int k = 0; k < 4 && st == WR_OK; k++)
                st = doubles(r, &e, limit_keys[k], 1, &lim[k], k >= 2);
        if (st == WR_OK && (lim[2] < 0 || lim[3] < 0))
            st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, e.src, "limit", "effort and velocity must be >= 0");
        if (st == WR_OK && uj->type != UJ_CONTINUOUS) {
            if (lim[0] > lim[1])
                st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, e.src, "limit", "lower %g > upper %g", lim[0], lim[1]);
            ij->limited = 1;
            ij->range[0] = lim[0];
            ij->range[1] = lim[1];
        }
        if (st == WR_OK && (lim[2] == 0 || lim[3] == 0))
            st = ir_warn(r->ir, e.src, "limit", lim[2] == 0 ? "effort" : "velocity", "0 is read as no limit");
        ij->effort = lim[2] > 0 ? lim[2] : INFINITY;
        ij->velocity = lim[3] > 0 ? lim[3] : INFINITY;
        xml_elem_close(&e);
    }
    if (st == WR_OK && d) {
        double friction = 0;
        if ((st = open_elem(r, d, dyn_keys, &e)) == WR_OK && (st = doubles(r, &e, "damping", 1, &ij->damping, 0)) ==
                                                                  WR_OK)
            st = doubles(r, &e, "friction", 1, &friction, 0);
        if (st == WR_OK && (ij->damping < 0 || friction < 0))
            st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, e.src, "dynamics", "damping and friction must be >= 0");
        if (st == WR_OK && friction > 0)
            st = ir_warn(r->ir, e.src, "dynamics", "friction", "joint friction is not modelled");
        xml_elem_close(&e);
    }
    static const char *const unsupported[] = {"mimic", "safety_controller", NULL};
    for (int k = 0; st == WR_OK && unsupported[k]; k++) {
        xmlNode *c = child(uj->node, unsupported[k]);
        if (c)
            st = ir_warn(r->ir, (ir_src){r->file, xml_node_line(c)}, unsupported[k], "", "not modelled: ignored");
    }
    return st;
}

/* ---- the tree ---------------------------------------------------------------------------------------------- */

static wr_status collect(ur_reader *r, xmlNode *root)
{
    static const char *const link_keys[] = {"name", NULL}, *const joint_keys[] = {"name", "type", NULL};
    static const char *const joint_children[] = {"origin", "parent", "child", "axis", "calibration", "dynamics",
                                                 "limit", "mimic", "safety_controller", NULL};
    static const char *const link_ref[] = {"link", NULL};
    wr_status st = WR_OK;
    for (xmlNode *c = xml_first_child(root); c && st == WR_OK; c = xml_next_element(c->next)) {
        const char *name = xml_node_name(c);
        xml_elem e;
        ir_src src = {r->file, xml_node_line(c)};
        if (strcmp(name, "link") == 0) {
            const char *ln = NULL;
            if ((st = open_elem(r, c, link_keys, &e)) == WR_OK && (st = required(r, &e, "name", &ln)) == WR_OK &&
                find_link(r, ln) >= 0)
                st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, e.src, "link", "repeated name \"%.40s\"", ln);
            if (st == WR_OK && r->link_count == r->link_cap) {
                int cap = r->link_cap ? 2 * r->link_cap : 16;
                void *m = cap > IR_MAX_BODIES ? NULL : realloc(r->links, (size_t)cap * sizeof(ur_link));
                if (!m)
                    st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, e.src, "link", "too many links");
                else {
                    r->links = m;
                    r->link_cap = cap;
                }
            }
            if (st == WR_OK) {
                ur_link *l = &r->links[r->link_count];
                l->node = c;
                l->file = r->file;
                l->parent_joint = -1;
                l->body = -1;
                l->name = ir_string(r->ir, ln, &st);
                if (st == WR_OK)
                    r->link_count++;
            }
            xml_elem_close(&e);
        } else if (strcmp(name, "joint") == 0) {
            const char *jn = NULL, *jt = NULL;
            int type = 0;
            if ((st = open_elem(r, c, joint_keys, &e)) == WR_OK && (st = required(r, &e, "name", &jn)) == WR_OK &&
                (st = required(r, &e, "type", &jt)) == WR_OK)
                st = xml_keyword(r->ir, e.src, "joint", "type", jt, joint_types, &type);
            if (st == WR_OK && type == UJ_PLANAR)
                st = ir_fail(r->ir, WR_ERR_UNSUPPORTED, e.src, "joint", "planar joints are not supported");
            if (st == WR_OK)
                st = only_children(r, c, joint_children);
            for (int k = 0; st == WR_OK && k < r->joint_count; k++)
                if (strcmp(ir_str(r->ir, r->joints[k].name), jn) == 0)
                    st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, e.src, "joint", "repeated name \"%.40s\"", jn);
            if (st == WR_OK && r->joint_count == r->joint_cap) {
                int cap = r->joint_cap ? 2 * r->joint_cap : 16;
                void *m = cap > IR_MAX_BODIES ? NULL : realloc(r->joints, (size_t)cap * sizeof(ur_joint));
                if (!m)
                    st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, e.src, "joint", "too many joints");
                else {
                    r->joints = m;
                    r->joint_cap = cap;
                }
            }
            if (st == WR_OK) {
                ur_joint *j = &r->joints[r->joint_count];
                memset(j, 0, sizeof *j);
                j->node = c;
                j->type = type;
                j->src = e.src;
                j->name = ir_string(r->ir, jn, &st);
                if (st == WR_OK)
                    r->joint_count++;
            }
            xml_elem_close(&e);
        } else if (strcmp(name, "material") == 0) {
            continue; /* visual */
        } else if (strcmp(name, "gazebo") == 0 || strcmp(name, "transmission") == 0 ||
                   strcmp(name, "ros2_control") == 0) {
            st = ir_warn(r->ir, src, name, "", "ROS extension: ignored");
        } else {
            st = ir_fail(r->ir, WR_ERR_PARSE, src, name, "unknown element (not allowed in <robot>)");
        }
    }
    /* parent and child links of every joint; a link has at most one parent */
    for (int j = 0; st == WR_OK && j < r->joint_count; j++) {
        ur_joint *uj = &r->joints[j];
        const char *ends[2] = {"parent", "child"};
        int *idx[2] = {&uj->parent, &uj->child};
        for (int k = 0; k < 2 && st == WR_OK; k++) {
            xmlNode *c = child(uj->node, ends[k]);
            xml_elem e;
            const char *ln = NULL;
            if (!c) {
                st = ir_fail(r->ir, WR_ERR_PARSE, uj->src, "joint", "needs <%s link=\"...\"/>", ends[k]);
                break;
            }
            if ((st = open_elem(r, c, link_ref, &e)) == WR_OK && (st = required(r, &e, "link", &ln)) == WR_OK &&
                (*idx[k] = find_link(r, ln)) < 0)
                st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, e.src, ends[k], "unknown link \"%.40s\"", ln);
            xml_elem_close(&e);
        }
        if (st == WR_OK && uj->parent == uj->child)
            st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, uj->src, "joint", "joins link \"%.40s\" to itself",
                         ir_str(r->ir, r->links[uj->child].name));
        if (st == WR_OK && r->links[uj->child].parent_joint >= 0)
            st = ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, uj->src, "joint",
                         "link \"%.40s\" has two parent joints (a URDF is a tree)",
                         ir_str(r->ir, r->links[uj->child].name));
        if (st == WR_OK)
            r->links[uj->child].parent_joint = j;
    }
    return st;
}

/* Place link `root` and its subtree in pre-order (parents before children) as IR bodies. */
static wr_status place_tree(ur_reader *r, int root, int parent_body)
{
    int top = 0;
    r->stack[top++] = root;
    int placed = 0;
    while (top) {
        int l = r->stack[--top];
        int pj = r->links[l].parent_joint;
        int pb = l == root ? parent_body : r->links[r->joints[pj].parent].body;
        wr_status st = read_link(r, l, pb);
        if (st == WR_OK && l != root)
            st = read_joint(r, pj);
        if (st != WR_OK)
            return st;
        placed++;
        /* children in reverse file order on the stack: visited in file order */
        for (int j = r->joint_count - 1; j >= 0; j--)
            if (r->joints[j].parent == l)
                r->stack[top++] = r->joints[j].child;
    }
    return WR_OK;
}

wr_status urdf_read(ir_model *ir, xml_reader *xml, struct _xmlNode *root, int file,
                    const wr_model_load_options *options)
{
    ur_reader r;
    memset(&r, 0, sizeof r);
    r.ir = ir;
    r.xml = xml;
    r.file = file;
    r.floating_base = options && options->urdf_floating_base;
    ir->time_step = 0.001;
    ir->inertia_from_geom = IR_INERTIA_FROM_GEOM_FALSE;
    static const char *const robot_keys[] = {"name", "version", NULL};
    xml_elem e;
    wr_status st = open_elem(&r, root, robot_keys, &e);
    const char *name = st == WR_OK ? xml_elem_get(&e, "name") : NULL;
    if (st == WR_OK && name && *name)
        ir->name = ir_string(ir, name, &st);
    ir_src robot_src = e.src;
    xml_elem_close(&e);
    if (st == WR_OK)
        st = collect(&r, root);
    int root_link = -1;
    for (int l = 0; st == WR_OK && l < r.link_count; l++) {
        if (r.links[l].parent_joint >= 0)
            continue;
        if (root_link >= 0)
            st = ir_fail(ir, WR_ERR_INVALID_ARGUMENT, (ir_src){file, xml_node_line(r.links[l].node)}, "link",
                         "two root links (\"%.40s\" and \"%.40s\"): every link but one needs a parent joint",
                         ir_str(ir, r.links[root_link].name), ir_str(ir, r.links[l].name));
        root_link = l;
    }
    if (st == WR_OK && root_link < 0)
        st = ir_fail(ir, WR_ERR_INVALID_ARGUMENT, robot_src, "robot",
                     r.link_count ? "no root link: the joints form a cycle" : "no link");
    /* the world body, then the tree */
    ir_body *world = st == WR_OK ? ir_add_body(ir, robot_src) : NULL;
    if (st == WR_OK && !world)
        st = WR_ERR_OUT_OF_MEMORY;
    if (st == WR_OK) {
        world->parent = -1;
        world->quat[0] = world->iquat[0] = 1;
        world->name = ir_string(ir, "world", &st);
    }
    if (st == WR_OK) {
        r.stack = malloc(((size_t)r.link_count + 1) * sizeof(int));
        if (!r.stack)
            st = WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory to read the URDF");
    }
    const int world_root = st == WR_OK && strcmp(ir_str(ir, r.links[root_link].name), "world") == 0;
    if (st == WR_OK && world_root) {
        /* the link "world" is the world: its geoms are static, its children hang from it */
        r.links[root_link].body = 0;
        for (xmlNode *c = xml_first_child(r.links[root_link].node); c && st == WR_OK; c = xml_next_element(c->next))
            if (strcmp(xml_node_name(c), "collision") == 0)
                st = read_collision(&r, c, 0);
        for (int j = 0; j < r.joint_count && st == WR_OK; j++)
            if (r.joints[j].parent == root_link)
                st = place_tree(&r, r.joints[j].child, 0);
        for (int j = 0; j < r.joint_count && st == WR_OK; j++)
            if (r.joints[j].parent == root_link)
                st = read_joint(&r, j);
    } else if (st == WR_OK) {
        st = place_tree(&r, root_link, 0);
        if (st == WR_OK && r.floating_base) {
            ir_joint *j = ir_add_joint(ir, ir->bodies[1].src);
            if (!j)
                st = WR_ERR_OUT_OF_MEMORY;
            else {
                j->body = 1;
                j->type = WR_JOINT_FREE;
                j->effort = j->velocity = INFINITY;
            }
        }
    }
    /* every link reached: otherwise the joints form a cycle apart from the root's tree */
    for (int l = 0; st == WR_OK && l < r.link_count; l++)
        if (r.links[l].body < 0)
            st = ir_fail(ir, WR_ERR_INVALID_ARGUMENT, (ir_src){file, xml_node_line(r.links[l].node)}, "link",
                         "link \"%.40s\" is not connected to the root (the joints form a cycle)",
                         ir_str(ir, r.links[l].name));
    free(r.links);
    free(r.joints);
    free(r.stack);
    return st;
}
