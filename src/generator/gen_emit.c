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
    unsigned mixed_types; /* bit t: the body folds a value of type t */
    int uses_text;        /* the body refers to the text array */
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

/* "int a0, char *a1" or "void". */
static void put_params(pyn_gen_buf *out, const pyn_gen_sig *s, int named)
{
    if (s->nargs == 0) {
        pyn_gen_buf_puts(out, "void");
        return;
    }
    for (unsigned i = 0; i < s->nargs; ++i) {
        if (i)
            pyn_gen_buf_puts(out, ", ");
        pyn_gen_buf_puts(out, pyn_gen_type_c[s->arg[i]]);
        if (named) {
            const char *t = pyn_gen_type_c[s->arg[i]];
            if (t[strlen(t) - 1] != '*')
                pyn_gen_buf_putc(out, ' ');
            pyn_gen_buf_putc(out, 'a');
            pyn_gen_buf_putu(out, i);
        }
    }
}

/* A function's definition line and its first statements: the optional
 * print, then the starting constant with every argument folded in, as one
 * nested expression (one line-table row and one variable location instead
 * of one per argument). */
static void put_prologue(lib_ctx *c, pyn_gen_buf *out, const char *name, const pyn_gen_sig *s, uint32_t fn)
{
    pyn_gen_buf_puts(out, pyn_gen_type_c[s->ret]);
    if (s->ret != PYN_GEN_STR)
        pyn_gen_buf_putc(out, ' ');
    pyn_gen_buf_puts(out, name);
    pyn_gen_buf_putc(out, '(');
    put_params(out, s, 1);
    pyn_gen_buf_puts(out, ")\n{\n");
    if (c->m->print)
        pyn_gen_buf_printf(out, "    puts(\"%s\");\n", name);
    pyn_gen_buf_puts(out, "    uint64_t h = ");
    for (unsigned i = s->nargs; i-- > 0;) {
        pyn_gen_buf_printf(out, "mix_%s(", pyn_gen_type_suffix[s->arg[i]]);
        c->mixed_types |= 1u << s->arg[i];
    }
    pyn_gen_buf_puts(out, "UINT64_C(");
    pyn_gen_buf_puthex16(out, pyn_gen_fn_const(c->m, c->g, fn));
    pyn_gen_buf_putc(out, ')');
    for (unsigned i = 0; i < s->nargs; ++i)
        pyn_gen_buf_printf(out, ", a%u)", i);
    pyn_gen_buf_puts(out, ";\n");
}

static void put_return(lib_ctx *c, pyn_gen_buf *out, const pyn_gen_sig *s)
{
    if (s->ret == PYN_GEN_STR) {
        c->uses_text = 1;
        pyn_gen_buf_puts(out, "    return pyn_ret_str(h, text);\n}\n\n");
    } else {
        pyn_gen_buf_printf(out, "    return pyn_ret_%s(h);\n}\n\n", pyn_gen_type_suffix[s->ret]);
    }
}

/* "    h = mix_<ret>(h, <name>(<constants>));" for the one
 * call of (callee_g, callee_fn), whose constants the model keys by the
 * callee. */
static void put_incoming_call(lib_ctx *c, pyn_gen_buf *out, const char *name, const pyn_gen_sig *s, uint32_t callee_g,
                              uint32_t callee_fn)
{
    pyn_gen_buf_printf(out, "    h = mix_%s(h, %s(", pyn_gen_type_suffix[s->ret], name);
    c->mixed_types |= 1u << s->ret;
    for (unsigned i = 0; i < s->nargs; ++i) {
        if (i)
            pyn_gen_buf_puts(out, ", ");
        put_const(out, s->arg[i], pyn_gen_call_arg(c->m, callee_g, callee_fn, PYN_GEN_SITE_INCOMING, i, s->arg[i]));
    }
    pyn_gen_buf_puts(out, "));\n");
}

static void put_util_loop(lib_ctx *c, pyn_gen_buf *out, uint32_t j, pyn_gen_buf *scratch)
{
    uint32_t ug = c->util_g[j], uf = c->util_f[j];
    pyn_gen_sig s = pyn_gen_fn_sig(c->m, ug, uf);
    pyn_gen_buf_clear(scratch);
    pyn_gen_fn_name(c->m, ug, uf, scratch);
    pyn_gen_buf_printf(out,
                       "    for (int k = 0; k < %d; ++k)\n"
                       "        h = mix_%s(h, %s(",
                       PYN_GEN_UTIL_CALLS, pyn_gen_type_suffix[s.ret], scratch->data);
    c->mixed_types |= 1u << s.ret;
    for (unsigned i = 0; i < s.nargs; ++i) {
        if (i) {
            pyn_gen_buf_puts(out, ", ");
            put_const(out, s.arg[i], pyn_gen_call_arg(c->m, c->g, j, PYN_GEN_SITE_UTIL, i, s.arg[i]));
            continue;
        }
        static const char *const loop_arg[PYN_GEN_NTYPES] = {"k", "(long)k", "(float)k", "(double)k", "text + k"};
        pyn_gen_buf_puts(out, loop_arg[s.arg[0]]);
        if (s.arg[0] == PYN_GEN_STR)
            c->uses_text = 1;
    }
    pyn_gen_buf_puts(out, "));\n");
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
 * fn_name (uint64_t fn_name(void)), exposed as method py_name: `import
 * <lib>` finds the file on sys.path and calls PyInit_<lib>. The C modes
 * load the same object without libpython, so the two Python functions it
 * calls are weak references: null there, and never called. */
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
                       "    {NULL, NULL, 0, NULL},\n};\n\n",
                       py_name, py_name, doc);
    pyn_gen_buf_printf(
        out,
        "static struct PyModuleDef py_module = {\n"
        "    PyModuleDef_HEAD_INIT, \"%s\", \"pynamic generated module %s\", -1, py_methods, NULL, NULL, "
        "NULL, NULL,\n};\n\n",
        lib, lib);
    pyn_gen_buf_printf(out, "PyMODINIT_FUNC PyInit_%s(void)\n{\n    return PyModule_Create(&py_module);\n}\n", lib);
}

static void put_header(const lib_ctx *c, pyn_gen_buf *out)
{
    const pyn_gen_model *m = c->m;
    int module = pyn_gen_is_module(m, c->g);
    pyn_gen_buf_printf(out, "/* Generated by pynamic-gen %s: do not edit.\n", PYN_GEN_VERSION);
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
    pyn_gen_buf_puts(out, "\n#include \"pyn_checksum.h\"\n\n");
}

/* One out-of-line fold per type, defined in every file (static) and kept
 * out of line on purpose: inlining pyn_mix at each of the ~4 folds of every
 * function made the objects' text 1.6 times and their debug information 3
 * times the original Pynamic's, and each compile twice as slow. Only the
 * types the file folds are defined, so that no -Wunused-function fires. */
static void put_helpers(const lib_ctx *c, pyn_gen_buf *out)
{
    pyn_gen_buf_puts(out, "/* Folds kept out of line: the objects' size "
                          "stays near the original's. */\n"
                          "#if defined(__GNUC__)\n"
                          "#define PYN_NOINLINE __attribute__((noinline))\n"
                          "#else\n"
                          "#define PYN_NOINLINE\n"
                          "#endif\n\n");
    for (unsigned t = 0; t < PYN_GEN_NTYPES; ++t) {
        if (!(c->mixed_types & 1u << t))
            continue;
        const char *suffix = pyn_gen_type_suffix[t];
        pyn_gen_buf_printf(out,
                           "static PYN_NOINLINE uint64_t mix_%s(uint64_t h, "
                           "%s%s%sv)\n{\n    return pyn_mix(h, pyn_fold_%s(v));"
                           "\n}\n\n",
                           suffix, t == PYN_GEN_STR ? "const " : "", pyn_gen_type_c[t], t == PYN_GEN_STR ? "" : " ",
                           suffix);
    }
}

/* Function bodies go to a separate buffer first: which helpers and whether
 * the text array are needed is known only once they are written. */
static int put_body(lib_ctx *c, pyn_gen_buf *out, pyn_gen_buf *scratch)
{
    const pyn_gen_model *m = c->m;
    uint32_t g = c->g;

    /* Reverse order: each function's successor is already defined. */
    for (uint32_t j = c->n; j-- > 0;) {
        const pyn_gen_sig *s = &c->sigs[j];
        put_prologue(c, out, name_of(c, j), s, j);
        if (c->uses_utils)
            put_util_loop(c, out, j, scratch);
        if (pyn_gen_has_successor(m, g, j))
            put_incoming_call(c, out, name_of(c, j + 1), &c->sigs[j + 1], g, j + 1);
        put_return(c, out, s);
    }
    if (!pyn_gen_is_module(m, g))
        return 0;

    /* The extern: a leaf called by the next module's entry (-e). */
    const pyn_gen_sig *s = &c->sigs[c->n];
    put_prologue(c, out, name_of(c, c->n), s, PYN_GEN_FN_EXTERN);
    put_return(c, out, s);

    pyn_gen_buf_clear(scratch);
    pyn_gen_fn_name(m, g, PYN_GEN_FN_ENTRY, scratch);
    pyn_gen_buf_printf(out, "uint64_t %s(void)\n{\n", scratch->data);
    if (m->print)
        pyn_gen_buf_printf(out, "    puts(\"%s\");\n", scratch->data);
    pyn_gen_buf_puts(out, "    uint64_t h = UINT64_C(");
    pyn_gen_buf_puthex16(out, pyn_gen_fn_const(m, g, PYN_GEN_FN_ENTRY));
    pyn_gen_buf_puts(out, ");\n");
    for (uint32_t head = 0; head < c->n; head += m->depth)
        put_incoming_call(c, out, name_of(c, head), &c->sigs[head], g, head);
    if (m->cross_module && g > m->nutil) {
        pyn_gen_sig ps = pyn_gen_fn_sig(m, g - 1, PYN_GEN_FN_EXTERN);
        pyn_gen_buf_clear(scratch);
        pyn_gen_fn_name(m, g - 1, PYN_GEN_FN_EXTERN, scratch);
        put_incoming_call(c, out, scratch->data, &ps, g - 1, PYN_GEN_FN_EXTERN);
    }
    pyn_gen_buf_puts(out, "    return h;\n}\n");

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
        put_helpers(&c, out);
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
    pyn_gen_buf_printf(out, "/* Generated by pynamic-gen %s: do not edit.\n", PYN_GEN_VERSION);
    pyn_gen_buf_printf(out,
                       " * %s: marker module. Its one function is called right %s\n"
                       " * the visit of the modules, so that a debugger or tool can stop there:\n"
                       " *   break %s_marker\n"
                       " * It returns how many times it has been called. */\n",
                       mk->name, begin ? "before" : "after", mk->name);
    put_python_include(out);
    pyn_gen_buf_puts(out, "#include <stdint.h>\n\n"
                          "#if defined(__GNUC__)\n"
                          "#define PYN_NOINLINE __attribute__((noinline))\n"
                          "#else\n"
                          "#define PYN_NOINLINE\n"
                          "#endif\n\n"
                          "static uint64_t calls;\n\n");
    pyn_gen_buf_printf(out, "PYN_NOINLINE uint64_t %s_marker(void)\n{\n    return ++calls;\n}\n", mk->name);
    pyn_gen_buf doc, fn;
    pyn_gen_buf_init(&doc);
    pyn_gen_buf_init(&fn);
    pyn_gen_buf_printf(&fn, "%s_marker", mk->name);
    pyn_gen_buf_printf(&doc, "Called right %s the visit; returns how many times it has been called.",
                       begin ? "before" : "after");
    int rc = pyn_gen_buf_failed(&doc) || pyn_gen_buf_failed(&fn) ? -ENOMEM : 0;
    if (rc == 0)
        put_python_module(out, mk->name, fn.data, "marker", doc.data);
    if (rc == 0 && pyn_gen_buf_failed(out))
        rc = -ENOMEM;
    pyn_gen_buf_free(&doc);
    pyn_gen_buf_free(&fn);
    return rc;
}
