"""The six optimizers take the seed's steps: the same 100 gradients, fed to
both through a linear loss sum(theta * g_t) (whose gradient is exactly g_t),
give the same parameters after every step, within 1e-5 relative or 1e-6
absolute.  The seed runs its own jit-compiled Optimizer.minimize."""

import ctypes as C

import jax.numpy as jnp
import numpy as np
import pytest

from seed import seli
import libseli as L
from parity import close

STEPS = 100

# (libseli's constructor, the seed's optimizer), the same settings
OPTIMIZERS = {
    "SGD": ("lib.seli_opt_sgd(C.c_double(0.05))", lambda: seli.opt.SGD(0.05)),
    "Momentum": ("lib.seli_opt_momentum(C.c_double(0.01), C.c_double(0.9))",
                 lambda: seli.opt.Momentum(0.01, 0.9)),
    "Nesterov": ("lib.seli_opt_nesterov(C.c_double(0.01), C.c_double(0.9))",
                 lambda: seli.opt.Nesterov(0.01, 0.9)),
    "RMSProp": ("lib.seli_opt_rmsprop(C.c_double(0.01), C.c_double(0.9))",
                lambda: seli.opt.RMSProp(0.01, 0.9)),
    "AdaGrad": ("lib.seli_opt_adagrad(C.c_double(0.1))", lambda: seli.opt.Adagrad(0.1)),
    "Adam": ("lib.seli_opt_adam(C.c_double(0.01))", lambda: seli.opt.Adam(0.01)),
}


class LinearLoss(seli.opt.Loss):
    """sum(theta * g): its gradient with respect to theta is g."""

    def __call__(self, model, g):
        return jnp.sum(model.bias.value * g)


def seed_trajectory(make_opt, theta0, grads):
    model = seli.net.Bias()
    model.bias.value = jnp.asarray(theta0)
    opt, loss, out = make_opt(), LinearLoss(), []
    for g in grads:
        opt, model, _ = opt.minimize(loss, model, jnp.asarray(g))
        out.append(np.asarray(model.bias.value))
    return out


OBJECTIVE = C.CFUNCTYPE(C.c_void_p, C.POINTER(L.T), C.c_void_p)


def libseli_trajectory(expr, theta0, grads):
    opt = L.build(expr)
    shape = (C.c_long * theta0.ndim)(*theta0.shape)
    theta = L.lib.seli_tensor_new(theta0.ndim, shape)
    C.memmove(theta.contents.data, theta0.ctypes.data, theta0.nbytes)
    L.lib.seli_requires_grad(theta)
    current = {}

    @OBJECTIVE
    def linear(params, ctx):
        y = L.lib.seli_sum_all(L.lib.seli_mul(params[0], L.tensor(current["g"])))
        return C.cast(y, C.c_void_p).value

    out = []
    try:
        for g in grads:
            current["g"] = g
            L.lib.seli_minimize_tensors(opt, linear, 1, (L.T * 1)(theta), None)
            out.append(L.array(theta))
    finally:
        L.lib.seli_tensor_free(theta)
        L.lib.seli_module_free(opt)
    return out


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_takes_the_seeds_steps_for_100_steps(name):
    rng = np.random.default_rng(3)
    theta0 = rng.normal(size=(3, 4)).astype(np.float32)
    # gradients of varied size and sign, some near zero
    grads = [(rng.normal(size=(3, 4)) * rng.choice([0.01, 1, 5])).astype(np.float32)
             for _ in range(STEPS)]
    ours_expr, make_seed = OPTIMIZERS[name]
    ours = libseli_trajectory(ours_expr, theta0, grads)
    theirs = seed_trajectory(make_seed, theta0, grads)
    for step, (a, b) in enumerate(zip(ours, theirs), 1):
        close(f"{name}: parameters after step {step}", a, b)


def test_nesterov_is_the_seeds_rule_not_the_look_ahead_gradient():
    """The seed's Nesterov: v = beta v + g; step = lr (beta v + (1 - beta) g),
    with g taken at theta itself.  Two steps by hand, in float64."""
    lr, beta = 0.1, 0.9
    grads = [np.array([1.0, -2.0], np.float32), np.array([0.5, 4.0], np.float32)]
    theta = np.array([0.3, -0.7], np.float64)
    v = np.zeros(2)
    expected = []
    for g in grads:
        v = beta * v + g
        theta = theta - lr * (beta * v + (1 - beta) * g)
        expected.append(theta.copy())
    ours = libseli_trajectory("lib.seli_opt_nesterov(C.c_double(0.1), C.c_double(0.9))",
                              np.array([0.3, -0.7], np.float32), grads)
    for a, b in zip(ours, expected):
        close("Nesterov by hand", a, b)
