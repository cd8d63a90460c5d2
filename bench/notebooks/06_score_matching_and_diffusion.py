"""PyTorch twin of notebooks/06_score_matching_and_diffusion.ipynb (threads: common.py).

Data: two Gaussians at +-1, sd 0.5, equal weights.  Every network predicts
the noise z of x + sigma z (the score is -prediction / sigma); ReLU MLPs,
He-normal weights, zero biases, Adam 3e-3 decaying linearly to 0, batch 256.
1. One noise level sigma = 0.25: 1-32-32-1, 2,000 steps; unadjusted Langevin,
   32768 chains from N(0, 2^2), 200 steps of size 0.01.
2. Noise-conditional net (x, sigma) with the Gaussian skip term, 2-64-64-1,
   sigma log-uniform on [0.05, 10], 4,000 steps; annealed Langevin, 32768
   chains from N(0, 10^2), 10 geometric levels 10 -> 0.05, 20 steps each,
   step 0.2 sigma^2.
3. Continuous time (VE SDE, sigma from 10 to 0.05, geometric): reverse SDE by
   Euler-Maruyama, 100 steps, 32768 samples; probability-flow ODE by Heun,
   32 steps, 32768 samples (its w1 is the headline); log-likelihood on 201
   points by Heun, 100 steps, d eps / dx by autograd.
Prints the quality lines, the seconds and the CPU seconds (no figures)."""
import math

import torch

from common import StepClock, Timer, mlp, print_step_ms, w1

torch.manual_seed(0)

MU, SD = 1.0, 0.5
SIGMA = 0.25
SIGMA_MIN, SIGMA_MAX = 0.05, 10.0
SIGMA_DATA2 = MU**2 + SD**2
BATCH, LR = 256, 3e-3
STEPS_A, STEPS_B = 2000, 4000
N_LANGEVIN, N_SAMPLES = 32768, 32768  # the notebook's N_CHAINS and N_SAMPLES
LANGEVIN_STEPS, LANGEVIN_A = 200, 0.01
LEVELS, STEPS_PER_LEVEL, ANNEAL_EPS = 10, 20, 0.2
SDE_STEPS, ODE_STEPS, LL_STEPS = 100, 32, 100


def sample_data(n):
    sign = (torch.randint(0, 2, (n, 1)) * 2 - 1).float()
    return sign * MU + torch.randn(n, 1) * SD


def true_logp(x, sigma):
    v = SD**2 + sigma**2
    a = -((x - MU) ** 2) / (2 * v)
    b = -((x + MU) ** 2) / (2 * v)
    return torch.logaddexp(a, b) + math.log(0.5) - 0.5 * math.log(2 * math.pi * v)


class NoiseNet(torch.nn.Module):
    """(x [N, 1], sigma [N, 1] or [1, 1]) -> predicted noise [N, 1]."""

    def __init__(self, width):
        super().__init__()
        self.net = mlp([width, width, 1], torch.nn.ReLU, d_in=2)

    def forward(self, x, sigma):
        v = sigma**2 + SIGMA_DATA2
        c_in = v**-0.5
        x_in = x * c_in
        lvl = (torch.log(sigma) * 0.25).expand_as(x_in)
        f = self.net(torch.cat([x_in, lvl], -1))
        return x * (sigma / v) + f * (c_in * math.sqrt(SIGMA_DATA2))


def level(hi, lo, i, n):
    return hi * (lo / hi) ** (i / n)


def train(model, steps, make_batch, clock):
    opt = torch.optim.Adam(model.parameters(), LR)
    for i in range(steps):
        for g in opt.param_groups:
            g["lr"] = LR * (1 - i / steps)
        z, inputs = make_batch()
        loss = ((model(*inputs) - z) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        clock.step()


def batch_a():
    z = torch.randn(BATCH, 1)
    return z, (sample_data(BATCH) + SIGMA * z,)


def batch_b():
    z = torch.randn(BATCH, 1)
    sigma = torch.exp(torch.empty(BATCH, 1).uniform_(math.log(SIGMA_MIN), math.log(SIGMA_MAX)))
    return z, (sample_data(BATCH) + sigma * z, sigma)


def main():
    # 1. one noise level, Langevin
    net_a, clock_a = mlp([32, 32, 1], torch.nn.ReLU), StepClock()
    train(net_a, STEPS_A, batch_a, clock_a)
    with torch.no_grad():
        x = torch.randn(N_LANGEVIN, 1) * 2
        for _ in range(LANGEVIN_STEPS):
            score = net_a(x) * (-1 / SIGMA)
            x = x + LANGEVIN_A * score + math.sqrt(2 * LANGEVIN_A) * torch.randn(N_LANGEVIN, 1)
        print(f"quality: w1_langevin={w1(x, sample_data(N_LANGEVIN)):.4f}")

    # 2. many noise levels, annealed Langevin
    net_b, clock_b = NoiseNet(64), StepClock()
    train(net_b, STEPS_B, batch_b, clock_b)

    def eps_at(x, s):
        return net_b(x, torch.full((1, 1), s))

    with torch.no_grad():
        x = torch.randn(N_LANGEVIN, 1) * SIGMA_MAX
        for lv in range(LEVELS):
            s = level(SIGMA_MAX, SIGMA_MIN, lv, LEVELS - 1)
            a = ANNEAL_EPS * s * s
            for _ in range(STEPS_PER_LEVEL):
                x = x - (a / s) * eps_at(x, s) + math.sqrt(2 * a) * torch.randn(N_LANGEVIN, 1)
        print(f"quality: w1_annealed={w1(x, sample_data(N_LANGEVIN)):.4f}")

        # 3. continuous time: reverse SDE (Euler-Maruyama) and probability-flow ODE (Heun)
        x = torch.randn(N_SAMPLES, 1) * SIGMA_MAX
        for i in range(SDE_STEPS):
            s0, s1 = level(SIGMA_MAX, SIGMA_MIN, i, SDE_STEPS), level(SIGMA_MAX, SIGMA_MIN, i + 1, SDE_STEPS)
            dv = s0 * s0 - s1 * s1
            x = x - (dv / s0) * eps_at(x, s0) + math.sqrt(dv) * torch.randn(N_SAMPLES, 1)
        print(f"quality: w1_sde={w1(x, sample_data(N_SAMPLES)):.4f}")

        x = torch.randn(N_SAMPLES, 1) * SIGMA_MAX
        for i in range(ODE_STEPS):
            s0, s1 = level(SIGMA_MAX, SIGMA_MIN, i, ODE_STEPS), level(SIGMA_MAX, SIGMA_MIN, i + 1, ODE_STEPS)
            e0 = eps_at(x, s0)
            e1 = eps_at(x + (s1 - s0) * e0, s1)
            x = x + 0.5 * (s1 - s0) * (e0 + e1)
        print(f"quality: w1={w1(x, sample_data(N_SAMPLES)):.4f}")
        print(f"quality: w1_floor={w1(sample_data(N_SAMPLES), sample_data(N_SAMPLES)):.4f}")

    # log-likelihood along the ODE, data -> noise; d eps / dx by autograd
    grid = torch.linspace(-3.5, 3.5, 201).reshape(-1, 1)
    x = grid.clone()
    logdet = torch.zeros_like(x)
    for i in range(LL_STEPS):
        s0, s1 = level(SIGMA_MIN, SIGMA_MAX, i, LL_STEPS), level(SIGMA_MIN, SIGMA_MAX, i + 1, LL_STEPS)
        x0 = x.clone().requires_grad_(True)
        e0 = eps_at(x0, s0)
        (d0,) = torch.autograd.grad(e0, x0, torch.ones_like(e0))
        x1 = (x0 + (s1 - s0) * e0).detach().requires_grad_(True)
        e1 = eps_at(x1, s1)
        (d1,) = torch.autograd.grad(e1, x1, torch.ones_like(e1))
        x = (x + 0.5 * (s1 - s0) * (e0 + e1)).detach()
        logdet = logdet + 0.5 * (s1 - s0) * (d0 + d1)
    loglik = -0.5 * x**2 / SIGMA_MAX**2 - 0.5 * math.log(2 * math.pi * SIGMA_MAX**2) + logdet
    inner = grid.abs() <= 2.5
    err = (loglik - true_logp(grid, SIGMA_MIN)).abs()
    print_step_ms(one_sigma=clock_a, all_sigmas=clock_b)
    print(f"mean |log-likelihood error| on [-2.5, 2.5]: {err[inner].mean().item():.3f} nats")


with Timer() as total:
    main()
print(f"seconds: {total.wall:.3f}")
print(f"cpu seconds: {total.cpu:.3f}")
