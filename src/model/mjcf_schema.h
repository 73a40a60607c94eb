/* src/model/mjcf_schema.h — MuJoCo 2.2.2's MJCF schema as a table (see mjcf_schema.c). */
#ifndef WR_MODEL_MJCF_SCHEMA_H
#define WR_MODEL_MJCF_SCHEMA_H

typedef struct mjcf_schema_elem {
    const char *name;         /* element name ("(world)body": worldbody at the top, body below) */
    int parent;               /* index of the enclosing element, -1 for <mujoco> */
    int recursive;            /* 1: may contain itself (body, default) */
    const char *const *attrs; /* allowed attributes, NULL-terminated */
} mjcf_schema_elem;

extern const mjcf_schema_elem mjcf_schema[];
extern const int mjcf_schema_count;

/* Index of the element `name` allowed inside element `parent` (-1: inside nothing, i.e. the root), or -1. */
int mjcf_schema_child(int parent, const char *name);

#endif
