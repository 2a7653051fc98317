/* SPDX-License-Identifier: BSD-3-Clause */
/* libpynamic-audit.so: an rtld-audit library (man 7 rtld-audit) that sees
 * what ld.so does for each object: every candidate path it is about to open
 * (la_objsearch), every object it maps (la_objopen), every symbol it binds
 * for an object (la_symbind64). It records these as events; the runtime
 * turns them into per-phase counts for the generated libraries.
 *
 * Built with no libc (-nostdlib): an auditor linked to libc makes ld.so load
 * a second libc into the audit namespace, whose own search would be counted
 * and whose start-up would change what is measured. So: raw system calls for
 * memory, no stdio, no errno. Loaded through the executable's DT_DEPAUDIT
 * (-Wl,--depaudit), or LD_AUDIT for a program we did not link. */
#define _GNU_SOURCE
#include "pyn_audit_abi.h"

#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define EXPORT __attribute__((visibility("default")))

/* The compiler may emit calls to these for struct copies. */
void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

static long raw_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
    long ret;
#if defined(__x86_64__)
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    ret = x0;
#else
#error "libpynamic-audit: raw system calls are written for x86_64 and aarch64 only"
#endif
    return ret;
}

static void *grow(void *old, size_t old_bytes, size_t new_bytes)
{
    long r = old ? raw_syscall6(SYS_mremap, (long)old, (long)old_bytes, (long)new_bytes, MREMAP_MAYMOVE, 0, 0)
                 : raw_syscall6(SYS_mmap, 0, (long)new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                                -1, 0);
    return (r < 0 && r > -4096) ? NULL : (void *)r;
}

static struct pyn_audit_state state = {
    .magic = PYN_AUDIT_MAGIC,
    .abi_version = PYN_AUDIT_ABI_VERSION,
    .phase = PYN_AUDIT_PHASE_BEFORE_MAIN,
};

static int published;

/* Under the staging directory: a node-local copy, not the shared tree. */
static int is_local(const char *path)
{
    const char *prefix = state.local_prefix;
    if (!prefix)
        return 0;
    for (uint64_t i = 0; i < state.local_prefix_len; ++i)
        if (path[i] != prefix[i]) /* also stops at path's end */
            return 0;
    return 1;
}

static void record(uint32_t kind, const char *path, uint64_t bytes)
{
    if (state.nevents == state.capacity) {
        uint64_t cap = state.capacity ? 2 * state.capacity : 16384;
        void *p = grow(state.events, state.capacity * sizeof *state.events, cap * sizeof *state.events);
        if (!p) {
            state.dropped++;
            return;
        }
        state.events = p;
        state.capacity = cap;
    }
    struct pyn_audit_event *e = &state.events[state.nevents++];
    e->name_hash = pyn_audit_hash(path);
    e->kind = kind | (is_local(path) ? PYN_AUDIT_LOCAL : 0u);
    e->phase = state.phase;
    e->bytes = bytes;
}

/* The dynamic section entry of a tag, or 0. */
static ElfW(Addr) dyn_value(const ElfW(Dyn) *dyn, ElfW(Sxword) tag)
{
    for (; dyn && dyn->d_tag != DT_NULL; ++dyn)
        if (dyn->d_tag == tag)
            return dyn->d_un.d_ptr;
    return 0;
}

static int same_string(const char *a, const char *b)
{
    while (*a && *a == *b)
        ++a, ++b;
    return *a == *b;
}

/* Writes &state into the executable's pyn_audit_link, found by a scan of
 * its dynamic symbols (DT_HASH gives their count: the modes link with
 * --hash-style=both). A program without the symbol gets no counts. ld.so
 * has already relocated DT_SYMTAB/DT_STRTAB entries to addresses here. */
static void publish(struct link_map *main_map)
{
    const ElfW(Dyn) *dyn = main_map->l_ld;
    const ElfW(Sym) *symtab = (const ElfW(Sym) *)dyn_value(dyn, DT_SYMTAB);
    const char *strtab = (const char *)dyn_value(dyn, DT_STRTAB);
    const Elf32_Word *hash = (const Elf32_Word *)dyn_value(dyn, DT_HASH);
    if (!symtab || !strtab || !hash)
        return;
    /* Before relocation the entries may still be link-time addresses. */
    ElfW(Addr) base = main_map->l_addr;
    if ((ElfW(Addr))symtab < base)
        symtab = (const ElfW(Sym) *)((ElfW(Addr))symtab + base), strtab += base,
        hash = (const Elf32_Word *)((ElfW(Addr))hash + base);
    Elf32_Word nsyms = hash[1];
    for (Elf32_Word i = 0; i < nsyms; ++i) {
        const ElfW(Sym) *s = &symtab[i];
        if (s->st_shndx != SHN_UNDEF && same_string(strtab + s->st_name, PYN_AUDIT_LINK_SYMBOL)) {
            *(struct pyn_audit_state **)(base + s->st_value) = &state;
            return;
        }
    }
}

/* File bytes ld.so reads for an object: the first read of its headers
 * (832 bytes in glibc's open_verify) plus every PT_LOAD's file part. */
static uint64_t mapped_bytes(const struct link_map *map)
{
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)map->l_addr;
    if (!eh || eh->e_ident[EI_MAG0] != ELFMAG0 || eh->e_ident[EI_MAG1] != ELFMAG1 ||
        eh->e_ident[EI_MAG2] != ELFMAG2 || eh->e_ident[EI_MAG3] != ELFMAG3)
        return 0;
    const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(map->l_addr + eh->e_phoff);
    uint64_t bytes = 832;
    for (int i = 0; i < eh->e_phnum; ++i)
        if (ph[i].p_type == PT_LOAD)
            bytes += ph[i].p_filesz;
    return bytes;
}

EXPORT unsigned int la_version(unsigned int version)
{
    return version < LAV_CURRENT ? version : LAV_CURRENT;
}

/* The path cache's answer for a bare name, or NULL (binary search by hash). */
static const char *map_lookup(const char *name)
{
    const struct pyn_audit_map_entry *map = state.map;
    if (!map)
        return 0;
    uint64_t h = pyn_audit_hash(name), lo = 0, hi = state.map_len;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (map[mid].name_hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < state.map_len && map[lo].name_hash == h; ++lo)
        if (same_string(map[lo].name, name))
            return map[lo].path;
    return 0;
}

EXPORT char *la_objsearch(const char *name, uintptr_t *cookie, unsigned int flag)
{
    (void)cookie;
    if (flag == LA_SER_ORIG) {
        state.searches++;
        /* A cached name: ld.so opens the returned path as it is, no search. */
        const char *cached = map_lookup(name);
        if (cached) {
            record(PYN_AUDIT_PROBE, cached, 0);
            return (char *)cached;
        }
        /* A name with a slash is opened as it is, without a search. */
        for (const char *p = name; *p; ++p)
            if (*p == '/') {
                record(PYN_AUDIT_PROBE, name, 0);
                break;
            }
    } else {
        record(PYN_AUDIT_PROBE, name, 0);
    }
    return (char *)name;
}

EXPORT unsigned int la_objopen(struct link_map *map, Lmid_t lmid, uintptr_t *cookie)
{
    int is_main = !published && lmid == LM_ID_BASE && map->l_name && map->l_name[0] == '\0';
    if (is_main) {
        published = 1;
        publish(map);
    }
    if (!is_main && map->l_name)
        record(PYN_AUDIT_OPEN, map->l_name, mapped_bytes(map));
    *cookie = 0;
    if (state.nobjects == state.object_capacity) {
        uint64_t cap = state.object_capacity ? 2 * state.object_capacity : 1024;
        void *p = grow(state.objects, state.object_capacity * sizeof *state.objects, cap * sizeof *state.objects);
        if (!p) {
            state.objects_dropped++;
            return LA_FLG_BINDTO | LA_FLG_BINDFROM;
        }
        state.objects = p;
        state.object_capacity = cap;
    }
    struct pyn_audit_object *o = &state.objects[state.nobjects++];
    o->name_hash = pyn_audit_hash(map->l_name ? map->l_name : "");
    for (unsigned i = 0; i < PYN_AUDIT_MAX_PHASES; ++i)
        o->bindings_from[i] = 0;
    *cookie = (uintptr_t)state.nobjects; /* index + 1 */
    return LA_FLG_BINDTO | LA_FLG_BINDFROM;
}

EXPORT uintptr_t la_symbind64(Elf64_Sym *sym, unsigned int ndx, uintptr_t *refcook, uintptr_t *defcook,
                              unsigned int *flags, const char *symname)
{
    (void)ndx, (void)defcook, (void)flags, (void)symname;
    uintptr_t i = *refcook;
    if (i > 0 && i <= state.nobjects)
        __atomic_fetch_add(&state.objects[i - 1].bindings_from[pyn_audit_phase_slot(state.phase)], 1,
                           __ATOMIC_RELAXED);
    return sym->st_value;
}
