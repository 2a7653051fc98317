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
 * effect (the default depth, the absolute root). */
extern const struct pyn_option pyn_py_options[];

/* The directories the import searches before the modules' directory. */
struct pyn_py_search {
    long depth;  /* how many */
    char *root;  /* absolute: where they are */
    char **dirs; /* depth absolute paths, in sys.path order */
};

/* Creates the root (with its parents) and the depth directories
 * root/dir0 .. root/dir<depth-1> where missing, and checks each is a
 * directory. The root is --search-root, else default_root, else (NULL) the
 * per-user default, whose own directory (pynamic-UID) must then be private
 * to this user (made 0700; an existing one owned by another user, or
 * writable by others, is an error). Every rank calls
 * it, outside the timed phases (creating an existing directory is a no-op).
 * Returns 0, or a negative errno with one line in err. s is freed with
 * pyn_py_search_free(), after the reports: the report reads the root. */
int pyn_py_search_prepare(const char *default_root, struct pyn_py_search *s, char *err, size_t errlen);
void pyn_py_search_free(struct pyn_py_search *s);

/* The per-user default root, ${TMPDIR:-/tmp}/pynamic-<euid>/search-path,
 * malloc'd; NULL when out of memory. Not beside the program: an installed
 * tree is not writable by its users. */
char *pyn_py_default_search_root(void);

/* 0 if path is a directory; else -errno with "what path: <reason>" in err.
 * For every directory the modes put on sys.path. */
int pyn_py_check_dir(const char *what, const char *path, char *err, size_t errlen);

/* Fills start as pyn_start_capture() would have at epoch_s (seconds since
 * the epoch on CLOCK_REALTIME, e.g. Python's time.time() taken on the driver
 * script's first line): the process's age is taken now and moved back by
 * the time elapsed since epoch_s. */
void pyn_py_start_at(struct pyn_start *start, double epoch_s);

#endif
