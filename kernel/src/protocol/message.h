/* message.h: Jupyter wire messages (protocol 5.3).
 *
 * On the wire a message is a multipart ZeroMQ message:
 *   identities..., "<IDS|MSG>", signature, header, parent_header, metadata,
 *   content, buffers...
 * The four JSON frames are signed (see hmac.h).  Parsing checks the frames,
 * the signature and the JSON; a message that fails is dropped (logged). */
#ifndef SELI_KERNEL_MESSAGE_H
#define SELI_KERNEL_MESSAGE_H

#include <jansson.h>
#include <stddef.h>

#define MESSAGE_DELIMITER "<IDS|MSG>"
#define PROTOCOL_VERSION "5.3"

/* One frame (owned by whoever holds the array). */
typedef struct frame {
    unsigned char *data;
    size_t len;
} frame;

/* What signs and stamps messages: the key and this kernel's session id. */
typedef struct wire {
    const unsigned char *key; /* not owned */
    size_t key_len;
    char session[37]; /* uuid of this kernel process */
} wire;

/* A parsed message.  Every pointer is owned by the message. */
typedef struct jmsg {
    frame *ids; /* routing identities (ROUTER sockets) */
    int nids;
    json_t *header, *parent_header, *metadata, *content;
    frame *buffers;
    int nbuffers;
    const char *msg_type; /* inside header */
    const char *msg_id;   /* inside header */
} jmsg;

/* Fill w with key (borrowed) and a fresh session id. */
void wire_init(wire *w, const unsigned char *key, size_t key_len);

/* Parse n frames into *out (frames are copied, not taken).  0, or -1 with a
 * reason in err: no delimiter, too few frames, bad signature, bad JSON, a
 * header without msg_id / msg_type. */
int message_parse(const wire *w, const frame *frames, int n, jmsg *out, char *err, size_t errlen);
/* Free what a message owns and zero it. */
void message_clear(jmsg *m);

/* A new header: msg_id, session, username, date (UTC, ISO 8601), msg_type,
 * version.  New reference. */
json_t *message_header(const wire *w, const char *msg_type);

/* Serialise a message: ids, delimiter, signature, header, parent_header (NULL
 * means {}), metadata (NULL means {}), content.  Nothing is stolen.  Returns
 * a malloc'd frame array (free with frames_free) and its length in *n, or
 * NULL on failure. */
frame *message_serialize(const wire *w, const frame *ids, int nids, const json_t *header,
                         const json_t *parent_header, const json_t *metadata, const json_t *content,
                         int *n);
/* Free n frames and the array. */
void frames_free(frame *frames, int n);

/* Receive one multipart message from socket into *out.  Returns 1 for a
 * message, 0 if it was malformed (dropped and logged, with channel named),
 * -1 if the socket failed (errno from ZeroMQ, e.g. ETERM). */
int message_recv(void *socket, const wire *w, const char *channel, jmsg *out);
/* Send n frames on socket (all but the last with ZMQ_SNDMORE).  0 or -1. */
int frames_send(void *socket, const frame *frames, int n);
/* Reply on socket to parent (same identities, parent's header as
 * parent_header) with msg_type and content (stolen).  0 or -1. */
int message_reply(void *socket, const wire *w, const jmsg *parent, const char *msg_type,
                  json_t *content);

#endif
