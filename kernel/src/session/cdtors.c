/* cdtors.c: __attribute__((constructor)) and __attribute__((destructor))
 * functions of cells (see session_internal.h).
 *
 * A program runs its constructors before main and its destructors after
 * main returns.  In a session the program is the session: a cell's
 * constructors run when its code is loaded, before its statements; its
 * destructors run when the session ends (the kernel shuts down or
 * restarts), the latest cell's first, as atexit handlers would. */
#include "session/session_internal.h"

#include "runtime/guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A constructor may take (argc, argv, envp), as under tcc -run. */
typedef void (*cdtor_fn)(int, char **, char **);

static void call(void (*fn)(void))
{
    static char name[] = "cell";
    static char *argv[] = {name, NULL};
    extern char **environ;
    cdtor_fn f;
    memcpy(&f, &fn, sizeof f);
    f(1, argv, environ);
}

void cdtors_load(void (**init)(void), void (**init_end)(void), void (**fini)(void),
                 void (**fini_end)(void))
{
    session *s = runtime_current();
    for (; fini && fini < fini_end && s; fini++) {
        s->dtors = xrealloc(s->dtors, (size_t)(s->ndtors + 1) * sizeof *s->dtors);
        s->dtors[s->ndtors++] = *fini;
    }
    for (; init && init < init_end; init++)
        call(*init);
}

static void run_one(void *arg)
{
    void (*fn)(void);
    memcpy(&fn, &arg, sizeof fn);
    call(fn);
}

void cdtors_finish(session *s)
{
    if (!s->ndtors)
        return;
    session *prev = runtime_enter(s);
    while (s->ndtors > 0) {
        int signo = 0;
        char message[512];
        void (*fn)(void) = s->dtors[--s->ndtors];
        if (guard_run(run_one, fn_to_ptr(fn), &signo, message, sizeof message) != GUARD_OK)
            fprintf(stderr, "seli-kernel: a destructor of a cell failed at the session's end\n");
    }
    fflush(stdout);
    fflush(stderr);
    runtime_enter(prev);
    free(s->dtors);
    s->dtors = NULL;
}
