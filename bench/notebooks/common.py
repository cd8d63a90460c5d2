"""Shared pieces of the PyTorch twins of the seli notebooks (bench only).

Two settings come from the environment, so that race.py can try each:
TWIN_THREADS, torch's intra-op threads (default 1), and TWIN_GELU, the GELU
form of the twins that use one (tanh, the default and the notebooks' form,
or erf: the same function to within 1e-3, whose double backward in torch
1.13 is several times faster)."""
import math
import os
import time

import torch

THREADS = int(os.environ.get("TWIN_THREADS", "1"))
GELU_FORM = os.environ.get("TWIN_GELU", "tanh")
torch.set_num_threads(THREADS)


def gelu():
    """The GELU module in the form TWIN_GELU chose: tanh (as the notebooks) or erf."""
    if GELU_FORM not in ("tanh", "erf"):
        raise SystemExit(f"TWIN_GELU must be tanh or erf, not {GELU_FORM!r}")
    return torch.nn.GELU(approximate="tanh" if GELU_FORM == "tanh" else "none")


def two_gaussians(n, scale=0.5):
    """Two Gaussians at -1 and +1 with sd `scale`, equal weights: [n]."""
    sign = torch.randint(0, 2, (n,)).float() * 2 - 1
    return torch.randn(n) * scale + sign


def two_gaussians_density(x, scale=0.5):
    z = -0.5 * math.log(2 * math.pi * scale ** 2)
    return 0.5 * (torch.exp(-0.5 * ((x + 1) / scale) ** 2 + z)
                  + torch.exp(-0.5 * ((x - 1) / scale) ** 2 + z))


def mlp(widths, act, d_in=1):
    """Affine layers of the given widths (He normal weights, zero biases) with act between."""
    layers, prev = [], d_in
    for i, w in enumerate(widths):
        lin = torch.nn.Linear(prev, w)
        torch.nn.init.normal_(lin.weight, std=math.sqrt(2.0 / prev))
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < len(widths) - 1:
            layers.append(act())
        prev = w
    return torch.nn.Sequential(*layers)


def w1(a, b):
    """Wasserstein-1 distance between two equal-size 1-D samples, by sorting."""
    return (torch.sort(a.flatten())[0] - torch.sort(b.flatten())[0]).abs().mean().item()


class Timer:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


class StepClock:
    """Steady-state milliseconds per training step: call step() after each step;
    the loop is timed in chunks of `chunk` steps, and median() leaves out the
    first chunk (allocator and cache warm-up)."""

    def __init__(self, chunk=100):
        self.chunk, self.count, self.ms = chunk, 0, []
        self.last = time.perf_counter()

    def step(self):
        self.count += 1
        if self.count % self.chunk == 0:
            now = time.perf_counter()
            self.ms.append((now - self.last) * 1000 / self.chunk)
            self.last = now

    def median(self):
        s = sorted(self.ms[1:] or self.ms)
        return s[len(s) // 2] if s else float("nan")


def print_step_ms(**clocks):
    """One line per training loop, named as the notebook's progress bar:
    `step ms: training_ot_pairs=1.234`."""
    for name, clock in clocks.items():
        print(f"step ms: {name}={clock.median():.4f}")
