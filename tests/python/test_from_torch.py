"""_from_torch: plan() says what R allocates, fill() writes the tensor into it."""

import ctypes
import math

import pytest
import struct

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import torchbridge as tb
from torchbridge._from_torch import plan as plan_of
from torchbridge._errors import InputTypeError, SizeError, UnsupportedTensorError, ValueOverflowError

INT64_HINT = ("i", 'Use `int64 = "double"` (exact up to 2^53) or `int64 = "bit64"` (bit64::integer64).')
NA_INT_HINT = ("i", "-2147483648 is R's NA_integer_, so it can't be stored either.")


# --- one row per dtype of the table in ?from_torch --------------------------


@pytest.mark.parametrize(
    "dtype, values, rtype, expected",
    [
        (torch.float16, [1.5, -65504.0, math.inf], "double", [1.5, -65504.0, math.inf]),
        (torch.bfloat16, [1.5, -3.0, 2.0**100], "double", [1.5, -3.0, 2.0**100]),
        (torch.float32, [0.1, -2.5, 3.4028234663852886e38], "double",
         [float(torch.tensor(0.1, dtype=torch.float32)), -2.5, 3.4028234663852886e38]),
        (torch.float64, [0.1, -1e300, 5e-324], "double", [0.1, -1e300, 5e-324]),
        (torch.int8, [-128, 127, 0], "integer", [-128, 127, 0]),
        (torch.int16, [-32768, 32767, 1], "integer", [-32768, 32767, 1]),
        (torch.int32, [-(2**31) + 1, 2**31 - 1, 0], "integer", [-2147483647, 2147483647, 0]),
        (torch.uint8, [0, 255, 7], "integer", [0, 255, 7]),
        (torch.uint16, [0, 65535, 7], "integer", [0, 65535, 7]),
        (torch.int64, [-(2**31) + 1, 2**31 - 1, 5], "integer", [-2147483647, 2147483647, 5]),
        (torch.uint32, [0, 2**31 - 1, 5], "integer", [0, 2147483647, 5]),
        (torch.uint64, [0, 2**31 - 1, 5], "integer", [0, 2147483647, 5]),
        (torch.bool, [True, False, True], "logical", [True, False, True]),
        (torch.complex64, [1 + 2j, -0.5j, 3 + 0j], "complex", [1 + 2j, -0.5j, 3 + 0j]),
        (torch.complex128, [1e300 + 2j, -0.1j, 0j], "complex", [1e300 + 2j, -0.1j, 0j]),
    ],
)
def test_each_dtype(rmem, dtype, values, rtype, expected):
    res = rmem.to_r(torch.tensor(values, dtype=dtype))
    assert res.rtype == rtype
    assert res.length == 3
    assert res.dims is None
    assert res.warn is False
    assert res.values == expected


@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental:UserWarning")
def test_complex32(rmem):
    res = rmem.to_r(torch.tensor([1 + 2j, -0.5 + 0j], dtype=torch.complex32))
    assert res.rtype == "complex" and res.values == [1 + 2j, -0.5 + 0j]


def test_float64_keeps_rs_na_and_nan_bits(rmem):
    x = rmem.double([None, math.nan, 1.0])
    res = rmem.to_r(x.from_r(dtype="float64"))
    assert res.bits[:2] == [rmem.NA_REAL_BITS, rmem.NAN_BITS]
    assert res.values[0] is None  # NA comes back as NA
    res = rmem.to_r(x.from_r())  # through float32: a NaN, no longer R's NA
    assert res.values[0] is not None and math.isnan(res.values[0])


def test_float16_nan_and_inf(rmem):
    res = rmem.to_r(torch.tensor([math.nan, -math.inf], dtype=torch.float16))
    assert math.isnan(res.values[0]) and res.values[1] == -math.inf


# --- shapes ------------------------------------------------------------------


def test_0d_tensor_is_a_plain_vector_of_length_1(rmem):
    res = rmem.to_r(torch.tensor(2.5))
    assert (res.rtype, res.length, res.dims, res.values) == ("double", 1, None, [2.5])
    res = rmem.to_r(torch.tensor(1 + 2j))
    assert res.values == [1 + 2j]
    res = rmem.to_r(torch.tensor(True))
    assert res.values == [True]


def test_2d_is_a_matrix_in_column_major_order(rmem):
    t = torch.tensor([[1, 3, 5], [2, 4, 6]], dtype=torch.int32)
    res = rmem.to_r(t)
    assert res.dims == [2, 3]
    assert res.values == [1, 2, 3, 4, 5, 6]


def test_3d_keeps_dims(rmem):
    t = torch.arange(24, dtype=torch.float64).reshape(2, 3, 4)
    res = rmem.to_r(t)
    assert res.dims == [2, 3, 4]
    for i in range(2):
        for j in range(3):
            for k in range(4):
                assert res.at(i, j, k) == t[i, j, k].item()


@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3), (2, 0, 3), (1, 1, 0, 1, 1)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.bool, torch.complex64, torch.uint8])
def test_zero_size(rmem, shape, dtype):
    res = rmem.to_r(torch.empty(shape, dtype=dtype))
    assert res.length == 0
    assert res.dims == (list(shape) if len(shape) >= 2 else None)


def test_fill_of_zero_length_takes_the_null_address():
    assert plan_of(torch.empty(0)) == ("double", "0", None, False, False)
    assert tb.fill("0") is None


# --- layouts and views: no detach(), contiguous() or resolve_*() needed ------


def test_transposed(rmem):
    t = torch.arange(6, dtype=torch.float32).reshape(2, 3).t()  # 3 x 2, column-major strides
    res = rmem.to_r(t)
    assert res.dims == [3, 2]
    assert res.values == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_non_contiguous_slices(rmem):
    base = torch.arange(20, dtype=torch.int64).reshape(4, 5)
    t = base[1::2, ::2]  # rows 1, 3; columns 0, 2, 4
    assert not t.is_contiguous()
    res = rmem.to_r(t)
    assert res.dims == [2, 3]
    assert res.values == [5, 15, 7, 17, 9, 19]


def test_expanded_stride_0(rmem):
    t = torch.tensor([1.0, 2.0]).expand(3, 2)
    assert t.stride() == (0, 1)
    res = rmem.to_r(t)
    assert res.dims == [3, 2]
    assert res.values == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
    res = rmem.to_r(torch.tensor(True).expand(2, 2))
    assert res.values == [True] * 4


def test_permuted_3d(rmem):
    base = torch.arange(24).reshape(2, 3, 4)
    t = base.permute(2, 0, 1)
    res = rmem.to_r(t)
    assert res.dims == [4, 2, 3]
    assert all(res.at(i, j, k) == t[i, j, k].item() for i in range(4) for j in range(2) for k in range(3))


def test_conjugated_view(rmem):
    z = torch.tensor([[1 + 2j, 3 - 4j], [5 + 6j, -7j]])
    c = z.conj()
    assert c.is_conj()
    res = rmem.to_r(c)
    assert res.values == [1 - 2j, 5 - 6j, 3 + 4j, 7j]
    res = rmem.to_r(z.t().conj()[:, :1])  # conjugated and non-contiguous
    assert res.values == [1 - 2j, 3 + 4j]
    assert z.conj().is_conj()  # the tensor itself is left alone


def test_negative_view(rmem):
    n = torch.tensor([1 + 2j, 3 - 4j]).conj().imag  # a real tensor with the negative bit
    assert n.is_neg()
    res = rmem.to_r(n)
    assert res.values == [-2.0, 4.0]
    assert n.is_neg()


def test_requires_grad(rmem):
    w = torch.tensor([1.5, 2.5], requires_grad=True)
    assert rmem.to_r(w).values == [1.5, 2.5]
    assert rmem.to_r(w * 2).values == [3.0, 5.0]  # not a leaf either
    p = torch.nn.Parameter(torch.tensor([[1.0, 2.0]]))
    res = rmem.to_r(p)
    assert res.dims == [1, 2] and res.values == [1.0, 2.0]
    assert p.requires_grad and p.grad is None


def test_complex_into_an_8_byte_aligned_r_vector(rmem):
    z = torch.tensor([[1 + 2j, 3 - 4j], [5 + 6j, -7j]], dtype=torch.complex128)
    res = rmem.to_r(z.t(), misalign=True)
    assert res.values == [1 + 2j, 3 - 4j, 5 + 6j, -7j]


# --- int64, uint32 and uint64: int64 = "integer" / "double" / "bit64" ----------


@pytest.mark.parametrize("dtype", [torch.int64, torch.uint32, torch.uint64])
def test_wide_integers_beyond_r_integers_are_an_overflow(dtype):
    with pytest.raises(ValueOverflowError) as ei:
        plan_of(torch.tensor([1, 2**31], dtype=dtype))
    e = ei.value
    assert e.kind == "overflow"
    assert e.message == "Can't convert to R integer: a value is outside its range."
    assert e.bullets == [("x", "Found 2147483648; R integers hold -2147483647 to 2147483647."), INT64_HINT]


def test_int64_below_r_integers():
    with pytest.raises(ValueOverflowError) as ei:
        plan_of(torch.tensor([-(2**40), 3]))
    assert ei.value.bullets == [("x", "Found -1099511627776; R integers hold -2147483647 to 2147483647."), INT64_HINT]


def test_int64_minus_2_31_is_rs_na_and_refused():
    with pytest.raises(ValueOverflowError) as ei:
        plan_of(torch.tensor([0, -(2**31)]))
    assert ei.value.bullets == [("x", "Found -2147483648; R integers hold -2147483647 to 2147483647."),
                                NA_INT_HINT, INT64_HINT]


def test_int32_minus_2_31_is_rs_na_and_refused():
    with pytest.raises(ValueOverflowError) as ei:
        plan_of(torch.tensor([-(2**31), 5], dtype=torch.int32), "bit64")
    assert ei.value.bullets == [("x", "Found -2147483648; R integers hold -2147483647 to 2147483647."),
                                NA_INT_HINT, ("i", "Cast the tensor to a float dtype first, e.g. `x$double()`.")]


def test_int64_as_double(rmem):
    res = rmem.to_r(torch.tensor([2**53, -(2**53), 7]), "double")
    assert res.rtype == "double"
    assert res.values == [9007199254740992.0, -9007199254740992.0, 7.0]
    assert res.warn is False  # exact up to 2^53


@pytest.mark.parametrize("value", [2**53 + 1, -(2**53) - 1, 2**62, -(2**63)])
def test_int64_as_double_warns_beyond_2_53(rmem, value):
    res = rmem.to_r(torch.tensor([1, value]), "double")
    assert res.warn is True
    assert res.values == [1.0, float(value)]


def test_int64_as_bit64(rmem):
    values = [-(2**63) + 1, 2**63 - 1, 0, 2**53 + 1]
    res = rmem.to_r(torch.tensor(values), "bit64")
    assert (res.rtype, res.warn) == ("integer64", False)
    assert res.values == values


def test_bit64_refuses_its_na():
    with pytest.raises(ValueOverflowError) as ei:
        plan_of(torch.tensor([5, -(2**63)]), "bit64")
    e = ei.value
    assert e.message == "Can't convert to R integer64: a value is outside its range."
    assert e.bullets == [
        ("x", "Found -9223372036854775808; R integer64s hold -9223372036854775807 to 9223372036854775807."),
        ("i", "-9223372036854775808 is bit64's NA_integer64_, so it can't be stored."),
        ("i", 'Use `int64 = "double"` instead.'),
    ]


def test_uint32_modes(rmem):
    t = torch.tensor([0, 2**32 - 1], dtype=torch.uint32)
    res = rmem.to_r(t, "double")
    assert (res.rtype, res.values, res.warn) == ("double", [0.0, 4294967295.0], False)
    res = rmem.to_r(t, "bit64")
    assert (res.rtype, res.values) == ("integer64", [0, 4294967295])


def test_uint64_modes(rmem):
    t = torch.tensor([2**64 - 1, 2**53], dtype=torch.uint64)
    res = rmem.to_r(t, "double")
    assert res.values == [18446744073709551616.0, 9007199254740992.0]
    assert res.warn is True
    res = rmem.to_r(torch.tensor([2**53, 3], dtype=torch.uint64), "double")
    assert res.warn is False
    res = rmem.to_r(torch.tensor([2**63 - 1, 3], dtype=torch.uint64), "bit64")
    assert res.values == [2**63 - 1, 3]
    with pytest.raises(ValueOverflowError, match="^Can't convert to R integer64"):
        plan_of(torch.tensor([2**63], dtype=torch.uint64), "bit64")


def test_uint64_overflow_reports_the_value_found():
    with pytest.raises(ValueOverflowError) as ei:
        plan_of(torch.tensor([5, 2**63 + 7], dtype=torch.uint64), "bit64")
    assert ei.value.bullets[0] == (
        "x", "Found 9223372036854775815; R integer64s hold -9223372036854775807 to 9223372036854775807.")


def test_narrow_integers_need_no_mode(rmem):
    for mode in ("integer", "double", "bit64"):
        res = rmem.to_r(torch.tensor([-5, 100], dtype=torch.int16), mode)
        assert (res.rtype, res.values) == ("integer", [-5, 100])


# --- what can't be converted --------------------------------------------------


def test_sparse_coo():
    with pytest.raises(UnsupportedTensorError) as ei:
        plan_of(torch.eye(2).to_sparse())
    assert ei.value.kind == "unsupported_tensor"
    assert ei.value.message == "Can't convert a sparse_coo tensor to R."
    assert ei.value.bullets == [("i", "Make it dense first: `from_torch(x$to_dense())`.")]


@pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta state:UserWarning")
def test_sparse_csr():
    with pytest.raises(UnsupportedTensorError) as ei:
        plan_of(torch.eye(2).to_sparse_csr())
    assert ei.value.message == "Can't convert a sparse_csr tensor to R."
    assert "$to_dense()" in ei.value.bullets[0][1]


@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor.*deprecated:UserWarning")
def test_quantized():
    q = torch.quantize_per_tensor(torch.tensor([1.0, 2.0]), 0.1, 0, torch.quint8)
    with pytest.raises(UnsupportedTensorError) as ei:
        plan_of(q)
    assert ei.value.message == "Can't convert a quantized tensor to R."
    assert ei.value.bullets == [("i", "Dequantize it first: `from_torch(x$dequantize())`.")]


def test_meta():
    with pytest.raises(UnsupportedTensorError) as ei:
        plan_of(torch.empty(3, device="meta"))
    assert ei.value.message == "Can't convert a tensor on the meta device to R: it holds no data."


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors is in prototype stage:UserWarning")
def test_nested():
    n = torch.nested.nested_tensor([torch.zeros(2), torch.zeros(3)])
    with pytest.raises(UnsupportedTensorError) as ei:
        plan_of(n)
    assert ei.value.message == "Can't convert a nested tensor to R."
    assert ei.value.bullets == [("i", "Convert its components: `from_torch(x$unbind())` gives a list.")]


def test_unsupported_dtype():
    with pytest.raises(UnsupportedTensorError, match="^Can't convert a tensor of dtype float4_e2m1fn_x2 to R"):
        plan_of(torch.zeros(2, dtype=torch.uint8).view(torch.float4_e2m1fn_x2))


@pytest.mark.parametrize("dtype", [torch.float8_e4m3fn, torch.float8_e4m3fnuz, torch.float8_e5m2,
                                   torch.float8_e5m2fnuz, torch.float8_e8m0fnu])
def test_float8_becomes_double_exactly(rmem, dtype):
    values = [0.5, 2.0, 0.25, 8.0]
    res = rmem.to_r(torch.tensor(values).to(dtype).reshape(2, 2))
    assert (res.rtype, res.dims, res.values) == ("double", [2, 2], [0.5, 0.25, 2.0, 8.0])


@pytest.mark.parametrize("x, shown", [([1, 2], "list"), (3.5, "float"), (None, "NoneType")])
def test_plan_refuses_non_tensors(x, shown):
    with pytest.raises(InputTypeError) as ei:
        plan_of(x)
    assert ei.value.kind == "type"
    assert ei.value.message == "`x` must be a torch tensor."
    assert ei.value.bullets == [("x", f"It is a Python {shown}.")]


def test_a_dim_longer_than_r_allows():
    t = torch.zeros(1, 1).expand(2**31, 2)  # no memory behind it
    with pytest.raises(SizeError) as ei:
        plan_of(t)
    assert ei.value.kind == "size"
    assert ei.value.bullets == [("x", "Its shape is (2147483648, 2); R dims stop at 2147483647.")]


def test_a_long_1d_tensor_is_a_long_vector():
    t = torch.zeros(1, dtype=torch.float64).expand(2**31)
    assert plan_of(t) == ("double", "2147483648", None, False, False)


def test_fill_without_plan():
    x = (ctypes.c_double * 1)()
    plan_of(torch.tensor([1.0]))
    tb.fill(str(ctypes.addressof(x)))
    assert x[0] == 1.0
    with pytest.raises(RuntimeError, match=r"^fill\(\) called without plan\(\)$"):
        tb.fill(str(ctypes.addressof(x)))  # the plan is used up


# --- property: any layout of any dtype lands in R's column-major order ---------

DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8, torch.int16, torch.int32,
          torch.int64, torch.uint8, torch.uint16, torch.uint32, torch.uint64, torch.bool,
          torch.complex64, torch.complex128]


@st.composite
def tensors(draw):
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(st.lists(st.integers(0, 4), min_size=0, max_size=5))
    n = math.prod(shape)
    lo = 0 if dtype in (torch.bool, torch.uint8, torch.uint16, torch.uint32, torch.uint64) else -100
    values = draw(st.lists(st.integers(lo, 100), min_size=n, max_size=n))
    t = torch.tensor(values, dtype=torch.int64).reshape(shape)
    t = t.to(dtype) if dtype != torch.bool else t != 0
    if dtype.is_complex:
        t = t + 1j * torch.ones_like(t).to(dtype) * draw(st.integers(-3, 3))
    view = draw(st.sampled_from(["plain", "reversed-dims", "step", "expand", "conj"]))
    if view == "reversed-dims" and t.dim() >= 2:
        t = t.permute(*reversed(range(t.dim())))
    elif view == "step" and t.dim() >= 1:
        t = t[::2]
    elif view == "expand":
        t = t.unsqueeze(0).expand(2, *t.shape)
    elif view == "conj" and dtype.is_complex:
        t = t.conj()
    return t


@settings(max_examples=100, deadline=None)
@given(t=tensors())
def test_fill_layout_property(rmem, t):
    res = rmem.to_r(t, "bit64")
    assert res.length == t.numel()
    assert res.dims == (list(t.shape) if t.dim() >= 2 else None)
    shape = list(t.shape) if t.dim() else [1]
    flat = t.reshape(shape) if t.dim() == 0 else t
    for k in range(t.numel()):
        idx = rmem.colmajor_index(k, shape)
        assert res.values[k] == rmem.item(flat[idx])


# --- GPU --------------------------------------------------------------------------


@pytest.mark.cuda
@pytest.mark.parametrize(
    "make, int64",
    [
        (lambda: torch.arange(12.0, device="cuda").reshape(3, 4).t(), "integer"),
        (lambda: torch.tensor([[1 + 2j, 3 - 4j]], device="cuda").conj(), "integer"),
        (lambda: torch.tensor([True, False], device="cuda").expand(3, 2), "integer"),
        (lambda: torch.tensor([2**40, -5], device="cuda"), "bit64"),
        (lambda: torch.tensor([1.0, 2.0], device="cuda", requires_grad=True) * 2, "integer"),
    ],
)
def test_from_cuda(rmem, make, int64):
    t = make()
    res = rmem.to_r(t, int64)
    ref = rmem.to_r(t.detach().cpu(), int64)
    assert (res.rtype, res.dims, res.values) == (ref.rtype, ref.dims, ref.values)


@pytest.mark.cuda
def test_from_cuda_overflow():
    with pytest.raises(ValueOverflowError):
        plan_of(torch.tensor([2**31], device="cuda"))


def test_small_results_go_through_the_scratch_buffer():
    scratch = (ctypes.c_uint8 * 64)()
    tb.set_scratch(str(ctypes.addressof(scratch)), "64")
    try:
        x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=torch.float32)
        assert plan_of(x) == ("double", "6", [2, 3], False, True)
        got = struct.unpack("6d", bytes(scratch)[:48])
        assert got == (1.0, 4.0, 2.0, 5.0, 3.0, 6.0)  # column-major, as R stores it
        z = torch.tensor([1 + 2j, 3 - 4j], dtype=torch.complex64)
        assert plan_of(z)[4] is True
        assert struct.unpack("4d", bytes(scratch)[:32]) == (1.0, 2.0, 3.0, -4.0)
        # Too big for the scratch buffer: fill() does the copy.
        assert plan_of(torch.zeros(9, dtype=torch.float64))[4] is False
        assert plan_of(torch.zeros(8, dtype=torch.float64))[4] is True
    finally:
        tb.set_scratch("0", "0")
    assert plan_of(torch.zeros(2))[4] is False


def test_plan_text_is_plan_as_one_string():
    assert tb.plan_text(torch.zeros(2, 3)) == "double;6;2,3;0;0"
    assert tb.plan_text(torch.zeros(4, dtype=torch.bool)) == "logical;4;;0;0"
    assert tb.plan_text(torch.tensor(2**60), "double") == "double;1;;1;0"
    assert tb.plan_text(torch.zeros(0, 2, 1, dtype=torch.int64), "bit64") == "integer64;0;0,2,1;0;0"
