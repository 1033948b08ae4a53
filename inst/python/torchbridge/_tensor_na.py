"""is.na(), is.nan(), is.finite(), is.infinite() and anyNA() for tensors:
R's NA (NaN with payload 1954 in float64) told apart from NaN.
"""

from __future__ import annotations

import math

import torch

from . import _dtypes as D
from ._errors import InputTypeError, record
from ._from_torch import check_storage


# --- is.na() and friends -------------------------------------------------------------


def is_r_na(t: torch.Tensor) -> torch.Tensor:
    """Where float64 ``t`` holds R's NA (a NaN whose low word is 1954), as
    R_IsNA() tells; other float dtypes can't hold it (a cast drops it)."""
    if t.dtype != torch.float64:
        return torch.zeros(t.shape, dtype=torch.bool, device=t.device)
    low = t.view(torch.int64) & 0xFFFFFFFF
    return torch.isnan(t) & (low == 1954)


def r_na_scalar(device: torch.device) -> torch.Tensor:
    """R's NA_real_ as a 0-d float64 tensor on ``device``."""
    return torch.full((), D.NA_REAL_BITS, dtype=torch.int64, device=device).view(torch.float64)


def with_r_missing(t: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    """R's rule for a reduction of ``t`` (min, max, range): ``out`` where
    ``t`` has no NaN; else NA where ``t`` holds an R NA (float64), else NaN.
    On the device, without asking it anything."""
    if not t.is_floating_point() or t.numel() == 0:
        return out
    missing = torch.full_like(out, math.nan)
    if t.dtype == torch.float64 and out.dtype == torch.float64:
        missing = torch.where(is_r_na(t).any(), r_na_scalar(t.device), missing)
    return torch.where(torch.isnan(t).any(), missing, out)


def fill_after_first_nan(flat: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    """R's cummax()/cummin(): from the first NA or NaN of the 1-D ``flat``
    on, ``out`` is that value (its kind kept: NA stays NA, NaN NaN)."""
    if not flat.is_floating_point() or flat.numel() == 0:
        return out
    nan = torch.isnan(flat)
    after = torch.cumsum(nan.to(torch.int64), 0) > 0
    first = flat[torch.argmax(nan.to(torch.int8))]
    return torch.where(after, first, out)


def _na_test_real(op: str, t: torch.Tensor) -> torch.Tensor:
    if op == "is.na":
        return torch.isnan(t)
    if op == "is.nan":
        return torch.isnan(t) & ~is_r_na(t)
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
