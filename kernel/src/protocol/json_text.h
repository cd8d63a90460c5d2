/* json_text.h: JSON strings from any bytes.
 *
 * A JSON string must be UTF-8, and jansson refuses anything else (json_pack
 * then returns NULL, and a message would go out with an empty content).  The
 * kernel's own text (compiler diagnostics, libseli's messages, a cell's
 * result) may hold any bytes: these helpers replace each invalid byte with
 * U+FFFD, so that a message always carries every field it must. */
#ifndef SELI_KERNEL_JSON_TEXT_H
#define SELI_KERNEL_JSON_TEXT_H

#include <jansson.h>

/* A JSON string of s (NULL gives ""), invalid bytes made U+FFFD.  New
 * reference; NULL only when out of memory. */
json_t *json_text(const char *s);

/* The content of an error: ename, evalue and a traceback of n lines (NULL
 * lines are skipped), each made valid UTF-8 by json_text; status "error"
 * when with_status.  New reference. */
json_t *json_error_content(const char *ename, const char *evalue, char *const *traceback, int n,
                           int with_status);

#endif
