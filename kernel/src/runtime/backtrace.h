/* backtrace.h: the stack of a cell that fails, taken where it fails.
 *
 * Cells are compiled by tcc, which emits no unwind tables but keeps a frame
 * pointer in every function (push %rbp; mov %rsp,%rbp).  The arena where
 * cells live (jit.c) is registered with the C unwinder once, as one range
 * whose frames all follow that rule, so the unwinder walks through libseli
 * (gcc code with its own tables), through cells, through signal frames, and
 * through libseli again when it calls a cell's function back (a loss, a
 * module's forward).  Costs nothing while cells succeed.
 *
 * backtrace_capture runs where the error happens (in a signal handler, in
 * seli_error's handler); it allocates nothing and reads only memory of the
 * thread's stacks.  It keeps the program counters of the frames in compiled
 * cells: the first and the last BACKTRACE_KEEP of them, and how many lay
 * between. */
#ifndef SELI_KERNEL_BACKTRACE_H
#define SELI_KERNEL_BACKTRACE_H

#include <stddef.h>

#define BACKTRACE_KEEP 128

typedef struct backtrace_frame {
    const void *pc; /* the return address, or the faulting instruction */
    int exact;      /* pc is the faulting (or interrupted) instruction itself */
    int called_out; /* the frame was in a call out of cell code (libseli, libc) */
} backtrace_frame;

typedef struct backtrace {
    backtrace_frame first[BACKTRACE_KEEP]; /* innermost first */
    int nfirst;
    backtrace_frame last[BACKTRACE_KEEP]; /* a ring: the outermost ones */
    int nlast, last_at;                   /* kept in last[], and the next slot */
    long total;                           /* frames in cells, all of them */
    int inner_outside;                    /* the error happened outside cell code (in a call) */
} backtrace;

/* Remember the stack of the calling thread: [lo, hi) (the alternate signal
 * stack is read too, see backtrace_set_altstack).  Call once, from the
 * thread that runs cells. */
void backtrace_init(void);
/* The alternate signal stack [p, p + size). */
void backtrace_set_altstack(const void *p, size_t size);

/* Tell the unwinder that frames in [mem, mem + size) are tcc's: CFA =
 * %rbp + 16, %rbp saved at CFA - 16, the return address at CFA - 8.  A
 * handle for backtrace_unregister, or NULL (then the walk stops there). */
void *backtrace_register(const void *mem, size_t size);
void backtrace_unregister(void *handle);

/* Fill bt with the frames in cell code of the calling thread's stack,
 * innermost first; in_cell says whether a pc lies in cell code.  No
 * allocation. */
void backtrace_capture(backtrace *bt, int (*in_cell)(const void *pc));

/* The i-th frame of the nfirst + nlast kept, innermost first (the ring
 * unrolled). */
const backtrace_frame *backtrace_kept(const backtrace *bt, int i);
/* How many frames lie between first[] and last[] (not kept). */
long backtrace_dropped(const backtrace *bt);

#endif
