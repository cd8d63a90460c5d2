/* gemm_fast.c: an AVX-512 matrix product for the network shapes, on up to
 * two threads (private; see gemm_fast.h).
 *
 * The products of a 128-wide network, [n, k] x [k, 128] with n in the
 * thousands and k = 128 (or k = n for a weight gradient), fit a simple
 * register-blocked kernel: a tile of 6 rows by 64 columns of C lives in 24
 * zmm registers while k runs in blocks of 128, B's 64-column panel block
 * stays in L1, and A's elements are broadcast.  A last panel of 32 columns
 * (the 32-wide networks of notebooks 04 and 06) uses a 6 x 32 tile: there
 * the library's SSE3 kernels ran 5x slower (matmul_bench, 32 -> 32 layers).
 * No packing is needed except a transpose of B for op(B) = B^T (a 128 x 128
 * weight), in registers.
 * The rows of C (or, for few rows, its column panels) are shared between the
 * calling thread and one worker thread;
 * seli__parallel_for shares other loops (the activation derivatives of
 * activation_grad.c) with the same worker.
 *
 * Why not OpenBLAS (`make -C bench matmul`, bench/matmul_bench.c, one thread
 * each, CPU time, medians; README's Speed section has the figures): the
 * machines pin OpenBLAS 0.3.21 to its Haswell (AVX2) kernels, which this
 * kernel beats 1.3-2.3x on the paper's 128 x 128 layers, and unpinned it
 * picks its SSE3 kernels on these Xeons.  Named to its AVX-512 (SkylakeX)
 * kernels, it is still 1.0-1.3x slower on those layers, and libxsmm's JIT
 * kernels are 0.85-1.15x of this one.  What this kernel does not win goes
 * to the library (matmul.c): B^T times a single row, A^T times a single
 * column, and every m that is not 1 or a multiple of 32.  Where it still
 * loses to AVX-512 OpenBLAS: X^T G of a layer with 1 or 2 inputs (n <= 2 rows,
 * 0.65-0.75x), which is 5x Haswell OpenBLAS. */
#include "ops/gemm_fast.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__TINYC__)
#define HAVE_AVX512_PATH 1
#include <immintrin.h>
#endif

#ifdef HAVE_AVX512_PATH

#define TILE_ROWS 6
#define TILE_COLS 64
#define NARROW_COLS 32 /* a last panel may be this wide; m must be a multiple of it */
#define K_BLOCK 128

/* tanh as the ratio of an odd and an even polynomial (the same minimax fit
 * as activation_grad.c's scalar loops, so both paths agree to rounding). */
__attribute__((target("avx512f,fma"))) static inline __m512 tanh16(__m512 x)
{
    const __m512 clamp = _mm512_set1_ps(7.90531110763549805f);
    x = _mm512_min_ps(x, clamp);
    x = _mm512_max_ps(x, _mm512_sub_ps(_mm512_setzero_ps(), clamp));
    __m512 x2 = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(-2.76076847742355e-16f);
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(2.00018790482477e-13f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-8.60467152213735e-11f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(5.12229709037114e-08f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(1.48572235717979e-05f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(6.37261928875436e-04f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(4.89352455891786e-03f));
    p = _mm512_mul_ps(p, x);
    __m512 q = _mm512_set1_ps(1.19825839466702e-06f);
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(1.18534705686654e-04f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(2.26843463243900e-03f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(4.89352518554385e-03f));
    return _mm512_div_ps(p, q);
}

/* The activation applied to 16 pre-activations in registers. */
__attribute__((target("avx512f,fma"))) static inline __m512 activate(__m512 z, int act, float slope)
{
    if (act == SELI__ACT_GELU) {
        const __m512 c = _mm512_set1_ps(0.7978845608028654f), k = _mm512_set1_ps(0.044715f);
        __m512 z3 = _mm512_mul_ps(_mm512_mul_ps(z, z), z);
        __m512 t = tanh16(_mm512_mul_ps(c, _mm512_fmadd_ps(k, z3, z)));
        __m512 half = _mm512_mul_ps(_mm512_set1_ps(0.5f), z);
        return _mm512_fmadd_ps(half, t, half);
    }
    if (act == SELI__ACT_LEAKY_RELU) {
        __mmask16 neg = _mm512_cmp_ps_mask(z, _mm512_setzero_ps(), _CMP_LT_OQ);
        return _mm512_mask_mul_ps(z, neg, z, _mm512_set1_ps(slope));
    }
    return z;
}

/* C[R, 16 Q] = sum_p A(r, p) B[p, 0:16 Q] for R <= 6 rows and Q = 4 (a
 * 64-column panel) or Q = 2 (a last panel of 32 columns: the 32-wide layers
 * of notebooks 04 and 06); A(r, p) = A[r * sar + p * sap].
 * A product whose k is cut in blocks (run_job) calls it once per block: with
 * TILE_ADD the sums start from C instead of the bias, and with TILE_PARTIAL
 * they are stored as they are (no Z, no activation) for the next block. */
enum { TILE_ADD = 1, TILE_PARTIAL = 2 };
#define DEFINE_TILE(R, Q)                                                                          \
    __attribute__((target("avx512f,fma"))) static void tile_##R##_##Q(                             \
        long k, const float *A, long sar, long sap, const float *B, long ldb, const float *bias,   \
        int act, float slope, float *Z, float *C, long ldc, int part)                              \
    {                                                                                              \
        __m512 c[R][Q];                                                                            \
        _Pragma("GCC unroll 6") for (int r = 0; r < R; r++)                                        \
            _Pragma("GCC unroll 4") for (int q = 0; q < Q; q++) c[r][q] =                          \
                (part & TILE_ADD) ? _mm512_loadu_ps(C + r * ldc + 16 * q)                          \
                : bias            ? _mm512_loadu_ps(bias + 16 * q)                                 \
                                  : _mm512_setzero_ps();                                           \
        for (long p = 0; p < k; p++) {                                                             \
            const float *b = B + p * ldb;                                                          \
            __m512 bq[Q];                                                                          \
            _Pragma("GCC unroll 4") for (int q = 0; q < Q; q++) bq[q] = _mm512_loadu_ps(b + 16 * q); \
            const float *a = A + p * sap;                                                          \
            _Pragma("GCC unroll 6") for (int r = 0; r < R; r++)                                    \
            {                                                                                      \
                __m512 av = _mm512_set1_ps(a[r * sar]);                                            \
                _Pragma("GCC unroll 4") for (int q = 0; q < Q; q++) c[r][q] =                      \
                    _mm512_fmadd_ps(av, bq[q], c[r][q]);                                           \
            }                                                                                      \
        }                                                                                          \
        if (part & TILE_PARTIAL) {                                                                 \
            _Pragma("GCC unroll 6") for (int r = 0; r < R; r++)                                    \
                _Pragma("GCC unroll 4") for (int q = 0; q < Q; q++)                                \
                    _mm512_storeu_ps(C + r * ldc + 16 * q, c[r][q]);                               \
            return;                                                                                \
        }                                                                                          \
        if (Z)                                                                                     \
            _Pragma("GCC unroll 6") for (int r = 0; r < R; r++)                                    \
                _Pragma("GCC unroll 4") for (int q = 0; q < Q; q++)                                \
                    _mm512_storeu_ps(Z + r * ldc + 16 * q, c[r][q]);                               \
        _Pragma("GCC unroll 6") for (int r = 0; r < R; r++)                                        \
            _Pragma("GCC unroll 4") for (int q = 0; q < Q; q++)                                    \
                _mm512_storeu_ps(C + r * ldc + 16 * q, activate(c[r][q], act, slope));             \
    }

DEFINE_TILE(1, 4)
DEFINE_TILE(2, 4)
DEFINE_TILE(3, 4)
DEFINE_TILE(4, 4)
DEFINE_TILE(5, 4)
DEFINE_TILE(6, 4)
DEFINE_TILE(1, 2)
DEFINE_TILE(2, 2)
DEFINE_TILE(3, 2)
DEFINE_TILE(4, 2)
DEFINE_TILE(5, 2)
DEFINE_TILE(6, 2)

typedef void (*tile_fn)(long, const float *, long, long, const float *, long, const float *, int,
                        float, float *, float *, long, int);
/* [rows] for a 64-column panel, and for a last panel of 32 columns */
static const tile_fn tiles64[TILE_ROWS + 1] = {NULL,     tile_1_4, tile_2_4, tile_3_4,
                                               tile_4_4, tile_5_4, tile_6_4};
static const tile_fn tiles32[TILE_ROWS + 1] = {NULL,     tile_1_2, tile_2_2, tile_3_2,
                                               tile_4_2, tile_5_2, tile_6_2};

/* One product, or the rows [r0, r1) and the columns [c0, c1) of it. */
typedef struct job {
    long r0, r1, m, k;
    long c0, c1; /* columns: whole 64-column panels, the last may be 32 wide */
    const float *A;
    long sar, sap;
    const float *B;                          /* [k, m] row-major */
    const float *bias;                       /* [m] added to every row, or NULL */
    int act;                                 /* SELI__ACT_* applied before C is stored */
    float slope;                             /* of the leaky ReLU */
    float *Z;                                /* [n, m]: the pre-activations, or NULL */
    float *C;                                /* [n, m] row-major */
    void (*fn)(void *ctx, long i0, long i1); /* a job of another kind: fn over [r0, r1) */
    void *ctx;
} job;

static void run_job(const job *j)
{
    if (j->fn) {
        j->fn(j->ctx, j->r0, j->r1);
        return;
    }
    /* k in blocks of K_BLOCK, so that the block of B's 64-column panel
     * (K_BLOCK x 256 bytes) stays in L1 while every row tile uses it: a
     * weight gradient X^T G has k = batch, and its B = G streamed from L2
     * once per row tile without this (1.3x at batch 2048). */
    for (long c0 = j->c0; c0 < j->c1; c0 += TILE_COLS) {
        const tile_fn *tiles = j->c1 - c0 < TILE_COLS ? tiles32 : tiles64;
        for (long p0 = 0; p0 < j->k; p0 += K_BLOCK) {
            long kb = j->k - p0 < K_BLOCK ? j->k - p0 : K_BLOCK;
            int part = (p0 > 0 ? TILE_ADD : 0) | (p0 + kb < j->k ? TILE_PARTIAL : 0);
            for (long r = j->r0; r < j->r1; r += TILE_ROWS) {
                long rows = j->r1 - r < TILE_ROWS ? j->r1 - r : TILE_ROWS;
                tiles[rows](kb, j->A + r * j->sar + p0 * j->sap, j->sar, j->sap,
                            j->B + p0 * j->m + c0, j->m, j->bias ? j->bias + c0 : NULL, j->act,
                            j->slope, j->Z ? j->Z + r * j->m + c0 : NULL, j->C + r * j->m + c0,
                            j->m, part);
            }
        }
    }
}

/* --- sharing the rows with a worker thread ---
 *
 * A product is cut into chunks of rows; the calling thread and the worker
 * both take chunks from an atomic counter until none is left.  If the worker
 * is not scheduled (a busy machine), the caller simply does all the chunks
 * itself, so a second thread never makes a product slower than one thread
 * by more than a chunk. */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
/* The products being shared, in four slots by their number, each guarded
 * like a seqlock: a thread that took chunk c of product g reads slot g % 4
 * and runs the chunk only if the slot still holds product g. */
typedef struct slot {
    job j;
    long rows;    /* rows per chunk, a multiple of TILE_ROWS; or 0 */
    long cols;    /* or columns per chunk, a multiple of TILE_COLS */
    long count;   /* chunks */
    unsigned gen; /* the product in this slot (atomic; 0 while being written) */
    int done;     /* chunks finished (atomic) */
    /* the sharing thread's floating-point mode (flushing subnormals, rounding) */
    unsigned mode;
} slot;
static slot slots[4];
static unsigned generation; /* the newest product's number (atomic) */
/* The next chunk to take, tagged with its product's number in the high 32
 * bits: every value it hands out names one chunk of one product, once. */
static unsigned long long next_chunk;
static int worker_state; /* 0: not started, 1: running, -1: could not start */

/* Take and run chunks of the newest product until none is left. */
static void take_chunks(void)
{
    for (;;) {
        unsigned long long v = __atomic_fetch_add(&next_chunk, 1, __ATOMIC_ACQ_REL);
        unsigned gen = (unsigned)(v >> 32);
        long c = (long)(v & 0xffffffffu);
        slot *sl = &slots[gen & 3];
        if (__atomic_load_n(&sl->gen, __ATOMIC_ACQUIRE) != gen)
            return;
        job part = sl->j;
        long rows = sl->rows, cols = sl->cols, count = sl->count;
        unsigned mode = sl->mode;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&sl->gen, __ATOMIC_RELAXED) != gen || c >= count)
            return;
        /* every chunk computes as the thread that shared the product would */
        seli__follow_float_mode(mode);
        if (rows) {
            part.r0 = part.r0 + c * rows;
            part.r1 = part.r0 + rows < part.r1 ? part.r0 + rows : part.r1;
        } else {
            part.c0 = part.c0 + c * cols;
            part.c1 = part.c0 + cols < part.c1 ? part.c0 + cols : part.c1;
        }
        run_job(&part);
        __atomic_fetch_add(&sl->done, 1, __ATOMIC_RELEASE);
    }
}

static void *worker_main(void *arg)
{
    (void)arg;
    unsigned seen = 0;
    for (;;) {
        /* spin briefly (products come back to back), then sleep */
        for (int s = 0; s < 20000 && __atomic_load_n(&generation, __ATOMIC_ACQUIRE) == seen; s++)
            __builtin_ia32_pause();
        if (__atomic_load_n(&generation, __ATOMIC_ACQUIRE) == seen) {
            pthread_mutex_lock(&lock);
            while (__atomic_load_n(&generation, __ATOMIC_ACQUIRE) == seen)
                pthread_cond_wait(&wake, &lock);
            pthread_mutex_unlock(&lock);
        }
        seen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
        take_chunks();
    }
    return NULL;
}

static int threads_wanted(void)
{
    static int n = -1;
    if (n < 0) {
        const char *s = getenv("SELI_NUM_THREADS");
        n = s && atoi(s) >= 1 ? atoi(s) : 2;
    }
    return n;
}

static int start_worker(void)
{
    if (worker_state == 0) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        worker_state = pthread_create(&t, &attr, worker_main, NULL) == 0 ? 1 : -1;
        pthread_attr_destroy(&attr);
    }
    return worker_state == 1;
}

/* Products are shared when they have at least this many multiply-adds, or
 * this many outputs: an outer product [n, 1] x [1, 128] (a network's first
 * layer, its tangent and its gradient) is bound by storing C and by the
 * activation, and two threads halve that too.  A [128, 128] x [128, 128]
 * product (2^21) stays on one thread: bench/split_bench.c's layer at batch
 * 128 was never faster on two (best of 301 runs 107-116 us against 110-112
 * on one), and on a busy machine its median doubled; at batch 256 two
 * threads gave up to 1.2x, at 1024 1.45x. */
#define SPLIT_MIN_FLOPS (1L << 22)
#define SPLIT_MIN_OUTPUTS (1L << 16)
#define BIG_ENOUGH(n, m, k) ((n) * (m) * (k) >= SPLIT_MIN_FLOPS || (n) * (m) >= SPLIT_MIN_OUTPUTS)
#define CHUNKS 8

/* A product with fewer rows than PANEL_SPLIT_ROWS, a k of at least
 * PANEL_SPLIT_K and two or more 64-column panels is shared by panels instead
 * of rows: a weight gradient X^T G of a 128-wide layer has 128 rows and
 * k = batch, and cut in eight chunks of 18 rows, each chunk streamed all of G
 * from L2 for 3 row tiles; at batch 1920 it ran slower on two threads than
 * on one (notebook 03: 505 us against 463), and by panels notebook 03 took
 * 306 steps/s against 290 (medians of five interleaved runs).  With a short
 * k the rows split better: by panels, notebook 05's products of 256 rows and
 * k = 128 made its step 4% slower (1348 against 1406 steps/s).  Either way
 * every output adds in the same order, so no bit changes. */
#define PANEL_SPLIT_ROWS 512
#define PANEL_SPLIT_K 512

/* Run j in chunks of whole multiples of grain rows (or of whole column
 * panels, see PANEL_SPLIT_ROWS), shared with the worker when big enough. */
static void run_split(const job *j, int big_enough, long grain)
{
    long n = j->r1 - j->r0, panels = j->fn ? 0 : (j->c1 - j->c0 + TILE_COLS - 1) / TILE_COLS;
    int by_panels = panels >= 2 && n < PANEL_SPLIT_ROWS && j->k >= PANEL_SPLIT_K;
    if (threads_wanted() < 2 || (n < 2 * grain && !by_panels) || !big_enough || !start_worker()) {
        run_job(j);
        return;
    }
    long rows = 0, cols = 0;
    int count;
    if (by_panels) {
        cols = TILE_COLS;
        count = (int)panels;
    } else {
        rows = (n + CHUNKS - 1) / CHUNKS;
        rows = (rows + grain - 1) / grain * grain;
        count = (int)((n + rows - 1) / rows);
    }
    /* fill the product's slot, then open its counter */
    unsigned gen = __atomic_load_n(&generation, __ATOMIC_RELAXED) + 1;
    if (gen == 0)
        gen = 1; /* 0 marks a slot being written */
    slot *sl = &slots[gen & 3];
    __atomic_store_n(&sl->gen, 0, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    sl->j = *j;
    sl->rows = rows;
    sl->cols = cols;
    sl->count = count;
    sl->mode = seli__float_mode();
    __atomic_store_n(&sl->done, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&sl->gen, gen, __ATOMIC_RELEASE);
    __atomic_store_n(&generation, gen, __ATOMIC_RELEASE);
    __atomic_store_n(&next_chunk, (unsigned long long)gen << 32, __ATOMIC_RELEASE);
    pthread_mutex_lock(&lock);
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    take_chunks();
    /* the worker may still be inside its last chunk */
    for (long s = 0; __atomic_load_n(&sl->done, __ATOMIC_ACQUIRE) < count; s++) {
        if (s % 1000 == 999)
            sched_yield();
        else
            __builtin_ia32_pause();
    }
}

static int cpu_ok(void)
{
    static int ok = -1;
    if (ok < 0) {
        const char *s = getenv("SELI_NO_AVX512");
        ok = !(s && *s && *s != '0') && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("fma");
    }
    return ok;
}

/* A scratch buffer for B^T, kept between calls (libseli computes on one thread). */
static float *scratch;
static size_t scratch_cap;

/* T[16 x 16 block at column i0, row p0 of T[k, m]] = the block of B[m, k] at
 * row i0, column p0, transposed in registers: rows pair up as floats, then as
 * float pairs, then as 128-bit lanes twice. */
__attribute__((target("avx512f"))) static void transpose16(const float *B, long k, float *T, long m)
{
    __m512 r[16], t[16], u[16];
    for (int i = 0; i < 16; i++)
        r[i] = _mm512_loadu_ps(B + i * k);
    for (int i = 0; i < 16; i += 2) { /* t: per lane r_i[0] r_i+1[0] r_i[1] r_i+1[1] (lo) */
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int g = 0; g < 16; g += 4) { /* u[g + c]: per lane L rows g..g+3 of column 4L + c */
        __m512d t0 = _mm512_castps_pd(t[g]), t1 = _mm512_castps_pd(t[g + 1]);
        __m512d t2 = _mm512_castps_pd(t[g + 2]), t3 = _mm512_castps_pd(t[g + 3]);
        u[g] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
        u[g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
        u[g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
        u[g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
    }
    for (int c = 0; c < 4; c++) { /* row 4L + c of T gathers lane L of u[c], u[4+c], ... */
        __m512 v0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x44);
        __m512 v1 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xee);
        __m512 w0 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x44);
        __m512 w1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xee);
        _mm512_storeu_ps(T + (0 + c) * m, _mm512_shuffle_f32x4(v0, w0, 0x88));
        _mm512_storeu_ps(T + (4 + c) * m, _mm512_shuffle_f32x4(v0, w0, 0xdd));
        _mm512_storeu_ps(T + (8 + c) * m, _mm512_shuffle_f32x4(v1, w1, 0x88));
        _mm512_storeu_ps(T + (12 + c) * m, _mm512_shuffle_f32x4(v1, w1, 0xdd));
    }
}

/* T[k, m] = B[m, k]^T for m a multiple of 16: whole 16 x 16 blocks in
 * registers, the last k % 16 columns of B one by one.  (A scalar blocked copy
 * took a third of the time of dX = G W^T at batch 128.) */
static void transpose(const float *B, long m, long k, float *T)
{
    long k16 = k / 16 * 16;
    for (long i0 = 0; i0 < m; i0 += 16) {
        for (long p0 = 0; p0 < k16; p0 += 16)
            transpose16(B + i0 * k + p0, k, T + p0 * m + i0, m);
        for (long i = i0; i < i0 + 16; i++)
            for (long p = k16; p < k; p++)
                T[p * m + i] = B[i * k + p];
    }
}

/* C[n] = op(A) b for a single output column (b: k floats, stored alike for
 * [k, 1] and [1, k]): the last layer of a network and its weight gradient.
 * OpenBLAS packs both operands for these; a dot product per row (A [n, k])
 * or an axpy per row of A ([k, n], transposed) streams A once. */
/* A matrix times one column, outputs [i0, i1): C = A b, or A^T b with A
 * stored [k, n].  Each output adds in the same order whatever the range, and
 * ranges start at multiples of 16, so sharing the rows changes no bit. */
typedef struct gemv_job {
    int ta;
    long n, k;
    const float *A, *b;
    float *C;
} gemv_job;

__attribute__((target("avx512f,fma"))) static void gemv_range(void *ctx, long i0, long i1)
{
    const gemv_job *g = ctx;
    const float *A = g->A, *b = g->b;
    float *C = g->C;
    long n = g->n, k = g->k;
    if (!g->ta) {
        for (long i = i0; i < i1; i++) {
            const float *a = A + i * k;
            __m512 acc = _mm512_setzero_ps();
            long p = 0;
            for (; p + 16 <= k; p += 16)
                acc = _mm512_fmadd_ps(_mm512_loadu_ps(a + p), _mm512_loadu_ps(b + p), acc);
            float s = _mm512_reduce_add_ps(acc);
            for (; p < k; p++)
                s += a[p] * b[p];
            C[i] = s;
        }
        return;
    }
    for (long i = i0; i < i1; i++)
        C[i] = 0.0f;
    for (long p = 0; p < k; p++) {
        const float *a = A + p * n;
        __m512 bp = _mm512_set1_ps(b[p]);
        long i = i0;
        for (; i + 16 <= i1; i += 16)
            _mm512_storeu_ps(C + i,
                             _mm512_fmadd_ps(bp, _mm512_loadu_ps(a + i), _mm512_loadu_ps(C + i)));
        for (; i < i1; i++)
            C[i] += b[p] * a[i];
    }
}

/* A b is shared with the worker from 2^16 multiply-adds on (a sampler's last
 * layer, [4096, 128] x [128, 1], is bound by reading A, whose rows the two
 * threads wrote).  A^T b never is: each thread would stream every row of A
 * for half of its columns, and notebook 07's weight gradient of its last
 * layer, [128, 1024] x [1024, 1], took 30.8 us shared against 9.9 alone
 * (the training step's mean over 1,000 steps, two threads). */
static void gemv(int ta, long n, long k, const float *A, const float *b, float *C)
{
    gemv_job g = {ta, n, k, A, b, C};
    seli__parallel_for(n, ta ? n + 1 : (SPLIT_MIN_OUTPUTS + k - 1) / k, gemv_range, &g);
}

int seli__gemm_fast(int ta, int tb, long n, long m, long k, const float *A, const float *B,
                    float *C)
{
    if (!cpu_ok() || n < 1 || k < 1 || (ta && tb))
        return 0;
    /* A single row times B^T (dX of a batch of one) goes to cblas_sgemv
     * (matmul.c): transposing all of B costs more than the row's product
     * (12x, `matmul_bench --threads 1`).  A^T times a single column (dW of a
     * layer with one output) stays on the axpy loop below: sgemv streams it
     * 1.05-1.35x faster, but it adds in another order, and notebook 04's MMD
     * training, started from the same weights and batches, then ended at
     * w1 = 0.37 instead of 0.068: that notebook's outcome hangs on rounding,
     * and a few percent of one thin product is not worth moving it. */
    if (n == 1 && tb)
        return 0;
    if (m == 1 && k >= 16) {
        gemv(ta, n, k, A, B, C);
        return 1;
    }
    if (m % NARROW_COLS != 0)
        return 0;
    const float *Bn = B;
    if (tb) {
        /* B is stored [m, k]: transpose it to [k, m] */
        size_t need = (size_t)(k * m);
        if (need > scratch_cap) {
            /* on a cache line: a row of a 64-column panel is then 4 whole
             * lines, not 5 (16-byte aligned, dX = G W^T ran ~10% slower) */
            float *p = aligned_alloc(64, (need * sizeof *p + 63) / 64 * 64);
            if (!p)
                return 0;
            free(scratch);
            scratch = p;
            scratch_cap = need;
        }
        transpose(B, m, k, scratch);
        Bn = scratch;
    }
    job j = {.r1 = n, .m = m, .k = k, .c1 = m, .A = A, .sar = ta ? 1 : k, .sap = ta ? n : 1,
             .B = Bn, .act = SELI__ACT_NONE, .C = C};
    run_split(&j, BIG_ENOUGH(n, m, k), TILE_ROWS);
    return 1;
}

int seli__gemm_fast_act(long n, long m, long k, const float *A, const float *B, const float *bias,
                        int act, float slope, float *Z, float *C)
{
    if (!cpu_ok() || n < 1 || k < 1)
        return 0;
    if (m == 1 && k >= 16 && act == SELI__ACT_NONE) {
        /* a single output column (a network's last layer) */
        gemv(0, n, k, A, B, C);
        if (bias)
            for (long i = 0; i < n; i++)
                C[i] += bias[0];
        if (Z)
            memcpy(Z, C, (size_t)n * sizeof *Z);
        return 1;
    }
    if (m % NARROW_COLS != 0)
        return 0;
    job j = {.r1 = n, .m = m, .k = k, .c1 = m, .A = A, .sar = k, .sap = 1, .B = B,
             .bias = bias, .act = act, .slope = slope, .Z = Z, .C = C};
    run_split(&j, BIG_ENOUGH(n, m, k), TILE_ROWS);
    return 1;
}

void seli__parallel_for(long n, long min_split, void (*fn)(void *ctx, long i0, long i1), void *ctx)
{
    if (n <= 0)
        return;
    job j = {0};
    j.r1 = n;
    j.fn = fn;
    j.ctx = ctx;
    run_split(&j, n >= min_split, 64);
}

#else

void seli__parallel_for(long n, long min_split, void (*fn)(void *ctx, long i0, long i1), void *ctx)
{
    (void)min_split;
    if (n > 0)
        fn(ctx, 0, n);
}

int seli__gemm_fast(int ta, int tb, long n, long m, long k, const float *A, const float *B,
                    float *C)
{
    (void)ta, (void)tb, (void)n, (void)m, (void)k, (void)A, (void)B, (void)C;
    return 0;
}

int seli__gemm_fast_act(long n, long m, long k, const float *A, const float *B, const float *bias,
                        int act, float slope, float *Z, float *C)
{
    (void)n, (void)m, (void)k, (void)A, (void)B, (void)bias, (void)act, (void)slope, (void)Z,
        (void)C;
    return 0;
}

#endif
