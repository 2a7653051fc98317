/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_run.h: one benchmark run, from main to exit status.
 *
 * A mode is a table of hooks. pyn_main() is the only phase driver: it runs
 * MPI, options, the manifest, the timed phases bracketed by barriers, the
 * verification of the visit checksum against the manifest, gathering the
 * per-rank records and writing the reports, and calls the mode's hooks at
 * fixed points. A mode gives only what it does differently:
 *
 *   static const struct pyn_mode mode = {.name = "dlopen", .summary = "...", .options = options,
 *                                        .import = import_modules, .stages = 1};
 *   int main(int argc, char **argv) { return pyn_main(argc, argv, &mode); }
 *
 * Hooks reach the run through the accessors below (rank, size, program
 * name, the communicator, the manifest, ...), never through MPI_COMM_WORLD.
 */
#ifndef PYN_RUN_H
#define PYN_RUN_H

#include "pyn_loader.h"
#include "pyn_manifest.h"
#include "pyn_options.h"
#include "pyn_phase.h"

#include <mpi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pyn_run;

/* The hooks, in the order pyn_main() calls them. Every hook is called on
 * every rank at the same point, so a hook may make collective calls only
 * where it says so. A hook that fails records this rank's error with
 * pyn_run_fail(); the next agreement stops every rank together. Only
 * import is required. */
struct pyn_mode {
    const char *name;                 /* "dlopen": the report's "mode" */
    const char *summary;              /* one line for --help */
    const struct pyn_option *options; /* the mode's own options (PYN_OPTIONS_END-terminated) or NULL */
    /* 1: the import loads the generated files from pyn_run_library_dir()
     * (or pyn_run_staged_path()), so --stage can move or map them; 0: they
     * are linked in or built in, and --stage is refused. */
    int stages;
    /* 1: ld.so maps every generated library before main (they are
     * DT_NEEDED of the executable), so --cold is refused (mapped pages
     * cannot be evicted) and --help does not offer it. */
    int loads_before_main;
    /* 1: the import runs an interpreter around the loader (CPython's import
     * system): the report's interpreter_s is the import less the loads. */
    int interpreter;
    const void *data; /* the mode's own constants, for its hooks: pyn_run_mode_data() */

    /* After set-up (options, manifest, staging), outside every phase: what
     * the mode needs before the import (an interpreter, a check). A failure
     * stops the run at the import phase's agreement. */
    void (*prepare)(struct pyn_run *run);
    /* Just outside each phase's barriers (before the one that starts it,
     * after the agreement that ends it; all_ok says how that agreement
     * went): to read counters the runtime cannot see. Not timed. */
    void (*before_phase)(struct pyn_run *run, enum pyn_phase phase);
    void (*after_phase)(struct pyn_run *run, enum pyn_phase phase, bool all_ok);
    /* Makes every module callable: loads what must be loaded and gives each
     * module's entry to pyn_run_set_entry() (or, when it visits the modules
     * itself, reports each with pyn_run_module_imported()). Runs inside the
     * timed import phase, so it must do nothing else. Returns 0, or the
     * value of pyn_run_fail() on the first error. */
    int (*import)(struct pyn_run *run);
    /* Calls every module's entry and hands each result to
     * pyn_run_visit_result(). NULL: the runtime calls the begin marker, the
     * entries given to pyn_run_set_entry() in manifest order, and the final
     * marker. Timed: must do nothing else. */
    int (*visit)(struct pyn_run *run);
    /* After the reports, before MPI_Finalize, when the run reached its
     * phases; collective (pyn_run_max_on_root() may be used). status is the
     * run's exit status. For a mode's closing line on rank 0. */
    void (*epilogue)(struct pyn_run *run, int status);
    /* Last, after MPI_Finalize, on every run that began (even one stopped by
     * a usage error): frees what prepare made. Returns status, or another
     * exit status when the cleanup itself failed. */
    int (*cleanup)(struct pyn_run *run, int status);
};

/* When the run's first line ran: the end of the startup phase. */
struct pyn_start {
    double epoch_s;        /* CLOCK_REALTIME, to compare with a launch time */
    uint64_t monotonic_ns; /* the same moment on CLOCK_MONOTONIC (the trace's clock) */
    double age_s;          /* the process's age, from the kernel */
    double age_resolution_s;
    int age_ok;
};

/* Takes the time now. */
void pyn_start_capture(struct pyn_start *start);

/* Runs the benchmark in this process (one MPI rank) with the mode's hooks,
 * and returns the exit status for main: 0 when every rank verified its
 * checksum, 1 on any failure (after all ranks have agreed on it, so none is
 * left waiting), 2 on a usage error. Takes the end of the startup phase
 * first thing: call it first thing in main. Outside sanitizer builds it
 * ends the process itself with that status (_exit, after flushing), so
 * that ld.so's clean-up never runs the generated libraries' destructors
 * after the verdict (pyn_run.c says why). */
int pyn_main(int argc, char **argv, const struct pyn_mode *mode);

/* The same, for a caller whose first line ran before main could (the Python
 * driver script): start is when that line ran. */
int pyn_main_at(int argc, char **argv, const struct pyn_mode *mode, const struct pyn_start *start);

/* Who and where this rank is. Valid from the first hook to the last. */
int pyn_run_rank(const struct pyn_run *run);
int pyn_run_size(const struct pyn_run *run);
const char *pyn_run_prog(const struct pyn_run *run); /* the program's name, for messages */
MPI_Comm pyn_run_comm(const struct pyn_run *run);    /* the run's ranks; for a mode that is collective itself */
/* This rank's index among the run's ranks on its host (0: the host's first),
 * for work one rank per host does, such as reaping what killed runs left. */
int pyn_run_host_rank(const struct pyn_run *run);
const void *pyn_run_mode_data(const struct pyn_run *run);
/* The command line as MPI_Init left it (argv[0] first). */
void pyn_run_args(const struct pyn_run *run, int *argc, char ***argv);

/* Collective: the maximum of value over the ranks, on rank 0 (others get
 * their own value back). For epilogue lines such as the slowest rank's
 * initialisation. */
double pyn_run_max_on_root(struct pyn_run *run, double value);

/* For the work inside the phases. */
const struct pyn_manifest *pyn_run_manifest(const struct pyn_run *run);
const char *pyn_run_library_dir(const struct pyn_run *run); /* absolute */
void pyn_run_set_entry(struct pyn_run *run, size_t module_index, pyn_entry_fn fn);
/* A C mode that loads the marker modules gives their functions here
 * (begin_break_here, break_here); the runtime's visit then calls the begin
 * marker before the first module and the final one after the last, as the
 * original's driver does for debuggers, and checks each was called once. */
void pyn_run_set_marker(struct pyn_run *run, enum pyn_marker_role role, pyn_entry_fn fn);
void pyn_run_module_imported(struct pyn_run *run, size_t module_index);
void pyn_run_visit_result(struct pyn_run *run, size_t module_index, uint64_t value);

/* Where --stage put or found a generated file ("libmodule3.so"): the
 * absolute path to load it from, or NULL without --stage. */
const char *pyn_run_staged_path(const struct pyn_run *run, const char *file);

/* Names what this rank is loading now (NULL: nothing), so that a fatal
 * signal during the import phase (a truncated library) is reported as
 * "rank R (host): import: fatal signal SIGBUS while loading WHAT" before
 * the process dies of it. what must stay valid until the next call. */
void pyn_run_loading(struct pyn_run *run, const char *what);

/* Records this rank's error (one line; the runtime adds rank and host) and
 * returns rc (a negative errno) for the mode to return. The first error is
 * kept. */
int pyn_run_fail(struct pyn_run *run, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prints one line that is not an error on stderr, as the runtime prints
 * this rank's lines: "PROG: rank R (HOST): <text>" (what a run found and
 * removed, say). */
void pyn_run_note(const struct pyn_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
