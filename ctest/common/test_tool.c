/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit test of pyn_tool (src/common): the program name, the executable's
 * path and directory, resolving a path beside it, the escaping that
 * keeps an error line one line, and the shortening that keeps its cause. Exit 0 when every check holds; otherwise one
 * "CHECK FAILED: ..." line per failed check and exit 1. */
#define _GNU_SOURCE
#include "pyn_tool.h"

#include "pyn_check.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check_escape(const char *in, size_t size, const char *want)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", in);
    pyn_escape_controls(buf, size);
    CHECK(strcmp(buf, want) == 0, "escape of a %zu-byte text within %zu bytes gave \"%s\", expected \"%s\"", strlen(in),
          size, buf, want);
}

static void test_prog_name(void)
{
    CHECK(strcmp(pyn_prog_name("/usr/bin/pynamic-gen"), "pynamic-gen") == 0, "prog name of an absolute path");
    CHECK(strcmp(pyn_prog_name("pynamic-mode-dlopen"), "pynamic-mode-dlopen") == 0, "prog name without a slash");
    CHECK(strcmp(pyn_prog_name("./a/b/"), "") == 0, "prog name of a path ending in a slash is empty");
}

static void test_exe(const char *argv0)
{
    char *exe = pyn_exe_path(), *dir = pyn_exe_dir(), *rel = pyn_exe_relative("x/y");
    char *want = realpath(argv0, NULL);
    CHECK(exe && want && strcmp(exe, want) == 0, "pyn_exe_path() = %s, expected %s", exe ? exe : "(null)",
          want ? want : "(null)");
    CHECK(exe && dir && strncmp(exe, dir, strlen(dir)) == 0 && exe[strlen(dir)] == '/' &&
              !strchr(exe + strlen(dir) + 1, '/'),
          "pyn_exe_dir() = %s is not the directory of %s", dir ? dir : "(null)", exe ? exe : "(null)");
    char joined[PATH_MAX * 2];
    snprintf(joined, sizeof joined, "%s/x/y", dir ? dir : "");
    CHECK(rel && strcmp(rel, joined) == 0, "pyn_exe_relative(\"x/y\") = %s, expected %s", rel ? rel : "(null)", joined);

    /* The default beside the executable: its own name resolves to itself. */
    char err[512] = "";
    const char *base = pyn_prog_name(exe ? exe : "");
    char *self = pyn_exe_resolve(NULL, base, "executable", err, sizeof err);
    CHECK(self && exe && strcmp(self, exe) == 0, "resolving the default %s gave %s (%s)", base, self ? self : "(null)",
          err);
    /* A given path wins over the default and comes back absolute. */
    char *root = pyn_exe_resolve("/", base, "directory", err, sizeof err);
    CHECK(root && strcmp(root, "/") == 0, "resolving the given \"/\" gave %s", root ? root : "(null)");
    /* A missing path: NULL and one line naming what and where. */
    err[0] = '\0';
    char *missing = pyn_exe_resolve("/nonexistent/pynamic-unit", base, "manifest", err, sizeof err);
    CHECK(!missing && strcmp(err, "manifest /nonexistent/pynamic-unit: No such file or directory") == 0,
          "resolving a missing path gave %s, line \"%s\"", missing ? missing : "(null)", err);
    free(exe), free(dir), free(rel), free(want), free(self), free(root), free(missing);
}

static void test_escape(void)
{
    check_escape("plain text", 64, "plain text");
    check_escape("", 64, "");
    check_escape("a\rb\nc\td", 64, "a\\rb\\nc\\td");
    check_escape("x\001y\037z\177", 64, "x\\x01y\\x1fz\\x7f");
    check_escape("\xc3\xa9t\xc3\xa9", 64, "\xc3\xa9t\xc3\xa9"); /* UTF-8 is not a control character */
    /* Text that fits is whole, to its last byte (before: the last 4 were cut whenever fewer than 6 were left,
     * so a line shortened to its buffer by pyn_format_middle lost the end of its cause). */
    check_escape("abcdefg", 8, "abcdefg");
    check_escape("abcde\n", 8, "abcde\\n");
    /* Too long once escaped: the start and the end with "..." between, never inside an escape. */
    check_escape("abcdefghij", 8, "a...hij");
    check_escape("\001\001\001\001", 10, "...\\x01");
    check_escape("a\nbcdefghij: cause", 16, "a\\nb...j: cause");
    check_escape("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\nz", 10, "\xc3\xa9...\\nz"); /* never inside a UTF-8 sequence */
    check_escape("a\nb", 1, "");
    check_escape("a\nbc", 5, "a\\nb"); /* no room for both ends: the start */
    char buf[4] = "abc";
    pyn_escape_controls(buf, 0); /* no room at all: untouched */
    CHECK(strcmp(buf, "abc") == 0, "escape within 0 bytes changed the text to \"%s\"", buf);
    for (size_t size = 1; size < 40; ++size) {
        char text[64] = "\001a\nb\tc\177d\re\002f";
        pyn_escape_controls(text, size);
        CHECK(strlen(text) < size, "escape within %zu bytes wrote %zu characters", size, strlen(text));
        CHECK(!pyn_has_controls(text), "escape within %zu bytes left a control character", size);
        size_t len = strlen(text);
        CHECK(!(len && text[len - 1] == '\\'), "escape within %zu bytes ended inside an escape: \"%s\"", size, text);
        CHECK(size < 6 || (len && text[len - 1] == 'f'), "escape within %zu bytes lost the end: \"%s\"", size, text);
    }
    CHECK(pyn_has_controls("a\tb") && pyn_has_controls("\177") && !pyn_has_controls("plain \xc3\xa9"),
          "pyn_has_controls");
}

static void check_normalise(const char *in, const char *want)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", in);
    pyn_normalise_text(buf);
    CHECK(strcmp(buf, want) == 0, "normalising \"%s\" gave \"%s\", expected \"%s\"", in, buf, want);
}

/* A library's version string or a variable's value as one clean UTF-8 line. */
static void test_normalise(void)
{
    check_normalise("MPICH Version:\t4.0.2\nMPICH Release date:\tThu Apr  7", /* MPICH's, with its tabs */
                    "MPICH Version: 4.0.2 MPICH Release date: Thu Apr 7");
    check_normalise("  \t lead and trail \r\n", "lead and trail");
    check_normalise("bell\a\x1b[0mesc\x7f", "bell [0mesc");
    check_normalise("", "");
    check_normalise(" \t\n", "");
    check_normalise("plain", "plain");
    check_normalise("caf\xc3\xa9 \xc6\x92\xe2\x82\xac \xf0\x9f\x98\x80",
                    "caf\xc3\xa9 \xc6\x92\xe2\x82\xac \xf0\x9f\x98\x80");
    check_normalise("latin1 \xe9t\xe9", "latin1 ?t?");             /* not UTF-8 */
    check_normalise("cut \xe2\x82", "cut ??");                     /* a sequence cut short */
    check_normalise("overlong \xc0\xaf", "overlong ??");           /* '/' in two bytes */
    check_normalise("surrogate \xed\xa0\x80", "surrogate ???");    /* U+D800 */
    check_normalise("too high \xf4\x90\x80\x80", "too high ????"); /* U+110000 */
    char buf[8] = "a\tb";
    CHECK(pyn_normalise_text(buf) == buf, "pyn_normalise_text returns its argument");
}

static void check_middle(const char *in, size_t size, const char *want)
{
    char buf[256];
    int n = pyn_format_middle(buf, size, "%s", in);
    CHECK(n == (int)strlen(in) && strcmp(buf, want) == 0,
          "middle of a %zu-byte text within %zu bytes gave \"%s\" (%d), expected \"%s\"", strlen(in), size, buf, n,
          want);
}

/* A long path in a one-line error loses its middle, never the cause at its end. */
static void test_middle(void)
{
    check_middle("short", 64, "short");
    check_middle("exactly9!", 10, "exactly9!");
    check_middle("0123456789", 10, "01...6789"); /* 6 bytes of text: 2 of the start, 4 of the end */
    check_middle("0123456789abcdefghij", 14, "0123...efghij");
    check_middle("abcdef", 5, "abcd"); /* no room for both ends: the start, as snprintf */
    check_middle("abcdef", 1, "");
    /* A UTF-8 sequence (\xc3\xa9) is never split: the cut moves to its edge. */
    check_middle("aa\xc3\xa9"
                 "bbbbbbbbbb",
                 12, "aa...bbbbb"); /* the start would end inside it */
    check_middle("bbbbbbbbbb\xc3\xa9"
                 "cccc",
                 12, "bbb...cccc"); /* the end would begin inside it */
    check_middle("aaa\xc3\xa9"
                 "bbbbbbbbbbbb\xc3\xa9"
                 "ccc",
                 12,
                 "aaa...\xc3\xa9"
                 "ccc"); /* whole sequences are kept */

    /* The real case: a library directory 600 bytes deep keeps its start and the loader's cause. */
    char dir[601], line[512];
    memset(dir, 'd', 600);
    for (size_t i = 0; i < 600; i += 20)
        dir[i] = '/';
    dir[600] = '\0';
    int n = pyn_format_middle(line, sizeof line, "import: dlopen: %s/libmodule1.so: cannot open shared object file: %s",
                              dir, strerror(ENOENT));
    size_t len = strlen(line);
    CHECK(n > (int)sizeof line && len == sizeof line - 1, "a %d-byte line shortened to %zu bytes, expected %zu", n, len,
          sizeof line - 1);
    CHECK(strncmp(line, "import: dlopen: /dddd", 21) == 0 && strstr(line, "...") &&
              strstr(line, "libmodule1.so: cannot open shared object file: No such file or directory") && len >= 25 &&
              strcmp(line + len - 25, "No such file or directory") == 0,
          "the long line lost its start or its cause: \"%s\"", line);
    /* The arguments may point into the buffer itself. */
    char buf[32];
    snprintf(buf, sizeof buf, "%s", "write /a/very/long/path/r.json");
    pyn_format_middle(buf, sizeof buf, "%s: rename: %s", buf, strerror(ENOSPC));
    CHECK(strcmp(buf, "write /a/ve...ce left on device") == 0, "formatting buf into itself gave \"%s\"", buf);
    char same[16] = "0123456789abcde";
    pyn_shorten_middle(same, 10, same);
    CHECK(strcmp(same, "01...bcde") == 0, "shortening in place gave \"%s\"", same);
    /* Longer than the 2 KiB formatted in place: still whole, start and end. */
    char *big = malloc(5001);
    if (big) {
        memset(big, 'x', 5000);
        big[0] = 'S', big[4999] = 'E', big[5000] = '\0';
        n = pyn_format_middle(line, sizeof line, "%s", big);
        CHECK(n == 5000 && line[0] == 'S' && line[strlen(line) - 1] == 'E' && strlen(line) == sizeof line - 1,
              "a 5000-byte text gave %d, \"%.20s...\"", n, line);
        free(big);
    }
}

/* Two long paths in one line: each keeps its start and end, and the words between them stay. */
static void test_pair(void)
{
    char a[512], b[512], pa[600], pb[600], line[512];
    pyn_shorten_pair(a, b, sizeof a, 300, "/short/a", "/short/b");
    CHECK(strcmp(a, "/short/a") == 0 && strcmp(b, "/short/b") == 0, "two short paths changed: \"%s\", \"%s\"", a, b);
    memset(pa, 'a', sizeof pa - 1);
    memset(pb, 'b', sizeof pb - 1);
    pa[0] = pb[0] = '/';
    pa[sizeof pa - 2] = 'A', pb[sizeof pb - 2] = 'B';
    pa[sizeof pa - 1] = pb[sizeof pb - 1] = '\0';
    /* Both long: two thirds of the line (200 bytes), half each. */
    pyn_shorten_pair(a, b, sizeof a, 300, pa, pb);
    CHECK(strlen(a) == 100 && strlen(b) == 100 && a[0] == '/' && a[99] == 'A' && b[99] == 'B' && strstr(a, "a...a") &&
              strstr(b, "b...b"),
          "two long paths: %zu and %zu bytes, \"%s\", \"%s\"", strlen(a), strlen(b), a, b);
    /* One short: it is whole, the long one takes the rest. */
    pyn_shorten_pair(a, b, sizeof a, 300, "/short/a", pb);
    CHECK(strcmp(a, "/short/a") == 0 && strlen(b) == 200 - 8 && b[strlen(b) - 1] == 'B',
          "a short and a long path: \"%s\", %zu bytes", a, strlen(b));
    pyn_shorten_pair(a, b, sizeof a, 300, pa, "/short/b");
    CHECK(strcmp(b, "/short/b") == 0 && strlen(a) == 200 - 8, "a long and a short path: %zu bytes, \"%s\"", strlen(a),
          b);
    /* The line they make keeps the words between them and the cause. */
    pyn_shorten_pair(a, b, sizeof a, sizeof line, pa, pb);
    pyn_format_middle(line, sizeof line, "--json %s: directory %s: stat: %s", a, b, strerror(ENOENT));
    CHECK(strstr(line, "A: directory /b") && strstr(line, "B: stat: No such file or directory"),
          "the line of two long paths: \"%s\"", line);
}

int main(int argc, char **argv)
{
    (void)argc;
    test_prog_name();
    test_exe(argv[0]);
    test_escape();
    test_middle();
    test_pair();
    test_normalise();
    return pyn_check_status() ? PYN_EXIT_ERROR : PYN_EXIT_OK;
}
