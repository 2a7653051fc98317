/* SPDX-License-Identifier: BSD-3-Clause */
/* CSV report: one row per rank, a column per field of pyn_fields that has
 * one (per-slot fields slot by slot), then the run's columns
 * (pyn_run_columns), RFC 4180 quoting. */
#define _GNU_SOURCE
#include "pyn_report.h"

#include "pyn_fields.h"
#include "pyn_file.h"
#include "pyn_tool.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void put_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; ++s) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void put_string(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r"))
        put_quoted(f, s);
    else
        fputs(s, f);
}

/* One cell; nothing when not measured. */
static void put_value(FILE *out, const struct pyn_field *f, const struct pyn_rank_record *r, int slot)
{
    struct pyn_field_value v;
    pyn_field_get(f, r, slot, &v);
    if (v.null)
        return;
    switch (f->type) {
    case PYN_FIELD_INT:
        fprintf(out, "%" PRId64, v.i);
        break;
    case PYN_FIELD_REAL:
        fprintf(out, "%.9f", v.d);
        break;
    case PYN_FIELD_BOOL:
        if (f->flags & PYN_FIELD_CSV_01)
            fprintf(out, "%d", v.i != 0);
        else
            fputs(v.i ? "true" : "false", out);
        break;
    case PYN_FIELD_HEX:
        fprintf(out, "0x%016" PRIx64, v.u);
        break;
    case PYN_FIELD_STRING:
        if (f->flags & PYN_FIELD_CSV_QUOTED)
            put_quoted(out, v.s);
        else
            put_string(out, v.s);
        break;
    }
}

struct line {
    FILE *out;
    const struct pyn_rank_record *r; /* NULL: the header */
    int first;
};

static void put_column(const struct pyn_field *f, int slot, void *ctx)
{
    struct line *l = ctx;
    char name[128];
    if (!l->first)
        fputc(',', l->out);
    l->first = 0;
    if (l->r)
        put_value(l->out, f, l->r, slot);
    else
        fputs(pyn_field_name(f, f->csv, slot, name, sizeof name), l->out);
}

/* The header (r NULL) or r's row: the rank's columns, then the run's. */
static void put_line(FILE *out, const struct pyn_results *res, const struct pyn_rank_record *r)
{
    struct line l = {out, r, 1};
    pyn_field_each_csv_column(put_column, &l);
    for (size_t i = 0; i < pyn_run_column_count; ++i) {
        const char *v = r ? pyn_run_columns[i].get(res) : pyn_run_columns[i].csv;
        fputc(',', out);
        if (v)
            put_string(out, v);
    }
    fputc('\n', out);
}

int pyn_report_csv_write(const struct pyn_results *res, const char *path, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        pyn_format_middle(err, errlen, "write %s: open_memstream: %s", path, strerror(errno));
        return -errno;
    }
    put_line(f, res, NULL);
    for (int i = 0; i < res->nranks; ++i)
        put_line(f, res, &res->ranks[i]);
    if (fclose(f) != 0 || !text) {
        free(text);
        pyn_format_middle(err, errlen, "write %s: out of memory", path);
        return -ENOMEM;
    }
    int rc = pyn_file_write_atomic(path, text, len, err, errlen);
    free(text);
    return rc;
}
