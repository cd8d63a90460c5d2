"""kernel_socket.py: a kernel's /api/kernels/<id>/channels WebSocket, as
JupyterLab speaks it (Jupyter messages as JSON text frames), shared by the
jupyter_server test (client_server.py) and the JupyterHub class (hublib.py).

    KernelSocket(url, token, username, timeout, attempts)
        connect to url (…/channels) with a new session id; a server under
        load may be slow to answer the handshake, so try `attempts` times
    send(msg_type, content, channel)    -> msg_id
    collect(msg_id, reply_type, timeout) -> (reply, other messages), once the
        reply has come and iopub is idle
    start(code)                          -> msg_id of an execute_request
    wait_ready(timeout, poll)            kernel_info until the kernel answers
"""
import json
import time
import uuid

import websocket  # websocket-client, pinned in install/requirements.txt


class KernelSocket:
    """One kernel's channels WebSocket."""

    def __init__(self, url, token, username, timeout=30, attempts=1):
        self.session = uuid.uuid4().hex
        self.username = username
        for attempt in range(attempts):
            try:
                self.ws = websocket.create_connection(
                    f"{url}?session_id={self.session}", timeout=timeout,
                    header=[f"Authorization: token {token}"])
                break
            except (websocket.WebSocketTimeoutException, ConnectionError):
                if attempt == attempts - 1:
                    raise

    def close(self):
        self.ws.close()

    def send(self, msg_type, content, channel="shell"):
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session,
                       "username": self.username, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content,
            "channel": channel, "buffers": [],
        }))
        return msg_id

    def collect(self, msg_id, reply_type, timeout=60):
        """Messages answering msg_id until its reply has come and iopub is idle."""
        out, reply, idle = [], None, False
        end = time.monotonic() + timeout
        while reply is None or not idle:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {reply_type} to {msg_id} in {timeout} s: {out[-3:]}")
            self.ws.settimeout(left)
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == reply_type:
                reply = msg
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            else:
                out.append(msg)
        return reply, out

    def start(self, code):
        return self.send("execute_request", {"code": code, "silent": False,
                                             "store_history": True, "user_expressions": {},
                                             "allow_stdin": False, "stop_on_error": True})

    def wait_ready(self, timeout=60, poll=5):
        """kernel_info until the kernel answers (after a start or a restart)."""
        end = time.monotonic() + timeout
        while True:
            msg_id = self.send("kernel_info_request", {})
            try:
                reply, _ = self.collect(msg_id, "kernel_info_reply", timeout=poll)
                return reply["content"]
            except (TimeoutError, websocket.WebSocketTimeoutException):
                if time.monotonic() > end:
                    raise
