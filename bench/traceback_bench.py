"""traceback_bench.py: the round trip of a trivial cell through the real
kernel, with the cells recorded for tracebacks (the default) and without
(SELI_TRACEBACK=0).  Two kernels run side by side and take turns, batch by
batch, so a busy moment of the machine hits both.  Medians.
Environment: SELI_KERNEL (default build/seli-kernel), ROUND_TRIPS (400)."""

import os
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "kernel"))
import harness  # noqa: E402

ROUND_TRIPS = int(os.environ.get("ROUND_TRIPS", "400"))
BATCH = 20


def main():
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
