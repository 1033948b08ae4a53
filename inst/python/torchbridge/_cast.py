"""Casts that never change a value silently.

:func:`cast_into` copies R data into a new tensor of the target dtype in one
pass (cast and layout change fused in ``copy_``); :func:`checked_cast` casts
a tensor. Both run the same read-only checks (:func:`validate`, and
:func:`check_narrowed` on the result), only where the pair of dtypes needs
them:

* NA/NaN to an integer or bool type: :class:`NAError`;
* a value outside the target's range: :class:`ValueOverflowError` -- for
  floats, a finite value beyond the largest finite one, Inf into a float8
  format that has no infinity, and zero or a negative value into
  float8_e8m0fnu (positive powers of two only);
* a lost fraction or a dropped non-zero imaginary part: :class:`DtypeError`.

Rounding to a narrower float is allowed, including underflow to zero (1e-10
to float16 is 0) or to the smallest power of two (float8_e8m0fnu);
overflowing it is not.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import torch

from . import _dtypes as D
from ._errors import DtypeError, NAError, ValueOverflowError
from ._memory import column_major_strides, work_pieces


def _fmt(v: float) -> str:
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Inf" if v > 0 else "-Inf")  # as R writes them
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v) if isinstance(v, float) else str(v)


def int_minmax(src: torch.Tensor):
    """min and max of an integer tensor, also for uint16/32/64 (no CPU kernels)."""
    if src.numel() == 0:
        return None
    if src.dtype == torch.uint16:
        src = src.to(torch.int32)
    elif src.dtype == torch.uint32:
        src = src.to(torch.int64)
    elif src.dtype == torch.uint64:
        signed = src.view(torch.int64) if src.is_contiguous() else src.contiguous().view(torch.int64)
        lo, hi = torch.aminmax(signed)
        if int(lo) >= 0:
            return int(lo), int(hi)
        # Values of 2^63 or more read as negative through the signed view.
        big = signed[signed < 0]
        small = signed[signed >= 0]
        top = int(big.max()) + 2**64
        bottom = int(small.min()) if small.numel() else int(big.min()) + 2**64
        return bottom, top
    lo, hi = torch.aminmax(src)
    if src.dtype.is_floating_point:
        return float(lo), float(hi)
    return int(lo), int(hi)


def check_range(src: torch.Tensor, target: torch.dtype, what: str = "value", minmax=None) -> None:
    """Raise ValueOverflowError if a value of ``src`` does not fit an integer ``target``.

    ``minmax`` is ``src``'s (min, max) when already known.
    """
    mm = minmax if minmax is not None else int_minmax(src)
    if mm is None:
        return
    lo, hi = mm
    tlo, thi = D.int_range(target)
    if lo < tlo or hi > thi:
        bad = lo if lo < tlo else hi
        raise ValueOverflowError(
            f"Can't convert to {D.name(target)}: a {what} is outside its range.",
            [("x", f"Found {_fmt(bad)}; {D.name(target)} holds {tlo} to {thi}."),
             ("i", "Choose a wider `dtype`, or rescale the data first.")],
            dtype=D.name(target), value=float(bad),
        )


def _fits(src: torch.dtype, target: torch.dtype) -> bool:
    """Whether every value of integer dtype ``src`` fits integer dtype ``target``."""
    if src == torch.bool:
        return True
    slo, shi = D.int_range(src)
    tlo, thi = D.int_range(target)
    return tlo <= slo and shi <= thi


def _first_where(test, *tensors: torch.Tensor) -> Optional[list]:
    """The elements of ``tensors`` (of one shape) where ``test`` of their
    pieces is first true, or ``None``: a piece at a time, so a check's
    temporaries stay a piece's size on a GPU too."""
    for parts in work_pieces(tensors[0].shape, *tensors):
        hit = test(*parts)
        if bool(hit.any()):
            return [p[hit].flatten()[0] for p in parts]
    return None


def _has_nan(src: torch.Tensor) -> bool:
    return _first_where(torch.isnan, src) is not None


def _check_fraction(src: torch.Tensor, target: torch.dtype) -> None:
    found = _first_where(lambda p: p != torch.trunc(p), src)
    if found is not None:
        bad = float(found[0])
        raise DtypeError(
            f"Can't convert to {D.name(target)} without losing the fractional part.",
            [("x", f"Found {_fmt(bad)}."),
             ("i", "Round first (e.g. `round(x)`), or choose a float `dtype`.")],
            dtype=D.name(target), value=bad,
        )


def _na_error(target: torch.dtype, what: str = "missing values (NA or NaN)") -> NAError:
    return NAError(
        f"Can't convert {what} to {D.name(target)}.",
        [("x", f"{D.name(target)} has no missing value."),
         ("i", 'Use a float `dtype` (e.g. "float32"), where NA becomes NaN, or remove the NAs first.')],
        dtype=D.name(target),
    )


def _fill_na(out: torch.Tensor, mask: torch.Tensor) -> None:
    """Write R's NA (float64) or NaN where ``mask`` is set."""
    if out.dtype == torch.float64:
        na = torch.tensor([D.NA_REAL_BITS], dtype=torch.int64).view(torch.float64)[0]
        out[mask] = na.to(out.device)
    elif out.dtype.is_complex:
        real = torch.view_as_real(out)
        na = torch.tensor([D.NA_REAL_BITS], dtype=torch.int64).view(torch.float64)[0].to(real.dtype)
        real[mask] = na.to(out.device)
    elif is_float8(out.dtype):  # no masked_fill kernel: write the NaN byte
        nan = torch.tensor(float("nan")).to(out.dtype).view(torch.uint8)
        out.view(torch.uint8)[mask] = nan.to(out.device)
    else:
        out[mask] = float("nan")


def complex_parts(re: torch.Tensor, im: torch.Tensor, target: torch.dtype) -> torch.Tensor:
    """The real part ``re`` for a real ``target``, once the imaginary part is checked.

    An element whose parts are both NaN (R's NA_complex_) passes as NaN.
    """
    found = _first_where(lambda r, i: (i != 0) & ~(torch.isnan(r) & torch.isnan(i)), re, im)
    if found is not None:
        v = complex(float(found[0]), float(found[1]))
        raise DtypeError(
            f"Can't convert complex numbers with a non-zero imaginary part to {D.name(target)}.",
            [("x", f"Found {v.real:g}{v.imag:+g}i."),
             ("i", 'Use `Re(x)` or `Mod(x)` first, or a complex `dtype` such as "complex64".')],
            dtype=D.name(target), value=v,
        )
    return re


def validate(src: torch.Tensor, target: torch.dtype, na_sentinel: Optional[int] = None) -> Optional[torch.Tensor]:
    """Check that ``src`` converts to ``target`` without a silent change.

    Reads ``src`` only where the pair of dtypes needs it, at most once for R's
    integer and logical data (one min/max pass finds NA and the range).
    Float targets too narrow for the values are checked here when the copy
    can't show it (float16 from integers, float8 from anything); other float
    narrowings are checked after the copy by :func:`check_narrowed`.

    Args:
        src: the values (any dtype; R's integer NA still as its sentinel).
        target: the dtype asked for.
        na_sentinel: the value that stands for NA in ``src``, if any.

    Returns:
        A mask of the NA elements to fill with NaN after the copy, or ``None``.
    """
    if src.numel() == 0:
        return None
    sk, tk = D.kind(src.dtype), D.kind(target)
    if na_sentinel is not None:
        mm = int_minmax(src)
        mask = None
        if mm[0] == na_sentinel:
            if tk in ("int", "bool"):
                raise _na_error(target, "NA")
            mask = src == na_sentinel
            mm = int_minmax(src[~mask])
        if mm is not None:
            if tk == "int" and not _fits(src.dtype, target):
                check_range(src, target, minmax=mm)
            elif tk in ("float", "complex"):
                _check_float_range(mm[0], mm[1], target)
        return mask
    if src.dtype == target:
        return None
    if tk in ("int", "bool") and sk in ("float", "complex"):
        # real floats: one min/max pass finds NaN (it propagates) and the range
        mm = int_minmax(src) if sk == "float" else None
        if (math.isnan(mm[0]) or math.isnan(mm[1])) if mm is not None else _has_nan(src):
            raise _na_error(target)
    if tk == "int":
        if sk == "float":
            check_range(src, target, minmax=mm)
            _check_fraction(src, target)
        elif sk == "int" and not _fits(src.dtype, target):
            check_range(src, target)
    elif tk in ("float", "complex") and sk in ("int", "bool") and _narrow_for_ints(target):
        mm = int_minmax(src.to(torch.uint8) if sk == "bool" else src)
        _check_float_range(mm[0], mm[1], target)
    elif tk == "float" and sk in ("float", "complex") and is_float8(target):
        check_range_low_float(src, target)
    return None


def is_float8(dt: torch.dtype) -> bool:
    """A float dtype without the kernels to check a copy's result (float8)."""
    return dt.is_floating_point and dt not in D.FLOAT_DTYPES


#: float8 formats that have no infinity (Inf would saturate or become NaN).
_NO_INF = {getattr(torch, n) for n in ("float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu")
           if hasattr(torch, n)}
#: float8 formats without a sign or a zero: only positive powers of two.
_POSITIVE_ONLY = {getattr(torch, n) for n in ("float8_e8m0fnu",) if hasattr(torch, n)}


def _real_float(target: torch.dtype) -> torch.dtype:
    return target.to_real()  # complex64 -> float32...; real dtypes as they are


def _narrow_for_ints(target: torch.dtype) -> bool:
    """Whether an integer may be beyond the finite range of float ``target``."""
    return D.float_max(_real_float(target)) < 2.0**64


def _check_float_range(lo: float, hi: float, target: torch.dtype) -> None:
    """Raise if finite values from ``lo`` to ``hi`` don't fit float ``target``."""
    real = _real_float(target)
    fmax = D.float_max(real)
    if lo < -fmax or hi > fmax:
        raise _float_overflow(target, lo if lo < -fmax else hi)
    if real in _POSITIVE_ONLY and lo <= 0:
        raise _positive_only(target, lo)


def _positive_only(target: torch.dtype, bad) -> ValueOverflowError:
    return ValueOverflowError(
        f"Can't convert to {D.name(target)}: a value is outside its range.",
        [("x", f"Found {_fmt(bad)}; {D.name(target)} holds only positive powers of two "
               f"({_fmt(float(torch.finfo(target).tiny))} to {_fmt(D.float_max(target))})."),
         ("i", 'Choose another `dtype` (e.g. "float32").')],
        dtype=D.name(target), value=float(bad),
    )


_WIDER = {
    torch.float16: "float32", torch.bfloat16: "float32", torch.float32: "float64",
    torch.complex32: "complex64", torch.complex64: "complex128",
}


def _float_overflow(target: torch.dtype, bad) -> ValueOverflowError:
    limit = D.float_max(_real_float(target))
    what = "" if not (isinstance(bad, float) and math.isinf(bad)) else f"; {D.name(target)} has no infinity"
    return ValueOverflowError(
        f"Can't convert to {D.name(target)}: a value is outside its range.",
        [("x", f"Found {_fmt(bad)}{what}; the largest finite {D.name(target)} is {_fmt(limit)}."),
         ("i", f'Choose a wider `dtype` (e.g. "{_WIDER.get(target, "float64")}"), or rescale the data first.')],
        dtype=D.name(target), value=float(bad),
    )


def check_float_overflow(src: torch.Tensor, out: torch.Tensor, target: Optional[torch.dtype] = None) -> None:
    """After a float -> narrower float copy: finite inputs must stay finite.

    ``target`` is the dtype to name in the error (``out``'s by default).
    """
    if out.numel() == 0:
        return
    if not out.is_complex():
        lo, hi = torch.aminmax(out)  # one pass, no temporary; NaN falls through
        if math.isfinite(float(lo)) and math.isfinite(float(hi)):
            return
    found = _first_where(lambda o, s: torch.isinf(o) & torch.isfinite(s), out, src)
    if found is not None:
        bad = found[1]
        raise _float_overflow(target or out.dtype, complex(bad) if bad.is_complex() else float(bad))


def check_range_low_float(src: torch.Tensor, target: torch.dtype) -> None:
    """Before a float copy to a float8 dtype (no kernels to check the
    result): finite values must fit, Inf needs a format that has it, and the
    sign- and zero-less formats need positive values."""
    if src.is_complex():  # the imaginary parts were checked to be zero
        src = src.real
    lo, hi = math.inf, -math.inf
    for (p,) in work_pieces(src.shape, src):  # one pass: Inf, then the finite values' range
        if target in _NO_INF:
            inf = p[torch.isinf(p)]
            if inf.numel():
                raise _float_overflow(target, float(inf[0]))
        finite = p[torch.isfinite(p)]
        if finite.numel():
            a, b = torch.aminmax(finite)
            lo, hi = min(lo, float(a)), max(hi, float(b))
    if lo <= hi:
        _check_float_range(lo, hi, target)


def narrows_float(src_dtype: torch.dtype, target: torch.dtype) -> bool:
    """Whether a float/complex copy may overflow to Inf."""
    sk, tk = D.kind(src_dtype), D.kind(target)
    return (sk in ("float", "complex") and tk in ("float", "complex")
            and D.float_max(_real_float(target)) < D.float_max(_real_float(src_dtype)))


def check_narrowed(src: torch.Tensor, out: torch.Tensor, target: Optional[torch.dtype] = None) -> None:
    """After copying ``src`` into ``out``: no finite value became Inf (the
    float narrowings :func:`validate` leaves to the result)."""
    if narrows_float(src.dtype, out.dtype) and not is_float8(_real_float(out.dtype)):
        check_float_overflow(src, out, target)


def checked_cast(t: torch.Tensor, target: torch.dtype) -> torch.Tensor:
    """Tensor ``t`` as ``target`` under the no-silent-change rules of R data
    (see the module docstring); differentiable when ``t`` requires grad.

    This is the one cast for tensors: values assigned into a tensor, R
    numbers next to one, and tensors given to ``as_torch(dtype =)`` all go
    through it; R vectors go through :func:`cast_into`, with the same checks.
    """
    if t.dtype == target:
        return t
    plain = t.detach().resolve_conj().resolve_neg()
    if plain.is_complex() and not target.is_complex:
        complex_parts(plain.real, plain.imag, target)
        t, plain = t.real, plain.real
    validate(plain, target)
    out = t.to(target)
    check_narrowed(plain, out.detach())
    return out


def cast_into(src: torch.Tensor, target: torch.dtype, shape: Sequence[int],
              na_sentinel: Optional[int] = None, pairs: bool = False,
              out: Optional[torch.Tensor] = None,
              flat: Optional[torch.Tensor] = None) -> torch.Tensor:
    """``src``'s values in a tensor of ``target`` dtype, written in one pass.

    Args:
        src: the values.
        target: the result's dtype.
        shape: the result's shape.
        na_sentinel: the value that stands for NA in ``src``, if any.
        pairs: ``src`` holds complex numbers as (real, imaginary) pairs in a
            trailing dimension of 2, as R stores them.
        out: where to write (of ``target`` dtype and ``shape``); a new
            contiguous tensor on ``src``'s device when ``None``.
        flat: ``src``'s elements as one contiguous 1-D tensor in R's
            (column-major) order, when ``src`` is a column-major view of it:
            the read-only checks scan it straight through, which is much
            faster than scanning a strided view.
    """
    if out is None:
        out = torch.empty(tuple(shape), dtype=target, device=src.device)
    if pairs:
        if D.kind(target) == "complex":
            if out.numel():
                parts = torch.view_as_real(out)
                parts.copy_(src)
                check_narrowed(src, parts, target)
            return out
        src = complex_parts(src[..., 0], src[..., 1], target)
    elif src.is_complex() and not target.is_complex:
        src = complex_parts(src.real, src.imag, target)
    if flat is not None:
        mask = validate(flat, target, na_sentinel)
        if mask is not None:  # back to src's geometry
            mask = mask.as_strided(tuple(shape), column_major_strides(shape))
    else:
        mask = validate(src, target, na_sentinel)
    if out.numel():
        out.copy_(src)
        check_narrowed(src, out)
        if mask is not None:
            _fill_na(out, mask.to(out.device))
    return out
