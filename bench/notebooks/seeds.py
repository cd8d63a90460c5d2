#!/usr/bin/env python3
"""Quality over seeds: each notebook's `quality:` lines, run with its seeds shifted.

Usage: seeds.py [--seeds N] [--lib NAME=LIBSELI.a ...] [--jax] [NN ...]
       (e.g. seeds.py --seeds 8 --lib he=build/libseli.a --lib glorot=/tmp/g/libseli.a
        --jax 04 05; default: 4 seeds, --lib seli=build/libseli.a, chapters 01 03-08)

A notebook's quality at one seed can be luck: notebook 04's MMD lands at W1 0.068
or 0.37 depending on rounding, and the seed's GAN at 0.069 or 0.39 depending on
its seed.  So each notebook is exported to C (build/seli-kernel export), every
seli_seed(n) and seli_set_rngs(model, n) in it becomes n + K for K = 0 .. N-1
(K = 0 is the notebook as shipped), and each version is built with gcc -O2
against each library given (to compare two builds of libseli, e.g. two weight
initializers) and run with OPENBLAS_NUM_THREADS=1.  With --jax the seed's twins
(bench/jax/NN_*.py in build/seed-venv) run with --seed-shift K as well.
Prints, per notebook and quality, each variant's median and its values by K:
  05 w1          he: median 0.0842 [0.074 0.061 ...]
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
QUALITY = re.compile(r"^quality: (\w+)=(\S+)\s*$", re.M)


def shifted(source):
    """The exported C with every literal seed n replaced by n + SHIFT (a macro)."""
    source = re.sub(r"seli_seed\((\d+)\)", r"seli_seed(\1 + SHIFT)", source)
    return re.sub(r"(seli_set_rngs\(.*), (\d+)\);", r"\1, \2 + SHIFT);", source)


def build(c_file, lib, shift, exe):
    libs = subprocess.run(["pkg-config", "--libs", "openblas"], capture_output=True,
                          text=True, check=True).stdout.split()
    subprocess.run(["gcc", "-O2", f"-DSHIFT={shift}", c_file, "-I",
                    os.path.join(ROOT, "libseli", "include"), lib, *libs, "-ljansson", "-lzip",
                    "-lpng", "-lz", "-lm", "-lpthread", "-o", exe], check=True)


def run(cmd, cwd):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                         errors="replace").stdout
    return {name: float(value) for name, value in QUALITY.findall(out)}


def chapter(nn, args, work):
    """{variant: [{quality: value} for each K]} for notebook nn."""
    results = {}
    notebook = glob.glob(os.path.join(ROOT, "notebooks", f"{nn}_*.ipynb"))[0]
    c_file = os.path.join(work, f"nb{nn}.c")
    subprocess.run([os.path.join(ROOT, "build", "seli-kernel"), "export", notebook, "-o",
                    c_file], check=True, capture_output=True)
    with open(c_file) as f:
        source = shifted(f.read())
    with open(c_file, "w") as f:
        f.write(source)
    for name, lib in args.lib:
        for k in range(args.seeds):
            exe = os.path.join(work, f"nb{nn}_{name}_{k}")
            build(c_file, lib, k, exe)
            results.setdefault(name, []).append(run(["nice", exe], work))
    twins = glob.glob(os.path.join(ROOT, "bench", "jax", f"{nn}_*.py"))
    if args.jax and twins:
        python = os.path.join(ROOT, "build", "seed-venv", "bin", "python")
        for k in range(args.seeds):
            results.setdefault("seed", []).append(
                run(["nice", python, twins[0], "--seed-shift", str(k)], ROOT))
    return results


def report(nn, results):
    names = sorted({q for runs in results.values() for r in runs for q in r},
                   key=lambda q: ("floor" in q, q))
    for q in names:
        if "floor" in q:
            continue
        parts = []
        for variant, runs in results.items():
            values = [r[q] for r in runs if q in r]
            if values:
                listed = " ".join(f"{v:.3f}" for v in values)
                parts.append(f"{variant}: median {statistics.median(values):.4f} [{listed}]")
        print(f"{nn} {q:<13s} " + " | ".join(parts), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--lib", action="append", default=[],
                        help="NAME=path/to/libseli.a (repeatable)")
    parser.add_argument("--jax", action="store_true", help="also the seed's twins")
    parser.add_argument("chapters", nargs="*", default=["01", "03", "04", "05", "06", "07",
                                                        "08"])
    args = parser.parse_args()
    if args.seeds < 1:
        sys.exit("--seeds takes a count >= 1")
    libs = args.lib or [f"seli={os.path.join(ROOT, 'build', 'libseli.a')}"]
    args.lib = []
    for item in libs:
        name, _, path = item.partition("=")
        if not path or not os.path.exists(path):
            sys.exit(f"--lib {item}: give NAME=path to a built libseli.a (make all builds "
                     "build/libseli.a)")
        args.lib.append((name, os.path.abspath(path)))
    work = tempfile.mkdtemp(prefix="seli-seeds-")
    try:
        for nn in args.chapters:
            report(nn, chapter(nn, args, work))
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
