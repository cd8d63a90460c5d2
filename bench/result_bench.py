"""result_bench.py: what showing a cell's result by its type costs.

A cell's trailing expression is compiled with the code that shows arrays by
their elements and known structs by their fields (kernel/src/session/show.c).
This measures the round trip of a result cell (`k + 1`, an array, a struct)
through jupyter_client, median of N, in a fresh session and in one that has
defined 10 struct types, for the kernel SELI_KERNEL and, when set, the
kernel SELI_KERNEL_BASE (e.g. a build of an earlier commit) beside it.

    SELI_KERNEL=build/seli-kernel [SELI_KERNEL_BASE=/tmp/old/build/seli-kernel] \\
        build/venv/bin/python bench/result_bench.py [N]
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "kernel"))
import harness  # noqa: E402

CELLS = [("k + 1", "k + 1"), ("array", "arr"), ("struct", "pt")]
SETUP = "int k = 1; int arr[8] = {1, 2, 3}; struct p2 { float x, y; } pt = {1, 2};"
STRUCTS = "".join("struct bench_s%d { int a; double b[3]; char *c; };\n" % i for i in range(10))


def medians(binary, n, with_structs):
    os.environ["SELI_KERNEL"] = binary
    harness._spec_dir = None
    km, kc = harness.start_kernel()
    try:
        harness.execute(kc, SETUP)
        if with_structs:
            harness.execute(kc, STRUCTS)
        out = {}
        for name, code in CELLS:
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                harness.execute(kc, code)
                times.append(time.perf_counter() - t0)
            out[name] = statistics.median(times) * 1e3
        return out
    finally:
        harness.stop_kernel(km, kc)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    kernels = [("this", os.environ.get("SELI_KERNEL", "build/seli-kernel"))]
    if os.environ.get("SELI_KERNEL_BASE"):
        kernels.append(("base", os.environ["SELI_KERNEL_BASE"]))
    print("round trip of a result cell, median of %d, ms" % n)
    for structs in (False, True):
        for label, binary in kernels:
            m = medians(os.path.abspath(binary), n, structs)
            print("%-5s %-16s %s" % (label, "10 structs" if structs else "fresh",
                                      "  ".join("%s %.2f" % (k, v) for k, v in m.items())))


if __name__ == "__main__":
    main()
