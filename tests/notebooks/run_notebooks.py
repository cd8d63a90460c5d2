#!/usr/bin/env python3
"""Execute notebooks in the seli kernel and report seconds and quality.

Usage: run_notebooks.py --out DIR [--kernel NAME] NOTEBOOK...

Each notebook is executed top to bottom with nbclient; the executed copy is
written to DIR as .ipynb and .html (nbconvert).  Lines printed as
"quality: NAME=VALUE" are collected into the table printed at the end.
Exits non-zero if any notebook raised an error.
"""
import argparse
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

QUALITY = re.compile(r"^quality: (\w+)=([-+0-9.eEinfa]+)\s*$", re.M)


def qualities(nb):
    """The quality lines a notebook printed, as a dict name -> float."""
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                for name, value in QUALITY.findall(out.get("text", "")):
                    found[name] = float(value)
    return found


def run(path, out_dir, kernel, timeout):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel, timeout=timeout,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    start = time.monotonic()
    error = None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = str(exc).splitlines()[0] if str(exc) else "error"
    seconds = time.monotonic() - start
    base = os.path.join(out_dir, os.path.splitext(os.path.basename(path))[0])
    nbformat.write(nb, base + ".ipynb")
    html, _ = HTMLExporter().from_notebook_node(nb)
    with open(base + ".html", "w", encoding="utf-8") as f:
        f.write(html)
    return seconds, qualities(nb), error


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="build/notebooks")
    parser.add_argument("--kernel", default="seli")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("notebooks", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rows, failed, total = [], False, 0.0
    for path in args.notebooks:
        seconds, quality, error = run(path, args.out, args.kernel, args.timeout)
        total += seconds
        failed |= error is not None
        q = ", ".join(f"{k}={v:.4g}" for k, v in quality.items()) or "-"
        rows.append((os.path.basename(path), seconds, q, error or "ok"))
        print(f"{os.path.basename(path)}: {seconds:.1f} s, {q}, {error or 'ok'}", flush=True)
    print()
    print(f"{'notebook':<40} {'seconds':>8}  quality")
    for name, seconds, q, status in rows:
        print(f"{name:<40} {seconds:>8.1f}  {q}{'' if status == 'ok' else '  ERROR: ' + status}")
    print(f"{'total':<40} {total:>8.1f}")
    print(f"executed notebooks are in {args.out}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
