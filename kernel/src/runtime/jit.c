/* jit.c: libtcc in memory (see jit.h). */
#include "runtime/jit.h"

#include "runtime/backtrace.h"
#include "util/file.h"

#include <libtcc.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct jit_code {
    void *mem;
    size_t size;
    void *unwind; /* its registration with the unwinder, when outside the arena */
};

/* ------------------------------------------------ code ranges (signal-safe) */

typedef struct range_table {
    int n, cap;
    struct {
        uintptr_t lo, hi;
    } r[];
} range_table;

static range_table *_Atomic ranges;

static void ranges_add(const void *p, size_t size)
{
    range_table *old = ranges;
    int n = old ? old->n : 0;
    range_table *t = old;
    if (!old || old->n == old->cap) {
        int cap = old ? 2 * old->cap : 64;
        t = malloc(sizeof *t + (size_t)cap * sizeof t->r[0]);
        if (!t)
            return;
        t->cap = cap;
        t->n = n;
        if (old)
            memcpy(t->r, old->r, (size_t)n * sizeof t->r[0]);
    }
    t->r[n].lo = (uintptr_t)p;
    t->r[n].hi = (uintptr_t)p + size;
    t->n = n + 1;
    ranges = t;
    /* An old table may still be read by a signal handler on this thread
     * only, which cannot run concurrently with us: free it. */
    if (old && old != t)
        free(old);
}

static void ranges_remove(const void *p)
{
    range_table *t = ranges;
    if (!t)
        return;
    for (int i = 0; i < t->n; i++)
        if (t->r[i].lo == (uintptr_t)p) {
            t->r[i] = t->r[t->n - 1];
            t->n--;
            return;
        }
}

int jit_contains(const void *pc)
{
    range_table *t = ranges;
    if (!t)
        return 0;
    for (int i = 0; i < t->n; i++)
        if ((uintptr_t)pc >= t->r[i].lo && (uintptr_t)pc < t->r[i].hi)
            return 1;
    return 0;
}

/* ------------------------------------------------------------ the arena */

/* Cells get their memory from one reserved range of address space, so that
 * the code of any cell reaches the variables of any other with a 32-bit
 * displacement (see jit_near).  A cell too big for what is left gets memory
 * anywhere. */
#define ARENA_SIZE ((size_t)1 << 30)

static unsigned char *arena;
static size_t arena_used;

static void *code_alloc(size_t size)
{
    const int prot = PROT_READ | PROT_WRITE | PROT_EXEC;
    if (!arena) {
        void *p =
            mmap(NULL, ARENA_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            arena = p;
            /* Every frame in the arena is a tcc frame (backtrace.h). */
            backtrace_register(arena, ARENA_SIZE);
        }
    }
    if (arena && size <= ARENA_SIZE - arena_used) {
        void *p =
            mmap(arena + arena_used, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p != MAP_FAILED) {
            arena_used += size;
            return p;
        }
    }
    return mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void code_release(void *p, size_t size)
{
    if (jit_near(p))
        /* Give the memory back but keep the range reserved. */
        mmap(p, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    else
        munmap(p, size);
}

int jit_near(const void *p)
{
    return arena && (const unsigned char *)p >= arena &&
           (const unsigned char *)p < arena + ARENA_SIZE;
}

/* ------------------------------------------------------------- compiling */

typedef struct diag_ctx {
    jit_diag_fn fn;
    void *ctx;
} diag_ctx;

static void on_error(void *opaque, const char *msg)
{
    diag_ctx *d = opaque;
    if (d->fn)
        d->fn(d->ctx, msg);
}

/* ------------------------------------------ linking against the process */

/* tcc links a unit against libc by reading libc.so (a linker script),
 * libc.so.6's symbol table, libc_nonshared.a and libtcc1.a: some 300 reads
 * per cell.  The process has every symbol a cell can want (libtcc1.a's
 * helpers are linked into the kernel and exported, see the Makefile, and
 * runtime.c hands cells libc_nonshared.a's atexit and its kin), and tcc
 * resolves what a unit leaves undefined with dlsym.  So tcc is pointed at a directory
 * where libc.so is an empty linker script and libtcc1.a an empty archive.
 * If that directory cannot be made, or a probe does not link through it,
 * tcc links as usual. */
#ifndef SELI_TCC_DIR
#define SELI_TCC_DIR "/usr/lib/x86_64-linux-gnu/tcc"
#endif

static char link_dir[4096];
static int link_state; /* 0: not tried, 1: link_dir works, -1: link as usual */

/* The stub file name in link_dir holds exactly data[0..n). */
static int stub_file(const char *name, const char *data, size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", link_dir, name);
    struct stat st;
    if (stat(path, &st) == 0 && (size_t)st.st_size == n)
        return 0;
    return file_write_atomic(path, data, n);
}

static int make_link_dir(void)
{
    static const char script[] = "/* seli-kernel: cells link against the process (jit.c) */\n";
    static const char archive[] = "!<arch>\n";
    if (cache_dir(link_dir, sizeof link_dir, "link") < 0 ||
        stub_file("libc.so", script, sizeof script - 1) < 0 ||
        stub_file("libtcc1.a", archive, sizeof archive - 1) < 0)
        return -1;
    return 0;
}

static TCCState *new_state(const char *include_dir, int redirect, diag_ctx *d, int output)
{
    TCCState *s = tcc_new();
    if (!s)
        return NULL;
    tcc_set_error_func(s, d, on_error);
    if (redirect) {
        /* Before tcc_set_output_type, which appends the default paths. */
        tcc_set_lib_path(s, link_dir);
        tcc_add_library_path(s, link_dir);
        tcc_add_sysinclude_path(s, SELI_TCC_DIR "/include");
    }
    tcc_set_options(s, output == TCC_OUTPUT_OBJ ? "-std=c11 -g" : "-std=c11");
    tcc_set_output_type(s, output);
    if (include_dir)
        tcc_add_include_path(s, include_dir);
    tcc_add_include_path(s, ".");
    return s;
}

/* Does a unit that needs libc, libm and libtcc1's helpers link through
 * link_dir? */
static int link_dir_works(void)
{
    static const char probe[] =
        "int snprintf(char *, unsigned long, const char *, ...);\n"
        "double sqrt(double);\n"
        "unsigned long long __seli_link_probe(double d) {\n"
        "    char b[8];\n"
        "    long double x = d;\n"
        "    return (unsigned long long)(sqrt(d) * d) + (unsigned long long)x +\n"
        "           (unsigned long long)snprintf(b, sizeof b, \"%d\", 7);\n"
        "}\n";
    diag_ctx d = {NULL, NULL};
    TCCState *s = new_state(NULL, 1, &d, TCC_OUTPUT_MEMORY);
    if (!s)
        return 0;
    int ok = 0;
    if (tcc_compile_string(s, probe) == 0 && tcc_relocate(s, TCC_RELOCATE_AUTO) >= 0) {
        unsigned long long (*f)(double);
        void *addr = tcc_get_symbol(s, "__seli_link_probe");
        memcpy(&f, &addr, sizeof f);
        /* sqrt(4) * 4 + 4 + 1 */
        ok = addr && f(4.0) == 13;
    }
    tcc_delete(s);
    return ok;
}

jit_code *jit_compile(const char *src, const char *include_dir, const jit_symbol *syms, int nsyms,
                      const char *const *wanted, void **addrs, int nwanted, jit_diag_fn diag,
                      void *ctx)
{
    diag_ctx d = {diag, ctx};
    if (!link_state) {
        const char *usual = getenv("SELI_LINK_LIBC");
        link_state = (!usual || *usual != '1') && make_link_dir() == 0 && link_dir_works() ? 1 : -1;
    }
    TCCState *s = new_state(include_dir, link_state > 0, &d, TCC_OUTPUT_MEMORY);
    if (!s) {
        on_error(&d, "error: cannot create a tcc state");
        return NULL;
    }
    jit_code *code = NULL;
    /* The symbols go in first: a hidden declaration of one (see jit.h) is
     * then addressed directly. */
    for (int i = 0; i < nsyms; i++)
        tcc_add_symbol(s, syms[i].name, syms[i].addr);
    if (tcc_compile_string(s, src) < 0)
        goto done;
    int size = tcc_relocate(s, NULL);
    if (size < 0)
        goto done;
    size_t pages = ((size_t)size + 4095) & ~(size_t)4095;
    if (!pages)
        pages = 4096;
    void *mem = code_alloc(pages);
    if (mem == MAP_FAILED) {
        on_error(&d, "error: out of memory for the compiled cell");
        goto done;
    }
    if (tcc_relocate(s, mem) < 0) {
        code_release(mem, pages);
        goto done;
    }
    for (int i = 0; i < nwanted; i++)
        addrs[i] = tcc_get_symbol(s, wanted[i]);
    code = malloc(sizeof *code);
    if (!code) {
        code_release(mem, pages);
        goto done;
    }
    code->mem = mem;
    code->size = pages;
    code->unwind = jit_near(mem) ? NULL : backtrace_register(mem, pages);
    ranges_add(code->mem, code->size);
done:
    tcc_delete(s);
    return code;
}

void jit_code_free(jit_code *c)
{
    if (!c)
        return;
    ranges_remove(c->mem);
    backtrace_unregister(c->unwind);
    code_release(c->mem, c->size);
    free(c);
}

size_t jit_code_size(const jit_code *c) { return c ? c->size : 0; }

int jit_code_contains(const jit_code *c, const void *pc)
{
    return c && (const unsigned char *)pc >= (const unsigned char *)c->mem &&
           (const unsigned char *)pc < (const unsigned char *)c->mem + c->size;
}

int jit_compile_object(const char *src, const char *include_dir, const char *path)
{
    diag_ctx d = {NULL, NULL};
    TCCState *s = new_state(include_dir, link_state > 0, &d, TCC_OUTPUT_OBJ);
    if (!s)
        return -1;
    int ok = tcc_compile_string(s, src) == 0 && tcc_output_file(s, path) == 0;
    tcc_delete(s);
    return ok ? 0 : -1;
}

/* ---------------------------------------------------------- trampolines */

#if defined(__x86_64__)
/* jmp *0(%rip); .quad target */
#define TRAMP_SIZE 16
static void tramp_write(unsigned char *p, void *target)
{
    static const unsigned char jmp[6] = {0xff, 0x25, 0, 0, 0, 0};
    memcpy(p, jmp, 6);
    memcpy(p + 6, &target, 8);
}
static void tramp_retarget(unsigned char *p, void *target) { memcpy(p + 6, &target, 8); }
#elif defined(__aarch64__)
/* ldr x16, #8; br x16; .quad target */
#define TRAMP_SIZE 16
static void tramp_write(unsigned char *p, void *target)
{
    static const uint32_t code[2] = {0x58000050u, 0xd61f0200u};
    memcpy(p, code, 8);
    memcpy(p + 8, &target, 8);
    __builtin___clear_cache((char *)p, (char *)p + TRAMP_SIZE);
}
static void tramp_retarget(unsigned char *p, void *target) { memcpy(p + 8, &target, 8); }
#endif

#ifdef TRAMP_SIZE
int jit_has_trampolines(void) { return 1; }

static unsigned char *tramp_page;
static size_t tramp_used, tramp_cap;

void *jit_trampoline_new(void *target)
{
    if (!tramp_page || tramp_used + TRAMP_SIZE > tramp_cap) {
        size_t cap = 16384;
        void *p =
            mmap(NULL, cap, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return target;
        tramp_page = p;
        tramp_used = 0;
        tramp_cap = cap;
        ranges_add(p, cap);
        /* A cell stopped in a trampoline is walked through it (backtrace.c). */
        backtrace_register(p, cap);
    }
    unsigned char *t = tramp_page + tramp_used;
    tramp_used += TRAMP_SIZE;
    tramp_write(t, target);
    return t;
}

void jit_trampoline_set(void *tramp, void *target)
{
    if (tramp != target && jit_contains(tramp))
        tramp_retarget(tramp, target);
}
#else
int jit_has_trampolines(void) { return 0; }
void *jit_trampoline_new(void *target) { return target; }
void jit_trampoline_set(void *tramp, void *target)
{
    (void)tramp;
    (void)target;
}
#endif

/* ------------------------------------------------------ flat headers */

/* tcc -dD writes a variadic macro "#define M(...)" as "#define M(__VA_ARGS__)":
 * put the "..." back (same length plus one, so rewrite in place with a pad). */
static void fix_variadic_macros(char *text)
{
    for (char *p = strstr(text, "#define "); p; p = strstr(p + 1, "#define ")) {
        if (p != text && p[-1] != '\n')
            continue;
        char *q = p + 8;
        while (*q && *q != '(' && *q != ' ' && *q != '\n')
            q++;
        if (*q != '(')
            continue;
        char *close = strchr(q, ')');
        char *eol = strchr(q, '\n');
        if (!close || (eol && close > eol))
            continue;
        char *va = strstr(q, "__VA_ARGS__");
        if (va && va < close) {
            /* "__VA_ARGS__" (11 chars) -> "..." and 8 spaces after ')'. */
            memmove(va + 3, va + 11, (size_t)(close - (va + 11)));
            memcpy(va, "...", 3);
            char *nclose = close - 8;
            nclose[0] = ')';
            memset(nclose + 1, ' ', 8);
        }
    }
}

/* tcc -dD writes the token-pasting operator of a macro body as "<a6>" (its
 * internal token number): write "##" back, padded to the same length. */
static void fix_token_pasting(char *text)
{
    for (char *p = strstr(text, "<a6>"); p; p = strstr(p + 4, "<a6>")) {
        const char *line = p;
        while (line > text && line[-1] != '\n')
            line--;
        if (!strncmp(line, "#define ", 8))
            memcpy(p, " ## ", 4);
    }
}

static char *preprocess(const char *text, const char *include_dir, int cwd_too);

char *jit_flatten_headers(const char *text, const char *include_dir)
{
    return preprocess(text, include_dir, 0);
}

char *jit_preprocess(const char *text, const char *include_dir)
{
    return preprocess(text, include_dir, 1);
}

/* A temporary file name for mkstemps, with suffix, in $TMPDIR (or /tmp).
 * 0, or -1 when the path does not fit. */
static int temp_name(char *buf, size_t size, const char *suffix)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    int n = snprintf(buf, size, "%s/seli-hdr-XXXXXX%s", dir, suffix);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Run SELI_TCC -E -dD on the file in, writing out; output and errors go to
 * /dev/null.  1 if it succeeded. */
static int run_tcc_preprocessor(const char *in, const char *out, const char *include_dir,
                                int cwd_too)
{
    char ipath[4096];
    snprintf(ipath, sizeof ipath, "-I%s", include_dir ? include_dir : ".");
    char *argv[10] = {"tcc", "-std=c11", "-E", "-dD", ipath};
    int n = 5;
    if (cwd_too)
        argv[n++] = "-I."; /* as in jit_compile, "." comes after include_dir */
    argv[n++] = (char *)in;
    argv[n++] = "-o";
    argv[n++] = (char *)out;
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int status = 0;
    int ok = posix_spawn(&pid, SELI_TCC, &fa, NULL, argv, environ) == 0 &&
             waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    posix_spawn_file_actions_destroy(&fa);
    return ok;
}

static char *preprocess(const char *text, const char *include_dir, int cwd_too)
{
    char in[4096], out[4096];
    if (temp_name(in, sizeof in, ".c") < 0 || temp_name(out, sizeof out, ".i") < 0)
        return NULL;
    int fd = mkstemps(in, 2);
    if (fd < 0)
        return NULL;
    int ofd = mkstemps(out, 2);
    if (ofd < 0) {
        close(fd);
        unlink(in);
        return NULL;
    }
    close(ofd);
    size_t len = strlen(text);
    int ok = write(fd, text, len) == (ssize_t)len;
    close(fd);
    char *result = NULL;
    if (ok && run_tcc_preprocessor(in, out, include_dir, cwd_too))
        result = file_read(out);
    unlink(in);
    unlink(out);
    if (!result)
        return NULL;
    /* Drop tcc's predefined macros (the "<command line>" block): the
     * compiling state defines them itself. */
    const char *start = strstr(result, "# 1 \"<command line>\"");
    if (start) {
        const char *p = strchr(start, '\n');
        while (p && p[1] && p[1] != '#')
            p = strchr(p + 1, '\n');
        while (p && (!strncmp(p + 1, "#define", 7) || !strncmp(p + 1, "#undef", 6)))
            p = strchr(p + 1, '\n');
        if (p) {
            memmove((char *)start, p + 1, strlen(p + 1) + 1);
        }
    }
    fix_variadic_macros(result);
    fix_token_pasting(result);
    return result;
}
