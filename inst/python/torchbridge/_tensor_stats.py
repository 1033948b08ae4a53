"""quantile(), median() and diff() for tensors: R's algorithms (stats'
quantile.default types 1 to 9, median.default, diff.default), with the
sorting and arithmetic done by torch on the tensor's device.
"""

from __future__ import annotations

import math
import sys
from typing import List, Optional, Tuple

import torch

from . import _dtypes as D
from ._errors import ArgError, DtypeError, NAError, record, torch_failure
from ._from_torch import check_storage
from ._r_values import column_major_flat, describe_tensor
from ._tensor_ops import binary, default_float
from ._tensor_verbs import sort_stable

_EPS = sys.float_info.epsilon


def _r_na(n: int, dev: torch.device) -> torch.Tensor:
    """``n`` R NA values as a float64 tensor."""
    return torch.full((n,), D.NA_REAL_BITS, dtype=torch.int64, device=dev).view(torch.float64)


def _x_bullet(x: torch.Tensor) -> list:
    return [("x", f"`x` is {describe_tensor(x)}.")]


def _real(x: torch.Tensor, fun: str) -> torch.Tensor:
    check_storage(x)
    if x.is_complex():
        raise DtypeError(f"Can't compute `{fun}()` of complex numbers: they have no order.",
                         _x_bullet(x) + [("i", "Use `Mod()`, `Re()` or `Im()` first.")])
    return column_major_flat(x.detach())


def _work(t: torch.Tensor) -> torch.Tensor:
    """``t`` in R's double (float32 on MPS, which has no float64)."""
    return t.to(torch.float32 if t.device.type == "mps" else torch.float64)


# --- order statistics: the sorted values at a few positions ------------------------

#: Below this many values, sort them all.
_SELECT_MIN = 1 << 16


def sample_step(n: int) -> int:
    """Every how many values the sample that brackets each position takes
    one: about n / 16 values, from 2^14 to 2^18 of them (measured fastest at
    1e6 and 1e7 values on the CPU)."""
    return n // min(max(n // 16, 1 << 14), 1 << 18)


def sorted_at(flat: torch.Tensor, positions: List[int]) -> torch.Tensor:
    """The values of ``sort(flat)`` at 0-based ``positions`` (any order,
    repeats allowed), in ``flat``'s dtype; ``flat`` is 1-D with no NaN.

    What R's quantile() and median() do with a partial sort: a large
    ``flat`` is not sorted whole. The sorted values of a strided sample
    bracket each position; one pass counts the values below the bracket and
    picks those inside it, and only those are sorted. A bracket that misses
    its position (data that fool the sample) falls back to a full sort, so
    the answer is always the sorted values'. On a GPU this also keeps the
    extra memory to two masks (a full sort takes the values and their int64
    indices: 3 times a float32 tensor).
    """
    key = flat.to(torch.uint8) if flat.dtype == torch.bool else flat
    n = key.numel()
    out = None
    if n >= _SELECT_MIN:
        out = _select(key, positions)
    if out is None:
        out = sort_stable(key)[torch.tensor(positions, dtype=torch.long, device=key.device)]
    return out.to(flat.dtype)


def _select(key: torch.Tensor, positions: List[int]) -> Optional[torch.Tensor]:
    n = key.numel()
    step = sample_step(n)
    sample = sort_stable(key[::step])
    m = sample.numel()
    margin = 2 * math.isqrt(m) + 2  # 4 standard deviations of a sample rank
    found = {}
    if 0 in positions:
        found[0] = torch.min(key)  # the ends need no bracket
    if n - 1 in positions:
        found[n - 1] = torch.max(key)
    wanted = sorted(set(positions) - set(found))
    group: List[int] = []
    for p in wanted + [None]:  # runs of nearby positions share a bracket
        if p is not None and (not group or p - group[-1] <= step):
            group.append(p)
            continue
        if not group:
            break
        lo_q, hi_q = group[0] * m // n - margin, group[-1] * m // n + margin
        if lo_q < 0 and hi_q >= m:
            return None
        below = int(torch.count_nonzero(key < sample[lo_q])) if lo_q >= 0 else 0
        inside = key <= sample[hi_q] if hi_q < m else torch.ones_like(key, dtype=torch.bool)
        if lo_q >= 0:
            inside.logical_and_(key >= sample[lo_q])  # two masks at most at a time
        values = key[inside]
        if not (below <= group[0] and group[-1] < below + values.numel()):
            return None
        ranked = sort_stable(values)
        for q in group:
            found[q] = ranked[q - below]
        group = [p] if p is not None else []
    return torch.stack([found[p] for p in positions])


# --- quantile() ------------------------------------------------------------------


_AB = {4: (0.0, 1.0), 5: (0.5, 0.5), 6: (0.0, 0.0), 8: (1 / 3, 1 / 3), 9: (3 / 8, 3 / 8)}


def _plan(n: int, probs: List[float], type_: int) -> Tuple[List[int], List[float]]:
    """R's order statistics for each prob: the 0-based position ``j`` in the
    padded sorted values ``c(x[1], x[1], x, x[n], x[n])`` and the weight
    ``h`` of the next one (R's quantile.default, types 1 to 6, 8, 9)."""
    js, hs = [], []
    fuzz = 4 * _EPS
    for p in probs:
        if type_ <= 3:
            nppm = n * p - 0.5 if type_ == 3 else n * p
            j = math.floor(nppm)
            if type_ == 1:
                h = 1.0 if nppm > j else 0.0
            elif type_ == 2:
                h = ((nppm > j) + 1) / 2
            else:
                h = 1.0 if (nppm != j) or (j % 2 == 1) else 0.0
        else:
            a, b = _AB[type_]
            nppm = a + p * (n + 1 - a - b)
            j = math.floor(nppm + fuzz)
            h = nppm - j
            if abs(h) < fuzz:
                h = 0.0
        js.append(j + 1)
        hs.append(h)
    return js, hs


def _type7(flat: torch.Tensor, n: int, probs: List[float]) -> torch.Tensor:
    index = [1 + max(n - 1, 0) * p for p in probs]
    lo = [math.floor(i) for i in index]
    hi = [math.ceil(i) for i in index]
    dev = flat.device
    w = _work(sorted_at(flat, [k - 1 for k in lo + hi]))
    qs, xhi = w[:len(lo)], w[len(lo):]
    h = torch.tensor([i - k for i, k in zip(index, lo)], dtype=w.dtype, device=dev)
    up = torch.tensor([i > k for i, k in zip(index, lo)], device=dev) & (xhi != qs)
    return torch.where(up, (1 - h) * qs + h * xhi, qs)


def _discrete(flat: torch.Tensor, n: int, probs: List[float], type_: int) -> torch.Tensor:
    js, hs = _plan(n, probs, type_)
    dev = flat.device
    # j indexes R's padded c(x[1], x[1], x, x[n], x[n]): sorted position j - 2
    at = sorted_at(flat, [min(max(k - 2, 0), n - 1) for k in js + [j + 1 for j in js]])
    lo, hi = at[:len(js)], at[len(js):]
    h = torch.tensor(hs, dtype=torch.float64, device=dev)
    qs = torch.where(h == 1, hi, lo)
    other = (h > 0) & (h < 1) & (lo != hi)
    if not bool(other.any()):
        return qs  # R keeps an integer or logical type
    wlo, whi = _work(lo), _work(hi)
    h = h.to(wlo.dtype)
    return torch.where(other, (1 - h) * wlo + h * whi, _work(qs))


@record
def quantiles(x: torch.Tensor, probs: List[float], type_: int = 7, na_rm: bool = False) -> torch.Tensor:
    """R's ``quantile(x, probs, type, na.rm)`` of ``x``'s elements.

    ``probs`` are in [0, 1] and not NA (R's side sets NA aside). The result
    is a float tensor, or of ``x``'s integer or bool dtype where R keeps that
    type (types other than 7, when nothing is interpolated); empty when
    there are no values (R's side gives NA of its type).
    """
    flat = _real(x, "quantile")
    if type_ not in range(1, 10):
        raise ArgError("`type` must be a whole number from 1 to 9.", [("x", f"It is {type_}.")])
    probs = [float(p) for p in probs]
    try:
        if flat.is_floating_point():
            nan = torch.isnan(flat)
            if bool(nan.any()):
                if not na_rm:
                    raise NAError(
                        "Can't compute `quantile()` of values with NA or NaN.",
                        _x_bullet(x) + [("i", "Use `na.rm = TRUE` to skip them, as in R.")],
                    )
                flat = flat[~nan]
        n = flat.numel()
        if n == 0 or not probs:
            # R's side turns no values into NA of this type, which R makes
            # double where a weight is strictly between 0 and 1
            weights = _plan(n, probs, type_)[1] if type_ != 7 else [0.5]
            return _work(flat[:0]) if any(0 < h < 1 for h in weights) else flat[:0]
        if type_ == 7:
            return _type7(flat, n, probs)
        return _discrete(flat, n, probs, type_)
    except RuntimeError as e:
        raise torch_failure(e, "compute `quantile()`", _x_bullet(x)) from None


# --- median(), diff() ---------------------------------------------------------------


@record
def median(x: torch.Tensor, na_rm: bool = False) -> torch.Tensor:
    """R's ``median()`` as a 0-d tensor: the middle value in ``x``'s dtype
    for an odd count, the mean of the two middle values (a float dtype, as
    ``mean()``) for an even one; NA or NaN without ``na_rm`` gives NA (NaN
    below float64), as R."""
    flat = _real(x, "median")
    if flat.is_floating_point():
        nan = torch.isnan(flat)
        if bool(nan.any()):
            if not na_rm:
                return _na_scalar(flat, x)
            flat = flat[~nan]
    n = flat.numel()
    if n == 0:
        return _na_scalar(flat, x)
    half = (n + 1) // 2
    if n % 2 == 1:
        return sorted_at(flat, [half - 1])[0].clone()
    ab = _work(sorted_at(flat, [half - 1, half]))
    a, b = ab[0], ab[1]
    mid = (a + b) / 2
    if not bool(torch.isfinite(mid)) and bool(torch.isfinite(a) & torch.isfinite(b)):
        mid = a / 2 + b / 2  # a + b beyond the range; R sums in long double
    target = flat.dtype if flat.is_floating_point() else default_float()
    return mid.to(target)


def _na_scalar(flat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    if flat.dtype == torch.float64:
        return _r_na(1, flat.device)[0]
    if flat.is_floating_point():
        return torch.tensor(math.nan, dtype=flat.dtype, device=flat.device)
    raise NAError(
        "Can't compute `median()` of no values: the answer is NA, which "
        f"{D.name(x.dtype)} can't hold.",
        _x_bullet(x) + [("i", "Cast to a float dtype first, e.g. `as_torch(x, dtype = \"float64\")`.")],
    )


@record
def diff(x: torch.Tensor, lag: int = 1, differences: int = 1) -> torch.Tensor:
    """R's ``diff(x, lag, differences)``: of the rows for a 2-D tensor, else
    of the elements in R's order. Subtraction follows the Ops group (bool
    counts as int64, integers never wrap). Too few values give an empty
    1-D tensor of ``x``'s dtype, as R gives ``x[0L]``."""
    check_storage(x)
    t = x.detach()
    matrix = t.dim() == 2
    r = t if matrix else column_major_flat(t)
    if lag * differences >= r.shape[0]:
        return t.reshape(-1)[:0].clone()
    for _ in range(differences):
        r = _minus(r[lag:], r[:-lag])
    return r


def _minus(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``a - b`` by the Ops group's rules; for floats, a NaN in ``a`` wins
    over one in ``b``, as in R's arithmetic (torch's subtraction keeps
    ``b``'s), so NA and NaN land where R puts them."""
    if not a.is_floating_point():
        return binary("-", a, b)
    out = a - b
    return torch.where(torch.isnan(a), a, torch.where(torch.isnan(b), b, out))
