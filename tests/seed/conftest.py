"""tests/seed/: libseli against the seed, seli 0.1.2 on CPU jax, in
build/seed-venv (make seed-venv; make seed-tests runs these)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


def pytest_configure(config):
    # seli 0.1.2's beartype hints predate jax 0.10's tracer types: under jit
    # they warn about ShapedArray arguments that are correct
    config.addinivalue_line("filterwarnings", "ignore:.*violates type hint:UserWarning")
