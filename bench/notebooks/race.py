#!/usr/bin/env python3
"""The speed race: every notebook in the seli kernel against its PyTorch twin.

Usage: race.py [--runs N] [NN ...]     (e.g. race.py 03 07; default: all)

For each chapter NN it executes notebooks/NN_*.ipynb with nbclient in a fresh
seli kernel (kernel start included) and runs bench/notebooks/NN_*.py with
/usr/bin/python3 (torch import included), both as whole runs, and prints the
median seconds of each, the ratio, and the quality lines both printed.  The
twins use one thread (torch.set_num_threads(1)), PyTorch's fastest setting on
these machines.
"""
import argparse
import glob
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "kernel"))
sys.path.insert(0, os.path.join(ROOT, "tests", "notebooks"))

import harness  # noqa: E402  (temporary kernelspec for the built kernel)
import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from run_notebooks import qualities  # noqa: E402

QUALITY = re.compile(r"^quality: (\w+)=(\S+)\s*$", re.M)


def run_notebook(path):
    nb = nbformat.read(path, as_version=4)
    harness.install_temp_kernelspec()
    client = NotebookClient(nb, kernel_name=harness.KERNEL_NAME, timeout=1200,
                            resources={"metadata": {"path": os.path.dirname(path)}})
    start = time.monotonic()
    client.execute()
    return time.monotonic() - start, qualities(nb)


def run_twin(path):
    start = time.monotonic()
    out = subprocess.run(["/usr/bin/python3", path], capture_output=True, text=True,
                         check=True, cwd=os.path.dirname(path)).stdout
    return time.monotonic() - start, {k: float(v) for k, v in QUALITY.findall(out)}


def fmt(q):
    return ", ".join(f"{k}={v:.4g}" for k, v in q.items()) or "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("chapters", nargs="*")
    args = parser.parse_args()
    rows = []
    for twin in sorted(glob.glob(os.path.join(HERE, "[0-9][0-9]_*.py"))):
        name = os.path.splitext(os.path.basename(twin))[0]
        if args.chapters and name[:2] not in args.chapters:
            continue
        notebook = os.path.join(ROOT, "notebooks", name + ".ipynb")
        if not os.path.exists(notebook):
            continue
        ours, theirs = [], []
        for _ in range(args.runs):
            s, q_ours = run_notebook(notebook)
            ours.append(s)
            t, q_theirs = run_twin(twin)
            theirs.append(t)
        s, t = statistics.median(ours), statistics.median(theirs)
        rows.append((name, s, t, q_ours, q_theirs))
        print(f"{name}: seli {s:.1f} s, PyTorch {t:.1f} s, {t / s:.1f}x", flush=True)
    print()
    print(f"| notebook | seli s | PyTorch s | speed-up | seli quality | PyTorch quality |")
    print(f"|---|---:|---:|---:|---|---|")
    for name, s, t, qo, qt in rows:
        print(f"| {name} | {s:.1f} | {t:.1f} | {t / s:.1f}x | {fmt(qo)} | {fmt(qt)} |")
    if rows:
        s = sum(r[1] for r in rows)
        t = sum(r[2] for r in rows)
        print(f"| total | {s:.1f} | {t:.1f} | {t / s:.1f}x | | |")
    print(f"\n(medians of {args.runs} run(s); whole runs: kernel start and torch import included)")


if __name__ == "__main__":
    main()
