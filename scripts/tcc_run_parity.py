"""tcc_run_parity.py: do C programs pasted into one cell run as `tcc -run`
runs them?

    build/venv/bin/python scripts/tcc_run_parity.py DIR [NAME.c ...]

For every NAME.c in DIR (or the ones named): run `tcc -run NAME.c` in DIR,
then start a fresh kernel with DIR as its working directory, paste the
whole file into one cell, call main (with argc 1 when it takes arguments)
and compare the kernel's stdout with tcc's.  Prints one line a program
(SAME or DIFF, and how the cell or main ended) and a count.  A compiler's
own self-checking test programs make a good DIR (issue 20 used tinycc's
tests/tests2).  Environment: SELI_KERNEL (default build/seli-kernel)."""

import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "kernel"))
import harness  # noqa: E402


def in_kernel(directory, name, source):
    km, kc = harness.start_kernel(cwd=directory)
    try:
        ex = harness.execute(kc, source, timeout=20)
        if ex.status != "ok":
            return ex.stdout, "cell: %s: %s" % (ex.reply["ename"], ex.reply["evalue"][:70])
        run = harness.execute(kc, 'char *parity_argv[] = {"%s", 0};\nmain(1, parity_argv);' % name,
                              timeout=20)
        if run.status == "error" and run.reply["ename"] == "CompileError":
            run = harness.execute(kc, "main();", timeout=20)  # int main(void)
        how = "ok" if run.status == "ok" else "main: " + run.reply["ename"]
        return ex.stdout + run.stdout, how
    finally:
        harness.stop_kernel(km, kc)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    directory = os.path.abspath(sys.argv[1])
    names = sys.argv[2:] or sorted(os.path.basename(p)
                                   for p in glob.glob(os.path.join(directory, "*.c")))
    same = 0
    for name in names:
        with open(os.path.join(directory, name), errors="replace") as f:
            source = f.read()
        try:
            ref = subprocess.run(["tcc", "-run", name], cwd=directory, capture_output=True,
                                 timeout=20).stdout.decode(errors="replace")
        except subprocess.TimeoutExpired:
            ref = None
        try:
            out, how = in_kernel(directory, name, source)
        except Exception as e:  # a message that breaks the spec, a timeout
            out, how = None, "kernel: %s" % str(e).splitlines()[0][:70]
        ok = ref is not None and out == ref
        same += ok
        print("%-32s %s  %s" % (name, "SAME" if ok else "DIFF", how), flush=True)
    print("%d of %d programs print what tcc -run prints" % (same, len(names)))


if __name__ == "__main__":
    main()
