/* connection.h: the connection file Jupyter hands a kernel with -f.
 *
 * It names the transport ("tcp" or "ipc"), the address, the five ports and
 * the HMAC key and scheme that sign every message. */
#ifndef SELI_KERNEL_CONNECTION_H
#define SELI_KERNEL_CONNECTION_H

#include <stddef.h>

typedef enum {
    CHANNEL_SHELL,
    CHANNEL_IOPUB,
    CHANNEL_STDIN,
    CHANNEL_CONTROL,
    CHANNEL_HB,
    CHANNEL_COUNT
} channel_id;

typedef struct connection_info {
    char transport[4];        /* "tcp" or "ipc" */
    char ip[256];             /* tcp: an address; ipc: a path prefix */
    int ports[CHANNEL_COUNT]; /* indexed by channel_id */
    unsigned char *key;       /* malloc'd, key_len bytes (may be 0: unsigned) */
    size_t key_len;
    char signature_scheme[32]; /* "hmac-sha256" */
    char kernel_name[128];     /* optional, "" if absent */
} connection_info;

/* Parse the JSON text of a connection file into *out.  Returns 0, or -1 with
 * a message naming the bad field in err.  On success free with
 * connection_clear. */
int connection_parse(const char *json_text, connection_info *out, char *err, size_t errlen);
/* Read and parse the file at path (as connection_parse). */
int connection_load(const char *path, connection_info *out, char *err, size_t errlen);
/* Free what connection_parse allocated. */
void connection_clear(connection_info *info);
/* The ZeroMQ endpoint of channel c: "tcp://IP:PORT" or "ipc://IP-PORT".
 * Returns 0, or -1 if buf is too small. */
int connection_endpoint(const connection_info *info, channel_id c, char *buf, size_t buflen);
/* "shell", "iopub", "stdin", "control" or "hb". */
const char *channel_name(channel_id c);

#endif
