/* vector_width.h: loops compiled for several vector widths, chosen at run
 * time (private).
 *
 * libseli is built for plain x86-64, where the compiler vectorises with
 * 16-byte SSE.  A loop that matters is written once as an always-inline body
 * and compiled again in functions marked SELI__AVX512_CLONE (AVX-512F/DQ and
 * FMA) and SELI__AVX2_CLONE (AVX2 and FMA); seli__vector_width() says which copy the
 * processor runs.  The clones only widen the vectors: whether a*b+c may be
 * fused into an FMA is the including file's choice (ISO C mode, -std=c11,
 * keeps contraction off; activation_grad.c turns it on).
 *
 * SELI_NO_AVX512=1 in the environment keeps the AVX-512 copies off (as for
 * the matrix kernel, gemm_fast.c), SELI_NO_AVX2=1 keeps both wide copies
 * off, so that the SSE copy can be tested and compared on any machine. */
#ifndef SELI_VECTOR_WIDTH_H
#define SELI_VECTOR_WIDTH_H

#include <stdlib.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__TINYC__)
#define SELI__AVX512_CLONE __attribute__((target("avx512f,avx512dq,fma")))
#define SELI__AVX2_CLONE __attribute__((target("avx2,fma")))
#define SELI__HAVE_CLONE 1
#else
#define SELI__AVX512_CLONE
#define SELI__AVX2_CLONE
#define SELI__HAVE_CLONE 0
#endif

#define SELI__ALWAYS_INLINE static inline __attribute__((always_inline))

/* The copies a loop can have, widest last. */
enum { SELI__SSE, SELI__AVX2, SELI__AVX512 };

/* 1 when the environment variable name is set and does not start with '0'. */
static inline int seli__env_off(const char *value) { return value && *value && *value != '0'; }

/* Which copy of a multiversioned loop this processor runs (SELI__SSE,
 * SELI__AVX2 or SELI__AVX512), honouring SELI_NO_AVX512 and SELI_NO_AVX2.
 * Read once per file that asks. */
static inline int seli__vector_width(void)
{
    static int width = -1;
    if (width < 0) {
        width = SELI__SSE;
#if SELI__HAVE_CLONE
        if (!seli__env_off(getenv("SELI_NO_AVX2")) && __builtin_cpu_supports("avx2") &&
            __builtin_cpu_supports("fma")) {
            width = SELI__AVX2;
            if (!seli__env_off(getenv("SELI_NO_AVX512")) && __builtin_cpu_supports("avx512f") &&
                __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma"))
                width = SELI__AVX512;
        }
#endif
    }
    return width;
}

#endif
