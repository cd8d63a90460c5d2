/* handlers.c: the request handlers and their table. */
#include "protocol/handlers.h"

#include "io/capture.h"
#include "magic/magic.h"
#include "protocol/iopub.h"
#include "protocol/json_text.h"
#include "util/log.h"
#include "io/stdin.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

typedef void (*handler_fn)(kernel *k, void *socket, const jmsg *m);

/* Which channels a request may arrive on. */
enum { ON_SHELL = 1, ON_CONTROL = 2 };

/* ---- small helpers over request content ---- */

static int get_bool(const json_t *content, const char *key, int dflt)
{
    json_t *v = json_object_get(content, key);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

static long get_int(const json_t *content, const char *key, long dflt)
{
    json_t *v = json_object_get(content, key);
    if (json_is_integer(v))
        return (long)json_integer_value(v);
    if (json_is_real(v))
        return (long)json_real_value(v);
    return dflt;
}

static const char *get_string(const json_t *content, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(content, key));
    return s ? s : dflt;
}

/* The byte offset of the request's cursor_pos (code points; absent: end). */
static int cursor_bytes(const jmsg *m, const char *code)
{
    long cp = get_int(m->content, "cursor_pos", -1);
    size_t len = strlen(code);
    if (cp < 0)
        return (int)len;
    return (int)utf8_byte_offset(code, cp);
}

static json_t *error_content(const char *ename, const char *evalue)
{
    return json_error_content(ename, evalue, NULL, 0, 1);
}

/* ---- handlers ---- */

json_t *kernel_info_content(void)
{
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:s, s:b, s:[{s:s, s:s}, {s:s, "
        "s:s}]}",
        "status", "ok", "protocol_version", PROTOCOL_VERSION, "implementation", "seli",
        "implementation_version", SELI_VERSION, "language_info", "name", "c", "version", "C11",
        "mimetype", "text/x-csrc", "file_extension", ".c", "pygments_lexer", "c", "codemirror_mode",
        "text/x-csrc", "banner",
        "seli " SELI_VERSION " - C cells compiled in memory with libtcc, one persistent "
        "session.\nlibseli is included; type ?name for documentation.",
        "debugger", 0, "help_links", "text", "C reference", "url",
        "https://en.cppreference.com/w/c", "text", "TinyCC documentation", "url",
        "https://bellard.org/tcc/tcc-doc.html");
}

static void handle_kernel_info(kernel *k, void *socket, const jmsg *m)
{
    message_reply(socket, &k->w, m, "kernel_info_reply", kernel_info_content());
}

/* stop_on_error: the requests that were already queued when a cell failed.
 * They are taken off the socket before the failed cell's reply goes out, so
 * a request the client sends after seeing that reply is never aborted. */
typedef struct queued {
    jmsg *m;
    int n, cap;
} queued;

static void take_queued(kernel *k, void *socket, queued *q)
{
    for (;;) {
        zmq_pollitem_t item = {socket, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, 0) <= 0 || !(item.revents & ZMQ_POLLIN))
            return;
        if (q->n == q->cap) {
            int cap = q->cap ? 2 * q->cap : 8;
            jmsg *m = realloc(q->m, (size_t)cap * sizeof *m);
            if (!m)
                return;
            q->m = m;
            q->cap = cap;
        }
        int rc = message_recv(socket, &k->w, "shell", &q->m[q->n]);
        if (rc < 0)
            return;
        if (rc > 0)
            q->n++;
    }
}

/* Answer queued execute_requests with "aborted" without running them; serve
 * the other requests as usual. */
static void answer_queued(kernel *k, void *socket, queued *q)
{
    for (int i = 0; i < q->n; i++) {
        jmsg *m = &q->m[i];
        if (strcmp(m->msg_type, "execute_request") == 0) {
            iopub_status("busy", m->header);
            message_reply(socket, &k->w, m, "execute_reply",
                          json_pack("{s:s, s:i}", "status", "aborted", "execution_count",
                                    k->execution_count));
            iopub_status("idle", m->header);
        } else {
            handlers_dispatch(k, socket, CHANNEL_SHELL, m);
        }
        message_clear(m);
    }
    free(q->m);
}

static void handle_execute(kernel *k, void *socket, const jmsg *m)
{
    const char *code = get_string(m->content, "code", NULL);
    if (!code) {
        kernel_log("shell: execute_request without a code string");
        message_reply(socket, &k->w, m, "execute_reply",
                      error_content("BadRequest", "execute_request needs a \"code\" string"));
        return;
    }
    int silent = get_bool(m->content, "silent", 0);
    int store_history = silent ? 0 : get_bool(m->content, "store_history", 1);
    int allow_stdin = get_bool(m->content, "allow_stdin", 1);
    int stop_on_error = get_bool(m->content, "stop_on_error", 1);
    if (store_history)
        k->execution_count++;
    int count = k->execution_count;

    iopub_set_parent(m->header);
    if (!silent)
        iopub_send("execute_input", json_pack("{s:s, s:i}", "code", code, "execution_count", count),
                   m->header);
    k->request = m;
    k->silent = silent;
    free(k->result_text);
    k->result_text = NULL;

    exec_result r;
    memset(&r, 0, sizeof r);
    stdin_begin(allow_stdin);
    atomic_store(&k->busy, 1);
    session_set_cell_number(k->sess, store_history ? count : 0);
    magic_execute(k->sess, code, &r);
    atomic_store(&k->busy, 0);
    stdin_end();
    capture_flush();

    json_t *reply;
    if (r.status == EXEC_ERROR) {
        /* Every field, whatever bytes the messages hold (json_text.h). */
        iopub_send("error", json_error_content(r.ename, r.evalue, r.traceback, r.ntraceback, 0),
                   NULL);
        reply = json_error_content(r.ename, r.evalue, r.traceback, r.ntraceback, 1);
        json_object_set_new(reply, "execution_count", json_integer(count));
        json_object_set_new(reply, "user_expressions", json_object());
    } else {
        json_t *payload = json_array();
        if (r.page)
            json_array_append_new(payload,
                                  json_pack("{s:s, s:{s:o}, s:i}", "source", "page", "data",
                                            "text/plain", json_text(r.page), "start", 0));
        reply = json_pack("{s:s, s:i, s:o, s:{}}", "status", "ok", "execution_count", count,
                          "payload", payload, "user_expressions");
    }
    if (store_history)
        history_add(k->hist, count, code, k->result_text);
    k->request = NULL;
    queued q = {NULL, 0, 0};
    if (r.status == EXEC_ERROR && stop_on_error)
        take_queued(k, socket, &q);
    message_reply(socket, &k->w, m, "execute_reply", reply);
    answer_queued(k, socket, &q);
    exec_result_clear(&r);
}

static void handle_complete(kernel *k, void *socket, const jmsg *m)
{
    const char *code = get_string(m->content, "code", "");
    int cursor = cursor_bytes(m, code);
    char **matches = NULL;
    int start = cursor, end = cursor;
    int n = session_complete_name(k->sess, code, cursor, &matches, &start, &end);
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        json_t *s = matches[i] ? json_text(matches[i]) : NULL;
        if (s)
            json_array_append_new(list, s);
        free(matches[i]);
    }
    free(matches);
    if (start < 0 || start > cursor)
        start = cursor;
    if (end < start || (size_t)end > strlen(code))
        end = cursor;
    message_reply(socket, &k->w, m, "complete_reply",
                  json_pack("{s:s, s:o, s:i, s:i, s:{}}", "status", "ok", "matches", list,
                            "cursor_start", (int)utf8_codepoints(code, (size_t)start), "cursor_end",
                            (int)utf8_codepoints(code, (size_t)end), "metadata"));
}

static void handle_inspect(kernel *k, void *socket, const jmsg *m)
{
    const char *code = get_string(m->content, "code", "");
    char *doc = session_inspect(k->sess, code, cursor_bytes(m, code));
    json_t *data = json_object();
    json_t *text = doc ? json_text(doc) : NULL;
    if (text)
        json_object_set_new(data, "text/plain", text);
    free(doc);
    message_reply(socket, &k->w, m, "inspect_reply",
                  json_pack("{s:s, s:b, s:o, s:{}}", "status", "ok", "found", text != NULL, "data",
                            data, "metadata"));
}

static void handle_is_complete(kernel *k, void *socket, const jmsg *m)
{
    char *indent = NULL;
    const char *status = session_is_complete(get_string(m->content, "code", ""), &indent);
    json_t *content = json_pack("{s:s}", "status", status ? status : "unknown");
    if (status && strcmp(status, "incomplete") == 0)
        json_object_set_new(content, "indent", json_string(indent ? indent : ""));
    free(indent);
    message_reply(socket, &k->w, m, "is_complete_reply", content);
}

static void handle_history(kernel *k, void *socket, const jmsg *m)
{
    const json_t *c = m->content;
    const char *type = get_string(c, "hist_access_type", "tail");
    int output = get_bool(c, "output", 0);
    json_t *items;
    if (strcmp(type, "range") == 0)
        items = history_range(k->hist, (int)get_int(c, "session", 0), (int)get_int(c, "start", 0),
                              (int)get_int(c, "stop", 0), output);
    else if (strcmp(type, "search") == 0)
        items = history_search(k->hist, get_string(c, "pattern", "*"), (int)get_int(c, "n", 0),
                               get_bool(c, "unique", 0), output);
    else
        items = history_tail(k->hist, (int)get_int(c, "n", 10), output);
    message_reply(socket, &k->w, m, "history_reply",
                  json_pack("{s:s, s:o}", "status", "ok", "history", items));
}

static void handle_comm_info(kernel *k, void *socket, const jmsg *m)
{
    message_reply(socket, &k->w, m, "comm_info_reply",
                  json_pack("{s:s, s:{}}", "status", "ok", "comms"));
}

/* No comm targets exist: close every comm a client opens, as the spec asks. */
static void handle_comm_open(kernel *k, void *socket, const jmsg *m)
{
    (void)k;
    (void)socket;
    const char *id = get_string(m->content, "comm_id", NULL);
    if (id)
        iopub_send("comm_close", json_pack("{s:s, s:{}}", "comm_id", id, "data"), m->header);
}

static void handle_comm_ignore(kernel *k, void *socket, const jmsg *m)
{
    (void)k;
    (void)socket;
    (void)m;
}

static void handle_shutdown(kernel *k, void *socket, const jmsg *m)
{
    int restart = get_bool(m->content, "restart", 0);
    message_reply(socket, &k->w, m, "shutdown_reply",
                  json_pack("{s:s, s:b}", "status", "ok", "restart", restart));
    atomic_store(&k->restart, restart);
    kernel_quit(k);
    if (atomic_load(&k->busy)) { /* a cell is running (shutdown came on control) */
        session_interrupt(k->sess);
        stdin_interrupt();
    }
}

static void handle_interrupt(kernel *k, void *socket, const jmsg *m)
{
    if (k->sess)
        session_interrupt(k->sess);
    stdin_interrupt();
    message_reply(socket, &k->w, m, "interrupt_reply", json_pack("{s:s}", "status", "ok"));
}

static const struct {
    const char *msg_type;
    handler_fn fn;
    int channels;
} table[] = {
    {"kernel_info_request", handle_kernel_info, ON_SHELL | ON_CONTROL},
    {"execute_request", handle_execute, ON_SHELL},
    {"complete_request", handle_complete, ON_SHELL},
    {"inspect_request", handle_inspect, ON_SHELL},
    {"is_complete_request", handle_is_complete, ON_SHELL},
    {"history_request", handle_history, ON_SHELL},
    {"comm_info_request", handle_comm_info, ON_SHELL},
    {"comm_open", handle_comm_open, ON_SHELL},
    {"comm_msg", handle_comm_ignore, ON_SHELL},
    {"comm_close", handle_comm_ignore, ON_SHELL},
    {"shutdown_request", handle_shutdown, ON_SHELL | ON_CONTROL},
    {"interrupt_request", handle_interrupt, ON_CONTROL},
};

void handlers_dispatch(kernel *k, void *socket, channel_id ch, const jmsg *m)
{
    int on = ch == CHANNEL_CONTROL ? ON_CONTROL : ON_SHELL;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(table[i].msg_type, m->msg_type) != 0)
            continue;
        if (!(table[i].channels & on)) {
            kernel_log("%s: ignored %s (it belongs on another channel)", channel_name(ch),
                       m->msg_type);
            return;
        }
        iopub_status("busy", m->header);
        table[i].fn(k, socket, m);
        iopub_status("idle", m->header);
        return;
    }
    kernel_log("%s: ignored unknown message type %s", channel_name(ch), m->msg_type);
}
