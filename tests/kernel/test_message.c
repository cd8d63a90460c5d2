/* test_message.c: wire framing, signing and parsing of Jupyter messages,
 * including every kind of malformed input the kernel must drop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "protocol/hmac.h"
#include "protocol/message.h"

static const unsigned char KEY[] = "a3c0e3a5-8f1d-4c33-b8f5-2a0e7b8a5d11";
#define KEY_LEN (sizeof KEY - 1)

#define F(s)                                                                                       \
    {                                                                                              \
        (unsigned char *)(s), sizeof(s) - 1                                                        \
    }

static const char HEADER[] = "{\"msg_id\":\"m1\",\"msg_type\":\"execute_request\",\"session\":"
                             "\"s1\",\"username\":\"u\",\"date\":\"2024-01-01T00:00:00Z\","
                             "\"version\":\"5.3\"}";
static const char CONTENT[] = "{\"code\":\"int x = 1;\",\"silent\":false}";

/* frames: ids..., <IDS|MSG>, signature (computed with key), header, {}, {}, content */
static int build(frame *f, const unsigned char *key, size_t key_len, const char *header,
                 const char *content, char sig[HMAC_SHA256_HEX + 1])
{
    int n = 0;
    f[n++] = (frame)F("client-identity");
    f[n++] = (frame)F(MESSAGE_DELIMITER);
    hmac_part parts[4] = {
        {header, strlen(header)}, {"{}", 2}, {"{}", 2}, {content, strlen(content)}};
    hmac_sign_hex(key, key_len, parts, 4, sig);
    f[n++] = (frame){(unsigned char *)sig, strlen(sig)};
    f[n++] = (frame){(unsigned char *)header, strlen(header)};
    f[n++] = (frame)F("{}");
    f[n++] = (frame)F("{}");
    f[n++] = (frame){(unsigned char *)content, strlen(content)};
    return n;
}

static wire W;

static void test_valid_message_parses_with_identity_and_fields(void **state)
{
    (void)state;
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, KEY, KEY_LEN, HEADER, CONTENT, sig);
    jmsg m;
    char err[256] = "";
    assert_int_equal(message_parse(&W, f, n, &m, err, sizeof err), 0);
    assert_string_equal(m.msg_type, "execute_request");
    assert_string_equal(m.msg_id, "m1");
    assert_int_equal(m.nids, 1);
    assert_int_equal(m.ids[0].len, strlen("client-identity"));
    assert_memory_equal(m.ids[0].data, "client-identity", m.ids[0].len);
    assert_string_equal(json_string_value(json_object_get(m.content, "code")), "int x = 1;");
    assert_int_equal(m.nbuffers, 0);
    message_clear(&m);
}

static void test_extra_frames_become_buffers(void **state)
{
    (void)state;
    frame f[10];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, KEY, KEY_LEN, HEADER, CONTENT, sig);
    f[n++] = (frame)F("buffer-one");
    f[n++] = (frame)F("\x00\x01\x02");
    jmsg m;
    assert_int_equal(message_parse(&W, f, n, &m, NULL, 0), 0);
    assert_int_equal(m.nbuffers, 2);
    assert_int_equal(m.buffers[1].len, 3);
    assert_memory_equal(m.buffers[1].data, "\x00\x01\x02", 3);
    message_clear(&m);
}

static void expect_dropped(const frame *f, int n, const char *reason)
{
    jmsg m;
    char err[256] = "";
    assert_int_equal(message_parse(&W, f, n, &m, err, sizeof err), -1);
    if (!strstr(err, reason))
        fail_msg("expected a reason containing \"%s\", got \"%s\"", reason, err);
    assert_null(m.header);
    assert_null(m.ids);
}

static void test_bad_signature_is_rejected(void **state)
{
    (void)state;
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, KEY, KEY_LEN, HEADER, CONTENT, sig);
    sig[0] = sig[0] == 'a' ? 'b' : 'a';
    expect_dropped(f, n, "bad signature");
}

static void test_signature_from_another_key_is_rejected(void **state)
{
    (void)state;
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, (const unsigned char *)"another-key", 11, HEADER, CONTENT, sig);
    expect_dropped(f, n, "bad signature");
}

static void test_missing_signature_is_rejected(void **state)
{
    (void)state;
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, KEY, KEY_LEN, HEADER, CONTENT, sig);
    f[2].len = 0;
    expect_dropped(f, n, "missing signature");
}

static void test_truncated_signature_is_rejected(void **state)
{
    (void)state;
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, KEY, KEY_LEN, HEADER, CONTENT, sig);
    f[2].len = 40;
    expect_dropped(f, n, "bad signature");
}

static void test_content_changed_after_signing_is_rejected(void **state)
{
    (void)state;
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, KEY, KEY_LEN, HEADER, CONTENT, sig);
    f[6] = (frame)F("{\"code\":\"system(\\\"rm -rf ~\\\");\"}");
    expect_dropped(f, n, "bad signature");
}

static void test_missing_delimiter_is_rejected(void **state)
{
    (void)state;
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, KEY, KEY_LEN, HEADER, CONTENT, sig);
    f[1] = (frame)F("<IDS|MSG");
    expect_dropped(f, n, "delimiter");
    expect_dropped(f, 0, "delimiter");
}

static void test_too_few_frames_are_rejected(void **state)
{
    (void)state;
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, KEY, KEY_LEN, HEADER, CONTENT, sig);
    for (int keep = 2; keep < n; keep++)
        expect_dropped(f, keep, "too few frames");
}

static void test_malformed_json_is_rejected_even_when_signed(void **state)
{
    (void)state;
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, KEY, KEY_LEN, HEADER, "{\"code\": \"x\"", sig);
    expect_dropped(f, n, "content is not valid JSON");
    n = build(f, KEY, KEY_LEN, "{\"msg_id\":", CONTENT, sig);
    expect_dropped(f, n, "header is not valid JSON");
    n = build(f, KEY, KEY_LEN, HEADER, "[1, 2]", sig);
    expect_dropped(f, n, "content is not a JSON object");
    n = build(f, KEY, KEY_LEN, HEADER, "\xff\xfe{}", sig);
    expect_dropped(f, n, "content is not valid JSON");
}

static void test_header_without_type_or_id_is_rejected(void **state)
{
    (void)state;
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, KEY, KEY_LEN, "{\"msg_id\":\"m1\"}", CONTENT, sig);
    expect_dropped(f, n, "msg_type");
    n = build(f, KEY, KEY_LEN, "{\"msg_type\":\"kernel_info_request\"}", CONTENT, sig);
    expect_dropped(f, n, "msg_id");
    n = build(f, KEY, KEY_LEN, "{\"msg_id\":\"m1\",\"msg_type\":7}", CONTENT, sig);
    expect_dropped(f, n, "msg_type");
}

static void test_empty_key_accepts_unsigned_messages(void **state)
{
    (void)state;
    wire open;
    wire_init(&open, NULL, 0);
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, NULL, 0, HEADER, CONTENT, sig);
    assert_int_equal(f[2].len, 0);
    jmsg m;
    assert_int_equal(message_parse(&open, f, n, &m, NULL, 0), 0);
    message_clear(&m);
}

static void test_header_has_every_field_of_protocol_5_3(void **state)
{
    (void)state;
    json_t *h = message_header(&W, "status");
    assert_string_equal(json_string_value(json_object_get(h, "msg_type")), "status");
    assert_string_equal(json_string_value(json_object_get(h, "version")), "5.3");
    assert_string_equal(json_string_value(json_object_get(h, "session")), W.session);
    assert_non_null(json_string_value(json_object_get(h, "username")));
    assert_int_equal(strlen(json_string_value(json_object_get(h, "msg_id"))), 36);
    regex_t re;
    assert_int_equal(regcomp(&re,
                             "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    assert_int_equal(regexec(&re, json_string_value(json_object_get(h, "date")), 0, NULL, 0), 0);
    regfree(&re);
    json_t *h2 = message_header(&W, "status");
    assert_string_not_equal(json_string_value(json_object_get(h, "msg_id")),
                            json_string_value(json_object_get(h2, "msg_id")));
    json_decref(h);
    json_decref(h2);
}

static void test_serialized_message_parses_back_and_is_signed(void **state)
{
    (void)state;
    frame id = F("route-me");
    json_t *header = message_header(&W, "execute_reply");
    json_t *parent = json_pack("{s:s}", "msg_id", "m1");
    json_t *content = json_pack("{s:s, s:i, s:s}", "status", "ok", "execution_count", 3, "text",
                                "caf\xc3\xa9 \xe2\x82\xac");
    int n = 0;
    frame *f = message_serialize(&W, &id, 1, header, parent, NULL, content, &n);
    assert_non_null(f);
    assert_int_equal(n, 7);
    assert_memory_equal(f[0].data, "route-me", 8);
    assert_memory_equal(f[1].data, MESSAGE_DELIMITER, f[1].len);
    assert_int_equal(f[2].len, 64);
    assert_memory_equal(f[5].data, "{}", 2); /* metadata defaults to {} */
    jmsg m;
    char err[256] = "";
    assert_int_equal(message_parse(&W, f, n, &m, err, sizeof err), 0);
    assert_string_equal(m.msg_type, "execute_reply");
    assert_string_equal(json_string_value(json_object_get(m.parent_header, "msg_id")), "m1");
    assert_int_equal(json_integer_value(json_object_get(m.content, "execution_count")), 3);
    assert_string_equal(json_string_value(json_object_get(m.content, "text")),
                        "caf\xc3\xa9 \xe2\x82\xac");
    message_clear(&m);
    /* a different key does not accept it */
    wire other;
    wire_init(&other, (const unsigned char *)"x", 1);
    assert_int_equal(message_parse(&other, f, n, &m, err, sizeof err), -1);
    frames_free(f, n);
    json_decref(header);
    json_decref(parent);
    json_decref(content);
}

/* Through real ZeroMQ sockets: a malformed message is dropped (0), the next
 * good one is received (1). */
static void test_recv_drops_malformed_and_keeps_going(void **state)
{
    (void)state;
    void *ctx = zmq_ctx_new();
    void *a = zmq_socket(ctx, ZMQ_PAIR), *b = zmq_socket(ctx, ZMQ_PAIR);
    assert_int_equal(zmq_bind(a, "inproc://test-message"), 0);
    assert_int_equal(zmq_connect(b, "inproc://test-message"), 0);
    frame f[8];
    char sig[HMAC_SHA256_HEX + 1];
    int n = build(f, KEY, KEY_LEN, HEADER, CONTENT, sig);
    frame bad[8];
    memcpy(bad, f, sizeof bad);
    bad[6] = (frame)F("{\"code\":\"tampered\"}");
    assert_int_equal(frames_send(b, bad, n), 0);
    assert_int_equal(frames_send(b, f, 3), 0); /* too few frames */
    assert_int_equal(frames_send(b, f, n), 0);
    jmsg m;
    assert_int_equal(message_recv(a, &W, "test", &m), 0);
    assert_int_equal(message_recv(a, &W, "test", &m), 0);
    assert_int_equal(message_recv(a, &W, "test", &m), 1);
    assert_string_equal(m.msg_id, "m1");
    assert_int_equal(m.nids, 1);
    message_clear(&m);
    zmq_close(a);
    zmq_close(b);
    zmq_ctx_term(ctx);
}

int main(void)
{
    hmac_init();
    wire_init(&W, KEY, KEY_LEN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_message_parses_with_identity_and_fields),
        cmocka_unit_test(test_extra_frames_become_buffers),
        cmocka_unit_test(test_bad_signature_is_rejected),
        cmocka_unit_test(test_signature_from_another_key_is_rejected),
        cmocka_unit_test(test_missing_signature_is_rejected),
        cmocka_unit_test(test_truncated_signature_is_rejected),
        cmocka_unit_test(test_content_changed_after_signing_is_rejected),
        cmocka_unit_test(test_missing_delimiter_is_rejected),
        cmocka_unit_test(test_too_few_frames_are_rejected),
        cmocka_unit_test(test_malformed_json_is_rejected_even_when_signed),
        cmocka_unit_test(test_header_without_type_or_id_is_rejected),
        cmocka_unit_test(test_empty_key_accepts_unsigned_messages),
        cmocka_unit_test(test_header_has_every_field_of_protocol_5_3),
        cmocka_unit_test(test_serialized_message_parses_back_and_is_signed),
        cmocka_unit_test(test_recv_drops_malformed_and_keeps_going),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
