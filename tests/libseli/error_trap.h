/* error_trap.h: catch seli_error in tests.
 *
 *     EXPECT_SELI_ERROR(seli_matmul(a, b), "inner dimensions");
 *
 * runs the expression with a handler that longjmps back, and fails the test
 * unless an error whose message contains the text was raised. */
#ifndef SELI_TEST_ERROR_TRAP_H
#define SELI_TEST_ERROR_TRAP_H

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "seli.h"

static jmp_buf error_trap_jump;
static char error_trap_message[2048];

static void error_trap_handler(const char *message, void *user_data)
{
    (void)user_data;
    snprintf(error_trap_message, sizeof error_trap_message, "%s", message);
    longjmp(error_trap_jump, 1);
}

#define EXPECT_SELI_ERROR(expr, fragment)                                                    \
    do {                                                                                     \
        seli_error_handler old_handler_;                                                     \
        void *old_data_;                                                                     \
        int depth_ = seli_scope_depth();                                                     \
        volatile int raised_ = 0;                                                                   \
        error_trap_message[0] = 0;                                                           \
        seli_set_error_handler(error_trap_handler, NULL, &old_handler_, &old_data_);        \
        if (setjmp(error_trap_jump) == 0) {                                                  \
            (void)(expr);                                                                    \
        } else {                                                                             \
            raised_ = 1;                                                                     \
        }                                                                                    \
        seli_set_error_handler(old_handler_, old_data_, NULL, NULL);                         \
        seli_scope_unwind(depth_);                                                           \
        if (!raised_)                                                                        \
            fail_msg("expected a seli_error containing \"%s\" from %s", fragment, #expr);   \
        if (!strstr(error_trap_message, fragment))                                           \
            fail_msg("error message \"%s\" lacks \"%s\"", error_trap_message, fragment);     \
    } while (0)

#endif
