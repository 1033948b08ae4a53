"""_tensor_verbs: base R verbs on tensors, with R's order, ties and NA rules."""

import math
import struct

import pytest
import torch

import torchbridge as tb
from conftest import NA_REAL_BITS, desc, vals
from torchbridge._errors import (
    ArgError,
    DeviceError,
    DtypeError,
    InputTypeError,
    NAError,
    ShapeError,
    TorchbridgeError,
)

NAN = math.nan


def r_na():
    """R's NA_real_ as a Python float (a NaN with payload 1954)."""
    return struct.unpack("<d", struct.pack("<Q", NA_REAL_BITS))[0]


def bits(t):
    """The float64 bit patterns, so NA and NaN (and -0 and 0) are told apart."""
    return [struct.unpack("<Q", struct.pack("<d", v))[0] for v in t.tolist()]


def f64(values):
    return torch.tensor(values, dtype=torch.float64)


# R: x <- c(NaN, 3, NA, 1, NA, NaN, -0, 0)
X = [NAN, 3.0, None, 1.0, None, NAN, -0.0, 0.0]


def xs():
    return f64([r_na() if v is None else v for v in X])


@pytest.mark.parametrize(
    "decreasing, na_last, expected",
    [
        (False, "remove", [-0.0, 0.0, 1.0, 3.0]),  # sort(x)
        (True, "remove", [3.0, 1.0, -0.0, 0.0]),  # sort(x, decreasing = TRUE): stable for ties
        (False, "last", [-0.0, 0.0, 1.0, 3.0, NAN, None, None, NAN]),  # NA/NaN in their order
        (True, "last", [3.0, 1.0, -0.0, 0.0, NAN, None, None, NAN]),
        (False, "first", [NAN, None, None, NAN, -0.0, 0.0, 1.0, 3.0]),
    ],
)
def test_sort_is_stable_with_r_na_placement(decreasing, na_last, expected):
    want = f64([r_na() if v is None else v for v in expected])
    got = tb.sort_values(xs(), decreasing, na_last)
    assert bits(got) == bits(want)


def test_sort_runs_in_column_major_order_and_keeps_dtypes():
    m = torch.tensor([[3, 1], [2, 2]])  # R: matrix(c(3, 2, 1, 2), 2)
    assert vals(tb.sort_values(m)) == [1, 2, 2, 3]
    assert tb.sort_values(m).dtype == torch.int64
    b = tb.sort_values(torch.tensor([True, False, True]), True)
    assert b.dtype == torch.bool and vals(b) == [True, True, False]
    assert tb.sort_values(torch.tensor([2.0, NAN], dtype=torch.float32)).dtype == torch.float32
    assert vals(tb.reverse(m)) == [2, 1, 2, 3]


def test_sort_refuses_complex_and_unknown_na_rules():
    with pytest.raises(DtypeError):
        tb.sort_values(torch.tensor([1j]))
    with pytest.raises(ArgError):
        tb.sort_values(torch.tensor([1.0]), False, "middle")


def test_xtfrm_keys_order_like_the_values():
    assert bits(tb.xtfrm_key(xs())) == bits(xs())
    k = tb.xtfrm_key(torch.tensor([2**62 + 1, 2**62, -5, 2**62]))
    assert vals(k) == [3, 2, 1, 2]  # dense ranks: exact beyond 2^53
    assert vals(tb.xtfrm_key(torch.tensor([True, False]))) == [2, 1]


def test_unique_and_duplicated_keep_first_occurrences_in_r_order():
    # R: unique(x) is NaN 3 NA 1 -0; NA and NaN are distinct, -0 matches 0
    assert bits(tb.unique_values(xs())) == bits(f64([NAN, 3.0, r_na(), 1.0, -0.0]))
    assert vals(tb.duplicated_values(xs())) == [False, False, False, False, True, True, False, True]
    # fromLast = TRUE: the last occurrences, still in x's order
    assert bits(tb.unique_values(xs(), None, True)) == bits(f64([3.0, 1.0, r_na(), NAN, 0.0]))
    t = torch.tensor([5, 1, 5, 2, 1])
    assert vals(tb.unique_values(t)) == [5, 1, 2]  # torch.unique would sort: 1 2 5


def test_unique_slices_along_margin():
    m = torch.tensor([[1, 2], [3, 4], [1, 2]])
    assert tb.unique_values(m, 1).tolist() == [[1, 2], [3, 4]]
    assert vals(tb.duplicated_values(m, 1)) == [False, False, True]
    assert tb.unique_values(m, 2).tolist() == m.tolist()
    a = torch.zeros(2, 3, 2)
    assert tb.unique_values(a, 3).shape == (2, 3, 1)
    # a vector ignores MARGIN, as R's unique.default
    assert vals(tb.unique_values(torch.tensor([1, 1]), 2)) == [1]
    with pytest.raises(ArgError):
        tb.unique_values(m, 3)


def test_unique_of_empty_tensors():
    assert tb.unique_values(torch.zeros(0)).shape == (0,)
    assert tb.unique_values(torch.zeros(0, 3), 1).shape == (0, 3)
    # the columns of a 0-row matrix: R's apply() gives no slice
    assert tb.unique_values(torch.zeros(0, 3), 2).shape == (0, 0)
    assert tb.duplicated_values(torch.zeros(0, 3), 2).shape == (0,)


@pytest.mark.cuda
def test_verbs_stay_on_the_gpu():
    x = xs().cuda()
    for out in (tb.sort_values(x), tb.reverse(x), tb.unique_values(x), tb.duplicated_values(x)):
        assert out.device.type == "cuda"
    assert bits(tb.unique_values(x).cpu()) == bits(tb.unique_values(xs()))


# --- c(), cbind(), rbind() ------------------------------------------------------


def test_combine_flattens_in_r_order_with_ops_dtypes(rmem):
    m = torch.tensor([[1, 2], [3, 4]])  # R: matrix(c(1, 3, 2, 4), 2)
    out = tb.combine([m, 5, desc(rmem.vector("integer", [6, 7]))])
    assert out.dtype == torch.int64 and vals(out) == [1, 3, 2, 4, 5, 6, 7]
    assert tb.combine([torch.tensor([1.5]), 2.0]).dtype == torch.float32  # an R double doesn't widen
    assert tb.combine([torch.tensor([1]), 2.5]).dtype == torch.float32  # the default float dtype
    assert tb.combine([torch.tensor([True]), True]).dtype == torch.bool
    assert tb.combine([torch.tensor([True]), 1]).dtype == torch.int64
    assert tb.combine([torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float64)]).dtype == torch.float64


def test_combine_keeps_r_na_and_refuses_it_for_integers(rmem):
    out = tb.combine([torch.tensor([1.0], dtype=torch.float64), desc(rmem.vector("double", [None, math.nan]))])
    assert bits(out)[1:] == [NA_REAL_BITS, bits(f64([NAN]))[0]]
    with pytest.raises(NAError):
        tb.combine([torch.tensor([1]), desc(rmem.vector("integer", [None, 1]))])


def test_bind_recycles_vectors_and_checks_rows(rmem):
    m = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert tb.bind([m, 0]).tolist() == [[1, 2, 3, 0], [4, 5, 6, 0]]
    assert tb.bind([torch.tensor([7, 8]), m]).tolist() == [[7, 1, 2, 3], [8, 4, 5, 6]]
    assert tb.bind([m, torch.tensor([9, 8, 7])], True).tolist() == [[1, 2, 3], [4, 5, 6], [9, 8, 7]]
    # without matrices the longest vector sets the rows; zero-length vectors are left out
    assert tb.bind([torch.tensor([1, 2, 3, 4]), torch.tensor([5, 6]), torch.tensor([], dtype=torch.int64)]).tolist() == [
        [1, 5], [2, 6], [3, 5], [4, 6]]
    assert tb.bind([torch.zeros(0), torch.zeros(0)]).shape == (0, 2)
    # an R matrix is a matrix, in R's order
    r = desc(rmem.vector("integer", [10, 20, 30, 40], dims=[2, 2]))
    assert tb.bind([m, r]).tolist() == [[1, 2, 3, 10, 30], [4, 5, 6, 20, 40]]
    with pytest.raises(ShapeError):
        tb.bind([m, torch.tensor([1, 2, 3])])  # R warns and cuts
    with pytest.raises(ShapeError):
        tb.bind([m, torch.zeros(3, 2, dtype=torch.int64)])


def test_bind_needs_one_device_and_a_tensor():
    with pytest.raises(InputTypeError):
        tb.bind([1, 2])
    # a 0-d CPU tensor joins any device
    assert tb.combine([torch.tensor(1), torch.tensor([2])]).tolist() == [1, 2]


@pytest.mark.cuda
def test_bind_on_the_gpu():
    m = torch.ones(2, 2, device="cuda")
    assert tb.bind([m, 1.0, torch.tensor(2.0)]).device.type == "cuda"
    with pytest.raises(DeviceError):
        tb.combine([m, torch.ones(2)])


# --- quantile(), median(), diff() -------------------------------------------------

# R: quantile(c(3, 1, 4, 1, 5, 9, 2, 6), c(0.1, 0.5, 0.9), type = t), printed with 17 digits
R_QUANTILES = {
    1: [1, 3, 9],
    2: [1, 3.5, 9],
    3: [1, 3, 6],
    4: [1, 3, 6.6000000000000005],
    5: [1, 3.5, 8.1000000000000014],
    6: [1, 3.5, 9],
    7: [1, 3.5, 6.8999999999999995],
    8: [1, 3.4999999999999991, 8.4999999999999964],
    9: [1, 3.5, 8.3999999999999986],
}


@pytest.mark.parametrize("type_", sorted(R_QUANTILES))
def test_quantile_types_give_r_values_exactly(type_):
    x = torch.tensor([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])  # float32: computed in float64
    out = tb.quantiles(x, [0.1, 0.5, 0.9], type_)
    assert out.tolist() == R_QUANTILES[type_]
    # interpolated values are float64; types 1 and 3 only pick values
    assert out.dtype == (torch.float32 if type_ in (1, 3) else torch.float64)


def test_quantile_keeps_integers_where_r_does():
    x = torch.tensor([3, 1, 4, 1, 5, 9, 2, 6])
    assert tb.quantiles(x, [0.1, 0.5, 0.9], 1).dtype == torch.int64  # R: an integer vector
    assert tb.quantiles(x, [0.1, 0.5, 0.9], 2).dtype == torch.float64  # averaged at 0.5
    assert tb.quantiles(x, [0.5], 7).dtype == torch.float64  # type 7 is always double
    assert tb.quantiles(torch.tensor([True, False]), [0.5], 1).dtype == torch.bool


def test_quantile_na_rules():
    x = f64([2.0, NAN, 1.0])
    with pytest.raises(NAError):
        tb.quantiles(x, [0.5])
    assert tb.quantiles(x, [0.5], 7, True).tolist() == [1.5]
    assert tb.quantiles(f64([]), [0.5]).shape == (0,)  # R's side gives NA
    with pytest.raises(ArgError):
        tb.quantiles(x, [0.5], 10, True)


def test_median_of_odd_and_even_counts():
    assert tb.median(torch.tensor([5, 1, 3])).dtype == torch.int64
    assert tb.median(torch.tensor([5, 1, 3])).item() == 3
    even = tb.median(torch.tensor([4, 1, 3, 2]))
    assert even.dtype == torch.float32 and even.item() == 2.5
    assert bits(tb.median(f64([1.0, NAN])).reshape(1)) == [NA_REAL_BITS]  # R: NA, not NaN
    assert tb.median(f64([1.0, NAN, 2.0]), True).item() == 1.5
    big = tb.median(f64([1e308, 1.7e308]))
    assert big.item() == 1e308 / 2 + 1.7e308 / 2  # no overflow to Inf
    with pytest.raises(NAError):
        tb.median(torch.tensor([], dtype=torch.int64))


def test_diff_follows_r():
    assert vals(tb.diff(torch.tensor([1, 4, 9, 16]), 1, 2)) == [2, 2]
    assert vals(tb.diff(torch.tensor([1, 4, 9, 16]), 2)) == [8, 12]
    assert tb.diff(torch.tensor([[1, 2], [4, 8], [9, 9]])).tolist() == [[3, 6], [5, 1]]  # rows
    b = tb.diff(torch.tensor([True, False]))
    assert b.dtype == torch.int64 and vals(b) == [-1]
    short = tb.diff(torch.tensor([True]))
    assert short.dtype == torch.bool and short.shape == (0,)
    # R: c(NaN, NA) differences keep the first operand's NaN: NA - NaN is NA, NaN - NA NaN
    assert bits(tb.diff(f64([NAN, r_na(), NAN]))) == [NA_REAL_BITS, bits(f64([NAN]))[0]]


# --- solve(), chol(), determinant() ------------------------------------------------


def test_solve_follows_r_conventions(rmem):
    a = f64([[2.0, 1.0], [1.0, 3.0]])
    x = tb.solve(a, desc(rmem.vector("double", [1.0, 2.0])))
    assert x.shape == (2,) and x.tolist() == pytest.approx([0.2, 0.6])  # a vector b gives a vector
    assert tb.solve(a).reshape(-1).tolist() == pytest.approx([0.6, -0.2, -0.2, 0.4])
    assert tb.solve(torch.tensor([[2, 0], [0, 4]])).dtype == torch.float32
    with pytest.raises(ShapeError):
        tb.solve(a, torch.ones(3, dtype=torch.float64))
    with pytest.raises(TorchbridgeError, match="exactly singular"):
        tb.solve(torch.zeros(2, 2))
    with pytest.raises(TorchbridgeError, match="computationally singular"):
        tb.solve(f64([[1.0, 1.0], [1.0, 1.0 + 4e-16]]))


def test_chol_gives_the_upper_factor_from_the_upper_triangle():
    m = f64([[4.0, 2.0], [100.0, 3.0]])  # R: chol(matrix(c(4, 100, 2, 3), 2)) ignores the 100
    r = tb.chol(m)
    assert torch.equal(r, torch.triu(r))
    assert (r.T @ r).reshape(-1).tolist() == pytest.approx([4.0, 2.0, 2.0, 3.0])
    with pytest.raises(TorchbridgeError, match="order 2"):
        tb.chol(f64([[1.0, 2.0], [2.0, 1.0]]))


def test_slogdet_gives_sign_one_for_singular_matrices():
    assert tb.slogdet(f64([[1.0, 2.0], [2.0, 4.0]])).tolist()[0] == 1.0
    assert tb.slogdet(f64([[0.0, 1.0], [1.0, 0.0]])).tolist() == pytest.approx([-1.0, 0.0])
    assert tb.slogdet(torch.zeros(0, 0)).tolist() == [1.0, 0.0]
    with pytest.raises(DtypeError):
        tb.slogdet(torch.ones(1, 1, dtype=torch.complex64))


# --- order statistics by selection ---------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64,
                                   torch.int8, torch.uint8, torch.bool])
def test_sorted_at_selects_what_a_full_sort_gives(dtype):
    from torchbridge._tensor_stats import _select, sorted_at

    g = torch.Generator().manual_seed(3)
    n = (1 << 16) + 17
    flat = (torch.randn(n, generator=g) * 50).to(dtype) if dtype.is_floating_point or dtype == torch.bool \
        else torch.randint(-100, 100, (n,), generator=g).to(dtype)
    positions = [0, 1, n // 4, n // 2, n // 2 + 1, n - 2, n - 1, n // 2, 7]
    want = torch.sort(flat.to(torch.uint8) if dtype == torch.bool else flat).values[positions].to(dtype)
    got = sorted_at(flat, positions)
    assert got.dtype == dtype and torch.equal(got, want)
    key = flat.to(torch.uint8) if dtype == torch.bool else flat
    assert _select(key, positions) is not None  # the selection ran, not the fallback


def test_sorted_at_falls_back_to_sorting_when_the_sample_misleads():
    from torchbridge._tensor_stats import _select, sample_step, sorted_at

    n = 1 << 17
    step = sample_step(n)
    flat = torch.linspace(1, 2, n, dtype=torch.float64)
    flat[::step] = 0.0  # every sampled value is 0: no bracket can hold the middle
    positions = [n // 2, n // 2 + 1]
    assert _select(flat, positions) is None
    assert torch.equal(sorted_at(flat, positions), torch.sort(flat).values[positions])


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
@pytest.mark.parametrize("decreasing", [False, True])
def test_floats_sort_through_an_integer_key_stably(dtype, decreasing):
    from torchbridge._tensor_verbs import sort_stable

    g = torch.Generator().manual_seed(1)
    v = (torch.randn(10000, generator=g) * 1000).to(dtype)
    v[::7], v[::11], v[::13], v[::17] = 0.0, -0.0, math.inf, -math.inf
    got = sort_stable(v, decreasing)
    assert torch.equal(got, torch.sort(v, descending=decreasing, stable=True).values)
    # -0 and 0 tie: the zeros keep their signs in the order they had
    assert torch.equal(torch.signbit(got[got == 0]), torch.signbit(v[v == 0]))

