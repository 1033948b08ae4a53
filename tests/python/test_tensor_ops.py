"""_tensor_ops: R's Ops and Summary groups, mean() and %*% on tensors."""

import math

import pytest
import torch

import torchbridge as tb
from torchbridge._errors import (
    DeviceError,
    DtypeError,
    InputTypeError,
    NAError,
    ShapeError,
)
from conftest import M, desc, vals


@pytest.mark.parametrize(
    "x, scalar, dtype",
    [
        (torch.tensor([1.5, 2.0]), 2.0, torch.float32),  # an R double does not widen float32
        (torch.tensor([1.5, 2.0], dtype=torch.float64), 2.0, torch.float64),
        (torch.tensor([1, 2]), 2.5, torch.float32),  # int64 with a double: the default float
        (torch.tensor([1, 2]), 2, torch.int64),  # int64 with an R integer
        (torch.tensor([1, 2], dtype=torch.int32), 2, torch.int32),
        (torch.tensor([True, False]), 2.0, torch.float32),
        (torch.tensor([True, False]), True, torch.int64),  # logicals count as integers
        (torch.tensor([1.0, 2.0], dtype=torch.float16), 2.0, torch.float16),
    ],
)
def test_scalar_dtypes_follow_torch_scalars(x, scalar, dtype):
    assert tb.binary("+", x, scalar).dtype == dtype
    assert tb.binary("*", scalar, x).dtype == dtype


def test_bool_arithmetic_is_integer_arithmetic():
    t = torch.tensor([True, True, False])
    f = torch.tensor([True, False, False])
    assert vals(tb.binary("+", t, f)) == [2, 1, 0]
    assert vals(tb.binary("-", t, f)) == [0, 1, 0]
    assert tb.binary("-", t, f).dtype == torch.int64
    assert vals(tb.binary("*", t, f)) == [1, 0, 0]
    assert tb.binary("*", t, f).dtype == torch.int64
    assert vals(tb.unary("-", t)) == [-1, -1, 0]
    assert vals(tb.unary("+", t)) == [1, 1, 0]


def test_division_and_power_of_integers_give_floats():
    x = torch.tensor([1, 2, 3])
    q = tb.binary("/", x, 2)
    assert q.dtype == torch.float32 and vals(q) == [0.5, 1.0, 1.5]
    p = tb.binary("^", x, 2)
    assert p.dtype == torch.float32 and vals(p) == [1.0, 4.0, 9.0]
    p = tb.binary("^", 2, x)
    assert p.dtype == torch.float32 and vals(p) == [2.0, 4.0, 8.0]
    p = tb.binary("^", torch.tensor([True, False]), torch.tensor([True, True]))
    assert p.dtype == torch.float32 and vals(p) == [1.0, 0.0]
    assert tb.binary("^", x, -1).tolist() == pytest.approx([1.0, 0.5, 1 / 3])


def test_modulo_and_integer_division_follow_r():
    a = torch.tensor([5.5, -5.5, 5.0, -5.0, 7.0, -7.0], dtype=torch.float64)
    b = torch.tensor([2.0, 2.0, math.inf, math.inf, -3.0, -3.0], dtype=torch.float64)
    # R: c(5.5, -5.5, 5, -5, 7, -7) %% c(2, 2, Inf, Inf, -3, -3)
    assert vals(tb.binary("%%", a, b)) == [1.5, 0.5, 5.0, math.inf, -2.0, -1.0]
    # R: ... %/% ...
    assert vals(tb.binary("%/%", a, b)) == [2.0, -3.0, 0.0, -1.0, -3.0, 2.0]
    r = tb.binary("%%", torch.tensor([5.0, 0.0]), 0.0)
    assert all(math.isnan(v) for v in vals(r))
    assert vals(tb.binary("%/%", torch.tensor([5.0, -5.0]), 0.0)) == [math.inf, -math.inf]
    i = tb.binary("%%", torch.tensor([-7, 7]), 3)
    assert i.dtype == torch.int64 and vals(i) == [2, 1]
    assert vals(tb.binary("%/%", torch.tensor([-7, 7]), 3)) == [-3, 2]


def test_integer_division_by_zero_is_an_na_error():
    with pytest.raises(NAError) as e:
        tb.binary("%/%", torch.tensor([5]), torch.tensor([0]))
    assert "zero divisor" in e.value.message
    assert ("x", "`e1` is an int64 tensor of shape (1) on cpu.") in e.value.bullets
    assert tb.take_last_error()["kind"] == "na"


def test_comparisons_and_logicals():
    x = torch.tensor([0.0, 1.5, -2.0])
    assert vals(tb.binary(">", x, 0.0)) == [False, True, False]
    assert vals(tb.binary("<=", 1.5, x)) == [False, True, False]  # R value on the left
    assert vals(tb.binary("&", x, torch.tensor([1, 1, 0]))) == [False, True, False]
    assert vals(tb.binary("|", x, False)) == [False, True, True]
    assert vals(tb.unary("!", x)) == [True, False, False]


def test_tensors_broadcast_as_torch_does():
    out = tb.binary("+", M, torch.tensor([1.0, 2.0, 3.0]))
    assert vals(out) == [[2.5, 0.0, 6.0], [5.0, 7.0, -3.0]]


def test_dtype_and_device_errors():
    z = torch.tensor([1 + 1j])
    with pytest.raises(DtypeError) as e:
        tb.binary("<", z, z)
    assert e.value.message == "Can't apply `<` to these dtypes."
    assert e.value.bullets[0] == ("x", "`e1` is a complex64 tensor of shape (1) on cpu.")
    with pytest.raises(DeviceError) as e:
        tb.binary("+", torch.ones(2), torch.ones(2, device="meta"))
    assert ("x", "`e2` is a float32 tensor of shape (2) on meta.") in e.value.bullets
    with pytest.raises(InputTypeError):
        tb.binary("+", torch.ones(1), object())


def test_zero_d_tensors_stay_zero_d():
    x = torch.tensor(2.5)
    assert tb.binary("*", x, 2.0).shape == ()
    assert tb.binary("*", x, 2.0).dtype == torch.float32


def test_summary_group():
    x = torch.tensor([[1.5, -2.0], [3.0, math.nan]])
    assert math.isnan(tb.summary("sum", [x]).item())
    assert tb.summary("sum", [x], True).item() == 2.5
    assert tb.summary("prod", [x], True).item() == -9.0
    assert tb.summary("min", [x], True).item() == -2.0
    assert vals(tb.summary("range", [x], True)) == [-2.0, 3.0]
    b = torch.tensor([True, True, False])
    s = tb.summary("sum", [b])
    assert s.dtype == torch.int64 and s.item() == 2 and s.shape == ()
    assert tb.summary("max", [b]).dtype == torch.int64
    assert tb.summary("any", [b]).item() is True
    assert tb.summary("all", [b]).item() is False


def test_summary_of_several_arguments(rmem):
    x = torch.tensor([1.0, 2.0])
    out = tb.summary("sum", [x, 10.0, desc(rmem.integer([3, 4])), torch.tensor([0.5])])
    assert out.dtype == torch.float32 and out.item() == 20.5
    assert vals(tb.summary("range", [x, desc(rmem.double([-1.0, 5.0]))])) == [-1.0, 5.0]
    assert tb.summary("max", [torch.tensor([1, 2]), 7]).item() == 7


def test_min_max_of_nothing_are_infinite():
    assert tb.summary("min", [torch.tensor([], dtype=torch.int64)]).item() == math.inf
    assert tb.summary("max", [torch.tensor([math.nan])], True).item() == -math.inf


def test_any_all_refuse_na_answers():
    x = torch.tensor([0.0, math.nan])
    with pytest.raises(NAError):
        tb.summary("any", [x])
    assert tb.summary("any", [x], True).item() is False
    assert tb.summary("any", [torch.tensor([1.0, math.nan])]).item() is True  # decided by the 1
    assert tb.summary("all", [x]).item() is False  # decided by the 0
    with pytest.raises(NAError):
        tb.summary("all", [torch.tensor([1.0, math.nan])])


def test_mean():
    m = tb.mean(torch.tensor([1, 2, 4]))
    assert m.dtype == torch.float32 and m.item() == pytest.approx(7 / 3) and m.shape == ()
    assert tb.mean(torch.tensor([1.0, math.nan, 3.0]), True).item() == 2.0
    assert math.isnan(tb.mean(torch.tensor([1.0, math.nan])).item())
    assert tb.mean(torch.tensor([True, False, False, True])).item() == 0.5


def test_matmul_follows_r_rules_for_vectors():
    v3 = torch.tensor([1.0, 2.0, 3.0])
    m = torch.tensor([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])  # R: matrix(1:6, 2)
    assert vals(tb.matmul(v3, v3)) == [[14.0]]
    assert vals(tb.matmul(m, v3)) == [[22.0], [28.0]]
    assert vals(tb.matmul(torch.tensor([1.0, 2.0]), m)) == [[5.0, 11.0, 17.0]]
    assert tb.matmul(2.0, v3).shape == (1, 3)  # R: 2 %*% 1:3
    assert tb.matmul(torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([1.0, 2.0])).shape == (3, 2)
    with pytest.raises(ShapeError):
        tb.matmul(v3, 2.0)  # R: 1:3 %*% 2 is non-conformable
    with pytest.raises(ShapeError) as e:
        tb.matmul(m, torch.ones(2))
    assert e.value.bullets[:2] == [("x", "`x` is a float32 tensor of shape (2, 3) on cpu."),
                                   ("x", "`y` is a float32 tensor of shape (2) on cpu.")]


def test_matmul_types_and_r_operands(rmem):
    i = torch.tensor([[1, 2], [3, 4]])
    out = tb.matmul(i, i)
    assert out.dtype == torch.float32 and vals(out) == [[7.0, 10.0], [15.0, 22.0]]
    r = rmem.double([1.0, 0.0, 0.0, 1.0], [2, 2])
    assert vals(tb.matmul(desc(r), i)) == [[1.0, 2.0], [3.0, 4.0]]
    mixed = tb.matmul(torch.ones(2, 2), torch.ones(2, 2, dtype=torch.float64))
    assert mixed.dtype == torch.float64
    batched = tb.matmul(torch.ones(3, 2, 4), torch.ones(4, 5))
    assert batched.shape == (3, 2, 5)
