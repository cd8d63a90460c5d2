"""JAX twin of notebooks/07_flow_matching.ipynb, in the seed's API (seli 0.1.2).

Flow matching from N(0, 1) to 0.5 N(-1, 0.25) + 0.5 N(1, 0.25): a field
v(x, t), MLP 2-128-128-1 with GELU, trained 10,000 steps on batches of 1,024
pairs with Adam 3e-4, the pairs sorted rank by rank (minibatch OT); samples
by 4,096 Euler steps x += dt v(x, t + dt) from 4,096 noise points; the
likelihood on a grid of 128 points by the same steps run backwards with the
exact 1-D divergence; then the notebook's second field trained on
independent pairs (same initial weights, same batches), the W1 table at 1, 2,
4, 16 and 4,096 steps for both fields and both Euler schemes, and 25 paths
against their chords.  Quality: w1 (4,096 samples against 32,768 data, by
quantile matching) and w1_floor (4,096 data points against the same).

Written as the seed's examples/flow_matching_ot_1d.py (seli.opt.Loss taking
a key, jnn.gelu, Adam): each training is one plain step (creating Adam's
state) and 9 lax.scans of 1,111 steps, one compiled program per field
(the loss's sort_pairs is static in the seed's tree, so each training
compiles once, and its first scan is left out of the step time); the Euler
integration is a lax.fori_loop whose step count is an array, so one program
serves every count; the paths and the likelihood are lax.scans."""
import time

t0 = time.perf_counter()
c0 = time.process_time()

import jax  # noqa: E402
import jax.lax as lax  # noqa: E402
import jax.nn as jnn  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.random as jrn  # noqa: E402
import numpy as np  # noqa: E402

from common import StepClock, print_step_ms, scan_chunks, seed, seli, two_gaussians  # noqa: E402

STEPS, BATCH, EULER, SAMPLES, GRID, DATA, N_PATHS = 10000, 1024, 4096, 4096, 128, 32768, 25


class Field(seli.Module):
    def __init__(self, dim=128):
        self.layers = [seli.net.Affine(dim), jnn.gelu, seli.net.Affine(dim), jnn.gelu,
                       seli.net.Affine(1)]

    def __call__(self, x, t):
        h = jnp.stack([x, t], -1)
        for layer in self.layers:
            h = layer(h)
        return h[..., 0]


class FlowMatching(seli.opt.Loss):
    def __init__(self, sort_pairs):
        self.sort_pairs = sort_pairs

    def __call__(self, field, key):
        k0, k1, kt = jrn.split(key, 3)
        x0, x1 = jrn.normal(k0, (BATCH,)), two_gaussians(k1, BATCH)
        if self.sort_pairs:
            x0, x1 = jnp.sort(x0), jnp.sort(x1)
        t = jrn.uniform(kt, (BATCH,))
        velocity = x1 - x0
        return jnp.mean(jnp.square(field(x0 + t * velocity, t) - velocity))


def step(state, key):
    field, opt, loss = state
    opt, field, value = opt.minimize(loss, field, key)
    return [field, opt, loss], value


def train(sort_pairs, keys, clock):
    field = Field().set_rngs(seed(42))
    field(jnp.zeros((1,)), jnp.zeros((1,)))   # creates the parameters
    state, first = seli.jit(step)([field, seli.opt.Adam(3e-4), FlowMatching(sort_pairs)], keys[0])
    # the first chunk compiles (sort_pairs is static: each training compiles its own)
    state, rest = scan_chunks(step, state, keys[1:], clock)
    return state[0], np.asarray(jnp.concatenate([first[None], rest]))


@seli.jit
def integrate(field, x, steps, at_end):
    """x += h v(x, (i + at_end) h), h = 1 / steps, for i < steps (steps: an array)."""
    h = 1.0 / steps

    def body(i, x):
        return x + h * field(x, jnp.full(x.shape, (i + at_end) * h))
    return lax.fori_loop(0, steps, body, x)


@seli.jit
def paths(field, x):
    """The EULER-step paths of the points x: [EULER + 1, len(x)]."""
    def body(x, i):
        return x + field(x, jnp.full(x.shape, (i + 1.0) / EULER)) / EULER, x
    x, path = lax.scan(body, x, jnp.arange(EULER))
    return jnp.concatenate([path, x[None]])


@seli.jit
def backwards(field, y):
    """The Euler steps run backwards from t = 1, with the integral of dv/dx."""
    slope = jax.vmap(jax.value_and_grad(lambda y, t: field(y[None], t[None])[0]))

    def body(carry, i):
        y, div = carry
        v, dv = slope(y, jnp.full(y.shape, i / EULER))
        return (y - v / EULER, div + dv / EULER), None
    (y, div), _ = lax.scan(body, (y, jnp.zeros_like(y)), jnp.arange(EULER, 0, -1.0))
    return y, div


clock, clock_ind = StepClock(), StepClock()
key = jrn.PRNGKey(seed(42))
k_train, k_noise, k_data, k_floor = jrn.split(key, 4)
train_keys = jrn.split(k_train, STEPS)
field, losses = train(True, train_keys, clock)

noise = jrn.normal(k_noise, (SAMPLES,))
samples = integrate(field, noise, jnp.asarray(EULER), jnp.asarray(1.0))
xs = jnp.linspace(-3, 3, GRID)
y, divergence = backwards(field, xs)
density = jnp.exp(-0.5 * y**2 - 0.5 * jnp.log(2 * jnp.pi) - divergence)
sorted_data = jnp.sort(two_gaussians(k_data, DATA))


def w1_to_data(model):
    return float(jnp.mean(jnp.abs(jnp.repeat(jnp.sort(model), DATA // model.size) - sorted_data)))


w1 = w1_to_data(samples)
floor_w1 = w1_to_data(two_gaussians(k_floor, SAMPLES))
print(f"quality: w1={w1:.4f}")
print(f"quality: w1_floor={floor_w1:.4f}")

field_ind, losses_ind = train(False, train_keys, clock_ind)   # same weights, same batches
print(f"mean loss of the last 1,000 steps: OT pairs {losses[-1000:].mean():.4f}, "
      f"independent pairs {losses_ind[-1000:].mean():.4f}")

counts = [1, 2, 4, 16, EULER]
fields = [field, field_ind]
pairing = ["OT pairs", "independent pairs"]
print(f"W1 to the data, 4,096 samples (w1_floor = {floor_w1:.4f})\n")
print(f"{'steps':<38}" + "".join(f"{c:8d}" for c in counts))
for m in range(2):
    for at_end in (1, 0):
        row = []
        for c in counts:
            if c == EULER and not at_end:
                row.append(f"{'-':>8}")
            elif c == EULER and m == 0:
                row.append(f"{w1:8.4f}")
            else:
                x = integrate(fields[m], noise, jnp.asarray(c), jnp.asarray(float(at_end)))
                row.append(f"{w1_to_data(x):8.4f}")
        scheme = "x += dt v(x, t+dt)" if at_end else "x += dt v(x, t)"
        print(f"{pairing[m]:<18} {scheme:<19}" + "".join(row))

sorted_noise = jnp.sort(noise)
starts = sorted_noise[((np.arange(N_PATHS) + 0.5) * SAMPLES / N_PATHS).astype(int)]
t_axis = jnp.arange(EULER + 1)[:, None] / EULER
for m in range(2):
    path = paths(fields[m], starts)
    chord = (1 - t_axis) * path[0] + t_axis * path[-1]
    print(f"{pairing[m]}: largest distance of a path from its chord: "
          f"{float(jnp.max(jnp.abs(path - chord))):.3f}")
seconds = time.perf_counter() - t0
print_step_ms(training_ot_pairs=clock, training_independent_pairs=clock_ind)
print(f"seconds: {seconds:.3f}")
print(f"cpu seconds: {time.process_time() - c0:.3f}")
