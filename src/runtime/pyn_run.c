/* The run lifecycle shared by every mode. Every step that can fail on some
 * ranks ends in an agreement (an allreduce), so either all ranks go on or
 * all stop together: a failure never leaves a rank waiting in a barrier. */
#define _GNU_SOURCE
#include "pyn_run.h"

#include "pyn_cache.h"
#include "pyn_checksum.h"
#include "pyn_clock.h"
#include "pyn_fatal.h"
#include "pyn_file.h"
#include "pyn_fractal_mpi.h"
#include "pyn_fs.h"
#include "pyn_phase.h"
#include "pyn_placement.h"
#include "pyn_progress.h"
#include "pyn_report.h"
#include "pyn_results.h"
#include "pyn_rusage.h"
#include "pyn_stage.h"
#include "pyn_tool.h"
#include "pyn_version.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef PYN_DEFAULT_MANIFEST
#error "PYN_DEFAULT_MANIFEST (manifest path relative to the executable's directory) must be defined"
#endif
#ifndef PYN_DEFAULT_LIBRARY_DIR
#error "PYN_DEFAULT_LIBRARY_DIR (library directory relative to the executable's directory) must be defined"
#endif

#if defined(__clang__)
#define PYN_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define PYN_COMPILER "gcc " __VERSION__
#else
#define PYN_COMPILER "unknown"
#endif

/* Where a run is, so the steps are taken in order whoever drives them. */
enum run_state { STATE_OVER, STATE_READY, STATE_IN_IMPORT, STATE_IMPORTED, STATE_IN_VISIT, STATE_VISITED };

struct run_options {
    const char *json_path, *csv_path, *manifest_path, *library_dir, *launch_time;
    const char *progress, *progress_interval;
    int help, version;
    int cold;                                                /* --cold */
    int cache_count;                                         /* --cache-count */
    const char *bind;                                        /* --bind core|none */
    const char *stage, *stage_dir, *stage_chunk, *pilot_map; /* --stage and its options */
    const char *fractal_image;                               /* --fractal-image */
};

struct pyn_run {
    const struct pyn_mode *mode;
    const char *prog;
    int rank, nranks;
    struct run_options opt;
    struct pyn_option common_options[18];
    const struct pyn_option *tables[3];
    struct pyn_manifest *manifest;
    char *manifest_path;     /* absolute */
    char *library_dir;       /* absolute: the libraries' home */
    struct pyn_stage *stage; /* --stage: what it staged or mapped, NULL without */
    char *load_dir;          /* --stage bcast: the node-local copy loaded instead of library_dir */
    pyn_entry_fn *entries;
    pyn_entry_fn markers[2]; /* by enum pyn_marker_role; NULL: the mode does not load them */
    uint64_t *values;        /* what each module's visit returned */
    uint8_t *imported;       /* which modules the import made callable */
    enum run_state state;
    int status; /* the exit status once the run is over early */
    uint64_t phase_t0_ns;
    struct pyn_rank_record rec;
    struct pyn_run_info info;
    double span_s[PYN_PHASE_COUNT];
    struct pyn_progress progress; /* rank 0's progress line */
    char fs_error[PYN_ERROR_MAX]; /* why this rank has no file-system counts */
    /* Faults, page cache, placement (docs/metrics.md): see metrics_* below. */
    MPI_Comm node; /* the ranks of this host (MPI_COMM_TYPE_SHARED) */
    int node_rank;
    struct pyn_placement *placement;
    struct pyn_rusage_sample rusage_t0; /* taken at a phase's start, outside its clock */
    struct pyn_fractal_summary fractal; /* the MPI capability test after the visit (pyn_fractal_mpi.h) */
};

const struct pyn_manifest *pyn_run_manifest(const struct pyn_run *run)
{
    return run->manifest;
}

const char *pyn_run_library_dir(const struct pyn_run *run)
{
    return run->load_dir ? run->load_dir : run->library_dir;
}

const char *pyn_run_staged_path(const struct pyn_run *run, const char *file)
{
    return pyn_stage_path(run->stage, file);
}

void pyn_run_module_imported(struct pyn_run *run, size_t module_index)
{
    if (module_index < run->manifest->nmodules && !run->imported[module_index]) {
        run->imported[module_index] = 1;
        run->rec.modules_imported++;
        pyn_progress_tick(&run->progress, PYN_PHASE_IMPORT, run->rec.modules_imported);
    }
}

void pyn_run_set_entry(struct pyn_run *run, size_t module_index, pyn_entry_fn fn)
{
    if (module_index < run->manifest->nmodules && fn) {
        run->entries[module_index] = fn;
        pyn_run_module_imported(run, module_index);
    }
}

void pyn_run_set_marker(struct pyn_run *run, enum pyn_marker_role role, pyn_entry_fn fn)
{
    if (role == PYN_MARKER_BEGIN || role == PYN_MARKER_FINAL)
        run->markers[role] = fn;
}

void pyn_run_visit_result(struct pyn_run *run, size_t module_index, uint64_t value)
{
    if (module_index < run->manifest->nmodules) {
        run->values[module_index] = value;
        run->rec.modules_visited++;
        pyn_progress_tick(&run->progress, PYN_PHASE_VISIT, run->rec.modules_visited);
    }
}

int pyn_run_fail(struct pyn_run *run, int rc, const char *fmt, ...)
{
    /* Keep the first error: later ones are usually its consequences. */
    if (!run->rec.failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(run->rec.error, sizeof run->rec.error, fmt, ap);
        va_end(ap);
        run->rec.failed = 1;
    }
    return rc;
}

/* True on every rank if any rank failed. Doubles as the barrier that ends a phase. */
static int any_failed(struct pyn_run *run)
{
    int mine = run->rec.failed != 0, count = 0;
    MPI_Allreduce(&mine, &count, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    return count > 0;
}

static int agree_exit_status(int mine)
{
    int worst = mine;
    MPI_Allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return worst;
}

static void setup_options(struct pyn_run *run)
{
    run->opt.progress = "auto";
    run->opt.progress_interval = "0.5";
    run->opt.bind = "none";
    run->opt.stage = "none";
    run->opt.stage_dir = "/dev/shm";
    run->opt.stage_chunk = "64M";
    const struct pyn_option common[] = {
        {"--json", "FILE", PYN_OPT_STRING, &run->opt.json_path, 0, "json",
         "write the JSON report to FILE (atomically, rank 0)"},
        {"--csv", "FILE", PYN_OPT_STRING, &run->opt.csv_path, 0, "csv", "write one CSV row per rank to FILE"},
        {"--launch-time", "T", PYN_OPT_STRING, &run->opt.launch_time, 0, "launch_time",
         "job launch time in seconds since the epoch (date +%s or date +%s.%N); may also be given "
         "as the first positional argument, as the original takes it"},
        {"--manifest", "FILE", PYN_OPT_STRING, &run->opt.manifest_path, 0, "manifest",
         "the generator's manifest (default: <executable dir>/" PYN_DEFAULT_MANIFEST ")"},
        {"--lib-dir", "DIR", PYN_OPT_STRING, &run->opt.library_dir, 0, "library_dir",
         "directory holding the generated libraries (default: <executable dir>/" PYN_DEFAULT_LIBRARY_DIR ")"},
        {"--progress", "WHEN", PYN_OPT_STRING, &run->opt.progress, 0, "progress",
         "progress of import and visit on rank 0's stderr: auto (when it is a terminal; default), always, never"},
        {"--progress-interval", "S", PYN_OPT_STRING, &run->opt.progress_interval, 0, "progress_interval",
         "seconds between progress updates, and before the first (default 0.5)"},
        {"--cold", NULL, PYN_OPT_FLAG, &run->opt.cold, 0, "cold",
         "evict the generated libraries and the executable from the page cache before import (as root, also "
         "drop_caches once per host); the report proves it with mincore (docs/metrics.md)"},
        {"--cache-count", NULL, PYN_OPT_FLAG, &run->opt.cache_count, 0, "cache_count",
         "count the generated libraries' pages in the page cache at import start, on one rank per host (it opens "
         "every library before the import; --cold always does, to prove the eviction)"},
        {"--bind", "WHAT", PYN_OPT_STRING, &run->opt.bind, 0, "bind",
         "bind each rank: core (one core per rank, round-robin by rank within its host) or none (default)"},
        {"--stage", "HOW", PYN_OPT_STRING, &run->opt.stage, 0, "stage",
         "before the import (timed apart, docs/staging.md): none (default); bcast: rank 0 reads each generated file "
         "once and broadcasts it to one rank per host, which writes it under --stage-dir, and every rank loads "
         "those copies; cache: rank 0 finds every file and every rank loads by that path, with no search; pilot: "
         "the map of a cache run, read from --pilot-map"},
        {"--stage-dir", "DIR", PYN_OPT_STRING, &run->opt.stage_dir, 0, "stage_dir",
         "node-local directory for --stage bcast's copies (default /dev/shm); removed after the run"},
        {"--stage-chunk", "SIZE", PYN_OPT_STRING, &run->opt.stage_chunk, 0, "stage_chunk",
         "bytes per broadcast for --stage bcast: 4096 to 1G, suffix K, M or G (default 64M)"},
        {"--pilot-map", "FILE", PYN_OPT_STRING, &run->opt.pilot_map, 0, "pilot_map",
         "with --stage cache: write the map of where every file lives to FILE; with --stage pilot: load by it"},
        {"--fractal-image", "FILE", PYN_OPT_STRING, &run->opt.fractal_image, 0, "fractal_image",
         "write the MPI capability test's image (the original's output.bmp: 400 x 400, 24-bit BMP) to FILE "
         "(atomically, rank 0; checked before the run starts)"},
        {"--help", NULL, PYN_OPT_FLAG, &run->opt.help, 0, NULL, "print this help and exit"},
        {"--version", NULL, PYN_OPT_FLAG, &run->opt.version, 0, NULL, "print the version and exit"},
        PYN_OPTIONS_END,
    };
    _Static_assert(sizeof common == sizeof run->common_options, "resize common_options");
    memcpy(run->common_options, common, sizeof common);
    static const struct pyn_option none[] = {PYN_OPTIONS_END};
    run->tables[0] = run->common_options;
    run->tables[1] = run->mode->options ? run->mode->options : none;
    run->tables[2] = NULL;
}

static void print_help(const struct pyn_run *run)
{
    printf("usage: %s [LAUNCH_TIME] [options]\n%s\n\n", run->prog, run->mode->summary);
    printf("Runs under mpiexec/srun or as one process; rank 0 prints the results.\n\noptions:\n");
    pyn_options_print_help(run->tables, stdout);
    printf("\nexit status: 0 passed, 1 failed (every rank exits 1), 2 usage error\n");
}

/* Accepts what `date +%s` and `date +%s.%N` print, and nothing implausible
 * (a millisecond timestamp would otherwise give a huge negative startup). */
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

/* MPICH run by another MPI's launcher starts N one-rank worlds that would
 * each report as rank 0 of 1: refuse instead of reporting N fake runs. */
static int check_launcher(const struct pyn_run *run, char *err, size_t errlen)
{
    static const char *const vars[] = {"PMI_SIZE", "PMIX_SIZE", "OMPI_COMM_WORLD_SIZE", "SLURM_STEP_NUM_TASKS"};
    if (run->nranks != 1)
        return 0;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; ++i) {
        const char *v = getenv(vars[i]);
        if (v && atoi(v) > 1) {
            snprintf(
                err, errlen,
                "launched as one of %.16s tasks (%s=%.16s) but MPI_COMM_WORLD has 1 rank: the launcher does not match "
                "the MPI library this was built with (%.160s); launch with that MPI's mpiexec or srun --mpi=pmi2",
                v, vars[i], v, run->info.mpi_library);
            return -EINVAL;
        }
    }
    return 0;
}

/* Rank 0 reads the manifest and broadcasts it: one file read per job, not
 * per rank, so the runtime adds nothing to the storm it measures. */
static int load_manifest(struct pyn_run *run, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    long long n = 0;
    int rc = 0;
    if (run->rank == 0) {
        run->manifest_path = pyn_exe_resolve(run->opt.manifest_path, PYN_DEFAULT_MANIFEST, "manifest", err, errlen);
        rc = run->manifest_path ? pyn_file_read_all(run->manifest_path, &text, &len, err, errlen) : -ENOENT;
        n = rc ? rc : (long long)len;
    }
    MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
    if (n < 0) {
        if (run->rank != 0)
            snprintf(err, errlen, "rank 0 could not read the manifest");
        return (int)n;
    }
    if (run->rank != 0) {
        text = malloc((size_t)n + 1);
        if (!text)
            MPI_Abort(MPI_COMM_WORLD, PYN_EXIT_ERROR); /* cannot take part in the broadcast */
        text[n] = '\0';
    }
    /* MPI counts are int: broadcast in chunks so any size works. */
    for (long long off = 0; off < n; off += INT_MAX / 2) {
        long long chunk = n - off < INT_MAX / 2 ? n - off : INT_MAX / 2;
        MPI_Bcast(text + off, (int)chunk, MPI_BYTE, 0, MPI_COMM_WORLD);
    }
    int pathlen = run->rank == 0 ? (int)strlen(run->manifest_path) + 1 : 0;
    MPI_Bcast(&pathlen, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (run->rank != 0 && !(run->manifest_path = malloc((size_t)pathlen)))
        MPI_Abort(MPI_COMM_WORLD, PYN_EXIT_ERROR);
    MPI_Bcast(run->manifest_path, pathlen, MPI_CHAR, 0, MPI_COMM_WORLD);
    rc = pyn_manifest_parse(text, (size_t)n, run->manifest_path, &run->manifest, err, errlen);
    free(text);
    size_t nmodules = rc == 0 ? run->manifest->nmodules : 0;
    if (rc == 0 && (!(run->entries = calloc(nmodules, sizeof *run->entries)) ||
                    !(run->values = calloc(nmodules, sizeof *run->values)) || !(run->imported = calloc(nmodules, 1)))) {
        snprintf(err, errlen, "out of memory for %zu modules", run->manifest->nmodules);
        rc = -ENOMEM;
    }
    return rc;
}

static void fill_info(struct pyn_run *run, int argc, char **argv, double main_epoch_s)
{
    struct pyn_run_info *info = &run->info;
    time_t t = (time_t)main_epoch_s;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(info->date, sizeof info->date, "%a %b %e %H:%M:%S %Y", &tm);
    /* The original prints time.strftime("%x %X"), and Python leaves LC_TIME at "C": 12/03/26 14:27:39. */
    strftime(info->run_on, sizeof info->run_on, "%x %X", &tm);
    info->start_epoch_s = main_epoch_s;
    info->mode = run->mode->name;
    info->option_tables = run->tables;
    info->argc = argc;
    info->argv = argv;
    info->launch_time = NAN;
    info->startup_source = "exec";
    info->startup_exec_resolution_s = NAN;
    /* MPICH's string is many lines (8 KiB at most); the first names it and its version. */
    char *version = calloc(1, MPI_MAX_LIBRARY_VERSION_STRING);
    int len = 0;
    if (version && MPI_Get_library_version(version, &len) == MPI_SUCCESS) {
        version[strcspn(version, "\n")] = '\0';
        snprintf(info->mpi_library, sizeof info->mpi_library, "%s", version);
    }
    free(version);
    snprintf(info->libc_version, sizeof info->libc_version, "glibc %s", gnu_get_libc_version());
    info->compiler = PYN_COMPILER;
}

/* Outside the timed phase: compare what each module returned with the
 * manifest and fold the run total the same way the generator did. */
static void verify_visit(struct pyn_run *run)
{
    const struct pyn_manifest *m = run->manifest;
    const uint64_t *values = run->values;
    uint64_t total = PYN_CHECKSUM_INIT;
    size_t wrong = 0, first = 0;
    for (size_t i = 0; i < m->nmodules; ++i) {
        total = pyn_mix(total, values[i]);
        if (values[i] != m->modules[i]->checksum && wrong++ == 0)
            first = i;
    }
    run->rec.checksum = total;
    run->rec.checksum_ok =
        wrong == 0 && total == m->expected_checksum && (size_t)run->rec.modules_visited == m->nmodules;
    if (wrong)
        pyn_run_fail(run, -EINVAL,
                     "visit: %s returned checksum 0x%016" PRIx64 " but %s expects 0x%016" PRIx64
                     " (%zu of %zu modules differ): the libraries in %s were not built from this manifest",
                     m->modules[first]->file, values[first], run->manifest_path, m->modules[first]->checksum, wrong,
                     m->nmodules, pyn_run_library_dir(run));
    else if ((size_t)run->rec.modules_visited != m->nmodules)
        pyn_run_fail(run, -EINVAL, "visit: %d of %zu modules were visited", run->rec.modules_visited, m->nmodules);
}

static double seconds_since(uint64_t t0_ns)
{
    return (double)(pyn_clock_monotonic_ns() - t0_ns) * 1e-9;
}

/* Gathers every rank's record to rank 0, which summarises and writes the
 * reports. Returns this rank's exit status, agreed across ranks. */
static int finish(struct pyn_run *run)
{
    struct pyn_rank_record *all = NULL;
    int status = PYN_EXIT_OK;
    if (run->rank == 0 && !(all = calloc((size_t)run->nranks, sizeof *all)))
        MPI_Abort(MPI_COMM_WORLD, PYN_EXIT_ERROR);
    MPI_Gather(&run->rec, (int)sizeof run->rec, MPI_BYTE, all, (int)sizeof run->rec, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (run->rank == 0) {
        struct pyn_results res = {.info = &run->info, .nranks = run->nranks, .ranks = all, .fractal = run->fractal};
        snprintf(res.fs_error, sizeof res.fs_error, "%s", run->fs_error);
        memcpy(res.span_s, run->span_s, sizeof res.span_s);
        /* After every timed phase, on rank 0 only: section headers of what the run loaded. */
        struct pyn_static_summary *statics = malloc(sizeof *statics);
        if (statics) {
            char *exe = pyn_exe_path();
            pyn_static_summary_compute(statics, run->manifest, run->library_dir, exe);
            free(exe);
            res.statics = statics;
        }
        pyn_results_summarise(&res);
        pyn_compat_print_verdict(stdout, res.module_passed);
        pyn_compat_print_fractal(stdout, &res.fractal);
        pyn_report_text_print(&res, stdout);
        pyn_report_text_print_errors(&res, stderr, run->prog);
        status = res.passed ? PYN_EXIT_OK : PYN_EXIT_ERROR;
        /* The CSV first: if it cannot be written the run fails, and the JSON
         * written after it must say so rather than "passed". */
        char err[PYN_ERROR_MAX + 128];
        if (run->opt.csv_path && pyn_report_csv_write(&res, run->opt.csv_path, err, sizeof err)) {
            fprintf(stderr, "%s: rank 0: %s\n", run->prog, err);
            status = PYN_EXIT_ERROR;
            res.passed = 0;
            snprintf(res.report_error, sizeof res.report_error, "%s", err);
        }
        if (run->opt.json_path && pyn_report_json_write(&res, run->opt.json_path, err, sizeof err)) {
            fprintf(stderr, "%s: rank 0: %s\n", run->prog, err);
            status = PYN_EXIT_ERROR;
        }
        free(statics);
        free(all);
    }
    /* Every rank exits with the job's verdict, so launchers and scripts see it on any rank. */
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return status;
}

/* Startup as the original defines it (launch time to main) when a launch
 * time is given, else from process creation; the max over ranks is what
 * the original's line reports on a job that waits for its slowest rank. */
static void record_startup(struct pyn_run *run, double main_epoch_s, double age_s, double age_res_s, int age_rc)
{
    struct pyn_rank_record *r = &run->rec;
    r->startup_exec_s = age_rc == 0 ? age_s : NAN;
    r->startup_launch_s = NAN;
    run->info.startup_exec_resolution_s = age_rc == 0 ? age_res_s : NAN;
    if (isfinite(run->info.launch_time)) {
        r->startup_launch_s = main_epoch_s - run->info.launch_time;
        run->info.startup_source = "launch_time";
    }
    r->phase_s[PYN_PHASE_STARTUP] = isfinite(r->startup_launch_s) ? r->startup_launch_s : r->startup_exec_s;
}

/* --fractal-image, on rank 0 before anything else: a file of its own in a
 * directory where one can be created. Returns the exit status. */
static int check_fractal_image(const struct pyn_run *run)
{
    static const char *const names[] = {"--json", "--csv", "--manifest", "--pilot-map"};
    const char *const paths[] = {run->opt.json_path, run->opt.csv_path, run->opt.manifest_path, run->opt.pilot_map};
    char err[PYN_ERROR_MAX];
    if (run->rank != 0 || !run->opt.fractal_image ||
        pyn_fractal_check_image_path(run->opt.fractal_image, names, paths, 4, err, sizeof err) == 0)
        return PYN_EXIT_OK;
    pyn_escape_controls(err, sizeof err);
    fprintf(stderr, "%s: %s\n", run->prog, err);
    return PYN_EXIT_USAGE;
}

/* Launch time, launcher, manifest and library directory: everything a run
 * needs before its first timed phase. Prints its own error and returns an
 * exit status; the caller agrees on it across ranks. */
static int prepare(struct pyn_run *run, const char **positional, size_t npositional)
{
    char err[PYN_ERROR_MAX];
    const char *launch = run->opt.launch_time;
    if (npositional == 1 && launch) {
        if (run->rank == 0) {
            char msg[PYN_ERROR_MAX];
            snprintf(msg, sizeof msg, "the launch time is given twice ('%s' and --launch-time %s); give it once",
                     positional[0], launch);
            pyn_escape_controls(msg, sizeof msg);
            fprintf(stderr, "%s: %s\n", run->prog, msg);
        }
        return PYN_EXIT_USAGE;
    }
    if (npositional == 1)
        launch = run->opt.launch_time = positional[0];
    if (launch && parse_launch_time(launch, &run->info.launch_time, err, sizeof err)) {
        pyn_escape_controls(err, sizeof err);
        if (run->rank == 0)
            fprintf(stderr, "%s: %s\n", run->prog, err);
        return PYN_EXIT_USAGE;
    }
    if (pyn_progress_setup(&run->progress, run->opt.progress, run->opt.progress_interval, run->rank, run->prog, stderr,
                           err, sizeof err)) {
        if (run->rank == 0)
            fprintf(stderr, "%s: %s\n", run->prog, err);
        return PYN_EXIT_USAGE;
    }
    /* A mismatched launcher makes every process a rank 0 of its own, so each prints. */
    if (check_launcher(run, err, sizeof err)) {
        fprintf(stderr, "%s: rank %d: %s\n", run->prog, run->rank, err);
        return PYN_EXIT_ERROR;
    }
    /* Collective: rank 0 read the file, every rank parsed the same bytes, so rank 0 speaks for all. */
    if (load_manifest(run, err, sizeof err)) {
        if (run->rank == 0)
            fprintf(stderr, "%s: rank 0: %s\n", run->prog, err);
        return PYN_EXIT_ERROR;
    }
    /* Per node: the directory may be missing on some hosts only. */
    run->library_dir =
        pyn_exe_resolve(run->opt.library_dir, PYN_DEFAULT_LIBRARY_DIR, "library directory", err, sizeof err);
    if (!run->library_dir) {
        fprintf(stderr, "%s: rank %d (%s): %s\n", run->prog, run->rank, run->rec.host, err);
        return PYN_EXIT_ERROR;
    }
    return PYN_EXIT_OK;
}

/* --- Faults, page cache, placement (docs/metrics.md) ------------------------
 * Everything here runs outside the timed regions: around the barriers, or
 * before the clock starts and after it stops. */

/* After prepare(), on every rank (collective): the host's communicator,
 * --bind checked and applied, --cold checked against what is already
 * mapped, the topology loaded. Prints its own error; returns an exit
 * status for the caller to agree on. */
static int metrics_setup(struct pyn_run *run)
{
    char err[PYN_ERROR_MAX];
    /* First, on every rank whatever its options: it is collective. */
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &run->node);
    MPI_Comm_rank(run->node, &run->node_rank);
    int bind_core = strcmp(run->opt.bind, "core") == 0;
    if (!bind_core && strcmp(run->opt.bind, "none") != 0) {
        if (run->rank == 0) {
            snprintf(err, sizeof err, "--bind: '%s' is not one of core, none", run->opt.bind);
            pyn_escape_controls(err, sizeof err);
            fprintf(stderr, "%s: %s\n", run->prog, err);
        }
        return PYN_EXIT_USAGE;
    }
    size_t mapped = run->opt.cold ? pyn_loader_count_loaded(run->manifest) : 0;
    if (mapped) {
        if (run->rank == 0)
            fprintf(stderr,
                    "%s: --cold: %zu of %zu generated libraries are already mapped by this process (mode %s loads "
                    "them before main), and mapped pages cannot be evicted; use a mode that loads them in the import "
                    "phase (dlopen, python, the driver) or evict before launch (docs/metrics.md)\n",
                    run->prog, mapped, run->manifest->nlibraries, run->mode->name);
        return PYN_EXIT_USAGE;
    }
    if (pyn_placement_open(&run->placement, err, sizeof err) ||
        (bind_core && pyn_placement_bind_core(run->placement, run->node_rank, err, sizeof err))) {
        fprintf(stderr, "%s: rank %d (%s): %s\n", run->prog, run->rank, run->rec.host, err);
        return PYN_EXIT_ERROR;
    }
    return PYN_EXIT_OK;
}

/* Before the barrier that starts the import phase, on every rank
 * (collective on the host): --cold's eviction, the page-cache count that
 * proves what it was, and where this rank runs. Errors are the rank's. */
static void metrics_import_start(struct pyn_run *run)
{
    char err[PYN_ERROR_MAX - 64], first[128];
    struct pyn_cache_record *c = &run->rec.cache;
    int rc = 0;
    /* The page cache is the host's: its first rank alone evicts and counts.
     * Every rank opening every library here would add a whole extra round
     * of opens to the metadata storm the import is about to measure (and
     * warm the clients' name caches for it), so a warm run counts nothing
     * unless asked (--cache-count). */
    int leader = run->node_rank == 0, count = run->opt.cold || run->opt.cache_count;
    c->cold = run->opt.cold;
    if (run->opt.cold && leader) {
        char *exe = pyn_exe_path();
        rc = pyn_cache_evict_tree(run->manifest, run->library_dir, exe, err, sizeof err);
        free(exe);
        if (rc == 0 && geteuid() == 0) {
            char drop_err[PYN_ERROR_MAX];
            c->dropped = pyn_cache_drop_system(drop_err, sizeof drop_err) == 0;
        }
        if (rc)
            pyn_run_fail(run, rc, "%s", err);
    }
    if (count && leader && rc == 0) {
        rc = pyn_cache_measure_tree(run->manifest, run->library_dir, c, first, sizeof first, err, sizeof err);
        if (rc)
            pyn_run_fail(run, rc, "%s", err);
        c->counted = rc == 0;
        if (rc == 0 && run->opt.cold && c->resident_pages > 0)
            pyn_run_fail(run, -EBUSY,
                         "cache: --cold: %lld of %lld pages of the generated libraries are still in the page cache "
                         "after eviction (first: %s): another process on this host has them mapped or is reading them",
                         (long long)c->resident_pages, (long long)c->total_pages, first);
    }
    /* The host's other ranks start their import after the count. */
    if (count)
        MPI_Barrier(run->node);
    c->measured = 1;
    if (pyn_placement_sample(run->placement, &run->rec.placement, err, sizeof err))
        pyn_run_fail(run, -ENODEV, "%s", err);
}

/* After the clock of a phase stopped: its faults. */
static void metrics_phase_end(struct pyn_run *run, enum pyn_phase phase)
{
    struct pyn_rusage_sample now;
    pyn_rusage_sample(&now);
    pyn_rusage_record_phase(&run->rec.rusage, phase == PYN_PHASE_IMPORT ? PYN_RUSAGE_IMPORT : PYN_RUSAGE_VISIT,
                            &run->rusage_t0, &now);
}

/* Before the records are gathered: peak RSS and where the rank ended. */
static void metrics_finish(struct pyn_run *run)
{
    pyn_rusage_record_maxrss(&run->rec.rusage);
    run->rec.placement.pu_end = run->placement ? pyn_placement_last_pu(run->placement) : -1;
}

static void metrics_free(struct pyn_run *run)
{
    pyn_placement_close(run->placement);
    run->placement = NULL;
    if (run->node != MPI_COMM_NULL)
        MPI_Comm_free(&run->node);
}

/* --- Staging (pyn_stage.h, docs/staging.md) -----------------------------------
 * Between set-up and the import phase, in a step of its own: its time is
 * reported apart (stage_s), never inside import. */

/* --stage and its options, checked on every rank. Returns the exit status:
 * usage errors are printed by rank 0. */
static int stage_check(const struct pyn_run *run, struct pyn_stage_options *so)
{
    char err[PYN_ERROR_MAX] = "";
    so->dir = run->opt.stage_dir;
    so->pilot_map = run->opt.pilot_map;
    if (pyn_stage_parse_kind(run->opt.stage, &so->kind, err, sizeof err) == 0 &&
        pyn_stage_parse_chunk(run->opt.stage_chunk, &so->chunk_bytes, err, sizeof err) == 0) {
        if (so->kind == PYN_STAGE_PILOT && !so->pilot_map)
            snprintf(err, sizeof err,
                     "--stage pilot replays a map: give it with --pilot-map FILE (written by a run with --stage cache "
                     "--pilot-map FILE)");
        else if (so->pilot_map && so->kind != PYN_STAGE_CACHE && so->kind != PYN_STAGE_PILOT)
            snprintf(err, sizeof err,
                     "--pilot-map goes with --stage cache (to record the map) or --stage pilot (to replay it), not "
                     "--stage %s",
                     pyn_stage_kind_name(so->kind));
        else if (so->kind != PYN_STAGE_NONE && !run->mode->stages)
            snprintf(err, sizeof err,
                     "--stage %s: mode %s does not load the generated files at run time (they are linked or built "
                     "in); use a mode that loads them in the import phase (dlopen, python, the driver)",
                     pyn_stage_kind_name(so->kind), run->mode->name);
        else if (so->kind == PYN_STAGE_BCAST && run->opt.cold)
            snprintf(err, sizeof err,
                     "--cold with --stage bcast: the run loads node-local copies, not the tree --cold evicts; use "
                     "--cold with --stage none, cache or pilot");
    }
    if (!err[0])
        return PYN_EXIT_OK;
    if (run->rank == 0) {
        pyn_escape_controls(err, sizeof err);
        fprintf(stderr, "%s: %s\n", run->prog, err);
    }
    return PYN_EXIT_USAGE;
}

/* Collective: stages or maps the files. Prints this rank's error. */
static int stage_run(struct pyn_run *run, const struct pyn_stage_options *so)
{
    char err[PYN_ERROR_MAX];
    if (so->kind == PYN_STAGE_NONE)
        return PYN_EXIT_OK;
    if (pyn_stage_run(&run->stage, so, run->manifest, run->library_dir, run->node, &run->rec.stage, err, sizeof err)) {
        if (err[0]) {
            pyn_escape_controls(err, sizeof err);
            fprintf(stderr, "%s: rank %d (%s): %s\n", run->prog, run->rank, run->rec.host, err);
        }
        return PYN_EXIT_ERROR;
    }
    const char *dir = pyn_stage_library_dir(run->stage);
    if (dir && !(run->load_dir = strdup(dir))) {
        fprintf(stderr, "%s: rank %d (%s): stage: out of memory\n", run->prog, run->rank, run->rec.host);
        return PYN_EXIT_ERROR;
    }
    return PYN_EXIT_OK;
}

/* Collective: the leaders remove their hosts' copies. Returns 0 or -errno with err. */
static int stage_finish(struct pyn_run *run, char *err, size_t errlen)
{
    int rc = pyn_stage_finish(run->stage, err, errlen);
    run->stage = NULL;
    return rc;
}

void pyn_start_capture(struct pyn_start *start)
{
    start->epoch_s = pyn_clock_realtime_s();
    start->age_ok = pyn_clock_process_age_s(&start->age_s, &start->age_resolution_s) == 0;
}

bool pyn_run_begin(struct pyn_run **out, int *argc, char ***argv, const struct pyn_mode *mode,
                   const struct pyn_start *start)
{
    struct pyn_run *run = *out = calloc(1, sizeof *run);
    if (!run) {
        fprintf(stderr, "%s: out of memory\n", (*argv)[0]);
        return false;
    }
    run->mode = mode;
    run->prog = pyn_prog_name((*argv)[0]);
    run->state = STATE_OVER;
    run->status = PYN_EXIT_OK;
    run->node = MPI_COMM_NULL;
    pyn_rusage_record_init(&run->rec.rusage);

    pyn_fs_set_phase(PYN_PHASE_MPI_INIT);
    uint64_t t0 = pyn_clock_monotonic_ns();
    MPI_Init(argc, argv);
    run->rec.phase_s[PYN_PHASE_MPI_INIT] = seconds_since(t0);
    pyn_fs_set_phase(PYN_FS_OTHER);
    MPI_Comm_rank(MPI_COMM_WORLD, &run->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &run->nranks);
    run->rec.rank = run->rank;
    run->rec.pid = (int32_t)getpid();
    if (gethostname(run->rec.host, sizeof run->rec.host) != 0)
        snprintf(run->rec.host, sizeof run->rec.host, "unknown");
    run->rec.host[sizeof run->rec.host - 1] = '\0';
    setup_options(run);
    fill_info(run, *argc, *argv, start->epoch_s);

    const char *positional[1];
    size_t npositional = 0;
    char err[PYN_ERROR_MAX];
    if (pyn_options_parse(run->tables, *argc, *argv, positional, 1, &npositional, err, sizeof err)) {
        if (run->rank == 0)
            fprintf(stderr, "%s: %s\n", run->prog, err);
        run->status = PYN_EXIT_USAGE;
        return false;
    }
    if (run->opt.help || run->opt.version) {
        if (run->rank == 0 && run->opt.help)
            print_help(run);
        else if (run->rank == 0)
            printf("%s (pynamic) %s\n", run->prog, PYN_VERSION);
        return false;
    }
    run->status = agree_exit_status(check_fractal_image(run));
    if (run->status == PYN_EXIT_OK)
        run->status = agree_exit_status(prepare(run, positional, npositional));
    if (run->status == PYN_EXIT_OK)
        run->status = agree_exit_status(metrics_setup(run));
    struct pyn_stage_options stage_options;
    if (run->status == PYN_EXIT_OK)
        run->status = agree_exit_status(stage_check(run, &stage_options));
    if (run->status == PYN_EXIT_OK)
        run->status = agree_exit_status(stage_run(run, &stage_options));
    if (run->status != PYN_EXIT_OK)
        return false;
    run->info.manifest = run->manifest;
    run->info.manifest_path = run->manifest_path;
    run->info.library_dir = run->library_dir;
    run->info.stage_kind = stage_options.kind;
    run->info.stage_dir = run->load_dir;
    run->info.pilot_map = stage_options.pilot_map;
    run->info.stage_chunk_bytes = stage_options.chunk_bytes;
    record_startup(run, start->epoch_s, start->age_s, start->age_resolution_s, start->age_ok ? 0 : -1);
    double mine = run->rec.phase_s[PYN_PHASE_STARTUP], slowest = 0;
    MPI_Reduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (run->rank == 0) {
        pyn_compat_print_header(stdout, run->info.run_on, run->nranks);
        pyn_compat_print_startup(stdout, slowest);
    }
    for (int p = 0; p < PYN_PHASE_COUNT; ++p)
        run->span_s[p] = NAN;
    run->rec.phase_s[PYN_PHASE_IMPORT] = run->rec.phase_s[PYN_PHASE_VISIT] = NAN;
    run->state = STATE_READY;
    return true;
}

/* The phase a state allows next, and the state it leads to. */
static bool phase_allowed(const struct pyn_run *run, enum pyn_phase phase)
{
    return (phase == PYN_PHASE_IMPORT && run->state == STATE_READY) ||
           (phase == PYN_PHASE_VISIT && run->state == STATE_IMPORTED);
}

void pyn_run_loading(struct pyn_run *run, const char *what)
{
    (void)run;
    pyn_fatal_loading(what);
}

bool pyn_run_phase_begin(struct pyn_run *run, enum pyn_phase phase)
{
    if (!phase_allowed(run, phase)) {
        pyn_run_fail(run, -EINVAL, "internal: phase %s started out of order", pyn_phase_name(phase));
        return false;
    }
    run->state = phase == PYN_PHASE_IMPORT ? STATE_IN_IMPORT : STATE_IN_VISIT;
    if (phase == PYN_PHASE_IMPORT) {
        metrics_import_start(run);
        /* A library the loader cannot map cleanly kills the rank inside dlopen: say which, and loading what. */
        pyn_fatal_arm(run->prog, run->rank, run->rec.host);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    pyn_fs_set_phase(phase);
    pyn_rusage_sample(&run->rusage_t0);
    run->phase_t0_ns = pyn_clock_monotonic_ns();
    pyn_progress_arm(&run->progress, run->phase_t0_ns, run->manifest->nmodules);
    return !run->rec.failed;
}

bool pyn_run_phase_end(struct pyn_run *run, enum pyn_phase phase)
{
    enum run_state in = phase == PYN_PHASE_IMPORT ? STATE_IN_IMPORT : STATE_IN_VISIT;
    if (run->state != in) {
        pyn_run_fail(run, -EINVAL, "internal: phase %s ended without being started", pyn_phase_name(phase));
        run->state = STATE_OVER;
        return false;
    }
    run->rec.phase_s[phase] = seconds_since(run->phase_t0_ns);
    pyn_fs_set_phase(PYN_FS_OTHER);
    metrics_phase_end(run, phase);
    if (phase == PYN_PHASE_IMPORT)
        pyn_fatal_disarm();
    const struct pyn_manifest *m = run->manifest;
    if (phase == PYN_PHASE_IMPORT && !run->rec.failed && (size_t)run->rec.modules_imported != m->nmodules)
        pyn_run_fail(run, -EINVAL, "import: mode %s imported %d of %zu modules", run->mode->name,
                     run->rec.modules_imported, m->nmodules);
    /* The agreement is the barrier that ends the phase. */
    bool all_ok = !any_failed(run);
    run->span_s[phase] = seconds_since(run->phase_t0_ns);
    pyn_progress_clear(&run->progress);
    /* After the clock stops: what the loader really mapped, whoever asked for it. */
    if (phase == PYN_PHASE_IMPORT)
        run->rec.libraries_loaded = (int32_t)pyn_loader_count_loaded(m);
    if (!all_ok) {
        /* A rank with no error of its own only stopped: reports list the
         * ranks that failed, not every rank the failure ended. */
        run->rec.stopped = !run->rec.failed;
        run->state = STATE_OVER;
        return false;
    }
    run->state = phase == PYN_PHASE_IMPORT ? STATE_IMPORTED : STATE_VISITED;
    if (run->rank == 0) {
        if (phase == PYN_PHASE_IMPORT)
            pyn_compat_print_import(stdout, run->span_s[phase]);
        else
            pyn_compat_print_visit(stdout, run->span_s[phase]);
    }
    return true;
}

int pyn_run_end(struct pyn_run *run)
{
    if (!run)
        return PYN_EXIT_ERROR;
    int status = run->status;
    if (run->manifest && status == PYN_EXIT_OK) {
        char fs_err[PYN_ERROR_MAX];
        run->rec.fs_ok = pyn_fs_tally(run->manifest, run->rec.fs, fs_err, sizeof fs_err) == 0;
        if (!run->rec.fs_ok)
            snprintf(run->fs_error, sizeof run->fs_error, "%s", fs_err);
        if (run->state == STATE_VISITED)
            verify_visit(run);
        else if (!run->rec.failed && !run->rec.stopped)
            pyn_run_fail(run, -EINVAL, "internal: the run ended before its visit");
        metrics_finish(run);
        /* The MPI capability test, after the visit's figures are taken (its buffers stay out of the peak RSS).
         * Collective: the visit's agreement put every rank in VISITED, or none. Its failure is the run's, not
         * a rank's: pyn_fractal_mpi_run agrees on it, and the reports carry it. */
        if (run->state == STATE_VISITED)
            pyn_fractal_mpi_run(MPI_COMM_WORLD, run->opt.fractal_image, &run->rec.fractal, &run->fractal);
        char stage_err[PYN_ERROR_MAX];
        if (stage_finish(run, stage_err, sizeof stage_err))
            pyn_run_fail(run, -EIO, "%s", stage_err);
        status = finish(run);
    } else if (run->stage) {
        char stage_err[PYN_ERROR_MAX];
        if (stage_finish(run, stage_err, sizeof stage_err))
            fprintf(stderr, "%s: rank %d (%s): %s\n", run->prog, run->rank, run->rec.host, stage_err);
    }
    metrics_free(run);
    MPI_Finalize();
    pyn_manifest_free(run->manifest);
    free(run->manifest_path);
    free(run->library_dir);
    free(run->load_dir);
    free(run->entries);
    free(run->values);
    free(run->imported);
    free(run);
    return status;
}

/* A marker's function returns how often it has been called. */
static int call_marker(struct pyn_run *run, enum pyn_marker_role role)
{
    if (!run->markers[role])
        return 0;
    uint64_t calls = run->markers[role]();
    if (calls == 1)
        return 0;
    const struct pyn_library *lib = pyn_manifest_marker(run->manifest, role);
    return pyn_run_fail(run, -EINVAL, "visit: %s() in %s says it was called %" PRIu64 " times, expected once",
                        lib ? lib->entry : "marker", lib ? lib->file : "a marker module", calls);
}

/* The visit every C mode shares: the begin marker, each module's entry in
 * manifest order, the final marker. */
static void visit_entries(struct pyn_run *run)
{
    if (call_marker(run, PYN_MARKER_BEGIN))
        return;
    for (size_t i = 0; i < run->manifest->nmodules; ++i) {
        if (!run->entries[i]) {
            pyn_run_fail(run, -EINVAL, "visit: no entry point for %s", run->manifest->modules[i]->file);
            return;
        }
        pyn_run_visit_result(run, i, run->entries[i]());
    }
    call_marker(run, PYN_MARKER_FINAL);
}

int pyn_main(int argc, char **argv, const struct pyn_mode *mode)
{
    /* Taken before anything else: the end of the startup phase. */
    struct pyn_start start;
    pyn_start_capture(&start);
    struct pyn_run *run = NULL;
    if (pyn_run_begin(&run, &argc, &argv, mode, &start)) {
        if (pyn_run_phase_begin(run, PYN_PHASE_IMPORT))
            mode->import(run);
        if (pyn_run_phase_end(run, PYN_PHASE_IMPORT)) {
            if (pyn_run_phase_begin(run, PYN_PHASE_VISIT)) {
                if (mode->visit)
                    mode->visit(run);
                else
                    visit_entries(run);
            }
            pyn_run_phase_end(run, PYN_PHASE_VISIT);
        }
    }
    return pyn_run_end(run);
}
