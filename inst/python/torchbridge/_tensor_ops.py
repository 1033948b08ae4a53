"""The Ops and Summary groups, mean() and %@% for tensors: R's operators,
reductions and matrix product, computed by torch on the tensors' device.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch

from . import _dtypes as D
from ._errors import (
    DeviceError,
    DtypeError,
    InputTypeError,
    NAError,
    ShapeError,
    TorchbridgeError,
    ValueOverflowError,
    record,
    torch_failure,
)
from ._from_torch import check_storage
from ._overflow import check_binary, check_divisor, check_negation, check_total, fit_scalars
from ._tensor_na import with_r_missing
from ._r_values import (
    RValue,
    as_value,
    describe_tensor,
    kind_sample,
    operand,
    scalar_tensor,
    sides,
    wrap_conversion,
)


# --- the Ops group -------------------------------------------------------------


def _floor_div(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.div(a, b, rounding_mode="floor")


_BINARY: Dict[str, Callable[..., torch.Tensor]] = {
    "+": torch.add,
    "-": torch.sub,
    "*": torch.mul,
    "/": torch.true_divide,
    "^": torch.pow,
    "%%": torch.remainder,
    "%/%": _floor_div,
    "==": torch.eq,
    "!=": torch.ne,
    "<": torch.lt,
    "<=": torch.le,
    ">": torch.gt,
    ">=": torch.ge,
    "&": torch.logical_and,
    "|": torch.logical_or,
}
_INTEGER_ARITH = {"+", "-", "*", "%%", "%/%"}
_OP_NAMES = ("e1", "e2")


def default_float() -> torch.dtype:
    return torch.get_default_dtype()


def _prepare(op: str, x: torch.Tensor, y: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """R's type rules on top of torch's: logicals count as integers in
    arithmetic, and ``^`` of integers gives floats."""
    if op in _INTEGER_ARITH:
        # torch has no bool arithmetic (or makes it logical): R counts TRUE as 1L.
        if x.dtype == torch.bool:
            x = x.to(torch.int64)
        if y.dtype == torch.bool:
            y = y.to(torch.int64)
        return x, y
    rt = torch.result_type(x, y)
    if op == "^" and D.kind(rt) in ("bool", "int"):
        ft = default_float()
        return x.to(ft), y.to(ft)
    return x, y


def _is_cpu_scalar(t: torch.Tensor) -> bool:
    return t.dim() == 0 and t.device.type == "cpu"


def _devices_clash(x: torch.Tensor, y: torch.Tensor) -> bool:
    if x.device == y.device:
        return False
    # torch lets a 0-d CPU tensor join a tensor on any device.
    return not ((x.dim() == 0 and x.device.type == "cpu") or (y.dim() == 0 and y.device.type == "cpu"))


def _op_error(op: str, names: Sequence[str], values: Sequence[Any], x: torch.Tensor,
              y: torch.Tensor, e: BaseException) -> TorchbridgeError:
    bullets = sides(names, values)
    if _devices_clash(x, y):
        return DeviceError(
            f"Can't apply `{op}` to tensors on different devices.",
            bullets + [("i", "Move one of them first, e.g. with `to_device()`.")],
        )
    try:
        torch.broadcast_shapes(x.shape, y.shape)
    except RuntimeError:
        return ShapeError(
            f"Can't apply `{op}` to tensors whose shapes don't broadcast.",
            bullets + [("i", "Compared from the last dim, each pair of dims must be equal, or one of them 1.")],
        )
    return torch_failure(e, f"apply `{op}`", bullets, f"Can't apply `{op}` to these dtypes.")


@record
def binary(op: str, a: Any, b: Any) -> torch.Tensor:
    """``a <op> b`` for R's Ops group; at least one side is a tensor.

    Args:
        op: the R operator (``"+"``, ``"%%"``, ``"=="``, ``"&"``...).
        a, b: tensors, R numbers (Python scalars) or R descriptors.
    """
    fun = _BINARY.get(op)
    if fun is None:
        raise InputTypeError(f"`{op}` is not an operator torchbridge knows.")
    a, b = as_value(a), as_value(b)
    values = (a, b)
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        x, y = a, b
    elif isinstance(a, torch.Tensor):
        x, y = a, operand(b, a, op, _OP_NAMES, values)
    elif isinstance(b, torch.Tensor):
        x, y = operand(a, b, op, _OP_NAMES, values), b
    else:
        raise InputTypeError(f"`{op}` needs a tensor on one side.", sides(_OP_NAMES, values))
    try:
        x, y = _prepare(op, x, y)
        x, y = fit_scalars(op, x, y, op in _INTEGER_ARITH, sides(_OP_NAMES, values))
        if op in ("%%", "%/%") and D.kind(torch.result_type(x, y)) == "int":
            check_divisor(op, y, sides(_OP_NAMES, values))  # before torch: GPUs divide by 0 silently
        out = fun(x, y)
    except RuntimeError as e:
        raise _op_error(op, _OP_NAMES, values, x, y, e) from None
    if op in _INTEGER_ARITH:
        check_binary(op, out, x, y, fun, sides(_OP_NAMES, values))
    return out


@record
def unary(op: str, x: torch.Tensor) -> torch.Tensor:
    """``-x``, ``+x`` or ``!x``. Logicals count as integers for ``-`` and
    ``+``; ``!`` is a logical not for every dtype (non-zero is TRUE). ``-x``
    of an integer that has no negative in the dtype is an overflow error."""
    check_storage(x)
    t = x.to(torch.int64) if x.dtype == torch.bool else x
    try:
        if op == "!":
            return torch.logical_not(x)
        if op == "-":
            out = torch.neg(t)
            check_negation("-", out, t, [("x", f"`e1` is {describe_tensor(x)}.")])
            return out
        if op == "+":
            return t if t is not x else x.clone()
    except RuntimeError as e:
        raise torch_failure(e, f"apply unary `{op}`", [("x", f"`e1` is {describe_tensor(x)}.")],
                            f"Can't apply unary `{op}` to this tensor.") from None
    raise InputTypeError(f"`{op}` is not a unary operator.")



# --- the Summary group and mean() ---------------------------------------------------


def _float_of(t: torch.Tensor) -> torch.dtype:
    return t.dtype if D.kind(t.dtype) in ("float", "complex") else default_float()


def _extreme(t: torch.Tensor, op: str, na_rm: bool) -> torch.Tensor:
    fill = math.inf if op == "min" else -math.inf
    if t.numel() == 0:
        return torch.full((), fill, dtype=_float_of(t), device=t.device)
    if na_rm and t.is_floating_point():
        t = torch.where(torch.isnan(t), torch.full_like(t, fill), t)
    out = torch.amin(t) if op == "min" else torch.amax(t)
    return with_r_missing(t, out)


def _truth(t: torch.Tensor, op: str, na_rm: bool, name: str) -> torch.Tensor:
    if D.kind(t.dtype) in ("float", "complex"):
        nan = torch.isnan(t)
        nonzero = (t != 0) & ~nan
        if op == "any":
            out = nonzero.any()
            if not na_rm and not bool(out) and bool(nan.any()):
                raise _truth_na(op, name, t)
        else:
            out = (nonzero | nan).all()
            if not na_rm and bool(out) and bool(nan.any()):
                raise _truth_na(op, name, t)
        return out
    return torch.any(t) if op == "any" else torch.all(t)


def _truth_na(op: str, name: str, t: torch.Tensor) -> NAError:
    return NAError(
        f"Can't compute `{op}()`: the answer is NA, which a bool tensor can't hold.",
        [("x", f"`{name}` is {describe_tensor(t)} with NaN values and no element that decides the answer."),
         ("i", "Use `na.rm = TRUE` to skip NaN values.")],
    )


def _reduce(op: str, t: torch.Tensor, na_rm: bool, name: str) -> torch.Tensor:
    if t.dtype == torch.bool and op in ("sum", "prod", "min", "max", "range"):
        t = t.to(torch.int64)
    nanable = D.kind(t.dtype) in ("float", "complex")
    if op == "sum":
        if na_rm and nanable:
            t = torch.where(torch.isnan(t), torch.zeros_like(t), t)
        return torch.sum(t)
    if op == "prod":
        if na_rm and nanable:
            t = torch.where(torch.isnan(t), torch.ones_like(t), t)
        return torch.prod(t)
    if op in ("min", "max", "range"):
        if t.is_complex():
            raise DtypeError(f"Can't compute `{op}()` of complex numbers: they have no order.",
                             [("x", f"`{name}` is {describe_tensor(t)}."),
                              ("i", "Use `Mod()`, `Re()` or `Im()` first.")])
        if op == "range":
            lo, hi = _extreme(t, "min", na_rm), _extreme(t, "max", na_rm)
            return torch.stack([lo, hi.to(lo.dtype)])
        return _extreme(t, op, na_rm)
    if op in ("any", "all"):
        return _truth(t, op, na_rm, name)
    raise InputTypeError(f"`{op}()` is not in R's Summary group.")


def _combine(op: str, parts: List[torch.Tensor]) -> torch.Tensor:
    out = parts[0]
    for p in parts[1:]:
        if op == "sum":
            out = out + p
        elif op == "prod":
            out = out * p
        elif op in ("min", "max"):
            both = torch.stack([out, p.to(torch.result_type(out, p))]) if out.dtype != p.dtype else torch.stack([out, p])
            out = _extreme(both, op, False)
        elif op == "range":
            dt = torch.result_type(out, p)
            lo = _extreme(torch.stack([out[0].to(dt), p[0].to(dt)]), "min", False)
            hi = _extreme(torch.stack([out[1].to(dt), p[1].to(dt)]), "max", False)
            out = torch.stack([lo, hi])
        elif op == "any":
            out = out | p
        else:
            out = out & p
    return out


@record
def summary(op: str, items: List[Any], na_rm: bool = False) -> torch.Tensor:
    """R's Summary group (sum, prod, min, max, range, any, all) over tensors
    and R numbers; a 0-d tensor (``range``: 1-D of 2) on the first tensor's
    device. Logicals count as integers; ``min``/``max`` of nothing are
    ``Inf``/``-Inf``, as in R."""
    values = [as_value(v) for v in items]
    tensors = [v for v in values if isinstance(v, torch.Tensor)]
    if not tensors:
        raise InputTypeError(f"`{op}()` needs a tensor.")
    # A 0-d CPU tensor joins tensors on any device, as in the Ops group.
    ref = next((t for t in tensors if not _is_cpu_scalar(t)), tensors[0])
    names = [f"..{i + 1}" for i in range(len(values))]
    parts, inputs = [], []
    for i, v in enumerate(values):
        if not isinstance(v, torch.Tensor):
            target = torch.result_type(ref, kind_sample(v))
            try:
                v = v.tensor(target, ref.device, v.shape) if isinstance(v, RValue) else scalar_tensor(v, target, ref.device)
            except (NAError, ValueOverflowError, DtypeError) as e:
                raise wrap_conversion(e, f"{op}()", target, names, values) from None
        elif v.device != ref.device and _is_cpu_scalar(v):
            v = v.to(ref.device)
        elif v.device != ref.device:
            raise DeviceError(f"Can't compute `{op}()` of tensors on different devices.",
                              sides(names, values) + [("i", "Move one of them first, e.g. with `to_device()`.")])
        inputs.append(v)
        try:
            parts.append(_reduce(op, v, na_rm, names[i]))
        except RuntimeError as e:
            raise torch_failure(e, f"compute `{op}()`", sides(names, values)) from None
    try:
        out = _combine(op, parts)
    except RuntimeError as e:
        raise torch_failure(e, f"combine these values in `{op}()`", sides(names, values),
                            f"Can't combine these values in `{op}()`.") from None
    if op in ("sum", "prod"):
        check_total(op, out, inputs, sides(names, values))
    return out


@record
def mean(x: torch.Tensor, na_rm: bool = False) -> torch.Tensor:
    """The mean as a 0-d tensor; integers and logicals give the default float
    dtype, as R gives a double. ``na_rm`` skips NaN; no values give NaN."""
    check_storage(x)
    t = x if D.kind(x.dtype) in ("float", "complex") else x.to(default_float())
    if na_rm and D.kind(t.dtype) in ("float", "complex"):
        ok = ~torch.isnan(t)
        return torch.where(ok, t, torch.zeros_like(t)).sum() / ok.sum()
    return t.mean()


# --- matrix algebra, t(), aperm() ------------------------------------------------------


@record
def matmul(a: Any, b: Any) -> torch.Tensor:
    """R's ``%*%`` for tensors (and R matrices or vectors on one side).

    With 1-D and 2-D operands R's rules apply and the result is a matrix: a
    vector is a row or a column, whichever conforms (two vectors of the same
    length give their inner product as 1 x 1). With more dims, torch's batched
    matmul. Integer and logical operands give the default float dtype.
    """
    names = ("x", "y")
    values = (as_value(a), as_value(b))
    x, y = _matmul_operands(values, names)
    nonconf = ShapeError("Can't multiply: the dims are not conformable.",
                         sides(names, values) + [("i", "The columns of `x` must match the rows of `y`.")])
    if x.dim() > 2 or y.dim() > 2:
        if x.dim() == 0 or y.dim() == 0 or x.shape[-1] != y.shape[-2 if y.dim() >= 2 else -1]:
            raise nonconf
        try:
            torch.broadcast_shapes(x.shape[:-2], y.shape[:-2])
        except RuntimeError:
            raise nonconf from None
        X, Y = x, y
    else:
        mx, my = _as_r_matrices(x, y)
        if mx is None or my is None or mx.shape[1] != my.shape[0]:
            raise nonconf
        X, Y = mx, my
    try:
        return torch.matmul(X, Y)
    except RuntimeError as e:
        raise torch_failure(e, "multiply", sides(names, values)) from None


def _matmul_operands(values: Tuple[Any, Any], names: Sequence[str]) -> Tuple[torch.Tensor, torch.Tensor]:
    """Both sides of ``%*%`` as tensors on one device, in one float or
    complex dtype (an R value takes the tensor's device and dtype rules)."""
    ref = next((v for v in values if isinstance(v, torch.Tensor)), None)
    if ref is None:
        raise InputTypeError("`%*%` needs a tensor on one side.", sides(names, values))

    def as_tensor(v: Any) -> torch.Tensor:
        if isinstance(v, torch.Tensor):
            return v
        target = torch.result_type(ref, kind_sample(v))
        try:
            if isinstance(v, RValue):
                return v.tensor(target, ref.device, v.shape)
            return scalar_tensor(v, target, ref.device).reshape(1)
        except (NAError, ValueOverflowError, DtypeError) as e:
            raise wrap_conversion(e, "%*%", target, names, values) from None

    x, y = as_tensor(values[0]), as_tensor(values[1])
    # torch lets a 0-d CPU tensor join elementwise ops only: move it (one value).
    if _is_cpu_scalar(x) and y.device.type != "cpu":
        x = x.to(y.device)
    elif _is_cpu_scalar(y) and x.device.type != "cpu":
        y = y.to(x.device)
    rt = torch.result_type(x, y)
    if D.kind(rt) in ("bool", "int"):
        rt = default_float()
    x, y = x.to(rt), y.to(rt)
    if _devices_clash(x, y):
        raise DeviceError("Can't multiply tensors on different devices.",
                          sides(names, values) + [("i", "Move one of them first, e.g. with `to_device()`.")])
    return x, y


def _as_r_matrices(x: torch.Tensor, y: torch.Tensor) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor]]:
    """R's rule for vectors in ``%*%``: a vector is a row or a column,
    whichever conforms (None where neither does)."""
    if x.dim() <= 1 and y.dim() <= 1:
        lx, ly = x.numel(), y.numel()
        return x.reshape(1, lx), (y.reshape(ly, 1) if ly == lx else y.reshape(1, ly))
    if x.dim() <= 1:
        nry, lx = y.shape[0], x.numel()
        return (x.reshape(1, lx) if lx == nry else x.reshape(lx, 1) if nry == 1 else None), y
    if y.dim() <= 1:
        ncx, ly = x.shape[1], y.numel()
        return x, (y.reshape(ly, 1) if ly == ncx else y.reshape(1, ly) if ncx == 1 else None)
    return x, y
