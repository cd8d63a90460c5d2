"""harness.py: start seli-kernel through the real jupyter_client, for tests.

API (stable; other test files rely on it):

    KERNEL_NAME                 name of the temporary kernelspec ("seli-test")
    kernel_binary()             absolute path of the kernel under test
                                (env SELI_KERNEL, default build/seli-kernel)
    install_temp_kernelspec()   write a kernelspec for that binary into a temp
                                dir and put the dir first on JUPYTER_PATH;
                                returns the dir (idempotent)
    start_kernel(env=None, startup_timeout=30, km_kwargs=None, **launch_kwargs)
                                -> (km, kc): start a kernel with KernelManager
                                (km_kwargs, e.g. transport="ipc"), channels
                                started and ready; env adds variables;
                                launch_kwargs go to Popen (e.g. stderr=file)
    check_client(kc)            make every message kc receives (shell, iopub,
                                stdin, control) pass message_spec.check_message;
                                start_kernel does it for its client
    stop_kernel(km, kc)         stop channels and shut the kernel down
    execute(kc, code, timeout=30, silent=False, store_history=True,
            allow_stdin=False, stop_on_error=True, user_expressions=None,
            stdin=None) -> Execution
                                run one cell and collect every iopub message
                                of it until status idle; `stdin` is a list of
                                strings (or a callable prompt -> str) that
                                answers input_request messages
    interrupt(km, kc, code, delay, timeout=20)
                                run code, interrupt the kernel after delay
                                seconds; the error content the cell ended
                                with (None if none), once iopub is idle and
                                the execute_reply has come
    ok(kc, code, **kw)          execute, and assert that the cell ended
                                without an error; returns the Execution
    Execution                   .reply (execute_reply content), .reply_msg,
                                .msgs (iopub messages except status and
                                execute_input), .stdout, .stderr, .result
                                (execute_result data or None), .displays
                                (display_data / update_display_data
                                messages), .error (error content or None),
                                .input_requests (input_request contents),
                                .status (reply status), .msg_id
"""

import os
import queue
import tempfile
import time
import json
import pathlib

from jupyter_client import KernelManager

from message_spec import check_message

KERNEL_NAME = "seli-test"
ROOT = pathlib.Path(__file__).resolve().parents[2]

_spec_dir = None


def kernel_binary():
    path = os.environ.get("SELI_KERNEL") or str(ROOT / "build" / "seli-kernel")
    return str(pathlib.Path(path).resolve())


def install_temp_kernelspec():
    """Write kernels/seli-test/kernel.json in a temp dir; prepend it to JUPYTER_PATH."""
    global _spec_dir
    if _spec_dir is None:
        _spec_dir = tempfile.mkdtemp(prefix="seli-kernelspec-")
        kdir = pathlib.Path(_spec_dir, "kernels", KERNEL_NAME)
        kdir.mkdir(parents=True)
        spec = {
            "argv": [kernel_binary(), "-f", "{connection_file}"],
            "display_name": "C (seli, test)",
            "language": "c",
            "interrupt_mode": "message",
        }
        (kdir / "kernel.json").write_text(json.dumps(spec, indent=1))
        old = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = _spec_dir + (os.pathsep + old if old else "")
    return _spec_dir


def start_kernel(env=None, startup_timeout=30, km_kwargs=None, **launch_kwargs):
    """Start seli-kernel; returns (km, kc) with channels started and ready."""
    install_temp_kernelspec()
    km = KernelManager(kernel_name=KERNEL_NAME, **(km_kwargs or {}))
    if env:
        full = dict(os.environ)
        full.update(env)
        launch_kwargs["env"] = full
    km.start_kernel(**launch_kwargs)
    kc = km.client()
    kc.start_channels()
    check_client(kc)
    try:
        kc.wait_for_ready(timeout=startup_timeout)
    except RuntimeError:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        raise
    return km, kc


def check_client(kc):
    """Check every message kc receives against the messaging spec's required
    fields (message_spec.py): a message without them fails the test that
    receives it.  Call after kc.start_channels(); idempotent."""
    for name in ("shell", "iopub", "stdin", "control"):
        channel = getattr(kc, name + "_channel")
        recv = channel._recv
        if getattr(recv, "seli_checked", False):
            continue

        def checked(_recv=recv, _name=name, **kwargs):
            msg = _recv(**kwargs)
            check_message(msg, _name)
            return msg

        checked.seli_checked = True
        channel._recv = checked
    return kc


def stop_kernel(km, kc):
    try:
        kc.stop_channels()
    finally:
        if km.is_alive():
            km.shutdown_kernel(now=False)


class Execution:
    def __init__(self, msg_id):
        self.msg_id = msg_id
        self.reply_msg = None
        self.reply = None
        self.msgs = []
        self.input_requests = []

    @property
    def status(self):
        return self.reply["status"] if self.reply else None

    def _streams(self, name):
        return "".join(m["content"]["text"] for m in self.msgs
                       if m["msg_type"] == "stream" and m["content"]["name"] == name)

    @property
    def stdout(self):
        return self._streams("stdout")

    @property
    def stderr(self):
        return self._streams("stderr")

    @property
    def result(self):
        for m in self.msgs:
            if m["msg_type"] == "execute_result":
                return m["content"]["data"]
        return None

    @property
    def displays(self):
        return [m for m in self.msgs if m["msg_type"] in ("display_data", "update_display_data")]

    @property
    def error(self):
        for m in self.msgs:
            if m["msg_type"] == "error":
                return m["content"]
        return None

    def __repr__(self):
        return "Execution(status=%r, stdout=%r, stderr=%r, result=%r, error=%r)" % (
            self.status, self.stdout, self.stderr, self.result, self.error)


def execute(kc, code, timeout=30, silent=False, store_history=True, allow_stdin=False,
            stop_on_error=True, user_expressions=None, stdin=None):
    """Run code; collect its iopub messages until idle, then its execute_reply."""
    msg_id = kc.execute(code, silent=silent, store_history=store_history,
                        user_expressions=user_expressions or {}, allow_stdin=allow_stdin,
                        stop_on_error=stop_on_error)
    ex = Execution(msg_id)
    answers = list(stdin) if isinstance(stdin, (list, tuple)) else None
    deadline = time.monotonic() + timeout
    idle = False
    while not idle:
        if time.monotonic() > deadline:
            raise TimeoutError("no idle status for %r within %ss; got %r" % (code, timeout, ex.msgs))
        if allow_stdin:
            try:
                req = kc.get_stdin_msg(timeout=0.01)
            except queue.Empty:
                pass
            else:
                if req["parent_header"].get("msg_id") == msg_id:
                    ex.input_requests.append(req["content"])
                    if callable(stdin):
                        kc.input(stdin(req["content"]["prompt"]))
                    elif answers:
                        kc.input(answers.pop(0))
                    else:
                        kc.input("")
        try:
            msg = kc.get_iopub_msg(timeout=0.01 if allow_stdin else 0.2)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t = msg["msg_type"]
        if t == "status":
            idle = msg["content"]["execution_state"] == "idle"
        elif t != "execute_input":
            ex.msgs.append(msg)
    while True:
        left = max(0.1, deadline - time.monotonic())
        reply = kc.get_shell_msg(timeout=left)
        if reply["parent_header"].get("msg_id") == msg_id:
            ex.reply_msg = reply
            ex.reply = reply["content"]
            return ex


def ok(kc, code, **kw):
    """Run a cell (execute's keywords) that must end without an error."""
    ex = execute(kc, code, **kw)
    assert ex.status == "ok" and ex.error is None, ex
    return ex


def interrupt(km, kc, code, delay, timeout=20):
    """Run code, interrupt it after delay seconds; the cell's error content."""
    msg_id = kc.execute(code)
    time.sleep(delay)
    km.interrupt_kernel()
    error = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            error = msg["content"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    while kc.get_shell_msg(timeout=timeout)["parent_header"].get("msg_id") != msg_id:
        pass
    return error
