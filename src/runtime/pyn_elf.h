/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_elf.h: the static sizes of ELF files (what the original's
 * get-symtab-sizes printed), read from their section headers with libc and
 * <elf.h> only: nothing is mapped or loaded, and a file is read in a few
 * small pread() calls whatever its size.
 *
 * What each size counts (docs/report.md, "Static sizes"):
 *   file_bytes      the file's size on disk (st_size)
 *   text_bytes      the .text section
 *   data_bytes      .data*, .rodata*, .bss*, .tdata, .tbss (memory size: .bss takes no file bytes)
 *   debug_bytes     every .debug_* and .zdebug_* section
 *   symtab_bytes    the static symbol table (SHT_SYMTAB); strtab_bytes its string table (.strtab)
 *   dynsym_bytes    the dynamic symbol table (SHT_DYNSYM); dynstr_bytes its string table (.dynstr)
 *   rela_plt_bytes  .rela.plt (or .rel.plt): the PLT relocations
 * and the counts: symbols (.symtab entries), dynamic_symbols (.dynsym entries),
 * plt_relocations and dynamic_relocations (.rela.plt and .rela.dyn entries)
 * and needed (DT_NEEDED entries of .dynamic). */
#ifndef PYN_ELF_H
#define PYN_ELF_H

#include "pyn_manifest.h"

#include <stddef.h>
#include <stdint.h>

struct pyn_elf_sizes {
    uint64_t files; /* how many files are summed here (1 for one file) */
    uint64_t file_bytes, text_bytes, data_bytes, debug_bytes;
    uint64_t symtab_bytes, strtab_bytes, dynsym_bytes, dynstr_bytes, rela_plt_bytes;
    uint64_t symbols, dynamic_symbols, plt_relocations, dynamic_relocations, needed;
};

enum pyn_elf_unit { PYN_ELF_BYTES, PYN_ELF_COUNT };

/* One row of the field table that every writer iterates: JSON key, short
 * label for tables, unit and where the value lives in struct pyn_elf_sizes. */
struct pyn_elf_field {
    const char *key;   /* "text_bytes" */
    const char *label; /* "text" */
    enum pyn_elf_unit unit;
    size_t offset;
};

/* Every field of struct pyn_elf_sizes, files first, in report order. */
extern const struct pyn_elf_field pyn_elf_fields[];
extern const size_t pyn_elf_field_count;

static inline uint64_t pyn_elf_field_value(const struct pyn_elf_sizes *s, const struct pyn_elf_field *f)
{
    return *(const uint64_t *)(const void *)((const char *)s + f->offset);
}

/* Reads the section headers of the ELF file at path (32- or 64-bit, this
 * host's byte order) into *out, with out->files = 1. Returns 0, or a negative
 * errno with one line in err naming the file, the failing call or check and
 * the reason ("<path>: open: No such file or directory", "<path>: not an ELF
 * file"). *out is zeroed on failure. */
int pyn_elf_read(const char *path, struct pyn_elf_sizes *out, char *err, size_t errlen);

/* sum += x, field by field (files included). */
void pyn_elf_add(struct pyn_elf_sizes *sum, const struct pyn_elf_sizes *x);

/* The sizes of a generated tree: its utility libraries, its modules, its
 * marker modules (libmodulebegin/libmodulefinal, when the manifest has
 * them), and all of them together (every generated shared object). */
struct pyn_elf_tree {
    struct pyn_elf_sizes utilities, modules, markers, libraries;
};

/* Reads every library the manifest names (its libraries, then its markers)
 * from library_dir and sums them into *out. When each is not NULL it
 * receives every file's own sizes in that order (m->nlibraries +
 * m->nmarkers entries). Returns 0, or the first file's error (negative
 * errno, one line in err); *out then holds the files read before it. */
int pyn_elf_read_tree(const struct pyn_manifest *m, const char *library_dir, struct pyn_elf_tree *out,
                      struct pyn_elf_sizes *each, char *err, size_t errlen);

#endif
