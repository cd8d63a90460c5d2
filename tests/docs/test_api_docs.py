"""docs/api.md is what scripts/gen_api_docs.py makes of the headers today,
that is, the text the kernel's inspect shows for each public name."""

import os
import sys
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def build_dir():
    """The build folder of the kernel under test (build/ or build/asan/), or
    build/: never the source tree, where kernel/seli-kernel also lives."""
    kernel = os.environ.get("SELI_KERNEL")
    build = ROOT / "build"
    if kernel:
        folder = pathlib.Path(kernel).resolve().parent
        if folder == build or build in folder.parents:
            return str(folder)
    return str(build)


def test_api_reference_is_up_to_date_with_the_headers():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_api_docs.py"),
                          "--check", "--build", build_dir()],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr


def test_api_reference_documents_every_public_function_with_its_comment():
    text = (ROOT / "docs" / "api.md").read_text()
    for name in ("seli_add", "seli_minimize", "seli_figure_show", "seli_progress_new",
                 "SELI_SHAPE", "seli_save"):
        assert f"`{name}`" in text, name
    # an entry carries the header comment, not just the prototype
    entry = text.split("### `seli_figure_save`", 1)[1].split("###", 1)[0]
    assert "Write the figure as SVG to path" in entry
