"""seli-kernel, the launcher, opens the kernel's sockets before the kernel
proper (seli-kernel-core) has started, and the kernel takes them over.

Why it matters: a client connects right after it starts the kernel, and a
refused connection makes ZeroMQ wait 100 ms before it tries again.

Most tests run the launcher from a temporary directory whose
seli-kernel-core is a script that waits a second before it runs the real
core, so that during that second only the launcher's sockets can answer.
Run: build/venv/bin/python -m pytest tests/kernel/test_launcher.py
"""

import json
import os
import pathlib
import shutil
import socket
import subprocess
import time

import pytest
import zmq
from jupyter_client import KernelManager
from jupyter_client.session import Session

import harness

LAUNCHER = harness.kernel_binary()
CORE = str(pathlib.Path(LAUNCHER).with_name("seli-kernel-core"))
DELAY = 1.0  # seconds the slow core waits before running the real one
PORTS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


def write_spec(root, name, argv):
    kdir = root / "kernels" / name
    kdir.mkdir(parents=True)
    (kdir / "kernel.json").write_text(json.dumps(
        {"argv": argv + ["-f", "{connection_file}"], "display_name": name, "language": "c",
         "interrupt_mode": "message"}))
    return name


@pytest.fixture
def specs(tmp_path, monkeypatch):
    """Kernelspecs: "slow" (the launcher, then a core that waits DELAY s) and
    "core" (the core alone, without the launcher)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shutil.copy2(LAUNCHER, bin_dir / "seli-kernel")  # a copy: it runs the core next to it
    slow = bin_dir / "seli-kernel-core"
    slow.write_text(f'#!/bin/sh\nsleep {DELAY}\nexec "{CORE}" "$@"\n')
    slow.chmod(0o755)
    monkeypatch.setenv("JUPYTER_PATH",
                       str(tmp_path) + os.pathsep + os.environ.get("JUPYTER_PATH", ""))
    return {"slow": write_spec(tmp_path, "seli-slow-core", [str(bin_dir / "seli-kernel")]),
            "core": write_spec(tmp_path, "seli-core-only", [CORE])}


def accepts(port, within):
    """Seconds until 127.0.0.1:port accepted a TCP connection, or None."""
    start = time.monotonic()
    while time.monotonic() - start < within:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return time.monotonic() - start
        except OSError:
            time.sleep(0.005)
    return None


def ready_client(km):
    kc = km.client()
    kc.start_channels()
    harness.check_client(kc)
    kc.wait_for_ready(timeout=30)
    return kc


def test_every_port_accepts_before_the_core_runs(specs):
    km = KernelManager(kernel_name=specs["slow"])
    km.start_kernel()
    try:
        info = km.get_connection_info()
        waited = {p: accepts(info[p], DELAY / 2) for p in PORTS}
        assert all(w is not None for w in waited.values()), (
            f"ports not listening within {DELAY / 2} s of the start: {waited}")
        kc = ready_client(km)
        ex = harness.execute(kc, 'printf("%s\\n", getenv("SELI_LISTEN_FDS") ? "seen" : "unset");')
        assert ex.error is None and ex.stdout == "unset\n", "cells must not see the sockets' list"
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)


def test_a_request_queued_before_the_core_runs_is_answered(specs):
    """A connection made to the launcher's socket is served by the core: if
    the core bound a socket of its own, the early connection would be reset
    and this client (reconnect interval 60 s) would never get its reply."""
    km = KernelManager(kernel_name=specs["slow"])
    km.start_kernel()
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    try:
        info = km.get_connection_info()
        assert accepts(info["hb_port"], DELAY / 2) is not None
        sock.setsockopt(zmq.RECONNECT_IVL, 60000)
        sock.setsockopt(zmq.RECONNECT_IVL_MAX, 60000)
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(f"tcp://127.0.0.1:{info['shell_port']}")
        session = Session(key=info["key"], signature_scheme=info["signature_scheme"])
        sent = time.monotonic()
        session.send(sock, "kernel_info_request", {})
        assert sock.poll(20000), "no kernel_info_reply on the early connection"
        _, frames = session.feed_identities(sock.recv_multipart())
        reply = session.deserialize(frames)
        assert reply["msg_type"] == "kernel_info_reply"
        assert time.monotonic() - sent >= DELAY * 0.8, "answered before the core could run"
    finally:
        sock.close()
        ctx.term()
        km.shutdown_kernel(now=True)


def test_the_core_alone_binds_its_own_sockets_and_ignores_a_bad_list(specs):
    env = dict(os.environ, SELI_LISTEN_FDS="7,8,9,10,11")  # not listening sockets
    km = KernelManager(kernel_name=specs["core"])
    km.start_kernel(env=env)
    try:
        kc = ready_client(km)
        ex = harness.execute(kc, 'int launched = 42; printf("%d %s\\n", launched, '
                                 'getenv("SELI_LISTEN_FDS") ? "seen" : "unset");')
        assert ex.error is None and ex.stdout == "42 unset\n"
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)


def test_the_launcher_leaves_ipc_to_the_core():
    km, kc = harness.start_kernel(km_kwargs={"transport": "ipc"})
    try:
        ex = harness.execute(kc, 'printf("over ipc\\n");')
        assert ex.error is None and ex.stdout == "over ipc\n"
    finally:
        harness.stop_kernel(km, kc)


def test_the_launcher_says_what_is_missing_without_its_core(tmp_path):
    alone = tmp_path / "seli-kernel"
    shutil.copy2(LAUNCHER, alone)
    out = subprocess.run([str(alone), "--version"], capture_output=True, text=True)
    assert out.returncode == 127
    assert "seli-kernel-core" in out.stderr and "next to" in out.stderr
