/* SPDX-License-Identifier: BSD-3-Clause */
/* The visit every C mode shares and the check of any mode's visit against
 * the manifest. */
#include "pyn_run_state.h"

#include "pyn_checksum.h"

#include <errno.h>
#include <inttypes.h>

void pyn_run_verify_visit(struct pyn_run *run)
{
    const struct pyn_manifest *m = run->manifest;
    const uint64_t *values = run->values;
    uint64_t total = PYN_CHECKSUM_INIT;
    size_t wrong = 0, first = 0;
    for (size_t i = 0; i < m->nmodules; ++i) {
        total = pyn_mix(total, values[i]);
        if (values[i] != m->modules[i]->checksum && wrong++ == 0)
            first = i;
    }
    run->rec.checksum = total;
    run->rec.checksum_ok =
        wrong == 0 && total == m->expected_checksum && (size_t)run->rec.modules_visited == m->nmodules;
    if (wrong)
        pyn_run_fail(run, -EINVAL,
                     "visit: %s returned checksum 0x%016" PRIx64 " but %s expects 0x%016" PRIx64
                     " (%zu of %zu modules differ): the libraries in %s were not built from this manifest",
                     m->modules[first]->file, values[first], run->manifest_path, m->modules[first]->checksum, wrong,
                     m->nmodules, pyn_run_library_dir(run));
    else if ((size_t)run->rec.modules_visited != m->nmodules)
        pyn_run_fail(run, -EINVAL, "visit: %d of %zu modules were visited", run->rec.modules_visited, m->nmodules);
}

/* A marker's function returns how often it has been called. */
static int call_marker(struct pyn_run *run, enum pyn_marker_role role)
{
    if (!run->markers[role])
        return 0;
    uint64_t calls = run->markers[role]();
    if (calls == 1)
        return 0;
    const struct pyn_library *lib = pyn_manifest_marker(run->manifest, role);
    return pyn_run_fail(run, -EINVAL, "visit: %s() in %s says it was called %" PRIu64 " times, expected once",
                        lib ? lib->entry : "marker", lib ? lib->file : "a marker module", calls);
}

int pyn_run_visit_entries(struct pyn_run *run)
{
    int rc = call_marker(run, PYN_MARKER_BEGIN);
    for (size_t i = 0; rc == 0 && i < run->manifest->nmodules; ++i) {
        if (!run->entries[i])
            return pyn_run_fail(run, -EINVAL, "visit: no entry point for %s", run->manifest->modules[i]->file);
        pyn_run_visit_result(run, i, run->entries[i]());
    }
    return rc ? rc : call_marker(run, PYN_MARKER_FINAL);
}
