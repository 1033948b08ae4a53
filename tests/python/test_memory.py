"""_memory: tensors over memory R owns, R's strides, and the release queue."""

import ctypes

import pytest
import torch

import torchbridge as tb
from torchbridge._memory import column_major_strides, view


@pytest.mark.parametrize(
    "shape, strides",
    [
        ([], ()),
        ([5], (1,)),
        ([0], (1,)),
        ([2, 3], (1, 2)),
        ([3, 2], (1, 3)),
        ([2, 3, 4], (1, 2, 6)),
        ([4, 3, 2, 2, 1], (1, 4, 12, 24, 48)),
        ([1, 1, 1, 1, 1], (1, 1, 1, 1, 1)),
        # a zero-length dim counts as 1, so strides stay positive
        ([2, 0, 3], (1, 2, 2)),
        ([0, 0], (1, 1)),
    ],
)
def test_column_major_strides(shape, strides):
    assert column_major_strides(shape) == strides


def test_column_major_strides_take_any_int_sequence():
    assert column_major_strides((2, 3)) == (1, 2)
    assert column_major_strides(torch.Size([3, 4])) == (1, 3)


def test_view_reads_r_memory_with_column_major_strides(rmem):
    x = rmem.double([1.5, 2.5, 3.5, 4.5, 5.5, 6.5], dims=[2, 3])
    t = view(x.address, x.nbytes, torch.float64, [2, 3], column_major_strides([2, 3]))
    assert t.dtype == torch.float64
    assert t.shape == (2, 3)
    assert t.stride() == (1, 2)
    assert not t.is_contiguous()
    assert t.data_ptr() == int(x.address)
    for i in range(2):
        for j in range(3):
            assert t[i, j].item() == x.values[i + 2 * j]


@pytest.mark.parametrize(
    "rtype, dtype, values",
    [
        ("integer", torch.int32, [7, -3, 2**31 - 1, -(2**31) + 1]),
        ("raw", torch.uint8, [0, 17, 200, 255]),
        ("integer64", torch.int64, [2**62, -(2**62), 3, 2**53 + 1]),
    ],
)
def test_view_reads_each_storage_dtype(rmem, rtype, dtype, values):
    x = rmem.vector(rtype, values)
    t = view(x.address, x.nbytes, dtype, [4], [1])
    assert t.dtype == dtype
    assert t.tolist() == values


def test_view_is_shared_both_ways(rmem):
    x = rmem.double([1.0, 2.0, 3.0, 4.0], dims=[2, 2])
    t = view(x.address, x.nbytes, torch.float64, [2, 2], [1, 2])
    x.write([10.0, 20.0, 30.0, 40.0])  # R's memory changes: the view sees it
    assert t.tolist() == [[10.0, 30.0], [20.0, 40.0]]
    t[1, 0] = -1.0  # a write through the view lands in R's memory
    assert x.stored() == [10.0, -1.0, 30.0, 40.0]


def test_view_refuses_geometry_beyond_the_memory(rmem):
    x = rmem.double([1.0, 2.0])
    with pytest.raises(RuntimeError, match="out of bounds"):
        view(x.address, x.nbytes, torch.float64, [3], [1])


def test_a_token_is_released_only_when_the_tensor_storage_dies(rmem, no_tokens):
    # Reference counting frees the storage at once: no gc.collect() needed.
    x = rmem.double([1.0, 2.0, 3.0, 4.0])
    t = view(x.address, x.nbytes, torch.float64, [4], [1], token="17")
    part = t[1:3]  # shares the storage
    assert tb.take_released() == []
    del t
    assert tb.take_released() == []  # `part` still needs R's memory
    assert part.tolist() == [2.0, 3.0]
    del part
    assert tb.take_released() == ["17"]
    assert tb.take_released() == []  # drained


def test_tokens_come_back_in_release_order(rmem, no_tokens):
    x = rmem.integer([1, 2])
    a = view(x.address, x.nbytes, torch.int32, [2], [1], token="3")
    b = view(x.address, x.nbytes, torch.int32, [2], [1], token="1")
    del b
    del a
    released = tb.take_released()
    assert released == ["1", "3"]
    assert all(type(k) is str for k in released)  # decimal strings, as R sends them


def test_a_view_without_token_queues_nothing(rmem, no_tokens):
    x = rmem.double([1.0, 2.0])
    t = view(x.address, x.nbytes, torch.float64, [2], [1])
    del t
    assert tb.take_released() == []


def test_view_accepts_the_address_as_a_decimal_string_beyond_2_31(rmem):
    # Real heap addresses are far above 2^31; the address must pass as a
    # string, never as a (possibly wrapped) 32-bit int.
    x = rmem.double([1.0])
    assert int(x.address) > 2**31
    t = view(x.address, 8, torch.float64, [1], [1])
    assert t.data_ptr() == int(x.address)
    assert ctypes.c_double.from_address(t.data_ptr()).value == 1.0
