/* cache.c: the kernel's files on disk (see cache.h). */
#include "session/cache.h"

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

char *file_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = 0;
    return buf;
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
