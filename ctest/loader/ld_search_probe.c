/* SPDX-License-Identifier: BSD-3-Clause */
/* ld_search_probe LIB NAME RUNPATH_DIR: prints the places
 * pyn_ld_search_candidates lists for NAME (one "PATH<tab>SOURCE" a line),
 * then dlopen()s LIB, one of whose DT_NEEDED is NAME, so that ld.so, run
 * with LD_DEBUG=libs, writes the places it really tries
 * (ctest/loader/search_order.py compares the two). Exits 0 when the
 * dlopen failed, as it must (NAME is nowhere), 1 otherwise. */
#define _GNU_SOURCE
#include "pyn_ld_search.h"

#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s LIB NAME RUNPATH_DIR\n", argv[0]);
        return 2;
    }
    struct pyn_ld_candidate c[64];
    int more = 0;
    int n = pyn_ld_search_candidates(argv[2], argv[3], "/etc/ld.so.cache", c, 64, &more);
    if (n < 0 || more) {
        fprintf(stderr, "ld_search_probe: %s\n", n < 0 ? "out of memory" : "more than 64 places");
        return 2;
    }
    for (int i = 0; i < n; ++i)
        printf("%s\t%s\n", c[i].path, pyn_ld_source_name(c[i].source));
    fflush(stdout);
    pyn_ld_candidates_free(c, (size_t)n);
    void *h = dlopen(argv[1], RTLD_NOW);
    if (h) {
        fprintf(stderr, "ld_search_probe: %s loaded: %s is not missing\n", argv[1], argv[2]);
        return 1;
    }
    fprintf(stderr, "%s\n", dlerror());
    return 0;
}
