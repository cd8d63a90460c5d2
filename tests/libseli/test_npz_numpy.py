"""seli's .npz files and numpy's, both ways.

numpy.load reads what seli_save writes (arrays with the right dtype, shapes
and values, and the JSON module tree), and seli_load reads arrays that numpy
wrote with np.savez / np.savez_compressed, next to seli's JSON entry.

The C side is tests/libseli/npz_tool.c, built here against build/libseli.a
(run `make` first).  Run: build/venv/bin/python -m pytest tests/libseli/test_npz_numpy.py
"""

import json
import os
import shlex
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("SELI_BUILD", ROOT / "build"))
LIBSELI = BUILD / "libseli.a"


def blas_libs():
    try:
        out = subprocess.run(
            ["pkg-config", "--libs", "openblas"], capture_output=True, text=True, check=True
        ).stdout
        return shlex.split(out)
    except (OSError, subprocess.CalledProcessError):
        return ["-lopenblas"]


@pytest.fixture(scope="module")
def tool(tmp_path_factory):
    if not LIBSELI.exists():
        pytest.skip(f"{LIBSELI} is missing: run make first")
    exe = tmp_path_factory.mktemp("npz_tool") / "npz_tool"
    cmd = [
        "gcc", "-std=c11", "-O1", "-D_GNU_SOURCE", f"-I{ROOT / 'libseli/include'}",
        str(ROOT / "tests/libseli/npz_tool.c"), str(LIBSELI), "-o", str(exe),
        *blas_libs(), "-ljansson", "-lzip", "-lpng", "-lz", "-lm", "-lpthread",
    ]
    subprocess.run(cmd, check=True)
    return exe


def parse(text):
    """KIND PATH NDIM D... : V... lines -> {path: (kind, array)}."""
    arrays = {}
    for line in text.splitlines():
        if line.startswith(("type ", "note ")):
            continue
        head, _, values = line.partition(" : ")
        parts = head.split()
        kind, path, ndim = parts[0], parts[1], int(parts[2])
        shape = tuple(int(d) for d in parts[3:3 + ndim])
        data = np.array([float(v) for v in values.split()] if values.strip() else [],
                        dtype=np.float32)
        arrays[path] = (kind, data.reshape(shape))
    return arrays


def run(tool, *args, check=True):
    return subprocess.run([str(tool), *map(str, args)], capture_output=True, text=True,
                          check=check)


@pytest.fixture(scope="module")
def saved(tool, tmp_path_factory):
    d = tmp_path_factory.mktemp("saved")
    model, opt = d / "model.npz", d / "adam.npz"
    out = run(tool, "save", model, opt).stdout
    return model, opt, parse(out)


def test_numpy_reads_a_saved_models_arrays(saved):
    model, _, printed = saved
    with np.load(model) as z:
        names = [n for n in z.files if n != "seli.json"]
        assert sorted(names) == sorted(p for p in printed if not p.startswith(("m.", "v.")))
        assert len(names) == 6
        for name in names:
            a = z[name]
            assert a.dtype == np.float32
            assert a.flags.c_contiguous
            kind, want = printed[name]
            assert kind == "param"
            assert a.shape == want.shape
            np.testing.assert_array_equal(a, want)
        assert z["0.weight"].shape == (1, 16)
        assert z["2.weight"].shape == (16, 16)
        assert z["4.bias"].shape == (1,)


def test_numpy_reads_optimizer_state_and_the_json_tree(saved):
    _, opt, printed = saved
    with np.load(opt) as z:
        for name in ("m.0.weight", "v.2.weight", "m.4.bias"):
            kind, want = printed[name]
            assert kind == "buffer"
            np.testing.assert_array_equal(z[name], want)
        tree = json.loads(z["seli.json"])
    assert tree["format"] == "seli.module"
    assert tree["module"]["type"] == "opt.Adam"
    attrs = {a["name"]: a for a in tree["module"]["attrs"]}
    assert attrs["t"]["value"] == 3
    assert attrs["lr"]["kind"] == "float"
    assert attrs["m.0.weight"]["kind"] == "buffer"


def test_every_entry_is_a_plain_npy_v1_with_a_64_byte_aligned_header(saved):
    model, _, _ = saved
    with zipfile.ZipFile(model) as z:
        for info in z.infolist():
            if not info.filename.endswith(".npy"):
                continue
            raw = z.read(info)
            assert raw[:8] == b"\x93NUMPY\x01\x00"
            header_len = int.from_bytes(raw[8:10], "little")
            assert (10 + header_len) % 64 == 0
            header = raw[10:10 + header_len].decode("latin1")
            assert header.startswith("{'descr': '<f4', 'fortran_order': False, 'shape': (")
            assert header.endswith("\n")


def rewrite_with_numpy(src, dst, compressed, fortran=False):
    """A file whose arrays numpy wrote: new values for every array of src,
    written by np.savez, plus src's seli.json entry appended."""
    rng = np.random.default_rng(7)
    arrays = {}
    with np.load(src) as z:
        for name in z.files:
            if name == "seli.json":
                tree = z[name]
                continue
            a = rng.standard_normal(z[name].shape).astype(np.float32)
            if fortran and a.ndim == 2:
                a = np.asfortranarray(a)
            arrays[name] = a
    (np.savez_compressed if compressed else np.savez)(dst, **arrays)
    with zipfile.ZipFile(dst, "a") as z:
        z.writestr("seli.json", tree)
    return arrays


@pytest.mark.parametrize("compressed", [False, True])
def test_seli_loads_arrays_that_numpy_wrote(tool, saved, tmp_path, compressed):
    model, _, _ = saved
    path = tmp_path / "from_numpy.npz"
    arrays = rewrite_with_numpy(model, path, compressed)
    loaded = parse(run(tool, "load", path).stdout)
    assert set(loaded) == set(arrays)
    for name, a in arrays.items():
        kind, got = loaded[name]
        assert kind == "param"
        np.testing.assert_array_equal(got, a)


def test_seli_loads_fortran_ordered_arrays_in_their_logical_order(tool, saved, tmp_path):
    model, _, _ = saved
    path = tmp_path / "fortran.npz"
    arrays = rewrite_with_numpy(model, path, compressed=False, fortran=True)
    with zipfile.ZipFile(path) as z:
        assert b"'fortran_order': True" in z.read("2.weight.npy")[:128]
    loaded = parse(run(tool, "load", path).stdout)
    np.testing.assert_array_equal(loaded["2.weight"][1], arrays["2.weight"])


def test_float64_arrays_are_converted_and_the_model_says_so(tool, saved, tmp_path):
    model, _, _ = saved
    path = tmp_path / "f64.npz"
    with np.load(model) as z:
        arrays = {n[:-4] if n.endswith(".npy") else n: z[n].astype(np.float64) * 1.5
                  for n in z.files if n != "seli.json"}
        tree = z["seli.json"]
    np.savez(path, **arrays)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("seli.json", tree)
    out = run(tool, "load", path).stdout
    assert f"note converted on load: {len(arrays)} arrays of dtype <f8 to float32" in out
    loaded = parse(out)
    for name, a in arrays.items():
        np.testing.assert_array_equal(loaded[name][1], a.astype(np.float32))


def test_big_endian_arrays_are_refused_with_a_hint(tool, saved, tmp_path):
    model, _, _ = saved
    path = tmp_path / "be.npz"
    with np.load(model) as z:
        arrays = {n: z[n].astype(">f4") for n in z.files if n != "seli.json"}
        tree = z["seli.json"]
    np.savez(path, **arrays)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("seli.json", tree)
    r = run(tool, "load", path, check=False)
    assert r.returncode == 1
    assert "'>f4'" in r.stderr and "astype(np.float32)" in r.stderr


def test_a_plain_numpy_npz_without_the_tree_is_refused_clearly(tool, tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, a=np.zeros(3, np.float32))
    r = run(tool, "load", path, check=False)
    assert r.returncode == 1
    assert "no 'seli.json' entry" in r.stderr and "'a.npy'" in r.stderr
