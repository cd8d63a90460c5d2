/* file.h: the kernel's files on disk.
 *
 * The kernel keeps what it can compute once in $XDG_CACHE_HOME/seli (or
 * ~/.cache/seli): the flattened implicit headers (session/headers.c) and the
 * stub libraries that cells link against (runtime/jit.c).  Files there are
 * written to a temporary name and renamed, so a kernel starting meanwhile
 * never reads half of one.  Reading a whole file (the connection file, the
 * headers, the cache) is one function, file_read. */
#ifndef SELI_KERNEL_UTIL_FILE_H
#define SELI_KERNEL_UTIL_FILE_H

#include <stddef.h>

/* Write to buf the cache directory, with "/sub" appended when sub is not
 * NULL, creating the directories as needed.  0, or -1 when there is no home
 * directory, the path does not fit, or it cannot be made. */
int cache_dir(char *buf, size_t size, const char *sub);

/* The whole file at path, NUL-terminated (malloc'd; an empty file gives ""),
 * or NULL with errno set (it cannot be opened or read, or memory ran out). */
char *file_read(const char *path);

/* Replace the file at path with n bytes of data, atomically (a temporary
 * file renamed over it).  0, or -1 (the old file, if any, is intact). */
int file_write_atomic(const char *path, const void *data, size_t n);

#endif
