/* seli/subnormals.h: flushing subnormal floats to zero, an opt-in for speed.
 *
 * A float32 below 2^-126 in magnitude (about 1.2e-38) is subnormal: it has
 * fewer significant bits, down to 2^-149, so that tiny values fade to zero
 * gradually.  x86 processors compute with subnormals through a slow assist,
 * often a hundred cycles an operation instead of one.  A Gaussian (RBF)
 * kernel exp(-d^2 / 2 sigma^2) with a small sigma makes them by the million:
 * with sigma = 0.1 it is subnormal for points 1.3 apart, and so are the
 * products and optimizer moments that follow.  XLA's CPU runtime (JAX's)
 * runs its compiled code with subnormals flushed to zero; libseli keeps IEEE
 * arithmetic unless you ask, here. */
#ifndef SELI_SUBNORMALS_H
#define SELI_SUBNORMALS_H

/* Flush subnormal floats to zero (on = 1) or keep IEEE arithmetic (on = 0,
 * the default), for the calling thread and the threads it hands products to
 * (libseli's worker, and OpenBLAS's as Debian builds it).  Flushing sets the
 * processor's FTZ and DAZ bits (MXCSR): a result below 2^-126 becomes 0, and
 * a subnormal input counts as 0.  Why: arithmetic on subnormals is slow on
 * x86, and this is what JAX (XLA) does on the CPU; a notebook whose values
 * underflow (notebook 04's RBF kernel) runs its step about 2.3x faster.
 * What it costs: values below 2^-126 are lost, so results differ from IEEE
 * where values are that tiny (the last bits of a sum of them; a loss that
 * should be 1e-40 is 0).  It persists, like any session setting, until you
 * turn it off: later cells of the kernel session keep it, and %reset -f or a
 * restart turns it off.  Returns the previous setting (1 if FTZ and DAZ were
 * both set, else 0), or -1 and changes nothing where it is not supported
 * (only x86-64 is; elsewhere arithmetic stays IEEE). */
int seli_flush_subnormals(int on);

#endif
