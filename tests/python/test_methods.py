"""_methods: the tensor side of the R methods (Ops, Math, Summary, %*%, [, print)."""

import math

import pytest
import torch

import torchbridge as tb
from torchbridge._errors import (
    DeviceError,
    DtypeError,
    IndexOutOfRangeError,
    IndexTypeError,
    InputTypeError,
    NAError,
    ShapeError,
    TorchbridgeError,
    UnsupportedTensorError,
    ValueOverflowError,
)


_alive = []


def desc(v):
    """The descriptor R hands over for an R vector (see r_value() in R).

    R keeps the vector alive during the call; here the test module does.
    """
    _alive.append(v)
    return [v.address, v.rtype, str(v.length), v.dims]


def vals(t):
    return t.tolist()


def colmajor(t):
    """A tensor's values in R's column-major order."""
    return t.permute(list(range(t.dim()))[::-1]).reshape(-1).tolist()


M = torch.tensor([[1.5, -2.0, 3.0], [4.0, 5.0, -6.0]])  # float32, 2 x 3


# --- Ops -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "x, scalar, dtype",
    [
        (torch.tensor([1.5, 2.0]), 2.0, torch.float32),  # an R double does not widen float32
        (torch.tensor([1.5, 2.0], dtype=torch.float64), 2.0, torch.float64),
        (torch.tensor([1, 2]), 2.5, torch.float32),  # int64 with a double: the default float
        (torch.tensor([1, 2]), 2, torch.int64),  # int64 with an R integer
        (torch.tensor([1, 2], dtype=torch.int32), 2, torch.int32),
        (torch.tensor([True, False]), 2.0, torch.float32),
        (torch.tensor([True, False]), True, torch.int64),  # logicals count as integers
        (torch.tensor([1.0, 2.0], dtype=torch.float16), 2.0, torch.float16),
    ],
)
def test_scalar_dtypes_follow_torch_scalars(x, scalar, dtype):
    assert tb.binary("+", x, scalar).dtype == dtype
    assert tb.binary("*", scalar, x).dtype == dtype


def test_bool_arithmetic_is_integer_arithmetic():
    t = torch.tensor([True, True, False])
    f = torch.tensor([True, False, False])
    assert vals(tb.binary("+", t, f)) == [2, 1, 0]
    assert vals(tb.binary("-", t, f)) == [0, 1, 0]
    assert tb.binary("-", t, f).dtype == torch.int64
    assert vals(tb.binary("*", t, f)) == [1, 0, 0]
    assert tb.binary("*", t, f).dtype == torch.int64
    assert vals(tb.unary("-", t)) == [-1, -1, 0]
    assert vals(tb.unary("+", t)) == [1, 1, 0]


def test_division_and_power_of_integers_give_floats():
    x = torch.tensor([1, 2, 3])
    q = tb.binary("/", x, 2)
    assert q.dtype == torch.float32 and vals(q) == [0.5, 1.0, 1.5]
    p = tb.binary("^", x, 2)
    assert p.dtype == torch.float32 and vals(p) == [1.0, 4.0, 9.0]
    p = tb.binary("^", 2, x)
    assert p.dtype == torch.float32 and vals(p) == [2.0, 4.0, 8.0]
    p = tb.binary("^", torch.tensor([True, False]), torch.tensor([True, True]))
    assert p.dtype == torch.float32 and vals(p) == [1.0, 0.0]
    assert tb.binary("^", x, -1).tolist() == pytest.approx([1.0, 0.5, 1 / 3])


def test_modulo_and_integer_division_follow_r():
    a = torch.tensor([5.5, -5.5, 5.0, -5.0, 7.0, -7.0], dtype=torch.float64)
    b = torch.tensor([2.0, 2.0, math.inf, math.inf, -3.0, -3.0], dtype=torch.float64)
    # R: c(5.5, -5.5, 5, -5, 7, -7) %% c(2, 2, Inf, Inf, -3, -3)
    assert vals(tb.binary("%%", a, b)) == [1.5, 0.5, 5.0, math.inf, -2.0, -1.0]
    # R: ... %/% ...
    assert vals(tb.binary("%/%", a, b)) == [2.0, -3.0, 0.0, -1.0, -3.0, 2.0]
    r = tb.binary("%%", torch.tensor([5.0, 0.0]), 0.0)
    assert all(math.isnan(v) for v in vals(r))
    assert vals(tb.binary("%/%", torch.tensor([5.0, -5.0]), 0.0)) == [math.inf, -math.inf]
    i = tb.binary("%%", torch.tensor([-7, 7]), 3)
    assert i.dtype == torch.int64 and vals(i) == [2, 1]
    assert vals(tb.binary("%/%", torch.tensor([-7, 7]), 3)) == [-3, 2]


def test_integer_division_by_zero_is_an_na_error():
    with pytest.raises(NAError) as e:
        tb.binary("%/%", torch.tensor([5]), torch.tensor([0]))
    assert "zero divisor" in e.value.message
    assert ("x", "`e1` is an int64 tensor of shape (1) on cpu.") in e.value.bullets
    assert tb.take_last_error()["kind"] == "na"


def test_comparisons_and_logicals():
    x = torch.tensor([0.0, 1.5, -2.0])
    assert vals(tb.binary(">", x, 0.0)) == [False, True, False]
    assert vals(tb.binary("<=", 1.5, x)) == [False, True, False]  # R value on the left
    assert vals(tb.binary("&", x, torch.tensor([1, 1, 0]))) == [False, True, False]
    assert vals(tb.binary("|", x, False)) == [False, True, True]
    assert vals(tb.unary("!", x)) == [True, False, False]


def test_r_vectors_recycle_in_column_major_order(rmem):
    # R: matrix(c(1.5, 4, -2, 5, 3, -6), 2) + v
    two = rmem.double([10.0, 20.0])
    assert vals(tb.binary("+", M, desc(two))) == [[11.5, 8.0, 13.0], [24.0, 25.0, 14.0]]
    three = rmem.double([1.0, 2.0, 3.0])  # not a whole column: materialised
    assert colmajor(tb.binary("-", M, desc(three))) == [0.5, 2.0, -5.0, 4.0, 1.0, -9.0]
    six = rmem.integer([1, 2, 3, 4, 5, 6])
    out = tb.binary("*", desc(six), M)
    assert out.dtype == torch.float32 and colmajor(out) == [1.5, 8.0, -6.0, 20.0, 15.0, -36.0]
    arr = rmem.double([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3])
    assert colmajor(tb.binary("+", M, desc(arr))) == [2.5, 6.0, 1.0, 9.0, 8.0, 0.0]


def test_r_values_take_the_tensors_dtype_and_are_checked(rmem):
    f16 = torch.tensor([1.0, 2.0], dtype=torch.float16)
    assert tb.binary("+", f16, desc(rmem.double([0.5, 0.25]))).dtype == torch.float16
    x64 = torch.tensor([1, 2])
    with_na = rmem.integer([1, None])
    with pytest.raises(NAError) as e:
        tb.binary("+", x64, desc(with_na))
    assert e.value.message == "Can't use NA with an int64 tensor in `+`."
    assert ("x", "`e2` is an R integer vector of length 2.") in e.value.bullets
    got = tb.binary("+", torch.tensor([1.0, 2.0]), desc(with_na))
    assert got.tolist()[0] == 2.0 and math.isnan(got.tolist()[1])
    with pytest.raises(ValueOverflowError):
        tb.binary("+", torch.tensor([1], dtype=torch.uint8), 300)
    with pytest.raises(ValueOverflowError):
        tb.binary("+", torch.tensor([1], dtype=torch.uint8), desc(rmem.integer([300])))
    with pytest.raises(ValueOverflowError):
        tb.binary("*", torch.tensor([1.0], dtype=torch.float16), 1e6)


def test_shape_errors_name_both_sides(rmem):
    with pytest.raises(ShapeError) as e:
        tb.binary("+", M, desc(rmem.double([1.0, 2.0, 3.0, 4.0])))
    assert e.value.bullets == [
        ("x", "`e1` is a float32 tensor of shape (2, 3) on cpu."),
        ("x", "`e2` is an R double vector of length 4."),
        ("i", "The vector's length must divide the tensor's size, 6."),
    ]
    with pytest.raises(ShapeError) as e:
        tb.binary("+", M, desc(rmem.double([1.0] * 6, [3, 2])))
    assert ("x", "`e2` is an R double matrix of dims 3 x 2.") in e.value.bullets
    with pytest.raises(ShapeError) as e:
        tb.binary("*", M, torch.ones(4))
    assert e.value.message == "Can't apply `*` to tensors whose shapes don't broadcast."
    assert ("x", "`e2` is a float32 tensor of shape (4) on cpu.") in e.value.bullets
    assert tb.take_last_error()["kind"] == "shape"


def test_tensors_broadcast_as_torch_does():
    out = tb.binary("+", M, torch.tensor([1.0, 2.0, 3.0]))
    assert vals(out) == [[2.5, 0.0, 6.0], [5.0, 7.0, -3.0]]


def test_dtype_and_device_errors():
    z = torch.tensor([1 + 1j])
    with pytest.raises(DtypeError) as e:
        tb.binary("<", z, z)
    assert e.value.message == "Can't apply `<` to these dtypes."
    assert e.value.bullets[0] == ("x", "`e1` is a complex64 tensor of shape (1) on cpu.")
    with pytest.raises(DeviceError) as e:
        tb.binary("+", torch.ones(2), torch.ones(2, device="meta"))
    assert ("x", "`e2` is a float32 tensor of shape (2) on meta.") in e.value.bullets
    with pytest.raises(InputTypeError):
        tb.binary("+", torch.ones(1), object())


def test_zero_d_tensors_stay_zero_d():
    x = torch.tensor(2.5)
    assert tb.binary("*", x, 2.0).shape == ()
    assert tb.binary("*", x, 2.0).dtype == torch.float32


# --- Math ---------------------------------------------------------------------


def test_round_is_r_round():
    x = torch.tensor([0.15, 2.675, 1.005, 0.285, 2.5, -0.5, 0.125, -1.35], dtype=torch.float64)
    # R 4: round(c(0.15, 2.675, 1.005, 0.285), 1 or 2) and round(c(2.5, -0.5))
    assert vals(tb.math_op("round", x[:1], 1.0)) == [0.1]
    assert vals(tb.math_op("round", x[1:4], 2.0)) == [2.67, 1.0, 0.28]
    assert vals(tb.math_op("round", x[4:6])) == [2.0, -0.0]
    assert vals(tb.math_op("round", x[6:], 2.0)) == [0.12, -1.35]
    assert vals(tb.math_op("round", torch.tensor([1234.5678], dtype=torch.float64), -2.0)) == [1200.0]
    # float32 0.15 is 0.150000006: R rounds that double up
    f = tb.math_op("round", torch.tensor([0.15, 1.26]), 1.0)
    assert f.dtype == torch.float32 and vals(f) == [torch.tensor(0.2).item(), torch.tensor(1.3).item()]


def test_signif_is_r_signif():
    x = torch.tensor([123456.0, 0.0012345, -98.76, 0.0], dtype=torch.float64)
    assert vals(tb.math_op("signif", x, 2.0)) == [120000.0, 0.0012, -99.0, 0.0]
    assert vals(tb.math_op("signif", x, 0.0)) == [100000.0, 0.001, -100.0, 0.0]  # digits < 1 is 1


def test_integer_tensors_keep_their_dtype_where_results_are_whole():
    x = torch.tensor([[-3, 5], [12, -7]])
    for op in ("abs", "sign", "floor", "ceiling", "trunc", "round", "cumsum", "cummax"):
        assert tb.math_op(op, x).dtype == torch.int64, op
    assert vals(tb.math_op("round", x, -1.0)) == [[0, 0], [10, -10]]
    assert vals(tb.math_op("signif", torch.tensor([123, -45]), 1.0)) == [100, -40]
    assert vals(tb.math_op("abs", torch.tensor([True, False]))) == [1, 0]
    assert tb.math_op("sqrt", x).dtype == torch.float32
    assert tb.math_op("exp", torch.tensor([True])).dtype == torch.float32


def test_cumulative_functions_run_in_column_major_order():
    x = torch.tensor([[1, 2], [3, 4]])  # R: matrix(c(1, 3, 2, 4), 2)
    assert vals(tb.math_op("cumsum", x)) == [1, 4, 6, 10]
    assert vals(tb.math_op("cumprod", x)) == [1, 3, 6, 24]
    assert vals(tb.math_op("cummax", torch.tensor([1.0, 3.0, 2.0]))) == [1.0, 3.0, 3.0]
    assert vals(tb.math_op("cummin", torch.tensor([3, 1, 2]))) == [3, 1, 1]


def test_special_values_match_r():
    x = torch.tensor([0.0, -1.0, 1.0, 0.5, 0.25, math.nan], dtype=torch.float64)
    assert vals(tb.math_op("sinpi", x))[:5] == [0.0, 0.0, 0.0, 1.0, math.sin(math.pi / 4)]
    assert vals(tb.math_op("cospi", x))[:4] == [1.0, -1.0, -1.0, 0.0]
    assert vals(tb.math_op("tanpi", x))[4] == 1.0
    s = vals(tb.math_op("sign", x))
    assert s[:3] == [0.0, -1.0, 1.0] and math.isnan(s[5])
    d = vals(tb.math_op("digamma", torch.tensor([0.0, -2.0], dtype=torch.float64)))
    assert all(math.isnan(v) for v in d)
    assert vals(tb.math_op("trigamma", torch.tensor([0.0, -2.0], dtype=torch.float64))) == [math.inf, math.inf]
    g = vals(tb.math_op("gamma", torch.tensor([5.0, -0.5, -1.5, -1.0], dtype=torch.float64)))
    assert g[:3] == pytest.approx([24.0, -2 * math.sqrt(math.pi), 4 / 3 * math.sqrt(math.pi)])
    assert math.isnan(g[3])


def test_log_bases():
    x = torch.tensor([1.0, 8.0, 100.0], dtype=torch.float64)
    assert vals(tb.math_op("log", x, 2.0)) == [0.0, 3.0, math.log2(100.0)]
    assert vals(tb.math_op("log", x, 10.0)) == [0.0, math.log10(8.0), 2.0]
    assert vals(tb.math_op("log", x, 3.0)) == pytest.approx([0.0, math.log(8) / math.log(3), math.log(100) / math.log(3)])
    assert vals(tb.math_op("log", x)) == [0.0, math.log(8.0), math.log(100.0)]


def test_math_errors_are_classed():
    with pytest.raises(DtypeError) as e:
        tb.math_op("sign", torch.tensor([1 + 1j]))
    assert e.value.message == "Can't apply `sign()` to a complex64 tensor."


# --- Summary and mean ----------------------------------------------------------------


def test_summary_group():
    x = torch.tensor([[1.5, -2.0], [3.0, math.nan]])
    assert math.isnan(tb.summary("sum", [x]).item())
    assert tb.summary("sum", [x], True).item() == 2.5
    assert tb.summary("prod", [x], True).item() == -9.0
    assert tb.summary("min", [x], True).item() == -2.0
    assert vals(tb.summary("range", [x], True)) == [-2.0, 3.0]
    b = torch.tensor([True, True, False])
    s = tb.summary("sum", [b])
    assert s.dtype == torch.int64 and s.item() == 2 and s.shape == ()
    assert tb.summary("max", [b]).dtype == torch.int64
    assert tb.summary("any", [b]).item() is True
    assert tb.summary("all", [b]).item() is False


def test_summary_of_several_arguments(rmem):
    x = torch.tensor([1.0, 2.0])
    out = tb.summary("sum", [x, 10.0, desc(rmem.integer([3, 4])), torch.tensor([0.5])])
    assert out.dtype == torch.float32 and out.item() == 20.5
    assert vals(tb.summary("range", [x, desc(rmem.double([-1.0, 5.0]))])) == [-1.0, 5.0]
    assert tb.summary("max", [torch.tensor([1, 2]), 7]).item() == 7


def test_min_max_of_nothing_are_infinite():
    assert tb.summary("min", [torch.tensor([], dtype=torch.int64)]).item() == math.inf
    assert tb.summary("max", [torch.tensor([math.nan])], True).item() == -math.inf


def test_any_all_refuse_na_answers():
    x = torch.tensor([0.0, math.nan])
    with pytest.raises(NAError):
        tb.summary("any", [x])
    assert tb.summary("any", [x], True).item() is False
    assert tb.summary("any", [torch.tensor([1.0, math.nan])]).item() is True  # decided by the 1
    assert tb.summary("all", [x]).item() is False  # decided by the 0
    with pytest.raises(NAError):
        tb.summary("all", [torch.tensor([1.0, math.nan])])


def test_mean():
    m = tb.mean(torch.tensor([1, 2, 4]))
    assert m.dtype == torch.float32 and m.item() == pytest.approx(7 / 3) and m.shape == ()
    assert tb.mean(torch.tensor([1.0, math.nan, 3.0]), True).item() == 2.0
    assert math.isnan(tb.mean(torch.tensor([1.0, math.nan])).item())
    assert tb.mean(torch.tensor([True, False, False, True])).item() == 0.5


# --- matmul, t, aperm -----------------------------------------------------------------


def test_matmul_follows_r_rules_for_vectors():
    v3 = torch.tensor([1.0, 2.0, 3.0])
    m = torch.tensor([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])  # R: matrix(1:6, 2)
    assert vals(tb.matmul(v3, v3)) == [[14.0]]
    assert vals(tb.matmul(m, v3)) == [[22.0], [28.0]]
    assert vals(tb.matmul(torch.tensor([1.0, 2.0]), m)) == [[5.0, 11.0, 17.0]]
    assert tb.matmul(2.0, v3).shape == (1, 3)  # R: 2 %*% 1:3
    assert tb.matmul(torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([1.0, 2.0])).shape == (3, 2)
    with pytest.raises(ShapeError):
        tb.matmul(v3, 2.0)  # R: 1:3 %*% 2 is non-conformable
    with pytest.raises(ShapeError) as e:
        tb.matmul(m, torch.ones(2))
    assert e.value.bullets[:2] == [("x", "`x` is a float32 tensor of shape (2, 3) on cpu."),
                                   ("x", "`y` is a float32 tensor of shape (2) on cpu.")]


def test_matmul_types_and_r_operands(rmem):
    i = torch.tensor([[1, 2], [3, 4]])
    out = tb.matmul(i, i)
    assert out.dtype == torch.float32 and vals(out) == [[7.0, 10.0], [15.0, 22.0]]
    r = rmem.double([1.0, 0.0, 0.0, 1.0], [2, 2])
    assert vals(tb.matmul(desc(r), i)) == [[1.0, 2.0], [3.0, 4.0]]
    mixed = tb.matmul(torch.ones(2, 2), torch.ones(2, 2, dtype=torch.float64))
    assert mixed.dtype == torch.float64
    batched = tb.matmul(torch.ones(3, 2, 4), torch.ones(4, 5))
    assert batched.shape == (3, 2, 5)


def test_transpose_and_permute():
    assert tb.transpose(torch.tensor([1, 2, 3])).shape == (1, 3)
    assert tb.transpose(torch.tensor(5)).shape == (1, 1)
    assert vals(tb.transpose(torch.tensor([[1, 2], [3, 4]]))) == [[1, 3], [2, 4]]
    with pytest.raises(ShapeError):
        tb.transpose(torch.zeros(2, 2, 2))
    a = torch.arange(24).reshape(2, 3, 4)
    assert tb.permute(a).shape == (4, 3, 2)
    assert tb.permute(a, [2, 1, 3]).shape == (3, 2, 4)
    assert torch.equal(tb.permute(a, [3, 1, 2]), a.permute(2, 0, 1))
    kept = tb.permute(a, [2, 1, 3], False)
    assert kept.shape == a.shape
    # R: aperm(a, c(2, 1, 3), resize = FALSE) keeps the permuted values in
    # column-major order under a's dims
    assert colmajor(kept) == colmajor(a.permute(1, 0, 2))
    with pytest.raises(IndexTypeError):
        tb.permute(a, [1, 1, 2])


# --- [ and [<- ------------------------------------------------------------------------


X = torch.arange(1, 13).reshape(4, 3).t().contiguous()  # R: matrix(1:12, 3)


def test_subset_per_dim(rmem):
    assert vals(tb.subset(X, [2, None])) == [2, 5, 8, 11]
    assert tb.subset(X, [2, 3]).shape == ()
    assert tb.subset(X, [2, 3]).item() == 8
    assert tb.subset(X, [2, None], False).shape == (1, 4)
    assert vals(tb.subset(X, [-1.0, desc(rmem.integer([2, 3]))])) == [[5, 8], [6, 9]]
    assert vals(tb.subset(X, [desc(rmem.integer([3, 1])), 1])) == [3, 1]
    assert vals(tb.subset(X, [None, desc(rmem.logical([True, False]))])) == [[1, 7], [2, 8], [3, 9]]
    assert vals(tb.subset(X, [1.9, 0])) == []  # 1.9 is 1; 0 picks nothing
    assert tb.subset(X, [1.9, 0]).shape == (0,)


def test_subset_results_are_new_tensors():
    y = tb.subset(X, [None, None])
    y[0, 0] = 100
    assert X[0, 0].item() == 1
    z = tb.subset(X, [2, None])
    z[0] = 100
    assert X[1, 0].item() == 2


def test_single_index_counts_in_column_major_order(rmem):
    assert vals(tb.subset(X, [5])) == [5]
    assert vals(tb.subset(X, [desc(rmem.integer([12, 1, 6]))])) == [12, 1, 6]
    assert vals(tb.subset(X, [desc(rmem.double([-1, -2, -3, -4, -5, -6, -7, -8, -9, -10]))])) == [11, 12]
    assert vals(tb.subset(X, [desc(rmem.logical([True, False, False]))])) == [1, 4, 7, 10]
    mask = X > 6
    assert vals(tb.subset(X, [mask])) == [7, 8, 9, 10, 11, 12]
    assert vals(tb.subset(X, [X % 2 == 0])) == [2, 4, 6, 8, 10, 12]
    im = rmem.integer([1, 3, 2, 4], [2, 2])  # cbind(c(1, 3), c(2, 4)): X[1, 2], X[3, 4]
    assert vals(tb.subset(X, [desc(im)])) == [4, 12]
    assert torch.equal(tb.subset(X, [None]), X)


def test_tensor_indices(rmem):
    v = torch.tensor([10, 20, 30, 40])
    assert vals(tb.subset(v, [torch.tensor([4, 1])])) == [40, 10]  # counted from 1
    assert vals(tb.subset(v, [torch.tensor([-1])])) == [20, 30, 40]
    assert vals(tb.subset(v, [torch.tensor([True, False])])) == [10, 30]  # recycled
    assert tb.subset(v, [torch.tensor([False, True, False, False])]).shape == ()  # dropped to 0-d
    with pytest.raises(IndexTypeError):
        tb.subset(v, [torch.tensor([1 + 0j])])


def test_index_errors(rmem):
    with pytest.raises(IndexOutOfRangeError) as e:
        tb.subset(X, [4, None])
    assert e.value.message == "Can't subset: index 1 is out of range."
    assert e.value.bullets[:2] == [("x", "`x` is an int64 tensor of shape (3, 4) on cpu."),
                                   ("x", "It asks for position 4, but dim 1 has 3 elements.")]
    with pytest.raises(IndexOutOfRangeError):
        tb.subset(X, [-4, None])
    with pytest.raises(IndexOutOfRangeError):
        tb.subset(X, [13])
    with pytest.raises(IndexOutOfRangeError):
        tb.subset(X, [desc(rmem.logical([True] * 4)), None])
    with pytest.raises(IndexTypeError):
        tb.subset(X, [desc(rmem.integer([1, None])), None])
    with pytest.raises(IndexTypeError):
        tb.subset(X, [desc(rmem.double([1.0, math.nan]))])
    with pytest.raises(IndexTypeError):
        tb.subset(X, [desc(rmem.double([-1.0, 2.0])), None])
    with pytest.raises(IndexTypeError) as e:
        tb.subset(X, [1, 1, 1])
    assert e.value.message == "Can't subset a tensor with 2 dims by 3 indices."
    assert e.value.bullets.count(("x", "`x` is an int64 tensor of shape (3, 4) on cpu.")) == 1
    assert tb.take_last_error()["kind"] == "index"


def test_assign_per_dim(rmem):
    x = X.clone()
    assert tb.assign(x, [2, None], desc(rmem.integer([0, 0, 0, 0]))) is None
    assert vals(x[1]) == [0, 0, 0, 0]
    x = X.clone()
    tb.assign(x, [None, desc(rmem.integer([1, 3]))], desc(rmem.integer([7, 8, 9])))
    # R: x[, c(1, 3)] <- 7:9 recycles column-major over the 3 x 2 selection
    assert vals(x[:, 0]) == [7, 8, 9] and vals(x[:, 2]) == [7, 8, 9]
    x = X.clone()
    tb.assign(x, [desc(rmem.integer([3, 1])), 2], desc(rmem.integer([-1, -2])))
    assert x[2, 1].item() == -1 and x[0, 1].item() == -2


def test_assign_single_index_and_masks(rmem):
    x = X.clone()
    tb.assign(x, [desc(rmem.integer([1, 12]))], 0)
    assert colmajor(x)[0] == 0 and colmajor(x)[11] == 0
    x = X.clone()
    tb.assign(x, [x > 9], desc(rmem.integer([-1, -2, -3])))
    assert colmajor(x)[9:] == [-1, -2, -3]
    x = X.clone()
    tb.assign(x, [None], desc(rmem.integer(list(range(12, 0, -1)))))
    assert colmajor(x) == list(range(12, 0, -1))
    x = X.clone()
    tb.assign(x, [desc(rmem.integer([1, 2, 3, 4], [2, 2]))], torch.tensor([100, 200]))  # x[1, 3], x[2, 4]
    assert x[0, 2].item() == 100 and x[1, 3].item() == 200


def test_assign_keeps_the_dtype(rmem):
    x = X.clone()
    with pytest.raises(DtypeError) as e:
        tb.assign(x, [1, 1], 2.5)
    assert e.value.message == "Can't assign these values into an int64 tensor."
    b = torch.tensor([True, False])
    with pytest.raises(NAError):
        tb.assign(b, [1], desc(rmem.logical([None])))
    with pytest.raises(ValueOverflowError):
        tb.assign(torch.zeros(2, dtype=torch.uint8), [1], 300)
    f = torch.zeros(2)
    tb.assign(f, [2], 0.1)
    assert f.dtype == torch.float32 and f[1].item() == torch.tensor(0.1).item()


def test_assign_recycling_and_grad_errors(rmem):
    with pytest.raises(ShapeError):
        tb.assign(X.clone(), [None, 1], desc(rmem.integer([1, 2])))
    p = torch.nn.Parameter(torch.zeros(2))
    with pytest.raises(TorchbridgeError) as e:
        tb.assign(p, [1], 1.0)
    assert e.value.message == "Can't write into a tensor that requires grad."


# --- describing tensors ---------------------------------------------------------------------


def test_shape_numel_describe():
    # describe() gives dims as decimal strings: reticulate wraps ints beyond 2^31.
    assert tb.describe(torch.zeros(1).expand(2**33))[2] == [str(2**33)]
    assert tb.shape(torch.zeros(2, 3)) == [2, 3]
    assert tb.shape(torch.tensor(1.0)) == []
    assert tb.numel(torch.zeros(2, 3)) == "6"
    p = torch.nn.Parameter(torch.zeros(2))
    assert tb.describe(p) == ["float32", "cpu", ["2"], True, "2"]


def test_preview_and_head_values():
    x = torch.arange(24).reshape(2, 3, 4)
    info = tb.preview(x, 30, 2, 3, 1)
    assert info[:5] == ["int64", "cpu", ["2", "3", "4"], False, "24"]
    assert vals(info[5]) == [[[0, 1, 2], [4, 5, 6]]]
    assert info[6] == [[1]]
    assert vals(tb.preview(torch.arange(100), 5)[5]) == [0, 1, 2, 3, 4]
    h = tb.head_values(torch.tensor([[1, 2, 3], [4, 5, 6]]), 4)
    assert vals(h[5]) == [1, 4, 2, 5]


def test_summarize():
    x = torch.tensor([[1.0, 2.0], [math.nan, 6.0]])
    out = tb.summarize(x)
    assert out[:5] == ["float32", "cpu", ["2", "2"], False, "4"]
    lo, hi, avg, sd, nan, n = out[5]
    assert (lo, hi, avg, nan, n) == (1.0, 6.0, 3.0, 1.0, 4.0)
    assert sd == pytest.approx(math.sqrt(7.0))
    empty = tb.summarize(torch.tensor([]))[5]
    assert all(math.isnan(v) for v in empty[:4]) and empty[4:] == [0.0, 0.0]
    one = tb.summarize(torch.tensor([True]))[5]
    assert one[:3] == [1.0, 1.0, 1.0] and math.isnan(one[3])
    with pytest.raises(DtypeError):
        tb.summarize(torch.tensor([1j]))
    with pytest.raises(UnsupportedTensorError):
        tb.summarize(torch.ones(2, device="meta"))


def test_complex_group():
    z = torch.tensor([3 + 4j, -1j])
    assert vals(tb.complex_op("Re", z)) == [3.0, 0.0]
    assert vals(tb.complex_op("Im", z)) == [4.0, -1.0]
    assert vals(tb.complex_op("Mod", z)) == [5.0, 1.0]
    assert tb.complex_op("Arg", z).tolist() == pytest.approx([math.atan2(4, 3), -math.pi / 2])
    assert vals(tb.complex_op("Conj", z)) == [3 - 4j, 1j]
    i = torch.tensor([-2, 3])
    assert tb.complex_op("Mod", i).dtype == torch.float32 and vals(tb.complex_op("Mod", i)) == [2.0, 3.0]
    assert vals(tb.complex_op("Im", i)) == [0.0, 0.0]
    assert vals(tb.complex_op("Arg", i)) == pytest.approx([math.pi, 0.0])
    assert tb.complex_op("Conj", i).dtype == torch.int64


def test_preview_of_tensors_r_cant_read():
    out = tb.preview(torch.ones(2, device="meta"))
    assert out[:5] == ["float32", "meta", ["2"], False, "2"]
    assert out[5] is None and out[6] == []
    assert "meta device" in out[7]
    assert tb.head_values(torch.ones(2).to_sparse())[5] is None
