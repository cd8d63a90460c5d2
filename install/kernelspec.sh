#!/bin/sh
# Registers the Jupyter kernelspec "seli" (display name "C (seli)") for the
# current user.  Usage: install/kernelspec.sh /absolute/path/to/seli-kernel
# (`make install-kernel` passes kernel/seli-kernel).
set -eu

if [ "$#" -ne 1 ]; then
    echo "usage: $0 /absolute/path/to/seli-kernel" >&2
    exit 2
fi
binary=$1
case $binary in
    /*) ;;
    *) echo "install/kernelspec.sh: give an absolute path, not '$binary'" >&2; exit 2 ;;
esac
if [ ! -x "$binary" ]; then
    echo "install/kernelspec.sh: '$binary' is not an executable file; run make first" >&2
    exit 1
fi

here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
# The project's venv (make venv) when there is one, else Debian's python3.
python=${PYTHON:-}
if [ -z "$python" ]; then
    if [ -x "$here/../build/venv/bin/python" ]; then
        python=$here/../build/venv/bin/python
    else
        python=/usr/bin/python3
    fi
fi
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT INT TERM
spec="$tmp/seli"
mkdir -- "$spec"
cp -- "$here/kernelspec/logo-32x32.png" "$here/kernelspec/logo-64x64.png" \
      "$here/kernelspec/logo-svg.svg" "$spec/"

# The path goes through argv and json.dumps: never through the shell or sed.
# Every other key of the template is kept as it is, "env" included: libseli
# runs its own worker thread, so OpenBLAS must not start a pool of its own
# (OPENBLAS_NUM_THREADS=1).
"$python" - "$here/kernelspec/kernel.json" "$spec/kernel.json" "$binary" <<'PY'
import json, sys
template, out, binary = sys.argv[1:4]
with open(template) as f:
    spec = json.load(f)
spec["argv"] = [binary if a == "@SELI_KERNEL@" else a for a in spec["argv"]]
with open(out, "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
PY

# The Jupyter of $PYTHON (build/venv's, from `make install-kernel`) writes
# the spec into the user's data directory, where every Jupyter of this user
# finds it: the venv's JupyterLab and Debian's Notebook alike.
"$python" -m jupyter kernelspec install --user --name seli -- "$spec"
echo "install/kernelspec.sh: kernelspec 'seli' now runs $binary"
