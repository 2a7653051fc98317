/* CSV report: one row per rank, RFC 4180 quoting. */
#define _GNU_SOURCE
#include "pyn_report.h"

#include "pyn_file.h"
#include "pyn_metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void put_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; ++s) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void put_seconds(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.9f", v);
    else
        fputs(",", f); /* empty: not measured */
}

int pyn_report_csv_write(const struct pyn_results *res, const char *path, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        snprintf(err, errlen, "write %s: open_memstream: %s", path, strerror(errno));
        return -errno;
    }
    fputs("rank,host,pid", f);
    for (int m = 0; m < PYN_METRIC_COUNT; ++m)
        fprintf(f, ",%s", pyn_metric_key(m));
    fputs(",startup_exec_s,startup_launch_s,checksum,checksum_ok,libraries_loaded,modules_imported,"
          "modules_visited",
          f);
    /* File-system counts: <phase>_<counter>, e.g. import_enoent. */
    for (int k = 0; k < PYN_FS_SLOTS; ++k)
        for (int c = 0; c < PYN_FS_NCOUNTERS; ++c)
            fprintf(f, ",%s_%s", pyn_fs_slot_name(k), pyn_fs_counter_key(c));
    fputs(",error", f);
    pyn_metrics_csv_header(f);
    fputs(",stage_leader,stage_read_s,stage_bcast_s,stage_write_s,stage_files,stage_bytes,stage_shared_opens,"
          "stage_shared_enoent",
          f);
    fputs(",fractal_first_row,fractal_rows", f);
    fputc('\n', f);
    for (int i = 0; i < res->nranks; ++i) {
        const struct pyn_rank_record *r = &res->ranks[i];
        fprintf(f, "%d,", r->rank);
        put_field(f, r->host);
        fprintf(f, ",%d", r->pid);
        for (int m = 0; m < PYN_METRIC_COUNT; ++m)
            put_seconds(f, pyn_record_metric(r, m));
        put_seconds(f, r->startup_exec_s);
        put_seconds(f, r->startup_launch_s);
        fprintf(f, ",0x%016" PRIx64 ",%s,%d,%d,%d", r->checksum, r->checksum_ok ? "true" : "false", r->libraries_loaded,
                r->modules_imported, r->modules_visited);
        for (int k = 0; k < PYN_FS_SLOTS; ++k)
            for (int c = 0; c < PYN_FS_NCOUNTERS; ++c) {
                if (r->fs_ok)
                    fprintf(f, ",%" PRIu64, pyn_fs_counter(&r->fs[k], c));
                else
                    fputs(",", f); /* empty: not counted */
            }
        fputc(',', f);
        put_field(f, r->failed ? r->error : "");
        pyn_metrics_csv_row(f, r);
        const struct pyn_stage_record *s = &r->stage;
        fprintf(f, ",%d", s->leader);
        put_seconds(f, s->read_s);
        put_seconds(f, s->bcast_s);
        put_seconds(f, s->write_s);
        fprintf(f, ",%lld,%lld,%lld,%lld", (long long)s->files, (long long)s->bytes, (long long)s->shared_opens,
                (long long)s->shared_enoent);
        if (r->fractal.ran)
            fprintf(f, ",%d,%d", r->fractal.first_row, r->fractal.rows);
        else
            fputs(",,", f); /* empty: the test did not run */
        fputc('\n', f);
    }
    if (fclose(f) != 0 || !text) {
        free(text);
        snprintf(err, errlen, "write %s: out of memory", path);
        return -ENOMEM;
    }
    int rc = pyn_file_write_atomic(path, text, len, err, errlen);
    free(text);
    return rc;
}
