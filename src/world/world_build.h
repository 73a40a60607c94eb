/* src/world/world_build.h — for code that adds several skeletons in one public call (wr_scene_build in
 * src/scenes/scenes.c, model loaders): undoing what a build that failed half-way did to the world besides its
 * skeletons.
 *
 * The first skeleton a world takes creates its contact stages (collision stage, constraint solver and their frame
 * allocator). A builder that removes the skeletons it added after a later failure leaves them behind: the world then
 * holds memory it did not hold and wr_collision_get_settings succeeds where it refused. Remember
 * wr_world_has_contact_stages() before the build and, on failure, after removing what was added, call
 * wr_world_drop_contact_stages() if it was false: the world is then exactly as before the call.
 */
#ifndef WR_WORLD_BUILD_H
#define WR_WORLD_BUILD_H

#include <stdbool.h>

#include "worldrunner/world.h"

/* True once the world's first skeleton created its contact stages (they stay when skeletons are removed). */
bool wr_world_has_contact_stages(const wr_world *w);
/* Destroy the contact stages of a world that holds no skeleton (their settings go too); no-op otherwise. */
void wr_world_drop_contact_stages(wr_world *w);

#endif
