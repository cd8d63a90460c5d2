"""A JupyterHub class of 5 on this machine (tests/clients/hublib.py: real
Unix users, LocalProcessSpawner, Debian's configurable-http-proxy, loopback).
Every student logs in through the hub's REST API and runs exercise 01's
solution and notebook 01 through the proxy's WebSocket; then one student's
crash, interrupt and runaway allocation leave the others untouched, no
student reads another's home, and a restarted hub keeps the edited notebooks.
Runs as root (useradd); everything made is removed."""

import os
import pwd
import threading
import time

import pytest

import hublib

STUDENTS = 5
MEM_LIMIT = 512 * 1024 * 1024

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the class needs root to make users")


@pytest.fixture(scope="module")
def room():
    with hublib.Classroom(STUDENTS, mem_limit="512M") as room:
        room.students_ = [hublib.Student(room, n) for n in room.students]
        room.channels = [None] * STUDENTS
        yield room
        for ch in room.channels:
            if ch:
                ch.close()


def mark_and_pid(ch):
    reply, out, error = ch.execute('printf("%ld %d\\n", my_mark, (int)getpid());')
    assert error is None, error
    return out


def test_every_student_logs_in_and_completes_the_lesson_at_once(room):
    cells = hublib.lesson_cells()
    failures, timings = [None] * STUDENTS, [[] for _ in range(STUDENTS)]

    def work(i):
        try:
            room.channels[i], failures[i] = hublib.run_lesson(room.students_[i], cells, timings[i])
        except Exception as e:  # noqa: BLE001
            failures[i] = f"{type(e).__name__}: {e}"

    threads = [threading.Thread(target=work, args=(i,)) for i in range(STUDENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [None] * STUDENTS, (failures, room.log_tail())
    assert all(len(t) == len(cells) for t in timings)
    for i, ch in enumerate(room.channels):
        # each kernel runs as its own student
        reply, out, error = ch.execute(f'long my_mark = {i}; printf("%d\\n", (int)getuid());')
        assert error is None and int(out) == pwd.getpwnam(room.students[i]).pw_uid


def test_one_students_crash_and_interrupt_leave_every_other_kernel_untouched(room):
    before = [mark_and_pid(ch) for ch in room.channels]
    crasher = room.channels[0]
    _, _, error = crasher.execute("*(volatile int *)0 = 1;")
    assert error and error["ename"] == "SIGSEGV", error
    _, _, error = crasher.execute("abort();")
    assert error and error["ename"] == "SIGABRT", error
    msg_id = crasher.start("for (;;) {}")
    time.sleep(1)
    room.students_[0].interrupt(crasher)
    reply, out = crasher.collect(msg_id, "execute_reply", timeout=60)
    assert reply["content"]["status"] == "error"
    assert [mark_and_pid(ch) for ch in room.channels] == before


def test_a_students_cell_cannot_open_another_students_home(room):
    home0 = room.home(room.students[0])
    room.students_[0].put_notebook("private.ipynb", {
        "cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    assert (home0 / "private.ipynb").exists()
    code = f"""
#include <errno.h>
#include <fcntl.h>
int fd_file = open("{home0}/private.ipynb", O_RDONLY);
int errno_file = errno;
int fd_dir = open("{home0}", O_RDONLY | O_DIRECTORY);
int errno_dir = errno;
printf("%d %d %d %d\\n", fd_file, errno_file == EACCES, fd_dir, errno_dir == EACCES);
"""
    _, out, error = room.channels[1].execute(code)
    assert error is None, error
    assert out.split() == ["-1", "1", "-1", "1"], out


def test_a_runaway_allocation_is_contained_by_the_hubs_mem_limit(room):
    before = [mark_and_pid(ch) for ch in room.channels]
    ch = room.channels[2]
    _, out, _ = ch.execute('printf("%s\\n", getenv("MEM_LIMIT"));')
    assert out.strip() == str(MEM_LIMIT)
    _, _, error = ch.execute("for (int i = 0; ; i++) seli_zeros(SELI_SHAPE(1 << 20));")
    assert error and "out of memory" in error["evalue"], error
    assert [mark_and_pid(c) for c in room.channels] == before


def test_a_restarted_hub_keeps_every_students_edited_notebook(room):
    for i, s in enumerate(room.students_):
        s.put_notebook("edited.ipynb", {
            "cells": [{"cell_type": "code", "source": f"/* edited by {s.name} */ int n = {i};",
                       "metadata": {}, "outputs": [], "execution_count": None}],
            "metadata": {"kernelspec": {"name": "seli", "display_name": "C (seli)",
                                        "language": "c"}},
            "nbformat": 4, "nbformat_minor": 5})
    for ch in room.channels:
        ch.close()
    room.channels = [None] * STUDENTS
    room.stop_hub()
    end = time.monotonic() + 20
    while room.student_pids() and time.monotonic() < end:
        time.sleep(0.2)
    assert room.student_pids() == [], "a student's server or kernel outlived the hub"
    room.start_hub()
    for i, s in enumerate(room.students_):
        s.login()
        s.start_server()
        nb = s.get_notebook("edited.ipynb")
        assert nb["cells"][0]["source"] == f"/* edited by {s.name} */ int n = {i};"
        st = (room.home(s.name) / "edited.ipynb").stat()
        assert st.st_uid == pwd.getpwnam(s.name).pw_uid
