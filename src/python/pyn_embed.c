/* SPDX-License-Identifier: BSD-3-Clause */
/* The embedding Python modes. The interpreter is initialised after the
 * runtime's begin (it needs the options and the library directory for its
 * sys.path) and before the import barrier: it is part of no phase, so its
 * time is taken apart and printed by rank 0 after the report. Everything
 * that can fail on one rank only is recorded with pyn_run_fail(), so the
 * phases' agreements stop every rank together. */
#define _GNU_SOURCE
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pyn_embed.h"

#include "pyn_clock.h"
#include "pyn_fs.h"
#include "pyn_pyconfig.h"
#include "pyn_pyerr.h"
#include "pyn_pydlopen.h"
#include "pyn_pyorigin.h"
#include "pyn_results.h"
#include "pyn_tool.h"

#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One run per process: the interpreter's state between the steps. */
static struct {
    const struct pyn_embed_setup *setup;
    bool initialised;
    double init_s; /* this rank's Py_PreInitialize + Py_InitializeFromConfig */
    struct pyn_py_search search;
    PyObject **modules; /* per manifest module, owned references */
    size_t nmodules;
    PyObject *marker[2];        /* by enum pyn_marker_role */
    PyObject *importer_counter; /* the counting proxy of importlib's _os (install_importer_counter) */
    uint64_t phase_counts[3];   /* its counts when the current phase began */
} py;

static bool status_failed(PyStatus st, const char *call, char *err, size_t errlen)
{
    if (!PyStatus_Exception(st))
        return false;
    if (PyStatus_IsExit(st))
        pyn_format_middle(err, errlen, "python: %s asked to exit with status %d", call, st.exitcode);
    else
        pyn_format_middle(err, errlen, "python: %s: %s%s%s", call, st.func ? st.func : "", st.func ? ": " : "",
                          st.err_msg ? st.err_msg : "failed");
    return true;
}

static bool append_path(PyConfig *config, const char *path, char *err, size_t errlen)
{
    wchar_t *w = Py_DecodeLocale(path, NULL);
    if (!w) {
        pyn_format_middle(err, errlen, "python: sys.path entry %s: Py_DecodeLocale: cannot decode it", path);
        return false;
    }
    PyStatus st = PyWideStringList_Append(&config->module_search_paths, w);
    PyMem_RawFree(w);
    return !status_failed(st, "PyWideStringList_Append", err, errlen);
}

/* Isolated: no PYTHON* environment variables, no user site, no current or
 * script directory on sys.path, no signal handlers; no site import either
 * (no site-packages, no .pth files). Home and the standard library's entries
 * are the found Python's (pyn_pyconfig.h), so the environment cannot change
 * which interpreter or which files are used. Built-in generated modules need
 * no sys.path entry: library_dir is NULL then. */
static int init_python(int argc, char **argv, const char *library_dir, char *err, size_t errlen)
{
    static const char *const stdlib_paths[] = {PYN_PYTHON_STDLIB_PATHS};
    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    if (status_failed(Py_PreInitialize(&pre), "Py_PreInitialize", err, errlen))
        return -EINVAL;

    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.site_import = 0;
    config.parse_argv = 0; /* sys.argv is the program's argv, uninterpreted */
    config.install_signal_handlers = 0;
    config.module_search_paths_set = 1;
    bool ok = !status_failed(PyConfig_SetBytesString(&config, &config.program_name, argv[0]),
                             "PyConfig_SetBytesString(program_name)", err, errlen) &&
              !status_failed(PyConfig_SetBytesString(&config, &config.home, PYN_PYTHON_HOME),
                             "PyConfig_SetBytesString(home)", err, errlen) &&
              !status_failed(PyConfig_SetBytesArgv(&config, argc, argv), "PyConfig_SetBytesArgv", err, errlen);
    /* The standard library first, as in every installation: its own imports
     * (encodings, during initialisation) never reach the directories below,
     * which the generated modules' imports search in the import phase. */
    for (size_t i = 0; ok && i < sizeof stdlib_paths / sizeof stdlib_paths[0]; ++i)
        ok = append_path(&config, stdlib_paths[i], err, errlen);
    for (long k = 0; ok && k < py.search.depth; ++k)
        ok = append_path(&config, py.search.dirs[k], err, errlen);
    if (library_dir)
        ok = ok && append_path(&config, library_dir, err, errlen);
    /* CPython copies the rows; the built-in importer then finds each module
     * by name in this table, before any sys.path entry is looked at. */
    if (ok && py.setup->builtins && PyImport_ExtendInittab((struct _inittab *)py.setup->builtins) != 0) {
        pyn_format_middle(err, errlen,
                          "python: PyImport_ExtendInittab: cannot register the built-in generated modules");
        ok = false;
    }
    if (ok)
        ok = !status_failed(Py_InitializeFromConfig(&config), "Py_InitializeFromConfig", err, errlen);
    PyConfig_Clear(&config);
    py.initialised = ok && Py_IsInitialized();
    return ok ? 0 : -EINVAL;
}

struct mapped_ctx {
    const char *file;
    bool found;
};

static int find_mapped(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct mapped_ctx *c = data;
    const char *base = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
    if (base && strcmp(base + 1, c->file) == 0)
        c->found = true;
    return c->found;
}

/* Read-only (dl_iterate_phdr): a dlopen(RTLD_NOLOAD) here would do part of
 * the import's loader work before the import is timed. */
static bool is_mapped(const char *file)
{
    struct mapped_ctx c = {file, false};
    dl_iterate_phdr(find_mapped, &c);
    return c.found;
}

static int check_linked(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    for (size_t i = 0; i < m->nlibraries; ++i)
        if (!is_mapped(m->libraries[i].file))
            return pyn_run_fail(run, -ENOENT,
                                "python-linked: %s was not loaded before main (is it a DT_NEEDED of this executable?)",
                                m->libraries[i].file);
    for (size_t i = 0; i < m->nmarkers; ++i)
        if (!is_mapped(m->markers[i].file))
            return pyn_run_fail(run, -ENOENT,
                                "python-linked: marker %s was not loaded before main (is it a DT_NEEDED of this "
                                "executable?)",
                                m->markers[i].file);
    return 0;
}

/* CPython's importer makes its own system calls (a stat of each sys.path
 * directory per import, a stat of the module file, a listing of each
 * directory when its cache is stale), which the rtld auditor cannot see.
 * Its path-based finder reaches the OS only through the module attribute
 * _os of importlib's external bootstrap, so a counting proxy there sees
 * every such call (docs/metrics.md). Installed once, before the import
 * phase; read at the phases' edges. */
static const char importer_counter_source[] = "import _frozen_importlib_external as _be\n"
                                              "class _PynamicImporterCounts:\n"
                                              "    def __init__(self, real):\n"
                                              "        self._real = real\n"
                                              "        self.counts = [0, 0, 0]  # listdirs, stats, ENOENT\n"
                                              "    def __getattr__(self, name):\n"
                                              "        return getattr(self._real, name)\n"
                                              "    def _count(self, i, fn, *a, **k):\n"
                                              "        self.counts[i] += 1\n"
                                              "        try:\n"
                                              "            return fn(*a, **k)\n"
                                              "        except FileNotFoundError:\n"
                                              "            self.counts[2] += 1\n"
                                              "            raise\n"
                                              "    def stat(self, *a, **k):\n"
                                              "        return self._count(1, self._real.stat, *a, **k)\n"
                                              "    def listdir(self, *a, **k):\n"
                                              "        return self._count(0, self._real.listdir, *a, **k)\n"
                                              "_be._os = _PynamicImporterCounts(_be._os)\n";

static int install_importer_counter(char *err, size_t errlen)
{
    if (PyRun_SimpleString(importer_counter_source) != 0) {
        pyn_format_middle(err, errlen, "python: could not install the importer's file-system counter");
        return -EINVAL;
    }
    PyObject *be = PyImport_ImportModule("_frozen_importlib_external");
    py.importer_counter = be ? PyObject_GetAttrString(be, "_os") : NULL;
    Py_XDECREF(be);
    if (!py.importer_counter) {
        PyErr_Clear();
        pyn_format_middle(err, errlen, "python: the importer's file-system counter is not in place");
        return -EINVAL;
    }
    return 0;
}

/* --stage (docs/staging.md): a meta-path finder, first on sys.meta_path,
 * that answers for every generated module with the path staging resolved
 * (cache, pilot) or wrote (bcast). Python's path-based finder then never
 * stats or lists a sys.path directory for them; the extension is loaded
 * by that absolute path, as the original's dlopen of a found file. */
static const char stage_finder_source[] =
    "import sys, _frozen_importlib_external as _be\n"
    "class _PynamicStagedFinder:\n"
    "    paths = {}\n"
    "    @classmethod\n"
    "    def find_spec(cls, name, path=None, target=None):\n"
    "        p = cls.paths.get(name)\n"
    "        if p is None:\n"
    "            return None\n"
    "        return _be.spec_from_file_location(name, p, loader=_be.ExtensionFileLoader(name, p))\n"
    "sys.meta_path.insert(0, _PynamicStagedFinder)\n";

/* Adds name -> the staged path of file to paths; false on a Python error. */
static bool add_staged(PyObject *paths, const struct pyn_run *run, const struct pyn_library *lib)
{
    const char *path = pyn_run_staged_path(run, lib->file);
    PyObject *value = path ? PyUnicode_DecodeFSDefault(path) : NULL;
    bool ok = value && PyDict_SetItemString(paths, lib->name, value) == 0;
    Py_XDECREF(value);
    return ok;
}

/* Without --stage, nothing. */
static int install_stage_finder(const struct pyn_run *run, char *err, size_t errlen)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    if (m->nmodules == 0 || !pyn_run_staged_path(run, m->modules[0]->file))
        return 0;
    PyObject *main = PyImport_AddModule("__main__"); /* borrowed */
    PyObject *finder = NULL, *paths = PyDict_New();
    bool ok = paths && PyRun_SimpleString(stage_finder_source) == 0 && main &&
              (finder = PyObject_GetAttrString(main, "_PynamicStagedFinder")) != NULL;
    for (size_t i = 0; ok && i < m->nmodules; ++i)
        ok = add_staged(paths, run, m->modules[i]);
    for (size_t i = 0; ok && i < m->nmarkers; ++i)
        ok = add_staged(paths, run, &m->markers[i]);
    ok = ok && PyObject_SetAttrString(finder, "paths", paths) == 0;
    Py_XDECREF(finder);
    Py_XDECREF(paths);
    if (!ok) {
        PyErr_Clear();
        pyn_format_middle(err, errlen, "python: could not install the finder of the staged modules");
        return -EINVAL;
    }
    return 0;
}

static bool is_builtin(const char *name)
{
    for (const struct _inittab *row = py.setup->builtins; row && row->name; ++row)
        if (strcmp(row->name, name) == 0)
            return true;
    return false;
}

/* A manifest of another tree would otherwise fail later, in the import
 * phase, with an exception that does not say why. */
static int check_builtins(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    for (size_t i = 0; i < m->nlibraries + m->nmarkers; ++i) {
        const struct pyn_library *lib = i < m->nlibraries ? &m->libraries[i] : &m->markers[i - m->nlibraries];
        if (lib->kind != PYN_LIBRARY_UTILITY && !is_builtin(lib->name))
            return pyn_run_fail(run, -ENOENT,
                                "python: %s is not a built-in module of this executable (is the manifest of another "
                                "tree?)",
                                lib->name);
    }
    return 0;
}

/* The importer's counts so far: listdirs, stats, ENOENT. */
static void importer_counts(uint64_t out[3])
{
    out[0] = out[1] = out[2] = 0;
    if (!py.importer_counter)
        return;
    PyObject *list = PyObject_GetAttrString(py.importer_counter, "counts");
    for (Py_ssize_t i = 0; list && i < 3 && i < PyList_Size(list); ++i)
        out[i] = PyLong_AsUnsignedLongLong(PyList_GetItem(list, i));
    Py_XDECREF(list);
    PyErr_Clear();
}

void pyn_embed_before_phase(struct pyn_run *run, enum pyn_phase phase)
{
    (void)run;
    importer_counts(py.phase_counts);
    /* Only with the auditor on: the default run's dlopen calls go straight to glibc's. */
    pyn_pydlopen_mark(phase == PYN_PHASE_IMPORT && pyn_fs_state());
}

void pyn_embed_after_phase(struct pyn_run *run, enum pyn_phase phase, bool all_ok)
{
    pyn_pydlopen_mark(0);
    uint64_t after[3];
    const uint64_t *before = py.phase_counts;
    importer_counts(after);
    pyn_fs_add_importer((int)phase, after[0] - before[0], after[1] - before[1], after[2] - before[2]);
    /* A search directory (--search-root) may hold a module of the same name. */
    if (phase == PYN_PHASE_IMPORT && all_ok && py.setup->loading != PYN_EMBED_BUILTIN)
        pyn_py_check_imported(run);
}

void pyn_embed_prepare(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    py.setup = pyn_run_mode_data(run);
    enum pyn_embed_loading loading = py.setup->loading;
    int argc;
    char **argv;
    pyn_run_args(run, &argc, &argv);
    char err[PYN_ERROR_MAX - 64];
    int rc = 0;
    if (!(py.modules = calloc(m->nmodules, sizeof *py.modules))) {
        pyn_run_fail(run, -ENOMEM, "python: out of memory");
        return;
    }
    py.nmodules = m->nmodules;
    if (loading == PYN_EMBED_LINKED && check_linked(run))
        return;
    if (loading == PYN_EMBED_BUILTIN && check_builtins(run))
        return;
    if (py.setup->check && (rc = py.setup->check(err, sizeof err)) != 0) {
        pyn_run_fail(run, rc, "%s", err);
        return;
    }
    if (loading == PYN_EMBED_BUILTIN) {
        uint64_t t0 = pyn_clock_monotonic_ns();
        rc = init_python(argc, argv, NULL, err, sizeof err);
        py.init_s = (double)(pyn_clock_monotonic_ns() - t0) * 1e-9;
        if (rc)
            pyn_run_fail(run, rc, "%s", err);
        return;
    }
    rc = pyn_py_search_prepare(run, NULL, &py.search, err, sizeof err); /* NULL: the per-run default */
    if (rc == 0)
        rc = pyn_py_check_dir("python: sys.path entry", pyn_run_library_dir(run), err, sizeof err);
    if (rc) {
        pyn_run_fail(run, rc, "%s", err);
        return;
    }
    uint64_t t0 = pyn_clock_monotonic_ns();
    rc = init_python(argc, argv, pyn_run_library_dir(run), err, sizeof err);
    py.init_s = (double)(pyn_clock_monotonic_ns() - t0) * 1e-9;
    if (rc == 0)
        rc = install_importer_counter(err, sizeof err);
    if (rc == 0)
        rc = install_stage_finder(run, err, sizeof err);
    if (rc)
        pyn_run_fail(run, rc, "%s", err);
}

static int import_failed(struct pyn_run *run, const char *name)
{
    char text[PYN_ERROR_MAX - 64];
    bool not_found = PyErr_ExceptionMatches(PyExc_ModuleNotFoundError);
    pyn_py_exception_text(text, sizeof text);
    if (not_found && py.setup->loading == PYN_EMBED_BUILTIN)
        return pyn_run_fail(run, -ENOENT, "import: %s: %s (not a built-in module of this executable)", name, text);
    if (not_found)
        return pyn_run_fail(
            run, -ENOENT, "import: %s: %s (searched the standard library, %ld director%s under %s, then %s)", name,
            text, py.search.depth, py.search.depth == 1 ? "y" : "ies", py.search.root, pyn_run_library_dir(run));
    return pyn_run_fail(run, -EINVAL, "import: %s: %s", name, text);
}

int pyn_embed_import(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    const struct pyn_library *begin = pyn_manifest_marker(m, PYN_MARKER_BEGIN);
    const struct pyn_library *final = pyn_manifest_marker(m, PYN_MARKER_FINAL);
    if (!py.initialised)
        return pyn_run_fail(run, -EINVAL, "import: the interpreter is not initialised");
    if (!(py.marker[PYN_MARKER_BEGIN] = PyImport_ImportModule(begin->name)))
        return import_failed(run, begin->name);
    for (size_t i = 0; i < m->nmodules; ++i) {
        if (!(py.modules[i] = PyImport_ImportModule(m->modules[i]->name)))
            return import_failed(run, m->modules[i]->name);
        pyn_run_module_imported(run, i);
    }
    if (!(py.marker[PYN_MARKER_FINAL] = PyImport_ImportModule(final->name)))
        return import_failed(run, final->name);
    return 0;
}

/* module.method() as an unsigned 64-bit integer. */
static int call_u64(struct pyn_run *run, PyObject *module, const char *name, const char *method, uint64_t *out)
{
    char text[PYN_ERROR_MAX - 64];
    PyObject *r = PyObject_CallMethod(module, method, NULL);
    if (r) {
        *out = PyLong_AsUnsignedLongLong(r);
        Py_DECREF(r);
        if (!PyErr_Occurred())
            return 0;
    }
    pyn_py_exception_text(text, sizeof text);
    return pyn_run_fail(run, -EINVAL, "visit: %s.%s(): %s", name, method, text);
}

static int call_marker(struct pyn_run *run, enum pyn_marker_role role)
{
    const struct pyn_library *lib = pyn_manifest_marker(pyn_run_manifest(run), role);
    uint64_t calls = 0;
    int rc = call_u64(run, py.marker[role], lib->name, "marker", &calls);
    if (rc == 0 && calls != 1)
        rc = pyn_run_fail(run, -EINVAL, "visit: %s.marker() says it was called %llu times, expected once", lib->name,
                          (unsigned long long)calls);
    return rc;
}

int pyn_embed_visit(struct pyn_run *run)
{
    const struct pyn_manifest *m = pyn_run_manifest(run);
    int rc = call_marker(run, PYN_MARKER_BEGIN);
    for (size_t i = 0; rc == 0 && i < m->nmodules; ++i) {
        uint64_t value = 0;
        rc = call_u64(run, py.modules[i], m->modules[i]->name, "entry", &value);
        if (rc == 0)
            pyn_run_visit_result(run, i, value);
    }
    return rc ? rc : call_marker(run, PYN_MARKER_FINAL);
}

void pyn_embed_epilogue(struct pyn_run *run, int status)
{
    (void)status;
    double slowest_init = pyn_run_max_on_root(run, py.init_s);
    if (pyn_run_rank(run) != 0 || !py.initialised)
        return;
    const char *prog = pyn_run_prog(run);
    if (py.setup->loading == PYN_EMBED_BUILTIN)
        printf("%s: embedded CPython %.*s (isolated; home %s); sys.path: the standard library only; the generated "
               "modules are built in (PyImport_ExtendInittab); interpreter initialised in %.6f secs on the slowest "
               "rank, before the import phase\n",
               prog, (int)strcspn(Py_GetVersion(), " "), Py_GetVersion(), PYN_PYTHON_HOME, slowest_init);
    else
        printf("%s: embedded CPython %.*s (isolated; home %s); sys.path: the standard library, %ld search "
               "director%s, then %s; interpreter initialised in %.6f secs on the slowest rank, before the import "
               "phase\n",
               prog, (int)strcspn(Py_GetVersion(), " "), Py_GetVersion(), PYN_PYTHON_HOME, py.search.depth,
               py.search.depth == 1 ? "y" : "ies", pyn_run_library_dir(run), slowest_init);
}

int pyn_embed_cleanup(struct pyn_run *run, int status)
{
    for (size_t i = 0; i < py.nmodules && py.initialised; ++i)
        Py_XDECREF(py.modules[i]);
    free(py.modules);
    py.modules = NULL;
    if (py.initialised) {
        Py_XDECREF(py.marker[0]);
        Py_XDECREF(py.marker[1]);
        Py_XDECREF(py.importer_counter);
        if (Py_FinalizeEx() < 0 && status == 0)
            fprintf(stderr, "%s: rank %d: Py_FinalizeEx: could not flush buffered data\n", pyn_run_prog(run),
                    pyn_run_rank(run));
        py.initialised = false;
    }
    return pyn_py_search_finish(run, &py.search, status);
}
