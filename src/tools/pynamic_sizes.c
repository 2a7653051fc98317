/* SPDX-License-Identifier: BSD-3-Clause */
/* pynamic-sizes: the static sizes of a generated tree and of executables,
 * from their ELF section headers: file size, text, data, debug, symbol and
 * string tables, relocation and DT_NEEDED counts. What the original's
 * get-symtab-sizes printed, for the libraries (utilities, modules, all) and
 * for each executable, as a table and as JSON. */
#define _GNU_SOURCE
#include "pyn_elf.h"
#include "pyn_file.h"
#include "pyn_manifest.h"
#include "pyn_options.h"
#include "pyn_report.h"
#include "pyn_tool.h"
#include "pyn_version.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *prog = "pynamic-sizes";

struct exe {
    char *path; /* absolute */
    char *name; /* base name */
    struct pyn_elf_sizes sizes;
};

struct sizes_run {
    const char *manifest_arg, *lib_dir_arg, *json_path;
    int help, version;
    char *manifest_path, *lib_dir;
    struct pyn_manifest *manifest;
    struct pyn_elf_tree tree;
    struct pyn_elf_sizes *each;
    struct exe *exes;
    size_t nexes;
};

/* An option, or the default beside this tool, as an absolute existing path.
 * err holds two paths of PATH_MAX, so the message names the path tried in
 * full (a longer one, which realpath refuses anyway, is cut). */
static char *resolve(const char *given, const char *default_rel, const char *what)
{
    char err[2 * PATH_MAX];
    char *abs = pyn_exe_resolve(given, default_rel, what, err, sizeof err);
    if (!abs)
        fprintf(stderr, "%s: %s\n", prog, err);
    return abs;
}

static int has_elf_magic(const char *path)
{
    unsigned char magic[4] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == sizeof magic && memcmp(magic, "\177ELF", 4) == 0;
}

static int add_exe(struct sizes_run *r, const char *path)
{
    struct exe *grown = realloc(r->exes, (r->nexes + 1) * sizeof *grown);
    if (!grown)
        return -ENOMEM;
    r->exes = grown;
    struct exe *e = &r->exes[r->nexes];
    memset(e, 0, sizeof *e);
    e->path = realpath(path, NULL);
    if (!e->path) {
        int rc = -errno;
        fprintf(stderr, "%s: executable %s: %s\n", prog, path, strerror(-rc));
        return rc;
    }
    const char *base = strrchr(e->path, '/');
    e->name = strdup(base ? base + 1 : e->path);
    r->nexes++;
    return e->name ? 0 : -ENOMEM;
}

static int cmp_exe(const void *a, const void *b)
{
    return strcmp(((const struct exe *)a)->name, ((const struct exe *)b)->name);
}

/* Every pynamic-mode-* ELF executable beside this tool, by name. Scripts
 * (a Python mode's wrapper) are named on stderr and left out. */
static int find_mode_executables(struct sizes_run *r)
{
    char *dir = pyn_exe_dir();
    if (!dir) {
        fprintf(stderr, "%s: realpath /proc/self/exe: %s\n", prog, strerror(errno));
        return -errno;
    }
    DIR *d = opendir(dir);
    if (!d) {
        int rc = -errno;
        fprintf(stderr, "%s: opendir %s: %s\n", prog, dir, strerror(errno));
        free(dir);
        return rc;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        if (strncmp(de->d_name, "pynamic-mode-", 13) != 0)
            continue;
        char *path = NULL;
        struct stat st;
        if (asprintf(&path, "%s/%s", dir, de->d_name) < 0) {
            rc = -ENOMEM;
            break;
        }
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR)) {
            if (has_elf_magic(path))
                rc = add_exe(r, path);
            else
                fprintf(stderr, "%s: note: %s is not an ELF file (a script?): left out\n", prog, path);
        }
        free(path);
    }
    closedir(d);
    free(dir);
    if (rc == 0 && r->nexes > 1)
        qsort(r->exes, r->nexes, sizeof *r->exes, cmp_exe);
    return rc;
}

static void print_table(const struct sizes_run *r)
{
    const struct pyn_manifest *m = r->manifest;
    printf("%s: %zu generated libraries (%zu utility, %zu module) and %zu markers from %s\n", prog, m->nlibraries,
           m->nutilities, m->nmodules, m->nmarkers, r->manifest_path);
    printf("configuration: %s; libraries in %s\n", m->config.arguments, r->lib_dir);
    size_t n = 4 + r->nexes;
    const char **labels = calloc(n, sizeof *labels);
    const struct pyn_elf_sizes **rows = calloc(n, sizeof *rows);
    if (!labels || !rows) {
        free(labels);
        free(rows);
        return;
    }
    labels[0] = "utility libraries";
    rows[0] = &r->tree.utilities;
    labels[1] = "module libraries";
    rows[1] = &r->tree.modules;
    labels[2] = "marker modules";
    rows[2] = &r->tree.markers;
    labels[3] = "all libraries";
    rows[3] = &r->tree.libraries;
    for (size_t i = 0; i < r->nexes; ++i) {
        labels[4 + i] = r->exes[i].name;
        rows[4 + i] = &r->exes[i].sizes;
    }
    pyn_report_text_print_sizes(stdout, "", labels, rows, n);
    free(labels);
    free(rows);
}

static int write_json(const struct sizes_run *r)
{
    const struct pyn_manifest *m = r->manifest;
    json_t *root = json_object(), *tool = json_object(), *libs = json_object();
    json_t *each = json_array(), *exes = json_array();
    json_object_set_new(root, "schema_version", json_integer(1));
    json_object_set_new(tool, "name", json_string(prog));
    json_object_set_new(tool, "version", json_string(PYN_VERSION));
    json_object_set_new(root, "tool", tool);
    json_object_set_new(root, "manifest", json_string(r->manifest_path));
    json_object_set_new(root, "library_dir", json_string(r->lib_dir));
    json_object_set_new(root, "arguments", json_string(m->config.arguments));
    json_object_set_new(libs, "count", json_integer((json_int_t)(m->nlibraries + m->nmarkers)));
    json_object_set_new(libs, "utilities", pyn_report_json_elf_sizes(&r->tree.utilities));
    json_object_set_new(libs, "modules", pyn_report_json_elf_sizes(&r->tree.modules));
    json_object_set_new(libs, "markers", pyn_report_json_elf_sizes(&r->tree.markers));
    json_object_set_new(libs, "all", pyn_report_json_elf_sizes(&r->tree.libraries));
    json_object_set_new(root, "libraries", libs);
    static const char *const kinds[] = {
        [PYN_LIBRARY_UTILITY] = "utility", [PYN_LIBRARY_MODULE] = "module", [PYN_LIBRARY_MARKER] = "marker"};
    for (size_t i = 0; i < m->nlibraries + m->nmarkers; ++i) {
        const struct pyn_library *lib = i < m->nlibraries ? &m->libraries[i] : &m->markers[i - m->nlibraries];
        json_t *o = pyn_report_json_elf_sizes(&r->each[i]);
        json_object_set_new(o, "name", json_string(lib->name));
        json_object_set_new(o, "kind", json_string(kinds[lib->kind]));
        json_array_append_new(each, o);
    }
    json_object_set_new(root, "per_library", each);
    for (size_t i = 0; i < r->nexes; ++i) {
        json_t *o = pyn_report_json_elf_sizes(&r->exes[i].sizes);
        json_object_set_new(o, "name", json_string(r->exes[i].name));
        json_object_set_new(o, "path", json_string(r->exes[i].path));
        json_array_append_new(exes, o);
    }
    json_object_set_new(root, "executables", exes);
    char *text = json_dumps(root, JSON_INDENT(2));
    json_decref(root);
    if (!text) {
        fprintf(stderr, "%s: write %s: json_dumps: out of memory\n", prog, r->json_path);
        return -ENOMEM;
    }
    size_t len = strlen(text);
    char *out = realloc(text, len + 2);
    if (!out) {
        free(text);
        return -ENOMEM;
    }
    out[len] = '\n';
    char err[PYN_ERROR_MAX];
    int rc = pyn_file_write_atomic(r->json_path, out, len + 1, err, sizeof err);
    if (rc)
        fprintf(stderr, "%s: %s\n", prog, err);
    free(out);
    return rc;
}

static int load(struct sizes_run *r)
{
    char err[PYN_ERROR_MAX];
    char *text = NULL;
    size_t len = 0;
    if (!(r->manifest_path = resolve(r->manifest_arg, PYN_DEFAULT_MANIFEST, "manifest")))
        return -ENOENT;
    if (pyn_file_read_all(r->manifest_path, &text, &len, err, sizeof err) ||
        pyn_manifest_parse(text, len, r->manifest_path, &r->manifest, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", prog, err);
        free(text);
        return -EINVAL;
    }
    free(text);
    if (!(r->lib_dir = resolve(r->lib_dir_arg, PYN_DEFAULT_LIBRARY_DIR, "library directory")))
        return -ENOENT;
    r->each = calloc(r->manifest->nlibraries + r->manifest->nmarkers + 1, sizeof *r->each);
    if (!r->each)
        return -ENOMEM;
    if (pyn_elf_read_tree(r->manifest, r->lib_dir, &r->tree, r->each, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return -EINVAL;
    }
    for (size_t i = 0; i < r->nexes; ++i)
        if (pyn_elf_read(r->exes[i].path, &r->exes[i].sizes, err, sizeof err)) {
            fprintf(stderr, "%s: %s\n", prog, err);
            return -EINVAL;
        }
    return 0;
}

static void cleanup(struct sizes_run *r)
{
    for (size_t i = 0; i < r->nexes; ++i) {
        free(r->exes[i].path);
        free(r->exes[i].name);
    }
    free(r->exes);
    free(r->each);
    free(r->manifest_path);
    free(r->lib_dir);
    pyn_manifest_free(r->manifest);
}

int main(int argc, char **argv)
{
    struct sizes_run r = {0};
    const struct pyn_option options[] = {
        PYN_OPTION_PATH("--manifest", "FILE", &r.manifest_arg, NULL,
                        "the generator's manifest (default: <tool dir>/" PYN_DEFAULT_MANIFEST ")"),
        PYN_OPTION_PATH("--lib-dir", "DIR", &r.lib_dir_arg, NULL,
                        "directory holding the generated libraries (default: <tool dir>/" PYN_DEFAULT_LIBRARY_DIR ")"),
        PYN_OPTION_PATH("--json", "FILE", &r.json_path, NULL, "also write the sizes as JSON to FILE (atomically)"),
        PYN_OPTION_FLAG("--help", &r.help, NULL, "print this help and exit"),
        PYN_OPTION_FLAG("--version", &r.version, NULL, "print the version and exit"),
        PYN_OPTIONS_END,
    };
    const struct pyn_option *const tables[] = {options, NULL};
    const char **positional = calloc((size_t)argc + 1, sizeof *positional);
    size_t npositional = 0;
    char err[PYN_ERROR_MAX];
    if (!positional) {
        fprintf(stderr, "%s: out of memory\n", prog);
        return PYN_EXIT_ERROR;
    }
    if (pyn_options_parse(tables, argc, argv, positional, (size_t)argc, &npositional, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", prog, err);
        free(positional);
        return PYN_EXIT_USAGE;
    }
    if (r.help || r.version) {
        if (r.help) {
            printf("usage: %s [options] [EXECUTABLE...]\n"
                   "Static sizes (ELF section headers) of the generated libraries a manifest names and of\n"
                   "executables: by default every pynamic-mode-* ELF executable beside this tool.\n\noptions:\n",
                   prog);
            pyn_options_print_help(tables, NULL, stdout);
            printf("\nexit status: 0 done, 1 a file could not be read, 2 usage error\n");
        } else {
            printf("%s (pynamic) %s\n", prog, PYN_VERSION);
        }
        free(positional);
        return PYN_EXIT_OK;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < npositional; ++i)
        rc = add_exe(&r, positional[i]);
    if (rc == 0 && npositional == 0)
        rc = find_mode_executables(&r);
    free(positional);
    if (rc == 0)
        rc = load(&r);
    if (rc == 0) {
        print_table(&r);
        if (r.json_path)
            rc = write_json(&r);
    }
    cleanup(&r);
    return rc == 0 ? PYN_EXIT_OK : PYN_EXIT_ERROR;
}
