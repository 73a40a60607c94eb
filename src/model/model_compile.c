/* The model compiler: IR to one model block (layout in model_impl.h).
 *
 *   1. joints and geoms grouped by body in file order (MuJoCo's joint numbering);
 *   2. each body's mass, centre of mass and inertia: from <inertial>, or from its geoms the way MuJoCo does (solid
 *      shapes of uniform density, wr_shape_mass_properties + wr_mass_properties_add), then boundmass,
 *      boundinertia, balanceinertia, settotalmass; a moving body needs mass and inertia (MuJoCo's rule);
 *   3. skeletons: one per child of the world (its subtree), plus one static skeleton for the world's own geoms;
 *   4. a body with n joints becomes n skeleton bodies: n - 1 massless ones and the body itself, each joint about its
 *      anchor in the body frame, so that the composition is MuJoCo's (body pose, then each joint in file order);
 *      a joint's `ref` (qpos0) is folded into its child pose exactly (R(a, q - ref) = R(a, q) R(a, -ref));
 *   5. shapes with MuJoCo's contype/conaffinity rule encoded exactly in group/mask bits (up to 32 distinct pairs);
 *   6. motors per skeleton, initial positions, the body/joint/actuator lists and the warning report.
 * Every body and shape goes through the skeleton module's own checks (skeleton_make_body/_shape); their errors are
 * reported with the file and line of the element they came from.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status_internal.h"
#include "model/model_impl.h"
#include "model/model_ir.h"

#define MINVAL 1e-15 /* MuJoCo's mjMINVAL */

typedef struct cbody {
    int jfirst, jcount;              /* into the by-body joint order */
    int gfirst, gcount;
    double mass, com[3], inertia[9]; /* body frame */
    double ev[3];                    /* principal moments, ascending */
    int weld;                        /* MuJoCo's weld body (0: the world) */
    int skeleton, node;              /* its skeleton and the skeleton-local index of its (last) node */
} cbody;

typedef struct compiler {
    ir_model *ir;
    cbody *bodies;
    int *jorder, *jrank;             /* joints by body; rank of an IR joint in that order */
    int *gorder;
    int *last;                       /* last body of each subtree (pre-order) */
} compiler;

/* ---- symmetric 3x3 eigenvalues (Jacobi) -------------------------------------------------------------------- */

static void sym3_eig(const double in[9], double ev[3], double vec[9])
{
    double a[9];
    memcpy(a, in, sizeof a);
    double v[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    for (int sweep = 0; sweep < 50; sweep++) {
        double off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5];
        if (off < 1e-300 || off <= 1e-32 * (a[0] * a[0] + a[4] * a[4] + a[8] * a[8]))
            break;
        for (int p = 0; p < 2; p++)
            for (int q = p + 1; q < 3; q++) {
                double apq = a[3 * p + q];
                if (apq == 0)
                    continue;
                double theta = (a[3 * q + q] - a[3 * p + p]) / (2 * apq);
                double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < 3; k++) { /* a <- J^T a J */
                    double akp = a[3 * k + p], akq = a[3 * k + q];
                    a[3 * k + p] = c * akp - s * akq;
                    a[3 * k + q] = s * akp + c * akq;
                }
                for (int k = 0; k < 3; k++) {
                    double apk = a[3 * p + k], aqk = a[3 * q + k];
                    a[3 * p + k] = c * apk - s * aqk;
                    a[3 * q + k] = s * apk + c * aqk;
                }
                for (int k = 0; k < 3; k++) {
                    double vkp = v[3 * k + p], vkq = v[3 * k + q];
                    v[3 * k + p] = c * vkp - s * vkq;
                    v[3 * k + q] = s * vkp + c * vkq;
                }
            }
    }
    int idx[3] = {0, 1, 2};
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (a[4 * idx[j]] < a[4 * idx[i]]) {
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
    for (int i = 0; i < 3; i++) {
        ev[i] = a[4 * idx[i]];
        for (int k = 0; k < 3; k++)
            vec[3 * k + i] = v[3 * k + idx[i]];
    }
}

/* m = v diag(ev) v^T */
static void sym3_compose(const double ev[3], const double v[9], double m[9])
{
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            m[3 * r + c] = v[3 * r] * ev[0] * v[3 * c] + v[3 * r + 1] * ev[1] * v[3 * c + 1] +
                           v[3 * r + 2] * ev[2] * v[3 * c + 2];
}

/* r diag-or-full i r^T with r from a quaternion */
static void rotate_inertia(const double q[4], const double i[9], double out[9])
{
    double r[9], t[9];
    ir_quat_to_mat(q, r);
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            t[3 * a + b] = r[3 * a] * i[b] + r[3 * a + 1] * i[3 + b] + r[3 * a + 2] * i[6 + b];
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            out[3 * a + b] = t[3 * a] * r[3 * b] + t[3 * a + 1] * r[3 * b + 1] + t[3 * a + 2] * r[3 * b + 2];
    out[3] = out[1] = 0.5 * (out[1] + out[3]); /* exactly symmetric */
    out[6] = out[2] = 0.5 * (out[2] + out[6]);
    out[7] = out[5] = 0.5 * (out[5] + out[7]);
}

/* ---- step 1: order ----------------------------------------------------------------------------------------- */

static wr_status order_by_body(const ir_model *ir, int n, const int *body_of, int **order_out, int **rank_out)
{
    int *order = malloc(((size_t)n + 1) * sizeof(int));
    int *rank = rank_out ? malloc(((size_t)n + 1) * sizeof(int)) : NULL;
    int *start = calloc((size_t)ir->body_count + 1, sizeof(int));
    if (!order || (rank_out && !rank) || !start) {
        free(order);
        free(rank);
        free(start);
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory to compile the model");
    }
    for (int i = 0; i < n; i++)
        start[body_of[i] + 1]++;
    for (int b = 0; b < ir->body_count; b++)
        start[b + 1] += start[b];
    for (int i = 0; i < n; i++) { /* stable: file order within a body */
        int k = start[body_of[i]]++;
        order[k] = i;
        if (rank)
            rank[i] = k;
    }
    free(start);
    *order_out = order;
    if (rank_out)
        *rank_out = rank;
    return WR_OK;
}

/* ---- step 2: inertia --------------------------------------------------------------------------------------- */

static double geom_volume(const ir_geom *g)
{
    const double pi = 3.14159265358979323846;
    if (g->type == IR_GEOM_ELLIPSOID)
        return 4.0 / 3.0 * pi * g->size[0] * g->size[1] * g->size[2];
    wr_shape_desc d;
    wr_shape_desc_init(&d, (wr_shape_type)g->type);
    memcpy(d.size, g->size, sizeof d.size);
    wr_mass_properties mp;
    if (wr_shape_mass_properties(&d, 1.0, &mp) != WR_OK)
        return 0;
    return mp.mass;
}

/* Mass properties of one geom in the body frame (MuJoCo's mjCGeom mass, density and inertia rules). */
static wr_status geom_mass(const compiler *c, const ir_geom *g, wr_mass_properties *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->com, g->pos, sizeof out->com);
    double volume = geom_volume(g);
    double mass = isnan(g->mass) ? g->density * volume : g->mass;
    if (!(mass > 0) || !(volume > MINVAL))
        return WR_OK; /* massless geom */
    double local[9] = {0};
    if (g->type == IR_GEOM_ELLIPSOID) {
        const double *s = g->size;
        local[0] = mass * (s[1] * s[1] + s[2] * s[2]) / 5;
        local[4] = mass * (s[0] * s[0] + s[2] * s[2]) / 5;
        local[8] = mass * (s[0] * s[0] + s[1] * s[1]) / 5;
    } else {
        wr_shape_desc d;
        wr_shape_desc_init(&d, (wr_shape_type)g->type);
        memcpy(d.size, g->size, sizeof d.size);
        wr_mass_properties mp;
        wr_status st = wr_shape_mass_properties(&d, 1.0, &mp); /* unit density, scaled to the mass */
        if (st != WR_OK)
            return ir_fail(c->ir, st, g->src, "geom", "%s", wr_last_error());
        for (int k = 0; k < 9; k++)
            local[k] = mp.inertia[k] * (mass / mp.mass);
    }
    out->mass = mass;
    rotate_inertia(g->quat, local, out->inertia);
    return WR_OK;
}

static int geom_counts(const compiler *c, const ir_geom *g)
{
    const ir_model *ir = c->ir;
    return g->massive && g->group >= ir->inertia_group_range[0] && g->group <= ir->inertia_group_range[1];
}

static wr_status body_inertia(compiler *c, int b)
{
    const ir_model *ir = c->ir;
    const ir_body *ib = &ir->bodies[b];
    cbody *cb = &c->bodies[b];
    const int from_geoms = ir->inertia_from_geom == IR_INERTIA_FROM_GEOM_TRUE ||
                           (ir->inertia_from_geom == IR_INERTIA_FROM_GEOM_AUTO && !ib->has_inertial);
    /* no inertial frame at all: MuJoCo puts it at the body frame's pos (mass 0 anyway) */
    memcpy(cb->com, ib->pos, sizeof cb->com);
    memset(cb->inertia, 0, sizeof cb->inertia);
    cb->mass = 0;
    if (from_geoms) {
        wr_mass_properties acc = {0}, one;
        int n = 0;
        for (int k = 0; k < cb->gcount; k++) {
            const ir_geom *g = &ir->geoms[c->gorder[cb->gfirst + k]];
            if (!geom_counts(c, g))
                continue;
            wr_status st = geom_mass(c, g, &one);
            if (st != WR_OK)
                return st;
            if (n == 0) {
                acc = one;
            } else if (acc.mass + one.mass > 0) {
                if ((st = wr_mass_properties_add(&acc, &one)) != WR_OK)
                    return ir_fail(c->ir, st, ib->src, "body", "%s", wr_last_error());
            }
            n++;
        }
        if (n > 1 && acc.mass < MINVAL)
            return ir_fail(c->ir, WR_ERR_INVALID_ARGUMENT, ib->src, "body",
                           "body mass is too small to compute its centre of mass from its geoms");
        if (n) {
            cb->mass = acc.mass;
            memcpy(cb->com, acc.com, sizeof cb->com);
            memcpy(cb->inertia, acc.inertia, sizeof cb->inertia);
        }
    } else if (ib->has_inertial) {
        cb->mass = ib->mass;
        memcpy(cb->com, ib->ipos, sizeof cb->com);
        rotate_inertia(ib->iquat, ib->inertia, cb->inertia);
    }
    /* principal moments: bounds, balance, the physical checks */
    double v[9];
    sym3_eig(cb->inertia, cb->ev, v);
    /* negative values are refused (MuJoCo would clamp them to boundinertia first, silently) */
    if (cb->mass < 0 || cb->ev[0] < -1e-12 * (1 + fabs(cb->ev[2])))
        return ir_fail(c->ir, WR_ERR_INVALID_ARGUMENT, ib->src, "body",
                       "mass and inertia cannot be negative (mass %g, principal moments %g %g %g)", cb->mass, cb->ev[0],
                       cb->ev[1], cb->ev[2]);
    int changed = 0;
    if (cb->mass < ir->bound_mass)
        cb->mass = ir->bound_mass;
    for (int k = 0; k < 3; k++)
        if (cb->ev[k] < ir->bound_inertia) {
            cb->ev[k] = ir->bound_inertia;
            changed = 1;
        }
    if (cb->ev[0] + cb->ev[1] < cb->ev[2] * (1 - 1e-12)) {
        if (!ir->balance_inertia)
            return ir_fail(c->ir, WR_ERR_INVALID_ARGUMENT, ib->src, "body",
                           "inertia must satisfy A + B >= C (principal moments %g %g %g); compiler balanceinertia "
                           "fixes it", cb->ev[0], cb->ev[1], cb->ev[2]);
        double mean = (cb->ev[0] + cb->ev[1] + cb->ev[2]) / 3;
        cb->ev[0] = cb->ev[1] = cb->ev[2] = mean;
        changed = 1;
    }
    if (changed)
        sym3_compose(cb->ev, v, cb->inertia);
    return WR_OK;
}

/* ---- step 3-4: skeletons and their bodies ------------------------------------------------------------------ */

typedef struct build {
    body_node *nodes;                /* all skeletons back to back */
    int node_count, node_cap;
    dyn_shape *shapes;
    int shape_count, shape_cap;
    dyn_actuator *acts;
    int act_count;
    double *q0;
    int nq, nv;
    model_skeleton *skels;
    int skel_count;
} build;

static void copy_name(char dst[WR_SKELETON_NAME_MAX], const char *src)
{
    size_t n = strlen(src);
    if (n > WR_SKELETON_NAME_MAX - 1)
        n = WR_SKELETON_NAME_MAX - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void set_pose(wr_pose *p, const double pos[3], const double quat[4])
{
    memcpy(p->position, pos, 3 * sizeof(double));
    memcpy(p->rotation, quat, 4 * sizeof(double));
}

/* Append one skeleton body (node) built from `d`; its skeleton starts at node `first`. */
static wr_status add_node(compiler *c, build *bd, int first, const wr_body_desc *d, unsigned flags, ir_src src,
                          const char *element)
{
    body_node *nodes = bd->nodes + first;
    int count = bd->node_count - first;
    const model_skeleton *sk = &bd->skels[bd->skel_count - 1];
    wr_status st = skeleton_make_body(nodes, count, bd->nq - sk->q_offset, bd->nv - sk->v_offset, d, flags,
                                      &bd->nodes[bd->node_count]);
    if (st != WR_OK)
        return ir_fail(c->ir, st, src, element, "%s", wr_last_error());
    bd->node_count++;
    return WR_OK;
}

static int weld_node(const compiler *c, int weld)
{
    return weld == 0 ? -1 : c->bodies[weld].node;
}

/* The nodes of IR body b (its parent's node is known). */
static wr_status build_body(compiler *c, build *bd, int first, int b)
{
    const ir_model *ir = c->ir;
    const ir_body *ib = &ir->bodies[b];
    cbody *cb = &c->bodies[b];
    const int parent_node = ib->parent > 0 ? c->bodies[ib->parent].node : -1;
    const int weld = cb->weld, weld_group = weld_node(c, weld);
    const int weld_parent = weld == 0 ? -1 : weld_node(c, c->bodies[ir->bodies[weld].parent].weld);
    const double identity[4] = {1, 0, 0, 0}, zero[3] = {0, 0, 0};
    const int n = cb->jcount ? cb->jcount : 1;
    for (int k = 0; k < n; k++) {
        wr_body_desc d;
        wr_body_desc_init(&d);
        d.parent = k == 0 ? parent_node : bd->node_count - 1 - first;
        const ir_joint *j = cb->jcount ? &ir->joints[c->jorder[cb->jfirst + k]] : NULL;
        wr_joint_desc_init(&d.joint, j ? j->type : WR_JOINT_WELD);
        double anchor[3] = {0, 0, 0}, child_pos[3] = {0, 0, 0}, child_quat[4] = {1, 0, 0, 0};
        if (j && j->type != WR_JOINT_FREE) {
            memcpy(anchor, j->pos, sizeof anchor);
            memcpy(child_pos, j->pos, sizeof child_pos);
            memcpy(d.joint.axis, j->axis, sizeof d.joint.axis);
            if (j->type == WR_JOINT_REVOLUTE && j->ref != 0)
                ir_axis_angle_quat(j->axis, j->ref, child_quat);
            if (j->type == WR_JOINT_PRISMATIC)
                for (int a = 0; a < 3; a++)
                    child_pos[a] += j->axis[a] * j->ref;
            if (!ir->disable_passive) {
                d.joint.damping = j->damping;
                d.joint.stiffness = j->stiffness;
            }
            d.joint.rest_position = j->springref;
            d.joint.armature = j->armature;
            if (j->limited && !ir->disable_limit && d.joint.type != WR_JOINT_BALL) {
                d.joint.position_lower[0] = j->range[0];
                d.joint.position_upper[0] = j->range[1];
            }
            for (int a = 0; a < WR_SKELETON_MAX_JOINT_DOFS; a++) {
                d.joint.effort_limit[a] = j->effort;
                d.joint.velocity_limit[a] = j->velocity;
            }
        } else if (j) { /* free: the body frame itself moves; its pos/quat are the initial position */
            d.joint.damping = ir->disable_passive ? 0 : j->damping;
            d.joint.armature = j->armature;
        }
        if (k == 0 && !(j && j->type == WR_JOINT_FREE)) { /* the body frame in its parent, then the anchor */
            double offset[3];
            ir_quat_rotate(ib->quat, anchor, offset);
            double p[3] = {ib->pos[0] + offset[0], ib->pos[1] + offset[1], ib->pos[2] + offset[2]};
            set_pose(&d.joint.parent_pose, p, ib->quat);
        } else if (j && j->type != WR_JOINT_FREE) {
            set_pose(&d.joint.parent_pose, anchor, identity);
        }
        set_pose(&d.joint.child_pose, j && j->type != WR_JOINT_FREE ? child_pos : zero,
                 j && j->type != WR_JOINT_FREE ? child_quat : identity);
        const int last = k == n - 1;
        d.mass = last ? cb->mass : 0.0;
        memcpy(d.com, last ? cb->com : zero, sizeof d.com);
        if (last)
            memcpy(d.inertia, cb->inertia, sizeof d.inertia);
        else
            memset(d.inertia, 0, sizeof d.inertia);
        copy_name(d.name, last ? ir_str(ir, ib->name) : "");
        wr_status st = add_node(c, bd, first, &d, SKELETON_BODY_ALLOW_MASSLESS, j ? j->src : ib->src,
                                j ? "joint" : "body");
        if (st != WR_OK)
            return st;
        body_node *node = &bd->nodes[bd->node_count - 1];
        node->weld_group = weld_group; /* this body's own node when weld == b: set below, once known */
        node->weld_parent = weld_parent;
        /* initial position: qpos0 = ref (hinge, slide), identity (ball), the body pose (free) */
        double *q = bd->q0 + bd->nq;
        skeleton_init_joint_q(node, q);
        if (j && (j->type == WR_JOINT_REVOLUTE || j->type == WR_JOINT_PRISMATIC))
            q[0] = j->ref;
        if (j && j->type == WR_JOINT_FREE) {
            memcpy(q, ib->pos, 3 * sizeof(double));
            memcpy(q + 3, ib->quat, 4 * sizeof(double));
        }
        bd->nq += node->nq;
        bd->nv += node->nv;
    }
    cb->node = bd->node_count - 1 - first;
    /* the weld group of a body is its own node once known (bodies with joints weld to themselves) */
    if (weld == b)
        for (int k = 0; k < n; k++)
            bd->nodes[bd->node_count - 1 - k].weld_group = cb->node;
    return WR_OK;
}

/* ---- step 5: shapes ---------------------------------------------------------------------------------------- */

typedef struct filter_map {
    uint32_t type[32], affinity[32]; /* the distinct (contype, conaffinity) pairs */
    int count;
    int exact;                       /* 0: more than 32 kinds, group = contype, mask = conaffinity */
} filter_map;

static int shape_kept(const compiler *c, const ir_geom *g)
{
    return g->collides && !c->ir->disable_contact && (g->contype || g->conaffinity);
}

static wr_status make_filter_map(compiler *c, filter_map *f)
{
    memset(f, 0, sizeof *f);
    f->exact = 1;
    for (int i = 0; i < c->ir->geom_count; i++) {
        const ir_geom *g = &c->ir->geoms[i];
        if (!shape_kept(c, g))
            continue;
        int k = 0;
        while (k < f->count && !(f->type[k] == g->contype && f->affinity[k] == g->conaffinity))
            k++;
        if (k < f->count)
            continue;
        if (f->count == 32) {
            f->exact = 0;
            return ir_warn(c->ir, g->src, "geom", "contype",
                           "more than 32 distinct contype/conaffinity pairs: group = contype, mask = conaffinity "
                           "(both must match, where MuJoCo needs either)");
        }
        f->type[f->count] = g->contype;
        f->affinity[f->count] = g->conaffinity;
        f->count++;
    }
    return WR_OK;
}

/* MuJoCo: geoms a, b may touch iff (contype_a & conaffinity_b) || (contype_b & conaffinity_a). With kind k's group
 * the bit k and its mask the kinds it may touch, worldrunner's (g_a & m_b) && (g_b & m_a) is the same relation. */
static void shape_bits(const filter_map *f, const ir_geom *g, uint32_t *group, uint32_t *mask)
{
    if (!f->exact) {
        *group = g->contype;
        *mask = g->conaffinity;
        return;
    }
    int k = 0;
    while (!(f->type[k] == g->contype && f->affinity[k] == g->conaffinity))
        k++;
    *group = 1u << k;
    *mask = 0;
    for (int j = 0; j < f->count; j++)
        if ((g->contype & f->affinity[j]) || (f->type[j] & g->conaffinity))
            *mask |= 1u << j;
}

static wr_status build_shapes(compiler *c, build *bd, const filter_map *f, int first_node, int first_shape, int b)
{
    const cbody *cb = &c->bodies[b];
    body_node *nodes = bd->nodes + first_node;
    const int count = bd->node_count - first_node;
    for (int k = 0; k < cb->gcount; k++) {
        const ir_geom *g = &c->ir->geoms[c->gorder[cb->gfirst + k]];
        if (!shape_kept(c, g))
            continue;
        wr_shape_desc d;
        int type = g->type == IR_GEOM_ELLIPSOID ? WR_SHAPE_BOX : g->type;
        wr_shape_desc_init(&d, (wr_shape_type)type);
        const double scale = g->type == IR_GEOM_ELLIPSOID ? sqrt(3.0 / 5.0) : 1.0;
        for (int a = 0; a < 3; a++)
            d.size[a] = g->size[a] * scale;
        set_pose(&d.pose, g->pos, g->quat);
        d.friction = g->friction;
        shape_bits(f, g, &d.collision_group, &d.collision_mask);
        dyn_shape *sh = &bd->shapes[bd->shape_count];
        wr_status st = skeleton_make_shape(nodes, count, cb->node, &d, sh);
        if (st != WR_OK)
            return ir_fail(c->ir, st, g->src, "geom", "%s", wr_last_error());
        /* append to the body's list in file order */
        int index = bd->shape_count - first_shape;
        body_node *node = &nodes[cb->node];
        if (node->first_shape < 0) {
            node->first_shape = index;
        } else {
            int s = node->first_shape;
            while (bd->shapes[first_shape + s].next_on_body >= 0)
                s = bd->shapes[first_shape + s].next_on_body;
            bd->shapes[first_shape + s].next_on_body = index;
        }
        bd->shape_count++;
    }
    return WR_OK;
}

/* ---- checks before building -------------------------------------------------------------------------------- */

static wr_status check_joints(compiler *c, int b)
{
    const ir_model *ir = c->ir;
    const cbody *cb = &c->bodies[b];
    int dofs = 0, ball = 0;
    for (int k = 0; k < cb->jcount; k++) {
        const ir_joint *j = &ir->joints[c->jorder[cb->jfirst + k]];
        if (j->type == WR_JOINT_FREE && ir->bodies[b].parent != 0)
            return ir_fail(c->ir, WR_ERR_INVALID_ARGUMENT, j->src, "joint", "a free joint can only be used on top level");
        if ((j->type == WR_JOINT_BALL || j->type == WR_JOINT_REVOLUTE) && ball)
            return ir_fail(c->ir, WR_ERR_INVALID_ARGUMENT, j->src, "joint", "ball joint followed by a rotation");
        ball |= j->type == WR_JOINT_BALL;
        dofs += j->type == WR_JOINT_FREE ? 6 : (j->type == WR_JOINT_BALL ? 3 : 1);
    }
    if (dofs > 6)
        return ir_fail(c->ir, WR_ERR_INVALID_ARGUMENT, ir->bodies[b].src, "body", "more than 6 dofs in one body");
    return WR_OK;
}

/* MuJoCo: a moving body needs mass and inertia, or a static child (no joints) that has them. */
static wr_status check_moving_mass(const compiler *c, int b)
{
    const cbody *cb = &c->bodies[b];
    if (cb->jcount == 0 || (cb->mass >= MINVAL && cb->ev[0] >= MINVAL))
        return WR_OK;
    for (int k = b + 1; k < c->ir->body_count; k++) {
        const cbody *ck = &c->bodies[k];
        if (c->ir->bodies[k].parent == b && ck->jcount == 0 && ck->mass >= MINVAL && ck->ev[0] >= MINVAL)
            return WR_OK;
    }
    return ir_fail(c->ir, WR_ERR_INVALID_ARGUMENT, c->ir->bodies[b].src, "body",
                   "mass and inertia of moving bodies must be larger than %g (body \"%s\": mass %g, smallest moment "
                   "%g)", MINVAL, ir_str(c->ir, c->ir->bodies[b].name), cb->mass, cb->ev[0]);
}

static wr_status check_names(const ir_model *ir)
{
    /* duplicate names of one kind are errors (MuJoCo's rule); quadratic only in the named elements of a kind */
    for (int i = 0; i < ir->body_count; i++)
        for (int k = i + 1; ir->bodies[i].name >= 0 && k < ir->body_count; k++)
            if (ir->bodies[k].name >= 0 && strcmp(ir_str(ir, ir->bodies[i].name), ir_str(ir, ir->bodies[k].name)) == 0)
                return ir_fail(ir, WR_ERR_INVALID_ARGUMENT, ir->bodies[k].src, "body", "repeated name \"%.40s\"",
                               ir_str(ir, ir->bodies[k].name));
    for (int i = 0; i < ir->joint_count; i++)
        for (int k = i + 1; ir->joints[i].name >= 0 && k < ir->joint_count; k++)
            if (ir->joints[k].name >= 0 && strcmp(ir_str(ir, ir->joints[i].name), ir_str(ir, ir->joints[k].name)) == 0)
                return ir_fail(ir, WR_ERR_INVALID_ARGUMENT, ir->joints[k].src, "joint", "repeated name \"%.40s\"",
                               ir_str(ir, ir->joints[k].name));
    for (int i = 0; i < ir->geom_count; i++)
        for (int k = i + 1; ir->geoms[i].name >= 0 && k < ir->geom_count; k++)
            if (ir->geoms[k].name >= 0 && strcmp(ir_str(ir, ir->geoms[i].name), ir_str(ir, ir->geoms[k].name)) == 0)
                return ir_fail(ir, WR_ERR_INVALID_ARGUMENT, ir->geoms[k].src, "geom", "repeated name \"%.40s\"",
                               ir_str(ir, ir->geoms[k].name));
    for (int i = 0; i < ir->actuator_count; i++)
        for (int k = i + 1; ir->actuators[i].name >= 0 && k < ir->actuator_count; k++)
            if (ir->actuators[k].name >= 0 &&
                strcmp(ir_str(ir, ir->actuators[i].name), ir_str(ir, ir->actuators[k].name)) == 0)
                return ir_fail(ir, WR_ERR_INVALID_ARGUMENT, ir->actuators[k].src, "motor", "repeated name \"%.40s\"",
                               ir_str(ir, ir->actuators[k].name));
    return WR_OK;
}

/* ---- the block --------------------------------------------------------------------------------------------- */

static size_t align64(size_t x) { return (x + MODEL_ALIGN - 1) & ~(size_t)(MODEL_ALIGN - 1); }

typedef struct strbuf {
    char *data;
    size_t len, cap;
} strbuf;

static int32_t strbuf_add(strbuf *s, const char *text)
{
    size_t n = strlen(text) + 1;
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        while (cap < s->len + n)
            cap *= 2;
        char *p = realloc(s->data, cap);
        if (!p)
            return -2;
        s->data = p;
        s->cap = cap;
    }
    memcpy(s->data + s->len, text, n);
    s->len += n;
    return (int32_t)(s->len - n);
}

static wr_status write_block(compiler *c, build *bd, wr_memory_allocator *allocator, wr_model **out)
{
    const ir_model *ir = c->ir;
    strbuf sb = {0};
    /* the IR's strings keep their offsets; the report's texts follow */
    if (ir->strings_len) {
        sb.data = malloc(ir->strings_len);
        if (!sb.data)
            return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory to compile the model");
        memcpy(sb.data, ir->strings, ir->strings_len);
        sb.len = sb.cap = ir->strings_len;
    }
    model_warning *warnings = calloc((size_t)ir->warning_count + 1, sizeof(model_warning));
    int ok = warnings != NULL;
    for (int i = 0; ok && i < ir->warning_count; i++) {
        const ir_warning *w = &ir->warnings[i];
        model_warning *mw = &warnings[i];
        mw->element = strbuf_add(&sb, w->element);
        mw->attribute = strbuf_add(&sb, w->attribute);
        mw->message = strbuf_add(&sb, w->message);
        mw->file = w->first.file >= 0 && w->first.file < ir->file_count ? ir->files[w->first.file]
                                                                         : strbuf_add(&sb, "<model>");
        mw->line = w->first.line;
        mw->count = w->count;
        ok = mw->element >= 0 && mw->attribute >= 0 && mw->message >= 0 && mw->file >= 0;
    }
    int32_t world_name = ok ? strbuf_add(&sb, "world") : -2;
    ok = ok && world_name >= 0 && sb.len < (size_t)INT32_MAX;
    if (!ok) {
        free(sb.data);
        free(warnings);
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory to compile the model");
    }
    model_header h;
    memset(&h, 0, sizeof h);
    h.magic = MODEL_MAGIC;
    h.version = MODEL_VERSION;
    h.format = ir->format;
    h.name = ir->name;
    h.skeleton_count = bd->skel_count;
    h.body_count = ir->body_count;
    h.joint_count = ir->joint_count;
    h.actuator_count = bd->act_count;
    h.warning_count = ir->warning_count;
    h.node_count = bd->node_count;
    h.shape_count = bd->shape_count;
    h.nq = bd->nq;
    h.nv = bd->nv;
    h.disable_filterparent = ir->disable_filterparent;
    h.time_step = ir->time_step;
    memcpy(h.gravity, ir->gravity, sizeof h.gravity);
    size_t off = align64(sizeof h);
    h.off_skeletons = off;
    off = align64(off + (size_t)bd->skel_count * sizeof(model_skeleton));
    h.off_nodes = off;
    off = align64(off + (size_t)bd->node_count * sizeof(body_node));
    h.off_shapes = off;
    off = align64(off + (size_t)bd->shape_count * sizeof(dyn_shape));
    h.off_dyn_actuators = off;
    off = align64(off + (size_t)bd->act_count * sizeof(dyn_actuator));
    h.off_q0 = off;
    off = align64(off + (size_t)bd->nq * sizeof(double));
    h.off_bodies = off;
    off = align64(off + (size_t)ir->body_count * sizeof(model_body));
    h.off_joints = off;
    off = align64(off + (size_t)ir->joint_count * sizeof(model_joint));
    h.off_actuators = off;
    off = align64(off + (size_t)bd->act_count * sizeof(model_actuator));
    h.off_warnings = off;
    off = align64(off + (size_t)ir->warning_count * sizeof(model_warning));
    h.off_strings = off;
    h.strings_bytes = sb.len;
    off = align64(off + sb.len);
    h.bytes = off;
    wr_model *m = NULL;
    wr_status st = model_alloc(allocator, off, &m);
    if (st != WR_OK) {
        free(sb.data);
        free(warnings);
        return st;
    }
    unsigned char *blk = m->block;
    memset(blk, 0, off);
    memcpy(blk, &h, sizeof h);
    for (int i = 0; i < bd->skel_count; i++)
        if (bd->skels[i].name < 0)
            bd->skels[i].name = world_name;
    memcpy(blk + h.off_skeletons, bd->skels, (size_t)bd->skel_count * sizeof(model_skeleton));
    memcpy(blk + h.off_nodes, bd->nodes, (size_t)bd->node_count * sizeof(body_node));
    if (bd->shape_count)
        memcpy(blk + h.off_shapes, bd->shapes, (size_t)bd->shape_count * sizeof(dyn_shape));
    if (bd->act_count)
        memcpy(blk + h.off_dyn_actuators, bd->acts, (size_t)bd->act_count * sizeof(dyn_actuator));
    if (bd->nq)
        memcpy(blk + h.off_q0, bd->q0, (size_t)bd->nq * sizeof(double));
    model_body *bodies = (model_body *)(blk + h.off_bodies);
    for (int b = 0; b < ir->body_count; b++) {
        const ir_body *ib = &ir->bodies[b];
        const cbody *cb = &c->bodies[b];
        model_body *mb = &bodies[b];
        mb->name = b == 0 ? world_name : ib->name;
        mb->parent = ib->parent;
        mb->skeleton = cb->skeleton;
        mb->skeleton_body = cb->skeleton >= 0 ? cb->node : -1;
        mb->joint_count = cb->jcount;
        mb->first_joint = cb->jfirst;
        mb->mass = cb->mass;
        memcpy(mb->com, b == 0 ? (double[3]){0, 0, 0} : cb->com, sizeof mb->com);
        memcpy(mb->inertia, cb->inertia, sizeof mb->inertia);
        memcpy(mb->pos, ib->pos, sizeof mb->pos);
        memcpy(mb->quat, ib->quat, sizeof mb->quat);
    }
    model_joint *joints = (model_joint *)(blk + h.off_joints);
    for (int r = 0; r < ir->joint_count; r++) { /* in MuJoCo's order: by body, file order within */
        const ir_joint *j = &ir->joints[c->jorder[r]];
        const cbody *cb = &c->bodies[j->body];
        const model_skeleton *sk = &bd->skels[cb->skeleton];
        int node = cb->node - (cb->jcount - 1) + (r - cb->jfirst);
        const body_node *bn = &bd->nodes[sk->first_node + node];
        model_joint *mj = &joints[r];
        mj->name = j->name;
        mj->type = (int32_t)j->type;
        mj->body = j->body;
        mj->skeleton = cb->skeleton;
        mj->skeleton_body = node;
        mj->q_offset = sk->q_offset + bn->q_offset;
        mj->v_offset = sk->v_offset + bn->v_offset;
    }
    model_actuator *acts = (model_actuator *)(blk + h.off_actuators);
    int a_out = 0;
    for (int s = 0; s < bd->skel_count; s++) /* control order: skeleton by skeleton, file order within */
        for (int a = 0; a < ir->actuator_count; a++) {
            const ir_actuator *ia = &ir->actuators[a];
            if (c->bodies[ir->joints[ia->joint].body].skeleton != s)
                continue;
            model_actuator *ma = &acts[a_out++];
            ma->name = ia->name;
            ma->joint = c->jrank[ia->joint];
            ma->ctrl_limited = ia->ctrl_limited && !ir->disable_clampctrl;
            ma->file_index = a;
            ma->gear = ia->gear;
            memcpy(ma->ctrl_range, ia->ctrl_range, sizeof ma->ctrl_range);
        }
    memcpy(blk + h.off_warnings, warnings, (size_t)ir->warning_count * sizeof(model_warning));
    if (sb.len)
        memcpy(blk + h.off_strings, sb.data, sb.len);
    free(sb.data);
    free(warnings);
    *out = m;
    return WR_OK;
}

/* ---- driver ------------------------------------------------------------------------------------------------ */

static wr_status build_skeletons(compiler *c, build *bd, const filter_map *f)
{
    const ir_model *ir = c->ir;
    /* the world's own geoms: one static skeleton, first */
    int world_shapes = 0;
    for (int k = 0; k < c->bodies[0].gcount; k++)
        world_shapes += shape_kept(c, &ir->geoms[c->gorder[c->bodies[0].gfirst + k]]);
    c->bodies[0].skeleton = -1;
    for (int b = 0; b < ir->body_count; b++) {
        if (b > 0 && ir->bodies[b].parent != 0)
            continue;
        if (b == 0 && !world_shapes)
            continue;
        model_skeleton *sk = &bd->skels[bd->skel_count++];
        memset(sk, 0, sizeof *sk);
        sk->name = b == 0 ? -1 : ir->bodies[b].name;
        sk->first_node = bd->node_count;
        sk->first_shape = bd->shape_count;
        sk->q_offset = bd->nq;
        sk->v_offset = bd->nv;
        const int s = bd->skel_count - 1;
        wr_status st;
        if (b == 0) {
            wr_body_desc d;
            wr_body_desc_init(&d);
            wr_joint_desc_init(&d.joint, WR_JOINT_WELD);
            d.mass = 0;
            memset(d.inertia, 0, sizeof d.inertia);
            copy_name(d.name, "world");
            if ((st = add_node(c, bd, sk->first_node, &d, SKELETON_BODY_ALLOW_MASSLESS, ir->bodies[0].src, "worldbody")) !=
                WR_OK)
                return st;
            bd->nodes[bd->node_count - 1].weld_group = -1;
            bd->nodes[bd->node_count - 1].weld_parent = -1;
            c->bodies[0].skeleton = s;
            c->bodies[0].node = 0;
            if ((st = build_shapes(c, bd, f, sk->first_node, sk->first_shape, 0)) != WR_OK)
                return st;
        } else {
            for (int k = b; k <= c->last[b]; k++) {
                c->bodies[k].skeleton = s;
                if ((st = build_body(c, bd, sk->first_node, k)) != WR_OK)
                    return st;
            }
            for (int k = b; k <= c->last[b]; k++)
                if ((st = build_shapes(c, bd, f, sk->first_node, sk->first_shape, k)) != WR_OK)
                    return st;
        }
        sk->node_count = bd->node_count - sk->first_node;
        sk->shape_count = bd->shape_count - sk->first_shape;
        sk->nq = bd->nq - sk->q_offset;
        sk->nv = bd->nv - sk->v_offset;
        /* motors of this skeleton, file order */
        sk->first_actuator = bd->act_count;
        for (int a = 0; a < ir->actuator_count; a++) {
            const ir_actuator *ia = &ir->actuators[a];
            const ir_joint *j = &ir->joints[ia->joint];
            const cbody *cb = &c->bodies[j->body];
            if (cb->skeleton != s)
                continue;
            int node = cb->node - (cb->jcount - 1) + (c->jrank[ia->joint] - cb->jfirst);
            dyn_actuator *u = &bd->acts[bd->act_count++];
            memset(u, 0, sizeof *u);
            u->dof = bd->nodes[sk->first_node + node].v_offset;
            u->ctrl_limited = ia->ctrl_limited && !ir->disable_clampctrl;
            u->force_limited = ia->force_limited;
            u->gear = ia->gear;
            u->ctrl_lower = ia->ctrl_range[0];
            u->ctrl_upper = ia->ctrl_range[1];
            u->force_lower = ia->force_range[0];
            u->force_upper = ia->force_range[1];
        }
        sk->actuator_count = bd->act_count - sk->first_actuator;
    }
    return WR_OK;
}

wr_status ir_compile(ir_model *ir, wr_memory_allocator *allocator, wr_model **out)
{
    compiler c = {ir, NULL, NULL, NULL, NULL, NULL};
    build bd;
    memset(&bd, 0, sizeof bd);
    wr_status st = check_names(ir);
    if (st != WR_OK)
        return st;
    int *jbody = malloc(((size_t)ir->joint_count + 1) * sizeof(int));
    int *gbody = malloc(((size_t)ir->geom_count + 1) * sizeof(int));
    c.bodies = calloc((size_t)ir->body_count, sizeof(cbody));
    c.last = malloc((size_t)ir->body_count * sizeof(int));
    if (!jbody || !gbody || !c.bodies || !c.last)
        st = WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory to compile the model");
    for (int i = 0; st == WR_OK && i < ir->joint_count; i++)
        jbody[i] = ir->joints[i].body;
    for (int i = 0; st == WR_OK && i < ir->geom_count; i++)
        gbody[i] = ir->geoms[i].body;
    if (st == WR_OK)
        st = order_by_body(ir, ir->joint_count, jbody, &c.jorder, &c.jrank);
    if (st == WR_OK)
        st = order_by_body(ir, ir->geom_count, gbody, &c.gorder, NULL);
    for (int r = 0; st == WR_OK && r < ir->joint_count; r++) {
        cbody *cb = &c.bodies[ir->joints[c.jorder[r]].body];
        if (cb->jcount++ == 0)
            cb->jfirst = r;
    }
    for (int r = 0; st == WR_OK && r < ir->geom_count; r++) {
        cbody *cb = &c.bodies[ir->geoms[c.gorder[r]].body];
        if (cb->gcount++ == 0)
            cb->gfirst = r;
    }
    /* subtrees and welds (pre-order: a parent precedes its children) */
    for (int b = 0; st == WR_OK && b < ir->body_count; b++) {
        c.last[b] = b;
        c.bodies[b].skeleton = -1;
        c.bodies[b].weld = b == 0 ? 0 : (c.bodies[b].jcount ? b : c.bodies[ir->bodies[b].parent].weld);
    }
    for (int b = ir->body_count - 1; st == WR_OK && b > 0; b--)
        if (c.last[b] > c.last[ir->bodies[b].parent])
            c.last[ir->bodies[b].parent] = c.last[b];
    double total = 0;
    for (int b = 1; st == WR_OK && b < ir->body_count; b++)
        if ((st = check_joints(&c, b)) == WR_OK && (st = body_inertia(&c, b)) == WR_OK)
            total += c.bodies[b].mass;
    if (st == WR_OK && ir->set_total_mass > 0 && total > 0) {
        double scale = ir->set_total_mass / total;
        for (int b = 1; b < ir->body_count; b++) {
            c.bodies[b].mass *= scale;
            for (int k = 0; k < 9; k++)
                c.bodies[b].inertia[k] *= scale;
            for (int k = 0; k < 3; k++)
                c.bodies[b].ev[k] *= scale;
        }
    }
    for (int b = 1; st == WR_OK && b < ir->body_count; b++)
        st = check_moving_mass(&c, b);
    /* sizes: a node per joint (at least one per body), every kept geom, every motor */
    size_t nodes = 1, nq = 0;
    for (int b = 1; b < ir->body_count; b++)
        nodes += c.bodies && c.bodies[b].jcount ? (size_t)c.bodies[b].jcount : 1;
    for (int i = 0; i < ir->joint_count; i++)
        nq += ir->joints[i].type == WR_JOINT_FREE ? 7 : (ir->joints[i].type == WR_JOINT_BALL ? 4 : 1);
    if (st == WR_OK) {
        bd.nodes = malloc(nodes * sizeof(body_node));
        bd.shapes = malloc(((size_t)ir->geom_count + 1) * sizeof(dyn_shape));
        bd.acts = malloc(((size_t)ir->actuator_count + 1) * sizeof(dyn_actuator));
        bd.q0 = malloc((nq + 1) * sizeof(double));
        bd.skels = malloc((size_t)ir->body_count * sizeof(model_skeleton));
        if (!bd.nodes || !bd.shapes || !bd.acts || !bd.q0 || !bd.skels)
            st = WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory to compile the model");
    }
    filter_map f;
    if (st == WR_OK)
        st = make_filter_map(&c, &f);
    if (st == WR_OK)
        st = build_skeletons(&c, &bd, &f);
    if (st == WR_OK)
        st = write_block(&c, &bd, allocator, out);
    free(bd.nodes);
    free(bd.shapes);
    free(bd.acts);
    free(bd.q0);
    free(bd.skels);
    free(jbody);
    free(gbody);
    free(c.bodies);
    free(c.last);
    free(c.jorder);
    free(c.jrank);
    free(c.gorder);
    return st;
}
