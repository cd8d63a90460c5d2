"""Debian's packaged Jupyter Notebook 6 (/usr/bin/jupyter notebook) in
Debian's chromium, headless, driven by Python playwright: the kernel
indicator names the seli kernel, Cell > Run All runs every cell, the live
progress bar updates one output in place, the figure is an inline <svg> and
the last cell's result is 42.  Screenshot: build/clients/notebook6-run.png."""

import pytest

from browserlib import poll, screenshot
from clientlib import DEMO_CELLS, JupyterServer, log_tail, make_notebook

# Notebook 6's page: the Jupyter global is its API.  The progress bar is the
# third cell's (index 2) output; a MutationObserver notes every state it shows.
WATCH_BAR_JS = """() => {
    window.__bar = {texts: [], maxOutputs: 0};
    const sample = () => {
        const cell = document.querySelectorAll('#notebook-container .cell')[2];
        const areas = cell ? cell.querySelectorAll('.output_area') : [];
        window.__bar.maxOutputs = Math.max(window.__bar.maxOutputs, areas.length);
        const text = areas.length ? areas[0].textContent.replace(/\\s+/g, ' ').trim() : '';
        const t = window.__bar.texts;
        if (text && t[t.length - 1] !== text) t.push(text);
    };
    new MutationObserver(sample).observe(document.getElementById('notebook-container'),
        {subtree: true, childList: true, characterData: true});
}"""

DONE_JS = """() => document.querySelectorAll('.cell.running').length === 0 &&
    Jupyter.notebook.get_cells().every(c => c.cell_type !== 'code' ||
        (c.input_prompt_number !== null && c.input_prompt_number !== undefined &&
         c.input_prompt_number !== '*'))"""


@pytest.fixture
def notebook6(jenv, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    make_notebook(root / "demo.ipynb", DEMO_CELLS)
    log = tmp_path / "notebook.log"
    with JupyterServer("notebook", root, jenv, log) as server:
        yield server
    assert server.leftover_kernels == [], "a kernel outlived jupyter notebook:\n" + log_tail(log)


def test_notebook6_runs_all_cells_with_progress_in_place_and_an_inline_svg(notebook6, page):
    page.goto(notebook6.page_url("notebooks/demo.ipynb"))
    # The kernel starts: the indicator names it and goes idle.
    page.wait_for_function("() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
                           " && Jupyter.notebook.kernel.is_connected()")
    page.wait_for_selector("#kernel_indicator_icon.kernel_idle_icon")
    assert page.text_content(".kernel_indicator_name").strip() == "C (seli)"

    page.evaluate(WATCH_BAR_JS)
    page.click("#celllink")  # Cell > Run All, through the menu as a person would
    page.click("#run_all_cells")
    page.wait_for_function(DONE_JS, polling=100)
    page.wait_for_selector("#kernel_indicator_icon.kernel_idle_icon")

    bar = page.evaluate("() => window.__bar")
    states = [t for t in bar["texts"] if "client steps" in t]
    assert len(states) >= 3, f"the progress bar was seen in {len(states)} states: {states}"
    assert "40/40" in states[-1], states[-1]
    assert bar["maxOutputs"] == 1, (f"the bar cell had {bar['maxOutputs']} outputs "
                                    "(want 1, updated in place)")

    cells = page.locator("#notebook-container .cell")
    assert cells.nth(4).locator(".output_result").inner_text().strip() == "42"
    assert "hello from cell 1" in cells.nth(1).locator(".output_area").inner_text()
    assert page.locator(".output_error").count() == 0
    assert page.locator(".output_stderr").count() == 0

    svg = page.locator("#notebook-container .output_area svg")
    assert svg.count() == 1, "want the one figure as an inline <svg>"
    assert "client test figure" in svg.first.text_content()
    box = poll(lambda: svg.first.bounding_box(), 30, what="the <svg> being laid out")
    assert box["width"] > 200 and box["height"] > 100, box

    svg.first.scroll_into_view_if_needed()
    shot = screenshot(page, "notebook6-run", full_page=True)
    assert shot.stat().st_size > 10000
    print(f"notebook6: the progress bar showed {len(states)} states in one output")
