/* SPDX-License-Identifier: BSD-3-Clause */
/* pynamic-mode-python: CPython embedded through the PyConfig API (PEP 587);
 * every generated module is imported with Python's own import system (a
 * sys.path search, then the extension loader: dlopen with RTLD_NOW, PyInit),
 * then each module's entry() is called from Python. The original's vanilla
 * interpreter (pyMPI, or python with mpi4py). */
#include "pyn_embed.h"

static const struct pyn_embed_setup setup = {PYN_EMBED_DLOPEN, NULL, NULL};

static const struct pyn_mode mode = {
    .name = "python",
    .summary =
        "CPython embedded: imports every generated module with Python's import system (sys.path search, extension "
        "loading), then calls each module's entry() from Python.",
    .options = pyn_py_options,
    .stages = 1, /* sys.path, or a finder of the staged paths */
    .data = &setup,
    PYN_EMBED_HOOKS,
};

int main(int argc, char **argv)
{
    return pyn_main(argc, argv, &mode);
}
