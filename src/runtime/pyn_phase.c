/* SPDX-License-Identifier: BSD-3-Clause */
#include "pyn_phase.h"

static const char *const phase_names[PYN_PHASE_COUNT] = {
    [PYN_PHASE_MPI_INIT] = "mpi_init",
    [PYN_PHASE_STARTUP] = "startup",
    [PYN_PHASE_IMPORT] = "import",
    [PYN_PHASE_VISIT] = "visit",
};

const char *pyn_phase_name(enum pyn_phase phase)
{
    return (phase >= 0 && phase < PYN_PHASE_COUNT) ? phase_names[phase] : 0;
}
