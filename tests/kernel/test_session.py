"""test_session.py: cell semantics through the real kernel and jupyter_client.

Persistence, redefinition, the trailing expression, compile errors on the
cell's own lines, runtime faults the kernel survives, interrupts, output
that streams while the cell runs, and stdin.
"""

import os
import queue
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


@pytest.fixture(scope="module")
def kernel():
    km, kc = harness.start_kernel()
    yield km, kc
    harness.stop_kernel(km, kc)


def run(kc, code, **kw):
    return harness.execute(kc, code, **kw)


def ok(kc, code, **kw):
    ex = run(kc, code, **kw)
    assert ex.status == "ok", ex
    assert ex.error is None, ex
    return ex


def result_text(ex):
    return ex.result["text/plain"] if ex.result else None


def test_issue_example_persists_across_cells(kernel):
    _, kc = kernel
    ex = ok(kc, '#include <string.h>\n'
                'typedef struct { float x, y; } point;\n'
                'int n = 3;\n'
                'point *pts = malloc(n * sizeof *pts);      /* a non-constant initialiser */\n'
                'double square(double v) { return v * v; }\n'
                'printf("n=%d\\n", n);\n')
    assert ex.stdout == "n=3\n"
    ex = ok(kc, 'n += 1; pts[0].x = square(2);\nprintf("%d %g\\n", n, pts[0].x);')
    assert ex.stdout == "4 4\n"
    ex = ok(kc, "double square(double v) { return v * v + 0.0; }\nint n = 10;")
    assert ex.result is None
    ex = ok(kc, "square(3) + n")
    assert result_text(ex) == "19"
    assert ex.reply["execution_count"] >= 4


def test_redefinition_is_never_an_error(kernel):
    _, kc = kernel
    ok(kc, "int level = 1;\nint get_level(void) { return level; }")
    ok(kc, "int level = 5;")
    assert result_text(ok(kc, "get_level()")) == "5"
    ok(kc, "int bump(int v) { return v + 1; }\nint use_bump(void) { return bump(1); }")
    ok(kc, "int bump(int v) { return v + 100; }")
    assert result_text(ok(kc, "use_bump()")) == "101"
    ok(kc, "double level = 0.25;")
    assert result_text(ok(kc, "level")) == "0.25"


def test_trailing_expression_is_the_result(kernel):
    _, kc = kernel
    assert result_text(ok(kc, "int forty = 40;\nforty + 2")) == "42"
    assert result_text(ok(kc, '"text"')) == '"text"'
    # A statement with ';' or a void call has no result.
    assert ok(kc, "forty + 2;").result is None
    assert ok(kc, "free(NULL)").result is None
    ex = ok(kc, "seli_ones(SELI_SHAPE(3))")
    assert "1." in result_text(ex)


def test_compile_error_is_one_error_on_the_cell_line(kernel):
    _, kc = kernel
    ex = run(kc, "int fine = 1;\nint also_fine = 2;\nint broken = fine + missing_name;\n")
    assert ex.status == "error"
    errors = [m for m in ex.msgs if m["msg_type"] == "error"]
    assert len(errors) == 1
    err = errors[0]["content"]
    assert err["ename"] == "CompileError"
    assert any(line.startswith("line 3:") and "missing_name" in line for line in err["traceback"])
    assert ex.reply["ename"] == "CompileError"
    # The failed cell defined nothing.
    ex = run(kc, "fine")
    assert ex.status == "error"


@pytest.mark.parametrize("code, ename", [
    ("int *nowhere = 0; *nowhere = 1;", "SIGSEGV"),
    ("abort();", "SIGABRT"),
    ("int zero_div = 0; int q = 7 / zero_div;", "SIGFPE"),
    ("int recurse(int d) { volatile char pad[256]; pad[0] = (char)d; return recurse(d + 1) + pad[0]; }\n"
     "recurse(0);", "SIGSEGV"),
])
def test_runtime_fault_is_an_error_and_variables_survive(kernel, code, ename):
    _, kc = kernel
    ok(kc, "int kept = 41;")
    ex = run(kc, code)
    assert ex.status == "error"
    assert ex.error["ename"] == ename
    assert result_text(ok(kc, "kept + 1")) == "42"


def test_exit_is_a_system_exit_and_the_kernel_keeps_the_session(kernel):
    _, kc = kernel
    ok(kc, "int kept_at_exit = 41;")
    ex = run(kc, 'printf("bye\\n");\nexit(3);')
    assert ex.status == "error"
    assert ex.error["ename"] == "SystemExit"
    assert ex.error["evalue"] == ("the cell called exit(3); the kernel keeps your session "
                                  "\u2014 restart the kernel to start afresh")
    assert ex.stdout == "bye\n"
    assert result_text(ok(kc, "kept_at_exit + 1")) == "42"
    ex = run(kc, "_Exit(0);")
    assert ex.error["ename"] == "SystemExit"
    assert result_text(ok(kc, "kept_at_exit")) == "41"


def test_libseli_error_is_a_seli_error(kernel):
    _, kc = kernel
    ex = run(kc, "seli_item(seli_zeros(SELI_SHAPE(2, 2)))")
    assert ex.status == "error"
    assert ex.error["ename"] == "SeliError"
    assert "seli_item" in ex.error["evalue"]


def _run_and_interrupt(km, kc, code, how):
    msg_id = kc.execute(code)
    time.sleep(0.5)
    sent = time.monotonic()
    if how == "message":
        km.interrupt_kernel()
    else:
        os.kill(km.provisioner.process.pid if hasattr(km, "provisioner") and km.provisioner
                else km.kernel.pid, 2)
    error = None
    while True:
        msg = kc.get_iopub_msg(timeout=10)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            error = msg["content"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    elapsed = time.monotonic() - sent
    while True:
        reply = kc.get_shell_msg(timeout=10)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    return error, elapsed, reply["content"]


@pytest.mark.parametrize("how", ["message", "signal"])
def test_interrupt_stops_an_endless_loop_within_two_seconds(kernel, how):
    km, kc = kernel
    ok(kc, "int before_loop = 7;")
    error, elapsed, reply = _run_and_interrupt(km, kc, "for (;;);", how)
    assert error is not None and error["ename"] == "KeyboardInterrupt"
    assert reply["status"] == "error"
    assert elapsed < 2.0
    assert result_text(ok(kc, "before_loop")) == "7"


def test_output_streams_while_the_cell_runs(kernel):
    _, kc = kernel
    code = ('#include <unistd.h>\n'
            'for (int i = 0; i < 5; i++) { printf("tick %d\\n", i); sleep(1); }')
    start = time.monotonic()
    msg_id = kc.execute(code)
    arrivals = []
    text = ""
    while True:
        msg = kc.get_iopub_msg(timeout=15)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            arrivals.append(time.monotonic() - start)
            text += msg["content"]["text"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    end = time.monotonic() - start
    while kc.get_shell_msg(timeout=10)["parent_header"].get("msg_id") != msg_id:
        pass
    assert text == "".join("tick %d\n" % i for i in range(5))
    assert end >= 4.5
    # The first tick arrives long before the cell ends, and the ticks spread out.
    assert arrivals[0] < 2.0
    assert arrivals[-1] - arrivals[0] >= 3.0


def test_partial_lines_and_stderr_reach_the_client(kernel):
    _, kc = kernel
    ex = ok(kc, 'printf("no newline"); fprintf(stderr, "to stderr\\n"); '
                'fwrite("xy", 1, 2, stdout); write(1, "!", 1);')
    assert ex.stdout == "no newlinexy!"
    assert ex.stderr == "to stderr\n"


def test_stdin_is_read_through_input_requests(kernel):
    _, kc = kernel
    ex = ok(kc, 'char line[64]; int num = 0;\n'
                'fgets(line, sizeof line, stdin);\n'
                'scanf("%d", &num);\n'
                'printf("got %s and %d\\n", strtok(line, "\\n"), num * 2);',
            allow_stdin=True, stdin=["hello", "21"])
    assert "got hello and 42" in ex.stdout
    assert len(ex.input_requests) >= 2


def page_of(kc, cell):
    """The text/plain page that a "?name" cell returns in its payload."""
    ex = ok(kc, cell)
    pages = [p for p in ex.reply.get("payload", []) if p.get("source") == "page"]
    assert pages, ex.reply
    return pages[0]["data"]["text/plain"]


def test_page_cell_shows_libseli_documentation(kernel):
    _, kc = kernel
    assert "seli_zeros" in page_of(kc, "?seli_zeros")


def test_complete_and_inspect_know_session_names(kernel):
    _, kc = kernel
    ok(kc, "double my_session_fn(double x) { return x; }")
    msg_id = kc.complete("my_sess", 7)
    reply = kc.get_shell_msg(timeout=10)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=10)
    assert "my_session_fn" in reply["content"]["matches"]
    assert reply["content"]["cursor_start"] == 0
    assert reply["content"]["cursor_end"] == 7
    msg_id = kc.inspect("my_session_fn(", 14)
    reply = kc.get_shell_msg(timeout=10)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=10)
    assert reply["content"]["found"]
    assert "double my_session_fn(double x)" in reply["content"]["data"]["text/plain"]


def test_inspect_shows_a_comment_beside_a_declaration_with_a_semicolon_in_it(kernel):
    # net.h: seli_net_leaky_relu(float slope); /* net.LeakyReLU: x or slope*x; "slope" */
    # The ';' inside the comment is not where the declaration ends.
    _, kc = kernel
    assert "net.LeakyReLU: x or slope*x" in page_of(kc, "?seli_net_leaky_relu")


def test_inspect_seli_jvp_shows_its_header_comment_and_a_misuse_keeps_the_session(kernel):
    _, kc = kernel
    page = page_of(kc, "?seli_jvp")
    assert "Forward mode: the Jacobian-vector product" in page
    assert "NULL means all ones" in page
    ok(kc, "seli_tensor *jx = seli_requires_grad(seli_linspace(-1, 1, 5));\n"
           "seli_tensor *jy = seli_mul(jx, seli_mul(jx, jx));")
    ex = ok(kc, 'seli_tensor *jt = seli_jvp(jy, jx, NULL);\nprintf("%g %g\\n", jt->data[0], jt->data[2]);')
    assert ex.stdout == "3 0\n"  # 3 x^2 at -1 and 0
    ex = run(kc, "seli_jvp(jy, jx, seli_ones(SELI_SHAPE(4)))")
    assert ex.status == "error" and ex.error["ename"] == "SeliError"
    assert "must have x's shape" in ex.error["evalue"]
    ex = ok(kc, 'printf("%g\\n", seli_jvp(jy, jx, NULL)->data[4]);')
    assert ex.stdout == "3\n"
