#!/usr/bin/env python3
"""Notebook or program: each notebook's run time in the seli kernel against
the program `seli-kernel export` makes of it, built with gcc -O2.

Usage: export_bench.py [--runs N] [NN ...]     (default: every notebook, 1 run)

For each notebook it measures, as whole runs, in a temporary directory:
  kernel   nbclient executes the notebook in a fresh seli kernel (start-up
           included; cells compiled by tcc, libseli by gcc -O2)
  export   seli-kernel export NOTEBOOK -o NOTEBOOK.c (tcc checks it)
  gcc      gcc -O2 -Wall against this tree's libseli.a
  program  the program's run
Both runs use one OpenBLAS thread (the kernelspec sets OPENBLAS_NUM_THREADS=1).
It prints the median seconds of each and the ratio kernel / program.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "kernel"))
sys.path.insert(0, str(ROOT / "tests" / "export"))

import exported  # noqa: E402  (export, build flags, libseli of this tree)
import harness  # noqa: E402  (temporary kernelspec for the built kernel)
import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402


def timed(fn):
    start = time.monotonic()
    fn()
    return time.monotonic() - start


def run_kernel(path, cwd):
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, kernel_name=harness.KERNEL_NAME, timeout=1200,
                   resources={"metadata": {"path": str(cwd)}}).execute()


def gcc(source, exe):
    subprocess.run(["gcc", "-O2", "-Wall", "-I", str(ROOT / "libseli" / "include"), str(source),
                    "-o", str(exe), *exported.libs()], check=True)


def measure(path, runs):
    times = {"kernel": [], "export": [], "gcc": [], "program": []}
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="seli-export-bench-") as tmp:
            tmp = pathlib.Path(tmp)
            source, exe = tmp / (path.stem + ".c"), tmp / path.stem
            times["kernel"].append(timed(lambda: run_kernel(path, tmp)))
            times["export"].append(timed(lambda: exported.export(path, source).check_returncode()))
            times["gcc"].append(timed(lambda: gcc(source, exe)))
            times["program"].append(timed(lambda: subprocess.run(
                [str(exe)], cwd=str(tmp), env=env, check=True, capture_output=True)))
    return {k: statistics.median(v) for k, v in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("chapters", nargs="*")
    args = parser.parse_args()
    harness.install_temp_kernelspec()
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.chapters:
        paths = [p for p in paths if p.name[:2] in args.chapters]
    print(f"median of {args.runs} run(s), seconds; kernel = whole notebook in a fresh kernel, "
          "program = the exported program built with gcc -O2")
    print(f"{'notebook':34} {'kernel':>8} {'export':>8} {'gcc':>8} {'program':>8} "
          f"{'kernel/program':>15}")
    for path in paths:
        t = measure(path, args.runs)
        print(f"{path.stem:34} {t['kernel']:8.2f} {t['export']:8.2f} {t['gcc']:8.2f} "
              f"{t['program']:8.2f} {t['kernel'] / t['program']:15.2f}", flush=True)


if __name__ == "__main__":
    main()
