/* test_connection.c: parsing the connection file, and its clear errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol/connection.h"

static const char GOOD[] = "{\"shell_port\": 5001, \"iopub_port\": 5002, \"stdin_port\": 5003,"
                           " \"control_port\": 5004, \"hb_port\": 5005, \"ip\": \"127.0.0.1\","
                           " \"key\": \"secret-key\", \"transport\": \"tcp\","
                           " \"signature_scheme\": \"hmac-sha256\", \"kernel_name\": \"seli\"}";

static void test_jupyter_connection_file_parses(void **state)
{
    (void)state;
    connection_info c;
    char err[256] = "";
    assert_int_equal(connection_parse(GOOD, &c, err, sizeof err), 0);
    assert_string_equal(c.transport, "tcp");
    assert_string_equal(c.ip, "127.0.0.1");
    assert_int_equal(c.ports[CHANNEL_SHELL], 5001);
    assert_int_equal(c.ports[CHANNEL_IOPUB], 5002);
    assert_int_equal(c.ports[CHANNEL_STDIN], 5003);
    assert_int_equal(c.ports[CHANNEL_CONTROL], 5004);
    assert_int_equal(c.ports[CHANNEL_HB], 5005);
    assert_int_equal(c.key_len, 10);
    assert_memory_equal(c.key, "secret-key", 10);
    assert_string_equal(c.signature_scheme, "hmac-sha256");
    assert_string_equal(c.kernel_name, "seli");
    char ep[64];
    assert_int_equal(connection_endpoint(&c, CHANNEL_CONTROL, ep, sizeof ep), 0);
    assert_string_equal(ep, "tcp://127.0.0.1:5004");
    assert_int_equal(connection_endpoint(&c, CHANNEL_CONTROL, ep, 10), -1);
    connection_clear(&c);
    assert_null(c.key);
}

static void test_ipc_endpoints_join_path_and_port_with_a_dash(void **state)
{
    (void)state;
    const char *text = "{\"transport\": \"ipc\", \"ip\": \"/tmp/kernel-abc\", \"shell_port\": 1,"
                       " \"iopub_port\": 2, \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5,"
                       " \"key\": \"\"}";
    connection_info c;
    assert_int_equal(connection_parse(text, &c, NULL, 0), 0);
    char ep[64];
    connection_endpoint(&c, CHANNEL_HB, ep, sizeof ep);
    assert_string_equal(ep, "ipc:///tmp/kernel-abc-5");
    assert_int_equal(c.key_len, 0); /* empty key: unsigned */
    connection_clear(&c);
}

static void test_defaults_are_tcp_and_hmac_sha256(void **state)
{
    (void)state;
    const char *text = "{\"ip\": \"0.0.0.0\", \"shell_port\": 1, \"iopub_port\": 2,"
                       " \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5, \"key\": \"k\"}";
    connection_info c;
    assert_int_equal(connection_parse(text, &c, NULL, 0), 0);
    assert_string_equal(c.transport, "tcp");
    assert_string_equal(c.signature_scheme, "hmac-sha256");
    connection_clear(&c);
}

/* Parsing text fails with an error that mentions want. */
static void expect_error(const char *text, const char *want)
{
    connection_info c;
    char err[256] = "";
    assert_int_equal(connection_parse(text, &c, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("for %s\nexpected an error containing \"%s\", got \"%s\"", text, want, err);
    assert_null(c.key);
}

static void test_errors_name_the_bad_field(void **state)
{
    (void)state;
    expect_error("{\"shell_port\": 1", "invalid JSON");
    expect_error("", "invalid JSON");
    expect_error("[1, 2]", "JSON object");
    expect_error(
        "{\"ip\": \"127.0.0.1\", \"iopub_port\": 2, \"stdin_port\": 3, \"control_port\": 4,"
        " \"hb_port\": 5, \"key\": \"k\"}",
        "\"shell_port\" is missing");
    expect_error("{\"ip\": \"127.0.0.1\", \"shell_port\": \"5001\", \"iopub_port\": 2,"
                 " \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5}",
                 "\"shell_port\" must be an integer");
    expect_error("{\"ip\": \"127.0.0.1\", \"shell_port\": 1, \"iopub_port\": 70000,"
                 " \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5}",
                 "\"iopub_port\" must be an integer in 1..65535");
    expect_error("{\"ip\": \"127.0.0.1\", \"shell_port\": 1, \"iopub_port\": 2,"
                 " \"stdin_port\": 3, \"control_port\": -4, \"hb_port\": 5}",
                 "\"control_port\"");
    expect_error("{\"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3, \"control_port\": 4,"
                 " \"hb_port\": 5}",
                 "\"ip\" is missing");
    expect_error("{\"ip\": \"\", \"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3,"
                 " \"control_port\": 4, \"hb_port\": 5}",
                 "\"ip\" is empty");
    expect_error("{\"transport\": \"udp\", \"ip\": \"127.0.0.1\", \"shell_port\": 1,"
                 " \"iopub_port\": 2, \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5}",
                 "transport \"udp\" is not supported");
    expect_error("{\"ip\": \"127.0.0.1\", \"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3,"
                 " \"control_port\": 4, \"hb_port\": 5, \"key\": \"k\","
                 " \"signature_scheme\": \"hmac-md5\"}",
                 "signature_scheme \"hmac-md5\" is not supported");
    expect_error("{\"ip\": \"127.0.0.1\", \"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3,"
                 " \"control_port\": 4, \"hb_port\": 5, \"key\": 12}",
                 "\"key\" must be a string");
}

static void test_load_reads_a_file_and_reports_a_missing_one(void **state)
{
    (void)state;
    char path[] = "/tmp/seli-test-connection-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, GOOD, strlen(GOOD)), (ssize_t)strlen(GOOD));
    close(fd);
    connection_info c;
    char err[256] = "";
    assert_int_equal(connection_load(path, &c, err, sizeof err), 0);
    assert_int_equal(c.ports[CHANNEL_HB], 5005);
    connection_clear(&c);
    unlink(path);
    assert_int_equal(connection_load(path, &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open connection file"));
    assert_non_null(strstr(err, path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jupyter_connection_file_parses),
        cmocka_unit_test(test_ipc_endpoints_join_path_and_port_with_a_dash),
        cmocka_unit_test(test_defaults_are_tcp_and_hmac_sha256),
        cmocka_unit_test(test_errors_name_the_bad_field),
        cmocka_unit_test(test_load_reads_a_file_and_reports_a_missing_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
