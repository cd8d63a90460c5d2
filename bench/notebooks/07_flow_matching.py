"""PyTorch twin of notebooks/07_flow_matching.ipynb: OT flow matching in 1-D."""
import math
import sys

import torch

from common import Timer, mlp, two_gaussians, w1

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
EULER = int(sys.argv[2]) if len(sys.argv) > 2 else 4096
BATCH = 1024
torch.manual_seed(42)
net = mlp([128, 128, 1], lambda: torch.nn.GELU(approximate="tanh"), d_in=2)
opt = torch.optim.Adam(net.parameters(), lr=3e-4)


def field(x, t):
    return net(torch.stack([x, t], -1))[:, 0]


with Timer() as train:
    for step in range(STEPS):
        x0 = torch.sort(torch.randn(BATCH))[0]  # the 1-D OT coupling: sort both batches
        x1 = torch.sort(two_gaussians(BATCH))[0]
        t = torch.rand(BATCH)
        xt = (1 - t) * x0 + t * x1
        loss = (field(xt, t) - (x1 - x0)).square().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

with Timer() as sample, torch.no_grad():
    x = torch.randn(4096)
    dt = 1.0 / EULER
    for i in range(EULER):
        t = torch.full_like(x, (i + 1) * dt)
        x = x + field(x, t) * dt
    samples = x

with Timer() as density:
    # instantaneous change of variables: from each grid point back to t = 0,
    # log p1(x) = log p0(x0) - integral of dv/dx along the path
    x = torch.linspace(-3, 3, 128)
    div = torch.zeros_like(x)
    for i in range(EULER, 0, -1):
        xg = x.detach().requires_grad_(True)
        t = torch.full_like(x, i * dt)
        v = field(xg, t)
        (dv,) = torch.autograd.grad(v.sum(), xg)
        x = x - v.detach() * dt
        div = div + dv * dt
    density_model = torch.exp(-0.5 * math.log(2 * math.pi) - 0.5 * x ** 2 - div)

print(f"torch flow matching: train {train.wall:.2f} s (cpu {train.cpu:.2f}), "
      f"sample {sample.wall:.2f} s, density {density.wall:.2f} s")
print(f"seconds: {train.wall + sample.wall + density.wall:.2f}")
print(f"quality: w1={w1(samples.repeat_interleave(8), two_gaussians(32768)):.4f}")
