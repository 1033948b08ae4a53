"""_errors: the exception classes and what R recovers with take_last_error()."""

import ctypes

import pytest
import torch

import torchbridge as tb
from torchbridge._from_torch import plan as plan_of
from torchbridge._errors import TorchbridgeError
from torchbridge import _errors as E


@pytest.mark.parametrize(
    "cls, kind",
    [
        (E.TorchbridgeError, "torch"),
        (E.InputTypeError, "type"),
        (E.NAError, "na"),
        (E.DtypeError, "dtype"),
        (E.ValueOverflowError, "overflow"),
        (E.DeviceError, "device"),
        (E.NoGPUError, "no_gpu"),
        (E.ArgError, "arg"),
        (E.UnsupportedTensorError, "unsupported_tensor"),
        (E.ShapeError, "shape"),
        (E.SizeError, "size"),
        (E.PlotError, "plot"),
    ],
)
def test_kinds(cls, kind):
    # each kind is the suffix of an R class torchbridge_error_<kind> in ?torchbridge_error
    assert cls.kind == kind
    assert issubclass(cls, TorchbridgeError) and issubclass(cls, Exception)


def test_message_and_bullets():
    e = E.NAError("Can't do it.", [("x", "It was wrong."), ("i", "Try this.")])
    assert e.message == "Can't do it."
    assert e.bullets == [("x", "It was wrong."), ("i", "Try this.")]
    assert str(e) == "Can't do it.\nx: It was wrong.\ni: Try this."
    assert e.args == ("Can't do it.",)
    plain = E.DtypeError("Just this.")
    assert plain.bullets == [] and str(plain) == "Just this."


def test_the_first_line_is_the_type_and_the_first_line_of_the_message():
    @E.record
    def failing(text):
        raise RuntimeError(text)

    for text, first in [("two\nlines", "RuntimeError: two"), ("", "RuntimeError"), ("  padded \n", "RuntimeError: padded")]:
        with pytest.raises(RuntimeError):
            failing(text)
        assert tb.take_last_error()["first"] == first


def test_data_fields_are_kept_without_none_and_checked():
    e = E.ValueOverflowError("m", dtype="int32", value=3e9, path=None)
    assert e.data == {"dtype": "int32", "value": 3e9}
    assert E.FileError("m").data == {}
    with pytest.raises(TypeError, match="not a field"):
        E.DtypeError("m", call="x")  # a name R's conditions use for something else


def test_bullets_are_copied():
    given = [("x", "a")]
    e = E.DtypeError("m", given)
    given.append(("i", "b"))
    assert e.bullets == [("x", "a")]


def test_nothing_recorded():
    assert tb.take_last_error() is None


def test_take_last_error_gives_a_plain_dict_once():
    with pytest.raises(E.DtypeError):
        tb.from_r("0", "double", "0", None, dtype="nope")
    err = tb.take_last_error()
    assert err == {
        "kind": "dtype",
        "message": "`dtype` must be a torch dtype or the name of one.",
        "bullets": [
            ["x", "Got 'nope'."],
            ["i", 'Valid names include "float32", "float", "float64", "double", "float16", "half", "bfloat16", '
                  '"int8", "int16", "int32", "int64", "long", "uint8", "bool", "complex64", "complex128".'],
            ["i", 'The other names torch defines, such as "short", "int", "cfloat" and "cdouble", work too.'],
        ],
        "python": "DtypeError: `dtype` must be a torch dtype or the name of one.",
        "first": "DtypeError: `dtype` must be a torch dtype or the name of one.",
        "data": {"dtype": "nope"},
    }
    assert tb.take_last_error() is None  # taken: forgotten


def test_a_python_error_is_kind_torch_without_a_message():
    x = (ctypes.c_double * 1)()
    plan_of(torch.tensor([1.0]))
    tb.fill(str(ctypes.addressof(x)))  # uses the plan up
    with pytest.raises(RuntimeError):
        tb.fill(str(ctypes.addressof(x)))
    assert tb.take_last_error() == {
        "kind": "torch",
        "message": None,
        "bullets": [],
        "python": "RuntimeError: fill() called without plan()",
        "first": "RuntimeError: fill() called without plan()",
        "data": {},
    }


def test_the_last_error_wins():
    with pytest.raises(E.DtypeError):
        tb.cast_tensor(torch.zeros(1), "nope")
    with pytest.raises(E.DeviceError):
        tb.default_device("nope")
    assert tb.take_last_error()["kind"] == "device"
    assert tb.take_last_error() is None


@pytest.mark.parametrize(
    "call, kind",
    [
        (lambda: tb.from_r("0", "double", "0", None, dtype="nope"), "dtype"),
        (lambda: tb.from_r("0", "integer", "0", None, requires_grad=True), "dtype"),
        (lambda: tb.from_r("0", "double", "0", None, device="tpu"), "device"),
        (lambda: tb.from_r("0", "double", "0", None, float_dtype="int8"), "arg"),
        (lambda: tb.from_columns([], [], "1", dtype="bad"), "dtype"),
        (lambda: tb.cast_tensor("not a tensor"), "type"),
        (lambda: tb.cast_tensor(torch.tensor([1.5]), "int64"), "dtype"),
        (lambda: plan_of([1]), "type"),
        (lambda: plan_of(torch.tensor([2**40])), "overflow"),
        (lambda: plan_of(torch.empty(1, device="meta")), "unsupported_tensor"),
        (lambda: tb.unpack(object()), "type"),
        (lambda: tb.default_device(3), "device"),
    ],
)
def test_every_public_entry_point_records_its_error(call, kind):
    with pytest.raises(TorchbridgeError):
        call()
    err = tb.take_last_error()
    assert err["kind"] == kind
    assert err["message"]
    assert all(mark in ("x", "i") and isinstance(text, str) and text for mark, text in err["bullets"])
    assert err["python"].startswith(("DtypeError: ", "DeviceError: ", "ArgError: ", "InputTypeError: ",
                                     "ValueOverflowError: ", "UnsupportedTensorError: "))


def test_record_re_raises_the_same_exception_and_keeps_the_name():
    boom = ValueError("boom")

    @E.record
    def failing(a, b=2):
        """Docs."""
        raise boom

    @E.record
    def working(a, b=2):
        return a + b

    assert failing.__name__ == "failing" and failing.__doc__ == "Docs."
    with pytest.raises(ValueError) as ei:
        failing(1, b=3)
    assert ei.value is boom
    assert working(1, b=3) == 4
    assert tb.take_last_error() == {"kind": "torch", "message": None, "bullets": [], "python": "ValueError: boom",
                                    "first": "ValueError: boom", "data": {}}


def test_a_success_records_nothing():
    assert tb.default_device("cpu") == "cpu"
    assert tb.take_last_error() is None
