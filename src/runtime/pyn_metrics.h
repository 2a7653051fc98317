/* pyn_metrics.h: the issue-5 measurements in the results model and its
 * writers: page faults and peak RSS (pyn_rusage.h), the page cache at
 * import start (pyn_cache.h), placement and topology (pyn_placement.h).
 * The record fields live in struct pyn_rank_record and their summary in
 * struct pyn_results (pyn_results_summarise fills it); these functions write
 * the reports' parts, called by the three writers so that their own code
 * stays as it was. Only rank 0 calls them. */
#ifndef PYN_METRICS_H
#define PYN_METRICS_H

#include "pyn_results.h"

#include <jansson.h>
#include <stdio.h>

/* "cold" or "warm" (what rank 0 did at import start), NULL when no rank measured it. */
const char *pyn_metrics_cache_mode(const struct pyn_results *res);

/* JSON: adds "rusage", "cache" and "placement" to a rank's row. */
void pyn_metrics_json_rank(const struct pyn_rank_record *r, json_t *row);
/* JSON: adds "rusage" to the summary object. */
void pyn_metrics_json_summary(const struct pyn_results *res, json_t *summary);
/* JSON: adds "cache" and "topology" to the report's top level. */
void pyn_metrics_json_top(const struct pyn_results *res, json_t *root);

/* Text: the fault table, the cache line, placement and topology lines. */
void pyn_metrics_text_print(const struct pyn_results *res, FILE *out);

/* CSV: ",col,..." after the existing header, and the matching fields of one row. */
void pyn_metrics_csv_header(FILE *f);
void pyn_metrics_csv_row(FILE *f, const struct pyn_rank_record *r);

#endif
