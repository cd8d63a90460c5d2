/* file.c: the kernel's files on disk (see file.h). */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_dir(const char *path)
{
    return mkdir(path, 0755) == 0 || access(path, W_OK | X_OK) == 0 ? 0 : -1;
}

int cache_dir(char *buf, size_t size, const char *sub)
{
    const char *base = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (base && *base) {
        n = snprintf(buf, size, "%s", base);
    } else if (home && *home) {
        n = snprintf(buf, size, "%s/.cache", home);
        if (n < 0 || (size_t)n >= size)
            return -1;
        mkdir(buf, 0755);
    } else {
        return -1;
    }
    if (n < 0 || (size_t)n >= size)
        return -1;
    size_t len = (size_t)n;
    n = snprintf(buf + len, size - len, "/seli");
    if (n < 0 || (size_t)n >= size - len || make_dir(buf) < 0)
        return -1;
    if (!sub)
        return 0;
    len += (size_t)n;
    n = snprintf(buf + len, size - len, "/%s", sub);
    if (n < 0 || (size_t)n >= size - len)
        return -1;
    return make_dir(buf);
}

/* Reads until end of file, so pipes and /proc files work as well as
 * regular files. */
char *file_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *t = realloc(text, cap);
            if (!t) {
                free(text);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            text = t;
        }
        size_t n = fread(text + len, 1, 4096, f);
        len += n;
        if (n < 4096)
            break;
    }
    int bad = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (bad) {
        free(text);
        errno = bad;
        return NULL;
    }
    text[len] = 0;
    return text;
}

int file_write_atomic(const char *path, const void *data, size_t n)
{
    char tmp[4352];
    int len = snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
    if (len < 0 || (size_t)len >= sizeof tmp)
        return -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    const char *p = data;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, p + done, n - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    int ok = done == n;
    ok &= close(fd) == 0;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}
