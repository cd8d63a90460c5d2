/* export.c: `seli-kernel export NOTEBOOK.ipynb [-o FILE.c]`.
 *
 * Writes the notebook as one C program that gcc builds against the
 * installed libseli and that prints what the notebook printed (see
 * export_internal.h for the steps).  The program is compiled by tcc first,
 * as the kernel compiles cells: a cell that does not compile is an error
 * that names the cell and its line, and then no file is written.  The file
 * is written under a temporary name and renamed, so it is whole or absent.
 * Cells are never run. */
#include "export/export_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: seli-kernel export NOTEBOOK.ipynb [-o FILE.c]\n"
               "Write the notebook as one C program (FILE.c; default: the notebook's name with "
               ".c, next to it; - for stdout).\n"
               "Build it with: gcc -O2 -Wall FILE.c $(pkg-config --cflags --libs seli)\n");
}

/* The file name without its directory and its extension (malloc'd). */
static char *stem_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    return xstrndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

/* The default output: path with .ipynb replaced by .c (malloc'd). */
static char *default_output(const char *path)
{
    size_t n = strlen(path);
    text_buf b = {0};
    if (n > 6 && !strcmp(path + n - 6, ".ipynb"))
        text_putn(&b, path, n - 6);
    else
        text_put(&b, path);
    text_put(&b, ".c");
    return text_take(&b);
}

/* Write text to path whole, or not at all.  0 or -1 (said on stderr). */
static int write_whole(const char *path, const char *text)
{
    if (!strcmp(path, "-"))
        return fputs(text, stdout) < 0 || fflush(stdout) != 0 ? -1 : 0;
    text_buf tmp = {0};
    text_printf(&tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp.data, "w");
    int ok = f && fputs(text, f) >= 0;
    ok = f && fclose(f) == 0 && ok;
    if (ok && rename(tmp.data, path) != 0)
        ok = 0;
    if (!ok) {
        fprintf(stderr, "seli-kernel export: cannot write %s: %s\n", path, strerror(errno));
        remove(tmp.data);
    }
    free(tmp.data);
    return ok ? 0 : -1;
}

/* The notebook's code cells, each with the markdown just before it. */
static void collect_notebook(program *p, const notebook *nb)
{
    text_buf md = {0};
    int number = 0;
    for (int i = 0; i < nb->ncells && !p->error; i++) {
        if (!nb->cells[i].code) {
            if (md.len)
                text_put(&md, "\n\n");
            text_put(&md, nb->cells[i].source);
            continue;
        }
        collect_cell(p, ++number, nb->cells[i].source, md.len ? md.data : NULL);
        free(md.data);
        memset(&md, 0, sizeof md);
    }
    free(md.data);
}

/* Parse argv: the notebook and the output.  -1 to go on, else an exit status. */
static int parse_args(int argc, char **argv, const char **in, const char **out)
{
    *in = *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            *out = argv[++i];
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' || *in) {
            fprintf(stderr, "seli-kernel export: unexpected argument %s\n", argv[i]);
            usage(stderr);
            return 2;
        } else {
            *in = argv[i];
        }
    }
    if (!*in) {
        usage(stderr);
        return 2;
    }
    return -1;
}

int export_main(int argc, char **argv)
{
    const char *in, *out_arg;
    int done = parse_args(argc, argv, &in, &out_arg);
    if (done >= 0)
        return done;
    notebook nb;
    char err[1024];
    if (notebook_read(in, &nb, err, sizeof err) != 0) {
        fprintf(stderr, "seli-kernel export: %s\n", err);
        return 1;
    }
    program p;
    memset(&p, 0, sizeof p);
    p.s = session_new(NULL);
    if (!p.s) {
        notebook_free(&nb);
        return 1;
    }
    char *out = out_arg ? xstrdup(out_arg) : default_output(in);
    char *stem = stem_of(strcmp(out, "-") ? out : in), *base = strrchr(in, '/');
    collect_notebook(&p, &nb);
    int status = 1;
    if (!p.error)
        check_program(&p, base ? base + 1 : in);
    if (p.error) {
        fprintf(stderr, "seli-kernel export: %s: %s (nothing was written)\n", in, p.error);
    } else {
        char *text = emit_program(&p, base ? base + 1 : in, stem, 0);
        status = write_whole(out, text) == 0 ? 0 : 1;
        free(text);
    }
    session_free(p.s);
    program_free(&p);
    free(out);
    free(stem);
    notebook_free(&nb);
    return status;
}
