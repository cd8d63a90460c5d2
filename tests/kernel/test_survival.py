"""test_survival.py: the kernel survives every fault a cell can cause.

For each fault, a cell first stores values (an int, a double array, a heap
tensor, a trained-looking model and a function), the fault happens, and a
later cell reads them all back and gets the same values; libseli still
computes, no scope or no-grad region is left open, and the kernel answers as
fast as before.

Faults: a NULL dereference, a wild write, abort(), a failed assert, integer
division by zero, a stack overflow, exit(3), an interrupted endless loop, an
interrupted long libseli call (one huge matmul, a loop of matmuls, a training
loop), crashes and interrupts while a figure or a progress bar is being sent,
and five faults in a row.

exit(): a cell that calls exit(), _exit(), _Exit() or quick_exit() must end
with an error (ename "SystemExit", evalue "the cell called exit(3)") and the
kernel keeps the session, as IPython does for sys.exit().  The kernel
implements this by binding those names, in cell code only, to guard_exit,
which unwinds the cell like a fault.  From a thread the cell started they end
that thread only.
"""

import os
import re
import statistics
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

STATE = r"""
#include <assert.h>
#include <unistd.h>
int survivor_count = 17;
double survivor_values[4] = {0.5, 1.5, 2.5, 3.5};
seli_tensor *survivor_tensor = NULL;
seli_module *survivor_model = NULL;
double survivor_fn(double x) { return 3 * x + 1; }
survivor_tensor = seli_tensor_new(SELI_SHAPE(2, 2));
for (int i = 0; i < 4; i++) survivor_tensor->data[i] = (float)(i * i);
survivor_model = seli_set_rngs(seli_net_mlp(2, (int[]){16, 1}, seli_net_tanh), 3);
seli_call(survivor_model, seli_ones(SELI_SHAPE(1, 2)));
"""

# Reads every survivor back, and checks libseli and the unwinding.
PROBE = r"""
printf("%d %g %g %g %g %g|%d %d|%.6f|%g\n", survivor_count,
       survivor_values[0], survivor_values[3], seli_item(seli_sum_all(survivor_tensor)),
       survivor_fn(2), (double)seli_module_param_count(survivor_model),
       seli_scope_depth(), seli_no_grad_depth(),
       seli_item(seli_sum_all(seli_call(survivor_model, seli_ones(SELI_SHAPE(1, 2))))),
       seli_item(seli_sum_all(seli_matmul(seli_ones(SELI_SHAPE(8, 8)), seli_ones(SELI_SHAPE(8, 8))))));
"""

FAULTS = {
    "null_dereference": ("int *nowhere = NULL;\n*nowhere = 5;\nsurvivor_count = 99;   /* not reached */",
                         "SIGSEGV"),
    "wild_write": ("char *wild = (char *)0xdead0000L;\nfor (int i = 0; i < 4096; i++) wild[i * 64] = 1;",
                   "SIGSEGV"),
    "abort": ('printf("about to abort\\n");\nabort();', "SIGABRT"),
    "failed_assert": ("assert(survivor_count == 0);", "SIGABRT"),
    "integer_division_by_zero": ("volatile int zero = 0;\nint ratio = survivor_count / zero;", "SIGFPE"),
    "integer_overflow_division": ("volatile int minus_one = -1;\nvolatile int smallest = -2147483647 - 1;\n"
                                  "int q = smallest / minus_one;", "SIGFPE"),
    "stack_overflow": ("int deep(int d) { volatile char pad[1024]; pad[d % 1024] = (char)d;\n"
                       "    return deep(d + 1) + pad[0]; }\ndeep(0);", "SIGSEGV"),
    "stack_overflow_by_alloca": ("{\n    volatile char big[64 << 20];   /* a local: on the stack */\n    big[0] = 1;\n}",
                                 "SIGSEGV"),
    "fault_inside_libseli": ("seli_tensor fake = {0};\nfake.size = 1 << 30; fake.ndim = 1; fake.shape[0] = 1 << 30;\n"
                             "fake.flags = SELI_HEAP; fake.data = (float *)16;\nseli_sum_all(&fake);",
                             "SIGSEGV"),
}


@pytest.fixture(scope="module")
def kernel():
    km, kc = harness.start_kernel()
    ex = harness.execute(kc, STATE)
    assert ex.status == "ok", ex
    expected = harness.execute(kc, PROBE)
    assert expected.status == "ok", expected
    yield km, kc, expected.stdout
    harness.stop_kernel(km, kc)


@pytest.fixture
def fresh():
    """A kernel of its own, for faults that may break it for good."""
    km, kc = harness.start_kernel()
    ex = harness.execute(kc, STATE)
    assert ex.status == "ok", ex
    expected = harness.execute(kc, PROBE)
    assert expected.status == "ok", expected
    yield km, kc, expected.stdout
    if km.is_alive():
        km.shutdown_kernel(now=True)
    kc.stop_channels()


OPENBLAS_XFAIL = pytest.mark.xfail(
    strict=True,
    reason="an interrupt forced after GUARD_FORCE_MS jumps out of OpenBLAS while its worker "
           "threads run; the next threaded matmul then waits forever.  Needs libseli to stop "
           "at safe points (a flag checked by seli__alloc and between row blocks of a large "
           "matmul) and guard.c not to force the jump inside libseli/OpenBLAS; remove this "
           "marker when it lands")


# The same cause, when whether the interrupt lands inside OpenBLAS is a matter of timing.
OPENBLAS_MAYBE = pytest.mark.xfail(strict=False, reason=OPENBLAS_XFAIL.kwargs["reason"])


def probe(km, kc, expected, what):
    assert km.is_alive(), "the kernel died after %s" % what
    ex = harness.execute(kc, PROBE, timeout=20)
    assert ex.status == "ok", (what, ex)
    assert ex.stdout == expected, "after %s the state changed: %r != %r" % (what, ex.stdout, expected)


def interrupt_during(km, kc, code, delay=0.7, how="message"):
    """Run code, interrupt it after delay seconds; returns (error, seconds
    from the interrupt to the idle status, the Execution-like reply)."""
    msg_id = kc.execute(code)
    time.sleep(delay)
    sent = time.monotonic()
    if how == "message":
        km.interrupt_kernel()
    else:
        os.kill(km.provisioner.process.pid, 2)
    error, msgs = None, []
    deadline = time.monotonic() + 20
    while True:
        left = deadline - time.monotonic()
        assert left > 0, "no idle status within 20 s of the interrupt; kernel alive: %s" % km.is_alive()
        try:
            msg = kc.get_iopub_msg(timeout=min(left, 1))
        except Exception:
            assert km.is_alive(), "the kernel died when interrupted"
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(msg)
        if msg["msg_type"] == "error":
            error = msg["content"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    elapsed = time.monotonic() - sent
    while True:
        reply = kc.get_shell_msg(timeout=10)
        if reply["parent_header"].get("msg_id") == msg_id:
            return error, elapsed, reply["content"], msgs


# ----------------------------------------------------------------- faults


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_ends_the_cell_and_later_cells_read_earlier_values(kernel, name):
    km, kc, expected = kernel
    code, ename = FAULTS[name]
    ex = harness.execute(kc, code, timeout=20)
    assert ex.status == "error", ex
    assert ex.error["ename"] == ename, ex
    assert ex.reply["ename"] == ename
    assert any("intact" in line for line in ex.error["traceback"]), ex.error
    probe(km, kc, expected, name)


def test_output_before_a_fault_reaches_the_client(kernel):
    km, kc, expected = kernel
    ex = harness.execute(kc, 'printf("partial line, then ");\nfprintf(stderr, "err\\n");\n'
                             'int *p0 = NULL; *p0 = 1;')
    assert ex.error["ename"] == "SIGSEGV"
    assert ex.stdout == "partial line, then "
    assert ex.stderr == "err\n"
    probe(km, kc, expected, "a fault after output")


def test_failed_assert_names_the_condition(kernel):
    km, kc, expected = kernel
    ex = harness.execute(kc, "assert(survivor_count == 0);")
    assert ex.error["ename"] == "SIGABRT"
    assert "survivor_count == 0" in ex.stderr
    probe(km, kc, expected, "a failed assert")


def test_a_crashed_cell_can_be_fixed_and_rerun(kernel):
    km, kc, expected = kernel
    bad = harness.execute(kc, "double broken_mean(const double *v, int n) { double s = 0;\n"
                              "  for (int i = 0; i <= n * 100000000; i++) s += v[i]; return s / n; }\n"
                              "broken_mean(survivor_values, 4)")
    assert bad.error["ename"] in ("SIGSEGV", "SIGBUS")
    good = harness.execute(kc, "double broken_mean(const double *v, int n) { double s = 0;\n"
                               "  for (int i = 0; i < n; i++) s += v[i]; return s / n; }\n"
                               "broken_mean(survivor_values, 4)")
    assert good.status == "ok" and good.result["text/plain"] == "2", good
    probe(km, kc, expected, "a fixed cell")


def test_heap_corruption_never_leaves_a_hung_kernel():
    """A cell overwrites the size of the heap's top chunk, so glibc aborts
    inside the next large malloc while it holds the arena's lock.  No
    process can promise to survive that; the kernel must then either keep
    working or exit (the client restarts it), never hang with a live
    heartbeat.  (Before the heap check, the kernel hung here every time.)"""
    km, kc = harness.start_kernel()
    try:
        code = ("size_t malloc_usable_size(void *);\n"
                "char *big = malloc(100000);\n"
                "*(size_t *)(big + malloc_usable_size(big)) = ~(size_t)15; /* the top chunk */\n"
                "char *more = malloc(60000);")
        try:
            ex = harness.execute(kc, code, timeout=10)
        except TimeoutError as e:  # the kernel may have exited: checked below
            ex = e
        deadline = time.monotonic() + 15
        answered = False
        while time.monotonic() < deadline and km.is_alive() and not answered:
            try:
                after = harness.execute(kc, "6 * 7", timeout=3)
                answered = after.status == "ok" and after.result["text/plain"] == "42"
            except TimeoutError:
                pass
        assert answered or not km.is_alive(), \
            "the kernel hangs after heap corruption (first cell: %r)" % (ex,)
    finally:
        if km.is_alive():
            km.shutdown_kernel(now=True)
        kc.stop_channels()


# ------------------------------------------------------------------- exit


def _run_exit_cell(code):
    km, kc = harness.start_kernel()
    try:
        assert harness.execute(kc, "int before_exit = 5;").status == "ok"
        try:
            ex = harness.execute(kc, code, timeout=10)
        except TimeoutError:
            pytest.fail("no reply to %r; the kernel %s" % (
                code, "is alive but silent" if km.is_alive() else "process exited"))
        assert km.is_alive(), "the kernel exited"
        after = harness.execute(kc, "before_exit * 2")
        return ex, after
    finally:
        harness.stop_kernel(km, kc)


@pytest.mark.parametrize("code, status", [
    ('printf("bye\\n");\nexit(3);', 3),
    ("void quit_now(void) { _exit(0); }\nquit_now();", 0),
])
def test_exit_ends_the_cell_not_the_session(code, status):
    ex, after = _run_exit_cell(code)
    assert ex.status == "error"
    assert ex.error["ename"] == "SystemExit"
    assert "exit(%d)" % status in ex.error["evalue"]
    assert after.status == "ok" and after.result["text/plain"] == "10"


def test_exit_in_a_thread_the_cell_started_ends_that_thread_only():
    """exit() from a thread the cell started ends that thread (as
    sys.exit() does in a Python thread), says so, and the cell goes on."""
    km, kc = harness.start_kernel()
    try:
        assert harness.execute(kc, "int before_exit = 5;").status == "ok"
        ex = harness.execute(kc, "#include <pthread.h>\n"
                                 "void *leave(void *arg) { (void)arg; exit(3); return NULL; }\n"
                                 "pthread_t quitter;\n"
                                 "pthread_create(&quitter, NULL, leave, NULL);\n"
                                 "pthread_join(quitter, NULL);\n"
                                 "printf(\"after the thread\\n\");", timeout=20)
        assert km.is_alive(), "the kernel exited"
        assert ex.status == "ok", ex
        assert ex.stdout == "after the thread\n"
        assert "exit(3) in a thread the cell started ends that thread" in ex.stderr
        after = harness.execute(kc, "before_exit * 2")
        assert after.status == "ok" and after.result["text/plain"] == "10"
    finally:
        harness.stop_kernel(km, kc)


# ------------------------------------------------------------- interrupts


@pytest.mark.parametrize("how", ["message", "signal"])
def test_interrupted_endless_loop_keeps_the_state(kernel, how):
    km, kc, expected = kernel
    error, elapsed, reply, _ = interrupt_during(km, kc, "volatile long spins = 0;\nfor (;;) spins++;",
                                                how=how)
    assert error and error["ename"] == "KeyboardInterrupt"
    assert reply["status"] == "error"
    assert elapsed < 2.0
    probe(km, kc, expected, "an interrupted loop (%s)" % how)


def test_interrupted_single_huge_matmul_inside_libseli(fresh):
    """One call that stays in libseli (OpenBLAS) for many seconds: the
    interrupt must be forced there, and OpenBLAS must still work after."""
    km, kc, expected = fresh
    setup = harness.execute(kc, "seli_tensor *big_a = NULL, *big_b = NULL;\n"
                                "big_a = seli_tensor_new(SELI_SHAPE(6000, 6000));\n"
                                "big_b = seli_tensor_new(SELI_SHAPE(6000, 6000));")
    assert setup.status == "ok", setup
    error, elapsed, reply, _ = interrupt_during(km, kc, "seli_tensor *product = seli_matmul(big_a, big_b);",
                                                delay=0.5)
    assert error and error["ename"] == "KeyboardInterrupt", error
    assert elapsed < 3.0
    probe(km, kc, expected, "an interrupted huge matmul")
    # A medium matmul, on OpenBLAS's threads, still gives the right answer.
    ex = harness.execute(kc, "seli_item(seli_sum_all(seli_matmul(seli_ones(SELI_SHAPE(300, 300)), "
                             "seli_ones(SELI_SHAPE(300, 300)))))", timeout=20)
    assert ex.status == "ok" and ex.result["text/plain"] == "27000000", ex
    harness.execute(kc, "seli_tensor_free(big_a); seli_tensor_free(big_b); big_a = big_b = NULL;")


def test_interrupted_loop_of_matmuls_in_scopes(fresh):
    km, kc, expected = fresh
    code = ("seli_tensor *ma = seli_ones(SELI_SHAPE(400, 400));\n"
            "for (long step = 0;; step++) {\n"
            "    seli_scope_begin();\n"
            "    seli_tensor *mb = seli_matmul(ma, ma);\n"
            "    seli_no_grad_begin();\n"
            "    seli_tanh(mb);\n"
            "    seli_no_grad_end();\n"
            "    seli_scope_end();\n"
            "}")
    for _ in range(3):
        error, elapsed, _, _ = interrupt_during(km, kc, code)
        assert error and error["ename"] == "KeyboardInterrupt"
        assert elapsed < 3.0
        probe(km, kc, expected, "an interrupted matmul loop")
        ex = harness.execute(kc, "seli_item(seli_mean_all(seli_matmul(seli_ones(SELI_SHAPE(300, 300)), "
                                 "seli_ones(SELI_SHAPE(300, 300)))))", timeout=20)
        assert ex.status == "ok" and ex.result["text/plain"] == "300", ex


def test_interrupted_training_keeps_a_usable_model(fresh):
    km, kc, expected = fresh
    ok = harness.execute(kc, "seli_module *trained = NULL, *trainer = NULL;\n"
                             "trained = seli_set_rngs(seli_net_mlp(3, (int[]){128, 128, 1}, seli_net_gelu), 9);\n"
                             "trainer = seli_opt_adam(1e-3);\n"
                             "seli_tensor *tx = NULL, *ty = NULL;\n"
                             "tx = seli_keep(seli_normal(seli_seed(1), SELI_SHAPE(256, 1)));\n"
                             "ty = seli_keep(seli_sin(tx));\n"
                             "long steps_done = 0;")
    assert ok.status == "ok", ok
    error, elapsed, _, _ = interrupt_during(
        km, kc, "for (;;) { seli_minimize_v(trainer, seli_loss_mse, trained, ty, tx); steps_done++; }",
        delay=1.0)
    assert error and error["ename"] == "KeyboardInterrupt"
    assert elapsed < 3.0
    probe(km, kc, expected, "interrupted training")
    ex = harness.execute(kc, "float after_loss = seli_minimize_v(trainer, seli_loss_mse, trained, ty, tx);\n"
                             'printf("%ld %d %d\\n", steps_done, after_loss == after_loss && after_loss < 1e30f, seli_scope_depth());')
    assert ex.status == "ok", ex
    steps, finite, depth = ex.stdout.split()
    assert int(steps) > 10 and finite == "1" and depth == "0"


# ---------------------------------------------------- displays half sent


def _svgs(msgs):
    return [m["content"]["data"]["image/svg+xml"] for m in msgs
            if m["msg_type"] in ("display_data", "update_display_data")
            and "image/svg+xml" in m["content"]["data"]]


FIGURE = r"""
seli_figure *fig_h = seli_figure_new(4, 3);
seli_axes *ax_h = seli_subplot(fig_h, 1, 1, 0);
seli_tensor *xs_h = seli_linspace(-3, 3, 2000);
seli_line(ax_h, xs_h, seli_sin(xs_h), NULL);
seli_scatter(ax_h, xs_h, seli_cos(xs_h), NULL);
"""


def test_crash_right_after_a_figure_and_a_progress_bar(fresh):
    km, kc, expected = fresh
    ex = harness.execute(kc, FIGURE + "seli_figure_show(fig_h);\n"
                         'seli_progress *bar_h = seli_progress_new(100, "half");\n'
                         "for (int i = 0; i < 50; i++) seli_progress_step(bar_h);\n"
                         "int *crash_h = NULL; *crash_h = 1;")
    assert ex.error["ename"] == "SIGSEGV"
    svgs = _svgs(ex.msgs)
    assert len(svgs) == 1 and svgs[0].rstrip().endswith("</svg>")
    probe(km, kc, expected, "a crash after a figure and a progress bar")
    # Figures and progress bars still work, with display ids of their own.
    ex = harness.execute(kc, FIGURE + "seli_figure_show(fig_h); seli_figure_free(fig_h);\n"
                         'seli_progress *bar_ok = seli_progress_new(3, "ok");\n'
                         "for (int i = 0; i < 3; i++) seli_progress_step(bar_ok);\n"
                         "seli_progress_close(bar_ok);")
    assert ex.status == "ok", ex
    assert len(_svgs(ex.msgs)) == 1
    assert any("3/3" in m["content"]["data"].get("text/plain", "") for m in ex.displays), ex.displays


@pytest.mark.parametrize("what", ["figures", "progress", "print"])
def test_interrupt_while_displays_stream(fresh, what):
    """Interrupt a cell that spends its time producing output, so the
    interrupt is likely to land inside libseli's SVG writer, the display
    sink, or stdout capture; every message that arrives is whole.  The
    idle status waits only for the output already queued, which the
    producers keep under 64 messages (back-pressure in capture.c and
    sink.c), so it comes within 2 s (the interrupt bound) plus a margin."""
    km, kc, expected = fresh
    body = {
        "figures": FIGURE + "for (;;) seli_figure_show(fig_h);",
        "progress": 'seli_progress *bar_s = seli_progress_new(0, "spin");\n'
                    "for (;;) { seli_progress_postfix(bar_s, \"x=%d\", 1); seli_progress_step(bar_s); }",
        "print": 'for (long i = 0;; i++) printf("line %ld of a long stream of output\\n", i);',
    }[what]
    error, elapsed, _, msgs = interrupt_during(km, kc, body, delay=1.0)
    assert error and error["ename"] == "KeyboardInterrupt"
    assert elapsed < 4.0, "idle came %.1f s after the interrupt" % elapsed
    for svg in _svgs(msgs):
        assert svg.rstrip().endswith("</svg>")
    if what == "print":
        text = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
        assert re.match(r"(line \d+ of a long stream of output\n)+", text)
    probe(km, kc, expected, "an interrupt while %s stream" % what)
    ex = harness.execute(kc, FIGURE + "seli_figure_show(fig_h);\nprintf(\"after\\n\");")
    assert ex.status == "ok" and ex.stdout == "after\n" and len(_svgs(ex.msgs)) == 1, ex


# ------------------------------------------------------ five in a row


def _round_trips(kc, n=30):
    times = []
    for i in range(n):
        t = time.monotonic()
        ex = harness.execute(kc, "survivor_count + %d" % i)
        times.append(time.monotonic() - t)
        assert ex.result["text/plain"] == str(17 + i)
    return statistics.median(times)


def test_five_faults_in_a_row_do_not_degrade_the_kernel(kernel):
    km, kc, expected = kernel
    before = _round_trips(kc)
    for name in ["null_dereference", "abort", "integer_division_by_zero", "stack_overflow",
                 "wild_write"]:
        code, ename = FAULTS[name]
        ex = harness.execute(kc, code)
        assert ex.error["ename"] == ename
    error, _, _, _ = interrupt_during(km, kc, "for (;;);", delay=0.3)
    assert error["ename"] == "KeyboardInterrupt"
    probe(km, kc, expected, "five faults in a row")
    after = _round_trips(kc)
    assert after < max(2 * before, before + 0.02), (before, after)
    # The faults still end as they did the first time.
    for name in ["null_dereference", "stack_overflow"]:
        code, ename = FAULTS[name]
        assert harness.execute(kc, code).error["ename"] == ename
    probe(km, kc, expected, "seven faults")
