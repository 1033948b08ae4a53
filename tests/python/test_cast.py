"""_cast: a cast never changes a value silently.

The rules (?as_torch): NA/NaN to an integer or bool type is an NA error; a
value outside the target's range is an overflow error; a lost fraction or a
dropped non-zero imaginary part is a dtype error; rounding to a narrower float
is allowed; to bool, non-zero is TRUE. They are checked through ``from_r()``
(R data) and ``cast_tensor()`` (a tensor given to ``as_torch()``).
"""

import math
import struct

import pytest
import torch

import torchbridge as tb
from torchbridge._dtypes import parse
from torchbridge._cast import cast_into, validate
from torchbridge._errors import DtypeError, NAError, ValueOverflowError

NA_HINT = ("i", 'Use a float `dtype` (e.g. "float32"), where NA becomes NaN, or remove the NAs first.')
INT_RANGE_HINT = ("i", "Choose a wider `dtype`, or rescale the data first.")
FLOAT_RANGE_HINT = ("i", 'Choose a wider `dtype` (e.g. "float32"), or rescale the data first.')
FRACTION_HINT = ("i", "Round first (e.g. `round(x)`), or choose a float `dtype`.")
IMAGINARY_HINT = ("i", 'Use `Re(x)` or `Mod(x)` first, or a complex `dtype` such as "complex64".')
INT_LIMITS = {
    "int8": "-128 to 127", "uint8": "0 to 255", "int16": "-32768 to 32767",
    "int32": "-2147483648 to 2147483647", "int64": "-9223372036854775808 to 9223372036854775807",
    "uint16": "0 to 65535", "uint32": "0 to 4294967295", "uint64": "0 to 18446744073709551615",
}


def bits64(t):
    """The raw bits of a float64 tensor's elements."""
    assert t.dtype == torch.float64
    return t.contiguous().view(torch.int64).flatten().tolist()


def na_bits_signed():
    return struct.unpack("<q", struct.pack("<Q", 0x7FF00000000007A2))[0]


# --- NA / NaN to integer and bool types -----------------------------------


@pytest.mark.parametrize("target", ["int64", "int32", "int16", "int8", "uint8", "bool", "long"])
@pytest.mark.parametrize("missing", [None, math.nan], ids=["NA_real_", "NaN"])
def test_double_na_or_nan_to_int_or_bool(rmem, target, missing):
    x = rmem.double([1.0, missing, 3.0])
    with pytest.raises(NAError) as ei:
        x.from_r(dtype=target)
    e = ei.value
    name = str(parse(target))[6:]
    assert e.kind == "na"
    assert e.message == f"Can't convert missing values (NA or NaN) to {name}."
    assert e.bullets == [("x", f"{name} has no missing value."), NA_HINT]


@pytest.mark.parametrize(
    "rtype, values, dtype, name",
    [
        ("integer", [1, None, 3], None, "int64"),
        ("integer", [1, None, 3], "int32", "int32"),
        ("integer", [None], "uint8", "uint8"),
        ("integer", [1, None], "bool", "bool"),
        ("logical", [True, None], None, "bool"),
        ("logical", [True, None], "int32", "int32"),
        ("integer64", [5, None], None, "int64"),
        ("integer64", [5, None], "int16", "int16"),
    ],
)
def test_integer_na_to_int_or_bool(rmem, rtype, values, dtype, name):
    with pytest.raises(NAError) as ei:
        rmem.vector(rtype, values).from_r(dtype=dtype)
    assert ei.value.message == f"Can't convert NA to {name}."
    assert ei.value.bullets == [("x", f"{name} has no missing value."), NA_HINT]


def test_complex_na_to_int(rmem):
    with pytest.raises(NAError, match=r"^Can't convert missing values \(NA or NaN\) to int32\.") as ei:
        rmem.complex([1 + 0j, None]).from_r(dtype="int32")
    assert ei.value.kind == "na"


# --- values outside the target's range ------------------------------------


@pytest.mark.parametrize(
    "rtype, values, dtype, found",
    [
        ("double", [1.0, 300.0], "uint8", "300"),
        ("double", [-1.0, 2.0], "uint8", "-1"),
        ("double", [math.inf, 1.0], "int64", "Inf"),  # as R writes it
        ("double", [1.0, -math.inf], "int32", "-Inf"),
        ("double", [2.0**63], "int64", "9.223372036854776e+18"),  # big doubles print as doubles
        ("double", [-129.0], "int8", "-129"),
        ("double", [1e19 * 2], "uint64", "2e+19"),
        ("double", [2.0**31], "int32", "2147483648"),
        ("integer", [300, 1], "uint8", "300"),
        ("integer", [-1], "uint16", "-1"),
        ("integer", [70000], "int16", "70000"),
        ("raw", [200, 1], "int8", "200"),
        ("integer64", [2**40], "int32", "1099511627776"),
        ("integer64", [-5], "uint64", "-5"),
        ("complex", [1 + 0j, 256 + 0j], "uint8", "256"),
    ],
)
def test_overflow_to_integer_types(rmem, rtype, values, dtype, found):
    with pytest.raises(ValueOverflowError) as ei:
        rmem.vector(rtype, values).from_r(dtype=dtype)
    e = ei.value
    assert e.kind == "overflow"
    assert e.message == f"Can't convert to {dtype}: a value is outside its range."
    assert e.bullets == [("x", f"Found {found}; {dtype} holds {INT_LIMITS[dtype]}."), INT_RANGE_HINT]


@pytest.mark.parametrize(
    "rtype, values, dtype, found, largest",
    [
        ("double", [70000.0], "float16", "70000", "65504"),
        ("double", [1.0, -70000.0], "float16", "-70000", "65504"),
        ("double", [65520.0], "float16", "65520", "65504"),  # rounds to Inf
        ("integer", [70000], "float16", "70000", "65504"),
        ("integer", [None, -65536], "float16", "-65536", "65504"),
        ("integer64", [2**17], "half", "131072", "65504"),
        ("double", [1e39], "bfloat16", "1e+39", "3.3895313892515355e+38"),
    ],
)
def test_overflow_to_narrower_floats(rmem, rtype, values, dtype, found, largest):
    name = str(parse(dtype))[6:]
    with pytest.raises(ValueOverflowError) as ei:
        rmem.vector(rtype, values).from_r(dtype=dtype)
    e = ei.value
    assert e.message == f"Can't convert to {name}: a value is outside its range."
    assert e.bullets == [("x", f"Found {found}; the largest finite {name} is {largest}."), FLOAT_RANGE_HINT]


@pytest.mark.parametrize("dtype", [None, "float32"])
def test_overflow_to_float32(rmem, dtype):
    # None: R doubles become float32 by default, with the same check
    with pytest.raises(ValueOverflowError) as ei:
        rmem.double([1.0, 1e39]).from_r(dtype=dtype)
    e = ei.value
    assert e.message == "Can't convert to float32: a value is outside its range."
    assert e.bullets[0] == ("x", "Found 1e+39; the largest finite float32 is 3.4028234663852886e+38.")


def test_overflow_hint_suggests_a_wider_dtype_than_the_target(rmem):
    with pytest.raises(ValueOverflowError) as ei:
        rmem.double([1e39]).from_r(dtype="float32")
    assert ei.value.bullets[1] == ("i", 'Choose a wider `dtype` (e.g. "float64"), or rescale the data first.')


def test_overflow_of_complex_parts_to_complex64_is_an_error(rmem):
    with pytest.raises(ValueOverflowError):
        rmem.complex([1 + 0j, 1e39 + 0j]).from_r()
    with pytest.raises(ValueOverflowError):
        rmem.complex([1 + 1e39j]).from_r(dtype="complex64")


def test_overflow_to_complex64_names_complex64(rmem):
    with pytest.raises(ValueOverflowError) as ei:
        rmem.complex([1 + 0j, 1e39 + 0j]).from_r(dtype="complex64")
    assert ei.value.message == "Can't convert to complex64: a value is outside its range."


def test_values_at_the_edge_of_the_range_fit(rmem):
    assert rmem.double([0.0, 255.0]).from_r(dtype="uint8").tolist() == [0, 255]
    assert rmem.double([-128.0, 127.0]).from_r(dtype="int8").tolist() == [-128, 127]
    big = 2.0**63 - 1024  # the largest double below 2^63
    assert rmem.double([big, -(2.0**63)]).from_r(dtype="int64").tolist() == [9223372036854774784, -(2**63)]
    assert rmem.double([1e19]).from_r(dtype="uint64").tolist() == [10000000000000000000]
    assert rmem.integer([-32768, 32767]).from_r(dtype="int16").tolist() == [-32768, 32767]
    assert rmem.integer([2**31 - 1, -(2**31) + 1]).from_r(dtype="int32").tolist() == [2147483647, -2147483647]
    assert rmem.double([65504.0, -65504.0]).from_r(dtype="float16").tolist() == [65504.0, -65504.0]


# --- lost fractions and imaginary parts -----------------------------------


@pytest.mark.parametrize(
    "values, dtype, found",
    [([1.0, 3.5], "int64", "3.5"), ([-0.25], "int32", "-0.25"), ([1e-300], "int64", "1e-300"), ([2.5], "uint8", "2.5")],
)
def test_lost_fraction(rmem, values, dtype, found):
    with pytest.raises(DtypeError) as ei:
        rmem.double(values).from_r(dtype=dtype)
    e = ei.value
    assert e.kind == "dtype"
    assert e.message == f"Can't convert to {dtype} without losing the fractional part."
    assert e.bullets == [("x", f"Found {found}."), FRACTION_HINT]


@pytest.mark.parametrize(
    "values, dtype, found",
    [([1 + 2j, 3 + 0j], "float64", "1+2i"), ([3 + 0j, 1 - 0.5j], "int64", "1-0.5i"),
     ([0 + 2j], "bool", "0+2i"), ([1 + 1e-300j], "float32", "1+1e-300i")],
)
def test_dropped_imaginary_part(rmem, values, dtype, found):
    with pytest.raises(DtypeError) as ei:
        rmem.complex(values).from_r(dtype=dtype)
    e = ei.value
    assert e.message == f"Can't convert complex numbers with a non-zero imaginary part to {dtype}."
    assert e.bullets == [("x", f"Found {found}."), IMAGINARY_HINT]


def test_complex_with_zero_imaginary_parts_casts_to_real(rmem):
    x = rmem.complex([1.5 + 0j, -2 - 0j, None])
    t = x.from_r(dtype="float64")
    assert t.dtype == torch.float64
    assert t[:2].tolist() == [1.5, -2.0]
    # R's NA_complex_ has NA_real_ parts: the real part keeps R's NA
    assert bits64(t)[2] == na_bits_signed()
    assert rmem.complex([2 + 0j, -7 + 0j]).from_r(dtype="int64").tolist() == [2, -7]


# --- rounding to narrower floats is allowed -------------------------------


def test_rounding_to_narrower_floats_is_allowed(rmem):
    values = [0.1, 1 / 3, 1e-50, 65519.0, -2.0**-30]
    for dtype in (torch.float32, torch.float16, torch.bfloat16):
        t = rmem.double(values).from_r(dtype=dtype)
        assert t.dtype == dtype
        assert t.tolist() == torch.tensor(values, dtype=torch.float64).to(dtype).tolist()
    assert rmem.double([65519.0]).from_r(dtype="float16").item() == 65504.0
    assert rmem.double([1e-50]).from_r(dtype="float32").item() == 0.0  # underflow rounds to 0


def test_inf_and_nan_stay_inf_and_nan_in_narrower_floats(rmem):
    t = rmem.double([math.inf, -math.inf, math.nan, None]).from_r(dtype="float16")
    v = t.tolist()
    assert v[:2] == [math.inf, -math.inf]
    assert math.isnan(v[2]) and math.isnan(v[3])


# --- to bool: non-zero is TRUE --------------------------------------------


@pytest.mark.parametrize(
    "rtype, values, expected",
    [
        ("double", [0.5, 0.0, -0.0, -2.0, math.inf, 1e-300], [True, False, False, True, True, True]),
        ("integer", [0, 5, -1, 2**31 - 1], [False, True, True, True]),
        ("raw", [0, 1, 255], [False, True, True]),
        ("integer64", [0, 2**40, -(2**62)], [False, True, True]),
        ("complex", [0j, 2 + 0j, -0.5 + 0j], [False, True, True]),
        ("logical", [True, False], [True, False]),
    ],
)
def test_to_bool_non_zero_is_true(rmem, rtype, values, expected):
    t = rmem.vector(rtype, values).from_r(dtype="bool")
    assert t.dtype == torch.bool
    assert t.tolist() == expected


# --- integer NA to floats -------------------------------------------------


@pytest.mark.parametrize("rtype", ["integer", "logical"])
def test_integer_na_to_float64_is_rs_na_bit_pattern(rmem, rtype):
    values = [1, None, 0, None, 1, 0] if rtype == "integer" else [True, None, False, None, True, False]
    x = rmem.vector(rtype, values, dims=[2, 3])
    t = x.from_r(dtype="float64")
    assert t.dtype == torch.float64
    na = na_bits_signed()
    # R's x[2, 1] and x[2, 2] are NA: t[1, 0] and t[1, 1]
    got = t.contiguous().view(torch.int64).tolist()
    assert got[1][0] == na and got[1][1] == na
    assert t[0].tolist() == [1.0, 0.0, 1.0]
    assert t[1, 2].item() == 0.0
    assert hex(got[1][0] & 0xFFFFFFFFFFFFFFFF) == "0x7ff00000000007a2"


def test_integer64_na_to_float64_is_rs_na(rmem):
    t = rmem.integer64([None, 2**40]).from_r(dtype="float64")
    assert bits64(t) == [na_bits_signed(), struct.unpack("<q", struct.pack("<d", 2.0**40))[0]]


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_integer_na_to_narrower_floats_is_nan(rmem, dtype):
    t = rmem.integer([7, None]).from_r(dtype=dtype)
    assert t[0].item() == 7.0
    assert math.isnan(t[1].item())


def test_integer_na_to_complex128_has_na_parts(rmem):
    t = rmem.integer([3, None]).from_r(dtype="complex128")
    parts = torch.view_as_real(t)
    assert parts[0].tolist() == [3.0, 0.0]
    assert bits64(parts[1]) == [na_bits_signed(), na_bits_signed()]
    t = rmem.integer([3, None]).from_r(dtype="complex64")
    assert t[0].item() == 3 + 0j
    assert math.isnan(t[1].real.item()) and math.isnan(t[1].imag.item())


def test_double_na_keeps_its_bits_in_float64_and_is_nan_in_float32(rmem):
    x = rmem.double([None, math.nan, 1.0])
    t64 = x.from_r(dtype="float64")
    assert bits64(t64)[0] == na_bits_signed()
    assert bits64(t64)[1] == 0x7FF8000000000000  # a plain NaN stays a plain NaN
    t32 = x.from_r(dtype="float32")
    assert math.isnan(t32[0].item()) and math.isnan(t32[1].item())
    assert bits64(t32.to(torch.float64))[0] != na_bits_signed()


# --- the cast helpers themselves ------------------------------------------


def test_validate_returns_the_na_mask_for_float_targets():
    src = torch.tensor([1, -(2**31), 3, -(2**31)], dtype=torch.int32)
    mask = validate(src, torch.float64, -(2**31))
    assert mask.tolist() == [False, True, False, True]
    assert validate(torch.tensor([1, 2], dtype=torch.int32), torch.float64, -(2**31)) is None
    assert validate(torch.tensor([1.5]), torch.float32) is None
    assert validate(torch.empty(0, dtype=torch.int32), torch.int8, -(2**31)) is None


def test_cast_into_fuses_the_layout_change():
    # a column-major 2 x 3 view, as R stores it
    storage = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], dtype=torch.float64)
    src = storage.as_strided((2, 3), (1, 2))
    out = cast_into(src, torch.int16, [2, 3])
    assert out.dtype == torch.int16
    assert out.is_contiguous()
    assert out.tolist() == [[1, 3, 5], [2, 4, 6]]


def test_cast_into_complex_pairs():
    pairs = torch.tensor([[1.0, 2.0], [3.0, -4.0]], dtype=torch.float64)
    out = cast_into(pairs, torch.complex128, [2], pairs=True)
    assert out.tolist() == [1 + 2j, 3 - 4j]
    out = cast_into(torch.tensor([[1.0, 0.0]], dtype=torch.float64), torch.int8, [1], pairs=True)
    assert out.dtype == torch.int8 and out.tolist() == [1]


def test_cast_into_empty():
    out = cast_into(torch.empty((2, 0), dtype=torch.int32), torch.uint8, [2, 0], -(2**31))
    assert out.shape == (2, 0) and out.dtype == torch.uint8


# --- the same rules for tensors (cast_tensor) -----------------------------


@pytest.mark.parametrize(
    "x, dtype, error, message",
    [
        (torch.tensor([math.nan, 2.0]), "int64", NAError, "Can't convert missing values (NA or NaN) to int64."),
        (torch.tensor([math.nan]), "bool", NAError, "Can't convert missing values (NA or NaN) to bool."),
        (torch.tensor([300, 2]), "uint8", ValueOverflowError, "Can't convert to uint8: a value is outside its range."),
        (torch.tensor([math.inf]), "int32", ValueOverflowError, "Can't convert to int32: a value is outside its range."),
        (torch.tensor([70000.0]), "float16", ValueOverflowError, "Can't convert to float16: a value is outside its range."),
        (torch.tensor([1e39], dtype=torch.float64), "float32", ValueOverflowError,
         "Can't convert to float32: a value is outside its range."),
        (torch.tensor([3.5], dtype=torch.float64), "int64", DtypeError,
         "Can't convert to int64 without losing the fractional part."),
        (torch.tensor([1 + 2j]), "float32", DtypeError,
         "Can't convert complex numbers with a non-zero imaginary part to float32."),
        (torch.tensor([1 + 2j]).conj(), "int64", DtypeError,
         "Can't convert complex numbers with a non-zero imaginary part to int64."),
        (torch.tensor([-1], dtype=torch.int64), "uint32", ValueOverflowError,
         "Can't convert to uint32: a value is outside its range."),
        (torch.tensor([2**40]), "uint32", ValueOverflowError, "Can't convert to uint32: a value is outside its range."),
        (torch.tensor([70000], dtype=torch.uint32), "int16", ValueOverflowError,
         "Can't convert to int16: a value is outside its range."),
        (torch.tensor([2**63], dtype=torch.uint64), "int64", ValueOverflowError,
         "Can't convert to int64: a value is outside its range."),
    ],
)
def test_cast_tensor_follows_the_same_rules(x, dtype, error, message):
    with pytest.raises(error) as ei:
        tb.cast_tensor(x, dtype)
    assert ei.value.message == message


def test_cast_tensor_allowed_casts():
    assert tb.cast_tensor(torch.tensor([0.5, 0.0, -3.0]), "bool").tolist() == [True, False, True]
    t = tb.cast_tensor(torch.tensor([0.1], dtype=torch.float64), "float32")
    assert t.dtype == torch.float32 and t.item() == torch.tensor(0.1, dtype=torch.float32).item()
    assert tb.cast_tensor(torch.tensor([70000.0]), "bfloat16").item() == 70144.0  # rounding
    assert tb.cast_tensor(torch.tensor([2.0, -1.0]), "int8").tolist() == [2, -1]
    assert tb.cast_tensor(torch.tensor([1 + 0j, 2 + 0j]).conj(), "float64").tolist() == [1.0, 2.0]
    neg = torch.tensor([1 + 2j, 3 - 4j]).conj().imag  # a negative view: [-2, 4]
    assert neg.is_neg()
    assert tb.cast_tensor(neg, "int64").tolist() == [-2, 4]
    u = torch.tensor([5, 2**63 - 1], dtype=torch.uint64)
    assert tb.cast_tensor(u, "int64").tolist() == [5, 2**63 - 1]
