"""R's numeric algorithms on tensors: round() and signif() as R computes
them (R's fround/fprec), sinpi() and friends, gamma functions with R's
poles, sign(), and the cumulative functions.
"""

from __future__ import annotations

import math
from typing import Any, Dict, Tuple

import torch

from . import _memory
from ._r_values import column_major_flat
from ._tensor_na import fill_after_first_nan


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


_POW10: Dict[Tuple[Any, Any], torch.Tensor] = {}


def _pow10_table(dev: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """R_pow_di(10, k) for k = 0..330, as R computes it."""
    key = (str(dev), dtype)
    if key not in _POW10:
        _POW10[key] = torch.tensor([_r_pow_di(10.0, k) for k in range(331)], dtype=dtype, device=dev)
    return _POW10[key]


def in_pieces(fun, t: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``fun(t)`` as ``dtype`` on ``t``'s device, for an elementwise ``fun``
    with many temporaries (round() and signif() have a dozen the size of
    their input): one result, filled ``_memory.work_piece()`` elements of
    ``t`` at a time (contiguous, of ``t``'s shape), so the extra device
    memory is the result and one piece's temporaries."""
    n = t.numel()
    piece = _memory.work_piece(t.device)
    if n <= piece:
        return fun(t).to(t.device, dtype)
    src = t.reshape(-1)  # a view of a contiguous tensor
    out = torch.empty(n, dtype=dtype, device=t.device)
    for a in range(0, n, piece):
        out[a:a + piece].copy_(fun(src[a:a + piece]))  # across devices too
    return out.view(t.shape)


def r_double(t: torch.Tensor) -> torch.Tensor:
    """``t`` as R's double, where R's round() and signif() compute: float64
    on ``t``'s device, on the CPU for MPS, which has no float64 (float32
    scaling by powers of ten rounds wrongly and overflows)."""
    return t.to("cpu" if t.device.type == "mps" else t.device, torch.float64)


def work_float(t: torch.Tensor) -> torch.Tensor:
    """``t`` as float64 (R's double) where the device has it."""
    if t.device.type == "mps":
        return t.to(torch.float32)
    return t.to(torch.float64)


def fround(x: torch.Tensor, digits: float) -> torch.Tensor:
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


def fprec(x: torch.Tensor, digits: float) -> torch.Tensor:
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


def sinpi(x: torch.Tensor) -> torch.Tensor:
    y = torch.fmod(x, 2.0)
    y = torch.where(y <= -1, y + 2.0, torch.where(y > 1, y - 2.0, y))
    out = torch.sin(math.pi * y)
    out = torch.where((y == 0) | (y == 1), torch.zeros_like(y), out)
    out = torch.where(y == 0.5, torch.ones_like(y), out)
    return torch.where(y == -0.5, -torch.ones_like(y), out)


def cospi(x: torch.Tensor) -> torch.Tensor:
    y = torch.fmod(torch.abs(x), 2.0)
    out = torch.cos(math.pi * y)
    out = torch.where(torch.fmod(y, 1.0) == 0.5, torch.zeros_like(y), out)
    out = torch.where(y == 1, -torch.ones_like(y), out)
    return torch.where(y == 0, torch.ones_like(y), out)


def tanpi(x: torch.Tensor) -> torch.Tensor:
    y = torch.fmod(x, 1.0)
    y = torch.where(y <= -0.5, y + 1.0, torch.where(y > 0.5, y - 1.0, y))
    out = torch.tan(math.pi * y)
    out = torch.where(y == 0, torch.zeros_like(y), out)
    out = torch.where(y == 0.5, torch.full_like(y, math.nan), out)
    out = torch.where(y == 0.25, torch.ones_like(y), out)
    return torch.where(y == -0.25, -torch.ones_like(y), out)


def r_gamma(x: torch.Tensor) -> torch.Tensor:
    mag = torch.exp(torch.lgamma(x))
    # Negative non-integers: gamma's sign alternates between the poles.
    neg_odd = (x < 0) & (torch.fmod(torch.ceil(-x), 2.0) == 1)
    out = torch.where(neg_odd, -mag, mag)
    return torch.where(_pole(x), torch.full_like(x, math.nan), out)


def _pole(x: torch.Tensor) -> torch.Tensor:
    """Where ``x`` is 0 or a negative integer."""
    return (x <= 0) & (x == torch.floor(x))


def r_digamma(x: torch.Tensor) -> torch.Tensor:
    return torch.where(_pole(x), torch.full_like(x, math.nan), torch.digamma(x))


def r_trigamma(x: torch.Tensor) -> torch.Tensor:
    out = torch.polygamma(1, x)
    return torch.where(_pole(x) | (x == -math.inf), torch.full_like(x, math.inf), out)


def r_sign(x: torch.Tensor) -> torch.Tensor:
    out = torch.sign(x)
    return torch.where(torch.isnan(x), x, out) if x.is_floating_point() else out


def cumulative(fun):
    def go(t: torch.Tensor) -> torch.Tensor:
        flat = column_major_flat(t)
        out = fun(flat, 0)
        if isinstance(out, tuple):  # cummax/cummin: (values, indices)
            return fill_after_first_nan(flat, out[0])
        return out
    return go


#: Functions whose result is a whole number for whole-number input: integer
#: tensors keep their dtype, logicals become int64.
