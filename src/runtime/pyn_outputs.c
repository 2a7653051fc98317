/* SPDX-License-Identifier: BSD-3-Clause */
/* The check of a run's outputs (pyn_outputs.h). The one copy: --fractal-image's
 * own check became this when every output needed the same. */
#define _GNU_SOURCE
#include "pyn_outputs.h"

#include "pyn_file.h"
#include "pyn_tool.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory part of path (malloc'd; NULL when out of memory). */
static char *dir_of(const char *path)
{
    char *copy = strdup(path), *dir = copy ? strdup(dirname(copy)) : NULL;
    free(copy);
    return dir;
}

/* dir resolved (realpath) joined with path's last component, so
 * "./a/../r.json" and "r.json" agree; NULL when dir does not resolve or
 * memory runs out. real_dir, when given, is dir already resolved. */
static char *canonical(const char *path, const char *real_dir)
{
    char *copy = strdup(path), *dir = copy ? dir_of(path) : NULL;
    char *real = real_dir ? NULL : dir ? realpath(dir, NULL) : NULL, *out = NULL;
    const char *use = real_dir ? real_dir : real;
    if (use && asprintf(&out, "%s/%s", strcmp(use, "/") == 0 ? "" : use, basename(copy)) < 0)
        out = NULL;
    free(copy);
    free(dir);
    free(real);
    return out;
}

/* What is known of one output: whether it exists (and its device and inode), and its canonical name. */
struct side {
    bool exists;
    struct stat st;
    char *canon;
};

static void side_of(const char *path, const char *real_dir, struct side *s)
{
    s->exists = stat(path, &s->st) == 0;
    s->canon = canonical(path, real_dir);
}

static bool same(const char *a_path, const struct side *a, const char *b_path, const struct side *b)
{
    if (a->exists && b->exists)
        return a->st.st_dev == b->st.st_dev && a->st.st_ino == b->st.st_ino;
    return a->canon && b->canon ? strcmp(a->canon, b->canon) == 0 : strcmp(a_path, b_path) == 0;
}

/* Is input the same file as the output o (side os)? Sets *joined to its path for the message (malloc'd). A file
 * given whole (the manifest, the executable, a map) is looked at: the inode decides when both exist. A library is
 * compared by name (its directory is resolved already): looking at a thousand libraries before the run would warm
 * the caches the import is timed on and show in the loader's counts. Only an output that is a hard link (more than
 * one name) needs every library's inode. */
static bool is_input(const char *o, const struct side *os, const struct pyn_input *in, char **joined)
{
    *joined = NULL;
    if (in->dir && asprintf(joined, "%s/%s", in->dir, in->name) < 0) {
        *joined = NULL;
        return false;
    }
    const char *path = in->dir ? *joined : in->name;
    struct side is = {.exists = false};
    if (!in->dir || (os->exists && os->st.st_nlink > 1))
        is.exists = stat(path, &is.st) == 0;
    if (os->exists && is.exists)
        return os->st.st_dev == is.st.st_dev && os->st.st_ino == is.st.st_ino;
    is.canon = canonical(path, in->dir);
    bool hit = same(o, os, path, &is);
    free(is.canon);
    return hit;
}

/* The path itself and its directory. */
static int check_place(const char *opt, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        pyn_format_middle(err, errlen, "%s %s: it exists and is %s; give a file path", opt, path,
                          S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
        return S_ISDIR(st.st_mode) ? -EISDIR : -EEXIST;
    }
    char *dir = dir_of(path);
    if (!dir) {
        pyn_format_middle(err, errlen, "%s %s: out of memory", opt, path);
        return -ENOMEM;
    }
    int rc = 0;
    /* Two paths in one line: each keeps its start and end, and the words between them stay. */
    char p[PATH_MAX], d[PATH_MAX];
    pyn_shorten_pair(p, d, sizeof p, errlen, path, dir);
    if (stat(dir, &st) != 0) {
        rc = -errno;
        pyn_format_middle(err, errlen, "%s %s: directory %s: stat: %s", opt, p, d, strerror(-rc));
    } else if (!S_ISDIR(st.st_mode)) {
        rc = -ENOTDIR;
        pyn_format_middle(err, errlen, "%s %s: %s: %s", opt, p, d, strerror(ENOTDIR));
    } else {
        /* Permission bits do not say it (root, read-only mounts, ACLs): try, with the writer's own temporary name. */
        char *probe = NULL;
        int fd = pyn_file_create_temp(path, &probe);
        if (fd < 0) {
            rc = fd;
            pyn_format_middle(err, errlen, "%s %s: cannot create a file in directory %s: %s", opt, p, d, strerror(-rc));
        } else {
            close(fd);
            unlink(probe);
            free(probe);
        }
    }
    free(dir);
    return rc;
}

static int check_one(const struct pyn_output *outs, size_t i, const struct pyn_input *ins, size_t nins, char *err,
                     size_t errlen)
{
    const char *opt = outs[i].option, *path = outs[i].path;
    if (!path[0]) {
        pyn_format_middle(err, errlen, "%s: no path given", opt);
        return -EINVAL;
    }
    struct side os;
    side_of(path, NULL, &os);
    int rc = 0;
    /* Two paths in one line: each keeps its start and end, and the words between them stay. */
    char p[PATH_MAX], q[PATH_MAX];
    for (size_t j = 0; j < i && rc == 0; ++j) {
        if (!outs[j].path)
            continue;
        struct side other;
        side_of(outs[j].path, NULL, &other);
        if (same(path, &os, outs[j].path, &other)) {
            pyn_shorten_pair(p, q, sizeof p, errlen, path, outs[j].path);
            pyn_format_middle(err, errlen, "%s %s: the same file as %s %s; give each output its own path", opt, p,
                              outs[j].option, q);
            rc = -EINVAL;
        }
        free(other.canon);
    }
    for (size_t k = 0; k < nins && rc == 0; ++k) {
        char *joined = NULL;
        if (ins[k].name && is_input(path, &os, &ins[k], &joined)) {
            pyn_shorten_pair(p, q, sizeof p, errlen, path, joined ? joined : ins[k].name);
            pyn_format_middle(err, errlen,
                              "%s %s: the same file as %s %s, which this run reads; give the output a path "
                              "of its own",
                              opt, p, ins[k].what, q);
            rc = -EINVAL;
        }
        free(joined);
    }
    free(os.canon);
    return rc ? rc : check_place(opt, path, err, errlen);
}

int pyn_outputs_check(const struct pyn_output *outs, size_t nouts, const struct pyn_input *ins, size_t nins, char *err,
                      size_t errlen)
{
    int rc = 0;
    for (size_t i = 0; i < nouts && rc == 0; ++i)
        if (outs[i].path)
            rc = check_one(outs, i, ins, nins, err, errlen);
    if (rc)
        pyn_escape_controls(err, errlen);
    return rc;
}
