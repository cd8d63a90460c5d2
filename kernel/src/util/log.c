/* log.c: the kernel's own diagnostics, written to the original stderr. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static int log_to = -1;

void log_set_fd(int fd) { log_to = fd; }

int log_fd(void) { return log_to >= 0 ? log_to : 2; }

void kernel_log(const char *format, ...)
{
    char line[1024];
    int n = snprintf(line, sizeof line, "seli-kernel: ");
    va_list ap;
    va_start(ap, format);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, format, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    /* One write() per line keeps lines from different threads whole. */
    ssize_t w = write(log_fd(), line, len);
    (void)w;
}
