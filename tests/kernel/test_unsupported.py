"""test_unsupported.py: what tcc cannot compile gets one sentence that says
so and what to use instead, on the line that uses it, instead of an error
from deep inside a system header (or a crash at run time).  The session
keeps its variables, and similar code that tcc can compile still compiles.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


@pytest.fixture(scope="module")
def kc():
    km, kc = harness.start_kernel()
    harness.execute(kc, "int kept_value = 17;")
    yield kc
    harness.stop_kernel(km, kc)


@pytest.mark.parametrize("code, line, says, instead", [
    ("#include <complex.h>", 1, "tcc has no complex types", "struct { double re, im; }"),
    ("int ok_first = 1;\ndouble _Complex z;", 2, "tcc has no complex types", "struct"),
    ("_Thread_local int per_thread = 3;", 1, "no thread-local storage (_Thread_local)",
     "ordinary global"),
    ("static __thread int per_thread2;", 1, "no thread-local storage (__thread)", "ordinary global"),
    ("__int128 wide = 3;", 1, "no 128-bit integers (__int128)", "int64_t"),
    ("unsigned __int128 uwide;", 1, "no 128-bit integers", "uint64_t"),
    ("_Atomic int counter_a = 0;", 1, "no atomics (_Atomic)", "pthread_mutex_t"),
    ("#include <stdatomic.h>\natomic_int c;", 1, "no atomics", "pthread_mutex_t"),
    ("int rows_n = 3;\nstruct grid { int cells[rows_n]; };", 2,
     "variable-length array member", "constant size"),
    ("void make_vla(int n)\n{\n    struct { int a[n]; } v;\n    v.a[0] = 1;\n}", 3,
     "variable-length array member", "malloc"),
])
def test_one_sentence_on_the_line_that_uses_it(kc, code, line, says, instead):
    ex = harness.execute(kc, code)
    assert ex.status == "error"
    assert ex.error["ename"] == "CompileError"
    text = ex.error["evalue"]
    assert text.startswith("line %d: error: " % line), text
    assert says in text and instead in text, text
    assert "/usr/include" not in text and "\n" not in text
    assert ex.error["traceback"] == [text]
    ok = harness.execute(kc, "kept_value")
    assert ok.result["text/plain"] == "17"


def test_what_tcc_can_compile_is_not_flagged(kc):
    ex = harness.execute(kc, "#define NSLOTS 4\nenum { NPAIR = 2 };\n"
                             "struct fixed { int a[NSLOTS]; int b[NPAIR]; int c[2 * 3]; };\n"
                             "int complex_count = 2, atomic_ops = 1, thread_local_n = 3;\n"
                             'const char *note = "_Atomic and __int128 in a string";\n'
                             "/* _Thread_local in a comment */\n"
                             "sizeof(struct fixed)")
    assert ex.status == "ok", ex
    assert ex.result["text/plain"] == "48"
