/* guard.h: run a cell so that the kernel survives it.
 *
 * guard_run calls the cell under sigsetjmp.  SIGSEGV, SIGBUS, SIGFPE, SIGILL
 * and SIGABRT (stack overflows included: the handlers run on an alternate
 * signal stack), an interrupt, or a libseli error end the cell and return
 * here.  An interrupt (guard_interrupt, from any thread or a signal handler;
 * SIGINT calls it) stops the cell as soon as it runs compiled cell code, and
 * after at most GUARD_FORCE_MS wherever it is (in a library call or a
 * blocking read), so even `for (;;);` ends within 2 s.
 *
 * Signals are process-wide: there is one guard, used by the thread that
 * called guard_init. */
#ifndef SELI_KERNEL_GUARD_H
#define SELI_KERNEL_GUARD_H

#include <stddef.h>

#define GUARD_FORCE_MS 1200

typedef enum {
    GUARD_OK = 0,
    GUARD_SIGNAL,     /* a fault; signo says which */
    GUARD_INTERRUPT,  /* guard_interrupt was called */
    GUARD_SELI_ERROR, /* seli_error was called; message holds its text */
    GUARD_EXIT,       /* guard_exit was called; *signo holds the exit status */
    GUARD_RAISED      /* guard_raise was called; message holds its text */
} guard_status;

/* Install the handlers, the alternate stack and the interrupt watcher, and
 * the seli_error handler.  Call once, from the thread that runs cells.
 * 0 on success. */
int guard_init(void);

/* Run fn(arg).  On failure fills *signo (the signal for GUARD_SIGNAL, the
 * status for GUARD_EXIT) and message (for GUARD_SELI_ERROR and GUARD_RAISED,
 * at most size bytes). */
guard_status guard_run(void (*fn)(void *), void *arg, int *signo, char *message, size_t size);

/* End the running cell as GUARD_EXIT with status (for exit() in a cell).
 * Returns only when no cell runs on this thread of this process (a child
 * after fork, another thread): the caller then exits for real. */
void guard_exit(int status);

/* End the running cell as GUARD_RAISED with message.  Returns only when no
 * cell runs on this thread of this process. */
void guard_raise(const char *message);

/* Ask the running cell to stop.  Async-signal-safe and thread-safe; a no-op
 * when no cell runs. */
void guard_interrupt(void);

/* The frames in cell code where the last cell that failed was stopped
 * (see backtrace.h); valid until the next failure. */
struct backtrace;
const struct backtrace *guard_backtrace(void);

/* Nonzero while guard_run is running a cell. */
int guard_running(void);

/* "SIGSEGV" for SIGSEGV, ... (static string). */
const char *guard_signal_name(int signo);
/* "Segmentation fault" for SIGSEGV, ... (static string). */
const char *guard_signal_text(int signo);

#endif
