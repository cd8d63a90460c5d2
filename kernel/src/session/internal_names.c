/* internal_names.c: the names a translation unit invents, shown as the
 * user's names (see session_internal.h). */
#include "session/session_internal.h"

#include <ctype.h>
#include <string.h>

/* The invented names, from the most specific prefix.  A function body
 * compiled through a trampoline is __seli_impl_NAME: the user's NAME.  A
 * run of statements at cell level is __seli_seg_N: CELL_FUNCTION_NAME.  An
 * anonymous struct, union or enum is __seli_anon_HASH: "<anonymous>". */
char *user_names(const char *text)
{
    text_buf b = {0};
    const char *p = text;
    while (*p) {
        const char *q = strstr(p, "__seli_");
        if (!q) {
            text_put(&b, p);
            break;
        }
        text_putn(&b, p, (size_t)(q - p));
        p = q;
        if (!strncmp(p, IMPL_PREFIX, strlen(IMPL_PREFIX))) {
            p += strlen(IMPL_PREFIX);
        } else if (!strncmp(p, "__seli_seg_", 11) && isdigit((unsigned char)p[11])) {
            text_put(&b, CELL_FUNCTION_NAME);
            for (p += 11; isdigit((unsigned char)*p);)
                p++;
        } else if (!strncmp(p, "__seli_anon_", 12)) {
            text_put(&b, "<anonymous>");
            for (p += 12; isxdigit((unsigned char)*p);)
                p++;
        } else {
            text_putn(&b, p, 7);
            p += 7;
        }
    }
    return text_take(&b);
}
