"""JAX twin of notebooks/03_normalizing_flow.ipynb, in the seed's API (seli 0.1.2).

A monotone 1-D flow f(x) = x/15 sum_{k=1..15} (softplus(g(k x / 15)) + 1e-6)
+ c, with g an MLP 1-128-128-1 (GELU, tanh form) and c a seli.net.Bias,
trained by maximum likelihood (log N(f(x); 0, 1) + log |f'(x)|, f' by
autodiff, so every step differentiates through a derivative) on batches of
128 from 0.5 N(-1, 0.25) + 0.5 N(1, 0.25), Adam 3e-4, 10,000 steps.
Sampling as the notebook: a table of f and f' on 8,193 points of [-6, 6],
checked increasing, then each of 32,768 normal z inverted by bisection in
the table and linear interpolation.  Quality: w1 against 32,768 data, and
w1_floor (two data samples).

Written as the seed's examples (seli.opt.Loss taking a key, jnn.gelu, Adam);
f' is jax.vmap(jax.value_and_grad(f)) per point.  Training is one plain step
(creating Adam's state) and 9 lax.scans of 1,111 steps, one compiled program.
The table is one call over the whole grid (the notebook goes in chunks of
1,024 for memory; JAX needs no chunks here), and the bisection is
jnp.searchsorted over all z at once, the vectorised form of the loop."""
import math
import time

t0 = time.perf_counter()
c0 = time.process_time()

import jax  # noqa: E402
import jax.nn as jnn  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.random as jrn  # noqa: E402

from common import StepClock, print_step_ms, scan_chunks, seed, seli, two_gaussians  # noqa: E402

STEPS, BATCH, POINTS, GRID, SAMPLES = 10000, 128, 16, 8193, 32768
INTERVALS = POINTS - 1


class Flow(seli.Module):
    def __init__(self, dim=128):
        self.layers = [seli.net.Affine(dim), jnn.gelu, seli.net.Affine(dim), jnn.gelu,
                       seli.net.Affine(1)]
        self.bias = seli.net.Bias()

    def __call__(self, x):
        t = x[..., None] * (jnp.arange(1, POINTS) / INTERVALS)      # [..., 15]
        g = t[..., None]
        for layer in self.layers:
            g = layer(g)
        slope = jnn.softplus(g[..., 0]) + 1e-6
        return self.bias((jnp.sum(slope, -1) * x / INTERVALS)[..., None])[..., 0]


def f_and_slope(flow, x):
    return jax.vmap(jax.value_and_grad(lambda x: flow(x[None])[0]))(x)


def log_likelihood(flow, x):
    f, df = f_and_slope(flow, x)
    return -0.5 * jnp.square(f) - 0.5 * math.log(2 * math.pi) + jnp.log(jnp.abs(df))


class NegLogLikelihood(seli.opt.Loss):
    def __call__(self, flow, key):
        return -jnp.mean(log_likelihood(flow, two_gaussians(key, BATCH)))


def step(state, key):
    flow, opt = state
    opt, flow, value = opt.minimize(NegLogLikelihood(), flow, key)
    return [flow, opt], value


clock = StepClock()
key = jrn.PRNGKey(seed(42))
k_train, k_z, k_data, k_data2 = jrn.split(key, 4)
keys = jrn.split(k_train, STEPS)
flow = Flow().set_rngs(seed(42))
flow(jnp.zeros((1,)))   # creates the parameters (the seed creates them on the first call)
state, first = seli.jit(step)([flow, seli.opt.Adam(3e-4)], keys[0])
state, rest = scan_chunks(step, state, keys[1:], clock)
losses = jnp.concatenate([first[None], rest])
flow = state[0]

grid_x = jnp.arange(GRID) * (12.0 / (GRID - 1)) - 6.0
grid_f, grid_df = seli.jit(f_and_slope)(flow, grid_x)
not_increasing = int(jnp.sum(~(grid_f[1:] > grid_f[:-1])))
not_positive = int(jnp.sum(~(grid_df > 0)))
lowest = int(jnp.argmin(grid_df))
if not_increasing == 0 and not_positive == 0:
    print(f"table check: f increases on all {GRID - 1} intervals of [-6, 6]; smallest f' = "
          f"{float(grid_df[lowest]):.3g}, at x = {float(grid_x[lowest]):.2f}")
else:
    print(f"table check FAILED: f does not increase on {not_increasing} of {GRID - 1} intervals, "
          f"f' <= 0 at {not_positive} of {GRID} points")
_, slope = f_and_slope(flow, jnp.linspace(-1, 1, 3))
print("f'(-1) = %.3f, f'(0) = %.3f, f'(1) = %.3f" % tuple(float(s) for s in slope))


@jax.jit
def invert(z, grid_x, grid_f):
    b = jnp.clip(jnp.searchsorted(grid_f, z), 1, GRID - 1)   # grid_f[b - 1] < z <= grid_f[b]
    a = b - 1
    w = jnp.clip((z - grid_f[a]) / (grid_f[b] - grid_f[a]), 0, 1)
    return grid_x[a] + w * (grid_x[b] - grid_x[a])


samples = invert(jrn.normal(k_z, (SAMPLES,)), grid_x, grid_f)
data = jnp.sort(two_gaussians(k_data, SAMPLES))
w1 = float(jnp.mean(jnp.abs(jnp.sort(samples) - data)))
w1_floor = float(jnp.mean(jnp.abs(jnp.sort(two_gaussians(k_data2, SAMPLES)) - data)))
density = jnp.exp(log_likelihood(flow, jnp.linspace(-3, 3, 128)))
seconds = time.perf_counter() - t0
print(f"quality: w1={w1:.4f}")
print(f"quality: w1_floor={w1_floor:.4f}")
print_step_ms(training=clock)
print(f"seconds: {seconds:.3f}")
print(f"cpu seconds: {time.process_time() - c0:.3f}")
