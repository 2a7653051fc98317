/* Unit test of pyn_tool (src/common): the program name, the executable's
 * path and directory, resolving a path beside it, and the escaping that
 * keeps an error line one line. Exit 0 when every check holds; otherwise one
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
    /* Cut at a character boundary, never inside an escape, always terminated. */
    check_escape("abcdefghij", 8, "abc"); /* a character is taken while 6 bytes are left */
    check_escape("\001\001\001\001", 10, "\\x01\\x01");
    check_escape("a\nb", 1, "");
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
    }
    CHECK(pyn_has_controls("a\tb") && pyn_has_controls("\177") && !pyn_has_controls("plain \xc3\xa9"),
          "pyn_has_controls");
}

int main(int argc, char **argv)
{
    (void)argc;
    test_prog_name();
    test_exe(argv[0]);
    test_escape();
    return pyn_check_status() ? PYN_EXIT_ERROR : PYN_EXIT_OK;
}
