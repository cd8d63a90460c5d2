"""libseli.py: libseli from Python (ctypes), for the comparisons with the seed.

Only what tests/seed/ needs: numpy arrays in and out, modules built by their
C constructors, parameters set by path, a call, and vector-Jacobian products
with respect to the inputs and every parameter.  The library is the build
tree's shared object, SELI_LIB (the Makefile's seed-tests target sets it).
Errors go to libseli's default handler, which prints and exits: tests of
error messages run libseli in a subprocess (run_c below).
"""

import ctypes as C
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LIB_PATH = os.environ.get("SELI_LIB", os.path.join(ROOT, "build", "libseli.so.0"))
lib = C.CDLL(LIB_PATH)

MAX_DIMS = 8


class Tensor(C.Structure):
    _fields_ = [
        ("data", C.POINTER(C.c_float)),
        ("size", C.c_long),
        ("ndim", C.c_int),
        ("flags", C.c_int),
        ("shape", C.c_long * MAX_DIMS),
        ("node", C.c_void_p),
        ("owner", C.c_void_p),
    ]


T = C.POINTER(Tensor)
M = C.c_void_p


class ParamList(C.Structure):
    _fields_ = [("n", C.c_int), ("paths", C.POINTER(C.c_char_p)), ("params", C.POINTER(T))]


def _sig(name, res, *args):
    f = getattr(lib, name)
    f.restype = res
    f.argtypes = list(args)
    return f


_sig("seli_scope_begin", None)
_sig("seli_scope_end", None)
_sig("seli_from_array", T, C.POINTER(C.c_float), C.c_int, C.POINTER(C.c_long))
_sig("seli_requires_grad", T, T)
_sig("seli_calln", T, M, C.c_int, C.POINTER(T))
_sig("seli_set_param", T, M, C.c_char_p, T)
_sig("seli_module_find", M, M, C.c_char_p)
_sig("seli_module_find_param", T, M, C.c_char_p)
_sig("seli_set_rngs", M, M, C.c_ulonglong)
_sig("seli_module_free", None, M)
_sig("seli_module_params", ParamList, M)
_sig("seli_param_list_free", None, C.POINTER(ParamList))
_sig("seli_vjp", None, T, T, C.c_int, C.POINTER(T), C.POINTER(T), C.c_int)
_sig("seli_set_float", None, M, C.c_char_p, C.c_double)
_sig("seli_get_float", C.c_double, M, C.c_char_p)
_sig("seli_module_type", C.c_char_p, M)
_sig("seli_save", None, M, C.c_char_p)
_sig("seli_load", M, C.c_char_p)
_sig("seli_module_str", C.c_void_p, M)
_sig("seli_minimize_tensors", C.c_float, M, C.c_void_p, C.c_int, C.POINTER(T), C.c_void_p)
_sig("seli_tensor_new", T, C.c_int, C.POINTER(C.c_long))
_sig("seli_tensor_free", None, T)
_sig("seli_sum_all", T, T)
_sig("seli_mul", T, T, T)
_sig("seli_mse", T, T, T)
_sig("seli_mae", T, T, T)
_sig("seli_bce_logits", T, T, T)
_sig("seli_item", C.c_float, T)
libc = C.CDLL(None)
libc.free.argtypes = [C.c_void_p]


def tensor(a):
    """A scope tensor holding a copy of the float32 array a."""
    a = np.array(a, dtype=np.float32, order="C")  # 0-d stays 0-d
    shape = (C.c_long * max(a.ndim, 1))(*a.shape)
    return lib.seli_from_array(a.ctypes.data_as(C.POINTER(C.c_float)), a.ndim, shape)


def array(t):
    """A numpy copy of the tensor t."""
    t = t.contents
    shape = tuple(t.shape[i] for i in range(t.ndim))
    return np.ctypeslib.as_array(t.data, shape=(t.size,)).reshape(shape).copy()


class Scope:
    """with Scope(): ... frees every tensor made inside."""

    def __enter__(self):
        lib.seli_scope_begin()

    def __exit__(self, *exc):
        lib.seli_scope_end()


def module_str(m):
    p = lib.seli_module_str(m)
    s = C.cast(p, C.c_char_p).value.decode()
    libc.free(p)
    return s


def params(m):
    """{path: tensor pointer} of every parameter created under m."""
    pl = lib.seli_module_params(m)
    # copy the pointers out before the list is freed (indexing shares its memory)
    out = {pl.paths[i].decode(): C.cast(C.addressof(pl.params[i].contents), T)
           for i in range(pl.n)}
    lib.seli_param_list_free(C.byref(pl))
    return out


def set_param(m, path, value):
    """Set the parameter at path ("0.weight") of m to a copy of value."""
    parent, _, name = path.rpartition(".")
    owner = lib.seli_module_find(m, parent.encode()) if parent else m
    assert owner, f"libseli.py: no module at {parent!r}"
    with Scope():
        lib.seli_set_param(owner, name.encode(), tensor(value))


def call_and_vjp(m, inputs, params_in, cotangent_seed=0, grad_inputs=None):
    """m(*inputs) with the parameters params_in {path: array} set first, and
    the gradients of sum(m(*inputs) * w), w a fixed random cotangent, with
    respect to the inputs and every parameter: (y, w, [dx...], {path: dp})."""
    for path, value in params_in.items():
        set_param(m, path, value)
    grad_inputs = range(len(inputs)) if grad_inputs is None else grad_inputs
    with Scope():
        xs = [tensor(x) for x in inputs]
        for i in grad_inputs:
            lib.seli_requires_grad(xs[i])
        xs_arr = (T * len(xs))(*xs)
        y = lib.seli_calln(m, len(xs), xs_arr)
        y_np = array(y)
        w_np = np.random.default_rng(cotangent_seed).normal(size=y_np.shape).astype(np.float32)
        ps = params(m)
        wrt = [xs[i] for i in grad_inputs] + list(ps.values())
        if not wrt:
            return y_np, w_np, [], {}
        out = (T * len(wrt))()
        lib.seli_vjp(y, tensor(w_np), len(wrt), (T * len(wrt))(*wrt), out, 0)
        grads = [array(out[i]) for i in range(len(wrt))]
        k = len(grad_inputs)
        return y_np, w_np, grads[:k], dict(zip(ps.keys(), grads[k:]))


class _Constructors:
    """lib's module constructors (seli_net_*, seli_opt_*), returning a module
    pointer as a c_void_p, so that it passes whole through C's variadic
    arguments (seli_net_sequential(n, ...)), where a Python int would be cut
    to an int."""

    class _Fn:
        def __init__(self, f):
            self.f = f
            self._as_parameter_ = C.cast(f, C.c_void_p)  # passed as a function pointer

        def __call__(self, *args):
            return C.c_void_p(self.f(*args))

    def __getattr__(self, name):
        f = getattr(lib, name)
        f.restype = M
        return self._Fn(f)


def build(expr):
    """A module from C constructor calls, e.g. "lib.seli_net_affine(3)", made by
    evaluating the Python spelling of the call (every seli_net_/seli_opt_
    function returns a module)."""
    return eval(expr, {"lib": _Constructors(), "C": C}, {})


def run_c(source, tmp_path, args=()):
    """Compile and run a C program against the build tree's libseli; returns
    the CompletedProcess (stdout, stderr, returncode)."""
    src = tmp_path / "prog.c"
    exe = tmp_path / "prog"
    src.write_text(source)
    libdir = os.path.dirname(LIB_PATH)
    subprocess.run(
        ["gcc", "-std=c11", "-D_GNU_SOURCE", "-I", os.path.join(ROOT, "libseli", "include"),
         str(src), "-o", str(exe), "-L", libdir, "-l:" + os.path.basename(LIB_PATH),
         "-Wl,-rpath," + libdir, "-lm"],
        check=True,
    )
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def fn(name, res, *args):
    """A libseli function with the given ctypes signature."""
    return _sig(name, res, *args)


assert sys.byteorder == "little"
