/* SPDX-License-Identifier: BSD-3-Clause */
#include "pyn_fs.h"

#include "pyn_audit_abi.h"
#include "pyn_tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Filled by libpynamic-audit.so when ld.so opens this executable; exported
 * (--export-dynamic-symbol) so the auditor can find it. */
__attribute__((visibility("default"))) struct pyn_audit_state *pyn_audit_link;
/* Filled by the opt-in binding counter, libpynamic-audit-bindings.so. */
__attribute__((visibility("default"))) struct pyn_audit_state *pyn_audit_bindings_link;

/* The binding counter's state when it is loaded and speaks our ABI. */
static struct pyn_audit_state *bindings_state(void)
{
    struct pyn_audit_state *s = pyn_audit_bindings_link;
    return s && s->magic == PYN_AUDIT_MAGIC && s->abi_version == PYN_AUDIT_ABI_VERSION ? s : NULL;
}

/* The importer's share, by slot (pyn_fs_add_importer). */
static struct pyn_fs_counts importer[PYN_FS_SLOTS];

void pyn_fs_add_importer(int slot, uint64_t listdirs, uint64_t stats, uint64_t enoent)
{
    if (slot >= 0 && slot < PYN_FS_SLOTS) {
        importer[slot].opens += listdirs;
        importer[slot].stats += stats;
        importer[slot].enoent += enoent;
    }
}

static const char *const slot_names[PYN_FS_SLOTS] = {
    [PYN_PHASE_MPI_INIT] = "mpi_init", [PYN_PHASE_STARTUP] = "startup", [PYN_PHASE_IMPORT] = "import",
    [PYN_PHASE_VISIT] = "visit",       [PYN_FS_OTHER] = "other",
};

const char *pyn_fs_slot_name(int slot)
{
    return slot >= 0 && slot < PYN_FS_SLOTS ? slot_names[slot] : NULL;
}

uint64_t *pyn_fs_generated_hashes(const struct pyn_manifest *m, size_t *n)
{
    *n = m->nlibraries + m->nmarkers;
    uint64_t *hashes = malloc((*n ? *n : 1) * sizeof *hashes);
    for (size_t i = 0; hashes && i < *n; ++i)
        hashes[i] = pyn_audit_hash(pyn_fs_generated_file(m, i));
    return hashes;
}

const char *pyn_fs_generated_file(const struct pyn_manifest *m, size_t i)
{
    if (i < m->nlibraries)
        return m->libraries[i].file;
    return i - m->nlibraries < m->nmarkers ? m->markers[i - m->nlibraries].file : NULL;
}

int pyn_fs_available(const char **why)
{
    const struct pyn_audit_state *s = pyn_audit_link;
    if (!s) {
        *why = "libpynamic-audit.so was not loaded (the executable's DT_DEPAUDIT names it next to the executable; "
               "or set LD_AUDIT)";
        return 0;
    }
    if (s->magic != PYN_AUDIT_MAGIC || s->abi_version != PYN_AUDIT_ABI_VERSION) {
        *why = "libpynamic-audit.so is from another pynamic version";
        return 0;
    }
    return 1;
}

int pyn_fs_auditor_on(void)
{
    return pyn_audit_link != NULL;
}

const struct pyn_audit_state *pyn_fs_state(void)
{
    const char *why;
    return pyn_fs_available(&why) ? pyn_audit_link : NULL;
}

void pyn_fs_mark_call(const char *name)
{
    const struct pyn_audit_state *s = pyn_audit_link;
    if (s && s->mark)
        s->mark(PYN_AUDIT_CALL, name ? name : "");
}

void pyn_fs_reserve(uint64_t events, uint64_t path_bytes)
{
    const struct pyn_audit_state *s = pyn_audit_link;
    if (s && s->reserve)
        s->reserve(events, path_bytes);
}

void pyn_fs_mark_return(void)
{
    const struct pyn_audit_state *s = pyn_audit_link;
    if (s && s->mark)
        s->mark(PYN_AUDIT_RETURN, NULL);
}

void pyn_fs_set_local_prefix(const char *prefix)
{
    struct pyn_audit_state *s = pyn_audit_link;
    if (!s)
        return;
    s->local_prefix = NULL; /* never a prefix with a stale length */
    s->local_prefix_len = prefix ? strlen(prefix) : 0;
    s->local_prefix = prefix;
}

int pyn_fs_set_map(const struct pyn_audit_map_entry *map, size_t n, const char **why)
{
    if (!pyn_fs_available(why))
        return map ? -1 : 0;
    struct pyn_audit_state *s = pyn_audit_link;
    s->map = NULL;
    s->map_len = map ? n : 0;
    s->map = map;
    return 0;
}

void pyn_fs_set_phase(int slot)
{
    uint32_t phase = slot == PYN_FS_OTHER ? PYN_AUDIT_PHASE_OTHER : (uint32_t)slot;
    if (pyn_audit_link)
        pyn_audit_link->phase = phase;
    if (pyn_audit_bindings_link)
        pyn_audit_bindings_link->phase = phase;
}

/* The auditor's phase tag to our slot: before main is the startup phase. */
static int slot_of(uint32_t phase)
{
    if (phase == PYN_AUDIT_PHASE_BEFORE_MAIN)
        return PYN_PHASE_STARTUP;
    return phase < PYN_PHASE_COUNT ? (int)phase : PYN_FS_OTHER;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

int pyn_fs_tally(const struct pyn_manifest *m, struct pyn_fs_counts out[PYN_FS_SLOTS], int *bindings_ok, char *err,
                 size_t errlen)
{
    memset(out, 0, PYN_FS_SLOTS * sizeof *out);
    *bindings_ok = 0;
    const char *why = NULL;
    if (!pyn_fs_available(&why)) {
        pyn_format_middle(err, errlen, "%s", why);
        return -1;
    }
    const struct pyn_audit_state *s = pyn_audit_link;
    if (s->dropped) {
        pyn_format_middle(err, errlen, "the auditor lost %llu events (out of memory): counts would be low",
                          (unsigned long long)s->dropped);
        return -1;
    }
    const struct pyn_audit_state *b = bindings_state();
    /* The generated files: the libraries and the markers. */
    size_t nnames;
    uint64_t *names = pyn_fs_generated_hashes(m, &nnames);
    if (!names) {
        pyn_format_middle(err, errlen, "out of memory");
        return -1;
    }
    qsort(names, nnames, sizeof *names, cmp_u64);
#define GENERATED(h) bsearch(&(h), names, nnames, sizeof *names, cmp_u64)
    uint64_t probes[PYN_FS_SLOTS] = {0};
    for (uint64_t i = 0; i < s->nevents; ++i) {
        const struct pyn_audit_event *e = &s->events[i];
        uint64_t hash = pyn_audit_event_hash(s, e);
        if (!GENERATED(hash))
            continue;
        int slot = slot_of(e->phase);
        if (e->kind & PYN_AUDIT_LOCAL) {
            out[slot].local++;
        } else if (e->kind == PYN_AUDIT_PROBE) {
            probes[slot]++;
        } else if (e->kind == PYN_AUDIT_OPEN) {
            out[slot].opens++;
            out[slot].stats++; /* glibc fstat()s each file it maps */
            out[slot].bytes += e->bytes;
        }
    }
    /* Every open was the one probe of its search that succeeded. */
    for (int k = 0; k < PYN_FS_SLOTS; ++k) {
        out[k].enoent = probes[k] > out[k].opens ? probes[k] - out[k].opens : 0;
        out[k].opens += importer[k].opens;
        out[k].stats += importer[k].stats;
        out[k].enoent += importer[k].enoent;
    }
    /* Bindings only from the opt-in counter, and only when it lost no object. */
    *bindings_ok = b && !b->objects_dropped;
    for (uint64_t i = 0; *bindings_ok && i < b->nobjects; ++i) {
        const struct pyn_audit_object *o = &b->objects[i];
        if (!GENERATED(o->name_hash))
            continue;
        out[PYN_PHASE_STARTUP].bindings += o->bindings_from[pyn_audit_phase_slot(PYN_AUDIT_PHASE_BEFORE_MAIN)];
        out[PYN_FS_OTHER].bindings += o->bindings_from[pyn_audit_phase_slot(PYN_AUDIT_PHASE_OTHER)];
        for (int p = 0; p < PYN_PHASE_COUNT; ++p)
            out[p].bindings += o->bindings_from[p];
    }
#undef GENERATED
    free(names);
    return 0;
}
