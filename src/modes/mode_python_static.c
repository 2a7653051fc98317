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

static const struct pyn_mode mode = {
    "python-static",
    "CPython embedded, every generated module built into this executable and registered as a built-in module; "
    "imports each with Python's import system (no file-system lookup), then calls each module's entry() from Python.",
    NULL,
    pyn_embed_import,
    pyn_embed_visit,
    0, /* stages: the generated code is linked or built in; --stage is refused */
};

static const struct pyn_embed_setup setup = {PYN_EMBED_BUILTIN, pyn_builtin_modules, NULL};

int main(int argc, char **argv)
{
    return pyn_embed_main(argc, argv, &mode, &setup);
}
