"""R values next to tensors: R descriptors and Python scalars as operands,
their dtype (torch.result_type rules), R's recycling in column-major order,
and the descriptions that messages about them use.
"""

from __future__ import annotations

from typing import Any, List, Sequence, Union

import torch

from . import _dtypes as D
from ._cast import cast_into, checked_cast
from ._errors import (
    DtypeError,
    InputTypeError,
    NAError,
    ShapeError,
    TorchbridgeError,
    ValueOverflowError,
)
from ._from_torch import check_storage
from ._to_torch import _r_view



#: A Python scalar of each R type's kind, for ``torch.result_type``.
_WEAK = {"double": 1.0, "integer": 1, "integer64": 1, "logical": True, "complex": 1j}

Scalar = Union[bool, int, float, complex]


# --- describing things in messages -------------------------------------------


def shape_str(shape: Sequence[int]) -> str:
    """``"(2, 3)"``: a shape as every message and header shows it (R's
    print() and str() headers get it from :func:`describe`)."""
    return "(" + ", ".join(str(int(d)) for d in shape) + ")"


def article(word: str) -> str:
    return "an" if word[:1] in "aeio" else "a"  # "an int64", "a uint8"


def tensor_text(dtype: str, shape: Sequence[int], device: Any) -> str:
    """``"a float32 tensor of shape (2, 3) on cpu"``, for messages (R's get
    it from :func:`describe`)."""
    return f"{article(dtype)} {dtype} tensor of shape {shape_str(shape)} on {device}"


def describe_tensor(t: torch.Tensor) -> str:
    return tensor_text(D.name(t.dtype), t.shape, t.device)


class RValue:
    """An R vector, matrix or array, seen through its descriptor."""

    __slots__ = ("address", "rtype", "n", "dims")

    def __init__(self, desc: Sequence[Any]):
        address, rtype, length, dims = desc
        if rtype not in _WEAK and rtype != "raw":
            raise InputTypeError(f"Can't use an R vector of type {rtype} here.")
        self.address = str(address)
        self.rtype = str(rtype)
        self.n = int(length)
        self.dims = None if dims is None else [int(d) for d in dims]

    @property
    def shape(self) -> List[int]:
        return list(self.dims) if self.dims is not None else [self.n]

    def describe(self) -> str:
        if self.dims is None:
            return f"an R {self.rtype} vector of length {self.n}"
        what = "matrix" if len(self.dims) == 2 else "array"
        return f"an R {self.rtype} {what} of dims {' x '.join(map(str, self.dims))}"

    def tensor(self, target: torch.dtype, dev: torch.device, shape: Sequence[int]) -> torch.Tensor:
        """The values as a ``target`` tensor of ``shape`` on ``dev`` (R's order).

        Casts follow ``as_torch()``'s rules (NA into an integer type, values out
        of range and lost fractions are errors). On the CPU a double vector
        used as float64 is read in place, without a copy; callers only read it.
        """
        shape = [int(d) for d in shape]
        src = _r_view(self.address, self.rtype, self.n, shape)
        storage = D.R_STORAGE[self.rtype]
        sentinel = D.R_NA_SENTINEL.get(self.rtype)
        pairs = self.rtype == "complex"
        if dev.type == "cpu" and target == storage and sentinel is None and not pairs:
            return src
        if dev.type == "cpu":
            return cast_into(src, target, shape, sentinel, pairs)
        if dev.type == "mps" and storage == torch.float64:
            return cast_into(src, target, shape, sentinel, pairs).to(dev)
        return cast_into(src.to(dev), target, shape, sentinel, pairs)


def as_value(v: Any) -> Any:
    """A descriptor list becomes an :class:`RValue`; tensors and scalars stay."""
    if isinstance(v, torch.Tensor):
        check_storage(v)
        return v
    if isinstance(v, (list, tuple)):
        return RValue(v)
    if isinstance(v, (bool, int, float, complex)):
        return v
    raise InputTypeError(
        "Can't use this Python object with a tensor.",
        [("x", f"It is a Python {type(v).__name__}.")],
    )


def _describe(v: Any) -> str:
    if isinstance(v, torch.Tensor):
        return describe_tensor(v)
    if isinstance(v, RValue):
        return v.describe()
    rtype = {bool: "logical", int: "integer", float: "double", complex: "complex"}[type(v)]
    return f"an R {rtype} vector of length 1"


def sides(names: Sequence[str], values: Sequence[Any]) -> List[tuple]:
    return [("x", f"`{n}` is {_describe(v)}.") for n, v in zip(names, values)]


def kind_sample(v: Any) -> Scalar:
    """The Python scalar whose kind stands for an R value in type promotion."""
    if isinstance(v, RValue):
        return _WEAK[v.rtype]
    return v


# --- R values next to tensors --------------------------------------------------


def scalar_tensor(s: Scalar, target: torch.dtype, dev: torch.device) -> torch.Tensor:
    """A 0-d ``target`` tensor holding the R number ``s``, made on ``dev``.

    The number is first held exactly (float64, int64, complex128 or bool),
    then cast by the one checked cast, as a vector of length 1 would be.
    """
    exact = (torch.bool if isinstance(s, bool) else torch.int64 if isinstance(s, int)
             else torch.complex128 if isinstance(s, complex) else torch.float64)
    home = dev if dev.type != "mps" else torch.device("cpu")  # MPS has no float64
    return checked_cast(torch.tensor(s, dtype=exact, device=home), target).to(dev)


def _conform(v: Any, t: torch.Tensor, target: torch.dtype, names: Sequence[str],
             values: Sequence[Any]) -> torch.Tensor:
    """R value ``v`` as a ``target`` tensor that lines up with tensor ``t``.

    A vector recycles in column-major order (its length must divide
    ``t.numel()``); an array must have ``t``'s shape.
    """
    dev = t.device
    if not isinstance(v, RValue):
        return scalar_tensor(v, target, dev)
    shape = list(t.shape)
    n = t.numel()
    if v.dims is not None:
        if v.dims != shape:
            raise ShapeError(
                "Can't combine a tensor with an R array of another shape.",
                sides(names, values) + [
                    ("i", "An R matrix or array must have the tensor's shape; a vector without dims recycles."),
                ],
            )
        return v.tensor(target, dev, shape)
    k = v.n
    if k == n:
        return v.tensor(target, dev, shape)
    if k == 0 or n % k != 0:
        raise ShapeError(
            "Can't recycle an R vector to the tensor's shape.",
            sides(names, values) + [
                ("i", f"The vector's length must divide the tensor's size, {n}."),
            ],
        )
    # A length that covers the first dims whole lines up by broadcasting.
    p = 1
    for j in range(len(shape) + 1):
        if p == k:
            part = v.tensor(target, dev, shape[:j])
            return part.reshape(shape[:j] + [1] * (len(shape) - j))
        if j < len(shape):
            p *= shape[j]
    flat = v.tensor(target, dev, [k]).repeat(n // k)
    return from_column_major(flat, shape)


def from_column_major(flat: torch.Tensor, shape: Sequence[int]) -> torch.Tensor:
    """A view of the 1-D ``flat`` (R's column-major order) with ``shape``."""
    shape = list(shape)
    rev = list(range(len(shape)))[::-1]
    return flat.reshape(shape[::-1]).permute(rev)


def column_major_flat(t: torch.Tensor) -> torch.Tensor:
    """``t``'s elements as a 1-D tensor in R's column-major order."""
    if t.dim() <= 1:
        return t.reshape(-1)
    return t.permute(list(range(t.dim()))[::-1]).reshape(-1)


def wrap_conversion(e: TorchbridgeError, op: str, target: torch.dtype,
                     names: Sequence[str], values: Sequence[Any]) -> TorchbridgeError:
    """An error from converting an R value, restated for the operation."""
    if isinstance(e, NAError):
        return NAError(
            f"Can't use NA with {article(D.name(target))} {D.name(target)} tensor in `{op}`.",
            sides(names, values) + [
                ("i", f"{D.name(target)} has no missing value; cast the tensor to a float dtype first, "
                      'e.g. `as_torch(x, dtype = "float64")`.'),
            ],
        )
    return type(e)(f"Can't use these values in `{op}` as {D.name(target)}.",
                   facts(e) + sides(names, values))


def facts(e: TorchbridgeError) -> List[tuple]:
    """The "x" bullets of a conversion error (its hints speak of `as_torch()`)."""
    return [b for b in e.bullets if b[0] == "x"]


def operand(v: Any, t: torch.Tensor, op: str, names: Sequence[str], values: Sequence[Any]) -> torch.Tensor:
    """Turn the R value ``v`` into a tensor for an operation with tensor ``t``."""
    if isinstance(v, RValue) and v.rtype == "raw":
        raise InputTypeError(f"Can't use raw bytes in `{op}`.", sides(names, values))
    target = torch.result_type(t, kind_sample(v))
    try:
        return _conform(v, t, target, names, values)
    except (NAError, ValueOverflowError, DtypeError) as e:
        raise wrap_conversion(e, op, target, names, values) from None
