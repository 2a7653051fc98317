/* pynamic-mode-python: CPython embedded through the PyConfig API (PEP 587);
 * every generated module is imported with Python's own import system (a
 * sys.path search, then the extension loader: dlopen with RTLD_NOW, PyInit),
 * then each module's entry() is called from Python. The original's vanilla
 * interpreter (pyMPI, or python with mpi4py). */
#include "pyn_embed.h"

static const struct pyn_mode mode = {
    "python",
    "CPython embedded: imports every generated module with Python's import system (sys.path search, extension "
    "loading), then calls each module's entry() from Python.",
    pyn_py_options,
    pyn_embed_import,
    pyn_embed_visit,
    1, /* stages: sys.path, or a finder of the staged paths */
};

static const struct pyn_embed_setup setup = {PYN_EMBED_DLOPEN, NULL, NULL};

int main(int argc, char **argv)
{
    return pyn_embed_main(argc, argv, &mode, &setup);
}
