/* svg.h: the SVG writer of the figure files (svg.c, png.c): text appended to
 * a seli__text (core/text.h).  It knows nothing of axes or plots; every file
 * of plot/ (and the progress bar's HTML) may use it.  Not part of the public
 * API. */
#ifndef SELI_PLOT_SVG_H
#define SELI_PLOT_SVG_H

#include <stddef.h>

#include "core/internal.h"
#include "core/text.h"

/* --- svg.c --- */

/* A coordinate: at most 2 decimals, no trailing zeros ("12.5", "-3", "0.07"). */
SELI_INTERNAL void seli__svg_num(seli__text *s, double v);
/* The same with at most 1 decimal (dense contour lines). */
SELI_INTERNAL void seli__svg_num1(seli__text *s, double v);
/* A path command and its point, e.g. "M12.5 3" (cmd "M") or " 4 5" (cmd " "). */
SELI_INTERNAL void seli__svg_xy(seli__text *s, const char *cmd, double x, double y);
/* The attribute ` name="alpha"` when alpha < 1 (opaque: nothing). */
SELI_INTERNAL void seli__svg_alpha(seli__text *s, const char *name, double alpha);
/* A <text> element at (x, y) (y is the middle of the first line when
 * valign is 'c', its baseline when 'b', its top when 't'); anchor is "start",
 * "middle" or "end"; rotate is -90 for a y label.  '\n' breaks lines; each
 * line is escaped, with x_1, x^2, x_{ij} and $...$ as sub/superscripts. */
SELI_INTERNAL void seli__svg_text(seli__text *s, double x, double y, double size,
                                  const char *anchor, char valign, double rotate, const char *text);
/* Estimated width in pt of the widest line of text at font size `size`. */
SELI_INTERNAL double seli__text_width(const char *text, double size);
/* Number of lines in text (1 + number of '\n'). */
SELI_INTERNAL int seli__text_lines(const char *text);

/* --- png.c --- */

/* Encode an RGBA image (w*h*4 bytes, rows top first) as PNG and append
 * "data:image/png;base64,..." to s. */
SELI_INTERNAL void seli__svg_png(seli__text *s, const unsigned char *rgba, int w, int h);

#endif
