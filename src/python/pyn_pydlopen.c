/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_pydlopen.c: the embedding executables' own dlopen, so that the load
 * time's split (pyn_loadtime.h) sees where each of CPython's dlopen calls
 * ends: ld.so tells the auditor nothing between LA_ACT_CONSISTENT and
 * dlopen's return, and CPython calls dlsym and the module's PyInit right
 * after. The executable exports dlopen (--export-dynamic-symbol), so
 * libpython's calls bind here.
 *
 * dlopen decides a bare name's search from its caller (the caller's RUNPATH)
 * by the return address it is called with. So the entry is a few
 * instructions that jump to glibc's dlopen, leaving the caller's return
 * address in place, except while pyn_pydlopen_marking is set (the import
 * phase only): then the marks are taken around a call from here. CPython
 * loads an extension module by its path (a slash in it: no search), for
 * which the caller decides nothing. */
#include "pyn_pydlopen.h"

#include "pyn_fs.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

typedef void *(*dlopen_fn)(const char *file, int mode);

__attribute__((visibility("hidden"))) dlopen_fn pyn_pydlopen_real;
__attribute__((visibility("hidden"))) volatile int pyn_pydlopen_marking;

/* glibc's dlopen: the next definition after the executable. Called by the
 * entry the first time, with the caller's arguments saved. */
__attribute__((visibility("hidden"), used)) void pyn_pydlopen_resolve(void)
{
    dlopen_fn real = (dlopen_fn)dlsym(RTLD_NEXT, "dlopen");
    if (!real) {
        fprintf(stderr, "pynamic: cannot find the C library's dlopen behind the executable's: %s\n", dlerror());
        abort();
    }
    pyn_pydlopen_real = real;
}

__attribute__((visibility("hidden"), used)) void *pyn_pydlopen_marked(const char *file, int mode)
{
    pyn_fs_mark_call(file);
    void *handle = pyn_pydlopen_real(file, mode);
    pyn_fs_mark_return();
    return handle;
}

void pyn_pydlopen_mark(int on)
{
    pyn_pydlopen_marking = on;
}

/* The entry: resolve once, then jump to the marked call or to glibc's. */
#if defined(__x86_64__)
__asm__(".text\n"
        ".globl dlopen\n"
        ".type dlopen, @function\n"
        "dlopen:\n"
        "    movq pyn_pydlopen_real(%rip), %rax\n"
        "    testq %rax, %rax\n"
        "    jz 2f\n"
        "    cmpl $0, pyn_pydlopen_marking(%rip)\n"
        "    jne pyn_pydlopen_marked\n"
        "    jmp *%rax\n"
        "2:  pushq %rdi\n"
        "    pushq %rsi\n"
        "    subq $8, %rsp\n" /* the call needs a 16-byte aligned stack */
        "    call pyn_pydlopen_resolve\n"
        "    addq $8, %rsp\n"
        "    popq %rsi\n"
        "    popq %rdi\n"
        "    jmp dlopen\n"
        ".size dlopen, .-dlopen\n");
#elif defined(__aarch64__)
__asm__(".text\n"
        ".globl dlopen\n"
        ".type dlopen, %function\n"
        "dlopen:\n"
        "    adrp x16, pyn_pydlopen_real\n"
        "    ldr x16, [x16, :lo12:pyn_pydlopen_real]\n"
        "    cbz x16, 2f\n"
        "    adrp x17, pyn_pydlopen_marking\n"
        "    ldr w17, [x17, :lo12:pyn_pydlopen_marking]\n"
        "    cbnz w17, pyn_pydlopen_marked\n"
        "    br x16\n"
        "2:  stp x0, x1, [sp, #-32]!\n"
        "    stp x29, x30, [sp, #16]\n"
        "    bl pyn_pydlopen_resolve\n"
        "    ldp x29, x30, [sp, #16]\n"
        "    ldp x0, x1, [sp], #32\n"
        "    b dlopen\n"
        ".size dlopen, .-dlopen\n");
#else
#error "pyn_pydlopen: the dlopen entry is written for x86_64 and aarch64 only"
#endif
