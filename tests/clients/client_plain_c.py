"""Plain C: a program outside the repo builds against the installed libseli
with pkg-config, trains a small model and saves a figure."""

import os
import pathlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

from clientlib import ROOT

SVG = "{http://www.w3.org/2000/svg}"


def header_version():
    """SELI_VERSION of seli/version.h: the one place the version is written."""
    text = (ROOT / "libseli" / "include" / "seli" / "version.h").read_text()
    return re.search(r'^#define SELI_VERSION "([^"\n]*)"$', text, re.M).group(1)


def pkg_config(prefix, *args):
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    env.pop("PKG_CONFIG_LIBDIR", None)
    out = subprocess.run(["pkg-config", *args, "seli"], env=env, check=True,
                         capture_output=True, text=True, timeout=30)
    return out.stdout.split()


def build_and_run(prefix, work, name, link_args):
    src = work / "train.c"
    exe = work / name
    subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", str(src),
                    *pkg_config(prefix, "--cflags"), *link_args, "-o", str(exe)],
                   check=True, timeout=120, cwd=work)
    env = dict(os.environ, LD_LIBRARY_PATH=str(prefix / "lib"))
    run = subprocess.run([str(exe), f"{name}.svg"], cwd=work, env=env, capture_output=True,
                         text=True, timeout=300)
    return exe, run


def check_figure(path):
    root = ET.parse(path).getroot()
    assert root.tag == SVG + "svg"
    texts = "".join(t.text or "" for t in root.iter(SVG + "text"))
    assert "An MLP fitted by a plain C program" in texts
    assert "model" in texts
    assert len(list(root.iter(SVG + "path"))) + len(list(root.iter(SVG + "polyline"))) >= 2


def test_installed_library_has_soname_symlink_and_pkg_config(prefix):
    lib = prefix / "lib"
    version = header_version()
    real = f"libseli.so.{version}"
    soname = "libseli.so." + version.split(".")[0]
    assert (lib / real).is_file() and not (lib / real).is_symlink()
    assert os.readlink(lib / soname) == real
    assert os.readlink(lib / "libseli.so") == real
    dyn = subprocess.run(["readelf", "-d", str(lib / real)], capture_output=True,
                         text=True, check=True).stdout
    assert f"Library soname: [{soname}]" in dyn
    assert (lib / "libseli.a").is_file()
    assert (prefix / "include" / "seli.h").is_file()
    assert (prefix / "include" / "seli" / "tensor.h").is_file()
    assert (prefix / "include" / "seli" / "version.h").is_file()
    assert pkg_config(prefix, "--modversion") == [version]
    # Requires.private also brings the dependencies' -I flags (pkg-config does that)
    assert pkg_config(prefix, "--cflags")[0] == f"-I{prefix}/include"
    # -lm too: an exported notebook's cells call libm, as every cell may.
    assert pkg_config(prefix, "--libs") == [f"-L{prefix}/lib", "-lseli", "-lm"]
    static = pkg_config(prefix, "--static", "--libs")
    for flag in ("-lseli", "-lopenblas", "-ljansson", "-lzip", "-lz", "-lm", "-lpthread"):
        assert flag in static, flag
    assert any(a.startswith("-lpng") for a in static), static


def test_program_outside_the_repo_trains_and_saves_a_figure(prefix, tmp_path):
    assert ROOT not in tmp_path.parents
    shutil.copy(ROOT / "tests" / "clients" / "plain" / "train.c", tmp_path)
    exe, run = build_and_run(prefix, tmp_path, "train", pkg_config(prefix, "--libs"))
    assert run.returncode == 0, run.stdout + run.stderr
    line = next(l for l in run.stdout.splitlines() if l.startswith("mse first "))
    first, last = (float(v) for v in line[len("mse first "):].split(" last "))
    assert "figure written to fit-1.svg" in run.stdout
    assert last < 0.01 and last < first / 10
    ldd = subprocess.run(["ldd", str(exe)], capture_output=True, text=True,
                         env=dict(os.environ, LD_LIBRARY_PATH=str(prefix / "lib"))).stdout
    assert f"{prefix}/lib/libseli.so.0" in ldd
    assert "100%" in run.stderr  # the progress bar, on stderr in a terminal-less program
    check_figure(tmp_path / "train.svg")  # seli_figure_save
    check_figure(tmp_path / "fit-1.svg")  # seli_figure_show through the default sink


def test_program_links_the_static_library(prefix, tmp_path):
    shutil.copy(ROOT / "tests" / "clients" / "plain" / "train.c", tmp_path)
    libs = [a for a in pkg_config(prefix, "--static", "--libs") if a != "-lseli"]
    exe, run = build_and_run(prefix, tmp_path, "train_static",
                             [str(prefix / "lib" / "libseli.a"), *libs])
    assert run.returncode == 0, run.stdout + run.stderr
    ldd = subprocess.run(["ldd", str(exe)], capture_output=True, text=True).stdout
    assert "libseli" not in ldd
    check_figure(tmp_path / "train_static.svg")


def test_uninstall_removes_exactly_what_install_put(tmp_path):
    from clientlib import install_prefix, BUILD
    dest = tmp_path / "p"
    keep = dest / "lib" / "mine.txt"
    keep.parent.mkdir(parents=True)
    keep.write_text("not seli's")
    install_prefix(dest)
    assert (dest / "bin" / "seli-kernel").is_file()
    assert (dest / "libexec" / "seli" / "seli-kernel-core").is_file()
    rel = os.path.relpath(BUILD, ROOT)
    subprocess.run(["make", "--no-print-directory", "-s", "-C", str(ROOT), f"BUILD={rel}",
                    "uninstall", f"PREFIX={dest}"], check=True, timeout=120,
                   stdout=subprocess.DEVNULL)
    left = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if not p.is_dir())
    assert left == ["lib/mine.txt"]


def test_install_honours_destdir(tmp_path):
    from clientlib import BUILD
    stage = tmp_path / "stage"
    rel = os.path.relpath(BUILD, ROOT)
    subprocess.run(["make", "--no-print-directory", "-s", "-C", str(ROOT), f"BUILD={rel}",
                    "install", "PREFIX=/opt/seli-test", f"DESTDIR={stage}"], check=True,
                   timeout=600, stdout=subprocess.DEVNULL)
    root = stage / "opt" / "seli-test"
    assert (root / "lib" / "libseli.so.0").is_file()
    pc = (root / "lib" / "pkgconfig" / "seli.pc").read_text()
    assert "prefix=/opt/seli-test\n" in pc and str(stage) not in pc
    spec = (root / "share" / "jupyter" / "kernels" / "seli" / "kernel.json").read_text()
    assert '"/opt/seli-test/bin/seli-kernel"' in spec
    # the kernel looks for the headers where they will be, not in the staging tree
    core = root / "libexec" / "seli" / "seli-kernel-core"
    assert b"/opt/seli-test/include" in core.read_bytes()
    # and the launcher the kernelspec runs finds it at ../libexec/seli/ from bin/
    assert (root / "bin" / "seli-kernel").is_file()
    assert not (root / "bin" / "seli-kernel-core").exists()
    assert not pathlib.Path("/opt/seli-test").exists()
