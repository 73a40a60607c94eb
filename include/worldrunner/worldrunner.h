/* worldrunner/worldrunner.h — the whole public API in one include. */
#ifndef WORLDRUNNER_WORLDRUNNER_H
#define WORLDRUNNER_WORLDRUNNER_H

#include "worldrunner/status.h"
#include "worldrunner/memory_allocator.h"
#include "worldrunner/memory_manager.h"
#include "worldrunner/frame_allocator.h"
#include "worldrunner/world.h"
#include "worldrunner/skeleton.h"
#include "worldrunner/scene.h"
#include "worldrunner/numa.h"
#include "worldrunner/world_runner.h"
#include "worldrunner/collision.h"
#include "worldrunner/model.h"

#endif
