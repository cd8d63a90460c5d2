"""parity.py: one module, the same inputs and parameters in both libraries.

A case gives libseli's module (a C constructor), the seed's module (a Python
object), the inputs, and the parameters as {seed path: array}, with, for each
of them, libseli's path and how the seed's value maps to libseli's (most are
the same array; the seed writes some scales as `weight + offset`).  check()
runs both, takes the vector-Jacobian product of the output with one random
cotangent in both, and compares the outputs, the input gradients and every
parameter's gradient, within 1e-5 relative or 1e-6 absolute near zero.

"Near zero" is measured against the tensor's own scale: an element passes
when |ours - seed| <= 1e-5 |seed| + 1e-6 max(1, max |seed|).  An element of a
gradient that is a sum of terms of size 5 which cancel to 0.05 carries the
terms' rounding (a few 1e-7 times 5, in either library), so for such
elements the absolute floor grows with the largest element of the tensor.
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
    floor = atol * max(1.0, float(np.abs(theirs).max(initial=0.0)))
    bad = err > floor + rtol * np.abs(theirs)
    worst = np.argmax(np.where(bad, err / (floor + rtol * np.abs(theirs)), 0))
    assert not bad.any(), (
        f"{name}: {bad.sum()} of {bad.size} elements differ; the worst, {ours.flat[worst]:.8g} "
        f"against the seed's {theirs.flat[worst]:.8g}, by {err.flat[worst]:.3g} (largest "
        f"|seed| {np.abs(theirs).max():.3g})"
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


def seed_call_and_vjp(module, inputs, params, w, grad_inputs, call=None):
    """The seed's output and the vjp with cotangent w with respect to the inputs
    listed in grad_inputs and every parameter (by seed path).  call, if given,
    is what is called instead of module (to convert an input, say)."""
    setters = {p: seed_param_setter(module, p) for p in params}
    call = call or module
    names = list(params)

    def f(xs, ps):
        for name, v in zip(names, ps):
            setters[name](v)
        full = list(inputs)
        for i, x in zip(grad_inputs, xs):
            full[i] = x
        return call(*full)

    xs = [jnp.asarray(inputs[i]) for i in grad_inputs]
    ps = [jnp.asarray(params[n]) for n in names]
    y, vjp = jax.vjp(f, xs, ps)
    gx, gp = vjp(jnp.asarray(w))
    return np.asarray(y), [np.asarray(g) for g in gx], dict(zip(names, map(np.asarray, gp)))


def check(ours_expr, seed_module, inputs, params=None, mapping=None, grad_inputs=None, seed=0,
          call=None):
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
    ys, gxs, gps = seed_call_and_vjp(seed_module, inputs, params, w, grad_inputs, call)
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
