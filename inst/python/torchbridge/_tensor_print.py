"""print(), format(), str() and summary() of tensors: descriptions and
the values shown, as R prints them.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional

import torch

from . import _dtypes as D
from ._errors import DtypeError, UnsupportedTensorError, record
from ._from_torch import _check_unsupported
from ._r_math import work_float
from ._r_values import describe_tensor, shape_str, tensor_text


# --- describing tensors: dim(), length(), print(), str(), summary() ----------------------


def _info(x: torch.Tensor) -> Dict[str, Any]:
    if getattr(x, "is_nested", False):  # ragged: only the number of components has a size
        shape = [int(x.size(0))]
    else:
        shape = [int(d) for d in x.shape]
    dtype, device = D.name(x.dtype), str(x.device)
    return {"dtype": dtype, "device": device, "shape": [str(d) for d in shape],
            "shape_text": shape_str(shape), "text": tensor_text(dtype, shape, device),
            "requires_grad": bool(x.requires_grad), "numel": str(x.numel())}


@record
def describe(x: torch.Tensor) -> Dict[str, Any]:
    """``{dtype, device, shape, shape_text, text, requires_grad, numel}``:
    the shape's dims and ``numel`` as decimal strings (reticulate wraps ints
    beyond 2^31); ``shape_text`` as ``"(2, 3)"`` and ``text`` as ``"a
    float32 tensor of shape (2, 3) on cpu"``, for R's headers and messages."""
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
            max_slices: int = 3) -> Dict[str, Any]:
    """What ``print()`` shows: ``describe(x)`` and ``values``, ``slices``, ``why``.

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
        return {**_info(x), "values": None, "slices": [], "why": why}
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
    return {**_info(x), "values": vals, "slices": slices, "why": None}


@record
def int_text(t: torch.Tensor) -> str:
    """An integer tensor's values as exact decimal text for printing
    (int64, uint32 and uint64 pass 2^53, where doubles round):
    ``"d1,d2,...|v1;v2;..."``, the values in column-major order."""
    t = t.detach().cpu()
    flat = t.permute(*reversed(range(t.dim()))).reshape(-1) if t.dim() > 1 else t.reshape(-1)
    return ",".join(str(int(d)) for d in t.shape) + "|" + ";".join(str(v) for v in flat.tolist())


@record
def head_values(x: torch.Tensor, k: int = 10) -> Dict[str, Any]:
    """``describe(x)`` and ``values``: the first ``k`` elements in
    column-major order (1-D), None for a tensor whose values R can't get (see
    :func:`preview`)."""
    t = x.detach()
    if _unshowable(t) is not None:
        return {**_info(x), "values": None}
    n = min(int(k), t.numel())
    if t.dim() <= 1:
        vals = t.reshape(-1)[:n]
    else:
        xt = t.permute(list(range(t.dim()))[::-1])
        coords = torch.unravel_index(torch.arange(n, device=t.device), tuple(xt.shape))
        vals = xt[coords]
    return {**_info(x), "values": vals}


@record
def summarize(x: torch.Tensor) -> Dict[str, Any]:
    """``describe(x)`` and ``min``, ``max``, ``mean``, ``sd``, ``nan`` (the
    number of NaN) and ``n`` (of all values), over the non-NaN
    values, computed on ``x``'s device (float64 where the device has it). NaN
    where there are no values (sd: fewer than two)."""
    _check_unsupported(x)
    if x.is_complex():
        raise DtypeError(
            "Can't summarise complex numbers: they have no order.",
            [("x", f"`object` is {describe_tensor(x)}."), ("i", "Summarise `Mod(x)`, `Re(x)` or `Im(x)` instead.")],
        )
    # One float64 copy (none for float64 tensors) and one temporary of its
    # size at a time: the device's memory, not a multiple of the tensor.
    t = work_float(x.detach())
    ok = ~torch.isnan(t)
    n = ok.sum()
    if t.numel():
        lo = torch.where(ok, t, math.inf).amin()
        hi = torch.where(ok, t, -math.inf).amax()
    else:
        lo = hi = torch.full((), math.nan, dtype=t.dtype, device=t.device)
    del ok
    nf = n.to(t.dtype)
    avg = torch.nansum(t) / nf
    dev = t - avg
    var = torch.nansum(dev.square_()) / (nf - 1)
    del dev
    stats = torch.stack([lo, hi, avg, var.sqrt(), nf]).cpu().tolist()
    lo_v, hi_v, avg_v, sd_v, n_v = stats
    n_ok = int(n_v)
    nan = math.nan
    return {**_info(x), "min": lo_v if n_ok else nan, "max": hi_v if n_ok else nan,
            "mean": avg_v if n_ok else nan, "sd": sd_v if n_ok > 1 else nan,
            "nan": float(x.numel() - n_ok), "n": float(x.numel())}
