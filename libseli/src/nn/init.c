/* init.c: initializers, how new parameters are filled.
 *
 * An initializer is a kind and two numbers (seli_init).  Sampling it with a
 * key gives a tensor in the current scope; the module code copies it into the
 * parameter's heap tensor.  Fans follow the x @ W convention: for a shape
 * [..., fan_in, fan_out] both fans are multiplied by the leading dimensions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/module_private.h"

seli_init seli_init_he(void) { return (seli_init){SELI_INIT_HE, 0, 0}; }
seli_init seli_init_glorot(void) { return (seli_init){SELI_INIT_GLOROT, 0, 0}; }
seli_init seli_init_normal(float std) { return (seli_init){SELI_INIT_NORMAL, std, 0}; }
seli_init seli_init_truncated_normal(float std)
{
    return (seli_init){SELI_INIT_TRUNCATED_NORMAL, std, 0};
}
seli_init seli_init_uniform(float low, float high)
{
    return (seli_init){SELI_INIT_UNIFORM, low, high};
}
seli_init seli_init_zeros(void) { return (seli_init){SELI_INIT_ZEROS, 0, 0}; }
seli_init seli_init_ones(void) { return (seli_init){SELI_INIT_ONES, 1, 0}; }
seli_init seli_init_constant(float value) { return (seli_init){SELI_INIT_CONSTANT, value, 0}; }
seli_init seli_init_orthogonal(void) { return (seli_init){SELI_INIT_ORTHOGONAL, 1, 0}; }
seli_init seli_init_lecun(void) { return (seli_init){SELI_INIT_LECUN, 0, 0}; }
seli_init seli_init_he_uniform(void) { return (seli_init){SELI_INIT_HE_UNIFORM, 0, 0}; }
seli_init seli_init_glorot_uniform(void) { return (seli_init){SELI_INIT_GLOROT_UNIFORM, 0, 0}; }
seli_init seli_init_lecun_uniform(void) { return (seli_init){SELI_INIT_LECUN_UNIFORM, 0, 0}; }

/* Uniform in [-limit, limit): the variance-scaled uniform initializers. */
static seli_tensor *symmetric(seli_key key, double limit, int ndim, const long *shape)
{
    return seli_uniform(key, (float)-limit, (float)limit, ndim, shape);
}

/* fan_in, fan_out of a shape (see the file comment). */
static void fans(int ndim, const long *shape, double *fan_in, double *fan_out)
{
    if (ndim == 0) {
        *fan_in = *fan_out = 1;
    } else if (ndim == 1) {
        *fan_in = *fan_out = (double)shape[0];
    } else {
        double lead = 1;
        for (int i = 0; i < ndim - 2; i++)
            lead *= (double)shape[i];
        *fan_in = lead * (double)shape[ndim - 2];
        *fan_out = lead * (double)shape[ndim - 1];
    }
}

void seli__init_check(const char *op, const char *what, seli_init init, int ndim, const long *shape)
{
    (void)shape;
    switch (init.kind) {
    case SELI_INIT_ZEROS:
    case SELI_INIT_ONES:
    case SELI_INIT_HE:
    case SELI_INIT_GLOROT:
    case SELI_INIT_LECUN:
    case SELI_INIT_HE_UNIFORM:
    case SELI_INIT_GLOROT_UNIFORM:
    case SELI_INIT_LECUN_UNIFORM:
        break;
    case SELI_INIT_CONSTANT:
        if (!isfinite(init.a))
            seli_error("%s: the constant initializer for '%s' has value %g; use a finite value", op,
                       what, (double)init.a);
        break;
    case SELI_INIT_NORMAL:
    case SELI_INIT_TRUNCATED_NORMAL:
        if (!(init.a >= 0) || !isfinite(init.a))
            seli_error("%s: the normal initializer for '%s' has std %g; use a finite std >= 0", op,
                       what, (double)init.a);
        break;
    case SELI_INIT_UNIFORM:
        if (!(init.a < init.b) || !isfinite(init.a) || !isfinite(init.b))
            seli_error("%s: the uniform initializer for '%s' has range [%g, %g); use finite "
                       "low < high",
                       op, what, (double)init.a, (double)init.b);
        break;
    case SELI_INIT_ORTHOGONAL:
        if (ndim < 1)
            seli_error("%s: the orthogonal initializer cannot fill '%s', a scalar; use it for "
                       "vectors and matrices",
                       op, what);
        if (!isfinite(init.a))
            seli_error("%s: the orthogonal initializer for '%s' has gain %g; use a finite gain", op,
                       what, (double)init.a);
        break;
    default:
        seli_error("%s: unknown initializer kind %d for '%s'; make initializers with "
                   "seli_init_he(), seli_init_normal(std), ...",
                   op, init.kind, what);
    }
}

/* Standard normal values with every element within [-2, 2]: elements outside
 * are redrawn from fresh keys until none is left. */
static seli_tensor *truncated_standard_normal(seli_key key, int ndim, const long *shape)
{
    seli_tensor *t = seli_normal(seli_fold_in(key, 0), ndim, shape);
    for (unsigned round = 1; round < 1000; round++) {
        int outside = 0;
        for (long i = 0; i < t->size; i++)
            outside |= fabsf(t->data[i]) > 2.0f;
        if (!outside)
            break;
        seli_tensor *fresh = seli_normal(seli_fold_in(key, round), ndim, shape);
        for (long i = 0; i < t->size; i++)
            if (fabsf(t->data[i]) > 2.0f)
                t->data[i] = fresh->data[i];
    }
    return t;
}

/* gain times a [rows, cols] matrix with orthonormal columns (rows >= cols) or
 * rows (rows < cols): modified Gram-Schmidt, in double, on the columns of a
 * [max, min] normal matrix, i.e. the Q of its QR decomposition with R's
 * diagonal positive (which makes Q uniformly distributed). */
static seli_tensor *orthogonal(seli_key key, float gain, int ndim, const long *shape)
{
    long cols = shape[ndim - 1], rows = 1;
    for (int i = 0; i < ndim - 1; i++)
        rows *= shape[i];
    long big = rows > cols ? rows : cols, small = rows > cols ? cols : rows;
    seli_tensor *g = seli_normal(key, SELI_SHAPE(big, small));
    double *q = malloc((size_t)(big * small) * sizeof *q); /* column-major: q[j*big + i] */
    if (!q)
        seli_error("seli_init_orthogonal: out of memory for a %ld x %ld matrix", big, small);
    for (long i = 0; i < big; i++)
        for (long j = 0; j < small; j++)
            q[j * big + i] = g->data[i * small + j];
    for (long j = 0; j < small; j++) {
        double *v = q + j * big;
        for (int pass = 0; pass < 2; pass++) /* twice is enough in floating point */
            for (long k = 0; k < j; k++) {
                const double *u = q + k * big;
                double dot = 0;
                for (long i = 0; i < big; i++)
                    dot += u[i] * v[i];
                for (long i = 0; i < big; i++)
                    v[i] -= dot * u[i];
            }
        double norm = 0;
        for (long i = 0; i < big; i++)
            norm += v[i] * v[i];
        norm = sqrt(norm);
        if (norm < 1e-12) { /* a degenerate draw (probability ~0): use a basis vector */
            memset(v, 0, (size_t)big * sizeof *v);
            v[j] = 1;
            norm = 1;
        }
        for (long i = 0; i < big; i++)
            v[i] /= norm;
    }
    seli_tensor *out = seli_zeros(ndim, shape);
    for (long r = 0; r < rows; r++)
        for (long c = 0; c < cols; c++)
            out->data[r * cols + c] =
                (float)(gain * (rows >= cols ? q[c * big + r] : q[r * big + c]));
    free(q);
    return out;
}

seli_tensor *seli_init_sample(seli_init init, seli_key key, int ndim, const long *shape)
{
    if (ndim < 0 || ndim > SELI_MAX_DIMS || (ndim > 0 && !shape))
        seli_error("seli_init_sample: %d dimensions%s; pass 0..%d dimensions", ndim,
                   ndim > 0 && !shape ? " and a NULL shape" : "", SELI_MAX_DIMS);
    seli__init_check("seli_init_sample", "the tensor", init, ndim, shape);
    double fan_in, fan_out;
    fans(ndim, shape, &fan_in, &fan_out);
    switch (init.kind) {
    case SELI_INIT_ZEROS:
        return seli_zeros(ndim, shape);
    case SELI_INIT_ONES:
        return seli_ones(ndim, shape);
    case SELI_INIT_CONSTANT:
        return seli_full(init.a, ndim, shape);
    case SELI_INIT_NORMAL:
        return seli_mul_scalar(seli_normal(key, ndim, shape), init.a);
    case SELI_INIT_TRUNCATED_NORMAL:
        return seli_mul_scalar(truncated_standard_normal(key, ndim, shape), init.a);
    case SELI_INIT_UNIFORM:
        return seli_uniform(key, init.a, init.b, ndim, shape);
    case SELI_INIT_HE:
        return seli_mul_scalar(seli_normal(key, ndim, shape), (float)sqrt(2.0 / fan_in));
    case SELI_INIT_GLOROT:
        return seli_mul_scalar(seli_normal(key, ndim, shape),
                               (float)sqrt(2.0 / (fan_in + fan_out)));
    case SELI_INIT_LECUN:
        return seli_mul_scalar(seli_normal(key, ndim, shape), (float)sqrt(1.0 / fan_in));
    case SELI_INIT_HE_UNIFORM:
        return symmetric(key, sqrt(6.0 / fan_in), ndim, shape);
    case SELI_INIT_GLOROT_UNIFORM:
        return symmetric(key, sqrt(6.0 / (fan_in + fan_out)), ndim, shape);
    case SELI_INIT_LECUN_UNIFORM:
        return symmetric(key, sqrt(3.0 / fan_in), ndim, shape);
    default:
        return orthogonal(key, init.a, ndim, shape);
    }
}

char *seli_init_str(seli_init init, char *buf, int n)
{
    if (!buf || n < 1)
        seli_error("seli_init_str: give a buffer of at least 1 byte");
    switch (init.kind) { /* one case per kind, as in the parser: each shows its format */
    case SELI_INIT_ZEROS:
        snprintf(buf, (size_t)n, "zeros");
        break;
    case SELI_INIT_ONES:
        snprintf(buf, (size_t)n, "ones");
        break;
    case SELI_INIT_CONSTANT:
        snprintf(buf, (size_t)n, "constant(%.9g)", (double)init.a);
        break;
    case SELI_INIT_NORMAL:
        snprintf(buf, (size_t)n, "normal(%.9g)", (double)init.a);
        break;
    case SELI_INIT_TRUNCATED_NORMAL:
        snprintf(buf, (size_t)n, "truncated_normal(%.9g)", (double)init.a);
        break;
    case SELI_INIT_UNIFORM:
        snprintf(buf, (size_t)n, "uniform(%.9g, %.9g)", (double)init.a, (double)init.b);
        break;
    case SELI_INIT_HE:
        snprintf(buf, (size_t)n, "he");
        break;
    case SELI_INIT_GLOROT:
        snprintf(buf, (size_t)n, "glorot");
        break;
    case SELI_INIT_LECUN:
        snprintf(buf, (size_t)n, "lecun");
        break;
    case SELI_INIT_HE_UNIFORM:
        snprintf(buf, (size_t)n, "he_uniform");
        break;
    case SELI_INIT_GLOROT_UNIFORM:
        snprintf(buf, (size_t)n, "glorot_uniform");
        break;
    case SELI_INIT_LECUN_UNIFORM:
        snprintf(buf, (size_t)n, "lecun_uniform");
        break;
    case SELI_INIT_ORTHOGONAL:
        if (init.a == 1)
            snprintf(buf, (size_t)n, "orthogonal");
        else
            snprintf(buf, (size_t)n, "orthogonal(%.9g)", (double)init.a);
        break;
    default:
        snprintf(buf, (size_t)n, "unknown(%d)", init.kind);
        break;
    }
    return buf;
}

seli_init seli_init_parse(const char *text)
{
    static const struct {
        const char *name;
        int kind, nargs;
    } table[] = {
        {"zeros", SELI_INIT_ZEROS, 0},
        {"ones", SELI_INIT_ONES, 0},
        {"he", SELI_INIT_HE, 0},
        {"glorot", SELI_INIT_GLOROT, 0},
        {"lecun", SELI_INIT_LECUN, 0},
        {"he_uniform", SELI_INIT_HE_UNIFORM, 0},
        {"glorot_uniform", SELI_INIT_GLOROT_UNIFORM, 0},
        {"lecun_uniform", SELI_INIT_LECUN_UNIFORM, 0},
        {"orthogonal", SELI_INIT_ORTHOGONAL, 0},
        {"orthogonal", SELI_INIT_ORTHOGONAL, 1},
        {"constant", SELI_INIT_CONSTANT, 1},
        {"normal", SELI_INIT_NORMAL, 1},
        {"truncated_normal", SELI_INIT_TRUNCATED_NORMAL, 1},
        {"uniform", SELI_INIT_UNIFORM, 2},
    };
    if (!text)
        seli_error("seli_init_parse: the text is NULL");
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
        size_t len = strlen(table[k].name);
        if (strncmp(text, table[k].name, len) != 0)
            continue;
        const char *rest = text + len;
        double a = 0, b = 0;
        int used = -1;
        seli_init init = {table[k].kind, 0, 0};
        if (table[k].nargs == 0 && rest[0] == 0) {
            init.a = table[k].kind == SELI_INIT_ORTHOGONAL || table[k].kind == SELI_INIT_ONES;
            return init;
        }
        if (table[k].nargs == 1 && sscanf(rest, "(%lf)%n", &a, &used) == 1 && used >= 0 &&
            rest[used] == 0) {
            init.a = (float)a;
            return init;
        }
        if (table[k].nargs == 2 && sscanf(rest, "(%lf, %lf)%n", &a, &b, &used) == 2 && used >= 0 &&
            rest[used] == 0) {
            init.a = (float)a;
            init.b = (float)b;
            return init;
        }
    }
    seli_error("seli_init_parse: \"%s\" is not an initializer; expected one of zeros, ones, "
               "he, glorot, lecun, he_uniform, glorot_uniform, lecun_uniform, orthogonal, "
               "constant(v), normal(std), truncated_normal(std), uniform(low, high)",
               text);
}
