/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_fields.h: the report's per-rank fields, one descriptor row each, as
 * pyn_elf_fields describes the static sizes. The rows drive every writer:
 * a rank's JSON object and CSV row, the summary across ranks (JSON and the
 * text tables), rank 0's spans, and the report's JSON Schema
 * (pyn_report_schema.h). A new per-rank metric is one row here plus its
 * measurement in struct pyn_rank_record (docs/architecture.md, "A new
 * metric").
 *
 * Rows are in CSV column order; a rank's JSON object takes its keys in the
 * same order (the report's key order is not part of its schema). */
#ifndef PYN_FIELDS_H
#define PYN_FIELDS_H

#include "pyn_results.h"

#include <stddef.h>
#include <stdint.h>

/* How a value is written: JSON type, CSV text. */
enum pyn_field_type {
    PYN_FIELD_INT,    /* JSON integer; CSV decimal */
    PYN_FIELD_REAL,   /* JSON number; CSV with nanosecond digits (%.9f) */
    PYN_FIELD_BOOL,   /* JSON true/false; CSV true/false (0/1 with PYN_FIELD_CSV_01) */
    PYN_FIELD_HEX,    /* JSON and CSV "0x" and 16 hex digits (checksums) */
    PYN_FIELD_STRING, /* CSV quoted when it must be (RFC 4180), always with PYN_FIELD_CSV_QUOTED */
};

/* Where a value lives in struct pyn_rank_record when the row has no getter. */
enum pyn_field_store { PYN_STORE_I32, PYN_STORE_I64, PYN_STORE_U64, PYN_STORE_F64, PYN_STORE_CHARS };

/* Which stored values mean "not measured" (JSON null, an empty CSV cell, "-"). */
enum pyn_field_null {
    PYN_NULL_NEVER,
    PYN_NULL_NAN,      /* NaN or infinite */
    PYN_NULL_NEGATIVE, /* below zero: -1 is how the record says "not measured" */
};

/* What the summary across ranks holds for the field. */
enum pyn_field_summary {
    PYN_SUMMARY_NONE,
    PYN_SUMMARY_SPREAD,   /* summary.KEY: min, median, mean, max, max_rank, max_host over the ranks that measured it */
    PYN_SUMMARY_MEASURED, /* the same and "ranks" (how many measured it); all null when none did */
    PYN_SUMMARY_SUM,      /* per fs slot: fs.phases.SLOT.LABEL: sum, min, mean, max, max_rank (exact integers) */
};

/* Which table of the text report shows the summary. */
enum pyn_field_text {
    PYN_TEXT_NONE,
    PYN_TEXT_SECONDS, /* "seconds": the phases' spread with rank 0's span */
    PYN_TEXT_COUNTS,  /* "rusage": counts, the highest rank */
    PYN_TEXT_RATES,   /* "rate": per-second rates, the highest rank */
    PYN_TEXT_LOADER,  /* "loader": per fs slot, mean/max */
};

enum {
    PYN_FIELD_PER_SLOT = 1 << 0,   /* one value per file-system slot (pyn_fs_slot_name): "%s" in key and csv */
    PYN_FIELD_CSV_QUOTED = 1 << 1, /* always quoted in the CSV (hwloc writes large cpusets with commas) */
    PYN_FIELD_CSV_01 = 1 << 2,     /* a boolean written 0/1 in the CSV */
};

/* A value read from a record. */
struct pyn_field_value {
    int null;      /* not measured */
    int64_t i;     /* PYN_FIELD_INT, PYN_FIELD_BOOL */
    uint64_t u;    /* PYN_FIELD_HEX */
    double d;      /* PYN_FIELD_REAL */
    const char *s; /* PYN_FIELD_STRING: points into the record or at a constant */
};

struct pyn_field {
    const char *key;   /* JSON path in a rank's object, '.' between objects ("rusage.import.minflt") */
    const char *csv;   /* CSV column, or NULL: JSON only */
    const char *label; /* the text table's row or column label; NULL: not in the text */
    const char *unit;  /* "s", "count", "bytes", "KiB", "pages", "1/s"; NULL for identifiers and text */
    enum pyn_field_type type;
    enum pyn_field_store store;
    size_t offset; /* into struct pyn_rank_record; per slot: of slot 0, then sizeof(struct pyn_fs_counts) apart */
    /* Derived or conditional values: fills v (not v->null) for slot; NULL: read store at offset. */
    void (*get)(const struct pyn_rank_record *r, int slot, struct pyn_field_value *v);
    enum pyn_field_null null_when;
    int (*measured)(const struct pyn_rank_record *r); /* NULL: always; else null when it returns 0 */
    enum pyn_field_summary summary;
    enum pyn_field_text text;
    int (*shown)(const struct pyn_results *res);   /* text: the row is shown; NULL: always */
    double (*span)(const struct pyn_results *res); /* rank 0's barrier-to-barrier time: spans.KEY; NULL: none */
    unsigned flags;
    const char *doc; /* one line: the schema's description */
};

/* Objects of a rank's JSON object that are null as a whole when the record
 * has nothing in them (the CSV leaves their columns empty). */
struct pyn_field_object {
    const char *key;                                 /* first component of the fields' keys */
    int (*present)(const struct pyn_rank_record *r); /* NULL: always an object */
    const char *doc;
};

/* The CSV's columns that are the run's, not the rank's, the same on every
 * row so that rows from many runs can be put together: after the rank's
 * columns, in table order. Text; an empty cell for NULL. */
struct pyn_run_column {
    const char *csv;                                   /* the column */
    const char *path;                                  /* the value's JSON path from the report's top: "job.id" */
    const char *(*get)(const struct pyn_results *res); /* the value, or NULL */
    const char *doc;
};

extern const struct pyn_run_column pyn_run_columns[];
extern const size_t pyn_run_column_count;

extern const struct pyn_field pyn_fields[];
extern const size_t pyn_field_count;
extern const struct pyn_field_object pyn_field_objects[];
extern const size_t pyn_field_object_count;

/* The row with this key, or NULL. */
const struct pyn_field *pyn_field_find(const char *key);

/* The object (of pyn_field_objects) that holds f, or NULL when f is at the
 * top of a rank's object. */
const struct pyn_field_object *pyn_field_object_of(const struct pyn_field *f);

/* Reads f of r (slot: the fs slot of a per-slot row, else ignored) into
 * *v, with v->null set when the record did not measure it. */
void pyn_field_get(const struct pyn_field *f, const struct pyn_rank_record *r, int slot, struct pyn_field_value *v);

/* The value as a number for statistics: NaN when null (and for strings). */
double pyn_field_number(const struct pyn_field *f, const struct pyn_rank_record *r, int slot);

/* f's JSON key or CSV column for slot (pattern has "%s" for per-slot rows)
 * into buf. Returns buf. */
const char *pyn_field_name(const struct pyn_field *f, const char *pattern, int slot, char *buf, size_t len);

/* Calls fn for every CSV column in order: the fields that have one, in
 * table order, except that a run of per-slot fields goes slot by slot
 * (startup_opens, startup_enoent, ..., import_opens, ...). */
void pyn_field_each_csv_column(void (*fn)(const struct pyn_field *f, int slot, void *ctx), void *ctx);

#endif
