/* socket_activation.h: take over the listening sockets that the launcher
 * (kernel/launcher/launcher.c) opened before it ran this program.
 *
 * The launcher passes them as SELI_LISTEN_FDS=S,I,N,C,H (one descriptor per
 * channel, in channel_id order).  Each one is checked (a listening TCP
 * socket on the channel's port) and handed to ZeroMQ with ZMQ_USE_FD, the
 * option meant for socket activation; without them, or if any is not what
 * it should be, every channel binds its own socket as before. */
#ifndef SELI_KERNEL_ACTIVATION_H
#define SELI_KERNEL_ACTIVATION_H

#include "protocol/connection.h"

/* Read and check SELI_LISTEN_FDS against info's ports, then remove it from
 * the environment (cells and their children never see it). */
void activation_init(const connection_info *info);
/* zmq_bind(sock, endpoint) for channel c, on the launcher's socket for c if
 * there is one (each is used once).  Returns zmq_bind's result. */
int activation_bind(void *sock, channel_id c, const char *endpoint);
/* A new ZeroMQ socket of type (ZMQ_ROUTER, ZMQ_REP...) with ZMQ_LINGER
 * linger_ms, bound for channel c as activation_bind does, or NULL (logged:
 * "CHANNEL: cannot bind ENDPOINT: why"). */
void *activation_socket(void *zmq_context, int type, int linger_ms, channel_id c,
                        const char *endpoint);

#endif
