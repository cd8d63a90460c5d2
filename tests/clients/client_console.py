"""`jupyter console`: cells typed into a real terminal (tmux), a multi-line
cell that is_complete holds open, the output, and a clean exit."""

import shlex
import subprocess
import time
import uuid

import pytest

from clientlib import kernel_pids, wait_gone


class Terminal:
    """A tmux server of the test's own running one program in a 120x50 pane."""

    def __init__(self, command, env):
        self.sock = f"seli-test-{uuid.uuid4().hex[:12]}"
        self.env = env
        assigns = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()
                           if k.startswith(("JUPYTER", "IPYTHON")) or k in ("HOME", "PATH"))
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "50",
                  f"env {assigns} {command}", check=True)

    def tmux(self, *args, check=False):
        return subprocess.run(["tmux", "-L", self.sock, *args], env=self.env, capture_output=True,
                              text=True, timeout=30, check=check)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-J", "-S", "-300").stdout

    def type_line(self, text):
        # As bytes (-H): tmux would take a trailing ';' for a command separator.
        self.tmux("send-keys", "-H", *(f"{b:02x}" for b in text.encode()), check=True)
        self.tmux("send-keys", "Enter", check=True)

    def wait_for(self, text, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            s = self.screen()
            if text in s:
                return s
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear in {timeout} s; the screen:\n{self.screen()}")

    def alive(self):
        return self.tmux("has-session").returncode == 0

    def close(self):
        self.tmux("kill-server")


@pytest.fixture
def console(jenv):
    term = Terminal("/usr/bin/jupyter console --kernel seli", jenv)
    try:
        yield term
    finally:
        term.close()
    assert wait_gone(kernel_pids(jenv["JUPYTER_RUNTIME_DIR"]), 10) == []


def after(screen, marker):
    return screen[screen.rindex(marker) + len(marker):]


def test_console_runs_cells_and_holds_an_open_cell(console, jenv):
    s = console.wait_for("In [1]:")
    assert "seli" in s  # the banner

    console.type_line("int n = 41;")
    console.wait_for("In [2]:")

    # An open brace: is_complete says "incomplete", so Enter continues the cell.
    console.type_line("int twice(int x) {")
    time.sleep(1.5)
    s = console.screen()
    assert "...:" in after(s, "In [2]:"), s
    assert "In [3]:" not in s
    console.type_line("return 2 * x; }")
    console.wait_for("In [3]:")

    console.type_line("twice(n) + twice(0)")
    s = console.wait_for("In [4]:")
    assert "Out[3]: 82" in s

    # A brace inside a string does not hold the cell open.
    console.type_line('printf("{ n is %d\\n", n);')
    s = console.wait_for("In [5]:")
    assert "{ n is 41" in after(s, "In [4]:")
    assert "Out[4]" not in s  # a statement, not an expression: no result

    console.type_line("not_declared + 1")
    s = console.wait_for("In [6]:")
    assert "not_declared" in after(s, "In [5]:") and "error" in after(s, "In [5]:")

    console.type_line("n")  # the session survived the error
    s = console.wait_for("In [7]:")
    assert "Out[6]: 41" in s

    console.tmux("send-keys", "C-d", check=True)  # "exit" is C here: EOF leaves
    console.wait_for("exit ([y]/n)?")
    console.type_line("y")
    end = time.monotonic() + 30
    while console.alive() and time.monotonic() < end:
        time.sleep(0.2)
    assert not console.alive(), "jupyter console did not exit:\n" + console.screen()
    assert wait_gone(kernel_pids(jenv["JUPYTER_RUNTIME_DIR"]), 10) == []
