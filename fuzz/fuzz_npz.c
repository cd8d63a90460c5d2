/* fuzz_npz.c: libseli's .npz loader (seli_load) and its .npy parser.
 *
 * Input, two forms:
 *   - the bytes of a file (a zip starts "PK"), given to seli_load as is;
 *   - a structured form that starts with '{': the text of the seli.json
 *     entry up to a NUL, then entries, each a name up to a NUL, a 2-byte
 *     little-endian length and that many bytes.  The harness packs them into
 *     a valid stored zip (right CRCs), so the fuzzer reaches the JSON, type
 *     and shape checks instead of dying on a checksum.
 * The file goes to a memory file (memfd) that seli_load opens by its
 * /proc/self/fd path, exactly as it would open a file on disk.  A seli_error handler longjmps back here, as the kernel's
 * does, and the scope stack is unwound as the kernel unwinds it.
 *
 * Properties checked besides "no crash, no leak, no UB":
 *   - seli_load either returns a module or reports an error naming
 *     seli_load; it never half-succeeds;
 *   - a loaded module can be freed, and every parameter has a sane shape;
 *   - the raw bytes parsed as a .npy array give a consistent shape and size. */
#include <seli.h>

#include "io/npz.h"

#include <assert.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

static int memfd = -1;
static char memfd_path[64];
static jmp_buf unwind;
static char last[2048];

static void on_error(const char *message, void *user_data)
{
    (void)user_data;
    snprintf(last, sizeof last, "%s", message);
    longjmp(unwind, 1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    memfd = memfd_create("fuzz-npz", 0);
    if (memfd < 0)
        abort();
    snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
    seli_set_error_handler(on_error, NULL, NULL, NULL);
    /* A user module type, so files may name it. */
    seli_register("user.Flow", NULL);
    return 0;
}

static void check_npy(const uint8_t *data, size_t size)
{
    seli__npy a;
    char err[256];
    if (seli__npy_parse(data, size, &a, err, sizeof err) != 0) {
        assert(err[0]);
        return;
    }
    assert(a.ndim >= 0 && a.ndim <= SELI_MAX_DIMS);
    long n = 1;
    for (int i = 0; i < a.ndim; i++) {
        assert(a.shape[i] >= 0);
        n *= a.shape[i];
    }
    assert(n == a.size);
    /* Every kind the reader takes (floats, integers, booleans converted to
     * float32; unicode text) lies inside the buffer, itemsize bytes each. */
    assert(a.itemsize > 0);
    assert(a.data >= data && (size_t)(a.data - data) + (size_t)a.size * (size_t)a.itemsize <= size);
    if (a.kind == 'U') {
        free(seli__npy_text(&a));
    } else if (a.size <= 1 << 20) {
        float *dst = malloc((size_t)(a.size ? a.size : 1) * sizeof *dst);
        seli__npy_copy(&a, dst);
        free(dst);
    }
}

/* A growing byte buffer. */
typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
} bytes;

static void put(bytes *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void put16(bytes *b, unsigned v) { put(b, (unsigned char[]){v & 255, v >> 8 & 255}, 2); }

static void put32(bytes *b, unsigned long v)
{
    put(b, (unsigned char[]){v & 255, v >> 8 & 255, v >> 16 & 255, v >> 24 & 255}, 4);
}

typedef struct zentry {
    const char *name;
    size_t name_len;
    const unsigned char *data;
    size_t len;
} zentry;

/* A zip of stored (uncompressed) entries, as np.savez writes them. */
static void make_zip(const zentry *e, int n, bytes *out)
{
    unsigned long *offsets = malloc((size_t)(n ? n : 1) * sizeof *offsets);
    unsigned long *crcs = malloc((size_t)(n ? n : 1) * sizeof *crcs);
    for (int i = 0; i < n; i++) {
        offsets[i] = (unsigned long)out->n;
        crcs[i] = crc32(0L, e[i].data, (uInt)e[i].len);
        put32(out, 0x04034b50);
        put16(out, 20);
        put16(out, 0); /* flags */
        put16(out, 0); /* stored */
        put16(out, 0);
        put16(out, 0x21); /* 1980-01-01 */
        put32(out, crcs[i]);
        put32(out, (unsigned long)e[i].len);
        put32(out, (unsigned long)e[i].len);
        put16(out, (unsigned)e[i].name_len);
        put16(out, 0);
        put(out, e[i].name, e[i].name_len);
        put(out, e[i].data, e[i].len);
    }
    unsigned long cd = (unsigned long)out->n;
    for (int i = 0; i < n; i++) {
        put32(out, 0x02014b50);
        put16(out, 20);
        put16(out, 20);
        put16(out, 0);
        put16(out, 0);
        put16(out, 0);
        put16(out, 0x21);
        put32(out, crcs[i]);
        put32(out, (unsigned long)e[i].len);
        put32(out, (unsigned long)e[i].len);
        put16(out, (unsigned)e[i].name_len);
        put16(out, 0);
        put16(out, 0);
        put16(out, 0);
        put16(out, 0);
        put32(out, 0);
        put32(out, offsets[i]);
        put(out, e[i].name, e[i].name_len);
    }
    unsigned long cd_len = (unsigned long)out->n - cd;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, (unsigned)n);
    put16(out, (unsigned)n);
    put32(out, cd_len);
    put32(out, cd);
    put16(out, 0);
    free(offsets);
    free(crcs);
}

/* The structured form -> zip bytes in *out. */
static void structured(const uint8_t *data, size_t size, bytes *out)
{
    zentry e[64];
    int n = 0;
    const unsigned char *json_end = memchr(data, 0, size);
    size_t json_len = json_end ? (size_t)(json_end - data) : size;
    e[n++] = (zentry){"seli.json", 9, data, json_len};
    size_t i = json_end ? json_len + 1 : size;
    while (i < size && n < 64) {
        const unsigned char *name_end = memchr(data + i, 0, size - i);
        if (!name_end || (size_t)(name_end - data) + 3 > size)
            break;
        size_t name_len = (size_t)(name_end - (data + i));
        size_t at = (size_t)(name_end - data) + 1;
        size_t len = (size_t)data[at] | (size_t)data[at + 1] << 8;
        at += 2;
        if (len > size - at)
            len = size - at;
        e[n++] = (zentry){(const char *)data + i, name_len, data + at, len};
        i = at + len;
    }
    make_zip(e, n, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    check_npy(data, size);
    bytes zip = {0};
    if (size && data[0] == '{') {
        structured(data, size, &zip);
        data = zip.p;
        size = zip.n;
    }

    if (ftruncate(memfd, 0) != 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
        abort();
    int depth = seli_scope_depth();
    static seli_module *volatile m;
    m = NULL;
    last[0] = 0;
    if (setjmp(unwind) == 0) {
        m = seli_load(memfd_path);
        assert(m != NULL);
        assert(seli_module_type(m) != NULL);
    } else {
        assert(m == NULL);
        assert(strncmp(last, "seli_load", 9) == 0);
    }
    seli_scope_unwind(depth);
    if (m)
        seli_module_free(m);
    free(zip.p);
    return 0;
}
