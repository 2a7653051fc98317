/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_audit_abi.h: what the rtld-audit library (libpynamic-audit.so) and
 * the runtime share. The auditor runs inside ld.so's audit namespace with no
 * libc, so everything here is plain data and static inline code.
 *
 * The auditor records one event per step ld.so takes for an object (a
 * probe of a candidate path, an object opened and mapped,
 * every new object mapped, start-up's initialisers done) into a buffer of
 * its own, with a CLOCK_MONOTONIC time and the phase the runtime says the
 * run is in. The runtime adds the start and the return of each dlopen call
 * it (or CPython) makes through the auditor's mark function, so the events
 * bracket every step of a load (docs/metrics.md, "Where the loading time
 * goes").
 * The runtime finds the state through the executable's exported
 * pyn_audit_link (the auditor writes its address there when ld.so opens the
 * executable) and, after the run, keeps only the events whose file name is
 * one of the manifest's libraries. */
#ifndef PYN_AUDIT_ABI_H
#define PYN_AUDIT_ABI_H

#include <stdint.h>

#define PYN_AUDIT_MAGIC UINT64_C(0x7479646e79702e61) /* "a.pyndit" */
#define PYN_AUDIT_ABI_VERSION 3u

/* The symbol the executable exports for the auditor to fill. The opt-in
 * binding counter (libpynamic-audit-bindings.so) fills its own. */
#define PYN_AUDIT_LINK_SYMBOL "pyn_audit_link"
#define PYN_AUDIT_BINDINGS_LINK_SYMBOL "pyn_audit_bindings_link"

enum pyn_audit_kind {
    PYN_AUDIT_PROBE = 1,      /* ld.so is about to open() this candidate path */
    PYN_AUDIT_OPEN = 2,       /* ld.so opened and mapped an object (la_objopen) */
    PYN_AUDIT_CONSISTENT = 4, /* every new object is mapped (la_activity LA_ACT_CONSISTENT) */
    PYN_AUDIT_PREINIT = 5,    /* start-up's initialisers ran; main is next (la_preinit) */
    PYN_AUDIT_CALL = 6,       /* the program calls dlopen (the runtime's mark); name_hash: its argument */
    PYN_AUDIT_RETURN = 7,     /* that dlopen returned (the runtime's mark) */
};
/* Or'ed into an event's kind: the path is under the node-local staging
 * directory (state.local_prefix), not the libraries' shared home. */
#define PYN_AUDIT_LOCAL 0x100u
#define PYN_AUDIT_KIND(k) ((k)&0xffu)

/* Phases as the runtime numbers them (enum pyn_phase), plus the time before
 * main's first step and after the last. */
#define PYN_AUDIT_PHASE_BEFORE_MAIN 0xfffffffeu
#define PYN_AUDIT_PHASE_OTHER 0xffffffffu

struct pyn_audit_event {
    uint64_t name_hash; /* pyn_audit_hash of the path's last component; 0: see pyn_audit_event_hash */
    uint32_t kind;      /* enum pyn_audit_kind */
    uint32_t phase;
    uint64_t bytes; /* PYN_AUDIT_OPEN: header read plus file bytes mapped */
    uint64_t t_ns;  /* CLOCK_MONOTONIC, as the runtime's phase clock */
    uint64_t path;  /* PYN_AUDIT_PROBE: 1 + the offset of its NUL-terminated path in state.paths; 0: none */
};

/* Per-object binding counts need an object table; bindings are counted per
 * phase for objects the runtime later classifies by name. Only the opt-in
 * binding counter (libpynamic-audit-bindings.so) fills it: an auditor that
 * defines la_symbind64 makes ld.so keep per-PLT-slot records for every
 * object and send each lazy binding through the audit path
 * (docs/metrics.md, "What counting costs"). */
#define PYN_AUDIT_MAX_PHASES 8u

/* The slot of a phase in per-phase arrays: runtime phases first, then
 * before-main and other in the last two. */
static inline unsigned pyn_audit_phase_slot(uint32_t phase)
{
    if (phase == PYN_AUDIT_PHASE_BEFORE_MAIN)
        return PYN_AUDIT_MAX_PHASES - 2;
    return phase < PYN_AUDIT_MAX_PHASES - 2 ? phase : PYN_AUDIT_MAX_PHASES - 1;
}

struct pyn_audit_object {
    uint64_t name_hash;
    uint64_t bindings_from[PYN_AUDIT_MAX_PHASES]; /* symbols this object had bound (its PLT/GOT) */
};

/* One row of the path cache (--stage cache|pilot): where a library lives.
 * The runtime sorts the rows by name_hash; the auditor answers ld.so's
 * first search step for name (la_objsearch LA_SER_ORIG) with path, so ld.so
 * opens it directly and probes nothing. */
struct pyn_audit_map_entry {
    uint64_t name_hash; /* pyn_audit_hash(name) */
    const char *name;   /* "libutility3.so" */
    const char *path;   /* absolute */
};

/* The runtime's mark: records kind (PYN_AUDIT_CALL with the name given to
 * dlopen, or PYN_AUDIT_RETURN with NULL) as the auditor's own events. */
typedef void (*pyn_audit_mark_fn)(uint32_t kind, const char *name);
/* Before a phase: room for that many more events and path bytes, touched. */
typedef void (*pyn_audit_reserve_fn)(uint64_t events, uint64_t path_bytes);

struct pyn_audit_state {
    uint64_t magic;
    uint32_t abi_version;
    volatile uint32_t phase; /* written by the runtime, read by the auditor */
    struct pyn_audit_event *events;
    uint64_t nevents, capacity, dropped; /* dropped: the buffer could not grow */
    struct pyn_audit_object *objects;
    uint64_t nobjects, object_capacity, objects_dropped;
    char *paths; /* the probes' paths, one after another (for the trace's failed probes) */
    uint64_t paths_len, paths_capacity, paths_dropped;
    uint64_t searches;            /* la_objsearch LA_SER_ORIG calls (one per name looked up) */
    pyn_audit_mark_fn mark;       /* set by the auditor */
    pyn_audit_reserve_fn reserve; /* set by the auditor */
    /* Written by the runtime before the import phase, read by the auditor. */
    const char *volatile local_prefix; /* "/dev/shm/pynamic-stage.../" or NULL */
    uint64_t local_prefix_len;
    const struct pyn_audit_map_entry *volatile map; /* sorted by name_hash, or NULL */
    uint64_t map_len;
};

/* FNV-1a over the last path component: both sides classify by file name. */
static inline uint64_t pyn_audit_hash(const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; ++p)
        if (*p == '/')
            base = p + 1;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)base; *p; ++p)
        h = (h ^ *p) * UINT64_C(0x100000001b3);
    return h;
}

/* An event's object: its name_hash, or for a probe whose path the auditor
 * kept, the hash of that path (computed here, after the run, rather than
 * inside ld.so's work); 0 for the events that name nothing. */
static inline uint64_t pyn_audit_event_hash(const struct pyn_audit_state *s, const struct pyn_audit_event *e)
{
    if (e->name_hash || !e->path || e->path > s->paths_len)
        return e->name_hash;
    return pyn_audit_hash(s->paths + e->path - 1);
}

#endif
