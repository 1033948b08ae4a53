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
import weakref
from typing import Deque, List, Optional, Sequence, Tuple

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
