"""`[`, `[[`, `[<-` and `[[<-` for tensors: R's indices (from 1, negative
to drop, logical recycled, matrices of coordinates, column-major order)
turned into torch indexing on the tensor's device.
"""

from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence, Tuple, Union

import torch

from . import _dtypes as D
from ._cast import checked_cast
from ._errors import (
    DtypeError,
    IndexOutOfRangeError,
    IndexTypeError,
    InputTypeError,
    NAError,
    ShapeError,
    TorchbridgeError,
    UnsupportedTensorError,
    ValueOverflowError,
    record,
    torch_failure,
)
from ._from_torch import check_storage
from ._to_torch import _r_view
from ._r_values import (
    RValue,
    article,
    as_value,
    column_major_flat,
    describe_tensor,
    facts,
    from_column_major,
    scalar_tensor,
    sides,
)


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
        assert self.pos is not None  # kind "pos"
        return int(self.pos.numel())

    def positions(self, n: int, dev: torch.device) -> torch.Tensor:
        if self.kind == "all":
            return torch.arange(n, device=dev)
        if self.kind == "range":
            return torch.arange(self.start, self.stop, device=dev)
        assert self.pos is not None  # kind "pos"
        return self.pos.to(dev)


_ALL = _Sel("all")


def _index_label(which: int, linear: bool) -> str:
    return "the index" if linear else f"index {which + 1}"


def _out_of_range(label: str, bad: Union[int, float], n: int, extent: str) -> IndexOutOfRangeError:
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


def _r_logical(rv: RValue, label: str) -> torch.Tensor:
    src = _r_view(rv.address, rv.rtype, rv.n, [rv.n])
    if rv.n and int(src.min()) == D.INT_NA:
        raise _na_index(label)
    return src != 0


def _tensor_kind_error(label: str, t: torch.Tensor) -> IndexTypeError:
    return IndexTypeError(
        f"Can't subset with {label}: a {D.name(t.dtype)} tensor is not an index.",
        [("x", f"It is {describe_tensor(t)}."),
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
    if isinstance(idx, RValue):
        if idx.rtype == "logical":
            return _logical(_r_logical(idx, label), n, label, extent)
        if idx.rtype in ("double", "integer", "integer64"):
            src = _r_view(idx.address, idx.rtype, idx.n, [idx.n])
            return _numeric(src, n, label, extent, D.R_NA_SENTINEL.get(idx.rtype))
        raise IndexTypeError(f"Can't subset with {idx.describe()}.")
    if isinstance(idx, torch.Tensor):
        flat = column_major_flat(idx)  # as R reads an index array
        if idx.dtype == torch.bool:
            return _logical(flat, n, label, extent)
        if D.kind(idx.dtype) in ("int", "float"):
            return _numeric(flat, n, label, extent)
        raise _tensor_kind_error(label, idx)
    raise IndexTypeError(f"Can't subset with a Python {type(idx).__name__}.")


def _is_index_matrix(idx: Any, nd: int) -> bool:
    if nd < 2:
        return False
    if isinstance(idx, RValue):
        return idx.rtype in ("double", "integer") and idx.dims is not None and len(idx.dims) == 2 and idx.dims[1] == nd
    if isinstance(idx, torch.Tensor):
        return D.kind(idx.dtype) in ("int", "float") and idx.dim() == 2 and idx.shape[1] == nd
    return False


def _matrix_coords(idx: Any, shape: Sequence[int], dev: torch.device) -> Tuple[torch.Tensor, ...]:
    """0-based coordinates from an R index matrix (one row per element)."""
    label = "the index matrix"
    if isinstance(idx, RValue):
        m = _r_view(idx.address, idx.rtype, idx.n, list(idx.dims or ()))
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


def _linear_coords(x: torch.Tensor, idx: Any) -> Tuple[torch.Tensor, Tuple[torch.Tensor, ...]]:
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
    if isinstance(idx, RValue) and idx.rtype == "logical":
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
            [("x", f"`x` is {describe_tensor(x)}."),
             ("i", "Give one index per dim, or a single index that counts elements in column-major order.")],
        )


def _with_tensor(e: TorchbridgeError, x: torch.Tensor) -> TorchbridgeError:
    """``e`` with a bullet naming the tensor indexed (unless it has one)."""
    bullet = ("x", f"`x` is {describe_tensor(x)}.")
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
        out = _subset(x, [None if i is None else as_value(i) for i in indices], drop)
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
            y = y.index_select(d, s.positions(0, y.device))
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
            flat = checked_cast(column_major_flat(value), target).to(dev)
        elif isinstance(value, RValue):
            if value.rtype == "raw":
                raise InputTypeError("Can't assign raw bytes into a tensor.", sides(names, values))
            flat = value.tensor(target, dev, [value.n])
        else:
            flat = scalar_tensor(value, target, dev).reshape(1)
    except (NAError, ValueOverflowError, DtypeError) as e:
        raise type(e)(f"Can't assign these values into {article(D.name(target))} {D.name(target)} tensor.",
                      facts(e) + sides(names, values) + [
                          ("i", "A tensor keeps its dtype: the values must fit it.")]) from None
    k = flat.numel()
    if count == 0:
        return flat[:0]
    if k == 0 or count % k != 0:
        raise ShapeError(
            "Can't recycle `value` to the elements selected.",
            sides(names, values) + [
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
            [("x", f"`x` is {describe_tensor(x)}; it requires grad, so torch refuses in-place writes."),
             ("i", "Write inside `with(torch$no_grad(), ...)`, or into `x$detach()`, which shares its memory.")],
        )
    return torch_failure(e, "write into the tensor", [("x", f"`x` is {describe_tensor(x)}.")])


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
            [("x", f"`x` is {describe_tensor(x)} with strides ({', '.join(map(str, x.stride()))}): "
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
    idx = [None if i is None else as_value(i) for i in indices]
    if one:
        _check_one(int(subset(x, indices, True).numel()))
        n_value = value.numel() if isinstance(value, torch.Tensor) else as_value(value).n \
            if isinstance(value, (list, tuple)) else 1
        if n_value != 1:
            raise ShapeError(
                "Can't use `[[<-` to assign several values: it replaces exactly one element.",
                [("x", f"`value` has {n_value} elements."), ("i", "Use `[<-` to assign several.")],
            )
    value = as_value(value)
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
                x.copy_(from_column_major(v, list(x.shape)))
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
        v = from_column_major(v, counts)
        if all(s.kind != "pos" for s in sels):
            slices = tuple(slice(None) if s.kind == "all" else slice(s.start, s.stop) for s in sels)
            x[slices].copy_(v)
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
