/* SPDX-License-Identifier: BSD-3-Clause */
/* Preloaded into pynamic-gen by test_signals.py: rename() of one of the
 * generator's temporary files ("*.tmp-XXXXXX") first sleeps
 * PYN_TEST_RENAME_PAUSE seconds, so a test can stop the generator while
 * the temporary file surely exists. Without the variable, rename() as it is. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rename(const char *from, const char *to)
{
    static int (*real_rename)(const char *, const char *);
    if (!real_rename)
        *(void **)&real_rename = dlsym(RTLD_NEXT, "rename");
    const char *pause = getenv("PYN_TEST_RENAME_PAUSE");
    if (pause && strstr(from, ".tmp-")) {
        unsigned left = (unsigned)strtoul(pause, NULL, 10);
        while (left > 0)
            left = sleep(left); /* a handled signal ends it early: then the handler has run */
    }
    return real_rename(from, to);
}
