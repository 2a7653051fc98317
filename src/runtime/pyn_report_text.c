/* SPDX-License-Identifier: BSD-3-Clause */
/* Human-readable output on rank 0: the original's lines, then our table. */
#include "pyn_report.h"

#include "pyn_build.h"
#include "pyn_fields.h"
#include "pyn_stage_kind.h"
#include "pyn_tool.h"
#include "pyn_version.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

void pyn_compat_print_header(FILE *out, const char *date, int nranks)
{
    fprintf(out, "Pynamic: Version %s\n", PYN_VERSION);
    fprintf(out, "Pynamic: run on %s with %d MPI tasks\n", date, nranks);
    pyn_flush(out); /* the cause of a failure is kept for pyn_flush_check */
}

void pyn_compat_print_startup(FILE *out, double seconds)
{
    /* Unknown (clock skew): a word where scripts take $(NF-1), never a negative number. */
    if (isfinite(seconds))
        fprintf(out, "Pynamic: startup time = %.6f secs\n", seconds);
    else
        fprintf(out, "Pynamic: startup time = unknown secs\n");
    fprintf(out, "Pynamic: driver beginning... now importing modules\n");
    pyn_flush(out);
}

void pyn_compat_print_import(FILE *out, double seconds)
{
    fprintf(out, "Pynamic: driver finished importing all modules... visiting all module functions\n");
    fprintf(out, "Pynamic: module import time = %.6f secs\n", seconds);
    pyn_flush(out);
}

void pyn_compat_print_visit(FILE *out, double seconds)
{
    fprintf(out, "Pynamic: module visit time = %.6f secs\n", seconds);
    pyn_flush(out);
}

void pyn_compat_print_verdict(FILE *out, int passed)
{
    fprintf(out, passed ? "Pynamic: module test passed!\n" : "Pynamic: module test FAILED!\n");
    pyn_flush(out);
}

void pyn_compat_print_fractal(FILE *out, const struct pyn_fractal_summary *f)
{
    if (!f->ran)
        return;
    fprintf(out, "Pynamic: testing mpi capability...\n");
    fprintf(out, "Pynamic: fractal mpi time = %.6f secs\n", f->span_s);
    fprintf(out, f->passed ? "Pynamic: mpi test passed!\n" : "Pynamic: mpi test FAILED!\n");
    pyn_flush(out);
}

static void print_seconds(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, " %11.6f", v);
    else
        fprintf(out, " %11s", "-");
}

/* Byte counts print with units ("243 kB/243 kB"): a wider column. */
static int column_width(const struct pyn_field *f)
{
    return strcmp(f->unit, "bytes") == 0 ? 17 : 13;
}

/* The loader's work on the generated libraries beside the times: the mean
 * and max over ranks of each per-slot field, per phase that did any. */
void pyn_report_text_print_fs(const struct pyn_results *res, FILE *out)
{
    if (res->nfs_ok == 0) {
        fprintf(out, "file-system counts unavailable: %s\n", res->fs_error[0] ? res->fs_error : "no rank counted");
        return;
    }
    const struct pyn_field *cols[PYN_FS_NCOUNTERS];
    int ncols = 0;
    for (size_t i = 0; i < pyn_field_count && ncols < PYN_FS_NCOUNTERS; ++i)
        if (pyn_fields[i].summary == PYN_SUMMARY_SUM)
            cols[ncols++] = &pyn_fields[i];
    fprintf(out, "%-10s", "loader");
    for (int c = 0; c < ncols; ++c)
        fprintf(out, " %*s", column_width(cols[c]), cols[c]->label);
    fprintf(out, "  (generated libraries, per rank: mean/max%s)\n",
            res->nfs_ok < res->nranks ? "; some ranks uncounted" : "");
    char a[32], b[32], cell[40];
    for (int k = 0; k < PYN_FS_SLOTS; ++k) {
        uint64_t any = 0;
        for (int c = 0; c < ncols; ++c)
            any |= res->fs[k][c].max;
        if (!any)
            continue;
        fprintf(out, "%-10s", pyn_fs_slot_name(k));
        for (int c = 0; c < ncols; ++c) {
            const struct pyn_fs_stat *s = &res->fs[k][c];
            if (s->n == 0)
                snprintf(cell, sizeof cell, "-");
            else if (strcmp(cols[c]->unit, "bytes") == 0)
                snprintf(cell, sizeof cell, "%s/%s", pyn_report_format_bytes((uint64_t)(s->mean + 0.5), a, sizeof a),
                         pyn_report_format_bytes(s->max, b, sizeof b));
            else
                snprintf(cell, sizeof cell, "%.0f/%" PRIu64, s->mean, s->max);
            fprintf(out, " %*s", column_width(cols[c]), cell);
        }
        fputc('\n', out);
    }
}

/* The median over ranks of a load field, or NaN. */
static double load_median(const struct pyn_results *res, const char *slot, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "load.%s.%s", slot, name);
    const struct pyn_stat *s = pyn_results_stat(res, key);
    return s && s->n > 0 ? s->median : NAN;
}

/* The slowest rank's slowest libraries: their own search and map, where
 * they came in the load order, and in which phase. */
static void print_slowest_libraries(const struct pyn_results *res, FILE *out)
{
    if (res->nslowest_libs <= 0)
        return;
    const struct pyn_manifest *m = res->info->manifest;
    fprintf(out, "%-10s %-24s %11s %11s %11s %7s %6s  (the slowest libraries of rank %d, the longest import)\n",
            "slowest", "library", "search", "map", "relocate", "probes", "order", res->slowest_libs_rank);
    int shared = 0;
    for (int i = 0; i < res->nslowest_libs; ++i) {
        const struct pyn_load_library *l = &res->slowest_libs[i];
        const char *name = pyn_fs_generated_file(m, l->library);
        fprintf(out, "%-10s %-24s", pyn_loadtime_slot_name(l->slot) ? pyn_loadtime_slot_name(l->slot) : "-",
                name ? name : "?");
        print_seconds(out, l->search_s);
        print_seconds(out, l->map_s);
        if (isnan(l->relocate_s))
            fprintf(out, " %11s", "shared"), shared = 1;
        else
            print_seconds(out, l->relocate_s);
        fprintf(out, " %7u %6u\n", l->probes, l->order + 1);
    }
    if (shared)
        fprintf(out,
                "%-10s shared: its load relocated the other objects it brought in too, with no notification "
                "between them (dlopen --load-each loads one library a call)\n",
                "");
}

/* Counted in every run, with the auditor or without. */
static void print_objects_before(const struct pyn_stat *before, FILE *out)
{
    if (before && before->n > 0)
        fprintf(out,
                "%-10s %.0f objects were loaded before the import began (median over ranks); each new DT_NEEDED "
                "name is compared with every one of them\n",
                "", before->median);
}

/* Where the loading time went (docs/metrics.md): each loading phase's
 * split, medians over the ranks that timed it, and the loader's share of
 * the phase. */
static void print_load_table(const struct pyn_results *res, FILE *out)
{
    static const char *const parts[] = {"search_s", "map_s", "relocate_s", "init_s", "interpreter_s", "loader_s"};
    enum { NPARTS = sizeof parts / sizeof parts[0] };
    int any = 0;
    for (int k = 0; k < PYN_LOAD_SLOTS; ++k)
        any |= isfinite(load_median(res, pyn_loadtime_slot_name(k), "loader_s"));
    const struct pyn_stat *before = pyn_results_stat(res, "load.objects_before_import");
    if (!any) {
        const char *why = res->nranks > 0 ? pyn_loadtime_why(res->ranks[0].load.phase[PYN_LOAD_IMPORT].why) : "no rank";
        fprintf(out, "loading time not split: %s\n", why);
        print_objects_before(before, out);
        return;
    }
    fprintf(out, "%-10s %11s %11s %11s %11s %11s %11s  %s\n", "loading", "search", "map", "relocate", "init",
            "interpreter", "in loader", "(seconds, median over ranks)");
    int init_in_relocate = 0;
    for (int k = 0; k < PYN_LOAD_SLOTS; ++k) {
        const char *slot = pyn_loadtime_slot_name(k);
        double v[NPARTS];
        for (int i = 0; i < NPARTS; ++i)
            v[i] = load_median(res, slot, parts[i]);
        if (!isfinite(v[NPARTS - 1]))
            continue;
        fprintf(out, "%-10s", slot);
        for (int i = 0; i < NPARTS; ++i) {
            if (i == 3 && !isfinite(v[i]) && res->ranks[0].load.phase[k].init_why == PYN_LOAD_INIT_IN_RELOC) {
                fprintf(out, " %11s", "in reloc.");
                init_in_relocate = 1;
            } else {
                print_seconds(out, v[i]);
            }
        }
        const struct pyn_stat *phase = pyn_results_stat(res, k == PYN_LOAD_IMPORT ? "import_s" : "startup_s");
        if (phase && isfinite(phase->median) && phase->median > 0)
            fprintf(out, "  %.0f%% of %s", 100.0 * v[NPARTS - 1] / phase->median, slot);
        fputc('\n', out);
    }
    if (init_in_relocate)
        fprintf(out, "%-10s %s\n", "", pyn_loadtime_why(PYN_LOAD_INIT_IN_RELOC));
    print_objects_before(before, out);
    print_slowest_libraries(res, out);
}

/* The seconds table: each PYN_TEXT_SECONDS field's spread, rank 0's span and the slowest rank. */
static void print_seconds_table(const struct pyn_results *res, FILE *out)
{
    fprintf(out, "%-10s %11s %11s %11s %11s %11s  %s\n", "seconds", "min", "median", "mean", "max", "rank0-span",
            "slowest rank (host)");
    for (size_t i = 0; i < pyn_field_count; ++i) {
        const struct pyn_field *f = &pyn_fields[i];
        if (f->text != PYN_TEXT_SECONDS || (f->shown && !f->shown(res)))
            continue;
        const struct pyn_stat *s = &res->stats[i];
        fprintf(out, "%-10s", f->label);
        print_seconds(out, s->min);
        print_seconds(out, s->median);
        print_seconds(out, s->mean);
        print_seconds(out, s->max);
        print_seconds(out, f->span ? f->span(res) : NAN);
        fprintf(out, "  %d (%s)\n", s->max_rank, res->ranks[s->max_rank].host);
    }
}

static void print_count(FILE *out, double v, int ok)
{
    if (ok)
        fprintf(out, " %11.0f", v);
    else
        fprintf(out, " %11s", "-");
}

/* A table of counts or rates: each field's spread over the ranks that measured it and the highest rank. */
static void print_counts_table(const struct pyn_results *res, FILE *out, enum pyn_field_text table, const char *title)
{
    fprintf(out, "%-14s %11s %11s %11s %11s  %s\n", title, "min", "median", "mean", "max", "highest rank (host)");
    for (size_t i = 0; i < pyn_field_count; ++i) {
        const struct pyn_field *f = &pyn_fields[i];
        if (f->text != table || (f->shown && !f->shown(res)))
            continue;
        const struct pyn_stat *s = &res->stats[i];
        fprintf(out, "%-14s", f->label);
        print_count(out, s->min, s->n > 0);
        print_count(out, s->median, s->n > 0);
        if (s->n > 0)
            fprintf(out, " %11.1f", s->mean);
        else
            fprintf(out, " %11s", "-");
        print_count(out, s->max, s->n > 0);
        if (s->n > 0)
            fprintf(out, "  %d (%s)\n", s->max_rank, res->ranks[s->max_rank].host);
        else
            fprintf(out, "  -\n");
    }
}

/* What the page cache held at import start, on the host that held the most. */
static void print_cache(const struct pyn_results *res, FILE *out)
{
    const char *mode = pyn_results_cache_mode(res);
    if (!mode)
        return;
    int64_t most = -1, total = 0, unverified = 0;
    int dropped = 0;
    for (int i = 0; i < res->nranks; ++i) {
        const struct pyn_cache_record *c = &res->ranks[i].cache;
        if (!c->counted)
            continue;
        if (c->resident_pages > most) {
            most = c->resident_pages;
            total = c->total_pages;
            unverified = c->unverified_pages;
        }
        dropped += c->dropped;
    }
    if (most < 0) {
        fprintf(out, "cache: %s (page cache not counted: --cache-count counts it)\n", mode);
        return;
    }
    fprintf(out,
            "cache: %s%s: at import start at most %" PRId64 " of %" PRId64
            " pages of the generated libraries were in the page cache on any host",
            mode,
            strcmp(mode, "cold") == 0 ? (dropped ? " (--cold, fadvise and drop_caches)" : " (--cold, fadvise)") : "",
            most, total);
    if (unverified)
        fprintf(out, " (%" PRId64 " pages not visible to mincore for this user)", unverified);
    fputc('\n', out);
}

/* Each host's topology, then where the first 16 ranks ran. */
static void print_placement(const struct pyn_results *res, FILE *out)
{
    for (int i = 0; i < res->nranks; ++i) {
        if (!pyn_results_first_on_host(res, i))
            continue;
        const struct pyn_topology_record *t = &res->ranks[i].placement.topology;
        fprintf(out, "topology of %s (hwloc, rank %d): %d package%s, %d NUMA node%s, %d core%s, %d PU%s\n",
                res->ranks[i].host, res->ranks[i].rank, t->packages, t->packages == 1 ? "" : "s", t->numa_nodes,
                t->numa_nodes == 1 ? "" : "s", t->cores, t->cores == 1 ? "" : "s", t->pus, t->pus == 1 ? "" : "s");
    }
    int shown = 0, nbound = 0;
    for (int i = 0; i < res->nranks; ++i)
        nbound += res->ranks[i].placement.measured && res->ranks[i].placement.bound;
    for (int i = 0; i < res->nranks && shown < 16; ++i) {
        const struct pyn_placement_record *p = &res->ranks[i].placement;
        if (!p->measured)
            continue;
        if (shown++ == 0)
            fprintf(out, "placement (rank: pu/core/numa, %d of %d ranks bound):", nbound, res->nranks);
        fprintf(out, " %d: %d/%d/%d", res->ranks[i].rank, p->pu, p->core, p->numa);
    }
    if (shown)
        fprintf(out, "%s\n", res->nranks > 16 ? " ... (all ranks in the JSON)" : "");
}

/* --stage: where the time went (the slowest rank of each part) and what staging did to the shared tree. */
void pyn_report_text_print_stage(const struct pyn_results *res, FILE *out)
{
    const struct pyn_run_info *info = res->info;
    const struct pyn_stage_summary *t = &res->stage;
    char b[32];
    fprintf(out, "stage %s: %lld files", pyn_stage_kind_name(info->stage_kind), (long long)t->files);
    if (info->stage_kind == PYN_STAGE_BCAST)
        fprintf(out, ", %s, to %d host leader%s under %s", pyn_report_format_bytes((uint64_t)t->bytes_max, b, sizeof b),
                t->leaders, t->leaders == 1 ? "" : "s", info->stage_dir ? info->stage_dir : "?");
    if (info->pilot_map)
        fprintf(out, ", map %s %s", info->stage_kind == PYN_STAGE_PILOT ? "from" : "written to", info->pilot_map);
    fprintf(out,
            "; slowest read %.6f s, %s %.6f s, write %.6f s; shared-tree operations while staging: %lld opens, "
            "%lld enoent\n",
            t->read_max_s, info->stage_kind == PYN_STAGE_BCAST ? "bcast" : "map bcast", t->bcast_max_s, t->write_max_s,
            (long long)t->shared_opens, (long long)t->shared_enoent);
}

/* Hosts named in the job line; the JSON has them all. */
#define JOB_LINE_HOSTS 4

/* One line: the scheduler's ids and the launcher (rank 0's, and whether every rank agreed), the hosts with
 * their ranks, and what built the program. */
static void print_job(const struct pyn_job *job, FILE *out)
{
    fputs("job: ", out);
    if (job) {
        const struct pyn_job_env *e = &job->env;
        if (e->scheduler[0]) {
            fprintf(out, "%s %s", e->scheduler, e->id);
            if (e->step[0])
                fprintf(out, " step %s", e->step);
            if (e->name[0])
                fprintf(out, " \"%s\"", e->name);
            if (e->cluster[0])
                fprintf(out, " on cluster %s", e->cluster);
        } else {
            fputs("no scheduler", out);
        }
        fprintf(out, ", launcher %s", e->launcher);
        if (!job->uniform)
            fprintf(out, " (rank 0's: rank %d saw another job or launcher)", job->first_other);
        fprintf(out, "; %d host%s:", job->nhosts, job->nhosts == 1 ? "" : "s");
        for (int h = 0; h < job->nhosts && h < JOB_LINE_HOSTS; ++h)
            fprintf(out, "%s %s (%d rank%s: %s)", h ? "," : "", job->hosts[h].name, job->hosts[h].nranks,
                    job->hosts[h].nranks == 1 ? "" : "s", job->hosts[h].ranks);
        if (job->nhosts > JOB_LINE_HOSTS)
            fprintf(out, " and %d more", job->nhosts - JOB_LINE_HOSTS);
        fputs("; ", out);
    }
    fprintf(out, "built from %.12s%s, generated libraries by %s: %s\n", pyn_build.source_commit,
            pyn_build.source_dirty > 0 ? " (dirty)" : "", pyn_build.c_compiler, pyn_build.generated_c_flags);
}

void pyn_report_text_print(const struct pyn_results *res, FILE *out)
{
    const struct pyn_run_info *info = res->info;
    const struct pyn_manifest *m = info->manifest;
    fprintf(out,
            "\npynamic %s, mode %s: %d rank%s on %d host%s; %zu libraries (%zu utility, %zu module), %ld functions\n",
            PYN_VERSION, info->mode, res->nranks, res->nranks == 1 ? "" : "s", res->nhosts, res->nhosts == 1 ? "" : "s",
            m->nlibraries, m->nutilities, m->nmodules, m->total_functions);
    fprintf(out, "configuration: %s; startup measured from %s\n", m->config.arguments,
            info->startup_source[0] == 'l' ? "the launch time" : "process creation");
    print_job(info->job, out);
    int staged = info->stage_kind != PYN_STAGE_NONE;
    print_seconds_table(res, out);
    pyn_report_text_print_fs(res, out);
    print_load_table(res, out);
    if (staged)
        pyn_report_text_print_stage(res, out);
    fprintf(out, "checksum: %d/%d ranks verified against the manifest (expected 0x%016" PRIx64 ")\n", res->nchecksum_ok,
            res->nranks, m->expected_checksum);
    print_counts_table(res, out, PYN_TEXT_COUNTS, "rusage");
    print_counts_table(res, out, PYN_TEXT_RATES, "rate");
    print_cache(res, out);
    print_placement(res, out);
    if (res->statics)
        pyn_report_text_print_static(res->statics, out);
    pyn_flush(out);
}

const char *pyn_report_format_bytes(uint64_t bytes, char *buf, size_t len)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 999.95 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1000.0;
        ++u;
    }
    if (u == 0)
        snprintf(buf, len, "%" PRIu64 " B", bytes);
    else
        snprintf(buf, len, "%.*f %s", v < 99.95 ? (v < 9.995 ? 2 : 1) : 0, v, units[u]);
    return buf;
}

/* One table per unit: sizes in bytes, then counts; a row per object. */
void pyn_report_text_print_sizes(FILE *out, const char *title, const char *const *labels,
                                 const struct pyn_elf_sizes *const *rows, size_t nrows)
{
    int width = (int)strlen(title) + 8;
    for (size_t r = 0; r < nrows; ++r)
        if ((int)strlen(labels[r]) > width)
            width = (int)strlen(labels[r]);
    char buf[32];
    for (int unit = PYN_ELF_BYTES; unit <= PYN_ELF_COUNT; ++unit) {
        fprintf(out, "%-*s", width, unit == PYN_ELF_BYTES ? title : "");
        for (size_t i = 0; i < pyn_elf_field_count; ++i)
            if (pyn_elf_fields[i].unit == (enum pyn_elf_unit)unit)
                fprintf(out, " %10s", pyn_elf_fields[i].label);
        fputc('\n', out);
        for (size_t r = 0; r < nrows; ++r) {
            fprintf(out, "%-*s", width, labels[r]);
            for (size_t i = 0; i < pyn_elf_field_count; ++i) {
                const struct pyn_elf_field *f = &pyn_elf_fields[i];
                uint64_t v = pyn_elf_field_value(rows[r], f);
                if (f->unit != (enum pyn_elf_unit)unit)
                    continue;
                if (unit == PYN_ELF_BYTES)
                    fprintf(out, " %10s", pyn_report_format_bytes(v, buf, sizeof buf));
                else
                    fprintf(out, " %10" PRIu64, v);
            }
            fputc('\n', out);
        }
    }
}

void pyn_report_text_print_static(const struct pyn_static_summary *st, FILE *out)
{
    const char *labels[2];
    const struct pyn_elf_sizes *rows[2];
    size_t n = 0;
    if (st->tree.libraries.files) {
        labels[n] = "libraries";
        rows[n++] = &st->tree.libraries;
    }
    if (st->exe.files) {
        const char *base = strrchr(st->executable, '/');
        labels[n] = base ? base + 1 : st->executable;
        rows[n++] = &st->exe;
    }
    if (n)
        pyn_report_text_print_sizes(out, "static sizes", labels, rows, n);
    if (!st->ok)
        fprintf(out, "static sizes unavailable: %s\n", st->error);
    pyn_flush(out);
}

void pyn_report_text_print_errors(const struct pyn_results *res, FILE *out, const char *prog)
{
    int shown = 0;
    for (int i = 0; i < res->nranks; ++i) {
        if (!res->ranks[i].failed)
            continue;
        if (shown++ == 10) {
            fprintf(out, "%s: ... and %d more failed ranks (see the JSON report)\n", prog, res->nfailed - 10);
            break;
        }
        fprintf(out, "%s: rank %d (%s): %s\n", prog, res->ranks[i].rank, res->ranks[i].host, res->ranks[i].error);
    }
    if (res->nstopped > 0)
        fprintf(out, "%s: %d other rank%s stopped because of the failure above\n", prog, res->nstopped,
                res->nstopped == 1 ? "" : "s");
    /* Rank 0 checked the MPI capability test (and wrote its image): its line. */
    if (res->fractal.error[0] && res->nranks > 0)
        fprintf(out, "%s: rank 0 (%s): %s\n", prog, res->ranks[0].host, res->fractal.error);
    pyn_flush(out);
}
