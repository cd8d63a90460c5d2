/* test_hmac.c: HMAC-SHA256 against every RFC 4231 test case, and the
 * Jupyter signing rules built on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "protocol/hmac.h"

typedef struct vector {
    unsigned char key[131];
    size_t key_len;
    const char *data;
    unsigned char data_bytes[50]; /* used when data is NULL */
    size_t data_len;
    const char *mac_hex; /* maybe truncated (test case 5: 128 bits) */
} vector;

static void fill(unsigned char *p, unsigned char v, size_t n) { memset(p, v, n); }

static void check_vector(const vector *v)
{
    hmac_part part = {v->data ? (const void *)v->data : (const void *)v->data_bytes,
                      v->data ? strlen(v->data) : v->data_len};
    unsigned char mac[HMAC_SHA256_BYTES];
    char hex[HMAC_SHA256_HEX + 1];
    hmac_sha256(v->key, v->key_len, &part, 1, mac);
    hmac_hex(mac, hex);
    assert_memory_equal(hex, v->mac_hex, strlen(v->mac_hex));
}

static void test_rfc4231_case1_short_key(void **state)
{
    (void)state;
    vector v = {.key_len = 20,
                .data = "Hi There",
                .mac_hex = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"};
    fill(v.key, 0x0b, 20);
    check_vector(&v);
}

static void test_rfc4231_case2_key_shorter_than_output(void **state)
{
    (void)state;
    vector v = {.key = "Jefe",
                .key_len = 4,
                .data = "what do ya want for nothing?",
                .mac_hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"};
    check_vector(&v);
}

static void test_rfc4231_case3_combined_key_and_data_longer_than_output(void **state)
{
    (void)state;
    vector v = {.key_len = 20,
                .data_len = 50,
                .mac_hex = "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"};
    fill(v.key, 0xaa, 20);
    fill(v.data_bytes, 0xdd, 50);
    check_vector(&v);
}

static void test_rfc4231_case4_key_of_25_counting_bytes(void **state)
{
    (void)state;
    vector v = {.key_len = 25,
                .data_len = 50,
                .mac_hex = "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"};
    for (int i = 0; i < 25; i++)
        v.key[i] = (unsigned char)(i + 1);
    fill(v.data_bytes, 0xcd, 50);
    check_vector(&v);
}

static void test_rfc4231_case5_truncated_to_128_bits(void **state)
{
    (void)state;
    vector v = {.key_len = 20,
                .data = "Test With Truncation",
                .mac_hex = "a3b6167473100ee06e0c796c2955552b"};
    fill(v.key, 0x0c, 20);
    check_vector(&v);
}

static void test_rfc4231_case6_key_larger_than_block_is_hashed(void **state)
{
    (void)state;
    vector v = {.key_len = 131,
                .data = "Test Using Larger Than Block-Size Key - Hash Key First",
                .mac_hex = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"};
    fill(v.key, 0xaa, 131);
    check_vector(&v);
}

static void test_rfc4231_case7_key_and_data_larger_than_block(void **state)
{
    (void)state;
    vector v = {.key_len = 131,
                .data = "This is a test using a larger than block-size key and a larger than "
                        "block-size data. The key needs to be hashed before being used by the "
                        "HMAC algorithm.",
                .mac_hex = "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"};
    fill(v.key, 0xaa, 131);
    check_vector(&v);
}

static void test_parts_are_signed_as_their_concatenation(void **state)
{
    (void)state;
    const unsigned char key[] = "Jefe";
    hmac_part whole = {"what do ya want for nothing?", 28};
    hmac_part split[4] = {{"what do", 7}, {"", 0}, {" ya want for", 12}, {" nothing?", 9}};
    unsigned char a[HMAC_SHA256_BYTES], b[HMAC_SHA256_BYTES];
    hmac_sha256(key, 4, &whole, 1, a);
    hmac_sha256(key, 4, split, 4, b);
    assert_memory_equal(a, b, sizeof a);
}

static const unsigned char jkey[] = "0123456789abcdef-jupyter-key";
static const hmac_part jparts[4] = {{"{\"msg_id\":\"1\"}", 14}, {"{}", 2}, {"{}", 2}, {"{}", 2}};

static void test_verify_accepts_own_signature_in_either_case(void **state)
{
    (void)state;
    char hex[HMAC_SHA256_HEX + 1];
    hmac_sign_hex(jkey, sizeof jkey - 1, jparts, 4, hex);
    assert_int_equal(strlen(hex), 64);
    assert_true(hmac_verify_hex(jkey, sizeof jkey - 1, jparts, 4, hex, 64));
    for (char *p = hex; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    assert_true(hmac_verify_hex(jkey, sizeof jkey - 1, jparts, 4, hex, 64));
}

static void test_verify_rejects_flipped_truncated_missing_and_foreign_signatures(void **state)
{
    (void)state;
    char hex[HMAC_SHA256_HEX + 1], other[HMAC_SHA256_HEX + 1];
    size_t kl = sizeof jkey - 1;
    hmac_sign_hex(jkey, kl, jparts, 4, hex);
    /* one hex digit changed */
    char bad[HMAC_SHA256_HEX + 1];
    memcpy(bad, hex, sizeof bad);
    bad[10] = bad[10] == '0' ? '1' : '0';
    assert_false(hmac_verify_hex(jkey, kl, jparts, 4, bad, 64));
    /* truncated, missing, overlong */
    assert_false(hmac_verify_hex(jkey, kl, jparts, 4, hex, 32));
    assert_false(hmac_verify_hex(jkey, kl, jparts, 4, hex, 63));
    assert_false(hmac_verify_hex(jkey, kl, jparts, 4, "", 0));
    assert_false(hmac_verify_hex(jkey, kl, jparts, 4, NULL, 0));
    char longer[HMAC_SHA256_HEX + 3];
    memcpy(longer, hex, 64);
    memcpy(longer + 64, "00", 3);
    assert_false(hmac_verify_hex(jkey, kl, jparts, 4, longer, 66));
    /* not hex at all */
    char junk[65];
    memset(junk, 'z', 64);
    junk[64] = 0;
    assert_false(hmac_verify_hex(jkey, kl, jparts, 4, junk, 64));
    /* signed with another key */
    hmac_sign_hex((const unsigned char *)"another key", 11, jparts, 4, other);
    assert_false(hmac_verify_hex(jkey, kl, jparts, 4, other, 64));
    /* signature of different content */
    hmac_part changed[4] = {{"{\"msg_id\":\"2\"}", 14}, {"{}", 2}, {"{}", 2}, {"{}", 2}};
    assert_false(hmac_verify_hex(jkey, kl, changed, 4, hex, 64));
}

static void test_empty_key_means_unsigned(void **state)
{
    (void)state;
    char hex[HMAC_SHA256_HEX + 1];
    hmac_sign_hex(NULL, 0, jparts, 4, hex);
    assert_string_equal(hex, "");
    assert_true(hmac_verify_hex(NULL, 0, jparts, 4, "", 0));
    assert_true(hmac_verify_hex(NULL, 0, jparts, 4, "whatever", 8));
}

int main(void)
{
    assert_int_equal(hmac_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4231_case1_short_key),
        cmocka_unit_test(test_rfc4231_case2_key_shorter_than_output),
        cmocka_unit_test(test_rfc4231_case3_combined_key_and_data_longer_than_output),
        cmocka_unit_test(test_rfc4231_case4_key_of_25_counting_bytes),
        cmocka_unit_test(test_rfc4231_case5_truncated_to_128_bits),
        cmocka_unit_test(test_rfc4231_case6_key_larger_than_block_is_hashed),
        cmocka_unit_test(test_rfc4231_case7_key_and_data_larger_than_block),
        cmocka_unit_test(test_parts_are_signed_as_their_concatenation),
        cmocka_unit_test(test_verify_accepts_own_signature_in_either_case),
        cmocka_unit_test(test_verify_rejects_flipped_truncated_missing_and_foreign_signatures),
        cmocka_unit_test(test_empty_key_means_unsigned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
