/* self_include.c: a program that includes its own source file (see
 * session_internal.h).
 *
 * "#include "prog.c"" inside prog.c expands the file a second time under
 * other macros.  Pasted into a cell, the program still includes prog.c
 * from the disk: that works while the file next to the notebook is the
 * cell's text, and fails deep inside the included copy when they differ or
 * when the copy cannot stand apart from the cell.  Such an error gets one
 * sentence that says so. */
#include "session/session_internal.h"

#include "util/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does the file at path include itself: does it name its own file (its
 * base name in quotes, or __FILE__)? */
static int includes_itself(const char *path)
{
    char *text = file_read(path);
    if (!text)
        return 0;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char quoted[300];
    snprintf(quoted, sizeof quoted, "\"%s\"", base);
    int yes = strstr(text, quoted) || strstr(text, "__FILE__");
    free(text);
    return yes;
}

/* The file named at p ("prog.c:12: ..."), when it is not the cell nor a
 * header between <>: written to name (size bytes).  1 if found. */
static int file_at(const char *p, char *name, size_t size)
{
    const char *colon = strchr(p, ':');
    if (!colon || colon == p || (size_t)(colon - p) >= size || colon[1] < '0' || colon[1] > '9')
        return 0;
    memcpy(name, p, (size_t)(colon - p));
    name[colon - p] = 0;
    return strcmp(name, "cell") && !strchr(name, '<') && !strchr(name, '\n');
}

/* The first file, in the diagnostics, that includes itself: a line that
 * starts with it ("prog.c:9: error: ...") or "In file included from" it. */
static int self_included_file(const exec_result *out, char *name, size_t size)
{
    static const char from[] = "In file included from ";
    for (int i = 0; i < out->ntraceback; i++)
        for (const char *p = out->traceback[i]; p; p = strchr(p, '\n')) {
            p += *p == '\n';
            const char *f = !strncmp(p, from, sizeof from - 1) ? p + sizeof from - 1 : p;
            if (file_at(f, name, size) && includes_itself(name))
                return 1;
        }
    return 0;
}

void self_include_explain(exec_result *out)
{
    char name[256];
    if (out->status != EXEC_ERROR || !self_included_file(out, name, sizeof name))
        return;
    char sentence[700];
    snprintf(sentence, sizeof sentence,
             "the error is in %s, which this program includes as its own source file: the kernel "
             "compiles that file as it is on disk, not this cell, so the file next to the notebook "
             "must hold the cell's program (see the README's limitations on programs that "
             "include themselves)",
             name);
    free(out->evalue);
    out->evalue = xstrdup(sentence);
    out->traceback =
        xrealloc(out->traceback, (size_t)(out->ntraceback + 1) * sizeof *out->traceback);
    memmove(out->traceback + 1, out->traceback, (size_t)out->ntraceback * sizeof *out->traceback);
    out->traceback[0] = xstrdup(sentence);
    out->ntraceback++;
}
