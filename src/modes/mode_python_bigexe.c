/* SPDX-License-Identifier: BSD-3-Clause */
/* pynamic-mode-python-bigexe: pynamic-mode-python-static plus
 * PYNAMIC_BIGEXE_TEXT_MB MiB of extra machine code in the executable's
 * .text (the original's ~200 MB pynamic-bigexe): built-in generated modules
 * in a huge dynamically linked executable. */
#define PY_SSIZE_T_CLEAN
#include <Python.h> /* struct _inittab */

#include "pyn_embed.h"
#include "pyn_padding.h"

extern const struct _inittab pyn_builtin_modules[]; /* generated: src/bigexe/CMakeLists.txt */

/* Before the import phase, every rank runs a copy of the padding. */
static const struct pyn_embed_setup setup = {PYN_EMBED_BUILTIN, pyn_builtin_modules, pyn_padding_check};

static const struct pyn_mode mode = {
    .name = "python-bigexe",
    .summary =
        "CPython embedded in a big executable: every generated module built in and registered as a built-in module, "
        "plus extra machine code; imports each with Python's import system (no file-system lookup), then calls each "
        "module's entry() from Python.",
    .stages = 0, /* the generated code is linked or built in; --stage is refused */
    .data = &setup,
    PYN_EMBED_HOOKS,
};

int main(int argc, char **argv)
{
    return pyn_main(argc, argv, &mode);
}
