"""test_traceback_plain.py: a plain C program that misuses libseli is told
where: libseli's default error handler prints, after the message, the
function of libseli that the program called and the program's own frames,
innermost first, with file, line, function and source line (the program
built with -g, binutils' addr2line installed), up to main.
traceback_plain.c is built here with gcc against build/libseli.a."""

import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("SELI_BUILD", ROOT / "build"))
SOURCE = ROOT / "tests" / "libseli" / "traceback_plain.c"


def _pkg_libs(name, default):
    r = subprocess.run(["pkg-config", "--libs", name], capture_output=True, text=True)
    return r.stdout.split() if r.returncode == 0 else [default]


@pytest.fixture(scope="module")
def program(tmp_path_factory):
    lib = BUILD / "libseli.a"
    if not lib.exists():
        pytest.skip("build/libseli.a is missing; run make first")
    if not shutil.which("addr2line"):
        pytest.skip("binutils' addr2line is not installed")
    exe = tmp_path_factory.mktemp("bin") / "traceback_plain"
    cmd = (["gcc", "-std=c11", "-g", "-O0", "-Wall", "-Wextra", "-I", str(ROOT / "libseli" / "include"),
            str(SOURCE), str(lib)] + _pkg_libs("openblas", "-lopenblas")
           + ["-ljansson", "-lzip", "-lpng", "-lz", "-lm", "-lpthread", "-o", str(exe)])
    built = subprocess.run(cmd, capture_output=True, text=True)
    assert built.returncode == 0 and not built.stderr.strip(), built.stderr
    return str(exe)


def line_of(text):
    for n, line in enumerate(SOURCE.read_text().splitlines(), 1):
        if text in line:
            return n
    raise AssertionError(text)


def run(exe, *args, env=None):
    r = subprocess.run([exe, *args], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, **(env or {})))
    assert r.returncode == 1, r
    return r.stderr.splitlines()


def test_a_misuse_names_the_call_and_the_programs_frames(program):
    err = run(program)
    assert err[0].startswith("seli error: seli_matmul: a is [3, 4] but b is [5, 2]"), err
    assert err[1] == "  in seli_matmul", err
    h = line_of("seli_tensor *h = seli_matmul(x, w);")
    assert err[2].startswith("  traceback_plain.c:%d, in train_step:" % h), err
    assert err[2].endswith("   seli_tensor *h = seli_matmul(x, w);"), err
    assert err[3].startswith("  traceback_plain.c:%d, in main:" % line_of("train_step(batch);"))
    assert err[3].endswith("train_step(batch);")
    assert len(err) == 4, "nothing of libc's start-up, nothing of libseli's inside: %s" % err


def test_a_misuse_in_a_callback_shows_libseli_between(program):
    err = run(program, "callback")
    assert err[1:] and err[1] == "  in seli_matmul", err
    assert err[2].startswith("  traceback_plain.c:%d, in objective:"
                             % line_of("return seli_matmul(params[0]"))
    assert err[3] == "  in seli_minimize_tensors", err
    assert err[4].startswith("  traceback_plain.c:%d, in main:" % line_of("seli_minimize_tensors("))
    assert len(err) == 5, err


def test_seli_traceback_0_prints_the_message_alone(program):
    err = run(program, env={"SELI_TRACEBACK": "0"})
    assert len(err) == 1 and err[0].startswith("seli error: seli_matmul"), err
