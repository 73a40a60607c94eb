/* peer_ode.c — the benchmark scenes in ODE 0.16 (double precision), from peer_scenes.h.
 *
 * ODE works in maximal coordinates: every link is a free body held by joint constraints, and bodies sit at their
 * centre of mass. chain:N (no contacts) is stepped with dWorldStep (the exact "big matrix" Dantzig LCP); scenes with
 * contacts use dWorldQuickStep (projected Gauss-Seidel, 20 iterations), as ODE users usually do. Friction: pyramid
 * approximation (dContactApprox1), mu = PEER_FRICTION; default ERP 0.2 and CFM 1e-5 (double).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ode/ode.h>

#include "peer_harness.h"
#include "peer_scenes.h"

#ifndef PEER_ODE_VERSION
#define PEER_ODE_VERSION "0.16"
#endif

enum { ODE_MAX_CONTACTS = 8, ODE_QUICKSTEP_ITERATIONS = 20 };

typedef struct ode_world {
    dWorldID world;
    dSpaceID space;          /* every geom (none for the chain) */
    dGeomID plane;           /* in the space */
    dJointGroupID contacts;  /* emptied after every step */
    dThreadingImplementationID threading; /* per world: ODE's default one is shared and not thread-safe */
    int quick;               /* dWorldQuickStep rather than dWorldStep */
    int nbodies;
    int damped;              /* chain and humanoid: joint damping applied by hand */
    int chain;
    dBodyID *bodies;
    dGeomID *geoms;          /* humanoid: one shape per body, then the head (owned by the space) */
    dJointID *joints;        /* humanoid: the joint to each body's parent (NULL for the pelvis) */
} ode_world;

static void set_mass(dBodyID body, double mass, const double inertia[3])
{
    dMass m;
    dMassSetParameters(&m, mass, 0, 0, 0, inertia[0], inertia[1], inertia[2], 0, 0, 0);
    dBodySetMass(body, &m);
}

static void build_chain(ode_world *w, int links)
{
    const double half[3] = {PEER_CHAIN_LENGTH / 2, PEER_CHAIN_WIDTH / 2, PEER_CHAIN_WIDTH / 2};
    const double z = peer_chain_pivot_z(links);
    double inertia[3];
    peer_box_inertia(PEER_CHAIN_MASS, half, inertia);
    for (int i = 0; i < links; ++i) {
        dBodyID body = dBodyCreate(w->world);
        dBodySetPosition(body, (i + 0.5) * PEER_CHAIN_LENGTH, 0, z);
        set_mass(body, PEER_CHAIN_MASS, inertia);
        dJointID hinge = dJointCreateHinge(w->world, 0);
        dJointAttach(hinge, body, i == 0 ? 0 : w->bodies[i - 1]);
        dJointSetHingeAnchor(hinge, i * PEER_CHAIN_LENGTH, 0, z);
        dJointSetHingeAxis(hinge, 0, 1, 0);
        w->bodies[i] = body;
        w->joints[i] = hinge;
    }
    w->damped = 1;
}

static void build_boxes(ode_world *w, int count)
{
    const double h = PEER_BOX_EDGE / 2;
    const double half[3] = {h, h, h};
    double inertia[3];
    peer_box_inertia(PEER_BOX_MASS, half, inertia);
    w->space = dHashSpaceCreate(0);
    w->plane = dCreatePlane(w->space, 0, 0, 1, 0);
    for (int i = 0; i < count; ++i) {
        double p[3], angle;
        peer_box_start(i, count, p, &angle);
        const dQuaternion q = {cos(0.5 * angle), sin(0.5 * angle), 0, 0};
        dBodyID body = dBodyCreate(w->world);
        dBodySetPosition(body, p[0], p[1], p[2]);
        dBodySetQuaternion(body, q);
        set_mass(body, PEER_BOX_MASS, inertia);
        dGeomSetBody(dCreateBox(w->space, PEER_BOX_EDGE, PEER_BOX_EDGE, PEER_BOX_EDGE), body);
        w->bodies[i] = body;
    }
}

static void build_humanoid(ode_world *w)
{
    /* every shape in one space; the near callback skips bodies joined by a joint (parent and child), as
     * worldrunner's defaults do (self collision on, adjacent bodies off) */
    w->space = dSimpleSpaceCreate(0);
    w->plane = dCreatePlane(w->space, 0, 0, 1, 0);
    for (int i = 0; i < PEER_HUMANOID_BODIES; ++i) {
        const peer_body *b = &peer_humanoid[i];
        double origin[3], inertia[3];
        peer_humanoid_origin(i, origin);
        peer_humanoid_inertia(i, inertia);
        dBodyID body = dBodyCreate(w->world);
        dBodySetPosition(body, origin[0] + b->com[0], origin[1] + b->com[1], origin[2] + b->com[2]);
        set_mass(body, b->mass, inertia);
        /* the shape is centred on the COM, which is where ODE puts the body */
        w->geoms[i] = b->shape == PEER_SHAPE_BOX
                          ? dCreateBox(w->space, 2 * b->size[0], 2 * b->size[1], 2 * b->size[2])
                          : dCreateCapsule(w->space, b->size[0], 2 * peer_capsule_half(b));
        dGeomSetBody(w->geoms[i], body);
        w->bodies[i] = body;
        int parent = peer_humanoid_parent(i);
        if (b->joint == PEER_JOINT_HINGE) {
            dJointID j = dJointCreateHinge(w->world, 0);
            dJointAttach(j, body, w->bodies[parent]);
            dJointSetHingeAnchor(j, origin[0], origin[1], origin[2]);
            dJointSetHingeAxis(j, 0, 1, 0);
            dJointSetHingeParam(j, dParamLoStop, b->lower);
            dJointSetHingeParam(j, dParamHiStop, b->upper);
            w->joints[i] = j;
        } else if (b->joint == PEER_JOINT_BALL) {
            dJointID j = dJointCreateBall(w->world, 0);
            dJointAttach(j, body, w->bodies[parent]);
            dJointSetBallAnchor(j, origin[0], origin[1], origin[2]);
            w->joints[i] = j;
        }
    }
    /* the head: a sphere on the torso body, offset from the torso's COM */
    const peer_body *torso = &peer_humanoid[PEER_HUMANOID_TORSO];
    w->geoms[PEER_HUMANOID_BODIES] = dCreateSphere(w->space, PEER_HEAD_RADIUS);
    dGeomSetBody(w->geoms[PEER_HUMANOID_BODIES], w->bodies[PEER_HUMANOID_TORSO]);
    dGeomSetOffsetPosition(w->geoms[PEER_HUMANOID_BODIES], peer_head_pos[0] - torso->com[0],
                           peer_head_pos[1] - torso->com[1], peer_head_pos[2] - torso->com[2]);
    w->damped = 1;
}

/* ODE joints have no damping: apply tau = -c * (relative angular velocity) before each step, as worldrunner's
 * joint damping does (explicitly). */
static void apply_damping(ode_world *w)
{
    for (int i = 0; i < w->nbodies; ++i) {
        if (w->chain) {
            dJointAddHingeTorque(w->joints[i], -PEER_CHAIN_DAMPING * dJointGetHingeAngleRate(w->joints[i]));
            continue;
        }
        const peer_body *b = &peer_humanoid[i];
        if (w->joints[i] == NULL || b->damping <= 0.0) {
            continue;
        }
        if (b->joint == PEER_JOINT_HINGE) {
            dJointAddHingeTorque(w->joints[i], -b->damping * dJointGetHingeAngleRate(w->joints[i]));
            continue;
        }
        dBodyID child = w->bodies[i], parent = w->bodies[peer_humanoid_parent(i)];
        const dReal *wc = dBodyGetAngularVel(child), *wp = dBodyGetAngularVel(parent);
        double t[3] = {-b->damping * (wc[0] - wp[0]), -b->damping * (wc[1] - wp[1]), -b->damping * (wc[2] - wp[2])};
        dBodyAddTorque(child, t[0], t[1], t[2]);
        dBodyAddTorque(parent, -t[0], -t[1], -t[2]);
    }
}

static void *ode_create(const peer_scene *scene)
{
    ode_world *w = calloc(1, sizeof *w);
    int n = scene->kind == PEER_SCENE_HUMANOID ? PEER_HUMANOID_BODIES : scene->count;
    if (w == NULL || (w->bodies = calloc((size_t)n, sizeof *w->bodies)) == NULL ||
        (w->geoms = calloc((size_t)n + 1, sizeof *w->geoms)) == NULL ||
        (w->joints = calloc((size_t)n, sizeof *w->joints)) == NULL) {
        if (w != NULL) {
            free(w->bodies);
            free(w->geoms);
        }
        free(w);
        return NULL;
    }
    w->nbodies = n;
    w->world = dWorldCreate();
    dWorldSetGravity(w->world, 0, 0, PEER_GRAVITY_Z);
    dWorldSetQuickStepNumIterations(w->world, ODE_QUICKSTEP_ITERATIONS);
    w->threading = dThreadingAllocateSelfThreadedImplementation();
    dWorldSetStepThreadingImplementation(w->world, dThreadingImplementationGetFunctions(w->threading), w->threading);
    w->contacts = dJointGroupCreate(0);
    w->quick = scene->kind != PEER_SCENE_CHAIN;
    w->chain = scene->kind == PEER_SCENE_CHAIN;
    if (scene->kind == PEER_SCENE_CHAIN) {
        build_chain(w, n);
    } else if (scene->kind == PEER_SCENE_BOXES) {
        build_boxes(w, n);
    } else {
        build_humanoid(w);
    }
    return w;
}

static void add_contacts(ode_world *w, dGeomID a, dGeomID b)
{
    dContact contact[ODE_MAX_CONTACTS];
    int n = dCollide(a, b, ODE_MAX_CONTACTS, &contact[0].geom, sizeof(dContact));
    for (int i = 0; i < n; ++i) {
        contact[i].surface.mode = dContactApprox1;
        contact[i].surface.mu = PEER_FRICTION;
        dJointID joint = dJointCreateContact(w->world, w->contacts, &contact[i]);
        dJointAttach(joint, dGeomGetBody(a), dGeomGetBody(b));
    }
}

static void near_callback(void *data, dGeomID a, dGeomID b)
{
    dBodyID ba = dGeomGetBody(a), bb = dGeomGetBody(b);
    if (ba != NULL && bb != NULL && (ba == bb || dAreConnectedExcluding(ba, bb, dJointTypeContact))) {
        return;
    }
    add_contacts(data, a, b);
}

static int ode_step(void *world, int steps)
{
    ode_world *w = world;
    for (int s = 0; s < steps; ++s) {
        if (w->space != NULL) {
            dSpaceCollide(w->space, w, near_callback);
        }
        if (w->damped) {
            apply_damping(w);
        }
        int ok = w->quick ? dWorldQuickStep(w->world, PEER_DT) : dWorldStep(w->world, PEER_DT);
        dJointGroupEmpty(w->contacts);
        if (!ok) {
            return 1;
        }
    }
    return 0;
}

static double ode_probe(void *world, const peer_scene *scene)
{
    ode_world *w = world;
    if (scene->kind == PEER_SCENE_CHAIN) {
        dVector3 tip;
        dBodyGetRelPointPos(w->bodies[w->nbodies - 1], PEER_CHAIN_LENGTH / 2, 0, 0, tip); /* body at the COM */
        return tip[2];
    }
    if (scene->kind == PEER_SCENE_BOXES) {
        double sum = 0.0;
        for (int i = 0; i < w->nbodies; ++i) {
            sum += dBodyGetPosition(w->bodies[i])[2];
        }
        return sum / w->nbodies;
    }
    return dBodyGetPosition(w->bodies[0])[2]; /* pelvis: its box centre is its origin */
}

static void ode_destroy(void *world)
{
    ode_world *w = world;
    dJointGroupDestroy(w->contacts);
    if (w->space != NULL) {
        dSpaceDestroy(w->space); /* destroys the geoms in it */
    }
    dWorldSetStepThreadingImplementation(w->world, NULL, NULL);
    dWorldDestroy(w->world);
    dThreadingFreeImplementation(w->threading);
    free(w->joints);
    free(w->geoms);
    free(w->bodies);
    free(w);
}

static void ode_thread_begin(void)
{
    dAllocateODEDataForThread(dAllocateMaskAll);
}

int main(int argc, char **argv)
{
    dInitODE2(0);
    dAllocateODEDataForThread(dAllocateMaskAll);
    const peer_engine engine = {
        .name = "ode",
        .version = PEER_ODE_VERSION,
        .notes = "maximal coordinates; dWorldStep (Dantzig LCP) for chain, dWorldQuickStep (PGS, 20 iterations) "
                 "with contacts; friction pyramid (dContactApprox1); ERP 0.2, CFM 1e-5",
        .create = ode_create,
        .step = ode_step,
        .probe = ode_probe,
        .destroy = ode_destroy,
        .thread_begin = ode_thread_begin,
    };
    int rc = peer_main(argc, argv, &engine);
    dCloseODE();
    return rc;
}
