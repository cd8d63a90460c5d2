/* The version: seli_version() reports the SELI_VERSION of the headers, and it
 * is a MAJOR.MINOR.PATCH triple that the Makefile can name the shared library
 * after. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "seli.h"

/* 1 if s is "X.Y.Z" with X, Y, Z decimal numbers without leading zeros. */
static int is_dotted_triple(const char *s)
{
    for (int part = 0; part < 3; part++) {
        if (part > 0 && *s++ != '.')
            return 0;
        const char *start = s;
        while (*s >= '0' && *s <= '9')
            s++;
        if (s == start || (s - start > 1 && *start == '0'))
            return 0;
    }
    return *s == '\0';
}

static void test_the_triple_check_rejects_what_is_not_a_triple(void **state)
{
    (void)state;
    assert_true(is_dotted_triple("0.1.0"));
    assert_true(is_dotted_triple("12.0.345"));
    assert_false(is_dotted_triple("0.1"));
    assert_false(is_dotted_triple("0.1.0.2"));
    assert_false(is_dotted_triple("0.1.0-rc1"));
    assert_false(is_dotted_triple("v0.1.0"));
    assert_false(is_dotted_triple("0..1"));
    assert_false(is_dotted_triple("01.1.0"));
    assert_false(is_dotted_triple(""));
}

static void test_seli_version_is_the_version_of_the_headers(void **state)
{
    (void)state;
    const char *v = seli_version();
    assert_non_null(v);
    assert_string_equal(v, SELI_VERSION);
    assert_ptr_equal(seli_version(), v); /* static: the same string every time */
}

static void test_the_version_is_a_dotted_triple(void **state)
{
    (void)state;
    if (!is_dotted_triple(SELI_VERSION))
        fail_msg("SELI_VERSION is \"%s\", not MAJOR.MINOR.PATCH", SELI_VERSION);
    if (!is_dotted_triple(seli_version()))
        fail_msg("seli_version() is \"%s\", not MAJOR.MINOR.PATCH", seli_version());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_triple_check_rejects_what_is_not_a_triple),
        cmocka_unit_test(test_seli_version_is_the_version_of_the_headers),
        cmocka_unit_test(test_the_version_is_a_dotted_triple),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
