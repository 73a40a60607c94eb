/* The IR's growing arrays, strings, error messages and warning report, and a few quaternion helpers. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status_internal.h"
#include "model/model_ir.h"

void ir_init(ir_model *ir)
{
    memset(ir, 0, sizeof *ir);
    ir->name = -1;
    ir->inertia_from_geom = IR_INERTIA_FROM_GEOM_AUTO;
    ir->inertia_group_range[0] = 0;
    ir->inertia_group_range[1] = 5;
    ir->time_step = 0.002;
    ir->gravity[2] = -9.81;
}

void ir_free(ir_model *ir)
{
    free(ir->strings);
    free(ir->files);
    free(ir->bodies);
    free(ir->joints);
    free(ir->geoms);
    free(ir->actuators);
    free(ir->warnings);
    memset(ir, 0, sizeof *ir);
}

/* Grow `*array` (of `*cap` elements of `size` bytes) to hold one more; 0 on failure. */
static int grow(void **array, int count, int *cap, size_t size)
{
    if (count < *cap)
        return 1;
    int n = *cap ? 2 * *cap : 16;
    void *p = realloc(*array, (size_t)n * size);
    if (!p)
        return 0;
    *array = p;
    *cap = n;
    return 1;
}

int ir_string(ir_model *ir, const char *s, wr_status *st)
{
    size_t n = strlen(s) + 1;
    if (ir->strings_len + n > ir->strings_cap) {
        size_t cap = ir->strings_cap ? ir->strings_cap : 4096;
        while (cap < ir->strings_len + n)
            cap *= 2;
        char *p = cap > (size_t)INT32_MAX ? NULL : realloc(ir->strings, cap);
        if (!p) {
            *st = WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the model's strings");
            return -1;
        }
        ir->strings = p;
        ir->strings_cap = cap;
    }
    memcpy(ir->strings + ir->strings_len, s, n);
    int offset = (int)ir->strings_len;
    ir->strings_len += n;
    *st = WR_OK;
    return offset;
}

const char *ir_str(const ir_model *ir, int offset) { return offset < 0 || !ir->strings ? "" : ir->strings + offset; }

int ir_add_file(ir_model *ir, const char *path, wr_status *st)
{
    int s = ir_string(ir, path, st);
    if (s < 0)
        return -1;
    if (!grow((void **)&ir->files, ir->file_count, &ir->file_cap, sizeof(int))) {
        *st = WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the model's file table");
        return -1;
    }
    ir->files[ir->file_count] = s;
    return ir->file_count++;
}

const char *ir_file(const ir_model *ir, int file)
{
    return file >= 0 && file < ir->file_count ? ir_str(ir, ir->files[file]) : "<model>";
}

#define IR_ADD(kind, array, count, cap, limit, what)                                                              \
    do {                                                                                                          \
        if (ir->count >= (limit)) {                                                                               \
            ir_fail(ir, WR_ERR_INVALID_ARGUMENT, src, what, "more than %d %ss", (int)(limit), what);              \
            return NULL;                                                                                          \
        }                                                                                                         \
        if (!grow((void **)&ir->array, ir->count, &ir->cap, sizeof(kind))) {                                      \
            WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the model's %ss", what);                                 \
            return NULL;                                                                                          \
        }                                                                                                         \
        kind *e = &ir->array[ir->count++];                                                                        \
        memset(e, 0, sizeof *e);                                                                                  \
        e->src = src;                                                                                             \
        e->name = -1;                                                                                             \
        return e;                                                                                                 \
    } while (0)

ir_body *ir_add_body(ir_model *ir, ir_src src) { IR_ADD(ir_body, bodies, body_count, body_cap, IR_MAX_BODIES, "body"); }
ir_joint *ir_add_joint(ir_model *ir, ir_src src)
{
    IR_ADD(ir_joint, joints, joint_count, joint_cap, IR_MAX_ELEMENTS, "joint");
}
ir_geom *ir_add_geom(ir_model *ir, ir_src src) { IR_ADD(ir_geom, geoms, geom_count, geom_cap, IR_MAX_ELEMENTS, "geom"); }
ir_actuator *ir_add_actuator(ir_model *ir, ir_src src)
{
    IR_ADD(ir_actuator, actuators, actuator_count, actuator_cap, IR_MAX_ELEMENTS, "actuator");
}

wr_status ir_fail(const ir_model *ir, wr_status status, ir_src src, const char *element, const char *format, ...)
{
    char msg[320];
    va_list args;
    va_start(args, format);
    vsnprintf(msg, sizeof msg, format, args);
    va_end(args);
    if (element && *element)
        return wr_fail(status, "model", "%s:%d: <%s>: %s", ir_file(ir, src.file), src.line, element, msg);
    return wr_fail(status, "model", "%s:%d: %s", ir_file(ir, src.file), src.line, msg);
}

static void copy_cut(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

wr_status ir_warn(ir_model *ir, ir_src src, const char *element, const char *attribute, const char *format, ...)
{
    char msg[160];
    va_list args;
    va_start(args, format);
    vsnprintf(msg, sizeof msg, format, args);
    va_end(args);
    if (!attribute)
        attribute = "";
    if (ir->strict) {
        if (*attribute)
            return ir_fail(ir, WR_ERR_UNSUPPORTED, src, element, "attribute '%s': %s (strict mode)", attribute, msg);
        return ir_fail(ir, WR_ERR_UNSUPPORTED, src, element, "%s (strict mode)", msg);
    }
    for (int i = 0; i < ir->warning_count; i++) {
        ir_warning *w = &ir->warnings[i];
        if (strncmp(w->element, element, sizeof w->element - 1) == 0 &&
            strncmp(w->attribute, attribute, sizeof w->attribute - 1) == 0 &&
            strncmp(w->message, msg, sizeof w->message - 1) == 0) {
            w->count++;
            return WR_OK;
        }
    }
    if (!grow((void **)&ir->warnings, ir->warning_count, &ir->warning_cap, sizeof(ir_warning)))
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the model's warning report");
    ir_warning *w = &ir->warnings[ir->warning_count++];
    memset(w, 0, sizeof *w);
    copy_cut(w->element, sizeof w->element, element);
    copy_cut(w->attribute, sizeof w->attribute, attribute);
    copy_cut(w->message, sizeof w->message, msg);
    w->first = src;
    w->count = 1;
    return WR_OK;
}

/* ---- quaternions (w, x, y, z) ------------------------------------------------------------------------------ */

void ir_quat_mul(const double a[4], const double b[4], double out[4])
{
    double r[4] = {a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
                   a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
                   a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
                   a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]};
    memcpy(out, r, sizeof r);
}

void ir_quat_to_mat(const double q[4], double m[9])
{
    const double w = q[0], x = q[1], y = q[2], z = q[3];
    m[0] = w * w + x * x - y * y - z * z;
    m[1] = 2 * (x * y - w * z);
    m[2] = 2 * (x * z + w * y);
    m[3] = 2 * (x * y + w * z);
    m[4] = w * w - x * x + y * y - z * z;
    m[5] = 2 * (y * z - w * x);
    m[6] = 2 * (x * z - w * y);
    m[7] = 2 * (y * z + w * x);
    m[8] = w * w - x * x - y * y + z * z;
}

void ir_quat_rotate(const double q[4], const double v[3], double out[3])
{
    double m[9], r[3];
    ir_quat_to_mat(q, m);
    for (int i = 0; i < 3; i++)
        r[i] = m[3 * i] * v[0] + m[3 * i + 1] * v[1] + m[3 * i + 2] * v[2];
    memcpy(out, r, sizeof r);
}

int ir_quat_normalize(double q[4])
{
    double n = sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    if (!(n > 1e-14) || !isfinite(n))
        return 0;
    for (int k = 0; k < 4; k++)
        q[k] /= n;
    return 1;
}

void ir_axis_angle_quat(const double axis[3], double angle, double out[4])
{
    double n = sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
    double s = sin(angle / 2) / n;
    out[0] = cos(angle / 2);
    out[1] = axis[0] * s;
    out[2] = axis[1] * s;
    out[3] = axis[2] * s;
}

void ir_z_to_quat(const double vec[3], double out[4])
{
    /* MuJoCo's mjuu_z2quat: axis z x vec, angle atan2(|z x vec|, vec_z) for a normalized vec */
    double n = sqrt(vec[0] * vec[0] + vec[1] * vec[1] + vec[2] * vec[2]);
    double v[3] = {vec[0] / n, vec[1] / n, vec[2] / n};
    double a[3] = {-v[1], v[0], 0.0}; /* (0,0,1) x v */
    double s = sqrt(a[0] * a[0] + a[1] * a[1]);
    if (s < 1e-10) { /* parallel: identity, or a half turn about x */
        out[0] = 1;
        out[1] = out[2] = out[3] = 0;
        if (v[2] < 0) {
            out[0] = 0;
            out[1] = 1;
        }
        return;
    }
    a[0] /= s;
    a[1] /= s;
    double ang = atan2(s, v[2]);
    out[0] = cos(ang / 2);
    out[1] = a[0] * sin(ang / 2);
    out[2] = a[1] * sin(ang / 2);
    out[3] = 0;
}

void ir_mat_to_quat(const double m[9], double q[4])
{
    /* Shepperd's method: the largest of w, x, y, z first, for accuracy */
    double tr = m[0] + m[4] + m[8];
    if (tr > 0) {
        double s = sqrt(tr + 1.0) * 2;
        q[0] = 0.25 * s;
        q[1] = (m[7] - m[5]) / s;
        q[2] = (m[2] - m[6]) / s;
        q[3] = (m[3] - m[1]) / s;
    } else if (m[0] > m[4] && m[0] > m[8]) {
        double s = sqrt(1.0 + m[0] - m[4] - m[8]) * 2;
        q[0] = (m[7] - m[5]) / s;
        q[1] = 0.25 * s;
        q[2] = (m[1] + m[3]) / s;
        q[3] = (m[2] + m[6]) / s;
    } else if (m[4] > m[8]) {
        double s = sqrt(1.0 + m[4] - m[0] - m[8]) * 2;
        q[0] = (m[2] - m[6]) / s;
        q[1] = (m[1] + m[3]) / s;
        q[2] = 0.25 * s;
        q[3] = (m[5] + m[7]) / s;
    } else {
        double s = sqrt(1.0 + m[8] - m[0] - m[4]) * 2;
        q[0] = (m[3] - m[1]) / s;
        q[1] = (m[2] + m[6]) / s;
        q[2] = (m[5] + m[7]) / s;
        q[3] = 0.25 * s;
    }
    ir_quat_normalize(q);
}
