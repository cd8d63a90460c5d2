"""seli's Adam and PyTorch's take bit-identical steps.

libseli's Adam does PyTorch 1.13's float32 operations in PyTorch's order
(libseli/src/adam.c), so where the gradients agree exactly, as on the
Rosenbrock function built from squares, sums and scalar products, the two
trajectories must be the same floats at every step.  Notebook 02 relies on
it: with lr 0.1 Adam's path there is chaotic, and the loss at its last step
is only comparable with PyTorch's because the paths are the same.

Needs Debian's python3-torch (install/deps.sh bench); skipped without it.
PyTorch is Debian's, so its side runs in Debian's /usr/bin/python3 and
prints its path as hexadecimal floats; the test itself runs in build/venv.
The C side is tests/libseli/rosenbrock_path.c, built here against
build/libseli.a (run `make` first).
Run: build/venv/bin/python -m pytest tests/libseli/test_adam_torch.py
"""

import subprocess

import numpy as np
import pytest

from test_npz_numpy import LIBSELI, ROOT, blas_libs

DEBIAN_PYTHON = "/usr/bin/python3"

if subprocess.run([DEBIAN_PYTHON, "-c", "import torch"], capture_output=True).returncode != 0:
    pytest.skip("Debian's python3-torch is not installed (install/deps.sh bench)",
                allow_module_level=True)

TORCH_PATH = """
import sys, torch
steps, lr, b1, b2, eps = int(sys.argv[1]), *map(float, sys.argv[2:6])
torch.set_num_threads(1)
p = torch.tensor([-0.5, 1.0], requires_grad=True)
opt = torch.optim.Adam([p], lr, betas=(b1, b2), eps=eps)
out = []
for _ in range(steps):
    opt.zero_grad()
    ((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2).backward()
    opt.step()
    out.append(" ".join(float(v).hex() for v in p.detach().tolist()))
print("\\n".join(out))
"""


@pytest.fixture(scope="module")
def tool(tmp_path_factory):
    if not LIBSELI.exists():
        pytest.skip(f"{LIBSELI} is missing: run make first")
    exe = tmp_path_factory.mktemp("rosenbrock_path") / "rosenbrock_path"
    subprocess.run([
        "gcc", "-std=c11", "-O1", "-D_GNU_SOURCE", f"-I{ROOT / 'libseli/include'}",
        str(ROOT / "tests/libseli/rosenbrock_path.c"), str(LIBSELI), "-o", str(exe),
        *blas_libs(), "-ljansson", "-lzip", "-lpng", "-lz", "-lm", "-lpthread",
    ], check=True)
    return exe


def seli_path(tool, steps, lr, b1, b2, eps):
    out = subprocess.run([str(tool), str(steps), repr(lr), repr(b1), repr(b2), repr(eps)],
                         capture_output=True, text=True, check=True).stdout
    return np.array([[float.fromhex(v) for v in line.split()] for line in out.splitlines()],
                    dtype=np.float32)


def torch_path(steps, lr, b1, b2, eps):
    """PyTorch's Adam path, each step's parameters exactly (float32 as hex)."""
    out = subprocess.run([DEBIAN_PYTHON, "-c", TORCH_PATH, str(steps), repr(lr), repr(b1),
                          repr(b2), repr(eps)], capture_output=True, text=True, check=True).stdout
    return np.array([[float.fromhex(v) for v in line.split()] for line in out.splitlines()],
                    dtype=np.float32)


@pytest.mark.parametrize("steps, lr, b1, b2, eps", [
    (4098, 0.1, 0.9, 0.999, 1e-12),   # notebook 02's run, chaotic after step ~2300
    (2000, 1e-3, 0.9, 0.999, 1e-8),   # PyTorch's defaults, a slow smooth descent
    (2000, 0.02, 0.8, 0.99, 1e-6),    # other settings for every constant
])
def test_adam_path_equals_pytorch_bit_for_bit(tool, steps, lr, b1, b2, eps):
    ours = seli_path(tool, steps, lr, b1, b2, eps)
    theirs = torch_path(steps, lr, b1, b2, eps)
    assert ours.shape == theirs.shape == (steps, 2)
    differ = np.nonzero(np.any(ours.view(np.uint32) != theirs.view(np.uint32), axis=1))[0]
    assert differ.size == 0, (
        f"step {differ[0] + 1}: seli at {ours[differ[0]].tolist()}, "
        f"PyTorch at {theirs[differ[0]].tolist()}")
    # Not a trivial agreement: both moved far from the start.
    assert np.abs(ours[-1] - np.float32([-0.5, 1.0])).max() > 0.1
