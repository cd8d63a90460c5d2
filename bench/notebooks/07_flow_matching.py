"""PyTorch twin of notebooks/07_flow_matching.ipynb: OT flow matching in 1-D.

A field v(x, t), MLP 2-128-128-1 with GELU (tanh form, or erf: TWIN_GELU),
trained 10,000 steps on batches of 1,024 pairs with Adam 3e-4, the pairs
sorted rank by rank (minibatch OT); 4,096 samples by 4,096 Euler steps
x += dt v(x, t + dt); the likelihood on 128 grid points by the same steps run
backwards with dv/dx by autograd.  Then, as the notebook, a second field from
the same initial weights trained on independent pairs, the W1 table at 1, 2, 4
and 16 steps for both fields and both Euler schemes (4,096 for the second
field), and 25 paths of each field."""
import copy
import math
import sys

import torch

from common import StepClock, Timer, gelu, mlp, print_step_ms, two_gaussians, w1

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
EULER = int(sys.argv[2]) if len(sys.argv) > 2 else 4096
BATCH, SAMPLES, PATHS = 1024, 4096, 25
torch.manual_seed(42)
initial = mlp([128, 128, 1], gelu, d_in=2)


def field(net, x, t):
    return net(torch.stack([x, t], -1))[:, 0]


def train(sort_pairs, clock):
    net = copy.deepcopy(initial)  # the same initial weights for both fields
    opt = torch.optim.Adam(net.parameters(), lr=3e-4)
    torch.manual_seed(7)  # the same batches for both fields
    for step in range(STEPS):
        x0, x1 = torch.randn(BATCH), two_gaussians(BATCH)
        if sort_pairs:  # the 1-D OT coupling: sort both batches
            x0, x1 = torch.sort(x0)[0], torch.sort(x1)[0]
        t = torch.rand(BATCH)
        xt = (1 - t) * x0 + t * x1
        loss = (field(net, xt, t) - (x1 - x0)).square().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        clock.step()
    return net


@torch.no_grad()
def integrate(net, x, steps, at_end=1, path=None):
    dt = 1.0 / steps
    for i in range(steps):
        if path is not None:
            path.append(x)
        x = x + field(net, x, torch.full_like(x, (i + at_end) * dt)) * dt
    return x


def density(net):
    """log p1 on the grid by the instantaneous change of variables, back to t = 0."""
    x = torch.linspace(-3, 3, 128)
    div, dt = torch.zeros_like(x), 1.0 / EULER
    for i in range(EULER, 0, -1):
        xg = x.detach().requires_grad_(True)
        v = field(net, xg, torch.full_like(x, i * dt))
        (dv,) = torch.autograd.grad(v.sum(), xg)
        x = x - v.detach() * dt
        div = div + dv * dt
    return torch.exp(-0.5 * math.log(2 * math.pi) - 0.5 * x ** 2 - div)


def table(nets, noise, data):
    for name, net in nets.items():
        for at_end in (1, 0):
            counts = [1, 2, 4, 16] + ([EULER] if at_end and name != "OT pairs" else [])
            row = [w1(integrate(net, noise, c, at_end).repeat_interleave(8), data)
                   for c in counts]
            print(f"{name:<18} at_end={at_end} " + "".join(f"{v:8.4f}" for v in row))


def chord_distance(net, noise):
    starts = torch.sort(noise)[0][((torch.arange(PATHS) + 0.5) * SAMPLES / PATHS).long()]
    path = []
    end = integrate(net, starts, EULER, path=path)
    path = torch.stack(path + [end])
    t = torch.arange(EULER + 1)[:, None] / EULER
    return (path - ((1 - t) * path[0] + t * path[-1])).abs().max().item()


clock_ot, clock_ind = StepClock(), StepClock()
with Timer() as total:
    net_ot = train(True, clock_ot)
    noise = torch.randn(SAMPLES)
    samples = integrate(net_ot, noise, EULER)
    density(net_ot)
    data = two_gaussians(32768)
    print(f"quality: w1={w1(samples.repeat_interleave(8), data):.4f}")
    print(f"quality: w1_floor={w1(two_gaussians(SAMPLES).repeat_interleave(8), data):.4f}")
    net_ind = train(False, clock_ind)
    nets = {"OT pairs": net_ot, "independent pairs": net_ind}
    table(nets, noise, data)
    for name, net in nets.items():
        print(f"{name}: largest distance of a path from its chord: "
              f"{chord_distance(net, noise):.3f}")
print_step_ms(training_ot_pairs=clock_ot, training_independent_pairs=clock_ind)
print(f"seconds: {total.wall:.2f}")
print(f"cpu seconds: {total.cpu:.2f}")
