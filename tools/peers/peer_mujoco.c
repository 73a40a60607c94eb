/* peer_mujoco.c — the benchmark scenes in MuJoCo 2.2, built as an MJCF string in code (see peer_scenes.h).
 *
 * MuJoCo settings: its defaults, i.e. Euler integrator (semi-implicit in velocity), Newton solver, pyramidal
 * friction cone (condim 3), soft contacts (default solref/solimp). Each world is one mjModel + one mjData; mj_step
 * allocates nothing after mj_makeData.
 */
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mujoco/mujoco.h>

#include "peer_harness.h"
#include "peer_scenes.h"

typedef struct text {
    char *data;
    size_t length;
    size_t capacity;
} text;

static void text_grow(text *t, size_t capacity)
{
    char *data = realloc(t->data, capacity);
    if (data == NULL) {
        abort(); /* setup only: the benchmark cannot go on without its model text */
    }
    t->data = data;
    t->capacity = capacity;
}

static void text_add(text *t, const char *format, ...)
{
    if (t->data == NULL) {
        text_grow(t, 4096);
    }
    for (;;) {
        va_list args;
        va_start(args, format);
        int n = vsnprintf(t->data + t->length, t->capacity - t->length, format, args);
        va_end(args);
        if (n >= 0 && (size_t)n < t->capacity - t->length) {
            t->length += (size_t)n;
            return;
        }
        text_grow(t, t->capacity * 2 + (size_t)(n > 0 ? n : 0) + 256);
    }
}

static void add_inertial(text *t, double mass, const double center[3], const double half[3])
{
    double inertia[3];
    peer_box_inertia(mass, half, inertia);
    text_add(t, "<inertial pos='%.17g %.17g %.17g' mass='%.17g' diaginertia='%.17g %.17g %.17g'/>", center[0],
             center[1], center[2], mass, inertia[0], inertia[1], inertia[2]);
}

static void add_chain(text *t, int links)
{
    const double half[3] = {PEER_CHAIN_LENGTH / 2, PEER_CHAIN_WIDTH / 2, PEER_CHAIN_WIDTH / 2};
    const double center[3] = {PEER_CHAIN_LENGTH / 2, 0, 0};
    for (int i = 0; i < links; ++i) {
        text_add(t, "<body name='link%d' pos='%.17g 0 %.17g'><joint type='hinge' axis='0 1 0' damping='%.17g'/>", i,
                 i == 0 ? 0.0 : PEER_CHAIN_LENGTH, i == 0 ? peer_chain_pivot_z(links) : 0.0, PEER_CHAIN_DAMPING);
        add_inertial(t, PEER_CHAIN_MASS, center, half);
    }
    for (int i = 0; i < links; ++i) {
        text_add(t, "</body>");
    }
}

static void add_floor(text *t, const char *collision)
{
    text_add(t, "<geom name='floor' type='plane' size='20 20 0.1' friction='%g 0.005 0.0001' %s/>", PEER_FRICTION,
             collision);
}

static void add_boxes(text *t, int count)
{
    const double h = PEER_BOX_EDGE / 2;
    const double half[3] = {h, h, h};
    const double zero[3] = {0, 0, 0};
    add_floor(t, "");
    for (int i = 0; i < count; ++i) {
        double p[3], angle;
        peer_box_start(i, count, p, &angle);
        text_add(t, "<body name='box%d' pos='%.17g %.17g %.17g' quat='%.17g %.17g 0 0'><freejoint/>", i, p[0], p[1],
                 p[2], cos(0.5 * angle), sin(0.5 * angle));
        add_inertial(t, PEER_BOX_MASS, zero, half);
        text_add(t, "<geom type='box' size='%g %g %g' friction='%g 0.005 0.0001'/></body>", h, h, h, PEER_FRICTION);
    }
}

/* Default contype/conaffinity: the humanoid's bodies touch the floor and each other except parent and child
 * (MuJoCo's parent filter), as worldrunner's defaults (self collision on, adjacent bodies off). */
#define HUMANOID_COLLISION "friction='0.8 0.005 0.0001'"

static void add_humanoid_body(text *t, int index)
{
    const peer_body *b = &peer_humanoid[index];
    double inertia[3];
    peer_humanoid_inertia(index, inertia);
    text_add(t, "<body name='%s' pos='%.17g %.17g %.17g'>", b->name, b->joint_pos[0], b->joint_pos[1],
             b->joint_pos[2]);
    if (b->joint == PEER_JOINT_FREE) {
        text_add(t, "<freejoint/>");
    } else if (b->joint == PEER_JOINT_HINGE) {
        text_add(t, "<joint type='hinge' axis='0 1 0' damping='%g' limited='true' range='%g %g'/>", b->damping,
                 b->lower, b->upper);
    } else {
        text_add(t, "<joint type='ball' damping='%g'/>", b->damping);
    }
    text_add(t, "<inertial pos='%.17g %.17g %.17g' mass='%.17g' diaginertia='%.17g %.17g %.17g'/>", b->com[0],
             b->com[1], b->com[2], b->mass, inertia[0], inertia[1], inertia[2]);
    if (b->shape == PEER_SHAPE_BOX) {
        text_add(t, "<geom type='box' pos='%.17g %.17g %.17g' size='%.17g %.17g %.17g' " HUMANOID_COLLISION "/>",
                 b->com[0], b->com[1], b->com[2], b->size[0], b->size[1], b->size[2]);
    } else {
        text_add(t, "<geom type='capsule' pos='%.17g %.17g %.17g' size='%.17g %.17g' " HUMANOID_COLLISION "/>",
                 b->com[0], b->com[1], b->com[2], b->size[0], peer_capsule_half(b));
    }
    if (index == PEER_HUMANOID_TORSO) {
        text_add(t, "<geom type='sphere' pos='%.17g %.17g %.17g' size='%.17g' " HUMANOID_COLLISION "/>",
                 peer_head_pos[0], peer_head_pos[1], peer_head_pos[2], PEER_HEAD_RADIUS);
    }
    for (int child = index + 1; child < PEER_HUMANOID_BODIES; ++child) {
        if (peer_humanoid_parent(child) == index) {
            add_humanoid_body(t, child);
        }
    }
    text_add(t, "</body>");
}

static mjModel *load_model(const char *xml)
{
    mjVFS *vfs = malloc(sizeof *vfs);
    if (vfs == NULL) {
        return NULL;
    }
    mj_defaultVFS(vfs);
    int size = (int)strlen(xml);
    if (mj_makeEmptyFileVFS(vfs, "scene.xml", size) != 0) {
        free(vfs);
        return NULL;
    }
    memcpy(vfs->filedata[mj_findFileVFS(vfs, "scene.xml")], xml, (size_t)size);
    char error[1000] = "";
    mjModel *model = mj_loadXML("scene.xml", vfs, error, sizeof error);
    if (model == NULL) {
        fprintf(stderr, "mujoco: %s\n", error);
    }
    mj_deleteVFS(vfs);
    free(vfs);
    return model;
}

typedef struct mujoco_world {
    mjModel *model;
    mjData *data;
    int shared;             /* the model is the sample file's, shared by every world */
} mujoco_world;

/* A sample model file: one mjModel for every world of it (as MuJoCo users share it), its own mjData per world. */
static mjModel *shared_model = NULL;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

static void *mujoco_create_file(const peer_scene *scene)
{
    pthread_mutex_lock(&shared_lock);
    if (shared_model == NULL) {
        char error[1000] = "";
        shared_model = mj_loadXML(scene->path, NULL, error, sizeof error);
        if (shared_model == NULL)
            fprintf(stderr, "mujoco: %s: %s\n", scene->path, error);
    }
    pthread_mutex_unlock(&shared_lock);
    mujoco_world *w = shared_model != NULL ? calloc(1, sizeof *w) : NULL;
    if (w == NULL)
        return NULL;
    w->model = shared_model;
    w->shared = 1;
    w->data = mj_makeData(w->model);
    mj_forward(w->model, w->data);
    return w;
}

static void *mujoco_create(const peer_scene *scene)
{
    if (scene->kind == PEER_SCENE_MODEL)
        return mujoco_create_file(scene);
    text t = {NULL, 0, 0};
    text_add(&t, "<mujoco model='%s'><compiler angle='radian'/>", scene->name);
    if (scene->kind == PEER_SCENE_BOXES) {
        /* MuJoCo 2.2 sizes its contact and constraint buffers up front (default 100 contacts, 500 rows); a resting
         * box makes 4 contacts of 4 pyramid rows each. */
        int contacts = 4 * scene->count + 50;
        text_add(&t, "<size nconmax='%d' njmax='%d'/>", contacts, 4 * contacts);
    }
    text_add(&t, "<option timestep='%g' gravity='0 0 %g' integrator='Euler'/><worldbody>", PEER_DT, PEER_GRAVITY_Z);
    if (scene->kind == PEER_SCENE_CHAIN) {
        add_chain(&t, scene->count);
    } else if (scene->kind == PEER_SCENE_BOXES) {
        add_boxes(&t, scene->count);
    } else {
        add_floor(&t, "");
        add_humanoid_body(&t, 0);
    }
    text_add(&t, "</worldbody></mujoco>");
    mujoco_world *w = calloc(1, sizeof *w);
    if (w != NULL) {
        w->model = load_model(t.data);
        w->data = w->model != NULL ? mj_makeData(w->model) : NULL;
    }
    free(t.data);
    if (w == NULL || w->data == NULL) {
        if (w != NULL && w->model != NULL) {
            mj_deleteModel(w->model);
        }
        free(w);
        return NULL;
    }
    mj_forward(w->model, w->data);
    return w;
}

static int mujoco_step(void *world, int steps)
{
    mujoco_world *w = world;
    for (int i = 0; i < steps; ++i) {
        mj_step(w->model, w->data);
    }
    return w->data->warning[mjWARN_BADQACC].number > 0;
}

static double mujoco_probe(void *world, const peer_scene *scene)
{
    mujoco_world *w = world;
    const mjData *d = w->data;
    mj_kinematics(w->model, w->data);
    if (scene->kind == PEER_SCENE_CHAIN) {
        int last = w->model->nbody - 1;
        /* tip = origin of the last link + R * (length, 0, 0); xmat is row-major. */
        return d->xpos[3 * last + 2] + d->xmat[9 * last + 6] * PEER_CHAIN_LENGTH;
    }
    if (scene->kind == PEER_SCENE_BOXES) {
        double sum = 0.0;
        for (int b = 1; b < w->model->nbody; ++b) {
            sum += d->xpos[3 * b + 2];
        }
        return sum / (w->model->nbody - 1);
    }
    if (scene->kind == PEER_SCENE_MODEL)
        return d->qpos[2]; /* the torso's height */
    return d->xpos[3 * 1 + 2];
}

static size_t mujoco_reserved(void *world)
{
    mujoco_world *w = world;
    size_t data = sizeof(mjData) + (size_t)w->data->nbuffer + (size_t)w->data->nstack * sizeof(mjtNum);
    return w->shared ? data : sizeof(mjModel) + (size_t)w->model->nbuffer + data; /* a shared model counts once */
}

static void mujoco_destroy(void *world)
{
    mujoco_world *w = world;
    mj_deleteData(w->data);
    if (!w->shared)
        mj_deleteModel(w->model);
    free(w);
}

int main(int argc, char **argv)
{
    static char version[32];
    snprintf(version, sizeof version, "%d.%d.%d", mj_version() / 100, mj_version() / 10 % 10, mj_version() % 10);
    const peer_engine engine = {
        .name = "mujoco",
        .version = version,
        .notes = "Euler integrator, Newton solver, pyramidal cone (condim 3), soft contacts (default solref/solimp)",
        .create = mujoco_create,
        .step = mujoco_step,
        .probe = mujoco_probe,
        .reserved_bytes = mujoco_reserved,
        .destroy = mujoco_destroy,
    };
    return peer_main(argc, argv, &engine);
}
