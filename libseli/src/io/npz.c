/* npz.c: .npy arrays inside a zip archive, as numpy's np.savez writes them
 * (see npz.h).  The zip format itself is libzip's business. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "io/npz.h"

static const unsigned char NPY_MAGIC[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

#define MAX_ENTRY_BYTES ((size_t)1 << 36) /* 64 GiB: larger claims are corruption */

static int fail(char *err, size_t errlen, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(err, errlen, format, args);
    va_end(args);
    return -1;
}

/* ------------------------------------------------------------------ .npy */

void *seli__npy_encode_raw(const char *descr, int ndim, const long *shape, const void *data,
                           size_t nbytes, size_t *len)
{
    char dict[64 + 24 * SELI_MAX_DIMS];
    int n =
        snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int i = 0; i < ndim; i++)
        n += snprintf(dict + n, sizeof dict - (size_t)n, "%ld%s", shape[i],
                      ndim == 1 || i < ndim - 1 ? ", " : "");
    /* numpy writes (3,) for one dimension and (3, 4) for two: no trailing
     * comma and space after the last of several. */
    if (ndim == 1)
        n -= 1; /* "(3, " -> "(3," */
    n += snprintf(dict + n, sizeof dict - (size_t)n, "), }");

    /* magic(6) + version(2) + header length(2) + dict + padding spaces + '\n',
     * total a multiple of 64 */
    size_t head = 10 + (size_t)n + 1;
    size_t padded = (head + 63) / 64 * 64;
    size_t bytes = padded + nbytes;
    unsigned char *buf = malloc(bytes ? bytes : 1);
    if (!buf)
        return NULL;
    memcpy(buf, NPY_MAGIC, 6);
    buf[6] = 1;
    buf[7] = 0;
    unsigned hlen = (unsigned)(padded - 10);
    buf[8] = (unsigned char)(hlen & 0xff);
    buf[9] = (unsigned char)(hlen >> 8);
    memcpy(buf + 10, dict, (size_t)n);
    memset(buf + 10 + n, ' ', padded - head);
    buf[padded - 1] = '\n';
    if (nbytes > 0)
        memcpy(buf + padded, data, nbytes); /* x86-64 is little-endian */
    *len = bytes;
    return buf;
}

void *seli__npy_encode(int ndim, const long *shape, const float *data, size_t *len)
{
    long size = 1;
    for (int i = 0; i < ndim; i++)
        size *= shape[i];
    return seli__npy_encode_raw("<f4", ndim, shape, data, (size_t)size * sizeof(float), len);
}

/* A tiny reader for the Python literal dict of a .npy header. */
typedef struct {
    const char *p, *end;
} cursor;

static void skip_space(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int accept(cursor *c, char ch)
{
    skip_space(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* A quoted string ('...' or "...") into out (at most n-1 chars). */
static int read_string(cursor *c, char *out, size_t n)
{
    skip_space(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
        return 0;
    char quote = *c->p++;
    size_t k = 0;
    while (c->p < c->end && *c->p != quote) {
        if (k + 1 >= n)
            return 0;
        out[k++] = *c->p++;
    }
    if (c->p >= c->end)
        return 0;
    c->p++;
    out[k] = 0;
    return 1;
}

static int read_word(cursor *c, const char *word)
{
    skip_space(c);
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) >= n && memcmp(c->p, word, n) == 0) {
        c->p += n;
        return 1;
    }
    return 0;
}

/* A tuple of non-negative integers: (), (3,), (3, 4), (3, 4,). */
static int read_shape(cursor *c, int *ndim, long *shape, char *err, size_t errlen)
{
    if (!accept(c, '('))
        return fail(err, errlen, "the shape is not a tuple");
    *ndim = 0;
    for (;;) {
        if (accept(c, ')'))
            return 0;
        skip_space(c);
        if (c->p >= c->end || *c->p < '0' || *c->p > '9')
            return fail(err, errlen, "the shape holds something other than sizes");
        long v = 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            if (v > (LONG_MAX - 9) / 10)
                return fail(err, errlen, "a size in the shape is too large");
            v = v * 10 + (*c->p++ - '0');
        }
        if (c->p < c->end && *c->p == 'L') /* Python 2 longs */
            c->p++;
        if (*ndim == SELI_MAX_DIMS)
            return fail(err, errlen, "the shape has more than %d dimensions", SELI_MAX_DIMS);
        shape[(*ndim)++] = v;
        if (!accept(c, ',')) {
            if (accept(c, ')'))
                return 0;
            return fail(err, errlen, "the shape tuple is malformed");
        }
    }
}

/* The magic string and version: where the header dict starts and its length. */
static int parse_preamble(const unsigned char *b, size_t len, size_t *start, size_t *hlen,
                          char *err, size_t errlen)
{
    if (len < 10 || memcmp(b, NPY_MAGIC, 6) != 0)
        return fail(err, errlen, "not a .npy array (the magic string \\x93NUMPY is missing)");
    int major = b[6], minor = b[7];
    if (major == 1 && minor == 0) {
        *hlen = (size_t)b[8] | (size_t)b[9] << 8;
        *start = 10;
    } else if ((major == 2 || major == 3) && minor == 0) {
        if (len < 12)
            return fail(err, errlen, "the .npy header is truncated");
        *hlen = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
        *start = 12;
    } else {
        return fail(err, errlen, "unsupported .npy format version %d.%d (seli reads 1.0 to 3.0)",
                    major, minor);
    }
    if (*hlen > len - *start)
        return fail(err, errlen, "the .npy header is truncated");
    return 0;
}

/* One "key: value" of the header dict into out (descr into descr[32]);
 * *seen gets the key's bit (1 descr, 2 fortran_order, 4 shape). */
static int parse_item(cursor *c, seli__npy *out, char *descr, int *seen, char *err, size_t errlen)
{
    char key[32];
    if (!read_string(c, key, sizeof key) || !accept(c, ':'))
        return fail(err, errlen, "the .npy header dictionary is malformed");
    if (strcmp(key, "descr") == 0) {
        if (!read_string(c, descr, 32))
            return fail(err, errlen, "the .npy header's 'descr' is not a simple dtype string");
        *seen |= 1;
    } else if (strcmp(key, "fortran_order") == 0) {
        if (read_word(c, "True"))
            out->fortran_order = 1;
        else if (read_word(c, "False"))
            out->fortran_order = 0;
        else
            return fail(err, errlen, "the .npy header's 'fortran_order' is not True or False");
        *seen |= 2;
    } else if (strcmp(key, "shape") == 0) {
        if (read_shape(c, &out->ndim, out->shape, err, errlen))
            return -1;
        *seen |= 4;
    } else {
        return fail(err, errlen, "the .npy header has an unknown key '%s'", key);
    }
    return 0;
}

/* The dtype: little-endian (or byte-sized) floats, integers and booleans,
 * and unicode strings ('<U7'), the kinds numpy and jnp.savez write. */
static int parse_descr(const char *descr, seli__npy *out, char *err, size_t errlen)
{
    char *end;
    long size = (descr[0] == '<' || descr[0] == '|') && descr[1] ? strtol(descr + 2, &end, 10) : 0;
    char kind = descr[0] ? descr[1] : 0;
    int ok =
        size > 0 && *end == 0 &&
        ((kind == 'f' && (size == 2 || size == 4 || size == 8)) ||
         ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)) ||
         (kind == 'b' && size == 1) || (kind == 'U' && size < 1 << 24));
    if (!ok)
        return fail(err, errlen,
                    "the array has dtype '%s', which seli does not read (it reads little-endian "
                    "floats, integers and booleans); convert it in numpy with "
                    "a.astype(np.float32)",
                    descr);
    snprintf(out->descr, sizeof out->descr, "%s", descr);
    out->kind = kind;
    out->itemsize = (int)(kind == 'U' ? 4 * size : size);
    return 0;
}

/* The header dict {'descr': '<f4', 'fortran_order': False, 'shape': (3,)}. */
static int parse_dict(cursor *c, seli__npy *out, char *err, size_t errlen)
{
    char descr[32] = "";
    int seen = 0;
    out->ndim = 0;
    out->fortran_order = 0;
    if (!accept(c, '{'))
        return fail(err, errlen, "the .npy header is not a dictionary");
    for (;;) {
        if (accept(c, '}'))
            break;
        if (parse_item(c, out, descr, &seen, err, errlen))
            return -1;
        if (!accept(c, ',')) {
            if (accept(c, '}'))
                break;
            return fail(err, errlen, "the .npy header dictionary is malformed");
        }
    }
    if (seen != 7)
        return fail(err, errlen, "the .npy header lacks '%s'",
                    !(seen & 1)   ? "descr"
                    : !(seen & 2) ? "fortran_order"
                                  : "shape");
    return parse_descr(descr, out, err, errlen);
}

int seli__npy_parse(const void *buf, size_t len, seli__npy *out, char *err, size_t errlen)
{
    const unsigned char *b = buf;
    size_t start = 0, hlen = 0;
    if (parse_preamble(b, len, &start, &hlen, err, errlen))
        return -1;
    cursor c = {(const char *)b + start, (const char *)b + start + hlen};
    if (parse_dict(&c, out, err, errlen))
        return -1;
    long size = 1;
    for (int i = 0; i < out->ndim; i++) {
        if (out->shape[i] > 0 &&
            size > (long)(MAX_ENTRY_BYTES / (size_t)out->itemsize) / out->shape[i])
            return fail(err, errlen, "the shape is too large to be real");
        size *= out->shape[i];
    }
    size_t data_start = start + hlen, want = (size_t)size * (size_t)out->itemsize;
    if (len - data_start != want)
        return fail(err, errlen,
                    "the shape asks for %ld elements of '%s' (%zu bytes) but the entry holds "
                    "%zu bytes of data (truncated or corrupt)",
                    size, out->descr, want, len - data_start);
    out->size = size;
    out->data = b + data_start;
    return 0;
}

/* IEEE half to float. */
static float half_to_float(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    float v = e == 0    ? ldexpf((float)m, -24)
              : e == 31 ? (m ? NAN : INFINITY)
                        : ldexpf((float)(m | 0x400), e - 25);
    return h & 0x8000 ? -v : v;
}

/* Element k (in file order) of a numeric array, as a float. */
static float element(const seli__npy *a, long k)
{
    const unsigned char *p = a->data + (size_t)k * (size_t)a->itemsize;
    union {
        float f4;
        double f8;
        int8_t i1;
        int16_t i2;
        int32_t i4;
        int64_t i8;
        uint8_t u1;
        uint16_t u2;
        uint32_t u4;
        uint64_t u8;
    } v;
    memcpy(&v, p, (size_t)a->itemsize);
    switch (a->kind * 16 + a->itemsize) {
    case 'f' * 16 + 2:
        return half_to_float(v.u2);
    case 'f' * 16 + 4:
        return v.f4;
    case 'f' * 16 + 8:
        return (float)v.f8;
    case 'i' * 16 + 1:
        return v.i1;
    case 'i' * 16 + 2:
        return v.i2;
    case 'i' * 16 + 4:
        return (float)v.i4;
    case 'i' * 16 + 8:
        return (float)v.i8;
    case 'u' * 16 + 1:
        return v.u1;
    case 'u' * 16 + 2:
        return v.u2;
    case 'u' * 16 + 4:
        return (float)v.u4;
    case 'u' * 16 + 8:
        return (float)v.u8;
    default:
        return v.u1 != 0; /* 'b' */
    }
}

void seli__npy_copy(const seli__npy *a, float *dst)
{
    if (!a->fortran_order || a->ndim < 2) {
        if (a->kind == 'f' && a->itemsize == 4)
            memcpy(dst, a->data, (size_t)a->size * sizeof(float));
        else
            for (long k = 0; k < a->size; k++)
                dst[k] = element(a, k);
        return;
    }
    /* Fortran order: the first index varies fastest in the file. */
    long fstride[SELI_MAX_DIMS], idx[SELI_MAX_DIMS] = {0};
    long s = 1;
    for (int i = 0; i < a->ndim; i++) {
        fstride[i] = s;
        s *= a->shape[i];
    }
    for (long k = 0; k < a->size; k++) {
        long off = 0;
        for (int i = 0; i < a->ndim; i++)
            off += idx[i] * fstride[i];
        dst[k] = element(a, off);
        for (int i = a->ndim - 1; i >= 0; i--) {
            if (++idx[i] < a->shape[i])
                break;
            idx[i] = 0;
        }
    }
}

char *seli__npy_text(const seli__npy *a)
{
    if (a->kind != 'U' || a->size != 1)
        return NULL;
    long n = a->itemsize / 4;
    char *out = malloc((size_t)n * 4 + 1), *q = out;
    if (!out)
        return NULL;
    for (long i = 0; i < n; i++) {
        uint32_t c;
        memcpy(&c, a->data + 4 * i, 4);
        if (c == 0)
            break; /* numpy pads short strings with NULs */
        if (c < 0x80) {
            *q++ = (char)c;
        } else if (c < 0x800) {
            *q++ = (char)(0xc0 | c >> 6), *q++ = (char)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            *q++ = (char)(0xe0 | c >> 12), *q++ = (char)(0x80 | (c >> 6 & 0x3f));
            *q++ = (char)(0x80 | (c & 0x3f));
        } else {
            *q++ = (char)(0xf0 | c >> 18), *q++ = (char)(0x80 | (c >> 12 & 0x3f));
            *q++ = (char)(0x80 | (c >> 6 & 0x3f)), *q++ = (char)(0x80 | (c & 0x3f));
        }
    }
    *q = 0;
    return out;
}

/* ------------------------------------------------------------ reading zip */

/* What libzip's error code means for the user, or NULL for libzip's words. */
static const char *zip_code_reason(int code)
{
    static const struct {
        int code;
        const char *reason;
    } reasons[] = {
        {ZIP_ER_NOENT, "the file does not exist"},
        {ZIP_ER_NOZIP,
         "it is not a zip archive, so not an .npz file (truncated, or another format)"},
        {ZIP_ER_INCONS, "the zip archive is inconsistent (truncated or corrupt)"},
        {ZIP_ER_OPEN, "it cannot be opened (permissions?)"},
        {ZIP_ER_READ, "reading it failed"},
        {ZIP_ER_MEMORY, "out of memory"},
    };
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].code == code)
            return reasons[i].reason;
    return NULL;
}

/* Open the .npz at path for reading (checked for consistency); *size gets
 * its size in bytes.  NULL with a reason in err. */
static zip_t *open_npz(const char *path, off_t *size, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return fail(err, errlen, "cannot open '%s': %s", path, strerror(errno)), NULL;
    if (S_ISDIR(st.st_mode))
        return fail(err, errlen, "'%s' is a directory, not an .npz file", path), NULL;
    if (st.st_size == 0)
        return fail(err, errlen, "'%s' is empty (0 bytes), not an .npz file", path), NULL;
    *size = st.st_size;
    int code = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (za)
        return za;
    const char *reason = zip_code_reason(code);
    if (reason)
        return fail(err, errlen, "cannot read '%s': %s", path, reason), NULL;
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    fail(err, errlen, "cannot read '%s' as a zip archive: %s", path, zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return NULL;
}

/* Zero if entry zs's claimed size is plausible for a file of file_size
 * bytes: corrupt directories claim more than the file holds (stored), or
 * beyond deflate's largest ratio of about 1032:1. */
static int implausible_size(const zip_stat_t *zs, off_t file_size)
{
    int stored = (zs->valid & ZIP_STAT_COMP_METHOD) && zs->comp_method == ZIP_CM_STORE;
    int known = (zs->valid & ZIP_STAT_COMP_SIZE) != 0;
    return zs->size > MAX_ENTRY_BYTES || (known && zs->comp_size > (zip_uint64_t)file_size) ||
           (known && stored && zs->size != zs->comp_size) ||
           (known && zs->size / 1100 > zs->comp_size + 1);
}

/* Read all of the open entry zf into e->bytes (e->len of them), then one
 * byte more, so that libzip reaches the end and checks the CRC. */
static int read_entry_bytes(zip_file_t *zf, seli__npz_entry *e, const char *path, const char *name,
                            char *err, size_t errlen)
{
    size_t got = 0;
    while (got < e->len) {
        zip_int64_t r = zip_fread(zf, e->bytes + got, e->len - got);
        if (r <= 0)
            return fail(err, errlen, "cannot read '%s': entry '%s' is truncated or corrupt (%s)",
                        path, name, r < 0 ? zip_file_strerror(zf) : "ends early");
        got += (size_t)r;
    }
    unsigned char extra;
    zip_int64_t r = zip_fread(zf, &extra, 1);
    if (r != 0)
        return fail(err, errlen, "cannot read '%s': entry '%s' is corrupt (%s)", path, name,
                    r < 0 ? zip_file_strerror(zf) : "longer than its header says");
    return 0;
}

/* Entry i of the archive into out's next slot (out->count grows as soon as
 * the slot holds anything to free). */
static int read_entry(zip_t *za, zip_int64_t i, off_t file_size, seli__npz *out, const char *path,
                      char *err, size_t errlen)
{
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat_index(za, (zip_uint64_t)i, 0, &zs) != 0 || !(zs.valid & ZIP_STAT_NAME) ||
        !(zs.valid & ZIP_STAT_SIZE))
        return fail(err, errlen, "cannot read '%s': entry %lld is corrupt: %s", path, (long long)i,
                    zip_strerror(za));
    if (implausible_size(&zs, file_size))
        return fail(err, errlen, "cannot read '%s': entry '%s' claims %llu bytes (corrupt)", path,
                    zs.name, (unsigned long long)zs.size);
    seli__npz_entry *e = &out->entries[out->count];
    e->name = strdup(zs.name);
    e->bytes = malloc(zs.size ? (size_t)zs.size : 1);
    out->count++;
    if (!e->name || !e->bytes)
        return fail(err, errlen, "cannot read '%s': out of memory for entry '%s'", path, zs.name);
    e->len = (size_t)zs.size;
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
    if (!zf)
        return fail(err, errlen, "cannot read '%s': entry '%s' cannot be opened: %s", path, zs.name,
                    zip_strerror(za));
    if (read_entry_bytes(zf, e, path, zs.name, err, errlen)) {
        zip_fclose(zf);
        return -1;
    }
    if (zip_fclose(zf) != 0)
        return fail(err, errlen, "cannot read '%s': entry '%s' is corrupt (checksum)", path,
                    zs.name);
    return 0;
}

int seli__npz_read(const char *path, seli__npz *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    off_t file_size = 0;
    zip_t *za = open_npz(path, &file_size, err, errlen);
    if (!za)
        return -1;
    zip_int64_t count = zip_get_num_entries(za, 0);
    if (count < 0 || count > 1000000) {
        zip_discard(za);
        return fail(err, errlen, "cannot read '%s': the zip directory is corrupt", path);
    }
    out->entries = calloc((size_t)count + 1, sizeof *out->entries);
    if (!out->entries) {
        zip_discard(za);
        return fail(err, errlen, "cannot read '%s': out of memory", path);
    }
    int rc = 0;
    for (zip_int64_t i = 0; i < count && rc == 0; i++)
        rc = read_entry(za, i, file_size, out, path, err, errlen);
    zip_discard(za);
    if (rc)
        seli__npz_free(out);
    return rc;
}

const seli__npz_entry *seli__npz_find(const seli__npz *z, const char *name)
{
    for (int i = 0; i < z->count; i++)
        if (strcmp(z->entries[i].name, name) == 0)
            return &z->entries[i];
    return NULL;
}

void seli__npz_free(seli__npz *z)
{
    for (int i = 0; i < z->count; i++) {
        free(z->entries[i].name);
        free(z->entries[i].bytes);
    }
    free(z->entries);
    z->entries = NULL;
    z->count = 0;
}

/* ------------------------------------------------------------ writing zip */

/* The directory part of path ("." when there is none), malloc'd. */
static char *directory_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    char *dir = strdup(dirname(copy));
    free(copy);
    return dir;
}

static void fsync_directory(const char *path)
{
    char *dir = directory_of(path);
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd); /* some file systems refuse; the rename is done either way */
        close(fd);
    }
    free(dir);
}

/* Why mkstemp failed in path's directory, told from what the directory is:
 * "does not exist" only when stat says so; a directory that exists but
 * refuses new files (a read-only mount, /proc, /sys) gets strerror. */
static int creation_failure(const char *path, int error, char *err, size_t errlen)
{
    char *dir = directory_of(path);
    const char *d = dir ? dir : "(unknown)";
    struct stat st;
    int dir_exists = dir && stat(dir, &st) == 0;
    if (dir && !dir_exists && (errno == ENOENT || errno == ENOTDIR))
        fail(err, errlen, "cannot write '%s': the directory '%s' does not exist; create it first",
             path, d);
    else if (dir_exists && !S_ISDIR(st.st_mode))
        fail(err, errlen,
             "cannot write '%s': '%s' is not a directory; choose a path inside a "
             "directory",
             path, d);
    else if (error == EACCES || error == EPERM || error == EROFS)
        fail(err, errlen,
             "cannot write '%s': the directory '%s' is not writable (%s); save "
             "somewhere you can write, e.g. the notebook's directory",
             path, d, strerror(error));
    else if (dir_exists)
        fail(err, errlen,
             "cannot write '%s': cannot create files in '%s' (%s); save somewhere "
             "you can write, e.g. the notebook's directory",
             path, d, strerror(error));
    else
        fail(err, errlen, "cannot write '%s': creating a temporary file in '%s' failed (%s)", path,
             d, strerror(error));
    free(dir);
    return -1;
}

int seli__npz_write(const char *path, int count, const char *const *names, const void *const *bytes,
                    const size_t *lens, char *err, size_t errlen)
{
    if (count < 1)
        return fail(err, errlen, "cannot write '%s': nothing to write", path);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return fail(err, errlen, "cannot write '%s': it is a directory", path);

    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return fail(err, errlen, "cannot write '%s': out of memory", path);
    snprintf(tmp, n + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return creation_failure(path, e, err, errlen);
    }
    /* A normal file's permissions, not mkstemp's 0600. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    close(fd);

    int code = 0;
    zip_t *za = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        fail(err, errlen, "cannot write '%s': %s", path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        goto bad;
    }
    for (int i = 0; i < count; i++) {
        zip_source_t *src = zip_source_buffer(za, bytes[i], lens[i], 0);
        if (!src) {
            fail(err, errlen, "cannot write '%s': %s", path, zip_strerror(za));
            zip_discard(za);
            goto bad;
        }
        zip_int64_t idx = zip_file_add(za, names[i], src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
        if (idx < 0) {
            fail(err, errlen, "cannot write '%s': adding entry '%s' failed: %s", path, names[i],
                 zip_strerror(za));
            zip_source_free(src);
            zip_discard(za);
            goto bad;
        }
        zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    }
    if (zip_close(za) != 0) {
        fail(err, errlen, "cannot write '%s': %s", path, zip_strerror(za));
        zip_discard(za);
        goto bad;
    }
    fd = open(tmp, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        fail(err, errlen, "cannot write '%s': flushing the temporary file failed (%s)", path,
             strerror(errno));
        if (fd >= 0)
            close(fd);
        goto bad;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        fail(err, errlen, "cannot write '%s': renaming the temporary file failed (%s)", path,
             strerror(errno));
        goto bad;
    }
    fsync_directory(path);
    free(tmp);
    return 0;
bad:
    unlink(tmp);
    free(tmp);
    return -1;
}
