/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit test of the typed option layer (src/common): one value's parsers and
 * their one error line (pyn_opt_value.h), and the table parser with its
 * defaults, help and effective configuration (pyn_options.h). Every check
 * compares values and exact lines, not only return codes. Exit 0 when every
 * check holds; otherwise one "CHECK FAILED: ..." line per failed check and
 * exit 1. */
#include "pyn_options.h"

#include "pyn_check.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K UINT64_C(1024)

/* One value through one parser: its return code, the value when 0, the
 * line otherwise. */
static void unsigned_case(const char *text, uint64_t min, uint64_t max, int want_rc, uint64_t want,
                          const char *want_err)
{
    uint64_t v = 12345;
    char err[256] = "";
    int rc = pyn_opt_parse_unsigned("--n", text, min, max, NULL, &v, err, sizeof err);
    CHECK(rc == want_rc, "unsigned '%s' in %llu..%llu: rc %d, expected %d (%s)", text, (unsigned long long)min,
          (unsigned long long)max, rc, want_rc, err);
    if (want_rc == 0)
        CHECK(v == want, "unsigned '%s': %llu, expected %llu", text, (unsigned long long)v, (unsigned long long)want);
    else
        CHECK(v == 12345 && strcmp(err, want_err) == 0, "unsigned '%s': line \"%s\", expected \"%s\"; value %s", text,
              err, want_err, v == 12345 ? "kept" : "changed");
}

static void test_unsigned(void)
{
    unsigned_case("0", 0, 10, 0, 0, NULL);
    unsigned_case("10", 0, 10, 0, 10, NULL);
    unsigned_case("007", 0, 10, 0, 7, NULL);
    unsigned_case("11", 0, 10, -ERANGE, 0, "--n: '11' is not a whole number in 0..10");
    unsigned_case("1", 2, 10, -ERANGE, 0, "--n: '1' is not a whole number in 2..10");
    unsigned_case("2", 2, 10, 0, 2, NULL);
    unsigned_case("18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX, NULL);
    unsigned_case("18446744073709551616", 0, UINT64_MAX, -ERANGE, 0,
                  "--n: '18446744073709551616' is not a whole number in 0..18446744073709551615");
    unsigned_case("99999999999999999999999", 0, 10, -ERANGE, 0,
                  "--n: '99999999999999999999999' is not a whole number in 0..10");
    unsigned_case("", 0, 10, -EINVAL, 0, "--n: '' is not a whole number in 0..10");
    unsigned_case("-1", 0, 10, -EINVAL, 0, "--n: '-1' is not a whole number in 0..10");
    unsigned_case("+1", 0, 10, -EINVAL, 0, "--n: '+1' is not a whole number in 0..10");
    unsigned_case(" 1", 0, 10, -EINVAL, 0, "--n: ' 1' is not a whole number in 0..10");
    unsigned_case("0x10", 0, 100, -EINVAL, 0, "--n: '0x10' is not a whole number in 0..100");
    unsigned_case("1.5", 0, 10, -EINVAL, 0, "--n: '1.5' is not a whole number in 0..10");
    unsigned_case("two", 0, 10000, -EINVAL, 0, "--n: 'two' is not a whole number in 0..10000");

    /* A unit, and no name: the caller names the value itself. */
    uint64_t v = 0;
    char err[256];
    CHECK(pyn_opt_parse_unsigned(NULL, "x", 0, 5, "seconds", &v, err, sizeof err) == -EINVAL &&
              strcmp(err, "'x' is not a whole number of seconds in 0..5") == 0,
          "unsigned without a name, with a unit: \"%s\"", err);
}

static void double_case(const char *text, double min, double max, int want_rc, double want, const char *want_err)
{
    double v = -7;
    char err[256] = "";
    int rc = pyn_opt_parse_double("--s", text, min, max, "seconds", &v, err, sizeof err);
    CHECK(rc == want_rc, "double '%s': rc %d, expected %d (%s)", text, rc, want_rc, err);
    if (want_rc == 0)
        CHECK(v == want, "double '%s': %.17g, expected %.17g", text, v, want);
    else
        CHECK(v == -7 && strcmp(err, want_err) == 0, "double '%s': line \"%s\", expected \"%s\"", text, err, want_err);
}

static void test_double(void)
{
    double_case("0", 0, 86400, 0, 0, NULL);
    double_case("0.5", 0, 86400, 0, 0.5, NULL);
    double_case("86400", 0, 86400, 0, 86400, NULL);
    double_case("1e-3", 0, 86400, 0, 1e-3, NULL);
    double_case(".25", 0, 1, 0, 0.25, NULL);
    double_case("-0.5", -1, 1, 0, -0.5, NULL);
    double_case("86400.001", 0, 86400, -ERANGE, 0, "--s: '86400.001' is not a number of seconds in 0..86400");
    double_case("-1", 0, 86400, -ERANGE, 0, "--s: '-1' is not a number of seconds in 0..86400");
    double_case("1e999", 0, 86400, -ERANGE, 0, "--s: '1e999' is not a number of seconds in 0..86400");
    double_case("fast", 0, 86400, -EINVAL, 0, "--s: 'fast' is not a number of seconds in 0..86400");
    double_case("nan", 0, 86400, -EINVAL, 0, "--s: 'nan' is not a number of seconds in 0..86400");
    double_case("inf", 0, 86400, -EINVAL, 0, "--s: 'inf' is not a number of seconds in 0..86400");
    double_case("0x1p3", 0, 86400, -EINVAL, 0, "--s: '0x1p3' is not a number of seconds in 0..86400");
    double_case("", 0, 1, -EINVAL, 0, "--s: '' is not a number of seconds in 0..1");
    double_case(" 1", 0, 1, -EINVAL, 0, "--s: ' 1' is not a number of seconds in 0..1");
    double_case("1e", 0, 1, -EINVAL, 0, "--s: '1e' is not a number of seconds in 0..1");
    double_case("--", 0, 1, -EINVAL, 0, "--s: '--' is not a number of seconds in 0..1");
    double_case(".", 0, 1, -EINVAL, 0, "--s: '.' is not a number of seconds in 0..1");
}

static void size_case(const char *text, uint64_t min, uint64_t max, int want_rc, uint64_t want, const char *want_err)
{
    uint64_t v = 3;
    char err[256] = "";
    int rc = pyn_opt_parse_size("--stage-chunk", text, min, max, &v, err, sizeof err);
    CHECK(rc == want_rc, "size '%s': rc %d, expected %d (%s)", text, rc, want_rc, err);
    if (want_rc == 0)
        CHECK(v == want, "size '%s': %llu, expected %llu", text, (unsigned long long)v, (unsigned long long)want);
    else
        CHECK(v == 3 && strcmp(err, want_err) == 0, "size '%s': line \"%s\", expected \"%s\"", text, err, want_err);
}

static void test_size(void)
{
    const uint64_t lo = 4 * K, hi = K * K * K;
    const char *range = "is not a size in 4K..1G (bytes, or a whole number with K, M or G)";
    char want[160];
    size_case("4096", lo, hi, 0, 4096, NULL);
    size_case("4K", lo, hi, 0, 4096, NULL);
    size_case("64M", lo, hi, 0, 64 * K * K, NULL);
    size_case("1G", lo, hi, 0, hi, NULL);
    size_case("1048576K", lo, hi, 0, hi, NULL);
    size_case("1024M", lo, hi, 0, hi, NULL);
    size_case("0G", 0, hi, 0, 0, NULL);
    snprintf(want, sizeof want, "--stage-chunk: '4095' %s", range);
    size_case("4095", lo, hi, -ERANGE, 0, want);
    snprintf(want, sizeof want, "--stage-chunk: '3K' %s", range);
    size_case("3K", lo, hi, -ERANGE, 0, want);
    snprintf(want, sizeof want, "--stage-chunk: '2G' %s", range);
    size_case("2G", lo, hi, -ERANGE, 0, want);
    snprintf(want, sizeof want, "--stage-chunk: '1073741825' %s", range);
    size_case("1073741825", lo, hi, -ERANGE, 0, want);
    /* v * scale would wrap around 2^64 to a value in range: refused. */
    snprintf(want, sizeof want, "--stage-chunk: '17179869184G' %s", range);
    size_case("17179869184G", lo, hi, -ERANGE, 0, want);
    snprintf(want, sizeof want, "--stage-chunk: '99999999999999999999' %s", range);
    size_case("99999999999999999999", lo, hi, -ERANGE, 0, want);
    snprintf(want, sizeof want, "--stage-chunk: '12X' %s", range);
    size_case("12X", lo, hi, -EINVAL, 0, want);
    snprintf(want, sizeof want, "--stage-chunk: '64m' %s", range);
    size_case("64m", lo, hi, -EINVAL, 0, want);
    snprintf(want, sizeof want, "--stage-chunk: '64MB' %s", range);
    size_case("64MB", lo, hi, -EINVAL, 0, want);
    snprintf(want, sizeof want, "--stage-chunk: 'K' %s", range);
    size_case("K", lo, hi, -EINVAL, 0, want);
    snprintf(want, sizeof want, "--stage-chunk: '-4096' %s", range);
    size_case("-4096", lo, hi, -EINVAL, 0, want);
    snprintf(want, sizeof want, "--stage-chunk: '' %s", range);
    size_case("", lo, hi, -EINVAL, 0, want);
    /* A range that no suffix divides is printed in bytes. */
    uint64_t v;
    char err[256];
    CHECK(pyn_opt_parse_size("--x", "1", 1000, 1536, &v, err, sizeof err) == -ERANGE &&
              strcmp(err, "--x: '1' is not a size in 1000..1536 (bytes, or a whole number with K, M or G)") == 0,
          "size range in bytes: \"%s\"", err);
}

static void test_enum_and_path(void)
{
    static const char *const names[] = {"core", "none", NULL};
    int v = -1;
    char err[256] = "";
    CHECK(pyn_opt_parse_enum("--bind", "none", names, &v, err, sizeof err) == 0 && v == 1, "enum 'none' gave %d", v);
    CHECK(pyn_opt_parse_enum("--bind", "core", names, &v, err, sizeof err) == 0 && v == 0, "enum 'core' gave %d", v);
    v = -1;
    CHECK(pyn_opt_parse_enum("--bind", "Core", names, &v, err, sizeof err) == -EINVAL && v == -1 &&
              strcmp(err, "--bind: 'Core' is not one of core, none") == 0,
          "enum 'Core': \"%s\", value %d", err, v);
    CHECK(pyn_opt_parse_enum("--bind", "", names, &v, err, sizeof err) == -EINVAL &&
              strcmp(err, "--bind: '' is not one of core, none") == 0,
          "enum '': \"%s\"", err);

    CHECK(pyn_opt_parse_path("--json", "r.json", err, sizeof err) == 0, "path r.json refused: %s", err);
    CHECK(pyn_opt_parse_path("--json", "", err, sizeof err) == -EINVAL &&
              strcmp(err, "--json: '' is not a path (a file name of 1 to 4095 bytes)") == 0,
          "empty path: \"%s\"", err);
    char *longpath = malloc(5001);
    if (longpath) {
        memset(longpath, 'a', 5000);
        longpath[5000] = '\0';
        /* The path loses its middle, never what is allowed at the end. */
        const char *allowed = "a' is not a path (a file name of 1 to 4095 bytes)";
        size_t n = 0, na = strlen(allowed);
        CHECK(pyn_opt_parse_path("--json", longpath, err, sizeof err) == -ENAMETOOLONG &&
                  strncmp(err, "--json: 'aaaa", 13) == 0 && (n = strlen(err)) == sizeof err - 1 && n > na &&
                  strcmp(err + n - na, allowed) == 0 && strstr(err, "a...a"),
              "a 5000-byte path: \"%s\"", err);
        free(longpath);
    }
}

/* A value that echoes control characters stays one visible line, whatever the kind. */
static void test_escaping(void)
{
    char err[256];
    uint64_t u;
    double d;
    int e;
    static const char *const names[] = {"a", NULL};
    CHECK(pyn_opt_parse_unsigned("--n", "1\r", 0, 9, NULL, &u, err, sizeof err) == -EINVAL &&
              strcmp(err, "--n: '1\\r' is not a whole number in 0..9") == 0,
          "unsigned with a CR: \"%s\"", err);
    CHECK(pyn_opt_parse_double("--s", "0.5\n", 0, 1, NULL, &d, err, sizeof err) == -EINVAL &&
              strcmp(err, "--s: '0.5\\n' is not a number in 0..1") == 0,
          "double with a newline: \"%s\"", err);
    CHECK(pyn_opt_parse_size("--z", "4K\t", 0, 8192, &u, err, sizeof err) == -EINVAL &&
              strcmp(err, "--z: '4K\\t' is not a size in 0..8K (bytes, or a whole number with K, M or G)") == 0,
          "size with a tab: \"%s\"", err);
    CHECK(pyn_opt_parse_enum("--e", "a\x1b[0m", names, &e, err, sizeof err) == -EINVAL &&
              strcmp(err, "--e: 'a\\x1b[0m' is not one of a") == 0,
          "enum with an escape sequence: \"%s\"", err);
    /* pyn_opt_error is the line itself, for a caller's own range. */
    pyn_opt_error("-u NUM_UTIL", "12\x7f", "a whole number in 1..11", err, sizeof err);
    CHECK(strcmp(err, "-u NUM_UTIL: '12\\x7f' is not a whole number in 1..11") == 0, "pyn_opt_error: \"%s\"", err);
    char described[128];
    pyn_opt_describe(PYN_OPT_VALUE_DOUBLE, 0, 0, 1e8, 2e9, "seconds since the epoch", described, sizeof described);
    CHECK(strcmp(described, "a number of seconds since the epoch in 100000000..2000000000") == 0, "describe: \"%s\"",
          described);
}

/* --- the table parser ---------------------------------------------------- */

struct conf {
    int flag, choice, mode;
    const char *file, *label;
    uint64_t count, chunk;
    double interval;
    const char *count_text, *chunk_text, *interval_text;
    uint64_t plain; /* reported without a text slot */
    double ratio;   /* reported without a text slot */
};

static const char *const mode_names[] = {"auto", "always", "never", NULL};
#define NROWS 12

static void table_for(struct conf *c, struct pyn_option *t)
{
    const struct pyn_option rows[] = {
        PYN_OPTION_FLAG("--flag", &c->flag, "flag", "a flag"),
        PYN_OPTION_CHOICE("--now", &c->choice, 0, "binding", "now"),
        PYN_OPTION_CHOICE("--lazy", &c->choice, 1, "binding", "lazy"),
        PYN_OPTION_PATH("--file", "FILE", &c->file, "file", "a path"),
        PYN_OPTION_STRING("--label", "TEXT", &c->label, "label", "a string"),
        PYN_OPTION_UNSIGNED("--count", "N", &c->count, 0, 10000, NULL, "count", "a count", .def = "2",
                            .text = &c->count_text),
        PYN_OPTION_SIZE("--chunk", "SIZE", &c->chunk, 4096, 1 << 30, "chunk", "a size", .def = "64M",
                        .text = &c->chunk_text),
        PYN_OPTION_DOUBLE("--interval", "S", &c->interval, 0, 86400, "seconds", "interval", "seconds", .def = "0.5",
                          .text = &c->interval_text),
        PYN_OPTION_ENUM("--mode", "WHEN", &c->mode, mode_names, "mode", "when", .def = "auto"),
        PYN_OPTION_SIZE("--plain", "SIZE", &c->plain, 0, UINT64_MAX, "plain", "a size reported without its text",
                        .def = "8K"),
        PYN_OPTION_DOUBLE("--ratio", "R", &c->ratio, 0, 1, NULL, "ratio", "a double reported without its text",
                          .def = "0.1"),
        PYN_OPTIONS_END,
    };
    _Static_assert(sizeof rows == NROWS * sizeof rows[0], "resize NROWS");
    memcpy(t, rows, sizeof rows);
}

struct parsed {
    struct conf c;
    struct pyn_option table[NROWS];
    const char *positional[2];
    size_t npos;
    char err[256];
    int rc;
};

static void parse_args(struct parsed *p, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->c.mode = -1;
    table_for(&p->c, p->table);
    const struct pyn_option *tables[] = {p->table, NULL};
    p->rc = pyn_options_parse(tables, argc, argv, p->positional, 2, &p->npos, p->err, sizeof p->err);
}

#define PARSE(p, ...)                                                                                                  \
    do {                                                                                                               \
        char *args_[] = {"prog", __VA_ARGS__};                                                                         \
        parse_args((p), (int)(sizeof args_ / sizeof args_[0]), args_);                                                 \
    } while (0)

/* A value is valid during the call only (a number written back lives in a
 * buffer of the caller's): copied. */
struct settings {
    const char *key[16], *value[16];
    char copy[16][64];
    int n;
};

static void collect(const char *key, const char *value, void *ctx)
{
    struct settings *s = ctx;
    if (s->n < 16) {
        s->key[s->n] = key;
        s->value[s->n] = value ? strncpy(s->copy[s->n], value, sizeof s->copy[0] - 1) : NULL;
        s->n++;
    }
}

static const char *setting(const struct settings *s, const char *key, int *count)
{
    const char *v = NULL;
    *count = 0;
    for (int i = 0; i < s->n; ++i)
        if (strcmp(s->key[i], key) == 0) {
            v = s->value[i];
            ++*count;
        }
    return v;
}

static void check_setting(struct parsed *p, const char *key, const char *want)
{
    const struct pyn_option *tables[] = {p->table, NULL};
    struct settings s = {0};
    int count;
    pyn_options_each_setting(tables, collect, &s);
    const char *got = setting(&s, key, &count);
    CHECK(count == 1 && ((!got && !want) || (got && want && strcmp(got, want) == 0)),
          "setting %s: \"%s\" (%d times), expected \"%s\"", key, got ? got : "(null)", count, want ? want : "(null)");
}

static void test_defaults_and_settings(void)
{
    struct parsed p;
    PARSE(&p, "pos");
    CHECK(p.rc == 0, "no options: %s", p.err);
    CHECK(p.c.count == 2 && p.c.chunk == 64 * K * K && p.c.interval == 0.5 && p.c.mode == 0 && p.c.plain == 8 * K,
          "defaults: count %llu chunk %llu interval %g mode %d plain %llu", (unsigned long long)p.c.count,
          (unsigned long long)p.c.chunk, p.c.interval, p.c.mode, (unsigned long long)p.c.plain);
    check_setting(&p, "flag", "false");
    check_setting(&p, "binding", "now");
    check_setting(&p, "file", NULL);
    check_setting(&p, "label", NULL);
    check_setting(&p, "count", "2");
    check_setting(&p, "chunk", "64M");
    check_setting(&p, "interval", "0.5");
    check_setting(&p, "mode", "auto");
    check_setting(&p, "plain", "8K");
    check_setting(&p, "ratio", "0.1");

    /* The report shows the text as given; the value is typed. */
    PARSE(&p, "--flag", "--lazy", "--file", "r.json", "--label=x y", "--count=007", "--chunk", "1048576",
          "--interval=0", "--mode", "never", "--plain", "3072", "--ratio=0.250");
    CHECK(p.rc == 0, "every kind: %s", p.err);
    CHECK(p.c.flag == 1 && p.c.choice == 1 && strcmp(p.c.file, "r.json") == 0 && strcmp(p.c.label, "x y") == 0 &&
              p.c.count == 7 && p.c.chunk == K * K && p.c.interval == 0 && p.c.mode == 2 && p.c.plain == 3 * K,
          "every kind: values flag %d choice %d count %llu chunk %llu interval %g mode %d plain %llu", p.c.flag,
          p.c.choice, (unsigned long long)p.c.count, (unsigned long long)p.c.chunk, p.c.interval, p.c.mode,
          (unsigned long long)p.c.plain);
    check_setting(&p, "flag", "true");
    check_setting(&p, "binding", "lazy");
    check_setting(&p, "file", "r.json");
    check_setting(&p, "label", "x y");
    check_setting(&p, "count", "007");
    check_setting(&p, "chunk", "1048576");
    check_setting(&p, "interval", "0");
    check_setting(&p, "mode", "never");
    check_setting(&p, "plain", "3K");
    check_setting(&p, "ratio", "0.25");
}

static void test_grammar(void)
{
    struct parsed p;
    /* "--name value" and "--name=value" give the same value. */
    PARSE(&p, "--count", "9");
    CHECK(p.rc == 0 && p.c.count == 9, "--count 9: rc %d, %llu (%s)", p.rc, (unsigned long long)p.c.count, p.err);
    PARSE(&p, "--count=9");
    CHECK(p.rc == 0 && p.c.count == 9, "--count=9: rc %d, %llu (%s)", p.rc, (unsigned long long)p.c.count, p.err);
    /* The last one given wins. */
    PARSE(&p, "--chunk", "4K", "--chunk=1G");
    CHECK(p.rc == 0 && p.c.chunk == K * K * K, "--chunk twice: %llu", (unsigned long long)p.c.chunk);
    /* A value that looks like an option is still the value. */
    PARSE(&p, "--label", "--flag");
    CHECK(p.rc == 0 && p.c.label && strcmp(p.c.label, "--flag") == 0 && p.c.flag == 0, "--label --flag: %s",
          p.c.label ? p.c.label : "(null)");

    /* Positional arguments, before, between and after options; "--" ends the options. */
    PARSE(&p, "a", "--flag", "b");
    CHECK(p.rc == 0 && p.npos == 2 && strcmp(p.positional[0], "a") == 0 && strcmp(p.positional[1], "b") == 0 &&
              p.c.flag == 1,
          "positionals around an option: rc %d npos %zu", p.rc, p.npos);
    PARSE(&p, "--", "--flag", "-x");
    CHECK(p.rc == 0 && p.npos == 2 && strcmp(p.positional[0], "--flag") == 0 && strcmp(p.positional[1], "-x") == 0 &&
              p.c.flag == 0,
          "after --: rc %d npos %zu flag %d (%s)", p.rc, p.npos, p.c.flag, p.err);
    PARSE(&p, "-5", "-");
    CHECK(p.rc == 0 && p.npos == 2 && strcmp(p.positional[0], "-5") == 0, "negative number and '-' positional: %s",
          p.err);
    PARSE(&p, "a", "b", "c");
    CHECK(p.rc == -EINVAL &&
              strcmp(p.err, "unexpected argument 'c' (at most 2 positional arguments are allowed; see --help)") == 0,
          "a third positional: \"%s\"", p.err);

    /* A missing value, at the end or empty. */
    PARSE(&p, "--file");
    CHECK(p.rc == -EINVAL && strcmp(p.err, "option --file needs a value FILE") == 0, "missing value: \"%s\"", p.err);
    PARSE(&p, "--count=");
    CHECK(p.rc == -EINVAL && strcmp(p.err, "option --count needs a value N") == 0, "empty value: \"%s\"", p.err);
    /* A flag with a value, an unknown option. */
    PARSE(&p, "--flag=yes");
    CHECK(p.rc == -EINVAL && strcmp(p.err, "option --flag takes no value (got 'yes')") == 0, "flag with value: \"%s\"",
          p.err);
    PARSE(&p, "--bogus=1");
    CHECK(p.rc == -EINVAL && strcmp(p.err, "unknown option '--bogus' (see --help)") == 0, "unknown: \"%s\"", p.err);
    PARSE(&p, "-x");
    CHECK(p.rc == -EINVAL && strcmp(p.err, "unknown option '-x' (options are long: see --help)") == 0,
          "short option: \"%s\"", p.err);
    PARSE(&p, "--bo\ngus");
    CHECK(p.rc == -EINVAL && strcmp(p.err, "unknown option '--bo\\ngus' (see --help)") == 0,
          "unknown option with a newline: \"%s\"", p.err);

    /* An unknown option and a stray argument of 5000 bytes: the text loses its middle, never the end. */
    char *longarg = malloc(5001);
    if (longarg) {
        memset(longarg, 'a', 5000);
        longarg[5000] = '\0';
        memcpy(longarg, "--", 2);
        PARSE(&p, longarg);
        size_t n = strlen(p.err);
        CHECK(p.rc == -EINVAL && strncmp(p.err, "unknown option '--aaa", 21) == 0 && n == sizeof p.err - 1 &&
                  strcmp(p.err + n - 15, "a' (see --help)") == 0 && strstr(p.err, "a...a"),
              "a 5000-byte unknown option: \"%s\"", p.err);
        longarg[0] = longarg[1] = 'a';
        PARSE(&p, "a", "b", longarg);
        n = strlen(p.err);
        CHECK(p.rc == -EINVAL && strstr(p.err, "a...a") && n == sizeof p.err - 1 &&
                  strcmp(p.err + n - 58, "' (at most 2 positional arguments are allowed; see --help)") == 0,
              "a 5000-byte stray argument: \"%s\"", p.err);
        free(longarg);
    }

    /* Each kind's bad value, through the table: the one line, escaped. */
    static const struct {
        const char *arg, *line;
    } bad[] = {
        {"--count=10001", "--count: '10001' is not a whole number in 0..10000"},
        {"--count=two", "--count: 'two' is not a whole number in 0..10000"},
        {"--chunk=12X", "--chunk: '12X' is not a size in 4K..1G (bytes, or a whole number with K, M or G)"},
        {"--chunk=4095", "--chunk: '4095' is not a size in 4K..1G (bytes, or a whole number with K, M or G)"},
        {"--interval=-1", "--interval: '-1' is not a number of seconds in 0..86400"},
        {"--interval=1\r", "--interval: '1\\r' is not a number of seconds in 0..86400"},
        {"--mode=sometimes", "--mode: 'sometimes' is not one of auto, always, never"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        PARSE(&p, (char *)bad[i].arg);
        CHECK(p.rc == -EINVAL && strcmp(p.err, bad[i].line) == 0, "%s: rc %d, \"%s\", expected \"%s\"", bad[i].arg,
              p.rc, p.err, bad[i].line);
    }
    /* A bad value leaves the default in place. */
    PARSE(&p, "--count=99999");
    CHECK(p.c.count == 2 && p.c.count_text && strcmp(p.c.count_text, "2") == 0, "after a bad value: count %llu",
          (unsigned long long)p.c.count);
}

/* A default that does not parse is the table's bug, said as such. */
static void test_bad_default(void)
{
    uint64_t v = 0;
    const struct pyn_option rows[] = {
        PYN_OPTION_UNSIGNED("--n", "N", &v, 0, 10, NULL, NULL, "n", .def = "11"),
        PYN_OPTIONS_END,
    };
    const struct pyn_option *tables[] = {rows, NULL};
    char *argv[] = {"prog"};
    const char *pos[1];
    size_t npos;
    char err[256];
    int rc = pyn_options_parse(tables, 1, argv, pos, 1, &npos, err, sizeof err);
    CHECK(rc == -EINVAL && strcmp(err, "--n: '11' is not a whole number in 0..10 (internal: the default of --n)") == 0,
          "bad default: rc %d \"%s\"", rc, err);
}

static void test_help(void)
{
    struct conf c;
    struct pyn_option t[NROWS];
    table_for(&c, t);
    const struct pyn_option *tables[] = {t, NULL};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        CHECK(0, "open_memstream failed");
        return;
    }
    pyn_options_print_help(tables, NULL, f);
    fclose(f);
    CHECK(text && strstr(text, "\n  --chunk SIZE             a size\n") && strncmp(text, "  --flag ", 8) == 0,
          "help:\n%s", text ? text : "(null)");
    free(text);

    /* An omitted option leaves no line; the others stay. */
    static const char *const omit[] = {"--chunk", NULL};
    text = NULL;
    f = open_memstream(&text, &len);
    if (!f) {
        CHECK(0, "open_memstream failed");
        return;
    }
    pyn_options_print_help(tables, omit, f);
    fclose(f);
    CHECK(text && !strstr(text, "--chunk") && strncmp(text, "  --flag ", 8) == 0, "help without --chunk:\n%s",
          text ? text : "(null)");
    free(text);
}

int main(void)
{
    test_unsigned();
    test_double();
    test_size();
    test_enum_and_path();
    test_escaping();
    test_defaults_and_settings();
    test_grammar();
    test_bad_default();
    test_help();
    return pyn_check_status();
}
