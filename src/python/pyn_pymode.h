/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_pymode.h: what the Python modes share that needs no Python API: their
 * options (import search depth and where its directories live), the
 * search-path directories, and a
 * run's start taken at a given time (the driver script's first line).
 *
 * Used by the embedding modes (pyn_embed.h) and by the driver's extension
 * module. Error contract as the runtime's: 0 or a negative errno, one line
 * in the caller's buffer naming the object, the failing call and strerror;
 * nothing here exits. */
#ifndef PYN_PYMODE_H
#define PYN_PYMODE_H

#include "pyn_options.h"
#include "pyn_run.h"

#include <stddef.h>

/* Extra sys.path entries searched between the standard library's entries
 * and the modules' directory when none is given. Debian 12's python3 probes
 * 4 existing directories before /usr/lib/python3/dist-packages, where its
 * packaged modules live: the script's directory, /usr/lib/python3.11,
 * lib-dynload and /usr/local/lib/python3.11/dist-packages. The standard
 * library's two are on sys.path anyway; the default adds the other two.
 * docs/python.md says more. */
#define PYN_PY_SEARCH_DEPTH_DEFAULT_TEXT "2"
#define PYN_PY_SEARCH_DEPTH_MAX 10000

/* The Python modes' own options (PYN_OPTIONS_END-terminated), for
 * struct pyn_mode.options: --search-depth N (unsigned, 0..10000, checked by
 * the runtime's parser like every option) and --search-root DIR. Their
 * report keys are "search_depth" and "search_root"; both show the values in
 * effect (the default depth; the absolute --search-root, or by default the
 * per-user directory that holds the per-run ones). */
extern const struct pyn_option pyn_py_options[];

/* The directories the import searches before the modules' directory. */
struct pyn_py_search {
    long depth;       /* how many */
    char *root;       /* absolute: where they are (by default this rank's per-run directory) */
    char *shown_root; /* absolute: what the report's search_root shows (--search-root, or the per-user directory) */
    char **dirs;      /* depth absolute paths, in sys.path order */
    int run_dir;      /* 1: root is this rank's per-run directory, locked (pyn_lockdir.h) and removed */
    int lock_fd;      /* with run_dir: the lock's descriptor, held for the run */
    long made;        /* per-run: how many of dirs this rank made (removed at the end) */
    char **cleanup;   /* per-run: dirs then root, for the SIGINT/SIGTERM handler (pyn_interrupt.h) */
};

/* The per-run directories' names: PARENT/search-path.HOST.PID.<16 hex>. */
#define PYN_PY_SEARCH_RUN_PREFIX "search-path."

/* Makes the search directories root/dir0 .. root/dir<depth-1>, outside the
 * timed phases, on every rank. The root is --search-root, else
 * default_root (both made with their parents where missing, kept after the
 * run: the user's), else (NULL) this rank's own per-run directory
 * PARENT/search-path.HOST.PID.<16 hex digits> under the per-user directory
 * PARENT = ${TMPDIR:-/tmp}/pynamic-<euid>, which must be private to this
 * user (made 0700; an existing one owned by another user, or writable by
 * others, is an error). The per-run directory is locked for the run's life
 * (pyn_lockdir.h), given to the SIGINT/SIGTERM handler, and removed by
 * pyn_py_search_finish(); before making it, the host's first rank removes
 * the per-run directories of runs no longer running (their lock is free)
 * and says so in one line. Returns 0, or a negative errno with one line in
 * err (what was made is removed again). */
int pyn_py_search_prepare(struct pyn_run *run, const char *default_root, struct pyn_py_search *s, char *err,
                          size_t errlen);

/* After the reports (they read the root), on every run that began: removes
 * the per-run directory, then frees s. Returns status, or PYN_EXIT_ERROR
 * when status was PYN_EXIT_OK and the directory could not be removed (one
 * line on stderr names it; the next run on the host reaps it). */
int pyn_py_search_finish(struct pyn_run *run, struct pyn_py_search *s, int status);

/* The per-user directory of the default, ${TMPDIR:-/tmp}/pynamic-<euid>,
 * malloc'd; NULL when out of memory. Not beside the program: an installed
 * tree is not writable by its users. */
char *pyn_py_default_search_parent(void);

/* 0 if path is a directory; else -errno with "what path: <reason>" in err.
 * For every directory the modes put on sys.path. */
int pyn_py_check_dir(const char *what, const char *path, char *err, size_t errlen);

/* Fills start as pyn_start_capture() would have at epoch_s (seconds since
 * the epoch on CLOCK_REALTIME, e.g. Python's time.time() taken on the driver
 * script's first line): the process's age is taken now and moved back by
 * the time elapsed since epoch_s. */
void pyn_py_start_at(struct pyn_start *start, double epoch_s);

#endif
