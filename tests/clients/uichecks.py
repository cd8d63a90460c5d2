"""uichecks.py: what JupyterLab 4 and Notebook 7 must both do with the seli
kernel, written once and asserted by client_lab.py and client_notebook7.py.

Each check opens a notebook in the server's root, does what a person does
(clicks, keys, menus) and asserts what the page shows.  Screenshots go to
build/clients/<kind>-<name>.png.  Waits for the machine are generous
(browserlib.SLOW); the limits that the issue names (2 s for an interrupt or a
restart) are measured with the page's clock from the click to the change in
the DOM."""

import json
import re
import shutil
import time

from browserlib import SLOW, JupyterPage, poll, screenshot
from clientlib import DEMO_CELLS, ROOT, kernel_pids, live, make_notebook

# The limit for an interrupt and a restart, click to observed state.
LIMIT_MS = 2000

# Colours and language of the first cell's editor: the span of the keyword
# "for", a plain identifier's line colour, and JupyterLab's keyword colour
# (the CSS variable that its CodeMirror 6 highlight style uses).
HIGHLIGHT_JS = """sel => {
    const content = document.querySelector(sel);
    const kw = Array.from(content.querySelectorAll('span')).find(s => s.textContent === 'for');
    const probe = document.createElement('span');
    probe.style.color = 'var(--jp-mirror-editor-keyword-color)';
    document.body.appendChild(probe);
    const keyword = getComputedStyle(probe).color;
    probe.remove();
    return {language: content.getAttribute('data-language'),
            forColor: kw ? getComputedStyle(kw).color : null,
            forWeight: kw ? getComputedStyle(kw).fontWeight : null,
            plainColor: getComputedStyle(content.querySelector('.cm-line')).color,
            keywordColor: keyword};
}"""


def open_notebook(page, server, kind, path):
    """Open path (relative to the server's root) and wait for its seli kernel."""
    if kind == "lab":
        url = server.page_url(f"lab/tree/{path}") + "&reset"  # a fresh layout
    else:
        url = server.page_url(f"notebooks/{path}")
    page.goto(url)
    jp = JupyterPage(page, kind)
    jp.wait_kernel()
    return jp


def kernel_pid(server, path):
    """The pid of the live kernel process of the notebook path."""
    kernel_id = server.sessions()[path]["id"]
    pids = poll(lambda: len(p := live(kernel_pids(f"kernel-{kernel_id}"))) == 1 and p, 10,
                what=lambda: f"one process for kernel {kernel_id}")
    return pids[0]


def header_doc(name, header="ops.h"):
    """The comment just above name's prototype in libseli's header, as one line."""
    lines = (ROOT / "libseli" / "include" / "seli" / header).read_text().splitlines()
    at = next(i for i, l in enumerate(lines) if re.search(rf"\b{name}\(", l))
    doc = []
    for line in reversed(lines[:at]):
        line = line.strip()
        if not line.startswith(("/*", "*")):
            break
        doc.insert(0, line.removeprefix("/*").removesuffix("*/").lstrip("*"))
        if line.startswith("/*"):
            break
    return squash(" ".join(doc))


def squash(text):
    return " ".join(text.split())


def check_editor_highlights_c(jp, shot):
    """Cell code is highlighted as C: CodeMirror 6's C language (lang-cpp,
    which JupyterLab loads for the kernel's text/x-csrc) is active, and the
    keyword "for" has the keyword colour; the cell runs in the seli kernel."""
    jp.edit(0, 'for (int i = 0; i < 3; i++)\n    printf("%d ", i);')
    content = jp.CELLS + " .cm-content"
    style = poll(lambda: (s := jp.js(HIGHLIGHT_JS, content)) and s["forColor"] and s, 30,
                 what="the keyword 'for' getting a span of its own")
    assert style["language"] == "cpp", style
    assert style["forColor"] == style["keywordColor"], style
    assert style["forColor"] != style["plainColor"], style
    assert style["forWeight"] in ("bold", "700"), style
    jp.run_cell(0)
    poll(lambda: jp.output_text(0) == "0 1 2 ", SLOW, what="the cell's output '0 1 2 '")
    screenshot(jp.page, f"{shot}-editor")


def expected_figures(path):
    """{cell: number of figures} from the notebook's source: one per
    seli_figure_show call (no notebook used here shows figures in a loop)."""
    cells = json.loads(path.read_text())["cells"]
    out = {}
    for i, c in enumerate(cells):
        src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        if c["cell_type"] == "code" and "seli_figure_show(" in src:
            out[i] = src.count("seli_figure_show(")
    return out


def check_figures(jp, expected, title=None):
    """Every figure arrived as an SVG document, rendered and visibly sized."""
    figs = jp.figures()
    got = {}
    for f in figs:
        got[f["cell"]] = got.get(f["cell"], 0) + 1
    assert got == expected, f"figures per cell {got}, want {expected}"
    for f in figs:
        assert f["tag"] in ("img", "svg") and f["loaded"], f
        assert "<svg" in f["source"][:400] and "</svg>" in f["source"], f["source"][:200]
        assert f["width"] > 200 and f["height"] > 100, f
        if title:
            assert title in f["source"], f"the figure is not {title!r}: {f['source'][:200]}"
    return figs


def check_tour_runs_clean(jp, server, shot):
    """Run All on notebooks/00_tour.ipynb: every code cell ran, no error or
    stderr output, and every figure is an SVG in its output area."""
    expected = expected_figures(server.root / "00_tour.ipynb")
    assert expected, "the tour shows no figure any more: pick a notebook that does"
    t0 = time.monotonic()
    jp.run_all()
    prompts = jp.prompts()
    assert prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), prompts
    assert jp.error_outputs() == []
    figs = check_figures(jp, expected)
    jp.show_figure(0)
    screenshot(jp.page, f"{shot}-tour")
    print(f"{shot}: the tour ran in {time.monotonic() - t0:.1f} s, {len(figs)} figure(s)")


def check_demo_progress_in_place(jp, server, shot):
    """clientlib.DEMO_CELLS under Run All: the progress bar is one output
    whose text changes at least three times, never a growing list of bars;
    printf output, the figure and the result 42 all show."""
    jp.record(watched=[2])
    jp.run_all()
    history = jp.recording()["outputs"].get("2", [])
    bars = [h for h in history if "client steps" in h["text"]]
    counts = sorted({h["n"] for h in history})
    assert max(counts) == 1, f"the bar cell had {counts} outputs (want 1, updated in place)"
    texts = []
    for h in bars:
        if not texts or texts[-1] != h["text"]:
            texts.append(h["text"])
    assert len(texts) >= 3, f"the bar was seen in {len(texts)} states: {texts}"
    assert "40/40" in texts[-1], texts[-1]
    assert len(jp.outputs(2)) == 1
    assert jp.output_text(1) == "hello from cell 1\n"
    assert jp.output_text(4).strip() == "42"
    assert jp.error_outputs() == []
    check_figures(jp, {3: 1}, title="client test figure")
    screenshot(jp.page, f"{shot}-progress")
    print(f"{shot}: the progress bar showed {len(texts)} states in one output")


def check_completion_and_help(jp, shot, inspector):
    """Tab completes seli_matm to seli_matmul; Shift+Tab in seli_matmul(
    shows its header documentation; with inspector, the contextual-help
    panel shows the same; a cell ?seli_matmul pages it into its output."""
    doc = header_doc("seli_matmul")
    proto = "seli_tensor *seli_matmul(const seli_tensor *a, const seli_tensor *b);"
    page = jp.page

    jp.edit(0, "seli_matm")
    page.keyboard.press("Tab")
    item = page.locator('.jp-Completer:not(.lm-mod-hidden) .jp-Completer-item'
                        '[data-value="seli_matmul"]')
    item.wait_for(state="visible")
    screenshot(page, f"{shot}-completer")
    page.keyboard.press("Enter")
    poll(lambda: jp.source(0).strip() == "seli_matmul", 30,
         what=lambda: f"the completion being inserted (the cell reads {jp.source(0)!r})")

    jp.edit(0, "seli_tensor *c = seli_matmul(")
    page.keyboard.press("End")
    page.keyboard.press("Shift+Tab")
    tooltip = page.locator(".jp-Tooltip")
    tooltip.wait_for(state="visible")
    tip = tooltip.inner_text()
    assert proto in tip and doc in squash(tip), f"the tooltip shows {tip!r}, want {doc!r}"
    screenshot(page, f"{shot}-tooltip")
    page.keyboard.press("Escape")
    tooltip.wait_for(state="hidden")

    if inspector:
        jp.menu("Help", "Show Contextual Help")
        panel = page.locator(".jp-Inspector")
        panel.wait_for(state="visible")
        jp.edit(0)
        page.keyboard.press("End")
        poll(lambda: squash(panel.inner_text()) == squash(tip), 30,
             what=lambda: f"the contextual help showing the tooltip's text (it shows "
                          f"{panel.inner_text()!r})")
        screenshot(page, f"{shot}-inspector")

    jp.run_cell(1)  # ?seli_matmul: the page payload becomes the cell's output
    poll(lambda: squash(jp.output_text(1)) == squash(tip), SLOW,
         what=lambda: f"the pager output of ?seli_matmul (it shows {jp.output_text(1)!r})")
    jp.show(1)
    screenshot(page, f"{shot}-pager")


def status_after(rec, t):
    return [s["s"] for s in rec["status"] if s["t"] >= t]


def check_interrupt_and_restart(jp, server, path, shot):
    """The toolbar's interrupt button stops `while (1) {}` within 2 s with a
    KeyboardInterrupt error, the kernel idle, and the session keeps its
    variables; restart,
    confirmed in its dialog, is idle again within 2 s in a new process, and
    the variables are gone.  Returns the two durations in ms."""
    page = jp.page
    jp.run_cell(0)  # int n = 41;
    poll(lambda: jp.prompts()[0] == "[1]:" and jp.kernel_status() == "idle", SLOW,
         what="int n = 41; running")

    jp.record(watched=[1])
    jp.run_cell(1)  # while (1) {}
    poll(lambda: jp.kernel_status() == "busy", SLOW, what="the loop starting")
    time.sleep(1.0)
    assert jp.kernel_status() == "busy" and jp.outputs(1) == []
    jp.toolbar("notebook:interrupt-kernel").click()
    poll(lambda: "KeyboardInterrupt" in jp.output_text(1), SLOW,
         what=lambda: f"the KeyboardInterrupt error (outputs {jp.outputs(1)})")
    rec = jp.recording()
    t_click = jp.last_click("notebook:interrupt-kernel")
    t_error = next((h["t"] for h in rec["outputs"].get("1", [])
                    if "KeyboardInterrupt" in h["text"] and h["t"] >= t_click), None)
    assert t_error is not None, f"the page's record missed the error: click {t_click}, {rec}"
    interrupt_ms = t_error - t_click
    assert interrupt_ms < LIMIT_MS, f"the interrupt's error took {interrupt_ms:.0f} ms"
    assert [o["mime"] for o in jp.outputs(1)] == ["application/vnd.jupyter.stderr"]
    jp.wait_kernel()
    t_idle = next(s["t"] for s in jp.recording()["status"] if s["t"] >= t_click
                  and s["s"] == "idle")
    interrupt_idle_ms = t_idle - t_click
    assert interrupt_idle_ms < LIMIT_MS, f"idle {interrupt_idle_ms:.0f} ms after the interrupt"
    screenshot(page, f"{shot}-interrupt")

    jp.run_cell(2)  # n + 1: the session survived
    poll(lambda: jp.output_text(2).strip() == "42", SLOW,
         what=lambda: f"n + 1 after the interrupt (outputs {jp.outputs(2)})")

    pid = kernel_pid(server, path)
    jp.record()
    jp.toolbar("notebook:restart-kernel").click()
    accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
    assert accept.inner_text().strip() == "Restart"
    accept.click()

    def restarted():
        rec = jp.recording()
        seen = status_after(rec, jp.last_click("Restart"))
        return seen[-1:] == ["idle"] and any(s != "idle" for s in seen) and rec
    rec = poll(restarted, SLOW, what=lambda: f"the restart ending (status {jp.kernel_status()})")
    t_click = jp.last_click("Restart")
    after = [s for s in rec["status"] if s["t"] >= t_click]
    busy_at = next(i for i, s in enumerate(after) if s["s"] != "idle")
    t_idle = next(s["t"] for s in after[busy_at:] if s["s"] == "idle")
    restart_ms = t_idle - t_click
    assert restart_ms < LIMIT_MS, f"the restart took {restart_ms:.0f} ms: {after}"
    assert kernel_pid(server, path) != pid, "the kernel process is the same after a restart"
    screenshot(page, f"{shot}-restart")

    jp.run_cell(3)  # n: no longer declared
    poll(lambda: jp.outputs(3), SLOW, what="the cell after the restart answering")
    errors = [t for i, t in jp.error_outputs() if i == 3]
    assert errors and "'n' undeclared" in errors[0], jp.outputs(3)
    print(f"{shot}: interrupt: error {interrupt_ms:.0f} ms, idle {interrupt_idle_ms:.0f} ms; "
          f"restart: idle {restart_ms:.0f} ms ({' -> '.join(s['s'] for s in after)})")
    return interrupt_ms, restart_ms


def check_crash_is_an_error(jp, server, path, shot):
    """A NULL dereference is the cell's error; the kernel status never shows
    dead, restarting or starting, no dialog opens, the process is the same
    and the session keeps its variables."""
    page = jp.page
    jp.run_cell(0)  # int n = 41;
    poll(lambda: jp.prompts()[0] == "[1]:" and jp.kernel_status() == "idle", SLOW,
         what="int n = 41; running")
    pid = kernel_pid(server, path)
    jp.record(watched=[1])
    jp.run_cell(1)  # int *p = 0; *p = 1;
    seen = set()

    def answered():
        seen.add(jp.kernel_status())  # polled too, besides the page's own record
        return jp.outputs(1) and jp.kernel_status() == "idle"
    poll(answered, SLOW, every=0.02, what="the crashing cell answering")
    errors = [t for i, t in jp.error_outputs() if i == 1]
    assert errors and "SIGSEGV" in errors[0], jp.outputs(1)
    time.sleep(1.0)  # a dying kernel would be noticed by now
    statuses = {s["s"] for s in jp.recording()["status"]} | seen | {jp.kernel_status()}
    assert statuses <= {"idle", "busy"}, f"the kernel status showed {statuses}"
    assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").inner_text()
    assert kernel_pid(server, path) == pid
    screenshot(page, f"{shot}-crash")
    jp.run_cell(2)  # n
    poll(lambda: jp.output_text(2).strip() == "41", SLOW,
         what=lambda: f"n after the crash (outputs {jp.outputs(2)})")


def notebooks(root):
    """The notebooks the checks open, written into the server's root."""
    shutil.copy(ROOT / "notebooks" / "00_tour.ipynb", root / "00_tour.ipynb")
    make_notebook(root / "demo.ipynb", DEMO_CELLS)
    make_notebook(root / "help.ipynb", ["", "?seli_matmul"])
    make_notebook(root / "interrupt.ipynb", ["int n = 41;", "while (1) {}", "n + 1", "n"])
    make_notebook(root / "crash.ipynb", ["int n = 41;", "int *p = 0; *p = 1;", "n"])
