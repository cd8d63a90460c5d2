"""test_exported_symbols.py: the kernel exports libseli's API, not itself.

Cells find the functions they call by name in the kernel process (tcc
resolves a cell's undefined symbols with dlsym; the core is linked with
-rdynamic).  So whatever the core exports, a cell can call.  It must export
libseli's public API (seli_*) and the few runtime helpers that the code tcc
generates calls, and nothing of the kernel itself (file_read, cell_parse,
log_fd...) or of libtcc's internals (asm_expr, begin_macro...): a cell that
declares one of those must get a link error, not a call into the kernel.

The core under test is seli-kernel-core beside SELI_KERNEL (harness).
"""

import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# libseli's public API: seli_ followed by a letter or digit (seli__name is
# libseli-internal and must be hidden: SELI_INTERNAL).
LIBSELI_API = re.compile(r"^seli_[A-Za-z0-9]\w*$")

ALLOWED = {
    # libtcc1.a's helpers, which the code tcc generates calls (conversions
    # between long long / long double and floating point, alloca, va_arg).
    # The Makefile's TCC_RUNTIME links them in with --undefined and exports
    # them, so that cells link against the process alone (runtime/jit.c).
    "__fixdfdi": "libtcc1: double -> long long",
    "__fixsfdi": "libtcc1: float -> long long",
    "__fixunsdfdi": "libtcc1: double -> unsigned long long",
    "__fixunssfdi": "libtcc1: float -> unsigned long long",
    "__fixunsxfdi": "libtcc1: long double -> unsigned long long",
    "__fixxfdi": "libtcc1: long double -> long long",
    "__floatundidf": "libtcc1: unsigned long long -> double",
    "__floatundisf": "libtcc1: unsigned long long -> float",
    "__floatundixf": "libtcc1: unsigned long long -> long double",
    "alloca": "libtcc1: alloca() in a cell",
    "__va_arg": "libtcc1: va_arg in a variadic function of a cell",
    # libc's data that the executable holds by copy relocation: they are
    # libc's symbols (glibc versioned), the same object libc itself uses.
    "stdin": "libc data (copy relocation)",
    "stdout": "libc data (copy relocation)",
    "stderr": "libc data (copy relocation)",
    "environ": "libc data (copy relocation)",
    "__environ": "libc data (copy relocation)",
    # What the linker and crt1.o define in every executable.
    "_IO_stdin_used": "crt1.o: the stdio ABI version glibc reads",
    "_start": "crt1.o: the entry point",
    "__data_start": "crt1.o",
    "data_start": "crt1.o",
    "__bss_start": "linker: start of .bss",
    "_edata": "linker: end of .data",
    "_end": "linker: end of the image",
    "_init": "crt: initialisation section",
    "_fini": "crt: finalisation section",
}

# A kernel built with SAN=1 also exports what the sanitizer runtime needs
# of the executable.
SANITIZER = re.compile(r"^(__asan|__ubsan|__lsan|__sanitizer|__interceptor_|___interceptor_)")


def core_path():
    return os.path.join(os.path.dirname(harness.kernel_binary()), "seli-kernel-core")


def dynamic_symbols(path, defined=True):
    args = ["nm", "-D", "--defined-only" if defined else "--undefined-only", path]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    names = []
    for line in out.splitlines():
        parts = line.split()
        if parts:
            names.append(parts[-1].split("@")[0])
    return names


def unexpected_exports(path):
    sanitized = any(SANITIZER.match(n) for n in dynamic_symbols(path, defined=False))
    bad = []
    for name in dynamic_symbols(path):
        if LIBSELI_API.match(name) or name in ALLOWED:
            continue
        if sanitized and SANITIZER.match(name):
            continue
        bad.append(name)
    return sorted(set(bad))


def test_core_exports_only_libseli_api_and_runtime_helpers():
    path = core_path()
    assert os.path.exists(path), f"no kernel core at {path}"
    bad = unexpected_exports(path)
    assert not bad, (
        f"{path} exports {len(bad)} symbols that are neither libseli's API nor an allowed "
        f"runtime helper (cells could call them): {' '.join(bad[:40])}"
    )


def test_core_exports_libseli_api_and_tcc_helpers():
    names = set(dynamic_symbols(core_path()))
    for must in ("seli_scalar", "seli_item", "seli_error", "__fixunsdfdi", "alloca"):
        assert must in names, f"{must} is not exported: cells cannot call it"


@pytest.fixture(scope="module")
def kernel():
    km, kc = harness.start_kernel()
    yield km, kc
    harness.stop_kernel(km, kc)


# Functions of the kernel and of libtcc that would run without harm if a
# cell reached them: before the kernel hid its symbols, each call succeeded.
KERNEL_CALLS = [
    ("int log_fd(void);", "log_fd()"),
    ("const char *guard_signal_name(int);", "guard_signal_name(11)"),
    ("char *file_read(const char *);", 'file_read("/dev/null")'),
    ("const char *channel_name(int);", "channel_name(0)"),
    ("void *tcc_new(void);", "tcc_new()"),
]


@pytest.mark.parametrize("decl,call", KERNEL_CALLS, ids=[c[1] for c in KERNEL_CALLS])
def test_cell_cannot_call_a_kernel_function_by_name(kernel, decl, call):
    km, kc = kernel
    name = call.split("(")[0]
    ex = harness.execute(kc, f"{decl}\n(void){call};\nprintf(\"called\\n\");")
    assert ex.status == "error", f"the cell called the kernel's {name}: {ex!r}"
    assert "called" not in ex.stdout
    text = (ex.error or {}).get("ename", "") + " " + (ex.error or {}).get("evalue", "")
    assert "LinkError" in text or "not defined" in text or "undefined" in text, text
    assert name in text, text


def test_cell_still_reaches_libseli_and_tcc_helpers(kernel):
    km, kc = kernel
    ex = harness.execute(
        kc,
        "{\n"
        "    long double ld = 5e18L;\n"
        "    double d = 9e18;\n"
        "    unsigned long long a = (unsigned long long)ld, b = (unsigned long long)d;\n"
        "    char *p = alloca(16);\n"
        "    p[0] = '7';\n"
        "    p[1] = 0;\n"
        "    seli_tensor *t = seli_scalar(2.0f);\n"
        "    printf(\"%s %llu %llu %g\\n\", p, a / 1000000000000000000ULL,\n"
        "           b / 1000000000000000000ULL, seli_item(t));\n"
        "}",
    )
    assert ex.status == "ok", ex
    assert ex.stdout.strip() == "7 5 9 2", ex.stdout
