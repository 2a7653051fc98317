/* SPDX-License-Identifier: BSD-3-Clause */
/* _pynamic: the shared C runtime (MPI included) for pynamic_driver.py, so an
 * unmodified python3 runs the same phases, checks and reports as the C
 * modes, with no mpi4py. run() hands the runtime's one phase driver
 * (pyn_main_at, pyn_run.h) a mode whose hooks call the script's methods;
 * the accessors below are for those methods. One run per process.
 *
 *   run(argv, start_epoch, default_search_root or None (per run, under the user's), hooks) -> exit status (the same on
 * every rank) hooks.prepare()           outside the phases: sys.path hooks.import_all()        the timed import phase
 *     hooks.visit_all()         the timed visit phase
 *     hooks.epilogue(status)    after the reports, before MPI_Finalize; collective
 *   inside them:
 *     modules() -> [name, ...]             markers() -> (begin_name, final_name)
 *     search_path() -> [dir, ...]          search_root() -> str       rank() -> int
 *     module_imported(i), visit_result(i, value), fail(message) */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pyn_pyerr.h"
#include "pyn_pyorigin.h"
#include "pyn_pymode.h"
#include "pyn_results.h"
#include "pyn_run.h"
#include "pyn_tool.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    bool ran;            /* run() is once per process: MPI cannot start twice */
    struct pyn_run *run; /* during run(): the hooks' run */
    PyObject *hooks;     /* the script's object, borrowed for run()'s duration */
    const char *default_root;
    char **argv; /* the strings, kept alive for the run */
    int argc;
    struct pyn_py_search search;
} st;

static bool running(void)
{
    if (st.run)
        return true;
    PyErr_SetString(PyExc_RuntimeError, "_pynamic: no run in progress (call this from run()'s hooks)");
    return false;
}

static void free_argv(void)
{
    for (int i = 0; st.argv && i < st.argc; ++i)
        free(st.argv[i]);
    free(st.argv);
    st.argv = NULL;
    st.argc = 0;
}

/* argv as the file system encoding has it, as python3 received it. */
static bool copy_argv(PyObject *seq)
{
    PyObject *fast = PySequence_Fast(seq, "run(): argv must be a sequence of str");
    if (!fast)
        return false;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    bool ok = n >= 1 && n < INT_MAX;
    if (!ok)
        PyErr_SetString(PyExc_ValueError, "run(): argv must hold at least the program name");
    if (ok && !(st.argv = calloc((size_t)n + 1, sizeof *st.argv))) {
        PyErr_NoMemory();
        ok = false;
    }
    for (Py_ssize_t i = 0; ok && i < n; ++i) {
        PyObject *bytes = NULL;
        if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(fast, i), &bytes)) {
            ok = false;
            break;
        }
        st.argv[i] = strdup(PyBytes_AS_STRING(bytes));
        Py_DECREF(bytes);
        st.argc = (int)i + 1;
        if (!st.argv[i]) {
            PyErr_NoMemory();
            ok = false;
        }
    }
    Py_DECREF(fast);
    if (!ok)
        free_argv();
    return ok;
}

/* hooks.NAME(arg) or hooks.NAME(); an exception the script let through
 * becomes this rank's error, so every rank still makes the same
 * collective calls. */
static void call_hook(struct pyn_run *run, const char *name, PyObject *arg)
{
    st.run = run;
    PyObject *r = arg ? PyObject_CallMethod(st.hooks, name, "O", arg) : PyObject_CallMethod(st.hooks, name, NULL);
    if (!r) {
        char text[PYN_ERROR_MAX - 64];
        pyn_py_exception_text(text, sizeof text);
        pyn_run_fail(run, -EINVAL, "python: %s(): %s", name, text);
    }
    Py_XDECREF(r);
}

/* Outside the timed phases, on every rank: the search-path directories and
 * the modules' directory, then the script's sys.path. */
static void driver_prepare(struct pyn_run *run)
{
    char err[PYN_ERROR_MAX - 64];
    int rc = pyn_py_search_prepare(run, st.default_root, &st.search, err, sizeof err);
    if (rc == 0)
        rc = pyn_py_check_dir("python: sys.path entry", pyn_run_library_dir(run), err, sizeof err);
    if (rc)
        pyn_run_fail(run, rc, "%s", err);
    else
        call_hook(run, "prepare", NULL);
}

/* After the import phase's agreement, outside the clocks: a module found
 * earlier on the script's sys.path (PYTHONPATH) is named here, not blamed
 * on the tree at the visit's check. */
static void driver_after_phase(struct pyn_run *run, enum pyn_phase phase, bool all_ok)
{
    if (phase == PYN_PHASE_IMPORT && all_ok)
        pyn_py_check_imported(run);
}

static int driver_import(struct pyn_run *run)
{
    call_hook(run, "import_all", NULL);
    return 0;
}

static int driver_visit(struct pyn_run *run)
{
    call_hook(run, "visit_all", NULL);
    return 0;
}

static void driver_epilogue(struct pyn_run *run, int status)
{
    fflush(stdout); /* the runtime's lines, before anything the script prints */
    PyObject *arg = PyLong_FromLong(status);
    if (arg)
        call_hook(run, "epilogue", arg);
    Py_XDECREF(arg);
    PyErr_Clear();
}

static int driver_cleanup(struct pyn_run *run, int status)
{
    return pyn_py_search_finish(run, &st.search, status);
}

static const struct pyn_mode driver_mode = {
    .name = "python-driver",
    .summary = "Run by an unmodified python3 (pynamic_driver.py): imports every generated module with Python's "
               "import system, then calls each module's entry() from Python.",
    .options = pyn_py_options,
    .stages = 1, /* bcast through search_path() (no auditor here for a path cache) */
    .prepare = driver_prepare,
    .after_phase = driver_after_phase,
    .import = driver_import,
    .visit = driver_visit,
    .epilogue = driver_epilogue,
    .cleanup = driver_cleanup,
};

static PyObject *py_run(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *argv, *hooks;
    double epoch;
    const char *default_root;
    if (!PyArg_ParseTuple(args, "OdzO:run", &argv, &epoch, &default_root, &hooks))
        return NULL;
    if (st.ran) {
        PyErr_SetString(PyExc_RuntimeError, "_pynamic: run() may be called once per process");
        return NULL;
    }
    if (!copy_argv(argv))
        return NULL;
    st.ran = true;
    st.hooks = hooks;
    st.default_root = default_root;
    struct pyn_start start;
    pyn_py_start_at(&start, epoch);
    int status = pyn_main_at(st.argc, st.argv, &driver_mode, &start);
    fflush(stdout);
    st.run = NULL;
    st.hooks = NULL;
    free_argv();
    return PyLong_FromLong(status);
}

static PyObject *py_modules(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    if (!running())
        return NULL;
    const struct pyn_manifest *m = pyn_run_manifest(st.run);
    PyObject *list = PyList_New((Py_ssize_t)m->nmodules);
    for (size_t i = 0; list && i < m->nmodules; ++i) {
        PyObject *name = PyUnicode_FromString(m->modules[i]->name);
        if (!name) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, name);
    }
    return list;
}

static PyObject *py_markers(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    if (!running())
        return NULL;
    const struct pyn_manifest *m = pyn_run_manifest(st.run);
    const struct pyn_library *b = pyn_manifest_marker(m, PYN_MARKER_BEGIN),
                             *f = pyn_manifest_marker(m, PYN_MARKER_FINAL);
    return Py_BuildValue("(zz)", b ? b->name : NULL, f ? f->name : NULL);
}

static PyObject *py_search_path(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    if (!running())
        return NULL;
    PyObject *list = PyList_New(0);
    for (long k = 0; list && st.search.dirs && k < st.search.depth; ++k) {
        PyObject *dir = PyUnicode_DecodeFSDefault(st.search.dirs[k]);
        if (!dir || PyList_Append(list, dir)) {
            Py_XDECREF(dir);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(dir);
    }
    PyObject *lib = list ? PyUnicode_DecodeFSDefault(pyn_run_library_dir(st.run)) : NULL;
    if (list && (!lib || PyList_Append(list, lib)))
        Py_CLEAR(list);
    Py_XDECREF(lib);
    return list;
}

static PyObject *py_search_root(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    if (!running())
        return NULL;
    if (!st.search.root)
        Py_RETURN_NONE;
    return PyUnicode_DecodeFSDefault(st.search.root);
}

static PyObject *py_rank(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    if (!running())
        return NULL;
    return PyLong_FromLong(pyn_run_rank(st.run));
}

static bool module_index(Py_ssize_t i, const char *what)
{
    if (i >= 0 && (size_t)i < pyn_run_manifest(st.run)->nmodules)
        return true;
    PyErr_Format(PyExc_IndexError, "_pynamic.%s: module index %zd out of range", what, i);
    return false;
}

static PyObject *py_module_imported(PyObject *self, PyObject *args)
{
    (void)self;
    Py_ssize_t i;
    if (!PyArg_ParseTuple(args, "n:module_imported", &i) || !running() || !module_index(i, "module_imported"))
        return NULL;
    pyn_run_module_imported(st.run, (size_t)i);
    Py_RETURN_NONE;
}

static PyObject *py_visit_result(PyObject *self, PyObject *args)
{
    (void)self;
    Py_ssize_t i;
    PyObject *value;
    if (!PyArg_ParseTuple(args, "nO:visit_result", &i, &value) || !running() || !module_index(i, "visit_result"))
        return NULL;
    if (!PyLong_Check(value))
        return PyErr_Format(PyExc_TypeError, "_pynamic.visit_result: the entry returned %s, not int",
                            Py_TYPE(value)->tp_name);
    unsigned long long v = PyLong_AsUnsignedLongLong(value);
    if (PyErr_Occurred())
        return NULL;
    pyn_run_visit_result(st.run, (size_t)i, (uint64_t)v);
    Py_RETURN_NONE;
}

static PyObject *py_fail(PyObject *self, PyObject *args)
{
    (void)self;
    const char *message;
    if (!PyArg_ParseTuple(args, "s:fail", &message) || !running())
        return NULL;
    pyn_run_fail(st.run, -EINVAL, "%s", message);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"run", py_run, METH_VARARGS,
     "run(argv, start_epoch, default_search_root, hooks) -> int: the whole run (MPI, options, manifest, phases, "
     "reports), calling hooks.prepare(), import_all(), visit_all() and epilogue(status); the exit status."},
    {"modules", py_modules, METH_NOARGS, "The manifest's module names, in visit order."},
    {"markers", py_markers, METH_NOARGS, "(begin marker, final marker) names, None where missing."},
    {"search_path", py_search_path, METH_NOARGS,
     "The sys.path entries to put first: the search directories, then the modules' directory."},
    {"search_root", py_search_root, METH_NOARGS, "Where the search directories are."},
    {"rank", py_rank, METH_NOARGS, "This process's MPI rank."},
    {"module_imported", py_module_imported, METH_VARARGS, "module_imported(i): module i is imported."},
    {"visit_result", py_visit_result, METH_VARARGS, "visit_result(i, value): what module i's entry() returned."},
    {"fail", py_fail, METH_VARARGS, "fail(message): record this rank's error (the first is kept)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_pynamic",
    "The pynamic runtime for pynamic_driver.py.",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__pynamic(void)
{
    return PyModule_Create(&module);
}
