#!/bin/sh
# Installs the Debian packages seli needs to build, test and run its notebooks.
# Idempotent and non-interactive; run as root (or through sudo).
# Usage: install/deps.sh [bench|clients]
#   (none)   the compilers and C libraries, and python3-venv, from which
#            `make venv` makes build/venv with the pinned Python tools
#   bench    adds PyTorch (Debian's python3-torch, for the PyTorch twins), valgrind and
#            libxsmm (libxsmm-dev, the small-matrix library bench/matmul_bench.c races)
#   clients  adds Debian's chromium, which the browser tests drive, and Debian's
#            own Jupyter (Notebook 6, console, nbconvert), which users of
#            `apt install jupyter-notebook` get and which must keep working, and
#            configurable-http-proxy, the proxy of the JupyterHub class (make classroom)
set -eu

packages="build-essential pkg-config
  libzmq3-dev libjansson-dev uuid-dev libsodium-dev libopenblas-dev
  libtcc-dev tcc libcmocka-dev zlib1g-dev libzip-dev libpng-dev
  python3 python3-venv librsvg2-bin clang libclang-rt-14-dev llvm"

if [ "${1:-}" = bench ]; then
    packages="$packages python3-torch python3-numpy valgrind libxsmm-dev"
fi

if [ "${1:-}" = clients ]; then
    packages="$packages chromium fonts-dejavu-core
  python3-jupyter-client jupyter-client jupyter-notebook jupyter-nbconvert python3-nbclient
  python3-nbformat python3-ipykernel python3-pytest jupyter-server python3-jupyter-server
  jupyter-console python3-websocket tmux node-configurable-http-proxy"
fi

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "install/deps.sh: missing packages:$missing; run this script as root" >&2
        exit 1
    fi
else
    SUDO=""
fi

echo "install/deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # the package list is ours, split on purpose
$SUDO apt-get install -y -qq --no-install-recommends $missing
