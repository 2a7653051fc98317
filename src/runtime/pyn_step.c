/* SPDX-License-Identifier: BSD-3-Clause */
/* The run's current step (pyn_step.h). A signal handler reads it: plain
 * volatile sig_atomic_t, written by the main flow only. */
#include "pyn_step.h"

#include "pyn_clock.h"

#include <signal.h>

static const char *const step_names[PYN_STEP_COUNT] = {
    [PYN_STEP_SETUP] = "set-up", [PYN_STEP_STAGE] = "staging",          [PYN_STEP_IMPORT] = "import",
    [PYN_STEP_VISIT] = "visit",  [PYN_STEP_END] = "the end of the run",
};

static volatile sig_atomic_t current = PYN_STEP_SETUP;
static uint64_t current_since_ns;

const char *pyn_step_name(enum pyn_step step)
{
    return step >= 0 && step < PYN_STEP_COUNT ? step_names[step] : 0;
}

void pyn_step_enter(enum pyn_step step)
{
    current_since_ns = pyn_clock_monotonic_ns();
    current = step;
}

enum pyn_step pyn_step_current(uint64_t *since_ns)
{
    if (since_ns)
        *since_ns = current_since_ns;
    return (enum pyn_step)current;
}
