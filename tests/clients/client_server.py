"""jupyter_server (what JupyterLab and JupyterHub sit on): a kernel made
through the REST API runs cells over the WebSocket channel, is interrupted,
is restarted and is shut down.  Each test runs twice: on the venv's
jupyter_server 2 (what JupyterLab 4 and Notebook 7 use) and on Debian's
jupyter_server 1 (what `apt install jupyter-server` gives)."""

import time
import urllib.error

import pytest

from clientlib import DEBIAN_JUPYTER, VENV_JUPYTER, JupyterServer, kernel_pids, log_tail, wait_gone
from kernel_socket import KernelSocket


class Channels(KernelSocket):
    """The /api/kernels/<id>/channels WebSocket of one kernel."""

    def __init__(self, server, kernel_id):
        super().__init__(f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels",
                         server.token, "test")

    def execute(self, code, timeout=60):
        reply, out = self.collect(self.start(code), "execute_reply", timeout)
        return reply["content"], out


def stream(out, name="stdout"):
    return "".join(m["content"]["text"] for m in out
                   if m["msg_type"] == "stream" and m["content"]["name"] == name)


def result(out):
    rs = [m["content"]["data"] for m in out if m["msg_type"] == "execute_result"]
    return rs[0] if rs else None


@pytest.fixture(params=[VENV_JUPYTER, DEBIAN_JUPYTER], ids=["jupyter_server2", "debian"])
def server(jenv, tmp_path, request):
    root = tmp_path / "root"
    root.mkdir()
    log = tmp_path / "server.log"
    with JupyterServer("server", root, jenv, log, jupyter=request.param) as s:
        yield s
    assert s.leftover_kernels == [], "a kernel outlived jupyter server:\n" + log_tail(log)


def test_kernelspec_is_listed_as_c_seli(server):
    specs = server.get("/api/kernelspecs")["kernelspecs"]
    assert specs["seli"]["spec"]["display_name"] == "C (seli)"
    assert specs["seli"]["spec"]["language"] == "c"
    assert specs["seli"]["spec"]["interrupt_mode"] == "message"


def test_cells_interrupt_restart_and_shutdown_over_websocket(server):
    kernel = server.request("POST", "/api/kernels", {"name": "seli"})
    kid = kernel["id"]
    assert kernel["name"] == "seli"
    ch = Channels(server, kid)
    try:
        info = ch.wait_ready()
        assert info["language_info"]["name"] == "c"
        assert info["status"] == "ok"

        reply, out = ch.execute('int n = 41;\nprintf("hello from C\\n");')
        assert reply["status"] == "ok", reply
        assert stream(out) == "hello from C\n"
        assert reply["execution_count"] == 1

        reply, out = ch.execute("n + 1")
        assert reply["status"] == "ok"
        assert result(out)["text/plain"].strip() == "42"

        reply, out = ch.execute("int broken = ;")
        assert reply["status"] == "error"
        assert any(m["msg_type"] == "error" for m in out)

        reply, out = ch.execute(
            "seli_figure *fig = seli_figure_new(3, 2);\n"
            "seli_line(seli_subplot(fig, 1, 1, 0), seli_linspace(0, 1, 5),"
            " seli_linspace(0, 1, 5), NULL);\n"
            "seli_figure_show(fig);\nseli_figure_free(fig);")
        assert reply["status"] == "ok", reply
        svgs = [m["content"]["data"]["image/svg+xml"] for m in out
                if m["msg_type"] == "display_data"]
        assert len(svgs) == 1 and "<svg" in svgs[0]

        # An interrupt through the REST API (interrupt_mode "message": the
        # server sends interrupt_request on the control channel).
        msg_id = ch.send("execute_request", {"code": "volatile long spin = 0;\n"
                                                     "for (;;) spin++;",
                                             "silent": False, "store_history": True,
                                             "user_expressions": {}, "allow_stdin": False,
                                             "stop_on_error": True})
        time.sleep(1.0)
        t0 = time.monotonic()
        server.request("POST", f"/api/kernels/{kid}/interrupt")
        reply, out = ch.collect(msg_id, "execute_reply", timeout=30)
        assert time.monotonic() - t0 < 10
        assert reply["content"]["status"] == "error"
        assert "interrupt" in (reply["content"].get("ename", "") +
                               reply["content"].get("evalue", "")).lower()

        reply, out = ch.execute("n")  # the session survived the interrupt
        assert reply["status"] == "ok"
        assert result(out)["text/plain"].strip() == "41"

        # A restart: a fresh session, in which n is no longer declared.
        pids_before = kernel_pids(server.tag)
        server.request("POST", f"/api/kernels/{kid}/restart")
        ch.close()
        ch = Channels(server, kid)
        ch.wait_ready()
        pids_after = kernel_pids(server.tag)
        assert len(pids_after) == 1 and pids_after != pids_before
        reply, out = ch.execute("n")
        assert reply["status"] == "error"
        reply, out = ch.execute("6 * 7")
        assert reply["status"] == "ok" and result(out)["text/plain"].strip() == "42"
        assert reply["execution_count"] == 2
    finally:
        ch.close()

    server.request("DELETE", f"/api/kernels/{kid}")
    with pytest.raises(urllib.error.HTTPError):
        server.get(f"/api/kernels/{kid}")
    assert wait_gone(kernel_pids(server.tag), 10) == []
