/* fault_injection.h — make the k-th memory request fail, to prove that every failure path is clean.
 *
 * Two places where worldrunner asks for memory can be made to fail:
 *  - a base allocator (fault_allocator): a wr_memory_allocator over the C heap that counts its allocate calls and
 *    refuses the k-th with WR_ERR_OUT_OF_MEMORY. It is what a world's memory manager, a runner's worlds
 *    (wr_world_runner_config.base) or a skeleton's manager draw their chunks from. Thread-safe (atomic counter),
 *    as the runner's base must be. It also counts bytes outstanding, so a test can check that every chunk came
 *    back after a failure.
 *  - the C heap the library calls directly for its handles (worlds, managers, runners, topologies, arenas):
 *    fault_heap_*. The test program that uses it is linked with -Wl,--wrap=malloc,calloc,realloc,aligned_alloc
 *    (tests/CMakeLists.txt), so calls from the static worldrunner library and the test program come through
 *    counting wrappers; calls inside shared libraries (hwloc, libc, CMocka) are not seen. Available when
 *    FAULT_HEAP_WRAPPED is 1 (not under TSan, whose aligned_alloc wrapper malloc_count already provides).
 *
 * Counting is armed for one call under test at a time: fault_*_arm(k) resets the count and fails the k-th request
 * (k = 0: count only, never fail); fault_*_disarm() stops counting. A request made while disarmed is neither
 * counted nor failed.
 */
#ifndef WR_FAULT_INJECTION_H
#define WR_FAULT_INJECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worldrunner/memory_allocator.h"

typedef struct fault_allocator fault_allocator;

/* A base allocator over the C heap, disarmed. */
fault_allocator *fault_allocator_create(void);
/* Destroys the handle; returns the bytes still outstanding (0 if everything came back). */
size_t fault_allocator_destroy(fault_allocator *f);
wr_memory_allocator *fault_allocator_handle(fault_allocator *f);
void fault_allocator_arm(fault_allocator *f, uint64_t fail_at);
void fault_allocator_disarm(fault_allocator *f);
/* Requests counted since the last arm (the failed one included). */
uint64_t fault_allocator_requests(const fault_allocator *f);
/* Whether the armed failure happened. */
bool fault_allocator_fired(const fault_allocator *f);
size_t fault_allocator_bytes_outstanding(const fault_allocator *f);

/* The C heap, when FAULT_HEAP_WRAPPED (else: arm/disarm do nothing and nothing is counted or failed). */
#ifndef FAULT_HEAP_WRAPPED
#define FAULT_HEAP_WRAPPED 0
#endif
void fault_heap_arm(uint64_t fail_at);
void fault_heap_disarm(void);
uint64_t fault_heap_requests(void);
bool fault_heap_fired(void);

#endif
