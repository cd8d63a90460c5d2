/* memlimit.h: the kernel's limit on its own memory.
 *
 * JupyterHub puts MEM_LIMIT (bytes) in a server's environment when
 * Spawner.mem_limit is set, and the server passes it on to its kernels;
 * SELI_MEMORY_LIMIT (bytes, or with a K, M, G suffix) sets it directly and
 * wins.  The kernel makes it the limit of its data segment (RLIMIT_DATA:
 * heap and private writable mappings), so a cell that allocates without end
 * gets NULL from malloc, or libseli's "out of memory" error, long before the
 * machine's OOM killer chooses a process, and the kernel with its variables
 * survives.  The limit is set once the kernel has started, on top of what
 * start-up reserved (threads' stacks and malloc's arenas: about 250 MB of
 * address space, of which about 15 MB is resident), so that it bounds what
 * cells allocate. */
#ifndef SELI_KERNEL_MEMLIMIT_H
#define SELI_KERNEL_MEMLIMIT_H

/* Read SELI_MEMORY_LIMIT or MEM_LIMIT and set the limit; returns the limit
 * set, in bytes, 0 when neither variable is set, -1 when the value is not a
 * size (the reason goes to the kernel's log). */
long long memlimit_apply(void);

/* The value of a size such as "2147483648", "512M" or "2G" (K, M, G, T are
 * powers of 1024), or -1 if text is not one. */
long long memlimit_parse(const char *text);

#endif
