"""Every exercise: the teacher's solutions pass every check, the students'
stubs fail every check with "not written yet" and leave the kernel alive,
and each typical wrong answer fails with the message meant for it.

Each notebook runs in a fresh seli kernel started through jupyter_client
(tests/kernel/harness.py); check cells run with their hidden tests."""

import pytest

from exercise_lib import (EXERCISES, STUB, WRONG, error_text, harness, load, role, run,
                          with_body)


@pytest.fixture
def kernel():
    km, kc = harness.start_kernel()
    yield kc
    harness.stop_kernel(km, kc)


def ids(paths):
    return [p.stem for p in paths]


def test_every_exercise_has_two_to_four_tasks_each_with_a_check_and_two_wrong_answers():
    assert [p.stem[:2] for p in EXERCISES] == ["00", "01", "02", "03", "04", "05", "06", "07"]
    for path in EXERCISES:
        cells = load(path).cells
        roles = [role(c) for c in cells]
        tasks = [c.metadata.nbgrader["grade_id"] for c in cells if role(c) == "task"]
        assert 2 <= len(tasks) <= 4, path.name
        for i, r in enumerate(roles):
            if r == "task":
                assert "check" in roles[i + 1:i + 2], f"{path.name}: no check right after a task"
                assert "BEGIN HIDDEN TESTS" in cells[i + 1].source, path.name
        wrong = {t["task"]: t["wrong"] for t in WRONG[path.stem]}
        assert sorted(wrong) == sorted(tasks), path.name
        assert all(len(w) >= 2 for w in wrong.values()), path.name


@pytest.mark.parametrize("path", EXERCISES, ids=ids(EXERCISES))
def test_solutions_pass_every_check(kernel, path):
    for cell in load(path).cells:
        if cell.cell_type != "code":
            continue
        ex = run(kernel, cell.source)
        assert ex.error is None, f"{path.name}: {cell.source[:80]!r}\n{error_text(ex)}"
        if role(cell) == "check":
            assert "ok: " in ex.stdout and "check failed" not in ex.stdout, ex.stdout


@pytest.mark.parametrize("path", EXERCISES, ids=ids(EXERCISES))
def test_stubs_fail_every_check_with_not_written_yet_and_the_kernel_survives(kernel, path):
    run(kernel, "int survivor = 1414;")
    for cell in load(path).cells:
        if cell.cell_type != "code":
            continue
        source = with_body(cell.source, STUB) if role(cell) == "task" else cell.source
        ex = run(kernel, source)
        if role(cell) == "check":
            assert ex.error is not None, f"{path.name}: a check passed on a stub:\n{source}"
            assert "not written yet: " in ex.error["evalue"], error_text(ex)
            assert "ok: " not in ex.stdout, f"a check passed part of a stub: {ex.stdout}"
        else:
            assert ex.error is None, error_text(ex)
    ex = run(kernel, 'printf("%d\\n", survivor);')
    assert ex.error is None and ex.stdout.strip() == "1414"


@pytest.mark.parametrize("path", EXERCISES, ids=ids(EXERCISES))
def test_typical_wrong_answers_fail_with_the_message_meant_for_them(kernel, path):
    cells = load(path).cells
    wrong = {t["task"]: t["wrong"] for t in WRONG[path.stem]}
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        ex = run(kernel, cell.source)
        assert ex.error is None, error_text(ex)
        if role(cell) != "task":
            continue
        check = cells[i + 1]
        for w in wrong[cell.metadata.nbgrader["grade_id"]]:
            ex = run(kernel, with_body(cell.source, w["code"]))
            assert ex.error is None, f"{w['name']}: the wrong answer does not compile\n{error_text(ex)}"
            ex = run(kernel, check.source)
            assert ex.error is not None, f"{path.name}: wrong answer '{w['name']}' passed its check"
            assert ex.error["evalue"].startswith("check failed: "), error_text(ex)
            assert w["message"] in ex.error["evalue"], (
                f"{path.name}: wrong answer '{w['name']}' failed without '{w['message']}':\n"
                + ex.error["evalue"])
        ex = run(kernel, cell.source)  # the teacher's answer again, for the next tasks
        assert ex.error is None, error_text(ex)
