/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE
#include "pyn_pymode.h"

#include "pyn_clock.h"
#include "pyn_interrupt.h"
#include "pyn_lockdir.h"
#include "pyn_results.h"
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
                    "where those directories are created, outside the timed phases, and kept (default: a directory "
                    "of each rank's own under ${TMPDIR:-/tmp}/pynamic-UID, private to the user, removed at the "
                    "run's end)"),
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

static const struct pyn_lockdir_kind search_kind = {
    .prefix = PYN_PY_SEARCH_RUN_PREFIX, .who = "search path", .root = "directory", .holder = "run"};

/* --search-root DIR or the caller's default: made where missing, kept. */
static int given_root(const char *root, struct pyn_py_search *s, char *err, size_t errlen)
{
    int rc = make_dirs(root, err, errlen);
    if (rc == 0 && !(s->root = realpath(root, NULL))) {
        rc = -errno;
        pyn_format_middle(err, errlen, "search path: %s: realpath: %s", root, strerror(errno));
    }
    if (rc == 0 && !(s->shown_root = strdup(s->root))) {
        pyn_format_middle(err, errlen, "search path: out of memory");
        rc = -ENOMEM;
    }
    return rc;
}

/* The default: this rank's own directory under the per-user one, locked for
 * the run. Per run, not shared by the user's runs: two jobs on one host
 * would otherwise make, search and (now that runs remove what they make)
 * remove the same directories under each other. Per rank, not per job: a
 * rank needs no other rank to agree on a name, and no rank can remove a
 * directory another rank of its host still searches. */
static int run_root(struct pyn_run *run, struct pyn_py_search *s, char *err, size_t errlen)
{
    char *parent = pyn_py_default_search_parent();
    if (!parent) {
        pyn_format_middle(err, errlen, "search path: out of memory");
        return -ENOMEM;
    }
    int rc = private_dir(parent, err, errlen);
    if (rc == 0 && !(s->shown_root = realpath(parent, NULL))) {
        rc = -errno;
        pyn_format_middle(err, errlen, "search path: %s: realpath: %s", parent, strerror(errno));
    }
    free(parent);
    if (rc)
        return rc;
    /* What runs killed on this host left (their lock is free): one rank per
     * host removes it, before this run adds its own. */
    if (pyn_run_host_rank(run) == 0) {
        char names[1024];
        int reaped = pyn_lockdir_reap(&search_kind, s->shown_root, names, sizeof names, err, errlen);
        if (reaped < 0)
            return reaped;
        if (reaped > 0)
            pyn_run_note(run, "search path: removed %d search director%s of runs no longer running from %s: %s", reaped,
                         reaped == 1 ? "y" : "ies", s->shown_root, names);
    }
    char host[64] = "host";
    gethostname(host, sizeof host);
    host[sizeof host - 1] = '\0';
    for (char *p = host; *p; ++p)
        if (*p == '/')
            *p = '_';
    char name[PATH_MAX];
    if (pyn_lockdir_name(&search_kind, name, sizeof name, s->shown_root, host, (long)getpid()) != 0) {
        pyn_format_middle(err, errlen, "search path: %s: the run's directory name would be longer than PATH_MAX",
                          s->shown_root);
        return -ENAMETOOLONG;
    }
    rc = pyn_lockdir_create(&search_kind, name, &s->lock_fd, err, errlen);
    if (rc)
        return rc;
    s->run_dir = 1;
    if (!(s->root = strdup(name))) {
        rmdir(name);
        pyn_lockdir_unlock(s->lock_fd);
        s->lock_fd = -1;
        s->run_dir = 0;
        pyn_format_middle(err, errlen, "search path: out of memory");
        return -ENOMEM;
    }
    return 0;
}

/* The handler's list: the directories, then the root; each ends in '/'
 * (rmdir). Given before any directory is made: removing one not made yet
 * fails harmlessly. */
static int arm_cleanup(struct pyn_py_search *s, char *err, size_t errlen)
{
    size_t n = (size_t)s->depth + 1;
    if (!(s->cleanup = calloc(n + 1, sizeof *s->cleanup))) {
        pyn_format_middle(err, errlen, "search path: out of memory");
        return -ENOMEM;
    }
    int bad = 0;
    for (long k = 0; k < s->depth; ++k)
        bad |= asprintf(&s->cleanup[k], "%s/dir%ld/", s->root, k) < 0;
    bad |= asprintf(&s->cleanup[s->depth], "%s/", s->root) < 0;
    if (bad) {
        pyn_format_middle(err, errlen, "search path: out of memory");
        return -ENOMEM;
    }
    pyn_interrupt_cleanup_for(PYN_INTERRUPT_SEARCH, s->cleanup, n);
    return 0;
}

/* Removes what this rank made of its per-run directory, then drops the
 * lock. Returns 0 or -errno with one line in err. ENOENT is fine after
 * SIGINT/SIGTERM: the handler removed some already. */
static int remove_run_root(struct pyn_py_search *s, char *err, size_t errlen)
{
    pyn_interrupt_cleanup_for(PYN_INTERRUPT_SEARCH, NULL, 0);
    int rc = 0, gone_ok = pyn_interrupt_caught(NULL) != 0;
    for (long k = s->made - 1; k >= 0; --k)
        if (rmdir(s->dirs[k]) != 0 && !(gone_ok && errno == ENOENT) && rc == 0) {
            rc = -errno;
            pyn_format_middle(err, errlen, "search path: remove %s: %s", s->dirs[k], strerror(errno));
        }
    if (s->root && rmdir(s->root) != 0 && !(gone_ok && errno == ENOENT) && rc == 0) {
        rc = -errno;
        pyn_format_middle(err, errlen, "search path: remove %s: %s", s->root, strerror(errno));
    }
    pyn_lockdir_unlock(s->lock_fd);
    s->lock_fd = -1;
    return rc;
}

static void search_free(struct pyn_py_search *s)
{
    if (search_root_text && search_root_text == s->shown_root)
        search_root_text = NULL;
    for (long k = 0; s->dirs && k < s->depth; ++k)
        free(s->dirs[k]);
    for (long k = 0; s->cleanup && k <= s->depth; ++k)
        free(s->cleanup[k]);
    free(s->cleanup);
    free(s->dirs);
    free(s->root);
    free(s->shown_root);
    memset(s, 0, sizeof *s);
    s->lock_fd = -1;
}

int pyn_py_search_prepare(struct pyn_run *run, const char *default_root, struct pyn_py_search *s, char *err,
                          size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->lock_fd = -1;
    s->depth = (long)search_depth;
    const char *root = search_root_text ? search_root_text : default_root;
    int rc = root ? given_root(root, s, err, errlen) : run_root(run, s, err, errlen);
    if (rc == 0 && !(s->dirs = calloc((size_t)s->depth + 1, sizeof *s->dirs))) {
        pyn_format_middle(err, errlen, "search path: out of memory for %ld directories", s->depth);
        rc = -ENOMEM;
    }
    if (rc == 0 && s->run_dir)
        rc = arm_cleanup(s, err, errlen);
    for (long k = 0; rc == 0 && k < s->depth; ++k) {
        if (asprintf(&s->dirs[k], "%s/dir%ld", s->root, k) < 0) {
            s->dirs[k] = NULL;
            pyn_format_middle(err, errlen, "search path: out of memory");
            rc = -ENOMEM;
        } else if (mkdir(s->dirs[k], s->run_dir ? 0700 : 0777) != 0 && (errno != EEXIST || s->run_dir)) {
            rc = -errno;
            pyn_format_middle(err, errlen, "search path: cannot create directory %s: mkdir: %s", s->dirs[k],
                              strerror(errno));
        } else {
            if (s->run_dir)
                s->made = k + 1;
            rc = pyn_py_check_dir("search path directory", s->dirs[k], err, errlen);
        }
    }
    if (rc) {
        char ignored[PYN_ERROR_MAX];
        if (s->run_dir)
            remove_run_root(s, ignored, sizeof ignored);
        search_free(s);
        return rc;
    }
    search_root_text = s->shown_root; /* the report shows the absolute root in effect */
    return 0;
}

int pyn_py_search_finish(struct pyn_run *run, struct pyn_py_search *s, int status)
{
    char err[PYN_ERROR_MAX];
    int rc = s->run_dir ? remove_run_root(s, err, sizeof err) : 0;
    search_free(s);
    if (rc == 0)
        return status;
    pyn_run_note(run, "%s (the next run on this host removes it)", err);
    return status == PYN_EXIT_OK ? PYN_EXIT_ERROR : status;
}

/* Per user, not beside the program: an installed tree is read-only to
 * everyone but its owner. */
char *pyn_py_default_search_parent(void)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    char *dir;
    if (asprintf(&dir, "%s/pynamic-%u", tmp, (unsigned)geteuid()) < 0)
        return NULL;
    return dir;
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
