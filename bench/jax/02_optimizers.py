"""JAX twin of notebooks/02_optimizers.ipynb, in the seed's API (seli 0.1.2).

Six optimizers on the Rosenbrock function from (-0.5, 1), 4,098 steps each,
recording the trajectory, with the notebook's settings (SGD 1e-3, Momentum
1e-3/0.9, RMSProp 1e-2/0.99, AdaGrad 1e-1, Nesterov 1e-3/0.9, Adam
1e-1/0.9/0.999/1e-12).  Written as the seed's examples/rosenbrock.py: a
seli.opt.Loss over a bare array (collection None), one plain step that
creates the optimizer's state, then the remaining 4,097 steps in one lax.scan
that returns the path.  Each optimizer is its own compiled program.  Then
the notebook's Adam with the rate decayed by 0.999 per step from step 1,500
(a plain loop: the rate is a Python float in the seed's Adam, so a changed
rate is a new program; here the rate is threaded as an array leaf instead,
so one compiled step serves every rate).  Quality: each optimizer's final
loss."""
import time

t0 = time.perf_counter()
c0 = time.process_time()

import jax.numpy as jnp  # noqa: E402

from common import StepClock, block, print_step_ms, scan_minimize, seli  # noqa: E402

STEPS = 4098


def rosenbrock_elementwise(p):
    return (1 - p[..., 0]) ** 2 + 100 * (p[..., 1] - p[..., 0] ** 2) ** 2


class Rosenbrock(seli.opt.Loss):
    def __call__(self, p):
        return jnp.sum(rosenbrock_elementwise(p))


loss = Rosenbrock()
loss.collection = None
start = jnp.array([-0.5, 1.0], jnp.float32)

OPTIMIZERS = {
    "sgd": lambda: seli.opt.SGD(1e-3),
    "momentum": lambda: seli.opt.Momentum(1e-3, 0.9),
    "rmsprop": lambda: seli.opt.RMSProp(1e-2, 0.99),
    "adagrad": lambda: seli.opt.Adagrad(1e-1),
    "nesterov": lambda: seli.opt.Nesterov(1e-3, 0.9),
    "adam": lambda: seli.opt.Adam(1e-1, 0.9, 0.999, 1e-12),
}

clock = StepClock()
paths = {}
for name, make in OPTIMIZERS.items():
    opt, p_1, _ = make().minimize(loss, start)
    opt, p, (_, [rest]) = block(scan_minimize(opt, loss, p_1, STEPS - 1, path=True))
    paths[name] = jnp.concatenate([start[None], p_1[None], rest])
    # the same program again, timed: the steady state of a step inside the scan
    opt2, p2, _ = make().minimize(loss, start)
    clock.time(STEPS - 1, scan_minimize, opt2, loss, p2, STEPS - 1, path=True)
assert all(path.shape == (STEPS + 1, 2) for path in paths.values())
final = {name: float(rosenbrock_elementwise(path[-1])) for name, path in paths.items()}

# Adam with the rate decayed from step 1,500, stepped one call at a time
opt = seli.opt.Adam(1e-1, 0.9, 0.999, 1e-12)
opt.lr = jnp.asarray(0.1, jnp.float32)
p, lr = start, 0.1
decayed = [float(rosenbrock_elementwise(p))]
for i in range(STEPS):
    if i >= 1500:
        lr *= 0.999
        opt.lr = jnp.asarray(lr, jnp.float32)
    opt, p, _ = opt.minimize(loss, p)
    decayed.append(float(rosenbrock_elementwise(p)))
seconds = time.perf_counter() - t0
print(f"final loss with the decay: {decayed[-1]:.3g}")
for name, value in final.items():
    print(f"quality: loss_{name}={value:.3g}")
print_step_ms(optimizing=clock)
print(f"seconds: {seconds:.3f}")
print(f"cpu seconds: {time.process_time() - c0:.3f}")
