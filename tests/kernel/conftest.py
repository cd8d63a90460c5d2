"""conftest.py: the fixture that most session tests share.

kc: one kernel for the test module, started and stopped through the real
jupyter_client (harness.py); its client is the fixture's value.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


@pytest.fixture(scope="module")
def kc():
    km, client = harness.start_kernel()
    yield client
    harness.stop_kernel(km, client)
