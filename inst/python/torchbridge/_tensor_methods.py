"""t(), aperm(), dim() and length() for tensors.
"""

from __future__ import annotations

from typing import List, Optional

import torch

from . import _dtypes as D
from ._errors import IndexTypeError, ShapeError, SizeError, record
from ._from_torch import check_storage
from ._r_values import column_major_flat, describe_tensor, from_column_major


@record
def transpose(x: torch.Tensor) -> torch.Tensor:
    """R's ``t()``: a matrix's transpose; a vector (or 0-d) becomes a 1-row
    matrix. A view of ``x``, as torch's ``t()``."""
    if x.dim() == 0:
        return x.reshape(1, 1)
    if x.dim() == 1:
        return x.unsqueeze(0)
    if x.dim() == 2:
        return x.t()
    raise ShapeError(
        "`t()` needs a tensor with at most 2 dims.",
        [("x", f"`x` is {describe_tensor(x)}."), ("i", "Use `aperm()` to reorder the dims of an array.")],
    )


@record
def permute(x: torch.Tensor, perm: Optional[List[int]] = None, resize: bool = True) -> torch.Tensor:
    """R's ``aperm()``: dims reordered by ``perm`` (1-based; reversed by
    default). A view of ``x``; with ``resize = FALSE`` a copy keeping
    ``x``'s shape."""
    nd = x.dim()
    if perm is None:
        p = list(range(nd))[::-1]
    else:
        p = [int(i) - 1 for i in perm]
        if sorted(p) != list(range(nd)):
            raise IndexTypeError(
                "`perm` must be a permutation of the dims of `a`.",
                [("x", f"`perm` is ({', '.join(str(i + 1) for i in p)}); `a` is {describe_tensor(x)}."),
                 ("i", f"Use each of 1 to {nd} once.")],
            )
    check_storage(x)
    out = x.permute(p)
    if not resize:
        out = from_column_major(column_major_flat(out), list(x.shape))
        if out.untyped_storage().data_ptr() == x.untyped_storage().data_ptr():
            out = out.clone(memory_format=torch.contiguous_format)  # a new tensor, always
        return out.contiguous()
    return out




@record
def shape(x: torch.Tensor) -> List[int]:
    """``x``'s shape as R dims.

    Raises:
        SizeError: a dim longer than R's integers.
    """
    dims = [int(d) for d in x.shape]
    if any(d > D.R_INT_MAX for d in dims):
        raise SizeError(
            "Can't give the dims of this tensor: a dim is longer than R's integers allow.",
            [("x", f"`x` is {describe_tensor(x)}.")],
        )
    return dims


@record
def numel(x: torch.Tensor) -> str:
    """The number of elements, as a decimal string (it may pass 2^31)."""
    return str(x.numel())
