"""parity.py: one module, the same inputs and parameters in both libraries.

A case gives libseli's module (a C constructor), the seed's module (a Python
object), the inputs, and the parameters as {seed path: array}, with, for each
of them, libseli's path and how the seed's value maps to libseli's (most are
the same array; the seed writes some scales as `weight + offset`).  check()
runs both, takes the vector-Jacobian product of the output with one random
cotangent in both, and compares the outputs, the input gradients and every
parameter's gradient, within 1e-5 relative or 1e-6 absolute.
"""

import jax
import jax.numpy as jnp
import numpy as np

import libseli as L

RTOL = 1e-5
ATOL = 1e-6


def close(name, ours, theirs, rtol=RTOL, atol=ATOL):
    ours = np.asarray(ours, dtype=np.float64)
    theirs = np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape, f"{name}: shape {ours.shape} against the seed's {theirs.shape}"
    err = np.abs(ours - theirs)
    bad = err > atol + rtol * np.abs(theirs)
    assert not bad.any(), (
        f"{name}: {bad.sum()} of {bad.size} elements differ; worst |ours - seed| = "
        f"{err.max():.3g} where the seed has {theirs.flat[np.argmax(err)]:.6g}"
    )


def seed_param_setter(seed_module, path):
    """A function that sets the seed's parameter at a dotted path ("0.linear.weight")."""
    obj = seed_module
    parts = path.split(".")
    for p in parts:
        obj = obj.modules[int(p)] if p.isdigit() else getattr(obj, p)

    def set_value(v):
        obj.value = v

    return set_value


def seed_call_and_vjp(module, inputs, params, w, grad_inputs):
    """The seed's output and the vjp with cotangent w with respect to the inputs
    listed in grad_inputs and every parameter (by seed path)."""
    setters = {p: seed_param_setter(module, p) for p in params}
    names = list(params)

    def f(xs, ps):
        for name, v in zip(names, ps):
            setters[name](v)
        full = list(inputs)
        for i, x in zip(grad_inputs, xs):
            full[i] = x
        return module(*full)

    xs = [jnp.asarray(inputs[i]) for i in grad_inputs]
    ps = [jnp.asarray(params[n]) for n in names]
    y, vjp = jax.vjp(f, xs, ps)
    gx, gp = vjp(jnp.asarray(w))
    return np.asarray(y), [np.asarray(g) for g in gx], dict(zip(names, map(np.asarray, gp)))


def check(ours_expr, seed_module, inputs, params=None, mapping=None, grad_inputs=None, seed=0):
    """Compare libseli's module (ours_expr, see libseli.build) with seed_module.
    params: {seed path: array}; mapping: {seed path: (our path, f)} where
    f(seed value) is our value (default: the same path, the same array)."""
    params = params or {}
    mapping = mapping or {}
    inputs = [np.asarray(x, dtype=np.float32) for x in inputs]
    grad_inputs = list(range(len(inputs))) if grad_inputs is None else grad_inputs
    ours_params = {}
    for sp, v in params.items():
        op, f = mapping.get(sp, (sp, lambda a: a))
        ours_params[op] = np.asarray(f(v), dtype=np.float32)
    m = L.build(ours_expr)
    L.lib.seli_set_rngs(m, 0)
    try:
        y, w, gx, gp = L.call_and_vjp(m, inputs, ours_params, seed, grad_inputs)
    finally:
        L.lib.seli_module_free(m)
    ys, gxs, gps = seed_call_and_vjp(seed_module, inputs, params, w, grad_inputs)
    close(f"{ours_expr}: output", y, ys)
    for i, (a, b) in enumerate(zip(gx, gxs)):
        close(f"{ours_expr}: gradient of input {i}", a, b)
    assert set(gp) == {mapping.get(sp, (sp,))[0] for sp in params}, (
        f"{ours_expr}: libseli's parameters {sorted(gp)} are not the seed's {sorted(params)}"
    )
    for sp in params:
        op = mapping.get(sp, (sp,))[0]
        close(f"{ours_expr}: gradient of {op} (the seed's {sp})", gp[op], gps[sp])
    return y
