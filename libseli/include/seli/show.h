/* seli/show.h: show any value, chosen by its type.
 *
 * seli_show(x) shows x as text/plain through the display sink: numbers as C
 * writes them (19, 0.1, true), strings quoted with C escapes ("a\n"),
 * pointers as addresses (0x7f..., NULL), tensors as seli_tensor_show does.
 * Values of other types (structs, unions) show as <value>.  In the kernel,
 * a cell's trailing expression is shown this way as the cell's result.
 *
 * To support a type, add one line "F(T, function)" to SELI_SHOW_TYPES, where
 * function takes a T (or a const T). */
#ifndef SELI_SHOW_H
#define SELI_SHOW_H

#include "seli/figure.h"
#include "seli/module.h"
#include "seli/tensor.h"

/* Show a value of a basic type as text/plain. */
void seli_show_bool(_Bool v);
void seli_show_char(char v);                 /* a char: 'A' (65) */
void seli_show_schar(signed char v);         /* a signed char: its number */
void seli_show_uchar(unsigned char v);       /* an unsigned char: its number */
void seli_show_short(short v);               /* a short */
void seli_show_ushort(unsigned short v);     /* an unsigned short */
void seli_show_int(int v);                   /* an int */
void seli_show_uint(unsigned int v);         /* an unsigned int */
void seli_show_long(long v);                 /* a long */
void seli_show_ulong(unsigned long v);       /* an unsigned long */
void seli_show_llong(long long v);           /* a long long */
void seli_show_ullong(unsigned long long v); /* an unsigned long long */
/* Floating point values show with the fewest digits that read back the
 * same value: 0.1, 19, 1e+30, nan, inf. */
void seli_show_float(float v);
void seli_show_double(double v);       /* a double */
void seli_show_ldouble(long double v); /* a long double */
/* A C string, quoted and escaped like a C literal ("NULL" for NULL). */
void seli_show_string(const char *s);
/* A pointer as an address: 0x55d0c3a4e2a0, or NULL. */
void seli_show_pointer(const void *p);
/* Any other value (a struct, a union): shows <value>.  Declared without a
 * prototype on purpose, so that it accepts an argument of any type. */
void seli_show_value();

/* libseli's types that seli_show knows: one line per type. */
#define SELI_SHOW_TYPES(F)                                                 \
    F(seli_tensor *, seli_tensor_show) F(const seli_tensor *, seli_tensor_show) \
    F(seli_module *, seli_module_show) F(const seli_module *, seli_module_show) \
    F(seli_figure *, seli_figure_show)

/* The basic types. */
#define SELI_SHOW_BASIC_(F)                                                          \
    F(_Bool, seli_show_bool) F(char, seli_show_char) F(signed char, seli_show_schar) \
    F(unsigned char, seli_show_uchar) F(short, seli_show_short)                      \
    F(unsigned short, seli_show_ushort) F(int, seli_show_int)                        \
    F(unsigned int, seli_show_uint) F(long, seli_show_long)                          \
    F(unsigned long, seli_show_ulong) F(long long, seli_show_llong)                  \
    F(unsigned long long, seli_show_ullong) F(float, seli_show_float)                \
    F(double, seli_show_double) F(long double, seli_show_ldouble)                    \
    F(char *, seli_show_string) F(const char *, seli_show_string)                    \
    F(void *, seli_show_pointer) F(const void *, seli_show_pointer)                  \
    F(int *, seli_show_pointer) F(const int *, seli_show_pointer)                    \
    F(long *, seli_show_pointer) F(const long *, seli_show_pointer)                  \
    F(unsigned char *, seli_show_pointer) F(const unsigned char *, seli_show_pointer)\
    F(float *, seli_show_pointer) F(const float *, seli_show_pointer)                \
    F(double *, seli_show_pointer) F(const double *, seli_show_pointer)              \
    F(char **, seli_show_pointer) F(void **, seli_show_pointer)

#define SELI_SHOW_FN_(T, f) T: f,
#define SELI_SHOW_ONE_(T, f) T: 1,

/* Show x (any expression of a non-void type) through the display sink. */
#define seli_show(x)                                                            \
    _Generic((x), SELI_SHOW_TYPES(SELI_SHOW_FN_) SELI_SHOW_BASIC_(SELI_SHOW_FN_) \
             default: seli_show_value)(x)

/* 1 if seli_show has a function for x's type, 0 if it would show <value>
 * (an integer constant expression; x is not evaluated). */
#define seli_show_known(x)                                                        \
    _Generic((x), SELI_SHOW_TYPES(SELI_SHOW_ONE_) SELI_SHOW_BASIC_(SELI_SHOW_ONE_) \
             default: 0)

#endif
