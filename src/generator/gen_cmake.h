/* gen_cmake.h: DIR/targets.cmake, the fragment the outer build include()s.
 * It calls pynamic_generated_library(NAME KIND SOURCE [LINKED...]) (defined
 * by the outer build) once per library, utilities first, then the two
 * markers (KIND MARKER), and sets PYNAMIC_GEN_UTILITIES,
 * PYNAMIC_GEN_MODULES and PYNAMIC_GEN_MARKERS. */
#ifndef PYN_GEN_CMAKE_H
#define PYN_GEN_CMAKE_H

#include "gen_buf.h"
#include "gen_model.h"

void pyn_gen_cmake_fragment(const pyn_gen_model *m, const char *arguments, pyn_gen_buf *out);

#endif
