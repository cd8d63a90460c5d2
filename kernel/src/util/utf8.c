/* utf8.c: code point offsets and sanitising of output bytes. */
#include "util/utf8.h"

#include <string.h>

/* Length of the valid sequence at s[0..len), 0 if invalid, -1 if it is a
 * valid but incomplete prefix. */
static int seq_len(const unsigned char *s, size_t len)
{
    unsigned c = s[0];
    int n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, min = 0x10000;
    else
        return 0;
    unsigned cp = c & (0x3Fu >> (n - 1));
    for (int i = 1; i < n; i++) {
        if ((size_t)i >= len)
            return -1;
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
        /* Reject overlong forms, surrogates and > U+10FFFF as early as possible. */
        if (i == 1 &&
            ((n == 3 && c == 0xE0 && s[1] < 0xA0) || (n == 3 && c == 0xED && s[1] > 0x9F) ||
             (n == 4 && c == 0xF0 && s[1] < 0x90) || (n == 4 && c == 0xF4 && s[1] > 0x8F)))
            return 0;
    }
    return cp >= min ? n : 0;
}

size_t utf8_byte_offset(const char *s, long cp)
{
    size_t len = strlen(s), i = 0;
    while (cp > 0 && i < len) {
        int n = seq_len((const unsigned char *)s + i, len - i);
        i += n > 0 ? (size_t)n : 1;
        cp--;
    }
    return i;
}

long utf8_codepoints(const char *s, size_t nbytes)
{
    long cp = 0;
    size_t i = 0;
    while (i < nbytes) {
        int n = seq_len((const unsigned char *)s + i, nbytes - i);
        i += n > 0 ? (size_t)n : 1;
        cp++;
    }
    return cp;
}

size_t utf8_sanitize(const char *src, size_t len, char *dst, int hold, size_t *consumed)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0, o = 0;
    while (i < len) {
        int n = seq_len(s + i, len - i);
        if (n < 0 && hold)
            break;
        if (n <= 0) {
            memcpy(dst + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            continue;
        }
        memcpy(dst + o, s + i, (size_t)n);
        o += (size_t)n;
        i += (size_t)n;
    }
    if (consumed)
        *consumed = i;
    return o;
}
