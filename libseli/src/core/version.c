/* version.c: the version of the library itself (see seli/version.h).  The
 * string is compiled in here, so a program linked against another install
 * than the headers it was compiled with can tell. */
#include "seli/version.h"

const char *seli_version(void) { return SELI_VERSION; }
