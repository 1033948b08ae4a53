"""_r_values: R vectors and numbers next to tensors (dtype, recycling, checks)."""

import math

import pytest
import torch

import torchbridge as tb
from torchbridge._errors import NAError, ShapeError, ValueOverflowError
from conftest import M, colmajor, desc, vals


def test_r_vectors_recycle_in_column_major_order(rmem):
    # R: matrix(c(1.5, 4, -2, 5, 3, -6), 2) + v
    two = rmem.double([10.0, 20.0])
    assert vals(tb.binary("+", M, desc(two))) == [[11.5, 8.0, 13.0], [24.0, 25.0, 14.0]]
    three = rmem.double([1.0, 2.0, 3.0])  # not a whole column: materialised
    assert colmajor(tb.binary("-", M, desc(three))) == [0.5, 2.0, -5.0, 4.0, 1.0, -9.0]
    six = rmem.integer([1, 2, 3, 4, 5, 6])
    out = tb.binary("*", desc(six), M)
    assert out.dtype == torch.float32 and colmajor(out) == [1.5, 8.0, -6.0, 20.0, 15.0, -36.0]
    arr = rmem.double([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3])
    assert colmajor(tb.binary("+", M, desc(arr))) == [2.5, 6.0, 1.0, 9.0, 8.0, 0.0]


def test_r_values_take_the_tensors_dtype_and_are_checked(rmem):
    f16 = torch.tensor([1.0, 2.0], dtype=torch.float16)
    assert tb.binary("+", f16, desc(rmem.double([0.5, 0.25]))).dtype == torch.float16
    x64 = torch.tensor([1, 2])
    with_na = rmem.integer([1, None])
    with pytest.raises(NAError) as e:
        tb.binary("+", x64, desc(with_na))
    assert e.value.message == "Can't use NA with an int64 tensor in `+`."
    assert ("x", "`e2` is an R integer vector of length 2.") in e.value.bullets
    got = tb.binary("+", torch.tensor([1.0, 2.0]), desc(with_na))
    assert got.tolist()[0] == 2.0 and math.isnan(got.tolist()[1])
    with pytest.raises(ValueOverflowError):
        tb.binary("+", torch.tensor([1], dtype=torch.uint8), 300)
    with pytest.raises(ValueOverflowError):
        tb.binary("+", torch.tensor([1], dtype=torch.uint8), desc(rmem.integer([300])))
    with pytest.raises(ValueOverflowError):
        tb.binary("*", torch.tensor([1.0], dtype=torch.float16), 1e6)


def test_shape_errors_name_both_sides(rmem):
    with pytest.raises(ShapeError) as e:
        tb.binary("+", M, desc(rmem.double([1.0, 2.0, 3.0, 4.0])))
    assert e.value.bullets == [
        ("x", "`e1` is a float32 tensor of shape (2, 3) on cpu."),
        ("x", "`e2` is an R double vector of length 4."),
        ("i", "The vector's length must divide the tensor's size, 6."),
    ]
    with pytest.raises(ShapeError) as e:
        tb.binary("+", M, desc(rmem.double([1.0] * 6, [3, 2])))
    assert ("x", "`e2` is an R double matrix of dims 3 x 2.") in e.value.bullets
    with pytest.raises(ShapeError) as e:
        tb.binary("*", M, torch.ones(4))
    assert e.value.message == "Can't apply `*` to tensors whose shapes don't broadcast."
    assert ("x", "`e2` is a float32 tensor of shape (4) on cpu.") in e.value.bullets
    assert tb.take_last_error()["kind"] == "shape"
