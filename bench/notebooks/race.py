#!/usr/bin/env python3
"""The speed race: every notebook in the seli kernel against its twins.

Usage: race.py [--runs N] [--peer torch|jax|all] [--only SETTING ...] [NN ...]
       (e.g. race.py --peer jax 03 07; default: --peer torch, all chapters,
       every setting; --only "2 threads" --only "erf GELU" runs just those)

Each run of a chapter NN executes notebooks/NN_*.ipynb once with nbclient in a
fresh seli kernel (kernel start included), then runs each peer's twin as a
whole process (interpreter start, import and compilation included) in each of
the peer's settings, one change at a time from the first:
  torch: bench/notebooks/NN_*.py in Debian's /usr/bin/python3 (torch 1.13):
    one thread (TWIN_THREADS=1 and OPENBLAS_NUM_THREADS=1: Debian's torch
    calls OpenBLAS, whose own pool of 2 threads torch.set_num_threads leaves
    alone); OpenBLAS on two threads (OPENBLAS_NUM_THREADS=2, torch's own ops
    on one); two threads (TWIN_THREADS=2, OPENBLAS_NUM_THREADS=2); OpenBLAS
    left to choose its own kernels (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
    unset, in this command alone); and where the twin has a GELU, the erf form
    (TWIN_GELU=erf).
  jax: bench/jax/NN_*.py in build/seed-venv (seli 0.1.2 on CPU jax 0.10):
    two threads (XLA's default here) and one (taskset -c 0: jax 0.10's CPU
    client sizes its thread pool by the CPU affinity; with
    --xla_cpu_multi_thread_eigen=false two threads still did the work, by
    their CPU times in /proc/self/task).
Where the faster settings differ in more than one change, their combination
runs as well.  The ratios use the peer's fastest setting (median seconds).

Steady-state milliseconds per training step, loop by loop:
  seli: from the executed notebook's closed progress bars (seli_progress,
    text "title: 100%|...| N/N [elapsed mm:ss, R it/s, ...]"): 1000 / R, the
    mean over the whole loop.  seli compiles nothing, so there is no warm-up
    to leave out; the loop's other work (the postfix, notebook 01's snapshots)
    is in it.  Every bar is a training loop except those titled "sampling".
  peers: the twin's lines `step ms: <loop>=<ms>`, the loop named as the bar
    (lower case, other characters as _): after compilation (jax) or the first
    chunk (torch), a median over chunks of steps.
Ratios are peer / seli: above 1, seli is faster.  The last line for a peer:
race: peer=P notebooks=N slowest_ratio=R total_seli_s=S total_peer_s=T
(R: the smallest whole-run ratio; T with the peer's fastest settings).
"""
import argparse
import glob
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "kernel"))
sys.path.insert(0, os.path.join(ROOT, "tests", "notebooks"))

import harness  # noqa: E402  (temporary kernelspec for the built kernel)
import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from run_notebooks import qualities  # noqa: E402

QUALITY = re.compile(r"^quality: (\w+)=(\S+)\s*$", re.M)
STEP_MS = re.compile(r"^step ms: (\w+)=([0-9.]+|nan)\s*$", re.M)
BAR = re.compile(r"^(.+?): +\d+%\|.*\| (\d+)/\d+ \[elapsed [^,]+, ([0-9.]+)(it/s|s/it)", re.M)
BLAS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# A setting: (name, environment to set, environment to unset, command prefix, twin filter).
ONE = {"TWIN_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
TORCH = [("1 thread", ONE, (), [], None),
         ("OpenBLAS 2 threads", {**ONE, "OPENBLAS_NUM_THREADS": "2"}, (), [], None),
         ("2 threads", {"TWIN_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}, (), [], None),
         ("OpenBLAS unset", ONE, BLAS, [], None),
         ("erf GELU", {**ONE, "TWIN_GELU": "erf"}, (), [], "gelu(")]
JAX = [("2 threads", {}, (), [], None),
       ("1 thread", {}, (), ["taskset", "-c", "0"], None)]
PEERS = {  # name -> (folder of its twins, the interpreter that runs them, label, settings)
    "torch": (HERE, "/usr/bin/python3", "PyTorch", TORCH),
    "jax": (os.path.join(ROOT, "bench", "jax"),
            os.path.join(ROOT, "build", "seed-venv", "bin", "python"), "seed (JAX)", JAX),
}


def loop_name(title):
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")


def bar_ms(nb):
    """ms per step of each closed training bar in the executed notebook: {loop: ms}."""
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            for title, _, rate, unit in BAR.findall(text):
                if title.strip() != "sampling":
                    r = float(rate)
                    found[loop_name(title)] = 1000 / r if unit == "it/s" else 1000 * r
    return found


def run_notebook(path):
    """Runs one notebook whole; returns (seconds, qualities, {loop: ms per step})."""
    nb = nbformat.read(path, as_version=4)
    harness.install_temp_kernelspec()
    client = NotebookClient(nb, kernel_name=harness.KERNEL_NAME, timeout=1200,
                            resources={"metadata": {"path": os.path.dirname(path)}})
    start = time.monotonic()
    client.execute()
    return time.monotonic() - start, qualities(nb), bar_ms(nb)


def run_twin(path, python, setting):
    """Runs one twin whole in a setting; returns (seconds, qualities, {loop: ms per step})."""
    _, env_set, env_unset, prefix, _ = setting
    env = {k: v for k, v in os.environ.items() if k not in env_unset}
    env.update(env_set)
    start = time.monotonic()
    done = subprocess.run(prefix + [python, path], capture_output=True, text=True,
                          cwd=os.path.dirname(path), env=env)
    if done.returncode != 0:  # reported, and counted as never finishing
        print(f"{path} ({setting[0]}) failed:\n{done.stderr[-2000:]}", flush=True)
        return float("inf"), {}, {}
    out = done.stdout
    return (time.monotonic() - start, {k: float(v) for k, v in QUALITY.findall(out)},
            {k: float(v) for k, v in STEP_MS.findall(out)})


def combined(settings, times):
    """The setting that joins every single change that beat the first setting, if
    there are two or more of them (otherwise None)."""
    base = times[settings[0][0]]
    wins = [s for s in settings[1:] if times[s[0]] < base]
    if len(wins) < 2:
        return None
    env, unset, prefix = dict(settings[0][1]), (), []
    for _, e, u, p, _ in wins:  # each change, over the base values the others repeat
        env.update({k: v for k, v in e.items() if settings[0][1].get(k) != v})
        unset, prefix = unset + u, prefix + p
    return (" + ".join(s[0] for s in wins), env, unset, prefix, None)


def median_runs(runs):
    """[(seconds, qualities, steps)] -> (median seconds, last qualities, median ms per loop)."""
    loops = runs[-1][2].keys()
    steps = {k: statistics.median(r[2][k] for r in runs if k in r[2]) for k in loops}
    return statistics.median(r[0] for r in runs), runs[-1][1], steps


def fmt_q(q):
    return ", ".join(f"{k}={v:.4g}" for k, v in q.items()) or "-"


def fmt_ms(ms):
    return "-" if ms is None or ms != ms else f"{ms:.3g}"


def applicable(twin, settings, only):
    """The settings that apply to the twin and were chosen (the first, if none was);
    the first of them is the base that `combined` changes."""
    source = open(twin).read()
    return [s for s in settings if (s[4] is None or s[4] in source)
            and (not only or s[0] in only)] or settings[:1]


def race_chapter(name, peers, runs, only=()):
    """Runs chapter `name`'s notebook and each peer's twin in each setting `runs`
    times; returns {"seli": result, peer: {setting name: result}} of medians."""
    twins = {p: os.path.join(PEERS[p][0], name + ".py") for p in peers}
    settings = {p: applicable(twins[p], PEERS[p][3], only) for p in peers}
    ours, theirs = [], {p: {s[0]: [] for s in settings[p]} for p in peers}
    for _ in range(runs):
        ours.append(run_notebook(os.path.join(ROOT, "notebooks", name + ".ipynb")))
        for p in peers:
            for s in settings[p]:
                theirs[p][s[0]].append(run_twin(twins[p], PEERS[p][1], s))
    row = {"seli": median_runs(ours)}
    for p in peers:
        row[p] = {k: median_runs(v) for k, v in theirs[p].items()}
        both = combined(settings[p], {k: v[0] for k, v in row[p].items()})
        if both:
            row[p][both[0]] = median_runs([run_twin(twins[p], PEERS[p][1], both)
                                           for _ in range(runs)])
    return row


def best(results):
    """The name of the fastest setting (median whole-run seconds)."""
    return min(results, key=lambda k: results[k][0])


def print_chapter(name, row, peers):
    s, q, steps = row["seli"]
    print(f"{name}: seli {s:.1f} s, quality {fmt_q(q)}; ms/step "
          + ", ".join(f"{k} {fmt_ms(v)}" for k, v in steps.items()), flush=True)
    for p in peers:
        label, results = PEERS[p][2], row[p]
        for setting, (t, tq, tsteps) in results.items():
            print(f"  {label}, {setting}: {t:.1f} s ({t / s:.2f}x), quality {fmt_q(tq)}; "
                  "ms/step " + ", ".join(f"{k} {fmt_ms(v)}" for k, v in tsteps.items()),
                  flush=True)
        print(f"  {label} fastest: {best(results)}", flush=True)


def step_cells(seli_steps, peer_steps):
    """The loop, seli ms, peer ms and the peer/seli ratio of each loop, as table cells."""
    rows = []
    for loop in dict.fromkeys(list(seli_steps) + list(peer_steps)):
        a, b = seli_steps.get(loop), peer_steps.get(loop)
        ratio = f"{b / a:.2f}x" if a and b and b == b else "-"
        rows.append((loop, fmt_ms(a), fmt_ms(b), ratio))
    return rows or [("-", "-", "-", "-")]


def print_settings(peer, rows):
    label, names = PEERS[peer][2], []
    for row in rows.values():
        names += [k for k in row[peer] if k not in names]
    print(f"\n{label}: median whole-run seconds in each setting (ratio: fastest)\n")
    print("| notebook | " + " | ".join(names) + " | fastest |")
    print("|---|" + "---:|" * len(names) + "---|")
    for name, row in rows.items():
        cells = [f"{row[peer][k][0]:.1f}" if k in row[peer] else "-" for k in names]
        print(f"| {name} | " + " | ".join(cells) + f" | {best(row[peer])} |")


def print_table(peer, rows, runs):
    label = PEERS[peer][2]
    print(f"\nseli against {label} (fastest setting), medians of {runs} run(s)\n")
    print(f"| notebook | seli s | {label} s | whole ratio | loop | seli ms/step | "
          f"{label} ms/step | step ratio | seli quality | {label} quality |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---|---|")
    for name, row in rows.items():
        s, q, steps = row["seli"]
        t, tq, tsteps = row[peer][best(row[peer])]
        for i, (loop, a, b, ratio) in enumerate(step_cells(steps, tsteps)):
            head = (f"{name} | {s:.1f} | {t:.1f} | {t / s:.2f}x" if i == 0 else " | | |")
            tail = f"{fmt_q(q)} | {fmt_q(tq)}" if i == 0 else " |"
            print(f"| {head} | {loop} | {a} | {b} | {ratio} | {tail} |")
    total_s = sum(r["seli"][0] for r in rows.values())
    total_t = sum(r[peer][best(r[peer])][0] for r in rows.values())
    print(f"| total | {total_s:.1f} | {total_t:.1f} | {total_t / total_s:.2f}x | | | | | | |")


def summary(peer, rows):
    seli = {n: r["seli"][0] for n, r in rows.items()}
    peer_s = {n: r[peer][best(r[peer])][0] for n, r in rows.items()}
    slowest = min(peer_s[n] / seli[n] for n in rows)
    return (f"race: peer={peer} notebooks={len(rows)} slowest_ratio={slowest:.2f} "
            f"total_seli_s={sum(seli.values()):.1f} total_peer_s={sum(peer_s.values()):.1f}")


def chapters_of(peers, chosen):
    """The chapters every chosen peer has a twin of and that have a notebook."""
    names = None
    for p in peers:
        found = {os.path.splitext(os.path.basename(t))[0]
                 for t in glob.glob(os.path.join(PEERS[p][0], "[0-9][0-9]_*.py"))}
        names = found if names is None else names & found
    return sorted(n for n in names if (not chosen or n[:2] in chosen)
                  and os.path.exists(os.path.join(ROOT, "notebooks", n + ".ipynb")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--peer", choices=["torch", "jax", "all"], default="torch")
    parser.add_argument("--only", action="append", default=[],
                        help="run only the settings of this name (repeatable)")
    parser.add_argument("chapters", nargs="*")
    args = parser.parse_args()
    peers = ["torch", "jax"] if args.peer == "all" else [args.peer]
    rows = {}
    for name in chapters_of(peers, args.chapters):
        rows[name] = race_chapter(name, peers, args.runs, args.only)
        print_chapter(name, rows[name], peers)
    for p in peers:
        print_settings(p, rows)
        print_table(p, rows, args.runs)
    print("\n(whole runs: kernel start, the peer's import and compilation included; "
          "the machine's other load is in every figure)")
    for p in peers:
        print(summary(p, rows))


if __name__ == "__main__":
    main()
