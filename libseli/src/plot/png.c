/* png.c: RGBA images as base64 PNG data URIs (libpng), for heatmaps and
 * filled contours: a large grid becomes one <image>, never a million elements. */
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "plot/svg.h"

typedef struct {
    unsigned char *data;
    size_t len, cap;
} bytes;

static void write_bytes(png_structp png, png_bytep data, png_size_t n)
{
    bytes *b = png_get_io_ptr(png);
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 8192;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (!p)
            png_error(png, "out of memory");
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

static void flush_bytes(png_structp png) { (void)png; }

static void base64(seli__text *s, const unsigned char *p, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char quad[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        quad[0] = abc[(v >> 18) & 63];
        quad[1] = abc[(v >> 12) & 63];
        quad[2] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        quad[3] = i + 2 < n ? abc[v & 63] : '=';
        seli__text_putn(s, quad, 4);
    }
}

void seli__svg_png(seli__text *s, const unsigned char *rgba, int w, int h)
{
    bytes out = {NULL, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep *rows = malloc(sizeof(png_bytep) * (size_t)h);
    if (!png || !info || !rows) {
        png_destroy_write_struct(&png, info ? &info : NULL);
        free(rows);
        seli_error("seli figure: could not start the PNG encoder (out of memory?)");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        free(out.data);
        seli_error("seli figure: PNG encoding of a %dx%d image failed", w, h);
    }
    png_set_write_fn(png, &out, write_bytes, flush_bytes);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGBA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 9);
    for (int i = 0; i < h; i++)
        rows[i] = (png_bytep)(rgba + (size_t)i * (size_t)w * 4);
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    seli__text_put(s, "data:image/png;base64,");
    base64(s, out.data, out.len);
    free(out.data);
}
