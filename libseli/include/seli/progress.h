/* seli/progress.h: live progress bars for long loops.
 *
 *     seli_progress *bar = seli_progress_new(10000, "training");
 *     for (int i = 0; i < 10000; i++) {
 *         float loss = train_step();
 *         seli_progress_postfix(bar, "loss=%.3f", loss);
 *         seli_progress_step(bar);
 *     }
 *     seli_progress_close(bar);
 *
 * The bar shows the count of total, the rate, the ETA, the description and
 * the postfix.  In the notebook it is one display (text/html + text/plain)
 * replaced at most 10 times a second; in a plain program (the default sink)
 * it is a '\r' line on stderr.  A step costs a clock read: well under 1% of
 * a 20 us step. */
#ifndef SELI_PROGRESS_H
#define SELI_PROGRESS_H

typedef struct seli_progress seli_progress;

/* A progress bar for total steps (0: unknown total) described by desc (may be
 * NULL); shows it at once.  Close it with seli_progress_close. */
seli_progress *seli_progress_new(long total, const char *desc);
/* One step done; redraws when 0.1 s have passed since the last redraw. */
void seli_progress_step(seli_progress *bar);
/* n steps done (n >= 0). */
void seli_progress_advance(seli_progress *bar, long n);
/* The text after the counts, printf-style ("loss=%.3f"); it is formatted
 * only when the bar is about to redraw, so calling it every step is cheap. */
void seli_progress_postfix(seli_progress *bar, const char *format, ...)
#if defined(__GNUC__) && !defined(__TINYC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Show the final state (count, elapsed time, rate) and free the bar (NULL is ignored). */
void seli_progress_close(seli_progress *bar);

#endif
