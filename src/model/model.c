/* Models: loading (reader -> IR -> compiler), cloning, destroying, introspection and instantiation in worlds.
 *
 * Loading is a cold path that may use the C heap for the IR and libxml2's documents; the model itself is one block
 * from the caller's allocator (model_impl.h). Numbers are read in the "C" locale whatever the host's LC_NUMERIC:
 * each load switches its thread's locale (uselocale) and switches it back.
 */
#define _XOPEN_SOURCE 700
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "core/guard.h"
#include "core/status_internal.h"
#include "model/model_impl.h"
#include "model/model_ir.h"
#include "world/world_build.h"
#include "worldrunner/collision.h"

#ifdef WR_HAVE_LIBXML2
#include <libxml/parser.h>

#include "model/mjcf_reader.h"
#include "model/urdf_reader.h"
#include "model/xml_doc.h"
#endif

#define MODEL_DEFAULT_MAX_BYTES ((size_t)64 << 20)

void wr_model_load_options_init(wr_model_load_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->format = WR_MODEL_FORMAT_AUTO;
}

void wr_model_instance_config_init(wr_model_instance_config *c)
{
    if (!c)
        return;
    memset(c, 0, sizeof *c);
    c->apply_options = 1;
}

/* ---- the block --------------------------------------------------------------------------------------------- */

wr_status model_alloc(wr_memory_allocator *allocator, size_t bytes, wr_model **out)
{
    wr_memory_allocator *a = allocator;
    wr_status st = WR_OK;
    if (!a && (st = wr_memory_allocator_create_heap(&a)) != WR_OK)
        return st;
    void *handle = NULL, *block = NULL;
    st = wr_memory_allocator_allocate_aligned(a, sizeof(wr_model), alignof(wr_model), &handle);
    if (st == WR_OK)
        st = wr_memory_allocator_allocate_aligned(a, bytes, MODEL_ALIGN, &block);
    if (st != WR_OK) {
        if (handle)
            wr_memory_allocator_deallocate(a, handle, sizeof(wr_model));
        if (!allocator)
            wr_memory_allocator_destroy(a);
        return st;
    }
    wr_model *m = handle;
    memset(m, 0, sizeof *m);
    m->allocator = a;
    m->owns_allocator = allocator == NULL;
    m->block = block;
    m->bytes = bytes;
    atomic_init(&m->lender.borrowers, 0);
    *out = m;
    return WR_OK;
}

wr_status wr_model_destroy(wr_model *m)
{
    if (!m)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "model is NULL");
    long users = atomic_load_explicit(&m->lender.borrowers, memory_order_acquire);
    if (users > 0)
        return WR_FAIL(WR_ERR_BUSY, "%ld skeleton(s) of some world still use model '%s': destroy the worlds first",
                       users, wr_model_name(m));
    wr_memory_allocator *a = m->allocator;
    int owns = m->owns_allocator;
    wr_memory_allocator_deallocate(a, m->block, m->bytes);
    wr_memory_allocator_deallocate(a, m, sizeof *m);
    return owns ? wr_memory_allocator_destroy(a) : WR_OK;
}

wr_status wr_model_clone(const wr_model *m, wr_memory_allocator *allocator, wr_model **out)
{
    if (!m || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "model and out must not be NULL");
    wr_model *c = NULL;
    wr_status st = model_alloc(allocator, m->bytes, &c);
    if (st != WR_OK)
        return st;
    memcpy(c->block, m->block, m->bytes); /* relocatable: offsets and indices only */
    *out = c;
    return WR_OK;
}

/* ---- loading ----------------------------------------------------------------------------------------------- */

#ifdef WR_HAVE_LIBXML2
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

/* Root element to format. */
static wr_status detect_format(const ir_model *ir, xmlNode *root, int file, wr_model_format wanted,
                               wr_model_format *out)
{
    const char *name = xml_node_name(root);
    wr_model_format f = strcmp(name, "mujoco") == 0 ? WR_MODEL_FORMAT_MJCF
                        : strcmp(name, "robot") == 0 ? WR_MODEL_FORMAT_URDF
                                                     : WR_MODEL_FORMAT_AUTO;
    if (f == WR_MODEL_FORMAT_AUTO)
        return ir_fail(ir, WR_ERR_PARSE, (ir_src){file, xml_node_line(root)}, name,
                       "not a model: the root element must be <mujoco> (MJCF) or <robot> (URDF)");
    if (wanted != WR_MODEL_FORMAT_AUTO && wanted != f)
        return ir_fail(ir, WR_ERR_PARSE, (ir_src){file, xml_node_line(root)}, name, "the document is %s, not %s",
                       f == WR_MODEL_FORMAT_MJCF ? "MJCF" : "URDF", wanted == WR_MODEL_FORMAT_MJCF ? "MJCF" : "URDF");
    *out = f;
    return WR_OK;
}

static wr_status load(const char *path, const char *buffer, size_t length, const wr_model_load_options *options,
                      wr_model **out)
{
    wr_model_load_options o;
    wr_model_load_options_init(&o);
    if (options)
        o = *options;
    if (o.format < WR_MODEL_FORMAT_AUTO || o.format > WR_MODEL_FORMAT_URDF)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "unknown model format %d", (int)o.format);
    if (!o.max_bytes)
        o.max_bytes = MODEL_DEFAULT_MAX_BYTES;
    pthread_once(&xml_once, xml_init);
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c_locale)
        return WR_FAIL(WR_ERR_SYSTEM, "cannot create the C locale for reading numbers");
    locale_t previous = uselocale(c_locale);
    ir_model ir;
    ir_init(&ir);
    ir.strict = o.strict != 0;
    xml_reader xr;
    xml_reader_init(&xr, &ir, o.max_bytes);
    xmlNode *root = NULL;
    int file = -1;
    wr_status st = path ? xml_read_file(&xr, path, (ir_src){-1, 0}, NULL, &root, &file)
                        : xml_read_memory(&xr, buffer, length, "<string>", &root, &file);
    wr_model_format format = WR_MODEL_FORMAT_AUTO;
    if (st == WR_OK)
        st = detect_format(&ir, root, file, o.format, &format);
    ir.format = (int)format;
    if (st == WR_OK && format == WR_MODEL_FORMAT_MJCF)
        st = mjcf_read(&ir, &xr, root, file, path, &o);
    else if (st == WR_OK)
        st = urdf_read(&ir, &xr, root, file, &o);
    if (st == WR_OK)
        st = ir_compile(&ir, o.allocator, out);
    xml_reader_free(&xr);
    ir_free(&ir);
    uselocale(previous);
    freelocale(c_locale);
    return st;
}
#endif

wr_status wr_model_load_file(const char *path, const wr_model_load_options *options, wr_model **out)
{
    if (!path || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "path and out must not be NULL");
#ifdef WR_HAVE_LIBXML2
    return load(path, NULL, 0, options, out);
#else
    (void)options;
    return WR_FAIL(WR_ERR_UNSUPPORTED, "worldrunner was built without libxml2: models cannot be read");
#endif
}

wr_status wr_model_load_string(const char *xml, size_t length, const wr_model_load_options *options, wr_model **out)
{
    if (!xml || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "xml and out must not be NULL");
#ifdef WR_HAVE_LIBXML2
    return load(NULL, xml, length, options, out);
#else
    (void)length;
    (void)options;
    return WR_FAIL(WR_ERR_UNSUPPORTED, "worldrunner was built without libxml2: models cannot be read");
#endif
}

/* ---- introspection ----------------------------------------------------------------------------------------- */

const char *wr_model_name(const wr_model *m) { return m ? model_str(m, model_hdr(m)->name) : ""; }
wr_model_format wr_model_format_of(const wr_model *m)
{
    return m ? (wr_model_format)model_hdr(m)->format : WR_MODEL_FORMAT_AUTO;
}
int wr_model_skeleton_count(const wr_model *m) { return m ? model_hdr(m)->skeleton_count : 0; }
int wr_model_body_count(const wr_model *m) { return m ? model_hdr(m)->body_count : 0; }
int wr_model_joint_count(const wr_model *m) { return m ? model_hdr(m)->joint_count : 0; }
int wr_model_actuator_count(const wr_model *m) { return m ? model_hdr(m)->actuator_count : 0; }
size_t wr_model_position_count(const wr_model *m) { return m ? (size_t)model_hdr(m)->nq : 0; }
size_t wr_model_dof_count(const wr_model *m) { return m ? (size_t)model_hdr(m)->nv : 0; }
double wr_model_time_step(const wr_model *m) { return m ? model_hdr(m)->time_step : 0.0; }
size_t wr_model_block_bytes(const wr_model *m) { return m ? m->bytes : 0; }

void wr_model_get_gravity(const wr_model *m, double gravity[3])
{
    if (m && gravity)
        memcpy(gravity, model_hdr(m)->gravity, 3 * sizeof(double));
}

wr_status wr_model_get_initial_positions(const wr_model *m, double *q, size_t count)
{
    if (!m || (!q && count))
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "model and q must not be NULL");
    const model_header *h = model_hdr(m);
    if (count != (size_t)h->nq)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "position count %zu, the model has %d", count, h->nq);
    if (count)
        memcpy(q, model_at(m, h->off_q0), count * sizeof(double));
    return WR_OK;
}

static wr_status check_index(const wr_model *m, const void *out, int index, int count, const char *what)
{
    if (!m || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "model and out must not be NULL");
    if (index < 0 || index >= count)
        return WR_FAIL(WR_ERR_NOT_FOUND, "%s index %d out of range [0, %d)", what, index, count);
    return WR_OK;
}

wr_status wr_model_get_body(const wr_model *m, int index, wr_model_body_info *out)
{
    wr_status st = check_index(m, out, index, wr_model_body_count(m), "body");
    if (st != WR_OK)
        return st;
    const model_body *b = (const model_body *)model_at(m, model_hdr(m)->off_bodies) + index;
    out->name = model_str(m, b->name);
    out->parent = b->parent;
    out->skeleton = b->skeleton;
    out->skeleton_body = b->skeleton_body;
    out->joint_count = b->joint_count;
    out->first_joint = b->first_joint;
    out->mass = b->mass;
    memcpy(out->com, b->com, sizeof out->com);
    memcpy(out->inertia, b->inertia, sizeof out->inertia);
    memcpy(out->pos, b->pos, sizeof out->pos);
    memcpy(out->quat, b->quat, sizeof out->quat);
    return WR_OK;
}

int wr_model_find_body(const wr_model *m, const char *name)
{
    if (!m || !name)
        return -1;
    const model_body *b = (const model_body *)model_at(m, model_hdr(m)->off_bodies);
    for (int i = 0; i < model_hdr(m)->body_count; i++)
        if (strcmp(model_str(m, b[i].name), name) == 0)
            return i;
    return -1;
}

wr_status wr_model_get_joint(const wr_model *m, int index, wr_model_joint_info *out)
{
    wr_status st = check_index(m, out, index, wr_model_joint_count(m), "joint");
    if (st != WR_OK)
        return st;
    const model_joint *j = (const model_joint *)model_at(m, model_hdr(m)->off_joints) + index;
    out->name = model_str(m, j->name);
    out->type = (wr_joint_type)j->type;
    out->body = j->body;
    out->q_offset = j->q_offset;
    out->v_offset = j->v_offset;
    out->skeleton = j->skeleton;
    out->skeleton_body = j->skeleton_body;
    return WR_OK;
}

int wr_model_find_joint(const wr_model *m, const char *name)
{
    if (!m || !name)
        return -1;
    const model_joint *j = (const model_joint *)model_at(m, model_hdr(m)->off_joints);
    for (int i = 0; i < model_hdr(m)->joint_count; i++)
        if (j[i].name >= 0 && strcmp(model_str(m, j[i].name), name) == 0)
            return i;
    return -1;
}

wr_status wr_model_get_actuator(const wr_model *m, int index, wr_model_actuator_info *out)
{
    wr_status st = check_index(m, out, index, wr_model_actuator_count(m), "actuator");
    if (st != WR_OK)
        return st;
    const model_actuator *a = (const model_actuator *)model_at(m, model_hdr(m)->off_actuators) + index;
    out->name = model_str(m, a->name);
    out->joint = a->joint;
    out->gear = a->gear;
    out->ctrl_limited = a->ctrl_limited;
    out->ctrl_range[0] = a->ctrl_range[0];
    out->ctrl_range[1] = a->ctrl_range[1];
    out->file_index = a->file_index;
    return WR_OK;
}

int wr_model_warning_count(const wr_model *m) { return m ? model_hdr(m)->warning_count : 0; }

wr_status wr_model_get_warning(const wr_model *m, int index, wr_model_warning_info *out)
{
    wr_status st = check_index(m, out, index, wr_model_warning_count(m), "warning");
    if (st != WR_OK)
        return st;
    const model_warning *w = (const model_warning *)model_at(m, model_hdr(m)->off_warnings) + index;
    out->element = model_str(m, w->element);
    out->attribute = model_str(m, w->attribute);
    out->file = model_str(m, w->file);
    out->line = w->line;
    out->count = w->count;
    out->message = model_str(m, w->message);
    return WR_OK;
}

/* ---- instantiation ----------------------------------------------------------------------------------------- */

wr_status wr_world_add_model(wr_world *w, const wr_model *m, const wr_model_instance_config *config,
                             int *first_skeleton)
{
    if (!w || !m)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "world and model must not be NULL");
    if (wr_world_guard_refuses(w)) /* a runner's world during a tick (core/guard.h) */
        return wr_guard_fail(__func__);
    wr_model_instance_config c;
    wr_model_instance_config_init(&c);
    if (config)
        c = *config;
    const model_header *h = model_hdr(m);
    const model_skeleton *skels = model_at(m, h->off_skeletons);
    const body_node *nodes = model_at(m, h->off_nodes);
    const dyn_shape *shapes = model_at(m, h->off_shapes);
    const dyn_actuator *acts = model_at(m, h->off_dyn_actuators);
    const double *q0 = model_at(m, h->off_q0);
    const int before = wr_world_skeleton_count(w);
    const bool had_stages = wr_world_has_contact_stages(w);
    wr_status st = WR_OK;
    for (int i = 0; i < h->skeleton_count && st == WR_OK; i++) {
        const model_skeleton *ms = &skels[i];
        skeleton_borrow b = {model_str(m, ms->name),
                             nodes + ms->first_node,
                             ms->node_count,
                             shapes + ms->first_shape,
                             ms->shape_count,
                             acts + ms->first_actuator,
                             ms->actuator_count,
                             ms->nq,
                             ms->nv,
                             q0 + ms->q_offset,
                             (skeleton_lender *)&m->lender};
        wr_skeleton *s = NULL;
        st = skeleton_create_borrowed(wr_world_get_memory_manager(w), &b, &s);
        if (st == WR_OK && (st = wr_world_add_skeleton(w, &s, NULL)) != WR_OK)
            wr_skeleton_destroy(s);
    }
    if (st != WR_OK) { /* keep the failing call's message: removing cannot fail here */
        while (wr_world_skeleton_count(w) > before)
            wr_world_remove_skeleton(w, wr_world_get_skeleton(w, wr_world_skeleton_count(w) - 1));
        if (!had_stages) /* the first skeleton created them: the world is as before the call */
            wr_world_drop_contact_stages(w);
        return st;
    }
    if (c.apply_options) {
        wr_world_set_time_step(w, h->time_step);
        wr_world_set_gravity(w, h->gravity);
        wr_collision_settings cs;
        if (h->disable_filterparent && h->skeleton_count && wr_collision_get_settings(w, &cs) == WR_OK) {
            cs.adjacent_collision = 1;
            wr_collision_set_settings(w, &cs);
        }
    }
    if (first_skeleton)
        *first_skeleton = before;
    return WR_OK;
}
