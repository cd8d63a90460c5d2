"""traceback_bench.py: what recording the cells for tracebacks costs a
trivial cell, `int x = 1;`, against SELI_TRACEBACK=0 (no record):
  session_execute  traceback_bench.c --trivial (the engine alone), seven
                   processes of each kind in turns: the median of their
                   medians
  round trip       through the real kernel: two kernels side by side take
                   turns, batch by batch, so a busy moment hits both
Environment: SELI_KERNEL (default build/seli-kernel), TRACEBACK_BENCH (the
C benchmark, default build/bench/traceback_bench), ROUND_TRIPS (400)."""

import os
import pathlib
import re
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "kernel"))
import harness  # noqa: E402

ROUND_TRIPS = int(os.environ.get("ROUND_TRIPS", "400"))
BATCH = 20


def session_execute():
    exe = os.environ.get("TRACEBACK_BENCH") or str(ROOT / "build" / "bench" / "traceback_bench")
    med = {"recorded": [], "not recorded (SELI_TRACEBACK=0)": []}
    for _ in range(7):
        for name, env in (("recorded", {}), ("not recorded (SELI_TRACEBACK=0)", {"SELI_TRACEBACK": "0"})):
            out = subprocess.run([exe, "--trivial", "1000"], capture_output=True, text=True, check=True,
                                 env=dict(os.environ, **env)).stdout
            med[name].append(float(re.search(r"median ([0-9.]+) ms", out).group(1)))
    for name, m in med.items():
        print("session_execute of `int x = 1;`, cells %s: median of 7 medians of 1000: %.3f ms"
              % (name, statistics.median(m)))
    print("ratio recorded / not recorded: %.3f" % (statistics.median(med["recorded"])
                                                   / statistics.median(med["not recorded (SELI_TRACEBACK=0)"])))


def main():
    session_execute()
    kernels = {"recorded": harness.start_kernel(),
               "not recorded (SELI_TRACEBACK=0)": harness.start_kernel(env={"SELI_TRACEBACK": "0"})}
    times = {name: [] for name in kernels}
    try:
        for name, (km, kc) in kernels.items():  # warm up
            for _ in range(20):
                harness.execute(kc, "int x = 1;")
        for _ in range(ROUND_TRIPS // BATCH):
            for name, (km, kc) in kernels.items():
                for _ in range(BATCH):
                    t0 = time.perf_counter()
                    ex = harness.execute(kc, "int x = 1;")
                    times[name].append(time.perf_counter() - t0)
                    assert ex.status == "ok", ex
    finally:
        for km, kc in kernels.values():
            harness.stop_kernel(km, kc)
    med = {name: statistics.median(t) * 1000 for name, t in times.items()}
    for name, m in med.items():
        print("round trip of `int x = 1;` (harness.execute), cells %s: median %.3f ms (%d runs)"
              % (name, m, len(times[name])))
    on, off = med["recorded"], med["not recorded (SELI_TRACEBACK=0)"]
    print("ratio recorded / not recorded: %.3f" % (on / off))


if __name__ == "__main__":
    main()
