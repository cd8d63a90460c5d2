/* seli/module.h: modules, the building blocks of models (and optimizers).
 *
 * A module has a registered type name ("net.Affine", or a user's
 * "example:Flow"), a forward function, and named attributes: child modules,
 * parameters, buffers, integers, floats and strings, kept in the order they
 * were first set.  Everything a module owns is freed by seli_module_free.
 *
 * Parameters are lazy, as in seli, the Python/JAX library of the paper
 * "Inferring Probabilistic Sampling Procedures from Observational Data using
 * General Function Approximation": a forward function asks for one by
 * name with the shape it needs, seli_param(m, "weight", seli_init_he(),
 * SELI_SHAPE(in, out)).  The first call creates it from the initializer and
 * the module's key (spread over the tree by seli_set_rngs); later calls
 * return the same heap tensor, or fail clearly if the shape changed.
 *
 * A user module in a notebook cell:
 *
 *     seli_tensor *flow_forward(seli_module *m, int n, seli_tensor *const *xs) {
 *         seli_tensor *xt = seli_concat(2, (seli_tensor *[]){xs[0], xs[1]}, -1);
 *         return seli_call(seli_child(m, "net"), xt);
 *     }
 *     seli_module *Flow(void) {
 *         seli_module *m = seli_module_new("example:Flow", flow_forward);
 *         seli_set_child(m, "net", seli_net_mlp(3, (int[]){128, 128, 1}, seli_net_gelu));
 *         return m;
 *     }
 *     seli_module *model = seli_set_rngs(Flow(), 42);
 *     seli_tensor *v = seli_call2(model, x, t);
 *
 * Paths name attributes through the tree with dots: "layers.2.weight" is the
 * parameter "weight" of the child "2" of the child "layers". */
#ifndef SELI_MODULE_H
#define SELI_MODULE_H

#include "seli/random.h"

typedef struct seli_tensor seli_tensor;
typedef struct seli_module seli_module;

/* A forward function: the module and its n inputs -> the output tensor (in
 * the current scope).  Read attributes and parameters of m inside it. */
typedef seli_tensor *(*seli_forward_fn)(seli_module *m, int n, seli_tensor *const *xs);

/* ------------------------------------------------------------------ */
/* Initializers                                                         */
/* ------------------------------------------------------------------ */

/* For a shape [..., fan_in, fan_out] (x @ W convention), fan_in is the
 * second-to-last dimension and fan_out the last, both times the product of
 * the leading dimensions; a 1-D shape [n] has fan_in = fan_out = n. */
enum {
    SELI_INIT_ZEROS,
    SELI_INIT_ONES,
    SELI_INIT_CONSTANT,         /* a */
    SELI_INIT_NORMAL,           /* std a */
    SELI_INIT_TRUNCATED_NORMAL, /* std a, resampled outside [-2a, 2a] */
    SELI_INIT_UNIFORM,          /* [a, b) */
    SELI_INIT_HE,               /* normal, std sqrt(2 / fan_in) */
    SELI_INIT_GLOROT,           /* normal, std sqrt(2 / (fan_in + fan_out)) */
    SELI_INIT_ORTHOGONAL,       /* gain a times an orthogonal matrix */
    SELI_INIT_LECUN,            /* normal, std sqrt(1 / fan_in) */
    SELI_INIT_HE_UNIFORM,       /* uniform in +-sqrt(6 / fan_in) */
    SELI_INIT_GLOROT_UNIFORM,   /* uniform in +-sqrt(6 / (fan_in + fan_out)) */
    SELI_INIT_LECUN_UNIFORM     /* uniform in +-sqrt(3 / fan_in) */
};

/* How to fill a new parameter: a kind (SELI_INIT_*) and its numbers. */
typedef struct seli_init {
    int kind;
    double a, b; /* doubles keep the struct over 16 bytes: tcc 0.9.27 passes
                  * small structs that mix int and float fields in the wrong
                  * registers, and cells pass this one by value */
} seli_init;

/* He (Kaiming) normal: std sqrt(2 / fan_in); the default for weights before ReLU-like units. */
seli_init seli_init_he(void);
/* Glorot (Xavier) normal: std sqrt(2 / (fan_in + fan_out)). */
seli_init seli_init_glorot(void);
/* Normal with mean 0 and the given std. */
seli_init seli_init_normal(float std);
/* Normal with mean 0 and the given std, values beyond 2 std redrawn. */
seli_init seli_init_truncated_normal(float std);
/* Uniform in [low, high). */
seli_init seli_init_uniform(float low, float high);
/* All zeros (the default for biases and offsets). */
seli_init seli_init_zeros(void);
/* All ones (the default for scales). */
seli_init seli_init_ones(void);
/* Every element equal to value. */
seli_init seli_init_constant(float value);
/* A random orthogonal matrix: the shape [..., r, c] is seen as a
 * [prod(...) * r, c] matrix with orthonormal columns (or rows, if it is wide). */
seli_init seli_init_orthogonal(void);

/* The seed's other initializers (its net.init.Normal and net.init.Uniform
 * with "LeCun", "He" or "Glorot"), scaled as jax.nn.initializers scales them: */
/* LeCun normal: std sqrt(1 / fan_in). */
seli_init seli_init_lecun(void);
/* He uniform: uniform in [-sqrt(6 / fan_in), sqrt(6 / fan_in)), variance 2 / fan_in. */
seli_init seli_init_he_uniform(void);
/* Glorot uniform: uniform in +-sqrt(6 / (fan_in + fan_out)); the seed's default for
 * net.Linear's weight. */
seli_init seli_init_glorot_uniform(void);
/* LeCun uniform: uniform in +-sqrt(3 / fan_in), variance 1 / fan_in. */
seli_init seli_init_lecun_uniform(void);

/* Sample init for a tensor of the given shape with key; the result lives in
 * the current scope. */
seli_tensor *seli_init_sample(seli_init init, seli_key key, int ndim, const long *shape);
/* init as short text, e.g. "he", "normal(0.1)", "uniform(-1, 1)", into buf
 * (at most n bytes); returns buf.  seli_init_parse reads it back. */
char *seli_init_str(seli_init init, char *buf, int n);
/* Parse the text of seli_init_str; an error names the text if it is not one. */
seli_init seli_init_parse(const char *text);

/* ------------------------------------------------------------------ */
/* Creating, registering, calling                                       */
/* ------------------------------------------------------------------ */

/* A new, empty module of the given type, owned by the caller (free it with
 * seli_module_free, or hand it to a parent with seli_set_child).  Also
 * registers type -> forward, replacing an earlier registration (a re-run
 * notebook cell redefines the function; existing modules of that type use
 * the new one).  forward may be NULL for modules that are not called
 * (optimizers). */
seli_module *seli_module_new(const char *type, seli_forward_fn forward);
/* Register type -> forward without making a module, so seli_load can rebuild
 * modules of this type in a fresh program.  libseli's "net." types are
 * always registered. */
void seli_register(const char *type, seli_forward_fn forward);
/* Nonzero if type is registered. */
int seli_is_registered(const char *type);
/* A new, empty module of a registered type (for loaders); an unknown type is
 * an error that says to register it first. */
seli_module *seli_module_create(const char *type);
/* The module's type name (owned by libseli). */
const char *seli_module_type(const seli_module *m);

/* Run m's forward function on n inputs; the result lives in the current scope. */
seli_tensor *seli_calln(seli_module *m, int n, seli_tensor *const *xs);
/* Run m on one input: seli_call(model, x). */
seli_tensor *seli_call(seli_module *m, seli_tensor *x);
/* Run m on two inputs: seli_call2(flow, x, t). */
seli_tensor *seli_call2(seli_module *m, seli_tensor *x, seli_tensor *y);

/* ------------------------------------------------------------------ */
/* Attributes                                                           */
/* ------------------------------------------------------------------ */

/* What an attribute holds (SELI_ATTR_NONE: there is no such attribute). */
typedef enum seli_attr_kind {
    SELI_ATTR_NONE = 0,
    SELI_ATTR_MODULE, /* a child module, owned by its parent */
    SELI_ATTR_PARAM,  /* a trainable heap tensor, on the tape */
    SELI_ATTR_BUFFER, /* a non-trainable heap tensor (optimizer state...) */
    SELI_ATTR_INT,
    SELI_ATTR_FLOAT,
    SELI_ATTR_STR
} seli_attr_kind;

/* Setters replace an attribute of the same name, whatever its kind (the old
 * value is freed).  Names are non-empty strings; they may contain dots (an
 * optimizer keys its state by parameter path), but child names without dots
 * keep paths readable. */

/* Make child the attribute `name` of m; m takes ownership.  child must be a
 * root (not already some module's child) and must not contain m. */
void seli_set_child(seli_module *m, const char *name, seli_module *child);
/* The child module `name` of m (an error if there is none). */
seli_module *seli_child(const seli_module *m, const char *name);
/* Store an integer attribute. */
void seli_set_int(seli_module *m, const char *name, long value);
/* The integer attribute `name` (an error if missing or not an integer). */
long seli_get_int(const seli_module *m, const char *name);
/* Store a float attribute (kept as a double). */
void seli_set_float(seli_module *m, const char *name, double value);
/* The float attribute `name` (an integer attribute is converted). */
double seli_get_float(const seli_module *m, const char *name);
/* Store a copy of the string value. */
void seli_set_str(seli_module *m, const char *name, const char *value);
/* The string attribute `name`, owned by m (valid until it is replaced). */
const char *seli_get_str(const seli_module *m, const char *name);
/* Store an initializer as a string attribute (seli_init_str), so it survives save/load. */
void seli_set_init(seli_module *m, const char *name, seli_init init);
/* The initializer stored under name, or fallback if there is none. */
seli_init seli_get_init(const seli_module *m, const char *name, seli_init fallback);

/* The parameter `name` of m with the given shape: created from init with m's
 * key on the first call (a heap tensor owned by m, marked with
 * seli_requires_grad), returned as is afterwards.  Asking again with another
 * shape is an error naming the path and both shapes; asking before
 * seli_set_rngs reached m is an error too. */
seli_tensor *seli_param(seli_module *m, const char *name, seli_init init, int ndim,
                        const long *shape);
/* The existing parameter `name` (an error if it has not been created yet). */
seli_tensor *seli_get_param(const seli_module *m, const char *name);
/* Set the parameter `name` to a copy of value's data (a heap tensor owned by
 * m, on the tape).  Same shape as before: copied in place, the tensor pointer
 * stays; new or other shape: a new tensor replaces the old one. */
seli_tensor *seli_set_param(seli_module *m, const char *name, const seli_tensor *value);

/* The buffer `name` with the given shape, created as zeros on the first call
 * (a heap tensor owned by m, not on the tape); another shape later is an
 * error.  Optimizers keep their per-parameter state this way. */
seli_tensor *seli_buffer(seli_module *m, const char *name, int ndim, const long *shape);
/* The existing buffer `name` (an error if there is none). */
seli_tensor *seli_get_buffer(const seli_module *m, const char *name);
/* Set the buffer `name` to a copy of value (same rules as seli_set_param). */
seli_tensor *seli_set_buffer(seli_module *m, const char *name, const seli_tensor *value);

/* The kind of attribute `name` of m, SELI_ATTR_NONE (0) if there is none. */
seli_attr_kind seli_has(const seli_module *m, const char *name);
/* Remove the attribute `name` of m and free its value (an error if missing). */
void seli_del(seli_module *m, const char *name);

/* A view of one attribute; every pointer is owned by the module. */
typedef struct seli_attr {
    const char *name;
    seli_attr_kind kind;
    seli_module *module; /* SELI_ATTR_MODULE */
    seli_tensor *tensor; /* SELI_ATTR_PARAM, SELI_ATTR_BUFFER */
    long i;              /* SELI_ATTR_INT */
    double f;            /* SELI_ATTR_FLOAT */
    const char *s;       /* SELI_ATTR_STR */
} seli_attr;

/* Number of attributes of m itself (not of its children). */
int seli_module_nattrs(const seli_module *m);
/* Attribute i of m (0 <= i < nattrs), in the order they were first set. */
seli_attr seli_module_attr(const seli_module *m, int i);

/* ------------------------------------------------------------------ */
/* The tree                                                             */
/* ------------------------------------------------------------------ */

/* Give every module of the tree under m a key from seed and its path
 * (seli_fold_in of each path component), so the same seed gives the same
 * parameters and different paths different ones.  Children set later inherit
 * keys from their new parent.  Returns m: model = seli_set_rngs(MLP(), 42). */
seli_module *seli_set_rngs(seli_module *m, unsigned long long seed);
/* Nonzero if m has a key (seli_set_rngs reached it). */
int seli_has_rngs(const seli_module *m);

/* Called for each attribute of the tree, depth first in attribute order, with
 * its dotted path relative to the root; path is valid during the call only.
 * A child module is visited before its own attributes. */
typedef void (*seli_visit_fn)(const char *path, const seli_attr *attr, void *ctx);
/* Visit every attribute under m (m itself has no path and is not visited). */
void seli_module_visit(seli_module *m, seli_visit_fn fn, void *ctx);

/* Every parameter under m, with its path. */
typedef struct seli_param_list {
    int n;
    char **paths;         /* n malloc'd strings */
    seli_tensor **params; /* n tensors owned by the modules */
} seli_param_list;
/* The parameters created so far under m, in visit order; free the list with
 * seli_param_list_free (it does not free the tensors). */
seli_param_list seli_module_params(seli_module *m);
/* Free the arrays and strings of a list made by seli_module_params. */
void seli_param_list_free(seli_param_list *list);
/* The parameter at path under m ("layers.2.weight"), or NULL if there is none. */
seli_tensor *seli_module_find_param(const seli_module *m, const char *path);
/* The child module at path under m ("layers.2"), or NULL if there is none. */
seli_module *seli_module_find(const seli_module *m, const char *path);

/* Number of scalars in all parameters created so far under m. */
long seli_module_param_count(const seli_module *m);
/* A deep copy of m and its tree (parameters, buffers, keys included), owned
 * by the caller; it shares nothing with m. */
seli_module *seli_module_copy(const seli_module *m);
/* Free m, its whole tree and every tensor it owns (NULL is ignored).  m must
 * be a root: free the root, or seli_del the child from its parent. */
void seli_module_free(seli_module *m);
/* m's parent (NULL for a root). */
seli_module *seli_module_parent(const seli_module *m);
/* m's path from its root, e.g. "layers.2" ("" for a root); malloc'd, caller frees. */
char *seli_module_path(const seli_module *m);

/* ------------------------------------------------------------------ */
/* Printing                                                             */
/* ------------------------------------------------------------------ */

/* The tree as indented text, one attribute per line with shapes and values,
 * and the parameter count, without a trailing newline; malloc'd, the caller frees. */
char *seli_module_str(const seli_module *m);
/* The tree as collapsible HTML (<details>) with shapes; malloc'd, caller frees. */
char *seli_module_html(const seli_module *m);
/* Print seli_module_str(m) and a newline to stdout. */
void seli_module_print(const seli_module *m);
/* Send the tree to the display sink as text/html and text/plain. */
void seli_module_show(const seli_module *m);

#endif
