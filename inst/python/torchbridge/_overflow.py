"""Integer results that would wrap around: R never wraps, so neither do we.

torch's integer arithmetic wraps silently (``uint8`` 0 - 1 is 255, int64
products that overflow can give 0). R gives NA with a warning instead, and
a tensor has no NA, so an integer result that does not fit its dtype is a
:class:`ValueOverflowError` naming the operation.

The check runs on the result's device: the same operation in float64 (on
the CPU for MPS, which has no float64) approximates the true result. A
wrapped result differs from it by a multiple of 2^bits, an exact one by far
less than 2^(bits - 2) (float64's rounding error), so the comparison is
exact for every dtype and size.
"""

from __future__ import annotations

from typing import Callable, Sequence

import torch

from . import _dtypes as D
from ._errors import ValueOverflowError


def wide(t: torch.Tensor) -> torch.Tensor:
    """``t`` as float64, where the comparison is made (the CPU for MPS)."""
    if t.device.type == "mps":
        t = t.cpu()
    return t.to(torch.float64)


def check_exact(result: torch.Tensor, reference: Callable[[], torch.Tensor], op: str,
                bullets: Sequence[tuple] = ()) -> torch.Tensor:
    """``result`` if it is the exact integer result, else an overflow error.

    Args:
        result: the integer tensor torch computed.
        reference: computes the same result in float64 (from :func:`wide`
            operands); called only for integer results.
        op: the operation, as R writes it (``"+"``, ``"prod()"``...).
        bullets: what the operands were, for the message.
    """
    if D.kind(result.dtype) != "int" or result.numel() == 0:
        return result
    ref = reference()
    got = wide(result)
    bits = result.dtype.itemsize * 8
    wrapped = ~(torch.abs(ref - got) <= 2.0 ** (bits - 2))  # also Inf and NaN
    if bool(wrapped.any()):
        lo, hi = D.int_range(result.dtype)
        bad = float(ref[wrapped].flatten()[0])
        shown = f"{bad:.0f}" if abs(bad) < 1e18 else f"{bad:.6g}"
        raise ValueOverflowError(
            f"Can't compute `{op}`: an integer result is outside the range of {D.name(result.dtype)}.",
            list(bullets) + [
                ("x", f"A result is about {shown}; {D.name(result.dtype)} holds {lo} to {hi}."),
                ("i", "R would give NA here; torch would wrap around silently. " + (
                    "Use a float dtype, e.g. `x$double()`." if bits == 64 else
                    'Use a wider dtype, e.g. `as_torch(x, dtype = "int64")`, or a float dtype.')),
            ],
            dtype=D.name(result.dtype), value=bad,
        )
    return result


def reference_of(fun: Callable[..., torch.Tensor], *tensors: torch.Tensor) -> Callable[[], torch.Tensor]:
    """A reference for :func:`check_exact`: ``fun`` applied to the tensors in float64."""
    return lambda: fun(*[wide(t) for t in tensors])

