/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_fs.h: per-phase counts of what the dynamic loader did to the
 * generated libraries, read from the rtld-audit library (src/audit/) the
 * modes are linked to load (DT_DEPAUDIT), on in runs with --audit.
 * docs/metrics.md says exactly what each count sees and misses. */
#ifndef PYN_FS_H
#define PYN_FS_H

#include "pyn_manifest.h"
#include "pyn_phase.h"

#include <stddef.h>
#include <stdint.h>

/* The run's phases, then "other" (between and after them). */
#define PYN_FS_OTHER PYN_PHASE_COUNT
#define PYN_FS_SLOTS (PYN_PHASE_COUNT + 1)

struct pyn_fs_counts {
    uint64_t opens;    /* candidate paths ld.so opened and mapped */
    uint64_t enoent;   /* candidate paths ld.so tried that did not open (failed probes) */
    uint64_t stats;    /* fstat ld.so made of each opened file */
    uint64_t bytes;    /* header read plus file bytes mapped */
    uint64_t local;    /* probes and opens of node-local staged copies (--stage bcast): not in the above */
    uint64_t bindings; /* symbols bound for these objects (la_symbind64, the opt-in counter's) */
};

/* "startup", "mpi_init", "import", "visit", "other". */
const char *pyn_fs_slot_name(int slot);

/* The generated files (the manifest's libraries, then its markers) in one
 * order, by which the auditor's events are told apart (pyn_audit_hash of
 * the file name) and the load split's rows are indexed: the hashes, malloc'd
 * (*n of them; NULL when out of memory), and the file of index i (NULL past
 * the end). */
uint64_t *pyn_fs_generated_hashes(const struct pyn_manifest *m, size_t *n);
const char *pyn_fs_generated_file(const struct pyn_manifest *m, size_t i);

/* True when the auditor is loaded and speaks our ABI; else why not in why. */
int pyn_fs_available(const char **why);

/* True when an auditor published its state here, of whatever version: it
 * is on (it turns itself off in a run without --audit). */
int pyn_fs_auditor_on(void);

/* The auditor's state when it is loaded and speaks our ABI, else NULL:
 * its timed events, for pyn_loadtime_split. */
struct pyn_audit_state;
const struct pyn_audit_state *pyn_fs_state(void);

/* Around each dlopen call the run makes (or CPython makes for it): the
 * load's start and end, as auditor events (pyn_loadtime.h). One indirect
 * call and a clock read each; nothing without the auditor. */
void pyn_fs_mark_call(const char *name);
void pyn_fs_mark_return(void);

/* Before a phase, outside its clock: makes the auditor grow its buffers by
 * that many events and path bytes and touch their pages, so that the
 * phase's page faults are the loader's, not the instrument's. */
void pyn_fs_reserve(uint64_t events, uint64_t path_bytes);

/* Tags what the loader does from now on with phase (enum pyn_phase), or
 * PYN_FS_OTHER. One store: cheap enough at a phase's edges. */
void pyn_fs_set_phase(int slot);

/* Paths under prefix (the staging directory, with its trailing slash) are
 * node-local copies: counted apart, in local. NULL: none. prefix must stay
 * valid until pyn_fs_set_local_prefix(NULL). */
void pyn_fs_set_local_prefix(const char *prefix);

/* Makes ld.so's auditor answer each search for a name in map (sorted by
 * name_hash) with its path: the path cache. NULL: search as usual. map must
 * stay valid until pyn_fs_set_map(NULL, 0). Returns 0, or -1 when no
 * auditor is loaded (why says why): the cache cannot work without one. */
struct pyn_audit_map_entry;
int pyn_fs_set_map(const struct pyn_audit_map_entry *map, size_t n, const char **why);

/* Adds what CPython's importer did in a phase (counted by the Python modes
 * around its own file-system calls, which ld.so's auditor cannot see):
 * listdirs count as opens (of directories), stats as stats, and the calls
 * that failed with ENOENT as enoent. Merged by pyn_fs_tally. */
void pyn_fs_add_importer(int slot, uint64_t listdirs, uint64_t stats, uint64_t enoent);

/* After the run: the events on the manifest's libraries, by slot. The
 * bindings only when the opt-in binding counter was loaded too
 * (*bindings_ok; docs/metrics.md). Returns 0, or -1 with a reason in err
 * (no auditor, events lost). */
int pyn_fs_tally(const struct pyn_manifest *m, struct pyn_fs_counts out[PYN_FS_SLOTS], int *bindings_ok, char *err,
                 size_t errlen);

#endif
