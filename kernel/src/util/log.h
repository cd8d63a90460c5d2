/* log.h: the kernel's own diagnostics.
 *
 * fd 2 is redirected to a pipe that streams to the client, so the kernel
 * logs to a duplicate of the original stderr (the terminal or the log of
 * whatever started it) instead. */
#ifndef SELI_KERNEL_LOG_H
#define SELI_KERNEL_LOG_H

/* Send log lines to fd (a dup of the original stderr); -1 means fd 2. */
void log_set_fd(int fd);
/* The fd log lines go to. */
int log_fd(void);
/* Print "seli-kernel: " + the formatted message + newline; thread-safe. */
void kernel_log(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
