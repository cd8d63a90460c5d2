/* magic_session.c: the magics that change the session itself: %reset -f
 * (a fresh session without restarting the process), %link NAME (a system
 * library that cells may call) and %args (main's arguments). */
#include "magic/magic_internal.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seli.h"

void magic_reset(session *s, const char *args, const char *body, int line, exec_result *out)
{
    strlist w = {0};
    magic_words(args, &w);
    int force = w.n == 1 && !strcmp(w.v[0], "-f");
    int bad = w.n && !force;
    strlist_free(&w);
    if (bad) {
        magic_error(out, "UsageError", "%%reset takes one option, -f: %%reset -f");
        return;
    }
    if (!force) {
        magic_error(out, "UsageError",
                    "%%reset forgets every variable, function, type and macro of the session; "
                    "to do it, confirm with the flag: %%reset -f");
        return;
    }
    /* The preamble and the names go; the compiled code stays in memory, since
     * libseli or a thread may still hold a pointer into it. */
    for (int i = 0; i < s->nentries; i++)
        entry_free(&s->entries[i]);
    free(s->entries);
    s->entries = NULL;
    s->nentries = 0;
    symbols_free(s);
    stale_free(s);
    session_set_args(s, 0, NULL);
    /* a fresh session computes as a fresh process does: IEEE arithmetic */
    seli_flush_subnormals(0);
    printf("The session is fresh: no variable, function, type or macro is left.\n");
    fflush(stdout);
}

void magic_link(session *s, const char *args, const char *body, int line, exec_result *out)
{
    strlist w = {0};
    magic_words(args, &w);
    if (w.n != 1) {
        strlist_free(&w);
        magic_error(out, "UsageError",
                    "%%link takes one library name: %%link gsl loads libgsl.so (or give a path)");
        return;
    }
    char file[1024];
    const char *name = w.v[0];
    if (strchr(name, '/') || strstr(name, ".so"))
        snprintf(file, sizeof file, "%s", name);
    else
        snprintf(file, sizeof file, "lib%s.so", name);
    /* RTLD_GLOBAL: cells find its symbols as they find libc's (jit.c). */
    void *h = dlopen(file, RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        const char *why = dlerror();
        magic_error(out, "LinkError",
                    "%%link %s: cannot load %s (%s); install the library's development package "
                    "(it provides %s), or give the library's path: %%link /path/to/%s",
                    name, file, why ? why : "not found", file, file);
    } else {
        /* Functions that cells declared before the library was there now
         * call it instead of their LinkError stub. */
        for (int i = 0; i < s->nsyms; i++) {
            symbol *sym = &s->syms[i];
            void *fn = sym->stub ? dlsym(RTLD_DEFAULT, sym->name) : NULL;
            if (fn) {
                jit_trampoline_set(sym->addr, fn);
                sym->stub = 0;
            }
        }
        printf("%s is loaded: include its header, then call its functions.\n", file);
        fflush(stdout);
    }
    strlist_free(&w);
}

void magic_args(session *s, const char *args, const char *body, int line, exec_result *out)
{
    strlist w = {0};
    magic_words(args, &w);
    session_set_args(s, w.n, (const char *const *)w.v);
    printf("main's arguments: argc = %d, argv = { \"main\"", w.n + 1);
    for (int i = 0; i < w.n; i++)
        printf(", \"%s\"", w.v[i]);
    printf(" }\n");
    fflush(stdout);
    strlist_free(&w);
}
