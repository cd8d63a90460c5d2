"""JupyterLab 4 (the venv's `jupyter lab`) in Debian's chromium, headless,
driven by Python playwright, with the seli kernel installed in a temporary
prefix: the launcher, the C editor, Run All, completion and help, interrupt
and restart, and a crashing cell.  Screenshots: build/clients/lab-*.png."""

import pytest

import uichecks
from browserlib import JupyterPage, poll, screenshot

KIND = "lab"


@pytest.fixture(autouse=True)
def server(lab):
    """The module's JupyterLab with the notebooks; each test's kernels are
    shut down after it."""
    uichecks.notebooks(lab.root)
    yield lab
    lab.shutdown_kernels()


def test_launcher_shows_c_seli_with_its_logo_and_opens_a_seli_notebook_highlighted_as_c(
        server, page):
    logo = server.get("/api/kernelspecs")["kernelspecs"]["seli"]["resources"]["logo-svg"]
    page.goto(server.page_url("lab") + "&reset")
    card = page.locator('.jp-LauncherCard[data-category="Notebook"][title="C (seli)"]')
    card.wait_for(state="visible")
    assert card.inner_text().strip() == "C (seli)"
    img = card.locator("img")
    assert img.get_attribute("src") == logo
    poll(lambda: img.evaluate("i => i.complete && i.naturalWidth > 0"), 30,
         what="the kernel logo loading")
    box = img.bounding_box()
    assert box and box["width"] >= 16 and box["height"] >= 16, box
    screenshot(page, f"{KIND}-launcher")

    before = set(server.sessions())
    card.click()
    jp = JupyterPage(page, KIND)
    jp.wait_kernel()
    new = set(server.sessions()) - before
    assert len(new) == 1, new
    assert server.sessions()[new.pop()]["name"] == "seli"
    uichecks.check_editor_highlights_c(jp, KIND)


def test_run_all_on_the_tour_shows_every_figure_as_svg_and_no_error(server, page):
    jp = uichecks.open_notebook(page, server, KIND, "00_tour.ipynb")
    uichecks.check_tour_runs_clean(jp, server, KIND)


def test_run_all_updates_the_progress_bar_in_place(server, page):
    jp = uichecks.open_notebook(page, server, KIND, "demo.ipynb")
    uichecks.check_demo_progress_in_place(jp, server, KIND)


def test_tab_completes_and_tooltip_contextual_help_and_pager_show_the_header_doc(server, page):
    jp = uichecks.open_notebook(page, server, KIND, "help.ipynb")
    uichecks.check_completion_and_help(jp, KIND, inspector=True)


def test_interrupt_button_stops_a_loop_and_restart_clears_the_session(server, page):
    jp = uichecks.open_notebook(page, server, KIND, "interrupt.ipynb")
    uichecks.check_interrupt_and_restart(jp, server, "interrupt.ipynb", KIND)


def test_null_dereference_is_an_error_and_the_kernel_never_dies(server, page):
    jp = uichecks.open_notebook(page, server, KIND, "crash.ipynb")
    uichecks.check_crash_is_an_error(jp, server, "crash.ipynb", KIND)
