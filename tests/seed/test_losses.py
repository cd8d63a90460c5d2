"""The seed's three losses, MeanSquaredError, MeanAbsoluteError and
BinaryCrossEntropy, against libseli's seli_mse, seli_mae and seli_bce_logits:
the same value and the same gradients with respect to the prediction and the
target.  The seed reduces by the mean only (it has no other reduction), and
so do these."""

import ctypes as C

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from seed import seli
import libseli as L
from parity import close

LOSSES = [
    ("seli_mse", seli.opt.MeanSquaredError),
    ("seli_mae", seli.opt.MeanAbsoluteError),
    ("seli_bce_logits", seli.opt.BinaryCrossEntropy),
]


def ours(name, pred, target):
    with L.Scope():
        p, t = L.tensor(pred), L.tensor(target)
        L.lib.seli_requires_grad(p)
        L.lib.seli_requires_grad(t)
        loss = getattr(L.lib, name)(p, t)
        out = (L.T * 2)()
        L.lib.seli_vjp(loss, None, 2, (L.T * 2)(p, t), out, 0)
        return L.array(loss), L.array(out[0]), L.array(out[1])


def theirs(cls, pred, target):
    loss = cls()

    def f(p, t):
        return loss(lambda x: x, t, p)  # the model is the identity: loss(model, y_true, x)

    value, (gp, gt) = jax.value_and_grad(f, argnums=(0, 1))(jnp.asarray(pred), jnp.asarray(target))
    return np.asarray(value), np.asarray(gp), np.asarray(gt)


@pytest.mark.parametrize("name,cls", LOSSES, ids=[n for n, _ in LOSSES])
@pytest.mark.parametrize("target_shape", [(16, 3), (3,)], ids=["same shape", "broadcast target"])
def test_loss_value_and_gradients_are_the_seeds(name, cls, target_shape):
    rng = np.random.default_rng(5)
    pred = (rng.normal(size=(16, 3)) * 3).astype(np.float32)
    if name == "seli_bce_logits":
        target = rng.uniform(size=target_shape).astype(np.float32)  # labels in [0, 1]
    else:
        target = rng.normal(size=target_shape).astype(np.float32)
    v, gp, gt = ours(name, pred, target)
    sv, sgp, sgt = theirs(cls, pred, target)
    close(f"{name}: value", v, sv)
    close(f"{name}: gradient with respect to the prediction", gp, sgp)
    close(f"{name}: gradient with respect to the target", gt, sgt)


def test_bce_stays_finite_for_large_logits_as_the_seeds():
    pred = np.array([-200.0, -30.0, 0.0, 30.0, 200.0], np.float32)
    target = np.array([1.0, 0.0, 0.5, 1.0, 0.0], np.float32)
    v, gp, _ = ours("seli_bce_logits", pred, target)
    sv, sgp, _ = theirs(seli.opt.BinaryCrossEntropy, pred, target)
    assert np.isfinite(v) and np.isfinite(sv)
    close("bce at large logits", v, sv)
    close("bce gradient at large logits", gp, sgp)
