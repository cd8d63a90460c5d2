/* seli/version.h: which libseli this is.
 *
 * A program compiled against these headers sees SELI_VERSION; seli_version()
 * says which library it actually runs with.  This is the one place where the
 * version is written: the shared library's name (libseli.so.MAJOR.MINOR.PATCH,
 * soname libseli.so.MAJOR), seli.pc, `seli-kernel --version` and the kernel's
 * kernel_info all take it from here. */
#ifndef SELI_VERSION_H
#define SELI_VERSION_H

/* The version of the headers a program is compiled with: "MAJOR.MINOR.PATCH". */
#define SELI_VERSION "0.1.0"

/* The version of the libseli a program runs with, in the form of
 * SELI_VERSION; the two differ only if the headers and the library come from
 * different installs.  The string is static: do not free it. */
const char *seli_version(void);

#endif
