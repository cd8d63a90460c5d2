/* style.h: how plots are stroked and marked (style.c): line dashes, the
 * stroke attributes of a plot, and the marker shapes that scatter plots,
 * line markers, annotations and legend handles share.  Not part of the
 * public API. */
#ifndef SELI_PLOT_STYLE_H
#define SELI_PLOT_STYLE_H

#include "core/text.h"
#include "plot/plot.h"

/* The attributes ` fill="none" stroke="#rrggbb" stroke-width="width"`, then
 * ` join` (the join/cap attributes; NULL: none), stroke-opacity when alpha < 1
 * and stroke-dasharray for a dash spec ("--", ":", "-.", or numbers) scaled
 * by the width. */
SELI_INTERNAL void seli__stroke_attrs(seli__text *s, seli__rgb color, double width, double alpha,
                                      const char *dash, const char *join);
/* Close a stroked, unfilled <path d="...: p's colour, width, the join/cap
 * attributes given, opacity and dashes, then "/>". */
SELI_INTERNAL void seli__stroke_end(seli__text *s, const seli__plot *p, const char *join);
/* The attributes of a filled band (fill_between and its legend handle):
 * ` fill="#rrggbb" fill-opacity="alpha" stroke=... stroke-width="0.8"`. */
SELI_INTERNAL void seli__band_attrs(seli__text *s, seli__rgb color, double alpha);
/* A marker of the given kind ("o", "s", "^", "x", "X", "+", ".", "D", "v")
 * of diameter d at (x, y), as path data into s. */
SELI_INTERNAL void seli__marker_path(seli__text *s, const char *marker, double x, double y,
                                     double d);
/* Close a marker <path d="...: filled with colour hex, or, for the stroked
 * markers x and +, outlined (stroke_width such as "1.5", or NULL for the
 * SVG default); opacity alpha when < 1; then "/>". */
SELI_INTERNAL void seli__marker_end(seli__text *s, const char *marker, const char *hex,
                                    const char *stroke_width, double alpha);

#endif
