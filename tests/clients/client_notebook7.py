"""Notebook 7 (the venv's `jupyter notebook`) in Debian's chromium, headless,
driven by Python playwright, with the seli kernel installed in a temporary
prefix.  Notebook 7 is built of JupyterLab's widgets, so the checks are
those of client_lab.py (uichecks.py), except where Notebook 7 lacks the
feature: it has no launcher (the file browser's New menu takes its place,
and the notebook's top bar shows the kernel's logo) and no contextual-help
panel.  Screenshots: build/clients/notebook7-*.png."""

import pytest

import uichecks
from browserlib import JupyterPage, poll, screenshot

KIND = "notebook7"


@pytest.fixture(autouse=True)
def server(notebook7):
    """The module's Notebook 7 with the notebooks; each test's kernels are
    shut down after it."""
    uichecks.notebooks(notebook7.root)
    yield notebook7
    notebook7.shutdown_kernels()


def test_new_menu_opens_a_seli_notebook_with_its_logo_highlighted_as_c(server, page):
    logo = server.get("/api/kernelspecs")["kernelspecs"]["seli"]["resources"]["logo-64x64"]
    page.goto(server.page_url("tree"))
    page.locator("[data-jp-item-name=new-dropdown] .lm-MenuBar-item").click()
    item = page.locator(".lm-Menu-item .lm-Menu-itemLabel", has_text="C (seli)")
    item.wait_for(state="visible")
    screenshot(page, f"{KIND}-new-menu")

    before = set(server.sessions())
    with page.context.expect_page() as opened:
        item.click()
    nb = opened.value
    try:
        jp = JupyterPage(nb, KIND)
        jp.wait_kernel()
        new = set(server.sessions()) - before
        assert len(new) == 1, new
        assert server.sessions()[new.pop()]["name"] == "seli"
        img = nb.locator(".jp-NotebookKernelLogo img")
        assert img.get_attribute("src") == logo
        assert img.get_attribute("title") == "C (seli)"
        poll(lambda: img.evaluate("i => i.complete && i.naturalWidth > 0"), 30,
             what="the kernel logo loading")
        uichecks.check_editor_highlights_c(jp, KIND)
    finally:
        nb.close()


def test_run_all_on_the_tour_shows_every_figure_as_svg_and_no_error(server, page):
    jp = uichecks.open_notebook(page, server, KIND, "00_tour.ipynb")
    uichecks.check_tour_runs_clean(jp, server, KIND)


def test_run_all_updates_the_progress_bar_in_place(server, page):
    jp = uichecks.open_notebook(page, server, KIND, "demo.ipynb")
    uichecks.check_demo_progress_in_place(jp, server, KIND)


def test_tab_completes_and_tooltip_and_pager_show_the_header_doc(server, page):
    jp = uichecks.open_notebook(page, server, KIND, "help.ipynb")
    uichecks.check_completion_and_help(jp, KIND, inspector=False)


def test_interrupt_button_stops_a_loop_and_restart_clears_the_session(server, page):
    jp = uichecks.open_notebook(page, server, KIND, "interrupt.ipynb")
    uichecks.check_interrupt_and_restart(jp, server, "interrupt.ipynb", KIND)


def test_null_dereference_is_an_error_and_the_kernel_never_dies(server, page):
    jp = uichecks.open_notebook(page, server, KIND, "crash.ipynb")
    uichecks.check_crash_is_an_error(jp, server, "crash.ipynb", KIND)
