/* heartbeat.c: echo every heartbeat ping, on a thread of its own. */
#include "protocol/heartbeat.h"

#include "protocol/socket_activation.h"
#include "util/log.h"

#include <errno.h>
#include <zmq.h>

static void *heartbeat_main(void *arg)
{
    void *sock = arg;
    for (;;) {
        zmq_msg_t ping;
        zmq_msg_init(&ping);
        if (zmq_msg_recv(&ping, sock, 0) < 0) {
            zmq_msg_close(&ping);
            if (errno == EINTR)
                continue;
            break; /* ETERM: the kernel is shutting down */
        }
        int more = zmq_msg_more(&ping);
        int rc = zmq_msg_send(&ping, sock, more ? ZMQ_SNDMORE : 0);
        if (rc < 0) {
            zmq_msg_close(&ping);
            if (errno == ETERM)
                break;
        }
    }
    zmq_close(sock);
    return NULL;
}

int heartbeat_start(kernel *k)
{
    void *sock = activation_socket(k->zctx, ZMQ_REP, 0, CHANNEL_HB, k->endpoint[CHANNEL_HB]);
    if (!sock)
        return -1;
    if (pthread_create(&k->hb_thread, NULL, heartbeat_main, sock) != 0) {
        kernel_log("hb: cannot start the heartbeat thread");
        zmq_close(sock);
        return -1;
    }
    k->hb_started = 1;
    return 0;
}
