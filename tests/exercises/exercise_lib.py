"""exercise_lib.py: what the exercise tests share.

An exercise notebook (exercises/NN_*.ipynb) has task cells (nbgrader
"solution" cells: the teacher's code between /* BEGIN SOLUTION */ and
/* END SOLUTION */) and check cells (nbgrader "grade" cells, written in C with
libseli's seli_check_* helpers).  wrong_answers.json lists, for every task,
typical wrong bodies and the words their check must say.
"""

import json
import pathlib
import re
import sys

import nbformat

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "kernel"))
import harness  # noqa: E402

EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
WRONG = json.loads((HERE / "wrong_answers.json").read_text())
SOLUTION = re.compile(r"^([ \t]*)/\* BEGIN SOLUTION \*/\n.*?^[ \t]*/\* END SOLUTION \*/$", re.S | re.M)
# nbgrader's stub for the C kernel (exercises/nbgrader_config.py says the same).
STUB = "seli_not_written_yet(__func__); /* YOUR CODE HERE */"


def load(path):
    return nbformat.read(str(path), as_version=4)


def role(cell):
    meta = cell.metadata.get("nbgrader", {})
    if meta.get("solution"):
        return "task"
    if meta.get("grade"):
        return "check"
    return "code" if cell.cell_type == "code" else "text"


def with_body(source, body):
    """The task cell's source with its solution region replaced by body."""
    assert SOLUTION.search(source), "a task cell without a solution region"
    return SOLUTION.sub(lambda m: m.group(1) + body, source, count=1)


def run(kc, code, timeout=120):
    return harness.execute(kc, code, timeout=timeout, stop_on_error=False)


def error_text(ex):
    err = ex.error
    return "" if err is None else err["ename"] + ": " + err["evalue"] + "\n" + "\n".join(err["traceback"])
