"""test_complete.py: complete_request knows the cell being written.

Besides the keywords, libseli, libc and what earlier cells declared, the
completer offers the names that the cell itself declares before the cursor
and that are in scope there: its globals, typedefs, enumerators and macros,
and the parameters and locals of the blocks the cursor is in.  A name
declared after the cursor, a local of a block already closed and a struct
member are not offered.  Every name here starts with "zq" so that nothing
from libseli, libc or another test can match.
"""

import os
import sys


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def complete(kc, code, cursor=None):
    """The complete_reply content for code with the cursor at cursor (default: the end)."""
    if cursor is None:
        cursor = len(code)
    msg_id = kc.complete(code, cursor)
    while True:
        reply = kc.get_shell_msg(timeout=10)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    content = reply["content"]
    assert content["status"] == "ok", content
    return content


def matches(kc, code, cursor=None):
    return set(complete(kc, code, cursor)["matches"])


def test_a_global_declared_earlier_in_the_cell_is_offered(kc):
    assert matches(kc, "int zq_local = 1; zq_lo") == {"zq_local"}


def test_the_reply_replaces_the_word_before_the_cursor(kc):
    code = "int zq_local = 1; zq_lo"
    reply = complete(kc, code)
    assert reply["cursor_start"] == code.rindex("zq_lo")
    assert reply["cursor_end"] == len(code)


def test_a_name_declared_after_the_cursor_is_not_offered(kc):
    code = "int zq_before = 1;\nzq_\nint zq_after = 2;\n"
    cursor = code.index("zq_\n") + 3
    assert matches(kc, code, cursor) == {"zq_before"}


def test_a_struct_member_is_not_a_variable(kc):
    code = "struct zq_point { int zq_member; float zq_other; };\nzq_"
    assert matches(kc, code) == set()


def test_a_member_being_written_in_an_open_struct_body_is_not_offered(kc):
    assert matches(kc, "struct zq_point { int zq_first; zq_") == set()


def test_parameters_and_locals_of_the_open_function_body_are_offered(kc):
    code = "double zq_f(double zq_param, int zq_n) {\n    int zq_count = 0;\n    return zq_"
    assert matches(kc, code) == {"zq_f", "zq_param", "zq_n", "zq_count"}


def test_locals_of_a_closed_function_body_are_out_of_scope(kc):
    code = "void zq_g(int zq_arg) { int zq_hidden = 1; (void)zq_hidden; }\nzq_"
    assert matches(kc, code) == {"zq_g"}


def test_locals_of_a_closed_block_are_out_of_scope(kc):
    assert matches(kc, "{ int zq_blocked = 1; }\nzq_") == set()


def test_nested_blocks_and_the_for_loop_variable(kc):
    code = ("void zq_h(int zq_n) {\n"
            "    int zq_sum = 0;\n"
            "    for (int zq_i = 0; zq_i < zq_n; zq_i++) {\n"
            "        int zq_sq = zq_i * zq_i;\n"
            "        zq_")
    assert matches(kc, code) == {"zq_h", "zq_n", "zq_sum", "zq_i", "zq_sq"}


def test_the_for_loop_variable_inside_the_loop_header(kc):
    assert matches(kc, "for (int zq_k = 0; zq_") == {"zq_k"}


def test_a_loop_variable_is_out_of_scope_after_the_loop(kc):
    assert matches(kc, "for (int zq_k = 0; zq_k < 3; zq_k++) { }\nzq_") == set()


def test_typedef_names_enumerators_and_macros_of_the_cell(kc):
    code = ("typedef struct { float zq_x, zq_y; } zq_vec;\n"
            "enum zq_color { ZQ_RED, ZQ_GREEN };\n"
            "#define ZQ_MAX 3\n")
    assert matches(kc, code + "zq_") == {"zq_vec"}
    assert matches(kc, code + "ZQ_") == {"ZQ_RED", "ZQ_GREEN", "ZQ_MAX"}


def test_a_local_declared_with_a_typedef_of_the_cell(kc):
    # "zq_node *zq_cur" is a declaration only if zq_node is known as a type:
    # the typedef above the function must reach the function's body.
    code = ("typedef struct zq_node zq_node;\n"
            "void zq_walk(zq_node *zq_head) {\n"
            "    zq_node *zq_cur = zq_head;\n"
            "    zq_")
    assert matches(kc, code) == {"zq_node", "zq_walk", "zq_head", "zq_cur"}


def test_a_local_declared_with_a_libseli_type(kc):
    code = "void zq_step(void) {\n    seli_tensor *zq_t = NULL;\n    zq_"
    assert matches(kc, code) == {"zq_step", "zq_t"}


def test_an_initialiser_list_declares_nothing(kc):
    code = "int zq_arr[] = { 1, 2 };\nint zq_m = zq_"
    assert matches(kc, code) == {"zq_arr", "zq_m"}


def test_cursor_in_code_points_after_non_ascii_text(kc):
    code = 'const char *zq_s = "\u00e9t\u00e9"; zq_'
    reply = complete(kc, code)
    assert set(reply["matches"]) == {"zq_s"}
    assert reply["cursor_start"] == len(code) - 3
    assert reply["cursor_end"] == len(code)


def test_completing_declares_nothing_in_the_session(kc):
    assert matches(kc, "int zq_only_here = 1; zq_on") == {"zq_only_here"}
    assert matches(kc, "zq_on") == set()


def test_names_of_executed_cells_and_of_the_cell_together(kc):
    ex = harness.execute(kc, "int zq_session_var = 4;")
    assert ex.status == "ok", ex
    assert matches(kc, "int zq_session_local = 1; zq_session") == {
        "zq_session_var", "zq_session_local"}
