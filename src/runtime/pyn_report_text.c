/* Human-readable output on rank 0: the original's lines, then our table. */
#include "pyn_report.h"

#include "pyn_metrics.h"
#include "pyn_stage_kind.h"
#include "pyn_version.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

void pyn_compat_print_header(FILE *out, const char *date, int nranks)
{
    fprintf(out, "Pynamic: Version %s\n", PYN_VERSION);
    fprintf(out, "Pynamic: run on %s with %d MPI tasks\n", date, nranks);
    fflush(out);
}

void pyn_compat_print_startup(FILE *out, double seconds)
{
    fprintf(out, "Pynamic: startup time = %.6f secs\n", seconds);
    fprintf(out, "Pynamic: driver beginning... now importing modules\n");
    fflush(out);
}

void pyn_compat_print_import(FILE *out, double seconds)
{
    fprintf(out, "Pynamic: driver finished importing all modules... visiting all module functions\n");
    fprintf(out, "Pynamic: module import time = %.6f secs\n", seconds);
    fflush(out);
}

void pyn_compat_print_visit(FILE *out, double seconds)
{
    fprintf(out, "Pynamic: module visit time = %.6f secs\n", seconds);
    fflush(out);
}

void pyn_compat_print_verdict(FILE *out, int passed)
{
    fprintf(out, passed ? "Pynamic: module test passed!\n" : "Pynamic: module test FAILED!\n");
    fflush(out);
}

void pyn_compat_print_fractal(FILE *out, const struct pyn_fractal_summary *f)
{
    if (!f->ran)
        return;
    fprintf(out, "Pynamic: testing mpi capability...\n");
    fprintf(out, "Pynamic: fractal mpi time = %.6f secs\n", f->span_s);
    fprintf(out, f->passed ? "Pynamic: mpi test passed!\n" : "Pynamic: mpi test FAILED!\n");
    fflush(out);
}

static void print_seconds(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, " %11.6f", v);
    else
        fprintf(out, " %11s", "-");
}

/* The loader's work on the generated libraries beside the times: the mean
 * and max over ranks of each count, per phase that did any. */
void pyn_report_text_print_fs(const struct pyn_results *res, FILE *out)
{
    if (res->nfs_ok == 0) {
        fprintf(out, "file-system counts unavailable: %s\n", res->fs_error[0] ? res->fs_error : "no rank counted");
        return;
    }
    fprintf(out, "%-10s %13s %13s %13s %17s %13s %13s  (generated libraries, per rank: mean/max%s)\n", "loader",
            "opens", "enoent", "stats", "bytes", "local", "bindings",
            res->nfs_ok < res->nranks ? "; some ranks uncounted" : "");
    char a[32], b[32], cell[40];
    for (int k = 0; k < PYN_FS_SLOTS; ++k) {
        uint64_t any = 0;
        for (int c = 0; c < PYN_FS_NCOUNTERS; ++c)
            any |= res->fs[k][c].max;
        if (!any)
            continue;
        fprintf(out, "%-10s", pyn_fs_slot_name(k));
        for (int c = 0; c < PYN_FS_NCOUNTERS; ++c) {
            const struct pyn_fs_stat *s = &res->fs[k][c];
            if (strcmp(pyn_fs_counter_key(c), "bytes") == 0) {
                snprintf(cell, sizeof cell, "%s/%s", pyn_report_format_bytes((uint64_t)(s->mean + 0.5), a, sizeof a),
                         pyn_report_format_bytes(s->max, b, sizeof b));
                fprintf(out, " %17s", cell);
            } else {
                snprintf(cell, sizeof cell, "%.0f/%" PRIu64, s->mean, s->max);
                fprintf(out, " %13s", cell);
            }
        }
        fputc('\n', out);
    }
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
    fprintf(out, "%-10s %11s %11s %11s %11s %11s  %s\n", "seconds", "min", "median", "mean", "max", "rank0-span",
            "slowest rank (host)");
    int staged = info->stage_kind != PYN_STAGE_NONE;
    for (int k = 0; k < PYN_METRIC_COUNT; ++k) {
        const struct pyn_stat *s = &res->summary[k];
        if (!staged && (k == PYN_METRIC_STAGE || k == PYN_METRIC_TOTAL_WITH_STAGE))
            continue;
        if (k == PYN_METRIC_FRACTAL && !res->fractal.ran)
            continue;
        fprintf(out, "%-10s",
                k == PYN_METRIC_TOTAL              ? "total"
                : k == PYN_METRIC_STAGE            ? "stage"
                : k == PYN_METRIC_TOTAL_WITH_STAGE ? "total+stg"
                : k == PYN_METRIC_FRACTAL          ? "fractal"
                                                   : pyn_phase_name((enum pyn_phase)k));
        print_seconds(out, s->min);
        print_seconds(out, s->median);
        print_seconds(out, s->mean);
        print_seconds(out, s->max);
        print_seconds(out, k < PYN_PHASE_COUNT ? res->span_s[k] : k == PYN_METRIC_FRACTAL ? res->fractal.span_s : NAN);
        fprintf(out, "  %d (%s)\n", s->max_rank, res->ranks[s->max_rank].host);
    }
    pyn_report_text_print_fs(res, out);
    if (staged)
        pyn_report_text_print_stage(res, out);
    fprintf(out, "checksum: %d/%d ranks verified against the manifest (expected 0x%016" PRIx64 ")\n", res->nchecksum_ok,
            res->nranks, m->expected_checksum);
    pyn_metrics_text_print(res, out);
    if (res->statics)
        pyn_report_text_print_static(res->statics, out);
    fflush(out);
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
    fflush(out);
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
    fflush(out);
}
