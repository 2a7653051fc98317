/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_manifest.h: the generator's manifest (DIR/manifest.json), read-only.
 * It names every generated library, its kind and function count, each
 * module's entry symbol and the checksum its visit must return. */
#ifndef PYN_MANIFEST_H
#define PYN_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

enum pyn_library_kind { PYN_LIBRARY_UTILITY, PYN_LIBRARY_MODULE, PYN_LIBRARY_MARKER };

/* A marker's role: when the Python modes call its one function. */
enum pyn_marker_role { PYN_MARKER_BEGIN, PYN_MARKER_FINAL };

struct pyn_library {
    char *name; /* "libmodule3" */
    char *file; /* "libmodule3.so" */
    enum pyn_library_kind kind;
    long functions;            /* the generated _fn functions; 0 for markers */
    char *entry;               /* modules: "libmodule3_entry"; markers: "begin_break_here"; NULL for utilities */
    uint64_t checksum;         /* modules only: what the entry must return */
    enum pyn_marker_role role; /* markers only */
};

/* The generator's configuration, in the original Pynamic's terms. */
struct pyn_config {
    char *arguments; /* normalised original-syntax argument string */
    long num_files, avg_functions, num_utilities, avg_utility_functions;
    long name_pad, depth;
    long long seed;
    int cross_module, print;
    int module_chain; /* --module-chain: module i needs module i-1 (0 when the manifest predates it) */
    long search_dirs; /* RUNPATH directories of every library (1 when the manifest predates it) */
};

struct pyn_manifest {
    int schema_version;
    char *generator_version;
    struct pyn_config config;
    long total_functions;
    uint64_t expected_checksum; /* the run total: pyn_mix over module checksums in order */
    size_t nlibraries, nmodules, nutilities;
    struct pyn_library *libraries; /* utilities first, then modules in visit order */
    struct pyn_library **modules;  /* the modules, in visit order (points into libraries) */
    /* The marker modules (libmodulebegin, libmodulefinal), kept apart: they
     * are not among the NUM_FILES libraries (nlibraries, totals.libraries,
     * the libraries a run counts as loaded), have no checksum, and only the
     * Python modes load them. A manifest without markers has none. */
    size_t nmarkers;
    struct pyn_library *markers;
};

/* The marker with this role, or NULL if the manifest has none. */
const struct pyn_library *pyn_manifest_marker(const struct pyn_manifest *m, enum pyn_marker_role role);

/* Parses manifest text. origin names the file in messages. Checks the
 * schema version, that the totals agree with the library list (markers
 * with totals.markers, which may be absent when there are none) and that
 * the module checksums fold to the expected total. Returns 0, or a
 * negative errno with one line in err naming origin and the offending
 * field. */
int pyn_manifest_parse(const char *text, size_t len, const char *origin, struct pyn_manifest **out, char *err,
                       size_t errlen);

void pyn_manifest_free(struct pyn_manifest *m);

#endif
