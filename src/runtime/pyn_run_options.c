/* The shared option table and the checks of its values (pyn_run_options.h).
 * The defaults of the manifest and the library directory are relative to
 * the executable's directory, so --help names them that way. */
#include "pyn_run_options.h"

#include "pyn_clock.h"
#include "pyn_fractal.h"
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

void pyn_run_options_setup(struct pyn_run_options *o, const struct pyn_option *mode_options)
{
    o->progress = "auto";
    o->progress_interval = "0.5";
    o->bind = "none";
    o->stage = "none";
    o->stage_dir = "/dev/shm";
    o->stage_chunk = "64M";
    const struct pyn_option common[] = {
        {"--json", "FILE", PYN_OPT_STRING, &o->json_path, 0, "json",
         "write the JSON report to FILE (atomically, rank 0)"},
        {"--csv", "FILE", PYN_OPT_STRING, &o->csv_path, 0, "csv", "write one CSV row per rank to FILE"},
        {"--launch-time", "T", PYN_OPT_STRING, &o->launch_time, 0, "launch_time",
         "job launch time in seconds since the epoch (date +%s or date +%s.%N); may also be given "
         "as the first positional argument, as the original takes it"},
        {"--manifest", "FILE", PYN_OPT_STRING, &o->manifest_path, 0, "manifest",
         "the generator's manifest (default: <executable dir>/" PYN_DEFAULT_MANIFEST ")"},
        {"--lib-dir", "DIR", PYN_OPT_STRING, &o->library_dir, 0, "library_dir",
         "directory holding the generated libraries (default: <executable dir>/" PYN_DEFAULT_LIBRARY_DIR ")"},
        {"--progress", "WHEN", PYN_OPT_STRING, &o->progress, 0, "progress",
         "progress of import and visit on rank 0's stderr: auto (when it is a terminal; default), always, never"},
        {"--progress-interval", "S", PYN_OPT_STRING, &o->progress_interval, 0, "progress_interval",
         "seconds between progress updates, and before the first (default 0.5)"},
        {"--cold", NULL, PYN_OPT_FLAG, &o->cold, 0, "cold",
         "evict the generated libraries and the executable from the page cache before import (as root, also "
         "drop_caches once per host); the report proves it with mincore (docs/metrics.md)"},
        {"--cache-count", NULL, PYN_OPT_FLAG, &o->cache_count, 0, "cache_count",
         "count the generated libraries' pages in the page cache at import start, on one rank per host (it opens "
         "every library before the import; --cold always does, to prove the eviction)"},
        {"--bind", "WHAT", PYN_OPT_STRING, &o->bind, 0, "bind",
         "bind each rank: core (one core per rank, round-robin by rank within its host) or none (default)"},
        {"--stage", "HOW", PYN_OPT_STRING, &o->stage, 0, "stage",
         "before the import (timed apart, docs/staging.md): none (default); bcast: rank 0 reads each generated file "
         "once and broadcasts it to one rank per host, which writes it under --stage-dir, and every rank loads "
         "those copies; cache: rank 0 finds every file and every rank loads by that path, with no search; pilot: "
         "the map of a cache run, read from --pilot-map"},
        {"--stage-dir", "DIR", PYN_OPT_STRING, &o->stage_dir, 0, "stage_dir",
         "node-local directory for --stage bcast's copies (default /dev/shm); removed after the run"},
        {"--stage-chunk", "SIZE", PYN_OPT_STRING, &o->stage_chunk, 0, "stage_chunk",
         "bytes per broadcast for --stage bcast: 4096 to 1G, suffix K, M or G (default 64M)"},
        {"--pilot-map", "FILE", PYN_OPT_STRING, &o->pilot_map, 0, "pilot_map",
         "with --stage cache: write the map of where every file lives to FILE; with --stage pilot: load by it"},
        {"--fractal-image", "FILE", PYN_OPT_STRING, &o->fractal_image, 0, "fractal_image",
         "write the MPI capability test's image (the original's output.bmp: 400 x 400, 24-bit BMP) to FILE "
         "(atomically, rank 0; checked before the run starts)"},
        {"--help", NULL, PYN_OPT_FLAG, &o->help, 0, NULL, "print this help and exit"},
        {"--version", NULL, PYN_OPT_FLAG, &o->version, 0, NULL, "print the version and exit"},
        PYN_OPTIONS_END,
    };
    _Static_assert(sizeof common == sizeof o->table, "resize PYN_RUN_OPTIONS_COUNT");
    memcpy(o->table, common, sizeof common);
    static const struct pyn_option none[] = {PYN_OPTIONS_END};
    o->tables[0] = o->table;
    o->tables[1] = mode_options ? mode_options : none;
    o->tables[2] = NULL;
}

void pyn_run_options_print_help(const struct pyn_run_options *o, const char *prog, const char *summary, FILE *out)
{
    fprintf(out, "usage: %s [LAUNCH_TIME] [options]\n%s\n\n", prog, summary);
    fprintf(out, "Runs under mpiexec/srun or as one process; rank 0 prints the results.\n\noptions:\n");
    pyn_options_print_help(o->tables, out);
    fprintf(out, "\nexit status: 0 passed, 1 failed (every rank exits 1), 2 usage error\n");
}

void pyn_run_options_print_version(const char *prog, FILE *out)
{
    fprintf(out, "%s (pynamic) %s\n", prog, PYN_VERSION);
}

/* A millisecond timestamp would otherwise give a huge negative startup. */
static int parse_launch_time(const char *text, double *out, char *err, size_t errlen)
{
    char *end = NULL;
    errno = 0;
    double t = strtod(text, &end);
    double now = pyn_clock_realtime_s();
    if (errno || end == text || *end != '\0' || !isfinite(t)) {
        snprintf(err, errlen,
                 "launch time '%s' is not a number (expected seconds since the epoch: date +%%s or date +%%s.%%N)",
                 text);
        return -EINVAL;
    }
    if (t < 1e8 || t > now + 86400) {
        snprintf(err, errlen,
                 "launch time '%s' is not a plausible time in seconds since the epoch (now is %.0f; expected date +%%s "
                 "or date +%%s.%%N)",
                 text, now);
        return -EINVAL;
    }
    *out = t;
    return 0;
}

int pyn_run_options_launch_time(struct pyn_run_options *o, const char *const *positional, size_t npositional,
                                double *launch_time, char *err, size_t errlen)
{
    int rc = 0;
    if (npositional == 1 && o->launch_time) {
        snprintf(err, errlen, "the launch time is given twice ('%s' and --launch-time %s); give it once", positional[0],
                 o->launch_time);
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

int pyn_run_options_check_fractal_image(const struct pyn_run_options *o, char *err, size_t errlen)
{
    static const char *const names[] = {"--json", "--csv", "--manifest", "--pilot-map"};
    const char *const paths[] = {o->json_path, o->csv_path, o->manifest_path, o->pilot_map};
    int rc = o->fractal_image ? pyn_fractal_check_image_path(o->fractal_image, names, paths, 4, err, errlen) : 0;
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
    if (pyn_stage_parse_kind(o->stage, &so->kind, err, errlen) == 0 &&
        pyn_stage_parse_chunk(o->stage_chunk, &so->chunk_bytes, err, errlen) == 0) {
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
        else if (so->kind == PYN_STAGE_BCAST && o->cold)
            snprintf(err, errlen,
                     "--cold with --stage bcast: the run loads node-local copies, not the tree --cold evicts; use "
                     "--cold with --stage none, cache or pilot");
    }
    if (!err[0])
        return 0;
    pyn_escape_controls(err, errlen);
    return -EINVAL;
}
