/* seli/display.h: the display sink, libseli's only window to the outside.
 *
 * Figures, rich tensors and progress bars are handed to the current sink as
 * a bundle of MIME representations.  In a plain program the default sink
 * prints text/plain to stdout and writes image/svg+xml to a numbered file
 * (printing its path).  The Jupyter kernel installs a sink that sends
 * display_data / update_display_data / clear_output messages. */
#ifndef SELI_DISPLAY_H
#define SELI_DISPLAY_H

typedef struct seli_sink {
    /* Show n representations (mimes[i] -> data[i]).  display_id may be NULL;
     * update nonzero means "replace the display with this id". */
    void (*display)(void *user_data, int n, const char *const *mimes,
                    const char *const *data, const char *display_id, int update);
    /* Clear the output shown so far; wait nonzero clears when new output arrives. */
    void (*clear_output)(void *user_data, int wait);
    void *user_data;
} seli_sink;

/* Install sink as the current sink (NULL restores the default) and return
 * the previous one. */
seli_sink seli_set_sink(const seli_sink *sink);

/* Show one representation, e.g. seli_display("text/html", "<b>hi</b>"). */
void seli_display(const char *mime_type, const char *data);
/* Show several representations of one object at once; display_id may be
 * NULL; update nonzero replaces the earlier display with that id. */
void seli_display_bundle(int n, const char *const *mimes, const char *const *data,
                         const char *display_id, int update);
/* Clear the cell's output (wait nonzero: when the next output arrives), as
 * IPython's clear_output does; animations redraw with it. */
void seli_clear_output(int wait);

/* Nonzero while the default sink (plain program: stdout and files) is current. */
int seli_sink_is_default(void);

/* Where the default sink writes figures: "prefix-N.svg" (default "seli-figure"). */
void seli_set_figure_prefix(const char *prefix);

#endif
