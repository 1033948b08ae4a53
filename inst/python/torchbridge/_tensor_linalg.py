"""solve(), chol() and determinant() for tensors with R's conventions,
computed by torch.linalg on the tensor's device.
"""

from __future__ import annotations

import sys
from typing import Any

import torch

from . import _dtypes as D
from ._errors import (
    DeviceError,
    DtypeError,
    NAError,
    ShapeError,
    TorchbridgeError,
    ValueOverflowError,
    record,
    torch_failure,
)
from ._from_torch import check_storage
from ._r_values import RValue, as_value, describe_tensor, kind_sample, scalar_tensor, sides, wrap_conversion
from ._tensor_ops import default_float


def _float(t: torch.Tensor) -> torch.Tensor:
    return t if D.kind(t.dtype) in ("float", "complex") else t.to(default_float())


def _square(x: torch.Tensor, fun: str, arg: str) -> torch.Tensor:
    """``x`` as R's ``as.matrix()`` sees it (a vector is a column), which must
    be square, in a float dtype."""
    check_storage(x)
    m = x.detach().reshape(-1, 1) if x.dim() < 2 else x.detach()
    if m.dim() != 2 or m.shape[0] != m.shape[1]:
        raise ShapeError(f"`{fun}()` needs a square matrix.",
                         [("x", f"`{arg}` is {describe_tensor(x)}."),
                          ("i", "A vector counts as a one-column matrix, as in R.")])
    return _float(m)


def _rhs(b: Any, a: torch.Tensor) -> torch.Tensor:
    """``b`` of ``solve(a, b)`` as a tensor next to ``a``."""
    names, values = ("a", "b"), (a, b)
    if isinstance(b, torch.Tensor):
        if b.device != a.device:
            raise DeviceError("Can't solve with tensors on different devices.", sides(names, values))
        return b.detach()
    target = torch.result_type(a, kind_sample(b))
    try:
        if isinstance(b, RValue):
            shape = b.dims if b.dims is not None and len(b.dims) == 2 else [b.n]
            return b.tensor(target, a.device, shape)
        return scalar_tensor(b, target, a.device).reshape(1)
    except (NAError, ValueOverflowError, DtypeError) as e:
        raise wrap_conversion(e, "solve()", target, names, values) from None


@record
def solve(a: torch.Tensor, b: Any = None, tol: float = sys.float_info.epsilon) -> torch.Tensor:
    """R's ``solve(a, b)``: ``x`` with ``a %*% x == b``; the inverse of ``a``
    without ``b``. A vector ``b`` gives a vector, as in R. Integer and bool
    tensors give the default float dtype. A singular ``a`` is an error, as
    is one whose reciprocal condition number (1-norm) is below ``tol``."""
    m = _square(a, "solve", "a")
    n = m.shape[0]
    if b is None:
        rhs = torch.eye(n, dtype=m.dtype, device=m.device)
    else:
        b = as_value(b)
        rhs = _float(_rhs(b, m))
        if (rhs.dim() <= 1 and rhs.numel() != n) or (rhs.dim() == 2 and rhs.shape[0] != n) or rhs.dim() > 2:
            raise ShapeError("`b` must have as many rows as `a` in `solve()`.",
                             sides(("a", "b"), (a, b)))
    dt = torch.promote_types(m.dtype, rhs.dtype)
    m, rhs = m.to(dt), rhs.to(dt)
    vector = rhs.dim() <= 1
    try:
        out, info = torch.linalg.solve_ex(m, rhs.reshape(n, -1))
    except RuntimeError as e:
        raise torch_failure(e, "solve", [("x", f"`a` is {describe_tensor(a)}.")]) from None
    if int(info) > 0:
        raise TorchbridgeError("Can't solve: `a` is exactly singular.",
                               [("x", f"`a` is {describe_tensor(a)}; U[{int(info)},{int(info)}] is 0.")])
    if n > 0:
        rcond = float(1 / torch.linalg.cond(m, p=1))
        if rcond < tol:
            raise TorchbridgeError(
                "Can't solve: `a` is computationally singular.",
                [("x", f"Its reciprocal condition number is {rcond:.6g}, below `tol` ({tol:.6g})."),
                 ("i", "As R, `solve()` refuses it; a smaller `tol` lets it through.")],
            )
    return out.reshape(-1) if vector else out


@record
def chol(x: torch.Tensor) -> torch.Tensor:
    """R's ``chol(x)``: the upper triangular factor ``R`` with ``t(R) %*% R
    == x``, from the upper triangle of ``x`` (the lower one is not read, as
    in R). Not positive definite is an error naming the leading minor."""
    m = _square(x, "chol", "x")
    if m.is_complex():
        raise DtypeError("Can't compute `chol()` of a complex matrix.", [("x", f"`x` is {describe_tensor(x)}.")])
    upper = torch.triu(m)
    sym = upper + torch.triu(m, 1).transpose(0, 1)
    try:
        out, info = torch.linalg.cholesky_ex(sym, upper=True)
    except RuntimeError as e:
        raise torch_failure(e, "compute `chol()`", [("x", f"`x` is {describe_tensor(x)}.")]) from None
    if int(info) > 0:
        raise TorchbridgeError(f"Can't compute `chol()`: the leading minor of order {int(info)} is not positive.",
                               [("x", f"`x` is {describe_tensor(x)}."),
                                ("i", "`chol()` needs a positive definite matrix.")])
    return out


@record
def slogdet(x: torch.Tensor) -> torch.Tensor:
    """The sign and the log of the absolute determinant of ``x``, a float64
    1-D tensor of two, for R's ``determinant()`` (sign 1 when singular, as
    R gives)."""
    check_storage(x)
    if x.dim() != 2 or x.shape[0] != x.shape[1]:
        raise ShapeError("`determinant()` needs a square matrix.", [("x", f"`x` is {describe_tensor(x)}.")])
    if x.is_complex():
        raise DtypeError("Can't compute `determinant()` of a complex matrix, as R can't.",
                         [("x", f"`x` is {describe_tensor(x)}.")])
    m = _float(x.detach())
    if m.shape[0] == 0:
        return torch.tensor([1.0, 0.0], dtype=torch.float64, device=m.device)
    try:
        sign, logabs = torch.linalg.slogdet(m)
    except RuntimeError as e:
        raise torch_failure(e, "compute `determinant()`", [("x", f"`x` is {describe_tensor(x)}.")]) from None
    sign = torch.where(sign == 0, torch.ones_like(sign), sign)
    work = torch.float32 if m.device.type == "mps" else torch.float64
    return torch.stack([sign.to(work), logabs.to(work)])
