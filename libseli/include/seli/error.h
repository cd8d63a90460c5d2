/* seli/error.h: how libseli reports misuse.
 *
 * Every libseli function checks its arguments before it changes any state.
 * On misuse it calls seli_error with a message that names the operation, the
 * shapes involved and a hint.  The handler decides what happens next: the
 * default prints the message to stderr and exits with status 1; the Jupyter
 * kernel installs a handler that unwinds the running cell instead. */
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

#endif
