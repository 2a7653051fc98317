/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE
#include "pyn_elf_check.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What this process is, fixed at compile time: the loader accepts only
 * objects of its own class, byte order and machine. */
#if defined(__x86_64__) /* x32: 32-bit objects for x86-64 */
#define SELF_MACHINE EM_X86_64
#elif defined(__i386__)
#define SELF_MACHINE EM_386
#elif defined(__aarch64__)
#define SELF_MACHINE EM_AARCH64
#elif defined(__arm__)
#define SELF_MACHINE EM_ARM
#elif defined(__powerpc64__)
#define SELF_MACHINE EM_PPC64
#elif defined(__powerpc__)
#define SELF_MACHINE EM_PPC
#elif defined(__riscv)
#define SELF_MACHINE EM_RISCV
#elif defined(__s390__)
#define SELF_MACHINE EM_S390
#else
#define SELF_MACHINE EM_NONE /* unknown: the machine is not checked */
#endif
#define SELF_CLASS (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SELF_DATA ELFDATA2LSB
#else
#define SELF_DATA ELFDATA2MSB
#endif

static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_386:
        return "Intel 80386";
    case EM_X86_64:
        return "x86-64";
    case EM_AARCH64:
        return "AArch64";
    case EM_ARM:
        return "ARM";
    case EM_PPC:
        return "PowerPC";
    case EM_PPC64:
        return "PowerPC64";
    case EM_RISCV:
        return "RISC-V";
    case EM_S390:
        return "IBM S/390";
    case EM_SPARCV9:
        return "SPARC v9";
    case EM_MIPS:
        return "MIPS";
    case EM_IA_64:
        return "IA-64";
    default:
        return NULL;
    }
}

/* "x86-64" or "machine 4242". */
static void describe_machine(unsigned m, char *out, size_t outlen)
{
    const char *name = machine_name(m);
    if (name)
        snprintf(out, outlen, "%s", name);
    else
        snprintf(out, outlen, "machine %u", m);
}

static const char *not_regular(mode_t mode)
{
    return S_ISDIR(mode)    ? "a directory"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISFIFO(mode) ? "a FIFO"
           : S_ISSOCK(mode) ? "a socket"
                            : "not a file";
}

/* A 16-bit header field in the file's byte order. */
static unsigned half(const unsigned char *p, int data)
{
    return data == ELFDATA2MSB ? (unsigned)(p[0] << 8 | p[1]) : (unsigned)(p[1] << 8 | p[0]);
}

/* Checks the header bytes read (n of them). */
static int check_header(const unsigned char *h, size_t n, char *why, size_t whylen)
{
    if (n < SELFMAG || memcmp(h, ELFMAG, SELFMAG) != 0) {
        snprintf(why, whylen, "not an ELF file");
        return -ENOEXEC;
    }
    int cls = n > EI_CLASS ? h[EI_CLASS] : ELFCLASSNONE, data = n > EI_DATA ? h[EI_DATA] : ELFDATANONE;
    size_t need = cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    if ((cls != ELFCLASS32 && cls != ELFCLASS64) || (data != ELFDATA2LSB && data != ELFDATA2MSB)) {
        snprintf(why, whylen, "an ELF file of unknown class %d or byte order %d", cls, data);
        return -ENOEXEC;
    }
    if (n < need) {
        snprintf(why, whylen, "shorter than an ELF header (%zu bytes)", n);
        return -ENOEXEC;
    }
    /* e_type and e_machine sit at the same offsets in both classes. */
    unsigned type = half(h + offsetof(Elf64_Ehdr, e_type), data);
    unsigned machine = half(h + offsetof(Elf64_Ehdr, e_machine), data);
    char theirs[32], ours[32];
    describe_machine(machine, theirs, sizeof theirs);
    describe_machine(SELF_MACHINE, ours, sizeof ours);
    if (cls != SELF_CLASS) {
        snprintf(why, whylen, "a %d-bit ELF file (ELFCLASS%d, for %s); this process is %d-bit",
                 cls == ELFCLASS64 ? 64 : 32, cls == ELFCLASS64 ? 64 : 32, theirs, SELF_CLASS == ELFCLASS64 ? 64 : 32);
        return -ENOEXEC;
    }
    if (data != SELF_DATA) {
        snprintf(why, whylen, "a %s ELF file (%s); this process is %s",
                 data == ELFDATA2MSB ? "big-endian" : "little-endian",
                 data == ELFDATA2MSB ? "ELFDATA2MSB" : "ELFDATA2LSB",
                 SELF_DATA == ELFDATA2MSB ? "big-endian" : "little-endian");
        return -ENOEXEC;
    }
    if (SELF_MACHINE != EM_NONE && machine != SELF_MACHINE) {
        snprintf(why, whylen, "an ELF file for %s (e_machine %u); this process is %s (e_machine %u)", theirs, machine,
                 ours, (unsigned)SELF_MACHINE);
        return -ENOEXEC;
    }
    if (type != ET_DYN) {
        snprintf(why, whylen, "an ELF %s, not a shared object (ET_DYN)",
                 type == ET_EXEC   ? "executable (ET_EXEC)"
                 : type == ET_REL  ? "relocatable object (ET_REL, a .o file)"
                 : type == ET_CORE ? "core dump (ET_CORE)"
                                   : "file of unknown type");
        return -ENOEXEC;
    }
    return 0;
}

int pyn_elf_check_loadable(const char *path, char *why, size_t whylen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        if (e == ENOENT)
            snprintf(why, whylen, "not there");
        else
            snprintf(why, whylen, "stat: %s", strerror(e));
        return -e;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "not a regular file (%s)", not_regular(st.st_mode));
        return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
    }
    if (st.st_size == 0) {
        snprintf(why, whylen, "empty (0 bytes)");
        return -ENOEXEC;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(why, whylen, "open: %s", strerror(e));
        return -e;
    }
    unsigned char h[sizeof(Elf64_Ehdr)];
    size_t n = 0;
    while (n < sizeof h) {
        ssize_t r = read(fd, h + n, sizeof h - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            snprintf(why, whylen, "read: %s", strerror(e));
            return -e;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    return check_header(h, n, why, whylen);
}
