"""test_misuse.py: the libseli misuse catalogue, run through one real kernel.

Every NN_name.c in this directory is a cell a student could write that
misuses libseli; NN_name.expect lists, one per line, the fragments the error
the student sees must contain: what is wrong (the function, the shapes, the
path) and what to do about it.  Optional lines in the .expect file:

    ename: X        the error's name (default SeliError)
    xfail: reason   the message is known to be unclear; the case is reported
                    as an expected failure until libseli's message is fixed
                    (then delete the line)
    # ...           a comment

In the cells, @DIR@ is a scratch directory holding the fixture files
(good.npz, truncated.npz, unregistered.npz, notes.txt) and @RODIR@ a
directory that the kernel cannot write into.

All cells run in sequence in ONE kernel.  After each one the test checks that
the kernel is alive, that the variables of the setup cell still hold their
values, that no scope or no-grad region was left open by the error, and that
libseli still computes.  Mistakes that C cannot detect cheaply are listed in
README.md next to this file.
"""

import json
import os
import pathlib
import shutil
import sys
import tempfile
import zipfile

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "kernel"))
import harness  # noqa: E402

CASES = sorted(p.stem for p in HERE.glob("[0-9][0-9]_*.c"))

SETUP = r"""
int misuse_sentinel = 1234;
seli_tensor *misuse_kept = NULL;
seli_module *misuse_model = NULL;
misuse_kept = seli_tensor_new(SELI_SHAPE(3));
for (int i = 0; i < 3; i++) misuse_kept->data[i] = (float)(i + 1);
misuse_model = seli_set_rngs(seli_net_mlp(2, (int[]){8, 1}, seli_net_relu), 7);
seli_call(misuse_model, seli_zeros(SELI_SHAPE(4, 2)));
seli_save(misuse_model, "@DIR@/good.npz");
"""

# A cell that reads the setup's variables and exercises libseli again.
CHECK = r"""
printf("%d %g %d %d %ld %g\n", misuse_sentinel, seli_item(seli_sum_all(misuse_kept)),
       seli_scope_depth(), seli_no_grad_depth(), seli_module_param_count(misuse_model),
       seli_item(seli_sum_all(seli_matmul(seli_ones(SELI_SHAPE(2, 3)), seli_ones(SELI_SHAPE(3, 2))))));
"""
CHECK_OUT = "1234 6 0 0 33 12\n"


def parse_expect(path):
    spec = {"ename": "SeliError", "xfail": None, "fragments": []}
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("ename: "):
            spec["ename"] = line[len("ename: "):].strip()
        elif line.startswith("xfail: "):
            spec["xfail"] = line[len("xfail: "):].strip()
        else:
            spec["fragments"].append(line)
    return spec


def make_fixtures(d):
    """Write the broken files the load cases read, from a file the kernel saved."""
    good = pathlib.Path(d, "good.npz").read_bytes()
    pathlib.Path(d, "truncated.npz").write_bytes(good[: len(good) // 2])
    pathlib.Path(d, "notes.txt").write_text("these are my lecture notes, not a model\n")
    with zipfile.ZipFile(os.path.join(d, "good.npz")) as zin, \
            zipfile.ZipFile(os.path.join(d, "unregistered.npz"), "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "seli.json":
                tree = json.loads(data)
                tree["module"]["type"] = "student:NeverDefined"
                data = json.dumps(tree).encode()
            zout.writestr(item, data)


def read_only_dir(scratch):
    """A directory the kernel cannot write into.  root ignores permission
    bits, so then use sysfs, where even root cannot create files."""
    if os.geteuid() != 0:
        d = os.path.join(scratch, "read_only")
        os.mkdir(d)
        os.chmod(d, 0o555)
        return d
    if os.path.isdir("/sys") and _root_cannot_create("/sys"):
        return "/sys"
    pytest.skip("running as root and no directory refuses writes")


def _root_cannot_create(d):
    try:
        fd = os.open(os.path.join(d, ".seli-misuse-probe"), os.O_CREAT | os.O_WRONLY, 0o600)
    except OSError:
        return True
    os.close(fd)
    os.unlink(os.path.join(d, ".seli-misuse-probe"))
    return False


@pytest.fixture(scope="module")
def session():
    scratch = tempfile.mkdtemp(prefix="seli-misuse-")
    km, kc = harness.start_kernel()
    try:
        ex = harness.execute(kc, SETUP.replace("@DIR@", scratch))
        assert ex.status == "ok", ex
        make_fixtures(scratch)
        ex = harness.execute(kc, CHECK)
        assert ex.stdout == CHECK_OUT, ex
        yield km, kc, scratch
    finally:
        harness.stop_kernel(km, kc)
        for root, dirs, _ in os.walk(scratch):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o755)
        shutil.rmtree(scratch, ignore_errors=True)


def test_catalogue_has_at_least_30_cells_each_with_expectations():
    assert len(CASES) >= 30
    for name in CASES:
        spec = parse_expect(HERE / (name + ".expect"))
        # The function's name and at least one more fragment: what to do.
        assert len(spec["fragments"]) >= 2, name
        assert spec["fragments"][0].startswith("seli_"), name


@pytest.mark.parametrize("name", CASES)
def test_misuse_message_is_clear_and_kernel_keeps_the_session(session, name):
    km, kc, scratch = session
    code = (HERE / (name + ".c")).read_text()
    spec = parse_expect(HERE / (name + ".expect"))
    if "@RODIR@" in code:
        code = code.replace("@RODIR@", read_only_dir(scratch))
    code = code.replace("@DIR@", scratch)

    ex = harness.execute(kc, code)
    problems = []
    if ex.status != "error" or ex.error is None:
        problems.append("the cell did not fail: %r" % (ex,))
    else:
        err = ex.error
        shown = "\n".join(err["traceback"])
        if err["ename"] != spec["ename"]:
            problems.append("ename %r, expected %r" % (err["ename"], spec["ename"]))
        for frag in spec["fragments"]:
            if frag not in err["evalue"]:
                problems.append("evalue lacks %r: %r" % (frag, err["evalue"]))
            if frag not in shown:
                problems.append("traceback lacks %r" % frag)
        if ex.reply.get("ename") != err["ename"]:
            problems.append("execute_reply ename %r" % ex.reply.get("ename"))

    # Whatever the message, the kernel must live and keep the session.
    assert km.is_alive(), "the kernel died on %s" % name
    after = harness.execute(kc, CHECK)
    assert after.status == "ok" and after.stdout == CHECK_OUT, (name, after)

    if problems and spec["xfail"]:
        pytest.xfail(spec["xfail"] + ": " + "; ".join(problems))
    assert not problems, "\n".join(problems)
