/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_report_schema.h: the JSON report's JSON Schema (draft 2020-12),
 * built from the field table (pyn_fields.h: every per-rank field, the
 * summaries and spans that follow from it, the CSV's columns), the static
 * sizes' table (pyn_elf_fields) and the report's fixed parts (the run, the
 * configuration, the result, ...). pynamic-report-schema writes it into
 * the build tree; docs/report.schema.json is the committed copy. */
#ifndef PYN_REPORT_SCHEMA_H
#define PYN_REPORT_SCHEMA_H

#include <jansson.h>

/* The schema (new reference; NULL when out of memory). Every object whose
 * shape is fixed lists its keys as required and allows no others; a value
 * that may be unmeasured allows null. Annotations for scripts: each
 * per-rank leaf has "x-unit" and "x-csv" (its CSV column), the rank item
 * has "x-csv-columns" (the CSV header in order, each column's JSON path
 * and, when not the plain form, its "format"; the run's columns,
 * pyn_run_columns, say "scope": "report" and have a path from the report's
 * top), and summary entries refer to "#/$defs/spread" or
 * "#/$defs/spread_measured". */
json_t *pyn_report_schema(void);

#endif
