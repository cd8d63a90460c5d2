"""PyTorch twin of notebooks/04_mmd.ipynb (threads: common.py).

A 1-32-32-1 ReLU generator trained by minimising the MMD (RBF kernel,
sigma 0.1) between a batch of 32 data points (two Gaussians at +-1, sd 0.5)
and 32 generated ones; Adam 1e-3, 1,000 steps.  Prints the seconds and
quality: w1 (Wasserstein-1 between 32768 model and 32768 data samples)."""
import time

import torch

from common import StepClock, print_step_ms

torch.manual_seed(0)


def two_gaussians(n):
    return torch.randn(n) * 0.5 + (torch.randint(0, 2, (n,)) * 2 - 1).float()


def rbf_mean(a, b, sigma=0.1):
    return torch.exp(-((a[:, None] - b[None, :]) ** 2) / (2 * sigma**2)).mean()


def mmd(x, y):
    return rbf_mean(x, x) + rbf_mean(y, y) - 2 * rbf_mean(x, y)


layers = [torch.nn.Linear(1, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(),
          torch.nn.Linear(32, 1)]
for layer in layers[::2]:
    torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
    torch.nn.init.zeros_(layer.bias)
gen = torch.nn.Sequential(*layers)
opt = torch.optim.Adam(gen.parameters(), 1e-3)

t0 = time.perf_counter()
c0 = time.process_time()
losses, clock = [], StepClock()
for _ in range(1000):
    x = two_gaussians(32)
    y = gen(torch.randn(32, 1))[:, 0]
    loss = mmd(x, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
    clock.step()
with torch.no_grad():
    data = torch.sort(two_gaussians(32768)).values
    model = torch.sort(gen(torch.randn(32768, 1))[:, 0]).values
    w1 = (data - model).abs().mean().item()
    w1_floor = (data - torch.sort(two_gaussians(32768)).values).abs().mean().item()
seconds = time.perf_counter() - t0
print(f"quality: w1={w1:.4f}")
print(f"quality: w1_floor={w1_floor:.4f}")
print_step_ms(training=clock)
print(f"seconds: {seconds:.3f}")
print(f"cpu seconds: {time.process_time() - c0:.3f}")
