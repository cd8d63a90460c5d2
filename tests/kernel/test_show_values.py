"""test_show_values.py: a result that is an array shows its elements, and a
struct or union whose definition the session knows shows its fields.

Through the real kernel and jupyter_client: every scalar element type,
nested arrays, elision past 100 elements, char arrays as strings, arrays of
structs, nested structs; arrays of earlier cells (declared without a size)
too; values of other types still show as before.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def shown(kc, code):
    ex = harness.execute(kc, code)
    assert ex.status == "ok" and ex.error is None, ex
    assert ex.result is not None, ex
    return ex.result["text/plain"]


def test_the_issue_example(kc):
    assert shown(kc, "int arr[] = {3, 1, 2}; arr") == "{ 3, 1, 2 }"


def test_an_array_of_an_earlier_cell_declared_without_a_size(kc):
    shown(kc, "int later_arr[] = {4, 5, 6, 7}; 0")
    assert shown(kc, "later_arr") == "{ 4, 5, 6, 7 }"
    assert shown(kc, "sizeof later_arr / sizeof later_arr[0]") == "4"


@pytest.mark.parametrize("decl, text", [
    ("_Bool v[2] = {1, 0}", "{ true, false }"),
    ("signed char v[2] = {-3, 4}", "{ -3, 4 }"),
    ("unsigned char v[3] = {1, 2, 255}", "{ 1, 2, 255 }"),
    ("short v[2] = {-1, 2}", "{ -1, 2 }"),
    ("unsigned short v[2] = {65535, 0}", "{ 65535, 0 }"),
    ("int v[3] = {-1, 0, 1}", "{ -1, 0, 1 }"),
    ("unsigned v[2] = {4294967295u, 1}", "{ 4294967295, 1 }"),
    ("long v[2] = {-9000000000L, 2}", "{ -9000000000, 2 }"),
    ("unsigned long v[1] = {18446744073709551615ul}", "{ 18446744073709551615 }"),
    ("long long v[2] = {-5, 5}", "{ -5, 5 }"),
    ("unsigned long long v[1] = {7}", "{ 7 }"),
    ("float v[3] = {0.1f, 2, -1.5f}", "{ 0.1, 2, -1.5 }"),
    ("double v[2] = {0.1, 1e300}", "{ 0.1, 1e+300 }"),
    ("long double v[2] = {1.5L, 2}", "{ 1.5, 2 }"),
    ("const char *v[2] = {\"a\", \"b\\n\"}", '{ "a", "b\\n" }'),
    ("char v[8] = \"bob\"", '"bob"'),
])
def test_every_scalar_element_type(kc, decl, text):
    assert shown(kc, "%s; v" % decl) == text


def test_two_and_three_dimensional_arrays_nest(kc):
    assert shown(kc, "double m2[2][3] = {{1, 2, 3}, {4, 5, 6.5}}; m2") == \
        "{ { 1, 2, 3 }, { 4, 5, 6.5 } }"
    assert shown(kc, "int m3[2][1][2] = {{{1, 2}}, {{3, 4}}}; m3") == \
        "{ { { 1, 2 } }, { { 3, 4 } } }"
    assert shown(kc, "m2[1]") == "{ 4, 5, 6.5 }"


def test_past_100_elements_each_dimension_is_elided(kc):
    assert shown(kc, "int hundred[100]; for (int i = 0; i < 100; i++) hundred[i] = i; hundred") \
        == "{ " + ", ".join(str(i) for i in range(100)) + " }"
    assert shown(kc, "int big[1000]; for (int i = 0; i < 1000; i++) big[i] = i; big") == \
        "{ 0, 1, 2, ..., 997, 998, 999 }"
    grid = shown(kc, "int grid[20][20] = {{0}}; grid[19][19] = 9; grid")
    row = "{ 0, 0, 0, ..., 0, 0, 0 }"
    assert grid == "{ %s, %s, %s, ..., %s, %s, %s }" % (
        row, row, row, row, row, row.replace("0 }", "9 }"))


def test_a_struct_shows_its_fields(kc):
    assert shown(kc, "struct point { float x, y; }; struct point pp = {1, 2}; pp") == \
        "{ .x = 1, .y = 2 }"
    assert shown(kc, "pp") == "{ .x = 1, .y = 2 }"
    assert shown(kc, "(struct point){0.5f, -3}") == "{ .x = 0.5, .y = -3 }"


def test_a_typedef_struct_with_every_kind_of_field(kc):
    ok = shown(kc, "typedef struct { int id; char tag[8]; struct point at; double w[2];\n"
                   "  struct point *next; unsigned flag : 3; const char *name; } node;\n"
                   'node nd = {7, "n7", {1.5f, 2}, {0.5, 0.25}, NULL, 5, "x"}; nd')
    assert ok == ('{ .id = 7, .tag = "n7", .at = { .x = 1.5, .y = 2 }, .w = { 0.5, 0.25 }, '
                  '.next = NULL, .flag = 5, .name = "x" }')


def test_an_array_of_structs_and_a_union(kc):
    assert shown(kc, "struct point pts[2] = {{1, 2}, {3, 4}}; pts") == \
        "{ { .x = 1, .y = 2 }, { .x = 3, .y = 4 } }"
    assert shown(kc, "union num { int i; unsigned char b[4]; } un = { .i = 258 }; un") == \
        "{ .i = 258, .b = { 2, 1, 0, 0 } }"


def test_a_struct_the_session_does_not_define_shows_as_before(kc):
    assert shown(kc, "div(7, 2)") == "<value>"


def test_other_values_show_as_before(kc):
    assert shown(kc, "42") == "42"
    assert shown(kc, "pp.x + 1") == "2"
    assert shown(kc, '"text"') == '"text"'
    assert shown(kc, "'A'") == "65"
    assert shown(kc, "&pp").startswith("0x")
    assert shown(kc, "seli_ones(SELI_SHAPE(2))") == "tensor([1., 1.])"
