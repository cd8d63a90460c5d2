"""test_soak_short.py: the 1,000-cell soak that `make test` runs (the
10,000-cell one is `make soak`; see soak.py for the cells and the checks).

Every reply arrives with the right status and output, the kernel's RSS grows
by less than 64 MB and its open file descriptors are the same at the end."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soak  # noqa: E402


def test_thousand_mixed_cells_lose_no_reply_leak_no_fd_and_grow_rss_under_64mb():
    figures = soak.run(n=1000, seed=7)
    assert figures["replies"] == 1000
    assert figures["rss_growth_mb"] < soak.RSS_LIMIT_MB
    assert figures["fds_end"] == figures["fds_start"]
    # Every kind of cell ran.
    assert all(count > 0 for count in figures["counts"].values()), figures["counts"]
