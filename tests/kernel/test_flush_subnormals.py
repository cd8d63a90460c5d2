"""test_flush_subnormals.py: seli_flush_subnormals in a kernel session.

The flush is a session setting: turned on in one cell, later cells compute
with it; turned off, they compute IEEE subnormals again.  A cell that faults
or is interrupted leaves it as it was (the signal handler's reset state must
not leak into the session), and %reset -f turns it off.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# 2^-70 * 2^-70 = 2^-140, a subnormal float: IEEE keeps it, the flush makes it 0
IEEE = "7.17465e-43"
FLUSHED = "0"
PROBE = 'printf("%g\\n", seli_item(seli_mul(seli_scalar(ldexpf(1, -70)), seli_scalar(ldexpf(1, -70)))));'


@pytest.fixture(scope="module")
def kernel():
    km, kc = harness.start_kernel()
    yield km, kc
    harness.stop_kernel(km, kc)


def ok(kc, code):
    ex = harness.execute(kc, code)
    assert ex.status == "ok" and ex.error is None, ex
    return ex


def probe(kc):
    return ok(kc, PROBE).stdout.strip()


def flush(kc, on):
    """Call seli_flush_subnormals(on) in a cell; the previous setting it returns."""
    return ok(kc, f"seli_flush_subnormals({on})").result["text/plain"]


def test_the_flush_set_in_one_cell_holds_in_the_next_and_off_restores_ieee(kernel):
    _, kc = kernel
    assert probe(kc) == IEEE
    assert flush(kc, 1) == "0"
    assert probe(kc) == FLUSHED
    assert probe(kc) == FLUSHED
    assert flush(kc, 0) == "1"
    assert probe(kc) == IEEE


def test_the_flush_outlives_a_fault_and_an_interrupt(kernel):
    km, kc = kernel
    flush(kc, 1)
    ex = harness.execute(kc, "int *nowhere = 0; *nowhere = 1;")
    assert ex.error and ex.error["ename"] == "SIGSEGV"
    assert probe(kc) == FLUSHED
    error = harness.interrupt(km, kc, "for (;;);", 0.5)
    assert error and error["ename"] == "KeyboardInterrupt"
    assert probe(kc) == FLUSHED
    flush(kc, 0)
    ex = harness.execute(kc, "int *nowhere2 = 0; *nowhere2 = 1;")
    assert ex.error and ex.error["ename"] == "SIGSEGV"
    assert probe(kc) == IEEE


def test_reset_turns_the_flush_off(kernel):
    _, kc = kernel
    flush(kc, 1)
    assert probe(kc) == FLUSHED
    ok(kc, "%reset -f")
    assert probe(kc) == IEEE
    assert flush(kc, 0) == "0"
