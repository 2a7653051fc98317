/* SPDX-License-Identifier: BSD-3-Clause */
/* JSON report, built with jansson so nothing is hand-escaped. */
#include "pyn_report.h"

#include "pyn_build.h"
#include "pyn_fields.h"
#include "pyn_file.h"
#include "pyn_stage_kind.h"
#include "pyn_tool.h"
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

/* The scheduler's ids, the launcher and the hosts (pyn_job.h): rank 0's reading, and whether every rank's agreed. */
static json_t *job_json(const struct pyn_job *job)
{
    if (!job)
        return json_null();
    const struct pyn_job_env *e = &job->env;
    json_t *o = json_object(), *hosts = json_array();
    json_object_set_new(o, "scheduler", jstr_or_null(pyn_job_value(e->scheduler)));
    json_object_set_new(o, "id", jstr_or_null(pyn_job_value(e->id)));
    json_object_set_new(o, "step", jstr_or_null(pyn_job_value(e->step)));
    json_object_set_new(o, "name", jstr_or_null(pyn_job_value(e->name)));
    json_object_set_new(o, "cluster", jstr_or_null(pyn_job_value(e->cluster)));
    json_object_set_new(o, "launcher", json_string(e->launcher));
    json_object_set_new(o, "uniform", json_boolean(job->uniform));
    json_object_set_new(o, "first_other_rank", job->uniform ? json_null() : json_integer(job->first_other));
    for (int h = 0; h < job->nhosts; ++h)
        json_array_append_new(hosts, json_pack("{s:s, s:i, s:s}", "host", job->hosts[h].name, "ranks",
                                               job->hosts[h].nranks, "rank_list", job->hosts[h].ranks));
    json_object_set_new(o, "hosts", hosts);
    return o;
}

/* What built the program: the source commit and the generated libraries' compiler and flags. */
static json_t *build_json(void)
{
    json_t *o = json_object();
    json_object_set_new(o, "source_commit", json_string(pyn_build.source_commit));
    json_object_set_new(o, "source_dirty",
                        pyn_build.source_dirty < 0 ? json_null() : json_boolean(pyn_build.source_dirty));
    json_object_set_new(o, "c_compiler", json_string(pyn_build.c_compiler));
    json_object_set_new(o, "c_compiler_path", json_string(pyn_build.c_compiler_path));
    json_object_set_new(o, "generated_c_flags", json_string(pyn_build.generated_c_flags));
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

/* A field's value as the report writes it: JSON has no NaN, unmeasured is null. */
static json_t *field_json(const struct pyn_field *f, const struct pyn_field_value *v)
{
    if (v->null)
        return json_null();
    switch (f->type) {
    case PYN_FIELD_INT:
        return json_integer((json_int_t)v->i);
    case PYN_FIELD_REAL:
        return json_real(v->d);
    case PYN_FIELD_BOOL:
        return json_boolean(v->i);
    case PYN_FIELD_HEX:
        return jhex(v->u);
    case PYN_FIELD_STRING:
        return json_string(v->s);
    }
    return json_null();
}

/* Sets obj's value at a dotted path, making the objects on the way. */
static void set_path(json_t *obj, const char *path, json_t *value)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    char *key = buf, *dot;
    while ((dot = strchr(key, '.'))) {
        *dot = '\0';
        json_t *child = json_object_get(obj, key);
        if (!child) {
            child = json_object();
            json_object_set_new(obj, key, child);
        }
        obj = child;
        key = dot + 1;
    }
    json_object_set_new(obj, key, value);
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
        int c = 0;
        for (size_t i = 0; i < pyn_field_count && c < PYN_FS_NCOUNTERS; ++i) {
            if (pyn_fields[i].summary != PYN_SUMMARY_SUM)
                continue;
            const struct pyn_fs_stat *s = &res->fs[k][c++];
            json_t *st = json_object();
            int n = s->n;
            json_object_set_new(st, "sum", n ? json_integer((json_int_t)s->sum) : json_null());
            json_object_set_new(st, "min", n ? json_integer((json_int_t)s->min) : json_null());
            json_object_set_new(st, "mean", n ? json_real(s->mean) : json_null());
            json_object_set_new(st, "max", n ? json_integer((json_int_t)s->max) : json_null());
            json_object_set_new(st, "max_rank", n ? json_integer(s->max_rank) : json_null());
            json_object_set_new(ph, pyn_fields[i].label, st);
        }
        json_object_set_new(phases, pyn_fs_slot_name(k), ph);
    }
    json_object_set_new(o, "phases", phases);
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

/* One rank's object: every row of pyn_fields at its path; an object the
 * record has nothing in (pyn_field_objects) is null as a whole. */
static json_t *rank_json(const struct pyn_rank_record *r)
{
    json_t *o = json_object();
    char key[128];
    for (size_t i = 0; i < pyn_field_count; ++i) {
        const struct pyn_field *f = &pyn_fields[i];
        const struct pyn_field_object *obj = pyn_field_object_of(f);
        if (obj && obj->present && !obj->present(r)) {
            json_object_set_new(o, obj->key, json_null());
            continue;
        }
        int nslots = (f->flags & PYN_FIELD_PER_SLOT) ? PYN_FS_SLOTS : 1;
        for (int k = 0; k < nslots; ++k) {
            struct pyn_field_value v;
            pyn_field_get(f, r, k, &v);
            set_path(o, pyn_field_name(f, f->key, k, key, sizeof key), field_json(f, &v));
        }
    }
    return o;
}

/* The summary of one field: a SPREAD field always names a rank (its values
 * null when none measured it); a MEASURED one says how many ranks measured
 * it, and is all null when none did. */
static json_t *stat_json(const struct pyn_results *res, const struct pyn_field *f, const struct pyn_stat *s)
{
    json_t *o = json_object();
    int named = f->summary == PYN_SUMMARY_SPREAD || s->n > 0;
    json_object_set_new(o, "min", jreal(s->min));
    json_object_set_new(o, "median", jreal(s->median));
    json_object_set_new(o, "mean", jreal(s->mean));
    json_object_set_new(o, "max", jreal(s->max));
    json_object_set_new(o, "max_rank", named ? json_integer(s->max_rank) : json_null());
    json_object_set_new(o, "max_host", named ? json_string(res->ranks[s->max_rank].host) : json_null());
    if (f->summary == PYN_SUMMARY_MEASURED)
        json_object_set_new(o, "ranks", json_integer(s->n));
    return o;
}

/* The MPI capability test: the spread of fractal_s is the metric's, beside it. */
static json_t *fractal_json(const struct pyn_results *res)
{
    const struct pyn_fractal_summary *f = &res->fractal;
    const struct pyn_stat *s = pyn_results_stat(res, "fractal_s");
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

/* summary.KEY for every summarised field, shaped as the rows
 * (summary.rusage.import.minflt summarises ranks[].rusage.import.minflt). */
static json_t *summary_json(const struct pyn_results *res)
{
    json_t *o = json_object();
    for (size_t i = 0; i < pyn_field_count; ++i) {
        const struct pyn_field *f = &pyn_fields[i];
        if (f->summary == PYN_SUMMARY_SPREAD || f->summary == PYN_SUMMARY_MEASURED)
            set_path(o, f->key, stat_json(res, f, &res->stats[i]));
    }
    json_object_set_new(o, "fractal", fractal_json(res));
    return o;
}

/* Rank 0's barrier-to-barrier time of each field that has one. */
static json_t *spans_json(const struct pyn_results *res)
{
    json_t *o = json_object();
    for (size_t i = 0; i < pyn_field_count; ++i)
        if (pyn_fields[i].span)
            json_object_set_new(o, pyn_fields[i].key, jreal(pyn_fields[i].span(res)));
    return o;
}

static json_t *jindex(int32_t v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

/* One object per host, from its lowest rank: O(ranks x hosts), hosts are few next to ranks. */
static json_t *topology_json(const struct pyn_results *res)
{
    json_t *hosts = json_array();
    for (int i = 0; i < res->nranks; ++i) {
        if (!pyn_results_first_on_host(res, i))
            continue;
        const struct pyn_topology_record *t = &res->ranks[i].placement.topology;
        json_t *h = json_object();
        json_object_set_new(h, "host", json_string(res->ranks[i].host));
        json_object_set_new(h, "reported_by_rank", json_integer(res->ranks[i].rank));
        json_object_set_new(h, "packages", jindex(t->packages));
        json_object_set_new(h, "numa_nodes", jindex(t->numa_nodes));
        json_object_set_new(h, "cores", jindex(t->cores));
        json_object_set_new(h, "pus", jindex(t->pus));
        json_array_append_new(hosts, h);
    }
    return hosts;
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
    json_t *ranks = json_array();

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
    json_object_set_new(root, "build", build_json());
    json_object_set_new(root, "job", job_json(info->job));
    json_object_set_new(root, "nranks", json_integer(res->nranks));
    json_object_set_new(root, "nhosts", json_integer(res->nhosts));
    json_object_set_new(root, "cache", jstr_or_null(pyn_results_cache_mode(res)));
    json_object_set_new(root, "topology", topology_json(res));
    json_object_set_new(root, "result", result_json(res));
    for (int i = 0; i < res->nranks; ++i)
        json_array_append_new(ranks, rank_json(&res->ranks[i]));
    json_object_set_new(root, "ranks", ranks);
    json_object_set_new(root, "summary", summary_json(res));
    json_object_set_new(root, "fs", fs_json(res));
    json_object_set_new(root, "stage", stage_json(res));
    json_object_set_new(root, "spans", spans_json(res));
    json_object_set_new(root, "static", res->statics ? pyn_report_json_static(res->statics) : json_null());

    char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(root);
    if (!text) {
        pyn_format_middle(err, errlen, "write %s: json_dumps: out of memory", path);
        return -ENOMEM;
    }
    size_t len = strlen(text);
    char *with_newline = realloc(text, len + 2);
    if (!with_newline) {
        free(text);
        pyn_format_middle(err, errlen, "write %s: out of memory", path);
        return -ENOMEM;
    }
    with_newline[len] = '\n';
    with_newline[len + 1] = '\0';
    int rc = pyn_file_write_atomic(path, with_newline, len + 1, err, errlen);
    free(with_newline);
    return rc;
}
