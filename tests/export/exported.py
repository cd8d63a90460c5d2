"""exported.py: export a notebook with the kernel under test, build the
program against this tree's libseli with the warnings the issue asks for,
and run it (helpers for the export tests)."""

import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "kernel"))
import harness  # noqa: E402

# Every warning of -Wall -Wextra is an error: the programs build clean.
CFLAGS = ["-O2", "-Wall", "-Wextra", "-Werror"]


def libseli_archive():
    """The tree's build/libseli.a (an ASan kernel's own libseli.a would need
    the sanitizer's runtime), else the one beside the kernel under test."""
    tree = ROOT / "build" / "libseli.a"
    return tree if tree.exists() else pathlib.Path(harness.kernel_binary()).parent / "libseli.a"


def libs():
    blas = subprocess.run(["pkg-config", "--libs", "openblas"], capture_output=True, text=True)
    return [str(libseli_archive())] + (blas.stdout.split() or ["-lopenblas"]) + [
        "-ljansson", "-lzip", "-lpng", "-lz", "-lm", "-lpthread"]


def export(notebook, out):
    """Run `seli-kernel export notebook -o out`; the CompletedProcess."""
    return subprocess.run([harness.kernel_binary(), "export", str(notebook), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)


def build(source, exe):
    """Compile source into exe; fails the test with gcc's words on a warning."""
    done = subprocess.run(["gcc", *CFLAGS, "-I", str(ROOT / "libseli" / "include"), str(source),
                           "-o", str(exe), *libs()], capture_output=True, text=True)
    assert done.returncode == 0, "%s does not build warning-free:\n%s" % (source, done.stderr)


def run(exe, cwd, timeout=600, args=()):
    """Run exe in cwd as the kernel runs (one OpenBLAS thread); its stdout."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([str(exe), *args], cwd=str(cwd), capture_output=True, text=True,
                          timeout=timeout, env=env)
    assert done.returncode == 0, "%s failed (%d):\n%s" % (exe, done.returncode, done.stderr)
    return done.stdout


def figures(nb):
    """The image/svg+xml figures a notebook's outputs show."""
    return sum(1 for cell in nb.cells for o in cell.get("outputs", [])
               if o.get("output_type") in ("display_data", "execute_result")
               and "image/svg+xml" in o.get("data", {}))


# Timings differ from run to run: the numbers go, the words stay.
TIMES = re.compile(r"\d+(\.\d+)?( ?(s|ms|ns|\u00b5s)\b)")


def without_times(text):
    return TIMES.sub("T", text)
