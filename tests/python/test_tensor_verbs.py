"""_tensor_verbs: base R verbs on tensors, with R's order, ties and NA rules."""

import math
import struct

import pytest
import torch

import torchbridge as tb
from conftest import NA_REAL_BITS, vals
from torchbridge._errors import ArgError, DtypeError

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
