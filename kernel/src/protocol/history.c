/* history.c: in-memory history with an optional append-only file. */
#include "protocol/history.h"

#include "util/log.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    int session, line;
    char *input, *output;
} entry;

struct history {
    entry *e;
    int n, cap;
    int session;
    FILE *file; /* append target, or NULL */
};

static int push(history *h, int session, int line, const char *input, const char *output)
{
    if (h->n == h->cap) {
        int cap = h->cap ? 2 * h->cap : 64;
        entry *e = realloc(h->e, (size_t)cap * sizeof *e);
        if (!e)
            return -1;
        h->e = e;
        h->cap = cap;
    }
    entry *x = &h->e[h->n];
    x->session = session;
    x->line = line;
    x->input = strdup(input);
    x->output = output ? strdup(output) : NULL;
    if (!x->input || (output && !x->output)) {
        free(x->input);
        free(x->output);
        return -1;
    }
    h->n++;
    return 0;
}

static void load(history *h, FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *v = json_loads(line, 0, NULL);
        json_t *s = json_array_get(v, 0), *l = json_array_get(v, 1), *in = json_array_get(v, 2),
               *out = json_array_get(v, 3);
        if (json_is_integer(s) && json_is_integer(l) && json_is_string(in)) {
            int session = (int)json_integer_value(s);
            push(h, session, (int)json_integer_value(l), json_string_value(in),
                 json_string_value(out));
            if (session >= h->session)
                h->session = session + 1;
        }
        json_decref(v);
    }
    free(line);
}

history *history_new(const char *path)
{
    history *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->session = 1;
    if (path && path[0]) {
        FILE *f = fopen(path, "a+");
        if (!f) {
            kernel_log("history: cannot open %s; keeping history in memory only", path);
        } else {
            rewind(f);
            load(h, f);
            h->file = f;
        }
    }
    return h;
}

void history_free(history *h)
{
    if (!h)
        return;
    for (int i = 0; i < h->n; i++) {
        free(h->e[i].input);
        free(h->e[i].output);
    }
    free(h->e);
    if (h->file)
        fclose(h->file);
    free(h);
}

int history_session(const history *h) { return h->session; }

void history_add(history *h, int line, const char *input, const char *output)
{
    if (push(h, h->session, line, input, output) < 0) {
        kernel_log("history: out of memory");
        return;
    }
    if (h->file) {
        json_t *v = json_pack("[i, i, s, s?]", h->session, line, input, output);
        char *s = v ? json_dumps(v, JSON_COMPACT) : NULL;
        if (s && fprintf(h->file, "%s\n", s) > 0)
            fflush(h->file);
        free(s);
        json_decref(v);
    }
}

static json_t *item(const entry *x, int output)
{
    if (output)
        return json_pack("[i, i, [s, s?]]", x->session, x->line, x->input, x->output);
    return json_pack("[i, i, s]", x->session, x->line, x->input);
}

json_t *history_tail(const history *h, int n, int output)
{
    json_t *a = json_array();
    int first = n <= 0 ? h->n : (n < h->n ? h->n - n : 0);
    for (int i = first; i < h->n; i++)
        json_array_append_new(a, item(&h->e[i], output));
    return a;
}

json_t *history_range(const history *h, int session, int start, int stop, int output)
{
    if (session <= 0)
        session += h->session;
    json_t *a = json_array();
    for (int i = 0; i < h->n; i++) {
        const entry *x = &h->e[i];
        if (x->session == session && x->line >= start && (stop <= 0 || x->line < stop))
            json_array_append_new(a, item(x, output));
    }
    return a;
}

json_t *history_search(const history *h, const char *pattern, int n, int unique, int output)
{
    json_t *a = json_array();
    int *hits = malloc((size_t)(h->n ? h->n : 1) * sizeof *hits);
    if (!hits)
        return a;
    int nh = 0;
    /* Newest first, so "unique" keeps the latest and "n" the most recent. */
    for (int i = h->n - 1; i >= 0; i--) {
        const entry *x = &h->e[i];
        if (fnmatch(pattern, x->input, 0) != 0)
            continue;
        int dup = 0;
        for (int j = 0; unique && j < nh && !dup; j++)
            dup = strcmp(h->e[hits[j]].input, x->input) == 0;
        if (dup)
            continue;
        hits[nh++] = i;
        if (n > 0 && nh == n)
            break;
    }
    for (int j = nh - 1; j >= 0; j--)
        json_array_append_new(a, item(&h->e[hits[j]], output));
    free(hits);
    return a;
}
