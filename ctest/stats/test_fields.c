/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit test of the field table (pyn_fields.h) without MPI: the rules the
 * writers and the schema rely on (unique JSON paths and CSV columns, the
 * per-slot rows the file-system summary expects, a doc per row), and
 * pyn_field_get's nulls on a record built by hand. Exit 0 when every check
 * holds; otherwise one "CHECK FAILED: ..." line per failed check and exit 1. */
#include "pyn_fields.h"

#include "pyn_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_table(void)
{
    CHECK(pyn_field_count <= PYN_FIELDS_MAX, "%zu rows, room for %d", pyn_field_count, PYN_FIELDS_MAX);
    int per_slot = 0;
    for (size_t i = 0; i < pyn_field_count; ++i) {
        const struct pyn_field *f = &pyn_fields[i];
        CHECK(f->doc && f->doc[0], "%s: no doc (the schema's description)", f->key);
        CHECK(pyn_field_find(f->key) == f, "%s: the key is not unique", f->key);
        for (size_t j = 0; j < i; ++j)
            CHECK(!f->csv || !pyn_fields[j].csv || strcmp(f->csv, pyn_fields[j].csv) != 0,
                  "%s and %s: CSV column %s twice", pyn_fields[j].key, f->key, f->csv);
        int slot = (f->flags & PYN_FIELD_PER_SLOT) != 0;
        per_slot += slot;
        CHECK(slot == (f->summary == PYN_SUMMARY_SUM), "%s: per-slot rows and the file-system sums go together",
              f->key);
        CHECK(!slot || (strstr(f->key, "%s") && f->csv && strstr(f->csv, "%s") && f->label),
              "%s: a per-slot row needs %%s in its key and CSV column, and a label", f->key);
        CHECK(f->text == PYN_TEXT_NONE || f->label, "%s: shown in a text table without a label", f->key);
        CHECK(f->summary == PYN_SUMMARY_NONE || f->summary == PYN_SUMMARY_SUM || f->type == PYN_FIELD_INT ||
                  f->type == PYN_FIELD_REAL,
              "%s: summarised but not a number", f->key);
    }
    /* The run's columns follow the rank's: no name twice in the header. */
    for (size_t i = 0; i < pyn_run_column_count; ++i) {
        const struct pyn_run_column *c = &pyn_run_columns[i];
        CHECK(c->csv && c->path && c->get && c->doc && c->doc[0], "run column %zu: incomplete row", i);
        for (size_t j = 0; j < pyn_field_count; ++j)
            CHECK(!pyn_fields[j].csv || strcmp(c->csv, pyn_fields[j].csv) != 0, "run column %s is %s's column too",
                  c->csv, pyn_fields[j].key);
        for (size_t j = 0; j < i; ++j)
            CHECK(strcmp(c->csv, pyn_run_columns[j].csv) != 0, "run column %s twice", c->csv);
    }
    CHECK(per_slot == PYN_FS_NCOUNTERS, "%d per-slot rows, struct pyn_results.fs has room for %d", per_slot,
          PYN_FS_NCOUNTERS);
}

static void check_value(const char *key, const struct pyn_rank_record *r, int slot, int null, double number)
{
    const struct pyn_field *f = pyn_field_find(key);
    CHECK(f != NULL, "no field %s", key);
    if (!f)
        return;
    struct pyn_field_value v;
    pyn_field_get(f, r, slot, &v);
    double got = pyn_field_number(f, r, slot);
    CHECK(v.null == null, "%s: null %d, expected %d", key, v.null, null);
    CHECK(null ? isnan(got) : got == number, "%s = %.17g, expected %.17g", key, got, number);
}

static void check_values(void)
{
    struct pyn_rank_record *r = calloc(1, sizeof *r);
    if (!r) {
        CHECK(0, "calloc of a record");
        return;
    }
    r->phase_s[PYN_PHASE_STARTUP] = 1.0;
    r->phase_s[PYN_PHASE_IMPORT] = 0.5;
    r->phase_s[PYN_PHASE_VISIT] = NAN; /* the visit after a failed import */
    r->modules_imported = 8;
    r->fs_ok = 1;
    r->fs[PYN_PHASE_IMPORT].opens = 14;
    r->fs[PYN_PHASE_VISIT].bindings = 3;
    pyn_rusage_record_init(&r->rusage);
    r->rusage.maxrss_kib = 17000;
    r->placement.pu = -1;

    check_value("import_s", r, 0, 0, 0.5);
    check_value("visit_s", r, 0, 1, 0);
    check_value("total_s", r, 0, 1, 0); /* NaN in a sum: not measured */
    check_value("modules_per_s", r, 0, 0, 16.0);
    check_value("fs.%s.opens", r, PYN_PHASE_IMPORT, 0, 14);
    check_value("bindings.%s", r, PYN_PHASE_VISIT, 1, 0); /* the opt-in counter was not loaded */
    r->bindings_ok = 1;
    check_value("bindings.%s", r, PYN_PHASE_VISIT, 0, 3);
    check_value("rusage.import.minflt", r, 0, 1, 0); /* -1 */
    check_value("rusage.maxrss_kib", r, 0, 0, 17000);
    check_value("placement.pu", r, 0, 1, 0); /* the object: never sampled */
    check_value("cache.resident_pages", r, 0, 1, 0);
    check_value("fractal_rows", r, 0, 1, 0); /* the test did not run */
    r->placement.measured = 1;
    r->placement.core = 1;
    check_value("placement.core", r, 0, 0, 1);
    check_value("placement.pu", r, 0, 1, 0); /* -1 */
    r->fs_ok = 0;
    check_value("fs.%s.opens", r, PYN_PHASE_IMPORT, 1, 0);
    r->phase_s[PYN_PHASE_IMPORT] = 0;
    check_value("modules_per_s", r, 0, 1, 0); /* no time: no rate */

    char buf[64];
    const struct pyn_field *f = pyn_field_find("fs.%s.opens");
    CHECK(f && strcmp(pyn_field_name(f, f->csv, PYN_PHASE_IMPORT, buf, sizeof buf), "import_opens") == 0,
          "the import slot's opens column is %s", f ? buf : "(no field)");
    free(r);
}

int main(void)
{
    check_table();
    check_values();
    return pyn_check_status();
}
