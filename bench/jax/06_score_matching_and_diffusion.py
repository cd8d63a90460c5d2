"""JAX twin of notebooks/06_score_matching_and_diffusion.ipynb, in the seed's API (seli 0.1.2).

Data 0.5 N(-1, 0.25) + 0.5 N(1, 0.25).  Section 1: denoising score matching
at one sigma (0.25), MLP 1-32-32-1 ReLU, Adam 3e-3 decayed linearly to 0,
2,000 steps of batch 256, then Langevin (200 steps of a = 0.01, 32,768
chains).  Section 2: a noise net over sigma in [0.05, 10] (log-uniform),
with the notebook's preconditioning (c_in = (sigma^2 + 1.25)^-1/2, the level
log(sigma)/4 as a second input, a Gaussian skip term) around a 2-64-64-1 ReLU
MLP, 4,000 steps of the same schedule; annealed Langevin (10 levels x 20
steps of 0.2 sigma^2), the unequal-weights demonstration with the exact score
(1,000 plain steps against 20 levels x 50), the reverse SDE (100 steps), the
probability-flow ODE (32 Heun steps) and its likelihood on a grid of 201
points (100 Heun steps with the exact 1-D divergence).  Quality: w1_langevin,
w1_annealed, w1_sde, w1 (the ODE), w1_floor, each against 32,768 fresh data.

Training as the seed's examples (seli.opt.MeanSquaredError, Adam), the steps
lax.scan'ed over [key, learning rate] (the rate is an array leaf of the
seed's Adam, so the decayed rate does not recompile), after one or two plain
steps (the first creates Adam's state; two where 1,999 has no divisor).
Every sampler is a lax.scan inside jit (the levels are arrays computed
before)."""
import functools
import math
import time

t0 = time.perf_counter()
c0 = time.process_time()

import jax  # noqa: E402
import jax.lax as lax  # noqa: E402
import jax.nn as jnn  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.random as jrn  # noqa: E402
import numpy as np  # noqa: E402

from common import StepClock, print_step_ms, scan_chunks, seed, seli  # noqa: E402

MU, SD = 1.0, 0.5
BATCH, STEPS_A, STEPS_B, LR, SIGMA = 256, 2000, 4000, 3e-3, 0.25
N_CHAINS, LANGEVIN_STEPS, LANGEVIN_A = 32768, 200, 0.01
SIGMA_MIN, SIGMA_MAX, SIGMA_DATA2 = 0.05, 10.0, 1.25
LEVELS, STEPS_PER_LEVEL, ANNEAL_EPS = 10, 20, 0.2
W_RIGHT, MU_TRY, TRY_STEPS, TRY_LEVELS = 0.8, 2.0, 1000, 20
N_SAMPLES, SDE_STEPS, ODE_STEPS, N_GRID, LL_STEPS = 32768, 100, 32, 201, 100


def sample_data(key, n):
    k1, k2 = jrn.split(key)
    return jrn.rademacher(k1, (n, 1), jnp.float32) * MU + jrn.normal(k2, (n, 1)) * SD


def true_logp(x, sigma):
    v = SD**2 + sigma**2
    a, b = -((x - MU) ** 2) / (2 * v), -((x + MU) ** 2) / (2 * v)
    return np.logaddexp(a, b) + np.log(0.5) - 0.5 * (math.log(2 * math.pi) + np.log(v))


def true_score(x, sigma):
    v = SD**2 + sigma**2
    a, b = -((x - MU) ** 2) / (2 * v), -((x + MU) ** 2) / (2 * v)
    ra = 1 / (1 + np.exp(b - a))
    return (ra * (MU - x) + (1 - ra) * (-MU - x)) / v


def w1(a, b):
    return float(jnp.mean(jnp.abs(jnp.sort(a.ravel()) - jnp.sort(b.ravel()))))


def levels(hi, lo, n):
    return hi * (lo / hi) ** (np.arange(n + 1) / n)


class MLP(seli.Module):
    def __init__(self, width):
        self.layers = [seli.net.Affine(width), jnn.relu, seli.net.Affine(width), jnn.relu,
                       seli.net.Affine(1)]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class NoiseNet(seli.Module):
    def __init__(self, width):
        self.net = MLP(width)

    def __call__(self, x, sigma):
        v = jnp.square(sigma) + SIGMA_DATA2
        c_in = v**-0.5
        x_in = x * c_in
        lvl = jnp.broadcast_to(0.25 * jnp.log(sigma), x_in.shape)
        f = self.net(jnp.concatenate([x_in, lvl], -1))
        return x * (sigma / v) + f * c_in * math.sqrt(SIGMA_DATA2)


mse = seli.opt.MeanSquaredError()


def step_a(state, xs):
    net, opt = state
    key, lr = xs
    k1, k2 = jrn.split(key)
    x, z = sample_data(k1, BATCH), jrn.normal(k2, (BATCH, 1))
    opt.lr = lr
    opt, net, loss = opt.minimize(mse, net, z, x + z * SIGMA)
    return [net, opt], loss


def step_b(state, xs):
    net, opt = state
    key, lr = xs
    k1, k2, k3 = jrn.split(key, 3)
    x, z = sample_data(k1, BATCH), jrn.normal(k2, (BATCH, 1))
    sigma = jnp.exp(jrn.uniform(k3, (BATCH, 1), minval=math.log(SIGMA_MIN),
                                maxval=math.log(SIGMA_MAX)))
    opt.lr = lr
    opt, net, loss = opt.minimize(mse, net, z, x + z * sigma, sigma)
    return [net, opt], loss


def train(net, step, steps, key, plain, chunk, clock):
    """`steps` steps of `step`: `plain` steps one call each (the first creates Adam's
    state), then the rest in scans of `chunk` (a divisor, so one program serves all)."""
    keys = jrn.split(key, steps)
    lrs = jnp.asarray(LR * (1 - np.arange(steps) / steps), jnp.float32)
    opt = seli.opt.Adam(LR)
    opt.lr = lrs[0]
    state, losses = [net, opt], []
    for i in range(plain):
        state, loss = seli.jit(step)(state, [keys[i], lrs[i]])
        losses.append(loss[None])
    state, rest = scan_chunks(step, state, [keys[plain:], lrs[plain:]], clock, chunk)
    return state[0], np.asarray(jnp.concatenate(losses + [rest]))


@functools.partial(jax.jit, static_argnums=0)
def langevin(score_fn, x, keys, sizes):
    """x <- x + a score(x, s) + sqrt(2 a) xi for each (key, (s, a)) in turn (score_fn is
    static: a closure over the network, which XLA sees as constants)."""
    def body(x, ka):
        key, (s, a) = ka
        x = x + score_fn(x, s) * a + jrn.normal(key, x.shape) * jnp.sqrt(2 * a)
        return x, None
    return lax.scan(body, x, (keys, sizes))[0]


clock_a, clock_b = StepClock(), StepClock()

# 1. one noise level
net_a = MLP(32).set_rngs(seed(1))
net_a(jnp.zeros((1, 1)))   # creates the parameters (the seed creates them on the first call)
net_a, loss_a = train(net_a, step_a, STEPS_A, jrn.fold_in(jrn.PRNGKey(seed(0)), 1), 2, 111,
                      clock_a)
xs = np.arange(-8, 8, 1e-3)
loss_floor = float(np.sum(1e-3 * np.exp(true_logp(xs, SIGMA)) *
                          (1 - SIGMA**2 * true_score(xs, SIGMA) ** 2)))
print(f"mean loss of the last 500 steps: {loss_a[-500:].mean():.3f} "
      f"(the floor is {loss_floor:.3f})")

key = jrn.fold_in(jrn.PRNGKey(seed(0)), 11)
k = jrn.split(key, 5)
x_langevin = langevin(lambda x, s: net_a(x) * (-1 / SIGMA), jrn.normal(k[0], (N_CHAINS, 1)) * 2,
                      jrn.split(k[1], LANGEVIN_STEPS),
                      (jnp.full(LANGEVIN_STEPS, SIGMA), jnp.full(LANGEVIN_STEPS, LANGEVIN_A)))
fresh = sample_data(k[2], N_CHAINS)
blurred = sample_data(k[3], N_CHAINS) + jrn.normal(k[4], (N_CHAINS, 1)) * SIGMA
print(f"quality: w1_langevin={w1(x_langevin, fresh):.4f}")
print(f"(for scale: data blurred by sigma = {SIGMA:.2f} is at w1 = "
      f"{w1(blurred, fresh):.4f} from the data)")

# 2. all noise levels
net_b = NoiseNet(64).set_rngs(seed(2))
net_b(jnp.zeros((1, 1)), jnp.ones((1, 1)))
net_b, loss_b = train(net_b, step_b, STEPS_B, jrn.fold_in(jrn.PRNGKey(seed(0)), 2), 1, 129,
                      clock_b)


def eps_at(x, s):
    return net_b(x, jnp.reshape(s, (1, 1)))


key = jrn.fold_in(jrn.PRNGKey(seed(0)), 12)
k = jrn.split(key, 4)
ladder = levels(SIGMA_MAX, SIGMA_MIN, LEVELS - 1)
s_each = np.repeat(ladder, STEPS_PER_LEVEL)
x_annealed = langevin(lambda x, s: eps_at(x, s) * (-1 / s),
                      jrn.normal(k[0], (N_CHAINS, 1)) * SIGMA_MAX, jrn.split(k[1], len(s_each)),
                      (jnp.asarray(s_each, jnp.float32),
                       jnp.asarray(ANNEAL_EPS * s_each**2, jnp.float32)))
print(f"quality: w1_annealed={w1(x_annealed, sample_data(k[2], N_CHAINS)):.4f}")


def try_score(x, s):
    v = SD**2 + s**2
    c = 0.5 * math.log(W_RIGHT / (1 - W_RIGHT))
    return (MU_TRY * jnp.tanh(x * MU_TRY / v + c) - x) / v


key = jrn.fold_in(jrn.PRNGKey(seed(0)), 4)
k = jrn.split(key, 6)
x_plain = langevin(try_score, jrn.normal(k[0], (N_CHAINS, 1)) * 2, jrn.split(k[1], TRY_STEPS),
                   (jnp.zeros(TRY_STEPS), jnp.full(TRY_STEPS, LANGEVIN_A)))
s_try = np.repeat(levels(SIGMA_MAX, SIGMA_MIN, TRY_LEVELS - 1), TRY_STEPS // TRY_LEVELS)
x_anneal = langevin(try_score, jrn.normal(k[2], (N_CHAINS, 1)) * SIGMA_MAX,
                    jrn.split(k[3], TRY_STEPS),
                    (jnp.asarray(s_try, jnp.float32),
                     jnp.asarray(ANNEAL_EPS * s_try**2, jnp.float32)))
x_try = jrn.normal(k[4], (N_CHAINS, 1)) * SD + jnp.where(
    jrn.uniform(k[5], (N_CHAINS, 1)) < W_RIGHT, MU_TRY, -MU_TRY)
share = [float(jnp.mean(a > 0)) for a in (x_try, x_plain, x_anneal)]
print("share of points right of 0: data %.3f, plain Langevin %.3f, annealed Langevin %.3f"
      % tuple(share))
print(f"W1 to the data: plain Langevin {w1(x_plain, x_try):.4f}, "
      f"annealed Langevin {w1(x_anneal, x_try):.4f}")

key = jrn.fold_in(jrn.PRNGKey(seed(0)), 3)
k = jrn.split(key, 8)
s_sde = levels(SIGMA_MAX, SIGMA_MIN, SDE_STEPS)


@seli.jit
def reverse_sde(net, x, keys, s0, dv):
    def body(x, ks):
        key, s, d = ks
        score = net(x, jnp.reshape(s, (1, 1))) * (-1 / s)
        return x + score * d + jrn.normal(key, x.shape) * jnp.sqrt(d), x[:12, 0]
    return lax.scan(body, x, (keys, s0, dv))


x_sde, path_sde = reverse_sde(net_b, jrn.normal(k[0], (N_SAMPLES, 1)) * SIGMA_MAX,
                              jrn.split(k[1], SDE_STEPS), jnp.asarray(s_sde[:-1], jnp.float32),
                              jnp.asarray(s_sde[:-1] ** 2 - s_sde[1:] ** 2, jnp.float32))
print(f"quality: w1_sde={w1(x_sde, sample_data(k[2], N_SAMPLES)):.4f}")


@seli.jit
def heun(net, x, s0, s1):
    """The probability-flow ODE dx/dsigma = eps(x, sigma) by Heun's method, with the
    integral of d eps / dx along the way (the exact divergence in 1-D)."""
    def eps_and_slope(x, s):
        e = lambda x: net(x[None, None], jnp.reshape(s, (1, 1)))[0, 0]  # noqa: E731
        return jax.vmap(jax.value_and_grad(e))(x[:, 0])

    def body(carry, ss):
        x, div = carry
        a, b = ss
        e0, d0 = eps_and_slope(x, a)
        guess = x + e0[:, None] * (b - a)
        e1, d1 = eps_and_slope(guess, b)
        x = x + (e0 + e1)[:, None] * 0.5 * (b - a)
        return (x, div + (d0 + d1) * 0.5 * (b - a)), x[:12, 0]
    (x, div), path = lax.scan(body, (x, jnp.zeros(x.shape[0])), (s0, s1))
    return x, div, path


@seli.jit
def heun_flow(net, x, s0, s1):
    """The same ODE without the divergence, for sampling."""
    def body(x, ss):
        a, b = ss
        e0 = net(x, jnp.reshape(a, (1, 1)))
        e1 = net(x + e0 * (b - a), jnp.reshape(b, (1, 1)))
        return x + (e0 + e1) * 0.5 * (b - a), x[:12, 0]
    return lax.scan(body, x, (s0, s1))


s_ode = jnp.asarray(levels(SIGMA_MAX, SIGMA_MIN, ODE_STEPS), jnp.float32)
x_ode, path_ode = heun_flow(net_b, jrn.normal(k[3], (N_SAMPLES, 1)) * SIGMA_MAX, s_ode[:-1],
                            s_ode[1:])
print(f"quality: w1={w1(x_ode, sample_data(k[4], N_SAMPLES)):.4f}")
print(f"quality: w1_floor={w1(sample_data(k[5], N_SAMPLES), sample_data(k[6], N_SAMPLES)):.4f}")

s_ll = jnp.asarray(levels(SIGMA_MIN, SIGMA_MAX, LL_STEPS), jnp.float32)
x_grid = np.linspace(-3.5, 3.5, N_GRID)
x_end, div, _ = heun(net_b, jnp.asarray(x_grid[:, None], jnp.float32), s_ll[:-1], s_ll[1:])
x_end, div = np.asarray(x_end[:, 0], np.float64), np.asarray(div, np.float64)
loglik = (-0.5 * x_end**2 / SIGMA_MAX**2 - 0.5 * (math.log(2 * math.pi) + 2 * math.log(SIGMA_MAX))
          + div)
inside = np.abs(x_grid) <= 2.5
error = np.mean(np.abs(loglik - true_logp(x_grid, SIGMA_MIN))[inside])
print(f"mean |log-likelihood error| on [-2.5, 2.5]: {error:.3f} nats")
seconds = time.perf_counter() - t0
print_step_ms(one_sigma=clock_a, all_sigmas=clock_b)
print(f"seconds: {seconds:.3f}")
print(f"cpu seconds: {time.process_time() - c0:.3f}")
