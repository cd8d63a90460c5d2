"""JAX twin of notebooks/01_function_approximation.ipynb, in the seed's API (seli 0.1.2).

1-D regression (MLP 1-16-16-1 ELU, Adam 1e-2, 1000 full-batch steps on 64
points) and two-moons classification (MLP 2-32-32-1 ReLU, BCE on logits, Adam
1e-3, 10,000 full-batch steps on 128 points, decision snapshots on a 200x200
grid at steps 10, 100, 1000 and 10000).  Quality: rmse against the true mean
function and accuracy, both on 4096 fresh test points.

The model is written as in the seed's examples/classification_2d.py
(seli.net.Affine layers, the seed's default Glorot-uniform weights), seeded
with set_rngs(42).  Steps are optimizer.minimize (jit-compiled by the seed);
the loops are lax.scan over it as in the seed's examples/rosenbrock.py, after
a first call that creates the parameters and one plain step that creates
Adam's state (scan needs the same carry on every iteration).  The classification loop is scanned
in chunks of 90 steps, so the snapshots fall between chunks and one compiled
chunk serves the whole run."""
import time

t0 = time.perf_counter()
c0 = time.process_time()

import jax.nn as jnn  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.random as jrn  # noqa: E402

from common import StepClock, block, print_step_ms, scan_minimize, seed, seli  # noqa: E402


def true_fn(x):
    return jnp.sin(1.5 * x) + 0.1 * x**2


def noise_sd(x):
    return 0.2 + 0.05 * jnp.abs(x)


def regression_data(key, n):
    k1, k2 = jrn.split(key)
    x = jrn.uniform(k1, (n, 1), minval=-5, maxval=5)
    return x, true_fn(x) + jrn.normal(k2, (n, 1)) * noise_sd(x)


def moons(key, n):
    k1, k2 = jrn.split(key)
    angle = jrn.uniform(k1, (n,), minval=0, maxval=2 * jnp.pi)
    y = (angle > jnp.pi).astype(jnp.float32)
    shift = y - 0.5
    p = jnp.stack([jnp.cos(angle) + shift, jnp.sin(angle) + shift * 0.2], -1)
    return p + jrn.normal(k2, (n, 2)) * 0.2, y


class MLP(seli.Module):
    def __init__(self, widths, act):
        self.layers = []
        for i, w in enumerate(widths):
            self.layers.append(seli.net.Affine(w))
            if i + 1 < len(widths):
                self.layers.append(act)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class Logits(MLP):
    def __call__(self, x):
        return super().__call__(x)[..., 0]


root = jrn.PRNGKey(seed(0))
clock, reg_clock = StepClock(), StepClock()

# regression
x_data, y_data = regression_data(jrn.fold_in(root, 1), 64)
regressor = MLP([16, 16, 1], jnn.elu).set_rngs(seed(42))
mse = seli.opt.MeanSquaredError()
opt = seli.opt.Adam(1e-2)
regressor(x_data)   # creates the parameters (the seed creates them on the first call)
opt, regressor, _ = opt.minimize(mse, regressor, y_data, x_data)
opt, regressor, losses = block(scan_minimize(opt, mse, regressor, 999, y_data, x_data))
# the steady state: the same compiled scan again, from a fresh model and optimizer
fresh = MLP([16, 16, 1], jnn.elu).set_rngs(seed(42))
fresh(x_data)
fresh_opt, fresh, _ = seli.opt.Adam(1e-2).minimize(mse, fresh, y_data, x_data)
reg_clock.time(999, scan_minimize, fresh_opt, mse, fresh, 999, y_data, x_data)
x_test = jrn.uniform(jrn.fold_in(root, 2), (4096, 1), minval=-5, maxval=5)
rmse = float(jnp.sqrt(jnp.mean((regressor(x_test) - true_fn(x_test)) ** 2)))
t1 = time.perf_counter()
print(f"regression: {t1 - t0:.3f} s")

# classification
moon_x, moon_y = moons(jrn.fold_in(root, 3), 128)
classifier = Logits([32, 32, 1], jnn.relu).set_rngs(seed(42))
bce = seli.opt.BinaryCrossEntropy()
opt = seli.opt.Adam(1e-3)
classifier(moon_x)
g = jnp.linspace(-2, 2, 200)
grid = jnp.stack(jnp.meshgrid(g, g, indexing="xy"), -1).reshape(-1, 2)
snapshots, losses = {}, []
opt, classifier, loss = opt.minimize(bce, classifier, moon_y, moon_x)   # step 1
losses.append(loss[None])
opt, classifier, chunk = scan_minimize(opt, bce, classifier, 9, moon_y, moon_x)
losses.append(chunk)
step = 10
for until in (100, 1000, 10000):
    snapshots[step] = classifier(grid)
    while step < until:
        if step > 100:
            opt, classifier, chunk = clock.time(90, scan_minimize, opt, bce, classifier, 90,
                                                moon_y, moon_x)
        else:
            opt, classifier, chunk = scan_minimize(opt, bce, classifier, 90, moon_y, moon_x)
        losses.append(chunk)
        step += 90
snapshots[step] = classifier(grid)
losses = block(jnp.concatenate(losses))
assert losses.shape == (10000,) and sorted(snapshots) == [10, 100, 1000, 10000]
test_x, test_y = moons(jrn.fold_in(root, 4), 4096)
accuracy = float(jnp.mean((classifier(test_x) > 0) == (test_y > 0.5)))
t2 = time.perf_counter()
print(f"classification: {t2 - t1:.3f} s")
print(f"quality: rmse={rmse:.4f}")
print(f"quality: accuracy={accuracy:.4f}")
print_step_ms(regression=reg_clock, classification=clock)
print(f"seconds: {t2 - t0:.3f}")
print(f"cpu seconds: {time.process_time() - c0:.3f}")
