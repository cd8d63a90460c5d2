/* jit.h: compile one translation unit in memory with libtcc.
 *
 * Each cell is one TCCState: compiled, linked against the symbols it is
 * given (earlier cells) and the process (libc, libseli: the kernel is linked
 * with -rdynamic), relocated into memory of its own, then the compiler state
 * is dropped.  The code stays until jit_code_free.
 *
 * Trampolines give a function a stable address: later cells call the
 * trampoline, and redefining the function retargets it, so code compiled
 * earlier calls the new definition (x86-64 and aarch64; elsewhere the
 * trampoline is the function itself). */
#ifndef SELI_KERNEL_JIT_H
#define SELI_KERNEL_JIT_H

#include <stddef.h>

typedef struct jit_code jit_code;

typedef struct jit_symbol {
    const char *name;
    void *addr;
} jit_symbol;

typedef void (*jit_diag_fn)(void *ctx, const char *message);

/* Compile src with include_dir on the include path, resolving the nsyms
 * symbols given; then look up the nwanted names into addrs[] (NULL when
 * absent).  Diagnostics (errors and warnings) go to diag.  NULL on failure. */
jit_code *jit_compile(const char *src, const char *include_dir, const jit_symbol *syms, int nsyms,
                      const char *const *wanted, void **addrs, int nwanted, jit_diag_fn diag,
                      void *ctx);
/* Nonzero if p lies in the arena where cells live: the code of every cell
 * reaches it with a 32-bit displacement.  Declare a variable there
 * __attribute((__visibility__("hidden"))) in later cells: tcc 0.9.27 then
 * addresses it directly.  Through the GOT (the default), x86-64 tcc reads the
 * second operand of a floating-point operation wrongly (a + b gave a). */
int jit_near(const void *p);
/* Release the code's memory (nothing may run it afterwards). */
void jit_code_free(jit_code *c);
/* Bytes of code and data held by c. */
size_t jit_code_size(const jit_code *c);

/* Nonzero if pc lies in c's memory. */
int jit_code_contains(const jit_code *c, const void *pc);
/* Compile src as jit_compile does, with line information (tcc -g), into
 * an ELF object file at path: the same machine code, so an offset in the
 * object's .text is the same offset in memory.  0, or -1 on failure. */
int jit_compile_object(const char *src, const char *include_dir, const char *path);

/* Nonzero if pc lies in code that jit_compile produced or in a trampoline.
 * Async-signal-safe. */
int jit_contains(const void *pc);

/* Nonzero where trampolines exist (else jit_trampoline_new returns target). */
int jit_has_trampolines(void);
/* A new trampoline that jumps to target. */
void *jit_trampoline_new(void *target);
/* Make tramp jump to target from now on. */
void jit_trampoline_set(void *tramp, void *target);

/* The tcc program that preprocesses (an absolute path, set by the Makefile;
 * whatever hashes the flattened headers' inputs should hash this file). */
#ifndef SELI_TCC
#define SELI_TCC "/usr/bin/tcc"
#endif

/* Preprocess text (a list of #include lines) with SELI_TCC,
 * keeping macro definitions (tcc -E -dD): the implicit headers then cost
 * one parse of plain declarations per cell instead of a walk through the
 * glibc headers.  Returns malloc'd text, or NULL if tcc is not available. */
char *jit_flatten_headers(const char *text, const char *include_dir);
/* The same for any text, with the current directory on the include path
 * too (as jit_compile has it).  malloc'd, or NULL on failure. */
char *jit_preprocess(const char *text, const char *include_dir);

#endif
