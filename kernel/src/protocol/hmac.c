/* hmac.c: HMAC-SHA256 signatures with libsodium. */
#include "protocol/hmac.h"

#include <sodium.h>

int hmac_init(void) { return sodium_init() < 0 ? -1 : 0; }

void hmac_sha256(const unsigned char *key, size_t key_len, const hmac_part *parts, int n,
                 unsigned char mac[HMAC_SHA256_BYTES])
{
    crypto_auth_hmacsha256_state st;
    /* _init takes keys of any length (longer than a block are hashed first). */
    crypto_auth_hmacsha256_init(&st, key, key_len);
    for (int i = 0; i < n; i++)
        if (parts[i].len)
            crypto_auth_hmacsha256_update(&st, parts[i].data, parts[i].len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof st);
}

void hmac_hex(const unsigned char mac[HMAC_SHA256_BYTES], char hex[HMAC_SHA256_HEX + 1])
{
    sodium_bin2hex(hex, HMAC_SHA256_HEX + 1, mac, HMAC_SHA256_BYTES);
}

void hmac_sign_hex(const unsigned char *key, size_t key_len, const hmac_part *parts, int n,
                   char hex[HMAC_SHA256_HEX + 1])
{
    if (key_len == 0) {
        hex[0] = 0;
        return;
    }
    unsigned char mac[HMAC_SHA256_BYTES];
    hmac_sha256(key, key_len, parts, n, mac);
    hmac_hex(mac, hex);
}

int hmac_verify_hex(const unsigned char *key, size_t key_len, const hmac_part *parts, int n,
                    const char *sig, size_t sig_len)
{
    if (key_len == 0)
        return 1;
    /* The length is public (always 64), so checking it first leaks nothing. */
    if (!sig || sig_len != HMAC_SHA256_HEX)
        return 0;
    unsigned char given[HMAC_SHA256_BYTES], mac[HMAC_SHA256_BYTES];
    size_t got = 0;
    const char *end = NULL;
    if (sodium_hex2bin(given, sizeof given, sig, sig_len, NULL, &got, &end) != 0 ||
        got != HMAC_SHA256_BYTES || end != sig + sig_len)
        return 0;
    hmac_sha256(key, key_len, parts, n, mac);
    int ok = sodium_memcmp(given, mac, HMAC_SHA256_BYTES) == 0;
    sodium_memzero(mac, sizeof mac);
    return ok;
}
