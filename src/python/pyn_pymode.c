#define _GNU_SOURCE
#include "pyn_pymode.h"

#include "pyn_clock.h"
#include "pyn_tool.h"

#include <errno.h>
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The option targets: strings, as the runtime's tables store them. The
 * depth starts as its default so that the report shows the value in effect;
 * the root is set to the absolute directory once it is known. */
static const char *search_depth_text = PYN_PY_SEARCH_DEPTH_DEFAULT_TEXT;
static const char *search_root_text = NULL;

const struct pyn_option pyn_py_options[] = {
    {"--search-depth", "N", PYN_OPT_STRING, &search_depth_text, 0, "search_depth",
     "import search depth: N existing, irrelevant directories on sys.path between the standard library and the "
     "modules' directory, searched by every import (0..10000; default " PYN_PY_SEARCH_DEPTH_DEFAULT_TEXT
     ": with the standard library's two, what Debian 12's python3 searches for a packaged module)"},
    {"--search-root", "DIR", PYN_OPT_STRING, &search_root_text, 0, "search_root",
     "where those directories are created, once, outside the timed phases (default: python/search-path "
     "beside the program)"},
    PYN_OPTIONS_END,
};

static int parse_depth(const char *text, long *out, char *err, size_t errlen)
{
    char *end = NULL;
    errno = 0;
    long v = text[0] >= '0' && text[0] <= '9' ? strtol(text, &end, 10) : -1;
    if (!end || *end != '\0' || errno || v < 0 || v > PYN_PY_SEARCH_DEPTH_MAX) {
        snprintf(err, errlen, "--search-depth: '%s' is not a whole number in 0..%d", text, PYN_PY_SEARCH_DEPTH_MAX);
        return -EINVAL;
    }
    *out = v;
    return 0;
}

int pyn_py_check_usage(int argc, char **argv, char *err, size_t errlen)
{
    static const char opt[] = "--search-depth";
    const size_t len = sizeof opt - 1;
    long depth;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strncmp(argv[i], opt, len) != 0)
            continue;
        const char *value = NULL;
        if (argv[i][len] == '=')
            value = argv[i] + len + 1;
        else if (argv[i][len] == '\0' && i + 1 < argc)
            value = argv[++i];
        else if (argv[i][len] != '\0')
            continue; /* another option that starts the same way: the runtime judges it */
        /* A missing or empty value is the runtime's message to give. */
        if (value && value[0] != '\0' && parse_depth(value, &depth, err, errlen))
            return -EINVAL;
    }
    return 0;
}

int pyn_py_usage_exit(const char *prog, const char *err)
{
    int rank = 0, initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized)
        MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0)
        fprintf(stderr, "%s: %s\n", prog, err);
    MPI_Finalize();
    return PYN_EXIT_USAGE;
}

/* mkdir -p. */
static int make_dirs(const char *path, char *err, size_t errlen)
{
    char *p = strdup(path);
    if (!p) {
        snprintf(err, errlen, "search path: out of memory");
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
            snprintf(err, errlen, "search path: cannot create directory %s: mkdir: %s", p, strerror(errno));
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
        snprintf(err, errlen, "%s %s: stat: %s", what, path, strerror(e));
        return -e;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s %s: %s", what, path, strerror(ENOTDIR));
        return -ENOTDIR;
    }
    return 0;
}

int pyn_py_search_prepare(const char *default_root, struct pyn_py_search *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    int rc = parse_depth(search_depth_text, &s->depth, err, errlen);
    const char *root = search_root_text ? search_root_text : default_root;
    if (rc == 0 && !root) {
        snprintf(err, errlen, "search path: no root directory (give --search-root DIR)");
        rc = -EINVAL;
    }
    if (rc == 0)
        rc = make_dirs(root, err, errlen);
    if (rc == 0 && !(s->root = realpath(root, NULL))) {
        rc = -errno;
        snprintf(err, errlen, "search path: %s: realpath: %s", root, strerror(errno));
    }
    if (rc == 0 && !(s->dirs = calloc((size_t)s->depth + 1, sizeof *s->dirs))) {
        snprintf(err, errlen, "search path: out of memory for %ld directories", s->depth);
        rc = -ENOMEM;
    }
    for (long k = 0; rc == 0 && k < s->depth; ++k) {
        if (asprintf(&s->dirs[k], "%s/dir%ld", s->root, k) < 0) {
            s->dirs[k] = NULL;
            snprintf(err, errlen, "search path: out of memory");
            rc = -ENOMEM;
        } else if (mkdir(s->dirs[k], 0777) != 0 && errno != EEXIST) {
            rc = -errno;
            snprintf(err, errlen, "search path: cannot create directory %s: mkdir: %s", s->dirs[k], strerror(errno));
        } else {
            rc = pyn_py_check_dir("search path directory", s->dirs[k], err, errlen);
        }
    }
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

char *pyn_py_default_search_root(void)
{
    return pyn_exe_relative("python/search-path");
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
