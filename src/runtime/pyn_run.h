/* pyn_run.h: one benchmark run, from main to exit status.
 *
 * A mode is a name, its own options and an import step. pyn_main() does the
 * rest the same way for every mode: MPI, options, the manifest, the timed
 * phases bracketed by barriers, verification of the visit checksum against
 * the manifest, gathering the per-rank records and writing the reports.
 *
 *   static const struct pyn_mode mode = {"dlopen", "...", options, import};
 *   int main(int argc, char **argv) { return pyn_main(argc, argv, &mode); }
 */
#ifndef PYN_RUN_H
#define PYN_RUN_H

#include "pyn_loader.h"
#include "pyn_manifest.h"
#include "pyn_options.h"

#include <stddef.h>

struct pyn_run;

struct pyn_mode {
    const char *name;                 /* "dlopen": the report's "mode" */
    const char *summary;              /* one line for --help */
    const struct pyn_option *options; /* the mode's own options (PYN_OPTIONS_END-terminated) or NULL */
    /* Makes every module callable: loads what must be loaded and gives each
     * module's entry to pyn_run_set_entry(). Runs inside the timed import
     * phase, so it must do nothing else. Returns 0, or the value of
     * pyn_run_fail() on the first error. */
    int (*import)(struct pyn_run *run);
};

/* Runs the benchmark in this process (one MPI rank) and returns the exit
 * status for main: 0 when every rank verified its checksum, 1 on any
 * failure (after all ranks have agreed on it, so none is left waiting),
 * 2 on a usage error. */
int pyn_main(int argc, char **argv, const struct pyn_mode *mode);

/* For a mode's import step. */
const struct pyn_manifest *pyn_run_manifest(const struct pyn_run *run);
const char *pyn_run_library_dir(const struct pyn_run *run); /* absolute */
void pyn_run_set_entry(struct pyn_run *run, size_t module_index, pyn_entry_fn fn);

/* Records this rank's error (one line; the runtime adds rank and host) and
 * returns rc (a negative errno) for the mode to return. */
int pyn_run_fail(struct pyn_run *run, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
