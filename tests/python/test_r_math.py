"""_r_math: R's numeric algorithms (round, signif, sinpi, gamma, cumulative) on tensors."""

import math

import pytest
import torch

import torchbridge as tb
from conftest import vals


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
