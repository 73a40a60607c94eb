/* worldrunner/model.h — robot models read from MJCF (MuJoCo) and URDF (ROS) files, shared by many worlds.
 *
 * A wr_model is read once from a file or a string, checked and compiled into one immutable block: the body,
 * joint, inertia and shape tables of its skeletons, its motors, initial positions and options. Worlds are made
 * from it with wr_world_add_model(): each world gets its own skeletons (header, positions, velocities, commands,
 * controls and scratch: everything that changes) from its own memory manager, while the tables stay in the model,
 * read by every world that uses it. A call that would change a shared table in one world
 * (wr_skeleton_set_joint_damping, wr_collision_set_shape_filter) first copies that table into the world's manager
 * (copy on write), so worlds never change each other or the model.
 *
 * The block is relocatable (indices, no pointers): wr_model_clone() copies it with another allocator, for example
 * one copy per NUMA node, made on that node.
 *
 * The body list is the file's (MJCF: MuJoCo's, with body 0 the world). A body with several joints becomes a chain
 * of skeleton bodies (massless internal ones, then the body itself), so wr_model_get_body() says which skeleton
 * body holds it. What is read, approximated, or not supported is listed in the README (models section); what a
 * file uses and worldrunner does not model is reported by wr_model_get_warning() (element, attribute, file, line,
 * count), or refused in strict mode.
 *
 * Errors: malformed XML, unknown elements or attributes, missing attributes, bad numbers (NaN, Inf, wrong count):
 * WR_ERR_PARSE; invalid models (negative mass, inertia not positive definite, unknown names, duplicate names, joint
 * cycles, missing or cyclic include files, sizes past the limits): WR_ERR_INVALID_ARGUMENT; something not supported
 * in strict mode: WR_ERR_UNSUPPORTED. The message (wr_last_error) names file, line and element; nothing is built.
 *
 * Ownership: the caller destroys a model after every world made from it (WR_ERR_BUSY while any skeleton still
 * borrows it). Threads: a model is immutable after loading, so any number of threads may make worlds from it at
 * once; wr_model_destroy must not race with them.
 */
#ifndef WORLDRUNNER_MODEL_H
#define WORLDRUNNER_MODEL_H

#include <stddef.h>

#include "worldrunner/memory_allocator.h"
#include "worldrunner/skeleton.h"
#include "worldrunner/status.h"
#include "worldrunner/world.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wr_model wr_model;

typedef enum wr_model_format {
    WR_MODEL_FORMAT_AUTO = 0,  /* by the root element: <mujoco> is MJCF, <robot> is URDF */
    WR_MODEL_FORMAT_MJCF,
    WR_MODEL_FORMAT_URDF
} wr_model_format;

typedef struct wr_model_load_options {
    wr_model_format format;        /* default AUTO */
    int strict;                    /* 1: anything reported as not supported is an error (WR_ERR_UNSUPPORTED) */
    wr_memory_allocator *allocator;/* the model's block and handle; NULL: the C heap */
    const char *base_dir;          /* directory of <include> files of a model read from a string (NULL: a string
                                    * cannot include); a file's includes are relative to its own directory */
    int urdf_floating_base;        /* URDF: 1 = the root link moves on a free joint; 0 (default) = welded to world */
    size_t max_bytes;              /* largest file or string (each include counts alone); 0 = 64 MiB */
} wr_model_load_options;

/* Fill `options` with the defaults. */
void wr_model_load_options_init(wr_model_load_options *options);
/* Read, check and compile a model file / a string of `length` bytes (not NUL-terminated necessarily); options
 * NULL = defaults. */
wr_status wr_model_load_file(const char *path, const wr_model_load_options *options, wr_model **out);
wr_status wr_model_load_string(const char *xml, size_t length, const wr_model_load_options *options,
                               wr_model **out);
/* A copy of `model` in memory from `allocator` (NULL: the C heap), e.g. on another NUMA node. */
wr_status wr_model_clone(const wr_model *model, wr_memory_allocator *allocator, wr_model **out);
/* Free the model; WR_ERR_BUSY (nothing freed) while skeletons of some world still borrow its tables. */
wr_status wr_model_destroy(wr_model *model);

/* --- what the model holds ------------------------------------------------------------------------------------ */

const char *wr_model_name(const wr_model *model);        /* MJCF model="..." / URDF robot name; "" if none */
wr_model_format wr_model_format_of(const wr_model *model);
int wr_model_skeleton_count(const wr_model *model);      /* skeletons one instance adds to a world */
int wr_model_body_count(const wr_model *model);          /* bodies of the file, body 0 the world (MuJoCo's nbody) */
int wr_model_joint_count(const wr_model *model);
int wr_model_actuator_count(const wr_model *model);
size_t wr_model_position_count(const wr_model *model);   /* nq of one instance (MuJoCo's nq) */
size_t wr_model_dof_count(const wr_model *model);        /* nv (MuJoCo's nv) */
double wr_model_time_step(const wr_model *model);        /* s: MJCF option/timestep (default 0.002); URDF 0.001 */
void wr_model_get_gravity(const wr_model *model, double gravity[3]);
size_t wr_model_block_bytes(const wr_model *model);      /* bytes of the shared block (tables, names, report) */
/* Initial positions of one instance (MuJoCo's qpos0), `count` = wr_model_position_count. */
wr_status wr_model_get_initial_positions(const wr_model *model, double *q, size_t count);

/* One body of the file, as MuJoCo lists it (its inertia as MuJoCo compiles it). */
typedef struct wr_model_body_info {
    const char *name;              /* "" if unnamed; valid while the model lives */
    int parent;                    /* parent body index, -1 for the world (body 0) */
    int skeleton;                  /* index among the model's skeletons, -1 for a world without geometry */
    int skeleton_body;             /* body index in that skeleton (the last of its chain) */
    int joint_count;               /* joints of the body */
    int first_joint;               /* index of its first joint */
    double mass;                   /* kg */
    double com[3];                 /* centre of mass in the body frame (m) (MuJoCo's body_ipos) */
    double inertia[9];             /* about the COM, body axes, row-major (kg m^2): MuJoCo's
                                    * R(body_iquat) diag(body_inertia) R^T */
    double pos[3], quat[4];        /* body frame in the parent body frame at the initial positions */
} wr_model_body_info;
wr_status wr_model_get_body(const wr_model *model, int index, wr_model_body_info *out);
int wr_model_find_body(const wr_model *model, const char *name);  /* index or -1 */

typedef struct wr_model_joint_info {
    const char *name;
    wr_joint_type type;
    int body;                      /* body index */
    int q_offset, v_offset;        /* in one instance's positions / velocities (MuJoCo's qposadr / dofadr) */
    int skeleton, skeleton_body;   /* the skeleton body whose joint it is */
} wr_model_joint_info;
wr_status wr_model_get_joint(const wr_model *model, int index, wr_model_joint_info *out);
int wr_model_find_joint(const wr_model *model, const char *name);

/* Motors, in the order of the control vector (wr_world_set_controls: skeleton by skeleton). */
typedef struct wr_model_actuator_info {
    const char *name;
    int joint;                     /* joint index */
    double gear;
    int ctrl_limited;
    double ctrl_range[2];
    int file_index;                /* position among the file's motors (MuJoCo's actuator id) */
} wr_model_actuator_info;
wr_status wr_model_get_actuator(const wr_model *model, int index, wr_model_actuator_info *out);

/* The warning report: one entry per kind of unsupported element or attribute. */
typedef struct wr_model_warning_info {
    const char *element;           /* e.g. "geom" */
    const char *attribute;         /* e.g. "solref"; "" for the element itself */
    const char *file;              /* where it first appeared */
    int line;
    int count;                     /* how many elements had it */
    const char *message;           /* what worldrunner does instead */
} wr_model_warning_info;
int wr_model_warning_count(const wr_model *model);
wr_status wr_model_get_warning(const wr_model *model, int index, wr_model_warning_info *out);

/* --- making worlds --------------------------------------------------------------------------------------------- */

typedef struct wr_model_instance_config {
    int apply_options;             /* 1 (default): set the world's time step and gravity to the model's, and
                                    * adjacent collisions on when the model disables MuJoCo's parent filter */
} wr_model_instance_config;
void wr_model_instance_config_init(wr_model_instance_config *config);
/* Add the model's skeletons to `w` (config NULL = defaults), at the model's initial positions, zero velocities and
 * controls; *first_skeleton (may be NULL) receives the index of the first in the world. Only each skeleton's header
 * and state come from the world's memory manager; the tables are the model's. On failure the world is unchanged. */
wr_status wr_world_add_model(wr_world *w, const wr_model *model, const wr_model_instance_config *config,
                             int *first_skeleton);

#ifdef __cplusplus
}
#endif
#endif
