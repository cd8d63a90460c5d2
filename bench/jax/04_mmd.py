"""JAX twin of notebooks/04_mmd.ipynb, in the seed's API (seli 0.1.2).

A 1-32-32-1 ReLU generator trained by minimising the V-statistic of the MMD
(RBF kernel, sigma 0.1) between a batch of 32 data points (0.5 N(-1, 0.25) +
0.5 N(1, 0.25)) and 32 generated ones; Adam 1e-3, 1,000 steps.  Then, as the
notebook, V and U over 2,000 fresh pairs of batches.  Quality: w1 between
32,768 model and 32,768 data samples, and w1_floor (two data samples).

Written as the seed's examples/maximum_mean_discrepancy.py (a Model with
prior and sample, a seli.opt.Loss taking a key), but the 1,000 steps are one
lax.scan over the per-step keys: the loss draws the data batch and the prior
batch from its key inside the compiled step.  The 2,000 trials are one vmap."""
import time

t0 = time.perf_counter()
c0 = time.process_time()

import jax  # noqa: E402
import jax.nn as jnn  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.random as jrn  # noqa: E402

from common import (  # noqa: E402
    StepClock, block, print_step_ms, scan_minimize, seed, seli, two_gaussians)

STEPS, BATCH, SIGMA, TRIALS = 1000, 32, 0.1, 2000


class Model(seli.Module):
    def __init__(self, dim=32):
        self.layers = [seli.net.Affine(dim), jnn.relu, seli.net.Affine(dim), jnn.relu,
                       seli.net.Affine(1)]

    def __call__(self, z):
        x = z[..., None]
        for layer in self.layers:
            x = layer(x)
        return x[..., 0]

    def sample(self, key, n):
        return self(jrn.normal(key, (n,)))


def rbf_mean(a, b):
    return jnp.mean(jnp.exp(-0.5 / SIGMA**2 * jnp.square(a[:, None] - b[None, :])))


def rbf_mean_offdiag(a):
    n = a.shape[0]
    return (rbf_mean(a, a) - 1 / n) * n / (n - 1)


def mmd_v(x, y):
    return rbf_mean(x, x) + rbf_mean(y, y) - 2 * rbf_mean(x, y)


def mmd_u(x, y):
    return rbf_mean_offdiag(x) + rbf_mean_offdiag(y) - 2 * rbf_mean(x, y)


class MMD(seli.opt.Loss):
    def __call__(self, model, key):
        k_data, k_prior = jrn.split(key)
        return mmd_v(two_gaussians(k_data, BATCH), model.sample(k_prior, BATCH))


key = jrn.PRNGKey(seed(0))
k_train, k_eval, k_trials = jrn.split(key, 3)
step_keys = jrn.split(k_train, STEPS)
model = Model().set_rngs(seed(42))
model(jnp.zeros((1,)))   # creates the parameters (the seed creates them on the first call)
loss = MMD()
opt = seli.opt.Adam(1e-3)
opt, model, first = opt.minimize(loss, model, step_keys[0])
opt, model, rest = block(scan_minimize(opt, loss, model, STEPS - 1, keys=step_keys[1:]))
losses = jnp.concatenate([first[None], rest])

clock = StepClock()   # the steady state: the same scan again, compiled already
fresh_model = Model().set_rngs(seed(42))
fresh_model(jnp.zeros((1,)))
fresh_opt, fresh_model, _ = seli.opt.Adam(1e-3).minimize(loss, fresh_model, step_keys[0])
clock.time(STEPS - 1, scan_minimize, fresh_opt, loss, fresh_model, STEPS - 1,
           keys=step_keys[1:])

k = jrn.split(k_eval, 3)
data = jnp.sort(two_gaussians(k[0], 32768))
w1 = float(jnp.mean(jnp.abs(data - jnp.sort(model.sample(k[1], 32768)))))
w1_floor = float(jnp.mean(jnp.abs(data - jnp.sort(two_gaussians(k[2], 32768)))))


@jax.jit
def trial(key):
    k1, k2, k3 = jrn.split(key, 3)
    x, x2 = two_gaussians(k1, BATCH), two_gaussians(k2, BATCH)
    y = model.sample(k3, BATCH)
    return jnp.stack([mmd_v(x, x2), mmd_u(x, x2), mmd_v(x, y), mmd_u(x, y)])


trials = jax.vmap(trial)(jrn.split(k_trials, TRIALS))
v_dd, u_dd, v_dm, u_dm = (float(v) for v in jnp.mean(trials, 0))
late = float(jnp.mean(losses[STEPS // 2:]))
seconds = time.perf_counter() - t0
print(f"training loss, mean of the last {STEPS - STEPS // 2} steps: {late:.4f}")
print(f"data against data:  V = {v_dd:.4f}, U = {u_dd:+.4f}")
print(f"data against model: V = {v_dm:.4f}, U = {u_dm:+.4f}")
print(f"quality: w1={w1:.4f}")
print(f"quality: w1_floor={w1_floor:.4f}")
print_step_ms(training=clock)
print(f"seconds: {seconds:.3f}")
print(f"cpu seconds: {time.process_time() - c0:.3f}")
