/* value.h: values written as C initialisers (value.c), for a cell's result
 * and for %whos.  Internal to the kernel. */
#ifndef SELI_KERNEL_VALUE_H
#define SELI_KERNEL_VALUE_H

#include "util/text.h"

#include <stddef.h>

/* The scalar kinds; the numbers are also written into cells (show.c). */
enum {
    VALUE_UNKNOWN,
    VALUE_BOOL,
    VALUE_CHAR,
    VALUE_SCHAR,
    VALUE_UCHAR,
    VALUE_SHORT,
    VALUE_USHORT,
    VALUE_INT,
    VALUE_UINT,
    VALUE_LONG,
    VALUE_ULONG,
    VALUE_LLONG,
    VALUE_ULLONG,
    VALUE_FLOAT,
    VALUE_DOUBLE,
    VALUE_LDOUBLE,
    VALUE_STRING,  /* char *: the string it points to */
    VALUE_POINTER, /* void *: an address */
    VALUE_KINDS
};

#define VALUE_MAX_ELEMENTS 100 /* more elements: each dimension is elided */
#define VALUE_EDGE 3           /* elements kept at each end of an elided dimension */
#define VALUE_MAX_DIMS 4

/* Write the element at p (of a struct type) into b (show.c's functions). */
typedef void (*value_elem_fn)(void *b, const void *p);

/* An array (ndim >= 1) or one value (ndim 0) in memory. */
typedef struct value_array {
    int kind;     /* of the elements (VALUE_UNKNOWN with elem: structs) */
    size_t esize; /* bytes of one element */
    const void *data;
    int ndim;
    size_t dims[VALUE_MAX_DIMS];
    value_elem_fn elem; /* writes one element, or NULL: by kind */
} value_array;

/* Append the scalar of the kind at p: 3, 0.1, true, 'a' (97), "text", 0x..., NULL. */
KERNEL_INTERNAL void value_scalar(text_buf *b, int kind, const void *p);
/* Append the array: { 3, 1, 2 }, { { 1, 2 }, { 3, 4 } }, char arrays as strings. */
KERNEL_INTERNAL void value_array_put(text_buf *b, const value_array *a);
/* The kind of a type's normalised text ("unsigned int", "double", "char *"),
 * or VALUE_UNKNOWN. */
KERNEL_INTERNAL int value_kind_of(const char *type);
/* Bytes of one value of the kind. */
KERNEL_INTERNAL size_t value_kind_size(int kind);

/* What cells call to show a result (show.c writes the calls; each is a
 * runtime symbol __seli_fmt_*).  b is a text_buf *. */
/* Append the array (or, ndim 0, the value) at data to b. */
KERNEL_INTERNAL void value_fmt_field(void *b, int kind, unsigned long esize, const void *data,
                                     int ndim, const unsigned long *dims, value_elem_fn elem);
/* Append s to b (between the fields a struct's formatter writes). */
KERNEL_INTERNAL void value_fmt_text(void *b, const char *s);
/* Show the array at data as the cell's result. */
KERNEL_INTERNAL void value_fmt_array(int kind, unsigned long esize, const void *data, int ndim,
                                     const unsigned long *dims, value_elem_fn elem);
/* Show the struct at p, written by its formatter fn, as the cell's result. */
KERNEL_INTERNAL void value_fmt_struct(value_elem_fn fn, const void *p);

#endif
