"""make_seeds.py: write the seed corpora of fuzz_message, fuzz_cell,
fuzz_connection and the structured seeds of fuzz_npz (run by `make fuzz-seeds`
after make_npz_seeds has written the .npz files).

    build/venv/bin/python fuzz/seeds/make_seeds.py fuzz/corpus
"""
import io
import json
import pathlib
import struct
import sys
import zipfile

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus")


def write(target, name, data):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


# --- fuzz_message: flag byte, then frames separated by NUL -------------------
def message(flags, frames):
    return bytes([flags]) + b"\0".join(f if isinstance(f, bytes) else f.encode() for f in frames)


def header(msg_type, msg_id="8a1c0f2e-1"):
    return json.dumps({"msg_id": msg_id, "session": "s1", "username": "u", "date":
                       "2024-01-01T00:00:00.000000Z", "msg_type": msg_type, "version": "5.3"})


execute = json.dumps({"code": "int x = 3;\nx * 2", "silent": False, "store_history": True,
                      "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
write("message", "execute_signed", message(1, ["ident", "<IDS|MSG>", "", header("execute_request"),
                                               "{}", "{}", execute]))
write("message", "kernel_info_unsigned_key", message(2, ["<IDS|MSG>", "", header("kernel_info_request"),
                                                         "{}", "{}", "{}"]))
write("message", "bad_signature", message(0, ["id", "<IDS|MSG>", "0" * 64, header("kernel_info_request"),
                                              "{}", "{}", "{}"]))
write("message", "truncated_signature", message(0, ["<IDS|MSG>", "abcdef", header("shutdown_request"),
                                                    "{}", "{}", '{"restart": false}']))
write("message", "buffers_and_ids", message(1, ["a", "b", "c", "<IDS|MSG>", "", header("comm_msg"),
                                                header("execute_request", "parent"), '{"k": [1, 2.5, null]}',
                                                '{"data": {"x": "\\u00e9"}}', b"\x01\x02", b"buffer"]))
write("message", "too_few_frames", message(1, ["<IDS|MSG>", "", header("x")]))
write("message", "no_msg_type", message(1, ["<IDS|MSG>", "", '{"msg_id": "1"}', "{}", "{}", "{}"]))
write("message", "not_json", message(1, ["<IDS|MSG>", "", "{", "[]", "null", "\"s\""]))

# --- fuzz_cell: the text of a cell ------------------------------------------
cells = {
    "declarations": "#include <string.h>\n#define N 3\ntypedef struct point { double x, y; } point;\n"
                    "enum color { RED, GREEN = 4 };\nstatic int counter = 0, *p = &counter, a[N] = {1, 2};\n"
                    "double square(double v) { return v * v; }\nextern int later(int);\n",
    "statements": "for (int i = 0; i < 3; i++)\n    printf(\"%d\\n\", i);\nif (1) { counter++; } else counter--;\n",
    "trailing_expression": "int x = 41;\nx + 1",
    "seli_model": "seli_module *model = seli_set_rngs(seli_net_mlp(3, (int[]){16, 16, 1}, seli_net_elu), 42);\n"
                  "seli_tensor *x = seli_zeros(2, (long[]){8, 1});\nseli_call(model, x)",
    "function_pointer": "int (*op)(int, int) = NULL;\nvoid (*signal_fn(int sig, void (*h)(int)))(int);\n"
                        "static inline int add(int a, int b) { return a + b; }\nop = add;\nop(2, 3)",
    "comments_strings": "/* a comment with { and \" */\nconst char *s = \"}{\\\"\"; // line comment }\nchar c = '\\'';\ns",
    "unsized_array_struct_init": "int v[] = {1, 2, 3};\nstruct point q = {.x = 1, .y = 2};\n"
                                 "union u { int i; float f; } w = { 3 };\nsizeof v / sizeof v[0]",
    "page_request": "?seli_matmul",
    "page_request_suffix": "seli_normal?",
    "incomplete": "for (int i = 0; i < 3; i++) {\n    printf(\"%d\", i);\n",
    "invalid": "int x = 3; }",
    "open_comment": "/* never closed\nint x;",
    "macros": "#define SQ(x) ((x) * (x))\n#define LONG \\\n  1 + \\\n  2\n#undef SQ\n#pragma once\n#if 1\nint z;\n#endif\n",
    "k_and_r_and_attrs": "int f(a, b) int a; char *b; { return a; }\n_Static_assert(1, \"ok\");\n"
                         "__attribute__((unused)) static int y;\n_Alignas(16) float buf[4];\n"
                         "typeof(y) t2 = 5;\nlong long unsigned int big = 1ull << 40;\n",
    "generic_and_labels": "#define T(x) _Generic((x), int: \"int\", default: \"other\")\n"
                          "goto done;\ndone: ;\nT(3)",
}
for name, text in cells.items():
    write("cell", name, text)

# --- fuzz_connection: a connection file --------------------------------------
conn = {"shell_port": 50001, "iopub_port": 50002, "stdin_port": 50003, "control_port": 50004,
        "hb_port": 50005, "ip": "127.0.0.1", "key": "a0436f6c-1916-498b-8eb9-e81ab9368e84",
        "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "seli"}
write("connection", "tcp", json.dumps(conn, indent=1))
write("connection", "ipc", json.dumps(dict(conn, transport="ipc", ip="/tmp/kernel-1234")))
write("connection", "no_key", json.dumps({k: v for k, v in conn.items() if k not in ("key", "kernel_name")}))
write("connection", "empty_key_other_scheme", json.dumps(dict(conn, key="", signature_scheme="hmac-md5")))
write("connection", "bad_port", json.dumps(dict(conn, hb_port=70000)))
write("connection", "long_ip", json.dumps(dict(conn, ip="x" * 300)))
write("connection", "ipv6", json.dumps(dict(conn, ip="::1")))
write("connection", "not_object", "[1, 2, 3]")
write("connection", "key_with_nul", json.dumps(dict(conn, key="ab\u0000cd")))

# --- fuzz_npz: raw .npy arrays and broken archives (numpy writes them) -----
try:
    import io
    import numpy as np
except ImportError:
    np = None
if np is not None:
    def npy(name, arr, version=None):
        b = io.BytesIO()
        np.lib.format.write_array(b, arr, version=version)
        write("npz", name, b.getvalue())
    npy("c_order.npy", np.arange(6, dtype="<f4").reshape(2, 3))
    npy("fortran.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
    npy("v2.npy", np.ones((2,), "<f4"), version=(2, 0))
    npy("scalar.npy", np.array(3.5, "<f4"))
    b = io.BytesIO()
    np.savez(b, w=np.ones((2, 2), "<f4"))
    write("npz", "numpy_only.npz", b.getvalue())
src = out / "npz" / "mlp.npz"
if src.exists():
    z = zipfile.ZipFile(src)
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as o:
        for n in z.namelist():
            o.writestr(n, z.read(n))
    write("npz", "mlp_deflated.npz", b.getvalue())
src = out / "npz" / "user.npz"
if src.exists():
    data = src.read_bytes()
    write("npz", "user_truncated.npz", data[: len(data) // 2])

# --- fuzz_npz structured form: seli.json, NUL, then name NUL len16 bytes ----
npz = out / "npz"
for f in sorted(npz.glob("*.npz")):
    try:
        z = zipfile.ZipFile(f)
        meta = z.read("seli.json")
    except (zipfile.BadZipFile, KeyError):
        continue
    data = meta + b"\0"
    for n in z.namelist():
        if n != "seli.json":
            b = z.read(n)
            data += n.encode() + b"\0" + struct.pack("<H", len(b)) + b
    write("npz", "structured_" + f.stem + ".bin", data)
