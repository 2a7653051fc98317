/* pyn_run.h: one benchmark run, from main to exit status.
 *
 * A mode is a name, its own options and an import step. pyn_main() does the
 * rest the same way for every mode: MPI, options, the manifest, the timed
 * phases bracketed by barriers, verification of the visit checksum against
 * the manifest, gathering the per-rank records and writing the reports.
 *
 *   static const struct pyn_mode mode = {"dlopen", "...", options, import, NULL};
 *   int main(int argc, char **argv) { return pyn_main(argc, argv, &mode); }
 */
#ifndef PYN_RUN_H
#define PYN_RUN_H

#include "pyn_loader.h"
#include "pyn_manifest.h"
#include "pyn_options.h"
#include "pyn_phase.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pyn_run;

struct pyn_mode {
    const char *name;                 /* "dlopen": the report's "mode" */
    const char *summary;              /* one line for --help */
    const struct pyn_option *options; /* the mode's own options (PYN_OPTIONS_END-terminated) or NULL */
    /* Makes every module callable: loads what must be loaded and gives each
     * module's entry to pyn_run_set_entry() (or, when it visits the modules
     * itself, reports each with pyn_run_module_imported()). Runs inside the
     * timed import phase, so it must do nothing else. Returns 0, or the
     * value of pyn_run_fail() on the first error. Used by pyn_main(). */
    int (*import)(struct pyn_run *run);
    /* Calls every module's entry and hands each result to
     * pyn_run_visit_result(). NULL: pyn_main() calls the entries given to
     * pyn_run_set_entry(), in manifest order. */
    int (*visit)(struct pyn_run *run);
    /* 1: the import loads the generated files from pyn_run_library_dir()
     * (or pyn_run_staged_path()), so --stage can move or map them; 0: they
     * are linked in or built in, and --stage is refused. */
    int stages;
};

/* When the run's first line ran: the end of the startup phase. */
struct pyn_start {
    double epoch_s; /* CLOCK_REALTIME, to compare with a launch time */
    double age_s;   /* the process's age, from the kernel */
    double age_resolution_s;
    int age_ok;
};

/* Takes the time now. Call it first thing in main (or the driver script). */
void pyn_start_capture(struct pyn_start *start);

/* Runs the benchmark in this process (one MPI rank) with the mode's import
 * and visit, and returns the exit status for main: 0 when every rank
 * verified its checksum, 1 on any failure (after all ranks have agreed on
 * it, so none is left waiting), 2 on a usage error. */
int pyn_main(int argc, char **argv, const struct pyn_mode *mode);

/* The same run in steps, for a caller that drives the phases itself (the
 * Python driver); pyn_main() is exactly:
 *
 *   if (pyn_run_begin(&run, &argc, &argv, mode, &start)) {
 *       if (pyn_run_phase_begin(run, PYN_PHASE_IMPORT)) ...import...;
 *       if (pyn_run_phase_end(run, PYN_PHASE_IMPORT)) {
 *           if (pyn_run_phase_begin(run, PYN_PHASE_VISIT)) ...visit...;
 *           pyn_run_phase_end(run, PYN_PHASE_VISIT);
 *       }
 *   }
 *   return pyn_run_end(run);
 *
 * Every call is collective: all ranks make the same calls in the same order.
 */

/* MPI_Init, options, launch time, manifest, library directory; prints the
 * original's first lines on rank 0. Returns true when the run goes on to its
 * phases; false when it is over already (--help, --version, a usage or
 * set-up error), and pyn_run_end() then gives the exit status. *run is
 * always set (NULL only when out of memory); pass it to pyn_run_end(). */
bool pyn_run_begin(struct pyn_run **run, int *argc, char ***argv, const struct pyn_mode *mode,
                   const struct pyn_start *start);

/* Starts the import or visit phase on every rank together (a barrier, then
 * the clock). Returns true when this rank should do the phase's work: no
 * rank has failed. Phases run in order: import, then visit. */
bool pyn_run_phase_begin(struct pyn_run *run, enum pyn_phase phase);

/* Stops this rank's clock, checks the import made every module callable,
 * and agrees across ranks (the barrier that ends the phase). Returns true
 * when every rank succeeded; then the next phase may begin. */
bool pyn_run_phase_end(struct pyn_run *run, enum pyn_phase phase);

/* Verifies the visit against the manifest, gathers every rank's record to
 * rank 0, prints the table, writes the reports, MPI_Finalize, frees run.
 * Returns the exit status, the same on every rank. */
int pyn_run_end(struct pyn_run *run);

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

#endif
