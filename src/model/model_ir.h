/* src/model/model_ir.h — the intermediate representation both readers (MJCF, URDF) produce and the compiler reads.
 *
 * The IR is the model as the file says it, in the file's units already converted (radians, metres), before any
 * inertia is inferred or any skeleton is built: a body tree in depth-first pre-order (body 0 is the world; a body's
 * parent index is smaller than its own), the joints and geoms of each body in file order, actuators, options and the
 * warning report. Everything carries its source location (file, line) so that the compiler's errors name them too.
 * Memory: the C heap, freed by ir_free (parse time only; the compiled model is one block of its own).
 */
#ifndef WR_MODEL_IR_H
#define WR_MODEL_IR_H

#include <stddef.h>
#include <stdint.h>

#include "worldrunner/skeleton.h"
#include "worldrunner/status.h"

/* Geom types: the shapes worldrunner collides, then the ones the IR knows but approximates or cannot collide. */
enum {
    IR_GEOM_SPHERE = WR_SHAPE_SPHERE,
    IR_GEOM_BOX = WR_SHAPE_BOX,
    IR_GEOM_CAPSULE = WR_SHAPE_CAPSULE,
    IR_GEOM_CYLINDER = WR_SHAPE_CYLINDER,
    IR_GEOM_PLANE = WR_SHAPE_PLANE,
    IR_GEOM_ELLIPSOID = WR_SHAPE_TYPE_COUNT, /* exact mass and inertia; collides as a box (see the compiler) */
    IR_GEOM_MESH,                            /* not supported: no mass, no collision (warned) */
    IR_GEOM_HFIELD
};

/* Where something was written: file index into ir_model.files, 1-based line (0: unknown). */
typedef struct ir_src {
    int file;
    int line;
} ir_src;

typedef struct ir_joint {
    int body;                  /* IR body index */
    int name;                  /* string offset, -1: unnamed */
    wr_joint_type type;        /* REVOLUTE (hinge), PRISMATIC (slide), BALL, FREE */
    double pos[3];             /* anchor in the body frame (m) */
    double axis[3];            /* unit axis in the body frame */
    int limited;               /* 1: range applies */
    double range[2];           /* rad or m (a ball's range[1] is its cone angle: not supported) */
    double damping, stiffness, armature;
    double springref;          /* spring rest position (rad or m) */
    double ref;                /* position at which the body is at its pos/quat (qpos0) */
    double effort;             /* force/torque limit (URDF), INFINITY if none */
    double velocity;           /* velocity limit (URDF), INFINITY if none */
    ir_src src;
} ir_joint;

typedef struct ir_geom {
    int body, name;
    int type;                  /* IR_GEOM_* */
    double size[3];            /* MuJoCo's sizes: radius, half lengths, half extents */
    double pos[3], quat[4];    /* geom frame in the body frame */
    double mass;               /* kg, or NAN: from density */
    double density;            /* kg/m^3 */
    int massive;               /* 1: contributes to the body's inertia when it is inferred from geoms */
    int group;                 /* MuJoCo's geom group (inertiagrouprange) */
    int collides;              /* 1: becomes a collision shape */
    double friction;           /* sliding friction */
    uint32_t contype, conaffinity;
    ir_src src;
} ir_geom;

typedef struct ir_body {
    int name, parent;          /* parent: IR body index; -1 only for the world (body 0) */
    double pos[3], quat[4];    /* body frame in the parent body frame */
    int has_inertial;          /* an explicit <inertial> */
    double ipos[3], iquat[4];  /* inertial frame in the body frame */
    double mass;               /* kg */
    double inertia[9];         /* about ipos, in the inertial frame, row-major */
    ir_src src;
} ir_body;

typedef struct ir_actuator {
    int name;
    int joint;                 /* IR joint index */
    double gear;
    int ctrl_limited;
    double ctrl_range[2];
    int force_limited;
    double force_range[2];
    ir_src src;
} ir_actuator;

/* One line of the warning report: one kind (element + attribute), where it first appeared, how often. */
typedef struct ir_warning {
    char element[32];
    char attribute[32];        /* "" for the element itself */
    char message[160];
    ir_src first;
    int count;
} ir_warning;

/* How the body inertia is found (MuJoCo's compiler/inertiafromgeom). */
enum { IR_INERTIA_FROM_GEOM_FALSE = 0, IR_INERTIA_FROM_GEOM_TRUE = 1, IR_INERTIA_FROM_GEOM_AUTO = 2 };

typedef struct ir_model {
    int name;                  /* string offset, -1: none */
    int format;                /* wr_model_format */
    int strict;                /* warnings are errors */
    /* strings (names, file names): one growing buffer of NUL-terminated strings, referred to by offset */
    char *strings;
    size_t strings_len, strings_cap;
    int *files;                /* string offsets of the file names, file_count */
    int file_count, file_cap;
    ir_body *bodies;
    int body_count, body_cap;
    ir_joint *joints;
    int joint_count, joint_cap;
    ir_geom *geoms;
    int geom_count, geom_cap;
    ir_actuator *actuators;
    int actuator_count, actuator_cap;
    ir_warning *warnings;
    int warning_count, warning_cap;
    /* compiler settings */
    int inertia_from_geom;     /* IR_INERTIA_FROM_GEOM_* */
    int inertia_group_range[2];
    double bound_mass, bound_inertia, set_total_mass; /* set_total_mass <= 0: off */
    int balance_inertia;
    /* options */
    double time_step;          /* s */
    double gravity[3];         /* m/s^2 */
    int disable_contact;       /* MuJoCo flag contact="disable" (or constraint): no shape collides */
    int disable_limit;         /* flag limit / constraint: joint ranges are not enforced */
    int disable_passive;       /* flag passive: no springs or damping */
    int disable_clampctrl;     /* flag clampctrl: controls are not clamped */
    int disable_filterparent;  /* flag filterparent: parent and child bodies may collide */
} ir_model;

/* Limits on input size, checked by the readers (counts include the world body). */
#define IR_MAX_BODIES 100000
#define IR_MAX_ELEMENTS 1000000 /* joints, geoms, actuators each */
#define IR_MAX_NAME 1000

void ir_init(ir_model *ir);
void ir_free(ir_model *ir);

/* Append a string, return its offset (or -1 with a status in *st on allocation failure). */
int ir_string(ir_model *ir, const char *s, wr_status *st);
const char *ir_str(const ir_model *ir, int offset); /* "" for -1 */
int ir_add_file(ir_model *ir, const char *path, wr_status *st);
const char *ir_file(const ir_model *ir, int file);

/* Append a zeroed element; NULL on allocation failure or past the limits (status set, message recorded). */
ir_body *ir_add_body(ir_model *ir, ir_src src);
ir_joint *ir_add_joint(ir_model *ir, ir_src src);
ir_geom *ir_add_geom(ir_model *ir, ir_src src);
ir_actuator *ir_add_actuator(ir_model *ir, ir_src src);

/* Record an error "file:line: <element>: message" as the thread's last error and return `status`. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
wr_status ir_fail(const ir_model *ir, wr_status status, ir_src src, const char *element, const char *format, ...);

/* Report something not supported (element, attribute "" for the whole element): counted once per kind. In strict
 * mode it is an error instead (WR_ERR_UNSUPPORTED, with the location). */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
wr_status ir_warn(ir_model *ir, ir_src src, const char *element, const char *attribute, const char *format, ...);

/* Compile the IR into a model block: see model_compile.c. */
struct wr_model;
struct wr_memory_allocator;
wr_status ir_compile(ir_model *ir, struct wr_memory_allocator *allocator, struct wr_model **out);

/* Small quaternion helpers shared by the readers and the compiler (w, x, y, z). */
void ir_quat_mul(const double a[4], const double b[4], double out[4]);
void ir_quat_rotate(const double q[4], const double v[3], double out[3]);
void ir_quat_to_mat(const double q[4], double m[9]);
int ir_quat_normalize(double q[4]);        /* 0 if the norm is (nearly) zero */
void ir_axis_angle_quat(const double axis[3], double angle, double out[4]); /* axis need not be unit (non-zero) */
void ir_z_to_quat(const double vec[3], double out[4]); /* MuJoCo's mjuu_z2quat: shortest rotation z -> vec */
void ir_mat_to_quat(const double m[9], double out[4]);

#endif
