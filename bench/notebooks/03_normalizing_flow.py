"""PyTorch twin of notebooks/03_normalizing_flow.ipynb: same model, steps, batch and sampling."""
import math
import sys

import torch

from common import StepClock, Timer, gelu, mlp, print_step_ms, two_gaussians, w1

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
torch.manual_seed(42)
net = mlp([128, 128, 1], gelu)  # tanh form as the notebook, or erf (TWIN_GELU)
bias = torch.nn.Parameter(torch.zeros(1))
params = list(net.parameters()) + [bias]
opt = torch.optim.Adam(params, lr=3e-4)
K = 15  # the Riemann sum's 16 grid points give 15 intervals; t_0 = 0 carries no weight
frac = torch.arange(1, K + 1, dtype=torch.float32) / K


def flow(x):
    """f(x) = sum_i (softplus(g(x i/15)) + 1e-6) x/15 + c."""
    t = x[:, None] * frac
    d = torch.nn.functional.softplus(net(t.reshape(-1, 1)).reshape(-1, K)) + 1e-6
    return d.sum(1) * x / K + bias


def log_likelihood(x):
    x = x.detach().requires_grad_(True)
    f = flow(x)
    (df,) = torch.autograd.grad(f.sum(), x, create_graph=True)
    return -0.5 * math.log(2 * math.pi) - 0.5 * f ** 2 + torch.log(df.abs())


clock = StepClock()
with Timer() as train:
    for step in range(STEPS):
        loss = -log_likelihood(two_gaussians(128)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        clock.step()

with Timer() as sample, torch.no_grad():
    grid = torch.linspace(-6, 6, 8193)
    fg = flow(grid)
    z = torch.randn(32768)
    b = torch.searchsorted(fg, z).clamp(1, len(grid) - 1)  # bisection on the table
    a = b - 1
    w = ((z - fg[a]) / (fg[b] - fg[a])).clamp(0, 1)
    samples = grid[a] + w * (grid[b] - grid[a])
with Timer() as density:
    log_likelihood(torch.linspace(-3, 3, 128)).exp()

print(f"torch flow: train {train.wall:.2f} s (cpu {train.cpu:.2f}), sample {sample.wall:.2f} s, "
      f"density {density.wall:.2f} s")
print(f"seconds: {train.wall + sample.wall + density.wall:.2f}")
print_step_ms(training=clock)
print(f"quality: w1={w1(samples, two_gaussians(32768)):.4f}")
print(f"quality: w1_floor={w1(two_gaussians(32768), two_gaussians(32768)):.4f}")
