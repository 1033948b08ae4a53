"""Python objects other than tensors, on their way to R or into a tensor.

``from_torch()`` walks containers in R, one level per :func:`unpack` call;
``as_torch()`` hands array-likes to :func:`from_python`. What counts as an
array (NumPy arrays and scalars, objects with ``__dlpack__``, the CUDA array
interface or ``__array__``) is decided in :func:`array_tensor`, in one place.
NumPy is imported only when an object is a NumPy array: torchbridge works
without it.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any, List, Optional, Sequence, Tuple

import torch

from . import _dtypes as D
from ._cast import cast_into, checked_cast
from ._devices import resolve
from ._errors import InputTypeError, record

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

#: NumPy dtype kinds torch can view: bool, signed, unsigned, float, complex.
_NUMERIC_KINDS = "biufc"


def _type_name(x: Any) -> str:
    cls = type(x)
    mod = cls.__module__
    return cls.__qualname__ if mod == "builtins" else f"{mod}.{cls.__qualname__}"


def _is_numpy(x: Any) -> bool:
    numpy = sys.modules.get("numpy")  # an array exists only if NumPy was imported
    return numpy is not None and isinstance(x, (numpy.ndarray, numpy.generic))


def _numpy_dtype_error(arr: Any, path: str) -> InputTypeError:
    kind = arr.dtype.kind
    what = {"O": "object", "U": "string", "S": "bytes", "V": "structured", "M": "datetime64",
            "m": "timedelta64"}.get(kind, str(arr.dtype))
    if kind in "USO":
        hint = "Text and Python objects convert with `reticulate::py_to_r()`; numbers need a numeric dtype, e.g. `x.astype('float64')` in Python."
    elif kind == "V":
        hint = "Take its fields one by one (`x['name']` in Python), or make a plain numeric array."
    elif kind in "Mm":
        hint = "Convert it to numbers first, e.g. `x.astype('int64')` in Python (the count of its time unit)."
    else:
        hint = "Cast it to float64 first (`x.astype('float64')` in Python): R has no wider float."
    return InputTypeError(
        f"{path}: a NumPy array of dtype {what} can't be converted.",
        [("x", f"Its dtype is {arr.dtype}."), ("i", hint)],
    )


def _from_numpy(x: Any, path: str) -> torch.Tensor:
    """A tensor over a NumPy array's memory (a copy only where torch can't
    view it: non-native byte order, negative strides)."""
    import numpy as np

    arr = np.asarray(x)  # a NumPy scalar becomes a 0-d array
    kind = arr.dtype.kind
    if kind not in _NUMERIC_KINDS or (kind in "fc" and arr.dtype.itemsize > (8 if kind == "f" else 16)):
        raise _numpy_dtype_error(arr, path)
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if any(s < 0 for s in arr.strides):
        arr = arr.copy(order="K")
    try:
        with warnings.catch_warnings():
            # A read-only array is only ever read (R gets a copy; as_torch()
            # copies unless copy = FALSE, documented as read-only use).
            warnings.simplefilter("ignore", UserWarning)
            return torch.from_numpy(arr)
    except TypeError as e:
        raise InputTypeError(
            f"{path}: a NumPy array of dtype {arr.dtype} can't be converted.",
            [("x", f"torch: {e}"), ("i", "Cast it to a wider dtype first, e.g. `x.astype('int64')` in Python.")],
        ) from None


#: dtype names (NumPy's, TensorFlow's, JAX's) of foreign arrays whose data
#: torch can take: anything else is refused before ``__dlpack__`` is called
#: (TensorFlow aborts the whole process for a string tensor's DLPack).
_FOREIGN_NUMERIC = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
}


def _check_foreign_dtype(x: Any, path: str) -> None:
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return
    name = getattr(dtype, "name", None)
    if not isinstance(name, str):
        name = str(dtype)
    if name.replace("tf.", "").replace("torch.", "") not in _FOREIGN_NUMERIC:
        raise InputTypeError(
            f"{path}: a {_type_name(x)} of dtype {name} can't be converted.",
            [("i", "Only numeric and bool arrays convert; text and other values need "
                   "`x.numpy().tolist()` in Python, or `reticulate::py_to_r()`.")],
        )


def array_tensor(x: Any, path: str = "x") -> Optional[torch.Tensor]:
    """A tensor holding the values of array-like ``x`` (sharing its memory
    where torch can), or None when ``x`` is not array-like."""
    if isinstance(x, torch.Tensor):
        return x
    if isinstance(x, (str, bytes)):
        return None
    if _is_numpy(x):
        return _from_numpy(x, path)
    if isinstance(x, (int, float, complex, list, tuple, dict)) or x is None:
        return None
    cls = type(x)
    _check_foreign_dtype(x, path)
    try:
        if hasattr(cls, "__dlpack__"):
            return torch.from_dlpack(x)
        if hasattr(x, "__cuda_array_interface__"):
            return torch.as_tensor(x)
        if hasattr(cls, "__array__") or hasattr(x, "__array_interface__"):
            try:
                import numpy as np
            except ImportError:
                return None
            return _from_numpy(np.asarray(x), path)
    except InputTypeError:
        raise
    except Exception as e:  # a foreign array torch can't take
        raise InputTypeError(
            f"{path}: a {_type_name(x)} can't be converted.",
            [("x", f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"),
             ("i", "Convert it to a NumPy array in Python first (`x.numpy()` or `numpy.asarray(x)`).")],
        ) from None
    return None


def _scalar_kind(v: Any) -> Optional[str]:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, complex):
        return "complex"
    if isinstance(v, str):
        return "str"
    return None


def _vector(items: Sequence[Any]) -> Optional[Tuple[str, Any, Optional[str]]]:
    """A list of plain Python scalars of one kind as (kind, value, note):
    ("plain", list, None) where reticulate's own conversion gives the R
    vector exactly and fast (floats, bools, strings, ints within R's integer
    range), else ("vector", tensor, note) for numbers; None when the list is
    empty or mixed."""
    if not items:
        return None
    exact = set(map(type, items))  # C speed; subclasses take the loop below
    if exact <= {float} or exact == {bool} or exact == {str}:
        return "plain", items, None  # reticulate's own conversion is exact here
    if exact == {int} and -D.R_INT_MAX <= min(items) and max(items) <= D.R_INT_MAX:
        return "plain", items, None
    kinds = set()
    for v in items:
        k = _scalar_kind(v)
        if k is None:
            return None
        kinds.add(k)
        if len(kinds) > 1 and not kinds <= {"int", "float", "complex"}:
            return None
    if kinds == {"str"}:
        return "plain", [str(v) for v in items], None
    if kinds == {"bool"}:
        return "vector", torch.tensor(items, dtype=torch.bool), None
    if kinds == {"int"}:
        lo, hi = min(items), max(items)
        if -D.R_INT_MAX <= lo and hi <= D.R_INT_MAX:
            return "vector", torch.tensor(items, dtype=torch.int32), None
        if _INT64_MIN <= lo and hi <= _INT64_MAX:
            return "vector", torch.tensor(items, dtype=torch.int64), "int64"
        return "vector", torch.tensor([float(v) for v in items], dtype=torch.float64), "rounded"
    if "complex" in kinds:
        return "vector", torch.tensor([complex(v) for v in items], dtype=torch.complex128), None
    try:
        return "vector", torch.tensor(items, dtype=torch.float64), None
    except (OverflowError, RuntimeError):  # an int beyond float64
        return None


def _unconvertible(x: Any, path: str) -> InputTypeError:
    if isinstance(x, (set, frozenset)):
        hint = "Make it a list in Python first (`sorted(s)` or `list(s)`): sets have no order."
        what = "a Python set"
    elif hasattr(x, "__next__") or hasattr(type(x), "__iter__") and not hasattr(type(x), "__len__"):
        hint = "Make it a list in Python first (`list(g)`)."
        what = f"a Python {_type_name(x)} (an iterator)"
    else:
        hint = ("Tensors, arrays, lists, tuples, dicts, numbers, strings and None convert; "
                "get at the values in Python first, or use `reticulate::py_to_r()`.")
        what = f"a Python {_type_name(x)}"
    return InputTypeError(f"{path}: {what} can't be converted to R.", [("i", hint)],
                          element=None if path == "x" else path)


@record
def plain_kind(x: Any) -> str:
    """The R type reticulate's own conversion gives list or tuple ``x``,
    when that conversion is exact and safe: ``"double"`` (all floats),
    ``"logical"`` (bools), ``"character"`` (strings), ``"complex"``,
    ``"integer"`` (ints within R's integer range, NA excluded); ``""``
    otherwise. Checked at C speed: ``sum()`` and ``"".join()`` refuse any
    container inside (which reticulate would walk without a depth limit)."""
    if type(x) not in (list, tuple) or not x:
        return ""  # subclasses (named tuples: their names) go to unpack()
    first = type(x[0])
    try:
        if first is float:
            sum(x, 0.0)
            return "double"
        if first is str:
            "".join(x)
            return "character"
        if first is complex:
            sum(x, 0j)
            return "complex"
        if first is bool or first is int:
            sum(x, 0)
            if first is int and not (-D.R_INT_MAX <= min(x) and max(x) <= D.R_INT_MAX):
                return ""
            return "logical" if first is bool else "integer"
    except Exception:  # a container, None or another object inside
        return ""
    return ""


def _scalar(x: Any) -> Optional[Tuple[Any, Optional[str]]]:
    """A Python scalar as R gets it, with its note (an int beyond R's
    integer range becomes a float, "rounded" beyond 2^53); None for
    anything else (NumPy scalars included: they are arrays)."""
    if isinstance(x, str):
        return str(x), None  # NumPy's str_ too
    if isinstance(x, bool) or x is None or isinstance(x, (float, complex)) and not _is_numpy(x):
        return x, None
    if isinstance(x, int) and not _is_numpy(x):
        if -D.R_INT_MAX <= x <= D.R_INT_MAX:
            return x, None
        return float(x), "rounded" if abs(x) > D.DOUBLE_EXACT else None
    return None


@record
def unpack(x: Any, path: str = "x", modules: bool = True) -> Tuple[str, Optional[List[str]], List[Any], Optional[str]]:
    """What ``from_torch()`` should make of a Python object that is not a tensor.

    Args:
        x: the object.
        path: where it sits, as R code (``x$history[[3]]``), for messages.
        modules: turn a ``torch.nn.Module`` into its ``state_dict()``
            (``read_pt(as = "torch")`` keeps modules as they are).

    Returns:
        (kind, names, items, note):

        - "tensor": ``items[0]`` is a tensor over an array's memory (NumPy,
          DLPack, the array interface);
        - "vector": a list or tuple of plain numbers or bools, as one tensor
          in ``items[0]`` (int32 when every int fits R's integer, int64 when
          one does not, note "int64"; float64 with note "rounded" for ints
          beyond int64);
        - "plain": a list of floats, bools, strings or ints within R's
          integer range, in ``items[0]`` (a plain list), for
          ``reticulate::py_to_r()``, which makes the R vector exactly;
        - "list" (a list or tuple), "named" (a dict or named tuple; ``names``
          are its keys or fields) or "module" (an ``nn.Module``, as its
          state dict; ``note`` is its class);
        - "scalar": a Python number, bool, string or None in ``items[0]``
          (an int beyond R's integer range as a float, note "rounded" beyond
          2^53), "object" (``modules = False``) a module kept as it is.

    Raises:
        InputTypeError: anything else (sets, iterators, other objects), and
            NumPy arrays of dtypes R has no type for.
    """
    if isinstance(x, dict):
        return "named", [str(k) for k in x.keys()], list(x.values()), None
    if isinstance(x, tuple):
        fields = getattr(type(x), "_fields", None) or getattr(type(x), "__match_args__", None)
        if fields:
            return "named", list(fields), [getattr(x, f) for f in fields], None
    if isinstance(x, (list, tuple)):
        vec = _vector(x)
        if vec is not None:
            kind, value, note = vec
            return kind, None, [value] if kind == "vector" else [list(value)], note
        return "list", None, list(x), None
    scalar = _scalar(x)
    if scalar is not None:
        return "scalar", None, [scalar[0]], scalar[1]
    if isinstance(x, torch.nn.Module):
        if not modules:
            return "object", None, [x], None
        state = x.state_dict()
        return "module", list(state.keys()), list(state.values()), type(x).__qualname__
    t = array_tensor(x, path)
    if t is not None:
        return "tensor", None, [t], None
    raise _unconvertible(x, path)


@record
def from_python(x: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
                copy: bool = True) -> torch.Tensor:
    """``as_torch()`` of an array-like Python object (NumPy, DLPack...): its
    own dtype unless ``dtype`` is given; with ``copy`` the result owns its
    memory, else it shares the array's memory where no cast and no move is
    needed."""
    t = array_tensor(x, "x")
    if t is None or isinstance(x, torch.Tensor):
        raise InputTypeError(
            f"Can't convert a Python {_type_name(x)} to a tensor.",
            [("i", "NumPy arrays and objects with `__dlpack__` (JAX, CuPy, TensorFlow) or the array "
                   "interface convert; for other Python values use `reticulate::py_to_r()` first.")],
        )
    from ._from_torch import check_storage
    from ._to_torch import _check_grad

    check_storage(t)
    target = t.dtype if dtype is None else D.check_target(D.parse(dtype))
    _check_grad(target, requires_grad, dtype is not None)
    dev = t.device if device is None else resolve(device)
    if copy:
        # As for R data: move in the array's own dtype (one transfer), then
        # cast and make contiguous in one checked pass on the device.
        src = t if t.device == dev else t.to(dev)
        out = cast_into(src, target, list(src.shape))
    else:
        out = checked_cast(t, target)
        if out.device != dev:
            out = out.to(dev)
    if requires_grad:
        out = out.detach().requires_grad_(True)
    return out
