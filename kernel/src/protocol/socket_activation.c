/* socket_activation.c: take over the launcher's listening sockets (see
 * socket_activation.h and kernel/launcher/launcher.c for why). */
#include "protocol/socket_activation.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include "util/log.h"

static int fds[CHANNEL_COUNT] = {-1, -1, -1, -1, -1};

/* A listening TCP/IPv4 socket on port? */
static int listens_on(int fd, int port)
{
    int accepting = 0;
    socklen_t len = sizeof accepting;
    struct sockaddr_in addr;
    socklen_t alen = sizeof addr;
    return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) == 0 && accepting &&
           getsockname(fd, (struct sockaddr *)&addr, &alen) == 0 && addr.sin_family == AF_INET &&
           ntohs(addr.sin_port) == port;
}

void activation_init(const connection_info *info)
{
    const char *s = getenv("SELI_LISTEN_FDS");
    if (!s)
        return;
    int got[CHANNEL_COUNT], n = 0, ok = 1;
    while (n < CHANNEL_COUNT && *s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < 3 || v > 1 << 20 || (*end && *end != ',')) {
            ok = 0;
            break;
        }
        got[n++] = (int)v;
        s = *end ? end + 1 : end;
    }
    ok = ok && n == CHANNEL_COUNT && !*s;
    for (int c = 0; ok && c < CHANNEL_COUNT; c++)
        ok = listens_on(got[c], info->ports[c]);
    for (int c = 0; c < n; c++) {
        if (ok) {
            fds[c] = got[c];
            fcntl(got[c], F_SETFD, FD_CLOEXEC);
        } else if (fcntl(got[c], F_GETFD) >= 0 && listens_on(got[c], info->ports[c])) {
            close(got[c]); /* ours, but unusable as a set: free the port for our own bind */
        }
    }
    if (!ok)
        kernel_log("SELI_LISTEN_FDS is not five listening sockets on the connection file's "
                   "ports; binding them here instead");
    unsetenv("SELI_LISTEN_FDS");
}

int activation_bind(void *sock, channel_id c, const char *endpoint)
{
    if ((unsigned)c < CHANNEL_COUNT && fds[c] >= 0) {
        int fd = fds[c];
        fds[c] = -1;
        if (zmq_setsockopt(sock, ZMQ_USE_FD, &fd, sizeof fd) != 0)
            close(fd);
    }
    return zmq_bind(sock, endpoint);
}

void *activation_socket(void *zmq_context, int type, int linger_ms, channel_id c,
                        const char *endpoint)
{
    void *sock = zmq_socket(zmq_context, type);
    if (!sock || zmq_setsockopt(sock, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0 ||
        activation_bind(sock, c, endpoint) != 0) {
        kernel_log("%s: cannot bind %s: %s", channel_name(c), endpoint, zmq_strerror(errno));
        if (sock)
            zmq_close(sock);
        return NULL;
    }
    return sock;
}
