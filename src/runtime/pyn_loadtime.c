/* SPDX-License-Identifier: BSD-3-Clause */
#include "pyn_loadtime.h"

#include <math.h>
#include <string.h>

static const char *const why_words[PYN_LOAD_WHY_COUNT] = {
    [PYN_LOAD_MEASURED] = "measured",
    [PYN_LOAD_NO_AUDITOR] = "the auditor was not loaded or lost events, so no load was timed",
    [PYN_LOAD_NO_LOAD] = "the loader loaded nothing in this phase",
    [PYN_LOAD_INIT_IN_RELOC] = "a dlopen gives no notification between relocation and the initialisers: "
                               "relocate_s includes them",
    [PYN_LOAD_NOT_ASKED] = "not measured: the run was without --audit",
    [PYN_LOAD_NO_INTERPRETER] = "this mode runs no interpreter in its import",
};

const char *pyn_loadtime_why(enum pyn_load_why why)
{
    return why >= 0 && why < PYN_LOAD_WHY_COUNT ? why_words[why] : "unknown";
}

const char *pyn_loadtime_slot_name(int slot)
{
    return slot == PYN_LOAD_STARTUP ? "startup" : slot == PYN_LOAD_IMPORT ? "import" : NULL;
}

static void clear_split(struct pyn_load_split *s, enum pyn_load_why why)
{
    s->search_s = s->map_s = s->relocate_s = s->init_s = s->loader_s = s->interpreter_s = NAN;
    s->loads = s->objects = 0;
    s->why = s->init_why = s->interpreter_why = (int32_t)why;
    s->reserved = 0;
}

void pyn_loadtime_unmeasured(struct pyn_load_record *out, enum pyn_load_why why)
{
    for (int k = 0; k < PYN_LOAD_SLOTS; ++k)
        clear_split(&out->phase[k], why);
}

/* The report's slot for an auditor phase tag; -1: neither. */
static int slot_of(uint32_t phase)
{
    if (phase == PYN_AUDIT_PHASE_BEFORE_MAIN)
        return PYN_LOAD_STARTUP;
    return phase == PYN_PHASE_IMPORT ? PYN_LOAD_IMPORT : -1;
}

static double seconds(uint64_t from_ns, uint64_t to_ns)
{
    return to_ns > from_ns ? (double)(to_ns - from_ns) * 1e-9 : 0.0;
}

/* Sums of one slot while walking the events. */
struct sums {
    double part[PYN_LOAD_PARTS];
    int loads, objects, inits;
};

/* The walk's state within one load. */
struct load {
    int active, slot, startup, depth, consistent;
    uint64_t start_ns, call_hash;
    uint64_t prev_ns;    /* the last boundary: the load's start, an object mapped, consistency */
    uint64_t probe_ns;   /* the latest probe since prev_ns; 0: none */
    uint64_t probe_path; /* its path (the event's path field) */
    uint32_t probes;
    int objects;        /* mapped in this load */
    long last_row;      /* the per-library row of the last object it mapped, or -1 */
    uint64_t last_hash; /* the last object it mapped */
};

struct walk {
    struct sums sum[PYN_LOAD_SLOTS];
    struct load ld;
    const uint64_t *hashes;
    size_t n;
    pyn_load_sink sink;
    void *ctx;
};

static long library_of(const struct walk *w, uint64_t hash)
{
    for (size_t i = 0; i < w->n; ++i)
        if (w->hashes[i] == hash)
            return (long)i;
    return -1;
}

/* One interval of the current load: summed, and handed to the sink. */
static double emit(struct walk *w, enum pyn_load_part part, uint64_t t0, uint64_t t1, uint64_t hash, uint64_t path)
{
    double d = seconds(t0, t1);
    if (part != PYN_LOAD_PART_CALL && part != PYN_LOAD_PART_FAILED_PROBE)
        w->sum[w->ld.slot].part[part] += d;
    if (w->sink) {
        struct pyn_load_interval iv = {.part = part,
                                       .slot = w->ld.slot,
                                       .t0_ns = t0,
                                       .t1_ns = t1 > t0 ? t1 : t0,
                                       .library = hash ? library_of(w, hash) : -1,
                                       .name_hash = hash,
                                       .path = path};
        w->sink(w->ctx, &iv);
    }
    return d;
}

/* A probe that another followed, or that no object followed: it failed. */
static void failed_probe(struct walk *w)
{
    if (w->ld.probe_ns)
        emit(w, PYN_LOAD_PART_FAILED_PROBE, w->ld.probe_ns, w->ld.probe_ns, 0, w->ld.probe_path);
}

static void end_load(struct walk *w, uint64_t t)
{
    emit(w, PYN_LOAD_PART_CALL, w->ld.start_ns, t, w->ld.call_hash, 0);
    w->ld.active = 0;
}

void pyn_loadtime_split(const struct pyn_audit_event *events, size_t nevents, const uint64_t *hashes, size_t n,
                        const double phase_s[PYN_PHASE_COUNT], int interpreter, struct pyn_load_record *out,
                        struct pyn_load_library *libs, size_t *nlibs, pyn_load_sink sink, void *ctx)
{
    struct walk w = {.hashes = hashes, .n = n, .sink = sink, .ctx = ctx};
    struct load *ld = &w.ld;
    uint32_t order = 0;
    *nlibs = 0;
    for (size_t i = 0; i < nevents; ++i) {
        const struct pyn_audit_event *e = &events[i];
        uint32_t kind = PYN_AUDIT_KIND(e->kind);
        uint64_t t = e->t_ns;
        if (!ld->active) {
            /* A load starts at a dlopen call, or at the first thing ld.so announces before main. */
            if (kind == PYN_AUDIT_CALL && slot_of(e->phase) >= 0)
                *ld = (struct load){
                    .active = 1, .slot = slot_of(e->phase), .depth = 1, .call_hash = e->name_hash, .last_row = -1};
            else if (e->phase == PYN_AUDIT_PHASE_BEFORE_MAIN && kind != PYN_AUDIT_CALL && kind != PYN_AUDIT_RETURN)
                *ld = (struct load){.active = 1, .slot = PYN_LOAD_STARTUP, .startup = 1, .last_row = -1};
            if (!ld->active)
                continue;
            ld->start_ns = ld->prev_ns = t;
            w.sum[ld->slot].loads++;
            if (kind == PYN_AUDIT_CALL)
                continue;
        }
        struct sums *s = &w.sum[ld->slot];
        switch (kind) {
        case PYN_AUDIT_CALL: /* a dlopen inside this load (an initialiser's): part of it */
            ld->depth++;
            break;
        case PYN_AUDIT_PROBE:
            failed_probe(&w);
            ld->probe_ns = t;
            ld->probe_path = e->path;
            ld->probes++;
            break;
        case PYN_AUDIT_OPEN: {
            if (!ld->probe_ns) {
                /* Announced, not searched for: ld.so itself and the vDSO at start-up. */
                ld->prev_ns = t;
                break;
            }
            double search = emit(&w, PYN_LOAD_PART_SEARCH, ld->prev_ns, ld->probe_ns, e->name_hash, 0);
            double map = emit(&w, PYN_LOAD_PART_MAP, ld->probe_ns, t, e->name_hash, 0);
            s->objects++;
            ld->objects++;
            ld->last_row = -1;
            ld->last_hash = e->name_hash;
            long lib = library_of(&w, e->name_hash);
            if (lib >= 0 && *nlibs < n)
                ld->last_row = (long)*nlibs, libs[(*nlibs)++] = (struct pyn_load_library){.library = (uint32_t)lib,
                                                                                          .order = order,
                                                                                          .slot = ld->slot,
                                                                                          .probes = ld->probes,
                                                                                          .start_ns = ld->prev_ns,
                                                                                          .search_s = search,
                                                                                          .map_s = map,
                                                                                          .relocate_s = NAN};
            order++;
            ld->prev_ns = t;
            ld->probe_ns = 0;
            ld->probes = 0;
            break;
        }
        case PYN_AUDIT_CONSISTENT:
            failed_probe(&w);
            ld->probe_ns = 0;
            /* Start-up announces it after relocation; a dlopen before (its tail is the dependency lists). */
            emit(&w, ld->startup ? PYN_LOAD_PART_RELOCATE : PYN_LOAD_PART_MAP, ld->prev_ns, t, 0, 0);
            ld->consistent = 1;
            ld->prev_ns = t;
            break;
        case PYN_AUDIT_PREINIT:
            if (ld->startup && ld->consistent) {
                emit(&w, PYN_LOAD_PART_INIT, ld->prev_ns, t, 0, 0);
                s->inits++;
                end_load(&w, t);
            }
            break;
        case PYN_AUDIT_RETURN:
            if (ld->startup || --ld->depth > 0)
                break;
            failed_probe(&w);
            if (ld->consistent) {
                /* One object mapped: the relocation is its own (the trace names it). */
                uint64_t own = ld->objects == 1 ? ld->last_hash : 0;
                double relocate = emit(&w, PYN_LOAD_PART_RELOCATE, ld->prev_ns, t, own, 0);
                if (ld->objects == 1 && ld->last_row >= 0)
                    libs[ld->last_row].relocate_s = relocate;
            } else /* nothing new: the name matched a loaded object (or nothing was found) */
                emit(&w, PYN_LOAD_PART_SEARCH, ld->prev_ns, t, ld->call_hash, 0);
            end_load(&w, t);
            break;
        default:
            break;
        }
    }
    for (int k = 0; k < PYN_LOAD_SLOTS; ++k) {
        struct pyn_load_split *p = &out->phase[k];
        const struct sums *s = &w.sum[k];
        if (s->loads == 0) {
            clear_split(p, PYN_LOAD_NO_LOAD);
            if (k == PYN_LOAD_IMPORT && !interpreter)
                p->interpreter_why = PYN_LOAD_NO_INTERPRETER;
            continue;
        }
        p->why = PYN_LOAD_MEASURED;
        p->search_s = s->part[PYN_LOAD_PART_SEARCH];
        p->map_s = s->part[PYN_LOAD_PART_MAP];
        p->relocate_s = s->part[PYN_LOAD_PART_RELOCATE];
        p->loads = s->loads;
        p->objects = s->objects;
        p->reserved = 0;
        if (k == PYN_LOAD_STARTUP && s->inits > 0) {
            p->init_s = s->part[PYN_LOAD_PART_INIT];
            p->init_why = PYN_LOAD_MEASURED;
        } else {
            p->init_s = NAN;
            p->init_why = PYN_LOAD_INIT_IN_RELOC;
        }
        p->loader_s = p->search_s + p->map_s + p->relocate_s + (isnan(p->init_s) ? 0.0 : p->init_s);
        if (k == PYN_LOAD_IMPORT && interpreter && isfinite(phase_s[PYN_PHASE_IMPORT])) {
            p->interpreter_s = phase_s[PYN_PHASE_IMPORT] - p->loader_s;
            p->interpreter_why = PYN_LOAD_MEASURED;
        } else {
            p->interpreter_s = NAN;
            p->interpreter_why = PYN_LOAD_NO_INTERPRETER;
        }
    }
}
