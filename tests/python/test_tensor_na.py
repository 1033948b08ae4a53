"""_tensor_na: is.na() and friends on tensors, R's NA told apart from NaN."""

import math
import struct

import pytest
import torch

import torchbridge as tb
from torchbridge._errors import InputTypeError


def r_na_float64():
    """R's NA_real_: a NaN whose low word is 1954."""
    return struct.unpack("<d", struct.pack("<Q", 0x7FF00000000007A2))[0]


def test_na_nan_finite_infinite_follow_r_for_float64():
    x = torch.tensor([1.0, r_na_float64(), float("nan"), float("inf"), -float("inf")], dtype=torch.float64)
    assert tb.na_test("is.na", x).tolist() == [False, True, True, False, False]
    assert tb.na_test("is.nan", x).tolist() == [False, False, True, False, False]
    assert tb.na_test("is.finite", x).tolist() == [True, False, False, False, False]
    assert tb.na_test("is.infinite", x).tolist() == [False, False, False, True, True]


def test_float32_has_no_na_every_nan_counts_as_both():
    x = torch.tensor([1.0, float("nan")])
    assert tb.na_test("is.na", x).tolist() == [False, True]
    assert tb.na_test("is.nan", x).tolist() == [False, True]


@pytest.mark.parametrize("dtype", [torch.int32, torch.int64, torch.uint8, torch.bool])
def test_integer_and_bool_tensors_have_no_missing_values(dtype):
    x = torch.tensor([0, 1, 1], dtype=dtype)
    assert tb.na_test("is.na", x).tolist() == [False, False, False]
    assert tb.na_test("is.finite", x).tolist() == [True, True, True]
    assert tb.any_na(x) is False


def test_complex_is_na_where_either_part_is():
    x = torch.tensor([1 + 1j, complex(float("nan"), 0), complex(0, float("inf"))])
    assert tb.na_test("is.na", x).tolist() == [False, True, False]
    assert tb.na_test("is.infinite", x).tolist() == [False, False, True]


def test_any_na_and_shapes():
    x = torch.tensor([[1.0, 2.0], [float("nan"), 4.0]])
    assert tb.any_na(x) is True
    assert tb.any_na(torch.zeros(0)) is False
    assert list(tb.na_test("is.na", x).shape) == [2, 2]


def test_unknown_test_is_refused():
    with pytest.raises(InputTypeError):
        tb.na_test("is.weird", torch.ones(1))


def _kinds(t):
    """Each value as R would name it: "NA", "NaN" or the number."""
    t = t.reshape(-1)
    na = tb._tensor_na.is_r_na(t)
    return ["NA" if bool(n) else "NaN" if math.isnan(v) else v for v, n in zip(t.tolist(), na.tolist())]


NA = r_na_float64()
NAN = float("nan")


@pytest.mark.parametrize("values, expected", [
    # what R gives for max(), min(), range(), cummax(), cummin() of them
    ([1.0, NAN, 3.0, NA, 5.0], ("NA", "NA", ["NA", "NA"], [1.0, "NaN", "NaN", "NaN", "NaN"], [1.0, "NaN", "NaN", "NaN", "NaN"])),
    ([1.0, NA, 3.0, NAN, 5.0], ("NA", "NA", ["NA", "NA"], [1.0, "NA", "NA", "NA", "NA"], [1.0, "NA", "NA", "NA", "NA"])),
    ([2.0, NAN], ("NaN", "NaN", ["NaN", "NaN"], [2.0, "NaN"], [2.0, "NaN"])),
    ([NA, 1.0], ("NA", "NA", ["NA", "NA"], ["NA", "NA"], ["NA", "NA"])),
    ([3.0, 1.0, 2.0], (3.0, 1.0, [1.0, 3.0], [3.0, 3.0, 3.0], [3.0, 1.0, 1.0])),
])
def test_extremes_and_cumulative_extremes_tell_na_from_nan_as_r(values, expected):
    x = torch.tensor(values, dtype=torch.float64)
    mx, mn, rg, cmax, cmin = expected
    assert _kinds(tb.summary("max", [x])) == [mx]
    assert _kinds(tb.summary("min", [x])) == [mn]
    assert _kinds(tb.summary("range", [x])) == rg
    assert _kinds(tb.math_op("cummax", x)) == cmax
    assert _kinds(tb.math_op("cummin", x)) == cmin


def test_extremes_of_several_arguments_follow_the_same_rule():
    a = torch.tensor([1.0, NAN], dtype=torch.float64)
    b = torch.tensor([NA, 2.0], dtype=torch.float64)
    assert _kinds(tb.summary("max", [a, b])) == ["NA"]
    assert _kinds(tb.summary("range", [a, b])) == ["NA", "NA"]
    assert _kinds(tb.summary("max", [a, torch.tensor([0.5], dtype=torch.float64)])) == ["NaN"]
    assert _kinds(tb.summary("max", [torch.tensor([1.0, 7.0], dtype=torch.float64), torch.tensor([3.0])])) == [7.0]
    # na.rm drops both
    assert _kinds(tb.summary("max", [a, b], True)) == [2.0]
