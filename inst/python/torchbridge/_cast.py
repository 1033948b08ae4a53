"""Casts that never change a value silently.

:func:`cast_into` copies ``src`` into a new tensor of the target dtype in one
pass (cast and layout change fused in ``copy_``), after read-only checks that
run only where the pair of dtypes needs them:

* NA/NaN to an integer or bool type: :class:`NAError`;
* a value outside the target's range: :class:`ValueOverflowError`;
* a lost fraction or a dropped non-zero imaginary part: :class:`DtypeError`.

Rounding to a narrower float is allowed; overflowing it is not.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import torch

from . import _dtypes as D
from ._errors import DtypeError, NAError, ValueOverflowError


def _fmt(v: float) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v) if isinstance(v, float) else str(v)


def _signed_minmax(src: torch.Tensor):
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
    mm = minmax if minmax is not None else _signed_minmax(src)
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
        )


def _fits(src: torch.dtype, target: torch.dtype) -> bool:
    """Whether every value of integer dtype ``src`` fits integer dtype ``target``."""
    if src == torch.bool:
        return True
    slo, shi = D.int_range(src)
    tlo, thi = D.int_range(target)
    return tlo <= slo and shi <= thi


def _check_fraction(src: torch.Tensor, target: torch.dtype) -> None:
    frac = src != torch.trunc(src)
    if bool(frac.any()):
        bad = float(src[frac].flatten()[0])
        raise DtypeError(
            f"Can't convert to {D.name(target)} without losing the fractional part.",
            [("x", f"Found {_fmt(bad)}."),
             ("i", "Round first (e.g. `round(x)`), or choose a float `dtype`.")],
        )


def _na_error(target: torch.dtype, what: str = "missing values (NA or NaN)") -> NAError:
    return NAError(
        f"Can't convert {what} to {D.name(target)}.",
        [("x", f"{D.name(target)} has no missing value."),
         ("i", 'Use a float `dtype` (e.g. "float32"), where NA becomes NaN, or remove the NAs first.')],
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
    else:
        out[mask] = float("nan")


def complex_parts(re: torch.Tensor, im: torch.Tensor, target: torch.dtype) -> torch.Tensor:
    """The real part ``re`` for a real ``target``, once the imaginary part is checked.

    An element whose parts are both NaN (R's NA_complex_) passes as NaN.
    """
    bad = (im != 0) & ~(torch.isnan(re) & torch.isnan(im))
    if bool(bad.any()):
        v = complex(float(re[bad].flatten()[0]), float(im[bad].flatten()[0]))
        raise DtypeError(
            f"Can't convert complex numbers with a non-zero imaginary part to {D.name(target)}.",
            [("x", f"Found {v.real:g}{v.imag:+g}i."),
             ("i", 'Use `Re(x)` or `Mod(x)` first, or a complex `dtype` such as "complex64".')],
        )
    return re


def validate(src: torch.Tensor, target: torch.dtype, na_sentinel: Optional[int] = None) -> Optional[torch.Tensor]:
    """Check that ``src`` converts to ``target`` without a silent change.

    Reads ``src`` only where the pair of dtypes needs it, at most once for R's
    integer and logical data (one min/max pass finds NA and the range).

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
    half = target in (torch.float16, torch.complex32)
    if na_sentinel is not None:
        lo, hi = _signed_minmax(src)
        if lo == na_sentinel:
            if tk in ("int", "bool"):
                raise _na_error(target, "NA")
            mask = src == na_sentinel
            if half:
                check_range_float(src[~mask], target)
            return mask
        if tk == "int" and not _fits(src.dtype, target):
            check_range(src, target, minmax=(lo, hi))
        elif half:
            check_range_float(src, target, minmax=(lo, hi))
        return None
    if src.dtype == target:
        return None
    if tk in ("int", "bool") and sk in ("float", "complex"):
        if bool(torch.isnan(src).any()):
            raise _na_error(target)
    if tk == "int":
        if sk == "float":
            check_range(src, target)
            _check_fraction(src, target)
        elif sk == "int" and not _fits(src.dtype, target):
            check_range(src, target)
    elif half and sk == "int":
        check_range_float(src, target)
    return None


def check_range_float(src: torch.Tensor, target: torch.dtype, minmax=None) -> None:
    """Raise ValueOverflowError if an integer of ``src`` is beyond a float16 ``target``."""
    mm = minmax if minmax is not None else _signed_minmax(src)
    if mm is None:
        return
    fmax = D.float_max(torch.float16 if target == torch.complex32 else target)
    lo, hi = mm
    if lo < -fmax or hi > fmax:
        bad = lo if lo < -fmax else hi
        raise _float_overflow(target, bad)


_WIDER = {
    torch.float16: "float32", torch.bfloat16: "float32", torch.float32: "float64",
    torch.complex32: "complex64", torch.complex64: "complex128",
}


def _float_overflow(target: torch.dtype, bad) -> ValueOverflowError:
    limit = D.float_max({torch.complex32: torch.float16, torch.complex64: torch.float32}.get(target, target))
    return ValueOverflowError(
        f"Can't convert to {D.name(target)}: a value is outside its range.",
        [("x", f"Found {_fmt(bad)}; the largest finite {D.name(target)} is {_fmt(limit)}."),
         ("i", f'Choose a wider `dtype` (e.g. "{_WIDER.get(target, "float64")}"), or rescale the data first.')],
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
    inf = torch.isinf(out)
    if bool(inf.any()):
        overflowed = inf & torch.isfinite(src)
        if bool(overflowed.any()):
            bad = src[overflowed].flatten()[0]
            raise _float_overflow(target or out.dtype, complex(bad) if bad.is_complex() else float(bad))


def check_range_low_float(src: torch.Tensor, target: torch.dtype) -> None:
    """Before a copy to a float8 dtype: finite values must fit (some float8
    dtypes have no Inf and would saturate silently)."""
    vals = src if src.dtype.is_floating_point else src.to(torch.float64)
    finite = vals[torch.isfinite(vals)]
    if finite.numel() == 0:
        return
    lo, hi = torch.aminmax(finite)
    limit = float(torch.finfo(target).max)
    if float(hi) > limit or float(lo) < -limit:
        raise _float_overflow(target, float(hi) if float(hi) > limit else float(lo))


def narrows_float(src_dtype: torch.dtype, target: torch.dtype) -> bool:
    """Whether a float/complex copy may overflow to Inf."""
    def bits(dt):
        if dt.is_complex:
            dt = {torch.complex32: torch.float16, torch.complex64: torch.float32}.get(dt, torch.float64)
        return D.float_max(dt)
    sk, tk = D.kind(src_dtype), D.kind(target)
    return sk in ("float", "complex") and tk in ("float", "complex") and bits(target) < bits(src_dtype)


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
                if narrows_float(src.dtype, parts.dtype):
                    check_float_overflow(src, parts, target)
            return out
        src = complex_parts(src[..., 0], src[..., 1], target)
    elif src.is_complex() and not target.is_complex:
        src = complex_parts(src.real, src.imag, target)
    if flat is not None:
        mask = validate(flat, target, na_sentinel)
        if mask is not None:  # back to src's geometry
            from ._memory import column_major_strides
            mask = mask.as_strided(tuple(shape), column_major_strides(shape))
    else:
        mask = validate(src, target, na_sentinel)
    if out.numel():
        if target.is_floating_point and target not in D.FLOAT_DTYPES:
            check_range_low_float(src, target)  # float8: no kernels to check the result
        out.copy_(src)
        if narrows_float(src.dtype, target) and target in D.FLOAT_DTYPES:
            check_float_overflow(src, out)
        if mask is not None:
            _fill_na(out, mask.to(out.device))
    return out
