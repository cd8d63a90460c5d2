"""classroom.py: a JupyterHub class of N students on this machine (default 20).

Every student logs in at once through the hub's REST API, starts a server,
opens a seli kernel through the proxy over WebSocket and runs exercise 01's
solution and notebook 01 cell by cell (tests/clients/hublib.py has the set-up:
real Unix users, LocalProcessSpawner, Debian's configurable-http-proxy).  The
last line:

    classroom: students=20 completed=N all_done_s=... p50_cell_ms=... p95_cell_ms=... peak_rss_mb=...

all_done_s runs from the first login to the last student's last cell;
p50/p95 are over every cell of every student; peak_rss_mb is the largest sum
of the resident memory of every student's processes (servers and kernels)
with the hub and its proxy, sampled every 0.2 s; the line before gives the
kernels' share.  Run as root (useradd), with
the Python that has JupyterHub: make -C bench classroom."""

import argparse
import pathlib
import statistics
import sys
import threading
import time
import traceback

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "clients"))
import hublib  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=20)
    ap.add_argument("--mem-limit", default="1G")
    args = ap.parse_args()
    cells = hublib.lesson_cells()
    with hublib.Classroom(args.students, mem_limit=args.mem_limit) as room:
        students = [hublib.Student(room, name) for name in room.students]
        timings = [[] for _ in students]
        failures, done_at, kernels = [None] * len(students), [None] * len(students), []
        peak, kpeak, stop = [0.0], [0.0, 0.0], threading.Event()

        def sample():
            while not stop.is_set():
                pids = room.student_pids()
                peak[0] = max(peak[0], hublib.rss_mb(pids + room.hub_pids()))
                total, largest = hublib.kernel_rss_mb(pids)
                kpeak[0], kpeak[1] = max(kpeak[0], total), max(kpeak[1], largest)
                stop.wait(0.2)

        barrier = threading.Barrier(len(students) + 1)

        def work(i):
            barrier.wait()
            try:
                ch, failures[i] = hublib.run_lesson(students[i], cells, timings[i])
                kernels.append(ch)
            except Exception as e:  # noqa: BLE001 (a lost student is counted, not fatal)
                where = traceback.extract_tb(e.__traceback__)[-1]
                failures[i] = f"{type(e).__name__}: {e} (at {where.name}, line {where.lineno})"
            done_at[i] = time.monotonic()

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(students))]
        for t in threads:
            t.start()
        barrier.wait()
        t0 = time.monotonic()
        for t in threads:
            t.join()
        all_done = max(d for d in done_at if d) - t0
        # every kernel is still there once everyone is done: none was lost
        alive = 0
        for ch in kernels:
            try:
                ch.wait_ready(timeout=30)
                alive += 1
            except Exception:  # noqa: BLE001
                pass
            ch.close()
        stop.set()
        sampler.join()
        for name, f in zip(room.students, failures):
            if f:
                print(f"classroom: {name} did not complete: {f}", file=sys.stderr)
        completed = sum(1 for f in failures if f is None)
        every = sorted(ms for t in timings for ms in t)
        p95 = every[min(len(every) - 1, int(0.95 * len(every)))] if every else float("nan")
        print(f"classroom: cells per student={len(cells)}, kernels alive at the end={alive}, "
              f"mem_limit={args.mem_limit}, peak RSS of the kernels: {kpeak[0]:.0f} MB in all, "
              f"{kpeak[1]:.0f} MB the largest")
        print(f"classroom: students={len(students)} completed={completed} "
              f"all_done_s={all_done:.1f} p50_cell_ms={statistics.median(every):.0f} "
              f"p95_cell_ms={p95:.0f} peak_rss_mb={peak[0]:.0f}")
        return 0 if completed == len(students) and alive == len(students) else 1


if __name__ == "__main__":
    sys.exit(main())
