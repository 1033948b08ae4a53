"""The Math and Complex groups for tensors: which torch function computes
each R function, for which dtypes, and the checks that keep results exact.
"""

from __future__ import annotations

import math
from typing import Callable, Dict, Optional

import torch

from . import _dtypes as D
from ._cast import checked_cast
from ._errors import InputTypeError, record, torch_failure
from ._from_torch import check_storage
from ._overflow import check_cumulative, check_negation
from ._r_math import (
    cospi,
    cumulative,
    r_digamma,
    fprec,
    fround,
    in_pieces,
    r_double,
    r_gamma,
    r_sign,
    sinpi,
    tanpi,
    r_trigamma,
)
from ._r_values import article, column_major_flat, describe_tensor
from ._tensor_ops import default_float


_INTEGRAL: Dict[str, Callable[..., torch.Tensor]] = {
    "abs": torch.abs,
    "sign": r_sign,
    "floor": torch.floor,
    "ceiling": torch.ceil,
    "trunc": torch.trunc,
    "cumsum": cumulative(torch.cumsum),
    "cumprod": cumulative(torch.cumprod),
    "cummax": cumulative(torch.cummax),
    "cummin": cumulative(torch.cummin),
}
_IDENTITY_ON_INT = {"floor", "ceiling", "trunc"}

#: Functions with fractional results: integer and logical tensors become the
#: default float dtype first.
_FLOAT: Dict[str, Callable[..., torch.Tensor]] = {
    "sqrt": torch.sqrt,
    "exp": torch.exp,
    "expm1": torch.expm1,
    "log1p": torch.log1p,
    "log2": torch.log2,
    "log10": torch.log10,
    "cos": torch.cos,
    "sin": torch.sin,
    "tan": torch.tan,
    "cospi": cospi,
    "sinpi": sinpi,
    "tanpi": tanpi,
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
    "gamma": r_gamma,
    "digamma": r_digamma,
    "trigamma": r_trigamma,
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
        if fun is fround and digits >= 0:
            return t.clone()
        # each piece checked and cast back to t's integers where it was computed
        return in_pieces(lambda p: checked_cast(fun(r_double(p), digits).round(), t.dtype), t, t.dtype)
    if t.is_complex():
        return in_pieces(lambda p: torch.complex(fun(r_double(p.real), digits), fun(r_double(p.imag), digits)),
                         t, t.dtype)
    return in_pieces(lambda p: fun(r_double(p), digits), t, t.dtype)


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
            return _round_like_r(t, digits, fround if op == "round" else fprec)
        if op in _INTEGRAL:
            if op in _IDENTITY_ON_INT and D.kind(t.dtype) == "int":
                return t.clone()
            if op in ("cumsum", "cumprod"):
                t = column_major_flat(t)  # once, for the result and the check
            out = _INTEGRAL[op](t)
            bullets = [("x", f"`x` is {describe_tensor(x)}.")]
            if op == "abs":
                check_negation("abs()", out, t, bullets)
            elif op in ("cumsum", "cumprod"):
                check_cumulative(f"{op}()", out, t, bullets)
            return out
        if op == "log" or op in _FLOAT:
            if D.kind(t.dtype) == "int":
                t = t.to(default_float())
            if op == "log":
                return _log(t, arg)
            return _FLOAT[op](t)
    except RuntimeError as e:
        raise torch_failure(e, f"apply `{op}()`", [("x", f"`x` is {describe_tensor(x)}.")],
                            f"Can't apply `{op}()` to {article(D.name(x.dtype))} {D.name(x.dtype)} tensor.") from None
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
    t = x if D.kind(x.dtype) in ("float", "complex") else x.to(default_float())
    if op == "Re":
        return t.real.clone() if t.is_complex() else t.clone()
    if op == "Im":
        return t.imag.clone() if t.is_complex() else torch.zeros_like(t)
    if op == "Mod":
        return torch.abs(t)
    if op == "Arg":
        return torch.angle(t)
    raise InputTypeError(f"`{op}()` is not in R's Complex group.")
