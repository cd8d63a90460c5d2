"""PyTorch twin of notebooks/01_function_approximation.ipynb (threads: common.py).

1-D regression (MLP 1-16-16-1 ELU, Adam 1e-2, 1000 full-batch steps on 64
points) and two-moons classification (MLP 2-32-32-1 ReLU, BCE on logits, Adam
1e-3, 10,000 full-batch steps on 128 points).  Prints the seconds of each part
and the quality lines: rmse against the true mean function and accuracy, both
on 4096 fresh test points, and each loop's steady-state ms per step."""
import math
import time

import torch

from common import StepClock, print_step_ms

torch.manual_seed(0)


def true_fn(x):
    return torch.sin(1.5 * x) + 0.1 * x**2


def stddev_fn(x):
    return 0.2 + 0.05 * x.abs()


def regression_data(n):
    x = torch.rand(n, 1) * 10 - 5
    return x, true_fn(x) + torch.randn(n, 1) * stddev_fn(x)


def moons(n):
    angle = torch.rand(n) * 2 * math.pi
    y = (angle > math.pi).float()
    x = torch.stack([torch.cos(angle) + (y - 0.5), torch.sin(angle) + (y - 0.5) * 0.2], -1)
    return x + torch.randn(n, 2) * 0.2, y


def mlp(widths, act):
    layers, d = [], widths[0]
    for i, w in enumerate(widths[1:]):
        layers.append(torch.nn.Linear(d, w))
        torch.nn.init.kaiming_normal_(layers[-1].weight, nonlinearity="relu")
        torch.nn.init.zeros_(layers[-1].bias)
        if i + 2 < len(widths):
            layers.append(act())
        d = w
    return torch.nn.Sequential(*layers)


t0 = time.perf_counter()
c0 = time.process_time()
x, y = regression_data(64)
model = mlp([1, 16, 16, 1], torch.nn.ELU)
opt = torch.optim.Adam(model.parameters(), 1e-2)
reg_clock = StepClock()
for _ in range(1000):
    opt.zero_grad()
    loss = torch.mean((model(x) - y) ** 2)
    loss.backward()
    opt.step()
    reg_clock.step()
with torch.no_grad():
    xt = torch.rand(4096, 1) * 10 - 5
    rmse = torch.sqrt(torch.mean((model(xt) - true_fn(xt)) ** 2)).item()
t1 = time.perf_counter()
print(f"regression: {t1 - t0:.3f} s")

cx, cy = moons(128)
clf = mlp([2, 32, 32, 1], torch.nn.ReLU)
opt = torch.optim.Adam(clf.parameters(), 1e-3)
bce = torch.nn.BCEWithLogitsLoss()
grid = torch.stack(torch.meshgrid(torch.linspace(-2, 2, 200), torch.linspace(-2, 2, 200),
                                  indexing="xy"), -1).reshape(-1, 2)
losses, preds, clf_clock = [], {}, StepClock()
for i in range(10001):
    if i in (10, 100, 1000, 10000):
        with torch.no_grad():
            preds[i] = clf(grid)
    if i == 10000:
        break
    opt.zero_grad()
    loss = bce(clf(cx)[:, 0], cy)
    loss.backward()
    opt.step()
    losses.append(loss.item())
    clf_clock.step()
with torch.no_grad():
    tx, ty = moons(4096)
    acc = ((clf(tx)[:, 0] > 0).float() == ty).float().mean().item()
t2 = time.perf_counter()
print(f"classification: {t2 - t1:.3f} s")
print(f"quality: rmse={rmse:.4f}")
print(f"quality: accuracy={acc:.4f}")
print_step_ms(regression=reg_clock, classification=clf_clock)
print(f"seconds: {t2 - t0:.3f}")
print(f"cpu seconds: {time.process_time() - c0:.3f}")
