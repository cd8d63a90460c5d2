/* fail.c: say why something failed (see fail.h). */
#include "util/fail.h"

#include <stdarg.h>
#include <stdio.h>

int fail(char *err, size_t errlen, const char *format, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(err, errlen, format, ap);
        va_end(ap);
    }
    return -1;
}
