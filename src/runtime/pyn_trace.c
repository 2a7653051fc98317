/* SPDX-License-Identifier: BSD-3-Clause */
#include "pyn_trace.h"

#include "pyn_file.h"
#include "pyn_fs.h"
#include "pyn_version.h"
#include "pyn_loadtime.h"
#include "pyn_tool.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int pyn_trace_ranks_parse(const char *text, int nranks, int ranks[PYN_TRACE_MAX_RANKS], int *nranks_out, int *slowest,
                          char *err, size_t errlen)
{
    *nranks_out = 0;
    *slowest = 0;
    const char *p = text;
    if (!*p) {
        pyn_format_middle(err, errlen, "--trace-ranks: empty; give rank numbers and \"slowest\", comma-separated");
        return -EINVAL;
    }
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len == 7 && strncmp(p, "slowest", 7) == 0) {
            *slowest = 1;
        } else {
            long r = 0;
            size_t i = 0;
            for (; i < len && p[i] >= '0' && p[i] <= '9' && r <= nranks; ++i)
                r = r * 10 + (p[i] - '0');
            if (len == 0 || i < len || r >= nranks) {
                pyn_format_middle(err, errlen,
                                  "--trace-ranks %s: \"%.*s\" is not a rank of this job (0 to %d) or \"slowest\"", text,
                                  (int)(len < 32 ? len : 32), p, nranks - 1);
                return -EINVAL;
            }
            int seen = 0;
            for (int k = 0; k < *nranks_out; ++k)
                seen |= ranks[k] == (int)r;
            if (!seen) {
                if (*nranks_out == PYN_TRACE_MAX_RANKS) {
                    pyn_format_middle(err, errlen, "--trace-ranks %s: more than %d ranks; a trace is for a few", text,
                                      PYN_TRACE_MAX_RANKS);
                    return -EINVAL;
                }
                ranks[(*nranks_out)++] = (int)r;
            }
        }
        p += len;
        if (*p == ',' && !*++p) {
            pyn_format_middle(err, errlen, "--trace-ranks %s: ends with a comma", text);
            return -EINVAL;
        }
    }
    return 0;
}

/* --- one rank's events ---------------------------------------------------------------------------------------- */

struct builder {
    const struct pyn_trace_rank *in;
    json_t *events;
    uint64_t origin_ns;
    int failed;
};

static double ts_us(const struct builder *b, uint64_t t_ns)
{
    return ((double)t_ns - (double)b->origin_ns) * 1e-3 + b->in->offset_us;
}

static void add(struct builder *b, json_t *ev)
{
    if (!ev || json_array_append_new(b->events, ev))
        b->failed = 1;
}

/* A complete event ("X") from t0 for dur_s, with args (stolen; NULL: none). */
static void slice(struct builder *b, const char *name, const char *cat, uint64_t t0_ns, double dur_s, json_t *args)
{
    json_t *ev = json_pack("{s:s, s:s, s:s, s:f, s:f, s:i, s:i}", "name", name, "cat", cat, "ph", "X", "ts",
                           ts_us(b, t0_ns), "dur", dur_s * 1e6, "pid", b->in->rank, "tid", 0);
    if (ev && args)
        json_object_set_new(ev, "args", args);
    else
        json_decref(args);
    add(b, ev);
}

static const char *const part_names[] = {
    [PYN_LOAD_PART_SEARCH] = "search", [PYN_LOAD_PART_MAP] = "map",   [PYN_LOAD_PART_RELOCATE] = "relocate",
    [PYN_LOAD_PART_INIT] = "init",     [PYN_LOAD_PART_CALL] = "load",
};

static void on_interval(void *ctx, const struct pyn_load_interval *iv)
{
    struct builder *b = ctx;
    const char *lib = iv->library < 0 ? NULL : pyn_fs_generated_file(b->in->manifest, (size_t)iv->library);
    const char *slot = pyn_loadtime_slot_name(iv->slot);
    if (iv->part == PYN_LOAD_PART_FAILED_PROBE) {
        const struct pyn_audit_state *a = b->in->audit;
        const char *path = iv->path && iv->path <= a->paths_len ? a->paths + iv->path - 1 : NULL;
        json_t *args =
            json_pack("{s:s, s:o}", "phase", slot ? slot : "other", "path", path ? json_string(path) : json_null());
        add(b, json_pack("{s:s, s:s, s:s, s:s, s:f, s:i, s:i, s:o}", "name", "failed probe", "cat", "probe", "ph", "i",
                         "s", "t", "ts", ts_us(b, iv->t0_ns), "pid", b->in->rank, "tid", 0, "args", args));
        return;
    }
    char name[300];
    double dur = (double)(iv->t1_ns - iv->t0_ns) * 1e-9;
    json_t *args = json_pack("{s:s}", "phase", slot ? slot : "other");
    if (iv->part == PYN_LOAD_PART_CALL) {
        if (iv->slot == PYN_LOAD_STARTUP && !iv->name_hash)
            snprintf(name, sizeof name, "ld.so start-up");
        else
            snprintf(name, sizeof name, "dlopen %s", lib ? lib : "(not a generated library)");
    } else if (iv->part == PYN_LOAD_PART_RELOCATE && iv->slot != PYN_LOAD_STARTUP) {
        snprintf(name, sizeof name, "relocate + init%s%s", lib ? " " : "", lib ? lib : "");
        if (lib)
            json_object_set_new(args, "library", json_string(lib));
    } else if (lib) {
        snprintf(name, sizeof name, "%s %s", part_names[iv->part], lib);
        json_object_set_new(args, "library", json_string(lib));
    } else if (iv->part == PYN_LOAD_PART_MAP && !iv->name_hash) {
        snprintf(name, sizeof name, "map: dependency lists");
    } else {
        snprintf(name, sizeof name, "%s", part_names[iv->part]);
    }
    slice(b, name, part_names[iv->part], iv->t0_ns, dur, args);
}

static const char *const phase_names[PYN_PHASE_COUNT] = {
    [PYN_PHASE_MPI_INIT] = "mpi_init",
    [PYN_PHASE_STARTUP] = "startup",
    [PYN_PHASE_IMPORT] = "import",
    [PYN_PHASE_VISIT] = "visit",
};

char *pyn_trace_rank_events(const struct pyn_trace_rank *in)
{
    struct builder b = {.in = in, .events = json_array(), .origin_ns = in->phase_start_ns[PYN_PHASE_IMPORT]};
    if (!b.events)
        return NULL;
    char label[128];
    snprintf(label, sizeof label, "rank %d (%s)", in->rank, in->host);
    add(&b, json_pack("{s:s, s:s, s:i, s:i, s:{s:s}}", "name", "process_name", "ph", "M", "pid", in->rank, "tid", 0,
                      "args", "name", label));
    add(&b, json_pack("{s:s, s:s, s:i, s:i, s:{s:i}}", "name", "process_sort_index", "ph", "M", "pid", in->rank, "tid",
                      0, "args", "sort_index", in->rank));
    for (int p = 0; p < PYN_PHASE_COUNT; ++p)
        if (isfinite(in->phase_s[p]) && in->phase_start_ns[p])
            slice(&b, phase_names[p], "phase", in->phase_start_ns[p], in->phase_s[p], NULL);
    if (in->stage_start_ns && isfinite(in->stage_s))
        slice(&b, "stage", "stage", in->stage_start_ns, in->stage_s, NULL);
    if (in->audit) {
        size_t n = 0;
        uint64_t *hashes = pyn_fs_generated_hashes(in->manifest, &n);
        struct pyn_load_library *libs = malloc((n ? n : 1) * sizeof *libs);
        if (hashes && libs) {
            /* The same walk as the report's split (pyn_run_end.c), with a sink for its intervals. */
            struct pyn_load_record rec;
            size_t nlibs = 0;
            pyn_loadtime_split(in->audit->events, in->audit->nevents, hashes, n, in->phase_s, in->interpreter, &rec,
                               libs, &nlibs, on_interval, &b);
        } else {
            b.failed = 1;
        }
        free(hashes);
        free(libs);
    }
    char *text = b.failed ? NULL : json_dumps(b.events, JSON_COMPACT);
    json_decref(b.events);
    if (!text)
        return NULL;
    /* Without the array's brackets: rank 0 joins the ranks' elements. */
    size_t len = strlen(text);
    memmove(text, text + 1, len - 2);
    text[len - 2] = '\0';
    return text;
}

int pyn_trace_write(const char *path, const char *const *fragments, size_t n, const char *mode, char *err,
                    size_t errlen)
{
    json_t *other = json_pack("{s:s, s:s, s:s}", "tool", "pynamic", "version", PYN_VERSION, "mode", mode);
    char *head = other ? json_dumps(other, JSON_COMPACT) : NULL;
    json_decref(other);
    size_t len = (head ? strlen(head) : 0) + 96;
    for (size_t i = 0; i < n; ++i)
        len += strlen(fragments[i]) + 1;
    char *text = head ? malloc(len) : NULL;
    if (!text) {
        free(head);
        pyn_format_middle(err, errlen, "write %s: out of memory", path);
        return -ENOMEM;
    }
    size_t at = (size_t)snprintf(text, len, "{\"displayTimeUnit\":\"ms\",\"otherData\":%s,\"traceEvents\":[", head);
    free(head);
    for (size_t i = 0, first = 1; i < n; ++i) {
        if (!fragments[i][0])
            continue;
        if (!first)
            text[at++] = ',';
        first = 0;
        size_t l = strlen(fragments[i]);
        memcpy(text + at, fragments[i], l);
        at += l;
    }
    at += (size_t)snprintf(text + at, len - at, "]}\n");
    int rc = pyn_file_write_atomic(path, text, at, err, errlen);
    free(text);
    return rc;
}
