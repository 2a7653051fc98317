# SPDX-License-Identifier: BSD-3-Clause
# Every user-facing knob of the build, in one place.

set(PYNAMIC_CONFIG "12 40 -e -u 4 40 -n 20" CACHE STRING
    "Generator arguments in the original Pynamic's syntax: NUM_FILES AVG_FUNCS [-e] [-u NUM_UTIL AVG_UTIL] [-n PAD] [-d DEPTH] [-s SEED] [-p], and its build options [-b] [-i DIR] [--with-cc=CMD] [--with-python=CMD] [--with-mpi4py] [--with-pympi] [-c ARGS...] (docs/generator.md)")
# The original compiles its generated code with plain `gcc -g` (no optimisation);
# doing the same keeps text near the original's and builds ~4x faster than -O2.
set(PYNAMIC_GENERATED_C_FLAGS "-O0;-g" CACHE STRING
    "Compile options for the generated libraries, fixed whatever CMAKE_BUILD_TYPE is so their shape does not change with it")
set(PYNAMIC_SANITIZERS "" CACHE STRING
    "Sanitizers for the runtime, the modes and the generated code, e.g. address;undefined (empty: none)")
set(PYNAMIC_TEST_RANKS 4 CACHE STRING "Ranks used by the parallel tests")
set(PYNAMIC_BIGEXE_TEXT_MB 200 CACHE STRING
    "MiB of extra machine code in the .text of pynamic-mode-bigexe and pynamic-mode-python-bigexe (the original's ~200 MB executable), 1..4096")
# Checked here, before anything is found or generated, so a typo costs one
# line and a second, not a half-configured tree.
if(NOT PYNAMIC_BIGEXE_TEXT_MB MATCHES "^[0-9][0-9]?[0-9]?[0-9]?$" OR PYNAMIC_BIGEXE_TEXT_MB LESS 1 OR PYNAMIC_BIGEXE_TEXT_MB GREATER 4096)
  message(FATAL_ERROR "PYNAMIC_BIGEXE_TEXT_MB: '${PYNAMIC_BIGEXE_TEXT_MB}' is not a whole number of MiB in 1..4096")
endif()
