"""Fixtures of the real-client tests (run by `make test-clients`)."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import clientlib  # noqa: E402


@pytest.fixture(scope="session")
def prefix(tmp_path_factory):
    """A prefix into which `make install` put seli (once per run)."""
    return clientlib.install_prefix(tmp_path_factory.mktemp("prefix"))


@pytest.fixture
def jenv(prefix, tmp_path):
    """A Jupyter environment of the test's own that finds the installed kernelspec."""
    return clientlib.jupyter_env(prefix, tmp_path / "home")


def serve(app, prefix, tmp_path_factory):
    """A module's Jupyter server (app as for clientlib.JupyterServer) in an
    environment of its own with an empty root directory (server.root); at
    the end, checks that no kernel outlived it."""
    base = tmp_path_factory.mktemp(app)
    root = base / "root"
    root.mkdir()
    log = base / f"{app}.log"
    with clientlib.JupyterServer(app, root, clientlib.jupyter_env(prefix, base / "home"),
                                 log) as server:
        server.root = root
        yield server
    assert server.leftover_kernels == [], (f"a kernel outlived jupyter {app}:\n"
                                           + clientlib.log_tail(log))


@pytest.fixture(scope="module")
def lab(prefix, tmp_path_factory):
    """The venv's JupyterLab 4, one per test module."""
    yield from serve("lab", prefix, tmp_path_factory)


@pytest.fixture(scope="module")
def notebook7(prefix, tmp_path_factory):
    """The venv's Notebook 7, one per test module."""
    yield from serve("notebook7", prefix, tmp_path_factory)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's chromium, headless, driven by playwright: one per test module."""
    import browserlib
    with browserlib.chromium(tmp_path_factory.mktemp("chromium")) as context:
        yield context


@pytest.fixture
def page(browser):
    """A fresh tab, closed after the test; page.errors collects its uncaught errors."""
    import browserlib
    tab = browser.new_page()
    tab.errors = browserlib.watch_errors(tab)
    yield tab
    if tab.errors:
        print("errors in the page:", *tab.errors, sep="\n  ")
    tab.close()
