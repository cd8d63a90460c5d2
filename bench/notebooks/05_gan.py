"""PyTorch twin of notebooks/05_gan.ipynb: WGAN with the R1 + R2 gradient penalty."""
import sys

import torch

from common import StepClock, Timer, mlp, print_step_ms, two_gaussians, w1

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
BATCH = 128
torch.manual_seed(0)
LEAKY = lambda: torch.nn.LeakyReLU(0.01)  # noqa: E731
gen, dis = mlp([128, 128, 1], LEAKY), mlp([128, 128, 1], LEAKY)
opt_g = torch.optim.Adam(gen.parameters(), lr=1e-3)
opt_d = torch.optim.Adam(dis.parameters(), lr=2e-3)


def apply(net, x):
    return net(x[:, None])[:, 0]


clock = StepClock()
with Timer() as train:
    for step in range(STEPS):
        # generator: lower the critic's score of its samples
        loss_g = apply(dis, apply(gen, torch.randn(BATCH))).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        # critic: Wasserstein loss plus 5 (|D'(real)|^2 + |D'(fake)|^2), on one batch of 2B
        with torch.no_grad():
            fake = apply(gen, torch.randn(BATCH))
        x = torch.cat([two_gaussians(BATCH), fake]).requires_grad_(True)
        pred = apply(dis, x)
        (grad,) = torch.autograd.grad(pred.sum(), x, create_graph=True)
        loss_d = pred[:BATCH].mean() - pred[BATCH:].mean() + 5 * grad.square().sum() / BATCH
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        clock.step()

with torch.no_grad():
    samples = apply(gen, torch.randn(32768))
print(f"torch gan: train {train.wall:.2f} s (cpu {train.cpu:.2f})")
print(f"seconds: {train.wall:.2f}")
print_step_ms(training=clock)
print(f"quality: w1={w1(samples, two_gaussians(32768)):.4f}")
print(f"quality: w1_floor={w1(two_gaussians(32768), two_gaussians(32768)):.4f}")
