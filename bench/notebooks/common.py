"""Shared pieces of the PyTorch twins of the seli notebooks (bench only)."""
import math
import time

import torch

torch.set_num_threads(1)


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
