"""The tensor side of torchbridge's R methods (arithmetic, math, indexing...).

Each public function here is what one R method calls, once: the R method
hands over tensors, R numbers as Python scalars, or larger R vectors as
*R descriptors*, and gets one tensor (or a small Python value) back. An R
descriptor is the list ``[address, rtype, length, dims]`` that R builds with
``tb_address()``; the data is read from R's memory as in :mod:`_to_torch`
and sent to the tensor's device in R's own type, so the work stays there.

R's rules, as implemented here:

* An R value takes the dtype torch gives a Python scalar of its kind next to
  the tensor (``torch.result_type``): an R double next to a float32 tensor
  is float32 and next to an int64 tensor the default float dtype; an R
  integer next to an int64 tensor is int64. A value that does not fit that
  dtype is an error (as in ``as_torch()``), never a silent wrap.
* R vectors recycle in R's column-major order; their length must divide the
  tensor's size. R arrays must have the tensor's shape.
* Indices count from 1, negative indices drop, logical indices recycle, and
  elements picked by one index come out in column-major order.
"""

from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence, Tuple, Union

import torch

from . import _dtypes as D
from ._cast import cast_into, checked_cast
from ._errors import (
    DeviceError,
    DtypeError,
    IndexOutOfRangeError,
    IndexTypeError,
    InputTypeError,
    NAError,
    ShapeError,
    SizeError,
    TorchbridgeError,
    UnsupportedTensorError,
    ValueOverflowError,
    first_line,
    record,
    torch_failure,
)
from ._from_torch import _check_unsupported, check_storage
from ._overflow import check_exact, reference_of, wide
from ._to_torch import _r_view

_R_INT_MAX = 2**31 - 1

#: A Python scalar of each R type's kind, for ``torch.result_type``.
_WEAK = {"double": 1.0, "integer": 1, "integer64": 1, "logical": True, "complex": 1j}

Scalar = Union[bool, int, float, complex]


# --- describing things in messages -------------------------------------------


def _shape_str(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(int(d)) for d in shape) + ")"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeio" else "a"  # "an int64", "a uint8"


def _describe_tensor(t: torch.Tensor) -> str:
    dt = D.name(t.dtype)
    return f"{_article(dt)} {dt} tensor of shape {_shape_str(t.shape)} on {t.device}"


class _RValue:
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


def _as_value(v: Any) -> Any:
    """A descriptor list becomes an :class:`_RValue`; tensors and scalars stay."""
    if isinstance(v, torch.Tensor):
        check_storage(v)
        return v
    if isinstance(v, (list, tuple)):
        return _RValue(v)
    if isinstance(v, (bool, int, float, complex)):
        return v
    raise InputTypeError(
        "Can't use this Python object with a tensor.",
        [("x", f"It is a Python {type(v).__name__}.")],
    )


def _describe(v: Any) -> str:
    if isinstance(v, torch.Tensor):
        return _describe_tensor(v)
    if isinstance(v, _RValue):
        return v.describe()
    rtype = {bool: "logical", int: "integer", float: "double", complex: "complex"}[type(v)]
    return f"an R {rtype} vector of length 1"


def _sides(names: Sequence[str], values: Sequence[Any]) -> List[tuple]:
    return [("x", f"`{n}` is {_describe(v)}.") for n, v in zip(names, values)]


def _kind_sample(v: Any) -> Scalar:
    """The Python scalar whose kind stands for an R value in type promotion."""
    if isinstance(v, _RValue):
        return _WEAK[v.rtype]
    return v


# --- R values next to tensors --------------------------------------------------


def _scalar_tensor(s: Scalar, target: torch.dtype, dev: torch.device) -> torch.Tensor:
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
    if not isinstance(v, _RValue):
        return _scalar_tensor(v, target, dev)
    shape = list(t.shape)
    n = t.numel()
    if v.dims is not None:
        if v.dims != shape:
            raise ShapeError(
                "Can't combine a tensor with an R array of another shape.",
                _sides(names, values) + [
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
            _sides(names, values) + [
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
    return _from_column_major(flat, shape)


def _from_column_major(flat: torch.Tensor, shape: Sequence[int]) -> torch.Tensor:
    """A view of the 1-D ``flat`` (R's column-major order) with ``shape``."""
    shape = list(shape)
    rev = list(range(len(shape)))[::-1]
    return flat.reshape(shape[::-1]).permute(rev)


def _column_major_flat(t: torch.Tensor) -> torch.Tensor:
    """``t``'s elements as a 1-D tensor in R's column-major order."""
    if t.dim() <= 1:
        return t.reshape(-1)
    return t.permute(list(range(t.dim()))[::-1]).reshape(-1)


def _wrap_conversion(e: TorchbridgeError, op: str, target: torch.dtype,
                     names: Sequence[str], values: Sequence[Any]) -> TorchbridgeError:
    """An error from converting an R value, restated for the operation."""
    if isinstance(e, NAError):
        return NAError(
            f"Can't use NA with {_article(D.name(target))} {D.name(target)} tensor in `{op}`.",
            _sides(names, values) + [
                ("i", f"{D.name(target)} has no missing value; cast the tensor to a float dtype first, "
                      'e.g. `as_torch(x, dtype = "float64")`.'),
            ],
        )
    return type(e)(f"Can't use these values in `{op}` as {D.name(target)}.",
                   _facts(e) + _sides(names, values))


def _facts(e: TorchbridgeError) -> List[tuple]:
    """The "x" bullets of a conversion error (its hints speak of `as_torch()`)."""
    return [b for b in e.bullets if b[0] == "x"]


def _operand(v: Any, t: torch.Tensor, op: str, names: Sequence[str], values: Sequence[Any]) -> torch.Tensor:
    """Turn the R value ``v`` into a tensor for an operation with tensor ``t``."""
    if isinstance(v, _RValue) and v.rtype == "raw":
        raise InputTypeError(f"Can't use raw bytes in `{op}`.", _sides(names, values))
    target = torch.result_type(t, _kind_sample(v))
    try:
        return _conform(v, t, target, names, values)
    except (NAError, ValueOverflowError, DtypeError) as e:
        raise _wrap_conversion(e, op, target, names, values) from None


# --- the Ops group -------------------------------------------------------------


def _floor_div(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.div(a, b, rounding_mode="floor")


_BINARY = {
    "+": torch.add,
    "-": torch.sub,
    "*": torch.mul,
    "/": torch.true_divide,
    "^": torch.pow,
    "%%": torch.remainder,
    "%/%": _floor_div,
    "==": torch.eq,
    "!=": torch.ne,
    "<": torch.lt,
    "<=": torch.le,
    ">": torch.gt,
    ">=": torch.ge,
    "&": torch.logical_and,
    "|": torch.logical_or,
}
_INTEGER_ARITH = {"+", "-", "*", "%%", "%/%"}
_OP_NAMES = ("e1", "e2")


def _default_float() -> torch.dtype:
    return torch.get_default_dtype()


def _prepare(op: str, x: torch.Tensor, y: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """R's type rules on top of torch's: logicals count as integers in
    arithmetic, and ``^`` of integers gives floats."""
    if op in _INTEGER_ARITH:
        # torch has no bool arithmetic (or makes it logical): R counts TRUE as 1L.
        if x.dtype == torch.bool:
            x = x.to(torch.int64)
        if y.dtype == torch.bool:
            y = y.to(torch.int64)
        return x, y
    rt = torch.result_type(x, y)
    if op == "^" and D.kind(rt) in ("bool", "int"):
        ft = _default_float()
        return x.to(ft), y.to(ft)
    return x, y


def _devices_clash(x: torch.Tensor, y: torch.Tensor) -> bool:
    if x.device == y.device:
        return False
    # torch lets a 0-d CPU tensor join a tensor on any device.
    return not ((x.dim() == 0 and x.device.type == "cpu") or (y.dim() == 0 and y.device.type == "cpu"))


def _op_error(op: str, names: Sequence[str], values: Sequence[Any], x: torch.Tensor,
              y: torch.Tensor, e: BaseException) -> TorchbridgeError:
    sides = _sides(names, values)
    if _devices_clash(x, y):
        return DeviceError(
            f"Can't apply `{op}` to tensors on different devices.",
            sides + [("i", "Move one of them first, e.g. with `to_device()`.")],
        )
    try:
        torch.broadcast_shapes(x.shape, y.shape)
    except RuntimeError:
        return ShapeError(
            f"Can't apply `{op}` to tensors whose shapes don't broadcast.",
            sides + [("i", "Compared from the last dim, each pair of dims must be equal, or one of them 1.")],
        )
    if "ZeroDivisionError" in first_line(e):
        return NAError(
            f"Can't compute `{op}` of integers with a zero divisor.",
            sides + [("i", "R gives NA here, and integer tensors have no missing value; "
                           "use a float dtype, where the result is NaN or Inf.")],
        )
    return torch_failure(e, f"apply `{op}`", sides, f"Can't apply `{op}` to these dtypes.")


@record
def binary(op: str, a: Any, b: Any) -> torch.Tensor:
    """``a <op> b`` for R's Ops group; at least one side is a tensor.

    Args:
        op: the R operator (``"+"``, ``"%%"``, ``"=="``, ``"&"``...).
        a, b: tensors, R numbers (Python scalars) or R descriptors.
    """
    fun = _BINARY.get(op)
    if fun is None:
        raise InputTypeError(f"`{op}` is not an operator torchbridge knows.")
    a, b = _as_value(a), _as_value(b)
    values = (a, b)
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        x, y = a, b
    elif isinstance(a, torch.Tensor):
        x, y = a, _operand(b, a, op, _OP_NAMES, values)
    elif isinstance(b, torch.Tensor):
        x, y = _operand(a, b, op, _OP_NAMES, values), b
    else:
        raise InputTypeError(f"`{op}` needs a tensor on one side.", _sides(_OP_NAMES, values))
    try:
        x, y = _prepare(op, x, y)
        out = fun(x, y)
    except RuntimeError as e:
        raise _op_error(op, _OP_NAMES, values, x, y, e) from None
    if op in _INTEGER_ARITH:
        check_exact(out, reference_of(fun, x, y), op, _sides(_OP_NAMES, values))
    return out


@record
def unary(op: str, x: torch.Tensor) -> torch.Tensor:
    """``-x``, ``+x`` or ``!x``. Logicals count as integers for ``-`` and
    ``+``; ``!`` is a logical not for every dtype (non-zero is TRUE). ``-x``
    of an integer that has no negative in the dtype is an overflow error."""
    check_storage(x)
    t = x.to(torch.int64) if x.dtype == torch.bool else x
    try:
        if op == "!":
            return torch.logical_not(x)
        if op == "-":
            return check_exact(torch.neg(t), reference_of(torch.neg, t), "-",
                               [("x", f"`e1` is {_describe_tensor(x)}.")])
        if op == "+":
            return t if t is not x else x.clone()
    except RuntimeError as e:
        raise torch_failure(e, f"apply unary `{op}`", [("x", f"`e1` is {_describe_tensor(x)}.")],
                            f"Can't apply unary `{op}` to this tensor.") from None
    raise InputTypeError(f"`{op}` is not a unary operator.")


# --- the Math group -------------------------------------------------------------


def _r_pow_di(x: float, n: int) -> float:
    """R's ``R_pow_di()``: x^n by repeated squaring, then 1/x^|n| when n < 0."""
    xn = 1.0
    if n != 0:
        neg = n < 0
        if neg:
            n = -n
        while True:
            if n & 1:
                xn *= x
            n >>= 1
            if not n:
                break
            x *= x
        if neg:
            xn = 1.0 / xn
    return xn


_POW10 = {}


def _pow10_table(dev: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """R_pow_di(10, k) for k = 0..330, as R computes it."""
    key = (str(dev), dtype)
    if key not in _POW10:
        _POW10[key] = torch.tensor([_r_pow_di(10.0, k) for k in range(331)], dtype=dtype, device=dev)
    return _POW10[key]


def _work_float(t: torch.Tensor) -> torch.Tensor:
    """``t`` as float64 (R's double) where the device has it."""
    if t.device.type == "mps":
        return t.to(torch.float32)
    return t.to(torch.float64)


def _fround(x: torch.Tensor, digits: float) -> torch.Tensor:
    """R 4's ``round(x, digits)`` (src/nmath/fround.c), elementwise on ``x``'s device."""
    if math.isnan(digits):
        return x + digits
    max10e = 308
    if digits > max10e + 15:
        return x.clone()
    if digits < -max10e:
        return torch.where(torch.isfinite(x), torch.zeros_like(x), x)
    if digits == 0:
        return torch.round(x)  # half to even, as nearbyint()
    dig = int(math.floor(digits + 0.5))
    sgn = torch.where(x < 0, -1.0, 1.0).to(x.dtype)
    ax = torch.abs(x)
    _, e = torch.frexp(ax)
    logb = (e.to(x.dtype) - 1)
    l10x = math.log10(2) * (0.5 + logb)
    if dig <= max10e:
        pow10 = _r_pow_di(10.0, dig)
        x10 = ax * pow10
        i10 = torch.floor(x10)
        xd = i10 / pow10
        xu = torch.ceil(x10) / pow10
    else:
        p10 = _r_pow_di(10.0, dig - max10e)
        pow10 = _r_pow_di(10.0, max10e)
        x10 = (ax * pow10) * p10
        i10 = torch.floor(x10)
        xd = i10 / pow10 / p10
        xu = torch.ceil(x10) / pow10 / p10
    du = xu - ax
    dd = ax - xd
    odd = torch.fmod(i10, 2.0) == 1
    rounded = sgn * torch.where((du < dd) | (odd & (du == dd)), xu, xd)
    keep = ~torch.isfinite(x) | (x == 0) | (l10x + dig > 15)
    return torch.where(keep, x, rounded)


def _fprec(x: torch.Tensor, digits: float) -> torch.Tensor:
    """R's ``signif(x, digits)`` (src/nmath/fprec.c), elementwise."""
    if math.isnan(digits):
        return x + digits
    if math.isinf(digits):
        if digits > 0:
            return x.clone()
        digits = 1.0
    dig = int(round(digits))
    if dig > 22:
        return x.clone()
    dig = max(dig, 1)
    max10e = 308
    table = _pow10_table(x.device, x.dtype)
    sgn = torch.where(x < 0, -1.0, 1.0).to(x.dtype)
    ax = torch.abs(x)
    safe = torch.where((ax == 0) | ~torch.isfinite(ax), torch.ones_like(ax), ax)
    l10 = torch.log10(safe)
    e10 = (dig - 1 - torch.floor(l10)).to(torch.int64)
    # |l10| < max10e - 2: the usual case.
    big_e = e10 > max10e
    p10 = torch.where(big_e, table[(e10 - max10e).clamp(0, 330)], torch.ones_like(ax))
    e10c = torch.where(big_e, torch.full_like(e10, max10e), e10)
    pos = e10c > 0
    pow_pos = table[e10c.clamp(0, 330)]
    pow_neg = table[(-e10c).clamp(0, 330)]
    r_pos = (torch.round((safe * pow_pos) * p10) / pow_pos) / p10
    r_neg = torch.round(safe / pow_neg) * pow_neg
    usual = torch.where(pos, r_pos, r_neg)
    # Large or tiny numbers.
    do_round = (max10e - l10) >= _r_pow_di(10.0, -dig)
    e2 = torch.where(e10 > 0, dig + 22, dig - 22)
    p10b = _pow_table_signed(table, e2)
    P10b = _pow_table_signed(table, e10 - e2)
    xb = safe * p10b * P10b
    xb = torch.floor(torch.where(do_round, xb + 0.5, xb)) / p10b / P10b
    out = sgn * torch.where(torch.abs(l10) < max10e - 2, usual, xb)
    keep = (x == 0) | ~torch.isfinite(x)
    return torch.where(keep, x, out)


def _pow_table_signed(table: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """R_pow_di(10, k) for integer tensors k of either sign (|k| <= 330)."""
    mag = table[k.abs().clamp(0, 330)]
    return torch.where(k < 0, 1.0 / mag, mag)


def _sinpi(x: torch.Tensor) -> torch.Tensor:
    y = torch.fmod(x, 2.0)
    y = torch.where(y <= -1, y + 2.0, torch.where(y > 1, y - 2.0, y))
    out = torch.sin(math.pi * y)
    out = torch.where((y == 0) | (y == 1), torch.zeros_like(y), out)
    out = torch.where(y == 0.5, torch.ones_like(y), out)
    return torch.where(y == -0.5, -torch.ones_like(y), out)


def _cospi(x: torch.Tensor) -> torch.Tensor:
    y = torch.fmod(torch.abs(x), 2.0)
    out = torch.cos(math.pi * y)
    out = torch.where(torch.fmod(y, 1.0) == 0.5, torch.zeros_like(y), out)
    out = torch.where(y == 1, -torch.ones_like(y), out)
    return torch.where(y == 0, torch.ones_like(y), out)


def _tanpi(x: torch.Tensor) -> torch.Tensor:
    y = torch.fmod(x, 1.0)
    y = torch.where(y <= -0.5, y + 1.0, torch.where(y > 0.5, y - 1.0, y))
    out = torch.tan(math.pi * y)
    out = torch.where(y == 0, torch.zeros_like(y), out)
    out = torch.where(y == 0.5, torch.full_like(y, math.nan), out)
    out = torch.where(y == 0.25, torch.ones_like(y), out)
    return torch.where(y == -0.25, -torch.ones_like(y), out)


def _gamma(x: torch.Tensor) -> torch.Tensor:
    mag = torch.exp(torch.lgamma(x))
    # Negative non-integers: gamma's sign alternates between the poles.
    neg_odd = (x < 0) & (torch.fmod(torch.ceil(-x), 2.0) == 1)
    out = torch.where(neg_odd, -mag, mag)
    return torch.where(_pole(x), torch.full_like(x, math.nan), out)


def _pole(x: torch.Tensor) -> torch.Tensor:
    """Where ``x`` is 0 or a negative integer."""
    return (x <= 0) & (x == torch.floor(x))


def _digamma(x: torch.Tensor) -> torch.Tensor:
    return torch.where(_pole(x), torch.full_like(x, math.nan), torch.digamma(x))


def _trigamma(x: torch.Tensor) -> torch.Tensor:
    out = torch.polygamma(1, x)
    return torch.where(_pole(x) | (x == -math.inf), torch.full_like(x, math.inf), out)


def _sign(x: torch.Tensor) -> torch.Tensor:
    out = torch.sign(x)
    return torch.where(torch.isnan(x), x, out) if x.is_floating_point() else out


def _cum(fun):
    def go(t: torch.Tensor) -> torch.Tensor:
        flat = _column_major_flat(t)
        out = fun(flat, 0)
        return out[0] if isinstance(out, tuple) else out  # cummax/cummin: (values, indices)
    return go


#: Functions whose result is a whole number for whole-number input: integer
#: tensors keep their dtype, logicals become int64.
_INTEGRAL = {
    "abs": torch.abs,
    "sign": _sign,
    "floor": torch.floor,
    "ceiling": torch.ceil,
    "trunc": torch.trunc,
    "cumsum": _cum(torch.cumsum),
    "cumprod": _cum(torch.cumprod),
    "cummax": _cum(torch.cummax),
    "cummin": _cum(torch.cummin),
}
_IDENTITY_ON_INT = {"floor", "ceiling", "trunc"}
#: Those whose integer results can pass the dtype's range (abs() of the
#: smallest int64, sums and products).
_MAY_OVERFLOW = {"abs", "cumsum", "cumprod"}

#: Functions with fractional results: integer and logical tensors become the
#: default float dtype first.
_FLOAT = {
    "sqrt": torch.sqrt,
    "exp": torch.exp,
    "expm1": torch.expm1,
    "log1p": torch.log1p,
    "log2": torch.log2,
    "log10": torch.log10,
    "cos": torch.cos,
    "sin": torch.sin,
    "tan": torch.tan,
    "cospi": _cospi,
    "sinpi": _sinpi,
    "tanpi": _tanpi,
    "acos": torch.acos,
    "asin": torch.asin,
    "atan": torch.atan,
    "cosh": torch.cosh,
    "sinh": torch.sinh,
    "tanh": torch.tanh,
    "acosh": torch.acosh,
    "asinh": torch.asinh,
    "atanh": torch.atanh,
    "lgamma": torch.lgamma,
    "gamma": _gamma,
    "digamma": _digamma,
    "trigamma": _trigamma,
}


def _log(t: torch.Tensor, base: Optional[float]) -> torch.Tensor:
    if base is None or base == math.e:
        return torch.log(t)
    if base == 10:
        return torch.log10(t)
    if base == 2:
        return torch.log2(t)
    # As R: log(x) / log(base), so base 0 gives -0 or NaN and a negative base NaN.
    lb = math.log(base) if base > 0 else (-math.inf if base == 0 else math.nan)
    return torch.log(t) / lb


def _round_like_r(t: torch.Tensor, digits: float, fun) -> torch.Tensor:
    if D.kind(t.dtype) == "int":
        if fun is _fround and digits >= 0:
            return t.clone()
        return checked_cast(fun(_work_float(t), digits).round(), t.dtype)
    if t.is_complex():
        return torch.complex(fun(_work_float(t.real), digits), fun(_work_float(t.imag), digits)).to(t.dtype)
    return fun(_work_float(t), digits).to(t.dtype)


@record
def math_op(op: str, x: torch.Tensor, arg: Optional[float] = None) -> torch.Tensor:
    """R's Math group on a tensor; the result stays on ``x``'s device.

    Args:
        op: the R function's name (``"sqrt"``, ``"round"``, ``"cumsum"``...).
        x: the tensor.
        arg: ``digits`` for round() and signif(), ``base`` for log().
    """
    check_storage(x)
    t = x.to(torch.int64) if x.dtype == torch.bool else x
    try:
        if op in ("round", "signif"):
            digits = (0.0 if op == "round" else 6.0) if arg is None else float(arg)
            return _round_like_r(t, digits, _fround if op == "round" else _fprec)
        if op in _INTEGRAL:
            if op in _IDENTITY_ON_INT and D.kind(t.dtype) == "int":
                return t.clone()
            out = _INTEGRAL[op](t)
            if op in _MAY_OVERFLOW:
                check_exact(out, reference_of(_INTEGRAL[op], t), f"{op}()", [("x", f"`x` is {_describe_tensor(x)}.")])
            return out
        if op == "log" or op in _FLOAT:
            if D.kind(t.dtype) == "int":
                t = t.to(_default_float())
            if op == "log":
                return _log(t, arg)
            return _FLOAT[op](t)
    except RuntimeError as e:
        raise torch_failure(e, f"apply `{op}()`", [("x", f"`x` is {_describe_tensor(x)}.")],
                            f"Can't apply `{op}()` to {_article(D.name(x.dtype))} {D.name(x.dtype)} tensor.") from None
    raise InputTypeError(f"`{op}()` is not in R's Math group.")


@record
def complex_op(op: str, x: torch.Tensor) -> torch.Tensor:
    """R's Complex group (``Re``, ``Im``, ``Mod``, ``Arg``, ``Conj``): a new
    tensor on ``x``'s device. ``Re``, ``Im``, ``Mod`` and ``Arg`` give real
    floats (integer and bool tensors the default float dtype, as R gives
    doubles); ``Conj`` keeps the dtype."""
    check_storage(x)
    if op == "Conj":
        return x.conj().resolve_conj() if x.is_complex() else x.clone()
    t = x if D.kind(x.dtype) in ("float", "complex") else x.to(_default_float())
    if op == "Re":
        return t.real.clone() if t.is_complex() else t.clone()
    if op == "Im":
        return t.imag.clone() if t.is_complex() else torch.zeros_like(t)
    if op == "Mod":
        return torch.abs(t)
    if op == "Arg":
        return torch.angle(t)
    raise InputTypeError(f"`{op}()` is not in R's Complex group.")


# --- is.na() and friends -------------------------------------------------------------


def _is_r_na(t: torch.Tensor) -> torch.Tensor:
    """Where float64 ``t`` holds R's NA (a NaN whose low word is 1954), as
    R_IsNA() tells; other float dtypes can't hold it (a cast drops it)."""
    if t.dtype != torch.float64:
        return torch.zeros(t.shape, dtype=torch.bool, device=t.device)
    low = t.view(torch.int64) & 0xFFFFFFFF
    return torch.isnan(t) & (low == 1954)


def _na_test_real(op: str, t: torch.Tensor) -> torch.Tensor:
    if op == "is.na":
        return torch.isnan(t)
    if op == "is.nan":
        return torch.isnan(t) & ~_is_r_na(t)
    if op == "is.finite":
        return torch.isfinite(t)
    return torch.isinf(t)


@record
def na_test(op: str, x: torch.Tensor) -> torch.Tensor:
    """R's ``is.na()``, ``is.nan()``, ``is.finite()`` or ``is.infinite()``:
    a bool tensor of ``x``'s shape on its device, the same as the R function
    gives for ``from_torch(x)``. NaN is NA (``is.na``); ``is.nan`` is TRUE
    for NaN except R's NA bit pattern (kept only by float64). Complex
    numbers follow R: NA or NaN if either part is, finite if both parts are.
    Integer and bool tensors have no NA, NaN or Inf."""
    check_storage(x)
    if op not in ("is.na", "is.nan", "is.finite", "is.infinite"):
        raise InputTypeError(f"`{op}()` is not a missing-value test.")
    t = x.detach()
    if D.kind(t.dtype) in ("int", "bool"):
        fill = op == "is.finite"
        return torch.full(tuple(t.shape), fill, dtype=torch.bool, device=t.device)
    if t.is_complex():
        parts = torch.view_as_real(t.resolve_conj().resolve_neg())
        re, im = _na_test_real(op, parts[..., 0]), _na_test_real(op, parts[..., 1])
        return re & im if op == "is.finite" else re | im
    return _na_test_real(op, t.resolve_neg())


@record
def any_na(x: torch.Tensor) -> bool:
    """R's ``anyNA()``: whether ``x`` has a NaN (or, complex, a NaN part)."""
    check_storage(x)
    if D.kind(x.dtype) in ("int", "bool") or x.numel() == 0:
        return False
    return bool(torch.isnan(x.detach()).any())


# --- the Summary group and mean() ---------------------------------------------------


def _float_of(t: torch.Tensor) -> torch.dtype:
    return t.dtype if D.kind(t.dtype) in ("float", "complex") else _default_float()


def _extreme(t: torch.Tensor, op: str, na_rm: bool) -> torch.Tensor:
    fill = math.inf if op == "min" else -math.inf
    if t.numel() == 0:
        return torch.full((), fill, dtype=_float_of(t), device=t.device)
    if na_rm and t.is_floating_point():
        t = torch.where(torch.isnan(t), torch.full_like(t, fill), t)
    return torch.amin(t) if op == "min" else torch.amax(t)


def _truth(t: torch.Tensor, op: str, na_rm: bool, name: str) -> torch.Tensor:
    if D.kind(t.dtype) in ("float", "complex"):
        nan = torch.isnan(t)
        nonzero = (t != 0) & ~nan
        if op == "any":
            out = nonzero.any()
            if not na_rm and not bool(out) and bool(nan.any()):
                raise _truth_na(op, name, t)
        else:
            out = (nonzero | nan).all()
            if not na_rm and bool(out) and bool(nan.any()):
                raise _truth_na(op, name, t)
        return out
    return torch.any(t) if op == "any" else torch.all(t)


def _truth_na(op: str, name: str, t: torch.Tensor) -> NAError:
    return NAError(
        f"Can't compute `{op}()`: the answer is NA, which a bool tensor can't hold.",
        [("x", f"`{name}` is {_describe_tensor(t)} with NaN values and no element that decides the answer."),
         ("i", "Use `na.rm = TRUE` to skip NaN values.")],
    )


def _reduce(op: str, t: torch.Tensor, na_rm: bool, name: str) -> torch.Tensor:
    if t.dtype == torch.bool and op in ("sum", "prod", "min", "max", "range"):
        t = t.to(torch.int64)
    nanable = D.kind(t.dtype) in ("float", "complex")
    if op == "sum":
        if na_rm and nanable:
            t = torch.where(torch.isnan(t), torch.zeros_like(t), t)
        return torch.sum(t)
    if op == "prod":
        if na_rm and nanable:
            t = torch.where(torch.isnan(t), torch.ones_like(t), t)
        return torch.prod(t)
    if op in ("min", "max", "range"):
        if t.is_complex():
            raise DtypeError(f"Can't compute `{op}()` of complex numbers: they have no order.",
                             [("x", f"`{name}` is {_describe_tensor(t)}."),
                              ("i", "Use `Mod()`, `Re()` or `Im()` first.")])
        if op == "range":
            lo, hi = _extreme(t, "min", na_rm), _extreme(t, "max", na_rm)
            return torch.stack([lo, hi.to(lo.dtype)])
        return _extreme(t, op, na_rm)
    if op in ("any", "all"):
        return _truth(t, op, na_rm, name)
    raise InputTypeError(f"`{op}()` is not in R's Summary group.")


def _combine(op: str, parts: List[torch.Tensor]) -> torch.Tensor:
    out = parts[0]
    for p in parts[1:]:
        if op == "sum":
            out = out + p
        elif op == "prod":
            out = out * p
        elif op == "min":
            out = torch.minimum(out, p)
        elif op == "max":
            out = torch.maximum(out, p)
        elif op == "range":
            out = torch.stack([torch.minimum(out[0], p[0]), torch.maximum(out[1], p[1])])
        elif op == "any":
            out = out | p
        else:
            out = out & p
    return out


@record
def summary(op: str, items: List[Any], na_rm: bool = False) -> torch.Tensor:
    """R's Summary group (sum, prod, min, max, range, any, all) over tensors
    and R numbers; a 0-d tensor (``range``: 1-D of 2) on the first tensor's
    device. Logicals count as integers; ``min``/``max`` of nothing are
    ``Inf``/``-Inf``, as in R."""
    values = [_as_value(v) for v in items]
    tensors = [v for v in values if isinstance(v, torch.Tensor)]
    if not tensors:
        raise InputTypeError(f"`{op}()` needs a tensor.")
    ref = tensors[0]
    names = [f"..{i + 1}" for i in range(len(values))]
    parts, inputs = [], []
    for i, v in enumerate(values):
        if not isinstance(v, torch.Tensor):
            target = torch.result_type(ref, _kind_sample(v))
            try:
                v = v.tensor(target, ref.device, v.shape) if isinstance(v, _RValue) else _scalar_tensor(v, target, ref.device)
            except (NAError, ValueOverflowError, DtypeError) as e:
                raise _wrap_conversion(e, f"{op}()", target, names, values) from None
        elif v.device != ref.device:
            raise DeviceError(f"Can't compute `{op}()` of tensors on different devices.",
                              _sides(names, values))
        inputs.append(v)
        try:
            parts.append(_reduce(op, v, na_rm, names[i]))
        except RuntimeError as e:
            raise torch_failure(e, f"compute `{op}()`", _sides(names, values)) from None
    try:
        out = _combine(op, parts)
    except RuntimeError as e:
        raise torch_failure(e, f"combine these values in `{op}()`", _sides(names, values),
                            f"Can't combine these values in `{op}()`.") from None
    if op in ("sum", "prod") and not all(v.dtype == torch.bool for v in inputs):
        check_exact(out, lambda: _combine(op, [_reduce(op, wide(v), na_rm, "") for v in inputs]),
                    f"{op}()", _sides(names, values))
    return out


@record
def mean(x: torch.Tensor, na_rm: bool = False) -> torch.Tensor:
    """The mean as a 0-d tensor; integers and logicals give the default float
    dtype, as R gives a double. ``na_rm`` skips NaN; no values give NaN."""
    check_storage(x)
    t = x if D.kind(x.dtype) in ("float", "complex") else x.to(_default_float())
    if na_rm and D.kind(t.dtype) in ("float", "complex"):
        ok = ~torch.isnan(t)
        return torch.where(ok, t, torch.zeros_like(t)).sum() / ok.sum()
    return t.mean()


# --- matrix algebra, t(), aperm() ------------------------------------------------------


@record
def matmul(a: Any, b: Any) -> torch.Tensor:
    """R's ``%*%`` for tensors (and R matrices or vectors on one side).

    With 1-D and 2-D operands R's rules apply and the result is a matrix: a
    vector is a row or a column, whichever conforms (two vectors of the same
    length give their inner product as 1 x 1). With more dims, torch's batched
    matmul. Integer and logical operands give the default float dtype.
    """
    names = ("x", "y")
    a, b = _as_value(a), _as_value(b)
    values = (a, b)
    ref = a if isinstance(a, torch.Tensor) else b
    if not isinstance(ref, torch.Tensor):
        raise InputTypeError("`%*%` needs a tensor on one side.", _sides(names, values))

    def as_tensor(v):
        if isinstance(v, torch.Tensor):
            return v
        target = torch.result_type(ref, _kind_sample(v))
        try:
            if isinstance(v, _RValue):
                return v.tensor(target, ref.device, v.shape)
            return _scalar_tensor(v, target, ref.device).reshape(1)
        except (NAError, ValueOverflowError, DtypeError) as e:
            raise _wrap_conversion(e, "%*%", target, names, values) from None

    x, y = as_tensor(a), as_tensor(b)
    rt = torch.result_type(x, y)
    if D.kind(rt) in ("bool", "int"):
        rt = _default_float()
    x, y = x.to(rt), y.to(rt)
    if _devices_clash(x, y):
        raise DeviceError("Can't multiply tensors on different devices.",
                          _sides(names, values) + [("i", "Move one of them first, e.g. with `to_device()`.")])
    nonconf = ShapeError("Can't multiply: the dims are not conformable.",
                         _sides(names, values) + [("i", "The columns of `x` must match the rows of `y`.")])
    if x.dim() > 2 or y.dim() > 2:
        if x.dim() == 0 or y.dim() == 0 or x.shape[-1] != y.shape[-2 if y.dim() >= 2 else -1]:
            raise nonconf
        try:
            torch.broadcast_shapes(x.shape[:-2], y.shape[:-2])
        except RuntimeError:
            raise nonconf from None
        try:
            return torch.matmul(x, y)
        except RuntimeError as e:
            raise torch_failure(e, "multiply", _sides(names, values)) from None
    if x.dim() <= 1 and y.dim() <= 1:
        lx, ly = x.numel(), y.numel()
        X = x.reshape(1, lx)
        Y = y.reshape(ly, 1) if ly == lx else y.reshape(1, ly)
    elif x.dim() <= 1:
        nry = y.shape[0]
        lx = x.numel()
        X = x.reshape(1, lx) if lx == nry else x.reshape(lx, 1) if nry == 1 else None
        Y = y
    elif y.dim() <= 1:
        ncx = x.shape[1]
        ly = y.numel()
        Y = y.reshape(ly, 1) if ly == ncx else y.reshape(1, ly) if ncx == 1 else None
        X = x
    else:
        X, Y = x, y
    if X is None or Y is None or X.shape[1] != Y.shape[0]:
        raise nonconf
    try:
        return torch.matmul(X, Y)
    except RuntimeError as e:
        raise torch_failure(e, "multiply", _sides(names, values)) from None


@record
def transpose(x: torch.Tensor) -> torch.Tensor:
    """R's ``t()``: a matrix's transpose; a vector (or 0-d) becomes a 1-row
    matrix. A view of ``x``, as torch's ``t()``."""
    if x.dim() == 0:
        return x.reshape(1, 1)
    if x.dim() == 1:
        return x.unsqueeze(0)
    if x.dim() == 2:
        return x.t()
    raise ShapeError(
        "`t()` needs a tensor with at most 2 dims.",
        [("x", f"`x` is {_describe_tensor(x)}."), ("i", "Use `aperm()` to reorder the dims of an array.")],
    )


@record
def permute(x: torch.Tensor, perm: Optional[List[int]] = None, resize: bool = True) -> torch.Tensor:
    """R's ``aperm()``: dims reordered by ``perm`` (1-based; reversed by
    default). A view of ``x``; with ``resize = FALSE`` a copy keeping
    ``x``'s shape."""
    nd = x.dim()
    if perm is None:
        p = list(range(nd))[::-1]
    else:
        p = [int(i) - 1 for i in perm]
        if sorted(p) != list(range(nd)):
            raise IndexTypeError(
                "`perm` must be a permutation of the dims of `a`.",
                [("x", f"`perm` is ({', '.join(str(i + 1) for i in p)}); `a` is {_describe_tensor(x)}."),
                 ("i", f"Use each of 1 to {nd} once.")],
            )
    check_storage(x)
    out = x.permute(p)
    if not resize:
        out = _from_column_major(_column_major_flat(out), list(x.shape))
        if out.untyped_storage().data_ptr() == x.untyped_storage().data_ptr():
            out = out.clone(memory_format=torch.contiguous_format)  # a new tensor, always
        return out.contiguous()
    return out


# --- indexing -------------------------------------------------------------------------------


class _Sel:
    """What one index picks along one extent: everything, a range, or positions."""

    __slots__ = ("kind", "start", "stop", "pos")

    def __init__(self, kind: str, start: int = 0, stop: int = 0, pos: Optional[torch.Tensor] = None):
        self.kind, self.start, self.stop, self.pos = kind, start, stop, pos

    def count(self, n: int) -> int:
        if self.kind == "all":
            return n
        if self.kind == "range":
            return self.stop - self.start
        return int(self.pos.numel())

    def positions(self, n: int, dev: torch.device) -> torch.Tensor:
        if self.kind == "all":
            return torch.arange(n, device=dev)
        if self.kind == "range":
            return torch.arange(self.start, self.stop, device=dev)
        return self.pos.to(dev)


_ALL = _Sel("all")


def _index_label(which: int, linear: bool) -> str:
    return "the index" if linear else f"index {which + 1}"


def _out_of_range(label: str, bad: int, n: int, extent: str) -> IndexOutOfRangeError:
    return IndexOutOfRangeError(
        f"Can't subset: {label} is out of range.",
        [("x", f"It asks for position {bad}, but {extent} has {n} element{'s' if n != 1 else ''}."),
         ("i", "Indices count from 1; negative indices drop positions.")],
    )


def _numeric(v: torch.Tensor, n: int, label: str, extent: str,
             sentinel: Optional[int] = None) -> _Sel:
    """R's rules for a numeric index (1-based, zeros ignored, negatives drop)."""
    if v.numel() == 0:
        return _Sel("pos", pos=torch.empty(0, dtype=torch.int64))
    if v.is_floating_point():
        if bool(torch.isnan(v).any()):
            raise _na_index(label)
        v = torch.trunc(v)
        big = bool((v.abs() > 2.0**62).any())
        if big:
            bad = float(v[v.abs() > 2.0**62].flatten()[0])
            raise _out_of_range(label, bad if math.isinf(bad) else int(bad), n, extent)
        v = v.to(torch.int64)
    else:
        if sentinel is not None and bool((v == sentinel).any()):
            raise _na_index(label)
        v = v.to(torch.int64)
    lo, hi = (int(m) for m in torch.aminmax(v))
    if lo < 0 < hi:
        raise IndexTypeError(
            f"Can't subset: {label} mixes positive and negative numbers.",
            [("i", "Use positive numbers to pick positions, or negative numbers to drop them, not both.")],
        )
    if hi > 0:
        if hi > n:
            raise _out_of_range(label, hi, n, extent)
        if lo == 0:
            v = v[v != 0]
        pos = v - 1
        if pos.device.type == "cpu" and pos.numel() > 0:
            first = int(pos[0])
            k = pos.numel()
            if int(pos[-1]) - first == k - 1 and (k == 1 or bool((pos[1:] - pos[:-1] == 1).all())):
                return _Sel("range", first, first + k)
        return _Sel("pos", pos=pos)
    if lo == 0 and hi == 0:
        return _Sel("pos", pos=torch.empty(0, dtype=torch.int64, device=v.device))
    if -lo > n:
        raise _out_of_range(label, lo, n, extent)
    keep = torch.ones(n, dtype=torch.bool, device=v.device)
    keep[(-v[v != 0]) - 1] = False
    return _Sel("pos", pos=keep.nonzero().reshape(-1))


def _na_index(label: str) -> IndexTypeError:
    return IndexTypeError(
        f"Can't subset with NA: {label} has missing values.",
        [("i", "Tensors have no missing value to return; remove the NAs from the index first.")],
    )


def _logical(mask: torch.Tensor, n: int, label: str, extent: str) -> _Sel:
    """A logical index, recycled to ``n`` as R does; TRUE picks."""
    k = mask.numel()
    if k > n:
        raise IndexOutOfRangeError(
            f"Can't subset: {label} is a logical index longer than {extent}.",
            [("x", f"It has {k} elements; {extent} has {n}.")],
        )
    if k == 0:
        return _Sel("pos", pos=torch.empty(0, dtype=torch.int64))
    if k < n:
        mask = mask.repeat(-(-n // k))[:n]
    return _Sel("pos", pos=mask.nonzero().reshape(-1))


def _r_logical(rv: _RValue, label: str) -> torch.Tensor:
    src = _r_view(rv.address, rv.rtype, rv.n, [rv.n])
    if rv.n and int(src.min()) == D.INT_NA:
        raise _na_index(label)
    return src != 0


def _tensor_kind_error(label: str, t: torch.Tensor) -> IndexTypeError:
    return IndexTypeError(
        f"Can't subset with {label}: a {D.name(t.dtype)} tensor is not an index.",
        [("x", f"It is {_describe_tensor(t)}."),
         ("i", "Use a bool tensor (a mask) or an integer tensor of positions counted from 1.")],
    )


def _dim_sel(idx: Any, n: int, which: int, linear: bool) -> _Sel:
    """One index, for an extent of ``n`` (a dim, or all elements when linear)."""
    label = _index_label(which, linear)
    extent = "the tensor" if linear else f"dim {which + 1}"
    if idx is None:
        return _ALL
    if isinstance(idx, bool):
        return _ALL if idx or n == 0 else _Sel("pos", pos=torch.empty(0, dtype=torch.int64))
    if isinstance(idx, (int, float)):
        if isinstance(idx, float) and math.isnan(idx):
            raise _na_index(label)
        v = math.trunc(idx) if math.isfinite(idx) else idx
        if v > n or v < -n:
            raise _out_of_range(label, v, n, extent)
        v = int(v)
        if v > 0:
            return _Sel("range", v - 1, v)
        if v == 0:
            return _Sel("pos", pos=torch.empty(0, dtype=torch.int64))
        keep = torch.ones(n, dtype=torch.bool)
        keep[-v - 1] = False
        return _Sel("pos", pos=keep.nonzero().reshape(-1))
    if isinstance(idx, _RValue):
        if idx.rtype == "logical":
            return _logical(_r_logical(idx, label), n, label, extent)
        if idx.rtype in ("double", "integer", "integer64"):
            src = _r_view(idx.address, idx.rtype, idx.n, [idx.n])
            return _numeric(src, n, label, extent, D.R_NA_SENTINEL.get(idx.rtype))
        raise IndexTypeError(f"Can't subset with {idx.describe()}.")
    if isinstance(idx, torch.Tensor):
        flat = _column_major_flat(idx)  # as R reads an index array
        if idx.dtype == torch.bool:
            return _logical(flat, n, label, extent)
        if D.kind(idx.dtype) in ("int", "float"):
            return _numeric(flat, n, label, extent)
        raise _tensor_kind_error(label, idx)
    raise IndexTypeError(f"Can't subset with a Python {type(idx).__name__}.")


def _is_index_matrix(idx: Any, nd: int) -> bool:
    if nd < 2:
        return False
    if isinstance(idx, _RValue):
        return idx.rtype in ("double", "integer") and idx.dims is not None and len(idx.dims) == 2 and idx.dims[1] == nd
    if isinstance(idx, torch.Tensor):
        return D.kind(idx.dtype) in ("int", "float") and idx.dim() == 2 and idx.shape[1] == nd
    return False


def _matrix_coords(idx: Any, shape: Sequence[int], dev: torch.device) -> Tuple[torch.Tensor, ...]:
    """0-based coordinates from an R index matrix (one row per element)."""
    label = "the index matrix"
    if isinstance(idx, _RValue):
        m = _r_view(idx.address, idx.rtype, idx.n, idx.dims)
        sentinel = D.R_NA_SENTINEL.get(idx.rtype)
    else:
        m, sentinel = idx, None
    if m.is_floating_point():
        if bool(torch.isnan(m).any()):
            raise _na_index(label)
        m = torch.trunc(m)
    elif sentinel is not None and m.numel() and bool((m == sentinel).any()):
        raise _na_index(label)
    m = m.to(torch.int64)
    if m.numel() and int(m.min()) < 0:
        raise IndexTypeError("Can't subset with negative numbers in an index matrix.",
                             [("i", "Each row of an index matrix gives the position (from 1) of one element.")])
    m = m[(m != 0).all(dim=1)]
    for j, d in enumerate(shape):
        if m.shape[0] and int(m[:, j].max()) > d:
            raise _out_of_range(f"column {j + 1} of the index matrix", int(m[:, j].max()), d, f"dim {j + 1}")
    m = (m - 1).to(dev)
    return tuple(m[:, j] for j in range(len(shape)))


def _linear_coords(x: torch.Tensor, idx: Any) -> Tuple[torch.Tensor, Union[Tuple[torch.Tensor, ...], torch.Tensor]]:
    """For one index on a tensor that is not 1-D: ``(xt, key)`` where ``xt``
    is ``x`` with its dims reversed (a view, so R's column-major order is its
    row-major order) and ``key`` picks the elements from ``xt``."""
    nd = x.dim()
    rev = list(range(nd))[::-1]
    xt = x.permute(rev)
    n = x.numel()
    dev = x.device
    if isinstance(idx, torch.Tensor) and idx.dtype == torch.bool and list(idx.shape) == list(x.shape) and nd >= 2:
        return xt, (idx.to(dev).permute(rev),)
    if isinstance(idx, _RValue) and idx.rtype == "logical":
        mask = _r_logical(idx, "the index")
        sel = _logical(mask, n, "the index", "the tensor")
    else:
        sel = _dim_sel(idx, n, 0, True)
    pos = sel.positions(n, dev)
    if nd == 0:
        return x.reshape(1), (pos,)
    return xt, tuple(torch.unravel_index(pos, tuple(xt.shape)))


def _check_nindex(x: torch.Tensor, k: int) -> None:
    if k != x.dim():
        raise IndexTypeError(
            f"Can't subset a tensor with {x.dim()} dim{'s' if x.dim() != 1 else ''} by {k} indices.",
            [("x", f"`x` is {_describe_tensor(x)}."),
             ("i", "Give one index per dim, or a single index that counts elements in column-major order.")],
        )


def _with_tensor(e: TorchbridgeError, x: torch.Tensor) -> TorchbridgeError:
    """``e`` with a bullet naming the tensor indexed (unless it has one)."""
    bullet = ("x", f"`x` is {_describe_tensor(x)}.")
    if bullet not in e.bullets:
        e.bullets.insert(0, bullet)
    return e


@record
def subset(x: torch.Tensor, indices: List[Any], drop: bool = True, one: bool = False) -> torch.Tensor:
    """R's ``x[...]``: a new tensor on ``x``'s device.

    Args:
        x: the tensor.
        indices: one entry per index given in R: ``None`` (empty), an R number
            or logical (a Python scalar), an R descriptor, or a tensor (bool:
            a mask; integer: positions counted from 1).
        drop: drop extents of 1 from the result (a fully dropped result is
            0-d). A single index on a tensor that is not 1-D picks elements in
            column-major order and always gives a 1-D tensor.
        one: R's ``x[[...]]``: the indices must pick exactly one element,
            which comes back as a 0-d tensor.
    """
    check_storage(x)
    try:
        out = _subset(x, [None if i is None else _as_value(i) for i in indices], drop)
        if one:
            _check_one(out.numel())
            out = out.reshape(())
        return out
    except (IndexOutOfRangeError, IndexTypeError) as e:
        raise _with_tensor(e, x)


def _check_one(count: int) -> None:
    if count != 1:
        raise IndexTypeError(
            f"Can't use `[[` to select {'no' if count == 0 else count} elements: it selects exactly one.",
            [("i", "Use `[` to select several elements (or none).")],
        )


def _subset(x: torch.Tensor, idx: List[Any], drop: bool) -> torch.Tensor:
    if len(idx) == 1 and x.dim() != 1:
        if idx[0] is None:
            return x.clone()
        if _is_index_matrix(idx[0], x.dim()):
            return x[_matrix_coords(idx[0], list(x.shape), x.device)]
        xt, key = _linear_coords(x, idx[0])
        return xt[key].reshape(-1)
    _check_nindex(x, len(idx))
    sels = [_dim_sel(i, int(d), k, False) for k, (i, d) in enumerate(zip(idx, x.shape))]
    y = x
    gathered = False
    for d, s in enumerate(sels):
        if s.kind == "range":
            y = y.narrow(d, s.start, s.stop - s.start)
        elif s.kind == "pos":
            y = y.index_select(d, s.pos.to(y.device))
            gathered = True
    if not gathered:
        y = y.clone()
    if drop:
        y = y.squeeze()
    return y


def _replacement(value: Any, x: torch.Tensor, count: int, values: Sequence[Any]) -> torch.Tensor:
    """The replacement values: 1-D, ``x``'s dtype and device, ``count`` long
    (recycled in R's order)."""
    target, dev = x.dtype, x.device
    names = ("x", "value")
    try:
        if isinstance(value, torch.Tensor):
            flat = checked_cast(_column_major_flat(value), target).to(dev)
        elif isinstance(value, _RValue):
            if value.rtype == "raw":
                raise InputTypeError("Can't assign raw bytes into a tensor.", _sides(names, values))
            flat = value.tensor(target, dev, [value.n])
        else:
            flat = _scalar_tensor(value, target, dev).reshape(1)
    except (NAError, ValueOverflowError, DtypeError) as e:
        raise type(e)(f"Can't assign these values into {_article(D.name(target))} {D.name(target)} tensor.",
                      _facts(e) + _sides(names, values) + [
                          ("i", "A tensor keeps its dtype: the values must fit it.")]) from None
    k = flat.numel()
    if count == 0:
        return flat[:0]
    if k == 0 or count % k != 0:
        raise ShapeError(
            "Can't recycle `value` to the elements selected.",
            _sides(names, values) + [
                ("i", f"The index selects {count} element{'s' if count != 1 else ''}; "
                      "the length of `value` must divide that number."),
            ],
        )
    return flat if k == count else flat.repeat(count // k)


def _assign_error(e: RuntimeError, x: torch.Tensor) -> TorchbridgeError:
    text = str(e).strip().splitlines()[0]
    if "requires grad" in text:
        return TorchbridgeError(
            "Can't write into a tensor that requires grad.",
            [("x", f"`x` is {_describe_tensor(x)}; it requires grad, so torch refuses in-place writes."),
             ("i", "Write inside `with(torch$no_grad(), ...)`, or into `x$detach()`, which shares its memory.")],
        )
    return torch_failure(e, "write into the tensor", [("x", f"`x` is {_describe_tensor(x)}.")])


def _may_overlap(x: torch.Tensor) -> bool:
    """Whether two elements of ``x`` may be one place in memory. Dims are
    taken by increasing stride; each stride must pass the extent of the
    dims before it (a sufficient test, exact for everything but exotic
    ``as_strided()`` views, which are refused when in doubt)."""
    dims = sorted((int(st), int(d)) for d, st in zip(x.shape, x.stride()) if int(d) > 1)
    reach = 0  # the largest offset the dims so far reach
    for st, d in dims:
        if st <= reach:
            return True
        reach += (d - 1) * st
    return False


def _check_writable(x: torch.Tensor) -> None:
    """Refuse to write into a tensor whose elements share memory (expanded,
    stride-0 or overlapping views): one write would change several
    elements. torch's in-place operations refuse these too."""
    if _may_overlap(x):
        raise UnsupportedTensorError(
            "Can't write into a tensor whose elements share memory.",
            [("x", f"`x` is {_describe_tensor(x)} with strides ({', '.join(map(str, x.stride()))}): "
                   "several of its elements are one place in memory (e.g. the result of `expand()`)."),
             ("i", "Write into a copy: `y <- x$clone()`, then `y[...] <- value`.")],
        )


@record
def assign(x: torch.Tensor, indices: List[Any], value: Any, one: bool = False) -> None:
    """R's ``x[...] <- value``: writes into ``x`` in place.

    ``indices`` as for :func:`subset`. ``value`` (a tensor, an R number or
    an R descriptor) is cast to ``x``'s dtype under ``as_torch()``'s rules and
    recycled in R's column-major order over the elements selected. With
    ``one`` (R's ``x[[...]] <- value``), the indices must select exactly one
    element and ``value`` must be one value.
    """
    check_storage(x)
    _check_writable(x)
    idx = [None if i is None else _as_value(i) for i in indices]
    if one:
        _check_one(int(subset(x, indices, True).numel()))
        n_value = value.numel() if isinstance(value, torch.Tensor) else _as_value(value).n \
            if isinstance(value, (list, tuple)) else 1
        if n_value != 1:
            raise ShapeError(
                "Can't use `[[<-` to assign several values: it replaces exactly one element.",
                [("x", f"`value` has {n_value} elements."), ("i", "Use `[<-` to assign several.")],
            )
    value = _as_value(value)
    values = (x, value)
    try:
        if len(idx) == 1 and x.dim() != 1:
            if idx[0] is not None and _is_index_matrix(idx[0], x.dim()):
                coords = _matrix_coords(idx[0], list(x.shape), x.device)
                v = _replacement(value, x, int(coords[0].numel()), values)
                x.index_put_(coords, v)
                return None
            if idx[0] is None:
                v = _replacement(value, x, x.numel(), values)
                x.copy_(_from_column_major(v, list(x.shape)))
                return None
            xt, key = _linear_coords(x, idx[0])
            count = int(key[0].sum()) if key[0].dtype == torch.bool else int(key[0].numel())
            v = _replacement(value, x, count, values)
            xt.index_put_(key, v)
            return None
        _check_nindex(x, len(idx))
        shape = [int(d) for d in x.shape]
        sels = [_dim_sel(i, d, k, False) for k, (i, d) in enumerate(zip(idx, shape))]
        counts = [s.count(d) for s, d in zip(sels, shape)]
        v = _replacement(value, x, math.prod(counts), values)
        v = _from_column_major(v, counts)
        if all(s.kind != "pos" for s in sels):
            key = tuple(slice(None) if s.kind == "all" else slice(s.start, s.stop) for s in sels)
            x[key].copy_(v)
            return None
        nd = len(shape)
        key = tuple(
            s.positions(d, x.device).reshape([-1 if j == k else 1 for j in range(nd)])
            for k, (s, d) in enumerate(zip(sels, shape))
        )
        x.index_put_(key, v)
        return None
    except RuntimeError as e:
        raise _assign_error(e, x) from None
    except (IndexOutOfRangeError, IndexTypeError) as e:
        raise _with_tensor(e, x)


# --- describing tensors: dim(), length(), print(), str(), summary() ----------------------


@record
def shape(x: torch.Tensor) -> List[int]:
    """``x``'s shape as R dims.

    Raises:
        SizeError: a dim longer than R's integers.
    """
    dims = [int(d) for d in x.shape]
    if any(d > _R_INT_MAX for d in dims):
        raise SizeError(
            "Can't give the dims of this tensor: a dim is longer than R's integers allow.",
            [("x", f"`x` is {_describe_tensor(x)}.")],
        )
    return dims


@record
def numel(x: torch.Tensor) -> str:
    """The number of elements, as a decimal string (it may pass 2^31)."""
    return str(x.numel())


def _info(x: torch.Tensor) -> List[Any]:
    if getattr(x, "is_nested", False):  # ragged: only the number of components has a size
        shape = [int(x.size(0))]
    else:
        shape = [int(d) for d in x.shape]
    return [D.name(x.dtype), str(x.device), [str(d) for d in shape], bool(x.requires_grad), str(x.numel())]


@record
def describe(x: torch.Tensor) -> List[Any]:
    """``[dtype, device, shape, requires_grad, numel]``."""
    return _info(x)


def _unshowable(t: torch.Tensor) -> Optional[str]:
    """Why ``t``'s values can't be shown in R (sparse, meta...), or None."""
    try:
        _check_unsupported(t)
        D.r_type_for(t.dtype, "double")
    except UnsupportedTensorError as e:
        return e.message
    return None


@record
def preview(x: torch.Tensor, max_items: int = 30, max_rows: int = 10, max_cols: int = 10,
            max_slices: int = 3) -> List[Any]:
    """What ``print()`` shows: ``describe(x)`` + ``[values, slices, why]``.

    ``values`` is the leading part of ``x`` (detached): 0-d as it is, 1-D the
    first ``max_items``, 2-D the first rows and columns, more dims the first
    ``max_slices`` matrices (in row-major order of the leading dims) stacked
    into a 3-D tensor; ``slices`` are their 1-based leading indices. For a
    tensor whose values R can't get (sparse, meta...), ``values`` is None and
    ``why`` says why.
    """
    t = x.detach()
    why = _unshowable(t)
    if why is not None:
        return _info(x) + [None, [], why]
    nd = t.dim()
    slices: List[List[int]] = []
    if nd == 0:
        vals = t
    elif nd == 1:
        vals = t[: int(max_items)]
    else:
        body = t[..., : int(max_rows), : int(max_cols)]
        if nd == 2:
            vals = body
        else:
            lead = [int(d) for d in t.shape[:-2]]
            n_lead = math.prod(lead)
            picked = []
            for i in range(min(int(max_slices), n_lead)):
                idx = []
                rest = i
                for d in reversed(lead):
                    idx.append(rest % d)
                    rest //= d
                idx = idx[::-1]
                slices.append([j + 1 for j in idx])
                picked.append(body[tuple(idx)])
            r, c = body.shape[-2], body.shape[-1]
            vals = torch.stack(picked) if picked else body.reshape(0, r, c)
    return _info(x) + [vals, slices, None]


@record
def int_text(t: torch.Tensor) -> str:
    """An integer tensor's values as exact decimal text for printing
    (int64, uint32 and uint64 pass 2^53, where doubles round):
    ``"d1,d2,...|v1;v2;..."``, the values in column-major order."""
    t = t.detach().cpu()
    flat = t.permute(*reversed(range(t.dim()))).reshape(-1) if t.dim() > 1 else t.reshape(-1)
    return ",".join(str(int(d)) for d in t.shape) + "|" + ";".join(str(v) for v in flat.tolist())


@record
def head_values(x: torch.Tensor, k: int = 10) -> List[Any]:
    """``describe(x)`` + the first ``k`` elements in column-major order (1-D);
    None for a tensor whose values R can't get (see :func:`preview`)."""
    t = x.detach()
    if _unshowable(t) is not None:
        return _info(x) + [None]
    n = min(int(k), t.numel())
    if t.dim() <= 1:
        vals = t.reshape(-1)[:n]
    else:
        xt = t.permute(list(range(t.dim()))[::-1])
        coords = torch.unravel_index(torch.arange(n, device=t.device), tuple(xt.shape))
        vals = xt[coords]
    return _info(x) + [vals]


@record
def summarize(x: torch.Tensor) -> List[Any]:
    """``describe(x)`` + ``[min, max, mean, sd, n_nan, n]`` over the non-NaN
    values, computed on ``x``'s device (float64 where the device has it). NaN
    where there are no values (sd: fewer than two)."""
    _check_unsupported(x)
    if x.is_complex():
        raise DtypeError(
            "Can't summarise complex numbers: they have no order.",
            [("x", f"`object` is {_describe_tensor(x)}."), ("i", "Summarise `Mod(x)`, `Re(x)` or `Im(x)` instead.")],
        )
    t = _work_float(x.detach())
    ok = ~torch.isnan(t)
    n = ok.sum()
    zero = torch.zeros_like(t)
    if t.numel():
        lo = torch.where(ok, t, torch.full_like(t, math.inf)).amin()
        hi = torch.where(ok, t, torch.full_like(t, -math.inf)).amax()
    else:
        lo = hi = torch.full((), math.nan, dtype=t.dtype, device=t.device)
    nf = n.to(t.dtype)
    avg = torch.where(ok, t, zero).sum() / nf
    var = torch.where(ok, (t - avg) ** 2, zero).sum() / (nf - 1)
    stats = torch.stack([lo, hi, avg, var.sqrt(), nf]).cpu().tolist()
    lo_v, hi_v, avg_v, sd_v, n_v = stats
    n_ok = int(n_v)
    nan = math.nan
    out = [lo_v if n_ok else nan, hi_v if n_ok else nan, avg_v if n_ok else nan,
           sd_v if n_ok > 1 else nan, float(x.numel() - n_ok), float(x.numel())]
    return _info(x) + [out]
