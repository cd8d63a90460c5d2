/* message.c: parse, sign, serialise, send and receive wire messages. */
#include "protocol/message.h"

#include "protocol/hmac.h"
#include "util/fail.h"
#include "util/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <uuid/uuid.h>
#include <zmq.h>

/* Refuse absurd messages before allocating for them. */
#define MAX_FRAMES 4096

void wire_init(wire *w, const unsigned char *key, size_t key_len)
{
    uuid_t u;
    w->key = key;
    w->key_len = key_len;
    uuid_generate(u);
    uuid_unparse_lower(u, w->session);
}

static int copy_frames(const frame *src, int n, frame **dst)
{
    *dst = NULL;
    if (n == 0)
        return 0;
    frame *f = calloc((size_t)n, sizeof *f);
    if (!f)
        return -1;
    for (int i = 0; i < n; i++) {
        f[i].data = malloc(src[i].len ? src[i].len : 1);
        if (!f[i].data) {
            frames_free(f, i);
            return -1;
        }
        if (src[i].len)
            memcpy(f[i].data, src[i].data, src[i].len);
        f[i].len = src[i].len;
    }
    *dst = f;
    return 0;
}

static json_t *load_object(const frame *f, const char *what, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *v = json_loadb((const char *)f->data, f->len, 0, &jerr);
    if (!v) {
        fail(err, errlen, "%s is not valid JSON (%s)", what, jerr.text);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        fail(err, errlen, "%s is not a JSON object", what);
        return NULL;
    }
    return v;
}

int message_parse(const wire *w, const frame *frames, int n, jmsg *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int delim = -1;
    for (int i = 0; i < n; i++) {
        if (frames[i].len == sizeof MESSAGE_DELIMITER - 1 &&
            memcmp(frames[i].data, MESSAGE_DELIMITER, frames[i].len) == 0) {
            delim = i;
            break;
        }
    }
    if (delim < 0)
        return fail(err, errlen, "no <IDS|MSG> delimiter among %d frames", n);
    if (n - delim - 1 < 5)
        return fail(err, errlen,
                    "too few frames after the delimiter (%d; need signature, header, "
                    "parent_header, metadata, content)",
                    n - delim - 1);
    const frame *sig = &frames[delim + 1];
    const frame *body = &frames[delim + 2];
    hmac_part parts[4];
    for (int i = 0; i < 4; i++) {
        parts[i].data = body[i].data;
        parts[i].len = body[i].len;
    }
    if (!hmac_verify_hex(w->key, w->key_len, parts, 4, (const char *)sig->data, sig->len))
        return fail(err, errlen, sig->len ? "bad signature" : "missing signature");

    static const char *const what[4] = {"header", "parent_header", "metadata", "content"};
    json_t *objs[4] = {NULL, NULL, NULL, NULL};
    for (int i = 0; i < 4; i++) {
        objs[i] = load_object(&body[i], what[i], err, errlen);
        if (!objs[i]) {
            for (int j = 0; j < i; j++)
                json_decref(objs[j]);
            return -1;
        }
    }
    out->header = objs[0];
    out->parent_header = objs[1];
    out->metadata = objs[2];
    out->content = objs[3];
    out->msg_type = json_string_value(json_object_get(out->header, "msg_type"));
    out->msg_id = json_string_value(json_object_get(out->header, "msg_id"));
    if (!out->msg_type || !out->msg_type[0] || !out->msg_id) {
        message_clear(out);
        return fail(err, errlen, "header lacks a msg_type or msg_id string");
    }
    if (copy_frames(frames, delim, &out->ids) < 0 ||
        copy_frames(frames + delim + 6, n - delim - 6, &out->buffers) < 0) {
        message_clear(out);
        return fail(err, errlen, "out of memory");
    }
    out->nids = delim;
    out->nbuffers = n - delim - 6;
    return 0;
}

void message_clear(jmsg *m)
{
    frames_free(m->ids, m->nids);
    frames_free(m->buffers, m->nbuffers);
    json_decref(m->header);
    json_decref(m->parent_header);
    json_decref(m->metadata);
    json_decref(m->content);
    memset(m, 0, sizeof *m);
}

void frames_free(frame *frames, int n)
{
    if (!frames)
        return;
    for (int i = 0; i < n; i++)
        free(frames[i].data);
    free(frames);
}

json_t *message_header(const wire *w, const char *msg_type)
{
    uuid_t u;
    char id[37], date[64];
    uuid_generate(u);
    uuid_unparse_lower(u, id);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t k = strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(date + k, sizeof date - k, ".%06ldZ", ts.tv_nsec / 1000);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "msg_id", id, "session", w->session,
                     "username", "kernel", "date", date, "msg_type", msg_type, "version",
                     PROTOCOL_VERSION);
}

static int dump_frame(const json_t *v, frame *f)
{
    char *s = json_dumps(v, JSON_COMPACT);
    if (!s)
        return -1;
    f->data = (unsigned char *)s;
    f->len = strlen(s);
    return 0;
}

frame *message_serialize(const wire *w, const frame *ids, int nids, const json_t *header,
                         const json_t *parent_header, const json_t *metadata, const json_t *content,
                         int *n)
{
    int total = nids + 6;
    frame *f = calloc((size_t)total, sizeof *f);
    if (!f)
        return NULL;
    json_t *empty = json_object();
    int ok = empty != NULL;
    for (int i = 0; ok && i < nids; i++) {
        f[i].data = malloc(ids[i].len ? ids[i].len : 1);
        ok = f[i].data != NULL;
        if (ok) {
            memcpy(f[i].data, ids[i].data, ids[i].len);
            f[i].len = ids[i].len;
        }
    }
    if (ok) {
        f[nids].data = (unsigned char *)strdup(MESSAGE_DELIMITER);
        f[nids].len = sizeof MESSAGE_DELIMITER - 1;
        ok = f[nids].data != NULL;
    }
    const json_t *body[4] = {header, parent_header ? parent_header : empty,
                             metadata ? metadata : empty, content ? content : empty};
    for (int i = 0; ok && i < 4; i++)
        ok = dump_frame(body[i], &f[nids + 2 + i]) == 0;
    if (ok) {
        hmac_part parts[4];
        for (int i = 0; i < 4; i++) {
            parts[i].data = f[nids + 2 + i].data;
            parts[i].len = f[nids + 2 + i].len;
        }
        char hex[HMAC_SHA256_HEX + 1];
        hmac_sign_hex(w->key, w->key_len, parts, 4, hex);
        f[nids + 1].data = (unsigned char *)strdup(hex);
        f[nids + 1].len = strlen(hex);
        ok = f[nids + 1].data != NULL;
    }
    json_decref(empty);
    if (!ok) {
        frames_free(f, total);
        return NULL;
    }
    *n = total;
    return f;
}

int frames_send(void *socket, const frame *frames, int n)
{
    for (int i = 0; i < n; i++) {
        int flags = i + 1 < n ? ZMQ_SNDMORE : 0;
        int rc;
        do
            rc = zmq_send(socket, frames[i].data, frames[i].len, flags);
        while (rc < 0 && errno == EINTR);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int message_reply(void *socket, const wire *w, const jmsg *parent, const char *msg_type,
                  json_t *content)
{
    json_t *header = message_header(w, msg_type);
    int n = 0, rc = -1;
    frame *f = header ? message_serialize(w, parent->ids, parent->nids, header, parent->header,
                                          NULL, content, &n)
                      : NULL;
    if (f) {
        rc = frames_send(socket, f, n);
        if (rc < 0)
            kernel_log("cannot send %s: %s", msg_type, zmq_strerror(errno));
        frames_free(f, n);
    }
    json_decref(header);
    json_decref(content);
    return rc;
}

/* The frames of one multipart message being received: on the stack while
 * they are few, on the heap past that. */
typedef struct incoming {
    zmq_msg_t parts[64];
    frame stack[64];
    zmq_msg_t *msgs;
    frame *frames;
    int n, cap;
} incoming;

/* Double the room (rare: many buffers or identities).  0, or -1 when it
 * would pass MAX_FRAMES or memory ran out. */
static int incoming_grow(incoming *in)
{
    int ncap = in->cap * 2;
    zmq_msg_t *nm = malloc((size_t)ncap * sizeof *nm);
    frame *nf = malloc((size_t)ncap * sizeof *nf);
    if (!nm || !nf || ncap > MAX_FRAMES) {
        free(nm);
        free(nf);
        return -1;
    }
    memcpy(nm, in->msgs, (size_t)in->n * sizeof *nm);
    memcpy(nf, in->frames, (size_t)in->n * sizeof *nf);
    if (in->msgs != in->parts) {
        free(in->msgs);
        free(in->frames);
    }
    in->msgs = nm;
    in->frames = nf;
    in->cap = ncap;
    return 0;
}

/* Receive frames until the last one.  0, ENOMEM (too many frames; *more
 * tells whether some are left on the socket), or ZeroMQ's errno. */
static int incoming_recv(incoming *in, void *socket, int *more)
{
    *more = 1;
    while (*more) {
        if (in->n == in->cap && incoming_grow(in) < 0)
            return ENOMEM;
        zmq_msg_t *m = &in->msgs[in->n];
        zmq_msg_init(m);
        int rc;
        do
            rc = zmq_msg_recv(m, socket, 0);
        while (rc < 0 && errno == EINTR);
        if (rc < 0) {
            int e = errno;
            zmq_msg_close(m);
            return e;
        }
        in->frames[in->n].data = zmq_msg_data(m);
        in->frames[in->n].len = zmq_msg_size(m);
        *more = zmq_msg_more(m);
        in->n++;
    }
    return 0;
}

static void incoming_free(incoming *in)
{
    for (int i = 0; i < in->n; i++)
        zmq_msg_close(&in->msgs[i]);
    if (in->msgs != in->parts) {
        free(in->msgs);
        free(in->frames);
    }
}

/* Swallow the rest of a message that is too big to keep. */
static void discard_rest(void *socket)
{
    int more = 1;
    while (more) {
        zmq_msg_t rest;
        zmq_msg_init(&rest);
        if (zmq_msg_recv(&rest, socket, 0) < 0)
            more = 0;
        else
            more = zmq_msg_more(&rest);
        zmq_msg_close(&rest);
    }
}

int message_recv(void *socket, const wire *w, const char *channel, jmsg *out)
{
    memset(out, 0, sizeof *out);
    incoming frames, *in = &frames;
    in->msgs = in->parts;
    in->frames = in->stack;
    in->n = 0;
    in->cap = 64;
    int more;
    int failed = incoming_recv(in, socket, &more);
    int result;
    if (failed == ENOMEM) {
        if (more)
            discard_rest(socket);
        kernel_log("%s: dropped a message with more than %d frames", channel, MAX_FRAMES);
        result = 0;
    } else if (failed) {
        result = -1;
    } else {
        char err[256];
        result = message_parse(w, in->frames, in->n, out, err, sizeof err) < 0 ? 0 : 1;
        if (!result)
            kernel_log("%s: dropped a malformed message: %s", channel, err);
    }
    incoming_free(in);
    if (failed && failed != ENOMEM)
        errno = failed;
    return result;
}
