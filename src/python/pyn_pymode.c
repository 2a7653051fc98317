#define _GNU_SOURCE
#include "pyn_pymode.h"

#include "pyn_clock.h"
#include "pyn_tool.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The option targets. The depth is typed: the runtime's parser checks it
 * (a bad value is a usage error like any other) and sets its default; its
 * text is what the report shows. The root is set to the absolute directory
 * once it is known, so that the report shows the root in effect. */
static uint64_t search_depth;
static const char *search_depth_text;
static const char *search_root_text;

const struct pyn_option pyn_py_options[] = {
    PYN_OPTION_UNSIGNED(
        "--search-depth", "N", &search_depth, 0, PYN_PY_SEARCH_DEPTH_MAX, NULL, "search_depth",
        "import search depth: N existing, irrelevant directories on sys.path between the standard library and the "
        "modules' directory, searched by every import (0..10000; default " PYN_PY_SEARCH_DEPTH_DEFAULT_TEXT
        ": with the standard library's two, what Debian 12's python3 searches for a packaged module)",
        .def = PYN_PY_SEARCH_DEPTH_DEFAULT_TEXT, .text = &search_depth_text),
    PYN_OPTION_PATH("--search-root", "DIR", &search_root_text, "search_root",
                    "where those directories are created, once, outside the timed phases (default: "
                    "${TMPDIR:-/tmp}/pynamic-UID/search-path, private to the user)"),
    PYN_OPTIONS_END,
};

/* mkdir -p. */
static int make_dirs(const char *path, char *err, size_t errlen)
{
    char *p = strdup(path);
    if (!p) {
        pyn_format_middle(err, errlen, "search path: out of memory");
        return -ENOMEM;
    }
    int rc = 0;
    size_t n = strlen(p);
    for (size_t i = 1; i <= n && rc == 0; ++i) {
        if (i < n && p[i] != '/')
            continue;
        char saved = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            rc = -errno;
            pyn_format_middle(err, errlen, "search path: cannot create directory %s: mkdir: %s", p, strerror(errno));
        }
        p[i] = saved;
    }
    free(p);
    return rc ? rc : pyn_py_check_dir("search path directory", path, err, errlen);
}

int pyn_py_check_dir(const char *what, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        pyn_format_middle(err, errlen, "%s %s: stat: %s", what, path, strerror(e));
        return -e;
    }
    if (!S_ISDIR(st.st_mode)) {
        pyn_format_middle(err, errlen, "%s %s: %s", what, path, strerror(ENOTDIR));
        return -ENOTDIR;
    }
    return 0;
}

/* The per-user directory that holds the default root. Made 0700 when
 * missing; an existing one must be a real directory of this user that no one
 * else may write into: in a shared /tmp another user could otherwise plant
 * the search directories, or a link to anywhere, under a name we predict. */
static int private_dir(const char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        int e = errno;
        pyn_format_middle(err, errlen,
                          "search path: cannot create directory %s: mkdir: %s (set TMPDIR or give --search-root DIR)",
                          dir, strerror(e));
        return -e;
    }
    struct stat st;
    if (lstat(dir, &st) != 0) {
        int e = errno;
        pyn_format_middle(err, errlen, "search path: %s: lstat: %s", dir, strerror(e));
        return -e;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
        pyn_format_middle(
            err, errlen,
            "search path: %s is not a private directory of uid %u (it is a %s of uid %u, mode %03o): remove it, "
            "or give --search-root DIR",
            dir, (unsigned)geteuid(), S_ISDIR(st.st_mode) ? "directory" : "non-directory", (unsigned)st.st_uid,
            (unsigned)(st.st_mode & 07777));
        return -EPERM;
    }
    return 0;
}

int pyn_py_search_prepare(const char *default_root, struct pyn_py_search *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    int rc = 0;
    s->depth = (long)search_depth;
    char *own = NULL; /* the per-user default, when it is the root */
    const char *root = search_root_text ? search_root_text : default_root;
    if (!root && !(root = own = pyn_py_default_search_root())) {
        pyn_format_middle(err, errlen, "search path: no root directory (give --search-root DIR)");
        rc = -EINVAL;
    }
    if (rc == 0 && own) {
        char *user_dir = strdup(own);
        char *slash = user_dir ? strrchr(user_dir, '/') : NULL;
        if (slash) {
            *slash = '\0';
            rc = private_dir(user_dir, err, errlen);
        } else {
            snprintf(err, errlen, "search path: out of memory");
            rc = -ENOMEM;
        }
        free(user_dir);
    }
    if (rc == 0)
        rc = make_dirs(root, err, errlen);
    if (rc == 0 && !(s->root = realpath(root, NULL))) {
        rc = -errno;
        pyn_format_middle(err, errlen, "search path: %s: realpath: %s", root, strerror(errno));
    }
    if (rc == 0 && !(s->dirs = calloc((size_t)s->depth + 1, sizeof *s->dirs))) {
        pyn_format_middle(err, errlen, "search path: out of memory for %ld directories", s->depth);
        rc = -ENOMEM;
    }
    for (long k = 0; rc == 0 && k < s->depth; ++k) {
        if (asprintf(&s->dirs[k], "%s/dir%ld", s->root, k) < 0) {
            s->dirs[k] = NULL;
            pyn_format_middle(err, errlen, "search path: out of memory");
            rc = -ENOMEM;
        } else if (mkdir(s->dirs[k], 0777) != 0 && errno != EEXIST) {
            rc = -errno;
            pyn_format_middle(err, errlen, "search path: cannot create directory %s: mkdir: %s", s->dirs[k],
                              strerror(errno));
        } else {
            rc = pyn_py_check_dir("search path directory", s->dirs[k], err, errlen);
        }
    }
    free(own);
    if (rc) {
        pyn_py_search_free(s);
        return rc;
    }
    search_root_text = s->root; /* the report shows the absolute root in effect */
    return 0;
}

void pyn_py_search_free(struct pyn_py_search *s)
{
    if (search_root_text && search_root_text == s->root)
        search_root_text = NULL;
    for (long k = 0; s->dirs && k < s->depth; ++k)
        free(s->dirs[k]);
    free(s->dirs);
    free(s->root);
    memset(s, 0, sizeof *s);
}

/* Per user, not beside the program: an installed tree is read-only to
 * everyone but its owner. Per user rather than per job: the directories are
 * empty and the same for every run, so a run that dies leaves nothing that the
 * next would have to reap, and no rank needs to agree with another on a name. */
char *pyn_py_default_search_root(void)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    char *root;
    if (asprintf(&root, "%s/pynamic-%u/search-path", tmp, (unsigned)geteuid()) < 0)
        return NULL;
    return root;
}

void pyn_py_start_at(struct pyn_start *start, double epoch_s)
{
    struct pyn_start now;
    pyn_start_capture(&now);
    double elapsed = now.epoch_s - epoch_s;
    start->epoch_s = epoch_s;
    start->age_resolution_s = now.age_resolution_s;
    start->age_s = now.age_s - elapsed;
    /* A time before the process existed (or in the future) cannot be its start. */
    start->age_ok = now.age_ok && elapsed >= 0 && start->age_s >= -now.age_resolution_s;
    if (start->age_ok && start->age_s < 0)
        start->age_s = 0;
}
