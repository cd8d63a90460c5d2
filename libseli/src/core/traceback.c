/* traceback.c: the default error handler's traceback (see traceback.h).
 *
 * The stack comes from glibc's backtrace(); each return address is turned
 * into a function, a file and a line by addr2line, one run per loaded
 * object (the program, libseli.so).  A frame is libseli's when its source
 * lies in libseli's source tree, which addr2line tells by placing
 * seli_error itself; without addr2line, when its name starts with seli_.
 * libseli's frames collapse to the outermost one, the function the program
 * called; the frames after main (the C library's start-up) are left out. */
#include "core/traceback.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_FRAMES 64

typedef struct frame {
    uintptr_t off;      /* the return address - 1, from its object's base */
    const char *object; /* the object's file, for addr2line */
    char fn[160];       /* the function the line is in (innermost inlined one) */
    char outer[160];    /* the function that holds the code (outermost) */
    char file[512];
    int line;
    int libseli;
} frame;

/* Where pc lies: its object's file and base.  0 on failure. */
static int locate(const void *pc, frame *f)
{
    Dl_info info;
    struct link_map *map = NULL;
    if (!dladdr1(pc, &info, (void **)&map, RTLD_DL_LINKMAP) || !map)
        return 0;
    static char exe[4096];
    if (!exe[0]) { /* the program's own file (addr2line's /proc/self/exe is addr2line) */
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = 0;
    }
    f->object = map->l_name && *map->l_name ? map->l_name : exe;
    f->off = (uintptr_t)pc - map->l_addr;
    if (info.dli_sname && (uintptr_t)info.dli_saddr <= (uintptr_t)pc) {
        snprintf(f->fn, sizeof f->fn, "%s", info.dli_sname);
        snprintf(f->outer, sizeof f->outer, "%s", info.dli_sname);
    }
    return 1;
}

/* Run addr2line -a -f -i on the n offsets of frames f[idx[k]] in one
 * object; fill their functions and lines.  0 if addr2line did not run. */
static int resolve(frame *f, const int *idx, int n)
{
    char *argv[8 + MAX_FRAMES + 1];
    char addrs[MAX_FRAMES + 1][24];
    int a = 0;
    argv[a++] = "addr2line";
    argv[a++] = "-a";
    argv[a++] = "-f";
    argv[a++] = "-i";
    argv[a++] = "-e";
    argv[a++] = (char *)f[idx[0]].object;
    for (int k = 0; k < n; k++) {
        snprintf(addrs[k], sizeof addrs[k], "0x%lx", (unsigned long)f[idx[k]].off);
        argv[a++] = addrs[k];
    }
    argv[a] = NULL;
    int fd[2];
    if (pipe(fd) < 0)
        return 0;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int ok = posix_spawnp(&pid, "addr2line", &fa, NULL, argv, environ) == 0;
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    FILE *in = ok ? fdopen(fd[0], "r") : NULL;
    if (!in) {
        close(fd[0]);
        if (ok)
            waitpid(pid, NULL, 0);
        return 0;
    }
    char line[1024];
    int k = -1, pair = 0;
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\n")] = 0;
        if (!strncmp(line, "0x", 2)) { /* the next address's chain */
            k++;
            pair = 0;
            continue;
        }
        if (k < 0 || k >= n)
            continue;
        frame *fr = &f[idx[k]];
        if (pair % 2 == 0) { /* a function: innermost first */
            if (strcmp(line, "??")) {
                if (pair == 0)
                    snprintf(fr->fn, sizeof fr->fn, "%.159s", line);
                snprintf(fr->outer, sizeof fr->outer, "%.159s", line);
            }
        } else if (pair == 1) { /* the innermost place: file:line */
            char *colon = strrchr(line, ':');
            if (colon && line[0] != '?') {
                *colon = 0;
                snprintf(fr->file, sizeof fr->file, "%.511s", line);
                fr->line = atoi(colon + 1);
            }
        }
        pair++;
    }
    fclose(in);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Resolve every frame, one addr2line per object. */
static void resolve_all(frame *f, int n)
{
    int done[MAX_FRAMES + 1] = {0};
    for (int i = 0; i < n; i++) {
        if (done[i])
            continue;
        int idx[MAX_FRAMES + 1] = {0}, m = 0;
        for (int j = i; j < n; j++)
            if (!done[j] && !strcmp(f[j].object, f[i].object)) {
                idx[m++] = j;
                done[j] = 1;
            }
        resolve(f, idx, m);
    }
}

/* Print line `line` of file, without its indentation. */
static void print_source(FILE *out, const char *file, int line)
{
    FILE *src = file[0] ? fopen(file, "r") : NULL;
    if (!src)
        return;
    char buf[1024];
    for (int i = 1; fgets(buf, sizeof buf, src); i++)
        if (i == line) {
            const char *p = buf + strspn(buf, " \t");
            fprintf(out, "%.*s", (int)strcspn(p, "\r\n"), p);
            break;
        }
    fclose(src);
}

/* "prog.c:12, in f:" (or "In [5], line 12, in f:" for a notebook's cell, as
 * an exported notebook's #line directives name it) into buf. */
static int frame_head(const frame *f, char *buf, size_t size)
{
    const char *fn = f->fn[0] ? f->fn : "??";
    if (!f->file[0])
        return snprintf(buf, size, "in %s:", fn);
    const char *base = strrchr(f->file, '/');
    base = base ? base + 1 : f->file;
    if (!strncmp(base, "In [", 4))
        return snprintf(buf, size, "%s, line %d, in %s:", base, f->line, fn);
    return snprintf(buf, size, "%s:%d, in %s:", base, f->line, fn);
}

static void print_frames(FILE *out, const frame *f, int first, int end)
{
    char head[800];
    int width = 0;
    for (int i = first; i < end; i++) {
        int w = frame_head(&f[i], head, sizeof head);
        width = !f[i].libseli && f[i].file[0] && w > width ? w : width;
    }
    for (int i = first; i < end; i++) {
        if (f[i].libseli) { /* libseli called the program back: its run is one line */
            if (i + 1 == end || !f[i + 1].libseli)
                fprintf(out, "  in %s\n", f[i].outer[0] ? f[i].outer : "libseli");
            continue;
        }
        if (!f[i].file[0]) { /* no line information: the function alone */
            fprintf(out, "  in %s\n", f[i].fn[0] ? f[i].fn : "??");
            continue;
        }
        int w = frame_head(&f[i], head, sizeof head);
        fprintf(out, "  %s%*s", head, width - w + 3, "");
        print_source(out, f[i].file, f[i].line);
        fputc('\n', out);
    }
}

void seli__print_traceback(FILE *out)
{
    static int busy;
    const char *off = getenv("SELI_TRACEBACK");
    if (busy || (off && !strcmp(off, "0")))
        return;
    busy = 1;
    void *pcs[MAX_FRAMES];
    static frame f[MAX_FRAMES + 1];
    int n = backtrace(pcs, MAX_FRAMES), m = 0;
    for (int i = 1; i < n; i++) { /* not this function */
        memset(&f[m], 0, sizeof f[m]);
        if (locate((const char *)pcs[i] - 1, &f[m]))
            m++;
    }
    /* seli_error itself, to learn where libseli's sources are. */
    frame *self = &f[m];
    memset(self, 0, sizeof *self);
    void *error_fn;
    void (*fp)(const char *, ...) = seli_error;
    memcpy(&error_fn, &fp, sizeof error_fn);
    int have_self = locate(error_fn, self);
    resolve_all(f, m + have_self);
    char root[512] = "";
    const char *core = have_self ? strstr(self->file, "core/error.c") : NULL;
    if (core)
        snprintf(root, sizeof root, "%.*s", (int)(core - self->file), self->file);
    int last_lib = -1, end = m;
    for (int i = 0; i < m; i++) {
        f[i].libseli =
            root[0] ? !strncmp(f[i].file, root, strlen(root)) : !strncmp(f[i].outer, "seli_", 5);
        if (f[i].libseli && last_lib == i - 1)
            last_lib = i;
        if (!strcmp(f[i].outer, "main") && end == m)
            end = i + 1;
    }
    if (last_lib >= 0 && f[last_lib].outer[0])
        fprintf(out, "  in %s\n", f[last_lib].outer);
    print_frames(out, f, last_lib + 1, end);
    busy = 0;
}
