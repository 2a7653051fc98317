/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_build.h: what built this program, for the reports (the version is
 * pyn_version.h's PYN_VERSION): the source tree's commit (read by git when the build ran:
 * cmake/PynamicSourceCommit.cmake) and the compiler and C flags of the
 * generated libraries (from the configure). */
#ifndef PYN_BUILD_H
#define PYN_BUILD_H

struct pyn_build {
    const char *source_commit;     /* git rev-parse HEAD, or "unknown": not built from the tree's own git checkout */
    int source_dirty;              /* 1: tracked files differed from that commit; 0: none did; -1: unknown */
    const char *c_compiler;        /* the generated libraries' compiler: CMake's id and version, "GNU 12.2.0" */
    const char *c_compiler_path;   /* its path */
    const char *generated_c_flags; /* their C flags in the compiler's order, "-O3 -DNDEBUG -fPIC -O0 -g -std=c11" */
};

extern const struct pyn_build pyn_build;

#endif
