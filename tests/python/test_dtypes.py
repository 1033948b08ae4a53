"""_dtypes: dtype names, R's default mapping and the R type of each torch dtype."""

import re

import pytest
import torch

from torchbridge._dtypes import all_names, parse
from torchbridge import _dtypes as D
from torchbridge._errors import ArgError, DtypeError, UnsupportedTensorError

COMMON = (
    '"float32", "float", "float64", "double", "float16", "half", "bfloat16", '
    '"int8", "int16", "int32", "int64", "long", "uint8", "bool", "complex64", "complex128"'
)
VALID_NAMES_BULLET = ("i", f"Valid names include {COMMON}.")
OTHER_NAMES_BULLET = ("i", 'The other names torch defines, such as "short", "int", "cfloat" and "cdouble", work too.')


def test_r_constants():
    assert D.INT_NA == -2147483648
    assert D.INT64_NA == -9223372036854775808
    assert D.NA_REAL_BITS == 0x7FF00000000007A2
    assert D.DOUBLE_EXACT == 2**53
    assert D.R_STORAGE == {
        "double": torch.float64,
        "integer": torch.int32,
        "logical": torch.int32,
        "complex": torch.float64,
        "raw": torch.uint8,
        "integer64": torch.int64,
    }
    assert D.R_NA_SENTINEL == {"integer": -(2**31), "logical": -(2**31), "integer64": -(2**63)}


@pytest.mark.parametrize(
    "name, dtype",
    [
        ("float32", torch.float32), ("float", torch.float32),
        ("float64", torch.float64), ("double", torch.float64),
        ("float16", torch.float16), ("half", torch.float16),
        ("bfloat16", torch.bfloat16),
        ("int8", torch.int8), ("int16", torch.int16), ("short", torch.int16),
        ("int32", torch.int32), ("int", torch.int32),
        ("int64", torch.int64), ("long", torch.int64),
        ("uint8", torch.uint8), ("uint16", torch.uint16),
        ("uint32", torch.uint32), ("uint64", torch.uint64),
        ("bool", torch.bool),
        ("complex64", torch.complex64), ("cfloat", torch.complex64),
        ("complex128", torch.complex128), ("cdouble", torch.complex128),
        ("complex32", torch.complex32), ("chalf", torch.complex32),
        ("torch.float32", torch.float32), ("torch.long", torch.int64),
        ("torch.cfloat", torch.complex64), ("torch.bool", torch.bool),
    ],
)
def test_parse_names(name, dtype):
    assert parse(name) is dtype


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.bool, torch.complex128, torch.uint64])
def test_parse_returns_dtype_objects_as_they_are(dtype):
    assert parse(dtype) is dtype


@pytest.mark.parametrize(
    "bad", ["float33", "Float32", "FLOAT", "", "torch.", "torch.nope", "torch.torch.float32", "float32 ", "Tensor", "nn"]
)
def test_parse_refuses_unknown_names_listing_the_valid_ones(bad):
    with pytest.raises(DtypeError) as ei:
        parse(bad)
    e = ei.value
    assert e.kind == "dtype"
    assert e.message == "`dtype` must be a torch dtype or the name of one."
    assert e.bullets == [("x", f"Got {bad!r}."), VALID_NAMES_BULLET, OTHER_NAMES_BULLET]


@pytest.mark.parametrize(
    "bad, shown", [(3, "int"), (None, "NoneType"), (1.5, "float"), (["float32"], "list"), (torch.zeros(1), "Tensor")]
)
def test_parse_refuses_non_strings(bad, shown):
    with pytest.raises(DtypeError) as ei:
        parse(bad)
    assert ei.value.bullets[0] == ("x", f"Got an object of type {shown}.")


def test_parse_names_the_argument():
    with pytest.raises(DtypeError) as ei:
        parse("nope", arg="int64_dtype")
    assert ei.value.message == "`int64_dtype` must be a torch dtype or the name of one."


def test_every_name_the_error_lists_is_valid():
    with pytest.raises(DtypeError) as ei:
        parse("nope")
    listed = re.findall(r'"([^"]+)"', ei.value.bullets[1][1] + ei.value.bullets[2][1])
    assert len(listed) == 20
    for name in listed:
        assert isinstance(parse(name), torch.dtype)


def test_all_names():
    names = all_names()
    assert isinstance(names, tuple)
    assert list(names) == sorted(names)
    assert len(set(names)) == len(names)
    for n in ("float32", "float", "double", "half", "short", "int", "long", "cfloat", "cdouble", "bool", "uint64"):
        assert n in names
    for n in names:
        assert parse(n) is getattr(torch, n)
    # exactly the torch attributes that are dtypes
    expected = {n for n in dir(torch) if isinstance(getattr(torch, n, None), torch.dtype)}
    assert set(names) == expected
    assert "Tensor" not in names and "float_power" not in names


def test_float_dtype_defaults_to_torchs_default_dtype():
    assert D.float_dtype(None) is torch.float32
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        assert D.float_dtype(None) is torch.float64
    finally:
        torch.set_default_dtype(old)
    assert D.float_dtype(None) is torch.float32


@pytest.mark.parametrize(
    "spec, dtype",
    [("float32", torch.float32), ("float64", torch.float64), ("double", torch.float64),
     ("float16", torch.float16), ("half", torch.float16), ("bfloat16", torch.bfloat16),
     (torch.float64, torch.float64)],
)
def test_float_dtype_option(spec, dtype):
    assert D.float_dtype(spec) is dtype


@pytest.mark.parametrize("spec, shown", [("int32", "int32"), ("complex64", "complex64"), ("bool", "bool"), (torch.int64, "int64")])
def test_float_dtype_option_must_be_a_float(spec, shown):
    with pytest.raises(ArgError) as ei:
        D.float_dtype(spec)
    e = ei.value
    assert e.kind == "arg"
    assert e.message == "The option `torchbridge.float_dtype` must name a float dtype."
    assert e.bullets == [("x", f"It is {shown!r}."), ("i", 'Use "float32", "float64", "float16" or "bfloat16".')]


def test_float_dtype_option_with_an_unknown_name():
    with pytest.raises(DtypeError) as ei:
        D.float_dtype("float99")
    assert ei.value.message == "`torchbridge.float_dtype` must be a torch dtype or the name of one."
    assert ei.value.bullets[0] == ("x", "Got 'float99'.")


@pytest.mark.parametrize(
    "rtype, float_dt, dtype",
    [
        ("double", torch.float32, torch.float32),
        ("double", torch.float64, torch.float64),
        ("double", torch.float16, torch.float16),
        ("integer", torch.float32, torch.int64),
        ("integer", torch.float64, torch.int64),
        ("integer64", torch.float32, torch.int64),
        ("logical", torch.float32, torch.bool),
        ("complex", torch.float32, torch.complex64),
        ("complex", torch.float64, torch.complex128),
        ("complex", torch.float16, torch.complex64),
        ("complex", torch.bfloat16, torch.complex64),
        ("raw", torch.float64, torch.uint8),
    ],
)
def test_default_for(rtype, float_dt, dtype):
    assert D.default_for(rtype, float_dt) is dtype


def test_default_for_unknown_r_type():
    with pytest.raises(ValueError, match="unknown R type 'character'"):
        D.default_for("character", torch.float32)


R_TYPE_TABLE = [
    (torch.float16, "double", torch.float64),
    (torch.bfloat16, "double", torch.float64),
    (torch.float32, "double", torch.float64),
    (torch.float64, "double", torch.float64),
    (torch.int8, "integer", torch.int32),
    (torch.int16, "integer", torch.int32),
    (torch.int32, "integer", torch.int32),
    (torch.uint8, "integer", torch.int32),
    (torch.uint16, "integer", torch.int32),
    (torch.bool, "logical", torch.int32),
    (torch.complex64, "complex", torch.float64),
    (torch.complex128, "complex", torch.float64),
    (torch.complex32, "complex", torch.float64),
]


@pytest.mark.parametrize("int64", ["integer", "double", "bit64"])
@pytest.mark.parametrize("dtype, rtype, storage", R_TYPE_TABLE)
def test_r_type_for_fixed_rows(dtype, rtype, storage, int64):
    # int64 = ... only changes the wide integer rows
    assert D.r_type_for(dtype, int64) == (rtype, storage)


@pytest.mark.parametrize("dtype", [torch.int64, torch.uint32, torch.uint64])
@pytest.mark.parametrize(
    "int64, rtype, storage",
    [("integer", "integer", torch.int32), ("double", "double", torch.float64), ("bit64", "integer64", torch.int64)],
)
def test_r_type_for_wide_integers(dtype, int64, rtype, storage):
    assert D.r_type_for(dtype, int64) == (rtype, storage)


def _unsupported_dtypes():
    names = ["float4_e2m1fn_x2", "bits8", "bits16", "qint8", "quint8", "qint32", "uint1", "uint4", "int4"]
    return [getattr(torch, n) for n in names if hasattr(torch, n)]


@pytest.mark.parametrize("dtype", _unsupported_dtypes(), ids=str)
def test_r_type_for_unsupported_dtypes(dtype):
    with pytest.raises(UnsupportedTensorError) as ei:
        D.r_type_for(dtype, "integer")
    e = ei.value
    assert e.kind == "unsupported_tensor"
    assert e.message == f"Can't convert a tensor of dtype {str(dtype)[6:]} to R."
    assert e.bullets == [("i", 'Cast it first, e.g. `x$to(dtype = torch$float32)`, or use `as_torch(x, dtype = "float32")`.')]


def test_every_torch_dtype_has_an_r_type_or_a_clear_error():
    for name in all_names():
        dt = getattr(torch, name)
        try:
            rtype, storage = D.r_type_for(dt, "integer")
        except UnsupportedTensorError:
            assert not (dt.is_floating_point and dt in (torch.float16, torch.bfloat16, torch.float32, torch.float64))
            continue
        assert rtype in ("double", "integer", "logical", "complex")
        assert storage is D.R_STORAGE[rtype]


@pytest.mark.parametrize(
    "dtype, kind",
    [(torch.bool, "bool"), (torch.uint8, "int"), (torch.int64, "int"), (torch.uint64, "int"),
     (torch.float16, "float"), (torch.bfloat16, "float"), (torch.float64, "float"),
     (torch.complex64, "complex"), (torch.complex32, "complex")],
)
def test_kind(dtype, kind):
    assert D.kind(dtype) == kind


def test_name():
    assert D.name(torch.float32) == "float32"
    assert D.name(torch.complex128) == "complex128"


@pytest.mark.parametrize(
    "dtype, lo, hi",
    [(torch.int8, -128, 127), (torch.uint8, 0, 255), (torch.int16, -32768, 32767), (torch.uint16, 0, 65535),
     (torch.int32, -(2**31), 2**31 - 1), (torch.uint32, 0, 2**32 - 1),
     (torch.int64, -(2**63), 2**63 - 1), (torch.uint64, 0, 2**64 - 1)],
)
def test_int_range_is_exact(dtype, lo, hi):
    assert D.int_range(dtype) == (lo, hi)
    assert all(type(v) is int for v in D.int_range(dtype))


def test_float_max():
    assert D.float_max(torch.float16) == 65504.0
    assert D.float_max(torch.float32) == 3.4028234663852886e38
    assert D.float_max(torch.bfloat16) == 3.3895313892515355e38
