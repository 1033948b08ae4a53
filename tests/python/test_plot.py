"""_plot: which plot autoplot() draws, and the reduction on the tensor's device.

The rules (?autoplot.torch.Tensor): type = "auto" draws 1-D as a
line, 2-D as a heatmap, 3-D with 1, 3 or 4 leading channels as an image and
4-D NCHW as a grid of images; anything else is a plot error with a hint about
``type``. ``type = "lines"`` draws a line per column of a 2-D tensor (a 1-D
one is one column), ``type = "scatter"`` a 2-D tensor's columns in pairs.
Lines, heatmaps and images with more than ``max_points`` values are averaged
on their device; a scatter plot keeps one row in ``step`` instead; a
histogram is counted there.
"""

import math

import pytest
import torch

import torchbridge as tb
from torchbridge import _plot as P
from torchbridge._errors import ArgError, PlotError

HIST_HINT = ("i", 'Use `type = "hist"` for the distribution of its values.')


# --- which plot ---------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, kind",
    [
        ((5,), "line"),
        ((1,), "line"),
        ((3, 4), "heatmap"),
        ((1, 8, 8), "image"),
        ((3, 8, 8), "image"),
        ((4, 8, 8), "image"),
        ((2, 1, 8, 8), "image"),
        ((7, 3, 8, 8), "image"),
        ((1, 4, 2, 2), "image"),
    ],
)
def test_auto_picks_by_dimensions(shape, kind):
    assert tb.plot_kind(torch.zeros(shape), "auto") == kind


@pytest.mark.parametrize("shape", [(5,), (1,), (3, 4), (7, 1), (1, 9)])
def test_lines_takes_1d_and_2d(shape):
    assert tb.plot_kind(torch.zeros(shape), "lines") == "lines"


@pytest.mark.parametrize("shape", [(5, 2), (1, 2), (3, 4), (3, 10)])
def test_scatter_takes_an_even_number_of_columns(shape):
    assert tb.plot_kind(torch.zeros(shape), "scatter") == "scatter"


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int64, torch.bool, torch.float16, torch.bfloat16, torch.float64])
def test_lines_and_scatter_take_real_dtypes(dtype):
    x = torch.zeros(3, 4, dtype=dtype)
    assert (tb.plot_kind(x, "lines"), tb.plot_kind(x, "scatter")) == ("lines", "scatter")


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (5, 8, 8), (2, 2, 2, 2, 2)])
def test_hist_takes_any_shape(shape):
    assert tb.plot_kind(torch.zeros(shape), "hist") == "hist"


@pytest.mark.parametrize("shape", [(3, 4), (1, 3, 4), (3, 3, 4), (4, 3, 4), (2, 3, 5, 5)])
def test_image_takes_2d_and_channels_first(shape):
    assert tb.plot_kind(torch.zeros(shape), "image") == "image"


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int64, torch.bool, torch.float16, torch.bfloat16])
def test_other_dtypes_plot(dtype):
    assert tb.plot_kind(torch.zeros(3, 4, dtype=dtype)) == "heatmap"


def test_3d_without_channels_first_is_an_error():
    with pytest.raises(PlotError) as ei:
        tb.plot_kind(torch.zeros(5, 28, 28), "auto")
    e = ei.value
    assert e.kind == "plot"
    assert e.message == 'Can\'t draw a 3-D tensor of shape 5 x 28 x 28 with `type = "auto"`.'
    assert e.bullets == [
        ("x", "Images are channels first (CHW): the first dimension must be 1, 3 or 4 channels, and it is 5."),
        ("i", "Channels last? Permute first: `x$permute(c(2L, 0L, 1L))`."),
        HIST_HINT,
    ]


def test_4d_without_channels_second_is_an_error():
    with pytest.raises(PlotError) as ei:
        tb.plot_kind(torch.zeros(2, 28, 28, 3), "image")
    e = ei.value
    assert e.message == 'Can\'t draw a 4-D tensor of shape 2 x 28 x 28 x 3 with `type = "image"`.'
    assert e.bullets[0] == (
        "x", "Images are channels first (NCHW): the second dimension must be 1, 3 or 4 channels, and it is 28.")
    assert e.bullets[1] == ("i", "Channels last? Permute first: `x$permute(c(0L, 3L, 1L, 2L))`.")


def test_5d_is_an_error_with_hints():
    with pytest.raises(PlotError) as ei:
        tb.plot_kind(torch.zeros(2, 2, 2, 2, 2))
    e = ei.value
    assert e.message == "Can't choose a plot for a 5-D tensor of shape 2 x 2 x 2 x 2 x 2."
    assert e.bullets == [
        ("x", '`type = "auto"` draws 1-D (line), 2-D (heatmap), 3-D CHW (image) and 4-D NCHW (grid of images) tensors.'),
        ("i", "Select a slice first, e.g. `x$select(0L, 0L)` drops the first dimension."),
        HIST_HINT,
    ]


def test_0d_is_an_error_with_hints():
    with pytest.raises(PlotError) as ei:
        tb.plot_kind(torch.tensor(1.0))
    assert ei.value.message == "Can't plot a 0-d tensor: it holds a single value."
    assert ei.value.bullets == [("i", "Get the value with `from_torch(x)`."), HIST_HINT]


@pytest.mark.parametrize(
    "type, shape, needs",
    [
        ("line", (3, 4), "a 1-D tensor"),
        ("heatmap", (5,), "a 2-D tensor"),
        ("heatmap", (3, 4, 5), "a 2-D tensor"),
        ("image", (5,), "a 2-D (HW), 3-D (CHW) or 4-D (NCHW) tensor"),
        ("image", (1, 1, 1, 1, 1), "a 2-D (HW), 3-D (CHW) or 4-D (NCHW) tensor"),
    ],
)
def test_explicit_type_needs_its_dimensions(type, shape, needs):
    x = torch.zeros(shape)
    with pytest.raises(PlotError) as ei:
        tb.plot_kind(x, type)
    e = ei.value
    assert e.message.startswith(f"Can't draw a {len(shape)}-D tensor of shape ")
    assert e.message.endswith(f'with `type = "{type}"`.')
    assert e.bullets[0] == ("x", f'`type = "{type}"` needs {needs}.')
    assert e.bullets[1][0] == "i" and "type = " in e.bullets[1][1]


@pytest.mark.parametrize("k", [1, 3, 5])
def test_scatter_with_an_odd_number_of_columns_is_an_error(k):
    with pytest.raises(PlotError) as ei:
        tb.plot_kind(torch.zeros(4, k), "scatter")
    e = ei.value
    assert e.message == f'Can\'t draw a 2-D tensor of shape 4 x {k} with `type = "scatter"`.'
    s = "" if k == 1 else "s"
    assert e.bullets[0] == ("x", f"Columns are drawn in pairs, (1, 2), (3, 4), ..., and it has {k} column{s}: an odd number.")
    assert e.bullets[1][0] == "i" and '`type = "lines"`' in e.bullets[1][1]
    assert ("narrow" in e.bullets[1][1]) == (k > 1)


@pytest.mark.parametrize(
    "type, shape, hint",
    [
        ("scatter", (6,), 'Use `type = "line"` for a 1-D tensor, or `x$view(c(-1L, 2L))` if it holds x, y, x, y, ... values.'),
        ("scatter", (3, 5, 2), "Points in the last dimension? Put them in rows first: `x$flatten(0L, -2L)`."),
        ("lines", (3, 5, 2), 'Select a 2-D slice first, e.g. `x$select(0L, 0L)`, or use `type = "hist"`.'),
        ("line", (3, 4), 'Use `type = "lines"` for one line per column, or flatten it first: `x$flatten()`.'),
    ],
)
def test_lines_and_scatter_hints(type, shape, hint):
    with pytest.raises(PlotError) as ei:
        tb.plot_kind(torch.zeros(shape), type)
    needs = {"scatter": "a 2-D tensor with x and y columns: n x 2, or n x k with k even (columns in pairs)",
             "lines": "a 2-D tensor (a line per column) or a 1-D one", "line": "a 1-D tensor"}[type]
    assert ei.value.bullets == [("x", f'`type = "{type}"` needs {needs}.'), ("i", hint)]


@pytest.mark.parametrize("type", ["lines", "scatter"])
def test_0d_lines_and_scatter_say_it_is_one_value(type):
    with pytest.raises(PlotError) as ei:
        tb.plot_kind(torch.tensor(1.0), type)
    assert ei.value.message == "Can't plot a 0-d tensor: it holds a single value."


@pytest.mark.parametrize("type", ["lines", "scatter"])
@pytest.mark.parametrize(
    "x, message",
    [
        (torch.zeros(3, 2, dtype=torch.complex64), "Can't plot a complex tensor."),
        (torch.zeros(0, 2), "Can't plot an empty tensor."),
        (torch.zeros(3, 2).to_sparse(), "Can't plot a sparse_coo tensor."),
        (torch.empty(3, 2, device="meta"), "Can't plot a tensor on the meta device: it holds no data."),
    ],
)
def test_lines_and_scatter_refuse_what_nothing_can_draw(type, x, message):
    with pytest.raises(PlotError) as ei:
        tb.plot_reduce(x, type, 100)
    assert ei.value.message == message


@pytest.mark.parametrize(
    "x, message, hint",
    [
        (torch.zeros(2, dtype=torch.complex64), "Can't plot a complex tensor.",
         "Plot its modulus, `x$abs()`, or its real part, `x$real`."),
        (torch.zeros(2, 3).to_sparse(), "Can't plot a sparse_coo tensor.", "Make it dense first: `x$to_dense()`."),
        (torch.empty(2, device="meta"), "Can't plot a tensor on the meta device: it holds no data.",
         "Meta tensors carry only shape and dtype; create the tensor on a real device."),
    ],
)
def test_tensors_that_cannot_be_plotted(x, message, hint):
    for type in ("auto", "hist"):
        with pytest.raises(PlotError) as ei:
            tb.plot_kind(x, type)
        assert ei.value.message == message
        assert ei.value.bullets == [("i", hint)]


def test_empty_tensor():
    with pytest.raises(PlotError) as ei:
        tb.plot_kind(torch.zeros(0, 3), "hist")
    assert ei.value.message == "Can't plot an empty tensor."
    assert ei.value.bullets == [("x", "Its shape is 0 x 3.")]


def test_not_a_tensor():
    with pytest.raises(PlotError) as ei:
        tb.plot_kind([1, 2], "auto")
    assert ei.value.bullets == [("x", "It is a Python list.")]


def test_unknown_type_is_an_arg_error():
    with pytest.raises(ArgError) as ei:
        tb.plot_kind(torch.zeros(2), "pie")
    assert ei.value.kind == "arg"
    assert ei.value.bullets == [("x", "It is 'pie'.")]


def test_errors_are_recorded_for_r():
    tb.take_last_error()
    with pytest.raises(PlotError):
        tb.plot_kind(torch.zeros(5, 2, 2))
    err = tb.take_last_error()
    assert err["kind"] == "plot"
    assert err["python"].startswith("PlotError: Can't draw a 3-D tensor")


# --- image range --------------------------------------------------------------


@pytest.mark.parametrize(
    "values, dtype, top",
    [
        ([0, 1], torch.uint8, 255),  # uint8 is always [0, 255]
        ([0, 200], torch.uint8, 255),
        ([0.0, 0.5, 1.0], torch.float32, 1),
        ([0.0, 1.5], torch.float32, 255),
        ([0.0, 255.0], torch.float64, 255),
        ([0, 1], torch.int64, 1),
        ([0, 17], torch.int32, 255),
        ([False, True], torch.bool, 1),
        ([0.25, math.nan, math.inf], torch.float32, 1),  # non-finite values don't count
        ([math.nan], torch.float32, 1),
    ],
)
def test_image_range(values, dtype, top):
    assert P.image_range(torch.tensor(values, dtype=dtype)) == top


@pytest.mark.parametrize("values, shown", [([-0.5, 1.0], "-0.5 to 1"), ([0.0, 256.0], "0 to 256"),
                                           ([-3, 5], "-3 to 5")])
def test_image_range_outside_both_is_an_error(values, shown):
    with pytest.raises(PlotError) as ei:
        P.image_range(torch.tensor(values))
    e = ei.value
    assert e.message == "Can't draw an image with values outside [0, 1] or [0, 255]."
    assert e.bullets[0] == ("x", f"Its values run from {shown}.")
    assert e.bullets[1] == ("i", "Rescale it to [0, 1] first, e.g. `x$sub(x$min())$div(x$max()$sub(x$min()))`.")


# --- block sizes --------------------------------------------------------------


@pytest.mark.parametrize(
    "h, w, limit, expected",
    [
        (10, 10, 100, (1, 1)),
        (10, 10, 99, (2, 2)),
        (10, 10, 25, (2, 2)),
        (10, 10, 24, (3, 3)),
        (1000, 3000, 2**18, (4, 4)),
        (10, 10**7, 2**18, (10, 39)),  # the short side is averaged whole, the long one more
        (10**7, 10, 2**18, (39, 10)),
        (3, 7, 1, (3, 7)),
        (1, 10**12, 1, (1, 10**12)),
    ],
)
def test_factors(h, w, limit, expected):
    assert P._factors(h, w, limit) == expected


@pytest.mark.parametrize("h", [1, 2, 7, 64, 333, 1000])
@pytest.mark.parametrize("w", [1, 5, 64, 999, 4096])
@pytest.mark.parametrize("limit", [1, 10, 1000, 2**18])
def test_factors_respect_the_limit(h, w, limit):
    kh, kw = P._factors(h, w, limit)
    assert 1 <= kh <= h and 1 <= kw <= w
    assert math.ceil(h / kh) * math.ceil(w / kw) <= limit
    if kh < h and kw < w:
        assert kh == kw  # square blocks keep pixels square


# --- reduction ----------------------------------------------------------------


def test_line_small_is_kept_as_float():
    r = tb.plot_reduce(torch.tensor([3, 1, 2]), "line", 10)
    assert r["tensor"].dtype == torch.float32
    assert r["tensor"].tolist() == [3.0, 1.0, 2.0]
    assert r["factors"] == [1]
    assert r["shape"] == [3]
    assert r["device"] == "cpu"
    assert r["images"] is None and r["shown"] is None and r["range"] is None


def test_line_float64_stays_float64():
    r = tb.plot_reduce(torch.tensor([0.1, 0.2], dtype=torch.float64), "line", 10)
    assert r["tensor"].dtype == torch.float64
    assert r["tensor"].tolist() == [0.1, 0.2]


def test_line_is_averaged_over_windows():
    r = tb.plot_reduce(torch.arange(1.0, 11.0), "line", 4)  # 10 values, at most 4: windows of 3
    assert r["factors"] == [3]
    assert r["tensor"].tolist() == [2.0, 5.0, 8.0, 10.0]  # the last window holds one value
    assert r["shape"] == [10]


def test_heatmap_is_averaged_over_blocks():
    x = torch.arange(1.0, 26.0).view(5, 5)
    r = tb.plot_reduce(x, "heatmap", 9)
    assert r["factors"] == [2, 2]
    assert r["tensor"].tolist() == [[4.0, 6.0, 7.5], [14.0, 16.0, 17.5], [21.5, 23.5, 25.0]]
    assert r["shape"] == [5, 5]


def test_heatmap_small_is_not_averaged():
    x = torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)
    r = tb.plot_reduce(x, "heatmap", 4)
    assert r["factors"] == [1, 1]
    assert r["tensor"].tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_image_range_is_found_before_pooling():
    x = torch.full((3, 4, 4), 1, dtype=torch.uint8)  # 1 of 255, not 1 of 1
    r = tb.plot_reduce(x, "image", 4)
    assert r["range"] == 255
    assert r["factors"] == [2, 2]
    assert r["tensor"].shape == (3, 2, 2)
    assert r["tensor"].dtype == torch.float32
    assert r["tensor"].unique().tolist() == [1.0]


def test_image_batch_keeps_the_first_images():
    x = torch.arange(10.0).view(10, 1, 1, 1).expand(10, 1, 4, 4).div(10)
    r = tb.plot_reduce(x, "image", 10**6, 3)
    assert r["images"] == 10 and r["shown"] == 3
    assert r["range"] == 1
    assert r["tensor"].shape == (3, 1, 4, 4)
    assert r["tensor"][:, 0, 0, 0].tolist() == pytest.approx([0.0, 0.1, 0.2])


def test_image_batch_shares_max_points():
    x = torch.rand(4, 3, 8, 8)
    r = tb.plot_reduce(x, "image", 64, 16)  # 16 pixels an image: 4 x 4
    assert r["factors"] == [2, 2]
    assert r["tensor"].shape == (4, 3, 4, 4)
    assert torch.allclose(r["tensor"], torch.nn.functional.avg_pool2d(x, 2))


def test_grey_image_2d():
    r = tb.plot_reduce(torch.tensor([[0, 128], [255, 64]], dtype=torch.uint8), "image", 100)
    assert r["range"] == 255
    assert r["tensor"].tolist() == [[0.0, 128.0], [255.0, 64.0]]


def test_lines_small_is_kept_as_float():
    x = torch.tensor([[1, 2], [3, 4], [5, 6]])
    r = tb.plot_reduce(x, "lines", 6)
    assert r["tensor"].dtype == torch.float32
    assert r["tensor"].tolist() == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    assert r["factors"] == [1, 1]
    assert r["shape"] == [3, 2]
    assert r["step"] is None and r["images"] is None and r["range"] is None
    x64 = torch.tensor([[0.1, 0.2]], dtype=torch.float64)
    assert tb.plot_reduce(x64, "lines", 10)["tensor"].dtype == torch.float64


def test_lines_1d_is_one_column():
    r = tb.plot_reduce(torch.tensor([3.0, 1.0, 2.5]), "lines", 10)
    assert r["tensor"].shape == (3, 1)
    assert r["tensor"][:, 0].tolist() == [3.0, 1.0, 2.5]
    assert r["shape"] == [3]
    r = tb.plot_reduce(torch.arange(1.0, 11.0), "lines", 4)  # as a line: windows of 3
    assert r["factors"] == [3, 1]
    assert r["tensor"][:, 0].tolist() == [2.0, 5.0, 8.0, 10.0]


def test_lines_are_averaged_per_column_over_windows_of_rows():
    x = torch.arange(1.0, 31.0).view(3, 10).t()  # 10 x 3, columns 1..10, 11..20, 21..30
    x[4, 1] = math.nan
    r = tb.plot_reduce(x, "lines", 12)  # 4 rows a column: windows of 3 rows
    assert r["factors"] == [3, 1]
    t = r["tensor"]
    assert t.shape == (4, 3)
    assert t[:, 0].tolist() == [2.0, 5.0, 8.0, 10.0]
    assert t[:, 2].tolist() == [22.0, 25.0, 28.0, 30.0]
    assert t[0, 1].item() == 12.0 and math.isnan(t[1, 1].item())  # a window with a NaN is NaN
    assert t[2:, 1].tolist() == [18.0, 20.0]


def test_lines_keep_every_column():
    r = tb.plot_reduce(torch.ones(50, 8), "lines", 4)  # fewer values than columns
    assert r["factors"] == [50, 1]
    assert r["tensor"].shape == (1, 8)


def test_lines_match_a_mean_in_python():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(1000, 4, generator=g, dtype=torch.float64)
    r = tb.plot_reduce(x, "lines", 400)  # 100 rows: windows of 10
    assert r["factors"] == [10, 1]
    assert torch.allclose(r["tensor"], x.view(100, 10, 4).mean(1), rtol=0, atol=1e-14)


def test_scatter_small_is_kept():
    x = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8]])
    r = tb.plot_reduce(x, "scatter", 4)
    assert r["step"] == 1
    assert r["factors"] == [1, 1]
    assert r["tensor"].dtype == torch.float32
    assert r["tensor"].tolist() == [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]
    x64 = torch.tensor([[0.1, 0.2]], dtype=torch.float64)
    assert tb.plot_reduce(x64, "scatter", 1)["tensor"].dtype == torch.float64


def test_scatter_keeps_one_row_in_step_and_never_averages():
    x = torch.arange(400.0).view(100, 4)  # 200 points
    r = tb.plot_reduce(x, "scatter", 50)  # 25 rows of 2 pairs
    assert r["step"] == 4
    assert r["tensor"].shape == (25, 4)
    assert torch.equal(r["tensor"], x[0::4])
    assert r["shape"] == [100, 4]
    r = tb.plot_reduce(x, "scatter", 51)  # 25 rows still: step 4 again
    assert r["step"] == 4
    r = tb.plot_reduce(x, "scatter", 1)  # fewer points than pairs: one row
    assert r["step"] == 100 and r["tensor"].tolist() == [[0.0, 1.0, 2.0, 3.0]]
    r = tb.plot_reduce(torch.arange(10.0).view(5, 2), "scatter", 2)  # a partial last step
    assert r["step"] == 3 and r["tensor"].tolist() == [[0.0, 1.0], [6.0, 7.0]]


def test_reduce_detaches():
    x = torch.ones(4, 4, requires_grad=True)
    r = tb.plot_reduce(x, "heatmap", 4)
    assert not r["tensor"].requires_grad


def test_reduce_checks_its_kind():
    with pytest.raises(ArgError) as ei:
        tb.plot_reduce(torch.ones(3), "hist")
    assert ei.value.message == "`kind` must be one of 'line', 'lines', 'scatter', 'heatmap', 'image'."
    with pytest.raises(PlotError):
        tb.plot_reduce(torch.ones(3, 3), "scatter")
    with pytest.raises(PlotError):
        tb.plot_reduce(torch.ones(3, 3, 3), "lines")
    with pytest.raises(PlotError):
        tb.plot_reduce(torch.ones(3), "heatmap")
    with pytest.raises(PlotError):
        tb.plot_reduce(torch.full((3, 2, 2), 300.0), "image")


# --- histogram ----------------------------------------------------------------


def test_histogram_counts():
    x = torch.tensor([0.0, 1.0, 2.0, 3.0, 4.0, 4.0, math.nan, math.inf, -math.inf])
    h = tb.plot_histogram(x, 4)
    assert h["counts"].dtype == torch.int64
    assert h["counts"].tolist() == [1, 1, 1, 3]  # the largest value goes in the last bin
    assert (h["lo"], h["hi"], int(h["counts"].sum())) == (0.0, 4.0, 6)  # 3 NaN/Inf left out


def test_histogram_of_one_value():
    h = tb.plot_histogram(torch.full((2, 3), 7, dtype=torch.int64), 3)
    assert (h["lo"], h["hi"]) == (6.5, 7.5)
    assert h["counts"].tolist() == [0, 6, 0]


def test_histogram_matches_a_count_in_python():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(10000, generator=g, dtype=torch.float64)
    h = tb.plot_histogram(x, 30)
    lo, hi = float(x.min()), float(x.max())
    width = (hi - lo) / 30
    expected = [0] * 30
    for v in x.tolist():
        expected[min(29, int((v - lo) / width))] += 1
    assert h["counts"].tolist() == expected
    assert sum(expected) == 10000


def test_histogram_without_finite_values():
    with pytest.raises(PlotError) as ei:
        tb.plot_histogram(torch.tensor([math.nan, math.inf]), 10)
    assert ei.value.message == "Can't draw a histogram of a tensor with no finite values."
    assert ei.value.bullets == [("x", "All 2 values are NaN or infinite.")]


# --- on a GPU -----------------------------------------------------------------


@pytest.mark.cuda
def test_reduction_stays_on_the_gpu():
    x = torch.arange(1.0, 26.0, device="cuda").view(5, 5)
    r = tb.plot_reduce(x, "heatmap", 9)
    assert r["device"] == "cuda:0"
    assert r["tensor"].device.type == "cuda"
    assert r["tensor"].cpu().tolist() == [[4.0, 6.0, 7.5], [14.0, 16.0, 17.5], [21.5, 23.5, 25.0]]
    img = tb.plot_reduce(torch.full((2, 3, 4, 4), 255, dtype=torch.uint8, device="cuda"), "image", 8)
    assert img["range"] == 255 and img["tensor"].device.type == "cuda"


@pytest.mark.cuda
def test_lines_and_scatter_stay_on_the_gpu():
    x = torch.arange(1.0, 31.0, device="cuda", dtype=torch.float64).view(3, 10).t()
    r = tb.plot_reduce(x, "lines", 12)
    assert r["device"] == "cuda:0" and r["tensor"].device.type == "cuda"
    assert r["tensor"].dtype == torch.float64
    assert r["tensor"][:, 0].cpu().tolist() == [2.0, 5.0, 8.0, 10.0]
    s = tb.plot_reduce(torch.arange(400.0, device="cuda").view(100, 4), "scatter", 50)
    assert s["step"] == 4 and s["tensor"].device.type == "cuda"
    assert s["tensor"][:, 0].cpu().tolist() == [float(16 * i) for i in range(25)]


@pytest.mark.cuda
def test_histogram_on_the_gpu():
    h = tb.plot_histogram(torch.tensor([0.0, 1.0, 2.0, 3.0, 4.0, 4.0], device="cuda"), 4)
    assert h["counts"].device.type == "cuda"
    assert h["counts"].cpu().tolist() == [1, 1, 1, 3]
