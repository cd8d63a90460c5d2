"""seli_nbconvert: `jupyter nbconvert --to seli-c NOTEBOOK.ipynb`.

A notebook of the seli kernel becomes one C program, NOTEBOOK.c, that gcc
builds against the installed libseli.  The work is done by the kernel's
own subcommand, `seli-kernel export`, which reuses the kernel's cell front
end; this exporter only hands it the notebook and returns the program.

The kernel is the one that the notebook's kernelspec (default "seli") runs;
the environment variable SELI_EXPORT_KERNEL names another binary.
"""

import os
import shutil
import subprocess
import tempfile

import nbformat
from nbconvert.exporters import Exporter
from traitlets import default


def kernel_binary(nb):
    """The seli-kernel that exports nb: SELI_EXPORT_KERNEL, else the argv[0]
    of the notebook's kernelspec, else seli-kernel on PATH."""
    if os.environ.get("SELI_EXPORT_KERNEL"):
        return os.environ["SELI_EXPORT_KERNEL"]
    name = nb.metadata.get("kernelspec", {}).get("name", "seli")
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        argv = KernelSpecManager().get_kernel_spec(name).argv
        if argv and os.path.basename(argv[0]).startswith("seli-kernel"):
            return argv[0]
    except Exception:  # no such kernelspec: look on PATH
        pass
    found = shutil.which("seli-kernel")
    if not found:
        raise RuntimeError("seli-c: no seli-kernel found: install seli (make install or "
                           "make install-kernel), or set SELI_EXPORT_KERNEL to its path")
    return found


class SeliCExporter(Exporter):
    """Export a seli notebook as a standalone C program."""

    export_from_notebook = "C program (seli)"
    output_mimetype = "text/x-csrc"

    @default("file_extension")
    def _file_extension_default(self):
        return ".c"

    def from_notebook_node(self, nb, resources=None, **kw):
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        name = (resources.get("metadata") or {}).get("name") or "notebook"
        with tempfile.TemporaryDirectory(prefix="seli-c-") as tmp:
            path = os.path.join(tmp, name + ".ipynb")
            nbformat.write(nb_copy, path)
            done = subprocess.run([kernel_binary(nb_copy), "export", path, "-o", "-"],
                                  capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip().replace(path, name + ".ipynb"))
        return done.stdout, resources
