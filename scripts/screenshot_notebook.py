#!/usr/bin/python3
"""screenshot_notebook.py: run a notebook in Jupyter Notebook in headless
Chromium and save a screenshot of its first figure (for the README).

    scripts/screenshot_notebook.py notebooks/00_tour.ipynb docs/tour.png

Uses the kernel of the build tree (build/seli-kernel, or env SELI_KERNEL) and
tests/clients/browser.mjs (`make test-clients` installs its node_modules).
Exits non-zero if a cell shows an error."""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "clients"))
from clientlib import JupyterServer, jupyter_env  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    notebook, out = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    kernel = pathlib.Path(os.environ.get("SELI_KERNEL", ROOT / "build" / "seli-kernel")).resolve()
    with tempfile.TemporaryDirectory(prefix="seli-shot-") as tmp:
        tmp = pathlib.Path(tmp)
        spec = tmp / "prefix" / "share" / "jupyter" / "kernels" / "seli"
        spec.mkdir(parents=True)
        template = json.loads((ROOT / "install" / "kernelspec" / "kernel.json").read_text())
        template["argv"] = [str(kernel) if a == "@SELI_KERNEL@" else a for a in template["argv"]]
        (spec / "kernel.json").write_text(json.dumps(template))
        for logo in ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg"):
            shutil.copy(ROOT / "install" / "kernelspec" / logo, spec)
        root = tmp / "root"
        root.mkdir()
        shutil.copy(notebook, root / notebook.name)
        env = jupyter_env(tmp / "prefix", tmp / "home")
        with JupyterServer("notebook", root, env, tmp / "notebook.log") as server:
            env = dict(env, SELI_MODE="screenshot", SELI_SCREENSHOT=str(out),
                       SELI_PROFILE=str(tmp / "chromium-profile"),
                       SELI_NB_URL=f"{server.url}/notebooks/{notebook.name}?token={server.token}")
            run = subprocess.run(["node", str(ROOT / "tests" / "clients" / "browser.mjs")],
                                 env=env, timeout=900, cwd=ROOT / "tests" / "clients")
    print(f"screenshot: {out}" if run.returncode == 0 else "a cell failed", file=sys.stderr)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
