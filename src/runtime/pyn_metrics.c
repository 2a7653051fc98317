/* The issue-5 parts of the reports (pyn_metrics.h): one place for what the
 * JSON, text and CSV writers print of them. */
#include "pyn_metrics.h"

#include <inttypes.h>
#include <string.h>

const char *pyn_metrics_cache_mode(const struct pyn_results *res)
{
    if (res->nranks <= 0 || !res->ranks[0].cache.measured)
        return NULL;
    return res->ranks[0].cache.cold ? "cold" : "warm";
}

/* -1 (not measured) is null. */
static json_t *jcount(int64_t v)
{
    return v >= 0 ? json_integer((json_int_t)v) : json_null();
}

static json_t *jindex(int32_t v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

static json_t *rusage_json(const struct pyn_rusage_record *r)
{
    json_t *o = json_object();
    for (int p = 0; p < PYN_RUSAGE_PHASE_COUNT; ++p) {
        json_t *ph = json_object();
        json_object_set_new(ph, "minflt", jcount(r->minflt[p]));
        json_object_set_new(ph, "majflt", jcount(r->majflt[p]));
        json_object_set_new(o, pyn_rusage_phase_name((enum pyn_rusage_phase)p), ph);
    }
    json_object_set_new(o, "maxrss_kib", jcount(r->maxrss_kib));
    return o;
}

static json_t *cache_json(const struct pyn_cache_record *c)
{
    if (!c->measured)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "mode", json_string(c->cold ? "cold" : "warm"));
    json_object_set_new(o, "counted", json_boolean(c->counted));
#define COUNTED(v) (c->counted ? json_integer((json_int_t)(v)) : json_null())
    json_object_set_new(o, "resident_pages", COUNTED(c->resident_pages));
    json_object_set_new(o, "total_pages", COUNTED(c->total_pages));
    json_object_set_new(o, "unverified_pages", COUNTED(c->unverified_pages));
    json_object_set_new(o, "files", COUNTED(c->files));
    json_object_set_new(o, "unreadable_files", COUNTED(c->unreadable_files));
    json_object_set_new(o, "page_size", COUNTED(c->page_size));
#undef COUNTED
    json_object_set_new(o, "drop_caches", json_boolean(c->dropped));
    return o;
}

static json_t *placement_json(const struct pyn_placement_record *p)
{
    if (!p->measured)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "pu", jindex(p->pu));
    json_object_set_new(o, "core", jindex(p->core));
    json_object_set_new(o, "numa", jindex(p->numa));
    json_object_set_new(o, "pu_end", jindex(p->pu_end));
    json_object_set_new(o, "cpuset", json_string(p->cpuset));
    json_object_set_new(o, "bound", json_boolean(p->bound));
    json_object_set_new(o, "bound_by_pynamic", json_boolean(p->bound_by_us));
    return o;
}

void pyn_metrics_json_rank(const struct pyn_rank_record *r, json_t *row)
{
    json_object_set_new(row, "rusage", rusage_json(&r->rusage));
    json_object_set_new(row, "cache", cache_json(&r->cache));
    json_object_set_new(row, "placement", placement_json(&r->placement));
}

static json_t *stat_json(const struct pyn_results *res, const struct pyn_rusage_stat *s)
{
    json_t *o = json_object();
    int ok = s->n > 0;
    json_object_set_new(o, "min", ok ? json_real(s->min) : json_null());
    json_object_set_new(o, "median", ok ? json_real(s->median) : json_null());
    json_object_set_new(o, "mean", ok ? json_real(s->mean) : json_null());
    json_object_set_new(o, "max", ok ? json_real(s->max) : json_null());
    json_object_set_new(o, "max_rank", ok ? json_integer(s->max_rank) : json_null());
    json_object_set_new(o, "max_host", ok ? json_string(res->ranks[s->max_rank].host) : json_null());
    json_object_set_new(o, "ranks", json_integer(s->n));
    return o;
}

/* The summary mirrors the rows: rusage.import.minflt is the spread of ranks[].rusage.import.minflt. */
void pyn_metrics_json_summary(const struct pyn_results *res, json_t *summary)
{
    const struct pyn_rusage_stat *s = res->rusage_summary;
    json_t *o = json_object(), *imp = json_object(), *vis = json_object();
    json_object_set_new(imp, "minflt", stat_json(res, &s[PYN_RUSAGE_IMPORT_MINFLT]));
    json_object_set_new(imp, "majflt", stat_json(res, &s[PYN_RUSAGE_IMPORT_MAJFLT]));
    json_object_set_new(vis, "minflt", stat_json(res, &s[PYN_RUSAGE_VISIT_MINFLT]));
    json_object_set_new(vis, "majflt", stat_json(res, &s[PYN_RUSAGE_VISIT_MAJFLT]));
    json_object_set_new(o, "import", imp);
    json_object_set_new(o, "visit", vis);
    json_object_set_new(o, "maxrss_kib", stat_json(res, &s[PYN_RUSAGE_MAXRSS_KIB]));
    json_object_set_new(summary, "rusage", o);
}

/* Index of the first rank on each distinct host that sampled its topology. */
static int first_on_host(const struct pyn_results *res, int i)
{
    for (int j = 0; j < i; ++j)
        if (res->ranks[j].placement.measured && strcmp(res->ranks[j].host, res->ranks[i].host) == 0)
            return 0;
    return res->ranks[i].placement.measured;
}

void pyn_metrics_json_top(const struct pyn_results *res, json_t *root)
{
    const char *mode = pyn_metrics_cache_mode(res);
    json_object_set_new(root, "cache", mode ? json_string(mode) : json_null());
    json_t *hosts = json_array();
    /* O(ranks x hosts); hosts are few next to ranks. */
    for (int i = 0; i < res->nranks; ++i) {
        if (!first_on_host(res, i))
            continue;
        const struct pyn_topology_record *t = &res->ranks[i].placement.topology;
        json_t *h = json_object();
        json_object_set_new(h, "host", json_string(res->ranks[i].host));
        json_object_set_new(h, "reported_by_rank", json_integer(res->ranks[i].rank));
        json_object_set_new(h, "packages", jindex(t->packages));
        json_object_set_new(h, "numa_nodes", jindex(t->numa_nodes));
        json_object_set_new(h, "cores", jindex(t->cores));
        json_object_set_new(h, "pus", jindex(t->pus));
        json_array_append_new(hosts, h);
    }
    json_object_set_new(root, "topology", hosts);
}

static void print_count(FILE *out, double v, int ok)
{
    if (ok)
        fprintf(out, " %11.0f", v);
    else
        fprintf(out, " %11s", "-");
}

void pyn_metrics_text_print(const struct pyn_results *res, FILE *out)
{
    fprintf(out, "%-14s %11s %11s %11s %11s  %s\n", "rusage", "min", "median", "mean", "max", "highest rank (host)");
    for (int m = 0; m < PYN_RUSAGE_METRIC_COUNT; ++m) {
        const struct pyn_rusage_stat *s = &res->rusage_summary[m];
        fprintf(out, "%-14s", pyn_rusage_metric_key((enum pyn_rusage_metric)m));
        print_count(out, s->min, s->n > 0);
        print_count(out, s->median, s->n > 0);
        if (s->n > 0)
            fprintf(out, " %11.1f", s->mean);
        else
            fprintf(out, " %11s", "-");
        print_count(out, s->max, s->n > 0);
        if (s->n > 0)
            fprintf(out, "  %d (%s)\n", s->max_rank, res->ranks[s->max_rank].host);
        else
            fprintf(out, "  -\n");
    }

    const char *mode = pyn_metrics_cache_mode(res);
    if (mode) {
        int64_t most = -1, total = 0, unverified = 0;
        int dropped = 0;
        for (int i = 0; i < res->nranks; ++i) {
            const struct pyn_cache_record *c = &res->ranks[i].cache;
            if (!c->counted)
                continue;
            if (c->resident_pages > most) {
                most = c->resident_pages;
                total = c->total_pages;
                unverified = c->unverified_pages;
            }
            dropped += c->dropped;
        }
        if (most < 0) {
            fprintf(out, "cache: %s (page cache not counted: --cache-count counts it)\n", mode);
        } else {
            fprintf(out,
                    "cache: %s%s: at import start at most %" PRId64 " of %" PRId64
                    " pages of the generated libraries were in the page cache on any host",
                    mode,
                    strcmp(mode, "cold") == 0 ? (dropped ? " (--cold, fadvise and drop_caches)" : " (--cold, fadvise)")
                                              : "",
                    most, total);
            if (unverified)
                fprintf(out, " (%" PRId64 " pages not visible to mincore for this user)", unverified);
            fputc('\n', out);
        }
    }

    for (int i = 0; i < res->nranks; ++i) {
        if (!first_on_host(res, i))
            continue;
        const struct pyn_topology_record *t = &res->ranks[i].placement.topology;
        fprintf(out, "topology of %s (hwloc, rank %d): %d package%s, %d NUMA node%s, %d core%s, %d PU%s\n",
                res->ranks[i].host, res->ranks[i].rank, t->packages, t->packages == 1 ? "" : "s", t->numa_nodes,
                t->numa_nodes == 1 ? "" : "s", t->cores, t->cores == 1 ? "" : "s", t->pus, t->pus == 1 ? "" : "s");
    }
    int shown = 0, nbound = 0;
    for (int i = 0; i < res->nranks; ++i)
        nbound += res->ranks[i].placement.measured && res->ranks[i].placement.bound;
    for (int i = 0; i < res->nranks && shown < 16; ++i) {
        const struct pyn_placement_record *p = &res->ranks[i].placement;
        if (!p->measured)
            continue;
        if (shown++ == 0)
            fprintf(out, "placement (rank: pu/core/numa, %d of %d ranks bound):", nbound, res->nranks);
        fprintf(out, " %d: %d/%d/%d", res->ranks[i].rank, p->pu, p->core, p->numa);
    }
    if (shown)
        fprintf(out, "%s\n", res->nranks > 16 ? " ... (all ranks in the JSON)" : "");
}

void pyn_metrics_csv_header(FILE *f)
{
    for (int m = 0; m < PYN_RUSAGE_METRIC_COUNT; ++m)
        fprintf(f, ",%s", pyn_rusage_metric_key((enum pyn_rusage_metric)m));
    fputs(",cache,resident_pages,total_pages,pu,core,numa,cpuset,bound", f);
}

static void put_count(FILE *f, int64_t v)
{
    if (v >= 0)
        fprintf(f, ",%" PRId64, v);
    else
        fputs(",", f);
}

void pyn_metrics_csv_row(FILE *f, const struct pyn_rank_record *r)
{
    for (int m = 0; m < PYN_RUSAGE_METRIC_COUNT; ++m)
        put_count(f, pyn_rusage_metric_value(&r->rusage, (enum pyn_rusage_metric)m));
    const struct pyn_cache_record *c = &r->cache;
    if (c->measured && c->counted)
        fprintf(f, ",%s,%" PRId64 ",%" PRId64, c->cold ? "cold" : "warm", c->resident_pages, c->total_pages);
    else if (c->measured)
        fprintf(f, ",%s,,", c->cold ? "cold" : "warm");
    else
        fputs(",,,", f);
    const struct pyn_placement_record *p = &r->placement;
    if (p->measured) {
        put_count(f, p->pu);
        put_count(f, p->core);
        put_count(f, p->numa);
        /* hwloc prints multi-word sets with commas: quote them. */
        fprintf(f, ",\"%s\",%s", p->cpuset, p->bound ? "true" : "false");
    } else {
        fputs(",,,,,", f);
    }
}
