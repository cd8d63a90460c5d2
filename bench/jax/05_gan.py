"""JAX twin of notebooks/05_gan.ipynb, in the seed's API (seli 0.1.2).

A Wasserstein-type GAN on 0.5 N(-1, 0.25) + 0.5 N(1, 0.25): generator and
critic 1-128-128-1 with leaky ReLU (slope 0.01), batch 128, 10,000 steps of
one generator step (Adam 1e-3, mean critic score of G(z)) then one critic
step (Adam 2e-3, mean D(real) - mean D(fake) + 5 (mean D'(real)^2 + mean
D'(fake)^2), the fake batch from the generator just updated).  Quality: w1
between 32,768 generated and 32,768 data samples, and w1_floor.

Written as the seed's examples/generative_adversarial_net_1d.py (its losses,
its seeds: generator set_rngs(0), critic set_rngs(1), key 42), but the steps
are a lax.scan over per-step keys instead of its Python loop over 5 unrolled
steps: after one plain step (which creates the parameters' Adam state), the
remaining 9,999 run as 9 scans of 1,111 steps, one compiled program."""
import time

t0 = time.perf_counter()
c0 = time.process_time()

import jax  # noqa: E402
import jax.nn as jnn  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.random as jrn  # noqa: E402

from common import StepClock, print_step_ms, scan_chunks, seed, seli, two_gaussians  # noqa: E402

STEPS, BATCH, SAMPLES = 10000, 128, 32768


class Network(seli.Module):
    def __init__(self, dim=128):
        self.layers = [seli.net.Affine(dim), jnn.leaky_relu, seli.net.Affine(dim),
                       jnn.leaky_relu, seli.net.Affine(1)]

    def __call__(self, x):
        x = x[..., None]
        for layer in self.layers:
            x = layer(x)
        return x[..., 0]

    def sample(self, key, n):
        return self(jrn.normal(key, (n,)))


class LossGenerator(seli.opt.Loss):
    def __call__(self, generator, critic, key):
        return jnp.mean(critic(generator.sample(key, BATCH)))


class LossCritic(seli.opt.Loss):
    def __call__(self, critic, generator, key, real):
        score_and_slope = jax.vmap(jax.value_and_grad(critic))
        pred_real, slope_real = score_and_slope(real)
        pred_fake, slope_fake = score_and_slope(generator.sample(key, BATCH))
        penalty = jnp.mean(jnp.square(slope_real)) + jnp.mean(jnp.square(slope_fake))
        return jnp.mean(pred_real) - jnp.mean(pred_fake) + 5 * penalty


def train_step(state, key):
    generator, critic, opt_g, opt_d = state
    k_z, k_fake, k_real = jrn.split(key, 3)
    opt_g, generator, loss_g = opt_g.minimize(LossGenerator(), generator, critic, k_z)
    opt_d, critic, loss_d = opt_d.minimize(LossCritic(), critic, generator, k_fake,
                                           two_gaussians(k_real, BATCH))
    return [generator, critic, opt_g, opt_d], jnp.stack([loss_g, loss_d])


generator, critic = Network().set_rngs(seed(0)), Network().set_rngs(seed(1))
generator(jnp.zeros((1,)))   # creates the parameters (the seed creates them on the first call)
critic(jnp.zeros((1,)))
state = [generator, critic, seli.opt.Adam(1e-3), seli.opt.Adam(2e-3)]
keys = jrn.split(jrn.PRNGKey(seed(42)), STEPS + 1)
state, first = seli.jit(train_step)(state, keys[0])
clock = StepClock()
state, rest = scan_chunks(train_step, state, keys[1:STEPS], clock)
losses = jnp.concatenate([first[None], rest])
generator, critic = state[0], state[1]

k = jrn.split(keys[STEPS], 3)
samples = generator.sample(k[0], SAMPLES)
data = jnp.sort(two_gaussians(k[1], SAMPLES))
w1 = float(jnp.mean(jnp.abs(jnp.sort(samples) - data)))
w1_floor = float(jnp.mean(jnp.abs(jnp.sort(two_gaussians(k[2], SAMPLES)) - data)))
final_gap = float(jnp.mean(critic(samples)) - jnp.mean(critic(data)))
seconds = time.perf_counter() - t0
assert losses.shape == (STEPS, 2)
print(f"critic's gap E[D(fake)] - E[D(real)] = {final_gap:.5f}")
print(f"quality: w1={w1:.4f}")
print(f"quality: w1_floor={w1_floor:.4f}")
print_step_ms(training=clock)
print(f"seconds: {seconds:.3f}")
print(f"cpu seconds: {time.process_time() - c0:.3f}")
