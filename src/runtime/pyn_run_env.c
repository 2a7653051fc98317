/* SPDX-License-Identifier: BSD-3-Clause */
/* The run's environment (pyn_run_env.h). */
#define _GNU_SOURCE
#include "pyn_run_env.h"

#include "pyn_tool.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__clang__)
#define PYN_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define PYN_COMPILER "gcc " __VERSION__
#else
#define PYN_COMPILER "unknown"
#endif

void pyn_run_env_fill_info(struct pyn_run_info *info, const char *mode_name, const struct pyn_option *const *tables,
                           int argc, char **argv, double main_epoch_s)
{
    time_t t = (time_t)main_epoch_s;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(info->date, sizeof info->date, "%a %b %e %H:%M:%S %Y", &tm);
    /* The original prints time.strftime("%x %X"), and Python leaves LC_TIME at "C": 12/03/26 14:27:39. */
    strftime(info->run_on, sizeof info->run_on, "%x %X", &tm);
    info->start_epoch_s = main_epoch_s;
    info->mode = mode_name;
    info->option_tables = tables;
    info->argc = argc;
    info->argv = argv;
    info->launch_time = NAN;
    info->startup_source = "exec";
    info->startup_exec_resolution_s = NAN;
    /* MPICH's string is many lines (8 KiB at most); the first names it and its version. It is the library's
     * text, not ours: MPICH puts a tab after "Version:", and a report wants one plain line. */
    char *version = calloc(1, MPI_MAX_LIBRARY_VERSION_STRING);
    int len = 0;
    if (version && MPI_Get_library_version(version, &len) == MPI_SUCCESS) {
        version[strcspn(version, "\n")] = '\0';
        snprintf(info->mpi_library, sizeof info->mpi_library, "%s", version);
        pyn_normalise_text(info->mpi_library);
    }
    free(version);
    snprintf(info->libc_version, sizeof info->libc_version, "glibc %s", gnu_get_libc_version());
    info->compiler = PYN_COMPILER;
}

int pyn_run_env_check_launcher(int nranks, const char *mpi_library, char *err, size_t errlen)
{
    static const char *const vars[] = {"PMI_SIZE", "PMIX_SIZE", "OMPI_COMM_WORLD_SIZE", "SLURM_STEP_NUM_TASKS"};
    if (nranks != 1)
        return 0;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; ++i) {
        const char *v = getenv(vars[i]);
        if (v && atoi(v) > 1) {
            snprintf(
                err, errlen,
                "launched as one of %.16s tasks (%s=%.16s) but MPI_COMM_WORLD has 1 rank: the launcher does not match "
                "the MPI library this was built with (%.160s); launch with that MPI's mpiexec or srun --mpi=pmi2",
                v, vars[i], v, mpi_library);
            return -EINVAL;
        }
    }
    return 0;
}
