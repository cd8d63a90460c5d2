/* annotate.c: a marker with a text beside it ("Start", "Optimum"). */
#include <string.h>

#include "plot/plot.h"
#include "plot/style.h"
#include "plot/svg.h"

static void annotate_draw(const seli__plot *p, const seli__frame *f, seli__text *s)
{
    double x = seli__px(f, p->x[0]), y = seli__py(f, p->y[0]);
    double d = p->size > 0 ? p->size : 7;
    char hex[8];
    seli__rgb_hex(p->color, hex);
    seli__text_put(s, "<g class=\"annotation\">\n<path d=\"");
    seli__marker_path(s, p->marker[0] ? p->marker : "o", x, y, d);
    seli__marker_end(s, p->marker, hex, "1.5", 1); /* an annotation is opaque */
    double gap = d / 2 + 2;
    if (strcmp(p->align, "right") == 0)
        seli__svg_text(s, x + gap, y, 10, "start", 'c', 0, p->text);
    else if (strcmp(p->align, "above") == 0)
        seli__svg_text(s, x, y - gap, 10, "middle", 'b', 0, p->text);
    else if (strcmp(p->align, "below") == 0)
        seli__svg_text(s, x, y + gap, 10, "middle", 't', 0, p->text);
    else
        seli__svg_text(s, x - gap, y, 10, "end", 'c', 0, p->text);
    seli__text_put(s, "</g>\n");
}

void seli_annotate(seli_axes *ax, double x, double y, const char *text, const seli_style *style)
{
    if (!text)
        seli_error("seli_annotate: text is NULL; pass e.g. \"Start\"");
    seli__plot *p = seli__axes_add(ax, SELI__ANNOTATE, annotate_draw, style, 0, "seli_annotate");
    p->n = 1;
    p->x = seli__xmalloc(SELI__FIGURE_OP, sizeof(double));
    p->y = seli__xmalloc(SELI__FIGURE_OP, sizeof(double));
    p->x[0] = x;
    p->y[0] = y;
    p->text = seli__xstrdup(SELI__FIGURE_OP, text);
}
