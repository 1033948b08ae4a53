"""Inputs a hostile user might hand the Python side: shrunk storage,
overlapping writes, failed calls that keep tensors alive, torch's runtime
errors classed correctly."""

from __future__ import annotations

import gc
import warnings
import weakref

import pytest
import torch

import torchbridge as tb
from torchbridge._from_torch import plan as plan_of
from torchbridge._devices import resolve
from torchbridge._errors import (
    DeviceError,
    DtypeError,
    NoGPUError,
    TorchbridgeError,
    UnsupportedTensorError,
    ValueOverflowError,
    kind_of,
    torch_failure,
)


def shrunk():
    a = torch.arange(10.0, dtype=torch.float64)
    b = a[1:5]
    a.untyped_storage().resize_(0)
    return b


@pytest.mark.parametrize(
    "call",
    [
        lambda b: plan_of(b),
        lambda b: tb.binary("+", b, 1.0),
        lambda b: tb.unary("-", b),
        lambda b: tb.math_op("sqrt", b),
        lambda b: tb.summary("sum", [b]),
        lambda b: tb.mean(b),
        lambda b: tb.subset(b, [1]),
        lambda b: tb.assign(b, [1], 0.0),
        lambda b: tb.permute(b, None, False),
        lambda b: tb.na_test("is.na", b),
        lambda b: tb.summarize(b),
        lambda b: tb.matmul(b, 1.0),
    ],
    ids=["plan", "binary", "unary", "math", "summary", "mean", "subset", "assign", "permute", "na_test",
         "summarize", "matmul"],
)
def test_a_tensor_outside_its_storage_is_refused(call):
    with pytest.raises(UnsupportedTensorError, match="its elements lie outside its memory"):
        call(shrunk())


def test_preview_of_a_shrunk_tensor_says_why():
    out = tb.preview(shrunk())
    assert out["values"] is None and "outside its memory" in out["why"]


def test_writing_through_an_expanded_tensor_is_refused():
    x = torch.tensor([1.0, 2.0, 3.0]).reshape(1, 3).expand(3, 3)
    with pytest.raises(UnsupportedTensorError, match="^Can't write into a tensor whose elements share memory"):
        tb.assign(x, [1], 0.0)
    y = torch.zeros(3, 3)
    tb.assign(y, [1], 5.0)
    assert y[0, 0].item() == 5.0


def live_tensors():
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is torch.Tensor)


def test_a_failed_call_keeps_no_tensor_alive(rmem):
    # reticulate keeps the exception (and its traceback) until the next error:
    # the tensors made inside the failed call must not live on with it.
    x = rmem.double([1.0, 2.0, 1e300])
    before = live_tensors()
    with pytest.raises(ValueOverflowError) as info:
        x.from_r(dtype="float32")
    kept = info.value  # what reticulate holds
    assert live_tensors() == before
    assert kept.__traceback__ is not None


def test_a_failed_call_releases_its_arguments():
    t = torch.ones(3, dtype=torch.int64)
    ref = weakref.ref(t)
    try:
        tb.binary("+", t, 1.5e300)  # overflow of the R value, raised deep inside
    except ValueOverflowError as e:
        kept = e
    del t
    gc.collect()
    assert ref() is None
    assert kept.__context__ is None  # chained exceptions (raise ... from None) dropped too


def test_out_of_memory_is_a_torch_error_not_a_dtype_error():
    big = torch.zeros(1).expand(2**40)
    with pytest.raises(TorchbridgeError) as info:
        tb.binary("+", big, 1.0)
    assert type(info.value) is TorchbridgeError and info.value.kind == "torch"
    assert "ran out of memory" in info.value.message
    assert any("torch:" in b[1] for b in info.value.bullets)
    with pytest.raises(TorchbridgeError) as info:
        tb.math_op("sqrt", big)
    assert info.value.kind == "torch"


def test_torch_failures_are_classified():
    assert kind_of(NotImplementedError('"copy_kernel" not implemented for \'Float4_e2m1fn_x2\'')) == "dtype"
    assert kind_of(RuntimeError("DefaultCPUAllocator: can't allocate memory")) == "torch"
    assert kind_of(RuntimeError("something else failed")) == "torch"
    e = torch_failure(RuntimeError("boom\nmore"), "apply `+`", [("x", "a")])
    assert (e.kind, e.message, e.bullets) == ("torch", "Can't apply `+`: torch raised an error.",
                                              [("x", "a"), ("x", "torch: boom")])


def test_untyped_errors_from_torch_are_classed_by_kind():
    @tb._errors.record
    def f():
        raise NotImplementedError('"add_stub" not implemented for \'UInt64\'')

    with pytest.raises(NotImplementedError):
        f()
    assert tb.take_last_error()["kind"] == "dtype"


def test_bit_packed_float4_is_not_a_cast_target():
    with pytest.raises(DtypeError, match="^Can't cast to float4_e2m1fn_x2"):
        tb.cast_tensor(torch.ones(2), "float4_e2m1fn_x2")


@pytest.mark.parametrize("spec,expected", [("cpu:0", "cpu"), ("cpu", "cpu"), (torch.device("cpu"), "cpu"),
                                           (torch.device("cpu", 0), "cpu")])
def test_device_strings_torch_accepts(spec, expected):
    assert str(resolve(spec)) == expected


def test_device_strings_that_name_no_device():
    for spec in ("gpu", "cuda:x", "meta", "CPU", ""):
        with pytest.raises(DeviceError):
            resolve(spec)
    if not torch.backends.mps.is_available():
        with pytest.raises(NoGPUError):
            resolve("mps:0")


def test_nested_tensor_preview_does_not_fail():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "prototype stage"
        n = torch.nested.nested_tensor([torch.ones(2), torch.ones(3)])
    out = tb.preview(n)
    assert out["shape"] == ["2"] and out["values"] is None and "nested" in out["why"]


def test_scalar_assignment_is_exact():
    x = torch.zeros(2, dtype=torch.float64)
    tb.assign(x, [1], 0.1)
    tb.assign(x, [2], 1e300)
    assert x.tolist() == [0.1, 1e300]
    i = torch.zeros(2, dtype=torch.int64)
    tb.assign(i, [1], 123456789.0)
    tb.assign(i, [2], float(2**53 + 2))
    assert i.tolist() == [123456789, 2**53 + 2]
    z = torch.zeros(1, dtype=torch.complex128)
    tb.assign(z, [1], 0.1 + 0.3j)
    assert z.tolist() == [0.1 + 0.3j]
    f = torch.zeros(1, dtype=torch.float32)
    with pytest.raises(ValueOverflowError):
        tb.assign(f, [1], 1e39)
    h = torch.zeros(1, dtype=torch.float16)
    with pytest.raises(ValueOverflowError):
        tb.assign(h, [1], torch.tensor([1e10], dtype=torch.bfloat16))


def test_aperm_resize_false_is_always_a_copy():
    for shape in [(3,), (3, 1), (1, 1, 4), (2, 3)]:
        a = torch.zeros(shape)
        b = tb.permute(a, None, False)
        b.add_(1)
        assert a.sum().item() == 0, shape


def test_element_subset():
    x = torch.tensor([10.0, 20.0, 30.0])
    e = tb.subset(x, [2], True, True)
    assert e.shape == () and e.item() == 20.0
    m = torch.arange(6).reshape(2, 3)
    assert tb.subset(m, [2, 3], True, True).item() == 5
    assert tb.subset(m, [4], True, True).item() == 4  # column-major, as R
    with pytest.raises(tb._errors.IndexTypeError, match=r"select exactly one|selects exactly one"):
        tb.subset(x, [["0", "integer", "0", None]], True, True)  # nothing selected


def test_log_with_bases_r_allows():
    x = torch.tensor([1.0, 2.0])
    assert torch.isnan(tb.math_op("log", x, -1.0)).all()
    zero = tb.math_op("log", x, 0.0)
    assert zero.tolist() == [0.0, 0.0] and str(zero[1].item()) == "-0.0"
    assert tb.math_op("log", x, 1.0).tolist()[1] == float("inf")


def test_cast_of_a_tensor_outside_its_storage_is_refused():
    # torch's own copy would read freed memory (and crash)
    with pytest.raises(UnsupportedTensorError):
        tb.cast_tensor(shrunk(), "float32")
    with pytest.raises(UnsupportedTensorError):
        tb.cast_tensor(shrunk(), None, "cpu")


def test_writes_into_overlapping_strided_views_are_refused():
    over = torch.zeros(3).as_strided((2, 2), (1, 1))  # [0, 1] and [1, 0] are one element
    with pytest.raises(UnsupportedTensorError):
        tb.assign(over, [1], 5.0)
    base = torch.zeros(4)
    fine = base.as_strided((2, 2), (2, 1))
    tb.assign(fine, [1, 1], 5.0)
    assert base.tolist() == [5.0, 0.0, 0.0, 0.0]
    tb.assign(torch.zeros(3, 4).t(), [1], 1.0)  # transposed: no overlap
