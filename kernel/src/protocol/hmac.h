/* hmac.h: HMAC-SHA256 message signatures (libsodium), as Jupyter uses them.
 *
 * A message's signature is the lowercase hex HMAC-SHA256, under the
 * connection file's key, of its header, parent_header, metadata and content
 * frames, concatenated.  An empty key means messages are not signed. */
#ifndef SELI_KERNEL_HMAC_H
#define SELI_KERNEL_HMAC_H

#include <stddef.h>

#define HMAC_SHA256_BYTES 32
#define HMAC_SHA256_HEX (2 * HMAC_SHA256_BYTES)

/* One piece of the signed data. */
typedef struct hmac_part {
    const void *data;
    size_t len;
} hmac_part;

/* Initialise libsodium once (safe to call many times).  0 or -1. */
int hmac_init(void);
/* mac = HMAC-SHA256(key, parts[0] || ... || parts[n-1]); any key length. */
void hmac_sha256(const unsigned char *key, size_t key_len, const hmac_part *parts, int n,
                 unsigned char mac[HMAC_SHA256_BYTES]);
/* Lowercase hex of mac into hex (HMAC_SHA256_HEX + 1 bytes, NUL-terminated). */
void hmac_hex(const unsigned char mac[HMAC_SHA256_BYTES], char hex[HMAC_SHA256_HEX + 1]);
/* Sign: hex = hex(HMAC-SHA256(key, parts)); "" when key_len is 0. */
void hmac_sign_hex(const unsigned char *key, size_t key_len, const hmac_part *parts, int n,
                   char hex[HMAC_SHA256_HEX + 1]);
/* 1 if sig (sig_len bytes of hex, either case) is the signature of parts
 * under key, compared in constant time; 0 otherwise.  With an empty key
 * every signature is accepted (signing is off). */
int hmac_verify_hex(const unsigned char *key, size_t key_len, const hmac_part *parts, int n,
                    const char *sig, size_t sig_len);

#endif
