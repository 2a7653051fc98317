/* The run lifecycle shared by every mode: the state machine that takes a
 * run from MPI_Init through set-up, the timed phases and verification to
 * the reports and MPI_Finalize. Each concern it drives is a module of its
 * own that takes narrow inputs (the options, the rank's record, a
 * communicator, a stream): pyn_run_options (options and help),
 * pyn_run_env (versions, launcher), pyn_manifest_mpi (the manifest's
 * broadcast), pyn_run_metrics (faults, page cache, placement), pyn_stage,
 * pyn_progress, pyn_fatal (the import's fatal-signal line) and
 * pyn_run_report (gather and writers).
 *
 * Every step that can fail on some ranks ends in an agreement (an
 * allreduce), so either all ranks go on or all stop together: a failure
 * never leaves a rank waiting in a barrier. */
#define _GNU_SOURCE
#include "pyn_run.h"

#include "pyn_checksum.h"
#include "pyn_clock.h"
#include "pyn_fatal.h"
#include "pyn_fractal_mpi.h"
#include "pyn_fs.h"
#include "pyn_manifest_mpi.h"
#include "pyn_phase.h"
#include "pyn_progress.h"
#include "pyn_report.h"
#include "pyn_results.h"
#include "pyn_run_env.h"
#include "pyn_run_metrics.h"
#include "pyn_run_options.h"
#include "pyn_run_report.h"
#include "pyn_rusage.h"
#include "pyn_stage.h"
#include "pyn_tool.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <mpi.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PYN_DEFAULT_LIBRARY_DIR
#error "PYN_DEFAULT_LIBRARY_DIR (library directory relative to the executable's directory) must be defined"
#endif

/* Where a run is, so the steps are taken in order whoever drives them. */
enum run_state { STATE_OVER, STATE_READY, STATE_IN_IMPORT, STATE_IMPORTED, STATE_IN_VISIT, STATE_VISITED };

struct pyn_run {
    const struct pyn_mode *mode;
    const char *prog;
    int rank, nranks;
    struct pyn_run_options opt;
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
    struct pyn_progress progress;       /* rank 0's progress line */
    char fs_error[PYN_ERROR_MAX];       /* why this rank has no file-system counts */
    struct pyn_run_metrics metrics;     /* faults, page cache, placement; the host's communicator */
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
    struct pyn_results res = {.info = &run->info, .fractal = run->fractal};
    snprintf(res.fs_error, sizeof res.fs_error, "%s", run->fs_error);
    memcpy(res.span_s, run->span_s, sizeof res.span_s);
    return pyn_run_report(&res, &run->rec, run->opt.csv_path, run->opt.json_path, run->prog, MPI_COMM_WORLD, stdout,
                          stderr);
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

/* --fractal-image, on rank 0 before anything else. Returns the exit status. */
static int check_fractal_image(const struct pyn_run *run)
{
    char err[PYN_ERROR_MAX];
    if (run->rank != 0 || pyn_run_options_check_fractal_image(&run->opt, err, sizeof err) == 0)
        return PYN_EXIT_OK;
    fprintf(stderr, "%s: %s\n", run->prog, err);
    return PYN_EXIT_USAGE;
}

/* The manifest, and what the run keeps per module. */
static int load_manifest(struct pyn_run *run, char *err, size_t errlen)
{
    int rc =
        pyn_manifest_bcast(run->opt.manifest_path, MPI_COMM_WORLD, &run->manifest, &run->manifest_path, err, errlen);
    /* Every mode calls or loads both markers (the original's graph): a tree
     * from before them is refused here, once, outside every timed phase. */
    if (rc == 0 && (!pyn_manifest_marker(run->manifest, PYN_MARKER_BEGIN) ||
                    !pyn_manifest_marker(run->manifest, PYN_MARKER_FINAL))) {
        snprintf(err, errlen,
                 "%s lists no libmodulebegin/libmodulefinal marker modules: regenerate the tree with this version's "
                 "pynamic-gen",
                 run->manifest_path);
        return -EINVAL;
    }
    size_t nmodules = rc == 0 ? run->manifest->nmodules : 0;
    if (rc == 0 && (!(run->entries = calloc(nmodules, sizeof *run->entries)) ||
                    !(run->values = calloc(nmodules, sizeof *run->values)) || !(run->imported = calloc(nmodules, 1)))) {
        snprintf(err, errlen, "out of memory for %zu modules", run->manifest->nmodules);
        rc = -ENOMEM;
    }
    return rc;
}

/* Launch time, launcher, manifest and library directory: everything a run
 * needs before its first timed phase. Prints its own error and returns an
 * exit status; the caller agrees on it across ranks. */
static int prepare(struct pyn_run *run, const char **positional, size_t npositional)
{
    char err[PYN_ERROR_MAX];
    if (pyn_run_options_launch_time(&run->opt, positional, npositional, &run->info.launch_time, err, sizeof err)) {
        if (run->rank == 0)
            fprintf(stderr, "%s: %s\n", run->prog, err);
        return PYN_EXIT_USAGE;
    }
    pyn_progress_setup(&run->progress, run->opt.progress, run->opt.progress_interval_s, run->rank, run->prog, stderr);
    /* A mismatched launcher makes every process a rank 0 of its own, so each prints. */
    if (pyn_run_env_check_launcher(run->nranks, run->info.mpi_library, err, sizeof err)) {
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

/* --- Staging (pyn_stage.h, docs/staging.md) -----------------------------------
 * Between set-up and the import phase, in a step of its own: its time is
 * reported apart (stage_s), never inside import. */

/* --stage and its options, checked on every rank. Returns the exit status:
 * usage errors are printed by rank 0. */
static int stage_check(const struct pyn_run *run, struct pyn_stage_options *so)
{
    char err[PYN_ERROR_MAX];
    if (pyn_run_options_stage(&run->opt, run->mode->stages, run->mode->name, so, err, sizeof err) == 0)
        return PYN_EXIT_OK;
    if (run->rank == 0)
        fprintf(stderr, "%s: %s\n", run->prog, err);
    return PYN_EXIT_USAGE;
}

/* Collective: stages or maps the files. Prints this rank's error. */
static int stage_run(struct pyn_run *run, const struct pyn_stage_options *so)
{
    char err[PYN_ERROR_MAX];
    if (so->kind == PYN_STAGE_NONE)
        return PYN_EXIT_OK;
    if (pyn_stage_run(&run->stage, so, run->manifest, run->library_dir, run->metrics.node, &run->rec.stage, err,
                      sizeof err)) {
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
    pyn_run_metrics_init(&run->metrics);
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
    pyn_run_options_setup(&run->opt, run->mode->options);
    pyn_run_env_fill_info(&run->info, run->mode->name, run->opt.tables, *argc, *argv, start->epoch_s);

    const char *positional[1];
    size_t npositional = 0;
    char err[PYN_ERROR_MAX];
    if (pyn_options_parse(run->opt.tables, *argc, *argv, positional, 1, &npositional, err, sizeof err)) {
        if (run->rank == 0)
            fprintf(stderr, "%s: %s\n", run->prog, err);
        run->status = PYN_EXIT_USAGE;
        return false;
    }
    if (run->opt.help || run->opt.version) {
        if (run->rank == 0 && run->opt.help)
            pyn_run_options_print_help(&run->opt, run->prog, run->mode->summary, stdout);
        else if (run->rank == 0)
            pyn_run_options_print_version(run->prog, stdout);
        return false;
    }
    run->status = agree_exit_status(check_fractal_image(run));
    if (run->status == PYN_EXIT_OK)
        run->status = agree_exit_status(prepare(run, positional, npositional));
    if (run->status == PYN_EXIT_OK)
        run->status = agree_exit_status(pyn_run_metrics_setup(&run->metrics, MPI_COMM_WORLD, &run->opt, run->manifest,
                                                              run->mode->name, &run->rec, run->prog, stderr));
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
        char err[PYN_ERROR_MAX];
        int rc = pyn_run_metrics_import_start(&run->metrics, &run->opt, run->manifest, run->library_dir, &run->rec, err,
                                              sizeof err);
        if (rc)
            pyn_run_fail(run, rc, "%s", err);
        /* A library the loader cannot map cleanly kills the rank inside dlopen: say which, and loading what. */
        pyn_fatal_arm(run->prog, run->rank, run->rec.host);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    pyn_fs_set_phase(phase);
    pyn_run_metrics_phase_begin(&run->metrics);
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
    pyn_run_metrics_phase_end(&run->metrics, phase, &run->rec);
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
        pyn_run_metrics_finish(&run->metrics, &run->rec);
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
    pyn_run_metrics_free(&run->metrics);
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
