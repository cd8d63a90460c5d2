"""test_save_kill.py: kill -9 in the middle of seli_save never damages the saved file.

save_loop.c (built here with gcc against build/libseli.a) saves a 9 MB model
again and again; save number k has every parameter equal to k.  The test kills
it with SIGKILL at random moments, 50 times, and after each kill loads the
file with seli_load (save_loop check) and with numpy: the file is always
complete, every parameter holds one value, and that value is the last save
the process reported, or the one after it (killed between the rename and the
report), never an older one.  numpy reads it too.

A kill leaves the temporary file of the interrupted save next to the target
(named "<path>.tmp-XXXXXX", possibly with a libzip suffix); the test checks
that nothing else appears and that the target itself is never one of them.
"""

import os
import pathlib
import random
import signal
import subprocess
import tempfile
import time
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("SELI_BUILD", ROOT / "build"))
KILLS = int(os.environ.get("SELI_SAVE_KILLS", "50"))


def _pkg_libs(name, fallback):
    try:
        out = subprocess.run(["pkg-config", "--libs", name], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.split()
    except FileNotFoundError:
        pass
    return [fallback]


@pytest.fixture(scope="module")
def save_loop(tmp_path_factory):
    lib = BUILD / "libseli.a"
    if not lib.exists():
        pytest.skip("build/libseli.a is missing; run make first")
    exe = tmp_path_factory.mktemp("bin") / "save_loop"
    cmd = (["gcc", "-std=c11", "-O2", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Wpedantic",
            "-I", str(ROOT / "libseli" / "include"), str(ROOT / "tests" / "libseli" / "save_loop.c"),
            str(lib)] + _pkg_libs("openblas", "-lopenblas")
           + ["-ljansson", "-lzip", "-lpng", "-lz", "-lm", "-lpthread", "-o", str(exe)])
    built = subprocess.run(cmd, capture_output=True, text=True)
    assert built.returncode == 0 and not built.stderr.strip(), built.stderr
    return str(exe)


def _check(exe, path):
    out = subprocess.run([exe, "check", path], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, "seli_load failed after a kill: %s%s" % (out.stdout, out.stderr)
    word, k, count = out.stdout.split()
    assert word == "ok"
    return int(k), int(count)


def _check_numpy(path, k):
    np = pytest.importorskip("numpy")
    with np.load(path) as data:
        names = [n for n in data.files if not n.endswith(".json")]
        assert names
        for n in names:
            a = data[n]
            assert a.dtype == np.float32 and (a == k).all(), n


def _run_and_kill(exe, path, first, delay):
    proc = subprocess.Popen([exe, "save", path, str(first)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, err)
    saved = [int(line.split()[1]) for line in out.splitlines() if line.startswith("saved ")]
    return saved


def test_kill_during_save_leaves_the_previous_file_loadable(save_loop, tmp_path):
    path = str(tmp_path / "model.npz")
    rng = random.Random(int(os.environ.get("SELI_SAVE_SEED", "7")))
    # A first complete file.
    proc = subprocess.Popen([save_loop, "save", path, "1"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "saved 1"
    proc.kill()
    proc.communicate()
    k, count = _check(save_loop, path)
    assert k >= 1 and count > 2_000_000
    # One save takes about 0.1 s and the process needs some to start: kill
    # anywhere in the first few saves, often in the middle of one.
    mid_save = 0
    for i in range(KILLS):
        first = k + 1
        saved = _run_and_kill(save_loop, path, first, rng.uniform(0.02, 0.5))
        new_k, new_count = _check(save_loop, path)
        assert new_count == count
        if saved:
            assert new_k in (saved[-1], saved[-1] + 1), (i, saved, new_k)
        else:
            assert new_k in (k, first), (i, k, new_k)
        if not saved or new_k == saved[-1]:
            mid_save += 1  # killed while a save was under way (or before the first)
        if i % 10 == 0:
            _check_numpy(path, new_k)
            assert zipfile.ZipFile(path).testzip() is None
        k = new_k
    leftovers = [p for p in os.listdir(tmp_path) if p != "model.npz"]
    assert all(p.startswith("model.npz.tmp-") for p in leftovers), leftovers
    # The random moments did hit saves in progress (else the test proves little).
    assert mid_save >= KILLS // 4, mid_save
