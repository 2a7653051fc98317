/* SPDX-License-Identifier: BSD-3-Clause */
/* What built this program (pyn_build.h). The only file that includes the
 * source commit's header, so a new commit recompiles it alone. */
#include "pyn_build.h"

#include "pyn_source.h"
#include "pyn_version.h"

const struct pyn_build pyn_build = {
    .source_commit = PYN_SOURCE_COMMIT,
    .source_dirty = PYN_SOURCE_DIRTY,
    .c_compiler = PYN_GENERATED_C_COMPILER,
    .c_compiler_path = PYN_GENERATED_C_COMPILER_PATH,
    .generated_c_flags = PYN_GENERATED_C_FLAGS,
};
