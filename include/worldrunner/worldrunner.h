/* worldrunner/worldrunner.h — the whole public API of the core library in one include. The built-in scenes are a
 * library of their own: worldrunner/scenes.h (worldrunner::scenes). */
#ifndef WORLDRUNNER_WORLDRUNNER_H
#define WORLDRUNNER_WORLDRUNNER_H

#include "worldrunner/status.h"
#include "worldrunner/memory_allocator.h"
#include "worldrunner/memory_manager.h"
#include "worldrunner/frame_allocator.h"
#include "worldrunner/world.h"
#include "worldrunner/skeleton.h"
#include "worldrunner/numa.h"
#include "worldrunner/world_runner.h"
#include "worldrunner/collision.h"
#include "worldrunner/model.h"

#endif
