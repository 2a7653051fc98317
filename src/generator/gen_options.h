/* SPDX-License-Identifier: BSD-3-Clause */
/* gen_options.h: the command line of pynamic-gen.
 *
 * The syntax is the original Pynamic's configuration syntax, verbatim, plus
 * -o DIR, so that published configurations can be pasted unchanged. One
 * table in gen_options.c drives the parser, the limits, --help and the
 * normalised argument string recorded in the manifest.
 *
 * The original's build options (config_pynamic.py's -b, -i, --with-cc,
 * --with-python, --with-mpi4py, --with-pympi, -c) change nothing in the
 * generated sources: they are not in the normalised string, and the outer
 * build reads them from the CMake fragment (gen_cmake.h). */
#ifndef PYN_GEN_OPTIONS_H
#define PYN_GEN_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "gen_buf.h"

/* Limits, chosen so that every count fits a uint32_t with room to spare and
 * the largest accepted tree still fits in memory while generating. */
#define PYN_GEN_MAX_FILES 100000u
#define PYN_GEN_MAX_AVG 1000000u
#define PYN_GEN_MAX_PAD 4096u
#define PYN_GEN_MAX_DEPTH 1000000u
#define PYN_GEN_MAX_JOBS 256u
#define PYN_GEN_MAX_SEARCH_DIRS 1000u
#define PYN_GEN_MAX_SEED UINT64_C(0x7fffffffffffffff)
/* Upper bound on the largest possible total of functions (every library at
 * its 3*avg/2 maximum): about 12 times CORAL-2's maximum, ~20 GB of C. */
#define PYN_GEN_MAX_TOTAL_FUNCTIONS 20000000u

typedef struct pyn_gen_options {
    const char *out_dir;  /* -o DIR, borrowed from argv */
    uint64_t num_files;   /* NUM_FILES: all libraries, utilities included */
    uint64_t avg_funcs;   /* AVG_FUNCS: average functions of a module */
    uint64_t num_util;    /* -u NUM_UTIL (0 without -u) */
    uint64_t avg_util;    /* -u AVG_UTIL (0 without -u) */
    uint64_t pad;         /* -n PAD: letters appended to function names */
    uint64_t depth;       /* -d DEPTH: call chain length */
    uint64_t seed;        /* -s SEED */
    uint64_t jobs;        /* -j N: generation processes */
    uint64_t search_dirs; /* --search-dirs N: RUNPATH directories, the last holding the libraries */
    int cross_module;     /* -e */
    int module_chain;     /* --module-chain: module i has a DT_NEEDED on module i-1 */
    int print;            /* -p */
    int compat_t;         /* -t: accepted, ignored */
    /* The original's build options, for the outer build only. Strings are
     * borrowed from argv, non-empty and free of control characters; NULL
     * when the option is absent (the last one given wins). */
    int big_executables;         /* -b: the big executables are built by default */
    const char *include_dir;     /* -i DIR: before Python's include directories */
    const char *with_cc;         /* --with-cc=CMD (the text after '=') */
    const char *with_python;     /* --with-python=CMD */
    int with_mpi4py;             /* --with-mpi4py */
    int with_pympi;              /* --with-pympi */
    int configure;               /* -c given (it may be followed by nothing) */
    char *const *configure_args; /* -c ARGS...: every argument after -c, borrowed */
    int nconfigure_args;
} pyn_gen_options;

enum pyn_gen_parse_status {
    PYN_GEN_PARSE_RUN = 0,   /* options valid: generate */
    PYN_GEN_PARSE_DONE = 1,  /* --help or --version printed: exit 0 */
    PYN_GEN_PARSE_ERROR = -1 /* err holds one line (no newline): exit 2 */
};

/* Parses and validates argv completely (nothing is created here). On error,
 * writes a one-line message naming the argument, the value and what is
 * allowed into err. --help and --version print to stdout. */
enum pyn_gen_parse_status pyn_gen_options_parse(int argc, char **argv, pyn_gen_options *o, char *err, size_t errlen);

/* Appends the normalised original-syntax arguments (without -o, -t, -j and
 * the build options -b, -i, --with-*, -c, which do not change the output;
 * -s always present). Equal strings mean equal generated trees. */
void pyn_gen_options_arguments(const pyn_gen_options *o, pyn_gen_buf *out);

#endif
