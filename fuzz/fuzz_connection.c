/* fuzz_connection.c: the connection-file parser (connection.h).
 *
 * Input: the bytes of a connection file.  They are parsed as text
 * (connection_parse, up to the first NUL) and read back from a memory file
 * (connection_load), and both must agree.
 *
 * Properties checked besides "no crash, no leak, no UB":
 *   - a parsed file has transport tcp or ipc, a non-empty ip, five ports in
 *     1..65535, a key of key_len bytes, scheme hmac-sha256 when keyed;
 *   - a failure leaves no key allocated and says why;
 *   - connection_endpoint never writes past the buffer it is given, and
 *     fails exactly when the endpoint does not fit. */
#include "protocol/connection.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int memfd = -1;
static char memfd_path[64];

static void check_info(const connection_info *info)
{
    assert(!strcmp(info->transport, "tcp") || !strcmp(info->transport, "ipc"));
    assert(info->ip[0] && memchr(info->ip, 0, sizeof info->ip));
    for (int c = 0; c < CHANNEL_COUNT; c++) {
        assert(info->ports[c] >= 1 && info->ports[c] <= 65535);
        assert(channel_name((channel_id)c)[0] != '?');
        char full[512];
        assert(connection_endpoint(info, (channel_id)c, full, sizeof full) == 0);
        size_t need = strlen(full) + 1;
        /* Buffers one byte short, tiny, and half size, each exactly
         * allocated so ASan sees any write past its end. */
        size_t sizes[3] = {need - 1, 1, need / 2 + 1};
        for (int k = 0; k < 3; k++) {
            char *buf = malloc(sizes[k]);
            assert(connection_endpoint(info, (channel_id)c, buf, sizes[k]) == -1);
            assert(memchr(buf, 0, sizes[k]) != NULL); /* truncated, terminated */
            free(buf);
        }
        char *exact = malloc(need);
        assert(connection_endpoint(info, (channel_id)c, exact, need) == 0);
        assert(strcmp(exact, full) == 0);
        free(exact);
    }
    assert(info->key != NULL);
    assert(info->key[info->key_len] == 0);
    if (info->key_len)
        assert(!strcmp(info->signature_scheme, "hmac-sha256"));
    assert(memchr(info->kernel_name, 0, sizeof info->kernel_name));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    memfd = memfd_create("fuzz-connection", 0);
    if (memfd < 0)
        abort();
    snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;

    connection_info a, b;
    char err_a[256] = "", err_b[256] = "";
    int rc_a = connection_parse(text, &a, err_a, sizeof err_a);
    if (rc_a == 0)
        check_info(&a);
    else
        assert(err_a[0] && a.key == NULL);

    if (ftruncate(memfd, 0) != 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
        abort();
    int rc_b = connection_load(memfd_path, &b, err_b, sizeof err_b);
    assert(rc_b == rc_a);
    if (rc_b == 0) {
        assert(!strcmp(a.transport, b.transport) && !strcmp(a.ip, b.ip));
        assert(!memcmp(a.ports, b.ports, sizeof a.ports));
        assert(a.key_len == b.key_len && !memcmp(a.key, b.key, a.key_len));
        connection_clear(&b);
        assert(b.key == NULL);
    } else {
        assert(!strcmp(err_a, err_b));
    }
    if (rc_a == 0)
        connection_clear(&a);
    free(text);
    return 0;
}
