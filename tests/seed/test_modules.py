"""Every module type that both libraries have: the same inputs and parameters
give the same outputs, and the same gradients with respect to the inputs and
every parameter (1e-5 relative or 1e-6 absolute; parity.py)."""

import functools

import jax
import numpy as np
import pytest

from seed import seli
from parity import check

rng = np.random.default_rng(7)


def normal(*shape, scale=1.0):
    return (rng.normal(size=shape) * scale).astype(np.float32)


ACTIVATIONS = [
    ("lib.seli_net_relu()", jax.nn.relu),
    ("lib.seli_net_leaky_relu(C.c_float(0.01))", jax.nn.leaky_relu),
    ("lib.seli_net_leaky_relu(C.c_float(0.2))", functools.partial(jax.nn.leaky_relu, negative_slope=0.2)),
    ("lib.seli_net_elu()", jax.nn.elu),
    ("lib.seli_net_gelu()", jax.nn.gelu),
    ("lib.seli_net_tanh()", jax.nn.tanh),
    ("lib.seli_net_sigmoid()", jax.nn.sigmoid),
    ("lib.seli_net_softplus()", jax.nn.softplus),
]


@pytest.mark.parametrize("ours,theirs", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_matches_the_seeds_jax_function(ours, theirs):
    # the seed has no activation modules: a model holds jax.nn's functions
    x = normal(5, 7, scale=3.0)
    x[np.abs(x) < 1e-3] = 0.5  # away from the kink at 0
    check(ours, theirs, [x])


def test_linear():
    check("lib.seli_net_linear(5)", seli.net.Linear(5), [normal(4, 3)],
          {"weight": normal(3, 5)})


def test_linear_on_a_batch_of_sequences():
    check("lib.seli_net_linear(2)", seli.net.Linear(2), [normal(2, 3, 4)],
          {"weight": normal(4, 2)})


def test_bias():
    check("lib.seli_net_bias()", seli.net.Bias(), [normal(4, 3)], {"bias": normal(3)})


def test_affine():
    # the seed's Affine is a Linear and a Bias: linear.weight, bias.bias
    check("lib.seli_net_affine(5)", seli.net.Affine(5), [normal(6, 3)],
          {"linear.weight": normal(3, 5), "bias.bias": normal(5)},
          {"linear.weight": ("weight", lambda a: a), "bias.bias": ("bias", lambda a: a)})


def test_scale():
    # the seed scales by scale + offset (offset 1, scale starting at 0)
    check("lib.seli_net_scale()", seli.net.Scale(), [normal(4, 3)], {"scale": normal(3)},
          {"scale": ("scale", lambda a: a + 1)})


def test_layernorm():
    # the seed: normalised x * (weight + offset) + bias; ours: * scale + offset
    check("lib.seli_net_layernorm()", seli.net.LayerNorm(), [normal(4, 6, scale=2.0) + 1],
          {"weight": normal(6, scale=0.3), "bias": normal(6)},
          {"weight": ("scale", lambda a: a + 1), "bias": ("offset", lambda a: a)})


def test_rmsnorm():
    # the seed's RMSNorm has a bias too, and scales by weight + offset
    check("lib.seli_net_rmsnorm()", seli.net.RMSNorm(), [normal(4, 6, scale=2.0) + 1],
          {"weight": normal(6, scale=0.3), "bias": normal(6)},
          {"weight": ("scale", lambda a: a + 1), "bias": ("offset", lambda a: a)})


def test_sequential_of_layers_and_activations():
    seq = seli.net.Sequential(seli.net.Linear(4), jax.nn.tanh, seli.net.Bias())
    check("lib.seli_net_sequential(3, lib.seli_net_linear(4), lib.seli_net_tanh(),"
          " lib.seli_net_bias())", seq, [normal(5, 3)],
          {"0.weight": normal(3, 4), "2.bias": normal(4)})


@pytest.mark.parametrize("act", ["elu", "gelu", "relu", "tanh"])
def test_mlp(act):
    """The paper's MLP, 1 -> 16 -> 16 -> 1 (Affine layers with an activation between)."""
    f = getattr(jax.nn, act)
    seq = seli.net.Sequential(seli.net.Affine(16), f, seli.net.Affine(16), f, seli.net.Affine(1))
    params, mapping = {}, {}
    for i, (n_in, n_out) in zip((0, 2, 4), ((1, 16), (16, 16), (16, 1))):
        params[f"{i}.linear.weight"] = normal(n_in, n_out, scale=n_in ** -0.5)
        params[f"{i}.bias.bias"] = normal(n_out, scale=0.1)
        mapping[f"{i}.linear.weight"] = (f"{i}.weight", lambda a: a)
        mapping[f"{i}.bias.bias"] = (f"{i}.bias", lambda a: a)
    ours = (f"lib.seli_net_mlp(3, (C.c_int * 3)(16, 16, 1), lib.seli_net_{act})")
    check(ours, seq, [normal(64, 1)], params, mapping)
