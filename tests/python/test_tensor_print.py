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
    assert list(info) == ["dtype", "device", "shape", "shape_text", "text", "requires_grad", "numel", "values",
                          "slices", "why"]
    assert [info[k] for k in list(info)[:7]] == ["int64", "cpu", ["2", "3", "4"], "(2, 3, 4)",
                                                 "an int64 tensor of shape (2, 3, 4) on cpu", False, "24"]
    assert vals(info["values"]) == [[[0, 1, 2], [4, 5, 6]]]
    assert info["slices"] == [[1]] and info["why"] is None
    assert vals(tb.preview(torch.arange(100), 5)["values"]) == [0, 1, 2, 3, 4]
    h = tb.head_values(torch.tensor([[1, 2, 3], [4, 5, 6]]), 4)
    assert list(h)[7:] == ["values"]
    assert vals(h["values"]) == [1, 4, 2, 5]


def test_summarize():
    x = torch.tensor([[1.0, 2.0], [math.nan, 6.0]])
    out = tb.summarize(x)
    assert tb.describe(x) == {k: out[k] for k in ("dtype", "device", "shape", "shape_text", "text", "requires_grad",
                                                  "numel")}
    assert tb.describe(x) == {"dtype": "float32", "device": "cpu", "shape": ["2", "2"], "shape_text": "(2, 2)",
                              "text": "a float32 tensor of shape (2, 2) on cpu", "requires_grad": False, "numel": "4"}
    assert (out["min"], out["max"], out["mean"], out["nan"], out["n"]) == (1.0, 6.0, 3.0, 1.0, 4.0)
    assert out["sd"] == pytest.approx(math.sqrt(7.0))
    empty = tb.summarize(torch.tensor([]))
    assert all(math.isnan(empty[k]) for k in ("min", "max", "mean", "sd")) and (empty["nan"], empty["n"]) == (0.0, 0.0)
    one = tb.summarize(torch.tensor([True]))
    assert (one["min"], one["max"], one["mean"]) == (1.0, 1.0, 1.0) and math.isnan(one["sd"])
    with pytest.raises(DtypeError):
        tb.summarize(torch.tensor([1j]))
    with pytest.raises(UnsupportedTensorError):
        tb.summarize(torch.ones(2, device="meta"))


def test_preview_of_tensors_r_cant_read():
    out = tb.preview(torch.ones(2, device="meta"))
    assert (out["dtype"], out["device"], out["shape"], out["numel"]) == ("float32", "meta", ["2"], "2")
    assert out["values"] is None and out["slices"] == []
    assert "meta device" in out["why"]
    assert tb.head_values(torch.ones(2).to_sparse())["values"] is None
