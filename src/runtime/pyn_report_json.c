/* JSON report, built with jansson so nothing is hand-escaped. */
#include "pyn_report.h"

#include "pyn_file.h"
#include "pyn_metrics.h"
#include "pyn_stage_kind.h"
#include "pyn_version.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* JSON has no NaN: unmeasured values are null. */
static json_t *jreal(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jhex(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "0x%016" PRIx64, v);
    return json_string(buf);
}

static json_t *jstr_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static void add_setting(const char *key, const char *value, void *ctx)
{
    json_t *obj = ctx;
    if (!value)
        json_object_set_new(obj, key, json_null());
    else if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
        json_object_set_new(obj, key, json_boolean(value[0] == 't'));
    else
        json_object_set_new(obj, key, json_string(value));
}

static json_t *config_json(const struct pyn_config *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "arguments", json_string(c->arguments));
    json_object_set_new(o, "num_files", json_integer(c->num_files));
    json_object_set_new(o, "avg_functions", json_integer(c->avg_functions));
    json_object_set_new(o, "num_utilities", json_integer(c->num_utilities));
    json_object_set_new(o, "avg_utility_functions", json_integer(c->avg_utility_functions));
    json_object_set_new(o, "name_pad", json_integer(c->name_pad));
    json_object_set_new(o, "depth", json_integer(c->depth));
    json_object_set_new(o, "seed", json_integer(c->seed));
    json_object_set_new(o, "cross_module", json_boolean(c->cross_module));
    json_object_set_new(o, "module_chain", json_boolean(c->module_chain));
    json_object_set_new(o, "print", json_boolean(c->print));
    json_object_set_new(o, "search_dirs", json_integer(c->search_dirs));
    return o;
}

static json_t *generated_json(const struct pyn_run_info *info)
{
    const struct pyn_manifest *m = info->manifest;
    json_t *o = json_object();
    json_object_set_new(o, "manifest", json_string(info->manifest_path));
    json_object_set_new(o, "library_dir", json_string(info->library_dir));
    json_object_set_new(o, "generator_version", json_string(m->generator_version));
    json_object_set_new(o, "libraries", json_integer((json_int_t)m->nlibraries));
    json_object_set_new(o, "utilities", json_integer((json_int_t)m->nutilities));
    json_object_set_new(o, "modules", json_integer((json_int_t)m->nmodules));
    json_object_set_new(o, "markers", json_integer((json_int_t)m->nmarkers));
    json_object_set_new(o, "functions", json_integer(m->total_functions));
    json_object_set_new(o, "expected_checksum", jhex(m->expected_checksum));
    return o;
}

static json_t *run_json(const struct pyn_run_info *info)
{
    json_t *o = json_object(), *argv = json_array();
    for (int i = 0; i < info->argc; ++i)
        json_array_append_new(argv, json_string(info->argv[i]));
    json_object_set_new(o, "date", json_string(info->date));
    json_object_set_new(o, "start_epoch_s", jreal(info->start_epoch_s));
    json_object_set_new(o, "command_line", argv);
    json_object_set_new(o, "launch_time", jreal(info->launch_time));
    json_object_set_new(o, "startup_source", json_string(info->startup_source));
    json_object_set_new(o, "startup_exec_resolution_s", jreal(info->startup_exec_resolution_s));
    return o;
}

static json_t *environment_json(const struct pyn_run_info *info)
{
    json_t *o = json_object();
    json_object_set_new(o, "mpi_library", json_string(info->mpi_library));
    json_object_set_new(o, "libc", json_string(info->libc_version));
    json_object_set_new(o, "compiler", json_string(info->compiler));
    return o;
}

/* Per phase: {"opens": n, "enoent": n, "stats": n, "bytes": n}, and the
 * bindings apart ({"import": n, ...}): not a file-system operation. */
static json_t *rank_fs_json(const struct pyn_rank_record *r, json_t **bindings)
{
    if (!r->fs_ok) {
        *bindings = json_null();
        return json_null();
    }
    json_t *o = json_object();
    *bindings = json_object();
    for (int k = 0; k < PYN_FS_SLOTS; ++k) {
        json_t *ph = json_object();
        for (int c = 0; c < PYN_FS_NCOUNTERS; ++c)
            if (strcmp(pyn_fs_counter_key(c), "bindings") != 0)
                json_object_set_new(ph, pyn_fs_counter_key(c), json_integer((json_int_t)pyn_fs_counter(&r->fs[k], c)));
        json_object_set_new(o, pyn_fs_slot_name(k), ph);
        json_object_set_new(*bindings, pyn_fs_slot_name(k), json_integer((json_int_t)r->fs[k].bindings));
    }
    return o;
}

/* Across ranks: per phase, per counter {sum, min, mean, max, max_rank}. */
static json_t *fs_json(const struct pyn_results *res)
{
    json_t *o = json_object(), *phases = json_object();
    json_object_set_new(o, "source", json_string("rtld-audit"));
    json_object_set_new(o, "ranks_counted", json_integer(res->nfs_ok));
    json_object_set_new(o, "error", res->fs_error[0] ? json_string(res->fs_error) : json_null());
    for (int k = 0; k < PYN_FS_SLOTS; ++k) {
        json_t *ph = json_object();
        for (int c = 0; c < PYN_FS_NCOUNTERS; ++c) {
            const struct pyn_fs_stat *s = &res->fs[k][c];
            json_t *st = json_object();
            json_object_set_new(st, "sum", json_integer((json_int_t)s->sum));
            json_object_set_new(st, "min", json_integer((json_int_t)s->min));
            json_object_set_new(st, "mean", json_real(s->mean));
            json_object_set_new(st, "max", json_integer((json_int_t)s->max));
            json_object_set_new(st, "max_rank", json_integer(s->max_rank));
            json_object_set_new(ph, pyn_fs_counter_key(c), st);
        }
        json_object_set_new(phases, pyn_fs_slot_name(k), ph);
    }
    json_object_set_new(o, "phases", phases);
    return o;
}

/* What --stage cost one rank (docs/staging.md). */
static json_t *rank_stage_json(const struct pyn_stage_record *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "leader", json_boolean(s->leader));
    json_object_set_new(o, "read_s", jreal(s->read_s));
    json_object_set_new(o, "bcast_s", jreal(s->bcast_s));
    json_object_set_new(o, "write_s", jreal(s->write_s));
    json_object_set_new(o, "total_s", jreal(s->total_s));
    json_object_set_new(o, "files", json_integer(s->files));
    json_object_set_new(o, "bytes", json_integer(s->bytes));
    json_object_set_new(o, "shared_opens", json_integer(s->shared_opens));
    json_object_set_new(o, "shared_enoent", json_integer(s->shared_enoent));
    return o;
}

/* The strategy and its settings, with the shared-tree operations staging made, summed over ranks. */
static json_t *stage_json(const struct pyn_results *res)
{
    const struct pyn_run_info *info = res->info;
    json_t *o = json_object();
    json_object_set_new(o, "strategy", json_string(pyn_stage_kind_name(info->stage_kind)));
    json_object_set_new(o, "dir", jstr_or_null(info->stage_dir));
    json_object_set_new(o, "pilot_map", jstr_or_null(info->pilot_map));
    json_object_set_new(o, "chunk_bytes", json_integer((json_int_t)info->stage_chunk_bytes));
    json_object_set_new(o, "leaders", json_integer(res->stage.leaders));
    json_object_set_new(o, "shared_opens", json_integer(res->stage.shared_opens));
    json_object_set_new(o, "shared_enoent", json_integer(res->stage.shared_enoent));
    return o;
}

static json_t *rank_json(const struct pyn_rank_record *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "rank", json_integer(r->rank));
    json_object_set_new(o, "host", json_string(r->host));
    json_object_set_new(o, "pid", json_integer(r->pid));
    for (int m = 0; m < PYN_METRIC_COUNT; ++m)
        json_object_set_new(o, pyn_metric_key(m), jreal(pyn_record_metric(r, m)));
    json_object_set_new(o, "startup_exec_s", jreal(r->startup_exec_s));
    json_object_set_new(o, "startup_launch_s", jreal(r->startup_launch_s));
    json_object_set_new(o, "checksum", jhex(r->checksum));
    json_object_set_new(o, "checksum_ok", json_boolean(r->checksum_ok));
    json_object_set_new(o, "libraries_loaded", json_integer(r->libraries_loaded));
    json_object_set_new(o, "modules_imported", json_integer(r->modules_imported));
    json_object_set_new(o, "modules_visited", json_integer(r->modules_visited));
    json_t *bindings = NULL;
    json_object_set_new(o, "fs", rank_fs_json(r, &bindings));
    json_object_set_new(o, "bindings", bindings);
    json_object_set_new(o, "status", json_string(r->failed ? "failed" : r->stopped ? "stopped" : "ran"));
    json_object_set_new(o, "error", jstr_or_null(r->failed ? r->error : NULL));
    json_object_set_new(o, "stage", rank_stage_json(&r->stage));
    json_object_set_new(o, "fractal_first_row", r->fractal.ran ? json_integer(r->fractal.first_row) : json_null());
    json_object_set_new(o, "fractal_rows", r->fractal.ran ? json_integer(r->fractal.rows) : json_null());
    pyn_metrics_json_rank(r, o);
    return o;
}

/* The MPI capability test: the spread of fractal_s is the metric's, beside it. */
static json_t *fractal_json(const struct pyn_results *res)
{
    const struct pyn_fractal_summary *f = &res->fractal;
    const struct pyn_stat *s = &res->summary[PYN_METRIC_FRACTAL];
    json_t *o = json_object();
    json_object_set_new(o, "ran", json_boolean(f->ran));
    json_object_set_new(o, "passed", f->ran ? json_boolean(f->passed) : json_null());
    json_object_set_new(o, "span_s", f->ran ? jreal(f->span_s) : json_null());
    json_object_set_new(o, "min", f->ran ? jreal(s->min) : json_null());
    json_object_set_new(o, "median", f->ran ? jreal(s->median) : json_null());
    json_object_set_new(o, "mean", f->ran ? jreal(s->mean) : json_null());
    json_object_set_new(o, "max", f->ran ? jreal(s->max) : json_null());
    json_object_set_new(o, "width", json_integer(PYN_FRACTAL_WIDTH));
    json_object_set_new(o, "height", json_integer(PYN_FRACTAL_HEIGHT));
    json_object_set_new(o, "image", jstr_or_null(f->image_written ? f->image : NULL));
    json_object_set_new(o, "error", jstr_or_null(f->error[0] ? f->error : NULL));
    return o;
}

static json_t *summary_json(const struct pyn_results *res)
{
    json_t *o = json_object();
    for (int m = 0; m < PYN_METRIC_COUNT; ++m) {
        const struct pyn_stat *s = &res->summary[m];
        json_t *st = json_object();
        json_object_set_new(st, "min", jreal(s->min));
        json_object_set_new(st, "median", jreal(s->median));
        json_object_set_new(st, "mean", jreal(s->mean));
        json_object_set_new(st, "max", jreal(s->max));
        json_object_set_new(st, "max_rank", json_integer(s->max_rank));
        json_object_set_new(st, "max_host", json_string(res->ranks[s->max_rank].host));
        json_object_set_new(o, pyn_metric_key(m), st);
    }
    pyn_metrics_json_summary(res, o);
    json_object_set_new(o, "fractal", fractal_json(res));
    return o;
}

json_t *pyn_report_json_elf_sizes(const struct pyn_elf_sizes *s)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < pyn_elf_field_count; ++i)
        json_object_set_new(o, pyn_elf_fields[i].key,
                            json_integer((json_int_t)pyn_elf_field_value(s, &pyn_elf_fields[i])));
    return o;
}

json_t *pyn_report_json_static(const struct pyn_static_summary *st)
{
    json_t *o = json_object(), *libs = json_object();
    json_t *exe = pyn_report_json_elf_sizes(&st->exe);
    json_object_set_new(o, "ok", json_boolean(st->ok));
    json_object_set_new(o, "error", jstr_or_null(st->ok ? NULL : st->error));
    json_object_set_new(libs, "utilities", pyn_report_json_elf_sizes(&st->tree.utilities));
    json_object_set_new(libs, "modules", pyn_report_json_elf_sizes(&st->tree.modules));
    json_object_set_new(libs, "markers", pyn_report_json_elf_sizes(&st->tree.markers));
    json_object_set_new(libs, "all", pyn_report_json_elf_sizes(&st->tree.libraries));
    json_object_set_new(o, "libraries", libs);
    if (exe)
        json_object_set_new(exe, "path", json_string(st->executable));
    json_object_set_new(o, "executable", exe);
    return o;
}

static json_t *result_json(const struct pyn_results *res)
{
    json_t *o = json_object(), *errors = json_array();
    for (int i = 0; i < res->nranks; ++i)
        if (res->ranks[i].failed) {
            json_t *e = json_object();
            json_object_set_new(e, "rank", json_integer(res->ranks[i].rank));
            json_object_set_new(e, "error", json_string(res->ranks[i].error));
            json_array_append_new(errors, e);
        }
    json_object_set_new(o, "passed", json_boolean(res->passed));
    json_object_set_new(o, "failed_ranks", json_integer(res->nfailed));
    json_object_set_new(o, "stopped_ranks", json_integer(res->nstopped));
    json_object_set_new(o, "checksum_verified_ranks", json_integer(res->nchecksum_ok));
    json_object_set_new(o, "errors", errors);
    json_object_set_new(o, "report_error", res->report_error[0] ? json_string(res->report_error) : json_null());
    return o;
}

int pyn_report_json_write(const struct pyn_results *res, const char *path, char *err, size_t errlen)
{
    const struct pyn_run_info *info = res->info;
    json_t *root = json_object(), *tool = json_object(), *options = json_object();
    json_t *ranks = json_array(), *spans = json_object();

    json_object_set_new(root, "schema_version", json_integer(PYN_REPORT_SCHEMA_VERSION));
    json_object_set_new(tool, "name", json_string("pynamic"));
    json_object_set_new(tool, "version", json_string(PYN_VERSION));
    json_object_set_new(root, "tool", tool);
    json_object_set_new(root, "mode", json_string(info->mode));
    pyn_options_each_setting(info->option_tables, add_setting, options);
    json_object_set_new(root, "options", options);
    json_object_set_new(root, "config", config_json(&info->manifest->config));
    json_object_set_new(root, "generated", generated_json(info));
    json_object_set_new(root, "run", run_json(info));
    json_object_set_new(root, "environment", environment_json(info));
    json_object_set_new(root, "nranks", json_integer(res->nranks));
    json_object_set_new(root, "nhosts", json_integer(res->nhosts));
    pyn_metrics_json_top(res, root);
    json_object_set_new(root, "result", result_json(res));
    for (int i = 0; i < res->nranks; ++i)
        json_array_append_new(ranks, rank_json(&res->ranks[i]));
    json_object_set_new(root, "ranks", ranks);
    json_object_set_new(root, "summary", summary_json(res));
    json_object_set_new(root, "fs", fs_json(res));
    json_object_set_new(root, "stage", stage_json(res));
    for (int p = PYN_PHASE_IMPORT; p <= PYN_PHASE_VISIT; ++p)
        json_object_set_new(spans, pyn_metric_key(p), jreal(res->span_s[p]));
    json_object_set_new(spans, pyn_metric_key(PYN_METRIC_FRACTAL),
                        res->fractal.ran ? jreal(res->fractal.span_s) : json_null());
    json_object_set_new(root, "spans", spans);
    json_object_set_new(root, "static", res->statics ? pyn_report_json_static(res->statics) : json_null());

    char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(root);
    if (!text) {
        snprintf(err, errlen, "write %s: json_dumps: out of memory", path);
        return -ENOMEM;
    }
    size_t len = strlen(text);
    char *with_newline = realloc(text, len + 2);
    if (!with_newline) {
        free(text);
        snprintf(err, errlen, "write %s: out of memory", path);
        return -ENOMEM;
    }
    with_newline[len] = '\n';
    with_newline[len + 1] = '\0';
    int rc = pyn_file_write_atomic(path, with_newline, len + 1, err, errlen);
    free(with_newline);
    return rc;
}
