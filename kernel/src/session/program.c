/* program.c: a cell that defines main() runs it, as a C program would.
 *
 * When a cell defines main, the session runs it once, right after the
 * cell's own statements, with argc and argv: argv[0] is "main", the other
 * arguments are those of the last `%args` (session_set_args).  A cell that
 * is only `main();` (or `main()`) runs the current definition the same way.
 * A non-zero return value is shown as a line, "main returned 3", not as an
 * error; exit() inside main ends the run as exit() in any cell does. */
#include "session/session_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

void session_set_args(session *s, int argc, const char *const *argv)
{
    strings_free(s->main_args, s->nmain_args);
    /* main's argv: "main", the arguments, NULL. */
    s->main_args = xrealloc(NULL, (size_t)(argc + 2) * sizeof *s->main_args);
    s->main_args[0] = xstrdup("main");
    for (int i = 0; i < argc; i++)
        s->main_args[i + 1] = xstrdup(argv[i]);
    s->main_args[argc + 1] = NULL;
    s->nmain_args = argc + 1;
}

/* Is the item a call of main and nothing else: "main();" or "main()"? */
static int calls_main_only(const cell_item *it)
{
    if (it->kind != ITEM_STATEMENT && it->kind != ITEM_EXPRESSION)
        return 0;
    char *n = cell_normalize(it->text);
    int yes = !strcmp(n, "main();") || !strcmp(n, "main()");
    free(n);
    return yes;
}

int program_wanted(session *s, const cell *c, int *only)
{
    *only = 0;
    for (int i = 0; i < c->nitems; i++)
        if (c->items[i].kind == ITEM_FUNCTION && !strcmp(c->items[i].names[0], "main"))
            return 1;
    const symbol *sym = session_symbol(s, "main");
    if (c->nitems == 1 && calls_main_only(&c->items[0]) && sym && sym->function && !sym->stub) {
        *only = 1;
        return 1;
    }
    return 0;
}

/* Does the prototype say that main returns nothing ("void main(void);")? */
static int returns_void(const char *decl)
{
    char *n = cell_normalize(decl);
    int yes = !strncmp(n, "void main", 9) || !strncmp(n, "static void main", 16);
    free(n);
    return yes;
}

void program_run(session *s)
{
    const symbol *sym = session_symbol(s, "main");
    if (!sym || !sym->function)
        return;
    if (!s->main_args)
        session_set_args(s, 0, NULL);
    /* main(void), main(int, char **) and main(int, char **, char **) all
     * take these arguments: the ones a function does not declare are
     * ignored (System V calling convention). */
    int (*fn)(int, char **, char **);
    memcpy(&fn, &sym->addr, sizeof fn);
    int status = fn(s->nmain_args, s->main_args, environ);
    fflush(stdout);
    if (status != 0 && !returns_void(sym->decl)) {
        printf("main returned %d\n", status);
        fflush(stdout);
    }
}
