"""test_magics.py: lines that start with '%' are magics.

Through the real kernel and jupyter_client: %timeit and %%timeit (IPython's
line, loops chosen automatically, a clean interrupt), %time and %%time,
%whos (text and HTML, sorted, tensors and modules), %reset -f, %link,
%args, %lsmagic; every misuse is a clear error and the session stays.
"""

import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TIMEIT = re.compile(r"^(\d[\d.]*) (ns|\u00b5s|ms|s) \u00b1 (\d[\d.e+-]*) \2 per loop "
                    r"\(mean \u00b1 std\. dev\. of (\d+) runs?, ([\d,]+) loops? each\)\n$")


@pytest.fixture(scope="module")
def kernel():
    km, kc = harness.start_kernel()
    yield km, kc
    harness.stop_kernel(km, kc)


@pytest.fixture
def kc(kernel):
    return kernel[1]


ok = harness.ok


def usage_error(kc, code, ename="UsageError"):
    ex = harness.execute(kc, code)
    assert ex.status == "error", ex
    assert ex.error["ename"] == ename, ex
    return ex.error["evalue"]


def test_timeit_chooses_the_loops_and_prints_ipythons_line(kc):
    ok(kc, "long ticks = 0;")
    ex = ok(kc, "%timeit ticks += 1;", timeout=60)
    m = TIMEIT.match(ex.stdout)
    assert m, ex.stdout
    assert m.group(4) == "7"
    loops = int(m.group(5).replace(",", ""))
    # Chosen as 1, 2, 5 times a power of ten, so that a run takes 0.2 s.
    assert re.fullmatch(r"[125]0*", str(loops)), loops
    assert loops >= 100000
    if loops >= 1000:
        assert "," in m.group(5)
    # The statement really ran: the autorange runs plus 7 runs of the loops.
    ran = int(ok(kc, "ticks").result["text/plain"])
    assert ran >= 7 * loops


def test_timeit_takes_n_and_r(kc):
    ok(kc, "long counted = 0;")
    ex = ok(kc, "%timeit -n 10 -r 3 counted += 1;")
    m = TIMEIT.match(ex.stdout)
    assert m and m.group(4) == "3" and m.group(5) == "10", ex.stdout
    assert ok(kc, "counted").result["text/plain"] == "30"
    ex = ok(kc, "%timeit -n 1 -r 1 counted += 1;")
    assert ex.stdout.endswith("(mean \u00b1 std. dev. of 1 run, 1 loop each)\n"), ex.stdout


def test_timeit_measures_the_time_the_statement_takes(kc):
    ok(kc, "#include <time.h>\n"
           "void nap_ms(long ms) { struct timespec t = {0, ms * 1000000L}; nanosleep(&t, NULL); }")
    ex = ok(kc, "%timeit -n 2 -r 2 nap_ms(20);")
    m = TIMEIT.match(ex.stdout)
    assert m and m.group(2) == "ms", ex.stdout
    assert 19 <= float(m.group(1)) < 60


def test_cell_timeit_runs_setup_then_times_the_body(kc):
    ok(kc, "int setups = 0, bodies = 0;")
    ex = ok(kc, "%%timeit -n 5 -r 2 setups++;\nbodies++;\nbodies += 0;")
    assert TIMEIT.match(ex.stdout), ex.stdout
    assert ok(kc, "setups").result["text/plain"] == "2"
    assert ok(kc, "bodies").result["text/plain"] == "10"


def test_timeit_errors_keep_their_cell_lines(kc):
    ex = harness.execute(kc, "%timeit nothing_here += 1;")
    assert ex.error["ename"] == "CompileError"
    assert ex.error["evalue"].startswith("line 1:") and "nothing_here" in ex.error["evalue"]
    ex = harness.execute(kc, "%%timeit -n 1\nint fine = 0;\nfine += nothing_there;")
    assert ex.error["evalue"].startswith("line 3:"), ex.error


def test_interrupting_timeit_is_clean(kernel):
    km, kc = kernel
    ok(kc, "int survives_timeit = 5;\nvoid forever(void) { for (;;); }")
    error = harness.interrupt(km, kc, "%timeit forever();", 0.5, timeout=10)
    assert error is not None and error["ename"] == "KeyboardInterrupt"
    assert ok(kc, "survives_timeit").result["text/plain"] == "5"


def test_timeit_misuse(kc):
    assert "positive number" in usage_error(kc, "%timeit -n x ticks;")
    assert "positive number" in usage_error(kc, "%timeit -r 0 ticks;")
    assert "needs a statement" in usage_error(kc, "%timeit")
    assert "needs a body" in usage_error(kc, "%%timeit -n 3")


TIME = re.compile(r"CPU times: user [\d.]+ (ns|\u00b5s|ms|s), sys: [\d.]+ (ns|\u00b5s|ms|s), "
                  r"total: [\d.]+ (ns|\u00b5s|ms|s)\nWall time: ([\d.]+) (ns|\u00b5s|ms|s)\n$")


def test_time_prints_wall_and_cpu_time_and_keeps_the_result(kc):
    ex = ok(kc, "%time 40 + 2")
    assert TIME.search(ex.stdout), ex.stdout
    assert ex.result["text/plain"] == "42"


def test_cell_time_runs_the_cell_once(kc):
    ok(kc, "#include <time.h>")
    ex = ok(kc, "%%time\nint timed_once = 1;\n"
                "struct timespec t = {0, 50000000L}; nanosleep(&t, NULL);\ntimed_once")
    m = TIME.search(ex.stdout)
    assert m, ex.stdout
    wall = float(m.group(4)) * {"ms": 1e-3, "s": 1.0}.get(m.group(5), 1e-6)
    assert 0.05 <= wall < 1.0
    assert ex.result["text/plain"] == "1"
    assert ok(kc, "timed_once").result["text/plain"] == "1"


def test_whos_is_a_sorted_table_also_in_html(kernel):
    km, kc = harness.start_kernel()
    try:
        ok(kc, "%whos")  # an empty session says so
        ok(kc, 'int zeta = 3; double alpha = 0.5; const char *label = "hi";\n'
               "int trio[3] = {1, 2, 3};\n"
               "seli_tensor *weights = seli_ones(SELI_SHAPE(2, 3));\n"
               "seli_module *net = NULL;")
        ok(kc, "net = seli_set_rngs(seli_net_sequential(2, seli_net_affine(4), seli_net_affine(1)), 1);\n"
               "seli_call(net, seli_ones(SELI_SHAPE(5, 3)));")
        ex = ok(kc, "%whos")
        data = ex.displays[0]["content"]["data"]
        lines = data["text/plain"].splitlines()
        assert lines[0].split() == ["Variable", "Type", "Data/Info"]
        rows = {l.split()[0]: l for l in lines[2:]}
        assert [l.split()[0] for l in lines[2:]] == sorted(rows)
        assert re.search(r"zeta\s+int\s+3$", rows["zeta"])
        assert re.search(r"alpha\s+double\s+0.5$", rows["alpha"])
        assert re.search(r'label\s+const char \*\s+"hi"$', rows["label"])
        assert re.search(r"trio\s+int \[3\]\s+\{ 1, 2, 3 \}$", rows["trio"])
        assert "tensor, shape [2, 3], float32" in rows["weights"]
        # 3*4 + 4 + 4*1 + 1 parameters.
        assert re.search(r"module \S+, 21 parameters", rows["net"]), rows["net"]
        html = data["text/html"]
        assert html.startswith("<table") and "<th>Variable</th>" in html
        assert html.index("<code>alpha</code>") < html.index("<code>zeta</code>")
    finally:
        harness.stop_kernel(km, kc)


def test_reset_asks_for_the_flag_then_gives_a_fresh_session(kc):
    ok(kc, "int before_reset = 1; struct kept_type { int a; };")
    assert "%reset -f" in usage_error(kc, "%reset")
    assert "-f" in usage_error(kc, "%reset now")
    assert ok(kc, "before_reset").result["text/plain"] == "1"
    ok(kc, "%reset -f")
    ex = harness.execute(kc, "before_reset")
    assert ex.error["ename"] == "CompileError" and "before_reset" in ex.error["evalue"]
    # The type is gone too: defining it with another layout is no redefinition.
    ok(kc, "struct kept_type { double b[4]; }; struct kept_type kt = {{1}};")
    assert ok(kc, "kt.b[0]").result["text/plain"] == "1"


def test_link_loads_a_library_that_cells_then_call(kc):
    ok(kc, "void print_message(const char *const format, ...);")
    ex = harness.execute(kc, 'print_message("linked %d\\n", 1);')
    assert ex.error["ename"] == "LinkError" and "%link" in ex.error["evalue"]
    ex = ok(kc, "%link cmocka")
    assert "libcmocka.so" in ex.stdout
    assert ok(kc, 'print_message("linked %d\\n", 2);').stdout == "linked 2\n"


def test_link_misuse(kc):
    text = usage_error(kc, "%link no_such_library_zq", ename="LinkError")
    assert "libno_such_library_zq.so" in text and "install" in text
    assert "one library name" in usage_error(kc, "%link")


def test_args_prints_what_main_will_receive(kc):
    ex = ok(kc, "%args one 'two three'")
    assert ex.stdout == 'main\'s arguments: argc = 3, argv = { "main", "one", "two three" }\n'
    ok(kc, "%args")


def test_lsmagic_lists_every_magic(kc):
    out = ok(kc, "%lsmagic").stdout
    for usage in ["%timeit [-n N] [-r R] STATEMENT", "%%timeit", "%time STATEMENT", "%%time",
                  "%whos", "%reset -f", "%link NAME", "%args A B C", "%lsmagic"]:
        assert usage in out, usage


def test_an_unknown_magic_lists_the_known_ones(kc):
    text = usage_error(kc, "%nosuch 1 2")
    assert text.startswith("unknown magic %nosuch;")
    for name in ["%timeit", "%%timeit", "%time", "%whos", "%reset", "%link", "%args", "%lsmagic"]:
        assert name in text
    assert usage_error(kc, "%%nosuch\nint x;").startswith("unknown magic %%nosuch;")


def test_magic_lines_run_in_order_with_the_c_between_them(kc):
    ex = ok(kc, 'int step_one = 1;\n%args z\nprintf("%d\\n", step_one);\n'
                "int main(int argc, char **argv) { printf(\"%s\\n\", argv[1]); return 0; }")
    assert ex.stdout.splitlines() == ['main\'s arguments: argc = 2, argv = { "main", "z" }',
                                      "1", "z"]
    # C after a magic keeps its line numbers in errors.
    ex = harness.execute(kc, "%args\nint fine_line = 1;\nint bad_line = missing_q;")
    assert ex.error["evalue"].startswith("line 3:"), ex.error
    ok(kc, "%args")


def test_the_modulo_operator_at_a_line_start_is_no_magic(kc):
    assert ok(kc, "int modded = 17\n   % 5;\nmodded").result["text/plain"] == "2"


def test_a_percent_line_inside_a_comment_or_string_is_no_magic(kc):
    ex = ok(kc, "/* the format:\n%d is an int */\n"
                'const char *fmt_text = "a\\\n%d";\nfmt_text')
    assert ex.result["text/plain"] == '"a%d"'


def test_whos_survives_a_pointer_into_nowhere():
    km, kc = harness.start_kernel()
    try:
        ok(kc, "const char *into_nowhere = (const char *)8; int still_here = 4;")
        ex = harness.execute(kc, "%whos")
        assert ex.status == "error" and ex.error["ename"] == "SIGSEGV", ex
        assert ok(kc, "still_here").result["text/plain"] == "4"
    finally:
        harness.stop_kernel(km, kc)
