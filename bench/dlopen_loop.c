/* SPDX-License-Identifier: BSD-3-Clause */
/* dlopen_loop: the dlopen mode's import without the runtime, to show what
 * the objects already loaded cost each later load (docs/metrics.md, "Objects
 * loaded before the import"). bench/objects_before_import.py builds and runs it.
 *
 *   dlopen_loop [--mpi] [--modules-only] LIBDIR MODULE...
 *
 * With --mpi, MPI_Init runs first (MPICH maps its plugins and transports).
 * Then, as pynamic-mode-dlopen does, LIBDIR/libmodulebegin.so and each
 * MODULE are dlopen'ed (RTLD_NOW | RTLD_LOCAL) by path (--modules-only: the
 * modules alone, the first bringing in the utilities, with RTLD_GLOBAL so
 * that each module's call of the one before it resolves); prints the objects
 * mapped before the loop and the loop's seconds. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int count_one(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)info, (void)size;
    ++*(int *)data;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int global; /* --modules-only */

static int load(const char *dir, const char *file)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (!dlopen(path, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL))) {
        fprintf(stderr, "dlopen_loop: %s\n", dlerror());
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int first = 1, mpi = 0, modules_only = 0;
    for (; first < argc && argv[first][0] == '-'; ++first) {
        if (strcmp(argv[first], "--mpi") == 0)
            mpi = 1;
        else if (strcmp(argv[first], "--modules-only") == 0)
            modules_only = global = 1;
        else
            break;
    }
    if (argc < first + 2) {
        fprintf(stderr, "usage: dlopen_loop [--mpi] [--modules-only] LIBDIR MODULE...\n");
        return 2;
    }
    if (mpi)
        MPI_Init(&argc, &argv);
    int objects = 0;
    dl_iterate_phdr(count_one, &objects);
    const char *dir = argv[first];
    double t0 = now();
    int rc = modules_only ? 0 : load(dir, "libmodulebegin.so");
    for (int i = first + 1; rc == 0 && i < argc; ++i)
        rc = load(dir, argv[i]);
    double t = now() - t0;
    if (rc == 0)
        printf("%d %.6f\n", objects, t);
    if (mpi)
        MPI_Finalize();
    return rc ? 1 : 0;
}
