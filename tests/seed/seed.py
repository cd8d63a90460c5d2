"""seed.py: imports the seed, seli 0.1.2 (the paper's Python/JAX library), on CPU.

seli 0.1.2 declares Python >= 3.11, but on 3.11 it cannot be used as
published: its registry (seli/core/_registry.py) and its tree walk
(seli/core/_module.py) refuse every object with a `__slots__` attribute, and
`typing.Generic`, which its `net.Param` subclasses, carries an empty
`__slots__ = ()` until Python 3.12 (where Generic became a C type).  Debian
12's python3 is 3.11, so this module loads those two files with the check
narrowed to a non-empty `__slots__`, which is what it means; the seed's code
is otherwise used as published.  On 3.12 and later nothing is changed.
"""

import importlib.abc
import importlib.machinery
import os
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")

# module -> (the seed's line, the narrowed line)
_NARROW = {
    "seli.core._registry": ('if hasattr(cls, "__slots__"):', 'if getattr(cls, "__slots__", ()):'),
    "seli.core._module": (
        'if hasattr(obj_fun, "__slots__"):',
        'if getattr(obj_fun, "__slots__", ()):',
    ),
}


class _SlotsFinder(importlib.abc.MetaPathFinder):
    """Loads the two modules of _NARROW with their __slots__ check narrowed."""

    def find_spec(self, name, path, target=None):
        if name not in _NARROW:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        loader = spec.loader
        source = loader.get_source(name)
        old, new = _NARROW[name]
        if source.count(old) != 1:
            raise ImportError(f"seed.py: {name} is not seli 0.1.2's; update the shim")

        def exec_module(module):
            exec(compile(source.replace(old, new), spec.origin, "exec"), module.__dict__)

        loader.exec_module = exec_module
        return spec


if sys.version_info < (3, 12) and "seli" not in sys.modules:
    sys.meta_path.insert(0, _SlotsFinder())

import jax  # noqa: E402

jax.config.update("jax_enable_x64", False)

import seli  # noqa: E402
import seli.net._key  # noqa: E402

assert seli.__name__ == "seli"
