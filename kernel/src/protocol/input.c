/* input.c: ask the client for a line (input_request / input_reply). */
#include "protocol/input.h"

#include "io/stdin.h"
#include "protocol/kernel.h"
#include "util/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* The line an input_reply to req carries (malloc'd), or NULL when m is not
 * that reply (logged). */
static char *reply_line(const jmsg *m, const jmsg *req)
{
    const char *parent = json_string_value(json_object_get(m->parent_header, "msg_id"));
    json_t *value = json_object_get(m->content, "value");
    if (strcmp(m->msg_type, "input_reply") == 0 && json_is_string(value) &&
        (!parent || !req->msg_id || strcmp(parent, req->msg_id) == 0))
        return strdup(json_string_value(value));
    kernel_log("stdin: ignored a %s that does not answer the input_request", m->msg_type);
    return NULL;
}

char *input_ask(void *ctx)
{
    kernel *k = ctx;
    const jmsg *req = k->request;
    json_t *content = json_pack("{s:s, s:b}", "prompt", "", "password", 0);
    if (message_reply(k->stdin_sock, &k->w, req, "input_request", content) < 0)
        return NULL;
    for (;;) {
        if (stdin_interrupted() || atomic_load(&k->quit))
            return NULL;
        zmq_pollitem_t item = {k->stdin_sock, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, 100);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            return NULL;
        }
        if (rc == 0)
            continue;
        jmsg m;
        rc = message_recv(k->stdin_sock, &k->w, "stdin", &m);
        if (rc < 0)
            return NULL;
        if (rc == 0)
            continue;
        char *line = reply_line(&m, req);
        message_clear(&m);
        if (line)
            return line;
    }
}
