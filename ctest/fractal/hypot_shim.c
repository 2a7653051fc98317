/* SPDX-License-Identifier: BSD-3-Clause */
/* Test-only LD_PRELOAD shim: makes one rank compute a wrong fractal.
 *
 *   PYN_FAULT_RANK=1 LD_PRELOAD=.../libpyn_fault_hypot.so pynamic-mode-dlopen ...
 *
 * Wraps hypot(), which the fractal uses for |next - p|: in the process whose
 * rank (PMI_RANK from MPICH's hydra, PMIX_RANK, or SLURM_PROCID; 0 without a
 * launcher) is PYN_FAULT_RANK it answers 4 (beyond the escape radius of 3)
 * for every point, so every pixel of that rank's rows takes 0 iterations;
 * every other process gets the real hypot. The rank's share keeps its
 * length and only its bytes are wrong: what rank 0's check must catch and
 * name. The product has no test hooks; this is the whole mechanism. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

static int faulty = -1; /* unknown until the first call */

static int this_rank_is_faulty(void)
{
    static const char *const vars[] = {"PMI_RANK", "PMIX_RANK", "SLURM_PROCID"};
    const char *want = getenv("PYN_FAULT_RANK"), *rank = "0";
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; ++i) {
        const char *v = getenv(vars[i]);
        if (v && *v) {
            rank = v;
            break;
        }
    }
    return want && strcmp(want, rank) == 0;
}

double hypot(double x, double y)
{
    static double (*real)(double, double);
    if (faulty < 0)
        faulty = this_rank_is_faulty();
    if (faulty)
        return 4.0;
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "hypot");
    return real(x, y);
}
