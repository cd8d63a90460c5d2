/* control.c: the control channel thread (shutdown, interrupt, kernel_info). */
#include "protocol/control.h"

#include "protocol/socket_activation.h"
#include "protocol/handlers.h"
#include "protocol/iopub.h"
#include "util/log.h"
#include "io/stdin.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

/* How long a shutdown waits for a running cell to stop before the process
 * exits anyway. */
#define SHUTDOWN_GRACE_SECONDS 3

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int main_done;

void control_main_done(void)
{
    pthread_mutex_lock(&done_lock);
    main_done = 1;
    pthread_cond_broadcast(&done_cond);
    pthread_mutex_unlock(&done_lock);
}

/* After a shutdown request: if the main thread does not leave its loop in
 * time (a cell that ignores interrupts), end the process ourselves. */
static void await_main(kernel *k)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += SHUTDOWN_GRACE_SECONDS;
    pthread_mutex_lock(&done_lock);
    int rc = 0;
    while (!main_done && rc == 0)
        rc = pthread_cond_timedwait(&done_cond, &done_lock, &until);
    int done = main_done;
    pthread_mutex_unlock(&done_lock);
    if (!done) {
        kernel_log("control: the running cell did not stop; exiting anyway");
        iopub_drain();
        _exit(0);
    }
    (void)k;
}

static void *control_main(void *arg)
{
    kernel *k = arg;
    void *sock = k->control_sock;
    for (;;) {
        zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, 500);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            break; /* ETERM */
        }
        if (k->parent_pid && getppid() != k->parent_pid && !atomic_load(&k->quit)) {
            kernel_log("control: the parent process is gone; shutting down");
            kernel_quit(k);
            if (k->sess)
                session_interrupt(k->sess);
            stdin_interrupt();
        }
        if (rc == 0)
            continue;
        jmsg m;
        rc = message_recv(sock, &k->w, "control", &m);
        if (rc < 0)
            break;
        if (rc == 0)
            continue;
        handlers_dispatch(k, sock, CHANNEL_CONTROL, &m);
        int shutdown = atomic_load(&k->quit);
        message_clear(&m);
        if (shutdown)
            await_main(k);
    }
    zmq_close(sock);
    return NULL;
}

/* Alike in shape to heartbeat_start: each channel's thread owns its own
 * socket, and the two differ in socket type, timeout and thread. */
int control_start(kernel *k)
{
    void *sock =
        activation_socket(k->zctx, ZMQ_ROUTER, 1000, CHANNEL_CONTROL, k->endpoint[CHANNEL_CONTROL]);
    if (!sock)
        return -1;
    k->control_sock = sock;
    if (pthread_create(&k->control_thread, NULL, control_main, k) != 0) {
        kernel_log("control: cannot start the control thread");
        zmq_close(sock);
        return -1;
    }
    k->control_started = 1;
    return 0;
}
