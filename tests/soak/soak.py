"""soak.py: run thousands of cells of every kind through one kernel and check
that it neither leaks nor loses a reply.

    build/venv/bin/python tests/soak/soak.py [-n 10000] [--seed 1]   (make soak)

The kernel under test is $SELI_KERNEL (default build/seli-kernel), started
with the real jupyter_client through tests/kernel/harness.py.  The cells
cycle, in a seeded random order, through:

    declare     globals, redefined under a bounded set of names (int, double
                array, struct, function), the normal notebook workflow
    output      printf lines and a trailing-expression result
    compute     libseli arithmetic in a scope, checked against its closed form
    figure      a small SVG line plot sent with seli_figure_show
    progress    a short progress bar
    compile     a compile error (an undeclared name)
    seli_error  a libseli misuse (matmul of mismatched shapes)
    segv        a NULL dereference
    abort       abort()
    interrupt   an endless loop, interrupted through the control channel

Every cell's reply must arrive with the expected status and error name, and
its output must be right.  After a warm-up (first compilations, OpenBLAS
threads, the first figure), the kernel's resident memory (VmRSS) and its open
file descriptors (/proc/PID/fd) are measured; at the end RSS may have grown
by less than 64 MB and the number of descriptors must be unchanged.
"""

import argparse
import os
import pathlib
import queue
import random
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "kernel"))
import harness  # noqa: E402

RSS_LIMIT_MB = 64
KINDS = ["declare", "output", "compute", "figure", "progress", "compile", "seli_error", "segv",
         "abort", "interrupt"]
# Relative frequencies: mostly ordinary cells, as in a class.  Interrupts
# cost a round trip on the control channel, so they are rarer.
WEIGHTS = [22, 20, 16, 8, 4, 8, 8, 6, 5, 3]
NAMES = 40  # distinct names the declarations cycle through


class SoakFailure(AssertionError):
    pass


def kernel_pid(km):
    return km.provisioner.process.pid


def rss_kb(pid):
    for line in pathlib.Path("/proc/%d/status" % pid).read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise SoakFailure("no VmRSS for pid %d" % pid)


def fd_list(pid):
    d = pathlib.Path("/proc/%d/fd" % pid)
    out = {}
    for name in os.listdir(d):
        try:
            out[int(name)] = os.readlink(d / name)
        except OSError:
            pass
    return out


def make_cell(kind, i, rng):
    """(code, expected status, expected ename or None, check(execution) or None)."""
    k = i % NAMES
    if kind == "declare":
        form = rng.randrange(4)
        if form == 0:
            code = "int soak_int_%d = %d;\nsoak_int_%d" % (k, i, k)
            return code, "ok", None, lambda ex: ex.result and ex.result["text/plain"] == str(i)
        if form == 1:
            code = ("double soak_arr_%d[3] = {%d, 1.5, -2};\n"
                    "printf(\"%%g\\n\", soak_arr_%d[0] + soak_arr_%d[1] + soak_arr_%d[2]);"
                    % (k, i, k, k, k))
            return code, "ok", None, lambda ex: ex.stdout.strip() == "%g" % (i - 0.5)
        if form == 2:
            code = ("typedef struct soak_pt_%d { int x, y; } soak_pt_%d;\n"
                    "soak_pt_%d soak_p_%d = {%d, 2};\nprintf(\"%%d\\n\", soak_p_%d.x * soak_p_%d.y);"
                    % (k, k, k, k, i, k, k))
            return code, "ok", None, lambda ex: ex.stdout.strip() == str(2 * i)
        code = ("long soak_fn_%d(long v) { return v * %d + 1; }\nprintf(\"%%ld\\n\", soak_fn_%d(3));"
                % (k, i, k))
        return code, "ok", None, lambda ex: ex.stdout.strip() == str(3 * i + 1)
    if kind == "output":
        lines = 1 + i % 5
        code = ("for (int j = 0; j < %d; j++) printf(\"soak %d line %%d\\n\", j);\n"
                "fprintf(stderr, \"warn %d\\n\");\n%d * 2" % (lines, i, i, i))
        want = "".join("soak %d line %d\n" % (i, j) for j in range(lines))
        return code, "ok", None, lambda ex: (ex.stdout == want and ex.stderr == "warn %d\n" % i
                                             and ex.result["text/plain"] == str(2 * i))
    if kind == "compute":
        n = 1 + i % 16
        code = ("seli_scope_begin();\n"
                "seli_tensor *soak_a = seli_ones(SELI_SHAPE(%d, %d));\n"
                "double soak_s = seli_item(seli_sum_all(seli_matmul(soak_a, soak_a)));\n"
                "seli_scope_end();\nprintf(\"%%.0f\\n\", soak_s);" % (n, n))
        return code, "ok", None, lambda ex: ex.stdout.strip() == str(n ** 3)
    if kind == "figure":
        code = ("{\n  seli_figure *soak_fig = seli_figure_new(3, 2);\n"
                "  seli_axes *soak_ax = seli_subplot(soak_fig, 1, 1, 0);\n"
                "  float soak_x[4] = {0, 1, 2, 3}, soak_y[4] = {0, %d, 1, 2};\n"
                "  seli_line_array(soak_ax, 4, soak_x, soak_y, NULL);\n"
                "  seli_figure_show(soak_fig);\n  seli_figure_free(soak_fig);\n}" % (i % 7))
        return code, "ok", None, lambda ex: any(
            "image/svg+xml" in m["content"].get("data", {}) for m in ex.displays)
    if kind == "progress":
        code = ("{\n  seli_progress *soak_bar = seli_progress_new(20, \"soak\");\n"
                "  for (int j = 0; j < 20; j++) seli_progress_step(soak_bar);\n"
                "  seli_progress_close(soak_bar);\n}")
        return code, "ok", None, None
    if kind == "compile":
        return "soak_undeclared_%d + 1;" % i, "error", "CompileError", None
    if kind == "seli_error":
        code = "seli_matmul(seli_ones(SELI_SHAPE(2, 3)), seli_ones(SELI_SHAPE(2, 3)));"
        return code, "error", "SeliError", lambda ex: "seli_matmul" in ex.error["evalue"]
    if kind == "segv":
        return "int *soak_null = NULL;\n*soak_null = %d;" % i, "error", "SIGSEGV", None
    if kind == "abort":
        return "printf(\"before abort\\n\");\nabort();", "error", "SIGABRT", None
    if kind == "interrupt":
        code = ("printf(\"spinning\\n\");\nfflush(stdout);\n"
                "volatile long soak_spins = 0;\nfor (;;) soak_spins++;")
        return code, "error", "KeyboardInterrupt", None
    raise ValueError(kind)


def run_cell(km, kc, code, interrupt=False, timeout=60):
    """Execute code; for an interrupt cell, interrupt once it has started
    (its first output arrived), and again every second until it ends."""
    msg_id = kc.execute(code)
    ex = harness.Execution(msg_id)
    deadline = time.monotonic() + timeout
    started = not interrupt
    next_interrupt = None
    idle = False
    while not idle:
        now = time.monotonic()
        if now > deadline:
            raise SoakFailure("no idle status within %ss for %r (kernel alive: %s); got %r"
                              % (timeout, code, km.is_alive(), ex.msgs))
        if interrupt and started and (next_interrupt is None or now >= next_interrupt):
            km.interrupt_kernel()
            next_interrupt = now + 1.0
        try:
            msg = kc.get_iopub_msg(timeout=0.1)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t = msg["msg_type"]
        if t == "status":
            idle = msg["content"]["execution_state"] == "idle"
        elif t != "execute_input":
            ex.msgs.append(msg)
            if t == "stream" and "spinning" in msg["content"].get("text", ""):
                started = True
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SoakFailure("no execute_reply for %r" % code)
        try:
            reply = kc.get_shell_msg(timeout=left)
        except queue.Empty:
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            ex.reply_msg = reply
            ex.reply = reply["content"]
            return ex


def check(ex, kind, code, status, ename, verify):
    if ex.status != status:
        raise SoakFailure("%s cell: status %r, expected %r\n%s\n%r" % (kind, ex.status, status, code, ex))
    if ename is not None and (ex.error is None or ex.error["ename"] != ename):
        raise SoakFailure("%s cell: error %r, expected %s\n%s" % (kind, ex.error, ename, code))
    if verify is not None and not verify(ex):
        raise SoakFailure("%s cell: wrong output\n%s\n%r" % (kind, code, ex))


def stable_fds(pid, want, wait=3.0):
    """The fds, waiting up to wait seconds for transient ones to close."""
    end = time.monotonic() + wait
    fds = fd_list(pid)
    while len(fds) != len(want) and time.monotonic() < end:
        time.sleep(0.1)
        fds = fd_list(pid)
    return fds


def run(n=10000, seed=1, progress=None, warmup_rounds=3, kernel_log=None):
    """Run the soak; returns a dict of figures, raises SoakFailure.  The
    kernel's own stderr (its log, and any crash report) goes to kernel_log
    (default build/soak/kernel-PID.log, removed when the soak passes)."""
    rng = random.Random(seed)
    log_dir = harness.ROOT / "build" / "soak"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = pathlib.Path(kernel_log) if kernel_log else log_dir / ("kernel-%d.log" % os.getpid())
    log = open(log_path, "w")
    try:
        km, kc = harness.start_kernel(stderr=log)
    except Exception:
        log.close()
        raise
    recent = []
    try:
        pid = kernel_pid(km)
        # Warm up: every kind a few times, so that first-use allocations
        # (tcc, OpenBLAS threads, the SVG writer, progress bars) are in the
        # baseline rather than counted as growth.
        i = 0
        for _ in range(warmup_rounds):
            for kind in KINDS:
                code, status, ename, verify = make_cell(kind, i, rng)
                ex = run_cell(km, kc, code, interrupt=kind == "interrupt")
                check(ex, kind, code, status, ename, verify)
                i += 1
        time.sleep(0.2)
        rss0, fds0 = rss_kb(pid), fd_list(pid)
        counts = dict.fromkeys(KINDS, 0)
        replies = 0
        t0 = time.monotonic()
        for j in range(n):
            kind = rng.choices(KINDS, WEIGHTS)[0]
            code, status, ename, verify = make_cell(kind, i, rng)
            recent = (recent + [code])[-5:]
            try:
                ex = run_cell(km, kc, code, interrupt=kind == "interrupt")
            except SoakFailure as e:
                raise SoakFailure("%s\nafter %d cells; the last ones were:\n%s\nkernel log: %s"
                                  % (e, j, "\n---\n".join(recent), log_path)) from None
            if ex.reply is not None:
                replies += 1
            check(ex, kind, code, status, ename, verify)
            counts[kind] += 1
            i += 1
            if progress and (j + 1) % progress == 0:
                print("soak: %d/%d cells, RSS %.1f MB, %d fds, %.0f s"
                      % (j + 1, n, rss_kb(pid) / 1024, len(fd_list(pid)), time.monotonic() - t0),
                      flush=True)
        elapsed = time.monotonic() - t0
        time.sleep(0.2)
        rss1 = rss_kb(pid)
        fds1 = stable_fds(pid, fds0)
        alive = km.is_alive()
    finally:
        harness.stop_kernel(km, kc)
        log.close()
    figures = {
        "cells": n, "replies": replies, "counts": counts, "seconds": round(elapsed, 1),
        "rss_start_mb": round(rss0 / 1024, 1), "rss_end_mb": round(rss1 / 1024, 1),
        "rss_growth_mb": round((rss1 - rss0) / 1024, 1),
        "fds_start": len(fds0), "fds_end": len(fds1), "alive": alive,
    }
    problems = []
    if replies != n:
        problems.append("%d replies for %d cells" % (replies, n))
    if not alive:
        problems.append("the kernel died")
    if rss1 - rss0 >= RSS_LIMIT_MB * 1024:
        problems.append("RSS grew by %.1f MB (limit %d MB)" % ((rss1 - rss0) / 1024, RSS_LIMIT_MB))
    if len(fds1) != len(fds0):
        new = {k: v for k, v in fds1.items() if fds0.get(k) != v}
        gone = {k: v for k, v in fds0.items() if fds1.get(k) != v}
        problems.append("open fds %d -> %d (new %r, gone %r)" % (len(fds0), len(fds1), new, gone))
    if problems:
        raise SoakFailure("; ".join(problems) + "\n" + repr(figures) + "\nkernel log: %s" % log_path)
    if not kernel_log:
        log_path.unlink()
    return figures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=10000, help="cells to run (default 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--progress", type=int, default=1000, help="report every N cells")
    args = ap.parse_args()
    try:
        figures = run(args.n, args.seed, progress=args.progress)
    except SoakFailure as e:
        print("soak FAILED: %s" % e, file=sys.stderr)
        return 1
    print("soak passed: %d cells, %d replies, %.1f s; RSS %.1f -> %.1f MB (+%.1f MB); fds %d -> %d"
          % (figures["cells"], figures["replies"], figures["seconds"], figures["rss_start_mb"],
             figures["rss_end_mb"], figures["rss_growth_mb"], figures["fds_start"],
             figures["fds_end"]))
    print("cells by kind: %s" % ", ".join("%s %d" % kv for kv in figures["counts"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
