"""test_traceback.py: every error that ends a cell says where, in the user's
words: the cell as Jupyter numbers it, the line, the function and the source
line, innermost first; libseli's frames collapse to the function the cell
called, and the kernel's frames never show.  Through the real kernel.
"""

import os
import re
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def kernel():
    km, kc = harness.start_kernel()
    yield km, kc
    harness.stop_kernel(km, kc)


def define(kc, code):
    """Run a cell that must succeed; returns its number (In [n])."""
    ex = harness.execute(kc, code, timeout=30)
    assert ex.status == "ok", ex
    return ex.reply["execution_count"]


def fail(kc, code, ename, timeout=60):
    """Run a cell that must fail with ename; returns (its number, the
    traceback without colours)."""
    ex = harness.execute(kc, code, timeout=timeout)
    assert ex.status == "error", ex
    assert ex.error["ename"] == ename, ex.error
    assert "\x1b[" not in ex.error["ename"] + ex.error["evalue"], "ename/evalue stay plain"
    tb = [ANSI.sub("", line) for line in ex.error["traceback"]]
    assert tb[0].startswith(ename + ":"), tb
    assert ex.error["traceback"][0].startswith("\x1b[0;31m" + ename + "\x1b[0m:"), "red as ipykernel"
    for line in tb:
        assert "__seli" not in line and "guard" not in line, "a kernel frame shows: %r" % line
    return ex.reply["execution_count"], tb


def frame(n, line, source, fn=None):
    """The text a frame starts with, and its source (after the padding)."""
    head = "  In [%d], line %d" % (n, line) + (", in %s:" % fn if fn else ":")
    return head, source


def assert_frames(tb, expected):
    """The frames (lines starting with '  In [') are exactly expected, in order."""
    got = [l for l in tb if l.startswith("  In [")]
    assert len(got) == len(expected), "\n".join(tb)
    for line, (head, source) in zip(got, expected):
        assert line.startswith(head), (line, head, "\n".join(tb))
        assert line[len(head):].strip() == source, (line, source)


def test_seli_error_names_the_call_the_function_two_cells_back_and_the_cell(kernel):
    km, kc = kernel
    a = define(kc, "seli_tensor *train_step(seli_tensor *x) {\n"
                   "    seli_tensor *w = seli_zeros(SELI_SHAPE(5, 2));\n"
                   "    seli_tensor *h = seli_matmul(x, w);\n"
                   "    return h;\n"
                   "}")
    define(kc, "int unrelated = 1;")
    n, tb = fail(kc, "seli_tensor *batch = seli_zeros(SELI_SHAPE(3, 4));\n"
                     "train_step(batch);", "SeliError")
    assert "seli_matmul" in tb[0]
    assert tb[1] == "  in seli_matmul", tb
    assert_frames(tb, [frame(a, 3, "seli_tensor *h = seli_matmul(x, w);", "train_step"),
                       frame(n, 2, "train_step(batch);")])
    assert n == a + 2


def test_segfault_in_a_nested_call(kernel):
    km, kc = kernel
    a = define(kc, "int helper(int *p) {\n    int x = 1;\n    return *p + x;\n}")
    b = define(kc, "int middle(int *p) {\n  return helper(p) * 2;\n}")
    n, tb = fail(kc, "int unused = 0;\nmiddle(NULL);", "SIGSEGV")
    assert_frames(tb, [frame(a, 3, "return *p + x;", "helper"),
                       frame(b, 2, "return helper(p) * 2;", "middle"),
                       frame(n, 2, "middle(NULL);")])
    assert any("intact" in line for line in tb)


def test_segfault_inside_the_c_library_names_the_call(kernel):
    km, kc = kernel
    n, tb = fail(kc, "#include <string.h>\nchar *nothing = NULL;\n"
                     "size_t len = strlen(nothing);", "SIGSEGV")
    assert "  in strlen" in tb, tb
    assert_frames(tb, [frame(n, 3, "size_t len = strlen(nothing);")])


def test_bus_error(kernel):
    km, kc = kernel
    n, tb = fail(kc, "#include <sys/mman.h>\n"
                     "FILE *empty = tmpfile();\n"
                     "char *page = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fileno(empty), 0);\n"
                     "char first(const char *p) { return p[0]; }\n"
                     "first(page);", "SIGBUS")
    assert_frames(tb, [frame(n, 4, "char first(const char *p) { return p[0]; }", "first"),
                       frame(n, 5, "first(page);")])


def test_division_by_zero(kernel):
    km, kc = kernel
    n, tb = fail(kc, "int divide(int a, int b) {\n  return a / b;\n}\nint q = divide(1, 0);",
                 "SIGFPE")
    assert_frames(tb, [frame(n, 2, "return a / b;", "divide"),
                       frame(n, 4, "int q = divide(1, 0);")])


def test_illegal_instruction(kernel):
    km, kc = kernel
    # (tcc gives an asm statement no line of its own: a statement before it
    # on the same line does)
    n, tb = fail(kc, "volatile int traps;\nvoid trap(void) {\n  traps++; __asm__(\"ud2\");\n}\n"
                     "trap();", "SIGILL")
    assert_frames(tb, [frame(n, 3, 'traps++; __asm__("ud2");', "trap"), frame(n, 5, "trap();")])


def test_abort_and_failed_assert(kernel):
    km, kc = kernel
    n, tb = fail(kc, "void give_up(void) { abort(); }\n\ngive_up();", "SIGABRT")
    assert_frames(tb, [frame(n, 1, "void give_up(void) { abort(); }", "give_up"),
                       frame(n, 3, "give_up();")])
    assert not any(l.strip() == "in abort" for l in tb)
    a = define(kc, "#include <assert.h>\nvoid positive(int v) {\n  assert(v > 0);\n}")
    n, tb = fail(kc, "positive(1);\npositive(-1);", "SIGABRT")
    assert_frames(tb, [frame(a, 3, "assert(v > 0);", "positive"), frame(n, 2, "positive(-1);")])


def test_exit_names_where_it_was_called(kernel):
    km, kc = kernel
    a = define(kc, "void finish(int code) {\n  if (code) exit(code);\n}")
    n, tb = fail(kc, "finish(0);\nfinish(3);", "SystemExit")
    assert_frames(tb, [frame(a, 2, "if (code) exit(code);", "finish"), frame(n, 2, "finish(3);")])


def test_stack_overflow_shows_both_ends_of_the_recursion(kernel):
    km, kc = kernel
    n, tb = fail(kc, "int deep(int n) {\n  volatile char pad[64]; pad[0] = n;\n"
                     "  return deep(n + 1) + pad[0];\n}\ndeep(0);", "SIGSEGV")
    frames = [l for l in tb if l.startswith("  In [")]
    assert all(", in deep:" in l for l in frames[:-1]), tb
    assert frames[-1].startswith("  In [%d], line 5:" % n), tb
    more = [l for l in tb if "more frames in deep" in l]
    assert len(more) == 1 and int(re.search(r"(\d+) more", more[0]).group(1)) > 1000, tb
    assert len(tb) < 12, "a stack overflow is summed up, not listed"


def test_recursion_1000_deep(kernel):
    km, kc = kernel
    a = define(kc, "int recurse(int n) {\n  if (n == 0)\n    return *(volatile int *)0;\n"
                   "  return recurse(n - 1) + 1;\n}")
    n, tb = fail(kc, "recurse(999);", "SIGSEGV")
    assert_frames(tb, [frame(a, 3, "return *(volatile int *)0;", "recurse"),
                       frame(a, 4, "return recurse(n - 1) + 1;", "recurse"),
                       frame(a, 4, "return recurse(n - 1) + 1;", "recurse"),
                       frame(a, 4, "return recurse(n - 1) + 1;", "recurse"),
                       frame(n, 1, "recurse(999);")])
    assert tb[3] == "  \u2026 996 more frames in recurse \u2026", tb


def test_redefined_function_names_the_new_cell(kernel):
    km, kc = kernel
    a = define(kc, "int shaky(int *p) {\n  return p[0];\n}")
    b = define(kc, "int caller(int *p) {\n  return shaky(p) + 1;\n}")
    c = define(kc, "int shaky(int *p) {\n  int k = 2;\n  return p[k];\n}")
    n, tb = fail(kc, "caller(NULL);", "SIGSEGV")
    assert_frames(tb, [frame(c, 3, "return p[k];", "shaky"),
                       frame(b, 2, "return shaky(p) + 1;", "caller"),
                       frame(n, 1, "caller(NULL);")])
    assert a < b < c < n


def test_frames_through_a_libseli_callback(kernel):
    km, kc = kernel
    a = define(kc, "seli_tensor *bad_objective(seli_tensor *const *params, void *ctx) {\n"
                   "  (void)ctx;\n"
                   "  return seli_matmul(params[0], seli_zeros(SELI_SHAPE(2, 2)));\n"
                   "}\n"
                   "seli_tensor *theta;\n"
                   "theta = seli_requires_grad(seli_tensor_new(SELI_SHAPE(3)));\n"
                   "seli_module *opt = seli_opt_adam(0.1);")
    n, tb = fail(kc, "seli_minimize_tensors(opt, bad_objective, 1, &theta, NULL);", "SeliError")
    assert tb.index("  in seli_matmul") < tb.index("  in seli_minimize_tensors"), tb
    assert_frames(tb, [frame(a, 3, "return seli_matmul(params[0], seli_zeros(SELI_SHAPE(2, 2)));", "bad_objective"),
                       frame(n, 1, "seli_minimize_tensors(opt, bad_objective, 1, &theta, NULL);")])


def test_interrupt_names_where_the_cell_was(kernel):
    km, kc = kernel
    a = define(kc, "volatile long spins;\nvoid spin(void) {\n  for (;;)\n    spins++;\n}")
    msg_id = kc.execute("spins = 0;\nspin();")
    time.sleep(0.5)
    km.interrupt_kernel()
    error, count = None, None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=20)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            error = msg["content"]
        if msg["msg_type"] == "execute_input":
            count = msg["content"]["execution_count"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    assert error and error["ename"] == "KeyboardInterrupt", error
    tb = [ANSI.sub("", line) for line in error["traceback"]]
    frames = [l for l in tb if l.startswith("  In [")]
    assert len(frames) == 2, tb
    assert re.match(r"  In \[%d\], line [34], in spin:" % a, frames[0]), tb
    assert frames[1].startswith("  In [%d], line 2:" % count), tb
    assert frames[1].endswith("spin();")


def interrupt_traceback(km, kc, code, delay):
    """Run code, interrupt it after delay seconds; the error's traceback
    without colours."""
    error = harness.interrupt(km, kc, code, delay)
    assert error and error["ename"] == "KeyboardInterrupt", error
    tb = [ANSI.sub("", line) for line in error["traceback"]]
    frames = [l for l in tb if l.startswith("  In [")]
    assert len(frames) == 2, tb
    assert re.match(r"  In \[%d\], line [34], in spin:" % a, frames[0]), tb
    assert frames[1].startswith("  In [%d], line 2:" % count), tb
    assert frames[1].endswith("spin();")


def interrupt_traceback(km, kc, code, delay):
    """Run code, interrupt it after delay seconds; the error's traceback
    without colours."""
    msg_id = kc.execute(code)
    time.sleep(delay)
    km.interrupt_kernel()
    error = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=20)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            error = msg["content"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    assert error and error["ename"] == "KeyboardInterrupt", error
    return [ANSI.sub("", line) for line in error["traceback"]]


def test_an_interrupt_between_frames_loses_no_caller(kernel):
    """Stopped in a function's prologue or at its ret, or in the jump stub
    of a call, a function has no frame of its own: its caller must still
    show.  (Interrupts land at random instructions: 30 of them.)"""
    km, kc = kernel
    a = define(kc, "int tiny(int x) { return x + 1; }\nvolatile int v;\n"
                   "void spin2(void) {\n  for (;;) v = tiny(v);\n}")
    for _ in range(30):
        tb = interrupt_traceback(km, kc, "spin2();", 0.05)
        frames = [l for l in tb if l.startswith("  In [")]
        if len(frames) == 3:
            assert frames[0].startswith("  In [%d], line 1, in tiny:" % a), tb
        assert len(frames) in (2, 3), tb
        assert frames[-2].startswith("  In [%d], line 4, in spin2:" % a), tb
        assert frames[-1].endswith("spin2();"), tb


def test_interrupt_inside_libseli_names_the_call(kernel):
    """Stopped at libseli's safe point (or in the cell's own loop): the
    frames of the cell's function and of the cell either way."""
    km, kc = kernel
    a = define(kc, "void churn(void) {\n  seli_tensor *z = seli_zeros(SELI_SHAPE(64));\n"
                   "  for (;;) {\n    seli_scope_begin();\n    seli_add(z, z);\n"
                   "    seli_scope_end();\n  }\n}")
    tb = interrupt_traceback(km, kc, "int before = 1;\nchurn();", 0.3)
    frames = [l for l in tb if l.startswith("  In [")]
    assert len(frames) == 2, tb
    assert re.match(r"  In \[%d\], line [3-6], in churn:" % a, frames[0]), tb
    assert frames[1].endswith("churn();") and ", line 2:" in frames[1], tb
    calls = [l.strip() for l in tb if l.startswith("  in ")]
    assert calls in ([], ["in seli_add"], ["in seli_scope_begin"], ["in seli_scope_end"]), tb


def test_a_function_declared_but_not_defined_shows_its_caller(kernel):
    km, kc = kernel
    a = define(kc, "int later(int);\nint uses_later(int x) {\n  return later(x) + 1;\n}")
    n, tb = fail(kc, "uses_later(2);", "LinkError")
    assert_frames(tb, [frame(a, 3, "return later(x) + 1;", "uses_later"),
                       frame(n, 1, "uses_later(2);")])
