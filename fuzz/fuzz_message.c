/* fuzz_message.c: the wire-message parser (frames, JSON, HMAC check).
 *
 * Input: one flag byte, then the frames separated by NUL bytes.
 *   flag bit 0: sign the message correctly (the frame after "<IDS|MSG>" is
 *               replaced by the right signature), so the fuzzer gets past the
 *               HMAC check and into the JSON;
 *   flag bit 1: use an empty key (signing off: every signature is accepted).
 * Otherwise the signature frame is used as given, which exercises the
 * verification of arbitrary, truncated and wrong signatures.
 *
 * Properties checked besides "no crash, no leak, no UB":
 *   - a message parses only if it carries the right signature (or the key is empty);
 *   - a parsed message has a msg_type and msg_id, and its ids are the frames
 *     before the delimiter;
 *   - serialising a parsed message and parsing the result gives the same
 *     header, parent_header, metadata and content. */
#include "protocol/hmac.h"
#include "protocol/message.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FUZZ_FRAMES 64

static const unsigned char KEY[] = "a0436f6c-1916-498b-8eb9-e81ab9368e84";
static wire keyed, unkeyed;

static int find_delimiter(const frame *f, int n)
{
    for (int i = 0; i < n; i++)
        if (f[i].len == sizeof MESSAGE_DELIMITER - 1 &&
            memcmp(f[i].data, MESSAGE_DELIMITER, f[i].len) == 0)
            return i;
    return -1;
}

static void check_roundtrip(const wire *w, const jmsg *m)
{
    int n = 0;
    frame *f = message_serialize(w, m->ids, m->nids, m->header, m->parent_header, m->metadata,
                                 m->content, &n);
    assert(f && n == m->nids + 6);
    jmsg again;
    char err[256];
    int rc = message_parse(w, f, n, &again, err, sizeof err);
    assert(rc == 0);
    assert(again.nids == m->nids);
    for (int i = 0; i < m->nids; i++)
        assert(again.ids[i].len == m->ids[i].len &&
               memcmp(again.ids[i].data, m->ids[i].data, m->ids[i].len) == 0);
    assert(json_equal(again.header, m->header));
    assert(json_equal(again.parent_header, m->parent_header));
    assert(json_equal(again.metadata, m->metadata));
    assert(json_equal(again.content, m->content));
    assert(strcmp(again.msg_type, m->msg_type) == 0);
    assert(strcmp(again.msg_id, m->msg_id) == 0);
    message_clear(&again);
    frames_free(f, n);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (hmac_init() != 0)
        abort();
    wire_init(&keyed, KEY, sizeof KEY - 1);
    wire_init(&unkeyed, KEY, 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = data[0];
    data++;
    size--;

    /* Split into frames; each frame is its own allocation so ASan sees
     * reads past its end. */
    frame frames[MAX_FUZZ_FRAMES];
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= size && n < MAX_FUZZ_FRAMES; i++) {
        if (i == size || data[i] == 0) {
            size_t len = i - start;
            frames[n].data = malloc(len ? len : 1);
            memcpy(frames[n].data, data + start, len);
            frames[n].len = len;
            n++;
            start = i + 1;
        }
    }

    const wire w = (flags & 2) ? unkeyed : keyed;

    int delim = find_delimiter(frames, n);
    int signed_ok = 0;
    if (delim >= 0 && n - delim - 1 >= 5) {
        hmac_part parts[4];
        for (int i = 0; i < 4; i++) {
            parts[i].data = frames[delim + 2 + i].data;
            parts[i].len = frames[delim + 2 + i].len;
        }
        if (flags & 1) {
            char hex[HMAC_SHA256_HEX + 1];
            hmac_sign_hex(w.key, w.key_len, parts, 4, hex);
            frame *sig = &frames[delim + 1];
            free(sig->data);
            sig->len = strlen(hex);
            sig->data = malloc(sig->len ? sig->len : 1);
            memcpy(sig->data, hex, sig->len);
        }
        signed_ok = hmac_verify_hex(w.key, w.key_len, parts, 4,
                                    (const char *)frames[delim + 1].data, frames[delim + 1].len);
        if (flags & 1)
            assert(signed_ok);
    }

    jmsg m;
    char err[256];
    int rc = message_parse(&w, frames, n, &m, err, sizeof err);
    if (rc == 0) {
        assert(signed_ok);
        assert(m.msg_type && m.msg_type[0] && m.msg_id);
        assert(m.nids == delim);
        assert(m.nbuffers == n - delim - 6);
        check_roundtrip(&w, &m);
        message_clear(&m);
    } else {
        assert(err[0]);
    }
    for (int i = 0; i < n; i++)
        free(frames[i].data);
    return 0;
}
