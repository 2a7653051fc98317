/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_report.h: the writers of the results model. Only rank 0 calls them. */
#ifndef PYN_REPORT_H
#define PYN_REPORT_H

#include "pyn_elf.h"
#include "pyn_results.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PYN_REPORT_SCHEMA_VERSION 1

/* The JSON report (schema in docs/report.md), written atomically.
 * Returns 0 or a negative errno with one line in err. */
int pyn_report_json_write(const struct pyn_results *res, const char *path, char *err, size_t errlen);

/* The sizes as a JSON object, one integer per pyn_elf_fields entry (new
 * reference; NULL when out of memory). Shared with pynamic-sizes. */
json_t *pyn_report_json_elf_sizes(const struct pyn_elf_sizes *s);

/* The static summary's "static" object of the report (schema in docs/report.md). */
json_t *pyn_report_json_static(const struct pyn_static_summary *st);

/* One CSV row per rank, written atomically. Returns 0 or a negative errno. */
int pyn_report_csv_write(const struct pyn_results *res, const char *path, char *err, size_t errlen);

/* The human table: per-phase spread across ranks, slowest rank and host,
 * and the checksum verdict. */
void pyn_report_text_print(const struct pyn_results *res, FILE *out);

/* A byte count for people, in decimal units as the docs use them
 * ("0 B", "812 B", "41.8 kB", "1.93 GB"). Returns buf. */
const char *pyn_report_format_bytes(uint64_t bytes, char *buf, size_t len);

/* Two tables, sizes in bytes then counts (pyn_elf_fields), one row per
 * object: labels[i] names rows[i]. title heads the first column. */
void pyn_report_text_print_sizes(FILE *out, const char *title, const char *const *labels,
                                 const struct pyn_elf_sizes *const *rows, size_t nrows);

/* The static summary: the libraries and the executable as two small
 * tables, and a line saying why, when some sizes are unavailable. */
void pyn_report_text_print_static(const struct pyn_static_summary *st, FILE *out);

/* The per-phase file-system counts of the generated libraries (docs/metrics.md). */
void pyn_report_text_print_fs(const struct pyn_results *res, FILE *out);

/* The --stage line: strategy, files, the slowest rank's read, broadcast and
 * write times, and the shared-tree operations staging made. */
void pyn_report_text_print_stage(const struct pyn_results *res, FILE *out);

/* One line per failed rank ("prog: rank R (host): error"), at most ten,
 * then rank 0's line about the MPI capability test when it failed. */
void pyn_report_text_print_errors(const struct pyn_results *res, FILE *out, const char *prog);

/* The original Pynamic's result lines, byte-compatible, printed as the run
 * reaches each point (site scripts parse them with awk '{print $(NF-1)}'). */
void pyn_compat_print_header(FILE *out, const char *date, int nranks);
void pyn_compat_print_startup(FILE *out, double seconds); /* NaN: "startup time = unknown secs" */
void pyn_compat_print_import(FILE *out, double seconds);
void pyn_compat_print_visit(FILE *out, double seconds);
void pyn_compat_print_verdict(FILE *out, int passed);
/* The MPI capability test's three lines, after the verdict ("testing mpi
 * capability...", "fractal mpi time = S secs", "mpi test passed!" or
 * "mpi test FAILED!"); nothing when the test did not run. */
void pyn_compat_print_fractal(FILE *out, const struct pyn_fractal_summary *f);

#endif
