/* main.c: seli-kernel -f CONNECTION_FILE
 *
 * Reads the connection file, binds the five channels where it says (or takes
 * the sockets the launcher opened, socket_activation.c), starts
 * the heartbeat, control and iopub threads, captures stdout and stderr, and
 * serves the shell channel on the main thread, which also runs the cells. */
#include "export/export.h"
#include "io/capture.h"
#include "io/stdin.h"
#include "protocol/connection.h"
#include "protocol/control.h"
#include "protocol/display.h"
#include "protocol/handlers.h"
#include "protocol/heartbeat.h"
#include "protocol/hmac.h"
#include "protocol/input.h"
#include "protocol/iopub.h"
#include "protocol/kernel.h"
#include "protocol/socket_activation.h"
#include "runtime/memlimit.h"
#include "util/log.h"
#include "util/thread.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <zmq.h>

static kernel K;

static void usage(FILE *f)
{
    fprintf(f, "usage: seli-kernel -f CONNECTION_FILE | --version | --help\n"
               "       seli-kernel export NOTEBOOK.ipynb [-o FILE.c]\n"
               "A Jupyter kernel for C (protocol " PROTOCOL_VERSION "); normally started by "
               "Jupyter through the kernelspec \"seli\".\n"
               "Environment: SELI_HEADER_DIR (where seli.h lives), SELI_HISTORY_FILE (keep "
               "history across sessions).\n");
}

/* SIGINT interrupts the running cell, like interrupt_request. */
static void on_sigint(int sig)
{
    (void)sig;
    if (K.sess)
        session_interrupt(K.sess);
    stdin_interrupt();
}

static void *bind_router(channel_id c)
{
    return activation_socket(K.zctx, ZMQ_ROUTER, 1000, c, K.endpoint[c]);
}

/* While the session starts (it compiles its preamble, which takes a while),
 * a helper thread owns the shell socket: it answers kernel_info_request at
 * once, so clients see the kernel up, and keeps every other request, in
 * order, for the main thread.  Joining the thread hands the socket back. */
typedef struct early_shell {
    pthread_t thread;
    atomic_int stop;
    jmsg *kept;
    int nkept, cap;
} early_shell;

static void *early_shell_main(void *arg)
{
    early_shell *e = arg;
    thread_block_signals(); /* signals are for the main thread */
    while (!atomic_load(&e->stop)) {
        zmq_pollitem_t item = {K.shell, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, 2);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0)
            continue;
        if (e->nkept == e->cap) {
            int cap = e->cap ? 2 * e->cap : 8;
            jmsg *k = realloc(e->kept, (size_t)cap * sizeof *k);
            if (!k)
                break; /* leave the rest on the socket for the main thread */
            e->kept = k;
            e->cap = cap;
        }
        jmsg *m = &e->kept[e->nkept];
        rc = message_recv(K.shell, &K.w, "shell", m);
        if (rc < 0)
            break;
        if (rc == 0)
            continue;
        if (strcmp(m->msg_type, "kernel_info_request") == 0) {
            handlers_dispatch(&K, K.shell, CHANNEL_SHELL, m);
            message_clear(m);
        } else {
            e->nkept++;
        }
    }
    return NULL;
}

static void serve_shell(void)
{
    while (!atomic_load(&K.quit)) {
        zmq_pollitem_t items[2] = {{K.shell, 0, ZMQ_POLLIN, 0}, {NULL, K.wake_fd, ZMQ_POLLIN, 0}};
        int rc = zmq_poll(items, K.wake_fd >= 0 ? 2 : 1, 200);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            kernel_log("shell: %s", zmq_strerror(errno));
            break;
        }
        if (rc == 0 || !(items[0].revents & ZMQ_POLLIN))
            continue;
        jmsg m;
        rc = message_recv(K.shell, &K.w, "shell", &m);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            kernel_log("shell: %s", zmq_strerror(errno));
            break;
        }
        if (rc == 0)
            continue;
        handlers_dispatch(&K, K.shell, CHANNEL_SHELL, &m);
        message_clear(&m);
    }
}

/* The connection file of -f FILE or --connection-file=FILE in *path.
 * Returns -1 to go on, else the exit status (--help, --version, a bad
 * argument). */
static int parse_args(int argc, char **argv, const char **path)
{
    *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-f") == 0 && i + 1 < argc) {
            *path = argv[++i];
        } else if (strncmp(argv[i], "--connection-file=", 18) == 0) {
            *path = argv[i] + 18;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("seli-kernel %s\n", SELI_VERSION);
            return 0;
        } else {
            fprintf(stderr, "seli-kernel: unknown argument %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!*path) {
        usage(stderr);
        return 2;
    }
    return -1;
}

/* libsodium, the connection file, the wire and the five endpoints.  0 or -1
 * (logged). */
static int load_connection(const char *path)
{
    if (hmac_init() < 0) {
        kernel_log("cannot initialise libsodium");
        return -1;
    }
    char err[512];
    if (connection_load(path, &K.conn, err, sizeof err) < 0) {
        kernel_log("%s", err);
        return -1;
    }
    wire_init(&K.w, K.conn.key, K.conn.key_len);
    activation_init(&K.conn);
    for (int c = 0; c < CHANNEL_COUNT; c++) {
        if (connection_endpoint(&K.conn, (channel_id)c, K.endpoint[c], sizeof K.endpoint[c]) < 0) {
            kernel_log("connection file: the address is too long");
            return -1;
        }
    }
    return 0;
}

/* The C session, made while early (if it started) answers kernel_info. */
static session *start_session(early_shell *early)
{
    int early_started = pthread_create(&early->thread, NULL, early_shell_main, early) == 0;
    session *s = session_new(NULL); /* SELI_HEADER_DIR, or the directory built in */
    if (early_started) {
        atomic_store(&early->stop, 1);
        pthread_join(early->thread, NULL);
    }
    if (!s)
        kernel_log("cannot create the C session");
    return s;
}

/* History, the parent watch, captured output, stdin, the display sink,
 * SIGINT and the control thread.  0 or -1. */
static int start_services(void)
{
    K.hist = history_new(getenv("SELI_HISTORY_FILE"));
    if (!K.hist)
        return -1;
    if (getenv("JPY_PARENT_PID"))
        K.parent_pid = (int)getppid(); /* started by Jupyter: leave with it */
    capture_outlet out = {.stream = iopub_stream, .wait_below = iopub_wait_below};
    if (capture_start(&out) < 0 || stdin_install(input_ask, &K) < 0)
        return -1;
    display_install(&K);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    return control_start(&K);
}

/* Stop the threads in order and free what the kernel holds. */
static void shut_down(early_shell *early)
{
    for (int i = 0; i < early->nkept; i++)
        message_clear(&early->kept[i]);
    free(early->kept);
    control_main_done();
    capture_stop();
    iopub_drain();
    iopub_stop();
    if (K.shell)
        zmq_close(K.shell);
    if (K.stdin_sock)
        zmq_close(K.stdin_sock);
    zmq_ctx_shutdown(K.zctx);
    if (K.control_started)
        pthread_join(K.control_thread, NULL);
    if (K.hb_started)
        pthread_join(K.hb_thread, NULL);
    zmq_ctx_term(K.zctx);
    if (K.sess)
        session_free(K.sess);
    history_free(K.hist);
    free(K.result_text);
    connection_clear(&K.conn);
}

int main(int argc, char **argv)
{
    K.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); /* -1: the loop polls the socket alone */
    if (argc > 1 && !strcmp(argv[1], "export")) /* a subcommand, not a kernel */
        return export_main(argc - 1, argv + 1);
    const char *path;
    int done = parse_args(argc, argv, &path);
    if (done >= 0)
        return done;

    /* Our own diagnostics keep going to the real stderr after capture. */
    log_set_fd(fcntl(2, F_DUPFD_CLOEXEC, 3));
    signal(SIGPIPE, SIG_IGN);
    if (load_connection(path) < 0)
        return 1;

    int status = 1;
    early_shell early;
    memset(&early, 0, sizeof early);
    K.zctx = zmq_ctx_new();
    if (!K.zctx) {
        kernel_log("cannot create a ZeroMQ context");
        return 1;
    }
    K.shell = bind_router(CHANNEL_SHELL);
    K.stdin_sock = K.shell ? bind_router(CHANNEL_STDIN) : NULL;
    if (!K.stdin_sock || iopub_start(K.zctx, K.endpoint[CHANNEL_IOPUB], &K.w) < 0 ||
        heartbeat_start(&K) < 0)
        goto out;
    K.sess = start_session(&early);
    if (!K.sess || start_services() < 0)
        goto out;
    memlimit_apply(); /* MEM_LIMIT or SELI_MEMORY_LIMIT, on top of what start-up reserved */

    for (int i = 0; i < early.nkept; i++)
        if (!atomic_load(&K.quit))
            handlers_dispatch(&K, K.shell, CHANNEL_SHELL, &early.kept[i]);
    serve_shell();
    status = 0;

out:
    shut_down(&early);
    return status;
}
