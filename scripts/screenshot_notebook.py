#!/usr/bin/env python3
"""screenshot_notebook.py: run a notebook in JupyterLab 4 in headless
Chromium and save a screenshot of its first figure with the code above it
(the README's picture).

    build/venv/bin/python scripts/screenshot_notebook.py notebooks/00_tour.ipynb docs/tour.png

Uses the kernel of the build tree (build/seli-kernel, or env SELI_KERNEL),
the venv's JupyterLab and Python playwright (`make venv`) and Debian's
chromium (tests/clients/browserlib.py).  Exits non-zero if a cell shows an
error or output on stderr, or if the notebook shows no figure."""

import json
import os
import pathlib
import shutil
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / "build" / "venv" / "bin" / "python"

try:
    import playwright  # noqa: F401
except ImportError:  # run by another python: the venv's has playwright
    if VENV_PYTHON.exists() and pathlib.Path(sys.executable) != VENV_PYTHON:
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), __file__, *sys.argv[1:]])
    sys.exit("screenshot_notebook.py needs the project's venv: make venv")

sys.path.insert(0, str(ROOT / "tests" / "clients"))
from browserlib import JupyterPage, chromium, poll  # noqa: E402
from clientlib import JupyterServer, jupyter_env  # noqa: E402


def kernelspec(prefix, kernel):
    """A kernelspec "seli" under prefix that runs kernel."""
    spec = prefix / "share" / "jupyter" / "kernels" / "seli"
    spec.mkdir(parents=True)
    template = json.loads((ROOT / "install" / "kernelspec" / "kernel.json").read_text())
    template["argv"] = [str(kernel) if a == "@SELI_KERNEL@" else a for a in template["argv"]]
    (spec / "kernel.json").write_text(json.dumps(template))
    for logo in ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg"):
        shutil.copy(ROOT / "install" / "kernelspec" / logo, spec)


def photograph(server, name, out, profile):
    with chromium(profile, width=1100, height=1000) as context:
        page = context.new_page()
        # JupyterLab's single-document mode, on a fresh layout.
        page.goto(server.page_url(f"doc/tree/{name}") + "&reset")
        jp = JupyterPage(page, "lab")
        jp.wait_kernel()
        jp.run_all(timeout=900)
        errors = jp.error_outputs()
        for cell, text in errors:
            print(f"cell {cell} shows an error:\n{text}", file=sys.stderr)
        figures = jp.figures()
        if not figures:
            print("the notebook shows no figure", file=sys.stderr)
            return 1
        poll(lambda: all(f["loaded"] for f in jp.figures()), 60, what="the figures loading")
        # Fold the file browser away (click its current tab) for room.
        tab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if tab.count():
            tab.first.click()
        page.keyboard.press("Escape")
        jp.show_figure(0)
        page.screenshot(path=str(out))
        return 1 if errors else 0


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    notebook, out = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    kernel = pathlib.Path(os.environ.get("SELI_KERNEL", ROOT / "build" / "seli-kernel")).resolve()
    if not os.access(kernel, os.X_OK):
        sys.exit(f"{kernel} is missing: make all")
    with tempfile.TemporaryDirectory(prefix="seli-shot-") as tmp:
        tmp = pathlib.Path(tmp)
        kernelspec(tmp / "prefix", kernel)
        root = tmp / "root"
        root.mkdir()
        shutil.copy(notebook, root / notebook.name)
        env = jupyter_env(tmp / "prefix", tmp / "home")
        with JupyterServer("lab", root, env, tmp / "lab.log") as server:
            status = photograph(server, notebook.name, out, tmp / "chromium-profile")
    print(f"screenshot: {out}" if status == 0 else "a cell failed", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
