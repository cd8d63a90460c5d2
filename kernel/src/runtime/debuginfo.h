/* debuginfo.h: functions, lines and call sites of a compiled cell, read
 * when an error needs them.
 *
 * Cells are compiled in memory without line information: a cell that
 * succeeds pays nothing.  When a traceback needs a cell, its translation
 * unit is compiled again with tcc -g into an ELF object (jit_compile_object)
 * and read here: the symbol table gives each function's range, the stabs
 * (.stab, .stabstr) give the line of each instruction and the file named by
 * the unit's #line directives, and the relocations of .text name what each
 * call instruction calls.  tcc's code is the same with -g and without, and
 * in memory and in a file, except where relocations are applied, so an
 * offset from the start of .text means the same instruction in both
 * (debuginfo_matches checks it). */
#ifndef SELI_KERNEL_DEBUGINFO_H
#define SELI_KERNEL_DEBUGINFO_H

#include <stddef.h>

typedef struct debuginfo debuginfo;

/* Compile src (as jit_compile would, against include_dir) with line
 * information and read it.  NULL on failure. */
debuginfo *debuginfo_load(const char *src, const char *include_dir);
void debuginfo_free(debuginfo *d);

/* The .text offset of the function called name, or -1. */
long debuginfo_symbol(const debuginfo *d, const char *name);
/* The function that holds .text offset off (NULL if none). */
const char *debuginfo_function(const debuginfo *d, long off);
/* The line of the instruction at off, and through *file the file named by
 * the #line directive in force there (NULL if none).  0 if unknown. */
int debuginfo_line(const debuginfo *d, long off, const char **file);
/* The symbol that the call instruction ending at off (a return address)
 * calls by name, or NULL. */
const char *debuginfo_call(const debuginfo *d, long off);
/* Is the code at text (the unit's .text in memory) the object's code, apart
 * from the relocated bytes? */
int debuginfo_matches(const debuginfo *d, const unsigned char *text);

#endif
