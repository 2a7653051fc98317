/* SPDX-License-Identifier: BSD-3-Clause */
/* libpynamic-audit.so: an rtld-audit library (man 7 rtld-audit) that sees
 * what ld.so does for each object: every candidate path it is about to
 * open (la_objsearch), every object it
 * maps (la_objopen), the moment every new object is mapped
 * (la_activity LA_ACT_CONSISTENT) and the start-up's last step before main
 * (la_preinit). It records these as timed events; the runtime turns them
 * into per-phase counts and the loading time's split for the generated
 * libraries (docs/metrics.md). It is on only in a run with --audit
 * (audit_asked): any auditor slows what it measures.
 *
 * Built with -DPYN_AUDIT_BINDINGS it is libpynamic-audit-bindings.so
 * instead, the opt-in binding counter: la_objopen and la_symbind64 only,
 * loaded with LD_AUDIT beside the default one. It is apart because defining
 * la_symbind64 at all changes what ld.so does for every object.
 *
 * Built with no libc (-nostdlib): an auditor linked to libc makes ld.so load
 * a second libc into the audit namespace, whose own search would be counted
 * and whose start-up would change what is measured. So: raw system calls for
 * memory and (until the vDSO is found) the clock, no stdio, no errno. Loaded
 * through the executable's DT_DEPAUDIT (-Wl,--depaudit), or LD_AUDIT for a
 * program we did not link. */
#define _GNU_SOURCE
#include "pyn_audit_abi.h"

#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
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
    long r =
        old ? raw_syscall6(SYS_mremap, (long)old, (long)old_bytes, (long)new_bytes, MREMAP_MAYMOVE, 0, 0)
            : raw_syscall6(SYS_mmap, 0, (long)new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return (r < 0 && r > -4096) ? NULL : (void *)r;
}

#ifdef PYN_AUDIT_BINDINGS
#define LINK_SYMBOL PYN_AUDIT_BINDINGS_LINK_SYMBOL
#else
#define LINK_SYMBOL PYN_AUDIT_LINK_SYMBOL
#endif

static struct pyn_audit_state state = {
    .magic = PYN_AUDIT_MAGIC,
    .abi_version = PYN_AUDIT_ABI_VERSION,
    .phase = PYN_AUDIT_PHASE_BEFORE_MAIN,
};

static int published;

#ifndef PYN_AUDIT_BINDINGS

/* --- the clock: CLOCK_MONOTONIC, as the runtime's phase clock ------------------------------------------------- */

struct kernel_timespec {
    long tv_sec, tv_nsec;
};
#define MONOTONIC 1 /* CLOCK_MONOTONIC */

/* The vDSO's clock_gettime once ld.so has announced the vDSO (it does so
 * before it loads any DT_NEEDED object): 20-odd ns a read here against 250
 * for the system call. */
static int (*vdso_gettime)(long clock, struct kernel_timespec *ts);

static uint64_t now_ns(void)
{
    struct kernel_timespec ts;
    if (!(vdso_gettime && vdso_gettime(MONOTONIC, &ts) == 0) &&
        raw_syscall6(SYS_clock_gettime, MONOTONIC, (long)&ts, 0, 0, 0, 0) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

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

/* Copies a probe's path into state.paths: 1 + its offset, or 0 when the
 * arena cannot grow (the trace then shows the probe without its path). */
static uint64_t keep_path(const char *path)
{
    uint64_t n = 0;
    while (path[n])
        ++n;
    if (state.paths_len + n + 1 > state.paths_capacity) {
        uint64_t cap = state.paths_capacity ? 2 * state.paths_capacity : 65536;
        while (cap < state.paths_len + n + 1)
            cap *= 2;
        void *p = grow(state.paths, state.paths_capacity, cap);
        if (!p) {
            state.paths_dropped++;
            return 0;
        }
        state.paths = p;
        state.paths_capacity = cap;
    }
    uint64_t at = state.paths_len;
    memcpy(state.paths + at, path, n + 1);
    state.paths_len += n + 1;
    return at + 1;
}

/* Appends an event; path NULL for the events that name no object. */
static void record(uint32_t kind, const char *path, uint64_t bytes)
{
    uint64_t t = now_ns();
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
    e->kind = kind | (path && is_local(path) ? PYN_AUDIT_LOCAL : 0u);
    e->phase = state.phase;
    e->bytes = bytes;
    e->t_ns = t;
    e->path = 0;
    e->name_hash = 0;
    /* As little as can be here, inside ld.so's work: a probe's path is kept and hashed by the runtime after the
     * run (pyn_audit_event_hash). */
    if (kind == PYN_AUDIT_PROBE)
        e->path = keep_path(path);
    if (path && !e->path)
        e->name_hash = pyn_audit_hash(path);
}

/* Grows the buffers by what the next phase will record and touches their
 * pages, so that its page faults are not the auditor's (pyn_fs_reserve). */
static void reserve(uint64_t events, uint64_t path_bytes)
{
    uint64_t need = state.nevents + events;
    if (need > state.capacity) {
        uint64_t cap = state.capacity ? state.capacity : 16384;
        while (cap < need)
            cap *= 2;
        void *p = grow(state.events, state.capacity * sizeof *state.events, cap * sizeof *state.events);
        if (!p)
            return;
        state.events = p;
        state.capacity = cap;
    }
    need = state.paths_len + path_bytes;
    if (need > state.paths_capacity) {
        uint64_t cap = state.paths_capacity ? state.paths_capacity : 65536;
        while (cap < need)
            cap *= 2;
        void *p = grow(state.paths, state.paths_capacity, cap);
        if (!p)
            return;
        state.paths = p;
        state.paths_capacity = cap;
    }
    volatile char *ev = (volatile char *)(state.events + state.nevents);
    for (uint64_t i = 0; i < events * sizeof *state.events; i += 4096)
        ev[i] = 0;
    volatile char *pa = (volatile char *)(state.paths + state.paths_len);
    for (uint64_t i = 0; i < path_bytes; i += 4096)
        pa[i] = 0;
}

/* The runtime's mark around each dlopen call (pyn_fs_mark_call). */
static void mark(uint32_t kind, const char *name)
{
    if (kind == PYN_AUDIT_CALL || kind == PYN_AUDIT_RETURN)
        record(kind, kind == PYN_AUDIT_CALL ? name : 0, 0);
}

#endif

/* The dynamic section entry of a tag, or 0. */
static ElfW(Addr) dyn_value(const ElfW(Dyn) * dyn, ElfW(Sxword) tag)
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

/* The address of a defined dynamic symbol of map, found by a scan of its
 * dynamic symbols (DT_HASH gives their count: the modes link with
 * --hash-style=both, and the vDSO has one), or NULL. Before relocation, or
 * in a read-only dynamic section (the vDSO's), the entries may still be
 * link-time addresses. */
static void *find_symbol(const struct link_map *map, const char *name)
{
    const ElfW(Dyn) *dyn = map->l_ld;
    const ElfW(Sym) *symtab = (const ElfW(Sym) *)dyn_value(dyn, DT_SYMTAB);
    const char *strtab = (const char *)dyn_value(dyn, DT_STRTAB);
    const Elf32_Word *hash = (const Elf32_Word *)dyn_value(dyn, DT_HASH);
    if (!symtab || !strtab || !hash)
        return 0;
    ElfW(Addr) base = map->l_addr;
    if ((ElfW(Addr))symtab < base)
        symtab = (const ElfW(Sym) *)((ElfW(Addr))symtab + base), strtab += base,
        hash = (const Elf32_Word *)((ElfW(Addr))hash + base);
    Elf32_Word nsyms = hash[1];
    for (Elf32_Word i = 0; i < nsyms; ++i) {
        const ElfW(Sym) *s = &symtab[i];
        if (s->st_shndx != SHN_UNDEF && same_string(strtab + s->st_name, name))
            return (void *)(base + s->st_value);
    }
    return 0;
}

/* Writes &state into the executable's link symbol. A program without the
 * symbol gets no counts. */
static void publish(struct link_map *main_map)
{
    struct pyn_audit_state **link = find_symbol(main_map, LINK_SYMBOL);
    if (link)
        *link = &state;
}

#ifndef PYN_AUDIT_BINDINGS
/* File bytes ld.so reads for an object: the first read of its headers
 * (832 bytes in glibc's open_verify) plus every PT_LOAD's file part. */
static uint64_t mapped_bytes(const struct link_map *map)
{
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)map->l_addr;
    if (!eh || eh->e_ident[EI_MAG0] != ELFMAG0 || eh->e_ident[EI_MAG1] != ELFMAG1 || eh->e_ident[EI_MAG2] != ELFMAG2 ||
        eh->e_ident[EI_MAG3] != ELFMAG3)
        return 0;
    const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(map->l_addr + eh->e_phoff);
    uint64_t bytes = 832;
    for (int i = 0; i < eh->e_phnum; ++i)
        if (ph[i].p_type == PT_LOAD)
            bytes += ph[i].p_filesz;
    return bytes;
}

#endif

#ifndef PYN_AUDIT_BINDINGS
/* Whether the command line has the argument "--audit" before any "--" (the
 * runtime's option parser takes options by their exact names, and none
 * after "--"). Read from /proc/self/cmdline: ld.so gives an auditor no argv. */
static int audit_asked(void)
{
    static const char want[] = "--audit";
    long fd = raw_syscall6(SYS_openat, AT_FDCWD, (long)"/proc/self/cmdline", O_RDONLY | O_CLOEXEC, 0, 0, 0);
    if (fd < 0)
        return 0;
    char buf[4096];
    long n, pos = 0; /* characters of want matched in this argument so far; -1: not it */
    int found = 0, done = 0;
    while (!found && !done && (n = raw_syscall6(SYS_read, fd, (long)buf, sizeof buf, 0, 0, 0)) > 0)
        for (long i = 0; i < n && !found && !done; ++i) {
            if (buf[i] == '\0') {
                found = pos == (long)sizeof want - 1;
                done = pos == 2; /* "--": no options after it */
                pos = 0;
            } else if (pos >= 0 && pos < (long)sizeof want - 1 && buf[i] == want[pos]) {
                ++pos;
            } else {
                pos = -1;
            }
        }
    raw_syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
    return found;
}
#endif

EXPORT unsigned int la_version(unsigned int version)
{
#ifndef PYN_AUDIT_BINDINGS
    /* Off unless the run asks: even an auditor that does nothing costs the
     * lazily bound linked import 10 % (docs/metrics.md). Returning 0 makes
     * ld.so unload it before it sees any object. */
    if (!audit_asked())
        return 0;
    state.mark = mark;
    state.reserve = reserve;
#endif
    return version < LAV_CURRENT ? version : LAV_CURRENT;
}

/* The executable: the first object of the base namespace, with an empty name. */
static int is_main(const struct link_map *map, Lmid_t lmid)
{
    return !published && lmid == LM_ID_BASE && map->l_name && map->l_name[0] == '\0';
}

#ifdef PYN_AUDIT_BINDINGS

EXPORT unsigned int la_objopen(struct link_map *map, Lmid_t lmid, uintptr_t *cookie)
{
    if (is_main(map, lmid)) {
        published = 1;
        publish(map);
    }
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
        __atomic_fetch_add(&state.objects[i - 1].bindings_from[pyn_audit_phase_slot(state.phase)], 1, __ATOMIC_RELAXED);
    return sym->st_value;
}

#else /* the default auditor */

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

/* The vDSO's clock_gettime, by its name on each architecture. */
static void find_vdso_clock(const struct link_map *map)
{
#if defined(__x86_64__)
    void *fn = find_symbol(map, "__vdso_clock_gettime");
#else
    void *fn = find_symbol(map, "__kernel_clock_gettime");
#endif
    if (fn) {
        vdso_gettime = (int (*)(long, struct kernel_timespec *))fn;
    }
}

EXPORT unsigned int la_objopen(struct link_map *map, Lmid_t lmid, uintptr_t *cookie)
{
    *cookie = 0;
    if (is_main(map, lmid)) {
        published = 1;
        publish(map);
        return 0;
    }
    if (!vdso_gettime && lmid == LM_ID_BASE && map->l_name &&
        (same_string(map->l_name, "linux-vdso.so.1") || same_string(map->l_name, "linux-vdso64.so.1")))
        find_vdso_clock(map);
    if (map->l_name)
        record(PYN_AUDIT_OPEN, map->l_name, mapped_bytes(map));
    return 0; /* no binding callbacks: la_symbind64 is the opt-in auditor's */
}

EXPORT void la_activity(uintptr_t *cookie, unsigned int flag)
{
    (void)cookie;
    if (flag == LA_ACT_CONSISTENT)
        record(PYN_AUDIT_CONSISTENT, 0, 0);
}

EXPORT void la_preinit(uintptr_t *cookie)
{
    (void)cookie;
    record(PYN_AUDIT_PREINIT, 0, 0);
}

#endif
