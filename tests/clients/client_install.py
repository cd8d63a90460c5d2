"""The installed layout is what users and packagers expect: `make install`
puts the launcher in bin/ and the kernel proper in libexec/seli/, the
launcher finds it there, seli.pc names its dependencies' .pc files and says
where things are relative to ${prefix}, and the kernelspec runs the kernel
with OPENBLAS_NUM_THREADS=1, whichever of the two kernelspec writers made it
(mk/install.mk or install/kernelspec.sh)."""

import json
import os
import pathlib
import queue
import re
import shutil
import subprocess

from jupyter_client import KernelManager

from clientlib import BUILD, ROOT, install_prefix

VENV_PYTHON = ROOT / "build" / "venv" / "bin" / "python"
SPEC_ENV = {"OPENBLAS_NUM_THREADS": "1"}


def header_version():
    text = (ROOT / "libseli" / "include" / "seli" / "version.h").read_text()
    return re.search(r'^#define SELI_VERSION "([^"\n]*)"$', text, re.M).group(1)


def make(*args, **kw):
    return subprocess.run(["make", "--no-print-directory", "-s", "-C", str(ROOT),
                           f"BUILD={os.path.relpath(BUILD, ROOT)}", *args],
                          timeout=600, capture_output=True, text=True, **kw)


def pc_fields(prefix):
    """seli.pc as {name: value}, variables and keywords alike."""
    fields = {}
    for line in (prefix / "lib" / "pkgconfig" / "seli.pc").read_text().splitlines():
        m = re.match(r"^([\w.]+)\s*([=:])\s*(.*)$", line)
        if m:
            fields[m.group(1)] = m.group(3).strip()
    return fields


# ---- the core in libexec/seli, the launcher in bin ----

def test_the_core_is_installed_under_libexec_and_bin_holds_only_the_launcher(prefix):
    core = prefix / "libexec" / "seli" / "seli-kernel-core"
    assert core.is_file() and os.access(core, os.X_OK)
    assert sorted(p.name for p in (prefix / "bin").iterdir()) == ["seli-kernel"]
    listed = (prefix / "share" / "seli" / "installed-files").read_text().splitlines()
    assert str(core) in listed
    assert str(prefix / "bin" / "seli-kernel-core") not in listed


def test_the_installed_launcher_runs_the_core_from_libexec(prefix):
    run = subprocess.run([str(prefix / "bin" / "seli-kernel"), "--version"],
                         capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"seli-kernel {header_version()}\n"


def test_the_launcher_prefers_the_core_next_to_it_then_libexec(tmp_path):
    """Next to the launcher is the build tree; ../libexec/seli/ the install."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "libexec" / "seli").mkdir(parents=True)
    shutil.copy2(BUILD / "seli-kernel", tmp_path / "bin" / "seli-kernel")
    for where, path in (("next to", tmp_path / "bin" / "seli-kernel-core"),
                        ("libexec", tmp_path / "libexec" / "seli" / "seli-kernel-core")):
        path.write_text(f'#!/bin/sh\necho "{where}: $*"\n')
        path.chmod(0o755)

    def run():
        return subprocess.run([str(tmp_path / "bin" / "seli-kernel"), "--version"],
                              capture_output=True, text=True, timeout=30)

    assert run().stdout == "next to: --version\n"
    (tmp_path / "bin" / "seli-kernel-core").unlink()
    assert run().stdout == "libexec: --version\n"
    (tmp_path / "libexec" / "seli" / "seli-kernel-core").unlink()
    gone = run()
    assert gone.returncode == 127
    assert "libexec/seli" in gone.stderr and "next to" in gone.stderr


def test_reinstalling_over_an_old_layout_removes_the_core_from_bin(tmp_path):
    """An install made before the core moved listed bin/seli-kernel-core."""
    dest = tmp_path / "p"
    install_prefix(dest)
    old_core = dest / "bin" / "seli-kernel-core"
    shutil.copy2(dest / "libexec" / "seli" / "seli-kernel-core", old_core)
    listing = dest / "share" / "seli" / "installed-files"
    listing.write_text(listing.read_text() + f"{old_core}\n")
    install_prefix(dest)
    assert not old_core.exists()
    assert str(old_core) not in listing.read_text()
    assert (dest / "libexec" / "seli" / "seli-kernel-core").is_file()


def test_install_refuses_a_libexecdir_the_launcher_would_not_find(tmp_path):
    run = make("install", f"PREFIX={tmp_path / 'p'}", f"LIBEXECDIR={tmp_path / 'elsewhere'}")
    assert run.returncode != 0
    assert "LIBEXECDIR" in run.stderr
    assert not (tmp_path / "p" / "bin" / "seli-kernel").exists()


# ---- seli.pc ----

def test_seli_pc_names_the_dependencies_pc_files_not_their_flags(prefix):
    pc = pc_fields(prefix)
    assert pc["Requires.private"].replace(",", " ").split() == \
        ["openblas", "jansson", "libzip", "libpng"]
    assert pc["Libs.private"].split() == ["-lpthread"]
    assert pc["Libs"] == "-L${libdir} -lseli -lm"  # cells, and exported notebooks, call libm
    assert pc["Version"] == header_version()
    text = (prefix / "lib" / "pkgconfig" / "seli.pc").read_text()
    for raw in ("-lopenblas", "-ljansson", "-lzip", "-lpng", "openblas-pthread", "/usr/lib"):
        assert raw not in text, raw


def test_seli_pc_paths_are_relative_to_prefix(prefix):
    pc = pc_fields(prefix)
    assert pc["prefix"] == str(prefix)
    assert pc["exec_prefix"] == "${prefix}"
    assert pc["includedir"] == "${prefix}/include"
    assert pc["libdir"] == "${exec_prefix}/lib"
    # so that moving the tree means changing one variable
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    env.pop("PKG_CONFIG_LIBDIR", None)
    out = subprocess.run(["pkg-config", "--define-variable=prefix=/moved", "--cflags", "--libs",
                          "seli"], env=env, check=True, capture_output=True, text=True,
                         timeout=30).stdout.split()
    assert out[0] == "-I/moved/include" and "-L/moved/lib" in out
    assert not any(str(prefix) in a for a in out)


# ---- the kernelspec's env ----

def test_the_installed_kernelspec_sets_openblas_to_one_thread(prefix):
    spec = json.loads((prefix / "share" / "jupyter" / "kernels" / "seli" / "kernel.json")
                      .read_text())
    assert spec["argv"][0] == str(prefix / "bin" / "seli-kernel")
    assert spec["env"] == SPEC_ENV


def test_kernelspec_sh_keeps_the_env(tmp_path):
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    env.update(HOME=str(home), JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_PLATFORM_DIRS="1",
               PYTHON=str(VENV_PYTHON), PATH=f"{VENV_PYTHON.parent}:{env.get('PATH', '')}")
    launcher = BUILD / "seli-kernel"
    subprocess.run(["sh", str(ROOT / "install" / "kernelspec.sh"), str(launcher)], env=env,
                   check=True, capture_output=True, timeout=120)
    spec = json.loads((home / "data" / "kernels" / "seli" / "kernel.json").read_text())
    assert spec["argv"][0] == str(launcher)
    assert spec["env"] == SPEC_ENV


def test_a_kernel_started_from_the_installed_kernelspec_sees_the_env(prefix, jenv, monkeypatch):
    for k in list(os.environ):
        if k.startswith(("JUPYTER", "JPY_", "SELI_")) or k == "OPENBLAS_NUM_THREADS":
            monkeypatch.delenv(k)
    for k, v in jenv.items():
        monkeypatch.setenv(k, v)
    km = KernelManager(kernel_name="seli")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        msg_id = kc.execute('const char *t = getenv("OPENBLAS_NUM_THREADS");\n'
                            'printf("threads=%s\\n", t ? t : "(unset)");')
        out = ""
        while True:
            msg = kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                out += msg["content"]["text"]
            elif msg["msg_type"] == "error":
                raise AssertionError(msg["content"])
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        assert out == "threads=1\n"
    except queue.Empty:
        raise AssertionError("the kernel did not answer")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


# ---- the nbconvert exporter ----

def test_nbconvert_finds_the_installed_exporter_and_the_installed_kernel(prefix, tmp_path):
    """make install puts seli_nbconvert and its entry point where Debian's
    python3 (NBCONVERT_PYTHON) looks under PREFIX; the exporter runs the
    kernel of the installed kernelspec."""
    import nbformat
    from clientlib import jupyter_env
    site = [p for p in prefix.glob("lib/python3*/*-packages") if (p / "seli_nbconvert.py").exists()]
    assert len(site) == 1, "seli_nbconvert.py is not installed under %s" % prefix
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "seli", "display_name": "C (seli)", "language": "c"}
    nb.cells = [nbformat.v4.new_code_cell("int k = 41;\nk + 1")]
    nbformat.write(nb, str(tmp_path / "answer.ipynb"))
    env = dict(jupyter_env(prefix, tmp_path / "home"), PYTHONPATH=str(site[0]))
    jupyter = ROOT / "build" / "venv" / "bin" / "jupyter"
    run = subprocess.run([str(jupyter), "nbconvert", "--to", "seli-c", "answer.ipynb"],
                         cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "seli_show(k + 1);" in (tmp_path / "answer.c").read_text()
