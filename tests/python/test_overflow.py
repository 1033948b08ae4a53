"""Integer results that would wrap are overflow errors (``_overflow``)."""

from __future__ import annotations

import re

import pytest
import torch

import torchbridge as tb
from torchbridge._errors import ValueOverflowError

I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def t(values, dtype):
    return torch.tensor(values, dtype=dtype)


@pytest.mark.parametrize(
    "op,a,b,dtype",
    [
        ("-", [0], 1, torch.uint8),
        ("+", [2**31 - 1], 1, torch.int32),
        ("*", [2**62], 4, torch.int64),
        ("+", [I64_MAX], 1, torch.int64),
        ("-", [I64_MIN], 1, torch.int64),
        ("*", [300], 300, torch.int16),
        ("+", [127], 1, torch.int8),
        ("%/%", [I64_MIN], -1, torch.int64),
        ("*", [2**32], 2**31, torch.int64),
    ],
)
def test_wrapping_binary_ops_are_overflow_errors(op, a, b, dtype):
    head = re.escape(f"Can't compute `{op}`: an integer result is outside the range of {str(dtype)[6:]}.")
    with pytest.raises(ValueOverflowError, match=f"^{head}"):
        tb.binary(op, t(a, dtype), b)
    assert tb.take_last_error()["kind"] == "overflow"


@pytest.mark.parametrize(
    "op,a,b,dtype,expected",
    [
        ("+", [I64_MAX - 1], 1, torch.int64, [I64_MAX]),
        ("-", [I64_MIN + 1], 1, torch.int64, [I64_MIN]),
        ("*", [-(2**31)], 2**32, torch.int64, [I64_MIN]),
        ("-", [5], 5, torch.uint8, [0]),
        ("*", [3037000499], 3037000499, torch.int64, [3037000499**2]),
        ("%/%", [I64_MIN], 1, torch.int64, [I64_MIN]),
        ("%%", [I64_MIN], -1, torch.int64, [0]),
    ],
)
def test_exact_integer_results_at_the_edges(op, a, b, dtype, expected):
    out = tb.binary(op, t(a, dtype), b)
    assert out.dtype == dtype and out.tolist() == expected


def test_tensor_tensor_integer_ops_are_checked():
    with pytest.raises(ValueOverflowError):
        tb.binary("+", t([I64_MAX, 1], torch.int64), t([1, 1], torch.int64))
    assert tb.binary("+", t([I64_MAX - 1, 1], torch.int64), t([1, 1], torch.int64)).tolist() == [I64_MAX, 2]


def test_float_results_are_not_checked():
    assert tb.binary("+", t([3.0e38], torch.float32), 3.0e38).tolist() == [float("inf")]


def test_unary_minus_and_abs():
    with pytest.raises(ValueOverflowError, match="`-`"):
        tb.unary("-", t([1], torch.uint8))
    assert tb.unary("-", t([0], torch.uint8)).tolist() == [0]
    with pytest.raises(ValueOverflowError, match="`-`"):
        tb.unary("-", t([I64_MIN], torch.int64))
    with pytest.raises(ValueOverflowError, match=r"`abs\(\)`"):
        tb.math_op("abs", t([I64_MIN], torch.int64))
    assert tb.math_op("abs", t([I64_MIN + 1], torch.int64)).tolist() == [I64_MAX]


def test_sum_prod_cumsum_cumprod():
    big = t([2**62, 2**62], torch.int64)
    with pytest.raises(ValueOverflowError, match=r"`sum\(\)`"):
        tb.summary("sum", [big])
    with pytest.raises(ValueOverflowError, match=r"`prod\(\)`"):
        tb.summary("prod", [t([2**32, 2**32], torch.int64)])  # torch gives 0
    with pytest.raises(ValueOverflowError, match=r"`cumsum\(\)`"):
        tb.math_op("cumsum", big)
    with pytest.raises(ValueOverflowError, match=r"`cumprod\(\)`"):
        tb.math_op("cumprod", t([2**40, 2**40], torch.int64))
    # in range: exact, also where the float64 reference rounds
    assert tb.summary("sum", [t([2**62, 2**62 - 1, -(2**62)], torch.int64)]).item() == 2**62 - 1
    assert tb.summary("prod", [t([3, 2**61], torch.int64)]).item() == 3 * 2**61
    assert tb.summary("sum", [t([I64_MAX], torch.int64), t([I64_MIN], torch.int64)]).item() == -1
    assert tb.summary("sum", [t([True] * 3, torch.bool)]).item() == 3


def test_round_and_signif_of_int64_refuse_results_beyond_the_range():
    with pytest.raises(ValueOverflowError):
        tb.math_op("signif", t([I64_MAX], torch.int64), 5)  # 9.2234e18 > int64 max
    assert tb.math_op("signif", t([123456], torch.int64), 2).tolist() == [120000]


def test_the_check_bites_when_disabled(monkeypatch):
    # Without the check torch wraps around: the tests above would fail.
    from torchbridge import _tensor_ops

    monkeypatch.setattr(_tensor_ops, "check_exact", lambda out, *a, **k: out)
    assert tb.binary("-", t([0], torch.uint8), 1).tolist() == [255]
