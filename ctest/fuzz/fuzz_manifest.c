/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the runtime's manifest parser (rank 0 reads
 * generated/manifest.json, or whatever --manifest names, and broadcasts the
 * bytes; every rank parses them).
 *
 * Beyond "no crash, no leak, no undefined behaviour": an error is one
 * non-empty line that names the file; an accepted manifest is consistent
 * (counts, kinds, entries, plain file names, functions summed, module
 * checksums folding to the expected total), so nothing downstream can be
 * handed a manifest that contradicts itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyn_checksum.h"
#include "pyn_manifest.h"

#define ORIGIN "fuzz/manifest.json"

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_manifest: %s: %s\n", what, detail ? detail : "");
    abort();
}

static void check_accepted(const struct pyn_manifest *m)
{
    if (m->schema_version != 1 || !m->generator_version || !m->config.arguments)
        fail("accepted without schema, version or arguments", NULL);
    if (m->nlibraries == 0 || m->nutilities + m->nmodules != m->nlibraries || m->nmodules == 0)
        fail("accepted with inconsistent counts", NULL);
    long sum = 0;
    size_t modules = 0;
    for (size_t i = 0; i < m->nlibraries; ++i) {
        const struct pyn_library *l = &m->libraries[i];
        if (!l->name || !l->file || !*l->name || !*l->file || strchr(l->file, '/'))
            fail("accepted a library without a plain file name", l->file);
        if (l->kind == PYN_LIBRARY_MODULE) {
            if (!l->entry || m->modules[modules] != l)
                fail("module without entry or out of order", l->name);
            modules++;
        } else if (l->kind != PYN_LIBRARY_UTILITY) {
            fail("a marker among the libraries", l->name);
        }
        if (l->functions < 1)
            fail("a library without functions", l->name);
        sum += l->functions;
    }
    if (modules != m->nmodules || sum != m->total_functions)
        fail("module count or function total disagrees with the list", NULL);
    uint64_t total = PYN_CHECKSUM_INIT;
    for (size_t i = 0; i < m->nmodules; ++i)
        total = pyn_mix(total, m->modules[i]->checksum);
    if (total != m->expected_checksum)
        fail("accepted module checksums that do not fold to the total", NULL);
    for (size_t i = 0; i < m->nmarkers; ++i)
        if (m->markers[i].kind != PYN_LIBRARY_MARKER || !m->markers[i].entry)
            fail("a marker without its entry", m->markers[i].name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pyn_manifest *m = NULL;
    char err[1024];
    memset(err, 'x', sizeof err);
    int rc = pyn_manifest_parse((const char *)data, size, ORIGIN, &m, err, sizeof err);
    if (rc == 0) {
        if (!m)
            fail("success without a manifest", NULL);
        check_accepted(m);
        pyn_manifest_free(m);
        return 0;
    }
    if (m)
        fail("failure but a manifest was returned", NULL);
    size_t n = strnlen(err, sizeof err);
    if (n == sizeof err || n == 0)
        fail("error message empty or not terminated", NULL);
    if (strncmp(err, "manifest " ORIGIN ": ", strlen("manifest " ORIGIN ": ")) != 0)
        fail("error message does not name the file", err);
    if (strchr(err, '\n') || strchr(err, '\r'))
        fail("error message is not one line", err);
    return 0;
}
