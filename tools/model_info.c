/* model_info — what worldrunner makes of an MJCF or URDF file: sizes, bodies, the warning report, and the bytes a
 * world made from it holds, with the model's tables shared and with its own copy of them.
 *
 *     build/default/tools/model_info /usr/share/mujoco/model/humanoid/humanoid.xml [--bodies] [--strict]
 *
 * Exit status: 0 if the model loads, 1 if it is refused (the message names file, line and element), 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynamics/skeleton_impl.h"
#include "worldrunner/worldrunner.h"

static void memory(wr_world *w, size_t *in_use, size_t *reserved)
{
    wr_memory_manager_stats s;
    wr_memory_manager_get_stats(wr_world_get_memory_manager(w), &s);
    *in_use = s.bytes_in_use;
    *reserved = s.bytes_reserved;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int bodies = 0;
    wr_model_load_options o;
    wr_model_load_options_init(&o);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bodies") == 0)
            bodies = 1;
        else if (strcmp(argv[i], "--strict") == 0)
            o.strict = 1;
        else if (strcmp(argv[i], "--floating-base") == 0)
            o.urdf_floating_base = 1;
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else {
            fprintf(stderr, "usage: model_info FILE [--bodies] [--strict] [--floating-base]\n");
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "usage: model_info FILE [--bodies] [--strict] [--floating-base]\n");
        return 2;
    }
    wr_model *m = NULL;
    wr_status st = wr_model_load_file(path, &o, &m);
    if (st != WR_OK) {
        fprintf(stderr, "%s: %s\n", wr_status_name(st), wr_last_error());
        return 1;
    }
    printf("%s: %s model \"%s\": %d bodies (with the world), %d joints, nq %zu, nv %zu, %d motors, %d skeletons, "
           "dt %g s; block %zu B\n",
           path, wr_model_format_of(m) == WR_MODEL_FORMAT_MJCF ? "MJCF" : "URDF", wr_model_name(m),
           wr_model_body_count(m), wr_model_joint_count(m), wr_model_position_count(m), wr_model_dof_count(m),
           wr_model_actuator_count(m), wr_model_skeleton_count(m), wr_model_time_step(m), wr_model_block_bytes(m));
    for (int i = 0; bodies && i < wr_model_body_count(m); i++) {
        wr_model_body_info b;
        wr_model_get_body(m, i, &b);
        printf("  body %3d %-24s parent %3d  skeleton %2d/%-3d joints %d  mass %10.6f  com (%8.4f %8.4f %8.4f)\n", i,
               b.name, b.parent, b.skeleton, b.skeleton_body, b.joint_count, b.mass, b.com[0], b.com[1], b.com[2]);
    }
    for (int i = 0; i < wr_model_warning_count(m); i++) {
        wr_model_warning_info w;
        wr_model_get_warning(m, i, &w);
        printf("  not modelled: <%s>%s%s at %s:%d, %d time%s: %s\n", w.element, *w.attribute ? " " : "", w.attribute,
               w.file, w.line, w.count, w.count == 1 ? "" : "s", w.message);
    }
    /* bytes per world: made, stepped 1 s, then with its own tables (what it holds when nothing is shared) */
    wr_world *w = NULL;
    if (wr_world_create(NULL, &w) != WR_OK || wr_world_add_model(w, m, NULL, NULL) != WR_OK) {
        fprintf(stderr, "%s: %s\n", "instantiation failed", wr_last_error());
        return 1;
    }
    size_t u0, r0, u1, r1, u2, r2;
    memory(w, &u0, &r0);
    int steps = (int)(1.0 / wr_world_time_step(w) + 0.5);
    st = wr_world_step(w, steps);
    memory(w, &u1, &r1);
    for (int s = 0; s < wr_world_skeleton_count(w); s++) {
        wr_skeleton *sk = wr_world_get_skeleton(w, s);
        skeleton_own_bodies(sk);
        skeleton_own_shapes(sk);
    }
    memory(w, &u2, &r2);
    printf("per world: %zu B in use (%zu B reserved) when made; after 1 s (%d steps, %s): %zu B in use (%zu B "
           "reserved) with the model's tables shared, %zu B (%zu B reserved) with its own copy of them\n",
           u0, r0, steps, wr_status_name(st), u1, r1, u2, r2);
    wr_world_destroy(w);
    wr_model_destroy(m);
    return 0;
}
