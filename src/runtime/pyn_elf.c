/* SPDX-License-Identifier: BSD-3-Clause */
/* Section-header reading. Every offset and count in a file is checked
 * against the file's size before it is used: a truncated or hostile file
 * gives an error, never a read out of bounds or a huge allocation. */
#define _GNU_SOURCE
#include "pyn_elf.h"

#include "pyn_tool.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIELD(key, label, unit)                                                                                        \
    {                                                                                                                  \
#key, label, unit, offsetof(struct pyn_elf_sizes, key)                                                         \
    }
const struct pyn_elf_field pyn_elf_fields[] = {
    FIELD(files, "files", PYN_ELF_COUNT),
    FIELD(file_bytes, "file", PYN_ELF_BYTES),
    FIELD(text_bytes, "text", PYN_ELF_BYTES),
    FIELD(data_bytes, "data", PYN_ELF_BYTES),
    FIELD(debug_bytes, "debug", PYN_ELF_BYTES),
    FIELD(symtab_bytes, "symtab", PYN_ELF_BYTES),
    FIELD(strtab_bytes, "strtab", PYN_ELF_BYTES),
    FIELD(dynsym_bytes, "dynsym", PYN_ELF_BYTES),
    FIELD(dynstr_bytes, "dynstr", PYN_ELF_BYTES),
    FIELD(rela_plt_bytes, "rela.plt", PYN_ELF_BYTES),
    FIELD(symbols, "symbols", PYN_ELF_COUNT),
    FIELD(dynamic_symbols, "dynsyms", PYN_ELF_COUNT),
    FIELD(plt_relocations, "plt-relocs", PYN_ELF_COUNT),
    FIELD(dynamic_relocations, "dyn-relocs", PYN_ELF_COUNT),
    FIELD(needed, "needed", PYN_ELF_COUNT),
};
#undef FIELD
const size_t pyn_elf_field_count = sizeof pyn_elf_fields / sizeof pyn_elf_fields[0];

/* Bounds on what a section header table may ask us to allocate. */
enum { MAX_SECTIONS = 1 << 20, MAX_NAMES_BYTES = 64 << 20, MAX_DYNAMIC_BYTES = 16 << 20 };

/* A section header in the widest form; 32-bit files are widened into it. */
struct section {
    uint32_t name, type;
    uint64_t flags, offset, size, entsize, link;
};

struct elf_file {
    const char *path;
    int fd;
    uint64_t size;
    int is64;
    char *err;
    size_t errlen;
};

static int fail(struct elf_file *f, int rc, const char *fmt, const char *detail)
{
    char what[256];
    snprintf(what, sizeof what, fmt, detail);
    pyn_format_middle(f->err, f->errlen, "%s: %s", f->path, what);
    return rc;
}

/* Reads exactly len bytes at off, which the caller has checked lie in the file. */
static int read_at(struct elf_file *f, void *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(f->fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(f, -errno, "pread: %s", strerror(errno));
        if (n == 0)
            return fail(f, -EIO, "%s", "pread: unexpected end of file (was it truncated while being read?)");
        done += (size_t)n;
    }
    return 0;
}

static int in_file(const struct elf_file *f, uint64_t off, uint64_t len)
{
    return off <= f->size && len <= f->size - off;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int is_data_section(const char *name)
{
    static const char *const prefixes[] = {".data", ".rodata", ".bss", ".tdata", ".tbss"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; ++i) {
        size_t n = strlen(prefixes[i]);
        /* ".data" and ".data.rel.ro", not ".datafoo" */
        if (strncmp(name, prefixes[i], n) == 0 && (name[n] == '\0' || name[n] == '.'))
            return 1;
    }
    return 0;
}

static int read_sections(struct elf_file *f, struct section **out, size_t *count, size_t *names_index)
{
    unsigned char ident[EI_NIDENT];
    if (f->size < EI_NIDENT)
        return fail(f, -ENOEXEC, "%s", "not an ELF file (too short)");
    int rc = read_at(f, ident, sizeof ident, 0);
    if (rc)
        return rc;
    if (memcmp(ident, ELFMAG, SELFMAG) != 0)
        return fail(f, -ENOEXEC, "%s", "not an ELF file (no ELF magic number)");
    if (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64)
        return fail(f, -ENOEXEC, "%s", "unknown ELF class");
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const unsigned char native = ELFDATA2LSB;
#else
    const unsigned char native = ELFDATA2MSB;
#endif
    if (ident[EI_DATA] != native)
        return fail(f, -ENOEXEC, "%s", "ELF byte order differs from this host's (not supported)");
    f->is64 = ident[EI_CLASS] == ELFCLASS64;

    uint64_t shoff;
    uint32_t shentsize, shnum, shstrndx;
    if (f->is64) {
        Elf64_Ehdr eh;
        if (!in_file(f, 0, sizeof eh))
            return fail(f, -ENOEXEC, "%s", "truncated ELF header");
        if ((rc = read_at(f, &eh, sizeof eh, 0)))
            return rc;
        shoff = eh.e_shoff, shentsize = eh.e_shentsize, shnum = eh.e_shnum, shstrndx = eh.e_shstrndx;
    } else {
        Elf32_Ehdr eh;
        if (!in_file(f, 0, sizeof eh))
            return fail(f, -ENOEXEC, "%s", "truncated ELF header");
        if ((rc = read_at(f, &eh, sizeof eh, 0)))
            return rc;
        shoff = eh.e_shoff, shentsize = eh.e_shentsize, shnum = eh.e_shnum, shstrndx = eh.e_shstrndx;
    }
    size_t entsize = f->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
    if (shoff == 0)
        return fail(f, -ENOEXEC, "%s", "no section header table (stripped of section headers?)");
    if (shentsize != entsize)
        return fail(f, -ENOEXEC, "%s", "section header entry size does not match the ELF class");

    /* Section 0 holds the real count and string-table index when they overflow the header's fields. */
    unsigned char raw0[sizeof(Elf64_Shdr)];
    if (!in_file(f, shoff, entsize))
        return fail(f, -ENOEXEC, "%s", "section header table lies beyond the end of the file (truncated?)");
    if ((rc = read_at(f, raw0, entsize, shoff)))
        return rc;
    uint64_t size0 = f->is64 ? ((Elf64_Shdr *)(void *)raw0)->sh_size : ((Elf32_Shdr *)(void *)raw0)->sh_size;
    uint32_t link0 = f->is64 ? ((Elf64_Shdr *)(void *)raw0)->sh_link : ((Elf32_Shdr *)(void *)raw0)->sh_link;
    uint64_t n = shnum ? shnum : size0;
    if (shstrndx == SHN_XINDEX)
        shstrndx = link0;
    if (n == 0 || n > MAX_SECTIONS)
        return fail(f, -ENOEXEC, "%s", "implausible number of sections");
    if (!in_file(f, shoff, n * entsize))
        return fail(f, -ENOEXEC, "%s", "section header table lies beyond the end of the file (truncated?)");
    if (shstrndx == SHN_UNDEF || shstrndx >= n)
        return fail(f, -ENOEXEC, "%s", "no valid section name table");

    unsigned char *raw = malloc((size_t)(n * entsize));
    struct section *s = calloc((size_t)n, sizeof *s);
    if (!raw || !s) {
        free(raw);
        free(s);
        return fail(f, -ENOMEM, "%s", "out of memory for the section headers");
    }
    if ((rc = read_at(f, raw, (size_t)(n * entsize), shoff))) {
        free(raw);
        free(s);
        return rc;
    }
    for (size_t i = 0; i < n; ++i) {
        if (f->is64) {
            Elf64_Shdr h;
            memcpy(&h, raw + i * entsize, sizeof h);
            s[i] = (struct section){h.sh_name, h.sh_type, h.sh_flags, h.sh_offset, h.sh_size, h.sh_entsize, h.sh_link};
        } else {
            Elf32_Shdr h;
            memcpy(&h, raw + i * entsize, sizeof h);
            s[i] = (struct section){h.sh_name, h.sh_type, h.sh_flags, h.sh_offset, h.sh_size, h.sh_entsize, h.sh_link};
        }
    }
    free(raw);
    *out = s;
    *count = (size_t)n;
    *names_index = shstrndx;
    return 0;
}

/* Reads a whole section (bounded) into a malloc'd, NUL-terminated buffer. */
static int read_section(struct elf_file *f, const struct section *sec, uint64_t max, const char *what, char **out)
{
    if (sec->type == SHT_NOBITS || !in_file(f, sec->offset, sec->size))
        return fail(f, -ENOEXEC, "%s lies beyond the end of the file (truncated?)", what);
    if (sec->size > max)
        return fail(f, -ENOEXEC, "%s is implausibly large", what);
    char *buf = malloc((size_t)sec->size + 1);
    if (!buf)
        return fail(f, -ENOMEM, "out of memory for %s", what);
    int rc = read_at(f, buf, (size_t)sec->size, sec->offset);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[sec->size] = '\0';
    *out = buf;
    return 0;
}

static uint64_t entries(const struct section *sec, uint64_t natural)
{
    uint64_t e = sec->entsize ? sec->entsize : natural;
    return sec->size / e;
}

static int count_needed(struct elf_file *f, const struct section *sec, uint64_t *needed)
{
    char *buf = NULL;
    int rc = read_section(f, sec, MAX_DYNAMIC_BYTES, "the .dynamic section", &buf);
    if (rc)
        return rc;
    size_t esz = f->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
    for (uint64_t off = 0; off + esz <= sec->size; off += esz) {
        int64_t tag;
        if (f->is64) {
            Elf64_Dyn d;
            memcpy(&d, buf + off, sizeof d);
            tag = d.d_tag;
        } else {
            Elf32_Dyn d;
            memcpy(&d, buf + off, sizeof d);
            tag = d.d_tag;
        }
        if (tag == DT_NULL)
            break;
        *needed += tag == DT_NEEDED;
    }
    free(buf);
    return 0;
}

static int classify(struct elf_file *f, const struct section *s, size_t n, size_t names_index,
                    struct pyn_elf_sizes *out)
{
    char *names = NULL;
    int rc = read_section(f, &s[names_index], MAX_NAMES_BYTES, "the section name table", &names);
    if (rc)
        return rc;
    uint64_t names_size = s[names_index].size;
    int is64 = f->is64;
    for (size_t i = 1; i < n && rc == 0; ++i) {
        const struct section *sec = &s[i];
        const char *name = sec->name < names_size ? names + sec->name : "";
        if (strcmp(name, ".text") == 0)
            out->text_bytes += sec->size;
        else if (is_data_section(name))
            out->data_bytes += sec->size;
        else if (starts_with(name, ".debug") || starts_with(name, ".zdebug"))
            out->debug_bytes += sec->size;
        else if (sec->type == SHT_SYMTAB) {
            out->symtab_bytes += sec->size;
            out->symbols += entries(sec, is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym));
        } else if (sec->type == SHT_DYNSYM) {
            out->dynsym_bytes += sec->size;
            out->dynamic_symbols += entries(sec, is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym));
        } else if (strcmp(name, ".strtab") == 0)
            out->strtab_bytes += sec->size;
        else if (strcmp(name, ".dynstr") == 0)
            out->dynstr_bytes += sec->size;
        else if (strcmp(name, ".rela.plt") == 0 || strcmp(name, ".rel.plt") == 0) {
            uint64_t natural = sec->type == SHT_RELA ? (is64 ? sizeof(Elf64_Rela) : sizeof(Elf32_Rela))
                                                     : (is64 ? sizeof(Elf64_Rel) : sizeof(Elf32_Rel));
            out->rela_plt_bytes += sec->size;
            out->plt_relocations += entries(sec, natural);
        } else if (strcmp(name, ".rela.dyn") == 0 || strcmp(name, ".rel.dyn") == 0) {
            uint64_t natural = sec->type == SHT_RELA ? (is64 ? sizeof(Elf64_Rela) : sizeof(Elf32_Rela))
                                                     : (is64 ? sizeof(Elf64_Rel) : sizeof(Elf32_Rel));
            out->dynamic_relocations += entries(sec, natural);
        } else if (sec->type == SHT_DYNAMIC)
            rc = count_needed(f, sec, &out->needed);
    }
    free(names);
    return rc;
}

int pyn_elf_read(const char *path, struct pyn_elf_sizes *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct elf_file f = {.path = path, .fd = -1, .err = err, .errlen = errlen};
    f.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f.fd < 0)
        return fail(&f, -errno, "open: %s", strerror(errno));
    struct stat st;
    int rc;
    if (fstat(f.fd, &st) != 0)
        rc = fail(&f, -errno, "fstat: %s", strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = fail(&f, -EINVAL, "%s", "not a regular file");
    else {
        struct section *s = NULL;
        size_t n = 0, names_index = 0;
        f.size = (uint64_t)st.st_size;
        rc = read_sections(&f, &s, &n, &names_index);
        if (rc == 0)
            rc = classify(&f, s, n, names_index, out);
        free(s);
        out->file_bytes = f.size;
        out->files = 1;
    }
    close(f.fd);
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}

void pyn_elf_add(struct pyn_elf_sizes *sum, const struct pyn_elf_sizes *x)
{
    for (size_t i = 0; i < pyn_elf_field_count; ++i) {
        uint64_t *p = (uint64_t *)(void *)((char *)sum + pyn_elf_fields[i].offset);
        *p += pyn_elf_field_value(x, &pyn_elf_fields[i]);
    }
}

int pyn_elf_read_tree(const struct pyn_manifest *m, const char *library_dir, struct pyn_elf_tree *out,
                      struct pyn_elf_sizes *each, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    size_t n = m->nlibraries + m->nmarkers;
    for (size_t i = 0; i < n; ++i) {
        const struct pyn_library *lib = i < m->nlibraries ? &m->libraries[i] : &m->markers[i - m->nlibraries];
        char *path = NULL;
        if (asprintf(&path, "%s/%s", library_dir, lib->file) < 0) {
            pyn_format_middle(err, errlen, "%s: out of memory", lib->file);
            return -ENOMEM;
        }
        struct pyn_elf_sizes s;
        int rc = pyn_elf_read(path, &s, err, errlen);
        free(path);
        if (rc)
            return rc;
        if (each)
            each[i] = s;
        pyn_elf_add(lib->kind == PYN_LIBRARY_UTILITY  ? &out->utilities
                    : lib->kind == PYN_LIBRARY_MODULE ? &out->modules
                                                      : &out->markers,
                    &s);
        pyn_elf_add(&out->libraries, &s);
    }
    return 0;
}
