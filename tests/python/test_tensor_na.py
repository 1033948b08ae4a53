"""_tensor_na: is.na() and friends on tensors, R's NA told apart from NaN."""

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
