"""Tensors to R vectors: R allocates once, torch copies once.

:func:`plan` checks a tensor and says what R must allocate (type, length,
dims); R allocates an uninitialised vector and hands its address to
:func:`fill`, which views it with R's dtype and column-major strides and
fills it with one ``copy_`` (cast and transpose fused). A tensor on a GPU is
first turned into R's dtype and layout on the device, then copied to the R
vector in one device-to-host transfer; a large one piece by piece (at most
``_memory.CHUNK_BYTES`` staged on the device at a time), each piece
straight into its place in the R vector.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import torch

from . import _dtypes as D
from ._cast import int_minmax
from ._errors import (InputTypeError, SizeError, UnsupportedTensorError, ValueOverflowError, is_out_of_memory,
                      record)
from . import _memory
from ._memory import blocks, column_major_strides, view

_pending: Dict[str, Any] = {"tensor": None, "storage": None, "shape": None}
#: A small R raw vector that R keeps for small results (see set_scratch()).
_scratch: Dict[str, Any] = {"address": None, "nbytes": 0}


@record
def set_scratch(address: str, nbytes: str) -> None:
    """Register R's scratch buffer: :func:`plan` writes results that fit
    there at once, and R copies them into the new vector (one Python call
    instead of two for small tensors). It is R-owned memory that no R code
    sees."""
    _scratch["address"], _scratch["nbytes"] = address, int(nbytes)


def _overflow(lo: int, hi: int, limit_lo: int, limit_hi: int, target: str, hints: List[tuple]) -> ValueOverflowError:
    bad = lo if lo < limit_lo else hi
    return ValueOverflowError(
        f"Can't convert to R {target}: a value is outside its range.",
        [("x", f"Found {bad}; R {target}s hold {limit_lo} to {limit_hi}.")] + hints,
        value=float(bad),
    )


def check_storage(t: torch.Tensor) -> None:
    """Refuse a strided tensor whose elements lie (partly) outside its
    storage, as after ``a.untyped_storage().resize_(0)`` on the base of a
    view: reading it would read memory that is not the tensor's."""
    if t.layout != torch.strided or getattr(t, "is_nested", False) or t.is_meta or t.numel() == 0:
        return
    try:
        nbytes = t.untyped_storage().nbytes()
    except (RuntimeError, NotImplementedError):
        return  # tensor subclasses without a plain storage
    last = t.storage_offset() + sum((int(d) - 1) * int(s) for d, s in zip(t.shape, t.stride()))
    if t.storage_offset() < 0 or min(t.stride(), default=0) < 0 or (last + 1) * t.element_size() > nbytes:
        raise UnsupportedTensorError(
            "Can't use this tensor: its elements lie outside its memory.",
            [("x", f"It needs {(last + 1) * t.element_size()} bytes of storage; the storage has {nbytes}."),
             ("i", "Its storage was resized or freed (e.g. with `untyped_storage()$resize_()`) after it was made; "
                   "make the tensor again.")],
        )


def not_dense(t: torch.Tensor) -> Optional[Tuple[str, str]]:
    """Why ``t`` has no plain values to read, as ``(kind, what it is)``:
    kind ``"layout"`` (sparse and other layouts), ``"quantized"``,
    ``"nested"`` or ``"meta"``; None for a dense tensor. Conversion and
    plotting both ask this, each with its own hint."""
    if getattr(t, "is_nested", False):  # before the layout: a jagged one is nested too
        return "nested", "a nested tensor"
    if t.layout != torch.strided:
        return "layout", f"a {str(t.layout).replace('torch.', '')} tensor"
    if t.is_quantized:
        return "quantized", "a quantized tensor"
    if t.is_meta:
        return "meta", "a tensor on the meta device"
    return None


#: What to do instead of from_torch() of each kind of tensor that is not dense.
_DENSE_HINTS = {
    "layout": "Make it dense first: `from_torch(x$to_dense())`.",
    "quantized": "Dequantize it first: `from_torch(x$dequantize())`.",
    "nested": "Convert its components: `from_torch(x$unbind())` gives a list.",
    "meta": "Meta tensors carry only shape and dtype; create the tensor on a real device.",
}


def _check_unsupported(t: torch.Tensor) -> None:
    check_storage(t)
    problem = not_dense(t)
    if problem is not None:
        kind, what = problem
        tail = ": it holds no data" if kind == "meta" else ""
        raise UnsupportedTensorError(f"Can't convert {what} to R{tail}.", [("i", _DENSE_HINTS[kind])])


def _check_values(t: torch.Tensor, rtype: str, int64: str) -> bool:
    """Range checks on the tensor's device. Returns whether to warn about precision."""
    dt = t.dtype
    if rtype == "integer" and dt in (torch.int32, torch.int64, torch.uint32, torch.uint64):
        mm = int_minmax(t)
        if mm is not None:
            lo, hi = mm
            if lo <= D.INT_NA or hi > D.R_INT_MAX:
                hints = [("i", "-2147483648 is R's NA_integer_, so it can't be stored either.")] if lo == D.INT_NA else []
                if dt != torch.int32:
                    hints.append(("i", 'Use `int64 = "double"` (exact up to 2^53) or `int64 = "bit64"` (bit64::integer64).'))
                else:
                    hints.append(("i", "Cast the tensor to a float dtype first, e.g. `x$double()`."))
                raise _overflow(lo, hi, D.INT_NA + 1, D.R_INT_MAX, "integer", hints)
    elif rtype == "integer64":
        mm = int_minmax(t)
        if mm is not None:
            lo, hi = mm
            if lo <= D.INT64_NA or hi > 2**63 - 1:
                raise _overflow(lo, hi, D.INT64_NA + 1, 2**63 - 1, "integer64", [
                    ("i", "-9223372036854775808 is bit64's NA_integer64_, so it can't be stored."),
                    ("i", 'Use `int64 = "double"` instead.')])
    elif rtype == "double" and dt in (torch.int64, torch.uint64):
        mm = int_minmax(t)
        if mm is not None:
            lo, hi = mm
            return lo < -D.DOUBLE_EXACT or hi > D.DOUBLE_EXACT
    return False


@record
def plan(x: Any, int64: str = "integer") -> Tuple[str, str, Optional[List[int]], bool, bool]:
    """Check ``x`` and say what R must allocate for it.

    Returns:
        (R type, number of elements as a decimal string, dims or None for a
        plain vector, whether to warn that int64 values pass 2^53, whether
        the values are already in the scratch buffer, so that no
        :func:`fill` is needed).
    """
    if not isinstance(x, torch.Tensor):
        raise InputTypeError(
            "`x` must be a torch tensor.",
            [("x", f"It is a Python {type(x).__name__}.")],
        )
    _check_unsupported(x)
    rtype, storage = D.r_type_for(x.dtype, int64)
    t = x.detach()
    _pending["tensor"] = None  # a failed plan leaves nothing behind
    shape = list(t.shape)
    for d in (shape if len(shape) >= 2 else []):  # a plain vector needs no dims
        if d > D.R_INT_MAX:
            raise SizeError(
                "Can't convert a tensor with a dimension longer than R allows.",
                [("x", f"Its shape is ({', '.join(map(str, shape))}); R dims stop at {D.R_INT_MAX}.")],
            )
    if t.device.type == "mps" and storage == torch.float64:
        t = t.cpu()  # MPS has no float64: cast on the CPU while filling
    if t.device.type == "cpu":  # on a device, staging resolves them piece by piece
        if t.is_conj():
            t = t.resolve_conj()
        if t.is_neg():
            t = t.resolve_neg()
    warn = _check_values(t, rtype, int64)
    dims = shape if len(shape) >= 2 else None
    n = t.numel()
    nbytes = n * (16 if rtype == "complex" else storage.itemsize)
    if 0 < nbytes <= _scratch["nbytes"]:
        _write(_scratch["address"], t, storage, shape)
        return rtype, str(n), dims, warn, True
    _pending["tensor"], _pending["storage"], _pending["shape"] = t, storage, shape
    return rtype, str(n), dims, warn, False


@record
def plan_text(x: Any, int64: str = "integer") -> str:
    """:func:`plan` as one string, ``"rtype;n;d1,d2,...;warn;in_scratch"``
    (flags as 0/1, dims empty for a plain vector): reticulate converts a
    string to R several times faster than a tuple, and small conversions are
    latency-bound."""
    rtype, n, dims, warn, in_scratch = plan(x, int64)
    shown = "" if dims is None else ",".join(str(d) for d in dims)
    return f"{rtype};{n};{shown};{int(warn)};{int(in_scratch)}"


@record
def drop_plan() -> None:
    """Forget the planned tensor (R could not allocate its result)."""
    _pending["tensor"] = None


@record
def fill(address: str) -> None:
    """Copy the planned tensor into the R vector at ``address``.

    When the device runs out of memory, the plan is kept, so that R can free
    memory and call :func:`fill` again (or :func:`drop_plan`)."""
    t, storage, shape = _pending["tensor"], _pending["storage"], _pending["shape"]
    _pending["tensor"] = None
    if t is None:
        raise RuntimeError("fill() called without plan()")
    try:
        if t.numel():
            _write(address, t, storage, shape)
    except BaseException as e:
        if is_out_of_memory(e):
            _pending["tensor"] = t
        raise
    return None


def _write(address: str, t: torch.Tensor, storage: torch.dtype, shape: List[int]) -> None:
    """Copy ``t`` into R memory at ``address`` in R's dtype and layout.

    From a GPU, each piece of R's memory (:func:`_memory.blocks`) is first
    made in R's dtype and layout on the device, unless the tensor has them
    already, so that what crosses is one plain copy into its place.
    """
    if t.device.type == "cpu":
        _copy_to_r(address, t, storage, shape)
        return
    stage = torch.complex128 if t.is_complex() else storage
    itemsize = stage.itemsize
    for index, piece, offset in blocks(shape, itemsize, _memory.CHUNK_BYTES):
        _write_piece(str(int(address) + offset * itemsize), t[index] if index else t, stage, storage, piece)


def _write_piece(address: str, src: torch.Tensor, stage: torch.dtype, storage: torch.dtype,
                 shape: List[int]) -> None:
    strides = column_major_strides(shape)
    ready = (src.dtype == stage and not src.is_conj() and not src.is_neg()
             and all(d == 1 or s == c for d, s, c in zip(shape, src.stride(), strides)))
    if not ready:
        # On the device: R's dtype in R's layout, so the transfer is one copy.
        staged = torch.empty_strided(tuple(shape), strides, dtype=stage, device=src.device)
        staged.copy_(src)
        src = staged
    elif src.dim():
        src = src.as_strided(tuple(shape), strides)  # the same elements; size-1 dims' strides as R's
    _copy_to_r(address, src, storage, shape)


def _copy_to_r(address: str, t: torch.Tensor, storage: torch.dtype, shape: List[int]) -> None:
    """One ``copy_`` of ``t`` into R memory at ``address`` (column-major)."""
    n = t.numel()
    strides = column_major_strides(shape)
    if t.is_complex():
        dest = view(address, 2 * n * 8, torch.float64, shape + [2],
                    [2 * s for s in strides] + [1])
        src = torch.view_as_real(t)
    else:
        dest = view(address, n * storage.itemsize, storage, shape, strides)
        src = t
    dest.copy_(src)
