"""Exceptions raised by torchbridge's Python side.

reticulate 1.28 hands R only the text of a Python exception, so every public
entry point records the exception it raises (see :func:`record`); R then asks
for it with :func:`take_last_error` and raises the matching classed R error.
"""

from __future__ import annotations

import functools
import traceback
from typing import Any, Callable, Dict, List, Optional, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class TorchbridgeError(Exception):
    """Base class: an error R turns into ``torchbridge_error_<kind>``.

    Args:
        message: the headline, a "must"/"can't" sentence.
        bullets: extra lines, each ``("x", text)`` (what was wrong) or
            ``("i", text)`` (context or fix).
        data: what failed, for code to read without parsing the message:
            fields of the R condition (see :data:`DATA_FIELDS`); ``None``
            values are left out.
    """

    kind = "torch"

    def __init__(self, message: str, bullets: Optional[List[tuple]] = None, **data: Any):
        super().__init__(message)
        unknown = set(data) - set(DATA_FIELDS)
        if unknown:
            raise TypeError(f"not a field of torchbridge's conditions: {sorted(unknown)}")
        self.message = message
        self.bullets = list(bullets or [])
        self.data = {k: v for k, v in data.items() if v is not None}

    def __str__(self) -> str:
        lines = [self.message] + [f"{b}: {t}" for b, t in self.bullets]
        return "\n".join(lines)


#: The fields an error can carry to R (documented in ``?torchbridge_error``):
#: the dtype it was converting to or computing in, the value that failed,
#: the file path, and where an element sits in a container (R code).
DATA_FIELDS = ("dtype", "value", "path", "element")


class InputTypeError(TorchbridgeError):
    kind = "type"


class NAError(TorchbridgeError):
    kind = "na"


class DtypeError(TorchbridgeError):
    kind = "dtype"


class ValueOverflowError(TorchbridgeError):
    kind = "overflow"


class DeviceError(TorchbridgeError):
    kind = "device"


class NoGPUError(TorchbridgeError):
    kind = "no_gpu"


class ArgError(TorchbridgeError):
    kind = "arg"


class UnsupportedTensorError(TorchbridgeError):
    kind = "unsupported_tensor"


class ShapeError(TorchbridgeError):
    kind = "shape"


class SizeError(TorchbridgeError):
    kind = "size"


class PlotError(TorchbridgeError):
    kind = "plot"


class PythonError(TorchbridgeError):
    """A Python module torchbridge needs is missing."""

    kind = "python"


class FileError(TorchbridgeError):
    """A path that can't be read or written, or a file that is not what it
    should be (not a torch or safetensors file, truncated, corrupt)."""

    kind = "file"


class WeightsOnlyError(TorchbridgeError):
    """A ``.pt`` file that torch's safe loader refuses: it needs
    ``weights_only = FALSE``, which runs code from the file."""

    kind = "weights_only"


class IndexOutOfRangeError(TorchbridgeError):
    """An index beyond a tensor's extent, or a logical index longer than it."""

    kind = "index"


class IndexTypeError(TorchbridgeError):
    """An index of the wrong kind: NA, mixed signs, a float tensor..."""

    kind = "index"


_last: Dict[str, Any] = {"error": None}

#: Words in torch's messages that mean it has no kernel for a dtype (or
#: can't promote or cast between dtypes), not that the computation failed.
_DTYPE_WORDS = ("not implemented for", "Promotion for", "can't be cast", "cannot be cast",
                "result type", "not supported for", "Unsupported dtype", "unsupported dtype")
_OOM_WORDS = ("out of memory", "can't allocate memory", "Cannot allocate memory",
              "not enough memory", "DefaultCPUAllocator")


def first_line(e: BaseException) -> str:
    """The first line of an exception's message (torch adds long notes)."""
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def is_out_of_memory(e: BaseException) -> bool:
    import torch

    oom = getattr(torch, "OutOfMemoryError", MemoryError)
    if isinstance(e, (oom, MemoryError)):
        return True
    text = str(e)
    return any(w in text for w in _OOM_WORDS)


def kind_of(e: BaseException) -> str:
    """The R error class for an exception torch raised: ``"torch"`` when the
    computation failed (out of memory, a kernel error), ``"dtype"`` when
    torch has no kernel for the dtypes it was given."""
    if is_out_of_memory(e):
        return "torch"
    if isinstance(e, NotImplementedError) or any(w in str(e) for w in _DTYPE_WORDS):
        return "dtype"
    return "torch"


def torch_failure(e: BaseException, what: str, bullets: Optional[List[tuple]] = None,
                  dtype_message: Optional[str] = None) -> TorchbridgeError:
    """A classed error for exception ``e`` raised by torch while doing ``what``
    (e.g. "apply `+`"), with torch's message as a bullet. Out-of-memory and
    other runtime failures are ``torch`` errors; missing kernels ``dtype``
    errors, headed ``dtype_message`` when given."""
    bullets = list(bullets or [])
    text = ("x", f"torch: {first_line(e)}")
    if is_out_of_memory(e):
        return TorchbridgeError(f"Can't {what}: torch ran out of memory.", bullets + [text, (
            "i", "Free memory (remove unused tensors, then `gc()`), or work on smaller pieces.")])
    if kind_of(e) == "dtype":
        return DtypeError(dtype_message or f"Can't {what} with these dtypes.", bullets + [text])
    return TorchbridgeError(f"Can't {what}: torch raised an error.", bullets + [text])


def _describe(e: BaseException) -> Dict[str, Any]:
    if isinstance(e, TorchbridgeError):
        kind, message, bullets, text, data = e.kind, e.message, e.bullets, e.message, e.data
    else:
        kind, message, bullets, text, data = kind_of(e), None, [], str(e), {}
    return {
        "kind": kind,
        "message": message,
        "bullets": [[b, t] for b, t in bullets],
        "python": f"{type(e).__name__}: {text}",
        "first": type(e).__name__ + (f": {first_line(e)}" if str(e).strip() else ""),
        "data": dict(data),
    }


def record(fun: F) -> F:
    """Decorate a public entry point so R can recover the exception it raised.

    Only a description is kept. The exception itself still travels to R,
    which keeps it: its traceback frames (and those of the exceptions it was
    raised from) are cleared first, so they don't keep the failed call's
    tensors (and views of R memory, device memory) alive.
    """

    @functools.wraps(fun)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fun(*args, **kwargs)
        except BaseException as e:  # described, then re-raised unchanged
            _last["error"] = _describe(e)
            _clear_frames(e)
            del args, kwargs
            raise

    return wrapper  # type: ignore[return-value]


def _clear_frames(e: BaseException) -> None:
    """Drop the local variables of the finished frames of ``e``'s traceback
    and of the exceptions chained to it (``raise ... from``)."""
    seen = set()
    cur: Optional[BaseException] = e
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if cur.__traceback__ is not None:
            traceback.clear_frames(cur.__traceback__)
        nxt = cur.__cause__ or cur.__context__
        if cur.__suppress_context__:
            cur.__context__ = None
        cur = nxt


def take_last_error() -> Optional[Dict[str, Any]]:
    """Return the last recorded error as a plain dict and forget it.

    Returns:
        ``None`` when nothing was recorded, else a dict with ``kind``,
        ``message``, ``bullets`` (list of ``[mark, text]``) and ``python``
        (the exception's type and text, for the R error's parent).
    """
    info = _last["error"]
    _last["error"] = None
    return info
