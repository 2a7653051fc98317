/* SPDX-License-Identifier: BSD-3-Clause */
/* pynamic-gen: writes the sources, manifest and CMake fragment of a
 * synthetic Pynamic application. Exit status: 0 success, 1 file system or
 * memory error, 2 invalid arguments (nothing created). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_buf.h"
#include "gen_cmake.h"
#include "gen_emit.h"
#include "gen_files.h"
#include "gen_jobs.h"
#include "gen_manifest.h"
#include "gen_model.h"
#include "gen_options.h"
#include "gen_predict.h"
#include "gen_signals.h"
#include "pyn_checksum.h"
#include "pyn_tool.h"

typedef struct run {
    pyn_gen_options opt;
    pyn_gen_model model;
    pyn_gen_tree tree;
    pyn_gen_buf arguments;
    pyn_gen_buf manifest;
    pyn_gen_buf fragment;
    pyn_gen_buf path;
    uint64_t *checksums;
    char err[512];
} run;

/* Predicts every module's checksum and builds the manifest and fragment in
 * memory, before anything on disk is touched. */
static int build_descriptions(run *r)
{
    pyn_gen_model *m = &r->model;
    pyn_gen_predictor *p;
    int rc = pyn_gen_predictor_create(m, &p);
    if (rc)
        return rc;
    r->checksums = malloc(sizeof *r->checksums * m->nmod);
    if (!r->checksums) {
        pyn_gen_predictor_destroy(p);
        return -ENOMEM;
    }
    uint64_t total = PYN_CHECKSUM_INIT;
    for (uint32_t i = 0; i < m->nmod; ++i) {
        r->checksums[i] = pyn_gen_predict_module(p, i);
        total = pyn_mix(total, r->checksums[i]);
    }
    pyn_gen_predictor_destroy(p);
    pyn_gen_manifest(m, &r->opt, r->arguments.data, r->checksums, total, &r->manifest);
    pyn_gen_cmake_fragment(m, &r->opt, r->arguments.data, &r->fragment);
    if (pyn_gen_buf_failed(&r->manifest) || pyn_gen_buf_failed(&r->fragment))
        return -ENOMEM;
    return 0;
}

static int generate(run *r)
{
    pyn_gen_tree *t = &r->tree;
    char *err = r->err;
    size_t errlen = sizeof r->err;
    int rc = pyn_gen_tree_open(t, r->opt.out_dir, err, errlen);
    if (rc)
        return rc;
    unsigned leftovers;
    if ((rc = pyn_gen_remove_temporaries(t, &leftovers, err, errlen)))
        return rc;
    if (leftovers)
        printf("pynamic-gen: removed %u temporary file%s left by an interrupted run in %s\n", leftovers,
               leftovers == 1 ? "" : "s", r->opt.out_dir);

    /* A manifest that will change no longer describes the tree. */
    rc = pyn_gen_file_equals(t->manifest.data, &r->manifest, err, errlen);
    if (rc < 0)
        return rc;
    if (rc == 0 && (rc = pyn_gen_tree_invalidate(t, err, errlen)))
        return rc;

    pyn_gen_emit_counts counts;
    rc = pyn_gen_emit_all(&r->model, t, (unsigned)r->opt.jobs, &counts, err, errlen);
    if (rc)
        return rc;

    int written;
    /* The markers: two small files, written here rather than by the jobs. */
    pyn_gen_buf content;
    pyn_gen_buf_init(&content);
    for (unsigned i = 0; i < PYN_GEN_NMARKERS && rc == 0; ++i) {
        pyn_gen_buf_clear(&r->path);
        pyn_gen_buf_clear(&content);
        pyn_gen_buf_printf(&r->path, "%s/%s.c", t->src_dir.data, pyn_gen_markers[i].name);
        rc = pyn_gen_emit_marker(&pyn_gen_markers[i], &content);
        if (rc == 0 && pyn_gen_buf_failed(&r->path))
            rc = -ENOMEM;
        if (rc)
            snprintf(err, errlen, "cannot generate '%s': %s", pyn_gen_markers[i].name, strerror(-rc));
        else if ((rc = pyn_gen_write_if_changed(t, r->path.data, &content, &written, err, errlen)) == 0) {
            counts.written += (unsigned long)written;
            counts.unchanged += (unsigned long)!written;
        }
    }
    pyn_gen_buf_free(&content);
    if (rc)
        return rc;

    pyn_gen_buf_clear(&r->path);
    pyn_gen_buf_printf(&r->path, "%s/targets.cmake", r->opt.out_dir);
    if (pyn_gen_buf_failed(&r->path))
        return -ENOMEM;
    rc = pyn_gen_write_if_changed(t, r->path.data, &r->fragment, &written, err, errlen);
    if (rc)
        return rc;
    counts.written += (unsigned long)written;
    counts.unchanged += (unsigned long)!written;

    unsigned removed;
    rc = pyn_gen_remove_stale(t, r->model.nutil, r->model.nmod, &removed, err, errlen);
    if (rc)
        return rc;

    /* Last: its presence says the whole tree is complete. */
    rc = pyn_gen_write_if_changed(t, t->manifest.data, &r->manifest, &written, err, errlen);
    if (rc)
        return rc;
    counts.written += (unsigned long)written;
    counts.unchanged += (unsigned long)!written;

    printf("pynamic-gen: %u libraries (%u utility, %u module), %llu "
           "functions, seed %llu: %lu files written, %lu unchanged, %u "
           "removed in %s\n",
           r->model.nlibs, r->model.nutil, r->model.nmod, (unsigned long long)r->model.total_functions,
           (unsigned long long)r->opt.seed, counts.written, counts.unchanged, removed, r->opt.out_dir);
    return 0;
}

int main(int argc, char **argv)
{
    static run r;
    switch (pyn_gen_options_parse(argc, argv, &r.opt, r.err, sizeof r.err)) {
    case PYN_GEN_PARSE_DONE:
        return fflush(stdout) == 0 ? PYN_EXIT_OK : PYN_EXIT_ERROR;
    case PYN_GEN_PARSE_ERROR:
        fprintf(stderr, "pynamic-gen: %s\n", r.err);
        return PYN_EXIT_USAGE;
    case PYN_GEN_PARSE_RUN:
        break;
    }

    int status = PYN_EXIT_OK;
    pyn_gen_signals_install();
    pyn_gen_buf_init(&r.arguments);
    pyn_gen_buf_init(&r.manifest);
    pyn_gen_buf_init(&r.fragment);
    pyn_gen_buf_init(&r.path);
    pyn_gen_options_arguments(&r.opt, &r.arguments);
    int rc = pyn_gen_model_init(&r.model, &r.opt);
    if (rc == 0 && pyn_gen_buf_failed(&r.arguments))
        rc = -ENOMEM;
    if (rc == 0)
        rc = build_descriptions(&r);
    if (rc) {
        fprintf(stderr, "pynamic-gen: cannot model %s: %s\n", r.arguments.data ? r.arguments.data : "the tree",
                strerror(-rc));
        status = PYN_EXIT_ERROR;
    } else if (generate(&r) != 0) {
        fprintf(stderr, "pynamic-gen: %s\n", r.err);
        status = PYN_EXIT_ERROR;
    }
    if (status == PYN_EXIT_OK && fflush(stdout) != 0) {
        fprintf(stderr, "pynamic-gen: cannot write the summary: %s\n", strerror(errno));
        status = PYN_EXIT_ERROR;
    }
    pyn_gen_tree_close(&r.tree);
    pyn_gen_model_destroy(&r.model);
    pyn_gen_buf_free(&r.arguments);
    pyn_gen_buf_free(&r.manifest);
    pyn_gen_buf_free(&r.fragment);
    pyn_gen_buf_free(&r.path);
    free(r.checksums);
    return status;
}
