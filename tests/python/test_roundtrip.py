"""The whole data path: R memory -> from_r() -> plan()/fill() -> R memory.

Property tests over shapes (0-5 dims of size 0-4; 0 dims = a plain vector)
and over dtypes.
"""

import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import torchbridge as tb
from torchbridge._dtypes import parse

INT64_MODE = {"integer64": "bit64"}


@st.composite
def r_dims(draw):
    """(dims or None, length)."""
    nd = draw(st.integers(0, 5))
    if nd == 0:
        return None, draw(st.integers(0, 4))
    dims = draw(st.lists(st.integers(0, 4), min_size=nd, max_size=nd))
    return dims, math.prod(dims)


def any_double():
    # every double, NA_real_ (None), NaNs with payloads, infinities, -0.0
    weird = st.sampled_from([0x7FF00000000007A2, 0x7FF8000000000000, 0xFFF8000000000000, 0x7FF0000000000001,
                             0x8000000000000000, 0x0000000000000001])
    return st.one_of(
        st.none(),
        st.floats(allow_nan=True, allow_infinity=True),
        weird.map(lambda b: struct.unpack("<d", struct.pack("<Q", b))[0]),
    )


ELEMENTS = {
    "double": any_double(),
    "integer": st.integers(-(2**31) + 1, 2**31 - 1),
    "logical": st.booleans(),
    "complex": st.one_of(st.none(), st.complex_numbers(allow_nan=True, allow_infinity=True)),
    "raw": st.integers(0, 255),
    "integer64": st.integers(-(2**63) + 1, 2**63 - 1),
}
BACK_AS = {"double": "double", "integer": "integer", "logical": "logical", "complex": "complex",
           "raw": "integer", "integer64": "integer64"}


@pytest.mark.parametrize("rtype", list(ELEMENTS))
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_exact_round_trip(rmem, rtype, data):
    """With float64 as the float dtype every R type comes back unchanged, bit for bit."""
    dims, n = data.draw(r_dims())
    values = data.draw(st.lists(ELEMENTS[rtype], min_size=n, max_size=n))
    x = rmem.vector(rtype, values, dims=dims)
    before = x.raw()
    t = x.from_r(float_dtype="float64")
    assert x.raw() == before  # from_r() only ever reads R's memory
    res = rmem.to_r(t, INT64_MODE.get(rtype, "integer"))
    assert res.rtype == BACK_AS[rtype]
    assert res.length == n
    assert res.dims == (dims if dims is not None and len(dims) >= 2 else None)
    if rtype in ("double", "complex"):
        assert res.data == x.raw()  # NA, NaN payloads, -0.0 and all
    else:
        assert res.values == values


@pytest.mark.parametrize("rtype", ["double", "integer", "logical", "raw", "integer64"])
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_shared_round_trip(rmem, rtype, data):
    """copy = FALSE where it shares (double/float64, integer/int32), a copy elsewhere: same values back."""
    dims, n = data.draw(r_dims())
    values = data.draw(st.lists(ELEMENTS[rtype].filter(lambda v: v is not None), min_size=n, max_size=n))
    x = rmem.vector(rtype, values, dims=dims)
    dtype = tb._dtypes.R_STORAGE[rtype] if rtype in ("double", "integer") else None
    t = x.from_r(dtype=dtype, float_dtype="float64", copy=False)
    if rtype in ("double", "integer") and n > 0:
        assert t.data_ptr() == int(x.address)
    res = rmem.to_r(t, INT64_MODE.get(rtype, "integer"))
    if rtype == "double":
        assert res.data == x.raw()
    else:
        assert res.values == values


TARGETS = {
    # dtype: (R type it comes back as, how a small integer value v reads there)
    "float64": ("double", float),
    "float32": ("double", float),
    "float16": ("double", float),
    "bfloat16": ("double", float),
    "int8": ("integer", int),
    "int16": ("integer", int),
    "int32": ("integer", int),
    "int64": ("integer", int),
    "uint8": ("integer", int),
    "uint16": ("integer", int),
    "uint32": ("integer", int),
    "uint64": ("integer", int),
    "bool": ("logical", bool),
    "complex64": ("complex", complex),
    "complex128": ("complex", complex),
}
SOURCES = ["double", "integer", "logical", "raw", "integer64", "complex"]


@pytest.mark.parametrize("target", list(TARGETS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_round_trip_through_every_dtype(rmem, target, data):
    """Values every dtype holds exactly (0..100) survive any R type -> dtype -> R."""
    rtype = data.draw(st.sampled_from(SOURCES))
    dims, n = data.draw(r_dims())
    if rtype == "logical":
        ints = data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
        values = [bool(v) for v in ints]
    else:
        ints = data.draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))
        values = [complex(v) if rtype == "complex" else float(v) if rtype == "double" else v for v in ints]
    x = rmem.vector(rtype, values, dims=dims)
    t = x.from_r(dtype=target)
    assert t.dtype == parse(target)
    assert list(t.shape) == (dims if dims is not None else [n])
    back_type, conv = TARGETS[target]
    res = rmem.to_r(t, "double" if target in ("int64", "uint32", "uint64") and data.draw(st.booleans()) else "integer")
    if back_type == "integer" and res.rtype == "double":
        conv = float
    else:
        assert res.rtype == back_type
    assert res.values == [conv(v) for v in ints]
