"""What a cell pays when its top-level lines invoke a macro of the session
(issue 20): the kernel asks tcc's preprocessor what they expand to before
it splits the cell (session/macro_expand.c).

Measures, through jupyter_client, the round trip of execute_request until
execute_reply and status idle (median of ROUNDS, default 40) for
  written out   a cell that defines a struct and a function as written
  by a macro    the same definitions made by a macro of an earlier cell
  plain macro   a cell that uses an expression macro (never expanded ahead)
Environment: SELI_KERNEL (default build/seli-kernel), ROUNDS."""

import os
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "kernel"))
import harness  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "40"))

MACROS = ("#define def(S) struct s##S { int a; }; struct s##S f##S(int x) "
          "{ struct s##S r = {x}; return r; }\n#define SQ(x) ((x) * (x))")
CELLS = {
    "written out": "struct s1 { int a; }; struct s1 f1(int x) { struct s1 r = {x}; return r; }\n"
                   "int v = f1(3).a;",
    "by a macro": "def(1)\nint v = f1(3).a;",
    "plain macro": "struct s1 { int a; }; struct s1 f1(int x) { struct s1 r = {x}; return r; }\n"
                   "int v = SQ(f1(3).a);",
}


def main():
    km, kc = harness.start_kernel()
    try:
        assert harness.execute(kc, MACROS).status == "ok"
        times = {name: [] for name in CELLS}
        for _ in range(ROUNDS):
            for name, code in CELLS.items():
                t0 = time.perf_counter()
                ex = harness.execute(kc, code)
                times[name].append(time.perf_counter() - t0)
                assert ex.status == "ok", ex
        base = statistics.median(times["written out"])
        for name, ts in times.items():
            med = statistics.median(ts)
            print("%-12s median %6.2f ms  (%.2fx written out)" % (name, med * 1e3, med / base))
    finally:
        harness.stop_kernel(km, kc)


if __name__ == "__main__":
    main()
