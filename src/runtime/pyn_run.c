/* SPDX-License-Identifier: BSD-3-Clause */
/* The run lifecycle shared by every mode: pyn_main, the one phase driver,
 * takes a run from MPI_Init through set-up, the timed phases and
 * verification to the reports and MPI_Finalize, calling the mode's hooks
 * at fixed points (pyn_run.h). Each concern it drives is a module of its
 * own that takes narrow inputs (the options, the rank's record, a
 * communicator, a stream): pyn_run_options (options and help),
 * pyn_run_env (versions, launcher), pyn_job_mpi (the job, its hosts and
 * ranks), pyn_manifest_mpi (the manifest's
 * broadcast), pyn_run_metrics (faults, page cache, placement), pyn_stage,
 * pyn_progress, pyn_fatal (the import's fatal-signal line) and
 * pyn_run_report (gather and writers); pyn_run_access.c holds the calls
 * the hooks make, pyn_run_visit.c the shared visit and its check,
 * pyn_run_end.c how a run ends (reports, epilogue, or stopped by a signal).
 *
 * Every step that can fail on some ranks ends in an agreement (an
 * allreduce), so either all ranks go on or all stop together: a failure
 * never leaves a rank waiting in a barrier. */
#define _GNU_SOURCE
#include "pyn_run.h"
#include "pyn_run_state.h"

#include "pyn_clock.h"
#include "pyn_collective.h"
#include "pyn_fatal.h"
#include "pyn_fs.h"
#include "pyn_interrupt.h"
#include "pyn_job_mpi.h"
#include "pyn_manifest_mpi.h"
#include "pyn_outputs.h"
#include "pyn_phase.h"
#include "pyn_progress.h"
#include "pyn_report.h"
#include "pyn_results.h"
#include "pyn_run_env.h"
#include "pyn_run_metrics.h"
#include "pyn_run_options.h"
#include "pyn_run_trace.h"
#include "pyn_rusage.h"
#include "pyn_stage.h"
#include "pyn_startup.h"
#include "pyn_step.h"
#include "pyn_tool.h"
#include "pyn_watchdog.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <mpi.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PYN_DEFAULT_LIBRARY_DIR
#error "PYN_DEFAULT_LIBRARY_DIR (library directory relative to the executable's directory) must be defined"
#endif

/* True on every rank if any rank failed or was sent SIGINT or SIGTERM.
 * Doubles as the barrier that ends a phase. */
static int any_failed(struct pyn_run *run)
{
    int mine = run->rec.failed != 0 || pyn_interrupt_caught(NULL) != 0, count = 0;
    pyn_coll_allreduce(&mine, &count, 1, MPI_INT, MPI_SUM, run->comm);
    return count > 0;
}

int pyn_run_agree_status(const struct pyn_run *run, int mine)
{
    if (mine == PYN_EXIT_OK && pyn_interrupt_caught(NULL))
        mine = PYN_EXIT_ERROR; /* stop at this agreement; pyn_main says why */
    int worst = mine;
    pyn_coll_allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, run->comm);
    return worst;
}

static double seconds_since(uint64_t t0_ns)
{
    return (double)(pyn_clock_monotonic_ns() - t0_ns) * 1e-9;
}

/* Startup as the original defines it (launch time to main) when a launch
 * time is given, else from process creation; the max over ranks is what
 * the original's line reports on a job that waits for its slowest rank. */
static void record_startup(struct pyn_run *run, double main_epoch_s, double age_s, double age_res_s, int age_rc)
{
    struct pyn_rank_record *r = &run->rec;
    r->startup_exec_s = age_rc == 0 ? age_s : NAN;
    r->startup_launch_s = r->clock_skew_s = NAN;
    run->info.startup_exec_resolution_s = age_rc == 0 ? age_res_s : NAN;
    r->phase_s[PYN_PHASE_STARTUP] = r->startup_exec_s;
    if (isfinite(run->info.launch_time)) {
        /* A launch after main began is the clocks' skew: no startup, never a negative one. */
        r->clock_skew_s = pyn_startup_skew_s(run->info.launch_time, main_epoch_s);
        if (isnan(r->clock_skew_s))
            r->startup_launch_s = main_epoch_s - run->info.launch_time;
        r->phase_s[PYN_PHASE_STARTUP] = r->startup_launch_s;
        run->info.startup_source = "launch_time";
    }
}

/* Every output (pyn_outputs.h), on rank 0 after the manifest is read and
 * before anything is measured: a bad one is a usage error. New outputs are
 * a row of outs. Returns the exit status. */
static int check_outputs(const struct pyn_run *run)
{
    if (run->rank != 0)
        return PYN_EXIT_OK;
    const struct pyn_run_options *o = &run->opt;
    /* --pilot-map is written by --stage cache and read by --stage pilot (any other --stage refuses it later). */
    const char *pilot_out = o->stage == PYN_STAGE_CACHE ? o->pilot_map : NULL;
    const char *pilot_in = o->stage == PYN_STAGE_PILOT ? o->pilot_map : NULL;
    const struct pyn_output outs[] = {
        {"--json", o->json_path},   {"--csv", o->csv_path},
        {"--pilot-map", pilot_out}, {"--fractal-image", o->fractal_image},
        {"--trace", o->trace_path},
    };
    const struct pyn_manifest *m = run->manifest;
    size_t nins = 3 + m->nlibraries + m->nmarkers, n = 0;
    struct pyn_input *ins = calloc(nins, sizeof *ins);
    char *exe = pyn_exe_path();
    if (!ins) {
        free(exe);
        fprintf(stderr, "%s: checking the outputs: out of memory\n", run->prog);
        return PYN_EXIT_ERROR;
    }
    ins[n++] = (struct pyn_input){"the manifest", NULL, run->manifest_path};
    ins[n++] = (struct pyn_input){"the executable", NULL, exe};
    ins[n++] = (struct pyn_input){"the pilot map (--stage pilot)", NULL, pilot_in};
    for (size_t i = 0; i < m->nlibraries; ++i)
        ins[n++] = (struct pyn_input){"the generated library", run->library_dir, m->libraries[i].file};
    for (size_t i = 0; i < m->nmarkers; ++i)
        ins[n++] = (struct pyn_input){"the generated library", run->library_dir, m->markers[i].file};
    char err[PYN_ERROR_MAX];
    int rc = pyn_outputs_check(outs, sizeof outs / sizeof outs[0], ins, n, err, sizeof err);
    if (rc)
        fprintf(stderr, "%s: %s\n", run->prog, err);
    free(ins);
    free(exe);
    return rc == 0 ? PYN_EXIT_OK : rc == -ENOMEM ? PYN_EXIT_ERROR : PYN_EXIT_USAGE;
}

/* The manifest, and what the run keeps per module. */
static int load_manifest(struct pyn_run *run, char *err, size_t errlen)
{
    int rc = pyn_manifest_bcast(run->opt.manifest_path, run->comm, &run->manifest, &run->manifest_path, err, errlen);
    /* Every mode calls or loads both markers (the original's graph): a tree
     * from before them is refused here, once, outside every timed phase. */
    if (rc == 0 && (!pyn_manifest_marker(run->manifest, PYN_MARKER_BEGIN) ||
                    !pyn_manifest_marker(run->manifest, PYN_MARKER_FINAL))) {
        pyn_format_middle(
            err, errlen,
            "%s lists no libmodulebegin/libmodulefinal marker modules: regenerate the tree with this version's "
            "pynamic-gen",
            run->manifest_path);
        return -EINVAL;
    }
    size_t nmodules = rc == 0 ? run->manifest->nmodules : 0;
    if (rc == 0 && (!(run->entries = calloc(nmodules, sizeof *run->entries)) ||
                    !(run->values = calloc(nmodules, sizeof *run->values)) || !(run->imported = calloc(nmodules, 1)))) {
        pyn_format_middle(err, errlen, "out of memory for %zu modules", run->manifest->nmodules);
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

/* --audit against what ld.so did: the auditor (libpynamic-audit.so) turns
 * itself on when it finds the argument --audit on the command line, and off
 * otherwise (pyn_audit.c). Returns the exit status. */
static int audit_check(const struct pyn_run *run)
{
    const char *why = NULL;
    int active = pyn_fs_available(&why);
    if (run->opt.audit && !active) {
        fprintf(stderr, "%s: rank %d (%s): --audit: %s\n", run->prog, run->rank, run->rec.host, why);
        return PYN_EXIT_ERROR;
    }
    if (!run->opt.audit && pyn_fs_auditor_on()) {
        if (run->rank == 0)
            fprintf(stderr,
                    "%s: ld.so's auditor is on, yet --audit is not an option of this command line: is '--audit' "
                    "the value of another option?\n",
                    run->prog);
        return PYN_EXIT_USAGE;
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
    pyn_step_enter(PYN_STEP_STAGE);
    int rc = pyn_stage_run(&run->stage, so, run->manifest, run->library_dir, run->metrics.node, &run->rec.stage, err,
                           sizeof err);
    const char *note = pyn_stage_note(run->stage);
    if (note)
        fprintf(stderr, "%s: rank %d (%s): %s\n", run->prog, run->rank, run->rec.host, note);
    if (rc) {
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

/* --timeout: collective. Returns the exit status. */
static int watchdog_setup(struct pyn_run *run)
{
    char err[PYN_ERROR_MAX];
    if (pyn_watchdog_setup(run->comm, run->opt.timeout_s, run->prog, run->rec.host, err, sizeof err) == 0)
        return PYN_EXIT_OK;
    if (err[0])
        fprintf(stderr, "%s: rank %d (%s): %s\n", run->prog, run->rank, run->rec.host, err);
    return PYN_EXIT_ERROR;
}

void pyn_start_capture(struct pyn_start *start)
{
    start->epoch_s = pyn_clock_realtime_s();
    start->monotonic_ns = pyn_clock_monotonic_ns();
    start->age_ok = pyn_clock_process_age_s(&start->age_s, &start->age_resolution_s) == 0;
}

/* MPI_Init, options, launch time, manifest, library directory, outputs, staging;
 * prints the original's first lines on rank 0. Returns true when the run
 * goes on to its phases; false when it is over already (--help, --version,
 * a usage or set-up error: run->status says how). *out is NULL only when
 * out of memory. */
static bool run_begin(struct pyn_run **out, int *argc, char ***argv, const struct pyn_mode *mode,
                      const struct pyn_start *start)
{
    struct pyn_run *run = *out = calloc(1, sizeof *run);
    if (!run) {
        fprintf(stderr, "%s: out of memory\n", (*argv)[0]);
        return false;
    }
    run->mode = mode;
    run->prog = pyn_prog_name((*argv)[0]);
    run->status = PYN_EXIT_OK;
    pyn_run_metrics_init(&run->metrics);
    pyn_rusage_record_init(&run->rec.rusage);

    /* A closed pipe on standard output must fail the run with a line (pyn_run_report), not end it silently:
     * as CPython does, SIGPIPE is ignored and the write returns EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    pyn_fs_set_phase(PYN_PHASE_MPI_INIT);
    /* In the C locale, on this thread only: MPICH and UCX parse their
     * settings with strcasecmp/toupper, which a Turkish LC_CTYPE (dotless i)
     * breaks, and the driver's python3 runs under the user's LC_CTYPE. */
    locale_t c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    locale_t caller_locale = c_locale ? uselocale(c_locale) : (locale_t)0;
    uint64_t t0 = run->phase_start_ns[PYN_PHASE_MPI_INIT] = pyn_clock_monotonic_ns();
    MPI_Init(argc, argv);
    run->rec.phase_s[PYN_PHASE_MPI_INIT] = seconds_since(t0);
    if (c_locale) {
        uselocale(caller_locale);
        freelocale(c_locale);
    }
    pyn_fs_set_phase(PYN_FS_OTHER);
    run->comm = MPI_COMM_WORLD;
    MPI_Comm_rank(run->comm, &run->rank);
    MPI_Comm_size(run->comm, &run->nranks);
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
            pyn_run_options_print_help(&run->opt, run->prog, run->mode->summary, run->mode->stages,
                                       run->mode->loads_before_main, stdout);
        else if (run->rank == 0)
            pyn_run_options_print_version(run->prog, stdout);
        return false;
    }
    /* Armed first: every collective after this one is watched (pyn_watchdog.h). */
    run->status = pyn_run_agree_status(run, watchdog_setup(run));
    if (run->status == PYN_EXIT_OK)
        run->status = pyn_run_agree_status(run, prepare(run, positional, npositional));
    if (run->status == PYN_EXIT_OK)
        run->status = pyn_run_agree_status(run, audit_check(run));
    if (run->status == PYN_EXIT_OK)
        run->status = pyn_run_agree_status(run, check_outputs(run));
    if (run->status == PYN_EXIT_OK)
        run->status = pyn_run_agree_status(run, pyn_run_trace_check(run));
    if (run->status == PYN_EXIT_OK)
        run->status =
            pyn_run_agree_status(run, pyn_run_metrics_setup(&run->metrics, run->comm, &run->opt, run->manifest,
                                                            run->mode->name, &run->rec, run->prog, stderr));
    if (run->status == PYN_EXIT_OK)
        run->status = pyn_run_agree_status(run, pyn_job_gather(run->comm, run->rec.host, &run->job, run->prog, stderr));
    struct pyn_stage_options stage_options;
    if (run->status == PYN_EXIT_OK)
        run->status = pyn_run_agree_status(run, stage_check(run, &stage_options));
    if (run->status == PYN_EXIT_OK)
        run->status = pyn_run_agree_status(run, stage_run(run, &stage_options));
    if (run->status != PYN_EXIT_OK)
        return false;
    run->info.manifest = run->manifest;
    run->info.job = run->job;
    run->info.manifest_path = run->manifest_path;
    run->info.library_dir = run->library_dir;
    run->info.stage_kind = stage_options.kind;
    run->info.stage_dir = run->load_dir;
    run->info.pilot_map = stage_options.pilot_map;
    run->info.stage_chunk_bytes = stage_options.chunk_bytes;
    record_startup(run, start->epoch_s, start->age_s, start->age_resolution_s, start->age_ok ? 0 : -1);
    if (start->age_ok)
        run->phase_start_ns[PYN_PHASE_STARTUP] = start->monotonic_ns - (uint64_t)(start->age_s * 1e9);
    double slowest = pyn_startup_slowest(run->comm, &run->rec, run->info.launch_time, run->prog, stderr);
    if (run->rank == 0) {
        pyn_compat_print_header(stdout, run->info.run_on, run->nranks);
        pyn_compat_print_startup(stdout, slowest);
    }
    for (int p = 0; p < PYN_PHASE_COUNT; ++p)
        run->span_s[p] = NAN;
    run->rec.phase_s[PYN_PHASE_IMPORT] = run->rec.phase_s[PYN_PHASE_VISIT] = NAN;
    return true;
}

/* The auditor's room for the import's events, touched before the clock
 * starts (pyn_fs_reserve): per generated file a search, a probe per RUNPATH
 * directory and its open, a dlopen's two marks and its consistency, with a
 * little over for the hwcaps subdirectories' first probes; the probes' paths. */
static void reserve_import_events(const struct pyn_run *run)
{
    const struct pyn_manifest *m = run->manifest;
    uint64_t files = m->nlibraries + m->nmarkers;
    uint64_t dirs = m->config.search_dirs > 0 ? (uint64_t)m->config.search_dirs : 1;
    uint64_t probes = files * dirs + 16;
    pyn_fs_reserve(files * 5 + probes + 64, probes * (strlen(pyn_run_library_dir(run)) + 64));
}

/* Starts a phase on every rank together (a barrier, then the clock).
 * Returns true when this rank should do the phase's work: it has not failed. */
static bool phase_begin(struct pyn_run *run, enum pyn_phase phase)
{
    pyn_step_enter(phase == PYN_PHASE_IMPORT ? PYN_STEP_IMPORT : PYN_STEP_VISIT);
    if (phase == PYN_PHASE_IMPORT) {
        char err[PYN_ERROR_MAX];
        int rc = pyn_run_metrics_import_start(&run->metrics, &run->opt, run->manifest, run->library_dir, &run->rec, err,
                                              sizeof err);
        if (rc)
            pyn_run_fail(run, rc, "%s", err);
        run->rec.load.objects_before_import = (int32_t)pyn_loader_count_objects();
        reserve_import_events(run);
        /* A library the loader cannot map cleanly kills the rank inside dlopen: say which, and loading what. */
        pyn_fatal_arm(run->prog, run->rank, run->rec.host, "import");
    }
    pyn_coll_barrier(run->comm);
    pyn_fs_set_phase(phase);
    pyn_run_metrics_phase_begin(&run->metrics);
    run->phase_t0_ns = run->phase_start_ns[phase] = pyn_clock_monotonic_ns();
    pyn_progress_arm(&run->progress, run->phase_t0_ns, run->manifest->nmodules);
    return !run->rec.failed && !pyn_interrupt_caught(NULL);
}

/* Stops this rank's clock, checks the import made every module callable,
 * and agrees across ranks (the barrier that ends the phase). Returns true
 * when every rank succeeded. */
static bool phase_end(struct pyn_run *run, enum pyn_phase phase)
{
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
        /* After the clocks: what is wrong with a library ld.so passed over. */
        if (phase == PYN_PHASE_IMPORT && run->rec.failed)
            pyn_loader_explain(run->rec.error, sizeof run->rec.error, pyn_run_library_dir(run));
        return false;
    }
    if (run->rank == 0) {
        if (phase == PYN_PHASE_IMPORT)
            pyn_compat_print_import(stdout, run->span_s[phase]);
        else
            pyn_compat_print_visit(stdout, run->span_s[phase]);
    }
    return true;
}

/* One timed phase with the mode's hooks around it. Returns true when every
 * rank did it. */
static bool run_phase(struct pyn_run *run, enum pyn_phase phase, int (*work)(struct pyn_run *))
{
    const struct pyn_mode *mode = run->mode;
    if (mode->before_phase)
        mode->before_phase(run, phase);
    if (phase_begin(run, phase))
        work(run);
    bool all_ok = phase_end(run, phase);
    if (mode->after_phase)
        mode->after_phase(run, phase, all_ok);
    return all_ok;
}

static void run_free(struct pyn_run *run)
{
    pyn_manifest_free(run->manifest);
    free(run->manifest_path);
    free(run->library_dir);
    free(run->load_dir);
    free(run->entries);
    free(run->values);
    free(run->imported);
    pyn_job_free(run->job);
    free(run->load_libs);
    free(run);
}

int pyn_main_at(int argc, char **argv, const struct pyn_mode *mode, const struct pyn_start *start)
{
    struct pyn_run *run = NULL;
    /* SIGINT/SIGTERM from here on stop every rank at the next agreement. */
    pyn_step_enter(PYN_STEP_SETUP);
    pyn_interrupt_arm();
    bool began = run_begin(&run, &argc, &argv, mode, start);
    if (!run) {
        pyn_interrupt_disarm();
        return PYN_EXIT_ERROR;
    }
    if (began) {
        if (mode->prepare)
            mode->prepare(run);
        if (run_phase(run, PYN_PHASE_IMPORT, mode->import))
            run->visited = run_phase(run, PYN_PHASE_VISIT, mode->visit ? mode->visit : pyn_run_visit_entries);
    }
    enum pyn_step stopped_in;
    int sig = pyn_run_end_interrupted(run, &stopped_in);
    pyn_step_enter(PYN_STEP_END);
    int status = sig ? pyn_run_end_stopped(run, sig, stopped_in) : pyn_run_end_report(run);
    if (began && mode->epilogue && !sig)
        status = pyn_run_end_epilogue(run, status);
    /* After the verdict nothing may die silently: MPI_Finalize and the
     * mode's clean-up say what faulted (pyn_main then ends the process
     * before ld.so's clean-up: end_process). */
    pyn_fatal_arm(run->prog, run->rank, run->rec.host, "after the report (MPI_Finalize, clean-up, exit)");
    pyn_run_metrics_free(&run->metrics);
    pyn_watchdog_free();
    MPI_Finalize();
    if (mode->cleanup)
        status = mode->cleanup(run, status);
    run_free(run);
    pyn_interrupt_disarm();
    return status;
}

/* After the verdict no code of the generated libraries may run again:
 * ld.so's clean-up at exit runs their destructors, from files a site may
 * have rebuilt under the job, and by then MPI's transport (UCX) has put the
 * default action for SIGBUS back, so a fault there would end the process
 * without a line. The process ends here as exit would, without that
 * clean-up. A sanitizer build exits normally: its leak check runs at exit. */
static int end_process(int status)
{
#if defined(__SANITIZE_ADDRESS__)
    return status;
#else
    fflush(NULL);
    _exit(status);
#endif
}

int pyn_main(int argc, char **argv, const struct pyn_mode *mode)
{
    /* Taken before anything else: the end of the startup phase. */
    struct pyn_start start;
    pyn_start_capture(&start);
    return end_process(pyn_main_at(argc, argv, mode, &start));
}
