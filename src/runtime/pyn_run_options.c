/* SPDX-License-Identifier: BSD-3-Clause */
/* The shared option table and the checks of its values (pyn_run_options.h).
 * The defaults of the manifest and the library directory are relative to
 * the executable's directory, so --help names them that way. */
#include "pyn_run_options.h"

#include "pyn_clock.h"
#include "pyn_progress.h"
#include "pyn_tool.h"
#include "pyn_version.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef PYN_DEFAULT_MANIFEST
#error "PYN_DEFAULT_MANIFEST (manifest path relative to the executable's directory) must be defined"
#endif
#ifndef PYN_DEFAULT_LIBRARY_DIR
#error "PYN_DEFAULT_LIBRARY_DIR (library directory relative to the executable's directory) must be defined"
#endif

const char *const pyn_bind_names[] = {"core", "none", NULL};

void pyn_run_options_setup(struct pyn_run_options *o, const struct pyn_option *mode_options)
{
    memset(o, 0, sizeof *o);
    const struct pyn_option common[] = {
        PYN_OPTION_PATH("--json", "FILE", &o->json_path, "json", "write the JSON report to FILE (atomically, rank 0)"),
        PYN_OPTION_PATH("--csv", "FILE", &o->csv_path, "csv", "write one CSV row per rank to FILE"),
        /* A string: its range depends on the clock and it may come as the positional argument. */
        PYN_OPTION_STRING("--launch-time", "T", &o->launch_time, "launch_time",
                          "job launch time in seconds since the epoch (date +%s or date +%s.%N); may also be given "
                          "as the first positional argument, as the original takes it"),
        PYN_OPTION_PATH("--manifest", "FILE", &o->manifest_path, "manifest",
                        "the generator's manifest (default: <executable dir>/" PYN_DEFAULT_MANIFEST ")"),
        PYN_OPTION_PATH("--lib-dir", "DIR", &o->library_dir, "library_dir",
                        "directory holding the generated libraries (default: <executable dir>/" PYN_DEFAULT_LIBRARY_DIR
                        ")"),
        PYN_OPTION_ENUM(
            "--progress", "WHEN", &o->progress, pyn_progress_when_names, "progress",
            "progress of import and visit on rank 0's stderr: auto (when it is a terminal; default), always, never",
            .def = "auto"),
        PYN_OPTION_DOUBLE("--progress-interval", "S", &o->progress_interval_s, 0, 86400, "seconds", "progress_interval",
                          "seconds between progress updates, and before the first (default 0.5)", .def = "0.5",
                          .text = &o->progress_interval_text),
        PYN_OPTION_FLAG(
            "--cold", &o->cold, "cold",
            "evict the generated libraries and the executable from the page cache before import (as root, also "
            "drop_caches once per host); the report proves it with mincore (docs/metrics.md)"),
        PYN_OPTION_FLAG(
            "--cache-count", &o->cache_count, "cache_count",
            "count the generated libraries' pages in the page cache at import start, on one rank per host (it opens "
            "every library before the import; --cold always does, to prove the eviction)"),
        PYN_OPTION_ENUM(
            "--bind", "WHAT", &o->bind, pyn_bind_names, "bind",
            "bind each rank: core (one core per rank, round-robin by rank within its host) or none (default)",
            .def = "none"),
        PYN_OPTION_ENUM(
            "--stage", "HOW", &o->stage, pyn_stage_kind_names, "stage",
            "before the import (timed apart, docs/staging.md): none (default); bcast: rank 0 reads each generated "
            "file once and broadcasts it to one rank per host, which writes it under --stage-dir, and every rank loads "
            "those copies; cache: rank 0 finds every file and every rank loads by that path, with no search; pilot: "
            "the map of a cache run, read from --pilot-map",
            .def = "none"),
        PYN_OPTION_PATH("--stage-dir", "DIR", &o->stage_dir, "stage_dir",
                        "node-local directory for --stage bcast's copies (default /dev/shm); removed after the run",
                        .def = "/dev/shm"),
        PYN_OPTION_SIZE("--stage-chunk", "SIZE", &o->stage_chunk, PYN_STAGE_CHUNK_MIN, PYN_STAGE_CHUNK_MAX,
                        "stage_chunk",
                        "bytes per broadcast for --stage bcast: 4K to 1G, suffix K, M or G (default 64M)", .def = "64M",
                        .text = &o->stage_chunk_text),
        PYN_OPTION_PATH(
            "--pilot-map", "FILE", &o->pilot_map, "pilot_map",
            "with --stage cache: write the map of where every file lives to FILE; with --stage pilot: load by it"),
        PYN_OPTION_DOUBLE("--timeout", "S", &o->timeout_s, 0, 604800, "seconds", "timeout",
                          "end the job when staging, the import or the visit (with the agreements around them) has not "
                          "ended on every rank S seconds after it began; rank 0 names the ranks that did not arrive "
                          "(default 0: off)",
                          .def = "0", .text = &o->timeout_text),
        PYN_OPTION_PATH(
            "--fractal-image", "FILE", &o->fractal_image, "fractal_image",
            "write the MPI capability test's image (the original's output.bmp: 400 x 400, 24-bit BMP) to FILE "
            "(atomically, rank 0; checked before the run starts)"),
        PYN_OPTION_FLAG("--audit", &o->audit, "audit",
                        "let ld.so's auditor time and count what the loader does: the file-system counts, the loading "
                        "time's split and --trace; off by default, as it slows what it measures (docs/metrics.md)"),
        PYN_OPTION_PATH("--trace", "FILE", &o->trace_path, "trace",
                        "write a timeline of the loading of the --trace-ranks ranks to FILE, in the Chrome trace-event "
                        "JSON format that Perfetto and chrome://tracing open (atomically, rank 0; docs/why.md)"),
        PYN_OPTION_STRING("--trace-ranks", "LIST", &o->trace_ranks, "trace_ranks",
                          "the ranks --trace shows: rank numbers and \"slowest\" (the longest import), "
                          "comma-separated, at most 16 (default 0,slowest)",
                          .def = "0,slowest"),
        PYN_OPTION_FLAG("--help", &o->help, NULL, "print this help and exit"),
        PYN_OPTION_FLAG("--version", &o->version, NULL, "print the version and exit"),
        PYN_OPTIONS_END,
    };
    _Static_assert(sizeof common == sizeof o->table, "resize PYN_RUN_OPTIONS_COUNT");
    memcpy(o->table, common, sizeof common);
    static const struct pyn_option none[] = {PYN_OPTIONS_END};
    o->tables[0] = o->table;
    o->tables[1] = mode_options ? mode_options : none;
    o->tables[2] = NULL;
}

void pyn_run_options_print_help(const struct pyn_run_options *o, const char *prog, const char *summary, int stages,
                                int loads_before_main, FILE *out)
{
    const char *omit[6];
    size_t n = 0;
    if (!stages) {
        omit[n++] = "--stage";
        omit[n++] = "--stage-dir";
        omit[n++] = "--stage-chunk";
        omit[n++] = "--pilot-map";
    }
    if (loads_before_main)
        omit[n++] = "--cold";
    omit[n] = NULL;
    fprintf(out, "usage: %s [LAUNCH_TIME] [options]\n%s\n\n", prog, summary);
    fprintf(out, "Runs under mpiexec/srun or as one process; rank 0 prints the results.\n\noptions:\n");
    pyn_options_print_help(o->tables, omit, out);
    fprintf(out, "\nexit status: 0 passed, 1 failed (every rank exits 1), 2 usage error, 128+N stopped by signal N "
                 "(SIGINT, SIGTERM)\n");
}

void pyn_run_options_print_version(const char *prog, FILE *out)
{
    fprintf(out, "%s (pynamic) %s\n", prog, PYN_VERSION);
}

/* Digits, then optionally a point and digits: what date +%s(.%N) prints.
 * strtod would also take a sign, an exponent or hex. */
static int is_plain_decimal(const char *text)
{
    size_t whole = strspn(text, "0123456789");
    if (whole == 0)
        return 0;
    if (text[whole] == '\0')
        return 1;
    size_t frac = text[whole] == '.' ? strspn(text + whole + 1, "0123456789") : 0;
    return frac > 0 && text[whole + 1 + frac] == '\0';
}

/* A millisecond timestamp, or one of last month, would otherwise give a
 * huge startup: the plausible range depends on the clock, so its
 * messages say so. A launch after main began, within the day, is
 * clock skew between hosts, which pyn_startup.h reports. */
static int parse_launch_time(const char *text, double *out, char *err, size_t errlen)
{
    char line[256];
    double now = pyn_clock_realtime_s();
    double min = floor(now - PYN_LAUNCH_TIME_MAX_AGE_S), max = floor(now) + 86400;
    int rc = pyn_opt_parse_double(NULL, text, min, max, "seconds since the epoch", out, line, sizeof line);
    if (rc == 0 || rc == -ERANGE) {
        double v = strtod(text, NULL);
        if (!is_plain_decimal(text))
            pyn_format_middle(
                err, errlen,
                "launch time '%s' is not a plain decimal number of seconds since the epoch (no sign, exponent "
                "or hex: date +%%s or date +%%s.%%N)",
                text);
        else if (rc == -ERANGE && v < min)
            pyn_format_middle(
                err, errlen,
                "launch time '%s' is more than %.0f days before now (%.0f): not this job's launch (take it with "
                "date +%%s or date +%%s.%%N when the job is launched)",
                text, PYN_LAUNCH_TIME_MAX_AGE_S / 86400, now);
        else if (rc == -ERANGE)
            pyn_format_middle(
                err, errlen,
                "launch time '%s' is not a plausible time in seconds since the epoch (now is %.0f; expected "
                "date +%%s or date +%%s.%%N)",
                text, now);
        else
            return 0;
    } else {
        pyn_format_middle(err, errlen, "launch time %s (date +%%s or date +%%s.%%N)", line);
    }
    return -EINVAL;
}

int pyn_run_options_launch_time(struct pyn_run_options *o, const char *const *positional, size_t npositional,
                                double *launch_time, char *err, size_t errlen)
{
    int rc = 0;
    if (npositional == 1 && o->launch_time) {
        pyn_format_middle(err, errlen, "the launch time is given twice ('%s' and --launch-time %s); give it once",
                          positional[0], o->launch_time);
        rc = -EINVAL;
    } else {
        if (npositional == 1)
            o->launch_time = positional[0];
        if (o->launch_time)
            rc = parse_launch_time(o->launch_time, launch_time, err, errlen);
    }
    if (rc)
        pyn_escape_controls(err, errlen);
    return rc;
}

int pyn_run_options_stage(const struct pyn_run_options *o, int mode_stages, const char *mode_name,
                          struct pyn_stage_options *so, char *err, size_t errlen)
{
    err[0] = '\0';
    so->dir = o->stage_dir;
    so->pilot_map = o->pilot_map;
    so->kind = (enum pyn_stage_kind)o->stage;
    so->chunk_bytes = o->stage_chunk;
    if (so->kind == PYN_STAGE_PILOT && !so->pilot_map)
        snprintf(err, errlen,
                 "--stage pilot replays a map: give it with --pilot-map FILE (written by a run with --stage cache "
                 "--pilot-map FILE)");
    else if (so->pilot_map && so->kind != PYN_STAGE_CACHE && so->kind != PYN_STAGE_PILOT)
        snprintf(err, errlen,
                 "--pilot-map goes with --stage cache (to record the map) or --stage pilot (to replay it), not "
                 "--stage %s",
                 pyn_stage_kind_name(so->kind));
    else if (so->kind != PYN_STAGE_NONE && !mode_stages)
        snprintf(err, errlen,
                 "--stage %s: mode %s does not load the generated files at run time (they are linked or built "
                 "in); use a mode that loads them in the import phase (dlopen, python, the driver)",
                 pyn_stage_kind_name(so->kind), mode_name);
    else if ((so->kind == PYN_STAGE_CACHE || so->kind == PYN_STAGE_PILOT) && !o->audit)
        snprintf(err, errlen, "--stage %s needs --audit: ld.so's auditor is what makes the loader use the map",
                 pyn_stage_kind_name(so->kind));
    else if (so->kind == PYN_STAGE_BCAST && o->cold)
        snprintf(err, errlen,
                 "--cold with --stage bcast: the run loads node-local copies, not the tree --cold evicts; use "
                 "--cold with --stage none, cache or pilot");
    if (!err[0])
        return 0;
    pyn_escape_controls(err, errlen);
    return -EINVAL;
}
