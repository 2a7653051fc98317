/* SPDX-License-Identifier: BSD-3-Clause */
/* pynamic-mode-python-linked: pynamic-mode-python with every generated
 * library (utilities, modules, markers) linked into the executable, so ld.so
 * loads them all before main; Python's import still searches sys.path and
 * dlopens each module's file, which finds the object already loaded. The
 * original's pynamic-pyMPI. */
#include "pyn_embed.h"

static const struct pyn_embed_setup setup = {PYN_EMBED_LINKED, NULL, NULL};

static const struct pyn_mode mode = {
    .name = "python-linked",
    .summary = "CPython embedded, every generated library linked in and loaded before main; imports every module with "
               "Python's import system, then calls each module's entry() from Python.",
    .options = pyn_py_options,
    .stages = 0,            /* the generated code is linked or built in; --stage is refused */
    .loads_before_main = 1, /* --cold is refused */
    .data = &setup,
    PYN_EMBED_HOOKS,
};

int main(int argc, char **argv)
{
    return pyn_main(argc, argv, &mode);
}
