/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_phase.h: the phases of a run, in the order they happen. */
#ifndef PYN_PHASE_H
#define PYN_PHASE_H

enum pyn_phase {
    PYN_PHASE_MPI_INIT, /* MPI_Init, timed on each rank */
    PYN_PHASE_STARTUP,  /* launch (or process creation) to the first line of main */
    PYN_PHASE_IMPORT,   /* loading every module: files, mapping, symbol binding */
    PYN_PHASE_VISIT,    /* calling every module's entry through its call chains */
    PYN_PHASE_COUNT
};

/* "mpi_init", "startup", "import", "visit"; NULL for an out-of-range value. */
const char *pyn_phase_name(enum pyn_phase phase);

#endif
