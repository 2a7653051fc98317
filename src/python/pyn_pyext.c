/* _pynamic: the shared C runtime (MPI included) for pynamic_driver.py, so an
 * unmodified python3 runs the same phases, checks and reports as the C
 * modes, with no mpi4py. A thin wrapper over the runtime's step API
 * (pyn_run.h); every call is collective, as there. One run per process.
 *
 *   begin(argv, start_epoch, default_search_root) -> bool
 *   modules() -> [name, ...]             markers() -> (begin_name, final_name)
 *   search_path() -> [dir, ...]          search_root() -> str       rank() -> int
 *   phase_begin("import"|"visit") -> bool, phase_end(...) -> bool
 *   module_imported(i), visit_result(i, value), fail(message)
 *   end() -> exit status (the same on every rank) */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pyn_phase.h"
#include "pyn_pymode.h"
#include "pyn_results.h"
#include "pyn_run.h"
#include "pyn_tool.h"

#include <errno.h>
#include <limits.h>
#include <mpi.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct pyn_mode driver_mode = {
    "python-driver",
    "Run by an unmodified python3 (pynamic_driver.py): imports every generated module with Python's import system, "
    "then calls each module's entry() from Python.",
    pyn_py_options,
    NULL, /* the driver script does the import and the visit through the steps below */
    NULL,
    1, /* stages: bcast through library_dirs() (no auditor here for a path cache) */
};

static struct {
    enum { NOT_BEGUN, RUNNING, OVER } state;
    int status; /* the exit status when the run ended before pyn_run_begin */
    struct pyn_run *run;
    int rank;
    int argc;
    char **argv;   /* what the runtime holds (MPI_Init may reorder it) */
    char **copies; /* the strings, kept alive until end() */
    int ncopies;
    struct pyn_py_search search;
} st;

static bool running(void)
{
    if (st.state == RUNNING && st.run)
        return true;
    PyErr_SetString(PyExc_RuntimeError, "_pynamic: no run in progress (call begin() first, end() last)");
    return false;
}

static void free_argv(void)
{
    for (int i = 0; i < st.ncopies; ++i)
        free(st.copies[i]);
    free(st.copies);
    free(st.argv);
    st.copies = st.argv = NULL;
    st.ncopies = st.argc = 0;
}

/* argv as the file system encoding has it, as python3 received it. */
static bool copy_argv(PyObject *seq)
{
    PyObject *fast = PySequence_Fast(seq, "begin(): argv must be a sequence of str");
    if (!fast)
        return false;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    bool ok = n >= 1 && n < INT_MAX;
    if (!ok)
        PyErr_SetString(PyExc_ValueError, "begin(): argv must hold at least the program name");
    if (ok && (!(st.copies = calloc((size_t)n + 1, sizeof *st.copies)) ||
               !(st.argv = calloc((size_t)n + 1, sizeof *st.argv)))) {
        PyErr_NoMemory();
        ok = false;
    }
    for (Py_ssize_t i = 0; ok && i < n; ++i) {
        PyObject *bytes = NULL;
        if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(fast, i), &bytes)) {
            ok = false;
            break;
        }
        st.copies[i] = strdup(PyBytes_AS_STRING(bytes));
        Py_DECREF(bytes);
        if (!st.copies[i]) {
            PyErr_NoMemory();
            ok = false;
        }
        st.ncopies = (int)i + 1;
    }
    Py_DECREF(fast);
    if (!ok) {
        free_argv();
        return false;
    }
    memcpy(st.argv, st.copies, (size_t)n * sizeof *st.argv);
    st.argc = (int)n;
    return true;
}

/* Outside the timed phases, on every rank: the search-path directories
 * and the modules' directory. Failures go through the run. */
static void prepare(const char *default_root)
{
    char err[PYN_ERROR_MAX - 64];
    int rc = pyn_py_search_prepare(default_root, &st.search, err, sizeof err);
    if (rc == 0)
        rc = pyn_py_check_dir("python: sys.path entry", pyn_run_library_dir(st.run), err, sizeof err);
    if (rc)
        pyn_run_fail(st.run, rc, "%s", err);
}

static PyObject *py_begin(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *argv;
    double epoch;
    const char *default_root;
    if (!PyArg_ParseTuple(args, "Ods:begin", &argv, &epoch, &default_root))
        return NULL;
    if (st.state != NOT_BEGUN) {
        PyErr_SetString(PyExc_RuntimeError, "_pynamic: begin() may be called once per process");
        return NULL;
    }
    if (!copy_argv(argv))
        return NULL;
    st.state = OVER;
    struct pyn_start start;
    pyn_py_start_at(&start, epoch);
    bool go_on = pyn_run_begin(&st.run, &st.argc, &st.argv, &driver_mode, &start);
    if (!st.run) {
        st.status = PYN_EXIT_ERROR; /* out of memory, said on stderr */
        Py_RETURN_FALSE;
    }
    st.state = RUNNING;
    if (!go_on)
        Py_RETURN_FALSE;
    MPI_Comm_rank(MPI_COMM_WORLD, &st.rank);
    prepare(default_root);
    Py_RETURN_TRUE;
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
    return PyLong_FromLong(st.rank);
}

static bool phase_of(const char *name, enum pyn_phase *out)
{
    static const enum pyn_phase steps[] = {PYN_PHASE_IMPORT, PYN_PHASE_VISIT};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; ++i)
        if (strcmp(name, pyn_phase_name(steps[i])) == 0) {
            *out = steps[i];
            return true;
        }
    PyErr_Format(PyExc_ValueError, "_pynamic: phase '%s' is not \"import\" or \"visit\"", name);
    return false;
}

static PyObject *py_phase_begin(PyObject *self, PyObject *args)
{
    (void)self;
    const char *name;
    enum pyn_phase phase;
    if (!PyArg_ParseTuple(args, "s:phase_begin", &name) || !phase_of(name, &phase) || !running())
        return NULL;
    return PyBool_FromLong(pyn_run_phase_begin(st.run, phase));
}

static PyObject *py_phase_end(PyObject *self, PyObject *args)
{
    (void)self;
    const char *name;
    enum pyn_phase phase;
    if (!PyArg_ParseTuple(args, "s:phase_end", &name) || !phase_of(name, &phase) || !running())
        return NULL;
    return PyBool_FromLong(pyn_run_phase_end(st.run, phase));
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

static PyObject *py_end(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    int status = st.status;
    if (st.state == RUNNING) {
        status = pyn_run_end(st.run);
        fflush(stdout); /* the runtime's lines, before anything the script prints */
    } else if (st.state == NOT_BEGUN) {
        PyErr_SetString(PyExc_RuntimeError, "_pynamic: end() before begin()");
        return NULL;
    }
    st.run = NULL;
    st.state = OVER;
    st.status = status;
    pyn_py_search_free(&st.search);
    free_argv();
    return PyLong_FromLong(status);
}

static PyMethodDef methods[] = {
    {"begin", py_begin, METH_VARARGS,
     "begin(argv, start_epoch, default_search_root) -> bool: MPI, options, manifest, search directories; "
     "False when the run is already over (then call end())."},
    {"modules", py_modules, METH_NOARGS, "The manifest's module names, in visit order."},
    {"markers", py_markers, METH_NOARGS, "(begin marker, final marker) names, None where missing."},
    {"search_path", py_search_path, METH_NOARGS,
     "The sys.path entries to put first: the search directories, then the modules' directory."},
    {"search_root", py_search_root, METH_NOARGS, "Where the search directories are."},
    {"rank", py_rank, METH_NOARGS, "This process's MPI rank."},
    {"phase_begin", py_phase_begin, METH_VARARGS, "phase_begin(\"import\"|\"visit\") -> bool: do the phase's work?"},
    {"phase_end", py_phase_end, METH_VARARGS, "phase_end(\"import\"|\"visit\") -> bool: did every rank succeed?"},
    {"module_imported", py_module_imported, METH_VARARGS, "module_imported(i): module i is imported."},
    {"visit_result", py_visit_result, METH_VARARGS, "visit_result(i, value): what module i's entry() returned."},
    {"fail", py_fail, METH_VARARGS, "fail(message): record this rank's error (the first is kept)."},
    {"end", py_end, METH_NOARGS, "end() -> int: verify, gather, report, MPI_Finalize; the exit status."},
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
