"""Reading `.npz` files, object arrays included, without running anything from the file.

sketch-rnn's files store each split as an object array of int16 arrays, which numpy can only
load through pickle, and pickle runs whatever the file names. Here an unpickler that knows only
how to rebuild numpy arrays does the job; any other global in the pickle is refused. Sizes are
bounded before decompressing, so a zip bomb is refused too.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import numpy as np

from core.base.errors import BadFile

MAX_MEMBER_BYTES = 2 << 30  # 2 GiB uncompressed per array: the full face.npz is ~50 MB
MAX_RATIO = 200  # uncompressed / compressed; stroke data compresses ~3-5x

# The only callables a numpy-array pickle needs. numpy 2 moved numpy.core to numpy._core.
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("_codecs", "encode"),  # protocol-2 pickles store bytes as latin1 text through this
}


class _ArrayOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):  # noqa: ANN201 - pickle's own signature
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise BadFile(
            f"refused: the file's pickle asks for {module}.{name}, which is not array data"
        )


def _load_pickled(raw: io.BufferedIOBase) -> np.ndarray:
    try:
        obj = _ArrayOnlyUnpickler(raw, encoding="latin1").load()
    except BadFile:
        raise
    except Exception as exc:  # malformed pickles raise almost anything
        raise BadFile(f"refused: the object array is not a valid numpy pickle ({exc})") from None
    if not isinstance(obj, np.ndarray):
        raise BadFile("refused: the pickled object is not a numpy array")
    return obj


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    if info.file_size > MAX_MEMBER_BYTES or (
        info.compress_size and info.file_size / max(info.compress_size, 1) > MAX_RATIO
    ):
        raise BadFile(f"refused: {info.filename} would expand to {info.file_size:,} bytes")
    with archive.open(info) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise BadFile(f"unsupported .npy version {version} in {info.filename}")
        if dtype.hasobject:
            return _load_pickled(f)
        count = int(np.prod(shape)) if shape else 1
        data = f.read(count * dtype.itemsize)
        if len(data) != count * dtype.itemsize:
            raise BadFile(f"{info.filename} is truncated")
        array = np.frombuffer(data, dtype=dtype)
        order = "F" if fortran else "C"
        return array.reshape(shape, order=order).copy()


def load_npz(path: str | Path) -> dict[str, np.ndarray]:
    """Every array of an `.npz`, object arrays included, with no code from the file run."""
    try:
        with zipfile.ZipFile(path) as archive:
            out = {}
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    continue
                out[info.filename[: -len(".npy")]] = _read_member(archive, info)
            return out
    except BadFile:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise BadFile(f"{Path(path).name} is not a readable .npz file ({exc})") from None
