"""The modules libseli took from the seed: combinators, einops layers and
attention, against the seed on the same inputs and parameters (outputs,
input gradients and every parameter's gradient; parity.py)."""

import einops
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from seed import seli
from parity import check

rng = np.random.default_rng(11)


def normal(*shape, scale=1.0):
    return (rng.normal(size=shape) * scale).astype(np.float32)


def test_add_is_a_residual_connection():
    seq = seli.net.Sequential(seli.net.Linear(4), jax.nn.tanh, seli.net.Linear(3))
    check("lib.seli_net_add(1, lib.seli_net_sequential(3, lib.seli_net_linear(4),"
          " lib.seli_net_tanh(), lib.seli_net_linear(3)))", seli.net.Add(seq), [normal(5, 3)],
          {"0.0.weight": normal(3, 4), "0.2.weight": normal(4, 3)})


def test_add_of_two_modules_applies_them_in_turn():
    check("lib.seli_net_add(2, lib.seli_net_linear(3), lib.seli_net_bias())",
          seli.net.Add(seli.net.Linear(3), seli.net.Bias()), [normal(5, 3)],
          {"0.weight": normal(3, 3), "1.bias": normal(3)})


def test_multiply_gates_its_input():
    check("lib.seli_net_multiply(1, lib.seli_net_affine(3))",
          seli.net.Multiply(seli.net.Affine(3)), [normal(5, 3)],
          {"0.linear.weight": normal(3, 3), "0.bias.bias": normal(3)},
          {"0.linear.weight": ("0.weight", lambda a: a), "0.bias.bias": ("0.bias", lambda a: a)})


def test_constant_ignores_its_input():
    value = normal(2, 3)
    import libseli as L
    with L.Scope():
        expr = "lib.seli_net_constant(L.tensor(value))"
        m = eval(expr.replace("lib.", "L._Constructors()."), {"L": L, "value": value})
    try:
        y, _, _, _ = L.call_and_vjp(m, [normal(4)], {}, grad_inputs=[])
    finally:
        L.lib.seli_module_free(m)
    np.testing.assert_array_equal(y, np.asarray(seli.net.Constant(jnp.asarray(value))(normal(4))))


def test_identity():
    check("lib.seli_net_identity()", seli.net._combine.Identity(), [normal(4, 2)])


REARRANGE = [
    ("b n (h d) -> b h n d", {"h": 2}, (3, 4, 6)),
    ("b h n d -> b n (h d)", {}, (2, 3, 4, 5)),
    ("... (h d) -> ... h d", {"d": 3}, (2, 4, 6)),
    ("b n d -> (b n) d", {}, (2, 3, 4)),
    ("n d -> d n 1", {}, (3, 4)),
]


@pytest.mark.parametrize("pattern,sizes,shape", REARRANGE, ids=[r[0] for r in REARRANGE])
def test_rearrange(pattern, sizes, shape):
    s = ", ".join(f"{k}={v}" for k, v in sizes.items())
    check(f'lib.seli_net_rearrange(b"{pattern}", b"{s}")', seli.net.Rearrange(pattern, **sizes),
          [normal(*shape)])


@pytest.mark.parametrize("reduction", ["sum", "mean", "max", "min", "prod"])
@pytest.mark.parametrize("pattern", ["b n d -> b d", "b (n k) d -> b n", "... d -> d"])
def test_reduce(pattern, reduction):
    sizes = {"k": 2} if "k" in pattern else {}
    s = ", ".join(f"{k}={v}" for k, v in sizes.items())
    check(f'lib.seli_net_reduce(b"{pattern}", b"{reduction}", b"{s}")',
          seli.net.Reduce(pattern, reduction, **sizes), [normal(2, 4, 3)])


@pytest.mark.parametrize("pattern,sizes,shape", [
    ("n d -> n k d", {"k": 3}, (2, 4)),
    ("h w -> (h a) (w b)", {"a": 2, "b": 3}, (2, 2)),
    ("b d -> b 1 d", {}, (3, 2)),
])
def test_repeat(pattern, sizes, shape):
    s = ", ".join(f"{k}={v}" for k, v in sizes.items())
    check(f'lib.seli_net_repeat(b"{pattern}", b"{s}")', seli.net.Repeat(pattern, **sizes),
          [normal(*shape)])


@pytest.mark.parametrize("pattern,shapes", [
    ("b i d, b j d -> b i j", [(2, 3, 4), (2, 5, 4)]),
    ("i j, j k, k l -> i l", [(2, 3), (3, 4), (4, 5)]),
    ("i j -> j", [(3, 4)]),
    ("b t n h, b s n h -> b n t s", [(2, 3, 2, 4), (2, 5, 2, 4)]),
    ("i, j -> i j", [(3,), (4,)]),
    ("b i, b i ->", [(3, 4), (3, 4)]),
])
def test_einsum(pattern, shapes):
    # The seed's net.Einsum calls einops.einsum(*args, pattern=pattern), which
    # einops (0.8, the version it asks for) refuses: the pattern must be the
    # last positional argument.  What it means is einops.einsum(*args, pattern).
    seed_einsum = seli.net.Einsum(pattern)
    with pytest.raises(TypeError, match="pattern"):
        seed_einsum(*[jnp.zeros(s) for s in shapes])
    check(f'lib.seli_net_einsum(b"{pattern}")', seed_einsum, [normal(*s) for s in shapes],
          call=lambda *xs: einops.einsum(*xs, pattern))


def attention_case(ours_opts, seed_kwargs, dim=8, heads_q=2, heads_k=None, shape=(2, 5, 8)):
    hk = heads_k or heads_q
    h = dim // heads_q
    att = seli.net.DotProductAttention(dim, heads_q, heads_k, **seed_kwargs)
    setters = "".join(f'L_set(m, b"{k}", {v})' for k, v in ours_opts.items())
    return att, shape[-1], h * (heads_q + 2 * hk)


@pytest.mark.parametrize("heads_q,heads_k", [(2, None), (4, 2), (4, 1)])
@pytest.mark.parametrize("batch", [(2,), ()], ids=["batched", "unbatched"])
def test_dot_product_attention(heads_q, heads_k, batch):
    dim = 8
    att = seli.net.DotProductAttention(dim, heads_q, heads_k)
    n = dim // heads_q * (heads_q + 2 * (heads_k or heads_q))
    check(f"lib.seli_net_dot_product_attention({dim}, {heads_q}, {heads_k or 0})", att,
          [normal(*batch, 5, dim)], {"qkv.weight": normal(dim, n, scale=0.5)})


def with_attrs(expr, ints=(), floats=()):
    """An expression that makes the module of expr and sets attributes on it."""
    parts = [f"(lambda m: ({''.join(f'L.seli_set_int(m, b{k!r}, {v}), ' for k, v in ints)}"
             f"{''.join(f'L.seli_set_float(m, b{k!r}, C.c_double({v})), ' for k, v in floats)}m)[-1])"]
    return parts[0] + f"({expr})"


@pytest.mark.parametrize("name,ints,floats,kwargs", [
    ("causal", [("is_causal", 1)], [], {"is_causal": True}),
    ("scale", [], [("scale", 0.3)], {"scale": 0.3}),
    ("norm", [("norm", 1)], [], {"norm": True}),
    ("tanh_cap", [], [("tanh_cap", 0.5)], {"tanh_cap": 0.5}),
], ids=lambda v: v if isinstance(v, str) else "")
def test_dot_product_attention_options(name, ints, floats, kwargs):
    att = seli.net.DotProductAttention(8, 2, **kwargs)
    import libseli as L
    L.fn("seli_set_int", None, L.M, L.C.c_char_p, L.C.c_long)
    expr = with_attrs("lib.seli_net_dot_product_attention(8, 2, 0)", ints, floats)
    check(expr.replace("L.seli_set", "lib.seli_set"), att, [normal(2, 5, 8)],
          {"qkv.weight": normal(8, 24, scale=0.5)})


def test_dot_product_attention_with_bias_and_mask():
    att = seli.net.DotProductAttention(8, 2)
    mask = (rng.uniform(size=(2, 1, 5, 5)) > 0.3).astype(np.float32)
    mask[0, 0, 2, :] = 0  # a row that attends to nothing: uniform weights, as JAX's
    check("lib.seli_net_dot_product_attention(8, 2, 0)", att,
          [normal(2, 5, 8), normal(2, 2, 5, 5), mask], {"qkv.weight": normal(8, 24, scale=0.5)},
          grad_inputs=[0, 1], call=lambda x, b, m: att(x, b, jnp.asarray(m) > 0))


@pytest.mark.parametrize("heads_q,heads_k", [(2, None), (4, 2)])
def test_cross_attention(heads_q, heads_k):
    att = seli.net.CrossAttention(8, heads_q, heads_k)
    hk = heads_k or heads_q
    check(f"lib.seli_net_cross_attention(8, {heads_q}, {heads_k or 0})", att,
          [normal(2, 5, 8), normal(2, 7, 6)],
          {"q.weight": normal(8, 8, scale=0.5), "kv.weight": normal(6, 8 // heads_q * hk * 2)})
