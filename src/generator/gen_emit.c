/* SPDX-License-Identifier: BSD-3-Clause */
#include "gen_emit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pyn_gen_version.h"

/* Everything emit needs about one library, computed once: names are
 * reused by the caller's call site and by the function itself. */
typedef struct lib_ctx {
    const pyn_gen_model *m;
    uint32_t g;
    uint32_t n;
    pyn_gen_buf names;  /* every function name, NUL-separated */
    pyn_gen_buf pyname; /* for the Python glue: "<lib>\0<lib>_entry\0<docstring>" */
    size_t *name_at;    /* offset of function j's name; [n] = extern */
    pyn_gen_sig *sigs;  /* [n] = extern */
    uint32_t *util_g;   /* utility target of each function (modules) */
    uint32_t *util_f;
    int uses_utils;
    int uses_text; /* the body refers to the text array */
} lib_ctx;

typedef struct util_ref {
    uint32_t g, f;
} util_ref;

static const char *name_of(const lib_ctx *c, uint32_t j)
{
    return c->names.data + c->name_at[j];
}

static void put_const(pyn_gen_buf *out, unsigned type, uint32_t v)
{
    switch (type) {
    case PYN_GEN_INT:
    case PYN_GEN_LONG:
        pyn_gen_buf_putu(out, v);
        break;
    case PYN_GEN_FLOAT:
        pyn_gen_buf_putu(out, v);
        pyn_gen_buf_puts(out, ".0f");
        break;
    case PYN_GEN_DOUBLE:
        pyn_gen_buf_putu(out, v);
        pyn_gen_buf_puts(out, ".0");
        break;
    default: {
        char lit[4] = {'"', (char)('a' + v), '"', '\0'};
        pyn_gen_buf_puts(out, lit);
    }
    }
}

/* "PYN_UNUSED int arg0, PYN_UNUSED char *arg1" (named: a definition; the
 * bodies do not read their arguments, as the original's do not), "int,
 * char *" (a prototype) or "void". */
static void put_params(pyn_gen_buf *out, const pyn_gen_sig *s, int named)
{
    if (s->nargs == 0) {
        pyn_gen_buf_puts(out, "void");
        return;
    }
    for (unsigned i = 0; i < s->nargs; ++i) {
        if (i)
            pyn_gen_buf_puts(out, ", ");
        if (named)
            pyn_gen_buf_puts(out, "PYN_UNUSED ");
        pyn_gen_buf_puts(out, pyn_gen_type_c[s->arg[i]]);
        if (named) {
            const char *t = pyn_gen_type_c[s->arg[i]];
            if (t[strlen(t) - 1] != '*')
                pyn_gen_buf_putc(out, ' ');
            pyn_gen_buf_puts(out, "arg");
            pyn_gen_buf_putu(out, i);
        }
    }
}

/* The original's locals, declared in every generated function (its bodies
 * leave all but the loop counter unused): debuggers and tools read them in
 * the debug information, which Pynamic is a stress test for. Unused on
 * purpose; the attribute keeps -Wall quiet without generating code. The
 * original also initialises d, e, f and g (four dead stores, 44 bytes and
 * 8 instructions at -O0); ours does not, and the checksum fold spends
 * about that instead, so text and the visit's instructions stay the
 * original's (docs/generator.md has the measurement). */
static const char locals[] = "    PYN_UNUSED int a, b, c, loop;\n"
                             "    PYN_UNUSED float d, e, f;\n"
                             "    PYN_UNUSED double g, h = 3.0, i = 4.0;\n"
                             "    PYN_UNUSED char j[10], k[100], l[10][10];\n";

/* A function's definition line and its first statements: the optional
 * print, the running sum from the function's own constant, the result
 * variable and (with_locals) the original's locals. */
static void put_prologue(lib_ctx *c, pyn_gen_buf *out, const char *name, const pyn_gen_sig *s, uint32_t fn,
                         int with_locals)
{
    pyn_gen_buf_puts(out, pyn_gen_type_c[s->ret]);
    if (s->ret != PYN_GEN_STR)
        pyn_gen_buf_putc(out, ' ');
    pyn_gen_buf_puts(out, name);
    pyn_gen_buf_putc(out, '(');
    put_params(out, s, 1);
    pyn_gen_buf_puts(out, ")\n{\n    uint64_t sum = UINT64_C(");
    pyn_gen_buf_puthex16(out, pyn_gen_fn_const(c->m, c->g, fn));
    pyn_gen_buf_puts(out, ");\n    ");
    pyn_gen_buf_puts(out, pyn_gen_type_c[s->ret]);
    if (s->ret != PYN_GEN_STR)
        pyn_gen_buf_putc(out, ' ');
    pyn_gen_buf_puts(out, "ret_val;\n");
    if (with_locals)
        pyn_gen_buf_puts(out, locals);
    if (c->m->print)
        pyn_gen_buf_printf(out, "    puts(\"%s\");\n", name);
}

/* The result: the sum, finished and converted exactly (pyn_checksum.h). */
static void put_return(lib_ctx *c, pyn_gen_buf *out, const pyn_gen_sig *s)
{
    if (s->ret == PYN_GEN_STR) {
        c->uses_text = 1;
        pyn_gen_buf_puts(out, "    ret_val = PYN_RET_STR(sum, text);\n");
    } else {
        pyn_gen_buf_printf(out, "    ret_val = PYN_RET_%s(sum);\n", pyn_gen_type_macro[s->ret]);
    }
    pyn_gen_buf_puts(out, "    return ret_val;\n}\n\n");
}

/* One call, as the original writes it: the result kept in a local named
 * after the callee ("<callee>val"), then folded into the sum. Constants
 * of call site (g, fn, site) are the arguments. indent: the statement's. */
static void put_call(const lib_ctx *c, pyn_gen_buf *out, const char *indent, const char *name, const pyn_gen_sig *s,
                     uint32_t g, uint32_t fn, enum pyn_gen_site site)
{
    pyn_gen_buf_printf(out, "%s%s%s%sval = %s(", indent, pyn_gen_type_c[s->ret], s->ret == PYN_GEN_STR ? "" : " ", name,
                       name);
    for (unsigned i = 0; i < s->nargs; ++i) {
        if (i)
            pyn_gen_buf_puts(out, ", ");
        put_const(out, s->arg[i], pyn_gen_call_arg(c->m, g, fn, site, i, s->arg[i]));
    }
    pyn_gen_buf_printf(out, ");\n%ssum = PYN_STEP(sum, PYN_FOLD_%s(%sval));\n", indent, pyn_gen_type_macro[s->ret],
                       name);
}

/* The original's loop of PYN_GEN_UTIL_CALLS iterations; in a module with
 * utilities each iteration calls the function's utility function. */
static void put_loop(lib_ctx *c, pyn_gen_buf *out, uint32_t j, pyn_gen_buf *scratch)
{
    pyn_gen_buf_printf(out, "    for (loop = 0; loop < %d; loop++) {\n        a = loop;\n", PYN_GEN_UTIL_CALLS);
    if (c->uses_utils) {
        uint32_t ug = c->util_g[j], uf = c->util_f[j];
        pyn_gen_sig s = pyn_gen_fn_sig(c->m, ug, uf);
        pyn_gen_buf_clear(scratch);
        pyn_gen_fn_name(c->m, ug, uf, scratch);
        put_call(c, out, "        ", scratch->data, &s, c->g, j, PYN_GEN_SITE_UTIL);
    }
    pyn_gen_buf_puts(out, "    }\n");
}

static int cmp_util_ref(const void *a, const void *b)
{
    const util_ref *x = a, *y = b;
    if (x->g != y->g)
        return x->g < y->g ? -1 : 1;
    return x->f < y->f ? -1 : x->f > y->f;
}

static void put_prototype(const pyn_gen_model *m, uint32_t g, uint32_t fn, pyn_gen_buf *out, pyn_gen_buf *scratch)
{
    pyn_gen_sig s = pyn_gen_fn_sig(m, g, fn);
    pyn_gen_buf_clear(scratch);
    pyn_gen_fn_name(m, g, fn, scratch);
    pyn_gen_buf_printf(out, "extern %s%s%s(", pyn_gen_type_c[s.ret], s.ret == PYN_GEN_STR ? "" : " ", scratch->data);
    put_params(out, &s, 0);
    pyn_gen_buf_puts(out, ");\n");
}

/* Prototypes of exactly the functions this file calls but does not define
 * (the original included every utility's prototypes in every module, which
 * made each compile several times slower). */
static int put_declarations(const lib_ctx *c, pyn_gen_buf *out, pyn_gen_buf *scratch)
{
    const pyn_gen_model *m = c->m;
    int pred = m->cross_module && pyn_gen_is_module(m, c->g) && c->g > m->nutil;
    if (!c->uses_utils && !pred)
        return 0;
    pyn_gen_buf_puts(out, "/* Defined in other libraries; only what this "
                          "file calls. */\n");
    if (c->uses_utils) {
        util_ref *refs = malloc(sizeof *refs * c->n);
        if (!refs)
            return -ENOMEM;
        for (uint32_t j = 0; j < c->n; ++j)
            refs[j] = (util_ref){c->util_g[j], c->util_f[j]};
        /* Sorted and unique: deterministic, one prototype per callee. */
        qsort(refs, c->n, sizeof *refs, cmp_util_ref);
        for (uint32_t j = 0; j < c->n; ++j)
            if (!j || refs[j].g != refs[j - 1].g || refs[j].f != refs[j - 1].f)
                put_prototype(m, refs[j].g, refs[j].f, out, scratch);
        free(refs);
    }
    if (pred)
        put_prototype(m, c->g - 1, PYN_GEN_FN_EXTERN, out, scratch);
    pyn_gen_buf_putc(out, '\n');
    return 0;
}

static void ctx_free(lib_ctx *c)
{
    pyn_gen_buf_free(&c->names);
    pyn_gen_buf_free(&c->pyname);
    free(c->name_at);
    free(c->sigs);
    free(c->util_g);
    free(c->util_f);
}

static int ctx_init(lib_ctx *c, const pyn_gen_model *m, uint32_t g)
{
    memset(c, 0, sizeof *c);
    c->m = m;
    c->g = g;
    c->n = m->nfuncs[g];
    c->uses_utils = pyn_gen_is_module(m, g) && m->nutil > 0;
    pyn_gen_buf_init(&c->names);
    pyn_gen_buf_init(&c->pyname);
    c->name_at = malloc(sizeof *c->name_at * (c->n + 1));
    c->sigs = malloc(sizeof *c->sigs * (c->n + 1));
    c->util_g = malloc(sizeof *c->util_g * c->n);
    c->util_f = malloc(sizeof *c->util_f * c->n);
    if (!c->name_at || !c->sigs || !c->util_g || !c->util_f)
        return -ENOMEM;
    for (uint32_t j = 0; j <= c->n; ++j) {
        uint32_t fn = j < c->n ? j : PYN_GEN_FN_EXTERN;
        c->name_at[j] = c->names.len;
        pyn_gen_fn_name(m, g, fn, &c->names);
        pyn_gen_buf_putc(&c->names, '\0');
        c->sigs[j] = pyn_gen_fn_sig(m, g, fn);
        if (j < c->n && c->uses_utils)
            pyn_gen_util_target(m, g, j, &c->util_g[j], &c->util_f[j]);
    }
    return pyn_gen_buf_failed(&c->names) ? -ENOMEM : 0;
}

/* Python.h first, as CPython requires (it sets feature macros that the
 * standard headers read). The limited API keeps the object loadable by any
 * CPython from 3.8 on under the plain ".so" suffix. */
static void put_python_include(pyn_gen_buf *out)
{
    pyn_gen_buf_puts(out, "#define Py_LIMITED_API " PYN_GEN_PY_LIMITED_API "\n"
                          "#define PY_SSIZE_T_CLEAN\n"
                          "#include <Python.h>\n");
}

/* The extension module around a library's one Python-callable function
 * fn_name (uint64_t fn_name(void)), exposed as method py_name (ours) and
 * as fn_name (the original's method name: libmodule3.libmodule3_entry(),
 * libmodulebegin.begin_break_here()): `import <lib>` finds the file on
 * sys.path and calls PyInit_<lib>. The C modes load the same object
 * without libpython, so the two Python functions it calls are weak
 * references: null there, and never called. */
static void put_python_module(pyn_gen_buf *out, const char *lib, const char *fn_name, const char *py_name,
                              const char *doc)
{
    pyn_gen_buf_printf(out,
                       "\n/* The CPython extension module %s (import calls PyInit_%s).\n"
                       " * The C modes load this object without libpython: the Python functions\n"
                       " * used here are weak, null there and never called. */\n"
                       "#pragma weak PyModule_Create2\n"
                       "#pragma weak PyLong_FromUnsignedLongLong\n\n",
                       lib, lib);
    pyn_gen_buf_printf(out,
                       "static PyObject *py_%s(PyObject *self, PyObject *unused)\n{\n"
                       "    (void)self;\n    (void)unused;\n"
                       "    return PyLong_FromUnsignedLongLong(%s());\n}\n\n",
                       py_name, fn_name);
    pyn_gen_buf_printf(out,
                       "static PyMethodDef py_methods[] = {\n"
                       "    {\"%s\", py_%s, METH_NOARGS, \"%s\"},\n"
                       "    {\"%s\", py_%s, METH_NOARGS, \"The same as %s(), under the original Pynamic's name.\"},\n"
                       "    {NULL, NULL, 0, NULL},\n};\n\n",
                       py_name, py_name, doc, fn_name, py_name, py_name);
    pyn_gen_buf_printf(
        out,
        "static struct PyModuleDef py_module = {\n"
        "    PyModuleDef_HEAD_INIT, \"%s\", \"pynamic generated module %s\", -1, py_methods, NULL, NULL, "
        "NULL, NULL,\n};\n\n",
        lib, lib);
    pyn_gen_buf_printf(out, "PyMODINIT_FUNC PyInit_%s(void)\n{\n    return PyModule_Create(&py_module);\n}\n", lib);
}

/* The first lines of every generated source: what made it, and its terms
 * (the generator's own: a site may ship a tree it generated). */
static void put_notice(pyn_gen_buf *out)
{
    pyn_gen_buf_printf(out,
                       "/* SPDX-License-Identifier: BSD-3-Clause\n"
                       " * Generated by pynamic-gen %s: do not edit. Under pynamic's licence\n"
                       " * (BSD-3-Clause, the LICENSE file of its source).\n",
                       PYN_GEN_VERSION);
}

static void put_header(const lib_ctx *c, pyn_gen_buf *out)
{
    const pyn_gen_model *m = c->m;
    int module = pyn_gen_is_module(m, c->g);
    put_notice(out);
    pyn_gen_buf_puts(out, " * ");
    pyn_gen_lib_name(m, c->g, out);
    pyn_gen_buf_printf(out,
                       ": %s library, %u functions, call chains of at most "
                       "%u.\n"
                       " * Callees are defined before their callers, so only "
                       "other libraries'\n"
                       " * functions need prototypes. */\n",
                       module ? "module" : "utility", c->n, m->depth);
    if (module)
        put_python_include(out);
    pyn_gen_buf_puts(out, "#include <stdint.h>\n");
    if (m->print)
        pyn_gen_buf_puts(out, "#include <stdio.h>\n");
    pyn_gen_buf_puts(out, "\n#include \"pyn_checksum.h\"\n\n"
                          "#if defined(__GNUC__)\n"
                          "#define PYN_UNUSED __attribute__((unused))\n"
                          "#else\n"
                          "#define PYN_UNUSED\n"
                          "#endif\n\n");
}

/* Function bodies go to a separate buffer first: whether the text array is
 * needed is known only once they are written. */
static int put_body(lib_ctx *c, pyn_gen_buf *out, pyn_gen_buf *scratch)
{
    const pyn_gen_model *m = c->m;
    uint32_t g = c->g;

    /* Reverse order: each function's successor is already defined. */
    for (uint32_t j = c->n; j-- > 0;) {
        const pyn_gen_sig *s = &c->sigs[j];
        put_prologue(c, out, name_of(c, j), s, j, 1);
        put_loop(c, out, j, scratch);
        if (pyn_gen_has_successor(m, g, j))
            put_call(c, out, "    ", name_of(c, j + 1), &c->sigs[j + 1], g, j + 1, PYN_GEN_SITE_INCOMING);
        put_return(c, out, s);
    }
    if (!pyn_gen_is_module(m, g))
        return 0;

    /* The extern: a leaf called by the next module's entry (-e). */
    const pyn_gen_sig *s = &c->sigs[c->n];
    put_prologue(c, out, name_of(c, c->n), s, PYN_GEN_FN_EXTERN, 0);
    put_return(c, out, s);

    /* The entry calls every chain head (and the predecessor's extern) and
     * returns the sum itself: the module's checksum. */
    pyn_gen_buf_clear(scratch);
    pyn_gen_fn_name(m, g, PYN_GEN_FN_ENTRY, scratch);
    pyn_gen_buf_printf(out, "uint64_t %s(void)\n{\n", scratch->data);
    pyn_gen_buf_puts(out, "    uint64_t sum = UINT64_C(");
    pyn_gen_buf_puthex16(out, pyn_gen_fn_const(m, g, PYN_GEN_FN_ENTRY));
    pyn_gen_buf_puts(out, ");\n");
    if (m->print)
        pyn_gen_buf_printf(out, "    puts(\"%s\");\n", scratch->data);
    for (uint32_t head = 0; head < c->n; head += m->depth)
        put_call(c, out, "    ", name_of(c, head), &c->sigs[head], g, head, PYN_GEN_SITE_INCOMING);
    if (m->cross_module && g > m->nutil) {
        pyn_gen_sig ps = pyn_gen_fn_sig(m, g - 1, PYN_GEN_FN_EXTERN);
        pyn_gen_buf_clear(scratch);
        pyn_gen_fn_name(m, g - 1, PYN_GEN_FN_EXTERN, scratch);
        put_call(c, out, "    ", scratch->data, &ps, g - 1, PYN_GEN_FN_EXTERN, PYN_GEN_SITE_INCOMING);
    }
    pyn_gen_buf_puts(out, "    return sum;\n}\n");

    /* entry() from Python: the same function, the same checksum. pyname
     * holds "<lib>\0<lib>_entry\0<docstring>". */
    pyn_gen_buf *pn = &c->pyname;
    pyn_gen_buf_clear(pn);
    pyn_gen_lib_name(m, g, pn);
    size_t fn_at = pn->len + 1;
    pyn_gen_buf_putc(pn, '\0');
    pyn_gen_fn_name(m, g, PYN_GEN_FN_ENTRY, pn);
    size_t doc_at = pn->len + 1;
    pyn_gen_buf_putc(pn, '\0');
    pyn_gen_buf_puts(pn, "Runs ");
    pyn_gen_fn_name(m, g, PYN_GEN_FN_ENTRY, pn);
    pyn_gen_buf_puts(pn, "(): every call chain of the module; returns their checksum.");
    if (pyn_gen_buf_failed(pn))
        return -ENOMEM;
    put_python_module(out, pn->data, pn->data + fn_at, "entry", pn->data + doc_at);
    return 0;
}

int pyn_gen_emit_library(const pyn_gen_model *m, uint32_t g, pyn_gen_buf *out)
{
    lib_ctx c;
    pyn_gen_buf scratch, body;
    pyn_gen_buf_init(&scratch);
    pyn_gen_buf_init(&body);
    int rc = ctx_init(&c, m, g);
    if (rc == 0)
        rc = put_body(&c, &body, &scratch);
    if (rc == 0) {
        put_header(&c, out);
        if (c.uses_text)
            pyn_gen_buf_puts(out, "static char text[] = \"" PYN_GEN_TEXT "\";\n\n");
        rc = put_declarations(&c, out, &scratch);
    }
    if (rc == 0)
        pyn_gen_buf_putn(out, body.data, body.len);
    if (rc == 0 && (pyn_gen_buf_failed(out) || pyn_gen_buf_failed(&body) || pyn_gen_buf_failed(&scratch) ||
                    pyn_gen_buf_failed(&c.pyname)))
        rc = -ENOMEM;
    ctx_free(&c);
    pyn_gen_buf_free(&scratch);
    pyn_gen_buf_free(&body);
    return rc;
}

int pyn_gen_emit_marker(const pyn_gen_marker *mk, pyn_gen_buf *out)
{
    const int begin = mk->role[0] == 'b';
    put_notice(out);
    pyn_gen_buf_printf(out,
                       " * %s: marker module. Its one function, under the original Pynamic's\n"
                       " * name, is called right %s the visit of the modules, so that a debugger\n"
                       " * or tool can stop there:\n"
                       " *   break %s\n"
                       " * It returns how many times it has been called.%s */\n",
                       mk->name, begin ? "before" : "after", mk->function,
                       mk->needs_modules ? "\n * The library has a DT_NEEDED on every module, as the original's: "
                                           "loading\n * it loads the whole tree into one scope."
                                         : "");
    put_python_include(out);
    pyn_gen_buf_puts(out, "#include <stdint.h>\n\n"
                          "#if defined(__GNUC__)\n"
                          "#define PYN_NOINLINE __attribute__((noinline))\n"
                          "#else\n"
                          "#define PYN_NOINLINE\n"
                          "#endif\n\n"
                          "static volatile uint64_t calls;\n\n");
    pyn_gen_buf_printf(out, "PYN_NOINLINE uint64_t %s(void)\n{\n    return ++calls;\n}\n", mk->function);
    pyn_gen_buf doc;
    pyn_gen_buf_init(&doc);
    pyn_gen_buf_printf(&doc, "Called right %s the visit; returns how many times it has been called.",
                       begin ? "before" : "after");
    int rc = pyn_gen_buf_failed(&doc) ? -ENOMEM : 0;
    if (rc == 0)
        put_python_module(out, mk->name, mk->function, "marker", doc.data);
    if (rc == 0 && pyn_gen_buf_failed(out))
        rc = -ENOMEM;
    pyn_gen_buf_free(&doc);
    return rc;
}
