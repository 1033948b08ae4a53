"""_tensor_math: R's Math and Complex groups on tensors."""

import math

import pytest
import torch

import torchbridge as tb
from torchbridge._errors import DtypeError
from conftest import vals


def test_integer_tensors_keep_their_dtype_where_results_are_whole():
    x = torch.tensor([[-3, 5], [12, -7]])
    for op in ("abs", "sign", "floor", "ceiling", "trunc", "round", "cumsum", "cummax"):
        assert tb.math_op(op, x).dtype == torch.int64, op
    assert vals(tb.math_op("round", x, -1.0)) == [[0, 0], [10, -10]]
    assert vals(tb.math_op("signif", torch.tensor([123, -45]), 1.0)) == [100, -40]
    assert vals(tb.math_op("abs", torch.tensor([True, False]))) == [1, 0]
    assert tb.math_op("sqrt", x).dtype == torch.float32
    assert tb.math_op("exp", torch.tensor([True])).dtype == torch.float32


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
