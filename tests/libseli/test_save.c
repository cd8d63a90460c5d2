/* test_save.c: seli_save / seli_load round trips (values, structure,
 * optimizer state), and every way a file or a save can go wrong. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "error_trap.h"
#include "io/npz.h"
#include "seli.h"

static char dir[64];

static const char *in_dir(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/seli-test-save-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.')
            unlink(in_dir(e->d_name));
    if (d)
        closedir(d);
    rmdir(dir);
    return 0;
}

/* Number of leftover temporary files in the test directory. */
static int temp_files(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strstr(e->d_name, ".tmp-") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void write_bytes(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    fclose(f);
}

static void assert_same_tensor(const seli_tensor *a, const seli_tensor *b)
{
    assert_true(seli_same_shape(a, b));
    assert_memory_equal(a->data, b->data, (size_t)a->size * sizeof(float));
}

static seli_module *trained_mlp(void)
{
    seli_module *m = seli_set_rngs(seli_net_mlp(3, (int[]){16, 16, 1}, seli_net_elu), 42);
    seli_scope_begin();
    seli_call(m, seli_reshape(seli_linspace(-1, 1, 8), 2, (long[]){8, 1}));
    seli_scope_end();
    return m;
}

static void test_model_round_trip_keeps_values_and_structure(void **state)
{
    (void)state;
    seli_module *m = trained_mlp();
    seli_save(m, in_dir("mlp.npz"));
    seli_module *back = seli_load(in_dir("mlp.npz"));
    assert_string_equal(seli_module_type(back), "net.Sequential");
    char *s1 = seli_module_str(m), *s2 = seli_module_str(back);
    assert_string_equal(s1, s2);
    free(s1);
    free(s2);

    seli_param_list a = seli_module_params(m), b = seli_module_params(back);
    assert_int_equal(a.n, 6);
    assert_int_equal(a.n, b.n);
    for (int i = 0; i < a.n; i++) {
        assert_string_equal(a.paths[i], b.paths[i]);
        assert_same_tensor(a.params[i], b.params[i]);
        assert_true(seli_on_tape(b.params[i]));
    }
    seli_param_list_free(&a);
    seli_param_list_free(&b);

    seli_scope_begin();
    seli_tensor *x = seli_reshape(seli_linspace(-2, 2, 5), 2, (long[]){5, 1});
    assert_same_tensor(seli_call(m, x), seli_call(back, x));
    seli_scope_end();
    assert_int_equal(temp_files(), 0);
    seli_module_free(m);
    seli_module_free(back);
}

/* test:Flow: a user module with every kind of attribute. */
static seli_tensor *flow_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    (void)n;
    return seli_call(seli_child(m, "net"), xs[0]);
}

static void test_user_module_attributes_survive_exactly(void **state)
{
    (void)state;
    seli_module *m = seli_module_new("test:Flow", flow_forward);
    seli_set_child(m, "net", seli_net_affine(3));
    seli_set_int(m, "steps", -1234567890123L);
    seli_set_float(m, "sigma", 0.1);
    seli_set_float(m, "nothing", NAN);
    seli_set_float(m, "big", -INFINITY);
    seli_set_str(m, "note", "quotes \" and \\ and \xc3\xa9");
    seli_tensor *buf = seli_buffer(m, "running.mean", SELI_SHAPE(2, 3));
    for (int i = 0; i < 6; i++)
        buf->data[i] = (float)i / 7;
    seli_set_rngs(m, 7);
    seli_save(m, in_dir("flow.npz"));
    seli_module *back = seli_load(in_dir("flow.npz"));

    assert_string_equal(seli_module_type(back), "test:Flow");
    assert_int_equal(seli_get_int(back, "steps"), -1234567890123L);
    assert_true(seli_get_float(back, "sigma") == 0.1);
    assert_true(isnan(seli_get_float(back, "nothing")));
    assert_true(seli_get_float(back, "big") == -INFINITY);
    assert_string_equal(seli_get_str(back, "note"), "quotes \" and \\ and \xc3\xa9");
    assert_int_equal(seli_has(back, "running.mean"), SELI_ATTR_BUFFER);
    assert_same_tensor(seli_get_buffer(back, "running.mean"), buf);
    assert_string_equal(seli_module_type(seli_child(back, "net")), "net.Affine");
    assert_int_equal(seli_get_int(seli_child(back, "net"), "dim"), 3);

    /* the keys came along: parameters created after loading equal the original's */
    seli_scope_begin();
    seli_tensor *x = seli_ones(SELI_SHAPE(1, 2));
    assert_same_tensor(seli_call(m, x), seli_call(back, x));
    seli_scope_end();
    assert_same_tensor(seli_get_param(seli_child(m, "net"), "weight"),
                       seli_get_param(seli_child(back, "net"), "weight"));
    seli_module_free(m);
    seli_module_free(back);
}

static void test_optimizer_state_round_trip_continues_training_identically(void **state)
{
    (void)state;
    seli_module *model = trained_mlp();
    seli_module *opt = seli_opt_adam(1e-2);
    seli_tensor *x = seli_reshape(seli_linspace(-1, 1, 8), 2, (long[]){8, 1});
    seli_tensor *y = seli_sin(x);
    for (int i = 0; i < 3; i++)
        seli_minimize_v(opt, seli_loss_mse, model, y, x);
    seli_save(model, in_dir("model.npz"));
    seli_save(opt, in_dir("adam.npz"));
    seli_module *model2 = seli_load(in_dir("model.npz"));
    seli_module *opt2 = seli_load(in_dir("adam.npz"));
    assert_string_equal(seli_module_type(opt2), "opt.Adam");
    assert_true(seli_is_optimizer(opt2));
    assert_int_equal(seli_get_int(opt2, "t"), 3);
    assert_true(seli_get_float(opt2, "beta2") == seli_get_float(opt, "beta2"));
    assert_same_tensor(seli_get_buffer(opt, "m.0.weight"), seli_get_buffer(opt2, "m.0.weight"));
    assert_same_tensor(seli_get_buffer(opt, "v.4.bias"), seli_get_buffer(opt2, "v.4.bias"));

    float l1 = seli_minimize_v(opt, seli_loss_mse, model, y, x);
    float l2 = seli_minimize_v(opt2, seli_loss_mse, model2, y, x);
    assert_true(l1 == l2);
    seli_param_list a = seli_module_params(model), b = seli_module_params(model2);
    for (int i = 0; i < a.n; i++)
        assert_same_tensor(a.params[i], b.params[i]);
    seli_param_list_free(&a);
    seli_param_list_free(&b);
    seli_module_free(model);
    seli_module_free(model2);
    seli_module_free(opt);
    seli_module_free(opt2);
}

/* A hand-made .npz: the JSON text and up to two arrays. */
static void write_npz(const char *path, const char *json, const char *entry, int ndim,
                      const long *shape)
{
    const char *names[2] = {"seli.json", entry};
    const void *bytes[2] = {json, NULL};
    size_t lens[2] = {json ? strlen(json) : 0, 0};
    int n = 1, first = 0;
    if (entry) {
        float data[64] = {0};
        bytes[1] = seli__npy_encode(ndim, shape, data, &lens[1]);
        n = 2;
    }
    if (!json)
        first = 1, n -= 1;
    char err[512];
    assert_int_equal(
        seli__npz_write(path, n, names + first, bytes + first, lens + first, err, sizeof err), 0);
    free((void *)bytes[1]);
}

static void test_unregistered_type_is_a_clear_error(void **state)
{
    (void)state;
    write_npz(in_dir("ghost.npz"),
              "{\"format\": \"seli.module\", \"version\": 1, \"module\": "
              "{\"type\": \"example:Ghost\", \"attrs\": []}}",
              NULL, 0, NULL);
    EXPECT_SELI_ERROR(seli_load(in_dir("ghost.npz")),
                      "register it with seli_register(\"example:Ghost\", forward) before loading");
}

static void test_array_shape_mismatch_is_a_clear_error(void **state)
{
    (void)state;
    write_npz(in_dir("shape.npz"),
              "{\"format\": \"seli.module\", \"version\": 1, \"module\": {\"type\": \"net.Bias\", "
              "\"attrs\": [{\"name\": \"bias\", \"kind\": \"param\", \"entry\": \"bias.npy\", "
              "\"shape\": [3]}]}}",
              "bias.npy", 2, (long[]){2, 2});
    EXPECT_SELI_ERROR(seli_load(in_dir("shape.npz")),
                      "at \"bias\": the array entry 'bias.npy' has shape [2, 2] but the module "
                      "tree says [3]");
}

static void test_missing_array_entry_and_bad_json_are_clear_errors(void **state)
{
    (void)state;
    write_npz(in_dir("noentry.npz"),
              "{\"format\": \"seli.module\", \"version\": 1, \"module\": {\"type\": \"net.Bias\", "
              "\"attrs\": [{\"name\": \"bias\", \"kind\": \"param\", \"entry\": \"bias.npy\", "
              "\"shape\": [3]}]}}",
              "other.npy", 1, (long[]){3});
    EXPECT_SELI_ERROR(seli_load(in_dir("noentry.npz")), "'bias.npy' is missing");
    write_npz(in_dir("badjson.npz"), "{\"format\": \"seli.module\", ", NULL, 0, NULL);
    EXPECT_SELI_ERROR(seli_load(in_dir("badjson.npz")), "not valid JSON");
    write_npz(in_dir("arrays.npz"), NULL, "a.npy", 1, (long[]){3});
    EXPECT_SELI_ERROR(seli_load(in_dir("arrays.npz")), "no 'seli.json' entry");
    write_npz(in_dir("future.npz"),
              "{\"format\": \"seli.module\", \"version\": 99, \"module\": {}}", NULL, 0, NULL);
    EXPECT_SELI_ERROR(seli_load(in_dir("future.npz")), "another version of seli");
}

static void expect_truncation_fails(const unsigned char *whole, size_t cut)
{
    write_bytes(in_dir("cut.npz"), whole, cut);
    EXPECT_SELI_ERROR(seli_load(in_dir("cut.npz")), "seli_load: cannot read");
}

static void test_broken_files_are_clear_errors_never_crashes(void **state)
{
    (void)state;
    EXPECT_SELI_ERROR(seli_load(in_dir("nothing-here.npz")), "No such file");
    write_bytes(in_dir("empty.npz"), "", 0);
    EXPECT_SELI_ERROR(seli_load(in_dir("empty.npz")), "is empty");
    char garbage[4096];
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (char)(i * 2654435761u >> 13);
    write_bytes(in_dir("garbage.npz"), garbage, sizeof garbage);
    EXPECT_SELI_ERROR(seli_load(in_dir("garbage.npz")), "not a zip archive");

    /* every truncation of a real file fails cleanly */
    seli_module *m = trained_mlp();
    seli_save(m, in_dir("whole.npz"));
    seli_module_free(m);
    FILE *f = fopen(in_dir("whole.npz"), "rb");
    assert_non_null(f);
    static unsigned char whole[1 << 16];
    size_t n = fread(whole, 1, sizeof whole, f);
    fclose(f);
    assert_true(n > 1000 && n < sizeof whole);
    for (size_t cut = 1; cut < n; cut += n / 37)
        expect_truncation_fails(whole, cut);
    /* a flipped byte inside an array is caught by the CRC */
    whole[n / 3] ^= 0x5a;
    write_bytes(in_dir("flipped.npz"), whole, n);
    EXPECT_SELI_ERROR(seli_load(in_dir("flipped.npz")), "seli_load:");
}

static void test_npy_header_validation(void **state)
{
    (void)state;
    size_t len;
    float data[6] = {1, 2, 3, 4, 5, 6};
    unsigned char *b = seli__npy_encode(2, (long[]){2, 3}, data, &len);
    assert_int_equal(len % 64, 24 % 64); /* 64-byte header + 24 bytes of data */
    assert_memory_equal(b + 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 59);
    seli__npy a;
    char err[256];
    assert_int_equal(seli__npy_parse(b, len, &a, err, sizeof err), 0);
    assert_int_equal(a.ndim, 2);
    assert_int_equal(a.size, 6);
    assert_int_equal(seli__npy_parse(b, len - 1, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "truncated or corrupt"));
    memcpy(b + 21, "<f8", 3); /* the dtype in "{'descr': '<f4'": now 6 doubles, 48 bytes */
    assert_int_equal(seli__npy_parse(b, len, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "6 elements of '<f8' (48 bytes)"));
    memcpy(b + 21, ">f4", 3); /* big-endian: not read */
    assert_int_equal(seli__npy_parse(b, len, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "astype(np.float32)"));
    /* float64, integers and booleans are read and converted to float32 */
    double d[3] = {0.5, -2, 1e10};
    unsigned char *f8 = seli__npy_encode_raw("<f8", 1, (long[]){3}, d, sizeof d, &len);
    assert_int_equal(seli__npy_parse(f8, len, &a, err, sizeof err), 0);
    float got[3];
    seli__npy_copy(&a, got);
    assert_true(got[0] == 0.5f && got[1] == -2 && got[2] == 1e10f);
    free(f8);
    unsigned char bools[2] = {1, 0};
    unsigned char *b1 = seli__npy_encode_raw("|b1", 1, (long[]){2}, bools, 2, &len);
    assert_int_equal(seli__npy_parse(b1, len, &a, err, sizeof err), 0);
    seli__npy_copy(&a, got);
    assert_true(got[0] == 1 && got[1] == 0);
    free(b1);
    b[0] = 'X';
    assert_int_equal(seli__npy_parse(b, len, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "magic"));
    free(b);

    unsigned char *s = seli__npy_encode(1, (long[]){3}, data, &len);
    assert_memory_equal(s + 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 57);
    free(s);
    s = seli__npy_encode(0, NULL, data, &len);
    assert_int_equal(seli__npy_parse(s, len, &a, err, sizeof err), 0);
    assert_int_equal(a.ndim, 0);
    assert_int_equal(a.size, 1);
    free(s);
}

static void test_save_into_a_missing_or_read_only_directory_is_a_clear_error(void **state)
{
    (void)state;
    seli_module *m = seli_net_bias();
    EXPECT_SELI_ERROR(seli_save(m, in_dir("no/such/dir/m.npz")), "does not exist");
    if (geteuid() == 0) {
        /* root writes anywhere chmod allows; sysfs refuses new files even to root */
        EXPECT_SELI_ERROR(seli_save(m, "/sys/seli-test.npz"), "not writable");
    } else {
        mkdir(in_dir("ro"), 0500);
        EXPECT_SELI_ERROR(seli_save(m, in_dir("ro/m.npz")), "not writable");
        rmdir(in_dir("ro"));
    }
    EXPECT_SELI_ERROR(seli_save(m, dir), "is a directory");
    EXPECT_SELI_ERROR(seli_save(NULL, in_dir("x.npz")), "the module is NULL");
    seli_module_free(m);
}

static void test_the_previous_file_survives_a_failed_save(void **state)
{
    (void)state;
    seli_module *small = trained_mlp();
    seli_save(small, in_dir("keep.npz"));

    /* a model too big for the file size limit: the write fails midway */
    seli_module *big = seli_set_rngs(seli_net_mlp(2, (int[]){256, 256}, NULL), 1);
    seli_scope_begin();
    seli_call(big, seli_ones(SELI_SHAPE(1, 256)));
    seli_scope_end();
    struct rlimit old;
    getrlimit(RLIMIT_FSIZE, &old);
    void (*old_signal)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit small_limit = {64 * 1024, old.rlim_max};
    setrlimit(RLIMIT_FSIZE, &small_limit);
    EXPECT_SELI_ERROR(seli_save(big, in_dir("keep.npz")), "seli_save: cannot write");
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_signal);
    assert_int_equal(temp_files(), 0);

    seli_module *back = seli_load(in_dir("keep.npz"));
    char *s1 = seli_module_str(small), *s2 = seli_module_str(back);
    assert_string_equal(s1, s2);
    free(s1);
    free(s2);
    seli_module_free(back);
    seli_module_free(small);
    seli_module_free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_round_trip_keeps_values_and_structure),
        cmocka_unit_test(test_user_module_attributes_survive_exactly),
        cmocka_unit_test(test_optimizer_state_round_trip_continues_training_identically),
        cmocka_unit_test(test_unregistered_type_is_a_clear_error),
        cmocka_unit_test(test_array_shape_mismatch_is_a_clear_error),
        cmocka_unit_test(test_missing_array_entry_and_bad_json_are_clear_errors),
        cmocka_unit_test(test_broken_files_are_clear_errors_never_crashes),
        cmocka_unit_test(test_npy_header_validation),
        cmocka_unit_test(test_save_into_a_missing_or_read_only_directory_is_a_clear_error),
        cmocka_unit_test(test_the_previous_file_survives_a_failed_save),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
