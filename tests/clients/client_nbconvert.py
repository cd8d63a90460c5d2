"""nbconvert: execute a notebook with the seli kernel and export HTML with
the figure inline as SVG, with the venv's nbconvert 7 and with Debian's."""

import base64
import json
import re
import subprocess

import pytest

from clientlib import DEBIAN_JUPYTER, DEMO_CELLS, VENV_JUPYTER, kernel_pids, make_notebook, wait_gone

JUPYTERS = pytest.mark.parametrize("jupyter", [VENV_JUPYTER, DEBIAN_JUPYTER],
                                   ids=["nbconvert7", "debian"])


@JUPYTERS
def test_nbconvert_executes_and_exports_html_with_inline_svg(jupyter, jenv, tmp_path):
    nb = make_notebook(tmp_path / "demo.ipynb", DEMO_CELLS)
    run = subprocess.run(
        [jupyter, "nbconvert", "--to", "html", "--execute",
         "--ExecutePreprocessor.timeout=120", "--output", "demo_out", str(nb)],
        cwd=tmp_path, env=jenv, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    html = (tmp_path / "demo_out.html").read_text()
    # The figure is in the page itself, never a separate file: Debian's
    # nbconvert 6 writes the <svg> element inline, nbconvert 7 (like
    # JupyterLab) as an <img> with a data: URL of the same document.
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    svgs += [base64.b64decode(b).decode() for b in
             re.findall(r'<img[^>]* src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)]
    figures = [s for s in svgs if "client test figure" in s]
    assert len(figures) == 1
    assert "tanh" in figures[0]
    assert "hello from cell 1" in html
    assert "client steps" in html and "40/40" in html  # the bar's last state
    assert re.search(r"42", html)
    assert wait_gone(kernel_pids(jenv["JUPYTER_RUNTIME_DIR"]), 10) == []


@JUPYTERS
def test_nbconvert_notebook_keeps_one_progress_output_updated_in_place(jupyter, jenv, tmp_path):
    nb = make_notebook(tmp_path / "demo.ipynb", DEMO_CELLS)
    run = subprocess.run(
        [jupyter, "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=120", "--output", "demo_run", str(nb)],
        cwd=tmp_path, env=jenv, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    cells = json.loads((tmp_path / "demo_run.ipynb").read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == [1, 2, 3, 4]
    assert "".join(code[0]["outputs"][0]["text"]) == "hello from cell 1\n"
    bar = [o for o in code[1]["outputs"] if o["output_type"] == "display_data"]
    assert len(bar) == 1, code[1]["outputs"]
    assert "40/40" in "".join(bar[0]["data"]["text/plain"])
    figure = code[2]["outputs"]
    assert len(figure) == 1 and figure[0]["output_type"] == "display_data"
    assert "<svg" in "".join(figure[0]["data"]["image/svg+xml"])
    assert "".join(code[3]["outputs"][0]["data"]["text/plain"]).strip() == "42"
