"""Jupyter Notebook in a real browser: Debian's chromium, headless, driven by
playwright-core (tests/clients/browser.mjs) runs every cell of a notebook and
sees the kernel's name, the live progress bar and the inline SVG figure."""

import json
import os
import shutil
import subprocess

import pytest

from clientlib import BUILD, DEMO_CELLS, JupyterServer, log_tail, make_notebook

HERE = os.path.dirname(os.path.abspath(__file__))


def test_notebook_in_chromium_runs_all_cells(jenv, tmp_path):
    if not os.path.exists("/usr/bin/chromium"):
        pytest.fail("Debian's chromium is not installed (install/deps.sh installs it)")
    if not os.path.isdir(os.path.join(HERE, "node_modules", "playwright-core")):
        pytest.fail("playwright-core is not installed: make test-clients runs npm ci")
    root = tmp_path / "root"
    root.mkdir()
    make_notebook(root / "demo.ipynb", DEMO_CELLS)
    log = tmp_path / "notebook.log"
    shot = BUILD / "client-browser.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    if shot.exists():
        shot.unlink()
    with JupyterServer("notebook", root, jenv, log) as server:
        env = dict(jenv, SELI_NB_URL=f"{server.url}/notebooks/demo.ipynb?token={server.token}",
                   SELI_SCREENSHOT=str(shot), SELI_PROFILE=str(tmp_path / "chromium-profile"))
        run = subprocess.run(["node", os.path.join(HERE, "browser.mjs")], cwd=HERE, env=env,
                             capture_output=True, text=True, timeout=300)
        server_log = log_tail(log)
    assert server.leftover_kernels == [], "a kernel outlived jupyter notebook"
    lines = [l for l in run.stdout.splitlines() if l.startswith("{")]
    assert lines, f"browser.mjs printed nothing: {run.stdout}\n{run.stderr}\n{server_log}"
    findings = json.loads(lines[-1])
    assert run.returncode == 0 and not findings["errors"], (
        json.dumps(findings, indent=1) + "\n" + run.stderr + "\n" + server_log)
    assert findings["kernel"] == "C (seli)"
    assert findings["svgCount"] >= 1
    print(f"browser: {len(findings['progress'])} progress states seen; screenshot {shot}")
    assert shot.stat().st_size > 10000
    shutil.copy(root / "demo.ipynb", tmp_path / "demo-after.ipynb")
