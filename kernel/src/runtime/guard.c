/* guard.c: the signal guard around a running cell (see guard.h). */
#include "runtime/guard.h"

#include "runtime/backtrace.h"
#include "runtime/heapcheck.h"
#include "runtime/jit.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/thread.h"
#include "seli/error.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#define ALT_STACK_SIZE (256 * 1024)
#define HEAPCHECK_MS 1000 /* how long the heap check may take after a fault */

static sigjmp_buf jb;
static volatile sig_atomic_t running; /* a cell runs under the guard */
static volatile sig_atomic_t pending; /* an interrupt waits to be taken */
static volatile sig_atomic_t force;   /* take it wherever the cell is */
static volatile sig_atomic_t fault_signo;
static volatile int exit_status;
static pid_t cell_tid;
static pthread_t cell_thread;
static sem_t wake;
static int ready;
static char error_message[4096];
static void *volatile alt_stack; /* kept reachable for leak checkers */
static backtrace captured;       /* the stack of the last cell that failed */

/* Where the cell is, before it is left (backtrace.h). */
static void capture(void) { backtrace_capture(&captured, jit_contains); }

static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static int interrupt_signal(void) { return SIGRTMIN + 3; }

static pid_t my_tid(void) { return (pid_t)syscall(SYS_gettid); }

/* The cell thread's floating-point control (MXCSR) when a signal stopped it.
 * Linux runs a handler with that state reset (MXCSR 0x1f80: IEEE, no flush),
 * and a jump out of the handler keeps the reset one; guard_run puts the
 * cell's back, so that a mode the session chose (seli_flush_subnormals, a
 * rounding direction) outlives a fault or an interrupt, as it outlives a
 * libseli error.  The sticky exception flags are left clear. */
static volatile unsigned stopped_csr;
static volatile sig_atomic_t have_stopped_csr;

static void save_float_mode(void *ucv)
{
#if defined(__x86_64__)
    ucontext_t *uc = ucv;
    if (uc && uc->uc_mcontext.fpregs) {
        stopped_csr = uc->uc_mcontext.fpregs->mxcsr & ~0x3fu;
        have_stopped_csr = 1;
    }
#else
    (void)ucv;
#endif
}

static void restore_float_mode(void)
{
#if defined(__x86_64__)
    if (have_stopped_csr)
        _mm_setcsr(stopped_csr);
#endif
    have_stopped_csr = 0;
}

static const void *interrupted_pc(void *ucv)
{
    ucontext_t *uc = ucv;
#if defined(__x86_64__)
    return (const void *)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (const void *)uc->uc_mcontext.pc;
#else
    (void)uc;
    return NULL;
#endif
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    if (!running || my_tid() != cell_tid) {
        /* Not the user's fault: die as the signal would have made us. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    running = 0;
    fault_signo = sig;
    save_float_mode(uc);
    capture();
    siglongjmp(jb, GUARD_SIGNAL);
}

static void on_interrupt(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    if (!running || !pending || my_tid() != cell_tid)
        return;
    const void *pc = interrupted_pc(uc);
    /* Jumping out of cell code is safe; out of libc (a lock held inside
     * malloc or stdio) it is not, so wait for the cell's own code unless
     * the cell has not come back to it for GUARD_FORCE_MS. */
    if (jit_contains(pc) || (force && !seli_in_library())) {
        running = 0;
        pending = 0;
        seli_clear_interrupt();
        save_float_mode(uc);
        capture();
        siglongjmp(jb, GUARD_INTERRUPT);
    }
}

static void on_sigint(int sig)
{
    (void)sig;
    guard_interrupt();
}

static void on_seli_error(const char *message, void *user_data)
{
    (void)user_data;
    if (!running || my_tid() != cell_tid) {
        fprintf(stderr, "seli error: %s\n", message);
        _exit(1);
    }
    snprintf(error_message, sizeof error_message, "%s", message);
    running = 0;
    capture();
    siglongjmp(jb, GUARD_SELI_ERROR);
}

/* Is a cell running on this thread?  (A child process after fork has
 * another thread id.) */
static int in_cell(void) { return running && my_tid() == cell_tid; }

void guard_exit(int status)
{
    if (!in_cell())
        return;
    exit_status = status;
    running = 0;
    capture();
    siglongjmp(jb, GUARD_EXIT);
}

void guard_raise(const char *message)
{
    if (!in_cell())
        return;
    snprintf(error_message, sizeof error_message, "%s", message);
    running = 0;
    capture();
    siglongjmp(jb, GUARD_RAISED);
}

/* (Re)install the fault and interrupt handlers: guard_run does it before
 * every cell, in case a library (or a test framework) replaced them. */
static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof fault_signals / sizeof *fault_signals; i++)
        sigaction(fault_signals[i], &sa, NULL);
    sa.sa_sigaction = on_interrupt;
    sigaction(interrupt_signal(), &sa, NULL);
}

/* The watcher: after guard_interrupt, signal the cell thread every 10 ms
 * until the cell stops; past GUARD_FORCE_MS, force the jump. */
static void *watcher(void *arg)
{
    (void)arg;
    thread_block_signals();
    for (;;) {
        thread_sem_wait(&wake);
        double start = now_ms();
        while (running && pending) {
            if (now_ms() - start > GUARD_FORCE_MS)
                force = 1;
            pthread_kill(cell_thread, interrupt_signal());
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

int guard_init(void)
{
    if (ready)
        return 0;
    cell_tid = my_tid();
    cell_thread = pthread_self();
    stack_t ss;
    alt_stack = malloc(ALT_STACK_SIZE);
    ss.ss_sp = alt_stack;
    ss.ss_size = ALT_STACK_SIZE;
    ss.ss_flags = 0;
    if (!ss.ss_sp || sigaltstack(&ss, NULL) < 0) {
        perror("seli-kernel: sigaltstack");
        return -1;
    }
    backtrace_init();
    backtrace_set_altstack(alt_stack, ALT_STACK_SIZE);
    install_handlers();
    /* SIGINT interrupts the cell, unless the program handles it itself
     * (and then calls guard_interrupt through session_interrupt). */
    struct sigaction old;
    if (sigaction(SIGINT, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
        old.sa_handler == SIG_DFL) {
        struct sigaction si;
        memset(&si, 0, sizeof si);
        si.sa_handler = on_sigint;
        si.sa_flags = SA_ONSTACK | SA_RESTART;
        sigemptyset(&si.sa_mask);
        sigaction(SIGINT, &si, NULL);
    }
    if (sem_init(&wake, 0, 0) < 0)
        return -1;
    pthread_t th;
    if (pthread_create(&th, NULL, watcher, NULL) != 0)
        return -1;
    pthread_detach(th);
    if (heapcheck_init() < 0)
        return -1;
    seli_set_error_handler(on_seli_error, NULL, NULL, NULL);
    ready = 1;
    return 0;
}

guard_status guard_run(void (*fn)(void *), void *arg, int *signo, char *message, size_t size)
{
    *signo = 0;
    if (size)
        message[0] = 0;
    pending = 0;
    force = 0;
    seli_clear_interrupt();
    install_handlers();
    have_stopped_csr = 0;
    int code = sigsetjmp(jb, 1);
    if (code == 0) {
        running = 1;
        fn(arg);
        running = 0;
        pending = 0;
        seli_clear_interrupt();
        return GUARD_OK;
    }
    running = 0;
    pending = 0;
    force = 0;
    seli_clear_interrupt();
    restore_float_mode();
    if ((code == GUARD_SIGNAL || code == GUARD_INTERRUPT) && !heapcheck_usable(HEAPCHECK_MS)) {
        /* Nothing that allocates can run any more: say why, and go. */
        kernel_log("the cell was stopped (%s) while the C library's allocator was locked (a "
                   "heap corruption does this); the kernel cannot go on and exits: restart it",
                   code == GUARD_SIGNAL ? guard_signal_name(fault_signo) : "interrupt");
        _exit(70);
    }
    if (code == GUARD_SIGNAL)
        *signo = fault_signo;
    if (code == GUARD_EXIT)
        *signo = exit_status;
    if ((code == GUARD_SELI_ERROR || code == GUARD_RAISED) && size)
        snprintf(message, size, "%s", error_message);
    return (guard_status)code;
}

void guard_interrupt(void)
{
    if (!ready || !running)
        return;
    seli_request_interrupt();
    if (!running) { /* the cell ended meanwhile: leave the next one alone */
        seli_clear_interrupt();
        return;
    }
    pending = 1;
    sem_post(&wake);
}

int guard_running(void) { return running; }

const backtrace *guard_backtrace(void) { return &captured; }

/* The fatal signals a cell may cause: a short name and what it means. */
static const struct {
    int signo;
    const char *name, *text;
} signal_names[] = {
    {SIGSEGV, "SIGSEGV", "Segmentation fault (invalid memory access, or a stack overflow)"},
    {SIGBUS, "SIGBUS", "Bus error (misaligned or unmapped memory access)"},
    {SIGFPE, "SIGFPE", "Arithmetic exception (integer division by zero?)"},
    {SIGILL, "SIGILL", "Illegal instruction"},
    {SIGABRT, "SIGABRT", "Aborted (abort() or a failed assert)"},
    {0, "SIGNAL", "Fatal signal"}, /* any other */
};

static int signal_index(int signo)
{
    int i = 0;
    while (signal_names[i].signo && signal_names[i].signo != signo)
        i++;
    return i;
}

const char *guard_signal_name(int signo) { return signal_names[signal_index(signo)].name; }

const char *guard_signal_text(int signo) { return signal_names[signal_index(signo)].text; }
