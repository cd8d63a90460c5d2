"""seli-kernel against jupyter_kernel_test: every attribute filled, so each
of its tests runs (none is skipped) and checks the messages against the
message specification."""

import os
import sys
import unittest

import jupyter_kernel_test

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class SeliKernelTests(jupyter_kernel_test.KernelTests):
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

    # Names no other completion can start with: a C keyword and a libseli name.
    completion_samples = [
        {"text": "whil", "matches": {"while"}},
        {"text": "seli_set_si", "matches": {"seli_set_sink"}},
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


if __name__ == "__main__":
    unittest.main()
