/* utf8.h: the little UTF-8 the protocol needs.
 *
 * Jupyter counts cursor positions in Unicode code points; C counts bytes.
 * Output from a cell may be any bytes; JSON strings must be UTF-8. */
#ifndef SELI_KERNEL_UTF8_H
#define SELI_KERNEL_UTF8_H

#include <stddef.h>

/* Byte offset of code point cp in s (clamped to strlen(s)). */
size_t utf8_byte_offset(const char *s, long cp);
/* Number of code points in the first nbytes bytes of s. */
long utf8_codepoints(const char *s, size_t nbytes);
/* Copy len bytes of src into dst (room for 3 * len bytes) replacing every
 * invalid byte with U+FFFD.  If hold is nonzero, an incomplete sequence at
 * the very end is not copied: *consumed tells how many bytes of src were
 * used.  Returns the bytes written to dst. */
size_t utf8_sanitize(const char *src, size_t len, char *dst, int hold, size_t *consumed);

#endif
