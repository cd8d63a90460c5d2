/* elementwise.h: the loops shared by the elementwise ops (private).
 *
 * arith.c, unary.c and compare.c write each op as a shape check, a loop
 * given by an expression, and a vjp.  The loops here take the expression as a
 * macro argument so that it is inlined into every fast path:
 *   - same shape: one flat loop, no stride arithmetic;
 *   - one operand with a single element: a flat loop against a scalar;
 *   - general broadcasting: rows of the last dimension, strides 0 or 1, each
 *     row a flat loop again when an operand's stride is 1 or 0 (hoisted).
 * In the expression, the elements are named av and bv (binary), cv, av, bv
 * (ternary) or xv (unary). */
#ifndef SELI_ELEMENTWISE_H
#define SELI_ELEMENTWISE_H

#include <stddef.h>

#include "core/internal.h"
#include "ops/vector_width.h"

/* Walks the output of a broadcast row by row (a row is the last dimension),
 * keeping each operand's element offset. */
typedef struct seli__bcast {
    int ndim;
    long shape[SELI_MAX_DIMS];
    long idx[SELI_MAX_DIMS];
    long st[3][SELI_MAX_DIMS]; /* per operand, 0 where it stretches */
    long off[3];               /* offset of the current row's first element */
    long inner;                /* row length */
    long is[3];                /* per operand stride along the row: 0 or 1 */
} seli__bcast;

/* Start walking out's shape for up to three operands (t[k] may be NULL). */
static inline void seli__bcast_begin(seli__bcast *it, const seli_tensor *out, int nt,
                                     const seli_tensor *const *t)
{
    it->ndim = out->ndim;
    for (int d = 0; d < out->ndim; d++) {
        it->shape[d] = out->shape[d];
        it->idx[d] = 0;
    }
    for (int k = 0; k < nt; k++) {
        seli__broadcast_strides(t[k], out->ndim, out->shape, it->st[k]);
        it->off[k] = 0;
        it->is[k] = out->ndim ? it->st[k][out->ndim - 1] : 0;
    }
    it->inner = out->ndim ? out->shape[out->ndim - 1] : 1;
}

/* Advance to the next row. */
static inline void seli__bcast_next(seli__bcast *it, int nt)
{
    for (int d = it->ndim - 2; d >= 0; d--) {
        for (int k = 0; k < nt; k++)
            it->off[k] += it->st[k][d];
        if (++it->idx[d] < it->shape[d])
            return;
        for (int k = 0; k < nt; k++)
            it->off[k] -= it->st[k][d] * it->shape[d];
        it->idx[d] = 0;
    }
}

/* O[k] = EXPR(X[k * SX], Y[k * SY]) for k < M.  Strides 1/1, 0/1 and 1/0
 * are flat loops with the stretched element hoisted, which the compiler
 * vectorises; other strides take the general loop. */
#define SELI__BINARY_ROW(O, X, Y, SX, SY, M, EXPR)                                                 \
    do {                                                                                           \
        float *restrict or_ = (O);                                                                 \
        const float *restrict xr_ = (X), *restrict yr_ = (Y);                                      \
        long sx_ = (SX), sy_ = (SY), m_ = (M);                                                     \
        if (sx_ == 1 && sy_ == 1) {                                                                \
            for (long k_ = 0; k_ < m_; k_++) {                                                     \
                float av = xr_[k_], bv = yr_[k_];                                                  \
                or_[k_] = (EXPR);                                                                  \
            }                                                                                      \
        } else if (sx_ == 0 && sy_ == 1) {                                                         \
            float av = xr_[0];                                                                     \
            for (long k_ = 0; k_ < m_; k_++) {                                                     \
                float bv = yr_[k_];                                                                \
                or_[k_] = (EXPR);                                                                  \
            }                                                                                      \
        } else if (sx_ == 1 && sy_ == 0) {                                                         \
            float bv = yr_[0];                                                                     \
            for (long k_ = 0; k_ < m_; k_++) {                                                     \
                float av = xr_[k_];                                                                \
                or_[k_] = (EXPR);                                                                  \
            }                                                                                      \
        } else {                                                                                   \
            for (long k_ = 0; k_ < m_; k_++) {                                                     \
                float av = xr_[k_ * sx_], bv = yr_[k_ * sy_];                                      \
                or_[k_] = (EXPR);                                                                  \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* out = EXPR(av, bv) elementwise, out having the broadcast shape of a and b:
 * one row when each operand is whole or a single element, else row by row. */
#define SELI__BINARY_LOOP(out, a, b, EXPR)                                                         \
    do {                                                                                           \
        float *restrict o_ = (out)->data;                                                          \
        const float *restrict x_ = (a)->data, *restrict y_ = (b)->data;                            \
        long n_ = (out)->size;                                                                     \
        if (((a)->size == n_ || (a)->size == 1) && ((b)->size == n_ || (b)->size == 1)) {          \
            SELI__BINARY_ROW(o_, x_, y_, (long)((a)->size == n_), (long)((b)->size == n_), n_,     \
                             EXPR);                                                                \
        } else if (n_ > 0) {                                                                       \
            const seli_tensor *ops_[2] = {(a), (b)};                                               \
            seli__bcast it_;                                                                       \
            seli__bcast_begin(&it_, (out), 2, ops_);                                               \
            for (long r_ = 0; r_ < n_; r_ += it_.inner) {                                          \
                SELI__BINARY_ROW(o_ + r_, x_ + it_.off[0], y_ + it_.off[1], it_.is[0], it_.is[1],  \
                                 it_.inner, EXPR);                                                 \
                seli__bcast_next(&it_, 2);                                                         \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* out = EXPR(xv) elementwise, out shaped like a. */
#define SELI__UNARY_LOOP(out, a, EXPR)                                                             \
    do {                                                                                           \
        float *restrict o_ = (out)->data;                                                          \
        const float *restrict x_ = (a)->data;                                                      \
        long n_ = (a)->size;                                                                       \
        for (long k_ = 0; k_ < n_; k_++) {                                                         \
            float xv = x_[k_];                                                                     \
            o_[k_] = (EXPR);                                                                       \
        }                                                                                          \
    } while (0)

/* Define `static void name(seli_tensor *out, const seli_tensor *a, const
 * seli_tensor *b)`: SELI__BINARY_LOOP(out, a, b, EXPR) compiled for SSE, AVX2
 * and AVX-512, the copy chosen at run time (vector_width.h).  The elements
 * are exact IEEE operations each, so every copy gives the same bits. */
#define SELI__BINARY_KERNEL(name, EXPR)                                                            \
    SELI__ALWAYS_INLINE void name##_body(seli_tensor *out, const seli_tensor *a,                   \
                                         const seli_tensor *b)                                     \
    {                                                                                              \
        SELI__BINARY_LOOP(out, a, b, EXPR);                                                        \
    }                                                                                              \
    SELI__AVX512_CLONE static void name##_avx512(seli_tensor *out, const seli_tensor *a,           \
                                                 const seli_tensor *b)                             \
    {                                                                                              \
        name##_body(out, a, b);                                                                    \
    }                                                                                              \
    SELI__AVX2_CLONE static void name##_avx2(seli_tensor *out, const seli_tensor *a,               \
                                             const seli_tensor *b)                                 \
    {                                                                                              \
        name##_body(out, a, b);                                                                    \
    }                                                                                              \
    static void name(seli_tensor *out, const seli_tensor *a, const seli_tensor *b)                 \
    {                                                                                              \
        int w_ = seli__vector_width();                                                             \
        if (w_ == SELI__AVX512)                                                                    \
            name##_avx512(out, a, b);                                                              \
        else if (w_ == SELI__AVX2)                                                                 \
            name##_avx2(out, a, b);                                                                \
        else                                                                                       \
            name##_body(out, a, b);                                                                \
    }

/* Define `static void name(seli_tensor *out, const seli_tensor *a, float s)`:
 * out = EXPR(xv, s) over a's elements, compiled like SELI__BINARY_KERNEL. */
#define SELI__UNARY_KERNEL(name, EXPR)                                                             \
    SELI__ALWAYS_INLINE void name##_body(seli_tensor *out, const seli_tensor *a, float s)          \
    {                                                                                              \
        (void)s;                                                                                   \
        SELI__UNARY_LOOP(out, a, EXPR);                                                            \
    }                                                                                              \
    SELI__AVX512_CLONE static void name##_avx512(seli_tensor *out, const seli_tensor *a, float s)  \
    {                                                                                              \
        name##_body(out, a, s);                                                                    \
    }                                                                                              \
    SELI__AVX2_CLONE static void name##_avx2(seli_tensor *out, const seli_tensor *a, float s)      \
    {                                                                                              \
        name##_body(out, a, s);                                                                    \
    }                                                                                              \
    static void name(seli_tensor *out, const seli_tensor *a, float s)                              \
    {                                                                                              \
        int w_ = seli__vector_width();                                                             \
        if (w_ == SELI__AVX512)                                                                    \
            name##_avx512(out, a, s);                                                              \
        else if (w_ == SELI__AVX2)                                                                 \
            name##_avx2(out, a, s);                                                                \
        else                                                                                       \
            name##_body(out, a, s);                                                                \
    }

/* Check a and b (not NULL, alive, broadcastable) and allocate the result of a
 * binary elementwise op with their broadcast shape.  `op` names the caller. */
SELI_INTERNAL seli_tensor *seli__binary_out(const char *op, const seli_tensor *a,
                                            const seli_tensor *b);
/* The body of a binary op: check a and b, out = EXPR(av, bv) with
 * broadcasting, record vjp with inputs a and b, and return out. */
#define SELI__BINARY_OP(op, a, b, EXPR, vjp)                                                       \
    do {                                                                                           \
        seli_tensor *out_ = seli__binary_out(op, a, b);                                            \
        SELI__BINARY_LOOP(out_, a, b, EXPR);                                                       \
        seli__record(out_, op, vjp, a, b, NULL);                                                   \
        return out_;                                                                               \
    } while (0)

/* As SELI__BINARY_OP, with the loop a function made by SELI__BINARY_KERNEL. */
#define SELI__BINARY_OP_K(op, a, b, kernel, vjp)                                                   \
    do {                                                                                           \
        seli_tensor *out_ = seli__binary_out(op, a, b);                                            \
        kernel(out_, a, b);                                                                        \
        seli__record(out_, op, vjp, a, b, NULL);                                                   \
        return out_;                                                                               \
    } while (0)

/* Check a (not NULL, alive) and allocate the result of a unary elementwise op,
 * shaped like a.  `op` names the caller. */
static inline seli_tensor *seli__unary_out(const char *op, const seli_tensor *a)
{
    seli__check(op, a, "a");
    return seli__alloc_like(a);
}

/* The body of a unary op: check a, out = EXPR(xv) elementwise, record vjp
 * with a as the input, and return out. */
#define SELI__UNARY_OP(op, a, EXPR, vjp)                                                           \
    do {                                                                                           \
        seli_tensor *out_ = seli__unary_out(op, a);                                                \
        SELI__UNARY_LOOP(out_, a, EXPR);                                                           \
        seli__record(out_, op, vjp, a, NULL, NULL);                                                \
        return out_;                                                                               \
    } while (0)

/* As SELI__UNARY_OP, with the loop a function made by SELI__UNARY_KERNEL
 * (given s, which a loop that has no parameter ignores). */
#define SELI__UNARY_OP_K(op, a, kernel, s, vjp)                                                    \
    do {                                                                                           \
        seli_tensor *out_ = seli__unary_out(op, a);                                                \
        kernel(out_, a, s);                                                                        \
        seli__record(out_, op, vjp, a, NULL, NULL);                                                \
        return out_;                                                                               \
    } while (0)

/* 1 where a > 0, else 0: a constant mask shaped like a, for piecewise vjps. */
static inline seli_tensor *seli__positive_mask(const seli_tensor *a)
{
    seli_tensor *m = seli__alloc_like(a);
    SELI__UNARY_LOOP(m, a, xv > 0 ? 1.0f : 0.0f);
    return m;
}

#endif
