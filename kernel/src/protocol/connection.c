/* connection.c: parse the connection file (JSON, with Jansson). */
#include "protocol/connection.h"

#include "util/fail.h"
#include "util/file.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const port_keys[CHANNEL_COUNT] = {"shell_port", "iopub_port", "stdin_port",
                                                     "control_port", "hb_port"};
static const char *const names[CHANNEL_COUNT] = {"shell", "iopub", "stdin", "control", "hb"};

const char *channel_name(channel_id c) { return (unsigned)c < CHANNEL_COUNT ? names[c] : "?"; }

/* The string field key of root in *out, dflt when it is missing.  0, or -1
 * (with the reason in err) when it is there but not a string. */
static int optional_string(json_t *root, const char *key, const char *dflt, const char **out,
                           char *err, size_t errlen)
{
    json_t *v = json_object_get(root, key);
    *out = dflt;
    if (!v)
        return 0;
    if (!json_is_string(v))
        return fail(err, errlen, "connection file: \"%s\" must be a string", key);
    *out = json_string_value(v);
    return 0;
}

/* Copy the string field key into dst; missing uses dflt (NULL: required). */
static int get_string(json_t *root, const char *key, const char *dflt, char *dst, size_t dstlen,
                      char *err, size_t errlen)
{
    const char *s;
    if (optional_string(root, key, dflt, &s, err, errlen) < 0)
        return -1;
    if (!s)
        return fail(err, errlen, "connection file: \"%s\" is missing", key);
    if (strlen(s) >= dstlen)
        return fail(err, errlen, "connection file: \"%s\" is too long (at most %zu bytes)", key,
                    dstlen - 1);
    strcpy(dst, s);
    return 0;
}

/* transport ("tcp" or "ipc") and ip. */
static int parse_address(json_t *root, connection_info *out, char *err, size_t errlen)
{
    const char *transport;
    if (optional_string(root, "transport", "tcp", &transport, err, errlen) < 0)
        return -1;
    if (strcmp(transport, "tcp") != 0 && strcmp(transport, "ipc") != 0)
        return fail(err, errlen,
                    "connection file: transport \"%.64s\" is not supported (use tcp or ipc)",
                    transport);
    strcpy(out->transport, transport);
    if (get_string(root, "ip", NULL, out->ip, sizeof out->ip, err, errlen) < 0)
        return -1;
    if (!out->ip[0])
        return fail(err, errlen, "connection file: \"ip\" is empty");
    return 0;
}

static int parse_ports(json_t *root, connection_info *out, char *err, size_t errlen)
{
    for (int c = 0; c < CHANNEL_COUNT; c++) {
        json_t *p = json_object_get(root, port_keys[c]);
        if (!p)
            return fail(err, errlen, "connection file: \"%s\" is missing", port_keys[c]);
        if (!json_is_integer(p) || json_integer_value(p) <= 0 || json_integer_value(p) > 65535)
            return fail(err, errlen, "connection file: \"%s\" must be an integer in 1..65535",
                        port_keys[c]);
        out->ports[c] = (int)json_integer_value(p);
    }
    return 0;
}

/* key (copied: it may hold NUL bytes) and signature_scheme. */
static int parse_key(json_t *root, connection_info *out, char *err, size_t errlen)
{
    const char *keytext;
    if (optional_string(root, "key", NULL, &keytext, err, errlen) < 0)
        return -1;
    out->key_len = keytext ? json_string_length(json_object_get(root, "key")) : 0;
    out->key = malloc(out->key_len + 1);
    if (!out->key)
        return fail(err, errlen, "connection file: out of memory");
    if (out->key_len)
        memcpy(out->key, keytext, out->key_len);
    out->key[out->key_len] = 0;
    if (get_string(root, "signature_scheme", "hmac-sha256", out->signature_scheme,
                   sizeof out->signature_scheme, err, errlen) < 0)
        return -1;
    if (out->key_len > 0 && strcmp(out->signature_scheme, "hmac-sha256") != 0)
        return fail(err, errlen,
                    "connection file: signature_scheme \"%s\" is not supported (use hmac-sha256)",
                    out->signature_scheme);
    return 0;
}

int connection_parse(const char *json_text, connection_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!json_text)
        return fail(err, errlen, "connection file: no text");
    json_error_t jerr;
    json_t *root = json_loads(json_text, 0, &jerr);
    if (!root)
        return fail(err, errlen, "connection file: invalid JSON at line %d, column %d: %s",
                    jerr.line, jerr.column, jerr.text);
    int rc = -1;
    if (!json_is_object(root))
        fail(err, errlen, "connection file: the top level must be a JSON object");
    else if (parse_address(root, out, err, errlen) == 0 &&
             parse_ports(root, out, err, errlen) == 0 && parse_key(root, out, err, errlen) == 0)
        rc = 0;
    if (rc == 0 && get_string(root, "kernel_name", "", out->kernel_name, sizeof out->kernel_name,
                              err, errlen) < 0)
        out->kernel_name[0] = 0; /* informative only */
    json_decref(root);
    if (rc < 0)
        connection_clear(out);
    return rc;
}

int connection_load(const char *path, connection_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char *text = file_read(path);
    if (!text) {
        int e = errno;
        return e == ENOMEM
                   ? fail(err, errlen, "connection file %s: out of memory", path)
                   : fail(err, errlen, "cannot open connection file %s: %s", path, strerror(e));
    }
    int rc = connection_parse(text, out, err, errlen);
    free(text);
    return rc;
}

void connection_clear(connection_info *info)
{
    if (info->key) {
        volatile unsigned char *k = info->key;
        for (size_t i = 0; i < info->key_len; i++)
            k[i] = 0; /* do not leave the key in freed memory */
    }
    free(info->key);
    info->key = NULL;
    info->key_len = 0;
}

int connection_endpoint(const connection_info *info, channel_id c, char *buf, size_t buflen)
{
    int n;
    if (strcmp(info->transport, "ipc") == 0)
        n = snprintf(buf, buflen, "ipc://%s-%d", info->ip, info->ports[c]);
    else
        n = snprintf(buf, buflen, "tcp://%s:%d", info->ip, info->ports[c]);
    return n < 0 || (size_t)n >= buflen ? -1 : 0;
}
