"""Loading torch's big shared library without stopping the other threads. `import torch` maps
and relocates libtorch_cpu (hundreds of MB) inside dlopen, and CPython holds the GIL through an
extension module's dlopen: the window froze 190-300 ms whenever the model was loaded on the
worker thread. The same dlopen called as a foreign function (ctypes releases the GIL around
it) does the heavy part with the GUI thread still running; the import then finds the library
already loaded. Best effort: where it cannot be done (another platform, another layout), the
import simply does it all, as before."""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from pathlib import Path

_done = False
# the libraries `import torch` loads that take long to map, biggest first (Linux names)
TORCH_LIBRARIES = ("libtorch_cpu.so", "libtorch.so", "libtorch_python.so")


def preload_torch() -> bool:
    """Map torch's shared libraries with the GIL released; True if it did (once per process)."""
    global _done
    if _done or "torch" in sys.modules or not sys.platform.startswith("linux"):
        return False
    _done = True
    spec = importlib.util.find_spec("torch")
    if spec is None or spec.origin is None:
        return False
    folder = Path(spec.origin).parent / "lib"
    try:
        libc = ctypes.CDLL(None)
        dlopen = libc.dlopen
    except (OSError, AttributeError):
        return False
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    loaded = False
    for name in TORCH_LIBRARIES:
        path = folder / name
        if path.is_file():  # RTLD_NOW as Python's own import; local, so no symbol moves
            loaded |= bool(dlopen(os.fsencode(path), os.RTLD_NOW))
    return loaded
