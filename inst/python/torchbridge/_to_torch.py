"""R vectors to tensors: one view of R's memory, one copy.

R hands over the address of a vector's data with its R type, length and
dims. torch views that memory with R's dtype and column-major strides, and a
single ``copy_`` into a fresh row-major tensor does the cast and the layout
change at once. On a GPU the view is first sent as it is (one transfer), and
the cast and layout change happen on the device; a large vector is sent in
pieces of R's memory (at most ``_memory.CHUNK_BYTES`` on the device at a
time), each cast straight into its place in the result.
"""

from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence

import torch

from . import _dtypes as D
from . import _memory
from ._cast import cast_into, checked_cast, validate
from ._devices import check_dtype_on, resolve
from ._errors import DtypeError, InputTypeError, record
from ._from_torch import check_storage
from ._memory import _released, blocks, column_major_strides, view


def _r_view(address: str, rtype: str, length: int, shape: Sequence[int],
            token: Optional[str] = None) -> torch.Tensor:
    """A tensor over an R vector's data, in R's dtype and layout."""
    storage = D.R_STORAGE[rtype]
    strides = column_major_strides(shape)
    if rtype == "complex":
        shape = tuple(shape) + (2,)
        strides = tuple(2 * s for s in strides) + (1,)
        length *= 2
    if length == 0:
        return torch.empty(tuple(shape), dtype=storage)
    nbytes = length * storage.itemsize
    return view(address, nbytes, storage, shape, strides, token)


def _target(rtype: str, dtype: Any, float_dtype: Any) -> torch.dtype:
    if dtype is None:
        return D.default_for(rtype, D.float_dtype(float_dtype))
    return D.check_target(D.parse(dtype))


def _check_grad(target: torch.dtype, requires_grad: bool, dtype_given: bool) -> None:
    if requires_grad and D.kind(target) not in ("float", "complex"):
        hint = ('Pass `dtype = "float32"` (or another float dtype) to get a tensor that can require grad.'
                if not dtype_given else "Only float and complex tensors can require grad.")
        raise DtypeError(
            "`requires_grad = TRUE` needs a float or complex dtype.",
            [("x", f"The tensor would be {D.name(target)}."), ("i", hint)],
            dtype=D.name(target),
        )


def _finish(t: torch.Tensor, requires_grad: bool) -> torch.Tensor:
    if requires_grad:
        t.requires_grad_(True)
    return t


@record
def from_r(address: str, rtype: str, length: str, shape: Optional[List[int]],
           dtype: Any = None, float_dtype: Any = None, device: Any = "cpu",
           requires_grad: bool = False, copy: bool = True,
           token: Optional[str] = None) -> torch.Tensor:
    """A tensor holding an R vector's values.

    Args:
        address: the R vector's data address, a decimal string.
        rtype: "double", "integer", "logical", "complex", "raw" or "integer64".
        length: the number of elements, a decimal string.
        shape: R's dims, or None for a plain vector.
        dtype: the dtype asked for, or None for R's default mapping.
        float_dtype: the option torchbridge.float_dtype, or None.
        device: a device spec.
        requires_grad: make the tensor a leaf that requires grad.
        copy: when False, share R's memory if no cast and no move is needed.
        token: R's keep-alive token for a shared vector (a decimal string).
    """
    token = None if token is None else str(token)
    try:
        return _from_r(address, rtype, int(length), shape, dtype, float_dtype,
                       device, requires_grad, copy, token)
    except BaseException:
        if token is not None and token not in _handled_tokens:
            _released.append(token)  # nothing shares R's memory: let R drop it
        raise
    finally:
        _handled_tokens.discard(token)


#: Tokens that the current from_r() call has handed to a view or released.
_handled_tokens: set = set()


def _from_r(address, rtype, n, shape, dtype, float_dtype, device, requires_grad, copy, token):
    shape = [n] if shape is None else [int(d) for d in shape]
    target = _target(rtype, dtype, float_dtype)
    _check_grad(target, requires_grad, dtype is not None)
    dev = resolve(device)
    check_dtype_on(dev, target)
    sentinel = D.R_NA_SENTINEL.get(rtype)
    storage = D.R_STORAGE[rtype]
    share = (not copy and dev.type == "cpu" and target == storage
             and rtype in ("double", "integer") and n > 0)
    src = _r_view(address, rtype, n, shape)
    if share:
        validate(src, target, sentinel)  # an integer NA is still an error
        # Only now does a tensor keep the R vector: a failed check leaves no token behind.
        src = _r_view(address, rtype, n, shape, token)
        _handled_tokens.add(token)
        return _finish(src, requires_grad)
    if token is not None:
        _handled_tokens.add(token)
        _released.append(token)  # copied: R need not keep the vector
    pairs = rtype == "complex"
    if dev.type == "mps" and storage == torch.float64:
        # MPS has no float64: cast on the CPU, then move the result.
        out = cast_into(src, target, shape, sentinel, pairs=pairs, flat=_flat(src, n, pairs)).to(dev)
        return _finish(out, requires_grad)
    if dev.type != "cpu":
        return _finish(_to_device(address, rtype, shape, target, dev, sentinel), requires_grad)
    out = cast_into(src, target, shape, sentinel, pairs=pairs, flat=_flat(src, n, pairs))
    return _finish(out, requires_grad)


def _to_device(address: str, rtype: str, shape: List[int], target: torch.dtype, dev: torch.device,
               sentinel: Optional[int], out: Optional[torch.Tensor] = None) -> torch.Tensor:
    """R's values at ``address`` in a new ``target`` tensor on ``dev`` (or in
    ``out``): R's bytes cross in R's dtype and layout, one piece of R's
    memory at a time (:func:`_memory.blocks`), and each piece is checked and
    cast on the device straight into its place."""
    pairs = rtype == "complex"
    itemsize = D.R_STORAGE[rtype].itemsize * (2 if pairs else 1)
    total = math.prod(shape)
    if (out is None and not pairs and target == D.R_STORAGE[rtype] and sum(d > 1 for d in shape) <= 1
            and total * itemsize <= _memory.CHUNK_BYTES):
        # R's bytes are the result (doubles to float64, integers to int32, a
        # vector's layout is torch's): the one transfer makes it, and the
        # device holds it once, not twice
        moved = _r_view(address, rtype, total, shape).to(dev)
        if validate(moved, target, sentinel) is None:
            return moved
        del moved
    if out is None:
        out = torch.empty(tuple(shape), dtype=target, device=dev)
    for index, piece, offset in blocks(shape, itemsize, _memory.CHUNK_BYTES):
        n = math.prod(piece)
        src = _r_view(str(int(address) + offset * itemsize), rtype, n, piece)
        src = src.to(dev)  # R's dtype and layout: one transfer, then work on the device
        cast_into(src, target, piece, sentinel, pairs=pairs, out=out[index] if index else out,
                  flat=_flat(src, n, pairs))
        del src
    return out


def _flat(src: torch.Tensor, n: int, pairs: bool) -> Optional[torch.Tensor]:
    """The dense column-major ``src`` as a 1-D tensor in memory order, for
    the read-only checks (None where it is 1-D already or complex pairs)."""
    if pairs or src.dim() <= 1 or n == 0:
        return None
    return src.as_strided((n,), (1,))


@record
def from_columns(addresses: List[str], rtypes: List[str], nrow: str,
                 dtype: Any = None, float_dtype: Any = None, device: Any = "cpu",
                 requires_grad: bool = False) -> torch.Tensor:
    """A rows x columns tensor from the columns of a data frame.

    Columns are promoted to one dtype (bool < int64 < float) unless ``dtype``
    is given; each column is written straight into its column of the result.
    """
    n = int(nrow)
    for rtype in rtypes:
        if rtype not in D.R_STORAGE:
            raise InputTypeError(f"Can't convert a column of type {rtype}.")
    if dtype is None:
        fdt = D.float_dtype(float_dtype)
        defaults = [D.default_for(r, fdt) for r in rtypes]
        target = torch.bool if defaults else fdt  # no columns: an empty float matrix
        for dt in defaults:
            target = torch.promote_types(target, dt)
    else:
        target = D.check_target(D.parse(dtype))
    _check_grad(target, requires_grad, dtype is not None)
    dev = resolve(device)
    check_dtype_on(dev, target)
    out = torch.empty((n, len(rtypes)), dtype=target, device=dev)
    for j, (addr, rtype) in enumerate(zip(addresses, rtypes)):
        src = _r_view(addr, rtype, n, [n])
        sentinel, pairs = D.R_NA_SENTINEL.get(rtype), rtype == "complex"
        if dev.type == "mps" and src.dtype == torch.float64:
            # MPS has no float64: cast and check on the CPU, then move the column.
            out[:, j].copy_(cast_into(src, target, [n], sentinel, pairs=pairs))
            continue
        if dev.type != "cpu":
            _to_device(addr, rtype, [n], target, dev, sentinel, out=out[:, j])
            continue
        cast_into(src, target, [n], sentinel, pairs=pairs, out=out[:, j])
    return _finish(out, requires_grad)


@record
def cast_tensor(x: Any, dtype: Any = None, device: Any = None,
                requires_grad: Optional[bool] = None) -> torch.Tensor:
    """A tensor given to ``as_torch()``: cast, moved or made to require grad
    only where asked. The cast follows the same no-silent-change rules as R
    input; it stays differentiable when ``x`` requires grad.
    """
    if not isinstance(x, torch.Tensor):
        raise InputTypeError("`x` must be a tensor.")
    check_storage(x)
    t = x
    target = None if dtype is None else D.check_target(D.parse(dtype))
    dev = t.device if device is None else resolve(device)
    check_dtype_on(dev, t.dtype if target is None else target)
    if device is not None:
        if dev.type == "mps" and target is not None and t.device.type != "mps":
            t = checked_cast(t, target)  # MPS may lack t's dtype: cast before the move
        if t.device != dev:
            t = t.to(dev)
    if target is not None:
        t = checked_cast(t, target)
    if requires_grad is not None:
        _check_grad(t.dtype, requires_grad, dtype is not None)
        if requires_grad and not t.requires_grad:
            t = t.detach().requires_grad_(True)
        elif not requires_grad and t.requires_grad:
            t = t.detach()
    return t
