/* history.h: the cells this kernel ran, for history_request.
 *
 * Entries live in memory; when a file is given, earlier sessions are read
 * from it and new entries are appended to it (one JSON array per line:
 * [session, line, input, output]). */
#ifndef SELI_KERNEL_HISTORY_H
#define SELI_KERNEL_HISTORY_H

#include <jansson.h>

typedef struct history history;

/* A history; path may be NULL (memory only).  A file that cannot be read or
 * written is ignored with a log line.  NULL only when out of memory. */
history *history_new(const char *path);
void history_free(history *h);
/* This process's session number (1 + the last session found in the file). */
int history_session(const history *h);
/* Record cell number line with its input and output (text/plain result or
 * NULL). */
void history_add(history *h, int line, const char *input, const char *output);

/* The replies' "history" arrays: items [session, line, input] or, with
 * output, [session, line, [input, output]].  New references. */
/* The last n entries (n <= 0: none). */
json_t *history_tail(const history *h, int n, int output);
/* Lines start <= line < stop of session (<= 0 counts back from this one:
 * 0 is this session, -1 the previous); stop <= 0 means to the end. */
json_t *history_range(const history *h, int session, int start, int stop, int output);
/* Entries whose input matches the glob pattern (fnmatch, as IPython's GLOB),
 * the last n of them (n <= 0: all); unique keeps the latest of equal inputs. */
json_t *history_search(const history *h, const char *pattern, int n, int unique, int output);

#endif
