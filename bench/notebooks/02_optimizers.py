"""PyTorch twin of notebooks/02_optimizers.ipynb (threads: common.py).

Six optimizers on the Rosenbrock function from (-0.5, 1), 4,098 steps each,
recording the trajectory.  PyTorch's Nesterov is its own formulation
(gradient at the current point, look-ahead in the update), equivalent up to a
change of variables.  Prints the seconds and each optimizer's final loss."""
import time

import torch

from common import StepClock, print_step_ms


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


OPTIMIZERS = {
    "sgd": lambda p: torch.optim.SGD([p], 1e-3),
    "momentum": lambda p: torch.optim.SGD([p], 1e-3, momentum=0.9),
    "nesterov": lambda p: torch.optim.SGD([p], 1e-3, momentum=0.9, nesterov=True),
    "rmsprop": lambda p: torch.optim.RMSprop([p], 1e-2, alpha=0.99),
    "adagrad": lambda p: torch.optim.Adagrad([p], 1e-1),
    "adam": lambda p: torch.optim.Adam([p], 1e-1, betas=(0.9, 0.999), eps=1e-12),
}

t0 = time.perf_counter()
c0 = time.process_time()
final, clock = {}, StepClock(chunk=1024)
for name, make in OPTIMIZERS.items():
    p = torch.tensor([-0.5, 1.0], requires_grad=True)
    opt = make(p)
    trajectory = [p.detach().clone()]
    for _ in range(4098):
        opt.zero_grad()
        rosenbrock(p).backward()
        opt.step()
        trajectory.append(p.detach().clone())
        clock.step()
    final[name] = rosenbrock(p).item()
seconds = time.perf_counter() - t0
for name, value in final.items():
    print(f"quality: loss_{name}={value:.3g}")
print_step_ms(optimizing=clock)
print(f"seconds: {seconds:.3f}")
print(f"cpu seconds: {time.process_time() - c0:.3f}")
