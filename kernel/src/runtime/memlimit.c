/* memlimit.c: the kernel's limit on its own memory (see memlimit.h). */
#include "runtime/memlimit.h"
#include "util/log.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

long long memlimit_parse(const char *text)
{
    if (!text)
        return -1;
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    if (errno || end == text || !(v > 0))
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    double scale = 1;
    switch (toupper((unsigned char)*end)) {
    case 'T':
        scale *= 1024; /* fall through */
    case 'G':
        scale *= 1024; /* fall through */
    case 'M':
        scale *= 1024; /* fall through */
    case 'K':
        scale *= 1024;
        end++;
        break;
    default:
        break;
    }
    if (toupper((unsigned char)*end) == 'B' ||
        (*end == 'i' && toupper((unsigned char)end[1]) == 'B'))
        end += *end == 'i' ? 2 : 1;
    if (*end || v * scale > 9e18)
        return -1;
    return (long long)(v * scale);
}

/* The kernel's data size now (VmData of /proc/self/status), in bytes; 0 if unknown. */
static long long data_in_use(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    long long kb = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmData: %lld kB", &kb) == 1)
            break;
    fclose(f);
    return kb * 1024;
}

long long memlimit_apply(void)
{
    const char *name = "SELI_MEMORY_LIMIT";
    const char *text = getenv(name);
    if (!text || !*text) {
        name = "MEM_LIMIT";
        text = getenv(name);
    }
    if (!text || !*text)
        return 0;
    long long limit = memlimit_parse(text);
    if (limit < 0) {
        kernel_log("%s=%s is not a size (give bytes, or a number with K, M or G); no memory limit",
                   name, text);
        return -1;
    }
    long long total = limit + data_in_use();
    struct rlimit rl;
    if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
        (rlim_t)total > rl.rlim_max)
        total = (long long)rl.rlim_max;
    rl.rlim_cur = (rlim_t)total;
    if (setrlimit(RLIMIT_DATA, &rl) != 0) {
        kernel_log("%s: cannot set the memory limit: %s", name, strerror(errno));
        return -1;
    }
    return limit;
}
