"""seli-kernel export: a notebook becomes one C program that gcc builds
warning-free and that prints what the notebook showed.

The notebook is run in the real kernel (nbclient, through the temporary
kernelspec of tests/kernel/harness.py) and exported by the kernel binary
under test; the program is built against this tree's libseli with
-Wall -Wextra -Werror and run.  The notebooks of notebooks/ are exported by
tests/notebooks/test_notebooks.py, which runs them anyway."""

import os
import pathlib
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import exported  # noqa: E402
from exported import harness  # noqa: E402
from round_trip_cells import CELLS  # noqa: E402


def notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "seli", "display_name": "C (seli)", "language": "c"}
    for kind, src in cells:
        nb.cells.append(nbformat.v4.new_markdown_cell(src) if kind == "md"
                        else nbformat.v4.new_code_cell(src))
    return nb


def shown(nb, stem):
    """What the notebook showed, as a program prints it: its streams on
    stdout, each result's text/plain on a line, and each figure as the line
    of the file it is written to."""
    out, n = [], 0
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream" and o.name == "stdout":
                out.append(o.text)
            elif o.output_type in ("execute_result", "display_data"):
                if "image/svg+xml" in o.data:
                    n += 1
                    out.append("figure written to %s-fig-%d.svg\n" % (stem, n))
                else:
                    out.append(o.data["text/plain"] + "\n")
    return "".join(out)


@pytest.fixture(scope="module", autouse=True)
def kernelspec():
    harness.install_temp_kernelspec()


def run_in_kernel(nb, cwd):
    NotebookClient(nb, kernel_name=harness.KERNEL_NAME, timeout=120,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, "the notebook itself fails: %s" % errors[0]


def test_round_trip_program_prints_what_the_notebook_showed(tmp_path):
    nb = notebook(CELLS)
    path = tmp_path / "round_trip.ipynb"
    nbformat.write(nb, str(path))
    run_in_kernel(nb, tmp_path / ".")
    done = exported.export(path, tmp_path / "round_trip.c")
    assert done.returncode == 0, done.stderr
    exported.build(tmp_path / "round_trip.c", tmp_path / "round_trip")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    out = exported.run(tmp_path / "round_trip", run_dir)
    assert exported.without_times(out) == exported.without_times(shown(nb, "round_trip"))
    assert len(list(run_dir.glob("round_trip-fig-*.svg"))) == exported.figures(nb) == 1


def test_the_program_keeps_each_cell_in_a_block_under_its_markdown(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook(CELLS), str(path))
    assert exported.export(path, tmp_path / "nb.c").returncode == 0
    text = (tmp_path / "nb.c").read_text()
    assert "/* cell 1 */" in text and "/* cell 18 */" in text
    assert "     * Later cells see the macro's new value:\n     */\n    /* cell 3 */\n    {" in text
    # a redefined function appears once, as its last definition
    assert text.count("int square(int v) {") == 1 and "v * v + 0 * SCALE" in text


def test_a_cell_that_does_not_compile_names_the_cell_and_line_and_writes_nothing(tmp_path):
    path = tmp_path / "broken.ipynb"
    nbformat.write(notebook([("code", "int a = 1;"), ("md", "text"),
                             ("code", "int b = 2;\nint c = b + no_such_name;")]), str(path))
    out = tmp_path / "broken.c"
    done = exported.export(path, out)
    assert done.returncode == 1
    assert "cell 2, line 2:" in done.stderr and "no_such_name" in done.stderr
    assert not out.exists() and not list(tmp_path.glob("broken.c*"))


def test_a_failed_export_leaves_an_earlier_file_alone(tmp_path):
    path, out = tmp_path / "broken.ipynb", tmp_path / "broken.c"
    out.write_text("/* an earlier export */\n")
    nbformat.write(notebook([("code", "int x = ;")]), str(path))
    assert exported.export(path, out).returncode == 1
    assert out.read_text() == "/* an earlier export */\n"


def test_an_unknown_magic_is_an_export_error(tmp_path):
    path = tmp_path / "magic.ipynb"
    nbformat.write(notebook([("code", "int x = 1;\n%nosuchmagic 3")]), str(path))
    done = exported.export(path, tmp_path / "magic.c")
    assert done.returncode == 1 and "cell 1, line 2: unknown magic %nosuchmagic" in done.stderr


def test_magics_without_a_program_equivalent_leave_a_comment(tmp_path):
    path = tmp_path / "dropped.ipynb"
    nbformat.write(notebook([("code", "int x = 1;\n%whos"), ("code", "%lsmagic"),
                             ("code", "%link m\nprintf(\"%g\\n\", cbrt(27.0));")]), str(path))
    assert exported.export(path, tmp_path / "dropped.c").returncode == 0
    text = (tmp_path / "dropped.c").read_text()
    assert "/* %whos dropped: a program has no session whose variables it could list */" in text
    assert "/* %lsmagic dropped:" in text
    assert "/* %link m: link the program with -lm */" in text and " -lm -o dropped" in text
    exported.build(tmp_path / "dropped.c", tmp_path / "dropped")
    assert exported.run(tmp_path / "dropped", tmp_path) == "3\n"


def test_args_are_the_default_argv_and_the_command_line_wins(tmp_path):
    path = tmp_path / "args.ipynb"
    nbformat.write(notebook([("code", "%args one"),
                             ("code", "int main(int argc, char **argv) {\n"
                                      "    printf(\"%d %s\\n\", argc, argv[1]);\n"
                                      "    return 0;\n}")]), str(path))
    assert exported.export(path, tmp_path / "args.c").returncode == 0
    exported.build(tmp_path / "args.c", tmp_path / "args")
    assert exported.run(tmp_path / "args", tmp_path).splitlines()[-1] == "2 one"
    assert exported.run(tmp_path / "args", tmp_path, args=["two", "three"]).splitlines()[-1] == \
        "3 two"


def test_nbconvert_to_seli_c_finds_the_exporter_by_its_entry_point(tmp_path):
    site = tmp_path / "site"
    subprocess.run(["sh", str(exported.ROOT / "install" / "nbconvert.sh"), str(site)],
                   check=True, capture_output=True)
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook(CELLS), str(path))
    jupyter = pathlib.Path(sys.executable).parent / "jupyter"
    env = dict(os.environ, PYTHONPATH=str(site), SELI_EXPORT_KERNEL=harness.kernel_binary())
    done = subprocess.run([str(jupyter), "nbconvert", "--to", "seli-c", str(path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert exported.export(path, tmp_path / "direct.c").returncode == 0
    assert (tmp_path / "nb.c").read_text() == (tmp_path / "direct.c").read_text().replace(
        "direct", "nb")


def test_nbconvert_reports_a_cell_that_does_not_compile(tmp_path):
    site = tmp_path / "site"
    subprocess.run(["sh", str(exported.ROOT / "install" / "nbconvert.sh"), str(site)],
                   check=True, capture_output=True)
    path = tmp_path / "bad.ipynb"
    nbformat.write(notebook([("code", "int x = y;")]), str(path))
    jupyter = pathlib.Path(sys.executable).parent / "jupyter"
    env = dict(os.environ, PYTHONPATH=str(site), SELI_EXPORT_KERNEL=harness.kernel_binary())
    done = subprocess.run([str(jupyter), "nbconvert", "--to", "seli-c", str(path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode != 0 and "cell 1, line 1:" in done.stderr
    assert not (tmp_path / "bad.c").exists()


def test_a_function_defined_nowhere_is_an_error_at_the_line_that_calls_it(tmp_path):
    path = tmp_path / "nowhere.ipynb"
    nbformat.write(notebook([("code", "int a = 1;"),
                             ("code", "double nowhere(double);\nint b = 2;\n"
                                      "printf(\"%g\\n\", nowhere(b));")]), str(path))
    done = exported.export(path, tmp_path / "nowhere.c")
    assert done.returncode == 1
    assert "cell 2, line 3: error: nowhere is declared but defined nowhere" in done.stderr
    assert not (tmp_path / "nowhere.c").exists()


def test_an_unused_parameter_is_marked_so_the_program_builds_under_wextra(tmp_path):
    path = tmp_path / "unused.ipynb"
    nbformat.write(notebook([("code", "int first(int a, int b, void (*cb)(int), int c[]) {\n"
                                      "    return a + c[0];\n}\n"
                                      "int one[1] = {1};\nfirst(2, 3, NULL, one)")]), str(path))
    assert exported.export(path, tmp_path / "unused.c").returncode == 0
    text = (tmp_path / "unused.c").read_text()
    assert "{ (void)b; (void)cb;\n" in text and "(void)a;" not in text and "(void)c;" not in text
    exported.build(tmp_path / "unused.c", tmp_path / "unused")
    assert exported.run(tmp_path / "unused", tmp_path) == "3\n"
