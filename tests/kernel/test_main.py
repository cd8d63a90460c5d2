"""test_main.py: a cell that defines main() runs it, as a C program would.

Through the real kernel and jupyter_client: main runs once right after the
cell compiles, with argc and argv (argv[0] "main", the rest from %args);
its output streams; a non-zero return is a line, not an error; exit()
inside main ends the run with SystemExit and keeps the session; a later
cell may redefine main; a cell that is only `main();` runs the current
definition.
"""

import os
import sys


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


ok = harness.ok


PROGRAM = """#include <stdio.h>
#include <string.h>

static int twice(int v) { return 2 * v; }

int main(int argc, char **argv)
{
    printf("argc=%d argv0=%s twice=%d\\n", argc, argv[0], twice(21));
    for (int i = 1; i < argc; i++)
        printf("arg %d: %s\\n", i, argv[i]);
    return 0;
}
"""


def test_a_pasted_program_runs_its_main_once(kc):
    ex = ok(kc, PROGRAM)
    assert ex.stdout == "argc=1 argv0=main twice=42\n"
    assert ex.result is None


def test_args_magic_sets_the_arguments_of_the_next_main(kc):
    ex = ok(kc, '%args alpha "two words" 3\n' + PROGRAM)
    assert ex.stdout.endswith("argc=4 argv0=main twice=42\n"
                              "arg 1: alpha\narg 2: two words\narg 3: 3\n")
    # They stay for the runs after it, until %args changes them.
    assert ok(kc, "main();").stdout == ("argc=4 argv0=main twice=42\n"
                                        "arg 1: alpha\narg 2: two words\narg 3: 3\n")
    ok(kc, "%args")
    assert ok(kc, "main();").stdout == "argc=1 argv0=main twice=42\n"


def test_a_non_zero_return_is_a_line_not_an_error(kc):
    ex = ok(kc, 'int main(void) { printf("working\\n"); return 3; }')
    assert ex.stdout == "working\nmain returned 3\n"
    assert ex.reply["status"] == "ok"


def test_a_void_main_reports_no_return_value(kc):
    ex = ok(kc, 'void main(void) { printf("void main\\n"); }')
    assert ex.stdout == "void main\n"


def test_exit_inside_main_ends_the_run_and_keeps_the_session(kc):
    ok(kc, "int kept_by_exit = 11;")
    ex = harness.execute(kc, 'int main(void) { printf("leaving\\n"); exit(4); }')
    assert ex.stdout == "leaving\n"
    assert ex.status == "error"
    assert ex.error["ename"] == "SystemExit"
    assert "exit(4)" in ex.error["evalue"]
    assert ok(kc, "kept_by_exit").result["text/plain"] == "11"


def test_main_is_redefined_by_a_later_cell_and_main_call_runs_the_current_one(kc):
    ok(kc, 'int main(void) { printf("first\\n"); return 0; }')
    ex = ok(kc, 'int main(void) { printf("second\\n"); return 0; }')
    assert ex.stdout == "second\n"
    assert ok(kc, "main();").stdout == "second\n"
    assert ok(kc, "main()").stdout == "second\n"


def test_main_runs_after_the_cells_own_statements(kc):
    ex = ok(kc, 'int order_seen = 5;\n'
                'int main(void) { printf("order_seen=%d\\n", order_seen); return 0; }')
    assert ex.stdout == "order_seen=5\n"


def test_a_function_that_is_not_main_does_not_run(kc):
    assert ok(kc, 'int not_main(void) { printf("ran\\n"); return 1; }').stdout == ""


def test_a_main_that_fails_to_compile_runs_nothing(kc):
    ok(kc, 'int main(void) { printf("good main\\n"); return 0; }')
    ex = harness.execute(kc, "int main(void) { return undefined_in_main; }")
    assert ex.error["ename"] == "CompileError"
    assert ex.stdout == ""
    assert ok(kc, "main();").stdout == "good main\n"
