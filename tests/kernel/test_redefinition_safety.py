"""test_redefinition_safety.py: a redefined type never reinterprets memory.

When a struct, union, enum, typedef or macro is redefined, the variables and
functions of earlier cells that use it keep their old layout, and a later
cell that uses one of them fails to compile with a message that names it
and says to declare (or define) it again.  Code compiled earlier keeps
working with the old layout.  Through the real kernel and jupyter_client.
"""

import os
import sys


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


ok = harness.ok


def result(kc, code):
    return ok(kc, code).result["text/plain"]


def stale_error(kc, code, name, what):
    ex = harness.execute(kc, code)
    assert ex.status == "error", ex
    assert ex.error["ename"] == "CompileError"
    text = ex.error["evalue"]
    assert "'%s'" % name in text and what in text, text
    assert "again" in text, text
    return text


def test_the_issue_example_no_longer_reads_floats_as_doubles(kc):
    ok(kc, "struct point { float x, y; }; struct point pp = {1, 2};")
    ok(kc, "struct point { double x, y, z; };")
    text = stale_error(kc, "pp.x", "pp", "struct point")
    assert text.startswith("line 1: error: 'pp' was declared with the old definition of "
                           "struct point")
    assert "declare 'pp' again" in text
    # Declaring it again gives a variable of the new type.
    ok(kc, "struct point pp = {5, 6, 7};")
    assert result(kc, "pp.z") == "7"


def test_code_compiled_earlier_keeps_the_old_layout(kc):
    ok(kc, "struct cell_v { float a; int b; }; struct cell_v cv = {1.5f, 7};\n"
           "int read_b(void) { return cv.b; }")
    ok(kc, "struct cell_v { double a; double b; };")
    assert result(kc, "read_b()") == "7"


def test_a_union_redefined(kc):
    ok(kc, "union num { int i; float f; }; union num un = { .i = 3 };")
    ok(kc, "union num { double d; long l; };")
    stale_error(kc, "un.i", "un", "union num")


def test_an_enum_redefined(kc):
    ok(kc, "enum colour { RED, GREEN }; enum colour paint = GREEN;")
    ok(kc, "enum colour { BLUE, RED, GREEN };")
    stale_error(kc, "paint == GREEN", "paint", "enum colour")


def test_a_typedef_redefined(kc):
    ok(kc, "typedef float real; real weight = 1.5f;")
    ok(kc, "typedef double real;")
    stale_error(kc, "weight * 2", "weight", "the type real")
    ok(kc, "real weight = 2.5;")
    assert result(kc, "weight * 2") == "5"


def test_a_typedef_of_a_redefined_struct_makes_its_variables_stale(kc):
    ok(kc, "struct body { int mass; }; typedef struct body body_t; body_t earth = {6};")
    ok(kc, "struct body { double mass, radius; };")
    stale_error(kc, "earth.mass", "earth", "")


def test_a_macro_that_sizes_an_array_redefined(kc):
    ok(kc, "#define SLOTS 2\nint slots[SLOTS] = {1, 2};")
    ok(kc, "#define SLOTS 8")
    stale_error(kc, "slots[7] = 1;", "slots", "the macro SLOTS")


def test_a_pointer_to_a_redefined_struct_is_stale_too(kc):
    ok(kc, "struct node { int v; }; struct node first_node = {4}, *node_ptr = &first_node;")
    ok(kc, "struct node { long a, b, v; };")
    stale_error(kc, "node_ptr->v", "node_ptr", "struct node")


def test_a_function_taking_the_old_struct_must_be_defined_again(kc):
    ok(kc, "struct vec { float x, y; };\n"
           "float vec_x(struct vec v) { return v.x; }")
    ok(kc, "struct vec { double x, y; };")
    text = stale_error(kc, "vec_x((struct vec){1, 2})", "vec_x", "struct vec")
    assert "define 'vec_x' again" in text
    ok(kc, "double vec_x(struct vec v) { return v.x; }")
    assert result(kc, "vec_x((struct vec){1.25, 2})") == "1.25"


def test_a_function_whose_prototype_changes_while_a_pointer_to_it_is_held(kc):
    ok(kc, "int scale(int v) { return 2 * v; }\nint (*scale_ptr)(int) = scale;")
    ok(kc, "double scale(double v) { return v / 2; }")
    # The pointer still calls the function it was taken from, with ints.
    assert result(kc, "scale_ptr(21)") == "42"
    assert result(kc, "scale(3.0)") == "1.5"


def test_redefining_with_the_same_text_keeps_everything(kc):
    ok(kc, "struct same { int a; }; struct same keep_me = {9};")
    ok(kc, "struct same { int a; };")
    assert result(kc, "keep_me.a") == "9"


def test_whos_marks_a_stale_variable(kc):
    ok(kc, "struct gone { int a; }; struct gone went = {1};")
    ok(kc, "struct gone { char c[3]; };")
    ex = ok(kc, "%whos")
    table = ex.displays[0]["content"]["data"]["text/plain"]
    row = [line for line in table.splitlines() if line.startswith("went ")]
    assert row and "stale" in row[0], table


def test_going_back_to_the_old_definition_and_declaring_again(kc):
    ok(kc, "struct flip { int a; }; struct flip fl = {3};")
    ok(kc, "struct flip { double a, b; };")
    ok(kc, "struct flip { int a; };")
    stale_error(kc, "fl.a", "fl", "struct flip")
    ok(kc, "struct flip fl = {4};")
    assert result(kc, "fl.a") == "4"
    assert result(kc, "fl.a + 1") == "5"
