/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_run_env.h: what a run records and checks about where it runs, before
 * its phases: the date, the command line, the MPI library, libc and
 * compiler versions for the reports, and whether the launcher matches the
 * MPI library (a mismatch makes every process a one-rank world).
 */
#ifndef PYN_RUN_ENV_H
#define PYN_RUN_ENV_H

#include "pyn_options.h"
#include "pyn_results.h"

#include <stddef.h>

/* Fills info for the reports: the dates of main_epoch_s (the original's
 * "%x %X" and a long form), mode_name, the option tables and the command
 * line (borrowed, not copied), the MPI library's first line, the libc and
 * compiler versions; the launch time NaN and the startup source "exec"
 * until they are known. Needs MPI initialised. */
void pyn_run_env_fill_info(struct pyn_run_info *info, const char *mode_name, const struct pyn_option *const *tables,
                           int argc, char **argv, double main_epoch_s);

/* MPICH run by another MPI's launcher starts N one-rank worlds that would
 * each report as rank 0 of 1. When nranks is 1 but the launcher's
 * environment says more tasks, returns -EINVAL with one line in err naming
 * the variable and mpi_library; else 0. */
int pyn_run_env_check_launcher(int nranks, const char *mpi_library, char *err, size_t errlen);

#endif
