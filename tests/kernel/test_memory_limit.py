"""MEM_LIMIT (JupyterHub's Spawner.mem_limit) and SELI_MEMORY_LIMIT bound the
memory a kernel's cells can allocate: a runaway allocation ends its cell with
a clear out-of-memory error, the kernel stays alive with its variables, and
its resident memory stays near the limit instead of growing until the
machine's OOM killer picks a process."""

import os

import pytest

import harness

RUNAWAY = "for (int i = 0; ; i++) seli_zeros(SELI_SHAPE(1 << 20));"
KEEP = "int alive = 7; seli_tensor *keep = seli_ones(SELI_SHAPE(1000));"
USE = 'printf("%d %g\\n", alive, seli_item(seli_sum_all(keep)));'
MALLOC_UNTIL_NULL = """
char *p, *first = NULL; long n = 0;
while ((p = malloc(1 << 20))) { p[0] = 1; *(char **)p = first; first = p; n++; }
while (first) { p = *(char **)first; free(first); first = p; }
printf("%ld MB then NULL\\n", n);
"""


def rss_mb(km):
    pid = km.provisioner.process.pid
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024


# AddressSanitizer's allocator (make kernel-asan-tests) and a data-size
# limit do not mix: by default it ends the process when an allocation fails,
# and with allocator_may_return_null=1 its quarantine keeps the runaway's
# freed memory, so the kernel's own next messages find no room.  The limit is
# glibc malloc's business; ASan runs the other tests.
under_asan = pytest.mark.skipif("ASAN_OPTIONS" in os.environ,
                                reason="ASan's allocator ends or starves the kernel at the limit")


def run_with(env, limit_mb):
    km, kc = harness.start_kernel(env=env)
    try:
        assert harness.execute(kc, KEEP).error is None
        ex = harness.execute(kc, RUNAWAY, timeout=120)
        assert ex.error is not None and "out of memory" in ex.error["evalue"], ex
        assert rss_mb(km) < limit_mb + 60, rss_mb(km)
        ex = harness.execute(kc, MALLOC_UNTIL_NULL, timeout=120)
        assert ex.error is None and "MB then NULL" in ex.stdout, ex
        assert int(ex.stdout.split()[0]) < limit_mb
        ex = harness.execute(kc, USE)
        assert ex.error is None and ex.stdout == "7 1000\n", ex
    finally:
        harness.stop_kernel(km, kc)


@under_asan
def test_mem_limit_from_jupyterhub_contains_a_runaway_allocation():
    run_with({"MEM_LIMIT": str(200 * 1024 * 1024)}, 200)


@under_asan
def test_seli_memory_limit_wins_over_mem_limit_and_takes_a_suffix():
    run_with({"SELI_MEMORY_LIMIT": "150M", "MEM_LIMIT": str(8 << 30)}, 150)


def test_a_limit_that_is_not_a_size_is_logged_and_ignored(tmp_path):
    log = tmp_path / "stderr"
    with open(log, "w") as err:
        km, kc = harness.start_kernel(env={"SELI_MEMORY_LIMIT": "lots"}, stderr=err)
        try:
            ex = harness.execute(kc, "char *big = malloc(300 << 20); big != NULL")
            assert ex.error is None and "1" in ex.result["text/plain"], ex
        finally:
            harness.stop_kernel(km, kc)
    assert "SELI_MEMORY_LIMIT=lots is not a size" in log.read_text()
