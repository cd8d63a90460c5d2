/* progress.c: progress bars through the display sink.
 *
 * A step reads the coarse monotonic clock and returns unless 0.1 s have
 * passed since the last redraw; a redraw formats a text/plain line and an
 * HTML bar and replaces the display (update_display_data in the kernel), or
 * rewrites a '\r' line on stderr in a plain program. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/interrupt.h"
#include "core/alloc.h"
#include "core/text.h"

#define INTERVAL_NS 100000000LL /* at most 10 redraws a second */

struct seli_progress {
    long total, count;
    char desc[128];
    char postfix[160];
    char id[64];
    long long start_ns, last_ns; /* CLOCK_MONOTONIC */
    long long last_coarse_ns;    /* CLOCK_MONOTONIC_COARSE at the last redraw */
    int terminal;                /* '\r' lines on stderr instead of the sink */
    size_t last_len;             /* length of the last terminal line */
};

static long long now_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long coarse_ns(void)
{
#ifdef CLOCK_MONOTONIC_COARSE
    return now_ns(CLOCK_MONOTONIC_COARSE);
#else
    return now_ns(CLOCK_MONOTONIC);
#endif
}

static void fmt_time(char *out, size_t n, double s)
{
    if (!(s >= 0) || s > 1e7) {
        snprintf(out, n, "?");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, n, "%02ld:%02ld", t / 60, t % 60);
}

/* "4500/10000 [00:02<00:03, 2000.00it/s, loss=0.031]" (final: elapsed only). */
static void counts(const seli_progress *b, double elapsed, int final, char *out, size_t n)
{
    char el[32], eta[32], rate[32];
    double r = elapsed > 0 ? b->count / elapsed : 0;
    fmt_time(el, sizeof el, elapsed);
    if (r >= 1 || r == 0)
        snprintf(rate, sizeof rate, "%.2fit/s", r);
    else
        snprintf(rate, sizeof rate, "%.2fs/it", 1 / r);
    int k;
    if (b->total > 0 && !final) {
        fmt_time(eta, sizeof eta, r > 0 ? (b->total - b->count) / r : -1);
        k = snprintf(out, n, "%ld/%ld [%s<%s, %s", b->count, b->total, el, eta, rate);
    } else if (b->total > 0) {
        k = snprintf(out, n, "%ld/%ld [elapsed %s, %s", b->count, b->total, el, rate);
    } else {
        k = snprintf(out, n, "%ld [%s%s, %s", b->count, final ? "elapsed " : "", el, rate);
    }
    if (k < 0 || (size_t)k >= n)
        return;
    snprintf(out + k, n - (size_t)k, "%s%s]", b->postfix[0] ? ", " : "", b->postfix);
}

static double fraction(const seli_progress *b)
{
    if (b->total <= 0)
        return 0;
    double f = (double)b->count / (double)b->total;
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

static void draw(seli_progress *b, int final, int update)
{
    long long t = now_ns(CLOCK_MONOTONIC);
    double elapsed = (t - b->start_ns) * 1e-9;
    b->last_ns = t;
    b->last_coarse_ns = coarse_ns();
    char cnt[400], plain[700];
    counts(b, elapsed, final, cnt, sizeof cnt);
    double frac = fraction(b);
    int pct = (int)(frac * 100);
    /* text/plain: "desc:  45%|#########           | 4500/10000 [...]" */
    char bar[3 * 20 + 1];
    size_t bl = 0;
    int filled = (int)(frac * 20);
    for (int i = 0; i < 20; i++) {
        const char *cell = i < filled ? "\xe2\x96\x88" : " "; /* U+2588 full block */
        size_t cl = strlen(cell);
        memcpy(bar + bl, cell, cl);
        bl += cl;
    }
    bar[bl] = '\0';
    if (b->total > 0)
        snprintf(plain, sizeof plain, "%s%s%3d%%|%s| %s", b->desc, b->desc[0] ? ": " : "", pct, bar,
                 cnt);
    else
        snprintf(plain, sizeof plain, "%s%s%s", b->desc, b->desc[0] ? ": " : "", cnt);

    if (b->terminal) {
        size_t len = strlen(plain);
        fprintf(stderr, "\r%s", plain);
        for (size_t i = len; i < b->last_len; i++)
            fputc(' ', stderr);
        if (final)
            fputc('\n', stderr);
        fflush(stderr);
        b->last_len = len;
        return;
    }
    seli__text h = {NULL, 0, 0};
    seli__text_put(&h, "<div class=\"seli-progress\" style=\"display:flex;align-items:center;"
                       "gap:0.6em;font-family:monospace;font-size:12px;line-height:1.6\">");
    if (b->desc[0]) {
        seli__text_put(&h, "<span>");
        seli__text_put_escaped(&h, b->desc);
        seli__text_put(&h, "</span>");
    }
    if (b->total > 0) {
        const char *color = !final ? "#1f77b4" : b->count >= b->total ? "#2ca02c" : "#d62728";
        seli__text_printf(&h,
                          "<span>%3d%%</span><div style=\"width:20em;height:0.9em;"
                          "background:#e8e8e8;border-radius:2px;overflow:hidden\">"
                          "<div style=\"width:%.1f%%;height:100%%;background:%s\"></div></div>",
                          pct, frac * 100, color);
    }
    seli__text_put(&h, "<span>");
    seli__text_put_escaped(&h, cnt);
    seli__text_put(&h, "</span></div>");
    const char *mimes[2] = {"text/html", "text/plain"};
    const char *data[2] = {h.data, plain};
    seli__display_bundle(2, mimes, data, b->id, update);
    free(h.data);
}

seli_progress *seli_progress_new(long total, const char *desc)
{
    static unsigned long serial;
    if (total < 0)
        seli_error("seli_progress_new: total must be >= 0 (0: unknown), got %ld", total);
    seli_progress *b = seli__xmalloc("seli_progress_new", sizeof *b);
    memset(b, 0, sizeof *b);
    b->total = total;
    snprintf(b->desc, sizeof b->desc, "%s", desc ? desc : "");
    snprintf(b->id, sizeof b->id, "seli-progress-%ld-%lu-%lu", (long)getpid(),
             (unsigned long)seli__serial(), ++serial);
    b->terminal = seli_sink_is_default();
    b->start_ns = now_ns(CLOCK_MONOTONIC);
    draw(b, 0, 0); /* the display itself; later draws replace it */
    return b;
}

void seli_progress_advance(seli_progress *bar, long n)
{
    if (!bar)
        seli_error("seli_progress_advance: the bar is NULL; make one with seli_progress_new");
    if (n < 0)
        seli_error("seli_progress_advance: n must be >= 0 (got %ld)", n);
    bar->count += n;
    if (coarse_ns() - bar->last_coarse_ns >= INTERVAL_NS)
        draw(bar, 0, 1);
}

void seli_progress_step(seli_progress *bar)
{
    if (!bar)
        seli_error("seli_progress_step: the bar is NULL; make one with seli_progress_new");
    bar->count++;
    if (coarse_ns() - bar->last_coarse_ns >= INTERVAL_NS) {
        seli__poll_interrupt("seli_progress_step"); /* before the redraw allocates */
        draw(bar, 0, 1);
    }
}

void seli_progress_postfix(seli_progress *bar, const char *format, ...)
{
    if (!bar || !format)
        seli_error("seli_progress_postfix: the bar and the format must not be NULL");
    /* format only if the next step may redraw, or this is the last step */
    if (coarse_ns() - bar->last_coarse_ns < INTERVAL_NS - 5000000LL &&
        !(bar->total > 0 && bar->count + 1 >= bar->total))
        return;
    va_list ap;
    va_start(ap, format);
    vsnprintf(bar->postfix, sizeof bar->postfix, format, ap);
    va_end(ap);
}

void seli_progress_close(seli_progress *bar)
{
    if (!bar)
        return;
    draw(bar, 1, 1);
    free(bar);
}
