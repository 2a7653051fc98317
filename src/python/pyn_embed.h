/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_embed.h: the embedding Python modes (pynamic-mode-python,
 * pynamic-mode-python-linked, pynamic-mode-python-static and
 * pynamic-mode-python-bigexe): a C main that runs the benchmark with CPython
 * embedded through the PyConfig API (PEP 587).
 *
 *   static const struct pyn_embed_setup setup = {PYN_EMBED_DLOPEN, NULL, NULL};
 *   static const struct pyn_mode mode = {.name = "python", .summary = "...", .options = pyn_py_options,
 *                                        .stages = 1, .data = &setup, PYN_EMBED_HOOKS};
 *   int main(int argc, char **argv) { return pyn_main(argc, argv, &mode); }
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

/* The hooks (pyn_run.h) every embedding mode uses; its struct pyn_mode's
 * data is its struct pyn_embed_setup. */
#define PYN_EMBED_HOOKS                                                                                                \
    .interpreter = 1, .prepare = pyn_embed_prepare, .before_phase = pyn_embed_before_phase,                            \
    .after_phase = pyn_embed_after_phase, .import = pyn_embed_import, .visit = pyn_embed_visit,                        \
    .epilogue = pyn_embed_epilogue, .cleanup = pyn_embed_cleanup

/* Before the import phase, per rank, outside the timed phases: the setup's
 * check, the search-path directories and the interpreter's initialisation
 * (its time is taken apart); a failure on any rank fails the run on every
 * rank at the import phase's agreement. */
void pyn_embed_prepare(struct pyn_run *run);

/* Around each phase: the importer's own file-system calls, which the rtld
 * auditor cannot see, counted into the phase (docs/metrics.md). */
void pyn_embed_before_phase(struct pyn_run *run, enum pyn_phase phase);
void pyn_embed_after_phase(struct pyn_run *run, enum pyn_phase phase, bool all_ok);

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

/* Rank 0's line after the report: the interpreter, its sys.path and the
 * slowest rank's initialisation time (collective: a reduction). */
void pyn_embed_epilogue(struct pyn_run *run, int status);

/* Releases the modules and finalises the interpreter (Py_FinalizeEx), after
 * MPI_Finalize. */
int pyn_embed_cleanup(struct pyn_run *run, int status);

#endif
