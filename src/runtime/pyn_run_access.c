/* SPDX-License-Identifier: BSD-3-Clause */
/* The calls a mode's hooks make (pyn_run.h): what the run holds, and what
 * the import and the visit hand back. None is collective except
 * pyn_run_max_on_root. */
#include "pyn_run_state.h"

#include "pyn_collective.h"
#include "pyn_fatal.h"
#include "pyn_tool.h"

#include <stdarg.h>
#include <stdio.h>

const struct pyn_manifest *pyn_run_manifest(const struct pyn_run *run)
{
    return run->manifest;
}

const char *pyn_run_library_dir(const struct pyn_run *run)
{
    return run->load_dir ? run->load_dir : run->library_dir;
}

const char *pyn_run_staged_path(const struct pyn_run *run, const char *file)
{
    return pyn_stage_path(run->stage, file);
}

int pyn_run_rank(const struct pyn_run *run)
{
    return run->rank;
}

int pyn_run_size(const struct pyn_run *run)
{
    return run->nranks;
}

const char *pyn_run_prog(const struct pyn_run *run)
{
    return run->prog;
}

MPI_Comm pyn_run_comm(const struct pyn_run *run)
{
    return run->comm;
}

int pyn_run_host_rank(const struct pyn_run *run)
{
    return run->metrics.node_rank;
}

const void *pyn_run_mode_data(const struct pyn_run *run)
{
    return run->mode->data;
}

void pyn_run_args(const struct pyn_run *run, int *argc, char ***argv)
{
    *argc = run->info.argc;
    *argv = run->info.argv;
}

double pyn_run_max_on_root(struct pyn_run *run, double value)
{
    double max = value;
    pyn_coll_reduce(&value, &max, 1, MPI_DOUBLE, MPI_MAX, 0, run->comm);
    return run->rank == 0 ? max : value;
}

void pyn_run_module_imported(struct pyn_run *run, size_t module_index)
{
    if (module_index < run->manifest->nmodules && !run->imported[module_index]) {
        run->imported[module_index] = 1;
        run->rec.modules_imported++;
        pyn_progress_tick(&run->progress, PYN_PHASE_IMPORT, run->rec.modules_imported);
    }
}

void pyn_run_set_entry(struct pyn_run *run, size_t module_index, pyn_entry_fn fn)
{
    if (module_index < run->manifest->nmodules && fn) {
        run->entries[module_index] = fn;
        pyn_run_module_imported(run, module_index);
    }
}

void pyn_run_set_marker(struct pyn_run *run, enum pyn_marker_role role, pyn_entry_fn fn)
{
    if (role == PYN_MARKER_BEGIN || role == PYN_MARKER_FINAL)
        run->markers[role] = fn;
}

void pyn_run_visit_result(struct pyn_run *run, size_t module_index, uint64_t value)
{
    if (module_index < run->manifest->nmodules) {
        run->values[module_index] = value;
        run->rec.modules_visited++;
        pyn_progress_tick(&run->progress, PYN_PHASE_VISIT, run->rec.modules_visited);
    }
}

int pyn_run_fail(struct pyn_run *run, int rc, const char *fmt, ...)
{
    /* Keep the first error: later ones are usually its consequences. A long
     * path loses its middle, never the cause at the end. */
    if (!run->rec.failed) {
        va_list ap;
        va_start(ap, fmt);
        pyn_vformat_middle(run->rec.error, sizeof run->rec.error, fmt, ap);
        va_end(ap);
        run->rec.failed = 1;
    }
    return rc;
}

void pyn_run_loading(struct pyn_run *run, const char *what)
{
    (void)run;
    pyn_fatal_loading(what);
}

void pyn_run_note(const struct pyn_run *run, const char *fmt, ...)
{
    char text[2 * PYN_ERROR_MAX]; /* room for a list of names */
    va_list ap;
    va_start(ap, fmt);
    pyn_vformat_middle(text, sizeof text, fmt, ap);
    va_end(ap);
    pyn_escape_controls(text, sizeof text);
    fprintf(stderr, "%s: rank %d (%s): %s\n", run->prog, run->rank, run->rec.host, text);
}
