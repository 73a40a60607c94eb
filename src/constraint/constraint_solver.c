/* Constraint stage. Placeholder until contacts land: creates the solver and its frame allocator, solves nothing. */
#include "constraint/constraint_solver.h"

#include <assert.h>

#include "core/status_internal.h"

struct constraint_solver {
    memory_manager *manager;
    frame_allocator *frame;
};

wr_status constraint_solver_create(memory_manager *manager, constraint_solver **out)
{
    if (!manager || !out)
        return WR_FAIL(WR_ERR_INVALID_ARGUMENT, "manager and out must not be NULL");
    void *mem = NULL;
    wr_status s = memory_manager_allocate(manager, sizeof(constraint_solver), 0, MEMORY_TAG_SOLVER, &mem);
    if (s != WR_OK)
        return s;
    constraint_solver *solver = mem;
    solver->manager = manager;
    s = frame_allocator_create(manager, 0, MEMORY_TAG_SOLVER, &solver->frame);
    if (s != WR_OK) {
        memory_manager_deallocate(manager, solver, sizeof(constraint_solver), 0, MEMORY_TAG_SOLVER);
        return s;
    }
    *out = solver;
    return WR_OK;
}

void constraint_solver_destroy(constraint_solver *solver)
{
    if (!solver)
        return;
    frame_allocator_destroy(solver->frame);
    memory_manager_deallocate(solver->manager, solver, sizeof(constraint_solver), 0, MEMORY_TAG_SOLVER);
}

wr_status constraint_solver_step(constraint_solver *solver, world *w, double dt)
{
    assert(solver && w && dt > 0);
    (void)w;
    (void)dt;
    return frame_allocator_reset(solver->frame);
}

void constraint_solver_commit(constraint_solver *solver) { (void)solver; }

frame_allocator *constraint_solver_frame(constraint_solver *solver) { return solver->frame; }
