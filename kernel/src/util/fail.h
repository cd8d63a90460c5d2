/* fail.h: say why something failed, in the caller's buffer.
 *
 * Parsers that report to their caller (the connection file, wire messages)
 * take err and errlen; fail writes the reason there and gives the -1 they
 * return, so a check reads "return fail(err, errlen, "...", ...);". */
#ifndef SELI_KERNEL_FAIL_H
#define SELI_KERNEL_FAIL_H

#include <stddef.h>

/* Format the reason into err (errlen bytes; nothing when err is NULL or
 * errlen is 0).  Returns -1. */
int fail(char *err, size_t errlen, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
