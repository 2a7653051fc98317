/* SPDX-License-Identifier: BSD-3-Clause */
/* Preloaded into a mode by faults.library-truncated-after-report: MPI_Finalize
 * first truncates the file PYN_FAULT_TRUNCATE_AT_FINALIZE names to nothing,
 * as a site rebuilding its tree under a running job would, then finalizes.
 * The run's verdict is already out; ld.so's clean-up at exit then reads the
 * truncated library's pages and the process takes SIGBUS. Without the
 * variable, MPI_Finalize as it is. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int MPI_Finalize(void)
{
    int (*real_finalize)(void);
    *(void **)&real_finalize = dlsym(RTLD_NEXT, "MPI_Finalize");
    const char *path = getenv("PYN_FAULT_TRUNCATE_AT_FINALIZE");
    if (path && truncate(path, 0) != 0) {
        perror(path);
        abort(); /* the fault was not made: the test must not pass */
    }
    return real_finalize ? real_finalize() : 1;
}
