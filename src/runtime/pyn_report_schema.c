/* SPDX-License-Identifier: BSD-3-Clause */
/* The report's JSON Schema (pyn_report_schema.h). What varies with the
 * per-rank fields comes from pyn_fields; the fixed parts mirror
 * pyn_report_json.c's objects and change with it. jansson keeps keys in
 * insertion order, so the output is the same bytes for the same tables. */
#include "pyn_report_schema.h"

#include "pyn_fields.h"
#include "pyn_stage_kind.h"

#include <stdio.h>
#include <string.h>

/* --- building blocks ---------------------------------------------------------------------------------------- */

static json_t *type_of(const char *type, int nullable)
{
    return nullable ? json_pack("{s:[s,s]}", "type", type, "null") : json_pack("{s:s}", "type", type);
}

#define T(type) type_of(type, 0)
#define TN(type) type_of(type, 1)

static json_t *described(json_t *schema, const char *doc)
{
    if (doc)
        json_object_set_new(schema, "description", json_string(doc));
    return schema;
}

/* An object of exactly these properties (stolen), all required. */
static json_t *object_of(json_t *props, int nullable)
{
    json_t *req = json_array();
    const char *key;
    json_t *value;
    json_object_foreach(props, key, value)
    {
        (void)value;
        json_array_append_new(req, json_string(key));
    }
    return json_pack("{s:o, s:o, s:o, s:b}", "type",
                     nullable ? json_pack("[s,s]", "object", "null") : json_string("object"), "properties", props,
                     "required", req, "additionalProperties", 0);
}

static json_t *array_of(json_t *items)
{
    return json_pack("{s:s, s:o}", "type", "array", "items", items);
}

static json_t *ref(const char *def)
{
    char buf[64];
    snprintf(buf, sizeof buf, "#/$defs/%s", def);
    return json_pack("{s:s}", "$ref", buf);
}

static json_t *hex64(int nullable)
{
    json_t *s = type_of("string", nullable);
    json_object_set_new(s, "pattern", json_string("^0x[0-9a-f]{16}$"));
    return s;
}

/* An object schema under construction: properties added by path, "required"
 * filled in by finish() once every property is there. */
static json_t *open_object(int nullable)
{
    return json_pack("{s:o, s:o, s:b}", "type", nullable ? json_pack("[s,s]", "object", "null") : json_string("object"),
                     "properties", json_object(), "additionalProperties", 0);
}

static void finish(json_t *schema)
{
    json_t *props = json_object_get(schema, "properties");
    if (!props || json_object_get(schema, "required"))
        return;
    json_t *req = json_array();
    const char *key;
    json_t *value;
    json_object_foreach(props, key, value)
    {
        json_array_append_new(req, json_string(key));
        finish(value);
    }
    json_object_set_new(schema, "required", req);
}

/* Puts leaf at the dotted path under an open object, opening the objects on
 * the way (nullable when pyn_field_objects says so at the top). */
static void put_path(json_t *schema, const char *path, json_t *leaf, int top)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    char *key = buf, *dot;
    while ((dot = strchr(key, '.'))) {
        *dot = '\0';
        json_t *props = json_object_get(schema, "properties");
        json_t *child = json_object_get(props, key);
        if (!child) {
            int nullable = 0;
            for (size_t i = 0; top && i < pyn_field_object_count; ++i)
                if (strcmp(pyn_field_objects[i].key, key) == 0) {
                    nullable = pyn_field_objects[i].present != NULL;
                    described(child = open_object(nullable), pyn_field_objects[i].doc);
                }
            if (!child)
                child = open_object(0);
            json_object_set_new(props, key, child);
        }
        schema = child;
        key = dot + 1;
        top = 0;
    }
    json_object_set_new(json_object_get(schema, "properties"), key, leaf);
}

/* --- from the field table ----------------------------------------------------------------------------------- */

static json_t *field_schema(const struct pyn_field *f, const char *csv)
{
    int nullable = f->null_when != PYN_NULL_NEVER || f->measured != NULL;
    static const char *const types[] = {
        [PYN_FIELD_INT] = "integer", [PYN_FIELD_REAL] = "number",   [PYN_FIELD_BOOL] = "boolean",
        [PYN_FIELD_HEX] = "string",  [PYN_FIELD_STRING] = "string",
    };
    json_t *s = f->type == PYN_FIELD_HEX ? hex64(nullable) : type_of(types[f->type], nullable);
    described(s, f->doc);
    if (f->unit)
        json_object_set_new(s, "x-unit", json_string(f->unit));
    if (csv)
        json_object_set_new(s, "x-csv", json_string(csv));
    return s;
}

/* The JSON path of a field for slot, as an array of keys. */
static json_t *path_array(const char *path)
{
    json_t *a = json_array();
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    char *key = buf, *dot;
    while ((dot = strchr(key, '.'))) {
        *dot = '\0';
        json_array_append_new(a, json_string(key));
        key = dot + 1;
    }
    json_array_append_new(a, json_string(key));
    return a;
}

static void add_csv_column(const struct pyn_field *f, int slot, void *ctx)
{
    char column[128], key[128];
    json_t *c = json_pack("{s:s, s:o}", "column", pyn_field_name(f, f->csv, slot, column, sizeof column), "path",
                          path_array(pyn_field_name(f, f->key, slot, key, sizeof key)));
    if (f->flags & PYN_FIELD_CSV_01)
        json_object_set_new(c, "format", json_string("01"));
    if (f->flags & PYN_FIELD_CSV_QUOTED)
        json_object_set_new(c, "format", json_string("quoted"));
    json_array_append_new(ctx, c);
}

static json_t *rank_schema(void)
{
    json_t *s = described(open_object(0), "one rank's record (src/runtime/pyn_fields.c)");
    char key[128], csv[128];
    for (size_t i = 0; i < pyn_field_count; ++i) {
        const struct pyn_field *f = &pyn_fields[i];
        int nslots = (f->flags & PYN_FIELD_PER_SLOT) ? PYN_FS_SLOTS : 1;
        for (int k = 0; k < nslots; ++k)
            put_path(s, pyn_field_name(f, f->key, k, key, sizeof key),
                     field_schema(f, f->csv ? pyn_field_name(f, f->csv, k, csv, sizeof csv) : NULL), 1);
    }
    finish(s);
    json_t *columns = json_array();
    pyn_field_each_csv_column(add_csv_column, columns);
    /* The run's columns: their path starts at the report's top ("scope": "report"). */
    for (size_t i = 0; i < pyn_run_column_count; ++i)
        json_array_append_new(columns, json_pack("{s:s, s:o, s:s}", "column", pyn_run_columns[i].csv, "path",
                                                 path_array(pyn_run_columns[i].path), "scope", "report"));
    json_object_set_new(s, "x-csv-columns", columns);
    return s;
}

static json_t *fractal_summary_schema(void)
{
    return described(object_of(json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "ran", T("boolean"),
                                         "passed", TN("boolean"), "span_s", TN("number"), "min", TN("number"), "median",
                                         TN("number"), "mean", TN("number"), "max", TN("number"), "width", T("integer"),
                                         "height", T("integer"), "image", TN("string"), "error", TN("string")),
                               0),
                     "the MPI capability test as rank 0 saw it; min..max are fractal_s's");
}

static json_t *summary_schema(void)
{
    json_t *s = described(open_object(0), "each summarised field across ranks, at its path in a rank's record");
    for (size_t i = 0; i < pyn_field_count; ++i) {
        const struct pyn_field *f = &pyn_fields[i];
        if (f->summary != PYN_SUMMARY_SPREAD && f->summary != PYN_SUMMARY_MEASURED)
            continue;
        json_t *entry = described(ref(f->summary == PYN_SUMMARY_SPREAD ? "spread" : "spread_measured"), f->doc);
        if (f->unit)
            json_object_set_new(entry, "x-unit", json_string(f->unit));
        put_path(s, f->key, entry, 0);
    }
    json_object_set_new(json_object_get(s, "properties"), "fractal", fractal_summary_schema());
    finish(s);
    return s;
}

static json_t *fs_schema(void)
{
    json_t *phases = json_object();
    for (int k = 0; k < PYN_FS_SLOTS; ++k) {
        json_t *counters = json_object();
        for (size_t i = 0; i < pyn_field_count; ++i)
            if (pyn_fields[i].summary == PYN_SUMMARY_SUM)
                json_object_set_new(counters, pyn_fields[i].label, described(ref("fs_stat"), pyn_fields[i].doc));
        json_object_set_new(phases, pyn_fs_slot_name(k), object_of(counters, 0));
    }
    return described(object_of(json_pack("{s:o, s:o, s:o, s:o}", "source", T("string"), "ranks_counted", T("integer"),
                                         "error", TN("string"), "phases", object_of(phases, 0)),
                               0),
                     "the loader's counts on the generated files across the ranks that counted, per phase");
}

static json_t *spans_schema(void)
{
    json_t *props = json_object();
    for (size_t i = 0; i < pyn_field_count; ++i)
        if (pyn_fields[i].span)
            json_object_set_new(props, pyn_fields[i].key, TN("number"));
    return described(object_of(props, 0), "rank 0's barrier-to-barrier times (the original's lines)");
}

static json_t *elf_sizes_schema(int with_path)
{
    json_t *props = json_object();
    for (size_t i = 0; i < pyn_elf_field_count; ++i)
        json_object_set_new(props, pyn_elf_fields[i].key, T("integer"));
    if (with_path)
        json_object_set_new(props, "path", T("string"));
    return object_of(props, 0);
}

/* --- the fixed parts ---------------------------------------------------------------------------------------- */

static json_t *spread_def(int measured)
{
    json_t *props = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "min", TN("number"), "median", TN("number"), "mean",
                              TN("number"), "max", TN("number"), "max_rank", type_of("integer", measured), "max_host",
                              type_of("string", measured));
    if (measured)
        json_object_set_new(props, "ranks", T("integer"));
    return described(object_of(props, 0), measured ? "over the ranks that measured it (ranks); all null when none did"
                                                   : "over the ranks that measured it; null values when none did");
}

static json_t *stage_strategies(void)
{
    json_t *names = json_array();
    for (int k = PYN_STAGE_NONE; k <= PYN_STAGE_PILOT; ++k)
        json_array_append_new(names, json_string(pyn_stage_kind_name(k)));
    return json_pack("{s:s, s:o}", "type", "string", "enum", names);
}

static json_t *defs(void)
{
    return json_pack(
        "{s:o, s:o, s:o, s:o}", "spread", spread_def(0), "spread_measured", spread_def(1), "fs_stat",
        described(object_of(json_pack("{s:o, s:o, s:o, s:o, s:o}", "sum", TN("integer"), "min", TN("integer"), "mean",
                                      TN("number"), "max", TN("integer"), "max_rank", TN("integer")),
                            0),
                  "over the ranks that counted it; all null when none did (bindings are opt-in)"),
        "elf_sizes", elf_sizes_schema(0));
}

static json_t *fixed_parts(void)
{
    json_t *option_value = json_pack("{s:[s,s,s,s]}", "type", "string", "boolean", "number", "null");
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "schema_version",
        json_pack("{s:i}", "const", 1), "tool",
        object_of(json_pack("{s:o, s:o}", "name", json_pack("{s:s}", "const", "pynamic"), "version", T("string")), 0),
        "mode", T("string"), "options",
        described(json_pack("{s:s, s:o, s:[s], s:o}", "type", "object", "properties",
                            json_pack("{s:o}", "json", T("string")), "required", "json", "additionalProperties",
                            option_value),
                  "the effective configuration: every option of the mode and its value (the mode decides the keys)"),
        "config",
        object_of(json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "arguments", T("string"),
                            "num_files", T("integer"), "avg_functions", T("integer"), "num_utilities", T("integer"),
                            "avg_utility_functions", T("integer"), "name_pad", T("integer"), "depth", T("integer"),
                            "seed", T("integer"), "cross_module", T("boolean"), "module_chain", T("boolean"), "print",
                            T("boolean"), "search_dirs", T("integer")),
                  0),
        "generated",
        object_of(json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "manifest", T("string"), "library_dir",
                            T("string"), "generator_version", T("string"), "libraries", T("integer"), "utilities",
                            T("integer"), "modules", T("integer"), "markers", T("integer"), "functions", T("integer"),
                            "expected_checksum", hex64(0)),
                  0),
        "run",
        object_of(json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "date", T("string"), "start_epoch_s", TN("number"),
                            "command_line", array_of(T("string")), "launch_time", TN("number"), "startup_source",
                            json_pack("{s:s, s:[s,s]}", "type", "string", "enum", "launch_time", "exec"),
                            "startup_exec_resolution_s", TN("number")),
                  0),
        "environment",
        object_of(
            json_pack("{s:o, s:o, s:o}", "mpi_library", T("string"), "libc", T("string"), "compiler", T("string")), 0),
        "nranks", json_pack("{s:s, s:i}", "type", "integer", "minimum", 1), "nhosts", T("integer"), "cache",
        described(json_pack("{s:[s,s,n]}", "enum", "cold", "warm"), "null when no rank reached the import"), "topology",
        array_of(object_of(json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "host", T("string"), "reported_by_rank",
                                     T("integer"), "packages", TN("integer"), "numa_nodes", TN("integer"), "cores",
                                     TN("integer"), "pus", TN("integer")),
                           0)),
        "result",
        object_of(json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "passed", T("boolean"), "failed_ranks", T("integer"),
                            "stopped_ranks", T("integer"), "checksum_verified_ranks", T("integer"), "errors",
                            array_of(object_of(json_pack("{s:o, s:o}", "rank", T("integer"), "error", T("string")), 0)),
                            "report_error", TN("string")),
                  0));
}

static json_t *job_schema(void)
{
    json_t *host = object_of(json_pack("{s:o, s:o, s:o}", "host", T("string"), "ranks",
                                       json_pack("{s:s, s:i}", "type", "integer", "minimum", 1), "rank_list",
                                       described(T("string"), "the host's ranks, compact: 0-3,8,10-11")),
                             0);
    json_t *hosts = array_of(host);
    json_object_set_new(hosts, "minItems", json_integer(1));
    return described(
        object_of(json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "scheduler",
                            described(json_pack("{s:[s,s,s,s,n]}", "enum", "slurm", "flux", "pbs", "lsf"),
                                      "the first of flux, slurm, pbs, lsf whose job id is set; null: none"),
                            "id", described(TN("string"), "SLURM_JOB_ID, FLUX_JOB_ID, PBS_JOBID or LSB_JOBID"), "step",
                            described(TN("string"), "SLURM_STEP_ID"), "name",
                            described(TN("string"), "SLURM_JOB_NAME, PBS_JOBNAME or LSB_JOBNAME"), "cluster",
                            described(TN("string"), "SLURM_CLUSTER_NAME"), "launcher",
                            described(json_pack("{s:s, s:[s,s,s,s,s,s,s]}", "type", "string", "enum", "hydra", "srun",
                                                "flux", "jsrun", "pmix", "pmi", "none"),
                                      "what started the ranks, from its variables; none: a singleton"),
                            "uniform",
                            described(T("boolean"), "every rank saw what rank 0 saw (these values are rank 0's)"),
                            "first_other_rank",
                            described(TN("integer"), "the lowest rank that saw something else; null when uniform"),
                            "hosts", described(hosts, "every host with its ranks, in the order of its lowest rank")),
                  0),
        "the job the run was part of, read from the environment at set-up (pyn_job.h)");
}

static json_t *build_schema(void)
{
    json_t *commit = described(T("string"), "git rev-parse HEAD when built, or unknown (not a git checkout)");
    json_object_set_new(commit, "pattern", json_string("^([0-9a-f]{40}|[0-9a-f]{64}|unknown)$"));
    return described(
        object_of(json_pack("{s:o, s:o, s:o, s:o, s:o}", "source_commit", commit, "source_dirty",
                            described(TN("boolean"), "a tracked file differed from that commit; null: unknown"),
                            "c_compiler", described(T("string"), "the generated libraries' compiler: id and version"),
                            "c_compiler_path", T("string"), "generated_c_flags",
                            described(T("string"), "the generated libraries' C flags, in the compiler's order")),
                  0),
        "what built the program (pyn_build.h)");
}

static json_t *static_schema(void)
{
    return described(
        object_of(json_pack("{s:o, s:o, s:o, s:o}", "ok", T("boolean"), "error", TN("string"), "libraries",
                            object_of(json_pack("{s:o, s:o, s:o, s:o}", "utilities", ref("elf_sizes"), "modules",
                                                ref("elf_sizes"), "markers", ref("elf_sizes"), "all", ref("elf_sizes")),
                                      0),
                            "executable", elf_sizes_schema(1)),
                  1),
        "the static sizes of what was loaded (pyn_elf_fields); null if they could not be computed at all");
}

static json_t *stage_schema(void)
{
    return object_of(json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "strategy", stage_strategies(), "dir",
                               TN("string"), "pilot_map", TN("string"), "chunk_bytes", T("integer"), "leaders",
                               T("integer"), "shared_opens", T("integer"), "shared_enoent", T("integer")),
                     0);
}

json_t *pyn_report_schema(void)
{
    json_t *props = fixed_parts();
    if (!props)
        return NULL;
    json_t *ranks = array_of(rank_schema());
    json_object_set_new(ranks, "minItems", json_integer(1));
    json_object_set_new(props, "build", build_schema());
    json_object_set_new(props, "job", job_schema());
    json_object_set_new(props, "ranks", ranks);
    json_object_set_new(props, "summary", summary_schema());
    json_object_set_new(props, "fs", fs_schema());
    json_object_set_new(props, "stage", stage_schema());
    json_object_set_new(props, "spans", spans_schema());
    json_object_set_new(props, "static", static_schema());
    json_t *root = json_pack("{s:s, s:s, s:s}", "$schema", "https://json-schema.org/draft/2020-12/schema", "title",
                             "pynamic JSON report", "description",
                             "Generated by pynamic-report-schema from src/runtime/pyn_fields.c (the per-rank "
                             "fields) and src/runtime/pyn_report_schema.c (the fixed parts); do not edit: cmake "
                             "--build --preset ci --target update-report-schema copies the build's into docs/.");
    if (!root) {
        json_decref(props);
        return NULL;
    }
    json_t *top = object_of(props, 0);
    const char *key;
    json_t *value;
    json_object_foreach(top, key, value) json_object_set(root, key, value);
    json_decref(top);
    json_object_set_new(root, "$defs", defs());
    return root;
}
