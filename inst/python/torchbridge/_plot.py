"""What ``autoplot()`` draws, prepared on the tensor's own device.

R's ``autoplot()`` asks :func:`plot_kind` which plot a tensor gets, then
:func:`plot_reduce` (line, lines, scatter, heatmap, image) or
:func:`plot_histogram` (hist). Both run where the tensor lives, so only a
tensor small enough to draw, or a histogram's counts, cross over to R:

* a line longer than ``max_points`` is averaged over windows of ``k``
  values; lines (one per column of a 2-D tensor) over windows of ``k``
  rows, each column on its own; a heatmap or image with more than
  ``max_points`` pixels is averaged over blocks of ``kh x kw`` pixels
  (``avg_pool1d``/``avg_pool2d``, a partial window at the end averaging
  the values it holds);
* a scatter plot with more than ``max_points`` points keeps every
  ``step``-th row (rows 0, step, 2 * step, ...): averaging would draw
  points that are not in the data;
* a 4-D image batch keeps its first ``max_images`` images;
* an image's range, ``[0, 1]`` or ``[0, 255]``, is detected before pooling
  (uint8 is always ``[0, 255]``).
"""

from __future__ import annotations

import math
from typing import Any, Dict, Tuple

import torch
import torch.nn.functional as F

from . import _memory
from ._errors import ArgError, PlotError, record
from ._from_torch import check_storage, not_dense

#: What to do instead of plotting each kind of tensor that is not dense.
_DENSE_HINTS = {
    "layout": "Make it dense first: `x$to_dense()`.",
    "quantized": "Dequantize it first: `x$dequantize()`.",
    "nested": "Plot its components one by one: `x$unbind()` gives them.",
    "meta": "Meta tensors carry only shape and dtype; create the tensor on a real device.",
}

TYPES = ("auto", "line", "lines", "scatter", "hist", "heatmap", "image")
KINDS = ("line", "lines", "scatter", "heatmap", "image")
CHANNELS = (1, 3, 4)
_HIST_HINT = ("i", 'Use `type = "hist"` for the distribution of its values.')


def _cdiv(a: int, b: int) -> int:
    return -(-a // b)


def _shape_text(shape) -> str:
    return " x ".join(str(int(s)) for s in shape)


def _describe(x: torch.Tensor) -> str:
    if x.dim() == 0:
        return "a 0-d tensor"
    return f"a {x.dim()}-D tensor of shape {_shape_text(x.shape)}"


def _check_plottable(x: Any) -> None:
    if not isinstance(x, torch.Tensor):
        raise PlotError(
            "Can't plot an object that is not a torch tensor.",
            [("x", f"It is a Python {type(x).__name__}.")],
        )
    check_storage(x)
    problem = not_dense(x)
    if problem is not None:
        kind, what = problem
        tail = ": it holds no data" if kind == "meta" else ""
        raise PlotError(f"Can't plot {what}{tail}.", [("i", _DENSE_HINTS[kind])])
    if x.is_complex():
        raise PlotError(
            "Can't plot a complex tensor.",
            [("i", "Plot its modulus, `x$abs()`, or its real part, `x$real`.")],
        )
    if x.numel() == 0:
        raise PlotError("Can't plot an empty tensor.", [("x", f"Its shape is {_shape_text(x.shape)}.")])


def _channel_error(x: torch.Tensor, how: str) -> PlotError:
    nd = x.dim()
    first = int(x.shape[0 if nd == 3 else 1])
    where = "first" if nd == 3 else "second"
    layout = "CHW" if nd == 3 else "NCHW"
    perm = "c(2L, 0L, 1L)" if nd == 3 else "c(0L, 3L, 1L, 2L)"
    return PlotError(
        f"Can't draw {_describe(x)} {how}.",
        [("x", f"Images are channels first ({layout}): the {where} dimension must be 1, 3 or 4 "
               f"channels, and it is {first}."),
         ("i", f"Channels last? Permute first: `x$permute({perm})`."),
         _HIST_HINT],
    )


def _zero_d_error() -> PlotError:
    return PlotError(
        "Can't plot a 0-d tensor: it holds a single value.",
        [("i", "Get the value with `from_torch(x)`."), _HIST_HINT],
    )


def _wrong_dims(x: torch.Tensor, type: str, needs: str, hint: Tuple[str, str]) -> PlotError:
    return PlotError(
        f'Can\'t draw {_describe(x)} with `type = "{type}"`.',
        [("x", f'`type = "{type}"` needs {needs}.'), hint],
    )


@record
def plot_kind(x: Any, type: str = "auto") -> str:
    """The plot ``autoplot()`` draws for ``x``: one of :data:`KINDS` or "hist".

    ``type = "auto"`` picks a line for 1-D, a heatmap for 2-D, an image for
    3-D with 1, 3 or 4 leading channels (CHW) and a grid of images for 4-D
    (NCHW); anything else is a :class:`PlotError` with a hint about ``type``.
    ``type = "lines"`` takes a 2-D tensor (a line per column) or a 1-D one
    (one column); ``type = "scatter"`` a 2-D tensor with an even number of
    columns, taken in pairs (x, y).

    Raises:
        PlotError: ``x`` can't be drawn, or not as ``type``.
        ArgError: ``type`` is not one of :data:`TYPES`.
    """
    if type not in TYPES:
        raise ArgError(f"`type` must be one of {', '.join(repr(t) for t in TYPES)}.", [("x", f"It is {type!r}.")])
    _check_plottable(x)
    if type == "hist":
        return "hist"
    if type == "auto":
        return _auto_kind(x)
    if x.dim() == 0 and type in ("lines", "scatter"):
        raise _zero_d_error()
    if type == "scatter":
        _check_scatter(x)
        return "scatter"
    if type == "image":
        _check_image(x)
        return "image"
    return _check_dims(x, type)


def _auto_kind(x: torch.Tensor) -> str:
    """``type = "auto"``: the plot for ``x``'s number of dims."""
    nd = x.dim()
    if nd == 1:
        return "line"
    if nd == 2:
        return "heatmap"
    if nd in (3, 4):
        if int(x.shape[nd - 3]) in CHANNELS:
            return "image"
        raise _channel_error(x, 'with `type = "auto"`')
    if nd == 0:
        raise _zero_d_error()
    raise PlotError(
        f"Can't choose a plot for {_describe(x)}.",
        [("x", '`type = "auto"` draws 1-D (line), 2-D (heatmap), 3-D CHW (image) and 4-D NCHW '
               "(grid of images) tensors."),
         ("i", "Select a slice first, e.g. `x$select(0L, 0L)` drops the first dimension."),
         _HIST_HINT],
    )


def _check_dims(x: torch.Tensor, type: str) -> str:
    """``type`` ("line", "lines" or "heatmap") if ``x`` has dims it draws."""
    nd = x.dim()
    if type == "line" and nd != 1:
        hint = ('Use `type = "lines"` for one line per column, or flatten it first: `x$flatten()`.' if nd == 2 else
                'Flatten it first, `x$flatten()`, or use `type = "auto"`.')
        raise _wrong_dims(x, "line", "a 1-D tensor", ("i", hint))
    if type == "lines" and nd not in (1, 2):
        raise _wrong_dims(x, "lines", "a 2-D tensor (a line per column) or a 1-D one",
                          ("i", "Select a 2-D slice first, e.g. `x$select(0L, 0L)`, or use `type = \"hist\"`."))
    if type == "heatmap" and nd != 2:
        raise _wrong_dims(x, "heatmap", "a 2-D tensor",
                          ("i", "Select a 2-D slice first, e.g. `x$select(0L, 0L)`, or use `type = \"auto\"`."))
    return type


def _check_image(x: torch.Tensor) -> None:
    """An image is 2-D (HW), or 3-D/4-D with 1, 3 or 4 channels (CHW, NCHW)."""
    nd = x.dim()
    if nd not in (2, 3, 4):
        raise _wrong_dims(x, "image", "a 2-D (HW), 3-D (CHW) or 4-D (NCHW) tensor",
                          ("i", 'Use `type = "line"` or `type = "hist"` for a 1-D tensor.'))
    if nd > 2 and int(x.shape[nd - 3]) not in CHANNELS:
        raise _channel_error(x, 'with `type = "image"`')


def _check_scatter(x: torch.Tensor) -> None:
    """A scatter plot needs a 2-D tensor with an even number of columns (x, y pairs)."""
    nd = x.dim()
    needs = "a 2-D tensor with x and y columns: n x 2, or n x k with k even (columns in pairs)"
    if nd == 1:
        raise _wrong_dims(x, "scatter", needs,
                          ("i", 'Use `type = "line"` for a 1-D tensor, or `x$view(c(-1L, 2L))` if it holds '
                                "x, y, x, y, ... values."))
    if nd != 2:
        raise _wrong_dims(x, "scatter", needs,
                          ("i", "Points in the last dimension? Put them in rows first: `x$flatten(0L, -2L)`."))
    k = int(x.shape[1])
    if k % 2:
        hint = ("Draw the column against the row index: `type = \"lines\"`." if k == 1 else
                "Draw two of its columns, e.g. the first two: `x$narrow(1L, 0L, 2L)`, or each column "
                "against the row index: `type = \"lines\"`.")
        raise PlotError(
            f'Can\'t draw {_describe(x)} with `type = "scatter"`.',
            [("x", f"Columns are drawn in pairs, (1, 2), (3, 4), ..., and it has {k} column{'s' if k > 1 else ''}: "
                   "an odd number."),
             ("i", hint)],
        )


def image_range(x: torch.Tensor) -> int:
    """The top of an image's value range: 1 for ``[0, 1]``, 255 for ``[0, 255]``.

    uint8 is always 255; bool is 1. Other dtypes: 1 when the finite values
    lie in ``[0, 1]``, else 255 when they lie in ``[0, 255]``.

    Raises:
        PlotError: values outside ``[0, 255]``.
    """
    if x.dtype == torch.uint8:
        return 255
    if x.dtype == torch.bool:
        return 1
    if x.dtype.is_floating_point:
        finite = torch.isfinite(x)
        vals = x if bool(finite.all()) else x[finite]
    else:
        vals = x
    if vals.numel() == 0:
        return 1
    lo, hi = (float(v) for v in torch.aminmax(vals))
    if lo >= 0 and hi <= 1:
        return 1
    if lo >= 0 and hi <= 255:
        return 255
    raise PlotError(
        "Can't draw an image with values outside [0, 1] or [0, 255].",
        [("x", f"Its values run from {lo:g} to {hi:g}."),
         ("i", "Rescale it to [0, 1] first, e.g. `x$sub(x$min())$div(x$max()$sub(x$min()))`."),
         ("i", 'Or draw one channel as a heatmap: `autoplot(x$select(0L, 0L), type = "heatmap")`.')],
    )


def _factors(h: int, w: int, limit: int) -> Tuple[int, int]:
    """Block sizes ``(kh, kw)`` so that an ``h x w`` grid pooled by them has at most ``limit`` cells.

    Blocks are square (so pixels stay square) unless one side of the grid
    is shorter than the block.
    """
    if h * w <= limit:
        return 1, 1
    k = max(1, math.isqrt(h * w // limit))
    while _cdiv(h, k) * _cdiv(w, k) > limit:
        if k >= h:
            k = max(k + 1, _cdiv(w, limit))
        elif k >= w:
            k = max(k + 1, _cdiv(h, limit))
        else:
            k += 1
    return min(k, h), min(k, w)


def _floating(x: torch.Tensor) -> torch.Tensor:
    """``x`` as a float tensor pooling can work on (float64 kept, except on MPS)."""
    if x.dtype == torch.float32 or (x.dtype == torch.float64 and x.device.type != "mps"):
        return x
    return x.to(torch.float32)


def _pool2d(x: torch.Tensor, kh: int, kw: int) -> torch.Tensor:
    """Average the last two dimensions of a 4-D tensor over ``kh x kw`` blocks."""
    if kh == 1 and kw == 1:
        return x
    return F.avg_pool2d(x, (kh, kw), (kh, kw), ceil_mode=True)


@record
def plot_reduce(x: Any, kind: str, max_points: Any = 2**18, max_images: Any = 16) -> Dict[str, Any]:
    """A float tensor of ``x`` small enough to draw as ``kind``, made on ``x``'s device.

    Args:
        x: the tensor (1-D for "line", 1-D or 2-D for "lines", 2-D with an
            even number of columns for "scatter", 2-D for "heatmap", 2-D,
            3-D or 4-D for "image", as :func:`plot_kind` says).
        kind: one of :data:`KINDS`.
        max_points: the most values to draw (pixels for images, over all
            images of a grid; rows times columns for lines; points, rows
            times column pairs, for a scatter plot).
        max_images: the most images of a 4-D tensor to draw (the first ones).

    Returns:
        A dict: ``tensor`` (the values to draw, float, same number of
        dimensions as ``x``; 2-D for "lines", a 1-D ``x`` as one column),
        ``shape`` (``x``'s shape), ``factors`` (the window, or block height
        and width, values were averaged over; all 1 when nothing was
        averaged; ``[k, 1]`` for lines), ``step`` (scatter: every
        ``step``-th row is kept, 1 for all; else ``None``), ``images`` and
        ``shown`` (for a 4-D image tensor: how many it has and how many are
        drawn; else ``None``), ``range`` (images: 1 or 255) and ``device``.
    """
    if kind not in KINDS:
        raise ArgError(f"`kind` must be one of {', '.join(repr(k) for k in KINDS)}.", [("x", f"It is {kind!r}.")])
    plot_kind(x, kind)
    limit = max(1, int(max_points))
    out: Dict[str, Any] = {"shape": [int(s) for s in x.shape], "images": None, "shown": None,
                           "range": None, "step": None, "device": str(x.device)}
    with torch.no_grad():
        t = x.detach()
        if kind == "image":
            out.update(_reduce_image(t, limit, max_images))
        else:
            out.update(_REDUCERS[kind](t, limit))
    return out


def _reduce_line(t: torch.Tensor, limit: int) -> Dict[str, Any]:
    n = t.shape[0]
    k = _cdiv(n, limit)
    t = _floating(t)
    if k > 1:
        t = F.avg_pool1d(t.view(1, 1, n), k, k, ceil_mode=True).view(-1)
    return {"tensor": t, "factors": [k]}


def _reduce_lines(t: torch.Tensor, limit: int) -> Dict[str, Any]:
    t = t.reshape(-1, 1) if t.dim() == 1 else t
    n, m = t.shape
    # every column is kept; rows are averaged so that rows x columns fit
    k = _cdiv(n, max(1, limit // m))
    t = _floating(t)
    if k > 1:
        # as 1 x m x n: each column is a channel, pooled along its rows
        t = F.avg_pool1d(t.t()[None], k, k, ceil_mode=True)[0].t()
    return {"tensor": t, "factors": [k, 1]}


def _reduce_scatter(t: torch.Tensor, limit: int) -> Dict[str, Any]:
    n, m = t.shape
    step = _cdiv(n, max(1, limit // (m // 2)))
    if step > 1:
        t = t[::step]
    return {"tensor": _floating(t), "factors": [1, 1], "step": step}


def _reduce_heatmap(t: torch.Tensor, limit: int) -> Dict[str, Any]:
    h, w = t.shape
    kh, kw = _factors(h, w, limit)
    return {"tensor": _pool2d(_floating(t)[None, None], kh, kw)[0, 0], "factors": [kh, kw]}


_REDUCERS = {"line": _reduce_line, "lines": _reduce_lines, "scatter": _reduce_scatter, "heatmap": _reduce_heatmap}


def _reduce_image(t: torch.Tensor, limit: int, max_images: Any) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    nd = t.dim()
    if nd == 4:
        out["images"] = int(t.shape[0])
        t = t[: max(1, int(max_images))]
        out["shown"] = int(t.shape[0])
    out["range"] = image_range(t)
    # as N x C x H x W: a 2-D grey image is one image of one channel
    batch = t.reshape((-1,) + tuple(t.shape[-3:])) if nd > 2 else t.reshape((1, 1) + tuple(t.shape))
    n, h, w = batch.shape[0], batch.shape[-2], batch.shape[-1]
    kh, kw = _factors(h, w, max(1, limit // n))
    pooled = _pool2d(_floating(batch), kh, kw)
    out.update(tensor=pooled.reshape(tuple(t.shape[:-2]) + tuple(pooled.shape[-2:])), factors=[kh, kw])
    return out


@record
def plot_histogram(x: Any, bins: Any = 30) -> Dict[str, Any]:
    """Counts of ``x``'s finite values in ``bins`` equal bins, on ``x``'s device.

    The bins run from the smallest to the largest finite value (a single
    value ``v`` gets the bin ``[v - 0.5, v + 0.5]``); the largest value is
    counted in the last bin. NaN and infinite values are left out.

    Returns:
        A dict: ``counts`` (an int64 tensor of ``bins`` counts), ``lo`` and
        ``hi`` (the outer edges), ``n`` (values counted) and ``dropped``
        (non-finite values left out).
    """
    plot_kind(x, "hist")
    bins = max(1, int(bins))
    with torch.no_grad():
        t = _floating(x.detach().reshape(-1))
        finite = torch.isfinite(t)
        vals = t if bool(finite.all()) else t[finite]
        if vals.numel() == 0:
            raise PlotError(
                "Can't draw a histogram of a tensor with no finite values.",
                [("x", f"All {t.numel()} values are NaN or infinite.")],
            )
        lo, hi = (float(v) for v in torch.aminmax(vals))
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        # bin i holds [lo + i * width, lo + (i + 1) * width), the last one also hi;
        # counted as int64, exact at any size (histc counts in the input's float
        # dtype), a piece at a time: a piece's bin numbers, not the tensor's
        counts = torch.zeros(bins, dtype=torch.int64, device=vals.device)
        piece = _memory.work_piece(vals.device)
        for a in range(0, vals.numel(), piece):
            index = vals[a:a + piece].sub(lo).mul_(bins / (hi - lo)).floor_().clamp_(0, bins - 1).to(torch.int64)
            counts += torch.bincount(index, minlength=bins)
    return {"counts": counts, "lo": lo, "hi": hi}
