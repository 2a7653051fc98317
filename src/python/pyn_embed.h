/* pyn_embed.h: the embedding Python modes (pynamic-mode-python,
 * pynamic-mode-python-linked, pynamic-mode-python-static and
 * pynamic-mode-python-bigexe): a C main that runs the benchmark with CPython
 * embedded through the PyConfig API (PEP 587).
 *
 *   static const struct pyn_mode mode = {"python", "...", pyn_py_options, pyn_embed_import, pyn_embed_visit};
 *   static const struct pyn_embed_setup setup = {PYN_EMBED_DLOPEN, NULL, NULL};
 *   int main(int argc, char **argv) { return pyn_embed_main(argc, argv, &mode, &setup); }
 *
 * The interpreter is isolated from the environment (PYTHON* variables, user
 * site, site-packages and .pth files, the current directory): its sys.path
 * is exactly the standard library of the Python the build found, the import
 * search directories (--search-depth), then the modules' directory; with
 * built-in modules, the standard library only. */
#ifndef PYN_EMBED_H
#define PYN_EMBED_H

#include "pyn_pymode.h"
#include "pyn_run.h"

/* How the mode expects the generated libraries to get into the process. */
enum pyn_embed_loading {
    PYN_EMBED_DLOPEN, /* Python's importer loads them (dlopen, RTLD_NOW) */
    PYN_EMBED_LINKED, /* linked into the executable, loaded before main: checked before the import */
    PYN_EMBED_BUILTIN /* their objects are in the executable, registered as built-in modules */
};

struct _inittab; /* CPython's (name, PyInit) row: <Python.h> */

struct pyn_embed_setup {
    enum pyn_embed_loading loading;
    /* PYN_EMBED_BUILTIN: every generated module and marker, {NULL, NULL}
     * terminated; registered with PyImport_ExtendInittab before the
     * interpreter starts. Every module the manifest names must be in it
     * (checked before the import phase). NULL otherwise. */
    const struct _inittab *builtins;
    /* NULL, or a check every rank runs before the import phase, outside
     * every timed phase: 0, or a negative errno with one line in err. */
    int (*check)(char *err, size_t errlen);
};

/* The whole run, as pyn_main() but with the interpreter: the start time
 * first, the runtime's begin (MPI, options, manifest), then the search-path
 * directories and the interpreter's initialisation (both per rank, outside
 * the timed phases; a failure on any rank fails the run on every rank), the
 * import and visit phases with mode->import and mode->visit, the report,
 * and Py_FinalizeEx(). Rank 0 also prints one line after the report: the
 * interpreter, its sys.path and the slowest rank's initialisation time.
 * Returns the exit status, the same on every rank. */
int pyn_embed_main(int argc, char **argv, const struct pyn_mode *mode, const struct pyn_embed_setup *setup);

/* The import step: imports the begin marker, every module in manifest
 * order and the final marker with PyImport_ImportModule (sys.path search,
 * extension loading, PyInit; for built-in modules, the built-in importer
 * and PyInit, no file-system lookup), counting each module with
 * pyn_run_module_imported(). The first failure names the module and the
 * Python exception. */
int pyn_embed_import(struct pyn_run *run);

/* The visit step: calls libmodulebegin.marker(), then every module's
 * entry() in manifest order, handing each result to pyn_run_visit_result(),
 * then libmodulefinal.marker(). */
int pyn_embed_visit(struct pyn_run *run);

#endif
