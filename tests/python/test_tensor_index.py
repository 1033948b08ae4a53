"""_tensor_index: `[` and `[<-` with R's indices."""

import math

import pytest
import torch

import torchbridge as tb
from torchbridge._errors import (
    DtypeError,
    IndexOutOfRangeError,
    IndexTypeError,
    NAError,
    ShapeError,
    TorchbridgeError,
    ValueOverflowError,
)
from conftest import colmajor, desc, vals


X = torch.arange(1, 13).reshape(4, 3).t().contiguous()  # R: matrix(1:12, 3)


def test_subset_per_dim(rmem):
    assert vals(tb.subset(X, [2, None])) == [2, 5, 8, 11]
    assert tb.subset(X, [2, 3]).shape == ()
    assert tb.subset(X, [2, 3]).item() == 8
    assert tb.subset(X, [2, None], False).shape == (1, 4)
    assert vals(tb.subset(X, [-1.0, desc(rmem.integer([2, 3]))])) == [[5, 8], [6, 9]]
    assert vals(tb.subset(X, [desc(rmem.integer([3, 1])), 1])) == [3, 1]
    assert vals(tb.subset(X, [None, desc(rmem.logical([True, False]))])) == [[1, 7], [2, 8], [3, 9]]
    assert vals(tb.subset(X, [1.9, 0])) == []  # 1.9 is 1; 0 picks nothing
    assert tb.subset(X, [1.9, 0]).shape == (0,)


def test_subset_results_are_new_tensors():
    y = tb.subset(X, [None, None])
    y[0, 0] = 100
    assert X[0, 0].item() == 1
    z = tb.subset(X, [2, None])
    z[0] = 100
    assert X[1, 0].item() == 2


def test_single_index_counts_in_column_major_order(rmem):
    assert vals(tb.subset(X, [5])) == [5]
    assert vals(tb.subset(X, [desc(rmem.integer([12, 1, 6]))])) == [12, 1, 6]
    assert vals(tb.subset(X, [desc(rmem.double([-1, -2, -3, -4, -5, -6, -7, -8, -9, -10]))])) == [11, 12]
    assert vals(tb.subset(X, [desc(rmem.logical([True, False, False]))])) == [1, 4, 7, 10]
    mask = X > 6
    assert vals(tb.subset(X, [mask])) == [7, 8, 9, 10, 11, 12]
    assert vals(tb.subset(X, [X % 2 == 0])) == [2, 4, 6, 8, 10, 12]
    im = rmem.integer([1, 3, 2, 4], [2, 2])  # cbind(c(1, 3), c(2, 4)): X[1, 2], X[3, 4]
    assert vals(tb.subset(X, [desc(im)])) == [4, 12]
    assert torch.equal(tb.subset(X, [None]), X)


def test_tensor_indices(rmem):
    v = torch.tensor([10, 20, 30, 40])
    assert vals(tb.subset(v, [torch.tensor([4, 1])])) == [40, 10]  # counted from 1
    assert vals(tb.subset(v, [torch.tensor([-1])])) == [20, 30, 40]
    assert vals(tb.subset(v, [torch.tensor([True, False])])) == [10, 30]  # recycled
    assert tb.subset(v, [torch.tensor([False, True, False, False])]).shape == ()  # dropped to 0-d
    with pytest.raises(IndexTypeError):
        tb.subset(v, [torch.tensor([1 + 0j])])


def test_index_errors(rmem):
    with pytest.raises(IndexOutOfRangeError) as e:
        tb.subset(X, [4, None])
    assert e.value.message == "Can't subset: index 1 is out of range."
    assert e.value.bullets[:2] == [("x", "`x` is an int64 tensor of shape (3, 4) on cpu."),
                                   ("x", "It asks for position 4, but dim 1 has 3 elements.")]
    with pytest.raises(IndexOutOfRangeError):
        tb.subset(X, [-4, None])
    with pytest.raises(IndexOutOfRangeError):
        tb.subset(X, [13])
    with pytest.raises(IndexOutOfRangeError):
        tb.subset(X, [desc(rmem.logical([True] * 4)), None])
    with pytest.raises(IndexTypeError):
        tb.subset(X, [desc(rmem.integer([1, None])), None])
    with pytest.raises(IndexTypeError):
        tb.subset(X, [desc(rmem.double([1.0, math.nan]))])
    with pytest.raises(IndexTypeError):
        tb.subset(X, [desc(rmem.double([-1.0, 2.0])), None])
    with pytest.raises(IndexTypeError) as e:
        tb.subset(X, [1, 1, 1])
    assert e.value.message == "Can't subset a tensor with 2 dims by 3 indices."
    assert e.value.bullets.count(("x", "`x` is an int64 tensor of shape (3, 4) on cpu.")) == 1
    assert tb.take_last_error()["kind"] == "index"


def test_assign_per_dim(rmem):
    x = X.clone()
    assert tb.assign(x, [2, None], desc(rmem.integer([0, 0, 0, 0]))) is None
    assert vals(x[1]) == [0, 0, 0, 0]
    x = X.clone()
    tb.assign(x, [None, desc(rmem.integer([1, 3]))], desc(rmem.integer([7, 8, 9])))
    # R: x[, c(1, 3)] <- 7:9 recycles column-major over the 3 x 2 selection
    assert vals(x[:, 0]) == [7, 8, 9] and vals(x[:, 2]) == [7, 8, 9]
    x = X.clone()
    tb.assign(x, [desc(rmem.integer([3, 1])), 2], desc(rmem.integer([-1, -2])))
    assert x[2, 1].item() == -1 and x[0, 1].item() == -2


def test_assign_single_index_and_masks(rmem):
    x = X.clone()
    tb.assign(x, [desc(rmem.integer([1, 12]))], 0)
    assert colmajor(x)[0] == 0 and colmajor(x)[11] == 0
    x = X.clone()
    tb.assign(x, [x > 9], desc(rmem.integer([-1, -2, -3])))
    assert colmajor(x)[9:] == [-1, -2, -3]
    x = X.clone()
    tb.assign(x, [None], desc(rmem.integer(list(range(12, 0, -1)))))
    assert colmajor(x) == list(range(12, 0, -1))
    x = X.clone()
    tb.assign(x, [desc(rmem.integer([1, 2, 3, 4], [2, 2]))], torch.tensor([100, 200]))  # x[1, 3], x[2, 4]
    assert x[0, 2].item() == 100 and x[1, 3].item() == 200


def test_assign_keeps_the_dtype(rmem):
    x = X.clone()
    with pytest.raises(DtypeError) as e:
        tb.assign(x, [1, 1], 2.5)
    assert e.value.message == "Can't assign these values into an int64 tensor."
    b = torch.tensor([True, False])
    with pytest.raises(NAError):
        tb.assign(b, [1], desc(rmem.logical([None])))
    with pytest.raises(ValueOverflowError):
        tb.assign(torch.zeros(2, dtype=torch.uint8), [1], 300)
    f = torch.zeros(2)
    tb.assign(f, [2], 0.1)
    assert f.dtype == torch.float32 and f[1].item() == torch.tensor(0.1).item()


def test_assign_recycling_and_grad_errors(rmem):
    with pytest.raises(ShapeError):
        tb.assign(X.clone(), [None, 1], desc(rmem.integer([1, 2])))
    p = torch.nn.Parameter(torch.zeros(2))
    with pytest.raises(TorchbridgeError) as e:
        tb.assign(p, [1], 1.0)
    assert e.value.message == "Can't write into a tensor that requires grad."
