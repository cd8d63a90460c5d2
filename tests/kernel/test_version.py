"""One version, written once: the SELI_VERSION of libseli/include/seli/version.h
is what `seli-kernel --version` prints (the launcher hands the flag to the
core), what kernel_info reports as implementation_version, and what
seli_version() returns in a cell.

Run: SELI_KERNEL=$PWD/build/seli-kernel build/venv/bin/python -m pytest tests/kernel/test_version.py
"""

import re
import subprocess

import pytest

import harness

HEADER = harness.ROOT / "libseli" / "include" / "seli" / "version.h"


def header_version():
    m = re.search(r'^#define SELI_VERSION "([^"\n]*)"$', HEADER.read_text(), re.M)
    assert m, f"{HEADER} has no line #define SELI_VERSION \"...\""
    return m.group(1)


@pytest.fixture(scope="module")
def kernel():
    km, kc = harness.start_kernel()
    yield kc
    harness.stop_kernel(km, kc)


def test_the_header_version_is_a_dotted_triple():
    assert re.fullmatch(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", header_version())


def test_version_flag_prints_the_header_version():
    run = subprocess.run([harness.kernel_binary(), "--version"], capture_output=True, text=True,
                         timeout=30)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"seli-kernel {header_version()}\n"


def test_kernel_info_reports_the_header_version(kernel):
    content = kernel.kernel_info(reply=True, timeout=30)["content"]
    assert content["implementation"] == "seli"
    assert content["implementation_version"] == header_version()
    assert content["banner"].startswith(f"seli {header_version()} ")


def test_a_cell_sees_the_same_version_in_the_header_and_the_library(kernel):
    ex = harness.execute(kernel, 'printf("%s %s\\n", SELI_VERSION, seli_version());')
    assert ex.error is None, ex.error
    assert ex.stdout == f"{header_version()} {header_version()}\n"
