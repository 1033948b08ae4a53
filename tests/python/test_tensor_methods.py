"""_tensor_methods: t(), aperm(), dim() and length() of tensors."""

import pytest
import torch

import torchbridge as tb
from torchbridge._errors import IndexTypeError, ShapeError
from conftest import colmajor, vals


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


def test_shape_numel_describe():
    # describe() gives dims as decimal strings: reticulate wraps ints beyond 2^31.
    assert tb.describe(torch.zeros(1).expand(2**33))["shape"] == [str(2**33)]
    assert tb.shape(torch.zeros(2, 3)) == [2, 3]
    assert tb.shape(torch.tensor(1.0)) == []
    assert tb.numel(torch.zeros(2, 3)) == "6"
    p = torch.nn.Parameter(torch.zeros(2))
    assert tb.describe(p) == {"dtype": "float32", "device": "cpu", "shape": ["2"], "shape_text": "(2)",
                              "text": "a float32 tensor of shape (2) on cpu", "requires_grad": True, "numel": "2"}
