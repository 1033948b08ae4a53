"""_to_torch: R vectors, matrices, arrays and data frames to tensors."""

import gc
import math
import struct

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import torchbridge as tb
from torchbridge._errors import DtypeError, InputTypeError, NAError, NoGPUError, TorchbridgeError

NA_SIGNED = struct.unpack("<q", struct.pack("<Q", 0x7FF00000000007A2))[0]


def bits64(t):
    return t.contiguous().view(torch.int64).flatten().tolist()


@pytest.fixture
def default_float64():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


# --- each R type, default dtypes ------------------------------------------


@pytest.mark.parametrize(
    "rtype, values, dtype, expected",
    [
        ("double", [1.5, -2.25, 0.0], torch.float32, [1.5, -2.25, 0.0]),
        ("integer", [1, -7, 2**31 - 1], torch.int64, [1, -7, 2147483647]),
        ("logical", [True, False, True], torch.bool, [True, False, True]),
        ("complex", [1 + 2j, -3.5 + 0j], torch.complex64, [1 + 2j, -3.5 + 0j]),
        ("raw", [0, 128, 255], torch.uint8, [0, 128, 255]),
        # bit64::integer64 is int64, exactly (2^53 + 1 is no double)
        ("integer64", [2**53 + 1, -(2**63) + 1, 2**63 - 1], torch.int64, [2**53 + 1, -(2**63) + 1, 2**63 - 1]),
    ],
)
def test_default_dtype_for_each_r_type(rmem, rtype, values, dtype, expected):
    t = rmem.vector(rtype, values).from_r()
    assert t.dtype == dtype
    assert t.shape == (len(values),)
    assert t.device.type == "cpu"
    assert t.is_contiguous()
    assert not t.requires_grad
    assert t.tolist() == expected


def test_double_follows_torchs_default_dtype(rmem, default_float64):
    t = rmem.double([0.1]).from_r()
    assert t.dtype == torch.float64 and t.item() == 0.1
    assert rmem.complex([0.1 + 1j]).from_r().dtype == torch.complex128


@pytest.mark.parametrize(
    "float_dtype, double_dt, complex_dt",
    [("float64", torch.float64, torch.complex128), ("double", torch.float64, torch.complex128),
     ("float32", torch.float32, torch.complex64), ("float16", torch.float16, torch.complex64),
     ("bfloat16", torch.bfloat16, torch.complex64), (torch.float64, torch.float64, torch.complex128)],
)
def test_float_dtype_option(rmem, float_dtype, double_dt, complex_dt):
    assert rmem.double([1.5]).from_r(float_dtype=float_dtype).dtype == double_dt
    assert rmem.complex([1.5 + 1j]).from_r(float_dtype=float_dtype).dtype == complex_dt
    # the option is about R doubles only
    assert rmem.integer([1]).from_r(float_dtype=float_dtype).dtype == torch.int64
    assert rmem.logical([True]).from_r(float_dtype=float_dtype).dtype == torch.bool


def test_float_dtype_option_is_overridden_by_dtype(rmem):
    assert rmem.double([1.0]).from_r(dtype="float16", float_dtype="float64").dtype == torch.float16


def test_bad_float_dtype_option(rmem):
    with pytest.raises(TorchbridgeError) as ei:
        rmem.double([1.0]).from_r(float_dtype="int32")
    assert ei.value.kind == "arg"
    assert ei.value.message == "The option `torchbridge.float_dtype` must name a float dtype."


@pytest.mark.parametrize("dtype", ["float64", torch.float64, "torch.float64", "double"])
def test_dtype_as_name_or_object(rmem, dtype):
    t = rmem.integer([1, 2]).from_r(dtype=dtype)
    assert t.dtype == torch.float64 and t.tolist() == [1.0, 2.0]


def test_bad_dtype_name(rmem):
    with pytest.raises(DtypeError) as ei:
        rmem.double([1.0]).from_r(dtype="float33")
    assert ei.value.message == "`dtype` must be a torch dtype or the name of one."
    assert ei.value.bullets[0] == ("x", "Got 'float33'.")


# --- shapes ----------------------------------------------------------------


def test_plain_vectors_are_1d_also_of_length_1_and_0(rmem):
    assert rmem.double([4.0]).from_r().shape == (1,)
    assert rmem.double([1.0, 2.0, 3.0]).from_r().shape == (3,)
    empty = rmem.double([]).from_r()
    assert empty.shape == (0,) and empty.dtype == torch.float32
    assert rmem.integer([]).from_r().dtype == torch.int64
    assert rmem.complex([]).from_r().shape == (0,)


@pytest.mark.parametrize("rtype", ["double", "integer", "logical", "complex", "raw", "integer64"])
@pytest.mark.parametrize("dims", [[0], [0, 3], [3, 0], [2, 0, 4], [0, 0], [1, 1, 0, 1, 2]])
def test_zero_length_dims(rmem, rtype, dims):
    x = rmem.vector(rtype, [], dims=dims)
    assert x.address == "0"  # what R's tb_address() gives for no data
    t = x.from_r()
    assert t.shape == tuple(dims)
    assert t.dtype == tb._dtypes.default_for(rtype, torch.float32)
    assert t.numel() == 0


def test_matrix_keeps_dims_in_order(rmem):
    # R: matrix(1:6, 2) is [1 3 5; 2 4 6]
    t = rmem.integer([1, 2, 3, 4, 5, 6], dims=[2, 3]).from_r()
    assert t.shape == (2, 3)
    assert t.tolist() == [[1, 3, 5], [2, 4, 6]]
    assert t.stride() == (3, 1)


def test_3d_array_element_mapping(rmem):
    dims = [2, 3, 4]
    values = [float(v) for v in range(24)]
    t = rmem.double(values, dims=dims).from_r(dtype="float64")
    assert t.shape == (2, 3, 4)
    for i in range(2):
        for j in range(3):
            for k in range(4):
                assert t[i, j, k].item() == values[i + j * 2 + k * 6]


def test_5d_array_and_ones(rmem):
    dims = [1, 2, 1, 3, 1]
    t = rmem.integer(list(range(6)), dims=dims).from_r(dtype="int32")
    assert t.shape == (1, 2, 1, 3, 1)
    assert t[0, 1, 0, 2, 0].item() == 1 + 2 * 2
    assert t.flatten().tolist() == [0, 2, 4, 1, 3, 5]


@st.composite
def shaped_values(draw, rtype):
    """(dims or None, R values) with 0-5 dims of size 0-4."""
    nd = draw(st.integers(0, 5))
    if nd == 0:
        dims, n = None, draw(st.integers(0, 4))
    else:
        dims = draw(st.lists(st.integers(0, 4), min_size=nd, max_size=nd))
        n = math.prod(dims)
    element = {
        "double": st.floats(-1e6, 1e6, allow_nan=False, width=32),
        "integer": st.integers(-(2**31) + 1, 2**31 - 1),
        "logical": st.booleans(),
        "complex": st.complex_numbers(max_magnitude=1e6, allow_nan=False, width=64),
        "raw": st.integers(0, 255),
        "integer64": st.integers(-(2**63) + 1, 2**63 - 1),
    }[rtype]
    return dims, draw(st.lists(element, min_size=n, max_size=n))


@pytest.mark.parametrize("rtype", ["double", "integer", "logical", "complex", "raw", "integer64"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_element_mapping_property(rmem, rtype, data):
    """t[i, j, k, ...] == x[i + j*d0 + k*d0*d1 + ...] for every element."""
    dims, values = data.draw(shaped_values(rtype))
    x = rmem.vector(rtype, values, dims=dims)
    t = x.from_r()
    shape = dims if dims is not None else [len(values)]
    assert list(t.shape) == shape
    assert t.dtype == tb._dtypes.default_for(rtype, torch.float32)
    assert t.is_contiguous()
    for flat, v in enumerate(values):
        got = rmem.item(t[rmem.colmajor_index(flat, shape)])
        if rtype == "complex":
            assert got == complex(torch.tensor(v, dtype=torch.complex64).item())
        else:
            assert got == v


# --- copy = TRUE: the tensor owns its memory --------------------------------


def test_copy_owns_its_memory_both_ways(rmem):
    x = rmem.double([1.0, 2.0, 3.0, 4.0], dims=[2, 2])
    t = x.from_r(dtype="float64")
    assert t.data_ptr() != int(x.address)
    assert t.is_contiguous()
    t.add_(100.0)  # no torch operation can change R's vector
    assert x.stored() == [1.0, 2.0, 3.0, 4.0]
    x.write([9.0, 9.0, 9.0, 9.0])  # and R's later changes do not reach the tensor
    assert t.tolist() == [[101.0, 103.0], [102.0, 104.0]]
    assert t.view(4).tolist() == [101.0, 103.0, 102.0, 104.0]  # row-major: view() works


# --- copy = FALSE -----------------------------------------------------------


@pytest.mark.parametrize(
    "rtype, values, dtype, storage",
    [("double", [1.5, 2.5, 3.5, 4.5, 5.5, 6.5], "float64", torch.float64),
     ("integer", [1, 2, 3, 4, 5, 6], "int32", torch.int32)],
)
def test_copy_false_shares_double_float64_and_integer_int32(rmem, rtype, values, dtype, storage):
    x = rmem.vector(rtype, values, dims=[2, 3])
    t = x.from_r(dtype=dtype, copy=False)
    assert t.dtype == storage
    assert t.data_ptr() == int(x.address)
    assert t.stride() == (1, 2)  # R's column-major layout
    assert t.shape == (2, 3)
    assert t[1, 2].item() == values[5]
    new = [v * 2 for v in values]
    x.write(new)  # shared: the tensor sees R's memory
    assert t[0].tolist() == [new[0], new[2], new[4]]


def test_copy_false_with_float64_as_the_float_dtype(rmem):
    x = rmem.double([1.0, 2.0])
    t = x.from_r(float_dtype="float64", copy=False)
    assert t.data_ptr() == int(x.address)


@pytest.mark.parametrize(
    "rtype, values, dtype",
    [
        ("double", [1.0, 2.0], None),  # float32: a cast
        ("double", [1.0, 2.0], "float32"),
        ("integer", [1, 2], None),  # int64: a cast
        ("integer", [1, 2], "float64"),
        ("logical", [True, False], "int32"),  # logicals always copy
        ("logical", [True, False], None),
        ("complex", [1 + 1j, 2 + 0j], "complex128"),  # complex always copies (alignment)
        ("raw", [1, 2], "uint8"),
        ("integer64", [1, 2], "int64"),
    ],
)
def test_copy_false_copies_everything_else(rmem, rtype, values, dtype):
    x = rmem.vector(rtype, values)
    t = x.from_r(dtype=dtype, copy=False)
    assert t.data_ptr() != int(x.address)
    assert t.is_contiguous()
    before = x.raw()
    t.zero_()
    assert x.raw() == before


def test_copy_false_of_zero_length_vector(rmem):
    t = rmem.double([], dims=[0, 2]).from_r(dtype="float64", copy=False)
    assert t.shape == (0, 2) and t.dtype == torch.float64


def test_copy_false_still_refuses_integer_na(rmem):
    with pytest.raises(NAError, match="^Can't convert NA to int32"):
        rmem.integer([1, None]).from_r(dtype="int32", copy=False)


def test_copy_false_shared_token_is_released_when_the_tensor_dies(rmem, no_tokens):
    x = rmem.integer([1, 2, 3])
    t = x.from_r(dtype="int32", copy=False, token="5")
    assert t.data_ptr() == int(x.address)
    assert tb.take_released() == []
    row = t[1:]
    del t
    assert tb.take_released() == []
    del row
    assert tb.take_released() == ["5"]


def test_copy_false_copied_token_is_released_at_once(rmem, no_tokens):
    x = rmem.double([1.0, 2.0])
    t = x.from_r(copy=False, token="6")  # float32: copied, R need not keep x
    assert t.data_ptr() != int(x.address)
    assert tb.take_released() == ["6"]
    del t
    assert tb.take_released() == []


def test_copy_false_token_is_released_after_a_shared_na_error(rmem, no_tokens):
    x = rmem.integer([1, None])
    with pytest.raises(NAError):
        x.from_r(dtype="int32", copy=False, token="8")
    # R takes the recorded error at once (which drops its traceback)
    assert tb.take_last_error()["kind"] == "na"
    gc.collect()
    assert tb.take_released() == ["8"]


@pytest.mark.parametrize(
    "kwargs",
    [{"dtype": "nope"}, {"requires_grad": True}, {"device": "gpu"}],
    ids=["bad-dtype", "requires-grad-on-integer", "unknown-device"],
)
def test_copy_false_token_is_released_when_from_r_fails_early(rmem, no_tokens, kwargs):
    x = rmem.integer([1, 2])
    with pytest.raises(TorchbridgeError):
        x.from_r(copy=False, token="9", **kwargs)
    assert tb.take_last_error() is not None
    gc.collect()
    assert tb.take_released() == ["9"]


# --- requires_grad ------------------------------------------------------------


def test_requires_grad_on_double(rmem):
    t = rmem.double([1.0, 2.0]).from_r(requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.dtype == torch.float32
    (t * t).sum().backward()
    assert t.grad.tolist() == [2.0, 4.0]


def test_requires_grad_on_complex_and_on_integer_cast_to_float(rmem):
    assert rmem.complex([1 + 1j]).from_r(requires_grad=True).requires_grad
    t = rmem.integer([1, 2]).from_r(dtype="float32", requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("rtype, values, name", [("integer", [1], "int64"), ("logical", [True], "bool"),
                                                  ("raw", [1], "uint8"), ("integer64", [1], "int64")])
def test_requires_grad_on_integer_data_says_to_pass_a_float_dtype(rmem, rtype, values, name):
    with pytest.raises(DtypeError) as ei:
        rmem.vector(rtype, values).from_r(requires_grad=True)
    e = ei.value
    assert e.message == "`requires_grad = TRUE` needs a float or complex dtype."
    assert e.bullets == [
        ("x", f"The tensor would be {name}."),
        ("i", 'Pass `dtype = "float32"` (or another float dtype) to get a tensor that can require grad.'),
    ]


def test_requires_grad_with_an_integer_dtype_given(rmem):
    with pytest.raises(DtypeError) as ei:
        rmem.double([1.0]).from_r(dtype="int32", requires_grad=True)
    assert ei.value.bullets == [("x", "The tensor would be int32."),
                                ("i", "Only float and complex tensors can require grad.")]


def test_requires_grad_with_copy_false_shares_and_is_a_leaf(rmem):
    x = rmem.double([1.0, 2.0])
    t = x.from_r(dtype="float64", copy=False, requires_grad=True)
    assert t.data_ptr() == int(x.address)
    assert t.requires_grad and t.is_leaf


# --- devices ------------------------------------------------------------------


@pytest.mark.parametrize("device", ["cpu", "auto", torch.device("cpu")])
def test_from_r_on_the_cpu(rmem, device):
    if device == "auto" and (torch.cuda.is_available() or tb._devices._mps_available()):
        pytest.skip("auto picks a GPU on this machine")
    t = rmem.double([1.0]).from_r(device=device)
    assert t.device == torch.device("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_from_r_to_cuda_without_cuda(rmem):
    with pytest.raises(NoGPUError):
        rmem.double([1.0]).from_r(device="cuda")


@pytest.mark.cuda
@pytest.mark.parametrize("rtype, values", [("double", [1.5, None, 3.0, 4.0]), ("integer", [1, 2, 3, 4]),
                                           ("complex", [1 + 2j, 3 + 0j, 0j, -1j]), ("logical", [True, False, True, True])])
def test_from_r_to_cuda(rmem, rtype, values):
    x = rmem.vector(rtype, values, dims=[2, 2])
    cpu = x.from_r(float_dtype="float64")
    t = x.from_r(float_dtype="float64", device="cuda", copy=False)  # a device move: never shared
    assert t.device.type == "cuda"
    assert t.is_contiguous()
    assert t.dtype == cpu.dtype
    assert torch.equal(t.cpu(), cpu) or (rtype == "double" and bits64(t.cpu()) == bits64(cpu))


# --- misaligned complex data (R only promises 8-byte alignment) ---------------


def test_complex_data_at_an_8_byte_aligned_address(rmem):
    x = rmem.vector("complex", [1 + 2j, 3 - 4j, None, 5 + 0j], dims=[2, 2], misalign=True)
    assert int(x.address) % 16 == 8
    t = x.from_r(dtype="complex128", copy=False)
    assert t.data_ptr() != int(x.address)
    assert t[:, 0].tolist() == [1 + 2j, 3 - 4j]
    assert t[1, 1].item() == 5 + 0j
    assert bits64(torch.view_as_real(t[0, 1])) == [NA_SIGNED, NA_SIGNED]


# --- data frames (from_columns) -------------------------------------------


def _columns(*cols):
    # The caller must keep `cols` alive: an address does not (as in R).
    return [c.address for c in cols], [c.rtype for c in cols], str(cols[0].length)


@pytest.mark.parametrize(
    "rtypes, dtype",
    [
        (["double", "integer"], torch.float32),
        (["integer", "double"], torch.float32),
        (["logical", "integer"], torch.int64),
        (["logical", "logical"], torch.bool),
        (["integer", "integer"], torch.int64),
        (["integer64", "integer"], torch.int64),
        (["integer64", "double"], torch.float32),
        (["logical", "double", "integer"], torch.float32),
    ],
)
def test_from_columns_promotes_to_one_dtype(rmem, rtypes, dtype):
    cols = [rmem.vector(r, [True, False, True] if r == "logical" else [1, 0, 2]) for r in rtypes]
    t = tb.from_columns(*_columns(*cols))
    assert t.dtype == dtype
    assert t.shape == (3, len(rtypes))
    for j, c in enumerate(cols):
        assert t[:, j].tolist() == torch.tensor([int(v) for v in c.values]).to(dtype).tolist()


def test_from_columns_places_each_column(rmem):
    a = rmem.double([1.5, 2.5, 3.5])
    b = rmem.integer([10, 20, 30])
    c = rmem.logical([True, False, True])
    t = tb.from_columns(*_columns(a, b, c), float_dtype="float64")
    assert t.dtype == torch.float64
    assert t.is_contiguous()
    assert t.tolist() == [[1.5, 10.0, 1.0], [2.5, 20.0, 0.0], [3.5, 30.0, 1.0]]


def test_from_columns_integer_na_beside_double_becomes_nan(rmem):
    d = rmem.double([1.5, 2.5, 3.5])
    i = rmem.integer([1, None, 3])
    t = tb.from_columns(*_columns(d, i))
    assert t.dtype == torch.float32
    assert math.isnan(t[1, 1].item()) and t[2, 1].item() == 3.0
    t64 = tb.from_columns(*_columns(d, i), float_dtype="float64")
    assert bits64(t64[:, 1])[1] == NA_SIGNED  # R's NA, as as.double() gives
    lg = rmem.logical([None, True, False])
    t = tb.from_columns(*_columns(d, lg))
    assert math.isnan(t[0, 1].item()) and t[1:, 1].tolist() == [1.0, 0.0]


def test_from_columns_na_without_a_float_column_is_an_error(rmem):
    lg, i = rmem.logical([True, None]), rmem.integer([1, 2])
    with pytest.raises(NAError, match="^Can't convert NA to int64"):
        tb.from_columns(*_columns(lg, i))
    lg2 = rmem.logical([True, True])
    with pytest.raises(NAError, match="^Can't convert NA to bool"):
        tb.from_columns(*_columns(lg, lg2))


def test_from_columns_with_a_dtype(rmem):
    lg, i = rmem.logical([True, False]), rmem.integer([3, 4])
    t = tb.from_columns(*_columns(lg, i), dtype="float64")
    assert t.dtype == torch.float64 and t.tolist() == [[1.0, 3.0], [0.0, 4.0]]
    i, d = rmem.integer([1, 2]), rmem.double([1.0, 1.5])
    with pytest.raises(DtypeError, match="^Can't convert to int64 without losing the fractional part"):
        tb.from_columns(*_columns(i, d), dtype="int64")


def test_from_columns_zero_rows_and_zero_columns(rmem):
    t = tb.from_columns(*_columns(rmem.integer([]), rmem.double([])))  # no data: address "0"
    assert t.shape == (0, 2) and t.dtype == torch.float32
    t = tb.from_columns([], [], "3")  # no columns: an empty float matrix
    assert t.shape == (3, 0) and t.dtype == torch.float32
    assert tb.from_columns([], [], "2", float_dtype="float64").dtype == torch.float64


def test_from_columns_requires_grad(rmem):
    d, i, i2 = rmem.double([1.0]), rmem.integer([2]), rmem.integer([3])
    t = tb.from_columns(*_columns(d, i), requires_grad=True)
    assert t.requires_grad and t.is_leaf
    with pytest.raises(DtypeError, match="needs a float or complex dtype"):
        tb.from_columns(*_columns(i, i2), requires_grad=True)


def test_from_columns_unknown_column_type_with_a_dtype(rmem):
    i = rmem.integer([1, 2])
    with pytest.raises(InputTypeError) as ei:
        tb.from_columns([i.address, i.address], ["integer", "character"], "2", dtype="float32")
    assert ei.value.message == "Can't convert a column of type character."


def test_from_columns_unknown_column_type_is_a_type_error(rmem):
    i = rmem.integer([1, 2])
    with pytest.raises(InputTypeError) as ei:
        tb.from_columns([i.address, i.address], ["integer", "character"], "2")
    assert ei.value.kind == "type"


# --- cast_tensor: a tensor given to as_torch() ------------------------------


def test_cast_tensor_returns_the_tensor_when_nothing_is_asked():
    x = torch.tensor([1, 2])
    assert tb.cast_tensor(x) is x
    assert tb.cast_tensor(x, device="cpu") is x  # already there


def test_cast_tensor_casts():
    t = tb.cast_tensor(torch.tensor([1, 2]), "float32")
    assert t.dtype == torch.float32 and t.tolist() == [1.0, 2.0]
    x = torch.tensor([1.0])
    assert tb.cast_tensor(x, "float32") is x  # same dtype: nothing to do


def test_cast_tensor_requires_grad():
    x = torch.tensor([1.0, 2.0])
    t = tb.cast_tensor(x, requires_grad=True)
    assert t.requires_grad and t.is_leaf and not x.requires_grad
    assert t.data_ptr() == x.data_ptr()
    w = torch.tensor([1.0], requires_grad=True)
    assert not tb.cast_tensor(w, requires_grad=False).requires_grad
    assert tb.cast_tensor(w, requires_grad=True) is w


def test_cast_tensor_requires_grad_needs_a_float_dtype():
    with pytest.raises(DtypeError) as ei:
        tb.cast_tensor(torch.tensor([1, 2]), requires_grad=True)
    assert ei.value.bullets[1] == (
        "i", 'Pass `dtype = "float32"` (or another float dtype) to get a tensor that can require grad.')
    with pytest.raises(DtypeError) as ei:
        tb.cast_tensor(torch.tensor([1.0]), "int32", requires_grad=True)
    assert ei.value.bullets[1] == ("i", "Only float and complex tensors can require grad.")
    t = tb.cast_tensor(torch.tensor([1, 2]), "float64", requires_grad=True)
    assert t.requires_grad and t.dtype == torch.float64


def test_cast_tensor_stays_differentiable():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    t = tb.cast_tensor(w, "float64")
    assert t.dtype == torch.float64 and t.requires_grad
    (3 * t).sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]


def test_cast_tensor_refuses_non_tensors():
    with pytest.raises(InputTypeError) as ei:
        tb.cast_tensor([1, 2])
    assert ei.value.kind == "type" and ei.value.message == "`x` must be a tensor."


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cast_tensor_to_cuda_without_cuda():
    with pytest.raises(NoGPUError):
        tb.cast_tensor(torch.tensor([1.0]), device="cuda")


@pytest.mark.cuda
def test_cast_tensor_to_cuda():
    t = tb.cast_tensor(torch.tensor([1, 2]), "float32", device="cuda")
    assert t.device.type == "cuda" and t.dtype == torch.float32
    assert t.cpu().tolist() == [1.0, 2.0]
