"""seli-kernel against jupyter_kernel_test (0.7, pinned in build/venv).

Every attribute of its test classes is filled, so each of its tests runs
and checks the messages against the message specification; the last test
of this module fails if any of them was skipped (a whole test, or a subtest
such as one kind of history request), did not run, or if the installed
jupyter_kernel_test has a test class or an attribute this module does not
fill.
"""

import os
import signal
import sys
import unittest

import jupyter_kernel_test

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# (class name, test name) -> the skips noted while it ran, for each
# jupyter_kernel_test test that ran in this process.
RUNS = {}


class _SkipNotingResult:
    """A unittest result that hands everything to the real one and notes
    each skip (of a test or of a subtest) in skips."""

    def __init__(self, result, skips):
        self._result = result
        self._skips = skips

    def addSkip(self, test, reason, *args, **kwargs):
        self._skips.append("%s: %s" % (test.id(), reason))
        return self._result.addSkip(test, reason, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._result, name)


class NotesSkips:
    """Mixin for a unittest.TestCase: notes in RUNS that each test ran, and
    what it skipped."""

    def run(self, result=None):
        skips = RUNS.setdefault((type(self).__name__, self._testMethodName), [])
        if result is None:
            result = self.defaultTestResult()
        return super().run(_SkipNotingResult(result, skips))


class SeliKernelTests(NotesSkips, jupyter_kernel_test.KernelTests):
    kernel_name = harness.KERNEL_NAME

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = harness.start_kernel()

    @classmethod
    def tearDownClass(cls):
        harness.stop_kernel(cls.km, cls.kc)

    language_name = "c"
    file_extension = ".c"

    code_hello_world = 'printf("hello, world\\n");'
    code_stderr = 'fprintf(stderr, "to stderr\\n");'

    # Names no other completion can start with: a C keyword, a libseli name,
    # and names the cell being completed declares before the cursor (a
    # global, then a parameter and a local of the function being written).
    completion_samples = [
        {"text": "whil", "matches": {"while"}},
        {"text": "seli_set_si", "matches": {"seli_set_sink"}},
        {"text": "int zq_local = 1; zq_lo", "matches": {"zq_local"}},
        {"text": "int zq_f(int zq_param) {\n    int zq_count = zq_param;\n    return zq_",
         "matches": {"zq_f", "zq_param", "zq_count"}},
    ]

    complete_code_samples = [
        "int x = 1;",
        'printf("{ (");',
        "/* { */ int y = 2;",
        "for (int i = 0; i < 3; i++) { x += i; }",
    ]
    incomplete_code_samples = [
        "int f(void) {",
        "for (int i = 0; i < 3; i++) {",
        'printf("%d\\n", (1 + 2)',
        "/* an open comment",
    ]
    invalid_code_samples = ["}", "int x = 1; }"]

    code_page_something = "?seli_display"

    code_generate_error = "this is not C;"

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "1 + 2", "result": "3"},
    ]

    code_display_data = [
        {"code": 'seli_display("text/html", "<b>seli</b>");', "mime": "text/html"},
        {
            "code": 'seli_display("image/svg+xml", '
                    '"<svg xmlns=\\"http://www.w3.org/2000/svg\\" width=\\"4\\" height=\\"4\\"/>");',
            "mime": "image/svg+xml",
        },
    ]

    # Matches "6 * 7" (and nothing else this test runs); IPython's GLOB syntax.
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "seli_display"

    code_clear_output = "seli_clear_output(0);"


class SeliIopubWelcomeTests(NotesSkips, jupyter_kernel_test.IopubWelcomeTests):
    """The first iopub message a new subscriber gets is iopub_welcome (JEP 65)."""

    kernel_name = harness.KERNEL_NAME
    support_iopub_welcome = True

    @classmethod
    def setUpClass(cls):
        harness.install_temp_kernelspec()
        super().setUpClass()

    # The test waits for an iopub message without a timeout: bound the wait.
    def setUp(self):
        def timeout(signum, frame):
            raise TimeoutError("no iopub message within 60 s")

        self._old_alarm = signal.signal(signal.SIGALRM, timeout)
        signal.alarm(60)

    def tearDown(self):
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self._old_alarm)


# Each test class of the installed jupyter_kernel_test, and ours.
OURS = {
    jupyter_kernel_test.KernelTests: SeliKernelTests,
    jupyter_kernel_test.IopubWelcomeTests: SeliIopubWelcomeTests,
}


def test_every_jupyter_kernel_test_test_ran_and_none_was_skipped(request):
    upstream = [c for c in vars(jupyter_kernel_test).values()
                if isinstance(c, type) and issubclass(c, unittest.TestCase)
                and c.__module__.startswith(jupyter_kernel_test.__name__)]
    missing = [c.__name__ for c in upstream if c not in OURS]
    assert not missing, "jupyter_kernel_test test classes without a subclass here: %s" % missing

    # Every attribute a test reads is filled: the base class leaves them
    # empty ("", [], (), False), and an empty one skips its test.
    unfilled = ["%s.%s" % (ours.__name__, name)
                for base, ours in OURS.items()
                for name, value in vars(base).items()
                if not name.startswith("_") and not callable(value) and not value
                and not getattr(ours, name)]
    assert not unfilled, "attributes left empty: %s" % unfilled
    for ours in OURS.values():
        assert ours.kernel_name == harness.KERNEL_NAME

    # Every jupyter_kernel_test test this session selected ran, and skipped nothing.
    loader = unittest.TestLoader()
    expected = {(ours.__name__, name)
                for ours in OURS.values() for name in loader.getTestCaseNames(ours)}
    selected = {(item.cls.__name__, item.name) for item in request.session.items
                if getattr(item, "cls", None) in OURS.values()}
    assert selected, "no jupyter_kernel_test test was selected: run the whole module"
    assert selected <= expected, selected - expected
    not_run = sorted(selected - set(RUNS))
    assert not not_run, "selected but never ran (skipped before they started?): %s" % not_run
    skipped = [skip for key in sorted(selected) for skip in RUNS[key]]
    assert not skipped, "jupyter_kernel_test skipped: %s" % skipped


if __name__ == "__main__":
    unittest.main()
