"""Files written by ``torch.save()``: reading them safely, writing them whole.

:func:`load_pt` tells apart the ways a read fails (no such file, not a torch
file, a truncated one, one that needs ``weights_only=False``, one saved on a
GPU this machine lacks), so R can raise the matching classed error.
:func:`save_pt` writes to a temporary file beside the target and renames it,
so a failed write leaves nothing half-written.
"""

from __future__ import annotations

import ctypes
import importlib
import io
import os
import pickle
import sys
import tempfile
import zipfile
from contextlib import nullcontext
from typing import Any, List

import torch

from ._devices import resolve
from ._errors import FileError, NoGPUError, TorchbridgeError, WeightsOnlyError, first_line, record, torch_failure

#: The first bytes of torch's legacy (non-zip) format: its pickled magic number.
_LEGACY_MAGIC = pickle.dumps(torch.serialization.MAGIC_NUMBER, protocol=2)


def check_readable(path: str) -> None:
    """Raise FileError unless ``path`` is a readable regular file."""
    if not os.path.exists(path):
        raise FileError(f"Can't read `{path}`: the file does not exist.",
                        [("i", f"The working directory is `{os.getcwd()}`.")], path=path)
    if os.path.isdir(path):
        raise FileError(f"Can't read `{path}`: it is a directory, not a file.", path=path)
    if not os.access(path, os.R_OK):
        raise FileError(f"Can't read `{path}`: permission denied.", path=path)


def _is_torch_file(path: str) -> bool:
    """A zip archive (torch's format since 1.6; a truncated one still starts
    like one) or torch's legacy pickle format."""
    with open(path, "rb") as f:
        head = f.read(len(_LEGACY_MAGIC))
    return head.startswith(b"PK\x03\x04") or head == _LEGACY_MAGIC


def _numpy_globals() -> List[Any]:
    """The constructors a pickled NumPy array needs: data, not code. Empty
    where NumPy is not installed (then no file can hold an array we could
    read). Files written under NumPy 1 name ``numpy.core``, under NumPy 2
    ``numpy._core``; both are allowed where the module exists."""
    np = sys.modules.get("numpy")  # torch imports NumPy where it is installed
    if np is None:
        return []
    found: List[Any] = [np.ndarray, np.dtype]
    dtypes = getattr(np, "dtypes", None)
    if dtypes is not None:
        found += [getattr(dtypes, n) for n in dir(dtypes) if n.endswith("DType")]
    if int(np.__version__.split(".")[0]) >= 2:
        multiarray: Any = importlib.import_module("numpy._core.multiarray")
        for name in ("_reconstruct", "scalar"):
            f = getattr(multiarray, name)
            found += [f, (f, f"numpy.core.multiarray.{name}")]
    else:
        multiarray = importlib.import_module("numpy.core.multiarray")
        found += [multiarray._reconstruct, multiarray.scalar]
    return found


def _unsafe_globals(path: str) -> List[str]:
    try:
        return list(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    except Exception:  # older torch or legacy format: the message says enough
        return []


def _weights_only_error(path: str, e: BaseException) -> WeightsOnlyError:
    found = sorted(g for g in _unsafe_globals(path) if not g.startswith("numpy."))
    text = str(e)
    detail = next((ln.strip() for ln in text.splitlines() if "Unsupported global" in ln), None)
    bullets = []
    if found:
        bullets.append(("x", "It holds Python objects of " + ", ".join(f"`{g}`" for g in found) + "."))
    elif detail:
        bullets.append(("x", detail.replace("WeightsUnpickler error: ", "")))
    bullets += [
        ("i", "`weights_only = FALSE` loads them by running code from the file: use it only on files you trust."),
        ("i", "To share results safely, save tensors and plain values only (a `state_dict()`, not a model)."),
    ]
    return WeightsOnlyError(
        f"Can't read `{path}` with `weights_only = TRUE`: it holds more than tensors and plain values.",
        bullets, path=path)


@record
def load_pt(path: str, map_location: Any = "cpu", weights_only: bool = True) -> Any:
    """``torch.load()`` with classed errors.

    Args:
        path: the file.
        map_location: a device spec for every tensor, or None for the
            devices the file was saved from.
        weights_only: use torch's safe unpickler (NumPy arrays allowed).
    """
    location = None if map_location is None else resolve(map_location)
    path = os.path.expanduser(path)
    check_readable(path)
    if not _is_torch_file(path):
        raise FileError(f"Can't read `{path}`: it is not a file written by `torch.save()`.",
                        [("i", "Safetensors files are read by `read_safetensors()`.")], path=path)
    safe = torch.serialization.safe_globals(_numpy_globals()) if weights_only else nullcontext()
    try:
        with safe:
            return torch.load(path, map_location=location, weights_only=weights_only)
    except pickle.UnpicklingError as e:
        if weights_only and "Weights only load failed" in str(e):
            raise _weights_only_error(path, e) from None
        raise _corrupt(path, e) from None
    except (AttributeError, ModuleNotFoundError, ImportError) as e:
        raise FileError(
            f"Can't read `{path}`: it holds an object whose class Python can't find.",
            [("x", first_line(e)),
             ("i", "Import or define that class in Python first (e.g. in a Python chunk), then read the file again.")],
            path=path,
        ) from None
    except (EOFError, zipfile.BadZipFile, ValueError, OSError) as e:
        raise _corrupt(path, e) from None
    except RuntimeError as e:
        text = str(e)
        if "deserialize object on a CUDA device" in text or "on an MPS device" in text or "mps" in text.lower() and "not available" in text:
            raise NoGPUError(
                f"Can't read `{path}` onto the devices it was saved from: this machine does not have them.",
                [("x", f"torch: {first_line(e)}"), ("i", 'Use `map_location = "cpu"` (the default).')],
                path=path,
            ) from None
        if any(w in text for w in ("zip archive", "PytorchStreamReader", "corrupt", "unexpected EOF", "file_size")):
            raise _corrupt(path, e) from None
        raise torch_failure(e, f"read `{path}`") from None


def _corrupt(path: str, e: BaseException) -> FileError:
    return FileError(
        f"Can't read `{path}`: the file is truncated or corrupt.",
        [("x", f"torch: {first_line(e)}"), ("i", "Write it again, or copy it again from where it was made.")],
        path=path,
    )


def target_path(path: str) -> str:
    """``path`` made absolute, checked to be writable as a file."""
    path = os.path.abspath(os.path.expanduser(path))
    parent = os.path.dirname(path)
    if os.path.isdir(path):
        raise FileError(f"Can't write `{path}`: it is a directory.", path=path)
    if not os.path.isdir(parent):
        raise FileError(f"Can't write `{path}`: the directory `{parent}` does not exist.", path=path)
    return path


def write_atomically(path: str, write) -> str:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename
    it to ``path``; on any failure the temporary file is removed and
    ``path`` is left as it was. Returns the absolute path written."""
    path = target_path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".torchbridge-", suffix=".tmp")
    except OSError as e:
        raise FileError(f"Can't write `{path}`: {e.strerror or e}.", path=path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            write(f, tmp)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return path
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, TorchbridgeError):
            raise
        if isinstance(e, OSError):
            raise FileError(f"Can't write `{path}`: {e.strerror or e}.", path=path) from None
        raise torch_failure(e, f"write `{path}`") from None


@record
def save_pt(obj: Any, path: str) -> str:
    """``torch.save(obj)`` into ``path``, atomically; returns the absolute path.

    torch.save() is given an open file, never the name: it refuses some
    names (ones starting with a dot) when it is given them.
    """
    def write(f, _tmp):
        torch.save(obj, f)

    return write_atomically(path, write)


_packed: dict = {}


@record
def pack_tensor(t: torch.Tensor) -> dict:
    """Start packing ``t`` for an R cache that outlives the session: the
    bytes of ``torch.save()`` of its values on the CPU (dtype and shape
    included), kept until :func:`take_packed` copies them into R. Returns
    their ``nbytes``, ``device`` and ``requires_grad``."""
    buffer = io.BytesIO()
    torch.save(t.detach().cpu().contiguous().clone(), buffer)
    _packed["data"] = buffer.getvalue()
    return {"nbytes": str(len(_packed["data"])), "device": str(t.device), "requires_grad": bool(t.requires_grad)}


@record
def take_packed(address: str) -> None:
    """Copy the bytes of :func:`pack_tensor` into the R raw vector at
    ``address`` (as long as ``nbytes``), and forget them."""
    data = _packed.pop("data")
    ctypes.memmove(int(address), data, len(data))


@record
def unpack_tensor(address: str, nbytes: str, device: str, requires_grad: bool) -> torch.Tensor:
    """The tensor of :func:`pack_tensor`'s bytes, read from the R raw vector
    at ``address``, on ``device`` (the CPU where this machine lacks it),
    with ``requires_grad``."""
    data = ctypes.string_at(int(address), int(nbytes))
    t = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    try:
        t = t.to(resolve(device))
    except (TorchbridgeError, RuntimeError, AssertionError):
        pass  # e.g. a cache made on a GPU machine, read on a laptop
    if requires_grad:
        t.requires_grad_(True)
    return t
