/* worldrunner/collision.h — collision filtering, contact-solver settings, per-world statistics and contacts.
 *
 * Every wr_world_step detects contacts between the shapes of its skeletons (sweep and prune, then exact or sampled
 * narrowphase per shape pair), builds velocity-level constraint rows (a normal and two friction rows per contact
 * point, joint position and velocity limits), and solves them per island by projected Gauss-Seidel with warm
 * starting. All per-step data lives in the world's frame allocator; the warm-start cache (and a per-skeleton M^-1
 * cache) live in the world's memory manager and grow only on the cold path. Which shapes may touch:
 *   - two shapes touch only if (group_a & mask_b) && (group_b & mask_a) (defaults: group 1, mask all bits);
 *   - shapes of the same body and of two static bodies never do; a body and its parent (the two bodies of one joint)
 *     do not unless `adjacent_collision` is set;
 *   - other bodies of one skeleton do while `self_collision` is set (the default); groups/masks can refine it.
 * Friction of a pair is sqrt(mu_a * mu_b); restitution is the larger of the two.
 *
 * Friction model (Coulomb, per contact point): the tangential impulse f_t and normal impulse f_n of a step satisfy
 * |f_t| <= mu f_n; while the point sticks f_t is whatever keeps its tangential velocity zero, while it slides f_t
 * lies on the limit, opposite the sliding velocity. By default (WR_FRICTION_ELLIPTIC) the limit is the circle
 * |f_t| <= mu f_n, the same in every tangent direction: the solver treats a contact's two tangent rows as one 2x2
 * block and projects onto the disc, so a push at any heading slides at the same threshold and a rotated scene gives
 * the rotated result (to round-off; contacts and rows are also solved in an order fixed by skeleton, shape and
 * feature, not by world position). WR_FRICTION_PYRAMID boxes the two rows independently, |f_1|, |f_2| <= mu f_n
 * along two tangent directions taken from shape A's axes: a square limit, up to sqrt(2) mu f_n along its diagonal,
 * kept for comparison with solvers that use it. No rolling or torsional friction is modelled: a ball rolling
 * without slip on a plane keeps its speed.
 *
 * Ownership: settings and statistics belong to the world. Threads: the world's thread, between steps (for a runner's
 * world: WR_ERR_BUSY during a tick from another thread than its worker, see worldrunner/world_runner.h).
 */
#ifndef WORLDRUNNER_COLLISION_H
#define WORLDRUNNER_COLLISION_H

#include <stddef.h>
#include <stdint.h>

#include "worldrunner/skeleton.h"
#include "worldrunner/status.h"
#include "worldrunner/world.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The shape of the Coulomb friction limit (see above). */
typedef enum wr_friction_cone {
    WR_FRICTION_ELLIPTIC = 0,      /* |f_t| <= mu f_n, isotropic (default) */
    WR_FRICTION_PYRAMID = 1        /* |f_1|, |f_2| <= mu f_n on two tangent directions */
} wr_friction_cone;

/* Solver parameters of one world. */
typedef struct wr_collision_settings {
    int max_iterations;            /* PGS sweeps per island per step, 1..10000; default 40 */
    double tolerance;              /* stop an island when no impulse changed more than this (N s); default 1e-7 */
    double margin;                 /* contacts are made this far before touching (m), >= 0; default 0.005 */
    double erp;                    /* fraction of the penetration removed per step, [0, 1]; default 0.2 */
    double slop;                   /* penetration left alone (m), >= 0; default 0.0005 */
    double max_correction;         /* cap on the penetration-recovery velocity (m/s), > 0; default 1.0 */
    double cfm;                    /* softness added to every row's diagonal (1/kg), >= 0; default 1e-9 */
    double restitution_threshold;  /* no bounce below this approach speed (m/s), >= 0; default 0.2 */
    double limit_margin;           /* joint-limit rows are made this close to a limit (rad or m), >= 0; 0.05 */
    int self_collision;            /* 1: bodies of one skeleton collide with each other (groups/masks apply); 1 */
    int adjacent_collision;        /* 1: also a body with its parent (the two bodies of a joint); default 0 */
    wr_friction_cone friction_cone;/* friction limit; default WR_FRICTION_ELLIPTIC */
} wr_collision_settings;

/* What the last step of a world found and did (counted also when the step failed). */
typedef struct wr_collision_stats {
    uint32_t shapes;               /* shapes taking part (bounded and planes) */
    uint32_t pairs;                /* candidate shape pairs from the broadphase */
    uint32_t contacts;             /* contact points */
    uint32_t warm_started;         /* of which matched a contact of the previous step */
    uint32_t limit_rows;           /* joint position / velocity limit rows */
    uint32_t rows;                 /* all constraint rows (3 per contact + limit rows) */
    uint32_t islands;              /* groups of skeletons solved separately */
    uint32_t iterations;           /* PGS sweeps of the island that needed most */
    double residual;               /* largest impulse change in any island's last sweep (N s) */
    size_t frame_bytes;            /* frame-allocator bytes used by the step */
    size_t frame_high_water;       /* the largest frame of any step so far */
    size_t frame_capacity;         /* bytes the frame allocator holds */
    uint64_t frame_growths;        /* frame chunks chained since the world was created */
    size_t cache_capacity;         /* contact/limit entries the warm-start cache holds without growing */
    uint64_t cache_growths;        /* times the warm-start cache grew (cold path, memory-manager request) */
    uint64_t mass_cache_growths;   /* times the per-skeleton inverse-mass cache grew (cold path; a new skeleton) */
    uint64_t steps;                /* constraint stages run */
} wr_collision_stats;

/* One contact point of the last step. */
typedef struct wr_collision_contact_info {
    int skeleton_a, body_a, shape_a; /* skeleton index in the world; body and shape index in that skeleton */
    int skeleton_b, body_b, shape_b;
    double point[3];               /* world frame, midway between the two surfaces (m) */
    double normal[3];              /* unit, from shape a towards shape b */
    double depth;                  /* penetration (m); < 0: a gap still within the margin */
    double impulse[3];             /* normal impulse, then the friction impulse along two tangent directions
                                    * (orthonormal, perpendicular to the normal, from shape a's axes) (N s) */
} wr_collision_contact_info;

/* Defaults. */
void wr_collision_settings_init(wr_collision_settings *settings);
/* Read / replace the world's settings (checked: every field in range, finite; WR_ERR_INVALID_ARGUMENT unchanged).
 * Allowed at any time between steps, also before the world has a skeleton. */
wr_status wr_collision_get_settings(const wr_world *w, wr_collision_settings *out);
wr_status wr_collision_set_settings(wr_world *w, const wr_collision_settings *settings);
/* Statistics of the world's last constraint stage. */
wr_status wr_collision_get_stats(const wr_world *w, wr_collision_stats *out);
/* The contacts of the world's last step, if it committed (valid until the next step): *count receives how many
 * there are, and min(count, capacity) are written to `out` (out may be NULL when capacity is 0).
 * WR_ERR_INVALID_STATE if the last step failed or none was taken. */
wr_status wr_collision_get_contacts(const wr_world *w, wr_collision_contact_info *out, size_t capacity, size_t *count);

/* Group and mask bits of shape `shape` of skeleton `s` (see above). */
wr_status wr_collision_set_shape_filter(wr_skeleton *s, int shape, uint32_t group, uint32_t mask);
wr_status wr_collision_get_shape_filter(const wr_skeleton *s, int shape, uint32_t *group, uint32_t *mask);

#ifdef __cplusplus
}
#endif
#endif
