/* SPDX-License-Identifier: BSD-3-Clause */
/* loadtime.unit: pyn_loadtime_split on made-up event streams, each step's
 * boundary chosen so that a misattributed interval shows in the sums. */
#include "pyn_check.h"
#include "pyn_loadtime.h"
#include "pyn_trace.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define BEFORE PYN_AUDIT_PHASE_BEFORE_MAIN
#define IMPORT PYN_PHASE_IMPORT
#define NS 1e-9

enum { LIB_A = 11, LIB_B = 22, LIB_C = 33, OTHER = 99 };

static struct pyn_audit_event ev(uint32_t kind, uint64_t hash, uint32_t phase, uint64_t t)
{
    return (struct pyn_audit_event){.name_hash = hash, .kind = kind, .phase = phase, .t_ns = t};
}

static int near(double a, double b)
{
    return fabs(a - b) < 1e-12;
}

/* --trace-ranks: numbers and "slowest", repeats dropped, bounded. */
static void check_trace_ranks(void)
{
    int ranks[PYN_TRACE_MAX_RANKS], n = -1, slowest = -1;
    char err[256];
    CHECK(pyn_trace_ranks_parse("0,slowest,2,0", 4, ranks, &n, &slowest, err, sizeof err) == 0 && n == 2 &&
              ranks[0] == 0 && ranks[1] == 2 && slowest == 1,
          "0,slowest,2,0: n %d slowest %d", n, slowest);
    CHECK(pyn_trace_ranks_parse("slowest", 1, ranks, &n, &slowest, err, sizeof err) == 0 && n == 0 && slowest == 1,
          "slowest alone: n %d", n);
    char many[256] = "0";
    for (int r = 1; r <= PYN_TRACE_MAX_RANKS; ++r)
        snprintf(many + strlen(many), sizeof many - strlen(many), ",%d", r);
    CHECK(pyn_trace_ranks_parse(many, 100, ranks, &n, &slowest, err, sizeof err) == -EINVAL &&
              strstr(err, "more than 16 ranks"),
          "17 ranks: %s", err);
    static const char *const bad[] = {"", "4", "x", "0,", ",0", "1 ", "99999999999999999999", "slow"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        err[0] = '\0';
        CHECK(pyn_trace_ranks_parse(bad[i], 4, ranks, &n, &slowest, err, sizeof err) == -EINVAL &&
                  strstr(err, "--trace-ranks"),
              "\"%s\" accepted (or without a line: %s)", bad[i], err);
    }
}

int main(void)
{
    const struct pyn_audit_event events[] = {
        /* Start-up: ld.so and the vDSO announced, then libA searched (two candidates), mapped, relocated, init. */
        ev(PYN_AUDIT_OPEN, OTHER, BEFORE, 100),
        ev(PYN_AUDIT_OPEN, OTHER, BEFORE, 110),
        ev(PYN_AUDIT_PROBE, LIB_A, BEFORE, 130),
        ev(PYN_AUDIT_PROBE, LIB_A, BEFORE, 150),
        ev(PYN_AUDIT_OPEN, LIB_A, BEFORE, 180),
        ev(PYN_AUDIT_CONSISTENT, 0, BEFORE, 300),
        ev(PYN_AUDIT_PREINIT, 0, BEFORE, 360),
        /* MPI_Init's own dlopen, not marked: not a load of ours. */
        ev(PYN_AUDIT_PROBE, OTHER, PYN_PHASE_MPI_INIT, 510),
        ev(PYN_AUDIT_OPEN, OTHER, PYN_PHASE_MPI_INIT, 520),
        ev(PYN_AUDIT_CONSISTENT, 0, PYN_PHASE_MPI_INIT, 530),
        /* Import: a dlopen that maps B (one candidate) and C (three), then relocates. */
        ev(PYN_AUDIT_CALL, LIB_B, IMPORT, 1000),
        ev(PYN_AUDIT_PROBE, LIB_B, IMPORT, 1010),
        ev(PYN_AUDIT_OPEN, LIB_B, IMPORT, 1040),
        ev(PYN_AUDIT_PROBE, LIB_C, IMPORT, 1060),
        ev(PYN_AUDIT_PROBE, LIB_C, IMPORT, 1065),
        ev(PYN_AUDIT_PROBE, LIB_C, IMPORT, 1070),
        ev(PYN_AUDIT_OPEN, LIB_C, IMPORT, 1100),
        ev(PYN_AUDIT_CONSISTENT, 0, IMPORT, 1150),
        ev(PYN_AUDIT_RETURN, 0, IMPORT, 1400),
        /* A dlopen of C again: already loaded, all search. */
        ev(PYN_AUDIT_CALL, LIB_C, IMPORT, 2000),
        ev(PYN_AUDIT_RETURN, 0, IMPORT, 2005),
        /* A dlopen whose initialiser dlopens: one load. */
        ev(PYN_AUDIT_CALL, OTHER, IMPORT, 3000),
        ev(PYN_AUDIT_CONSISTENT, 0, IMPORT, 3010),
        ev(PYN_AUDIT_CALL, OTHER, IMPORT, 3020),
        ev(PYN_AUDIT_RETURN, 0, IMPORT, 3030),
        ev(PYN_AUDIT_RETURN, 0, IMPORT, 3100),
    };
    const uint64_t hashes[] = {LIB_A, LIB_B, LIB_C};
    double phase_s[PYN_PHASE_COUNT] = {0};
    phase_s[PYN_PHASE_IMPORT] = 1e-6;
    struct pyn_load_record rec;
    memset(&rec, 0, sizeof rec);
    struct pyn_load_library libs[3];
    size_t nlibs = 99;
    pyn_loadtime_split(events, sizeof events / sizeof events[0], hashes, 3, phase_s, 1, &rec, libs, &nlibs, NULL, NULL);

    const struct pyn_load_split *s = &rec.phase[PYN_LOAD_STARTUP];
    CHECK(s->why == PYN_LOAD_MEASURED && s->loads == 1 && s->objects == 1, "startup: why %d, %d loads, %d objects",
          s->why, s->loads, s->objects);
    CHECK(near(s->search_s, 40 * NS), "startup search %g, expected 40 ns (vDSO to the last probe)", s->search_s);
    CHECK(near(s->map_s, 30 * NS), "startup map %g, expected 30 ns", s->map_s);
    CHECK(near(s->relocate_s, 120 * NS), "startup relocate %g, expected 120 ns", s->relocate_s);
    CHECK(s->init_why == PYN_LOAD_MEASURED && near(s->init_s, 60 * NS), "startup init %g (why %d), expected 60 ns",
          s->init_s, s->init_why);
    CHECK(near(s->loader_s, 250 * NS), "startup loader %g, expected 250 ns", s->loader_s);

    const struct pyn_load_split *i = &rec.phase[PYN_LOAD_IMPORT];
    CHECK(i->loads == 3 && i->objects == 2, "import: %d loads, %d objects; expected 3 and 2", i->loads, i->objects);
    /* B: 10; C: 30; the second dlopen of C: 5; the nested load: none before its consistency. */
    CHECK(near(i->search_s, 45 * NS), "import search %g, expected 45 ns", i->search_s);
    /* B 30, C 30, C to consistent 50, the nested load's start to consistent 10. */
    CHECK(near(i->map_s, 120 * NS), "import map %g, expected 120 ns", i->map_s);
    /* The first load 250, the nested one 90 (its inner dlopen inside). */
    CHECK(near(i->relocate_s, 340 * NS), "import relocate %g, expected 340 ns", i->relocate_s);
    CHECK(isnan(i->init_s) && i->init_why == PYN_LOAD_INIT_IN_RELOC, "import init %g (why %d): dlopen has no boundary",
          i->init_s, i->init_why);
    CHECK(near(i->loader_s, 505 * NS), "import loader %g, expected 505 ns", i->loader_s);
    CHECK(i->interpreter_why == PYN_LOAD_MEASURED && near(i->interpreter_s, 1e-6 - 505 * NS),
          "import interpreter %g, expected the phase less the loader", i->interpreter_s);

    CHECK(nlibs == 3, "%zu libraries, expected 3 (A, B, C)", nlibs);
    if (nlibs == 3) {
        CHECK(libs[0].library == 0 && libs[0].slot == PYN_LOAD_STARTUP && libs[0].probes == 2 && libs[0].order == 0,
              "A: library %u slot %d probes %u order %u", libs[0].library, libs[0].slot, libs[0].probes, libs[0].order);
        /* Load order counts the objects loads searched for: A, B, C (not MPI_Init's, outside every load). */
        CHECK(libs[2].library == 2 && libs[2].slot == PYN_LOAD_IMPORT && libs[2].probes == 3 && libs[2].order == 2 &&
                  near(libs[2].search_s, 30 * NS) && near(libs[2].map_s, 30 * NS),
              "C: library %u slot %d probes %u order %u search %g map %g", libs[2].library, libs[2].slot,
              libs[2].probes, libs[2].order, libs[2].search_s, libs[2].map_s);
        /* B and C were relocated in one load: neither has a relocation of its own. */
        CHECK(isnan(libs[1].relocate_s) && isnan(libs[2].relocate_s) && isnan(libs[0].relocate_s),
              "relocate of A %g, B %g, C %g: expected none of their own", libs[0].relocate_s, libs[1].relocate_s,
              libs[2].relocate_s);
    }

    /* A load that maps one library (dlopen --load-each): its relocation is that library's. */
    const struct pyn_audit_event one[] = {
        ev(PYN_AUDIT_CALL, LIB_B, IMPORT, 100),
        ev(PYN_AUDIT_PROBE, LIB_B, IMPORT, 102),
        ev(PYN_AUDIT_OPEN, LIB_B, IMPORT, 110),
        ev(PYN_AUDIT_CONSISTENT, 0, IMPORT, 115),
        ev(PYN_AUDIT_RETURN, 0, IMPORT, 175),
    };
    pyn_loadtime_split(one, sizeof one / sizeof one[0], hashes, 3, phase_s, 0, &rec, libs, &nlibs, NULL, NULL);
    CHECK(nlibs == 1 && libs[0].library == 1 && near(libs[0].relocate_s, 60 * NS),
          "one library a load: %zu rows, relocate %g, expected B's 60 ns", nlibs, nlibs ? libs[0].relocate_s : NAN);

    /* No interpreter, no events: not measured, and why. */
    pyn_loadtime_split(events, 0, hashes, 3, phase_s, 0, &rec, libs, &nlibs, NULL, NULL);
    CHECK(rec.phase[PYN_LOAD_IMPORT].why == PYN_LOAD_NO_LOAD && isnan(rec.phase[PYN_LOAD_IMPORT].loader_s) &&
              rec.phase[PYN_LOAD_IMPORT].interpreter_why == PYN_LOAD_NO_INTERPRETER,
          "an empty stream: why %d, interpreter why %d", rec.phase[PYN_LOAD_IMPORT].why,
          rec.phase[PYN_LOAD_IMPORT].interpreter_why);
    pyn_loadtime_unmeasured(&rec, PYN_LOAD_NO_AUDITOR);
    CHECK(rec.phase[PYN_LOAD_STARTUP].why == PYN_LOAD_NO_AUDITOR &&
              strstr(pyn_loadtime_why(PYN_LOAD_NO_AUDITOR), "auditor"),
          "no auditor: why %d", rec.phase[PYN_LOAD_STARTUP].why);
    check_trace_ranks();
    return pyn_check_status();
}
