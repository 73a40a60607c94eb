/* src/dynamics/dynamics_stage.h — the dynamics stages of a world step, over a world's skeletons.
 *
 *   wr_dynamics_forward    (stage 1) kinematics and smooth forward dynamics: per skeleton, the generalized forces
 *                          (commands, springs, damping), ABA at the step's positions q (its first pass computes the
 *                          body poses that the collision stage then reads), and the candidate velocities
 *                          v <- v + dt qdd, with the joint damping integrated implicitly;
 *   wr_dynamics_integrate  (stage 4) semi-implicit Euler: q <- q (+) dt v with the velocities the constraint stage
 *                          left, quaternions on the manifold.
 * Both change only the skeletons' own state and allocate nothing. On failure (a non-finite value) some skeletons may
 * have been changed already: the caller (the world) restores its backup. Threads: the world's thread only.
 */
#ifndef WR_DYNAMICS_STAGE_H
#define WR_DYNAMICS_STAGE_H

#include "worldrunner/skeleton.h"

/* Stage 1 on skeletons[0..count) with time step dt > 0. WR_ERR_NON_FINITE if a candidate velocity is not finite. */
wr_status wr_dynamics_forward(wr_skeleton *const *skeletons, int count, double dt);
/* Stage 4. WR_ERR_NON_FINITE if a velocity (as the constraint stage left it) or a new position is not finite. */
wr_status wr_dynamics_integrate(wr_skeleton *const *skeletons, int count, double dt);

#endif
