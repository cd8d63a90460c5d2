"""Shared pieces of the JAX twins of the seli notebooks (bench only).

The twins run the seed, seli 0.1.2 on CPU jax, from build/seed-venv:
    build/seed-venv/bin/python bench/jax/01_function_approximation.py
The seed is imported through tests/seed/seed.py, which carries the small
import-time fix seli 0.1.2 needs on Python 3.11 (see its docstring).
Every twin takes `--seed-shift K` (default 0): see seed()."""
import functools
import os
import sys
import time
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "seed"))

# seli 0.1.2's beartype hints on Module.tree_unflatten do not admit the
# ShapedArray values jax 0.10 passes while tracing: a warning per trace, harmless.
warnings.filterwarnings("ignore", message=r".*tree_unflatten\(\) parameter arrs_vals=")

from seed import seli  # noqa: E402,F401  (also sets JAX_PLATFORMS=cpu)

import jax  # noqa: E402
import jax.lax as lax  # noqa: E402


def _seed_shift(argv):
    if "--seed-shift" not in argv:
        return 0
    i = argv.index("--seed-shift")
    if i + 1 >= len(argv) or not argv[i + 1].lstrip("-").isdigit():
        sys.exit("--seed-shift takes an integer, e.g. --seed-shift 1")
    return int(argv[i + 1])


SEED_SHIFT = _seed_shift(sys.argv)


def seed(n):
    """The twin's seed n (its notebook's seli_seed(n) or seli_set_rngs(model, n)),
    plus K when the twin runs with `--seed-shift K`, as the notebooks are run
    with every seed shifted by K to measure a quality's spread over seeds:
        build/seed-venv/bin/python bench/jax/05_gan.py --seed-shift 1
    Without the option, the notebooks' own seeds."""
    return n + SEED_SHIFT


_SCANNERS = {}


def scan_minimize(optimizer, loss, model, steps, *args, keys=None, path=False):
    """`steps` calls of optimizer.minimize(loss, model, *args) in one lax.scan,
    the loop of the seed's rosenbrock example, compiled once per (steps, path).
    The model's parameters must exist (call it once) and the optimizer must
    have taken a step with them (its state dicts are created then): scan needs
    the same carry on every iteration.  With keys (an array of `steps` PRNG
    keys, the scan's xs) each step is optimizer.minimize(loss, model, key,
    *args): the loss draws its batch from the key, as the seed's examples pass
    keys to their losses.  Returns (optimizer, model, losses[steps]), or with
    path=True (optimizer, model, [losses[steps], [array[steps, ...] for each
    array of the model after each step]])."""
    if (steps, path) not in _SCANNERS:
        _SCANNERS[steps, path] = seli.jit(functools.partial(_scan, steps, path))
    return _SCANNERS[steps, path](optimizer, loss, model, keys, *args)


def _scan(steps, path, optimizer, loss, model, keys, *args):
    # The carry is the flat list of arrays, not the modules: jax 0.10's scan
    # rebuilds its carry from abstract values (ShapedArray), which seli 0.1.2's
    # tree walk rejects, so the modules are rebuilt inside the body instead.
    leaves, treedef = jax.tree_util.tree_flatten((optimizer, model))

    def body(carry, key):
        opt, m = jax.tree_util.tree_unflatten(treedef, carry)
        step_args = args if key is None else (key, *args)
        opt, m, value = opt.minimize(loss, m, *step_args)
        # a list, not a tuple: the seed's tree walk takes lists and dicts only
        out = [value, jax.tree_util.tree_leaves(m)] if path else value
        return jax.tree_util.tree_leaves((opt, m)), out

    leaves, losses = lax.scan(body, leaves, keys, length=steps)
    optimizer, model = jax.tree_util.tree_unflatten(treedef, leaves)
    return optimizer, model, losses


def block(tree):
    """Waits for every array in `tree` (JAX dispatches asynchronously)."""
    return jax.block_until_ready(tree)


class StepClock:
    """Steady-state milliseconds per training step: time(chunks)/steps, compile excluded
    by the caller (it times only chunks after the first of each compiled shape)."""

    def __init__(self):
        self.ms = []

    def time(self, steps, fn, *args, **kwargs):
        start = time.perf_counter()
        out = block(fn(*args, **kwargs))
        self.ms.append((time.perf_counter() - start) * 1000 / steps)
        return out

    def median(self):
        s = sorted(self.ms)
        return s[len(s) // 2] if s else float("nan")


_LOOPS = {}


def scan_loop(step, state, keys):
    """lax.scan of step(state, key) -> (state, y) over `keys` (an array, or a
    list of arrays of the same length, e.g. [keys, learning rates]), compiled
    once per (step, number of steps) with seli.jit; `state` is a list of modules and arrays
    (the models and their optimizers).  The carry is its flat arrays, as in
    scan_minimize.  Returns (state, ys)."""
    n = len(jax.tree_util.tree_leaves(keys)[0])
    if (step, n) not in _LOOPS:
        _LOOPS[step, n] = seli.jit(functools.partial(_loop, step))
    return _LOOPS[step, n](state, keys)


def _loop(step, state, keys):
    leaves, treedef = jax.tree_util.tree_flatten(state)

    def body(carry, key):
        new, y = step(jax.tree_util.tree_unflatten(treedef, carry), key)
        return jax.tree_util.tree_leaves(new), y

    leaves, ys = lax.scan(body, leaves, keys)
    return jax.tree_util.tree_unflatten(treedef, leaves), ys


def print_step_ms(**clocks):
    """One line per training loop, named as the notebook's progress bar (lower case,
    other characters as _), which race.py pairs with seli's: `step ms: training=1.234`."""
    for name, clock in clocks.items():
        print(f"step ms: {name}={clock.median():.4f}")


def chunked(steps, chunk):
    """Splits `steps` into equal chunks of `chunk` (so one compiled scan serves all)."""
    assert steps % chunk == 0, (steps, chunk)
    return [(i, i + chunk) for i in range(0, steps, chunk)]


def two_gaussians(key, n):
    """n samples of the notebooks' data, 0.5 N(-1, 0.5^2) + 0.5 N(1, 0.5^2), shape [n]."""
    import jax.numpy as jnp
    import jax.random as jrn
    k1, k2 = jrn.split(key)
    return jrn.normal(k1, (n,)) * 0.5 + jrn.rademacher(k2, (n,), jnp.float32)


def scan_chunks(step, state, xs, clock, chunk=1111):
    """Runs scan_loop(step, state, ...) over the steps of xs (an array, or a list of
    arrays of one length) in chunks of `chunk` steps, so one compiled scan serves
    all: the first chunk compiles and is not timed, the others go on `clock`.
    Returns (state, the steps' outputs concatenated)."""
    import jax.numpy as jnp
    steps = len(jax.tree_util.tree_leaves(xs)[0])
    ys = []
    for n, (a, b) in enumerate(chunked(steps, chunk)):
        part = jax.tree_util.tree_map(lambda x: x[a:b], xs)
        if n == 0:
            state, y = block(scan_loop(step, state, part))
        else:
            state, y = clock.time(b - a, scan_loop, step, state, part)
        ys.append(y)
    return state, jnp.concatenate(ys)
