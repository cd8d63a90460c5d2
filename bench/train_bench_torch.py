#!/usr/bin/python3

The same models, batches and optimizer as bench/train_bench.c:
  regression     1 -> 16 -> 16 -> 1, ELU, full batch of 64, MSE, Adam(1e-3)
  flow matching  2 -> 128 -> 128 -> 1, GELU (tanh form), batch 1024, Adam(1e-3),
                 sampling x0, x1, t inside each step
PyTorch runs with torch.set_num_threads(1), its fastest setting on this
machine, and OpenBLAS under libseli with one thread too.

usage: train_bench_torch.py [--seli PATH_TO_train_bench] [--scale N]
"""

import argparse
import os
import statistics
import subprocess
import time

import torch

torch.set_num_threads(1)


def mlp(widths, act):
    layers, d = [], widths[0]
    for i, w in enumerate(widths[1:]):
        layers.append(torch.nn.Linear(d, w))
        if i < len(widths) - 2:
            layers.append(act())
        d = w
    return torch.nn.Sequential(*layers)


def timed(step, steps):
    loss = 0.0
    for _ in range(steps // 4 + 10):
        loss = step()
    wall, cpu = [], []
    for _ in range(5):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(steps):
            loss = step()
        wall.append((time.perf_counter() - t0) / steps * 1e6)
        cpu.append((time.process_time() - c0) / steps * 1e6)
    return statistics.median(wall), statistics.median(cpu), loss


def regression(steps):
    torch.manual_seed(0)
    x = torch.linspace(-1, 1, 64).reshape(64, 1)
    y = torch.sin(3 * x) + 0.1 * torch.randn(64, 1)
    model = mlp([1, 16, 16, 1], torch.nn.ELU)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.mean((model(x) - y) ** 2)
        loss.backward()
        opt.step()
        return loss.item()

    return timed(step, steps)


def flow_matching(steps):
    torch.manual_seed(1)
    batch = 1024
    model = mlp([2, 128, 128, 1], lambda: torch.nn.GELU(approximate="tanh"))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        x0 = torch.randn(batch, 1)
        sign = torch.randint(0, 2, (batch, 1)).float() * 2 - 1
        x1 = 0.5 * torch.randn(batch, 1) + 2 * sign
        t = torch.rand(batch, 1)
        xt = (1 - t) * x0 + t * x1
        v = x1 - x0
        opt.zero_grad(set_to_none=True)
        loss = torch.mean((model(torch.cat([xt, t], dim=-1)) - v) ** 2)
        loss.backward()
        opt.step()
        return loss.item()

    return timed(step, steps)


def seli_numbers(exe, scale):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([exe, str(scale)], capture_output=True, text=True, check=True,
                         env=env).stdout
    numbers = {}
    for line in out.splitlines():
        name, *fields = line.split()
        numbers[name] = {k: float(v) for k, v in (f.split("=") for f in fields)}
    return numbers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seli", help="path to the train_bench binary")
    ap.add_argument("--scale", type=int, default=1, help="multiply the step counts")
    args = ap.parse_args()

    torch_us = {
        "regression": regression(2000 * args.scale),
        "flow_matching": flow_matching(200 * args.scale),
    }
    seli = seli_numbers(args.seli, args.scale) if args.seli else {}
    targets = {"regression": 10.0, "flow_matching": 2.5}
    print(f"PyTorch {torch.__version__}, torch.set_num_threads(1); µs per training step "
          "(median of 5), wall clock and process CPU time")
    print(f"{'model':<15}{'seli':>10}{'PyTorch':>10}{'speed-up':>10}"
          f"{'seli cpu':>10}{'torch cpu':>10}{'speed-up':>10}{'target':>8}")
    for name, (us, cpu, _) in torch_us.items():
        if name not in seli:
            print(f"{name:<15}{'-':>10}{us:>10.1f}{'':>10}{'-':>10}{cpu:>10.1f}")
            continue
        s, sc = seli[name]["us_per_step"], seli[name]["cpu_us_per_step"]
        print(f"{name:<15}{s:>10.1f}{us:>10.1f}{us / s:>9.1f}x"
              f"{sc:>10.1f}{cpu:>10.1f}{cpu / sc:>9.1f}x{targets[name]:>7.1f}x")


if __name__ == "__main__":
    main()
