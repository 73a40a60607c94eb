/* src/model/model_impl.h — the layout of a compiled model: one relocatable block of tables, and its handle.
 *
 * The block starts with a model_header; every table is at a 64-byte-aligned offset from the block's start and refers
 * to others by index, strings by offset into the string table, so copying the block is a complete copy of the model
 * (wr_model_clone). The handle (struct wr_model) holds what is not shared: the allocator, the block pointer and the
 * count of skeletons borrowing the block's tables.
 *
 *   model_header
 *   model_skeleton[skeleton_count]   each: its range of nodes, shapes and motors, nq/nv and offsets
 *   body_node[node_count]            the skeletons' body tables, back to back (parent indices skeleton-local)
 *   dyn_shape[shape_count]           the skeletons' shape tables (body indices skeleton-local)
 *   dyn_actuator[actuator_count]     the skeletons' motors (dofs skeleton-local), in control order
 *   double q0[nq]                    initial positions of one instance
 *   model_body[body_count], model_joint[joint_count], model_actuator[actuator_count], model_warning[warning_count]
 *   char strings[]                   names, file names, warning texts
 */
#ifndef WR_MODEL_MODEL_IMPL_H
#define WR_MODEL_MODEL_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "dynamics/skeleton_impl.h"
#include "worldrunner/model.h"

#define MODEL_MAGIC 0x6c646d77u /* "wmdl" */
#define MODEL_VERSION 1u
#define MODEL_ALIGN 64u

typedef struct model_header {
    uint32_t magic, version;
    uint64_t bytes;                  /* of the whole block */
    int32_t format;                  /* wr_model_format */
    int32_t name;                    /* string offset, -1: none */
    int32_t skeleton_count, body_count, joint_count, actuator_count, warning_count;
    int32_t node_count, shape_count, nq, nv;
    int32_t disable_filterparent;    /* parent and child bodies may collide (world adjacent_collision) */
    double time_step;                /* s */
    double gravity[3];               /* m/s^2 */
    uint64_t off_skeletons, off_nodes, off_shapes, off_dyn_actuators, off_q0;
    uint64_t off_bodies, off_joints, off_actuators, off_warnings, off_strings, strings_bytes;
} model_header;

typedef struct model_skeleton {
    int32_t name;                    /* string offset */
    int32_t first_node, node_count;
    int32_t first_shape, shape_count;
    int32_t first_actuator, actuator_count;
    int32_t nq, nv;
    int32_t q_offset, v_offset;      /* in one instance's positions / velocities */
    int32_t reserved;
} model_skeleton;

typedef struct model_body {
    int32_t name, parent, skeleton, skeleton_body, joint_count, first_joint;
    double mass, com[3], inertia[9], pos[3], quat[4];
} model_body;

typedef struct model_joint {
    int32_t name, type, body, q_offset, v_offset, skeleton, skeleton_body, reserved;
} model_joint;

typedef struct model_actuator {
    int32_t name, joint, ctrl_limited, file_index;
    double gear, ctrl_range[2];
} model_actuator;

typedef struct model_warning {
    int32_t element, attribute, file, message, line, count;
} model_warning;

struct wr_model {
    wr_memory_allocator *allocator;  /* of the handle and the block */
    int owns_allocator;              /* created a heap allocator for a NULL one */
    unsigned char *block;
    size_t bytes;
    skeleton_lender lender;          /* skeletons borrowing the block's tables */
};

static inline const model_header *model_hdr(const struct wr_model *m) { return (const model_header *)m->block; }
static inline const void *model_at(const struct wr_model *m, uint64_t offset) { return m->block + offset; }
static inline const char *model_str(const struct wr_model *m, int32_t offset)
{
    return offset < 0 ? "" : (const char *)m->block + model_hdr(m)->off_strings + offset;
}

/* Allocate a handle and a block of `bytes` (64-aligned) from `allocator` (NULL: a heap allocator the model owns). */
wr_status model_alloc(wr_memory_allocator *allocator, size_t bytes, struct wr_model **out);

#endif
