#!/usr/bin/env python3
"""The speed race: every notebook in the seli kernel against its twins.

Usage: race.py [--runs N] [--peer torch|jax|all] [NN ...]
       (e.g. race.py --peer jax 03 07; default: --peer torch, all chapters)

For each chapter NN it executes notebooks/NN_*.ipynb with nbclient in a fresh
seli kernel (kernel start included) and runs the peer's twin as a whole run:
torch, bench/notebooks/NN_*.py with /usr/bin/python3 (torch import included;
one thread, torch.set_num_threads(1), PyTorch's fastest setting on these
machines); jax, bench/jax/NN_*.py with build/seed-venv/bin/python, the seed
(seli 0.1.2 on CPU jax; import and XLA compilation included).  It prints the
median seconds of each, the ratio, the quality lines both printed, and the
twin's steady-state milliseconds per training step where it prints one
(`step ms:`, after compilation, a median over chunks of steps).  With a
JAX peer, the last line reads
race: peer=jax notebooks=N slowest_ratio=R total_seli_s=S total_peer_s=P
where R is the smallest peer/seli ratio of whole-run seconds.
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
STEP_MS = re.compile(r"^step ms: ([0-9.]+)", re.M)
PEERS = {  # name -> (folder of its twins, the interpreter that runs them, label)
    "torch": (HERE, "/usr/bin/python3", "PyTorch"),
    "jax": (os.path.join(ROOT, "bench", "jax"),
            os.path.join(ROOT, "build", "seed-venv", "bin", "python"), "seed (JAX)"),
}


def run_notebook(path):
    nb = nbformat.read(path, as_version=4)
    harness.install_temp_kernelspec()
    client = NotebookClient(nb, kernel_name=harness.KERNEL_NAME, timeout=1200,
                            resources={"metadata": {"path": os.path.dirname(path)}})
    start = time.monotonic()
    client.execute()
    return time.monotonic() - start, qualities(nb)


def run_twin(path, python="/usr/bin/python3"):
    """Runs one twin whole; returns (seconds, qualities, step ms or None)."""
    start = time.monotonic()
    out = subprocess.run([python, path], capture_output=True, text=True,
                         check=True, cwd=os.path.dirname(path)).stdout
    step = STEP_MS.search(out)
    return (time.monotonic() - start, {k: float(v) for k, v in QUALITY.findall(out)},
            float(step.group(1)) if step else None)


def fmt(q):
    return ", ".join(f"{k}={v:.4g}" for k, v in q.items()) or "-"


def race(peer, chapters, runs):
    """Races every chosen chapter against `peer`'s twin; prints and returns the rows."""
    folder, python, label = PEERS[peer]
    rows = []
    for twin in sorted(glob.glob(os.path.join(folder, "[0-9][0-9]_*.py"))):
        name = os.path.splitext(os.path.basename(twin))[0]
        if chapters and name[:2] not in chapters:
            continue
        notebook = os.path.join(ROOT, "notebooks", name + ".ipynb")
        if not os.path.exists(notebook):
            continue
        ours, theirs, steps = [], [], []
        for _ in range(runs):
            s, q_ours = run_notebook(notebook)
            ours.append(s)
            t, q_theirs, step = run_twin(twin, python)
            theirs.append(t)
            if step is not None:
                steps.append(step)
        s, t = statistics.median(ours), statistics.median(theirs)
        step = statistics.median(steps) if steps else None
        rows.append((name, s, t, q_ours, q_theirs, step))
        print(f"{name}: seli {s:.1f} s, {label} {t:.1f} s, {t / s:.1f}x", flush=True)
    print()
    print(f"| notebook | seli s | {label} s | speed-up | {label} ms/step | seli quality "
          f"| {label} quality |")
    print("|---|---:|---:|---:|---:|---|---|")
    for name, s, t, qo, qt, step in rows:
        ms = f"{step:.3g}" if step is not None else "-"
        print(f"| {name} | {s:.1f} | {t:.1f} | {t / s:.1f}x | {ms} | {fmt(qo)} | {fmt(qt)} |")
    if rows:
        s = sum(r[1] for r in rows)
        t = sum(r[2] for r in rows)
        print(f"| total | {s:.1f} | {t:.1f} | {t / s:.1f}x | | | |")
    print(f"\n(medians of {runs} run(s); whole runs: kernel start and the peer's import"
          f" and compilation included)")
    if rows and peer == "jax":
        slowest = min(r[2] / r[1] for r in rows)
        print(f"race: peer=jax notebooks={len(rows)} slowest_ratio={slowest:.2f} "
              f"total_seli_s={sum(r[1] for r in rows):.1f} "
              f"total_peer_s={sum(r[2] for r in rows):.1f}")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--peer", choices=["torch", "jax", "all"], default="torch")
    parser.add_argument("chapters", nargs="*")
    args = parser.parse_args()
    for peer in (["torch", "jax"] if args.peer == "all" else [args.peer]):
        race(peer, args.chapters, args.runs)


if __name__ == "__main__":
    main()
