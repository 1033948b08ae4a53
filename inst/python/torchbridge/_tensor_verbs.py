"""Base R verbs for tensors: sort(), rev(), xtfrm(), unique(), duplicated(),
c(), cbind() and rbind(), computed by torch on the tensor's device with R's
rules for order, ties, NA/NaN, recycling and dims.
"""

from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence, Tuple

import torch

from ._errors import (
    ArgError,
    DeviceError,
    DtypeError,
    InputTypeError,
    NAError,
    ShapeError,
    ValueOverflowError,
    record,
    torch_failure,
)
from ._from_torch import check_storage
from ._r_values import (
    RValue,
    as_value,
    column_major_flat,
    describe_tensor,
    kind_sample,
    scalar_tensor,
    sides,
    wrap_conversion,
)
from ._tensor_na import is_r_na


def _x_bullet(x: torch.Tensor, arg: str = "x") -> list:
    return [("x", f"`{arg}` is {describe_tensor(x)}.")]


def _no_complex(x: torch.Tensor, fun: str, arg: str = "x") -> None:
    if x.is_complex():
        raise DtypeError(
            f"Can't compute `{fun}()` of a complex tensor on its device.",
            _x_bullet(x, arg) + [("i", f"Use `{fun}(from_torch(x))` for complex numbers.")],
        )


# --- sort(), rev(), xtfrm() -------------------------------------------------------


_NA_LAST = ("remove", "last", "first")


@record
def sort_values(x: torch.Tensor, decreasing: bool = False, na_last: str = "remove") -> torch.Tensor:
    """R's ``sort(x, decreasing, na.last)``: the elements (in R's
    column-major order) as a sorted 1-D tensor on ``x``'s device.

    The sort is stable, as R's; NA and NaN are removed (``na_last =
    "remove"``, R's ``na.last = NA``) or put last or first in the order they
    had (``"last"``, ``"first"``), as R does for either direction.
    """
    check_storage(x)
    if na_last not in _NA_LAST:
        raise ArgError(f"`na_last` must be one of {', '.join(_NA_LAST)}.")
    _no_complex(x, "sort")
    flat = column_major_flat(x.detach())
    try:
        if flat.dtype == torch.bool:
            return torch.sort(flat.to(torch.uint8), descending=decreasing, stable=True).values.to(torch.bool)
        if not flat.is_floating_point():
            return torch.sort(flat, descending=decreasing, stable=True).values
        nan = torch.isnan(flat)
        body = sort_stable(flat[~nan], decreasing)
    except RuntimeError as e:
        raise torch_failure(e, "sort", _x_bullet(x), "Can't sort a tensor of this dtype.") from None
    if na_last == "remove":
        return body
    nas = flat[nan]
    return torch.cat([body, nas] if na_last == "last" else [nas, body])


#: The integer dtype of each float's width, for the sort key below.
_SAME_WIDTH_INT = {torch.float16: torch.int16, torch.bfloat16: torch.int16, torch.float32: torch.int32,
                   torch.float64: torch.int64}


def sort_stable(v: torch.Tensor, decreasing: bool = False) -> torch.Tensor:
    """The values of a stable sort of ``v`` (floats without NaN). On the
    CPU, torch sorts integers by radix, 3-4 times as fast as floats, so a
    float sort goes through an integer key with the floats' order (the
    bits, with the other bits of negative numbers flipped); -0 and 0 get
    one key, so they tie and keep their order, as in R."""
    int_dtype = _SAME_WIDTH_INT.get(v.dtype)
    if int_dtype is None or v.device.type != "cpu":
        return torch.sort(v, descending=decreasing, stable=True).values
    info = torch.iinfo(int_dtype)
    bits = v.view(int_dtype)
    key = bits ^ ((bits >> (info.bits - 1)) & info.max)
    key = torch.where(bits == info.min, 0, key)  # -0 (only the sign bit) ties with 0
    if decreasing:
        key = ~key  # reverses the order; ties keep theirs
    return v[torch.sort(key, stable=True).indices]


@record
def reverse(x: torch.Tensor) -> torch.Tensor:
    """R's ``rev(x)``: the elements in reverse column-major order, 1-D."""
    check_storage(x)
    return column_major_flat(x.detach()).flip(0)


@record
def xtfrm_key(x: torch.Tensor) -> torch.Tensor:
    """A 1-D tensor that R can order in place of ``x`` (R's ``xtfrm()``):
    floats as float64 values (NA and NaN kept), integers and logicals as
    dense ranks from 1, which order exactly however large the values."""
    check_storage(x)
    _no_complex(x, "xtfrm")
    flat = column_major_flat(x.detach())
    if flat.is_floating_point():
        return flat.to(torch.float64) if flat.device.type != "mps" else flat.to(torch.float32)
    key = flat.to(torch.uint8) if flat.dtype == torch.bool else flat
    _, inverse = torch.unique(key, sorted=True, return_inverse=True)
    return inverse + 1


# --- unique() and duplicated() --------------------------------------------------


def _slices(x: torch.Tensor, margin: Optional[int]) -> Tuple[torch.Tensor, Optional[int]]:
    """``x`` as a matrix with one row per element (a vector, or ``margin``
    None) or per slice along dim ``margin`` (counted from 1, as in R), and
    that dim (0-based; None for elements)."""
    if margin is None or x.dim() <= 1:
        return column_major_flat(x).reshape(-1, 1), None
    margin -= 1
    rest = math.prod(d for i, d in enumerate(x.shape) if i != margin)
    return x.movedim(margin, 0).reshape(x.shape[margin], rest), margin


def _keys(rows: torch.Tensor) -> torch.Tensor:
    """Rows whose equality is R's: NaN equals NaN and NA equals NA (but not
    each other), -0 equals 0."""
    if rows.dtype == torch.bool:
        return rows.to(torch.uint8)
    if rows.is_complex():
        rows = torch.view_as_real(rows.resolve_conj().resolve_neg()).reshape(rows.shape[0], -1)
    if not rows.is_floating_point():
        return rows
    if rows.dtype in (torch.float16, torch.bfloat16):
        rows = rows.to(torch.float32)
    nan = torch.isnan(rows)
    cls = torch.where(is_r_na(rows), 1.0, torch.where(nan, 2.0, 0.0)).to(rows.dtype)
    value = torch.where(nan, torch.zeros_like(rows), rows) + 0.0  # -0 + 0 is 0
    return torch.cat([value, cls], dim=1)


def _duplicated_mask(rows: torch.Tensor, from_last: bool) -> torch.Tensor:
    n = rows.shape[0]
    if n == 0:
        return torch.zeros(0, dtype=torch.bool, device=rows.device)
    if rows.shape[1] == 0:  # empty slices: R (through apply()) keeps none
        return torch.zeros(0, dtype=torch.bool, device=rows.device)
    _, inverse = torch.unique(_keys(rows), dim=0, return_inverse=True)
    idx = torch.arange(n, device=rows.device)
    groups = int(inverse.max()) + 1
    start = torch.full((groups,), -1 if from_last else n, dtype=idx.dtype, device=rows.device)
    first = start.scatter_reduce(0, inverse, idx, "amax" if from_last else "amin")
    return idx != first[inverse]


def _check_margin(x: torch.Tensor, margin: Optional[int], fun: str) -> None:
    if margin is not None and x.dim() > 1 and not 1 <= margin <= x.dim():
        raise ArgError(
            f"`MARGIN` must be a dim of `x` in `{fun}()`.",
            [("x", f"`MARGIN` is {margin}; `x` is {describe_tensor(x)}."),
             ("i", f"Use a number from 1 to {x.dim()}.")],
        )


@record
def duplicated_values(x: torch.Tensor, margin: Optional[int] = None, from_last: bool = False) -> torch.Tensor:
    """R's ``duplicated()``: a 1-D bool tensor, TRUE where an element of a
    vector (or of ``x`` with ``margin`` None) repeats an earlier one (a later
    one with ``from_last``); for a matrix or array, where a slice along dim
    ``margin`` (from 1) repeats one, as R's ``duplicated(MARGIN =)``."""
    check_storage(x)
    _check_margin(x, margin, "duplicated")
    rows, _ = _slices(x.detach(), margin)
    try:
        return _duplicated_mask(rows, from_last)
    except RuntimeError as e:
        raise torch_failure(e, "compute `duplicated()`", _x_bullet(x)) from None


@record
def unique_values(x: torch.Tensor, margin: Optional[int] = None, from_last: bool = False) -> torch.Tensor:
    """R's ``unique()``: the first occurrences (the last with ``from_last``)
    in R's order, not torch's sorted order: for a vector a 1-D tensor; for a
    matrix or array ``x`` keeping the unique slices along dim ``margin``
    (from 1), as R's ``unique(MARGIN =)``."""
    check_storage(x)
    _check_margin(x, margin, "unique")
    t = x.detach()
    rows, dim = _slices(t, margin)
    try:
        keep = torch.nonzero(~_duplicated_mask(rows, from_last)).reshape(-1)
    except RuntimeError as e:
        raise torch_failure(e, "compute `unique()`", _x_bullet(x)) from None
    if dim is None:
        return rows.reshape(-1)[keep]
    return t.index_select(dim, keep)



# --- c(), cbind(), rbind() ----------------------------------------------------------


def _common(values: Sequence[Any], fun: str, names: Sequence[str]) -> Tuple[torch.device, torch.dtype]:
    """The device and dtype of ``values`` put together: torch's promotion
    between tensors, and R values taking the dtype a Python number of their
    kind gets next to a tensor (as in the Ops group)."""
    tensors = [v for v in values if isinstance(v, torch.Tensor)]
    if not tensors:
        raise InputTypeError(f"`{fun}` needs a tensor.")
    moving = [t for t in tensors if not (t.dim() == 0 and t.device.type == "cpu")]
    dev = (moving or tensors)[0].device
    if any(t.device != dev for t in moving):
        raise DeviceError(f"Can't put together tensors on different devices in `{fun}`.",
                          sides(names, values) + [("i", "Move them to one device first, e.g. with `to_device()`.")])
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = torch.promote_types(dt, t.dtype)
    for v in values:
        if isinstance(v, RValue) and v.rtype == "raw":
            raise InputTypeError(f"Can't use raw bytes in `{fun}`.", sides(names, values))
        if not isinstance(v, torch.Tensor):
            dt = torch.result_type(torch.empty(0, dtype=dt), kind_sample(v))
    return dev, dt


def _as_piece(v: Any, dev: torch.device, dt: torch.dtype, fun: str, names: Sequence[str],
              values: Sequence[Any]) -> torch.Tensor:
    """``v`` as a ``dt`` tensor on ``dev``: a matrix stays 2-D, anything else
    is a 1-D vector in R's order."""
    if isinstance(v, torch.Tensor):
        t = v.detach().to(device=dev, dtype=dt)
        return t if t.dim() == 2 else column_major_flat(t)
    try:
        if isinstance(v, RValue):
            shape = v.dims if v.dims is not None and len(v.dims) == 2 else [v.n]
            return v.tensor(dt, dev, shape)
        return scalar_tensor(v, dt, dev).reshape(1)
    except (NAError, ValueOverflowError, DtypeError) as e:
        raise wrap_conversion(e, fun, dt, names, values) from None


def _pieces(items: Sequence[Any], fun: str) -> Tuple[List[torch.Tensor], List[str], List[Any]]:
    values = [as_value(v) for v in items]
    names = [f"..{i + 1}" for i in range(len(values))]
    dev, dt = _common(values, fun, names)
    return [_as_piece(v, dev, dt, fun, names, values) for v in values], names, values


@record
def combine(items: List[Any]) -> torch.Tensor:
    """R's ``c()`` of tensors and R values: one 1-D tensor, each item's
    elements in R's (column-major) order, with the Ops group's dtype rules."""
    pieces, names, values = _pieces(items, "c()")
    try:
        return torch.cat([column_major_flat(p) for p in pieces])
    except RuntimeError as e:
        raise torch_failure(e, "compute `c()`", sides(names, values)) from None


def _bind_rows(pieces: Sequence[torch.Tensor], fun: str, what: str, names: Sequence[str],
               values: Sequence[Any]) -> int:
    """The number of rows (of columns, for rbind()) of the result, by R's rules."""
    mats = [i for i, p in enumerate(pieces) if p.dim() == 2]
    if mats:
        n = pieces[mats[0]].shape[0]
        for i in mats[1:]:
            if pieces[i].shape[0] != n:
                raise ShapeError(f"Can't `{fun}` matrices whose numbers of {what} differ.",
                                 sides([names[mats[0]], names[i]], [values[mats[0]], values[i]]))
    else:
        n = max(p.shape[0] for p in pieces)
    for i, p in enumerate(pieces):
        k = p.shape[0]
        if p.dim() == 1 and k > 0 and (k > n or n % k != 0):
            raise ShapeError(
                f"Can't recycle a vector to the {what} of the result in `{fun}`.",
                sides([names[i]], [values[i]]) + [
                    ("i", f"The result has {n} {what}; a vector's length must divide that (R would warn and cut it)."),
                ],
            )
    return n


@record
def bind(items: List[Any], rows: bool = False) -> torch.Tensor:
    """R's ``cbind()`` (``rows`` False) or ``rbind()`` of tensors and R
    values: a 2-D tensor. A vector becomes a column (a row) recycled to the
    result's rows (columns); zero-length vectors are left out unless the
    result has none; dtypes as in ``c()``."""
    fun = "rbind()" if rows else "cbind()"
    what = "columns" if rows else "rows"
    pieces, names, values = _pieces(items, fun)
    pieces = [p.t() if rows and p.dim() == 2 else p for p in pieces]
    n = _bind_rows(pieces, fun, what, names, values)
    blocks = []
    for p in pieces:
        if p.dim() == 2:
            blocks.append(p)
        elif p.shape[0] > 0 or n == 0:
            blocks.append(p.repeat(n // p.shape[0] if p.shape[0] else 0).reshape(n, 1))
    out = torch.cat(blocks, dim=1)
    return out.t().contiguous() if rows else out
