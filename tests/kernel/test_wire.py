"""The wire side of seli-kernel: signatures, malformed frames, stdin,
interrupt, shutdown and restart, history, the session requests, and where
the kernel binds.  Uses jupyter_client and raw ZeroMQ sockets."""

import json
import os
import queue
import signal
import sys
import time
import uuid

import pytest
import zmq
from jupyter_client.session import Session

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TIMEOUT = 15


# ---------------------------------------------------------------- helpers

class Raw:
    """Hand-made messages on our own DEALER sockets, signed with the kernel's key."""

    def __init__(self, km):
        self.info = km.get_connection_info()
        self.key = self.info["key"]
        if isinstance(self.key, str):
            self.key = self.key.encode()
        self.session = Session(key=self.key, signature_scheme="hmac-sha256")
        self.ctx = zmq.Context()
        self.sockets = []

    def url(self, channel):
        port = self.info[channel + "_port"]
        if self.info["transport"] == "ipc":
            return "ipc://%s-%d" % (self.info["ip"], port)
        return "tcp://%s:%d" % (self.info["ip"], port)

    def socket(self, channel):
        s = self.ctx.socket(zmq.DEALER)
        s.linger = 0
        s.setsockopt(zmq.IDENTITY, uuid.uuid4().hex.encode())
        s.connect(self.url(channel))
        self.sockets.append(s)
        return s

    def frames(self, msg_type, content, session=None):
        """A well-formed, well-signed message: [delim, sig, header, parent, metadata, content]."""
        msg = (session or self.session).msg(msg_type, content)
        return msg["header"]["msg_id"], (session or self.session).serialize(msg)

    def recv(self, sock, timeout=TIMEOUT):
        if not sock.poll(int(timeout * 1000)):
            return None
        frames = sock.recv_multipart()
        _, parts = self.session.feed_identities(frames)
        return self.session.deserialize(parts)

    def request(self, sock, msg_type, content=None, timeout=TIMEOUT):
        msg_id, frames = self.frames(msg_type, content or {})
        sock.send_multipart(frames)
        while True:
            reply = self.recv(sock, timeout)
            assert reply is not None, "no reply to %s" % msg_type
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def close(self):
        for s in self.sockets:
            s.close(0)
        self.ctx.term()


def marker_code(path):
    return 'FILE *wt_marker = fopen("%s", "w"); fputs("ran", wt_marker); fclose(wt_marker);' % path


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "kernel-stderr.txt"
    with open(log, "w") as f:
        km, kc = harness.start_kernel(stderr=f)
    raw = Raw(km)
    yield km, kc, raw, log
    raw.close()
    harness.stop_kernel(km, kc)


@pytest.fixture
def fresh_kernel():
    started = []

    def start(**kw):
        km, kc = harness.start_kernel(**kw)
        started.append((km, kc))
        return km, kc

    yield start
    for km, kc in started:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)


# ---------------------------------------------------------------- malformed input

def tamper_signature(frames):
    sig = frames[1].decode()
    frames[1] = (("0" if sig[0] != "0" else "1") + sig[1:]).encode()
    return frames


BAD = {
    "bad_signature": tamper_signature,
    "missing_signature": lambda f: [f[0], b""] + f[2:],
    "truncated_signature": lambda f: [f[0], f[1][:32]] + f[2:],
    "too_few_frames": lambda f: f[:3],
    "no_delimiter": lambda f: f[1:],
}


@pytest.mark.parametrize("kind", sorted(BAD) + ["another_key", "malformed_json", "array_content"])
def test_malformed_message_is_dropped_and_kernel_still_answers(kernel, tmp_path, kind):
    km, kc, raw, log = kernel
    marker = tmp_path / "ran"
    shell = raw.socket("shell")
    _, frames = raw.frames("execute_request", {"code": marker_code(marker), "silent": False,
                                               "store_history": True, "user_expressions": {},
                                               "allow_stdin": False, "stop_on_error": True})
    if kind in BAD:
        frames = BAD[kind](list(frames))
    elif kind == "another_key":
        other = Session(key=b"not-the-kernel-key", signature_scheme="hmac-sha256")
        _, frames = raw.frames("execute_request", {"code": marker_code(marker)}, session=other)
    else:
        body = b'{"code": "' + marker_code(marker).encode().replace(b'"', b'\\"') + b'"'
        if kind == "array_content":
            body = b'["not", "an", "object"]'
        frames = list(frames[:5]) + [body]
        frames[1] = raw.session.sign(frames[2:6]) if raw.key else b""
    before = log.read_text()
    shell.send_multipart(frames)
    reply = raw.request(shell, "kernel_info_request")
    assert reply["msg_type"] == "kernel_info_reply"
    assert reply["content"]["language_info"]["name"] == "c"
    assert not marker.exists(), "a %s message was executed" % kind
    deadline = time.monotonic() + 5
    while "dropped" not in log.read_text()[len(before):] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "dropped" in log.read_text()[len(before):], "the dropped message was not logged"


def test_well_signed_raw_message_is_executed(kernel, tmp_path):
    km, kc, raw, log = kernel
    marker = tmp_path / "ran"
    shell = raw.socket("shell")
    reply = raw.request(shell, "execute_request",
                        {"code": marker_code(marker), "silent": False, "store_history": False,
                         "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    assert reply["content"]["status"] == "ok"
    assert marker.read_text() == "ran"


# ---------------------------------------------------------------- the channels

def test_kernel_info_and_comm_info(kernel):
    km, kc, raw, log = kernel
    control = raw.socket("control")
    info = raw.request(control, "kernel_info_request")["content"]
    assert info["protocol_version"] == "5.3"
    assert info["implementation"] == "seli"
    li = info["language_info"]
    assert (li["name"], li["mimetype"], li["file_extension"], li["pygments_lexer"],
            li["codemirror_mode"]) == ("c", "text/x-csrc", ".c", "c", "text/x-csrc")
    assert info["banner"] and info["help_links"]
    shell = raw.socket("shell")
    comm = raw.request(shell, "comm_info_request")["content"]
    assert comm == {"status": "ok", "comms": {}}


def test_output_order_streams_partial_lines_and_bad_utf8(kernel):
    km, kc, raw, log = kernel
    ex = harness.execute(kc, 'printf("a"); seli_display("text/plain", "b"); printf("c");')
    kinds = [(m["msg_type"], m["content"].get("text") or m["content"].get("data"))
             for m in ex.msgs]
    assert kinds == [("stream", "a"), ("display_data", {"text/plain": "b"}), ("stream", "c")]
    ex = harness.execute(kc, '#include <unistd.h>\nwrite(1, "raw ", 4); printf("\\xff ok");')
    assert ex.stdout == "raw \ufffd ok"


def test_display_ids_updates_and_clear_output(kernel):
    km, kc, raw, log = kernel
    ex = harness.execute(kc, """
const char *wt_mimes[] = {"text/plain", "text/html"};
const char *wt_first[] = {"0%", "<b>0%</b>"};
const char *wt_done[] = {"100%", "<b>100%</b>"};
seli_display_bundle(2, wt_mimes, wt_first, "progress-1", 0);
seli_display_bundle(2, wt_mimes, wt_done, "progress-1", 1);
seli_clear_output(1);
""")
    assert ex.status == "ok", ex
    kinds = [m["msg_type"] for m in ex.msgs]
    assert kinds == ["display_data", "update_display_data", "clear_output"]
    first, update, clear = (m["content"] for m in ex.msgs)
    assert first["data"] == {"text/plain": "0%", "text/html": "<b>0%</b>"}
    assert first["transient"] == {"display_id": "progress-1"}
    assert update["data"]["text/plain"] == "100%"
    assert update["transient"] == {"display_id": "progress-1"}
    assert clear == {"wait": True}


def test_silent_execution_publishes_no_input_or_result_and_keeps_the_count(kernel):
    km, kc, raw, log = kernel
    before = harness.execute(kc, "int wt_silent_probe = 1;").reply["execution_count"]
    msg_id = kc.execute('printf("quiet\\n");', silent=True)
    seen = []
    while True:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        seen.append(m["msg_type"])
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert "execute_input" not in seen and "execute_result" not in seen
    assert "stream" in seen
    assert reply["content"]["execution_count"] == before
    after = harness.execute(kc, "int wt_silent_probe2 = 2;").reply
    assert after["execution_count"] == before + 1
    assert after["user_expressions"] == {}


def test_stop_on_error_aborts_queued_requests(kernel, tmp_path):
    km, kc, raw, log = kernel
    marker = tmp_path / "ran"
    failing = '#include <unistd.h>\nusleep(300000); seli_error("deliberate failure");'
    first = kc.execute(failing, stop_on_error=True)
    second = kc.execute(marker_code(marker))
    replies = {}
    while len(replies) < 2:
        r = kc.get_shell_msg(timeout=TIMEOUT)
        replies[r["parent_header"]["msg_id"]] = r["content"]
    assert replies[first]["status"] == "error"
    assert replies[second]["status"] == "aborted"
    assert not marker.exists()
    # without stop_on_error the next request runs
    first = kc.execute(failing, stop_on_error=False)
    second = kc.execute(marker_code(marker))
    replies = {}
    while len(replies) < 2:
        r = kc.get_shell_msg(timeout=TIMEOUT)
        replies[r["parent_header"]["msg_id"]] = r["content"]
    assert replies[first]["status"] == "error"
    assert replies[second]["status"] == "ok"
    assert marker.exists()


# ---------------------------------------------------------------- output floods and pacing

def collect(kc, msg_id, timeout=60):
    """Every iopub message of msg_id up to its idle status, each with its
    arrival time (time.time()); then the execute_reply content."""
    msgs = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, "no idle status within %s s; got %d messages" % (timeout, len(msgs))
        try:
            m = kc.get_iopub_msg(timeout=min(left, 1))
        except queue.Empty:
            continue
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append((time.time(), m))
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    while True:
        r = kc.get_shell_msg(timeout=TIMEOUT)
        if r["parent_header"].get("msg_id") == msg_id:
            return msgs, r["content"]


FLOOD_LINES = 200000
FLOOD = ('for (int i = 0; i < %d; i++) {\n'
         '    printf("flood line %%d of the output\\n", i);\n'
         '    if (i %% 1000 == 0) fprintf(stderr, "mark %%d\\n", i);\n'
         '}\n' % FLOOD_LINES)


@pytest.mark.parametrize("ending", ["ok", "crash"])
def test_a_flood_of_200000_lines_arrives_whole_in_order_before_reply_and_idle(kernel, ending):
    km, kc, raw, log = kernel
    code = FLOOD + ("" if ending == "ok" else "int *wt_nowhere = NULL; *wt_nowhere = 1;")
    msg_id = kc.execute(code)
    msgs, reply = collect(kc, msg_id)
    kinds = [m["msg_type"] for _, m in msgs]
    assert kinds[0] == "status" and kinds[-1] == "status"
    streams = [m["content"] for _, m in msgs if m["msg_type"] == "stream"]
    stdout = "".join(c["text"] for c in streams if c["name"] == "stdout")
    stderr = "".join(c["text"] for c in streams if c["name"] == "stderr")
    assert stdout == "".join("flood line %d of the output\n" % i for i in range(FLOOD_LINES))
    assert stderr == "".join("mark %d\n" % i for i in range(0, FLOOD_LINES, 1000))
    # Merged: a message per stream every 50 ms or per 64 KB, not one per write().
    assert all(len(c["text"].encode()) <= 65536 for c in streams)
    assert len(streams) < 500, len(streams)
    if ending == "ok":
        assert reply["status"] == "ok", reply
        assert "error" not in kinds
    else:
        assert reply["status"] == "error" and reply["ename"] == "SIGSEGV", reply
        # the error comes after every byte of output
        assert kinds.index("error") > max(i for i, k in enumerate(kinds) if k == "stream")
    assert harness.execute(kc, 'printf("after the flood\\n");').stdout == "after the flood\n"


def raw_subscriber(km, kc, rcvhwm):
    """(raw, sub): a SUB socket on iopub with a small receive high-water
    mark, subscribed and in place; kc's own iopub channel is stopped so that
    sub is the only subscriber."""
    kc.iopub_channel.stop()
    raw = Raw(km)
    sub = raw.ctx.socket(zmq.SUB)
    sub.linger = 0
    sub.setsockopt(zmq.RCVHWM, rcvhwm)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(raw.url("iopub"))
    raw.sockets.append(sub)
    for _ in range(50):
        kc.execute("1;")
        if sub.poll(200):
            break
    while sub.poll(300):
        sub.recv_multipart()
    return raw, sub


def raw_messages(sub, msg_id, timeout):
    """[(msg_type, content)] of msg_id's iopub messages up to its idle status."""
    out = []
    while True:
        assert sub.poll(timeout * 1000), "no idle status; got %d messages" % len(out)
        frames = sub.recv_multipart()
        i = frames.index(b"<IDS|MSG>")
        if json.loads(frames[i + 3]).get("msg_id") != msg_id:
            continue
        kind, content = json.loads(frames[i + 2])["msg_type"], json.loads(frames[i + 5])
        out.append((kind, content))
        if kind == "status" and content["execution_state"] == "idle":
            return out


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


# 5000 displays of 10 KB: far more than ZeroMQ's queues and the TCP buffers hold.
MANY_DISPLAYS = 5000
DISPLAYS = ('char *wt_big = malloc(10001); memset(wt_big, \'.\', 10000);\n'
            'for (int i = 0; i < %d; i++) {\n'
            '    snprintf(wt_big, 16, "%%d", i); wt_big[strlen(wt_big)] = \'.\';\n'
            '    wt_big[10000] = 0; seli_display("text/plain", wt_big);\n'
            '}\nfree(wt_big); printf("end\\n");' % MANY_DISPLAYS)


def test_a_client_that_reads_late_loses_no_message(fresh_kernel):
    """The only subscriber reads nothing for 3 s while a cell sends 5000
    displays.  The kernel waits for it instead of dropping messages (the
    displays, the idle status)."""
    km, kc = fresh_kernel()
    raw, sub = raw_subscriber(km, kc, rcvhwm=10)
    msg_id = kc.execute(DISPLAYS)
    time.sleep(3)
    msgs = raw_messages(sub, msg_id, 30)
    raw.close()
    shown = [c["data"]["text/plain"] for k, c in msgs if k == "display_data"]
    assert len(shown) == MANY_DISPLAYS and all(len(t) == 10000 for t in shown)
    assert [int(t.split(".")[0]) for t in shown] == list(range(MANY_DISPLAYS))
    assert [c["text"] for k, c in msgs if k == "stream"] == ["end\n"]
    assert shell_reply(kc, msg_id)["status"] == "ok"


def test_a_subscriber_that_never_reads_does_not_hang_the_kernel(fresh_kernel, tmp_path):
    """A subscriber that stays connected and reads nothing holds iopub up for
    a bounded time only: then the kernel drops what it does not take and
    says so in its log (on the original stderr); once that subscriber is
    gone, a reading one gets everything again."""
    log = tmp_path / "kernel-stderr.txt"
    with open(log, "w") as f:
        km, kc = fresh_kernel(stderr=f)
    raw, stuck = raw_subscriber(km, kc, rcvhwm=1)
    assert shell_reply(kc, kc.execute(DISPLAYS), timeout=60)["status"] == "ok"
    deadline = time.monotonic() + 20
    while "iopub: a subscriber read nothing" not in log.read_text():
        assert time.monotonic() < deadline, "iopub waits for a stuck subscriber without end"
        time.sleep(0.2)
    assert shell_reply(kc, kc.execute("1;"))["status"] == "ok"
    raw.close()  # the stuck subscriber leaves
    raw, sub = raw_subscriber(km, kc, rcvhwm=1000)
    msg_id = kc.execute('printf("still here\\n");')
    msgs = raw_messages(sub, msg_id, TIMEOUT)
    raw.close()
    assert [c["text"] for k, c in msgs if k == "stream"] == ["still here\n"]
    assert shell_reply(kc, msg_id)["status"] == "ok"
    assert "messages were dropped" in log.read_text()


def test_slow_output_is_shown_line_by_line_and_partial_lines_promptly(kernel):
    """A cell that prints now and then: each piece, a partial line included,
    reaches the client within ~100 ms of the printf, not at the end."""
    km, kc, raw, log = kernel
    code = r"""
#include <time.h>
#include <unistd.h>
double wt_now(void) { struct timespec t; clock_gettime(CLOCK_REALTIME, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
for (int i = 0; i < 4; i++) { printf("tick %d %.6f\n", i, wt_now()); usleep(300000); }
printf("partial %.6f", wt_now()); usleep(400000); printf(" done\n");
"""
    msg_id = kc.execute(code)
    msgs, reply = collect(kc, msg_id)
    assert reply["status"] == "ok", reply
    pieces = [(t, m["content"]["text"]) for t, m in msgs if m["msg_type"] == "stream"]
    assert [p.split()[0] for _, p in pieces] == ["tick"] * 4 + ["partial", "done"], pieces
    idle = msgs[-1][0]
    delays = []
    for arrived, text in pieces[:-1]:
        printed = float(text.split()[-1])
        delays.append(arrived - printed)
        assert idle - arrived > 0.3, "a piece was held back until the cell ended"
    assert max(delays) < 0.25, delays


# ---------------------------------------------------------------- stdin

def test_stdin_round_trip_fgets_scanf_getchar(kernel):
    km, kc, raw, log = kernel
    ex = harness.execute(kc, 'char wt_line[64]; printf("name? "); fgets(wt_line, sizeof wt_line, stdin);'
                             ' printf("hello %s", wt_line);', allow_stdin=True, stdin=["Ada"])
    assert ex.status == "ok", ex
    assert len(ex.input_requests) == 1
    assert ex.input_requests[0]["password"] is False
    assert ex.stdout == "name? hello Ada\n"
    ex = harness.execute(kc, 'int wt_a, wt_b; scanf("%d %d", &wt_a, &wt_b);'
                             ' printf("%d\\n", wt_a + wt_b);', allow_stdin=True, stdin=["3 4"])
    assert ex.stdout == "7\n"
    ex = harness.execute(kc, 'int wt_c = getchar(); printf("[%c]", wt_c);',
                         allow_stdin=True, stdin=["xyz"])
    assert ex.stdout == "[x]"


def test_stdin_not_allowed_ends_the_cell_with_a_clear_error(kernel):
    km, kc, raw, log = kernel
    ex = harness.execute(kc, 'char wt_l2[8]; fgets(wt_l2, 8, stdin); printf("after\\n");',
                         allow_stdin=False)
    assert ex.status == "error"
    assert "allow_stdin" in ex.error["evalue"]
    assert "after" not in ex.stdout
    assert ex.input_requests == []
    # and the kernel still reads stdin when it is allowed again
    ex = harness.execute(kc, 'char wt_l3[8]; fgets(wt_l3, 8, stdin); printf("<%s>", wt_l3);',
                         allow_stdin=True, stdin=["ok"])
    assert ex.stdout == "<ok\n>"


# ---------------------------------------------------------------- interrupt

def run_and_interrupt(kc, how, code="for (;;);"):
    msg_id = kc.execute(code)
    time.sleep(0.5)
    t0 = time.monotonic()
    how()
    while True:
        r = kc.get_shell_msg(timeout=TIMEOUT)
        if r["parent_header"]["msg_id"] == msg_id:
            return r["content"], time.monotonic() - t0


def test_interrupt_request_on_control_stops_a_running_cell(kernel):
    km, kc, raw, log = kernel
    harness.execute(kc, "int wt_kept = 41;")
    reply, took = run_and_interrupt(kc, km.interrupt_kernel)
    assert reply["status"] == "error"
    assert reply["ename"] == "KeyboardInterrupt"
    assert took < 2.0
    assert harness.execute(kc, 'printf("%d\\n", wt_kept + 1);').stdout == "42\n"


def test_heartbeat_and_control_answer_while_a_cell_runs(kernel):
    km, kc, raw, log = kernel
    msg_id = kc.execute("for (;;);")
    time.sleep(0.3)
    hb = raw.ctx.socket(zmq.REQ)
    hb.linger = 0
    hb.connect(raw.url("hb"))
    raw.sockets.append(hb)
    hb.send(b"ping-while-busy")
    assert hb.poll(2000), "no heartbeat while a cell runs"
    assert hb.recv() == b"ping-while-busy"
    control = raw.socket("control")
    info = raw.request(control, "kernel_info_request", timeout=2)
    assert info["content"]["implementation"] == "seli"
    km.interrupt_kernel()
    while kc.get_shell_msg(timeout=TIMEOUT)["parent_header"]["msg_id"] != msg_id:
        pass


def test_interrupt_reply_comes_on_control(kernel):
    km, kc, raw, log = kernel
    control = raw.socket("control")
    assert raw.request(control, "interrupt_request")["content"]["status"] == "ok"
    assert harness.execute(kc, 'printf("fine\\n");').stdout == "fine\n"


def test_sigint_interrupts_too(kernel):
    km, kc, raw, log = kernel
    pid = km.provisioner.pid
    reply, took = run_and_interrupt(kc, lambda: os.kill(pid, signal.SIGINT))
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    assert took < 2.0
    assert harness.execute(kc, 'printf("alive\\n");').stdout == "alive\n"


def test_interrupt_while_waiting_for_input(kernel):
    km, kc, raw, log = kernel
    code = 'char wt_l4[8]; fgets(wt_l4, 8, stdin);'
    msg_id = kc.execute(code, allow_stdin=True)
    req = kc.get_stdin_msg(timeout=TIMEOUT)
    assert req["msg_type"] == "input_request"
    t0 = time.monotonic()
    km.interrupt_kernel()
    while True:
        r = kc.get_shell_msg(timeout=TIMEOUT)
        if r["parent_header"]["msg_id"] == msg_id:
            break
    assert time.monotonic() - t0 < 2.0
    ex = harness.execute(kc, 'char wt_l5[8]; fgets(wt_l5, 8, stdin); printf("<%s>", wt_l5);',
                         allow_stdin=True, stdin=["again"])
    assert ex.stdout == "<again\n>"


# ---------------------------------------------------------------- session requests

def test_complete_inspect_is_complete_reach_the_session(kernel):
    km, kc, raw, log = kernel
    code = 'char *s = "é"; seli_displ'
    kc.complete(code, len(code))
    c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert "seli_display" in c["matches"]
    # cursor positions count code points, not bytes
    assert (c["cursor_start"], c["cursor_end"]) == (len(code) - len("seli_displ"), len(code))
    kc.inspect("seli_display", len("seli_display"))
    i = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert i["status"] == "ok" and i["found"] is True
    assert "seli_display" in i["data"]["text/plain"]
    for code, status in [("int x = 1;", "complete"), ("int f(void) {", "incomplete"),
                         ("}", "invalid")]:
        kc.is_complete(code)
        r = kc.get_shell_msg(timeout=TIMEOUT)["content"]
        assert r["status"] == status, code
        if status == "incomplete":
            assert isinstance(r["indent"], str)


# ---------------------------------------------------------------- history

def history(kc, **kw):
    kc.history(**kw)
    return kc.get_shell_msg(timeout=TIMEOUT)["content"]["history"]


def test_history_tail_range_search_and_file(fresh_kernel, tmp_path):
    hist = str(tmp_path / "history.jsonl")
    km, kc = fresh_kernel(env={"SELI_HISTORY_FILE": hist})
    codes = ["6 * 7", "int wt_h = 1;", "6 * 7", "1 + 1"]
    for code in codes:
        harness.execute(kc, code)
    harness.execute(kc, "int not_stored = 0;", store_history=False)
    tail = history(kc, hist_access_type="tail", n=3, output=False, raw=True)
    assert [h[2] for h in tail] == codes[1:]
    session = tail[0][0]
    assert [h[1] for h in tail] == [2, 3, 4]
    out = history(kc, hist_access_type="tail", n=1, output=True, raw=True)
    assert out[0][2] == ["1 + 1", "2"]
    rng = history(kc, hist_access_type="range", session=session, start=2, stop=4,
                  output=False, raw=True)
    assert [h[2] for h in rng] == codes[1:3]
    assert len(history(kc, hist_access_type="search", pattern="6*7", output=False, raw=True)) == 2
    assert len(history(kc, hist_access_type="search", pattern="6*7", unique=True,
                       output=False, raw=True)) == 1
    assert len(history(kc, hist_access_type="search", pattern="*", n=2,
                       output=False, raw=True)) == 2
    kc.stop_channels()
    km.shutdown_kernel()
    # a new kernel with the same file sees the earlier session
    km2, kc2 = fresh_kernel(env={"SELI_HISTORY_FILE": hist})
    harness.execute(kc2, "2 * 2")
    tail = history(kc2, hist_access_type="tail", n=2, output=False, raw=True)
    assert tail[0][0] == session and tail[1][0] == session + 1
    prev = history(kc2, hist_access_type="range", session=-1, start=1, stop=0,
                   output=False, raw=True)
    assert [h[2] for h in prev] == codes


# ---------------------------------------------------------------- shutdown and restart

def test_shutdown_on_control_with_restart(fresh_kernel):
    km, kc = fresh_kernel()
    raw = Raw(km)
    try:
        control = raw.socket("control")
        reply = raw.request(control, "shutdown_request", {"restart": True})
        assert reply["content"] == {"status": "ok", "restart": True}
        assert km.provisioner.process.wait(timeout=10) == 0
    finally:
        raw.close()


def test_shutdown_on_shell(fresh_kernel):
    km, kc = fresh_kernel()
    raw = Raw(km)
    try:
        shell = raw.socket("shell")
        reply = raw.request(shell, "shutdown_request", {"restart": False})
        assert reply["content"] == {"status": "ok", "restart": False}
        assert km.provisioner.process.wait(timeout=10) == 0
    finally:
        raw.close()


def test_shutdown_while_a_cell_runs(fresh_kernel):
    km, kc = fresh_kernel()
    kc.execute("for (;;);")
    time.sleep(0.3)
    t0 = time.monotonic()
    km.shutdown_kernel(now=False)
    assert not km.is_alive()
    assert time.monotonic() - t0 < 5


def test_restart_through_jupyter_client_gives_a_fresh_kernel(fresh_kernel):
    km, kc = fresh_kernel()
    harness.execute(kc, "int wt_before_restart = 1;")
    old = km.provisioner.pid
    km.restart_kernel(now=False)
    assert km.provisioner.pid != old
    kc.stop_channels()
    kc = km.client()
    kc.start_channels()
    harness.check_client(kc)
    kc.wait_for_ready(timeout=TIMEOUT)
    ex = harness.execute(kc, 'printf("new\\n");')
    assert ex.stdout == "new\n"
    assert ex.reply["execution_count"] == 1
    kc.stop_channels()


# ---------------------------------------------------------------- where it binds

def listening_sockets(pid):
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                cols = line.split()
                if cols[3] == "0A" and cols[9] in inodes:  # LISTEN
                    addr, port = cols[1].split(":")
                    found.append((table, addr, int(port, 16)))
    return found


def test_binds_only_the_loopback_address_it_was_given(kernel):
    km, kc, raw, log = kernel
    info = km.get_connection_info()
    assert info["ip"] == "127.0.0.1"
    found = listening_sockets(km.provisioner.pid)
    ports = {info[c + "_port"] for c in ("shell", "iopub", "stdin", "control", "hb")}
    assert {p for _, _, p in found} == ports
    for table, addr, port in found:
        assert table == "/proc/net/tcp" and addr == "0100007F", (table, addr, port)


def test_ipc_transport(fresh_kernel, tmp_path):
    km, kc = fresh_kernel(km_kwargs={"transport": "ipc", "ip": str(tmp_path / "seli-ipc")})
    assert harness.execute(kc, 'printf("over ipc\\n");').stdout == "over ipc\n"
    assert any(p.name.startswith("seli-ipc-") for p in tmp_path.iterdir())
