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
