"""check_logs.py: read the AddressSanitizer / UndefinedBehaviorSanitizer logs
that a sanitized kernel wrote (ASAN_OPTIONS=log_path=DIR/kernel, see
mk/sanitize.mk and docs/sanitizers.md) and fail on every report that points
at the kernel or libseli.

    build/venv/bin/python tests/sanitizers/check_logs.py DIR

Cells are tcc code: not instrumented, and they appear in stacks as
"(<unknown module>)".  Memory a cell allocates (directly, or through libseli
calls it makes) belongs to the user and lives until the kernel exits, so a
LeakSanitizer record whose allocation stack passes through cell code is the
user's and is listed but not counted.  Likewise an AddressSanitizer error
whose faulting access was made by cell code through an intercepted libc
function (a cell's memset past the end of its own malloc'd block: the
sanitized kernel then exits, which is the right end for a corrupted heap) is
the user's.  Every other report counts: any AddressSanitizer error in the
kernel or libseli, any UBSan "runtime error", and any leak allocated by the
kernel or libseli outside cell code.  A leak record cut short (the client
killed the kernel while LSan was still writing) is listed, not counted.
"""
import pathlib
import re
import sys

CELL_FRAME = "(<unknown module>)"


def leak_records(text):
    """Split a LeakSanitizer report into its 'Direct/Indirect leak' records."""
    parts = re.split(r"\n(?=(?:Direct|Indirect) leak of )", text)
    return [p for p in parts if re.match(r"(Direct|Indirect) leak of ", p)]


FRAME = re.compile(r"^\s*#\d+ 0x[0-9a-f]+ +(.*)$", re.M)


def faulting_frame(report):
    """The first frame of an ASan error's stack that is not a sanitizer
    interceptor: where the bad access was made."""
    stack = report.split("\n\n", 1)[0]
    for m in FRAME.finditer(stack):
        where = m.group(1)
        if "__interceptor_" in where or "libsanitizer" in where or "__asan_" in where:
            continue
        return where
    return ""


def classify(path):
    """(problems, notes) of one log file."""
    text = path.read_text(errors="replace")
    problems, notes = [], []
    for m in re.finditer(r"^.*runtime error:.*$", text, re.M):
        problems.append("%s: UBSan: %s" % (path.name, m.group(0).strip()))
    for m in re.finditer(r"==\d+==ERROR: AddressSanitizer: (.*)", text):
        what = "%s: AddressSanitizer: %s" % (path.name, m.group(1).strip())
        if faulting_frame(text[m.end():]).strip() == CELL_FRAME:
            notes.append(what + " (made by cell code: the user's)")
        else:
            problems.append(what)
    if "ERROR: LeakSanitizer" in text:
        for rec in leak_records(text):
            # The allocation stack: frames up to the first blank line.
            stack = rec.split("\n\n", 1)[0]
            head = stack.splitlines()[0].strip()
            if not FRAME.search(stack):
                notes.append("%s: %s (record cut short)" % (path.name, head))
            elif CELL_FRAME in stack:
                notes.append("%s: %s (allocated under cell code: the user's)" % (path.name, head))
            else:
                problems.append("%s: leak outside cell code: %s" % (
                    path.name, " | ".join(s.strip() for s in stack.splitlines()[:6])))
    for m in re.finditer(r"==\d+==ERROR: (?!AddressSanitizer|LeakSanitizer)(.*)", text):
        problems.append("%s: %s" % (path.name, m.group(1).strip()))
    return problems, notes


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    logs = sorted(pathlib.Path(argv[1]).glob("*"))
    problems, notes, files = [], [], 0
    for path in logs:
        if path.is_file():
            files += 1
            p, n = classify(path)
            problems += p
            notes += n
    print("sanitizer logs: %d file(s), %d report(s) against the kernel or libseli, "
          "%d about cells' own memory or cut short (not counted)" % (files, len(problems), len(notes)))
    for p in problems:
        print("  FAIL " + p)
    for n in notes[:20]:
        print("  note " + n)
    if len(notes) > 20:
        print("  note ... and %d more" % (len(notes) - 20))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
