/* matmul.c: the matrix product with numpy's semantics (see seli/ops.h).
 *
 * Internally every product is mm(a, b, ta, tb) = op(a) @ op(b) on operands
 * of at least 2 dimensions, where op transposes the last two axes when its
 * flag is set.  The flags let the vjps (g @ b^T, a^T @ g) run through
 * cblas_sgemm without materialising a transpose, and they are themselves
 * mm calls, so second derivatives work.  1-D operands become [1, k] or
 * [k, 1] through seli_reshape, which is differentiable too. */
#include <cblas.h>
#include <string.h>

#include "ops/gemm_fast.h"
#include "core/interrupt.h"
#include "autodiff/tape.h"

/* Products with n*m*k at or below this many multiply-adds use the direct
 * loops below; larger ones call cblas_sgemm.  Measured with
 * `matmul_bench --crossover` (seli_matmul with each path forced, 2-core AMD
 * EPYC, OpenBLAS pthreads, gcc -O2), n = m = k:
 *     2: 42 vs 114 ns   3: 82 vs 127   4: 96 vs 104   5: 136 vs 129
 *     6: 200 vs 141     8: 379 vs 135  12: 885 vs 171
 * OpenBLAS costs about 100 ns per call whatever the size, and the scalar
 * loops beat it only below ~100 multiply-adds; thin shapes ([1, 64] x
 * [64, 64], [64, 64] x [64, 1], [32, 1] x [1, 32]) all favour OpenBLAS. */
#define DIRECT_MAX_FLOPS 100L

/* The threshold itself, a variable so that bench/matmul_bench.c can force
 * either path to measure the crossover (not part of the API). */
SELI_INTERNAL long seli__matmul_direct_max = DIRECT_MAX_FLOPS;

/* C[n, m] = op(A) op(B) with the loops written out; A(i, p) and B(p, j) are
 * read through strides, so transposed operands need no copy. */
static void gemm_direct(int ta, int tb, long n, long m, long k, const float *restrict A,
                        const float *restrict B, float *restrict C)
{
    long sai = ta ? 1 : k, sap = ta ? n : 1; /* A(i, p) = A[i * sai + p * sap] */
    if (!tb) {
        /* C row i = sum_p A(i, p) B row p: a contiguous inner loop over j. */
        for (long i = 0; i < n; i++) {
            float *restrict c = C + i * m;
            for (long j = 0; j < m; j++)
                c[j] = 0.0f;
            for (long p = 0; p < k; p++) {
                float av = A[i * sai + p * sap];
                const float *restrict b = B + p * m;
                for (long j = 0; j < m; j++)
                    c[j] += av * b[j];
            }
        }
        return;
    }
    /* B stored [m, k]: C(i, j) is a dot product of A(i, :) and B row j. */
    for (long i = 0; i < n; i++)
        for (long j = 0; j < m; j++) {
            const float *restrict b = B + j * k;
            float acc = 0.0f;
            for (long p = 0; p < k; p++)
                acc += A[i * sai + p * sap] * b[p];
            C[i * m + j] = acc;
        }
}

/* An interrupt (seli_request_interrupt) must not wait for one long product,
 * and jumping out of OpenBLAS is not safe, so a product of more than
 * BLOCK_MIN_MADDS multiply-adds runs as blocks of about BLOCK_MADDS each,
 * with a safe point before each block: row blocks, and column blocks too
 * when one row block of BLOCK_MIN_ROWS rows would still be long.  OpenBLAS
 * packs its operands again for every call, so blocks stay large.  Measured
 * (seli_matmul timed with blocking forced on and off, medians, 2-core AMD
 * EPYC, OpenBLAS pthreads, a loaded machine): [8192, 1024] x [1024, 1024]
 * in 4 blocks and [2048, 2048] x [2048, 2048] in 2 blocks cost 3-4% more CPU
 * time (204 -> 212 ms, 209 -> 216 ms) and the same wall time within the
 * noise; blocks of 512 rows cost ~20%, hence 1024.  The paper's shapes,
 * [2048, 128] x [128, 128] (3.4e7 multiply-adds, 0.5 ms), are far below
 * BLOCK_MIN_MADDS and unchanged (0.805 vs 0.787 ms CPU, medians of 400).
 * An interrupt during [6000, 6000] x [6000, 6000] (blocks of 1024 x 1024,
 * 6.3e9 multiply-adds) was taken within 0.03-0.27 s. */
#define BLOCK_MIN_MADDS (1L << 32)
#define BLOCK_MADDS (1L << 31)
#define BLOCK_MIN_ROWS 1024L
#define BLOCK_MIN_COLS 1024L

/* Variables so that tests and benchmarks can force blocking on small
 * shapes and time it (not part of the API): products above block_min
 * multiply-adds are blocked, in blocks of block_rows rows and block_cols
 * columns where those are > 0. */
SELI_INTERNAL long seli__matmul_block_min = BLOCK_MIN_MADDS;
SELI_INTERNAL long seli__matmul_block_rows = 0;
SELI_INTERNAL long seli__matmul_block_cols = 0;

/* C[i0:i1, j0:j1] = op(A)[i0:i1, :] op(B)[:, j0:j1] with cblas_sgemm, where
 * op(A) is [n, k], op(B) is [k, m] and C is [n, m], all row-major. */
static void sgemm_block(int ta, int tb, long i0, long i1, long j0, long j1, long n, long m, long k,
                        const float *A, const float *B, float *C)
{
    /* Row i of op(A) starts at A + i*k; transposed (A stored [k, n]) it is
     * column i, at A + i.  Column j of op(B) is at B + j, or B + j*k when B
     * is stored [m, k]. */
    const float *a = A + (ta ? i0 : i0 * k);
    const float *b = B + (tb ? j0 * k : j0);
    seli__enter_blas();
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (int)(i1 - i0), (int)(j1 - j0), (int)k, 1.0f, a, (int)(ta ? n : k), b,
                (int)(tb ? k : m), 0.0f, C + i0 * m + j0, (int)m);
    seli__leave_blas();
}

/* C[1, m] = a B^T for a single row a (k floats) and B stored [m, k]: the
 * gradient of a batch of one through a layer, without transposing B. */
static void sgemv_row(long m, long k, const float *a, const float *B, float *C)
{
    seli__enter_blas();
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)k, 1.0f, B, (int)k, a, 1, 0.0f, C, 1);
    seli__leave_blas();
}

static void gemm(int ta, int tb, long n, long m, long k, const float *A, const float *B, float *C)
{
    if (n == 0 || m == 0)
        return;
    if (k == 0) {
        memset(C, 0, (size_t)(n * m) * sizeof(float));
        return;
    }
    long madds = n * m * k;
    if (madds <= seli__matmul_direct_max) {
        gemm_direct(ta, tb, n, m, k, A, B, C);
        return;
    }
    if (madds <= seli__matmul_block_min) {
        /* The AVX-512 kernel where it applies and measured faster (see
         * gemm_fast.c); a forced interrupt must not land inside its
         * worker's lock.  Else a single row times B^T goes to cblas_sgemv,
         * which skips sgemm's packing, and the rest to cblas_sgemm. */
        seli__enter_blas();
        int done = seli__gemm_fast(ta, tb, n, m, k, A, B, C);
        seli__leave_blas();
        if (done)
            return;
        if (n == 1 && tb)
            sgemv_row(m, k, A, B, C); /* a single row: ta changes nothing */
        else
            sgemm_block(ta, tb, 0, n, 0, m, n, m, k, A, B, C);
        return;
    }
    long rows = BLOCK_MADDS / (m * k), cols = m;
    if (rows < BLOCK_MIN_ROWS) {
        rows = BLOCK_MIN_ROWS;
        cols = BLOCK_MADDS / (rows * k);
        if (cols < BLOCK_MIN_COLS)
            cols = BLOCK_MIN_COLS;
    }
    if (seli__matmul_block_rows > 0)
        rows = seli__matmul_block_rows;
    if (seli__matmul_block_cols > 0)
        cols = seli__matmul_block_cols;
    for (long i0 = 0; i0 < n; i0 += rows)
        for (long j0 = 0; j0 < m; j0 += cols) {
            seli__poll_interrupt("seli_matmul");
            sgemm_block(ta, tb, i0, i0 + rows < n ? i0 + rows : n, j0,
                        j0 + cols < m ? j0 + cols : m, n, m, k, A, B, C);
        }
}

/* The rows and columns of op(t) for a matrix stack t [..., r, c]. */
static long op_rows(const seli_tensor *t, int trans) { return t->shape[t->ndim - (trans ? 1 : 2)]; }
static long op_cols(const seli_tensor *t, int trans) { return t->shape[t->ndim - (trans ? 2 : 1)]; }

static seli_tensor *mm(const seli_tensor *a, const seli_tensor *b, int ta, int tb);

/* a: [..., n, k] (or [..., k, n] if ta), b: [..., k, m] (or [..., m, k] if tb)
 * -> [..., n, m]; each gradient is a product with the cotangent, summed over
 * the batch dimensions its input was broadcast along. */
static seli_tensor *matmul_vjp(const seli_node *nd, int i, const seli_tensor *g)
{
    const seli_tensor *a = nd->in[0], *b = nd->in[1];
    int ta = nd->i[0], tb = nd->i[1];
    if (i == 0)
        return seli__unbroadcast(ta ? mm(b, g, tb, 1) : mm(g, b, 0, !tb), a);
    if (!ta && b->ndim == 2 && a->ndim > 2) {
        /* A stack times one matrix: the batch sum is one product of the
         * stacked rows, [B*n, k]^T [B*n, m]. */
        long k = a->shape[a->ndim - 1], m = g->shape[g->ndim - 1];
        seli_tensor *a2 = seli_reshape(a, 2, (long[]){-1, k});
        seli_tensor *g2 = seli_reshape(g, 2, (long[]){-1, m});
        return tb ? mm(g2, a2, 1, 0) : mm(a2, g2, 1, 0);
    }
    return seli__unbroadcast(tb ? mm(g, a, 1, ta) : mm(a, g, !ta, 0), b);
}

/* op(a) @ op(b) for checked operands of >= 2 dimensions. */
static seli_tensor *mm(const seli_tensor *a, const seli_tensor *b, int ta, int tb)
{
    long n = op_rows(a, ta), k = op_cols(a, ta), m = op_cols(b, tb);
    int nd = a->ndim > b->ndim ? a->ndim : b->ndim, bd = nd - 2;
    long s[SELI_MAX_DIMS], sa[SELI_MAX_DIMS], sb[SELI_MAX_DIMS];
    /* Batch shape and the element stride of each batch axis in a and b
     * (0 where that operand is broadcast). */
    long stride_a = n * k, stride_b = k * m;
    for (int d = bd - 1; d >= 0; d--) {
        int da = d - (nd - a->ndim), db = d - (nd - b->ndim);
        long ea = da >= 0 ? a->shape[da] : 1, eb = db >= 0 ? b->shape[db] : 1;
        s[d] = ea > eb ? ea : eb;
        sa[d] = ea == 1 ? 0 : stride_a;
        sb[d] = eb == 1 ? 0 : stride_b;
        stride_a *= ea;
        stride_b *= eb;
    }
    s[nd - 2] = n;
    s[nd - 1] = m;
    seli_tensor *out = seli__alloc("seli_matmul", nd, s);
    long batch = out->size / (n * m > 0 ? n * m : 1);
    if (n * m == 0)
        batch = 0;
    int b_single = stride_b == k * m; /* b holds one matrix */
    int a_full = stride_a == n * k * (batch > 0 ? batch : 1);
    if (!ta && b_single && a_full) {
        /* Every batch uses the same b: one product of the stacked rows. */
        gemm(0, tb, batch * n, m, k, a->data, b->data, out->data);
    } else {
        long idx[SELI_MAX_DIMS] = {0}, oa = 0, ob = 0;
        for (long t = 0; t < batch; t++) {
            if (t > 0)
                seli__poll_interrupt("seli_matmul");
            gemm(ta, tb, n, m, k, a->data + oa, b->data + ob, out->data + t * n * m);
            for (int d = bd - 1; d >= 0; d--) {
                idx[d]++;
                oa += sa[d];
                ob += sb[d];
                if (idx[d] < s[d])
                    break;
                oa -= sa[d] * idx[d];
                ob -= sb[d] * idx[d];
                idx[d] = 0;
            }
        }
    }
    seli_node *node = seli__record(out, "seli_matmul", matmul_vjp, a, b, NULL);
    if (node) {
        node->i[0] = ta;
        node->i[1] = tb;
    }
    return out;
}

/* The batch dimensions of a and b (all but the last two) must broadcast. */
static void check_batch_dims(const seli_tensor *a, const seli_tensor *b)
{
    for (int d = 3; d <= a->ndim && d <= b->ndim; d++) {
        long ea = a->shape[a->ndim - d], eb = b->shape[b->ndim - d];
        if (ea != eb && ea != 1 && eb != 1)
            seli_error("seli_matmul: a is %s but b is %s: the batch dimensions %ld and %ld (axis "
                       "-%d) do not broadcast; each pair must be equal or one of them 1",
                       seli__shape(a), seli__shape(b), ea, eb, d);
    }
}

/* op(a) @ op(b) for operands of at least 2 dimensions, op transposing the
 * last two axes when its flag is set: x @ w^T without copying w^T.  For
 * libseli's own files (declared in core/internal.h). */
seli_tensor *seli__matmul_t(const seli_tensor *a, const seli_tensor *b, int ta, int tb)
{
    seli__check("seli_matmul", a, "a");
    seli__check("seli_matmul", b, "b");
    if (a->ndim < 2 || b->ndim < 2)
        seli_error("seli_matmul: a is %s and b is %s, but the transposing product needs "
                   "matrices (at least 2 dimensions each)",
                   seli__shape(a), seli__shape(b));
    if (op_cols(a, ta) != op_rows(b, tb))
        seli_error("seli_matmul: a is %s%s but b is %s%s: the inner dimensions %ld and %ld must "
                   "agree",
                   seli__shape(a), ta ? " (transposed)" : "", seli__shape(b),
                   tb ? " (transposed)" : "", op_cols(a, ta), op_rows(b, tb));
    check_batch_dims(a, b);
    return mm(a, b, ta != 0, tb != 0);
}

seli_tensor *seli_matmul(const seli_tensor *a, const seli_tensor *b)
{
    seli__check("seli_matmul", a, "a");
    seli__check("seli_matmul", b, "b");
    if (a->ndim == 0 || b->ndim == 0)
        seli_error("seli_matmul: a is %s and b is %s, but matmul needs at least 1 dimension in "
                   "each (to scale by a scalar use seli_mul)",
                   seli__shape(a), seli__shape(b));
    long ka = a->shape[a->ndim - 1];
    long kb = b->ndim == 1 ? b->shape[0] : b->shape[b->ndim - 2];
    if (ka != kb)
        seli_error("seli_matmul: a is %s but b is %s: the inner dimensions %ld and %ld must agree "
                   "(the last axis of a against the %s axis of b; transpose one with "
                   "seli_transpose?)",
                   seli__shape(a), seli__shape(b), ka, kb,
                   b->ndim == 1 ? "only" : "second-to-last");
    check_batch_dims(a, b);
    if (a->ndim >= 2 && b->ndim >= 2)
        return mm(a, b, 0, 0);
    /* A vector operand: [k] -> [1, k] on the left, [k, 1] on the right, and
     * the added axis is removed from the result again. */
    const seli_tensor *a2 = a->ndim == 1 ? seli_reshape(a, 2, (long[]){1, ka}) : a;
    const seli_tensor *b2 = b->ndim == 1 ? seli_reshape(b, 2, (long[]){kb, 1}) : b;
    seli_tensor *out = mm(a2, b2, 0, 0);
    long s[SELI_MAX_DIMS];
    int nd = 0;
    for (int d = 0; d < out->ndim - 2; d++)
        s[nd++] = out->shape[d];
    if (a->ndim >= 2)
        s[nd++] = out->shape[out->ndim - 2];
    if (b->ndim >= 2)
        s[nd++] = out->shape[out->ndim - 1];
    return seli_reshape(out, nd, s);
}
