"""Integer results that would wrap around: R never wraps, so neither do we.

torch's integer arithmetic wraps silently (``uint8`` 0 - 1 is 255, int64
products that overflow can give 0). R gives NA with a warning instead, and
a tensor has no NA, so an integer result that does not fit its dtype is a
:class:`ValueOverflowError` naming the operation; an integer division by
zero (R's NA again) is an :class:`NAError` before torch divides (CUDA and
MPS kernels don't stop there: they give garbage).

The checks are exact and run on the result's device in integer arithmetic
(no float64, which MPS lacks, and nothing copied to the host):

* First from the operands' minimum and maximum (one pass each, no
  temporary): most results can't overflow, and nothing more is read.
* Else element by element, a piece at a time (:func:`_memory.work_piece`):
  a wrapped sum has the wrong sign (``(a ^ r) & (b ^ r) < 0``), a wrapped
  product fails ``r / a == b``, a cumulative result is checked step by step
  against the one before, and sums and products of all the values are
  computed exactly (in Python integers, from per-piece totals).

uint16, uint32 and uint64, which have almost no kernels (multiplication,
not addition or comparison), are compared with a float64 reference instead,
whole.
"""

from __future__ import annotations

import math
from typing import Callable, List, Optional, Sequence

import torch

from . import _dtypes as D
from . import _memory
from ._cast import int_minmax
from ._errors import NAError, ValueOverflowError
from ._memory import work_pieces

#: Integer dtypes checked against a float64 reference (too few kernels).
_FEW_KERNELS = {torch.uint16, torch.uint32, torch.uint64}


def _int(dtype: torch.dtype) -> bool:
    return D.kind(dtype) == "int"


def _signed(dtype: torch.dtype) -> bool:
    return D.int_range(dtype)[0] < 0


def _error(op: str, dtype: torch.dtype, bullets: Sequence[tuple], found: str,
           value: Optional[float] = None) -> ValueOverflowError:
    lo, hi = D.int_range(dtype)
    wide_hint = ("Use a float dtype, e.g. `x$double()`." if dtype.itemsize == 8 else
                 'Use a wider dtype, e.g. `as_torch(x, dtype = "int64")`, or a float dtype.')
    return ValueOverflowError(
        f"Can't compute `{op}`: an integer result is outside the range of {D.name(dtype)}.",
        list(bullets) + [
            ("x", f"{found}; {D.name(dtype)} holds {lo} to {hi}."),
            ("i", "R would give NA here; torch would wrap around silently. " + wide_hint),
        ],
        dtype=D.name(dtype), value=None if value is None else float(value),
    )


def _result_error(op: str, dtype: torch.dtype, bullets: Sequence[tuple], value: int) -> ValueOverflowError:
    digits = str(abs(value))
    rest = digits[1:6].rstrip("0")
    shown = str(value) if len(digits) <= 21 else \
        f"about {'-' if value < 0 else ''}{digits[0]}{'.' + rest if rest else ''}e+{len(digits) - 1}"
    near = float(value) if len(digits) < 300 else (-math.inf if value < 0 else math.inf)
    return _error(op, dtype, bullets, f"A result is {shown}", near)


def _holds(dtype: torch.dtype, value: int) -> bool:
    lo, hi = D.int_range(dtype)
    return lo <= value <= hi


def _plain(t: torch.Tensor) -> torch.Tensor:
    """``t`` as integers (logicals as uint8, a view)."""
    return t.view(torch.uint8) if t.dtype == torch.bool else t


def _minmax(t: torch.Tensor):
    return int_minmax(_plain(t))


def _first(bad: torch.Tensor, *parts: torch.Tensor) -> Optional[List[int]]:
    """The values of ``parts`` where ``bad`` is first set, or ``None``."""
    if not bool(bad.any()):
        return None
    i = int(bad.reshape(-1).to(torch.int32).argmax())
    return [int(p.broadcast_to(bad.shape).reshape(-1)[i]) for p in parts]


def _wrapped(op: str, r: torch.Tensor, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Where ``r`` (torch's ``a <op> b``, all of ``r``'s dtype) wrapped around."""
    signed = _signed(r.dtype)
    if op == "+":
        return ((a ^ r) & (b ^ r)) < 0 if signed else r < a
    if op == "-":
        return ((a ^ b) & (a ^ r)) < 0 if signed else a < b
    if op == "*":
        # r / a == b exactly when nothing wrapped; a = 0 and a = -1 apart (no
        # division by zero, and MIN / -1 would overflow itself)
        special = (a == 0) | (a == -1) if signed else a == 0
        q = torch.div(r, torch.where(special, torch.ones_like(a), a), rounding_mode="trunc")
        bad = (q != b) & ~special
        return bad | ((a == -1) & (b == D.int_range(r.dtype)[0])) if signed else bad
    lo = D.int_range(r.dtype)[0]  # %/%: only MIN %/% -1
    return (a == lo) & (b == -1)


def _exact(op: str, a: int, b: int) -> int:
    return {"+": a + b, "-": a - b, "*": a * b}[op] if op != "%/%" else a // b


def _bounds(op: str, a: tuple, b: tuple) -> tuple:
    """The smallest and largest possible ``a <op> b`` for ``a``, ``b`` in these ranges."""
    if op == "+":
        return a[0] + b[0], a[1] + b[1]
    if op == "-":
        return a[0] - b[1], a[1] - b[0]
    ends = [x * y for x in a for y in b]
    return min(ends), max(ends)


# --- the checks -----------------------------------------------------------------------


def check_divisor(op: str, y: torch.Tensor, bullets: Sequence[tuple]) -> None:
    """Before integer ``%%`` or ``%/%``: no divisor may be zero."""
    mm = _minmax(y)
    if mm is None or not mm[0] <= 0 <= mm[1]:
        return
    for (p,) in work_pieces(y.shape, _plain(y)):
        if bool((p == 0).any()):
            raise NAError(
                f"Can't compute `{op}` of integers with a zero divisor.",
                list(bullets) + [("i", "R gives NA here, and integer tensors have no missing value; "
                                       "use a float dtype, where the result is NaN or Inf.")],
            )


def fit_scalars(op: str, x: torch.Tensor, y: torch.Tensor, arithmetic: bool,
                bullets: Sequence[tuple]) -> tuple:
    """Before an integer operation: torch casts a 0-d operand to the other
    tensor's dtype first, wrapping a value it can't hold (an int8 tensor ==
    ``torch$tensor(1000L)`` compares with -24). For arithmetic that is an
    overflow error; comparisons and logical operators compare in a dtype
    that holds both instead."""
    rt = torch.result_type(x, y)
    if not _int(rt):
        return x, y
    for t in (x, y):
        if t.dim() == 0 and t.dtype != rt and _int(t.dtype) and not _holds(rt, int(t)):
            if arithmetic:
                raise _error(op, rt, bullets, f"The value {int(t)} can't be a {D.name(rt)}, the result's dtype",
                             int(t))
            wide_dt = torch.promote_types(x.dtype, y.dtype)
            return x.to(wide_dt), y.to(wide_dt)
    return x, y


def check_binary(op: str, out: torch.Tensor, x: torch.Tensor, y: torch.Tensor,
                 fun: Callable[..., torch.Tensor], bullets: Sequence[tuple]) -> None:
    """After ``out = fun(x, y)`` for ``op`` in ``+ - * %% %/%``: nothing wrapped."""
    if not _int(out.dtype) or out.numel() == 0 or op == "%%":  # |x %% y| < |y| always fits
        return  # (0-d operands that don't fit were refused by fit_scalars())
    if {out.dtype, x.dtype, y.dtype} & _FEW_KERNELS:
        return _check_reference(out, lambda: fun(wide(x), wide(y)), op, bullets)
    ranges = [_minmax(t) for t in (x, y)]
    lo, hi = D.int_range(out.dtype)
    if op == "%/%":
        if not (_signed(out.dtype) and ranges[0][0] <= lo and ranges[1][0] <= -1 <= ranges[1][1]):
            return
    else:
        least, most = _bounds(op, *ranges)
        if lo <= least and most <= hi:
            return
    a_all, b_all = (t if t.dim() == 0 else t.broadcast_to(out.shape) for t in (x, y))
    for r, a, b in work_pieces(out.shape, out, _plain(a_all), _plain(b_all)):
        a, b = a.to(out.dtype), b.to(out.dtype)
        found = _first(_wrapped(op, r, a, b), a, b)
        if found is not None:
            raise _result_error(op, out.dtype, bullets, _exact(op, *found))


def check_negation(op: str, out: torch.Tensor, t: torch.Tensor, bullets: Sequence[tuple]) -> None:
    """After ``out`` = ``-t`` (``op`` ``"-"``) or ``abs(t)`` (``"abs()"``)
    of an integer tensor: the smallest signed value has no opposite in its
    dtype, and no unsigned value but 0 has one at all."""
    if not _int(t.dtype) or t.numel() == 0:
        return
    if t.dtype in _FEW_KERNELS:
        fun = torch.neg if op == "-" else torch.abs
        return _check_reference(out, lambda: fun(wide(t)), op, bullets)
    lo, hi = _minmax(t)
    if _signed(t.dtype) and lo == D.int_range(t.dtype)[0]:
        raise _result_error(op, t.dtype, bullets, -lo)
    if not _signed(t.dtype) and op == "-" and hi > 0:
        raise _result_error(op, t.dtype, bullets, -hi)


def check_cumulative(op: str, out: torch.Tensor, flat: torch.Tensor, bullets: Sequence[tuple]) -> None:
    """After ``out`` = ``cumsum(flat)`` or ``cumprod(flat)`` (``op``
    ``"cumsum()"``, ``"cumprod()"``; 1-D): no step wrapped. The first step
    that does is found exactly, as each step is checked against the true
    result before it."""
    if not _int(out.dtype) or out.numel() == 0:
        return
    step = "+" if op == "cumsum()" else "*"
    if {out.dtype, flat.dtype} & _FEW_KERNELS:
        fun = torch.cumsum if step == "+" else torch.cumprod
        return _check_reference(out, lambda: fun(wide(flat), 0), op, bullets)
    lo, hi = _minmax(flat)
    n, big = flat.numel(), max(abs(lo), abs(hi))
    bits = out.dtype.itemsize * 8 - (1 if _signed(out.dtype) else 0)
    if (n * big <= D.int_range(out.dtype)[1]) if step == "+" else (big <= 1 or n * big.bit_length() <= bits):
        return
    src, piece = _plain(flat), _memory.work_piece(out.device)
    for a in range(0, n, piece):
        b = min(a + piece, n)
        r, x = out[a:b], src[a:b].to(out.dtype)
        prev = torch.empty_like(r)
        prev[1:] = out[a:b - 1]
        if a:
            prev[0] = out[a - 1]
        else:
            prev[0] = 0 if step == "+" else 1
        found = _first(_wrapped(step, r, prev, x), prev, x)
        if found is not None:
            raise _result_error(op, out.dtype, bullets, _exact(step, *found))


def check_total(op: str, out: torch.Tensor, inputs: Sequence[torch.Tensor], bullets: Sequence[tuple]) -> None:
    """After ``out`` = ``sum()`` or ``prod()`` (``op``) of all of ``inputs``'
    values: it is the exact result, computed here in Python integers where
    the inputs' ranges don't already show it fits."""
    if not _int(out.dtype) or any(not (_int(v.dtype) or v.dtype == torch.bool) for v in inputs):
        return
    if {out.dtype, *(v.dtype for v in inputs)} & _FEW_KERNELS:
        return _check_reference(out, _reference_total(op, inputs), f"{op}()", bullets)
    inputs = [v for v in inputs if v.numel()]
    ranges = [_minmax(v) for v in inputs]
    lo, hi = D.int_range(out.dtype)
    if op == "sum":
        if lo <= sum(v.numel() * r[0] for v, r in zip(inputs, ranges)) and \
                sum(v.numel() * r[1] for v, r in zip(inputs, ranges)) <= hi:
            return
        total = sum(_exact_sum(v) for v in inputs)
    else:
        bits = out.dtype.itemsize * 8 - (1 if _signed(out.dtype) else 0)
        if sum(v.numel() * max(abs(r[0]), abs(r[1])).bit_length() for v, r in zip(inputs, ranges)) <= bits \
                or all(max(abs(r[0]), abs(r[1])) <= 1 for r in ranges):
            return
        total = _exact_prod(inputs, out.dtype, bullets)
    if not lo <= total <= hi:
        raise _result_error(f"{op}()", out.dtype, bullets, total)


def _exact_sum(v: torch.Tensor) -> int:
    total = 0
    for (p,) in work_pieces(v.shape, _plain(v)):
        if p.dtype == torch.int64:  # two 32-bit halves, whose sums can't wrap in a piece
            total += (int((p >> 32).sum()) << 32) + int((p & 0xFFFFFFFF).sum())
        else:
            total += int(p.sum(dtype=torch.int64))
    return total


def _exact_prod(inputs: Sequence[torch.Tensor], dtype: torch.dtype, bullets: Sequence[tuple]) -> int:
    """The product of all values: 0 if one is; else of those beyond -1 to 1
    (few, or the product is beyond any dtype) and the sign of the -1s."""
    big, minus = 0, 0
    for v in inputs:
        for (p,) in work_pieces(v.shape, _plain(v)):
            if bool((p == 0).any()):
                return 0
            big += int(torch.count_nonzero((p >= 2) | (p <= -2))) if _signed(p.dtype) else int(torch.count_nonzero(p >= 2))
            if _signed(p.dtype):
                minus += int(torch.count_nonzero(p == -1))
    if big > 2 * dtype.itemsize * 8:  # at least 2^big in size
        raise _error("prod()", dtype, bullets, f"A result is at least 2^{big} in size")
    total = -1 if minus % 2 else 1
    for v in inputs:
        for (p,) in work_pieces(v.shape, _plain(v)):
            keep = (p >= 2) | (p <= -2) if _signed(p.dtype) else p >= 2
            total *= math.prod(int(e) for e in p[keep].tolist())
    return total


# --- uint16, uint32, uint64: against a float64 reference ---------------------------------


def wide(t: torch.Tensor) -> torch.Tensor:
    """``t`` as float64, where the comparison is made (the CPU for MPS)."""
    if t.device.type == "mps":
        t = t.cpu()
    return t.to(torch.float64)


def _reference_total(op: str, inputs: Sequence[torch.Tensor]) -> Callable[[], torch.Tensor]:
    fun = torch.sum if op == "sum" else torch.prod

    def go() -> torch.Tensor:
        parts = [fun(wide(_plain(v))) for v in inputs]
        out = parts[0]
        for p in parts[1:]:
            out = out + p if op == "sum" else out * p
        return out
    return go


def _check_reference(result: torch.Tensor, reference: Callable[[], torch.Tensor], op: str,
                     bullets: Sequence[tuple]) -> None:
    """A wrapped result differs from the float64 one by a multiple of
    2^bits, an exact one by far less than 2^(bits - 2)."""
    ref = reference()
    got = wide(result)
    wrapped = ~(torch.abs(ref - got) <= 2.0 ** (result.dtype.itemsize * 8 - 2))  # also Inf and NaN
    if bool(wrapped.any()):
        bad = float(ref[wrapped].flatten()[0])
        shown = f"{bad:.0f}" if abs(bad) < 1e18 else f"{bad:.6g}"
        raise _error(op, result.dtype, bullets, f"A result is about {shown}", None if math.isnan(bad) else bad)
