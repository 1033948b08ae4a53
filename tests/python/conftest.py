"""Shared set-up for torchbridge's Python tests.

The bundled package (``inst/python/torchbridge``) is put first on
``sys.path``, so the tests exercise this checkout and not an installed copy.

R memory is simulated with ctypes arrays: :func:`r_vector` lays out a Python
list the way R stores it (column-major, R's NA sentinels, complex as pairs of
doubles) and hands out the decimal address string R's ``tb_address()`` would
give; :func:`to_r` plays R's side of ``from_torch()`` (``plan()``, allocate,
``fill()``) and decodes what torch wrote. The fixture ``rmem`` gives tests
these helpers.

Conventions: ``None`` stands for R's ``NA`` (``NA_real_``, ``NA_integer_``,
``NA`` logical, ``NA_complex_``, bit64's ``NA_integer64_``); a float NaN is a
plain NaN, which R keeps apart from ``NA``.
"""

from __future__ import annotations

import ctypes
import gc
import importlib.metadata
import importlib.util
import math
import struct
import sys
from pathlib import Path
from typing import Any, Iterable, List, Optional, Sequence

import pytest

BUNDLED = Path(__file__).resolve().parents[2] / "inst" / "python"
sys.path.insert(0, str(BUNDLED))

import torch  # noqa: E402

import torchbridge as tb  # noqa: E402
from torchbridge._from_torch import plan as plan_of  # noqa: E402

#: R's NA_real_: a NaN with payload 1954.
NA_REAL_BITS = 0x7FF00000000007A2
#: NA_integer_ and logical NA.
INT_NA = -(2**31)
#: bit64's NA_integer64_.
INT64_NA = -(2**63)
#: A plain (quiet) NaN as torch and Python make it.
NAN_BITS = 0x7FF8000000000000

# How R stores each type: struct format, item size.
_STORAGE = {
    "double": ("d", 8),
    "integer": ("i", 4),
    "logical": ("i", 4),
    "complex": ("d", 8),  # two per element
    "raw": ("B", 1),
    "integer64": ("q", 8),
}
_GUARD = 64  # bytes after an R vector that fill() must never touch
_JUNK = 0xA5  # what an uninitialised R vector holds in these tests


def pytest_report_header(config: Any) -> List[str]:
    """Name the torch and NumPy versions (NumPy only through its metadata)."""
    cuda = torch.version.cuda or "none (CPU-only build)"
    lines = [
        f"torch {torch.__version__} (CUDA build: {cuda}; CUDA available: {torch.cuda.is_available()})",
        f"torchbridge from {Path(tb.__file__).parent}",
    ]
    if importlib.util.find_spec("numpy") is None:
        lines.append("NumPy not installed")
    else:
        try:
            lines.append(f"NumPy {importlib.metadata.version('numpy')}")
        except importlib.metadata.PackageNotFoundError:
            lines.append("NumPy installed (version unknown)")
    return lines


def cuda_skip_reason() -> str:
    if torch.version.cuda is None:
        return f"CUDA is not available: torch {torch.__version__} is a CPU-only build"
    return f"CUDA is not available: torch is built for CUDA {torch.version.cuda} but sees no device"


def pytest_collection_modifyitems(config: Any, items: List[pytest.Item]) -> None:
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason=cuda_skip_reason())
    for item in items:
        if item.get_closest_marker("cuda") is not None:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _clean_module_state():
    """Each test starts with no recorded error and no released tokens."""
    tb.take_last_error()
    tb.take_released()
    yield


@pytest.fixture
def no_tokens():
    """For tests of the release queue: also collect what earlier tests left
    in reference cycles (gc.collect() is slow with torch loaded, so only here)."""
    gc.collect()
    tb.take_released()
    yield


# --- R vectors ------------------------------------------------------------


def _double_bits(v: Optional[float]) -> int:
    if v is None:
        return NA_REAL_BITS
    return struct.unpack("<Q", struct.pack("<d", float(v)))[0]


def _encode(rtype: str, values: Sequence[Any]) -> bytes:
    """R's storage bytes for ``values`` (None = NA)."""
    if rtype == "double":
        return b"".join(struct.pack("<Q", _double_bits(v)) for v in values)
    if rtype == "integer":
        return struct.pack(f"<{len(values)}i", *[INT_NA if v is None else int(v) for v in values])
    if rtype == "logical":
        return struct.pack(f"<{len(values)}i", *[INT_NA if v is None else int(bool(v)) for v in values])
    if rtype == "complex":
        parts = []
        for v in values:
            if v is None:
                parts += [NA_REAL_BITS, NA_REAL_BITS]
            else:
                v = complex(v)
                parts += [_double_bits(v.real), _double_bits(v.imag)]
        return struct.pack(f"<{len(parts)}Q", *parts)
    if rtype == "raw":
        return bytes(int(v) for v in values)
    if rtype == "integer64":
        return struct.pack(f"<{len(values)}q", *[INT64_NA if v is None else int(v) for v in values])
    raise ValueError(f"unknown R type {rtype!r}")


class RVector:
    """An R vector's data in memory Python owns, at a known address.

    ``values`` are in R's order (column-major when ``dims`` is given). A
    zero-length vector has address ``"0"``, as R's ``tb_address()`` gives.
    """

    def __init__(self, rtype: str, values: Sequence[Any], dims: Optional[Sequence[int]] = None,
                 misalign: bool = False):
        if dims is not None and math.prod(dims) != len(values):
            raise ValueError(f"dims {list(dims)} do not match {len(values)} values")
        self.rtype = rtype
        self.values = list(values)
        self.length = len(values)
        self.dims = None if dims is None else [int(d) for d in dims]
        data = _encode(rtype, values)
        self.nbytes = len(data)
        self._buf = None
        self.start = 0
        if data:
            # 32 spare bytes: room to start 16-byte aligned, or at 8 mod 16 (R
            # only promises 8-byte alignment, e.g. for complex data).
            self._buf = (ctypes.c_uint8 * (len(data) + 32))()
            base = ctypes.addressof(self._buf)
            want = 8 if misalign else 0
            self.start = base + (want - base) % 16
            ctypes.memmove(self.start, data, len(data))
        self.address = str(self.start)

    def raw(self) -> bytes:
        return ctypes.string_at(self.start, self.nbytes) if self.nbytes else b""

    def stored(self) -> List[Any]:
        """What R's memory holds now, decoded (None = NA)."""
        return decode(self.rtype, self.raw(), self.length)

    def write(self, values: Sequence[Any]) -> None:
        """Overwrite the whole vector in place (as C code behind R's back would)."""
        data = _encode(self.rtype, values)
        assert len(data) == self.nbytes
        ctypes.memmove(self.start, data, len(data))

    def from_r(self, **kwargs: Any) -> torch.Tensor:
        """``torchbridge.from_r()`` on this vector, as ``as_torch()`` calls it."""
        return tb.from_r(self.address, self.rtype, str(self.length), self.dims, **kwargs)


def r_vector(rtype: str, values: Sequence[Any], dims: Optional[Sequence[int]] = None,
             misalign: bool = False) -> RVector:
    return RVector(rtype, values, dims, misalign)


def decode(rtype: str, data: bytes, n: int) -> List[Any]:
    """R values from R's storage bytes (None = NA; logicals as bools)."""
    if rtype == "double":
        bits = struct.unpack(f"<{n}Q", data)
        return [None if b == NA_REAL_BITS else struct.unpack("<d", struct.pack("<Q", b))[0] for b in bits]
    if rtype in ("integer", "logical"):
        ints = struct.unpack(f"<{n}i", data)
        if rtype == "integer":
            return [None if v == INT_NA else v for v in ints]
        # anything but 0, 1 and NA is kept as an int, so a test can see it
        return [None if v == INT_NA else {0: False, 1: True}.get(v, v) for v in ints]
    if rtype == "complex":
        bits = struct.unpack(f"<{2 * n}Q", data)
        out = []
        for k in range(n):
            re, im = bits[2 * k], bits[2 * k + 1]
            if re == NA_REAL_BITS and im == NA_REAL_BITS:
                out.append(None)
            else:
                out.append(complex(*(struct.unpack("<d", struct.pack("<Q", b))[0] for b in (re, im))))
        return out
    if rtype == "raw":
        return list(data)
    if rtype == "integer64":
        return [None if v == INT64_NA else v for v in struct.unpack(f"<{n}q", data)]
    raise ValueError(f"unknown R type {rtype!r}")


def double_bits(values: Iterable[Optional[float]]) -> List[int]:
    return [_double_bits(v) for v in values]


class RResult:
    """What R got back from ``plan()`` + ``fill()``."""

    def __init__(self, rtype: str, length: int, dims: Optional[List[int]], warn: bool, data: bytes):
        self.rtype = rtype
        self.length = length
        self.dims = dims
        self.warn = warn
        self.data = data
        self.values = decode(rtype, data, length)

    @property
    def bits(self) -> List[int]:
        """The raw 64-bit words of a double (or complex) result."""
        assert self.rtype in ("double", "complex")
        return list(struct.unpack(f"<{len(self.data) // 8}Q", self.data))

    def at(self, *index: int) -> Any:
        """R's ``x[i+1, j+1, ...]`` for 0-based ``index`` (column-major)."""
        dims = self.dims if self.dims is not None else [self.length]
        assert len(index) == len(dims), (index, dims)
        offset, step = 0, 1
        for i, d in zip(index, dims):
            assert 0 <= i < d
            offset += i * step
            step *= d
        return self.values[offset]


def to_r(x: Any, int64: str = "integer", misalign: bool = False) -> RResult:
    """R's side of ``from_torch()``: plan, allocate (uninitialised), fill.

    The destination is pre-filled with junk and followed by a guard region,
    so an element fill() skips or a write past the end is caught. With
    ``misalign`` it starts at an address that is 8 mod 16, as R's complex
    vectors may.
    """
    rtype, length, dims, warn, in_scratch = plan_of(x, int64)
    assert in_scratch is False  # no scratch buffer is registered in these tests
    assert isinstance(length, str) and length.isdigit(), length
    n = int(length)
    fmt, size = _STORAGE[rtype]
    nbytes = n * size * (2 if rtype == "complex" else 1)
    buf = (ctypes.c_uint8 * (nbytes + _GUARD + 16))()
    ctypes.memset(buf, _JUNK, nbytes + _GUARD + 16)
    base = ctypes.addressof(buf)
    start = base + ((8 if misalign else 0) - base) % 16
    tb.fill(str(start) if n else "0")
    raw = ctypes.string_at(start, nbytes + _GUARD)
    assert raw[nbytes:] == bytes([_JUNK] * _GUARD), "fill() wrote past the end of the R vector"
    return RResult(rtype, n, None if dims is None else list(dims), warn, raw[:nbytes])


def canon(values: Iterable[Any]) -> List[Any]:
    """Values made comparable with ``==``: NaN becomes the string "NaN"."""

    def one(v: Any) -> Any:
        if isinstance(v, float) and math.isnan(v):
            return "NaN"
        if isinstance(v, complex):
            return ("complex", one(v.real), one(v.imag))
        return v

    return [one(v) for v in values]


def colmajor_index(flat: int, dims: Sequence[int]) -> tuple:
    """The 0-based index whose column-major offset is ``flat``."""
    idx = []
    for d in dims:
        idx.append(flat % d)
        flat //= d
    return tuple(idx)


def item(t: torch.Tensor) -> Any:
    """A 0-d tensor's value as R would see it (float, int, bool or complex)."""
    v = t.item()
    if t.dtype.is_complex:
        return complex(v)
    if t.dtype.is_floating_point:
        return float(v)
    if t.dtype == torch.bool:
        return bool(v)
    return int(v)


class RMemory:
    """The helpers, handed to tests by the ``rmem`` fixture."""

    NA_REAL_BITS = NA_REAL_BITS
    NAN_BITS = NAN_BITS
    INT_NA = INT_NA
    INT64_NA = INT64_NA

    vector = staticmethod(r_vector)
    to_r = staticmethod(to_r)
    decode = staticmethod(decode)
    canon = staticmethod(canon)
    double_bits = staticmethod(double_bits)
    colmajor_index = staticmethod(colmajor_index)
    item = staticmethod(item)

    @staticmethod
    def double(values: Sequence[Any], dims: Optional[Sequence[int]] = None) -> RVector:
        return r_vector("double", values, dims)

    @staticmethod
    def integer(values: Sequence[Any], dims: Optional[Sequence[int]] = None) -> RVector:
        return r_vector("integer", values, dims)

    @staticmethod
    def logical(values: Sequence[Any], dims: Optional[Sequence[int]] = None) -> RVector:
        return r_vector("logical", values, dims)

    @staticmethod
    def complex(values: Sequence[Any], dims: Optional[Sequence[int]] = None) -> RVector:
        return r_vector("complex", values, dims)

    @staticmethod
    def raw(values: Sequence[int], dims: Optional[Sequence[int]] = None) -> RVector:
        return r_vector("raw", values, dims)

    @staticmethod
    def integer64(values: Sequence[Any], dims: Optional[Sequence[int]] = None) -> RVector:
        return r_vector("integer64", values, dims)


@pytest.fixture(scope="session")
def rmem() -> RMemory:
    return RMemory()


# --- R values handed to the methods' functions (test_r_values.py, test_tensor_*.py)

_alive = []


def desc(v):
    """The descriptor R hands over for an R vector (see r_value() in R).

    R keeps the vector alive during the call; here the test module does.
    """
    _alive.append(v)
    return [v.address, v.rtype, str(v.length), v.dims]


def colmajor(t):
    """A tensor's values in R's column-major order."""
    return t.permute(list(range(t.dim()))[::-1]).reshape(-1).tolist()


M = torch.tensor([[1.5, -2.0, 3.0], [4.0, 5.0, -6.0]])  # float32, 2 x 3


def vals(t):
    return t.tolist()
