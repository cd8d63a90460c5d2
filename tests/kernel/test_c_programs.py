"""test_c_programs.py: real C programs pasted into a cell run as `tcc -run`
runs them (issue 20), through the real kernel and jupyter_client.

Each test is one kind of program that once failed in the kernel: UTF-8
names, the kernel's own functions (main) reachable from a cell, main's
implicit return 0 and internal names in messages, cleanup and constructor
attributes, definitions made by a macro, file-scope asm, and a program that
includes its own source file.  Every message these tests receive is also
checked against the messaging spec (harness.py, message_spec.py).
"""

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from message_spec import check_message  # noqa: E402


@pytest.fixture(scope="module")
def kernel():
    km, kc = harness.start_kernel()
    yield km, kc
    harness.stop_kernel(km, kc)


def run(kc, code, **kw):
    ex = harness.execute(kc, code, **kw)
    # No message names what the kernel invented: the user's names only.
    everything = json.dumps([ex.reply] + [m["content"] for m in ex.msgs], ensure_ascii=False)
    assert "__seli" not in everything, everything
    return ex


def ok(kc, code, **kw):
    ex = run(kc, code, **kw)
    assert ex.status == "ok", ex
    assert ex.error is None, ex
    return ex


def result_text(ex):
    return ex.result["text/plain"] if ex.result else None


# ---------------------------------------------------------------- 1. UTF-8


def test_utf8_identifiers_are_names_as_in_c99(kernel):
    _, kc = kernel
    ok(kc, "double привет = 0.1;\nint Lefèvre = 2;")
    ex = ok(kc, 'printf("%g %d\\n", привет, Lefèvre);\nLefèvre + 1')
    assert ex.stdout == "0.1 2\n"
    assert result_text(ex) == "3"


def test_an_error_whose_text_is_not_utf8_still_has_every_field(kernel):
    _, kc = kernel
    ex = run(kc, 'seli_error("bad \\xff byte");')
    assert ex.status == "error"
    assert ex.reply["ename"] == ex.error["ename"] == "SeliError"
    assert ex.reply["evalue"] == "bad \ufffd byte"
    assert ex.error["traceback"] and all(isinstance(t, str) for t in ex.error["traceback"])
    assert ok(kc, "Lefèvre").result["text/plain"] == "2"  # the session is intact


def test_the_message_check_rejects_what_the_kernel_once_sent():
    header = {"msg_id": "1", "session": "s", "username": "u", "date": "d", "version": "5.4"}
    for msg_type, content in [("execute_reply", {}), ("error", {}),
                              ("execute_reply", {"status": "error", "execution_count": 1}),
                              ("stream", {"name": "stdout"})]:
        msg = {"header": dict(header, msg_type=msg_type), "msg_type": msg_type,
               "parent_header": {}, "metadata": {}, "content": content}
        with pytest.raises(AssertionError):
            check_message(msg, "shell")
    good = {"header": dict(header, msg_type="error"), "msg_type": "error", "parent_header": {},
            "metadata": {}, "content": {"ename": "E", "evalue": "v", "traceback": []}}
    check_message(good, "iopub")


# ------------------------------------------------- 2. the kernel's own names


def test_a_cell_never_reaches_a_kernel_function_by_name():
    km, kc = harness.start_kernel()
    try:
        ok(kc, 'char *args[] = {"x", 0};')
        ex = run(kc, "int main(int argc, char **argv) { return undefined_thing; }")
        assert ex.status == "error" and ex.reply["ename"] == "CompileError"
        ex = run(kc, "main(1, args);")
        assert ex.status == "error", ex
        assert "usage" not in ex.stdout + ex.stderr
        ex = run(kc, "int main(int, char **);\nmain(1, args);")
        assert ex.status == "error" and "main() is declared but not defined" in ex.reply["evalue"]
        assert "usage" not in ex.stdout + ex.stderr
        # The kernel's functions, libtcc's, and main: none is there by name.
        for name in ["session_execute", "handlers_dispatch", "jit_compile", "cell_parse",
                     "kernel_log", "iopub_send", "guard_run", "tcc_new", "tcc_compile_string"]:
            ex = run(kc, "extern void %s(void);\n%s();" % (name, name))
            assert ex.status == "error", (name, ex)
            assert name in ex.reply["evalue"], ex
        ex = ok(kc, '#include <dlfcn.h>\nprintf("%d %d %d\\n", !dlsym(RTLD_DEFAULT, "main"), '
                    '!dlsym(RTLD_DEFAULT, "session_execute"), !dlsym(RTLD_DEFAULT, "seli_zeros"));')
        assert ex.stdout == "1 1 0\n"  # libseli's API is there; the kernel is not
    finally:
        harness.stop_kernel(km, kc)


# ------------------------------------------- 3. main, and the user's names


def test_main_reaching_its_end_returns_zero_without_a_warning(kernel):
    _, kc = kernel
    # The cell that defines main runs it (issue 17); a zero return says nothing.
    ex = ok(kc, 'int main() { printf("x\\n"); }')
    assert "warning" not in ex.stderr
    assert ex.stdout == "x\n"
    ex = ok(kc, "int rc = main(); rc")
    assert ex.stdout == "x\n"
    assert result_text(ex) == "0"


def test_warnings_name_the_users_function(kernel):
    _, kc = kernel
    ex = ok(kc, "int no_return(void) { }")
    assert "function might return no value: 'no_return'" in ex.stderr


def test_a_failed_assert_names_the_function_or_the_cell(kernel):
    _, kc = kernel
    ex = run(kc, "#include <assert.h>\nvoid check(int v) { assert(v > 0); }\ncheck(-1);")
    assert ex.status == "error" and ex.reply["ename"] == "SIGABRT"
    assert "cell:2: check: Assertion `v > 0' failed." in ex.stderr
    ex = run(kc, "assert(1 == 2);")
    assert "cell:1: <cell>: Assertion `1 == 2' failed." in ex.stderr
    ex = ok(kc, 'void who(void) { printf("%s %s\\n", __func__, __FUNCTION__); }\nwho();\n'
                'printf("%s\\n", __func__);')
    assert ex.stdout == "who who\n<cell>\n"


# ------------------------------------------------------------ 4. cleanup


def test_cleanup_runs_for_a_local_of_a_function_and_of_a_cell_block(kernel):
    _, kc = kernel
    ex = ok(kc, 'void done(int *p) { printf("cleanup %d\\n", *p); }\n'
                'void g(void) { int x __attribute__((cleanup(done))) = 5; printf("in g\\n"); }\n'
                "g();\n"
                '{ int y __attribute__((__cleanup__(done))) = 7; printf("block\\n"); }\n'
                'printf("after\\n");')
    assert ex.stdout == "in g\ncleanup 5\nblock\ncleanup 7\nafter\n"


# ---------------------------------------- 5. attributes before a definition


def test_constructors_run_when_their_cell_is_loaded(kernel):
    _, kc = kernel
    ex = ok(kc, '__attribute__((constructor)) void hello(void) { printf("ctor\\n"); }\n'
                'printf("body\\n");')
    assert ex.stdout == "ctor\nbody\n"
    ex = ok(kc, "hello();")  # an ordinary function too
    assert ex.stdout == "ctor\n"


@pytest.mark.parametrize("decl", [
    "static __attribute__((constructor)) void c2(void) { printf(\"c2\\n\"); }",
    "__attribute__((constructor)) static void c3(void) { printf(\"c3\\n\"); }",
    "__attribute__((used)) __attribute__((constructor)) void c4(void) { printf(\"c4\\n\"); }",
])
def test_attributes_and_storage_classes_come_in_any_order(kernel, decl):
    _, kc = kernel
    ex = ok(kc, decl)
    assert ex.stdout == decl.split('printf("')[1].split("\\n")[0] + "\n"


def test_macros_of_attributes_may_begin_a_definition_or_precede_its_body(kernel):
    _, kc = kernel
    ex = ok(kc, "#define NO_INLINE __attribute__((__noinline__))\n#define CHECKED\n"
                "NO_INLINE static int NO_INLINE forty(void) CHECKED { return 40; }\n"
                "forty() + 2")
    assert result_text(ex) == "42"
    ex = ok(kc, "NO_INLINE int two(void) { return 2; }\ntwo()")  # an earlier cell's macro
    assert result_text(ex) == "2"
    ex = ok(kc, "typedef union __attribute__((packed)) pk { char c; int i; } pk;\nsizeof(pk)")
    assert result_text(ex) == "4"


def test_alignas_extension_and_late_storage_class_start_declarations(kernel):
    _, kc = kernel
    ex = ok(kc, "_Alignas(16) static int al = 3;\n__extension__ static int ex = 4;\n"
                "int static order = 5;\nal + ex + order + (int)((unsigned long)&al % 16)")
    assert result_text(ex) == "12"


def test_destructors_run_when_the_session_ends(tmp_path):
    km, kc = harness.start_kernel(cwd=str(tmp_path))
    try:
        ok(kc, '__attribute__((destructor)) void bye(void) {\n'
               '    FILE *f = fopen("bye.txt", "a"); fputs("bye\\n", f); fclose(f);\n}')
        assert not (tmp_path / "bye.txt").exists()
        ok(kc, "int later = 1;")
        assert not (tmp_path / "bye.txt").exists()
    finally:
        harness.stop_kernel(km, kc)
    assert (tmp_path / "bye.txt").read_text() == "bye\n"


# --------------------------------------------- 6. definitions by a macro


def test_definitions_made_by_a_session_macro_are_definitions(kernel):
    _, kc = kernel
    ex = ok(kc, "#define def(S) struct s##S f##S(int x) { struct s##S r = {x}; return r; }\n"
                "struct s1 { int a; };\n"
                "def(1)\n"
                "f1(3).a")
    assert result_text(ex) == "3"
    ex = ok(kc, "struct s2 { int a; };\ndef(2)\nf2(5).a + f1(1).a")  # an earlier cell's macro
    assert result_text(ex) == "6"


def test_an_object_like_macro_that_holds_a_body_is_expanded_too(kernel):
    _, kc = kernel
    ok(kc, "#define DEFINE_SEVEN int seven(void) { return 7; }")
    ex = ok(kc, "DEFINE_SEVEN\nseven() + 1")
    assert result_text(ex) == "8"


def test_a_macro_that_spans_lines_keeps_the_lines_of_the_cell(kernel):
    _, kc = kernel
    ex = ok(kc, "#define MKINT(n, v) int n = v;\nMKINT(q, 7)\nMKINT(\n  r,\n  8)\nq + r + __LINE__")
    assert result_text(ex) == "21"
    ex = ok(kc, '#define WHERE(v) int v = __LINE__; const char *v##_file = __FILE__;\n'
                "\nWHERE(here)\nhere")
    assert result_text(ex) == "3"
    assert ok(kc, "here_file").result["text/plain"] == '"cell"'
    ex = run(kc, "MKINT(u, 1)\nMKINT(\n  w,\n  2)\nint z = nowhere;")
    assert ex.status == "error" and ex.reply["evalue"].startswith("line 5: "), ex


# ---------------------------------------------------------------- 7. asm


def test_file_scope_asm_defines_what_the_cell_declares(kernel):
    _, kc = kernel
    ex = ok(kc, 'extern void vide(void); __asm__("vide: ret");\nvide();\nprintf("called\\n");')
    assert ex.stdout == "called\n"
    ok(kc, "vide();")  # from a later cell
    ex = ok(kc, 'extern int twice(int);\n'
                '__asm__(".text\\ntwice: lea (%rdi,%rdi), %eax\\n ret");\ntwice(21)')
    assert result_text(ex) == "42"


# --------------------------------------- 8. a program that includes itself

SELF_INCLUDING = """#ifdef INSIDE
    total += STEP;
#else
#include <stdio.h>
int total = 0;
int main(void)
{
#define INSIDE
#define STEP 2
#include "prog.c"
#undef STEP
#define STEP 40
#include "prog.c"
    printf("%d\\n", total);
    return 0;
}
#endif
"""


def test_a_program_that_includes_its_own_file_runs_when_the_file_is_there(tmp_path):
    (tmp_path / "prog.c").write_text(SELF_INCLUDING)
    km, kc = harness.start_kernel(cwd=str(tmp_path))
    try:
        # The cell defines main, so it runs (issue 17).
        assert ok(kc, SELF_INCLUDING).stdout == "42\n"
    finally:
        harness.stop_kernel(km, kc)


def test_an_error_inside_the_programs_own_file_says_so_in_one_sentence(tmp_path):
    # The file next to the notebook is not the cell's program (an edit the
    # cell has and the file has not).
    (tmp_path / "prog.c").write_text(SELF_INCLUDING.replace("total += STEP;", "total += STEP"))
    km, kc = harness.start_kernel(cwd=str(tmp_path))
    try:
        ex = run(kc, SELF_INCLUDING)
        assert ex.status == "error"
        evalue = ex.reply["evalue"]
        assert evalue.startswith("the error is in prog.c, which this program includes as its "
                                 "own source file"), evalue
        assert "\n" not in evalue and "limitations" in evalue
        assert any("prog.c:2: error" in line for line in ex.reply["traceback"])
    finally:
        harness.stop_kernel(km, kc)
