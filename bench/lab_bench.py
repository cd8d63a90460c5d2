"""seli-kernel against ipykernel as a person sees them in JupyterLab 4.

One JupyterLab server (the venv's `jupyter lab`, private Jupyter directories,
a free port on 127.0.0.1, a random token) and one headless chromium (Debian's,
driven by playwright) serve both kernels in the same run. Measures, for the
kernelspecs `seli` (SELI_KERNEL, OPENBLAS_NUM_THREADS=1) and `python3`
(the venv's ipykernel), alternating A B A B so that a noisy machine hurts
both alike:

  start to idle  click on the kernel's Notebook card in the launcher until the
                 status bar of the new notebook reads "<kernel> | Idle"
                 (also recorded: the notebook toolbar's kernel-status circle,
                 data-status, turning idle after the kernel started); the
                 notebook's kernel is shut down and the notebook closed after
                 each run, so every run starts a fresh kernel. A first,
                 untimed notebook loads the notebook code into the page.
  round trip     in an idle notebook, with `1 + k` typed in a fresh cell:
                 Shift+Enter until the cell's output area shows k + 1
                 (after WARMUP trips; the two notebooks take turns)

Both are timed inside the page: the click's / keydown's event.timeStamp to
performance.now() in the MutationObserver callback that first sees the result
in the DOM, so playwright's own round trips are not in the figures. The start
of the next animation frame (performance.now() in requestAnimationFrame, the
frame that paints the result) is printed too, and the round trip is split at
the page's WebSocket: Shift+Enter until the execute_request is sent, sent
until the execute_result arrives (the server and the kernel), and arrived
until the output is in the DOM.

Usage: lab_bench.py [--runs N] [--trips N] [--warmup N] [--shots DIR]
Environment: SELI_KERNEL (default build/seli-kernel)."""

import argparse
import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent  # the venv's bin: jupyter lives beside python
CHROMIUM = "/usr/bin/chromium"
KERNELSPEC = ROOT / "install" / "kernelspec"
KERNELS = (("seli", "seli"), ("ipykernel", "python3"))  # (label, kernelspec name)
SLOW = 120  # seconds: what a busy machine may take to start a server or a kernel

# Page-side probes. Each arms a recorder in window.__lab; Python only waits
# for it to be filled, so its own polling never adds to the figures.
ARM_START = """(display) => {
    const b = window.__lab = {click: null, idle: null, circle: null, frame: null, log: []};
    const before = new Set([...document.querySelectorAll('.jp-NotebookPanel')].map(p => p.id));
    const t0 = () => (b.click === null ? 0 : b.click);
    const onClick = (e) => {
        if (b.click === null && e.target.closest('.jp-LauncherCard')) {
            const now = performance.now();
            b.click = (e.timeStamp > 0 && e.timeStamp <= now && now - e.timeStamp < 1000)
                ? e.timeStamp : now;
            window.removeEventListener('click', onClick, {capture: true});
        }
    };
    window.addEventListener('click', onClick, {capture: true});
    let last = '';
    let started = false;
    const check = () => {
        const now = performance.now();
        const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
            .find(p => !before.has(p.id));
        if (!panel || b.click === null) return;
        const tab = document.querySelector(
            `.lm-TabBar-tab[data-id="${panel.id}"] .lm-TabBar-tabLabel`);
        const name = tab ? tab.textContent : '?';
        const item = [...document.querySelectorAll('#jp-main-statusbar .jp-StatusBar-TextItem')]
            .find(e => e.title === 'Change kernel for ' + name);
        const text = item && item.offsetParent !== null ? item.textContent.trim() : '';
        const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator');
        const status = ind ? ind.dataset.status : '';
        const state = name + ' / ' + text + ' / ' + status;
        if (state !== last) { b.log.push([+(now - t0()).toFixed(1), state]); last = state; }
        // The circle reads idle before there is a kernel: count the idle after the start.
        if (status && status !== 'idle') started = true;
        if (b.circle === null && started && status === 'idle') b.circle = now;
        if (b.idle === null && text === display + ' | Idle') {
            b.idle = now;
            requestAnimationFrame(() => { b.frame = performance.now(); });
        }
        if (b.idle !== null && b.circle !== null) mo.disconnect();
    };
    const mo = new MutationObserver(check);
    mo.observe(document.body, {subtree: true, childList: true, characterData: true,
                               attributes: true,
                               attributeFilter: ['data-status', 'class', 'title']});
}"""

# Where a round trip's time goes: the page's WebSockets note when the
# execute_request leaves and when its execute_result arrives (the server and
# the kernel lie between the two).
WATCH_SOCKETS = """(() => {
    const Native = window.WebSocket;
    const decoder = new TextDecoder();
    const text = (d) => (typeof d === 'string' ? d : decoder.decode(d));
    const send = Native.prototype.send;
    Native.prototype.send = function (d) {
        const w = window.__lab;
        if (w && w.key !== undefined && w.sent === null && text(d).includes('"execute_request"'))
            w.sent = performance.now();
        return send.call(this, d);
    };
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', (e) => {
                const w = window.__lab;
                if (w && w.sent != null && w.result === null
                        && text(e.data).includes('"execute_result"'))
                    w.result = performance.now();
            });
        }
    };
})();"""

ARM_TRIP = """([panelId, index, expected]) => {
    const b = window.__lab = {key: null, out: null, frame: null, sent: null, result: null};
    const panel = document.getElementById(panelId);
    const onKey = (e) => {
        if (b.key === null && e.key === 'Enter' && e.shiftKey) {
            const now = performance.now();
            b.key = (e.timeStamp > 0 && e.timeStamp <= now && now - e.timeStamp < 1000)
                ? e.timeStamp : now;
            window.removeEventListener('keydown', onKey, {capture: true});
        }
    };
    window.addEventListener('keydown', onKey, {capture: true});
    const check = () => {
        const cell = panel.querySelectorAll('.jp-Cell')[index];
        if (!cell || b.key === null) return;
        const shown = [...cell.querySelectorAll('.jp-OutputArea-output')]
            .some(o => o.textContent.trim() === expected);
        if (shown) {
            b.out = performance.now();
            mo.disconnect();
            requestAnimationFrame(() => { b.frame = performance.now(); });
        }
    };
    const mo = new MutationObserver(check);
    mo.observe(panel, {subtree: true, childList: true, characterData: true});
}"""

# Untimed housekeeping goes through the application object
# (LabApp.expose_app_in_browser): shut a notebook's kernel down, close it.
CLOSE_NOTEBOOK = """async (panelId) => {
    const w = [...jupyterapp.shell.widgets('main')].find(w => w.id === panelId);
    if (!w) return;
    await w.sessionContext.shutdown();
    w.context.model.dirty = false;
    w.close();
}"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_jupyter(tmp, seli_kernel):
    """Jupyter directories of our own under tmp, with the kernelspec `seli`;
    returns the environment for the server."""
    spec = json.loads((KERNELSPEC / "kernel.json").read_text())
    spec["argv"] = [str(seli_kernel), "-f", "{connection_file}"]
    spec["env"] = dict(spec.get("env", {}), OPENBLAS_NUM_THREADS="1")
    kdir = tmp / "path" / "kernels" / "seli"
    kdir.mkdir(parents=True)
    (kdir / "kernel.json").write_text(json.dumps(spec, indent=1))
    for logo in KERNELSPEC.glob("logo-*"):
        shutil.copy(logo, kdir)
    for d in ("data", "config", "runtime", "home", "root", "profile"):
        (tmp / d).mkdir()
    # No news, no update check: nothing pops up over the notebook.
    (tmp / "config" / "jupyter_server_config.json").write_text(json.dumps({"LabApp": {
        "news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        "expose_app_in_browser": True}}))
    settings = tmp / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "JUPYTERLAB_", "IPYTHON"))}
    env.update(JUPYTER_PATH=str(tmp / "path"), JUPYTER_DATA_DIR=str(tmp / "data"),
               JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               HOME=str(tmp / "home"), IPYTHONDIR=str(tmp / "home" / ".ipython"),
               PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))
    return env


def check_kernelspecs(env):
    out = subprocess.run([str(BIN / "jupyter"), "kernelspec", "list", "--json"], env=env,
                         capture_output=True, text=True, check=True).stdout
    specs = json.loads(out)["kernelspecs"]
    for _, name in KERNELS:
        if name not in specs:
            sys.exit("lab_bench: kernelspec %r is not visible (have %s)" % (name, sorted(specs)))
    return {name: specs[name]["spec"]["display_name"] for _, name in KERNELS}


class Server:
    """`jupyter lab` in its own process group; stop() shuts its kernels down first."""

    def __init__(self, env, tmp):
        self.port, self.token, self.tmp = free_port(), secrets.token_hex(24), tmp
        argv = [str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1",
                "--port=%d" % self.port, "--port-retries=0",
                "--IdentityProvider.token=" + self.token,
                "--ServerApp.root_dir=" + str(tmp / "root")]
        if os.geteuid() == 0:
            argv.append("--ServerApp.allow_root=True")
        self.log = open(tmp / "server.log", "w")
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        end = time.monotonic() + SLOW
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("jupyter lab exited: see " + str(tmp / "server.log"))
            try:
                self.api("GET", "status")
                break
            except OSError:
                if time.monotonic() > end:
                    raise RuntimeError("jupyter lab did not answer in %d s" % SLOW)
                time.sleep(0.1)
        self.url = "http://127.0.0.1:%d/lab?token=%s" % (self.port, self.token)

    def api(self, method, path):
        req = urllib.request.Request("http://127.0.0.1:%d/api/%s" % (self.port, path),
                                     method=method,
                                     headers={"Authorization": "token " + self.token})
        with urllib.request.urlopen(req, timeout=SLOW) as r:
            body = r.read()
        return json.loads(body) if body else None

    def stop(self):
        try:
            for k in self.api("GET", "kernels"):
                self.api("DELETE", "kernels/" + k["id"])
        except OSError:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass
        self.log.close()
        # A kernel left behind still names its connection file in our runtime dir.
        runtime = str(self.tmp / "runtime")
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmd = pathlib.Path("/proc", pid, "cmdline").read_bytes()
            except OSError:
                continue
            if runtime.encode() in cmd:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass


def ensure_launcher(page):
    """A visible launcher: JupyterLab opens one when the main area empties;
    otherwise open one (File > New Launcher)."""
    cards = page.locator(".jp-Launcher:visible .jp-LauncherCard")
    try:
        cards.first.wait_for(timeout=2000)
    except PlaywrightTimeout:
        page.evaluate("() => jupyterapp.commands.execute('launcher:create')")
        cards.first.wait_for()


def new_notebook(page, name, display, log=False):
    """Click the kernel's Notebook card; returns (panel id, start-to-idle record)."""
    ensure_launcher(page)
    page.evaluate(ARM_START, display)
    card = page.locator('.jp-Launcher:visible .jp-LauncherCard[data-category="Notebook"]'
                        '[title="%s"]' % display)
    card.click()
    page.wait_for_function("() => window.__lab.idle !== null && window.__lab.circle !== null "
                           "&& window.__lab.frame !== null", timeout=SLOW * 1000)
    rec = page.evaluate("() => window.__lab")
    if log:
        print("  %s: states after the click (ms, tab / status bar / toolbar circle):" % name)
        for t, s in rec["log"]:
            print("    %8.1f  %s" % (t, s))
    panel = page.evaluate("() => jupyterapp.shell.currentWidget.id")
    return panel, rec


def round_trip(page, panel, k):
    """Type `1 + k` in the panel's last cell, Shift+Enter, wait for k + 1."""
    tab = page.locator('.lm-TabBar-tab[data-id="%s"]' % panel)
    if "lm-mod-current" not in (tab.get_attribute("class") or ""):
        tab.click()
    cells = page.locator("#%s .jp-Cell" % panel)
    index = cells.count() - 1
    editor = cells.nth(index).locator(".cm-content")
    if editor.inner_text().strip():
        raise RuntimeError("the last cell of %s is not empty" % panel)
    editor.click()
    page.keyboard.type("1 + %d" % k)
    page.wait_for_function("([p, i, s]) => document.querySelectorAll(`#${p} .jp-Cell`)[i]"
                           ".querySelector('.cm-content').textContent === s",
                           arg=[panel, index, "1 + %d" % k])
    page.evaluate(ARM_TRIP, [panel, index, str(1 + k)])
    page.keyboard.press("Shift+Enter")
    page.wait_for_function("() => window.__lab.out !== null && window.__lab.frame !== null",
                           timeout=SLOW * 1000)
    rec = page.evaluate("() => window.__lab")
    if rec["sent"] is None or rec["result"] is None:
        raise RuntimeError("the page's WebSocket did not carry the cell: %r" % rec)
    return {"trip": rec["out"] - rec["key"], "frame": rec["frame"] - rec["key"],
            "to send": rec["sent"] - rec["key"], "server": rec["result"] - rec["sent"],
            "render": rec["out"] - rec["result"]}


def close_notebook(page, panel):
    page.evaluate(CLOSE_NOTEBOOK, panel)
    page.wait_for_function("(p) => !document.getElementById(p)", arg=panel)


def stats(xs):
    return statistics.median(xs), min(xs), max(xs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="kernel starts per kernel (7)")
    ap.add_argument("--trips", type=int, default=15, help="timed round trips per kernel (15)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed round trips first (2)")
    ap.add_argument("--shots", default=tempfile.gettempdir(),
                    help="directory for screenshots of the first run (%(default)s)")
    ap.add_argument("--quiet", action="store_true", help="no state log of the first starts")
    args = ap.parse_args()

    seli_kernel = pathlib.Path(os.environ.get("SELI_KERNEL") or ROOT / "build" / "seli-kernel")
    seli_kernel = seli_kernel.resolve()
    if not seli_kernel.exists():
        sys.exit("lab_bench: %s does not exist; run make first" % seli_kernel)
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit("lab_bench: Debian's chromium (%s) is missing: sh install/deps.sh" % CHROMIUM)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="seli-lab-bench-"))
    server = None
    try:
        env = private_jupyter(tmp, seli_kernel)
        displays = check_kernelspecs(env)
        server = Server(env, tmp)
        start = {label: [] for label, _ in KERNELS}
        start_frame = {label: [] for label, _ in KERNELS}
        circle = {label: [] for label, _ in KERNELS}
        trip = {label: {} for label, _ in KERNELS}  # label -> part -> [ms]
        shots = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.add_init_script(WATCH_SOCKETS)
                page.set_default_timeout(SLOW * 1000)
                page.goto(server.url)
                page.locator(".jp-LauncherCard").first.wait_for()
                # The first notebook pays for loading the notebook code: not timed.
                p, _ = new_notebook(page, "warm-up", displays["python3"])
                close_notebook(page, p)

                for run in range(args.runs):
                    for label, name in KERNELS:
                        panel, rec = new_notebook(page, label, displays[name],
                                                  log=run == 0 and not args.quiet)
                        start[label].append(rec["idle"] - rec["click"])
                        start_frame[label].append(rec["frame"] - rec["click"])
                        circle[label].append(rec["circle"] - rec["click"])
                        if run == 0:
                            path = pathlib.Path(args.shots, "lab_bench_%s_idle.png" % label)
                            page.screenshot(path=str(path))
                            shots.append(path)
                        close_notebook(page, panel)
                        print("  run %d %-9s start to idle %7.1f ms" % (
                            run + 1, label, start[label][-1]), flush=True)

                panels = {label: new_notebook(page, label, displays[name])[0]
                          for label, name in KERNELS}
                k = 0
                for i in range(args.warmup + args.trips):
                    for label, _ in KERNELS:
                        k += 1
                        parts = round_trip(page, panels[label], k)
                        if i >= args.warmup:
                            for part, ms in parts.items():
                                trip[label].setdefault(part, []).append(ms)
                for label, _ in KERNELS:
                    page.locator('.lm-TabBar-tab[data-id="%s"]' % panels[label]).click()
                    page.wait_for_timeout(300)
                    path = pathlib.Path(args.shots, "lab_bench_%s_trips.png" % label)
                    page.screenshot(path=str(path))
                    shots.append(path)
                for label, _ in KERNELS:
                    close_notebook(page, panels[label])
            finally:
                browser.close()
    finally:
        if server:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print("JupyterLab benchmark: %d kernel starts and %d round trips per kernel, alternating "
          "seli / ipykernel" % (args.runs, args.trips))
    print("timed in the page: event.timeStamp of the click / Shift+Enter to performance.now()"
          " in a MutationObserver that sees the result")
    print("(request to result: the page's WebSocket sends the execute_request until the "
          "execute_result arrives: server and kernel)")
    print("%-32s %22s %22s %7s" % ("median [min, max] in ms", "seli", "ipykernel", "ratio"))
    def part(name):
        return {label: trip[label][name] for label, _ in KERNELS}

    rows = [("start to idle (status bar)", start), ("  toolbar circle turns idle", circle),
            ("  frame that paints Idle", start_frame),
            ("round trip 1 + k", part("trip")), ("  frame that paints output", part("frame")),
            ("  of which: key to request sent", part("to send")),
            ("    request to result (socket)", part("server")),
            ("    result to output in DOM", part("render"))]
    for title, data in rows:
        s, i = stats(data["seli"]), stats(data["ipykernel"])
        print("%-32s %7.1f [%5.1f, %5.1f] %7.1f [%5.1f, %5.1f] %7.3f" % (
            (title,) + s + i + (s[0] / i[0],)))
    print("screenshots: " + " ".join(map(str, shots)))
    for key, data in (("start_to_idle_ms", start), ("round_trip_ms", part("trip"))):
        s, i = statistics.median(data["seli"]), statistics.median(data["ipykernel"])
        print("lab: %s seli=%.1f ipykernel=%.1f ratio=%.3f" % (key, s, i, s / i))
    return 0


if __name__ == "__main__":
    sys.exit(main())
