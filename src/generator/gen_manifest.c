/* SPDX-License-Identifier: BSD-3-Clause */
/* The manifest is written with plain appends rather than a JSON library:
 * the generator must stay libc-only (it is built and run at configure
 * time, before anything else exists), and every string it emits is an
 * identifier, a version number or the normalised argument string, none of
 * which contains a character that JSON needs escaped. */
#include "gen_manifest.h"

#include "pyn_gen_version.h"

static void put_bool(pyn_gen_buf *out, int v)
{
    pyn_gen_buf_puts(out, v ? "true" : "false");
}

static void put_quoted_lib(const pyn_gen_model *m, uint32_t g, pyn_gen_buf *out)
{
    pyn_gen_buf_putc(out, '"');
    pyn_gen_lib_name(m, g, out);
    pyn_gen_buf_putc(out, '"');
}

static void put_hex(pyn_gen_buf *out, uint64_t v)
{
    pyn_gen_buf_putc(out, '"');
    pyn_gen_buf_puthex16(out, v);
    pyn_gen_buf_putc(out, '"');
}

void pyn_gen_manifest(const pyn_gen_model *m, const pyn_gen_options *o, const char *arguments,
                      const uint64_t *module_checksums, uint64_t total, pyn_gen_buf *out)
{
    pyn_gen_buf_puts(out, "{\n  \"schema_version\": 1,\n");
    pyn_gen_buf_printf(out,
                       "  \"generator\": {\"name\": \"pynamic-gen\", "
                       "\"version\": \"%s\"},\n",
                       PYN_GEN_VERSION);
    pyn_gen_buf_printf(out, "  \"config\": {\n    \"arguments\": \"%s\",\n", arguments);
    pyn_gen_buf_printf(out,
                       "    \"num_files\": %llu, \"avg_functions\": %llu, \"num_utilities\": "
                       "%llu, \"avg_utility_functions\": %llu,\n",
                       (unsigned long long)o->num_files, (unsigned long long)o->avg_funcs,
                       (unsigned long long)o->num_util, (unsigned long long)o->avg_util);
    pyn_gen_buf_printf(out,
                       "    \"name_pad\": %llu, \"depth\": %llu, \"seed\": "
                       "%llu, \"cross_module\": ",
                       (unsigned long long)o->pad, (unsigned long long)o->depth, (unsigned long long)o->seed);
    put_bool(out, o->cross_module);
    pyn_gen_buf_puts(out, ", \"module_chain\": ");
    put_bool(out, o->module_chain);
    pyn_gen_buf_puts(out, ", \"print\": ");
    put_bool(out, o->print);
    pyn_gen_buf_printf(out, ", \"search_dirs\": %llu", (unsigned long long)o->search_dirs);
    pyn_gen_buf_puts(out, "\n  },\n");
    pyn_gen_buf_printf(out,
                       "  \"totals\": {\"libraries\": %u, \"utilities\": %u, "
                       "\"modules\": %u, \"markers\": %u, \"functions\": %llu},\n",
                       m->nlibs, m->nutil, m->nmod, PYN_GEN_NMARKERS, (unsigned long long)m->total_functions);
    pyn_gen_buf_puts(out, "  \"expected_checksum\": ");
    put_hex(out, total);
    pyn_gen_buf_puts(out, ",\n  \"libraries\": [\n");

    /* Utilities first, then modules: the order they are loaded and visited. */
    for (uint32_t g = 0; g < m->nlibs; ++g) {
        int module = pyn_gen_is_module(m, g);
        pyn_gen_buf_puts(out, "    {\"name\": ");
        put_quoted_lib(m, g, out);
        pyn_gen_buf_puts(out, ", \"file\": \"");
        pyn_gen_lib_name(m, g, out);
        pyn_gen_buf_printf(out, ".so\", \"kind\": \"%s\", \"functions\": %u,", module ? "module" : "utility",
                           m->nfuncs[g]);
        if (module) {
            pyn_gen_buf_puts(out, "\n     \"entry\": \"");
            pyn_gen_lib_name(m, g, out);
            pyn_gen_buf_puts(out, "_entry\", \"checksum\": ");
            put_hex(out, module_checksums[g - m->nutil]);
            pyn_gen_buf_putc(out, ',');
        }
        pyn_gen_buf_puts(out, " \"needed\": [");
        if (module) {
            for (uint32_t u = 0; u < m->nutil; ++u) {
                if (u)
                    pyn_gen_buf_puts(out, ", ");
                put_quoted_lib(m, u, out);
            }
            if (m->module_chain && g > m->nutil) {
                if (m->nutil)
                    pyn_gen_buf_puts(out, ", ");
                put_quoted_lib(m, g - 1, out);
            }
        }
        pyn_gen_buf_puts(out, "]},\n");
    }
    /* Then the markers: not among the NUM_FILES libraries, no _fn functions;
     * libmodulebegin needs every module, as the original's. */
    for (unsigned i = 0; i < PYN_GEN_NMARKERS; ++i) {
        const pyn_gen_marker *mk = &pyn_gen_markers[i];
        pyn_gen_buf_printf(out,
                           "    {\"name\": \"%s\", \"file\": \"%s.so\", \"kind\": \"marker\", \"role\": \"%s\", "
                           "\"functions\": 0,\n     \"entry\": \"%s\", \"needed\": [",
                           mk->name, mk->name, mk->role, mk->function);
        for (uint32_t g = m->nutil; mk->needs_modules && g < m->nlibs; ++g) {
            if (g > m->nutil)
                pyn_gen_buf_puts(out, ", ");
            put_quoted_lib(m, g, out);
        }
        pyn_gen_buf_printf(out, "]}%s\n", i + 1 < PYN_GEN_NMARKERS ? "," : "");
    }
    pyn_gen_buf_puts(out, "  ]\n}\n");
}
