/* kernel.h: the state of one running kernel, shared by its threads.
 *
 * The main thread owns the shell and stdin sockets and the session; the
 * heartbeat and control threads own their sockets; the iopub publisher owns
 * the PUB socket (iopub.h).  Fields marked "atomic" are written by several
 * threads. */
#ifndef SELI_KERNEL_KERNEL_H
#define SELI_KERNEL_KERNEL_H

#include "protocol/connection.h"
#include "protocol/history.h"
#include "protocol/message.h"
#include "session/session.h"
#include "seli/version.h" /* SELI_VERSION: kernel_info and --version report it */

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

typedef struct kernel {
    connection_info conn;
    wire w;
    void *zctx;
    char endpoint[CHANNEL_COUNT][300];
    void *shell;        /* ROUTER, main thread */
    void *stdin_sock;   /* ROUTER, main thread */
    void *control_sock; /* ROUTER, control thread */
    pthread_t hb_thread, control_thread;
    int hb_started, control_started;

    session *sess;
    history *hist;
    int execution_count;

    atomic_int quit;    /* leave the shell loop (set it with kernel_quit) */
    int wake_fd;        /* an eventfd the shell loop polls: kernel_quit writes it */
    atomic_int restart; /* the shutdown asked for a restart */
    atomic_int busy;    /* the main thread runs a cell */
    int parent_pid;     /* exit when the parent dies (0: do not watch) */

    /* The execution in progress (main thread only). */
    const jmsg *request;
    int silent;
    char *result_text; /* text/plain of this execution's execute_result (history) */
} kernel;

/* Ask the shell loop to leave, now: it polls wake_fd beside the shell
 * socket, so it does not wait for its poll timeout. */
static inline void kernel_quit(kernel *k)
{
    atomic_store(&k->quit, 1);
    if (k->wake_fd >= 0) {
        uint64_t one = 1;
        ssize_t w = write(k->wake_fd, &one, sizeof one);
        (void)w;
    }
}

#endif
