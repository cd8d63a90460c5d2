"""hublib.py: a JupyterHub class on this machine, for the classroom test
(tests/clients/client_classroom.py) and benchmark (bench/classroom.py).

JupyterHub (PyPI, the Python that runs this file) on loopback, with Debian's
configurable-http-proxy (install/deps.sh clients), LocalProcessSpawner and
DummyAuthenticator with one shared password.  The students are real Unix
users made with useradd, each with a home of mode 0700, so each student's
single-user server and seli kernel run as that student.  seli is installed
with `make install` into a prefix every user can read.  Everything made is
removed on close: the hub, its proxy, the students' processes (by pid), the
users and their homes.

    Classroom(n, mem_limit=None)      context manager; .students (names),
                                      .start_hub(), .stop_hub(), .url
    Student(classroom, name)          one student's session through the hub's
                                      REST API and the proxy: login(),
                                      start_server(), new_kernel(), put/get
                                      a notebook (contents API), kernel
                                      interrupt
    Channels(url, token)              a kernel's WebSocket through the proxy
"""

import json
import os
import pathlib
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from clientlib import free_port
from kernel_socket import KernelSocket

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
PROXY = "/usr/bin/configurable-http-proxy"


def http(method, url, token=None, body=None, timeout=60):
    """(status, parsed JSON body or None)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"token {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text.decode(errors="replace")


def rss_mb(pids):
    total = 0
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def kernel_rss_mb(pids):
    """(sum, largest) resident memory of the seli kernels among pids."""
    sizes = []
    for pid in pids:
        try:
            if open(f"/proc/{pid}/comm").read().strip().startswith("seli-kernel"):
                sizes.append(rss_mb([pid]))
        except OSError:
            pass
    return sum(sizes), max(sizes, default=0)


def pids_of_uid(uid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat(f"/proc/{d}").st_uid == uid:
                    out.append(int(d))
            except OSError:
                pass
    return out


CONFIG = """
c = get_config()
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.JupyterHub.db_url = "sqlite:///{hub}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{hub}/cookie_secret"
c.JupyterHub.pid_file = "{hub}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = set({students!r})
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = ["{singleuser}"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
c.Spawner.environment = {{"JUPYTER_PATH": "{jupyter_path}", "OPENBLAS_NUM_THREADS": "1"}}
{mem_limit}
"""


class Classroom:
    def __init__(self, n, mem_limit=None, log=None):
        self.n = n
        self.mem_limit = mem_limit
        self.base = pathlib.Path(tempfile.mkdtemp(prefix="seli-class-", dir="/tmp"))
        os.chmod(self.base, 0o755)
        self.tag = secrets.token_hex(2)
        self.students = [f"sc{self.tag}s{i:02d}" for i in range(n)]
        self.password = secrets.token_urlsafe(12)
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.hub_dir = self.base / "hub"
        self.log = pathlib.Path(log) if log else self.base / "hub.log"
        self.hub = None
        self.made_users = []

    def __enter__(self):
        try:
            self._install()
            self._users()
            self._config()
            self.start_hub()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _install(self):
        self.prefix = self.base / "prefix"
        build = os.environ.get("SELI_BUILD", "build")
        subprocess.run(["make", "--no-print-directory", "-s", "-C", str(ROOT), f"BUILD={build}",
                        "install", f"PREFIX={self.prefix}"], check=True, timeout=900,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["chmod", "-R", "a+rX", str(self.prefix)], check=True)

    def _users(self):
        homes = self.base / "home"
        homes.mkdir(mode=0o755)
        for name in self.students:
            home = homes / name
            subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--shell",
                            "/bin/sh", "--user-group", name], check=True)
            self.made_users.append(name)
            os.chmod(home, 0o700)

    def home(self, name):
        return pathlib.Path(pwd.getpwnam(name).pw_dir)

    def _config(self):
        self.hub_dir.mkdir(mode=0o700)
        mem = f"c.Spawner.mem_limit = {self.mem_limit!r}" if self.mem_limit else ""
        (self.hub_dir / "jupyterhub_config.py").write_text(CONFIG.format(
            port=self.port, hub_port=self.hub_port, api_port=self.api_port, proxy=PROXY,
            hub=self.hub_dir, password=self.password, students=self.students,
            singleuser=BIN / "jupyterhub-singleuser",
            jupyter_path=self.prefix / "share" / "jupyter", mem_limit=mem))

    def start_hub(self, timeout=120):
        env = dict(os.environ)
        env["PATH"] = f"{BIN}:/usr/bin:/bin"
        env.pop("JUPYTER_PATH", None)
        # Debian's node finds Debian's node modules by itself; another node
        # (NodeSource's, on this machine) needs to be told where they are.
        env["NODE_PATH"] = "/usr/share/nodejs:/usr/lib/nodejs"
        with open(self.log, "a") as log:
            self.hub = subprocess.Popen([str(BIN / "jupyterhub"), "-f",
                                         str(self.hub_dir / "jupyterhub_config.py")],
                                        cwd=self.hub_dir, env=env, stdout=log, stderr=log,
                                        start_new_session=True)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.hub.poll() is not None:
                raise RuntimeError("jupyterhub exited:\n" + self.log_tail())
            try:
                status, _ = http("GET", f"{self.url}/hub/api/", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise TimeoutError("jupyterhub did not answer:\n" + self.log_tail())

    def stop_hub(self, timeout=60):
        """SIGTERM to the hub: it stops every student's server (cleanup_servers) and its proxy."""
        if not self.hub:
            return
        self.hub.send_signal(signal.SIGTERM)
        try:
            self.hub.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.hub.pid, signal.SIGKILL)
            self.hub.wait()
        self.hub = None

    def hub_pids(self):
        """The hub and the proxy it started (its process group)."""
        if not self.hub:
            return []
        pgid = self.hub.pid
        out = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    if os.getpgid(int(d)) == pgid:
                        out.append(int(d))
                except OSError:
                    pass
        return out

    def student_pids(self):
        return [p for name in self.students for p in pids_of_uid(pwd.getpwnam(name).pw_uid)]

    def log_tail(self, n=60):
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def close(self):
        try:
            self.stop_hub()
        finally:
            for name in self.made_users:
                uid = pwd.getpwnam(name).pw_uid
                for _ in range(50):
                    pids = pids_of_uid(uid)
                    if not pids:
                        break
                    for pid in pids:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except OSError:
                            pass
                    time.sleep(0.1)
                subprocess.run(["userdel", "--remove", name], stderr=subprocess.DEVNULL)
            self.made_users = []
            shutil.rmtree(self.base, ignore_errors=True)


class Student:
    def __init__(self, classroom, name):
        self.c, self.name, self.token = classroom, name, None

    def api(self, method, path, body=None, timeout=60):
        return http(method, f"{self.c.url}/hub/api{path}", self.token, body, timeout)

    def login(self):
        """A token from the hub's REST API, for the student's name and password."""
        status, body = http("POST", f"{self.c.url}/hub/api/users/{self.name}/tokens", None,
                            {"auth": {"username": self.name, "password": self.c.password},
                             "note": "classroom"})
        assert status in (200, 201), (status, body)
        self.token = body["token"]

    def start_server(self, timeout=300):
        status, body = self.api("POST", f"/users/{self.name}/server")
        assert status in (201, 202, 400), (status, body)  # 400: already running
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            status, body = self.api("GET", f"/users/{self.name}")
            server = (body or {}).get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name}'s server did not start:\n" + self.c.log_tail())

    def server(self, method, path, body=None, timeout=60):
        return http(method, f"{self.c.url}/user/{self.name}/api{path}", self.token, body, timeout)

    def new_kernel(self):
        status, body = self.server("POST", "/kernels", {"name": "seli"})
        assert status == 201, (status, body)
        ch = Channels(f"ws://127.0.0.1:{self.c.port}/user/{self.name}/api/kernels/{body['id']}",
                      self.token)
        ch.kernel_id = body["id"]
        ch.wait_ready()
        return ch

    def interrupt(self, ch):
        status, _ = self.server("POST", f"/kernels/{ch.kernel_id}/interrupt")
        assert status == 204, status

    def put_notebook(self, path, nb):
        status, body = self.server("PUT", f"/contents/{path}",
                                   {"type": "notebook", "format": "json", "content": nb})
        assert status in (200, 201), (status, body)

    def get_notebook(self, path):
        status, body = self.server("GET", f"/contents/{path}?content=1")
        assert status == 200, (status, body)
        return body["content"]


class Channels(KernelSocket):
    """A kernel's /channels WebSocket through the proxy."""

    def __init__(self, kernel_url, token, attempts=3):
        # A server that 20 others load may be slow to answer the handshake:
        # try again, as a browser does, before counting the student lost.
        super().__init__(kernel_url.rstrip("/") + "/channels", token, "student",
                         timeout=120, attempts=attempts)

    def collect(self, msg_id, reply_type, timeout=300):
        return super().collect(msg_id, reply_type, timeout)

    def execute(self, code, timeout=300):
        """(reply content, stdout text, error content or None)."""
        reply, out = self.collect(self.start(code), "execute_reply", timeout)
        text = "".join(m["content"]["text"] for m in out
                       if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
        errors = [m["content"] for m in out if m["msg_type"] == "error"]
        return reply["content"], text, errors[0] if errors else None

    def wait_ready(self, timeout=120):
        return super().wait_ready(timeout, poll=10)


def lesson_cells():
    """The class's work: exercise 01's solution, then notebook 01, cell by cell."""
    import nbformat
    cells = []
    for path in (ROOT / "exercises" / "01_function_approximation.ipynb",
                 ROOT / "notebooks" / "01_function_approximation.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        cells += [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    return cells


def run_lesson(student, cells, timings):
    """Log in, start the server, open a kernel and run every cell; appends
    each cell's wall time (ms) to timings.  Returns (channels, failure or None)."""
    student.login()
    student.start_server()
    ch = student.new_kernel()
    for i, code in enumerate(cells):
        t = time.monotonic()
        reply, _, error = ch.execute(code)
        timings.append((time.monotonic() - t) * 1000)
        if reply["status"] != "ok":
            return ch, f"cell {i}: {error and error['ename']}: {error and error['evalue'][:300]}"
    return ch, None
