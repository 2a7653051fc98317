/* SPDX-License-Identifier: BSD-3-Clause */
/* gen_cmake.h: DIR/targets.cmake, the fragment the outer build include()s.
 * It first sets PYNAMIC_GEN_ARGUMENTS (the normalised arguments) and the
 * original's build options, which change nothing in the sources:
 * PYNAMIC_GEN_BIG_EXECUTABLES (-b: ON/OFF), PYNAMIC_GEN_INCLUDE_DIR (-i),
 * PYNAMIC_GEN_WITH_CC, PYNAMIC_GEN_WITH_PYTHON (the CMD of --with-cc= and
 * --with-python=; "" when absent), PYNAMIC_GEN_WITH_MPI4PY,
 * PYNAMIC_GEN_WITH_PYMPI (ON/OFF), PYNAMIC_GEN_CONFIGURE (-c given: ON/OFF),
 * PYNAMIC_GEN_CONFIGURE_ARGC and PYNAMIC_GEN_CONFIGURE_ARG<i>, i from 0 (the
 * arguments after -c, one variable each so that any of them, semicolons
 * included, reads back exactly). Then it calls
 * pynamic_generated_library(NAME KIND SOURCE [LINKED...]) (defined by the
 * outer build) once per library, utilities first, then the two markers
 * (KIND MARKER), and sets PYNAMIC_GEN_UTILITIES, PYNAMIC_GEN_MODULES and
 * PYNAMIC_GEN_MARKERS. */
#ifndef PYN_GEN_CMAKE_H
#define PYN_GEN_CMAKE_H

#include "gen_buf.h"
#include "gen_model.h"
#include "gen_options.h"

/* Appends the fragment. arguments is the normalised argument string
 * (pyn_gen_options_arguments); o gives the build options. */
void pyn_gen_cmake_fragment(const pyn_gen_model *m, const pyn_gen_options *o, const char *arguments, pyn_gen_buf *out);

/* Appends text as a CMake bracket argument, [=*[text]=*], with the fewest
 * '=' whose closing bracket neither occurs in text nor completes at its end:
 * CMake reads it back as exactly text, with no variable reference, escape
 * or semicolon evaluated, whatever text holds. text must not start with a
 * newline (CMake drops one there); the build options hold no control
 * character. */
void pyn_gen_cmake_bracket(const char *text, pyn_gen_buf *out);

#endif
