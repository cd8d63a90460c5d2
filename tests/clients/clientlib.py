"""clientlib.py: what the real-client tests share.

Every test runs the kernel that `make install PREFIX=<tmp>` put in a
temporary prefix, through the kernelspec installed there, in a Jupyter
environment of its own (config, data and runtime directories in a temporary
directory), so that neither the user's Jupyter set-up nor the work tree's
headers play any part: what passes here is what a user outside the repo gets.

    ROOT, BUILD                 the work tree and its build directory
                                (env SELI_BUILD, default build)
    install_prefix(dest)        `make install PREFIX=dest`; returns dest
    jupyter_env(prefix, home)   environment for a client: JUPYTER_PATH is
                                prefix/share/jupyter, the other Jupyter
                                directories live under home
    free_port()                 a free TCP port on 127.0.0.1
    make_notebook(path, cells)  write a notebook of C code cells for the
                                kernelspec "seli"
    JupyterServer(app, ...)     start a Jupyter server on a free loopback
                                port with a token: app "notebook" is Debian's
                                Notebook 6, "server" Debian's jupyter_server,
                                "lab" the venv's JupyterLab 4, "notebook7" the
                                venv's Notebook 7; a context manager that stops
                                it, its kernels included, and checks that
                                nothing is left
    kernel_pids(tag)            pids of seli-kernel processes whose command
                                line contains tag (a temporary directory of
                                the test), to check that none is left
    live(pids), wait_gone(pids, timeout)
                                the pids still running; waits for none
"""

import json
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("SELI_BUILD", "build"))
if not BUILD.is_absolute():
    BUILD = ROOT / BUILD
PYTHON = "/usr/bin/python3"
# Debian's Jupyter (Notebook 6, jupyter_server 1) and the project's pinned one
# (`make venv`: JupyterLab 4, Notebook 7, jupyter_server 2).
DEBIAN_JUPYTER = "/usr/bin/jupyter"
VENV = ROOT / "build" / "venv"
VENV_JUPYTER = str(VENV / "bin" / "jupyter")


def install_prefix(dest):
    """Install seli into the prefix dest with the project's own `make install`."""
    dest = pathlib.Path(dest)
    rel = os.path.relpath(BUILD, ROOT)
    subprocess.run(
        ["make", "--no-print-directory", "-s", "-C", str(ROOT), f"BUILD={rel}", "install",
         f"PREFIX={dest}"],
        check=True, timeout=600, stdout=subprocess.DEVNULL)
    return dest


def jupyter_env(prefix, home):
    """Environment for a Jupyter client that sees only the installed kernelspec."""
    home = pathlib.Path(home)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "JPY_", "SELI_"))}
    env.update({
        "HOME": str(home),
        "JUPYTER_PATH": str(pathlib.Path(prefix) / "share" / "jupyter"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONNOUSERSITE": "1",
        "TERM": "xterm",
    })
    env["PATH"] = "/usr/bin:/bin:" + env.get("PATH", "")
    for d in ("data", "config", "runtime", "ipython"):
        (home / d).mkdir(parents=True, exist_ok=True)
    return env


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_notebook(path, cells):
    """A notebook of code cells (strings; a string starting with '#md ' is markdown)."""
    out = []
    for src in cells:
        if src.startswith("#md "):
            out.append({"cell_type": "markdown", "metadata": {}, "source": src[4:]})
        else:
            out.append({"cell_type": "code", "metadata": {}, "source": src,
                        "outputs": [], "execution_count": None})
    nb = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "seli", "display_name": "C (seli)", "language": "c"},
            "language_info": {"name": "c"},
        },
        "cells": out,
    }
    for i, c in enumerate(nb["cells"]):
        c["id"] = f"cell-{i}"
    pathlib.Path(path).write_text(json.dumps(nb, indent=1))
    return path


# The notebook that the browser and nbconvert tests run: text, a live
# progress bar, an inline figure and a result.
DEMO_CELLS = [
    "#md # seli in a real client\nA progress bar, a figure and a result.",
    '#include <unistd.h>\nprintf("hello from cell %d\\n", 1);',
    'seli_progress *bar = seli_progress_new(40, "client steps");\n'
    "for (int i = 0; i < 40; i++) {\n"
    "    usleep(50 * 1000);\n"
    '    seli_progress_postfix(bar, "i=%d", i);\n'
    "    seli_progress_step(bar);\n"
    "}\n"
    "seli_progress_close(bar);",
    "seli_tensor *t = seli_linspace(-3, 3, 61);\n"
    "seli_figure *fig = seli_figure_new(5, 3);\n"
    "seli_axes *ax = seli_subplot(fig, 1, 1, 0);\n"
    'seli_line(ax, t, seli_tanh(t), &(seli_style){.label = "tanh"});\n'
    'seli_title(ax, "client test figure");\n'
    "seli_legend(ax, NULL);\n"
    "seli_figure_show(fig);\n"
    "seli_figure_free(fig);",
    "6 * 7",
]


def kernel_pids(tag):
    """seli-kernel processes whose command line mentions tag."""
    pids = []
    for d in pathlib.Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # The launcher execs the kernel proper with its own argv[0].
        if (cmd and cmd[0].endswith((b"seli-kernel", b"seli-kernel-core"))
                and any(tag.encode() in a for a in cmd)):
            pids.append(int(d.name))
    return pids


def live(pids):
    """The pids of pids that still run (neither gone nor zombies)."""
    return [p for p in pids if pathlib.Path(f"/proc/{p}").exists() and "Z" not in _state(p)]


def wait_gone(pids, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pids = live(pids)
        if not pids:
            return []
        time.sleep(0.1)
    return pids


def _state(pid):
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "X"


class JupyterServer:
    """A Jupyter server on 127.0.0.1:<free port> with a random token, rooted
    at root_dir.  app is what runs:

        "notebook"   Debian's `jupyter notebook` (Notebook 6, NotebookApp options)
        "server"     `jupyter server` (Debian's jupyter_server 1 unless jupyter
                     names another `jupyter`, such as VENV_JUPYTER)
        "lab"        the venv's `jupyter lab` (JupyterLab 4, ServerApp options)
        "notebook7"  the venv's `jupyter notebook` (Notebook 7, ServerApp options)

    jupyter overrides the `jupyter` command (the default follows app).
    kernelspecs are the only kernelspecs that the server offers (None: all
    that it finds); the venv's ipykernel would otherwise add "python3"."""

    APPS = {
        "notebook": (DEBIAN_JUPYTER, "notebook", "NotebookApp"),
        "server": (DEBIAN_JUPYTER, "server", "ServerApp"),
        "lab": (VENV_JUPYTER, "lab", "ServerApp"),
        "notebook7": (VENV_JUPYTER, "notebook", "ServerApp"),
    }

    def __init__(self, app, root_dir, env, log_path, startup_timeout=60, jupyter=None,
                 kernelspecs=("seli",)):
        if app not in self.APPS:
            raise ValueError(f"JupyterServer: unknown app {app!r} (one of {sorted(self.APPS)})")
        self.app = app
        default_jupyter, self.subcommand, self.options = self.APPS[app]
        self.jupyter = jupyter or default_jupyter
        self.kernelspecs = kernelspecs
        self.root_dir = str(root_dir)
        self.env = env
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.tag = env["JUPYTER_RUNTIME_DIR"]

    def page_url(self, path=""):
        """The URL of a page of the server (e.g. "lab/tree/a.ipynb"), token included."""
        return f"{self.url}/{path.lstrip('/')}?token={self.token}"

    def __enter__(self):
        if not os.access(self.jupyter, os.X_OK):
            raise RuntimeError(f"{self.jupyter} is missing"
                               + (" (make venv makes it)" if self.jupyter == VENV_JUPYTER else ""))
        cls = self.options
        root = "notebook_dir" if cls == "NotebookApp" else "root_dir"
        cmd = [self.jupyter, self.subcommand, "--no-browser",
               f"--{cls}.ip=127.0.0.1", f"--{cls}.port={self.port}",
               f"--{cls}.port_retries=0", f"--{cls}.token={self.token}",
               f"--{cls}.{root}={self.root_dir}", f"--{cls}.open_browser=False"]
        if cls == "ServerApp":
            cmd.append("--ServerApp.allow_remote_access=False")
        for name in self.kernelspecs or ():
            cmd.append(f"--KernelSpecManager.allowed_kernelspecs={name}")
        if self.kernelspecs:
            cmd.append(f"--MultiKernelManager.default_kernel_name={self.kernelspecs[0]}")
        if self.app in ("lab", "notebook7"):
            _quiet_lab_settings(pathlib.Path(self.env["JUPYTER_CONFIG_DIR"]))
        if os.geteuid() == 0:  # CI runs as root
            cmd.append(f"--{cls}.allow_root=True")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=self.root_dir, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        end = time.monotonic() + self.startup_timeout
        while True:
            if self.proc.poll() is not None:
                self.log.close()
                raise RuntimeError(f"jupyter {self.subcommand} exited with "
                                   f"{self.proc.returncode}; see {self.log_path}")
            try:
                self.get("/api/status")
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > end:
                    self.__exit__(None, None, None)
                    raise RuntimeError(f"jupyter {self.subcommand} did not answer in "
                                       f"{self.startup_timeout} s; see {self.log_path}")
                time.sleep(0.2)

    def request(self, method, path, body=None, timeout=30):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def get(self, path):
        return self.request("GET", path)

    def sessions(self):
        """{notebook path: kernel model} of the server's sessions."""
        return {s["path"]: s["kernel"] for s in self.get("/api/sessions")}

    def shutdown_kernels(self):
        """End every session and kernel of the server, as a person closing
        their notebooks with "Shut Down Kernel" would."""
        for s in self.get("/api/sessions"):
            self.request("DELETE", f"/api/sessions/{s['id']}")
        for k in self.get("/api/kernels"):
            self.request("DELETE", f"/api/kernels/{k['id']}")

    def __exit__(self, *exc):
        """Stop the server (SIGTERM shuts its kernels down), then make sure
        that neither it nor a kernel it started is left."""
        left = []
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        left = wait_gone(kernel_pids(self.tag), 10)
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # nothing should remain in its group
            except ProcessLookupError:
                pass
        self.log.close()
        self.leftover_kernels = left
        return False


def _quiet_lab_settings(config_dir):
    """User settings of JupyterLab and Notebook 7 (both read
    <config>/lab/user-settings) that keep a test's browser off the network:
    no news and no update check, which would also pop a notification."""
    path = config_dir / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    path.mkdir(parents=True, exist_ok=True)
    (path / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))


def log_tail(path, n=40):
    try:
        return "\n".join(pathlib.Path(path).read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


if __name__ == "__main__":
    sys.exit("clientlib.py is a module for the client tests")
