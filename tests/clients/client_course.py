"""nbgrader end to end on the exercises: `make course` makes the students'
copies; they run with every check failing with "not written yet"; nbgrader
autograde gives full marks to the solutions, zero to an untouched release and
the exact partial score to one wrong task; generate_feedback's HTML carries
the check's teaching message.  nbgrader is the one of the Python that runs
the tests (build/venv's under `make test-clients`); the kernel is the one
`make install` put in a temporary prefix (the jenv fixture)."""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest

from clientlib import ROOT

BIN = pathlib.Path(sys.executable).parent
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
WRONG = json.loads((ROOT / "tests" / "exercises" / "wrong_answers.json").read_text())
sys.path.insert(0, str(ROOT / "tests" / "exercises"))
from exercise_lib import with_body  # noqa: E402


def nbgrader(course, env, *args):
    env = dict(env, SELI_COURSE_DIR=str(course), PATH=f"{BIN}:{env['PATH']}")
    run = subprocess.run([str(BIN / "nbgrader"), *args, "--log-level=WARN"], cwd=ROOT / "exercises",
                         env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def grade_cells(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


def submit(course, student, name, nb):
    d = course / "submitted" / student / name
    d.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(d / f"{name}.ipynb"))


def solved(release, source, wrong=None):
    """The release with the teacher's answers put back into its task cells;
    wrong = (grade_id, body) puts that body into one task instead."""
    answers = {c.metadata.nbgrader["grade_id"]: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if c.metadata.get("nbgrader", {}).get("solution"):
            c.source = answers[gid] if not wrong or wrong[0] != gid else with_body(answers[gid], wrong[1])
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    run = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "course",
                          f"COURSE={course}", f"NBGRADER={BIN / 'nbgrader'}"],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    return course


def test_make_course_releases_every_exercise_without_solutions_or_hidden_checks(course):
    for src in EXERCISES:
        rel = course / "release" / src.stem / src.name
        text = rel.read_text()
        assert "seli_not_written_yet(__func__); /* YOUR CODE HERE */" in text
        for gone in ("BEGIN SOLUTION", "HIDDEN TESTS", "seli_mean_all(seli_square(seli_sub(pred, y)))"):
            assert gone not in text, (rel, gone)


def test_released_notebooks_fail_every_check_with_not_written_yet(course, jenv, tmp_path):
    for src in EXERCISES:
        rel = course / "release" / src.stem / src.name
        run = subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                              "--allow-errors", "--ExecutePreprocessor.timeout=300",
                              "--output-dir", str(tmp_path), str(rel)],
                             env=jenv, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr
        out = nbformat.read(str(tmp_path / src.name), as_version=4)
        checks = grade_cells(out)
        assert checks
        for c in checks:
            errors = [o for o in c.outputs if o.output_type == "error"]
            assert len(errors) == 1, (src.name, c.source[:60], c.outputs)
            assert errors[0].evalue.startswith("not written yet: "), errors[0].evalue
            assert not any("ok: " in o.get("text", "") for o in c.outputs), c.outputs


def test_autograde_gives_full_zero_and_exact_partial_marks_and_feedback_teaches(course, jenv):
    from nbgrader.api import Gradebook
    partial = "01_function_approximation"
    for src in EXERCISES:
        release = nbformat.read(str(course / "release" / src.stem / src.name), as_version=4)
        source = nbformat.read(str(src), as_version=4)
        submit(course, "full", src.stem, solved(release, source))
        submit(course, "zero", src.stem, release)
    wrong_sum = WRONG[partial][0]["wrong"][0]
    assert wrong_sum["name"] == "sum instead of mean"
    release = nbformat.read(str(course / "release" / partial / f"{partial}.ipynb"), as_version=4)
    source = nbformat.read(str(ROOT / "exercises" / f"{partial}.ipynb"), as_version=4)
    submit(course, "partial", partial, solved(release, source, ("mse_loss", wrong_sum["code"])))

    for src in EXERCISES:
        nbgrader(course, jenv, "autograde", src.stem, "--force")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for src in EXERCISES:
            a = gb.find_assignment(src.stem)
            assert a.max_score == len(grade_cells(nbformat.read(str(src), as_version=4)))
            full = gb.find_submission(src.stem, "full")
            zero = gb.find_submission(src.stem, "zero")
            assert full.score == a.max_score, (src.stem, full.score, a.max_score)
            assert zero.score == 0, (src.stem, zero.score)
        sub = gb.find_submission(partial, "partial")
        points = gb.find_grade_cell("check_mse_loss", partial, partial).max_score
        assert sub.score == gb.find_assignment(partial).max_score - points

    nbgrader(course, jenv, "generate_feedback", partial, "--student", "partial", "--force")
    html = (course / "feedback" / "partial" / partial / f"{partial}.html").read_text()
    assert "exactly 4 times the expected one: the formula takes the mean, not the sum" in html
