/* iopub.c: a thread-safe queue drained by the thread that owns the PUB socket.
 *
 * The socket is an XPUB: the thread also reads the subscriptions, and
 * answers each new one with an iopub_welcome message (JEP 65), also while
 * the queue is empty: it then sleeps in zmq_poll on the socket and on a
 * pipe that iopub_send writes a byte to. */
#include "protocol/iopub.h"

#include "protocol/socket_activation.h"
#include "util/deadline.h"

#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define IOPUB_WAIT_MS 5000 /* the longest wait for a subscriber to take one message */
#define IOPUB_STALL_MS 100 /* the same for status and error while a subscriber is stalled */

typedef struct item {
    struct item *next;
    char *msg_type;
    json_t *content;
    json_t *parent;
} item;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t done; /* the queue became empty, or shorter (see iopub_wait_below) */
    item *head, *tail;
    int count;   /* items in the queue */
    int sending; /* the thread holds an item it has not finished sending */
    int stop;
    int running;
    json_t *parent; /* current parent header */
    const wire *w;
    void *ctx;
    const char *endpoint;
    int bind_rc; /* 1 while pending */
    pthread_t thread;
    int wake[2]; /* a pipe: a byte in it wakes the thread (an item arrived, or stop) */
} q = {.wake = {-1, -1}, .lock = PTHREAD_MUTEX_INITIALIZER, .done = PTHREAD_COND_INITIALIZER};

/* Publisher-thread state of a subscriber that stopped reading. */
static int stalled;   /* a send timed out and none has succeeded since */
static long ndropped; /* messages dropped during this stall */
static int sndtimeo = -2;

/* Send the frames of one message.  The socket does not drop at its
 * high-water mark; a send waits up to the socket's ZMQ_SNDTIMEO for the
 * subscribers to read.  -1 if the first frame could not be sent in time
 * (the message is dropped whole). */
static int send_frames(void *sock, const frame *f, int n, int vital)
{
    int wait = !stalled ? IOPUB_WAIT_MS : vital ? IOPUB_STALL_MS : 0;
    if (wait != sndtimeo && zmq_setsockopt(sock, ZMQ_SNDTIMEO, &wait, sizeof wait) == 0)
        sndtimeo = wait;
    for (int i = 0; i < n; i++) {
        int flags = i + 1 < n ? ZMQ_SNDMORE : 0;
        int rc, tries = 0;
        for (;;) {
            rc = zmq_send(sock, f[i].data, f[i].len, flags);
            if (rc >= 0 || (errno != EINTR && errno != EAGAIN))
                break;
            if (errno == EAGAIN && i == 0)
                break; /* nothing of the message went out: drop it whole */
            /* Part of the message is out: finish it (ZeroMQ admits the rest
             * of a message whose first frame it took), within reason. */
            if (errno == EAGAIN && ++tries > 10)
                break;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* The topic frame subscribers see: "kernel.<session>.<msg_type>", or
 * "stream.<name>" like ipykernel. */
static void publish(void *sock, const item *it)
{
    char topic[128];
    if (strcmp(it->msg_type, "stream") == 0) {
        const char *name = json_string_value(json_object_get(it->content, "name"));
        snprintf(topic, sizeof topic, "stream.%s", name ? name : "stdout");
    } else {
        snprintf(topic, sizeof topic, "kernel.%s.%s", q.w->session, it->msg_type);
    }
    frame id = {(unsigned char *)topic, strlen(topic)};
    json_t *header = message_header(q.w, it->msg_type);
    int n = 0;
    frame *f =
        header ? message_serialize(q.w, &id, 1, header, it->parent, NULL, it->content, &n) : NULL;
    /* What a client needs in order not to wait forever. */
    int vital = strcmp(it->msg_type, "status") == 0 || strcmp(it->msg_type, "error") == 0 ||
                strcmp(it->msg_type, "execute_result") == 0;
    if (!f) {
        kernel_log("iopub: cannot serialize %s", it->msg_type);
    } else if (send_frames(sock, f, n, vital) < 0) {
        if (errno != EAGAIN) {
            kernel_log("iopub: cannot publish %s: %s", it->msg_type, zmq_strerror(errno));
        } else {
            if (!stalled)
                kernel_log("iopub: a subscriber read nothing for %d ms; dropped %s (later "
                           "messages are dropped while it reads nothing)",
                           IOPUB_WAIT_MS, it->msg_type);
            stalled = 1;
            ndropped++;
        }
    } else if (stalled) {
        kernel_log("iopub: the subscribers read again; %ld messages were dropped", ndropped);
        stalled = 0;
        ndropped = 0;
    }
    frames_free(f, n);
    json_decref(header);
}

/* A client's SUB socket subscribes a moment after it connects, and what is
 * published before that is lost: jupyter_client's wait_for_ready then waits
 * 0.2 s for the status of its kernel_info_request and asks again.  The
 * socket is an XPUB, so the publisher sees the subscriptions; until the
 * first one arrives, a message waits for it, for FIRST_SUBSCRIBER_MS at most
 * over the kernel's life (a client may never subscribe). */
#define FIRST_SUBSCRIBER_MS 500
static int subscribed;
static int first_wait_left = FIRST_SUBSCRIBER_MS;

/* Welcome a new subscriber (JEP 65): an iopub_welcome message whose
 * content names the subscription, sent under that topic (a subscription
 * to everything gets the usual topic). */
static void welcome(void *sock, const unsigned char *topic, size_t len)
{
    json_t *content = json_pack("{s:s%}", "subscription", (const char *)topic, len);
    if (!content) {
        kernel_log("iopub: a subscription that is not UTF-8 gets no iopub_welcome");
        return;
    }
    char dflt[128];
    snprintf(dflt, sizeof dflt, "kernel.%s.iopub_welcome", q.w->session);
    frame id = {len ? (unsigned char *)topic : (unsigned char *)dflt, len ? len : strlen(dflt)};
    json_t *header = message_header(q.w, "iopub_welcome");
    int n = 0;
    frame *f = header ? message_serialize(q.w, &id, 1, header, NULL, NULL, content, &n) : NULL;
    if (!f || send_frames(sock, f, n, 1) < 0)
        kernel_log("iopub: cannot send iopub_welcome");
    frames_free(f, n);
    json_decref(header);
    json_decref(content);
}

/* Read the (un)subscription messages that arrived, waiting up to
 * timeout_ms for the first; welcome each subscription. */
static void read_subscriptions(void *sock, int timeout_ms)
{
    zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
    while (zmq_poll(&item, 1, timeout_ms) > 0) {
        unsigned char buf[1024];
        int n = zmq_recv(sock, buf, sizeof buf, ZMQ_DONTWAIT);
        if (n < 0)
            break;
        if (n >= 1 && buf[0] == 1) {
            subscribed = 1;
            if ((size_t)n <= sizeof buf)
                welcome(sock, buf + 1, (size_t)n - 1);
        }
        timeout_ms = 0;
    }
}

/* Sleep (without the lock) until the wake pipe has a byte or a
 * subscription arrives; answer the subscriptions. */
static void idle_wait(void *sock)
{
    zmq_pollitem_t items[2] = {{sock, 0, ZMQ_POLLIN, 0}, {NULL, q.wake[0], ZMQ_POLLIN, 0}};
    if (zmq_poll(items, 2, -1) < 0) {
        if (errno != EINTR) /* never spin on a socket that fails */
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
        return;
    }
    if (items[0].revents & ZMQ_POLLIN)
        read_subscriptions(sock, 0);
    if (items[1].revents & ZMQ_POLLIN) {
        char buf[64];
        while (read(q.wake[0], buf, sizeof buf) > 0)
            ;
    }
}

/* Wake the publisher thread: a byte into the pipe (a full pipe wakes it
 * already). */
static void wake_publisher(void)
{
    if (q.wake[1] >= 0 && write(q.wake[1], "", 1) < 0 && errno != EAGAIN)
        kernel_log("iopub: cannot wake the publisher: %s", strerror(errno));
}

static void await_first_subscriber(void *sock)
{
    read_subscriptions(sock, 0);
    while (!subscribed && first_wait_left > 0) {
        read_subscriptions(sock, 10);
        first_wait_left -= 10;
    }
}

static void free_item(item *it)
{
    free(it->msg_type);
    json_decref(it->content);
    json_decref(it->parent);
    free(it);
}

static void *publisher(void *arg)
{
    (void)arg;
    void *sock = zmq_socket(q.ctx, ZMQ_XPUB); /* a PUB that shows the subscriptions */
    int linger = 1000, nodrop = 1;
    int rc = sock ? zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger) : -1;
    /* At the high-water mark a PUB socket drops messages silently, the idle
     * status included; make it refuse them instead (send_frames waits). */
    if (rc == 0)
        rc = zmq_setsockopt(sock, ZMQ_XPUB_NODROP, &nodrop, sizeof nodrop);
    if (rc == 0)
        rc = activation_bind(sock, CHANNEL_IOPUB, q.endpoint);
    if (rc != 0)
        kernel_log("iopub: cannot bind %s: %s", q.endpoint, zmq_strerror(errno));
    pthread_mutex_lock(&q.lock);
    q.bind_rc = rc;
    pthread_cond_broadcast(&q.done);
    if (rc != 0) {
        pthread_mutex_unlock(&q.lock);
        if (sock)
            zmq_close(sock);
        return NULL;
    }
    for (;;) {
        while (!q.head && !q.stop) {
            pthread_mutex_unlock(&q.lock);
            idle_wait(sock);
            pthread_mutex_lock(&q.lock);
        }
        if (!q.head)
            break; /* stop, and nothing left */
        item *it = q.head;
        q.head = it->next;
        if (!q.head)
            q.tail = NULL;
        q.count--;
        q.sending = 1;
        pthread_mutex_unlock(&q.lock);
        await_first_subscriber(sock);
        publish(sock, it);
        free_item(it);
        pthread_mutex_lock(&q.lock);
        q.sending = 0;
        pthread_cond_broadcast(&q.done);
    }
    pthread_mutex_unlock(&q.lock);
    if (stalled)
        kernel_log("iopub: %ld messages were dropped (a subscriber read nothing)", ndropped);
    zmq_close(sock);
    return NULL;
}

static void close_wake(void)
{
    for (int i = 0; i < 2; i++) {
        if (q.wake[i] >= 0)
            close(q.wake[i]);
        q.wake[i] = -1;
    }
}

int iopub_start(void *zmq_context, const char *endpoint, const wire *w)
{
    q.ctx = zmq_context;
    q.endpoint = endpoint;
    q.w = w;
    q.bind_rc = 1;
    q.stop = 0;
    if (pipe2(q.wake, O_NONBLOCK | O_CLOEXEC) != 0) {
        kernel_log("iopub: cannot make the wake pipe: %s", strerror(errno));
        q.wake[0] = q.wake[1] = -1;
        return -1;
    }
    if (pthread_create(&q.thread, NULL, publisher, NULL) != 0) {
        kernel_log("iopub: cannot start the publisher thread");
        close_wake();
        return -1;
    }
    pthread_mutex_lock(&q.lock);
    while (q.bind_rc == 1)
        pthread_cond_wait(&q.done, &q.lock);
    int rc = q.bind_rc;
    pthread_mutex_unlock(&q.lock);
    if (rc != 0) {
        pthread_join(q.thread, NULL);
        close_wake();
        return -1;
    }
    q.running = 1;
    return 0;
}

void iopub_stop(void)
{
    if (!q.running)
        return;
    pthread_mutex_lock(&q.lock);
    q.stop = 1;
    wake_publisher();
    pthread_mutex_unlock(&q.lock);
    pthread_join(q.thread, NULL);
    close_wake();
    q.running = 0;
    json_decref(q.parent);
    q.parent = NULL;
}

void iopub_send(const char *msg_type, json_t *content, const json_t *parent_header)
{
    item *it = calloc(1, sizeof *it);
    if (!it || !(it->msg_type = strdup(msg_type))) {
        free(it);
        json_decref(content);
        return;
    }
    it->content = content ? content : json_object();
    /* A cell interrupted while this thread holds the lock would stop every
     * publisher: keep asynchronous signals out of the critical section. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_mutex_lock(&q.lock);
    const json_t *p = parent_header ? parent_header : q.parent;
    /* Deep copy: the publisher thread must not share refcounts with callers. */
    it->parent = p ? json_deep_copy(p) : json_object();
    if (!q.running || q.stop) {
        pthread_mutex_unlock(&q.lock);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        free_item(it);
        return;
    }
    /* The publisher sleeps only on an empty queue: a burst wakes it once. */
    int was_empty = !q.head;
    if (q.tail)
        q.tail->next = it;
    else
        q.head = it;
    q.tail = it;
    q.count++;
    if (was_empty)
        wake_publisher();
    pthread_mutex_unlock(&q.lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void iopub_status(const char *state, const json_t *parent_header)
{
    iopub_send("status", json_pack("{s:s}", "execution_state", state), parent_header);
}

void iopub_stream(const char *name, const char *text, size_t len)
{
    json_t *t = json_stringn(text, len);
    if (!t) {
        kernel_log("iopub: dropped %zu bytes of %s that are not UTF-8", len, name);
        return;
    }
    iopub_send("stream", json_pack("{s:s, s:o}", "name", name, "text", t), NULL);
}

void iopub_set_parent(const json_t *parent_header)
{
    json_t *copy = parent_header ? json_deep_copy(parent_header) : NULL;
    pthread_mutex_lock(&q.lock);
    json_t *old = q.parent;
    q.parent = copy;
    pthread_mutex_unlock(&q.lock);
    json_decref(old);
}

void iopub_drain(void)
{
    pthread_mutex_lock(&q.lock);
    while (q.running && (q.head || q.sending))
        pthread_cond_wait(&q.done, &q.lock);
    pthread_mutex_unlock(&q.lock);
}

int iopub_wait_below(int max_items, int timeout_ms)
{
    struct timespec until = deadline_after(CLOCK_REALTIME, timeout_ms);
    pthread_mutex_lock(&q.lock);
    int rc = 0;
    while (q.running && !q.stop && q.count >= max_items && rc == 0)
        rc = pthread_cond_timedwait(&q.done, &q.lock, &until);
    int below = !q.running || q.stop || q.count < max_items;
    pthread_mutex_unlock(&q.lock);
    return below;
}
