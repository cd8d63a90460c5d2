"""browserlib.py: Debian's chromium, headless, driven by Python playwright
(the venv's package carries its own driver; no browser is ever downloaded).

    chromium(profile)           a context manager: a persistent browser context
                                in the directory profile; closes the browser and
                                playwright's driver on the way out
    watch_errors(page)          a list that collects the page's uncaught errors
    poll(fn, timeout, every)    fn() until it returns something true, else
                                raise TimeoutError; returns that value
    screenshot(page, name)      save build/clients/<name>.png; returns the path
    JupyterPage(page, kind)     what JupyterLab 4 (kind "lab") and Notebook 7
                                (kind "notebook7") share: cells, outputs, the
                                kernel's status, the toolbar, the editor
"""

import contextlib
import os
import time

from clientlib import BUILD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
SHOTS = BUILD / "clients"

# Waits for what a person would wait for (a kernel starting, a notebook
# running) are generous: the machine running the tests may be busy.
SLOW = 120


@contextlib.contextmanager
def chromium(profile, width=1280, height=900):
    """A persistent chromium context in profile (an empty directory)."""
    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(f"Debian's chromium ({CHROMIUM}) is not installed: sh install/deps.sh")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height}, timeout=SLOW * 1000)
        try:
            context.set_default_timeout(SLOW * 1000)
            yield context
        finally:
            context.close()


def watch_errors(page):
    """The page's uncaught exceptions, as they happen."""
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def poll(fn, timeout=SLOW, every=0.05, what="the condition"):
    """fn() every `every` s until it returns something true, which poll
    returns; after timeout s, TimeoutError names what (a string, or a
    function that describes the state at that moment)."""
    end = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > end:
            raise TimeoutError(f"{what() if callable(what) else what} did not hold in {timeout} s")
        time.sleep(every)


def screenshot(page, name, **kw):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), **kw)
    return path


# Installed in the page by JupyterPage.record(): one MutationObserver notes,
# with the page's clock (performance.now(), in ms), every change of the
# kernel's status indicator and of the outputs of the watched cells, and a
# capturing listener notes every press of a button (pointerdown, which
# precedes everything a click sets off).  Timings measured from these are the
# page's own, so a busy test process cannot stretch them.
RECORDER_JS = """([panelSel, watched]) => {
    const rec = {clicks: [], status: [], outputs: {}};
    const now = () => performance.now();
    const panel = () => document.querySelector(panelSel);
    const summary = i => {
        const p = panel();
        const cell = p && p.querySelectorAll('.jp-Notebook .jp-Cell')[i];
        if (!cell) return null;
        const outs = Array.from(cell.querySelectorAll('.jp-OutputArea-child'));
        return {n: outs.length, text: outs.map(o => o.textContent).join('\\n')};
    };
    const sample = () => {
        const p = panel();
        const el = p && p.querySelector('.jp-Notebook-ExecutionIndicator');
        const s = el ? el.getAttribute('data-status') : null;
        const last = rec.status[rec.status.length - 1];
        if (!last || last.s !== s) rec.status.push({t: now(), s});
        for (const i of watched) {
            const o = summary(i);
            const h = rec.outputs[i] || (rec.outputs[i] = []);
            const l = h[h.length - 1];
            if (o && (!l || l.n !== o.n || l.text !== o.text)) {
                h.push({t: now(), n: o.n, text: o.text});
            }
        }
    };
    if (window.__seliObserver) window.__seliObserver.disconnect();
    window.__seliObserver = new MutationObserver(sample);
    window.__seliObserver.observe(document.body, {subtree: true, childList: true,
                                                  attributes: true, characterData: true});
    if (!window.__seliClicks) {
        // A press, not the click that follows the release: JupyterLab's
        // toolbar buttons run their command on mousedown.
        document.addEventListener('pointerdown', e => {
            const b = e.target.closest &&
                      e.target.closest('jp-button, button, .lm-Menu-item');
            window.__seliRec.clicks.push({t: now(), what: b ? (b.getAttribute('data-command')
                || b.textContent.trim()) : String(e.target.tagName)});
        }, true);
        window.__seliClicks = true;
    }
    window.__seliRec = rec;
    sample();
}"""


class JupyterPage:
    """A notebook open in JupyterLab 4 (kind "lab") or Notebook 7 (kind
    "notebook7"): both are built of JupyterLab's widgets, so cells, outputs,
    the toolbar and the kernel's status indicator are the same in the DOM.
    Cells are counted from 0, markdown cells included."""

    PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    CELLS = PANEL + " .jp-Notebook .jp-Cell"

    def __init__(self, page, kind):
        self.page = page
        self.kind = kind

    def js(self, script, arg=None):
        return self.page.evaluate(script, arg)

    # --- what the page shows ---

    def panel(self):
        return self.page.locator(self.PANEL).first

    def cell(self, i):
        return self.page.locator(self.CELLS).nth(i)

    def kernel_status(self):
        """The toolbar's execution indicator: "idle", "busy", "starting",
        "restarting", "dead", ... (None while the toolbar does not show it)."""
        return self.js("""sel => {
            const el = document.querySelector(sel + ' .jp-Notebook-ExecutionIndicator');
            return el ? el.getAttribute('data-status') : null;
        }""", self.PANEL)

    def kernel_name(self):
        """The kernel's display name on the toolbar (None before it shows)."""
        return self.js("""sel => {
            const el = document.querySelector(sel + ' .jp-Toolbar-kernelName');
            return el ? el.textContent.trim() : null;
        }""", self.PANEL)

    def wait_kernel(self, name="C (seli)", timeout=SLOW):
        """Wait until the notebook's kernel is name and idle."""
        poll(lambda: self.kernel_name() == name and self.kernel_status() == "idle", timeout,
             what=lambda: f"the kernel {name!r} starting (name {self.kernel_name()!r}, "
                          f"status {self.kernel_status()!r})")

    def outputs(self, i):
        """The outputs of cell i: [{"mime", "text"}, ...]."""
        return self.js("""([sel, i]) => {
            const cell = document.querySelectorAll(sel)[i];
            if (!cell) return [];
            return Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(o => ({
                mime: o.getAttribute('data-mime-type'), text: o.textContent}));
        }""", [self.CELLS, i])

    def output_text(self, i):
        return "\n".join(o["text"] for o in self.outputs(i))

    def error_outputs(self):
        """[(cell, text)] of every output shown as an error or on stderr: both
        render with the stderr MIME type, and a notebook that runs clean has
        neither."""
        return self.js("""sel => {
            const out = [];
            document.querySelectorAll(sel).forEach((cell, i) => cell.querySelectorAll(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
                .forEach(o => out.push([i, o.textContent])));
            return out;
        }""", self.CELLS)

    def figures(self):
        """Every image/svg+xml output: {cell, tag, loaded, width, height, source}.
        JupyterLab renders an SVG output as an <img> whose src is the SVG
        document (a data: URL), not as inline <svg>; source is that document."""
        return self.js("""sel => {
            const out = [];
            document.querySelectorAll(sel).forEach((cell, i) => cell.querySelectorAll(
                '.jp-OutputArea-output[data-mime-type="image/svg+xml"]').forEach(o => {
                const img = o.querySelector('img'), svg = o.querySelector('svg');
                const el = img || svg;
                const r = el ? el.getBoundingClientRect() : {width: 0, height: 0};
                let source = '';
                if (img && img.src.startsWith('data:image/svg+xml')) {
                    const data = img.src.slice(img.src.indexOf(',') + 1);
                    source = img.src.slice(0, img.src.indexOf(',')).endsWith(';base64')
                        ? atob(data) : decodeURIComponent(data);
                } else if (svg) {
                    source = svg.outerHTML;
                }
                out.push({cell: i, tag: el ? el.tagName.toLowerCase() : null,
                          loaded: img ? img.complete && img.naturalWidth > 0 : !!svg,
                          width: r.width, height: r.height, source});
            }));
            return out;
        }""", self.CELLS)

    def prompts(self):
        """The input prompts of the code cells: "[3]:", "[*]:", "[ ]:"."""
        return self.js("""sel => Array.from(document.querySelectorAll(sel + ' .jp-InputPrompt'))
            .map(e => e.textContent.trim())""", self.PANEL + " .jp-Notebook .jp-CodeCell")

    def show(self, i, block="start"):
        """Scroll cell i into the notebook's view (block as for scrollIntoView)
        and let the browser paint it (off-screen cells are not rendered)."""
        self.cell(i).evaluate("(e, block) => e.scrollIntoView({block})", block)
        self.page.wait_for_timeout(300)

    def show_figure(self, n=0, margin=16):
        """Scroll the notebook so that the bottom of the n-th figure sits
        margin pixels above the bottom of the view: the figure shows with the
        code above it.  Cells that come into view get their real height only
        then (content-visibility), so the scroll is repeated until it holds."""
        figure = self.page.locator(
            self.CELLS + ' .jp-OutputArea-output[data-mime-type="image/svg+xml"]').nth(n)
        for _ in range(20):
            moved = figure.evaluate("""(e, margin) => {
                let s = e.parentElement;
                while (s && !(s.scrollHeight > s.clientHeight &&
                              /auto|scroll/.test(getComputedStyle(s).overflowY))) {
                    s = s.parentElement;
                }
                if (!s) { e.scrollIntoView({block: 'end'}); return 0; }
                const before = s.scrollTop;
                s.scrollTop += e.getBoundingClientRect().bottom
                               - s.getBoundingClientRect().bottom + margin;
                return Math.abs(s.scrollTop - before);
            }""", margin)
            self.page.wait_for_timeout(150)
            if moved < 1:
                break

    def source(self, i):
        return self.cell(i).locator(".cm-content").inner_text()

    # --- doing what a person does ---

    def menu(self, top, item):
        """Click top in the menu bar, then item in the menu that opens."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
        self.page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
                          has_text=item).first.click()

    def toolbar(self, command):
        """The notebook toolbar's button for the JupyterLab command named command."""
        return self.panel().locator(
            f'.jp-NotebookPanel-toolbar jp-button[data-command="{command}"]')

    def edit(self, i, text=None):
        """Put the cursor in cell i's editor; with text, replace its source by it."""
        self.cell(i).locator(".cm-content").click()
        if text is not None:
            self.page.keyboard.press("Control+a")
            self.page.keyboard.press("Delete")
            self.page.keyboard.insert_text(text)

    def run_cell(self, i):
        """Run cell i where it is (Ctrl+Enter)."""
        self.edit(i)
        self.page.keyboard.press("Control+Enter")

    def run_all(self, timeout=SLOW * 3):
        """Run > Run All Cells, then wait until no cell is queued or running
        and the kernel is idle."""
        before = self.prompts()
        self.cell(0).click()
        self.menu("Run", "Run All Cells")
        poll(lambda: (p := self.prompts()) != before or "[*]:" in p, 30,
             what="Run All starting")
        poll(lambda: "[*]:" not in self.prompts() and self.kernel_status() == "idle", timeout,
             every=0.2, what=lambda: f"Run All finishing (prompts {self.prompts()})")

    # --- watching ---

    def record(self, watched=()):
        """Start noting status changes, clicks and the outputs of cells watched."""
        self.js(RECORDER_JS, [self.PANEL, list(watched)])

    def recording(self):
        return self.js("() => window.__seliRec")

    def last_click(self, what):
        """The page time (ms) of the latest press on something named what."""
        clicks = [c for c in self.recording()["clicks"] if c["what"] == what]
        assert clicks, f"no click on {what!r} was seen: {self.recording()['clicks']}"
        return clicks[-1]["t"]
