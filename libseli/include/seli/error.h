/* seli/error.h: how libseli reports misuse.
 *
 * Every libseli function checks its arguments before it changes any state.
 * On misuse it calls seli_error with a message that names the operation, the
 * shapes involved and a hint.  The handler decides what happens next: the
 * default prints the message to stderr, then where the program called
 * libseli, innermost first ("  in seli_matmul", then "  prog.c:12, in
 * train_step:   h = seli_matmul(x, w);", with lines when the program was
 * built with -g and binutils' addr2line is installed; SELI_TRACEBACK=0
 * leaves it out), and exits with status 1; the Jupyter kernel installs a
 * handler that unwinds the running cell instead, with the same traceback in
 * the cell's terms. */
#ifndef SELI_ERROR_H
#define SELI_ERROR_H

/* A handler receives the formatted message; it must not return normally
 * (exit, or longjmp out).  If it does return, libseli aborts. */
typedef void (*seli_error_handler)(const char *message, void *user_data);

/* Report misuse: format the message like printf and call the handler.
 * Never returns. */
void seli_error(const char *format, ...)
#if defined(__GNUC__) && !defined(__TINYC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

/* Replace the error handler (NULL restores the default) and return the
 * previous one through *old_handler / *old_user_data when they are not NULL. */
void seli_set_error_handler(seli_error_handler handler, void *user_data,
                            seli_error_handler *old_handler, void **old_user_data);

/* The message of the most recent error (empty string if none); owned by
 * libseli and valid until the next error. */
const char *seli_last_error(void);

/* --- Interrupts: stopping a long computation cleanly ---
 *
 * Leaving OpenBLAS in the middle (a signal handler that jumps out of it)
 * leaves its worker threads waiting, and the next large matmul hangs.  So
 * libseli stops cooperatively: an interrupt is a request that libseli
 * honours at its next safe point.  Every operation that creates a tensor is
 * one, a large matmul has one between its blocks (~0.1 s apart), and every
 * display (a figure, a table, a progress bar's redraw) starts with one.  There
 * libseli clears the request and calls seli_error with a message that
 * starts with SELI_INTERRUPT_PREFIX: "KeyboardInterrupt: interrupted in
 * seli_matmul".  In the kernel that error ends the cell as a
 * KeyboardInterrupt, and the session keeps its variables.  A long loop of
 * your own that calls no libseli function can poll seli_interrupt_pending. */

/* The start of the message of an error raised by an interrupt. */
#define SELI_INTERRUPT_PREFIX "KeyboardInterrupt: "

/* Ask libseli to stop at its next safe point (see above).  Async-signal-safe
 * and thread-safe: call it from a SIGINT handler or another thread. */
void seli_request_interrupt(void);

/* Nonzero if an interrupt was requested and not yet taken or cleared. */
int seli_interrupt_pending(void);

/* Forget a requested interrupt that was not taken (async-signal-safe). */
void seli_clear_interrupt(void);

/* Nonzero while libseli (on the thread that computes) is inside code that a
 * longjmp from a signal handler must not leave: OpenBLAS, or libseli's own
 * worker threads.  Async-signal-safe; for interrupt handlers such as the
 * kernel's, which then wait for libseli's next safe point instead. */
int seli_in_library(void);

#endif
