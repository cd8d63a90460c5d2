"""Models move between the two libraries: seli_load reads what the seed's
seli.save wrote, seli_save_as(m, path, SELI_FORMAT_SEED) writes what the
seed's seli.load reads, and the model gives the same outputs on both sides.
Tested both ways for an MLP, notebook 03's flow model (a module type of the
user's own, "example:Flow") and an attention model; then the errors (a type
without a counterpart is named, and nothing is built or written) and the
conversion of float64 arrays."""

import ctypes as C
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from seed import seli
import libseli as L
from parity import close

set_rngs = seli.net._key.set_rngs
lib = L.lib
L.fn("seli_save_as", None, L.M, C.c_char_p, C.c_int)
L.fn("seli_register", None, C.c_char_p, C.c_void_p)
L.fn("seli_child", L.M, L.M, C.c_char_p)
L.fn("seli_call", L.T, L.M, L.T)
L.fn("seli_get_str", C.c_char_p, L.M, C.c_char_p)
L.fn("seli_has", C.c_int, L.M, C.c_char_p)
for name, args in [("seli_reshape", [L.T, C.c_int, C.POINTER(C.c_long)]),
                   ("seli_arange", [C.c_float, C.c_float, C.c_float]),
                   ("seli_mul_scalar", [L.T, C.c_float]), ("seli_add_scalar", [L.T, C.c_float]),
                   ("seli_softplus", [L.T]), ("seli_sum", [L.T, C.c_int, C.c_int])]:
    L.fn(name, L.T, *args)
SEED_FORMAT = 1


def shape(*dims):
    return len(dims), (C.c_long * len(dims))(*dims)


# --- notebook 03's flow model, in both libraries --------------------------

FORWARD = C.CFUNCTYPE(C.c_void_p, L.M, C.c_int, C.POINTER(L.T))


@FORWARD
def flow_forward(m, n, xs):
    """f(x) = x/15 sum_k (softplus(g(k x / 15)) + 1e-6) + c, as notebook 03's cell."""
    x = xs[0]
    b = x.contents.size
    frac = lib.seli_mul_scalar(lib.seli_arange(1, 16, 1), 1.0 / 15)
    t = lib.seli_mul(lib.seli_reshape(x, *shape(b, 1)), frac)
    g = lib.seli_call(lib.seli_child(m, b"net"), lib.seli_reshape(t, *shape(b * 15, 1)))
    slope = lib.seli_add_scalar(lib.seli_softplus(lib.seli_reshape(g, *shape(b, 15))), 1e-6)
    integral = lib.seli_mul(lib.seli_sum(slope, 1, 0), lib.seli_mul_scalar(x, 1.0 / 15))
    f = lib.seli_call(lib.seli_child(m, b"bias"), lib.seli_reshape(integral, *shape(b, 1)))
    return C.cast(lib.seli_reshape(f, *shape(b)), C.c_void_p).value


lib.seli_register(b"example:Flow", C.cast(flow_forward, C.c_void_p))


class Flow(seli.Module, name="example:Flow"):
    def __init__(self):
        self.net = seli.net.Sequential(seli.net.Affine(128), jax.nn.gelu, seli.net.Affine(128),
                                       jax.nn.gelu, seli.net.Affine(1))
        self.bias = seli.net.Bias()

    def __call__(self, x):
        frac = jnp.arange(1, 16, dtype=jnp.float32) / 15
        g = self.net((x[:, None] * frac).reshape(-1, 1))
        slope = jax.nn.softplus(g.reshape(x.shape[0], 15)) + 1e-6
        return self.bias((slope.sum(1) * (x / 15))[:, None]).reshape(-1)


def ours_flow():
    lib.seli_register(b"example:Flow", C.cast(flow_forward, C.c_void_p))
    m = lib.seli_module_new(b"example:Flow", C.cast(flow_forward, C.c_void_p))
    mlp = L.build("lib.seli_net_mlp(3, (C.c_int * 3)(128, 128, 1), lib.seli_net_gelu)")
    L.fn("seli_set_child", None, L.M, C.c_char_p, L.M)
    lib.seli_set_child(m, b"net", mlp)
    lib.seli_set_child(m, b"bias", L.build("lib.seli_net_bias()"))
    return m


L.fn("seli_module_new", L.M, C.c_char_p, C.c_void_p)

# --- the three models -------------------------------------------------------

rng = np.random.default_rng(21)
X_MLP = rng.normal(size=(64, 1)).astype(np.float32)
X_FLOW = rng.normal(size=(50,)).astype(np.float32) * 2
X_ATT = rng.normal(size=(3, 6, 4)).astype(np.float32)


def seed_models():
    return {
        "mlp": (seli.net.Sequential(seli.net.Affine(16), jax.nn.elu, seli.net.Affine(16),
                                    jax.nn.elu, seli.net.Affine(1)), X_MLP),
        "flow": (Flow(), X_FLOW),
        "attention": (seli.net.Sequential(
            seli.net.Linear(8),
            seli.net.Add(seli.net.DotProductAttention(8, 2, is_causal=True)),
            seli.net.LayerNorm(),
            seli.net.Rearrange("b n (h d) -> b n h d", h=2),
            seli.net.Reduce("b n h d -> b n d", "mean"),
            seli.net.RMSNorm(),
            seli.net.Affine(3)), X_ATT),
    }


def ours_models():
    att = ("lib.seli_net_sequential(7, lib.seli_net_linear(8), lib.seli_net_add(1, "
           "(lambda m: (lib.seli_set_int(m, b'is_causal', 1), m)[-1])("
           "lib.seli_net_dot_product_attention(8, 2, 0))), lib.seli_net_layernorm(), "
           "lib.seli_net_rearrange(b'b n (h d) -> b n h d', b'h=2'), "
           "lib.seli_net_reduce(b'b n h d -> b n d', b'mean', None), lib.seli_net_rmsnorm(), "
           "lib.seli_net_affine(3))")
    L.fn("seli_set_int", None, L.M, C.c_char_p, C.c_long)
    return {
        "mlp": (L.build("lib.seli_net_mlp(3, (C.c_int * 3)(16, 16, 1), lib.seli_net_elu)"), X_MLP),
        "flow": (ours_flow(), X_FLOW),
        "attention": (L.build(att), X_ATT),
    }


def ours_output(m, x):
    y, _, _, _ = L.call_and_vjp(m, [x], {}, grad_inputs=[])
    return y


def perturb(m):
    """Move every parameter away from its initial value (zeros, ones), so that
    a mapping that drops one is seen."""
    for i, (path, t) in enumerate(L.params(m).items()):
        a = L.array(t)
        L.set_param(m, path, a + np.random.default_rng(i).normal(size=a.shape).astype(np.float32) * 0.1)


@pytest.mark.parametrize("name", ["mlp", "flow", "attention"])
def test_a_model_the_seed_saved_loads_in_libseli_with_the_same_outputs(name, tmp_path):
    model, x = seed_models()[name]
    model = set_rngs(model, 3)
    model(jnp.asarray(x))  # creates the parameters
    path = str(tmp_path / "seed.npz")
    seli.save(path, model)
    m = lib.seli_load(path.encode())
    assert m, "seli_load returned NULL"
    try:
        close(f"{name}: libseli's output of the seed's file", ours_output(m, x),
              np.asarray(model(jnp.asarray(x))))
        assert lib.seli_has(m, b"load_note") == 0, "float32 arrays need no conversion note"
    finally:
        lib.seli_module_free(m)


@pytest.mark.parametrize("name", ["mlp", "flow", "attention"])
def test_a_model_libseli_saved_for_the_seed_loads_there_with_the_same_outputs(name, tmp_path):
    m, x = ours_models()[name]
    lib.seli_set_rngs(m, 5)
    try:
        ours_output(m, x)  # creates the parameters
        perturb(m)
        want = ours_output(m, x)
        path = str(tmp_path / "ours.npz")
        lib.seli_save_as(m, path.encode(), SEED_FORMAT)
    finally:
        lib.seli_module_free(m)
    loaded = seli.load(path)
    close(f"{name}: the seed's output of libseli's file", want, np.asarray(loaded(jnp.asarray(x))))
    # and back again: libseli reads what it wrote for the seed
    again = lib.seli_load(path.encode())
    try:
        close(f"{name}: round trip", ours_output(again, x), want)
    finally:
        lib.seli_module_free(again)


def run_python(code):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(__file__))
    return subprocess.run([sys.executable, "-c", "import libseli as L, ctypes as C\n" + code],
                          capture_output=True, text=True, env=env, timeout=120)


class Unknown(seli.Module, name="example:Unknown"):
    def __init__(self):
        self.inner = seli.net.Linear(2)

    def __call__(self, x):
        return self.inner(x)


def test_a_seed_type_without_counterpart_is_an_error_naming_it(tmp_path):
    model = set_rngs(seli.net.Sequential(seli.net.Affine(2), Unknown()), 0)
    model(jnp.ones((1, 3)))
    path = tmp_path / "unknown.npz"
    seli.save(str(path), model)
    r = run_python(f"L.lib.seli_load({str(path).encode()!r}); print('built')")
    assert r.returncode == 1 and "built" not in r.stdout
    assert "'example:Unknown'" in r.stderr and "at '1'" in r.stderr, r.stderr
    assert "seli_register" in r.stderr


def test_a_seed_function_without_counterpart_is_an_error_naming_it(tmp_path):
    model = set_rngs(seli.net.Sequential(seli.net.Affine(2), jax.nn.mish), 0)
    model(jnp.ones((1, 3)))
    path = tmp_path / "mish.npz"
    seli.save(str(path), model)
    r = run_python(f"L.lib.seli_load({str(path).encode()!r}); print('built')")
    assert r.returncode == 1 and "jax.nn.mish" in r.stderr and "at '1'" in r.stderr, r.stderr


def test_a_libseli_type_without_counterpart_writes_nothing(tmp_path):
    path = tmp_path / "tanh.npz"
    r = run_python(
        "m = L.build('lib.seli_net_sequential(2, lib.seli_net_linear(2), lib.seli_net_tanh())')\n"
        f"L.lib.seli_save_as.argtypes = [L.M, C.c_char_p, C.c_int]\n"
        f"L.lib.seli_save_as(m, {str(path).encode()!r}, 1); print('written')")
    assert r.returncode == 1 and "written" not in r.stdout
    assert "net.Tanh" in r.stderr and "at '1'" in r.stderr and "nothing was written" in r.stderr
    assert not path.exists()


def test_float64_arrays_are_converted_on_load_and_the_summary_says_so(tmp_path):
    model = set_rngs(seli.net.Sequential(seli.net.Affine(4), jax.nn.gelu, seli.net.Affine(1)), 1)
    x = rng.normal(size=(8, 2)).astype(np.float32)
    want = np.asarray(model(jnp.asarray(x)))
    arrays, tree = seli.to_arrays_and_json(model)
    # the seed's tree with every array as numpy's default float64 (keys stay uint32)
    converted = [np.asarray(a, np.float64) if a.dtype == np.float32 else np.asarray(a)
                 for a in arrays]
    path = str(tmp_path / "f64.npz")
    np.savez(path, *converted, tree)
    m = lib.seli_load(path.encode())
    try:
        close("float64 file", ours_output(m, x), want)
        note = lib.seli_get_str(m, b"load_note").decode()
        assert note == "converted on load: 4 arrays of dtype <f8 to float32", note
        assert "converted on load" in L.module_str(m)
    finally:
        lib.seli_module_free(m)
