"""Random keys: where the two libraries differ, on purpose.

The seed's keys are JAX's (jax.random.PRNGKey, threefry2x32 by default):
set_rngs splits one key over the model's key slots, and initializers draw
with jax.random and jax.nn.initializers.  libseli's are its own: Philox4x32
keys, split and folded by path (seli/random.h), with its own samplers.  The
same seed therefore gives other numbers in each library; what both promise,
and what is checked here, is that a seeded run is reproducible and that the
samples have the distribution they claim.  Parity of models is therefore
checked with the parameters copied over (test_modules.py), never with
parameters drawn by each library."""

import ctypes as C

import jax
import jax.numpy as jnp
import pytest
import numpy as np

from seed import seli
import libseli as L


class Key(C.Structure):
    _fields_ = [("k", C.c_uint * 2)]


L.fn("seli_seed", Key, C.c_ulonglong)
L.fn("seli_normal", L.T, Key, C.c_int, C.POINTER(C.c_long))

N = 100_000


def ours_normal(seed):
    with L.Scope():
        return L.array(L.lib.seli_normal(L.lib.seli_seed(seed), 1, (C.c_long * 1)(N)))


def test_the_same_seed_gives_other_normals_than_jax_but_the_same_law():
    a = ours_normal(0)
    b = np.asarray(jax.random.normal(jax.random.PRNGKey(0), (N,)))
    assert not np.allclose(a[:10], b[:10]), "libseli's generator is not JAX's; equal numbers are a surprise"
    for x in (a, b):  # both standard normal: mean 0, variance 1 within 5 standard errors
        assert abs(x.mean()) < 5 / np.sqrt(N)
        assert abs(x.var() - 1) < 5 * np.sqrt(2 / N)


def test_libseli_seeded_samples_are_reproducible_and_seeds_differ():
    assert np.array_equal(ours_normal(42), ours_normal(42))
    assert not np.allclose(ours_normal(42)[:10], ours_normal(43)[:10])


def initial_weight(seed):
    m = L.build("lib.seli_net_linear(4)")
    L.lib.seli_set_rngs(m, seed)
    y, _, _, _ = L.call_and_vjp(m, [np.ones((1, 3), np.float32)], {}, grad_inputs=[])
    w = L.array(L.params(m)["weight"])
    L.lib.seli_module_free(m)
    return w


def test_same_seed_same_model_in_each_library_but_not_across_them():
    ours_a, ours_b = initial_weight(42), initial_weight(42)
    assert np.array_equal(ours_a, ours_b)
    lin = seli.net._key.set_rngs(seli.net.Linear(4), 42)
    lin(np.ones((1, 3), np.float32))
    theirs = np.asarray(lin.weight.value)
    lin2 = seli.net._key.set_rngs(seli.net.Linear(4), 42)
    lin2(np.ones((1, 3), np.float32))
    assert np.array_equal(theirs, np.asarray(lin2.weight.value))
    assert ours_a.shape == theirs.shape == (3, 4)
    assert not np.allclose(ours_a, theirs)


class Init(C.Structure):
    _fields_ = [("kind", C.c_int), ("a", C.c_double), ("b", C.c_double)]


L.fn("seli_init_sample", L.T, Init, Key, C.c_int, C.POINTER(C.c_long))
for _name in ("seli_init_he", "seli_init_glorot", "seli_init_lecun", "seli_init_he_uniform",
              "seli_init_glorot_uniform", "seli_init_lecun_uniform"):
    L.fn(_name, Init)


def ours_init(name, shape, seed=0):
    with L.Scope():
        dims = (C.c_long * len(shape))(*shape)
        return L.array(L.lib.seli_init_sample(getattr(L.lib, name)(), L.lib.seli_seed(seed),
                                              len(shape), dims))


# The seed's initializer (its net.init class and argument) for each of ours.
# The seed's normal ones are jax.nn.initializers' truncated normals, scaled
# to the same variance; libseli's are plain normals: the same variance, not
# the same law in the tails.  Note the seed's swapped names: its "He" is
# he_normal and its "Glorot" glorot_normal, but it also maps "Xavier" to He
# and "Kaiming" to Glorot.
INITS = [
    ("seli_init_he", lambda: seli.net.InitNormal("He")),
    ("seli_init_glorot", lambda: seli.net.InitNormal("Glorot")),
    ("seli_init_lecun", lambda: seli.net.InitNormal("LeCun")),
    ("seli_init_he_uniform", lambda: seli.net.InitUniform("He")),
    ("seli_init_glorot_uniform", lambda: seli.net.InitUniform("Glorot")),
    ("seli_init_lecun_uniform", lambda: seli.net.InitUniform("LeCun")),
]


@pytest.mark.parametrize("ours,theirs", INITS, ids=[i[0] for i in INITS])
def test_initializers_have_the_seeds_scale(ours, theirs):
    shape = (300, 200)
    a = ours_init(ours, shape)
    b = np.asarray(theirs()(jax.random.PRNGKey(0), shape, jnp.float32))
    n = a.size
    assert abs(a.std() / b.std() - 1) < 0.02, f"{ours}: std {a.std():.5f}, the seed's {b.std():.5f}"
    assert abs(a.mean()) < 5 * a.std() / np.sqrt(n) and abs(b.mean()) < 5 * b.std() / np.sqrt(n)
    if "uniform" in ours:  # the same interval
        assert abs(a.max() / b.max() - 1) < 0.01 and abs(a.min() / b.min() - 1) < 0.01
