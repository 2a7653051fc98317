/* SPDX-License-Identifier: BSD-3-Clause */
/* pynamic-mode-python-static: CPython embedded, with every generated module
 * and marker linked into the executable from the static archives and
 * registered as a built-in module (PyImport_ExtendInittab), so import finds
 * each by name in the interpreter's table without touching the file system
 * (the static-Python builds several sites used to escape the import storm;
 * the original's pynamic-sdb-pyMPI). */
#define PY_SSIZE_T_CLEAN
#include <Python.h> /* struct _inittab */

#include "pyn_embed.h"

extern const struct _inittab pyn_builtin_modules[]; /* generated: src/bigexe/CMakeLists.txt */

static const struct pyn_embed_setup setup = {PYN_EMBED_BUILTIN, pyn_builtin_modules, NULL};

static const struct pyn_mode mode = {
    .name = "python-static",
    .summary =
        "CPython embedded, every generated module built into this executable and registered as a built-in module; "
        "imports each with Python's import system (no file-system lookup), then calls each module's entry() from "
        "Python.",
    .stages = 0, /* the generated code is linked or built in; --stage is refused */
    .data = &setup,
    PYN_EMBED_HOOKS,
};

int main(int argc, char **argv)
{
    return pyn_main(argc, argv, &mode);
}
