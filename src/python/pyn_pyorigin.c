/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pyn_pyorigin.h"

#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* module.__file__ as a file-system path (malloc'd), or NULL. */
static char *module_file(PyObject *module)
{
    PyObject *name = PyModule_GetFilenameObject(module);
    PyObject *bytes = name ? PyUnicode_EncodeFSDefault(name) : NULL;
    char *path = bytes ? strdup(PyBytes_AS_STRING(bytes)) : NULL;
    Py_XDECREF(bytes);
    Py_XDECREF(name);
    PyErr_Clear();
    return path;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* True when dir is one of PYTHONPATH's entries and this interpreter reads
 * the environment (the embedding modes are isolated and do not). */
static bool from_pythonpath(const char *dir)
{
    const char *env = getenv("PYTHONPATH");
    PyObject *flags = PySys_GetObject("flags"); /* borrowed */
    PyObject *ignore = flags ? PyObject_GetAttrString(flags, "ignore_environment") : NULL;
    bool ignored = !ignore || PyObject_IsTrue(ignore) != 0;
    Py_XDECREF(ignore);
    PyErr_Clear();
    if (!env || ignored)
        return false;
    char *copy = strdup(env), *save = NULL;
    bool found = false;
    for (char *entry = copy ? strtok_r(copy, ":", &save) : NULL; entry && !found; entry = strtok_r(NULL, ":", &save))
        found = same_file(entry, dir);
    free(copy);
    return found;
}

/* Compares one module with its file; on a difference records the error. */
static int check_one(struct pyn_run *run, const struct pyn_library *lib, PyObject *modules)
{
    PyObject *module = PyDict_GetItemString(modules, lib->name); /* borrowed */
    if (!module)
        return 0; /* not imported: the import's own error says why */
    const char *staged = pyn_run_staged_path(run, lib->file);
    char *expected = NULL, *imported = module_file(module);
    int rc = 0;
    if (staged)
        expected = strdup(staged);
    else if (asprintf(&expected, "%s/%s", pyn_run_library_dir(run), lib->file) < 0)
        expected = NULL;
    if (!expected)
        rc = pyn_run_fail(run, -ENOMEM, "import: %s: out of memory", lib->name);
    else if (!imported)
        rc = pyn_run_fail(run, -ENOENT, "import: %s: Python imported a module with no file, not %s", lib->name,
                          expected);
    /* The path as Python built it (a sys.path entry and the file name) is
     * the run's own spelling when nothing shadows it: no stat then, so the
     * check adds no metadata traffic on every rank at scale. */
    else if (strcmp(imported, expected) != 0 && !same_file(imported, expected)) {
        char *dir_copy = strdup(imported);
        const char *dir = dir_copy ? dirname(dir_copy) : "?";
        rc = pyn_run_fail(run, -EEXIST,
                          "import: %s: Python imported %s, not %s: the sys.path entry %s%s comes before the modules' "
                          "directory and shadows it",
                          lib->name, imported, expected, dir, from_pythonpath(dir) ? " (from PYTHONPATH)" : "");
        free(dir_copy);
    }
    free(expected);
    free(imported);
    return rc;
}

int pyn_py_check_imported(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    PyObject *modules = PyImport_GetModuleDict(); /* borrowed */
    int rc = 0;
    for (size_t i = 0; rc == 0 && modules && i < m->nlibraries + m->nmarkers; ++i) {
        const struct pyn_library *lib = i < m->nlibraries ? &m->libraries[i] : &m->markers[i - m->nlibraries];
        if (lib->kind != PYN_LIBRARY_UTILITY)
            rc = check_one(run, lib, modules);
    }
    return rc;
}
