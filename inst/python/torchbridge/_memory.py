"""Tensors that view memory owned by R.

R gives torchbridge the address of a vector's data (a decimal string: Python
ints passed to R wrap above 2^31, and R doubles lose bits above 2^53).
:func:`view` wraps that memory in a ``memoryview`` made by
``PyMemoryView_FromMemory`` (no ctypes array type per length, no NumPy) and
lets torch see it through the buffer protocol.
"""

from __future__ import annotations

import collections
import ctypes
import itertools
import weakref
from typing import Deque, Iterator, List, Optional, Sequence, Tuple

import torch

from ._errors import record

_PyBUF_WRITE = 0x200

_from_memory = ctypes.pythonapi.PyMemoryView_FromMemory
_from_memory.restype = ctypes.py_object
_from_memory.argtypes = (ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_int)

#: Tokens of shared R objects whose tensors are gone. Appended from any thread
#: (deque.append is atomic); drained by R on its main thread.
_released: Deque[str] = collections.deque()


def column_major_strides(shape: Sequence[int]) -> Tuple[int, ...]:
    """Strides, in elements, of R's column-major layout for ``shape``."""
    strides = []
    step = 1
    for d in shape:
        strides.append(step)
        step *= max(int(d), 1)
    return tuple(strides)


#: The most bytes of R data staged on a GPU at once (see :func:`blocks`):
#: R -> GPU sends R's bytes in pieces of this size and casts each into its
#: place in the result; GPU -> R stages R's dtype and layout piece by piece.
#: Tests lower it.
CHUNK_BYTES = 256 * 2**20

#: How many elements work that needs several temporaries the size of its
#: input (round(), signif(), autoplot()'s histogram, the exact integer
#: checks) handles at a time, so that its extra device memory is bounded.
#: Tests lower it.
WORK_PIECE = 1 << 18

#: The same on a GPU: larger, as each piece costs kernel launches (microseconds
#: each) and a sync; at most 128 MB per float64 temporary. Tests lower it.
DEVICE_WORK_PIECE = 1 << 24


def work_piece(device: torch.device) -> int:
    """How many elements work with many temporaries takes at a time on ``device``."""
    return WORK_PIECE if device.type == "cpu" else DEVICE_WORK_PIECE


def work_pieces(shape: Sequence[int], *tensors: torch.Tensor) -> Iterator[Tuple[torch.Tensor, ...]]:
    """The same piece of each of ``tensors`` (of ``shape``, broadcast views
    too; a 0-d tensor passes whole), at most :func:`work_piece` elements (of
    the first tensor's device) at a time: ranges of the first dim, or of a
    later one where one index of the first is already too many. The pieces
    are views; nothing is copied.
    """
    shape = tuple(int(d) for d in shape)
    n = 1
    for d in shape:
        n *= d
    size = work_piece(tensors[0].device)
    if n <= size or not shape:
        yield tensors
        return
    row = n // shape[0]
    if row > size:
        for i in range(shape[0]):
            yield from work_pieces(shape[1:], *(t if t.dim() == 0 else t[i] for t in tensors))
        return
    step = size // row
    for a in range(0, shape[0], step):
        yield tuple(t if t.dim() == 0 else t[a:a + step] for t in tensors)


def blocks(shape: Sequence[int], itemsize: int, chunk_bytes: int) -> Iterator[Tuple[tuple, List[int], int]]:
    """Split a column-major array of ``shape`` into pieces that are each one
    contiguous run of its memory, of at most ``chunk_bytes`` (at least one
    element), in memory order.

    Yields ``(index, piece_shape, offset)``: ``index`` selects the piece in a
    tensor of ``shape`` (full leading dims, a range of one dim, single
    positions of the later ones, so a piece keeps the tensor's number of
    dims); ``offset`` is where the piece starts in the memory, in elements.
    """
    shape = [int(d) for d in shape]
    if not shape or 0 in shape:
        yield (), shape, 0
        return
    strides = column_major_strides(shape)
    k = 0  # the dim to cut: the last one whose leading dims fit in a piece
    while k + 1 < len(shape) and strides[k + 1] * itemsize <= chunk_bytes:
        k += 1
    step = max(1, chunk_bytes // (strides[k] * itemsize))
    for rev in itertools.product(*(range(d) for d in reversed(shape[k + 1:]))):
        later = rev[::-1]  # the first of the later dims varies fastest, as in memory
        base = sum(i * s for i, s in zip(later, strides[k + 1:]))
        for a in range(0, shape[k], step):
            b = min(a + step, shape[k])
            index = (slice(None),) * k + (slice(a, b),) + tuple(slice(i, i + 1) for i in later)
            yield index, shape[:k] + [b - a] + [1] * len(later), base + a * strides[k]


def view(address: str, nbytes: int, dtype: torch.dtype, shape: Sequence[int],
         strides: Sequence[int], token: Optional[str] = None) -> torch.Tensor:
    """A tensor over ``nbytes`` of memory at ``address`` with the given strides.

    Args:
        address: the data address, a decimal string.
        nbytes: the size of the memory in bytes (at least one element).
        dtype: how to read the memory.
        shape, strides: the tensor's geometry in elements.
        token: when given, the memory is an R object kept alive by R under this
            token (a decimal string; tokens never repeat) until the tensor's storage is freed; the token is then queued
            for :func:`take_released`.
    """
    buf = _from_memory(int(address), int(nbytes), _PyBUF_WRITE)
    if token is not None:
        weakref.finalize(buf, _released.append, str(token))
    flat = torch.frombuffer(buf, dtype=dtype)
    return flat.as_strided(tuple(shape), tuple(strides))


@record
def take_released() -> List[str]:
    """Tokens of R objects no tensor needs any more (and forget them)."""
    out = []
    while True:
        try:
            out.append(_released.popleft())
        except IndexError:
            return out
