/* interrupt.h: libseli's safe points for a cooperative interrupt (private;
 * the public side is in seli/error.h, the state lives in error.c).
 *
 * An interrupt request is a flag that seli_request_interrupt sets from a
 * signal handler or another thread.  libseli polls it where stopping is
 * harmless: seli__alloc (every operation creates its result there before
 * computing) and between the row blocks of a large matmul.  Code that calls
 * OpenBLAS, or runs libseli's own worker threads, brackets the call with
 * seli__enter_blas / seli__leave_blas so that seli_in_library() tells an
 * interrupt handler not to jump out of it. */
#ifndef SELI_INTERRUPT_H
#define SELI_INTERRUPT_H

#include <stdatomic.h>

#include "core/internal.h"

/* Set by seli_request_interrupt; cleared when taken.  Lock-free, so signal
 * handlers may store to it. */
SELI_INTERNAL extern atomic_int seli__interrupt_flag;
/* How deep the computing thread is inside OpenBLAS or libseli's threads.
 * Only that thread writes it; handlers and other threads only read it. */
SELI_INTERNAL extern atomic_int seli__blas_depth;

/* Clear a pending interrupt and raise it as
 * seli_error(SELI_INTERRUPT_PREFIX "interrupted in <op>"); returns if none
 * is pending (another thread may have cleared it meanwhile). */
SELI_INTERNAL void seli__take_interrupt(const char *op);

/* A safe point: raise the interrupt if one is pending.  One relaxed load. */
static inline void seli__poll_interrupt(const char *op)
{
    if (atomic_load_explicit(&seli__interrupt_flag, memory_order_relaxed))
        seli__take_interrupt(op);
}

/* Around every OpenBLAS call (and libseli's own thread pools): single
 * writer, so a plain load and store suffice (no locked instruction). */
static inline void seli__enter_blas(void)
{
    int d = atomic_load_explicit(&seli__blas_depth, memory_order_relaxed);
    atomic_store_explicit(&seli__blas_depth, d + 1, memory_order_relaxed);
    atomic_signal_fence(memory_order_seq_cst);
}

static inline void seli__leave_blas(void)
{
    atomic_signal_fence(memory_order_seq_cst);
    int d = atomic_load_explicit(&seli__blas_depth, memory_order_relaxed);
    atomic_store_explicit(&seli__blas_depth, d - 1, memory_order_relaxed);
}

#endif
