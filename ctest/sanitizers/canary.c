/* SPDX-License-Identifier: BSD-3-Clause */
/* The sanitizers' canary: one deliberate defect per argument, built with
 * the same per-target sanitizer flags as the runtime (pynamic_apply_sanitizers).
 * check_canary.py runs it under the test environment and expects each
 * defect to be reported and to stop the program: proof that the asan
 * preset's tests would catch these in our code, and that its environment
 * (ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS) has not switched a check off. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int sink;
static void *volatile kept;

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "clean";
    if (strcmp(what, "heap-overflow") == 0) {
        int *a = malloc(4 * sizeof *a);
        sink = a[argc + 2]; /* a[4]: one past the end */
        free(a);
    } else if (strcmp(what, "signed-overflow") == 0) {
        int big = INT_MAX - 1 + argc; /* INT_MAX with one argument... */
        sink = big + argc;            /* ...plus 2: undefined */
    } else if (strcmp(what, "leak") == 0) {
        kept = malloc(64);
        kept = NULL; /* the only pointer is gone: a definite leak at exit */
    } else if (strcmp(what, "clean") != 0) {
        fprintf(stderr, "canary: unknown defect '%s'\n", what);
        return 2;
    }
    printf("canary: %s: not stopped\n", what);
    return 0;
}
