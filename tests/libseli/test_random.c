/* test_random.c: Philox-4x32-10 against its published vectors, keys, and samplers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "seli.h"

/* --- error capture --- */

static jmp_buf on_error;
static char last_message[1024];

static void capture_error(const char *message, void *user_data)
{
    (void)user_data;
    snprintf(last_message, sizeof last_message, "%s", message);
    longjmp(on_error, 1);
}

#define EXPECT_ERROR(stmt, fragment)                                                           \
    do {                                                                                       \
        last_message[0] = 0;                                                                   \
        int depth_ = seli_scope_depth();                                                       \
        if (setjmp(on_error) == 0) {                                                           \
            stmt;                                                                              \
            fail_msg("no error from %s", #stmt);                                               \
        }                                                                                      \
        seli_scope_unwind(depth_);                                                             \
        if (!strstr(last_message, fragment))                                                   \
            fail_msg("message \"%s\" lacks \"%s\"", last_message, fragment);                 \
    } while (0)

static int setup(void **state)
{
    (void)state;
    seli_set_error_handler(capture_error, NULL, NULL, NULL);
    seli_scope_begin();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    seli_scope_end();
    seli_set_error_handler(NULL, NULL, NULL, NULL);
    return 0;
}

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* --- the published known-answer vectors (Random123, tests/kat_vectors) --- */

static void test_philox_matches_random123_known_answer_vectors(void **state)
{
    (void)state;
    static const struct {
        unsigned int ctr[4], key[2], out[4];
    } kat[] = {
        {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
         {0x00000000, 0x00000000},
         {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
         {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
         {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (size_t v = 0; v < sizeof kat / sizeof kat[0]; v++) {
        unsigned int out[4];
        seli_philox4x32(kat[v].ctr, kat[v].key, out);
        for (int i = 0; i < 4; i++)
            assert_int_equal(out[i], kat[v].out[i]);
    }
}

/* seli_seed(0) is the all-zero key and element i samples word i % 4 of the
 * block with counter {i / 4, 0, 0, 0}: so the first uniforms are the top 24
 * bits of the first known-answer vector. */
static void test_uniform_of_seed_zero_is_the_zero_vector_scaled(void **state)
{
    (void)state;
    const unsigned int words[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
    seli_tensor *u = seli_uniform(seli_seed(0), 0.0f, 1.0f, SELI_SHAPE(4));
    for (int i = 0; i < 4; i++)
        assert_true(u->data[i] == (float)(words[i] >> 8) / 16777216.0f);
}

/* --- keys --- */

static int key_eq(seli_key a, seli_key b) { return a.k[0] == b.k[0] && a.k[1] == b.k[1]; }

static int all_distinct(const seli_key *k, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (key_eq(k[i], k[j]))
                return 0;
    return 1;
}

static void test_seed_keeps_all_64_bits(void **state)
{
    (void)state;
    seli_key a = seli_seed(1), b = seli_seed(1ull << 32), c = seli_seed(1ull | (1ull << 32));
    assert_false(key_eq(a, b));
    assert_false(key_eq(a, c));
    assert_false(key_eq(b, c));
    assert_true(key_eq(seli_seed(7), seli_seed(7)));
}

static void test_split_gives_distinct_keys_and_is_prefix_stable(void **state)
{
    (void)state;
    enum { N = 600 };
    static seli_key k[N + 1];
    seli_key root = seli_seed(42);
    seli_split(root, N, k);
    k[N] = root;
    assert_true(all_distinct(k, N + 1));
    seli_key few[3];
    seli_split(root, 3, few);
    for (int i = 0; i < 3; i++)
        assert_true(key_eq(few[i], k[i]));
    seli_key other[3];
    seli_split(seli_seed(43), 3, other);
    assert_false(key_eq(other[0], k[0]));
    seli_split(root, 0, NULL); /* nothing asked, nothing written */
}

static void test_fold_in_gives_distinct_keys_unlike_split(void **state)
{
    (void)state;
    enum { N = 300 };
    static seli_key k[2 * N + 1];
    seli_key root = seli_seed(3);
    for (int i = 0; i < N; i++)
        k[i] = seli_fold_in(root, (unsigned)i);
    seli_split(root, N, k + N);
    k[2 * N] = root;
    assert_true(all_distinct(k, 2 * N + 1));
    assert_true(key_eq(seli_fold_in(root, 17), seli_fold_in(root, 17)));
}

static void test_next_returns_the_second_child_and_keeps_the_first(void **state)
{
    (void)state;
    seli_key key = seli_seed(5), start = key, two[2];
    seli_split(start, 2, two);
    seli_key sub = seli_next(&key);
    assert_true(key_eq(key, two[0]));
    assert_true(key_eq(sub, two[1]));
    seli_key sub2 = seli_next(&key);
    assert_false(key_eq(sub, sub2));
    assert_false(key_eq(key, two[0]));
}

/* --- reproducibility --- */

static void assert_same_bits(const seli_tensor *a, const seli_tensor *b)
{
    assert_int_equal(a->size, b->size);
    assert_memory_equal(a->data, b->data, (size_t)a->size * sizeof(float));
}

static void test_same_key_gives_bit_identical_tensors(void **state)
{
    (void)state;
    seli_key key = seli_seed(2024);
    assert_same_bits(seli_normal(key, SELI_SHAPE(33, 7)), seli_normal(key, SELI_SHAPE(33, 7)));
    assert_same_bits(seli_uniform(key, -2, 3, SELI_SHAPE(101)),
                     seli_uniform(key, -2, 3, SELI_SHAPE(101)));
    assert_same_bits(seli_rademacher(key, SELI_SHAPE(77)), seli_rademacher(key, SELI_SHAPE(77)));
    assert_same_bits(seli_randint(key, -5, 9, SELI_SHAPE(99)),
                     seli_randint(key, -5, 9, SELI_SHAPE(99)));
    assert_same_bits(seli_permutation(key, 257), seli_permutation(key, 257));
}

static void test_different_keys_give_different_samples(void **state)
{
    (void)state;
    seli_key k[2];
    seli_split(seli_seed(1), 2, k);
    seli_tensor *a = seli_normal(k[0], SELI_SHAPE(64)), *b = seli_normal(k[1], SELI_SHAPE(64));
    int same = 0;
    for (int i = 0; i < 64; i++)
        same += a->data[i] == b->data[i];
    assert_true(same < 2);
}

/* Element i depends only on (key, i): a short tensor is a prefix of a long one,
 * whatever the shape (this also covers the partial last batch). */
static void test_samples_depend_only_on_key_and_flat_index(void **state)
{
    (void)state;
    seli_key key = seli_seed(9);
    seli_tensor *big = seli_normal(key, SELI_SHAPE(2, 100));
    for (long n = 1; n <= 131; n += 13) {
        seli_tensor *small = seli_normal(key, 1, &n);
        assert_memory_equal(small->data, big->data, (size_t)n * sizeof(float));
    }
    seli_tensor *ub = seli_uniform(key, 0, 1, SELI_SHAPE(200));
    seli_tensor *us = seli_uniform(key, 0, 1, SELI_SHAPE(3, 5, 3));
    assert_memory_equal(us->data, ub->data, 45 * sizeof(float));
}

/* Golden values, fixed from this implementation after the known-answer test
 * passed.  They pin the counter layout and the Box-Muller arithmetic: a
 * change here changes every notebook's numbers. */
static void test_normal_golden_values_of_seed_42(void **state)
{
    (void)state;
    static const uint32_t golden[8] = {0xbf785e5c, 0x3e46ace8, 0xbf9e28d2, 0x3ff6433b,
                                        0xbd95e030, 0x3e0e7a0f, 0xbf8da733, 0x3ea742fd};
    seli_tensor *z = seli_normal(seli_seed(42), SELI_SHAPE(8));
    for (int i = 0; i < 8; i++)
        if (float_bits(z->data[i]) != golden[i])
            fail_msg("z[%d] = %.9g has bits 0x%08x, expected 0x%08x", i, (double)z->data[i],
                     float_bits(z->data[i]), golden[i]);
}

static uint64_t fnv1a_bits(const seli_tensor *t)
{
    uint64_t h = 1469598103934665603ull;
    for (long i = 0; i < t->size; i++) {
        uint32_t u = float_bits(t->data[i]);
        for (int b = 0; b < 4; b++) {
            h ^= (u >> (8 * b)) & 0xff;
            h *= 1099511628211ull;
        }
    }
    return h;
}

/* Checksums of whole tensors (a partial last batch included) and of derived
 * keys, fixed like the golden values above. */
static void test_golden_checksums_of_every_sampler_and_key(void **state)
{
    (void)state;
    seli_key k = seli_seed(42);
    assert_true(fnv1a_bits(seli_normal(k, SELI_SHAPE(32773))) == 0x3354021b5741141aull);
    assert_true(fnv1a_bits(seli_uniform(k, -1, 2, SELI_SHAPE(1001))) == 0xe44cac5cd20d1dc8ull);
    assert_true(fnv1a_bits(seli_rademacher(k, SELI_SHAPE(1001))) == 0xe72f546264977f1aull);
    assert_true(fnv1a_bits(seli_randint(k, -3, 1000, SELI_SHAPE(1001))) == 0x9becbc6f8c3a6f3cull);
    assert_true(fnv1a_bits(seli_permutation(k, 1001)) == 0x711e221a43afcd0cull);
    seli_key s[2], f = seli_fold_in(k, 7);
    seli_split(k, 2, s);
    assert_true(s[0].k[0] == 0x20439b04 && s[0].k[1] == 0x9807e022);
    assert_true(s[1].k[0] == 0x1f858d22 && s[1].k[1] == 0x5a936ff5);
    assert_true(f.k[0] == 0x72f51705 && f.k[1] == 0xeb96c96f);
}

/* The deterministic log/sin/cos agree with libm's Box-Muller to float precision. */
static void test_normal_matches_libm_box_muller(void **state)
{
    (void)state;
    seli_key key = seli_seed(77);
    enum { BLOCKS = 4096 };
    seli_tensor *z = seli_normal(key, SELI_SHAPE(4 * BLOCKS));
    double worst = 0;
    for (unsigned b = 0; b < BLOCKS; b++) {
        unsigned int ctr[4] = {b, 0, 0, 0}, w[4];
        seli_philox4x32(ctr, key.k, w);
        for (int p = 0; p < 2; p++) {
            double u1 = ((double)w[2 * p] + 0.5) / 4294967296.0;
            double u2 = ((double)w[2 * p + 1] + 0.5) / 4294967296.0;
            double r = sqrt(-2.0 * log(u1));
            double ref[2] = {r * cos(2 * M_PI * u2), r * sin(2 * M_PI * u2)};
            for (int q = 0; q < 2; q++) {
                double got = z->data[4 * b + 2 * p + q];
                double err = fabs(got - ref[q]) / (fabs(ref[q]) > 1 ? fabs(ref[q]) : 1);
                if (err > worst)
                    worst = err;
            }
        }
    }
    assert_true(worst < 2e-7);
}

/* --- distributions --- */

static void moments(const seli_tensor *t, double *mean, double *var, double *skew, double *kurt)
{
    double s = 0;
    for (long i = 0; i < t->size; i++)
        s += t->data[i];
    double m = s / (double)t->size, m2 = 0, m3 = 0, m4 = 0;
    for (long i = 0; i < t->size; i++) {
        double d = t->data[i] - m;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
    }
    m2 /= (double)t->size;
    m3 /= (double)t->size;
    m4 /= (double)t->size;
    *mean = m;
    *var = m2;
    *skew = m3 / pow(m2, 1.5);
    *kurt = m4 / (m2 * m2);
}

/* N = 1e5: the standard error of the mean is 0.0032, of the variance 0.0045,
 * of the skewness 0.0077 and of the kurtosis 0.0155; bounds are >= 5 of them. */
static void test_normal_has_standard_moments(void **state)
{
    (void)state;
    seli_tensor *z = seli_normal(seli_seed(11), SELI_SHAPE(100000));
    double mean, var, skew, kurt;
    moments(z, &mean, &var, &skew, &kurt);
    assert_true(fabs(mean) < 0.016);
    assert_true(fabs(var - 1) < 0.025);
    assert_true(fabs(skew) < 0.04);
    assert_true(fabs(kurt - 3) < 0.1);
    long inside = 0;
    for (long i = 0; i < z->size; i++)
        inside += fabsf(z->data[i]) < 1.0f;
    assert_true(fabs(inside / 1e5 - 0.682689) < 0.008);
}

static void test_uniform_stays_in_range_with_uniform_moments(void **state)
{
    (void)state;
    seli_tensor *u = seli_uniform(seli_seed(12), -1.0f, 3.0f, SELI_SHAPE(100000));
    for (long i = 0; i < u->size; i++)
        assert_true(u->data[i] >= -1.0f && u->data[i] < 3.0f);
    double mean, var, skew, kurt;
    moments(u, &mean, &var, &skew, &kurt);
    /* mean 1 (se 0.0037), variance 16/12 (se 0.0038), kurtosis 1.8 */
    assert_true(fabs(mean - 1) < 0.02);
    assert_true(fabs(var - 16.0 / 12) < 0.02);
    assert_true(fabs(skew) < 0.03);
    assert_true(fabs(kurt - 1.8) < 0.03);
    seli_tensor *c = seli_uniform(seli_seed(12), 2.5f, 2.5f, SELI_SHAPE(3));
    for (int i = 0; i < 3; i++)
        assert_true(c->data[i] == 2.5f);
}

static void test_rademacher_is_plus_or_minus_one_balanced(void **state)
{
    (void)state;
    seli_tensor *r = seli_rademacher(seli_seed(13), SELI_SHAPE(100000));
    long plus = 0;
    for (long i = 0; i < r->size; i++) {
        assert_true(r->data[i] == 1.0f || r->data[i] == -1.0f);
        plus += r->data[i] > 0;
    }
    assert_true(labs(plus - 50000) < 800); /* se 158 */
}

static void test_randint_stays_in_range_and_is_roughly_uniform(void **state)
{
    (void)state;
    seli_tensor *r = seli_randint(seli_seed(14), -3, 4, SELI_SHAPE(70000));
    long count[7] = {0};
    for (long i = 0; i < r->size; i++) {
        float v = r->data[i];
        assert_true(v == floorf(v) && v >= -3 && v < 4);
        count[(int)v + 3]++;
    }
    double chi2 = 0;
    for (int k = 0; k < 7; k++)
        chi2 += (count[k] - 10000.0) * (count[k] - 10000.0) / 10000.0;
    assert_true(chi2 < 30); /* 6 degrees of freedom: p < 4e-5 */
    /* the widest range floats hold exactly; 3 of 7 values of this range reject */
    seli_tensor *w = seli_randint(seli_seed(15), -(1L << 24), (1L << 24) + 1, SELI_SHAPE(1000));
    double s = 0;
    for (long i = 0; i < w->size; i++) {
        assert_true(fabsf(w->data[i]) <= 16777216.0f);
        s += w->data[i];
    }
    assert_true(fabs(s / 1000) < 16777216.0 * 0.1);
    seli_tensor *one = seli_randint(seli_seed(16), 5, 6, SELI_SHAPE(10));
    for (int i = 0; i < 10; i++)
        assert_true(one->data[i] == 5.0f);
}

static void test_permutation_is_a_permutation(void **state)
{
    (void)state;
    enum { N = 1000 };
    seli_tensor *p = seli_permutation(seli_seed(17), N);
    assert_int_equal(p->ndim, 1);
    assert_int_equal(p->shape[0], N);
    static char seen[N];
    memset(seen, 0, sizeof seen);
    long fixed = 0;
    for (long i = 0; i < N; i++) {
        float v = p->data[i];
        assert_true(v == floorf(v) && v >= 0 && v < N);
        assert_false(seen[(int)v]);
        seen[(int)v] = 1;
        fixed += v == (float)i;
    }
    assert_true(fixed < 10); /* a random permutation fixes ~1 point */
    assert_int_equal(seli_permutation(seli_seed(17), 0)->size, 0);
    assert_true(seli_permutation(seli_seed(17), 1)->data[0] == 0.0f);
}

/* Every position receives every value about equally often (Fisher-Yates is
 * unbiased; a naive swap-with-any would not be). */
static void test_permutation_positions_are_uniform(void **state)
{
    (void)state;
    long count[4][4] = {{0}};
    seli_key key = seli_seed(18);
    for (int trial = 0; trial < 8000; trial++) {
        seli_scope_begin();
        seli_tensor *p = seli_permutation(seli_fold_in(key, (unsigned)trial), 4);
        for (int i = 0; i < 4; i++)
            count[i][(int)p->data[i]]++;
        seli_scope_end();
    }
    for (int i = 0; i < 4; i++)
        for (int v = 0; v < 4; v++)
            assert_true(labs(count[i][v] - 2000) < 200); /* se 39 */
}

/* --- misuse --- */

static void test_misuse_reports_the_operation(void **state)
{
    (void)state;
    EXPECT_ERROR(seli_randint(seli_seed(0), 4, 4, SELI_SHAPE(2)), "seli_randint");
    EXPECT_ERROR(seli_randint(seli_seed(0), 0, 1L << 30, SELI_SHAPE(2)), "2^24");
    EXPECT_ERROR(seli_uniform(seli_seed(0), 1.0f, 0.0f, SELI_SHAPE(2)), "seli_uniform");
    EXPECT_ERROR(seli_uniform(seli_seed(0), 0.0f, INFINITY, SELI_SHAPE(2)), "finite");
    EXPECT_ERROR(seli_permutation(seli_seed(0), -1), "seli_permutation");
    EXPECT_ERROR(seli_split(seli_seed(0), -2, NULL), "seli_split");
    EXPECT_ERROR(seli_split(seli_seed(0), 2, NULL), "NULL");
    EXPECT_ERROR(seli_next(NULL), "seli_next");
    EXPECT_ERROR(seli_normal(seli_seed(0), SELI_SHAPE(-1)), "seli_normal");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_philox_matches_random123_known_answer_vectors),
        cmocka_unit_test_setup_teardown(test_uniform_of_seed_zero_is_the_zero_vector_scaled, setup,
                                        teardown),
        cmocka_unit_test(test_seed_keeps_all_64_bits),
        cmocka_unit_test(test_split_gives_distinct_keys_and_is_prefix_stable),
        cmocka_unit_test(test_fold_in_gives_distinct_keys_unlike_split),
        cmocka_unit_test(test_next_returns_the_second_child_and_keeps_the_first),
        cmocka_unit_test_setup_teardown(test_same_key_gives_bit_identical_tensors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_different_keys_give_different_samples, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_samples_depend_only_on_key_and_flat_index, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_normal_golden_values_of_seed_42, setup, teardown),
        cmocka_unit_test_setup_teardown(test_golden_checksums_of_every_sampler_and_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_normal_matches_libm_box_muller, setup, teardown),
        cmocka_unit_test_setup_teardown(test_normal_has_standard_moments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uniform_stays_in_range_with_uniform_moments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rademacher_is_plus_or_minus_one_balanced, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_randint_stays_in_range_and_is_roughly_uniform, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_permutation_is_a_permutation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permutation_positions_are_uniform, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misuse_reports_the_operation, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
