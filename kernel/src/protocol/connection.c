/* connection.c: parse the connection file (JSON, with Jansson). */
#include "protocol/connection.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const port_keys[CHANNEL_COUNT] = {"shell_port", "iopub_port", "stdin_port",
                                                     "control_port", "hb_port"};
static const char *const names[CHANNEL_COUNT] = {"shell", "iopub", "stdin", "control", "hb"};

const char *channel_name(channel_id c) { return (unsigned)c < CHANNEL_COUNT ? names[c] : "?"; }

static int fail(char *err, size_t errlen, const char *format, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(err, errlen, format, ap);
        va_end(ap);
    }
    return -1;
}

/* Copy the string field key into dst; missing uses dflt (NULL: required). */
static int get_string(json_t *root, const char *key, const char *dflt, char *dst, size_t dstlen,
                      char *err, size_t errlen)
{
    json_t *v = json_object_get(root, key);
    const char *s = dflt;
    if (v) {
        if (!json_is_string(v))
            return fail(err, errlen, "connection file: \"%s\" must be a string", key);
        s = json_string_value(v);
    } else if (!dflt) {
        return fail(err, errlen, "connection file: \"%s\" is missing", key);
    }
    if (strlen(s) >= dstlen)
        return fail(err, errlen, "connection file: \"%s\" is too long (at most %zu bytes)", key,
                    dstlen - 1);
    strcpy(dst, s);
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
    if (!json_is_object(root)) {
        fail(err, errlen, "connection file: the top level must be a JSON object");
        goto done;
    }
    json_t *t = json_object_get(root, "transport");
    const char *transport = "tcp";
    if (t) {
        if (!json_is_string(t)) {
            fail(err, errlen, "connection file: \"transport\" must be a string");
            goto done;
        }
        transport = json_string_value(t);
    }
    if (strcmp(transport, "tcp") != 0 && strcmp(transport, "ipc") != 0) {
        fail(err, errlen, "connection file: transport \"%.64s\" is not supported (use tcp or ipc)",
             transport);
        goto done;
    }
    strcpy(out->transport, transport);
    if (get_string(root, "ip", NULL, out->ip, sizeof out->ip, err, errlen) < 0)
        goto done;
    if (!out->ip[0]) {
        fail(err, errlen, "connection file: \"ip\" is empty");
        goto done;
    }
    for (int c = 0; c < CHANNEL_COUNT; c++) {
        json_t *p = json_object_get(root, port_keys[c]);
        if (!p) {
            fail(err, errlen, "connection file: \"%s\" is missing", port_keys[c]);
            goto done;
        }
        if (!json_is_integer(p) || json_integer_value(p) <= 0 || json_integer_value(p) > 65535) {
            fail(err, errlen, "connection file: \"%s\" must be an integer in 1..65535",
                 port_keys[c]);
            goto done;
        }
        out->ports[c] = (int)json_integer_value(p);
    }
    json_t *key = json_object_get(root, "key");
    const char *keytext = "";
    if (key) {
        if (!json_is_string(key)) {
            fail(err, errlen, "connection file: \"key\" must be a string");
            goto done;
        }
        keytext = json_string_value(key);
    }
    out->key_len = key ? json_string_length(key) : 0;
    out->key = malloc(out->key_len + 1);
    if (!out->key) {
        fail(err, errlen, "connection file: out of memory");
        goto done;
    }
    memcpy(out->key, keytext, out->key_len);
    out->key[out->key_len] = 0;
    if (get_string(root, "signature_scheme", "hmac-sha256", out->signature_scheme,
                   sizeof out->signature_scheme, err, errlen) < 0)
        goto done;
    if (out->key_len > 0 && strcmp(out->signature_scheme, "hmac-sha256") != 0) {
        fail(err, errlen,
             "connection file: signature_scheme \"%s\" is not supported (use hmac-sha256)",
             out->signature_scheme);
        goto done;
    }
    if (get_string(root, "kernel_name", "", out->kernel_name, sizeof out->kernel_name, err,
                   errlen) < 0)
        out->kernel_name[0] = 0; /* informative only */
    rc = 0;
done:
    json_decref(root);
    if (rc < 0)
        connection_clear(out);
    return rc;
}

int connection_load(const char *path, connection_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, "cannot open connection file %s: %m", path);
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *t = realloc(text, cap);
            if (!t) {
                free(text);
                fclose(f);
                return fail(err, errlen, "connection file %s: out of memory", path);
            }
            text = t;
        }
        size_t n = fread(text + len, 1, 4096, f);
        len += n;
        if (n < 4096)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(text);
        return fail(err, errlen, "cannot read connection file %s", path);
    }
    text[len] = 0;
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
