"""Exceptions raised by torchbridge's Python side.

reticulate 1.28 hands R only the text of a Python exception, so every public
entry point records the exception it raises (see :func:`record`); R then asks
for it with :func:`take_last_error` and raises the matching classed R error.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, List, Optional, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class TorchbridgeError(Exception):
    """Base class: an error R turns into ``torchbridge_error_<kind>``.

    Args:
        message: the headline, a "must"/"can't" sentence.
        bullets: extra lines, each ``("x", text)`` (what was wrong) or
            ``("i", text)`` (context or fix).
    """

    kind = "torch"

    def __init__(self, message: str, bullets: Optional[List[tuple]] = None):
        super().__init__(message)
        self.message = message
        self.bullets = list(bullets or [])

    def __str__(self) -> str:
        lines = [self.message] + [f"{b}: {t}" for b, t in self.bullets]
        return "\n".join(lines)


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


class IndexOutOfRangeError(TorchbridgeError):
    """An index beyond a tensor's extent, or a logical index longer than it."""

    kind = "index"


class IndexTypeError(TorchbridgeError):
    """An index of the wrong kind: NA, mixed signs, a float tensor..."""

    kind = "index"


_last: Dict[str, Any] = {"error": None}


def _describe(e: BaseException) -> Dict[str, Any]:
    if isinstance(e, TorchbridgeError):
        kind, message, bullets, text = e.kind, e.message, e.bullets, e.message
    else:
        kind, message, bullets, text = "torch", None, [], str(e)
    return {
        "kind": kind,
        "message": message,
        "bullets": [[b, t] for b, t in bullets],
        "python": f"{type(e).__name__}: {text}",
    }


def record(fun: F) -> F:
    """Decorate a public entry point so R can recover the exception it raised.

    Only a description is kept, not the exception: its traceback would keep
    the failed call's tensors (and views of R memory) alive.
    """

    @functools.wraps(fun)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fun(*args, **kwargs)
        except BaseException as e:  # described, then re-raised unchanged
            _last["error"] = _describe(e)
            raise

    return wrapper  # type: ignore[return-value]


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
