/* runtime.c: the kernel functions that cells call (see session_internal.h):
 * the result brackets, copies into globals, the stub of a declared but
 * undefined function, and exit() and its kin, which end the cell instead of
 * the kernel (as IPython catches SystemExit). */
#include "session/session_internal.h"

#include "runtime/guard.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char runtime_decls[] = "void __seli_result_begin(void);\n"
                             "void __seli_result_end(void);\n"
                             "void *__seli_copy(void *, const void *, unsigned long);\n"
                             "void __seli_zero(void *, unsigned long);\n"
                             "void __seli_undefined(const char *);\n"
                             "void __seli_cdtors(void (**)(void), void (**)(void), "
                             "void (**)(void), void (**)(void));\n";

static session *current; /* the session whose cell runs */

static void rt_result_begin(void)
{
    if (current)
        current->in_result = 1;
}

static void rt_result_end(void)
{
    if (current)
        current->in_result = 0;
}

static void *rt_copy(void *dst, const void *src, unsigned long n) { return memcpy(dst, src, n); }

static void rt_zero(void *dst, unsigned long n) { memset(dst, 0, n); }

/* What the stub of a declared, undefined function does. */
static void rt_undefined(const char *name)
{
    char msg[512];
    snprintf(msg, sizeof msg,
             "LinkError: %s() is declared but not defined yet: define it in a cell (or load "
             "its library with %%link NAME), then run this one again",
             name);
    guard_raise(msg);
    fprintf(stderr, "seli-kernel: %s\n", msg);
    abort();
}

/* exit() and its kin in a cell end the cell, not the kernel (as IPython
 * catches SystemExit).  Called from a thread the cell started, they end that
 * thread only, as sys.exit() does in a Python thread, and say so on stderr;
 * in a child process (after fork) they exit for real. */
static const char *exit_called; /* which one the cell called */
static pid_t kernel_pid;        /* the process whose cells these are */

static void exit_off_the_cell(const char *name, int status, void (*really)(int))
{
    if (getpid() != kernel_pid)
        really(status);
    char msg[256];
    int n = snprintf(msg, sizeof msg,
                     "seli-kernel: %s(%d) in a thread the cell started ends that thread, not the "
                     "kernel\n",
                     name, status);
    if (n > 0) {
        ssize_t w = write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
        (void)w;
    }
    pthread_exit(NULL);
}

/* rt_exit, rt__Exit, rt__exit, rt_quick_exit: what cells call by those names. */
#define EXIT_IN_A_CELL(fn)                                                                         \
    static void rt_##fn(int status)                                                                \
    {                                                                                              \
        exit_called = #fn;                                                                         \
        guard_exit(status);                                                                        \
        exit_off_the_cell(#fn, status, fn);                                                        \
    }
EXIT_IN_A_CELL(exit)
EXIT_IN_A_CELL(_Exit)
EXIT_IN_A_CELL(_exit)
EXIT_IN_A_CELL(quick_exit)
#undef EXIT_IN_A_CELL

/* Object and function pointers convert through memcpy (ISO C has no cast). */
void *fn_to_ptr(void (*f)(void))
{
    void *p;
    memcpy(&p, &f, sizeof p);
    return p;
}

int runtime_symbols(jit_symbol *out, const strlist *replaced)
{
    static const struct {
        const char *name;
        void (*fn)(int);
    } exits[] = {
        {"exit", rt_exit}, {"_Exit", rt__Exit}, {"_exit", rt__exit}, {"quick_exit", rt_quick_exit}};
    int n = 0;
    out[n++] = (jit_symbol){"__seli_result_begin", fn_to_ptr(rt_result_begin)};
    out[n++] = (jit_symbol){"__seli_result_end", fn_to_ptr(rt_result_end)};
    out[n++] = (jit_symbol){"__seli_copy", fn_to_ptr((void (*)(void))rt_copy)};
    out[n++] = (jit_symbol){"__seli_zero", fn_to_ptr((void (*)(void))rt_zero)};
    out[n++] = (jit_symbol){"__seli_undefined", fn_to_ptr((void (*)(void))rt_undefined)};
    out[n++] = (jit_symbol){"__seli_cdtors", fn_to_ptr((void (*)(void))cdtors_load)};
    for (size_t i = 0; i < sizeof exits / sizeof *exits; i++)
        if (!strlist_has(replaced, exits[i].name))
            out[n++] = (jit_symbol){exits[i].name, fn_to_ptr((void (*)(void))exits[i].fn)};
    n += value_runtime_symbols(out + n);
    /* libc_nonshared.a's functions: hidden in the kernel, so dlsym cannot
     * find them for a cell (see jit.c). */
    const jit_symbol nonshared[] = {{"atexit", fn_to_ptr((void (*)(void))atexit)},
                                    {"at_quick_exit", fn_to_ptr((void (*)(void))at_quick_exit)},
                                    {"pthread_atfork", fn_to_ptr((void (*)(void))pthread_atfork)}};
    for (size_t i = 0; i < sizeof nonshared / sizeof *nonshared; i++)
        if (!strlist_has(replaced, nonshared[i].name))
            out[n++] = nonshared[i];
    return n;
}

session *runtime_enter(session *s)
{
    if (!kernel_pid)
        kernel_pid = getpid();
    session *prev = current;
    current = s;
    return prev;
}

session *runtime_current(void) { return current; }

void runtime_forget(const session *s)
{
    if (current == s)
        current = NULL;
}

const char *runtime_exit_called(void) { return exit_called ? exit_called : "exit"; }
