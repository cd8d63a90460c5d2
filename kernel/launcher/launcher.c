/* launcher.c: seli-kernel, the program a kernelspec runs.  It opens the
 * kernel's five listening TCP sockets, then replaces itself (execv, same
 * process) with seli-kernel-core, passing the sockets in SELI_LISTEN_FDS;
 * the core takes them over (kernel/src/protocol/socket_activation.c).  The core is found
 * from this program's own directory: next to it in a build tree, and in
 * ../libexec/seli/ where `make install` puts it (bin/ holds only what a
 * person runs).  Arguments such as --version go to the core unchanged.
 *
 * Why: a Jupyter client connects as soon as it has started the kernel.  The
 * core links ZeroMQ, OpenBLAS, libzip and libtcc, and the dynamic loader
 * alone keeps it from binding for about 20 ms.  A connection refused in that
 * time makes ZeroMQ wait its reconnect interval (100 ms) before it tries
 * again, so every start and restart cost the client 100-200 ms.  This
 * program links only Jansson and binds in about a millisecond; an early
 * connection now waits in the listen backlog until the core accepts it.
 *
 * Anything unexpected (no connection file, the ipc transport, an address
 * that is not IPv4, a port that cannot be bound) leaves the binding to the
 * core, which then reports any error itself. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "protocol/connection.h"

#define CORE_NAME "seli-kernel-core"

/* The connection file named by -f FILE or --connection-file=FILE, or NULL. */
static const char *connection_arg(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], "--connection-file=", 18) == 0)
            return argv[i] + 18;
    }
    return NULL;
}

/* A socket listening on addr:port, as ZeroMQ's own TCP listener sets it up,
 * or -1. */
static int listen_on(struct in_addr addr, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons((unsigned short)port), .sin_addr = addr};
    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 100) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Open the five sockets of the connection file at path and write their
 * descriptors, in channel order, to list ("7,8,9,10,11"); on any failure
 * close what was opened and leave list empty. */
static void open_listeners(const char *path, char *list, size_t size)
{
    connection_info info;
    char err[256];
    int fd[CHANNEL_COUNT], n = 0;
    struct in_addr addr;
    list[0] = '\0';
    if (connection_load(path, &info, err, sizeof err) != 0)
        return; /* the core says what is wrong with the file */
    if (strcmp(info.transport, "tcp") == 0) {
        if (strcmp(info.ip, "*") == 0 || strcmp(info.ip, "0.0.0.0") == 0)
            addr.s_addr = htonl(INADDR_ANY);
        else if (inet_pton(AF_INET, info.ip, &addr) != 1)
            n = -1;
        for (; n >= 0 && n < CHANNEL_COUNT; n++)
            if (info.ports[n] <= 0 || (fd[n] = listen_on(addr, info.ports[n])) < 0)
                break;
    }
    if (n == CHANNEL_COUNT) {
        size_t used = 0;
        for (int c = 0; c < CHANNEL_COUNT; c++)
            used += (size_t)snprintf(list + used, size - used, c ? ",%d" : "%d", fd[c]);
    } else {
        for (int c = 0; c < n; c++)
            close(fd[c]);
    }
    connection_clear(&info);
}

/* Where the core lives, relative to this program's directory: first next to
 * it (the build tree), then where `make install` puts it (LIBEXECDIR). */
static const char *const core_places[] = {"", "../libexec/seli/"};
#define CORE_PLACES (sizeof core_places / sizeof core_places[0])

/* The core's path: CORE_NAME in the first of core_places that has it, or,
 * if none has it, next to this program (for the error message); -1 if this
 * program cannot find its own directory or the path is too long. */
static int core_path(char *buf, size_t size)
{
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        return -1;
    self[len] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    for (size_t i = 0; i < CORE_PLACES; i++) {
        int n = snprintf(buf, size, "%s/%s%s", self, core_places[i], CORE_NAME);
        if (n >= 0 && (size_t)n < size && access(buf, X_OK) == 0)
            return 0;
    }
    return snprintf(buf, size, "%s/%s", self, CORE_NAME) < (int)size ? 0 : -1;
}

int main(int argc, char **argv)
{
    char core[PATH_MAX], list[64];
    if (core_path(core, sizeof core) != 0) {
        fprintf(stderr, "seli-kernel: cannot find my own directory to run %s\n", CORE_NAME);
        return 1;
    }
    const char *file = connection_arg(argc, argv);
    if (file)
        open_listeners(file, list, sizeof list);
    if (file && list[0])
        setenv("SELI_LISTEN_FDS", list, 1);
    else
        unsetenv("SELI_LISTEN_FDS");
    execv(core, argv);
    fprintf(stderr,
            "seli-kernel: cannot run %s: %s (%s is looked for next to seli-kernel, where make "
            "builds it, then in ../libexec/seli/, where make install puts it)\n",
            core, strerror(errno), CORE_NAME);
    return 127;
}
