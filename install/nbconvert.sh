#!/bin/sh
# Installs the nbconvert exporter "seli-c" (install/nbconvert/) into a Python
# site directory, as pip would: the module and its .dist-info, whose
# entry_points.txt is how nbconvert finds `--to seli-c`.  No network, no
# build step: the package is one module and three metadata files.
# Usage: install/nbconvert.sh SITE_DIR   (prints the files it wrote)
set -eu
if [ "$#" -ne 1 ]; then
    echo "usage: $0 SITE_DIR (e.g. the purelib of the Python that runs jupyter)" >&2
    exit 2
fi
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)/nbconvert
site=$1
dist=seli_nbconvert-0.1.0.dist-info
mkdir -p -- "$site/$dist"
cp -- "$here/seli_nbconvert.py" "$site/"
for f in METADATA entry_points.txt RECORD; do
    cp -- "$here/$dist/$f" "$site/$dist/"
done
printf '%s\n' "$site/seli_nbconvert.py" "$site/$dist/METADATA" "$site/$dist/entry_points.txt" \
    "$site/$dist/RECORD"
