/* display.c: the display sink (see seli/display.h).
 *
 * The default sink serves plain programs: text goes to stdout and an SVG
 * figure goes to a numbered file whose path is printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/interrupt.h"

static char figure_prefix[256] = "seli-figure";
static int figure_count;

static const char *find(int n, const char *const *mimes, const char *const *data, const char *mime)
{
    for (int i = 0; i < n; i++)
        if (mimes[i] && strcmp(mimes[i], mime) == 0)
            return data[i];
    return NULL;
}

static void default_display(void *user_data, int n, const char *const *mimes,
                            const char *const *data, const char *display_id, int update)
{
    (void)user_data;
    (void)display_id;
    (void)update;
    const char *svg = find(n, mimes, data, "image/svg+xml");
    if (svg) {
        char path[300];
        snprintf(path, sizeof path, "%s-%d.svg", figure_prefix, ++figure_count);
        FILE *f = fopen(path, "w");
        if (!f || fputs(svg, f) < 0) {
            if (f)
                fclose(f);
            fprintf(stderr, "seli: could not write the figure to %s\n", path);
            return;
        }
        fclose(f);
        printf("figure written to %s\n", path);
        return;
    }
    const char *text = find(n, mimes, data, "text/plain");
    if (!text)
        text = n > 0 ? data[0] : NULL;
    if (text)
        printf("%s\n", text);
}

static void default_clear_output(void *user_data, int wait)
{
    (void)user_data;
    (void)wait;
}

static const seli_sink default_sink = {default_display, default_clear_output, NULL};
static seli_sink current = {default_display, default_clear_output, NULL};

seli_sink seli_set_sink(const seli_sink *sink)
{
    seli_sink old = current;
    current = sink ? *sink : default_sink;
    if (!current.display)
        current.display = default_display;
    if (!current.clear_output)
        current.clear_output = default_clear_output;
    return old;
}

int seli_sink_is_default(void) { return current.display == default_display; }

void seli__display_bundle(int n, const char *const *mimes, const char *const *data,
                          const char *display_id, int update)
{
    if (n <= 0 || !mimes || !data)
        seli_error("seli_display_bundle: pass n > 0 MIME types and as many data strings");
    for (int i = 0; i < n; i++)
        if (!mimes[i] || !data[i])
            seli_error("seli_display_bundle: MIME type or data %d is NULL", i);
    if (update && !display_id)
        seli_error("seli_display_bundle: an update needs the display_id of the display to replace");
    current.display(current.user_data, n, mimes, data, display_id, update);
}

void seli_display_bundle(int n, const char *const *mimes, const char *const *data,
                         const char *display_id, int update)
{
    /* A cell that shows things in a loop stops here when interrupted. */
    seli__poll_interrupt("seli_display_bundle");
    seli__display_bundle(n, mimes, data, display_id, update);
}

void seli_display(const char *mime_type, const char *data)
{
    if (!mime_type || !data)
        seli_error("seli_display: the MIME type and the data must not be NULL, e.g. "
                   "seli_display(\"text/html\", \"<b>hi</b>\")");
    seli_display_bundle(1, &mime_type, &data, NULL, 0);
}

void seli_clear_output(int wait)
{
    seli__poll_interrupt("seli_clear_output");
    current.clear_output(current.user_data, wait);
}

void seli_set_figure_prefix(const char *prefix)
{
    if (!prefix || !*prefix || strlen(prefix) >= sizeof figure_prefix - 1)
        seli_error("seli_set_figure_prefix: give a non-empty path prefix shorter than %zu bytes",
                   sizeof figure_prefix - 1);
    snprintf(figure_prefix, sizeof figure_prefix, "%s", prefix);
}

void seli__display_html_text(char *html, char *text)
{
    const char *mimes[2] = {"text/html", "text/plain"};
    const char *data[2] = {html, text};
    seli__display_bundle(2, mimes, data, NULL, 0);
    free(html);
    free(text);
}
