/* stdin.c: an fopencookie stdin that asks the client for input. */
#include "io/stdin.h"

#include "io/capture.h"
#include "util/log.h"

#include <fcntl.h>
#include <seli/error.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
    stdin_ask_fn ask;
    void *ctx;
    int allow;
    int active;    /* a cell is running */
    int unwound;   /* a read was left by seli_error: the FILE may be mid-read */
    char *pending; /* the rest of the last reply not yet read */
    size_t npending, off;
} in;

static volatile sig_atomic_t interrupted;

void stdin_interrupt(void) { interrupted = 1; }

int stdin_interrupted(void) { return interrupted; }

static ssize_t cookie_read(void *cookie, char *buf, size_t size)
{
    (void)cookie;
    if (in.off < in.npending) {
        size_t n = in.npending - in.off;
        if (n > size)
            n = size;
        memcpy(buf, in.pending + in.off, n);
        in.off += n;
        return (ssize_t)n;
    }
    if (!in.active || !in.ask)
        return 0;
    if (!in.allow) {
        in.unwound = 1;
        seli_error("stdin: this client does not accept input (allow_stdin is false), so the "
                   "cell cannot read from stdin; run it from a notebook or console that "
                   "supports input, or put the data in the code");
    }
    capture_flush(); /* the prompt the cell printed comes before the request */
    in.unwound = 1;  /* until ask returns: an interrupt may unwind the cell from inside */
    char *line = in.ask(in.ctx);
    in.unwound = 0;
    if (!line)
        return 0; /* interrupted: end of file */
    free(in.pending);
    size_t len = strlen(line);
    line[len] = '\n'; /* the reply has no newline; a terminal would send one */
    in.pending = line;
    in.npending = len + 1;
    in.off = 0;
    return cookie_read(cookie, buf, size);
}

static FILE *new_stream(void)
{
    cookie_io_functions_t io = {.read = cookie_read};
    FILE *f = fopencookie(NULL, "r", io);
    if (f)
        setvbuf(f, NULL, _IOLBF, 4096);
    return f;
}

int stdin_install(stdin_ask_fn ask, void *ctx)
{
    in.ask = ask;
    in.ctx = ctx;
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (fd != 0) {
            dup2(fd, 0); /* read(0, ...) gets end of file, never the launcher's pipe */
            close(fd);
        }
    }
    FILE *f = new_stream();
    if (!f) {
        kernel_log("stdin: fopencookie failed");
        return -1;
    }
    stdin = f;
    return 0;
}

void stdin_begin(int allow)
{
    in.allow = allow;
    in.active = 1;
    interrupted = 0;
    free(in.pending);
    in.pending = NULL;
    in.npending = in.off = 0;
    if (in.unwound) {
        /* The last read was abandoned inside the C library: start afresh
         * (the old FILE is left alone, its state is unknown). */
        FILE *f = new_stream();
        if (f)
            stdin = f;
        in.unwound = 0;
    } else {
        __fpurge(stdin);
        clearerr(stdin);
    }
}

void stdin_end(void)
{
    in.active = 0;
    free(in.pending);
    in.pending = NULL;
    in.npending = in.off = 0;
}
