/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_check_workdir.h: the work directory of a C unit test that writes
 * files (fractal.unit, outputs.unit). The test takes one argument, a parent
 * directory; it works in a new directory under it (made with its parents if
 * missing), removed when every check held and left for a look otherwise.
 * Header only, beside pyn_check.h; needs _GNU_SOURCE (asprintf). */
#ifndef PYN_CHECK_WORKDIR_H
#define PYN_CHECK_WORKDIR_H

#include "pyn_check.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How many entries dir holds ("." and ".." aside), or -1. */
static inline int pyn_check_count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* mkdir -p. */
static inline int pyn_check_make_dirs(const char *path)
{
    char *p = strdup(path);
    int rc = p ? 0 : -1;
    for (size_t i = 1; p && p[i - 1] && rc == 0; ++i)
        if (p[i] == '/' || p[i] == '\0') {
            char saved = p[i];
            p[i] = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST)
                rc = -1;
            p[i] = saved;
        }
    free(p);
    return rc;
}

/* From "PROG WORKDIR": a new directory under WORKDIR in *work (malloc'd).
 * Returns 0, or the exit status after one line on stderr (2: usage). */
static inline int pyn_check_workdir_begin(int argc, char **argv, char **work)
{
    *work = NULL;
    if (argc != 2) {
        fprintf(stderr, "usage: %s WORKDIR\n", argv[0]);
        return 2;
    }
    if (pyn_check_make_dirs(argv[1]) != 0 || asprintf(work, "%s/run.XXXXXX", argv[1]) < 0 || !mkdtemp(*work)) {
        fprintf(stderr, "%s: cannot make a directory under %s: %s\n", argv[0], argv[1], strerror(errno));
        return 1;
    }
    return 0;
}

/* The test's exit status (pyn_check_status); the work directory is removed
 * when every check held, else left and named. Frees work. */
static inline int pyn_check_workdir_end(char *work)
{
    int status = pyn_check_status();
    if (status)
        fprintf(stderr, "work directory %s left as it is\n", work);
    else
        rmdir(work);
    free(work);
    if (!status)
        printf("all checks passed\n");
    return status;
}

#endif
