/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_run_options.h: the options every mode shares, as one table.
 *
 * The table (pyn_options.h: typed, with ranges and defaults) feeds the parser, --help and the report's
 * effective configuration; this module holds the run's copy of it, with
 * the mode's own table after it, the help and version text, and the checks
 * of an option's value that need nothing but the options themselves (the
 * launch time, --stage; the output paths are pyn_outputs.h's). Nothing here is collective: the
 * caller agrees on the outcome across ranks.
 */
#ifndef PYN_RUN_OPTIONS_H
#define PYN_RUN_OPTIONS_H

#include "pyn_options.h"
#include "pyn_stage.h"

#include <stddef.h>
#include <stdio.h>

#define PYN_RUN_OPTIONS_COUNT 21 /* the shared table's rows, without its end */

/* --bind: indexed as pyn_bind_names ("core", "none"). */
enum pyn_bind { PYN_BIND_CORE, PYN_BIND_NONE };
extern const char *const pyn_bind_names[];

/* The values as parsed (the table's kinds, pyn_options.h): strings and
 * paths point into argv (or are the defaults); numbers and enums are
 * typed; a *_text keeps what the report shows (the text given, or the
 * default's). */
struct pyn_run_options {
    const char *json_path, *csv_path, *manifest_path, *library_dir;
    const char *launch_time; /* text: pyn_run_options_launch_time reads it */
    int progress;            /* enum pyn_progress_when */
    double progress_interval_s;
    const char *progress_interval_text;
    int help, version;
    int cold;                          /* --cold */
    int cache_count;                   /* --cache-count */
    int bind;                          /* enum pyn_bind */
    int stage;                         /* enum pyn_stage_kind */
    const char *stage_dir, *pilot_map; /* --stage's options */
    uint64_t stage_chunk;              /* bytes */
    const char *stage_chunk_text;
    const char *fractal_image; /* --fractal-image */
    int audit;                 /* --audit: ld.so's auditor measures (libpynamic-audit.so) */
    const char *trace_path;    /* --trace */
    const char *trace_ranks;   /* --trace-ranks (pyn_trace_ranks_parse) */
    double timeout_s;          /* --timeout: the watchdog (pyn_watchdog.h); 0 off */
    const char *timeout_text;
    /* The shared table (its targets are the fields above, so o must not
     * move after setup) and the NULL-terminated list the parser takes. */
    struct pyn_option table[PYN_RUN_OPTIONS_COUNT + 1];
    const struct pyn_option *tables[3];
};

/* Builds o->tables (the parser sets the defaults, from the table): the shared table, then
 * mode_options (PYN_OPTIONS_END-terminated; NULL: none). */
void pyn_run_options_setup(struct pyn_run_options *o, const struct pyn_option *mode_options);

/* --help: usage, the mode's summary, every option the mode accepts (not the
 * staging options when it cannot stage, nor --cold when it loads the
 * libraries before main) and the exit statuses. */
void pyn_run_options_print_help(const struct pyn_run_options *o, const char *prog, const char *summary, int stages,
                                int loads_before_main, FILE *out);

/* --version: "PROG (pynamic) VERSION". */
void pyn_run_options_print_version(const char *prog, FILE *out);

/* The launch time, from --launch-time or the one positional argument (as
 * the original takes it), in seconds since the epoch: what `date +%s` and
 * `date +%s.%N` print, a plain decimal number (digits, then optionally a
 * point and digits: no sign, exponent or hex), from PYN_LAUNCH_TIME_MAX_AGE_S
 * before now to a day after (later than main's start but within the
 * day is clock skew, for pyn_startup.h). Stores it in *launch_time and
 * leaves *launch_time alone when none is given; sets o->launch_time to the
 * text used. Returns 0, or -EINVAL with one line in err (given twice, not a
 * number, not plain decimal, too old, too far ahead; control characters
 * escaped). */
#define PYN_LAUNCH_TIME_MAX_AGE_S (7 * 86400.0)
int pyn_run_options_launch_time(struct pyn_run_options *o, const char *const *positional, size_t npositional,
                                double *launch_time, char *err, size_t errlen);

/* --stage and its options (each value checked by the parser), checked together and against the mode
 * (mode_stages: whether it loads the generated files at run time, as
 * struct pyn_mode's stages) and --cold, into *so. Returns 0, or -EINVAL
 * with one line in err (control characters escaped). */
int pyn_run_options_stage(const struct pyn_run_options *o, int mode_stages, const char *mode_name,
                          struct pyn_stage_options *so, char *err, size_t errlen);

#endif
