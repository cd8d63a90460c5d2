/* subnormals.c: flushing subnormal floats to zero (see seli/subnormals.h),
 * and the floating-point mode that the worker thread of the products copies
 * from the thread that hands it work (gemm_fast.c).
 *
 * On x86-64 the mode is the control part of MXCSR, one register per thread:
 * FTZ (bit 15) flushes results below 2^-126 to zero, DAZ (bit 6) reads
 * subnormal inputs as zero, and RC (bits 13-14) is the rounding direction.
 * The exception masks stay each thread's own: a cell that unmasks an
 * exception to trap it in its own code should not make the worker, where
 * no handler can turn the trap into an error, die of it. */
#include "core/internal.h"

#if defined(__x86_64__) && !defined(__TINYC__)
#include <xmmintrin.h>

#define FTZ 0x8000u
#define DAZ 0x0040u
#define ROUNDING 0x6000u
#define MODE (FTZ | DAZ | ROUNDING)

unsigned seli__float_mode(void) { return _mm_getcsr() & MODE; }

void seli__follow_float_mode(unsigned mode)
{
    unsigned csr = _mm_getcsr();
    if ((csr & MODE) != (mode & MODE))
        _mm_setcsr((csr & ~MODE) | (mode & MODE));
}

int seli_flush_subnormals(int on)
{
    unsigned csr = _mm_getcsr();
    int was = (csr & (FTZ | DAZ)) == (FTZ | DAZ);
    _mm_setcsr(on ? csr | FTZ | DAZ : csr & ~(FTZ | DAZ));
    return was;
}

#else

/* Elsewhere the mode is left alone, and the worker has nothing to copy. */
unsigned seli__float_mode(void) { return 0; }

void seli__follow_float_mode(unsigned mode) { (void)mode; }

int seli_flush_subnormals(int on)
{
    (void)on;
    return -1;
}

#endif
