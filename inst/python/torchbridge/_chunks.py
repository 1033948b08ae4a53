"""``tb.r``: R's variables from Python, as tensors.

In a Python chunk of an R Markdown document (or any Python that torchbridge
started from R), ``import torchbridge as tb`` gives ``tb.r``:

- ``tb.r.b`` and ``tb.r["b"]`` are R's variable ``b`` as a tensor, made by
  R's ``as_torch(b)`` through the one-copy path (vectors, matrices, arrays,
  data frames);
- ``tb.r.get("b", dtype=None, device=None)`` takes ``as_torch()``'s
  ``dtype`` and ``device``;
- ``tb.r.result = t`` (or ``tb.r["result"] = t``) sets R's ``result`` to
  ``from_torch(t)``: an R vector, matrix or array for a tensor, a (named)
  list for lists, tuples and dicts of them.

Variables are read from and assigned in the environment where the
document's R chunks run (knitr's), else R's global environment, as
reticulate's ``r`` does. Names must be syntactic R names. Errors are the
exceptions of :mod:`torchbridge._errors` for the same failures in R, with
the same wording; a missing variable is :class:`RVariableError` (also an
``AttributeError`` and ``KeyError``, so ``hasattr()`` and ``getattr(tb.r,
name, default)`` work). Nothing is assigned in R when a conversion fails.

R hands this module its two callbacks (:func:`set_r_callbacks`) when
torchbridge loads Python; without them (Python not started from R),
``tb.r`` raises :class:`RUnavailableError`.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Callable, Dict, Optional

from . import _errors as E

_callbacks: Dict[str, Optional[Callable[..., Any]]] = {"get": None, "assign": None}

# R's syntactic names (as make.names() keeps them): letters, digits, "."
# and "_", starting with a letter or a "." not followed by a digit; R's
# reserved words, "..." and "..1", "..2"... excluded.
_R_NAME = re.compile(r"^(?:[^\W\d_]|\.(?![0-9]))[\w.]*$")
_R_DOTS = re.compile(r"^\.\.(?:\.|[0-9]+)$")
_R_RESERVED = frozenset(
    "if else repeat while function for next break TRUE FALSE NULL Inf NaN NA "
    "NA_integer_ NA_real_ NA_character_ NA_complex_ in".split()
)


class RVariableError(E.ArgError, AttributeError, KeyError):
    """An R variable that does not exist."""

    kind = "arg"

    def __str__(self) -> str:  # KeyError would quote the message
        return E.TorchbridgeError.__str__(self)


class RNameError(E.ArgError, AttributeError, KeyError):
    """A name that is not a syntactic R name (also an ``AttributeError``,
    so that ``hasattr(tb.r, "_repr_html_")`` is ``False``)."""

    kind = "arg"

    def __str__(self) -> str:
        return E.TorchbridgeError.__str__(self)


class RUnavailableError(E.TorchbridgeError):
    """``tb.r`` used in a Python that R did not start."""

    kind = "python"


@E.record
def set_r_callbacks(get: Callable[..., Any], assign: Callable[..., Any]) -> None:
    """Called by R when it loads torchbridge: ``get(name, dtype, device)``
    and ``assign(name, value)`` return ``["ok", value]`` or ``["error",
    kind, message, bullets]``."""
    _callbacks["get"], _callbacks["assign"] = get, assign


def check_r_name(name: Any) -> str:
    """``name`` if it is a syntactic R name, else :class:`RNameError` (an
    :class:`ArgError`)."""
    if not isinstance(name, str):
        raise RNameError(
            "An R variable name must be a string.",
            [("x", f"Got a Python {type(name).__name__}.")],
        )
    if not _R_NAME.match(name) or _R_DOTS.match(name) or name in _R_RESERVED:
        raise RNameError(
            f"`{name}` is not a syntactic R name.",
            [("i", "R names start with a letter (or a dot not followed by a digit) and hold letters, digits, `.` and `_`; R's reserved words can't be used.")],
        )
    return name


_KINDS = {cls.kind: cls for cls in (
    E.InputTypeError, E.NAError, E.DtypeError, E.ValueOverflowError, E.DeviceError, E.NoGPUError,
    E.ArgError, E.UnsupportedTensorError, E.ShapeError, E.SizeError, E.PlotError, E.PythonError,
    E.FileError, E.WeightsOnlyError, E.IndexOutOfRangeError,
)}


def _call(which: str, *args: Any) -> Any:
    fun = _callbacks[which]
    if fun is not None and threading.current_thread() is not threading.main_thread():
        # R runs on Python's main thread; calling into it from another
        # thread would crash the process.
        raise RUnavailableError(
            "`tb.r` works only on Python's main thread.",
            [("i", "Read R variables before starting threads, and pass their tensors to them.")],
        )
    if fun is None:
        raise RUnavailableError(
            "`tb.r` works only in a Python that torchbridge started from R.",
            [("i", "In R: `library(torchbridge)`, then run Python chunks or `reticulate::py_run_string()`.")],
        )
    out = fun(*args)
    if out[0] == "ok":
        return out[1] if len(out) > 1 else None
    _, kind, message, bullets = out
    cls = RVariableError if kind == "missing" else _KINDS.get(kind, E.TorchbridgeError)
    err = cls(message, [tuple(b) for b in bullets])
    if kind not in _KINDS and kind != "missing":
        err.kind = kind
    raise err


class RVariables:
    """``tb.r``: see the module's docstring."""

    __slots__ = ()

    def get(self, name: str, dtype: Optional[str] = None, device: Any = None) -> Any:
        """R's variable ``name`` as a tensor, by ``as_torch(name, dtype,
        device)``."""
        return _call("get", check_r_name(name), dtype, device)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # Python's protocols (copy, pickle...)
        return self.get(name)

    def __getitem__(self, name: str) -> Any:
        return self.get(name)

    def __setattr__(self, name: str, value: Any) -> None:
        _call("assign", check_r_name(name), value)

    def __setitem__(self, name: str, value: Any) -> None:
        _call("assign", check_r_name(name), value)

    def __iter__(self) -> Any:
        raise TypeError("`tb.r` can't be iterated: read R variables by name, `tb.r.b` or `tb.r[\"b\"]`.")

    def __contains__(self, name: Any) -> bool:
        raise TypeError("`tb.r` has no `in`: use `hasattr(tb.r, name)`.")

    def __repr__(self) -> str:
        return "<R variables as tensors: tb.r.name, tb.r.get(name, dtype, device); tb.r.name = tensor>"


r = RVariables()
