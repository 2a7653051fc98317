/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_loadtime.h: where the loading time went, from the auditor's timed
 * events (src/audit/pyn_audit_abi.h). A load is one dlopen call (bracketed
 * by the runtime's marks) or the start-up (the vDSO announced to
 * la_preinit). Within a load, each object mapped splits the time before it:
 *
 *   search   from the previous object mapped (or the load's start) to the
 *            probe of the candidate that opened: ld.so comparing the name
 *            with the objects already loaded, then every failed candidate
 *   map      from that probe to la_objopen (open, read, fstat, mmap); in a
 *            dlopen also from the last object mapped to LA_ACT_CONSISTENT
 *            (the remaining DT_NEEDED names, version checks)
 *   relocate dlopen: LA_ACT_CONSISTENT to the call's return (relocation
 *            and initialisers: glibc gives no notification between them);
 *            start-up: the last object mapped to LA_ACT_CONSISTENT
 *   init     start-up only: LA_ACT_CONSISTENT to la_preinit
 *
 * A dlopen of an object already loaded maps nothing: its whole call is
 * search. docs/metrics.md ("Where the loading time goes") says which glibc
 * code each notification brackets, checked on glibc 2.36. */
#ifndef PYN_LOADTIME_H
#define PYN_LOADTIME_H

#include "pyn_audit_abi.h"
#include "pyn_manifest.h"
#include "pyn_phase.h"

#include <stddef.h>
#include <stdint.h>

/* The phases a load can fall in, as the report shows them. */
enum pyn_load_slot { PYN_LOAD_STARTUP, PYN_LOAD_IMPORT, PYN_LOAD_SLOTS };

/* Why a split is null (JSON and text say it in words: pyn_loadtime_why). */
enum pyn_load_why {
    PYN_LOAD_MEASURED = 0,
    PYN_LOAD_NO_AUDITOR,     /* no auditor, or it lost events */
    PYN_LOAD_NO_LOAD,        /* nothing was loaded in this phase */
    PYN_LOAD_INIT_IN_RELOC,  /* a dlopen: no notification between relocation and initialisers */
    PYN_LOAD_NO_INTERPRETER, /* not a Python mode */
    PYN_LOAD_NOT_ASKED,      /* the run was without --audit */
    PYN_LOAD_WHY_COUNT,
};

/* One phase's split on one rank, in seconds; NaN where not measured. */
struct pyn_load_split {
    double search_s, map_s, relocate_s, init_s;
    double loader_s;      /* their sum: the time inside the loads */
    double interpreter_s; /* Python modes, import: the phase less loader_s */
    int32_t loads;        /* dlopen calls (or the start-up) bracketed */
    int32_t objects;      /* objects mapped in them */
    int32_t init_why;     /* enum pyn_load_why for init_s */
    int32_t interpreter_why;
    int32_t why; /* for the whole split: PYN_LOAD_MEASURED, NO_AUDITOR or NO_LOAD */
    int32_t reserved;
};

/* One generated library's own share: search and map are per object;
 * relocate only when its load mapped nothing else (dlopen --load-each), as
 * glibc relocates all of a load's objects with no notification between
 * them. */
struct pyn_load_library {
    uint32_t library;  /* index in the manifest's libraries, then markers (after nlibraries) */
    uint32_t order;    /* 0 for the first object this process mapped after the vDSO, in load order */
    int32_t slot;      /* enum pyn_load_slot, or -1 outside both */
    uint32_t probes;   /* candidates tried, the one that opened included */
    uint64_t start_ns; /* when its search began, on CLOCK_MONOTONIC */
    double search_s, map_s;
    double relocate_s; /* NaN: its load relocated other objects too */
};

/* The text report lists this many of the slowest rank's libraries. */
#define PYN_SLOWEST_LIBRARIES 5

/* The parts of a load, as the trace shows them. */
enum pyn_load_part {
    PYN_LOAD_PART_SEARCH,
    PYN_LOAD_PART_MAP,
    PYN_LOAD_PART_RELOCATE,
    PYN_LOAD_PART_INIT,
    PYN_LOAD_PARTS,
    PYN_LOAD_PART_CALL = PYN_LOAD_PARTS, /* a whole load: the dlopen call, or the start-up's */
    PYN_LOAD_PART_FAILED_PROBE,          /* an instant: a candidate that did not open */
};

/* One interval of a load, in the order the walk finds them: every search,
 * map, relocate and init interval of a slot sums to the split's figure. */
struct pyn_load_interval {
    int part; /* enum pyn_load_part */
    int slot; /* enum pyn_load_slot */
    uint64_t t0_ns, t1_ns;
    long library;       /* index into hashes (libraries, then markers), or -1 */
    uint64_t name_hash; /* search, map: the object; relocate: the load's one object; call: dlopen's argument; 0: none */
    uint64_t path;      /* failed probe: its event's path (1 + offset into the auditor's paths), or 0 */
};
typedef void (*pyn_load_sink)(void *ctx, const struct pyn_load_interval *iv);

/* Per-rank result: what the record carries. */
struct pyn_load_record {
    int32_t objects_before_import; /* objects mapped in the process when the import began (dl_iterate_phdr) */
    int32_t reserved;
    struct pyn_load_split phase[PYN_LOAD_SLOTS];
};

/* Splits the events (in the order the auditor recorded them) of one
 * process. hashes: pyn_audit_hash of each manifest library's then marker's
 * file, in that order (n of them), to attribute per-library shares; libs
 * (capacity n) receives one row per generated library mapped, *nlibs of
 * them. phase_s: the runtime's phases (import_s for interpreter_s);
 * interpreter: the mode runs CPython in its import. Fills out->phase.
 * sink (NULL: none) receives every interval, for the trace. */
void pyn_loadtime_split(const struct pyn_audit_event *events, size_t nevents, const uint64_t *hashes, size_t n,
                        const double phase_s[PYN_PHASE_COUNT], int interpreter, struct pyn_load_record *out,
                        struct pyn_load_library *libs, size_t *nlibs, pyn_load_sink sink, void *ctx);

/* Marks every split of out as not measured for why. */
void pyn_loadtime_unmeasured(struct pyn_load_record *out, enum pyn_load_why why);

/* The words for a why: "no notification separates ...". */
const char *pyn_loadtime_why(enum pyn_load_why why);

/* "startup", "import". */
const char *pyn_loadtime_slot_name(int slot);

#endif
