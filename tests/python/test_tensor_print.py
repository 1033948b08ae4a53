"""_tensor_print: what print(), str() and summary() show of tensors."""

import math

import pytest
import torch

import torchbridge as tb
from torchbridge._errors import DtypeError, UnsupportedTensorError
from conftest import vals


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


def test_preview_of_tensors_r_cant_read():
    out = tb.preview(torch.ones(2, device="meta"))
    assert out[:5] == ["float32", "meta", ["2"], False, "2"]
    assert out[5] is None and out[6] == []
    assert "meta device" in out[7]
    assert tb.head_values(torch.ones(2).to_sparse())[5] is None
