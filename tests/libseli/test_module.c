/* test_module.c: modules, lazy parameters, keys, the tree, copies, printing,
 * and short user-defined modules (the paper's normalizing flow and flow
 * matching vector field). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "seli.h"

#include "error_trap.h"

static int setup(void **state)
{
    (void)state;
    seli_scope_begin();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    seli_scope_end();
    return 0;
}

static int same_values(const seli_tensor *a, const seli_tensor *b)
{
    return seli_same_shape(a, b) && memcmp(a->data, b->data, (size_t)a->size * 4) == 0;
}

static seli_tensor *ramp(int ndim, const long *shape)
{
    seli_tensor *t = seli_zeros(ndim, shape);
    for (long i = 0; i < t->size; i++)
        t->data[i] = 0.1f * (float)(i % 7) - 0.3f;
    return t;
}

/* model.layers = Sequential(Affine(16), ReLU, Affine(1)) */
static seli_tensor *holder_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_calln(seli_child(m, "layers"), n, xs);
}

static seli_module *small_mlp(void)
{
    seli_module *m = seli_module_new("test:Holder", holder_forward);
    seli_set_child(
        m, "layers",
        seli_net_sequential(3, seli_net_affine(16), seli_net_relu(), seli_net_affine(1)));
    return m;
}

/* --- lazy parameters --- */

static void test_params_are_created_on_first_call_with_the_input_shape(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(seli_net_affine(3), 1);
    assert_int_equal(seli_module_param_count(m), 0);
    assert_int_equal(seli_has(m, "weight"), SELI_ATTR_NONE);
    seli_tensor *y = seli_call(m, ramp(SELI_SHAPE(4, 2)));
    assert_int_equal(y->ndim, 2);
    assert_int_equal(y->shape[0], 4);
    assert_int_equal(y->shape[1], 3);
    seli_tensor *w = seli_get_param(m, "weight");
    seli_tensor *b = seli_get_param(m, "bias");
    assert_int_equal(w->ndim, 2);
    assert_int_equal(w->shape[0], 2);
    assert_int_equal(w->shape[1], 3);
    assert_int_equal(b->ndim, 1);
    assert_int_equal(b->shape[0], 3);
    assert_true(w->flags & SELI_HEAP);
    assert_true(seli_on_tape(w));
    assert_true(seli_on_tape(b));
    assert_int_equal(seli_module_param_count(m), 9);
    /* a second call reuses the same tensors */
    seli_call(m, ramp(SELI_SHAPE(5, 2)));
    assert_ptr_equal(seli_get_param(m, "weight"), w);
    assert_int_equal(seli_module_param_count(m), 9);
    seli_module_free(m);
}

static void test_shape_change_is_an_error_naming_the_path_and_both_shapes(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(small_mlp(), 7);
    seli_call(m, ramp(SELI_SHAPE(4, 2)));
    seli_tensor *w2 = seli_module_find_param(m, "layers.2.weight");
    assert_non_null(w2);
    float before = w2->data[3];
    seli_module *last = seli_module_find(m, "layers.2");
    EXPECT_SELI_ERROR(seli_call(last, ramp(SELI_SHAPE(4, 5))), "'layers.2.weight'");
    assert_non_null(strstr(error_trap_message, "[16, 1]"));
    assert_non_null(strstr(error_trap_message, "[5, 1]"));
    assert_non_null(strstr(error_trap_message, "make a new module"));
    /* and through the whole model, the first layer complains */
    EXPECT_SELI_ERROR(seli_call(m, ramp(SELI_SHAPE(4, 3))), "'layers.0.weight'");
    assert_non_null(strstr(error_trap_message, "[2, 16]"));
    assert_non_null(strstr(error_trap_message, "[3, 16]"));
    /* nothing changed */
    assert_ptr_equal(seli_module_find_param(m, "layers.2.weight"), w2);
    assert_true(w2->data[3] == before);
    assert_int_equal(seli_module_param_count(m), 2 * 16 + 16 + 16 + 1);
    seli_module_free(m);
}

static void test_param_before_set_rngs_says_to_call_set_rngs(void **state)
{
    (void)state;
    seli_module *m = small_mlp();
    EXPECT_SELI_ERROR(seli_call(m, ramp(SELI_SHAPE(4, 2))), "seli_set_rngs(model, seed)");
    assert_non_null(strstr(error_trap_message, "layers.0.weight"));
    assert_int_equal(seli_module_param_count(m), 0);
    seli_module_free(m);
}

static void test_param_with_a_name_of_another_kind_is_an_error(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(seli_module_new("test:Plain", NULL), 1);
    seli_set_int(m, "dim", 3);
    EXPECT_SELI_ERROR(seli_param(m, "dim", seli_init_zeros(), SELI_SHAPE(2)), "an integer");
    EXPECT_SELI_ERROR(seli_param(m, "w", seli_init_zeros(), SELI_SHAPE(2, 0)), "at least 1");
    EXPECT_SELI_ERROR(seli_param(m, "w", seli_init_uniform(1, 0), SELI_SHAPE(2)), "low < high");
    assert_int_equal(seli_module_nattrs(m), 1);
    seli_module_free(m);
}

/* --- keys --- */

static void test_same_seed_gives_same_parameters(void **state)
{
    (void)state;
    seli_module *a = seli_set_rngs(small_mlp(), 42);
    seli_module *b = seli_set_rngs(small_mlp(), 42);
    seli_module *c = seli_set_rngs(small_mlp(), 43);
    seli_tensor *x = ramp(SELI_SHAPE(8, 2));
    assert_true(same_values(seli_call(a, x), seli_call(b, x)));
    seli_call(c, x);
    const char *paths[] = {"layers.0.weight", "layers.2.weight"};
    for (int i = 0; i < 2; i++) {
        assert_true(
            same_values(seli_module_find_param(a, paths[i]), seli_module_find_param(b, paths[i])));
        assert_false(
            same_values(seli_module_find_param(a, paths[i]), seli_module_find_param(c, paths[i])));
    }
    seli_module_free(a);
    seli_module_free(b);
    seli_module_free(c);
}

static void test_different_paths_get_different_values(void **state)
{
    (void)state;
    /* four layers with identical shapes: 4 -> 4 */
    seli_module *m = seli_set_rngs(seli_net_sequential(4, seli_net_affine(4), seli_net_affine(4),
                                                       seli_net_affine(4), seli_net_affine(4)),
                                   5);
    seli_call(m, ramp(SELI_SHAPE(2, 4)));
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            assert_false(same_values(seli_get_param(seli_net_at(m, i), "weight"),
                                     seli_get_param(seli_net_at(m, j), "weight")));
    /* two parameters of one module differ too */
    seli_module *p = seli_set_rngs(seli_module_new("test:Plain", NULL), 5);
    seli_tensor *u = seli_param(p, "u", seli_init_normal(1), SELI_SHAPE(8));
    seli_tensor *v = seli_param(p, "v", seli_init_normal(1), SELI_SHAPE(8));
    assert_false(same_values(u, v));
    seli_module_free(m);
    seli_module_free(p);
}

static void test_children_added_after_set_rngs_inherit_keys_from_their_path(void **state)
{
    (void)state;
    seli_module *early = seli_set_rngs(small_mlp(), 9);
    seli_module *late = seli_set_rngs(seli_module_new("test:Holder", holder_forward), 9);
    seli_set_child(
        late, "layers",
        seli_net_sequential(3, seli_net_affine(16), seli_net_relu(), seli_net_affine(1)));
    assert_true(seli_has_rngs(seli_module_find(late, "layers.2")));
    seli_tensor *x = ramp(SELI_SHAPE(3, 2));
    assert_true(same_values(seli_call(early, x), seli_call(late, x)));
    seli_module_free(early);
    seli_module_free(late);
}

/* --- the tree --- */

typedef struct {
    char text[2048];
} visit_log;

static void log_path(const char *path, const seli_attr *attr, void *ctx)
{
    visit_log *log = ctx;
    size_t len = strlen(log->text);
    snprintf(log->text + len, sizeof log->text - len, "%s%s:%d", len ? " " : "", path,
             (int)attr->kind);
}

static void test_visit_gives_dotted_paths_depth_first(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(small_mlp(), 3);
    seli_call(m, ramp(SELI_SHAPE(2, 2)));
    visit_log log = {{0}};
    seli_module_visit(m, log_path, &log);
    char expected[512];
    snprintf(expected, sizeof expected,
             "layers:%d layers.0:%d layers.0.dim:%d layers.0.weight:%d layers.0.bias:%d "
             "layers.1:%d layers.2:%d layers.2.dim:%d layers.2.weight:%d layers.2.bias:%d",
             SELI_ATTR_MODULE, SELI_ATTR_MODULE, SELI_ATTR_INT, SELI_ATTR_PARAM, SELI_ATTR_PARAM,
             SELI_ATTR_MODULE, SELI_ATTR_MODULE, SELI_ATTR_INT, SELI_ATTR_PARAM, SELI_ATTR_PARAM);
    assert_string_equal(log.text, expected);

    seli_param_list list = seli_module_params(m);
    assert_int_equal(list.n, 4);
    assert_string_equal(list.paths[0], "layers.0.weight");
    assert_string_equal(list.paths[1], "layers.0.bias");
    assert_string_equal(list.paths[2], "layers.2.weight");
    assert_string_equal(list.paths[3], "layers.2.bias");
    assert_ptr_equal(list.params[2], seli_get_param(seli_module_find(m, "layers.2"), "weight"));
    seli_param_list_free(&list);
    assert_null(list.paths);

    char *path = seli_module_path(seli_module_find(m, "layers.2"));
    assert_string_equal(path, "layers.2");
    free(path);
    assert_null(seli_module_find_param(m, "layers.1.weight"));
    assert_null(seli_module_find(m, "layers.7"));
    seli_module_free(m);
}

static void test_param_count_sums_every_scalar(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(seli_net_mlp(3, (int[]){16, 16, 1}, seli_net_elu), 0);
    seli_call(m, ramp(SELI_SHAPE(64, 1)));
    assert_int_equal(seli_module_param_count(m), (1 * 16 + 16) + (16 * 16 + 16) + (16 + 1));
    assert_int_equal(seli_net_len(m), 5);
    assert_string_equal(seli_module_type(seli_net_at(m, -1)), "net.Affine");
    assert_string_equal(seli_module_type(seli_net_at(m, 1)), "net.ELU");
    seli_module_free(m);
}

static void test_deep_copy_is_independent(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(small_mlp(), 11);
    seli_tensor *x = ramp(SELI_SHAPE(5, 2));
    seli_tensor *y = seli_call(m, x);
    seli_module *c = seli_module_copy(m);
    assert_null(seli_module_parent(c));
    assert_true(same_values(seli_call(c, x), y));
    seli_tensor *cw = seli_module_find_param(c, "layers.0.weight");
    seli_tensor *mw = seli_module_find_param(m, "layers.0.weight");
    assert_ptr_not_equal(cw, mw);
    assert_true(seli_on_tape(cw));
    cw->data[0] += 1.0f;
    assert_false(same_values(cw, mw));
    /* a new parameter in the copy does not appear in the original */
    seli_set_rngs(c, 1);
    seli_param(c, "extra", seli_init_ones(), SELI_SHAPE(2));
    assert_int_equal(seli_has(m, "extra"), SELI_ATTR_NONE);
    /* the copy survives the original */
    seli_module_free(m);
    seli_tensor *yc = seli_call(c, x);
    assert_int_equal(yc->shape[0], 5);
    assert_string_equal(seli_module_type(seli_module_find(c, "layers.1")), "net.ReLU");
    seli_module_free(c);
}

static void test_text_tree_shows_types_attributes_and_shapes(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(small_mlp(), 3);
    char *before = seli_module_str(m);
    assert_non_null(strstr(before, "0 parameters (created on the first call)"));
    free(before);
    seli_call(m, ramp(SELI_SHAPE(2, 2)));
    seli_set_str(m, "note", "hi");
    char *s = seli_module_str(m);
    const char *expected = "test:Holder(note=\"hi\")  65 parameters\n"
                           "\u2514\u2500\u2500 layers: net.Sequential\n"
                           "    \u251c\u2500\u2500 0: net.Affine(dim=16)\n"
                           "    \u2502   \u251c\u2500\u2500 weight [2, 16]\n"
                           "    \u2502   \u2514\u2500\u2500 bias [16]\n"
                           "    \u251c\u2500\u2500 1: net.ReLU\n"
                           "    \u2514\u2500\u2500 2: net.Affine(dim=1)\n"
                           "        \u251c\u2500\u2500 weight [16, 1]\n"
                           "        \u2514\u2500\u2500 bias [1]";
    assert_string_equal(s, expected);
    free(s);
    char *html = seli_module_html(m);
    assert_non_null(strstr(html, "<details"));
    assert_non_null(strstr(html, "[16, 1]"));
    assert_non_null(strstr(html, "note=&quot;hi&quot;"));
    free(html);
    seli_module_free(m);
}

typedef struct {
    int calls;
    char mimes[64];
    int has_html_shape, has_text_tree;
} shown;

static void capture_display(void *user_data, int n, const char *const *mimes,
                            const char *const *data, const char *display_id, int update)
{
    shown *s = user_data;
    s->calls++;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(s->mimes);
        snprintf(s->mimes + len, sizeof s->mimes - len, "%s;", mimes[i]);
        if (strcmp(mimes[i], "text/html") == 0)
            s->has_html_shape = strstr(data[i], "[2, 16]") != NULL;
        if (strcmp(mimes[i], "text/plain") == 0)
            s->has_text_tree = strstr(data[i], "0: net.Affine(dim=16)") != NULL;
    }
}

static void test_show_sends_html_and_text_to_the_sink(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(small_mlp(), 3);
    seli_call(m, ramp(SELI_SHAPE(2, 2)));
    shown s = {0, {0}, 0, 0};
    seli_sink sink = {capture_display, NULL, &s};
    seli_sink old = seli_set_sink(&sink);
    seli_module_show(m);
    seli_set_sink(&old);
    assert_int_equal(s.calls, 1);
    assert_string_equal(s.mimes, "text/html;text/plain;");
    assert_true(s.has_html_shape);
    assert_true(s.has_text_tree);
    seli_module_free(m);
}

/* --- attributes --- */

static void test_attributes_are_set_replaced_and_removed(void **state)
{
    (void)state;
    seli_module *m = seli_module_new("test:Plain", NULL);
    seli_set_int(m, "n", 3);
    seli_set_float(m, "lr", 0.5);
    seli_set_str(m, "name", "flow");
    assert_int_equal(seli_get_int(m, "n"), 3);
    assert_true(seli_get_float(m, "lr") == 0.5);
    assert_true(seli_get_float(m, "n") == 3.0);
    assert_string_equal(seli_get_str(m, "name"), "flow");
    seli_set_str(m, "n", "three"); /* replace with another kind, keep the position */
    assert_int_equal(seli_has(m, "n"), SELI_ATTR_STR);
    assert_string_equal(seli_module_attr(m, 0).name, "n");
    seli_set_str(m, "name", seli_get_str(m, "name")); /* self-assignment is safe */
    assert_string_equal(seli_get_str(m, "name"), "flow");
    EXPECT_SELI_ERROR(seli_get_int(m, "lr"), "a float, not an integer");
    EXPECT_SELI_ERROR(seli_get_int(m, "missing"), "it has: n, lr, name");
    seli_del(m, "lr");
    assert_int_equal(seli_module_nattrs(m), 2);
    assert_int_equal(seli_has(m, "lr"), SELI_ATTR_NONE);
    EXPECT_SELI_ERROR(seli_del(m, "lr"), "no attribute 'lr'");
    EXPECT_SELI_ERROR(seli_set_int(m, "", 1), "non-empty name");
    EXPECT_SELI_ERROR(seli_module_attr(m, 2), "out of range");
    seli_set_init(m, "w_init", seli_init_uniform(-0.5f, 0.25f));
    seli_init init = seli_get_init(m, "w_init", seli_init_he());
    assert_int_equal(init.kind, SELI_INIT_UNIFORM);
    assert_true(init.a == -0.5f && init.b == 0.25f);
    assert_int_equal(seli_get_init(m, "other", seli_init_he()).kind, SELI_INIT_HE);
    seli_module_free(m);
}

static void test_children_have_one_parent_and_no_cycles(void **state)
{
    (void)state;
    seli_module *a = seli_module_new("test:Plain", NULL);
    seli_module *b = seli_module_new("test:Plain", NULL);
    seli_module *c = seli_module_new("test:Plain", NULL);
    seli_set_child(a, "b", b);
    seli_set_child(b, "c", c);
    seli_set_child(a, "b", b); /* the same child again: nothing happens */
    EXPECT_SELI_ERROR(seli_set_child(a, "again", c), "already the child 'b.c'");
    EXPECT_SELI_ERROR(seli_set_child(c, "a", a), "cycle");
    EXPECT_SELI_ERROR(seli_module_free(b), "free the root module");
    assert_int_equal(seli_module_nattrs(a), 1);
    /* replacing a child frees the old subtree (ASan checks the leak) */
    seli_set_child(a, "b", seli_module_new("test:Plain", NULL));
    assert_int_equal(seli_module_nattrs(seli_child(a, "b")), 0);
    seli_module_free(a);
}

static void test_buffers_are_lazy_zeros_and_keep_their_shape(void **state)
{
    (void)state;
    seli_module *m = seli_module_new("test:Plain", NULL);
    seli_tensor *t = seli_buffer(m, "layers.0.weight", SELI_SHAPE(2, 3));
    assert_false(seli_on_tape(t));
    for (long i = 0; i < t->size; i++)
        assert_true(t->data[i] == 0);
    t->data[1] = 5;
    assert_ptr_equal(seli_buffer(m, "layers.0.weight", SELI_SHAPE(2, 3)), t);
    assert_true(seli_get_buffer(m, "layers.0.weight")->data[1] == 5);
    EXPECT_SELI_ERROR(seli_buffer(m, "layers.0.weight", SELI_SHAPE(3, 2)), "[2, 3]");
    /* set_buffer copies in place when the shape matches */
    seli_tensor *v = seli_full(2, SELI_SHAPE(2, 3));
    assert_ptr_equal(seli_set_buffer(m, "layers.0.weight", v), t);
    assert_true(t->data[4] == 2);
    assert_int_equal(seli_module_param_count(m), 0);
    seli_module_free(m);
}

static void test_set_param_copies_values_onto_the_tape(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(seli_net_affine(2), 0);
    seli_set_param(m, "weight", seli_eye(2));
    seli_set_param(m, "bias", seli_ones(SELI_SHAPE(2)));
    assert_true(seli_on_tape(seli_get_param(m, "weight")));
    seli_tensor *y = seli_call(m, seli_from_array((float[]){3, 4}, SELI_SHAPE(1, 2)));
    assert_true(y->data[0] == 4 && y->data[1] == 5);
    seli_module_free(m);
}

/* --- the registry --- */

static seli_tensor *double_it(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_mul_scalar(xs[0], 2);
}

static seli_tensor *triple_it(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_mul_scalar(xs[0], 3);
}

static void test_reregistering_a_type_updates_existing_modules(void **state)
{
    (void)state;
    seli_module *m = seli_module_new("test:Times", double_it);
    seli_tensor *x = seli_scalar(1);
    assert_true(seli_item(seli_call(m, x)) == 2);
    seli_register("test:Times", triple_it); /* a re-run notebook cell */
    assert_true(seli_item(seli_call(m, x)) == 3);
    seli_module *made = seli_module_create("test:Times");
    assert_true(seli_item(seli_call(made, x)) == 3);
    assert_true(seli_is_registered("net.LayerNorm"));
    assert_false(seli_is_registered("test:Never"));
    EXPECT_SELI_ERROR(seli_module_create("test:Never"), "seli_register(\"test:Never\"");
    seli_module *opt = seli_module_new("test:NoForward", NULL);
    EXPECT_SELI_ERROR(seli_call(opt, x), "no forward function");
    seli_module_free(m);
    seli_module_free(made);
    seli_module_free(opt);
}

/* --- short user modules, as a notebook cell would write them --- */

/* The paper's 1-D normalizing flow, z = f(x): an affine map followed by a
 * learnable sinh-arcsinh-like bend; its log-likelihood under a standard normal prior is
 * log p(x) = log N(z) + log |dz/dx|. */
static seli_tensor *nf_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    seli_tensor *s = seli_param(m, "log_scale", seli_init_zeros(), SELI_SHAPE(1));
    seli_tensor *b = seli_param(m, "shift", seli_init_normal(0.1f), SELI_SHAPE(1));
    seli_tensor *z = seli_add(seli_mul(xs[0], seli_exp(s)), b);
    seli_tensor *log_det = seli_broadcast_to(s, xs[0]->ndim, xs[0]->shape);
    seli_tensor *log_prior = seli_mul_scalar(seli_add_scalar(seli_square(z), 1.8378771f), -0.5f);
    return seli_add(log_prior, log_det); /* log p(x), [N] */
}
seli_module *NormalizingFlow(void)
{
    return seli_module_new("example:NormalizingFlow", nf_forward);
}

/* Flow matching's vector field v(x, t) = MLP([x, t]). */
static seli_tensor *flow_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    seli_tensor *xt = seli_concat(2, (seli_tensor *[]){xs[0], xs[1]}, -1);
    return seli_call(seli_child(m, "net"), xt);
}
seli_module *Flow(void)
{
    seli_module *m = seli_module_new("example:Flow", flow_forward);
    seli_set_child(m, "net", seli_net_mlp(3, (int[]){128, 128, 1}, seli_net_gelu));
    return m;
}

static void test_user_normalizing_flow_is_a_few_lines_and_trains(void **state)
{
    (void)state;
    seli_module *flow = seli_set_rngs(NormalizingFlow(), 42);
    seli_tensor *x = seli_from_array((float[]){0.5f, -1, 2}, SELI_SHAPE(3));
    seli_tensor *nll = seli_neg(seli_mean_all(seli_call(flow, x)));
    seli_tensor *s = seli_get_param(flow, "log_scale");
    seli_tensor *b = seli_get_param(flow, "shift");
    /* d nll / d shift = mean(z) with log_scale = 0: z = x + b */
    float bv = b->data[0];
    float mean_z = (0.5f - 1 + 2) / 3 + bv;
    assert_true(fabsf(seli_item(seli_grad(nll, b)) - mean_z) < 1e-5f);
    /* d nll / d log_scale = mean(z * x) - 1 */
    float zx = ((0.5f + bv) * 0.5f + (-1 + bv) * -1 + (2 + bv) * 2) / 3;
    assert_true(fabsf(seli_item(seli_grad(nll, s)) - (zx - 1)) < 1e-5f);
    assert_string_equal(seli_module_type(flow), "example:NormalizingFlow");
    seli_module_free(flow);
}

static void test_user_flow_matching_field_takes_x_and_t(void **state)
{
    (void)state;
    seli_module *v = seli_set_rngs(Flow(), 42);
    seli_tensor *x = ramp(SELI_SHAPE(16, 2));
    seli_tensor *t = ramp(SELI_SHAPE(16, 1));
    seli_tensor *out = seli_call2(v, x, t);
    assert_int_equal(out->ndim, 2);
    assert_int_equal(out->shape[0], 16);
    assert_int_equal(out->shape[1], 1);
    assert_int_equal(seli_module_param_count(v), (3 * 128 + 128) + (128 * 128 + 128) + 129);
    seli_tensor *w = seli_module_find_param(v, "net.0.weight");
    assert_non_null(w);
    seli_tensor *g = seli_grad(seli_mean_all(seli_square(out)), w);
    double norm = 0;
    for (long i = 0; i < g->size; i++)
        norm += (double)g->data[i] * g->data[i];
    assert_true(norm > 0);
    seli_module_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_params_are_created_on_first_call_with_the_input_shape,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_shape_change_is_an_error_naming_the_path_and_both_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_param_before_set_rngs_says_to_call_set_rngs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_param_with_a_name_of_another_kind_is_an_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_same_seed_gives_same_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_different_paths_get_different_values, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_children_added_after_set_rngs_inherit_keys_from_their_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_visit_gives_dotted_paths_depth_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_param_count_sums_every_scalar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_copy_is_independent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_tree_shows_types_attributes_and_shapes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_show_sends_html_and_text_to_the_sink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attributes_are_set_replaced_and_removed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_children_have_one_parent_and_no_cycles, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_buffers_are_lazy_zeros_and_keep_their_shape, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_set_param_copies_values_onto_the_tape, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reregistering_a_type_updates_existing_modules, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_user_normalizing_flow_is_a_few_lines_and_trains, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_user_flow_matching_field_takes_x_and_t, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
