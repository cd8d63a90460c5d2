/* Misuse messages name the function the student called and say what to do
 * (the same cases as tests/misuse, checked here without a kernel). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "error_trap.h"
#include "seli.h"

/* The message of the seli_error that expr raises (fails if none). */
#define ASSERT_MESSAGE_LACKS(expr, fragment)                                                       \
    do {                                                                                           \
        EXPECT_SELI_ERROR(expr, "");                                                               \
        if (strstr(error_trap_message, fragment))                                                  \
            fail_msg("error message \"%s\" should not say \"%s\"", error_trap_message, fragment);  \
    } while (0)

static void test_print_of_a_dead_tensor_names_seli_print(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *inner = seli_ones(SELI_SHAPE(4));
    seli_scope_end();
    EXPECT_SELI_ERROR(seli_print(inner), "seli_print: t was freed when its scope ended");
    EXPECT_SELI_ERROR(seli_print(NULL), "seli_print: t is NULL");
}

static void test_no_grad_end_without_begin_says_what_to_do(void **state)
{
    (void)state;
    EXPECT_SELI_ERROR(seli_no_grad_end(),
                      "seli_no_grad_end: no seli_no_grad_begin is open (every seli_no_grad_end "
                      "needs a seli_no_grad_begin before it)");
}

static void test_null_model_messages_say_create_a_module_first(void **state)
{
    (void)state;
    seli_module *opt = seli_opt_sgd(0.1);
    seli_tensor *x = seli_ones(SELI_SHAPE(4, 2)), *y = seli_ones(SELI_SHAPE(4, 1));
    EXPECT_SELI_ERROR(seli_minimize_v(opt, seli_loss_mse, NULL, y, x),
                      "seli_minimize: the model is NULL (create a module first, e.g. with "
                      "seli_module_new or a seli_net_* constructor)");
    seli_tensor *in[2] = {y, x};
    EXPECT_SELI_ERROR(seli_loss_mse(NULL, 2, in, NULL),
                      "seli_loss_mse: the model is NULL (create a module first");
    EXPECT_SELI_ERROR(seli_save(NULL, "model.npz"),
                      "seli_save: the module is NULL (create a module first, e.g. with "
                      "seli_module_new or a seli_net_* constructor)");
    seli_module_free(opt);
}

static void test_net_at_out_of_range_gives_the_valid_indices(void **state)
{
    (void)state;
    seli_module *net = seli_net_sequential(2, seli_net_affine(3), seli_net_tanh());
    assert_non_null(seli_net_at(net, -2));
    assert_non_null(seli_net_at(net, 1));
    EXPECT_SELI_ERROR(seli_net_at(net, 7), "seli_net_at: index 7 is out of range for a "
                                           "net.Sequential of 2 layers; use 0..1, or -2..-1 "
                                           "from the end");
    EXPECT_SELI_ERROR(seli_net_at(net, -3), "index -3 is out of range");
    seli_module_free(net);
}

static void test_save_tells_a_missing_directory_from_one_that_refuses_files(void **state)
{
    (void)state;
    seli_module *net = seli_set_rngs(seli_net_affine(2), 1);
    seli_call(net, seli_ones(SELI_SHAPE(1, 3)));
    char dir[] = "/tmp/seli-messages-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], file[256];
    snprintf(path, sizeof path, "%s/no_such_dir/model.npz", dir);
    EXPECT_SELI_ERROR(seli_save(net, path), "the directory '");
    assert_non_null(strstr(error_trap_message, "no_such_dir' does not exist; create it first"));
    /* A path through a regular file: its "directory" is not one. */
    snprintf(file, sizeof file, "%s/notes.txt", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(path, sizeof path, "%s/notes.txt/model.npz", dir);
    EXPECT_SELI_ERROR(seli_save(net, path), "notes.txt' is not a directory");
    /* /proc exists, but no file can be created in it (mkstemp: ENOENT). */
    EXPECT_SELI_ERROR(seli_save(net, "/proc/model.npz"), "cannot create files in '/proc' (");
    ASSERT_MESSAGE_LACKS(seli_save(net, "/proc/model.npz"), "does not exist");
    unlink(file);
    rmdir(dir);
    seli_module_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_print_of_a_dead_tensor_names_seli_print),
        cmocka_unit_test(test_no_grad_end_without_begin_says_what_to_do),
        cmocka_unit_test(test_null_model_messages_say_create_a_module_first),
        cmocka_unit_test(test_net_at_out_of_range_gives_the_valid_indices),
        cmocka_unit_test(test_save_tells_a_missing_directory_from_one_that_refuses_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
