"""test_security.py: the kernel runs only signed messages and listens only where told.

- Messages on the shell and control channels with a missing, wrong, truncated
  or malformed HMAC, or signed with another key, are dropped: their code
  (which would create a file) does not run, no reply comes back, and the
  kernel still answers correctly signed requests afterwards.  A correctly
  signed raw message sent the same way does run, so the test would notice if
  the kernel ran everything.
- Signatures are compared in constant time: a source-level check that
  kernel/src/protocol/hmac.c compares with sodium_memcmp (or crypto_auth_*_verify) and
  that no kernel file handling signatures compares one with memcmp/strcmp.
- The kernel listens only on the address of the connection file: every TCP
  socket it has in LISTEN state (found through /proc/<pid>/fd and
  /proc/net/tcp{,6}) is bound to that address, never to 0.0.0.0 or ::,
  and on exactly the five ports of the connection file.

Install scripts (shellcheck is not installed; reviewed by hand):
- install/deps.sh takes one optional argument, compared with the fixed words
  "bench" and "clients" only; the package list is a constant of the script;
  $SUDO is "" or "sudo"; nothing is eval'd or built from the environment.
- install/kernelspec.sh takes the kernel path as its one argument.  It is
  always double-quoted, checked to be absolute and executable, and reaches
  kernel.json through Python's argv and json.dump, never through the shell,
  sed or a here-document with expansion (the here-document is quoted:
  <<'PY').  Operands follow "--" for cd, mkdir and kernelspec install.  The
  temporary directory comes from mktemp -d and is removed by a trap that
  quotes it.  Only cosmetic remark: `echo "...$binary"` in dash interprets
  backslash escapes of the path in the message text (printf '%s' would not);
  this prints, it does not execute.
  test_kernelspec_script_takes_hostile_paths_literally runs it with a path
  holding spaces, both kinds of quotes, $(...), backquotes, ';' and a
  backslash, and checks kernel.json holds the path byte for byte and that
  nothing was executed.
"""

import hashlib
import hmac
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import pytest
import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
DELIM = b"<IDS|MSG>"


@pytest.fixture(scope="module")
def kernel():
    km, kc = harness.start_kernel()
    yield km, kc
    harness.stop_kernel(km, kc)


def _frames(msg_type, content, session):
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "intruder",
              "session": session, "date": "2026-01-01T00:00:00.000000Z", "version": "5.3"}
    return [json.dumps(part).encode() for part in (header, {}, {}, content)]


def _sign(key, parts):
    return hmac.new(key, b"".join(parts), hashlib.sha256).hexdigest().encode()


def _socket(km, channel):
    info = km.get_connection_info()
    ctx = zmq.Context.instance()
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.connect("%s://%s:%d" % (info["transport"], info["ip"], info[channel + "_port"]))
    return s


def _key(km):
    key = km.get_connection_info()["key"]
    return key.encode() if isinstance(key, str) else key


def _touch_code(path):
    return 'FILE *intruder = fopen("%s", "w"); if (intruder) fclose(intruder);' % path


SIGNATURES = {
    "missing": lambda key, parts: b"",
    "wrong": lambda key, parts: b"0" * 64,
    "flipped_last_digit": lambda key, parts: _sign(key, parts)[:-1] + (
        b"0" if _sign(key, parts)[-1:] != b"0" else b"1"),
    "truncated": lambda key, parts: _sign(key, parts)[:32],
    "one_digit_short": lambda key, parts: _sign(key, parts)[:-1],
    "one_digit_long": lambda key, parts: _sign(key, parts) + b"0",
    "not_hex": lambda key, parts: b"z" * 64,
    "other_key": lambda key, parts: _sign(b"not-the-kernel-key-" + key, parts),
    "signed_other_content": lambda key, parts: _sign(key, parts[:3] + [b'{"code": "1"}']),
}


@pytest.mark.parametrize("channel", ["shell", "control"])
@pytest.mark.parametrize("kind", sorted(SIGNATURES))
def test_badly_signed_message_is_dropped_and_the_kernel_still_answers(kernel, kind, channel):
    km, kc = kernel
    scratch = tempfile.mkdtemp(prefix="seli-sec-")
    target = os.path.join(scratch, "ran")
    sock = _socket(km, channel)
    try:
        parts = _frames("execute_request", {"code": _touch_code(target), "silent": False,
                                            "store_history": True, "user_expressions": {},
                                            "allow_stdin": False, "stop_on_error": True},
                        "intruder-session")
        sock.send_multipart([DELIM, SIGNATURES[kind](_key(km), parts)] + parts)
        # No reply to the intruder...
        assert sock.poll(1500) == 0, "the kernel answered a message with a %s signature" % kind
        # ...and the kernel still works for its own client.
        ex = harness.execute(kc, "6 * 7")
        assert ex.status == "ok" and ex.result["text/plain"] == "42"
        time.sleep(0.2)
        assert not os.path.exists(target), "code of a message with a %s signature ran" % kind
    finally:
        sock.close()
        shutil.rmtree(scratch, ignore_errors=True)


def test_badly_signed_frames_with_missing_parts_are_dropped(kernel):
    km, kc = kernel
    sock = _socket(km, "shell")
    try:
        parts = _frames("kernel_info_request", {}, "intruder-session")
        sig = _sign(_key(km), parts)
        for frames in ([DELIM], [DELIM, sig], [DELIM, sig] + parts[:2], [sig] + parts,
                       [DELIM, sig] + parts[:3] + [b"{not json"], [b"", b"", b""]):
            sock.send_multipart(frames)
        assert sock.poll(1000) == 0
        assert harness.execute(kc, "1 + 1").result["text/plain"] == "2"
    finally:
        sock.close()


def test_correctly_signed_raw_message_runs(kernel):
    """The control: the same raw path with the right key does execute, so
    the tests above would fail if the kernel ignored signatures."""
    km, kc = kernel
    scratch = tempfile.mkdtemp(prefix="seli-sec-")
    target = os.path.join(scratch, "ran")
    sock = _socket(km, "shell")
    try:
        parts = _frames("execute_request", {"code": _touch_code(target), "silent": False,
                                            "store_history": False, "user_expressions": {},
                                            "allow_stdin": False, "stop_on_error": True},
                        "friend-session")
        sock.send_multipart([DELIM, _sign(_key(km), parts)] + parts)
        assert sock.poll(10000), "no reply to a correctly signed message"
        reply = sock.recv_multipart()
        i = reply.index(DELIM)
        assert hmac.compare_digest(reply[i + 1], _sign(_key(km), reply[i + 2:i + 6]))
        assert json.loads(reply[i + 5])["status"] == "ok"
        assert os.path.exists(target)
    finally:
        sock.close()
        shutil.rmtree(scratch, ignore_errors=True)


# ------------------------------------------------------------ constant time


def _kernel_sources():
    return {p.name: p.read_text() for p in (ROOT / "kernel" / "src").rglob("*.[ch]")}


def _strip_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)


def test_signatures_are_compared_in_constant_time():
    src = {k: _strip_comments(v) for k, v in _kernel_sources().items()}
    verify = src["hmac.c"]
    assert re.search(r"\bsodium_memcmp\s*\(|crypto_auth_hmacsha256_verify\s*\(", verify), \
        "hmac.c must compare MACs with sodium_memcmp or crypto_auth_hmacsha256_verify"
    # In the files that handle signatures (hmac.c and those including hmac.h),
    # no variable-time comparison touches one.
    signing = {k: v for k, v in src.items()
               if k == "hmac.c" or re.search(r'#include\s+"(protocol/)?hmac\.h"', v)}
    assert "message.c" in signing
    for name, text in signing.items():
        for m in re.finditer(r"\b(memcmp|strcmp|strncmp|strcasecmp|bcmp)\s*\(([^;]*)", text):
            args = re.sub(r'"(\\.|[^"\\])*"', '""', m.group(2))
            assert not re.search(r"\b(sig|signature|mac|digest|hmac|given)\b", args, re.I), \
                "%s compares a signature with %s: %s" % (name, m.group(1), m.group(0)[:120])
    # The message parser goes through the constant-time check.
    assert re.search(r"\bhmac_verify_hex\s*\(", src["message.c"])


# --------------------------------------------------------- listening sockets


def _listening(pid):
    """(ip, port) of every TCP socket of pid in LISTEN state."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        m = re.match(r"socket:\[(\d+)\]", target)
        if m:
            inodes.add(m.group(1))
    found = []
    for table, width in (("tcp", 8), ("tcp6", 32)):
        try:
            lines = open("/proc/%d/net/%s" % (pid, table)).read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            f = line.split()
            local, state, inode = f[1], f[3], f[9]
            if state != "0A" or inode not in inodes:
                continue
            hexip, hexport = local.split(":")
            if width == 8:
                ip = ".".join(str(b) for b in reversed(bytes.fromhex(hexip)))
            else:
                words = [bytes.fromhex(hexip[i:i + 8])[::-1] for i in range(0, 32, 8)]
                raw = b"".join(words)
                ip = "::" if raw == bytes(16) else raw.hex()
            found.append((ip, int(hexport, 16)))
    return found


def _ports(km):
    info = km.get_connection_info()
    return {info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")}


def _other_local_ip():
    from jupyter_client.localinterfaces import local_ips
    others = [a for a in local_ips() if a not in ("127.0.0.1", "0.0.0.0", "", "localhost")
              and ":" not in a]
    return others[0] if others else None


@pytest.mark.parametrize("which", ["loopback", "another_interface"])
def test_kernel_listens_only_where_the_connection_file_says(which):
    ip = "127.0.0.1" if which == "loopback" else _other_local_ip()
    if ip is None:
        pytest.skip("this machine has no interface besides loopback")
    km, kc = harness.start_kernel(km_kwargs={"ip": ip})
    try:
        assert harness.execute(kc, "1").status == "ok"
        sockets = _listening(km.provisioner.process.pid)
        assert sockets, "no listening socket found for the kernel"
        assert all(addr == ip for addr, _ in sockets), sockets
        assert not any(addr in ("0.0.0.0", "::") for addr, _ in sockets)
        assert {port for _, port in sockets} == _ports(km), (sockets, _ports(km))
    finally:
        harness.stop_kernel(km, kc)


# ---------------------------------------------------------- install scripts


HOSTILE = "dir with spaces 'single' \"double\" $(touch PWNED1) `touch PWNED2`; touch PWNED3 \\ end"


def test_kernelspec_script_takes_hostile_paths_literally(tmp_path):
    bindir = tmp_path / HOSTILE
    bindir.mkdir()
    binary = bindir / "seli-kernel"
    binary.write_text("#!/bin/sh\nexit 0\n")
    binary.chmod(0o755)
    env = dict(os.environ, HOME=str(tmp_path / "home"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               PYTHON=sys.executable)
    (tmp_path / "home").mkdir()
    run = subprocess.run(["sh", str(ROOT / "install" / "kernelspec.sh"), str(binary)],
                         cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    spec = json.loads((tmp_path / "data" / "kernels" / "seli" / "kernel.json").read_text())
    assert spec["argv"][0] == str(binary)
    assert spec["argv"][1:] == ["-f", "{connection_file}"]
    for marker in ("PWNED1", "PWNED2", "PWNED3"):
        assert not list(tmp_path.rglob(marker)) and not os.path.exists(marker), marker
    # A relative path and a missing binary are refused with a message.
    rel = subprocess.run(["sh", str(ROOT / "install" / "kernelspec.sh"), "seli-kernel; touch PWNED4"],
                         cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=60)
    assert rel.returncode != 0 and "absolute" in rel.stderr
    missing = subprocess.run(["sh", str(ROOT / "install" / "kernelspec.sh"), str(bindir / "nope")],
                             cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0 and "not an executable" in missing.stderr
    assert not list(tmp_path.rglob("PWNED4"))
