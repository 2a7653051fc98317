/* pyn_report.h: the writers of the results model. Only rank 0 calls them. */
#ifndef PYN_REPORT_H
#define PYN_REPORT_H

#include "pyn_results.h"

#include <stddef.h>
#include <stdio.h>

#define PYN_REPORT_SCHEMA_VERSION 1

/* The JSON report (schema in docs/report.md), written atomically.
 * Returns 0 or a negative errno with one line in err. */
int pyn_report_json_write(const struct pyn_results *res, const char *path, char *err, size_t errlen);

/* One CSV row per rank, written atomically. Returns 0 or a negative errno. */
int pyn_report_csv_write(const struct pyn_results *res, const char *path, char *err, size_t errlen);

/* The human table: per-phase spread across ranks, slowest rank and host,
 * and the checksum verdict. */
void pyn_report_text_print(const struct pyn_results *res, FILE *out);

/* One line per failed rank ("prog: rank R (host): error"), at most ten. */
void pyn_report_text_print_errors(const struct pyn_results *res, FILE *out, const char *prog);

/* The original Pynamic's result lines, byte-compatible, printed as the run
 * reaches each point (site scripts parse them with awk '{print $(NF-1)}'). */
void pyn_compat_print_header(FILE *out, const char *date, int nranks);
void pyn_compat_print_startup(FILE *out, double seconds);
void pyn_compat_print_import(FILE *out, double seconds);
void pyn_compat_print_visit(FILE *out, double seconds);
void pyn_compat_print_verdict(FILE *out, int passed);

#endif
