"""The one place where R types and torch dtypes meet.

R stores its vectors as float64 (double, and bit64's integer64 bit patterns),
int32 (integer and logical), pairs of float64 (complex) and uint8 (raw).
Everything else in torchbridge asks this module which dtype to use.
"""

from __future__ import annotations

from typing import Any, Tuple

import torch

from ._errors import ArgError, DtypeError, UnsupportedTensorError

#: R's NA_integer_ (and NA for logicals): the smallest int32.
INT_NA = -(2**31)
#: The largest R integer (R's smallest is -R_INT_MAX: -2^31 is its NA).
R_INT_MAX = 2**31 - 1
#: bit64's NA_integer64_: the smallest int64.
INT64_NA = -(2**63)
#: R's NA_real_: a NaN with payload 1954.
NA_REAL_BITS = 0x7FF00000000007A2
#: Largest integer a double holds exactly.
DOUBLE_EXACT = 2**53

#: How R stores each R type, as the dtype torch views it with.
R_STORAGE = {
    "double": torch.float64,
    "integer": torch.int32,
    "logical": torch.int32,
    "complex": torch.float64,  # pairs (real, imaginary)
    "raw": torch.uint8,
    "integer64": torch.int64,  # bit64 keeps int64 bits in a double vector
}

#: The NA sentinel of R types that have one in their integer storage.
R_NA_SENTINEL = {"integer": INT_NA, "logical": INT_NA, "integer64": INT64_NA}

FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)

#: Names shown when a dtype can't be understood.
COMMON_NAMES = (
    "float32", "float", "float64", "double", "float16", "half", "bfloat16",
    "int8", "int16", "int32", "int64", "long", "uint8", "bool",
    "complex64", "complex128",
)

_INT_TO_R_INTEGER = (torch.int8, torch.int16, torch.int32, torch.uint8, torch.uint16)
_WIDE_INTS = (torch.int64, torch.uint32, torch.uint64)


def all_names() -> Tuple[str, ...]:
    """Every name under which torch exposes a dtype (``short``, ``cfloat``...)."""
    return tuple(sorted(n for n in dir(torch) if isinstance(getattr(torch, n, None), torch.dtype)))


def parse(spec: Any, arg: str = "dtype") -> torch.dtype:
    """Turn a dtype name or a torch dtype into a torch dtype.

    Raises:
        DtypeError: ``spec`` names no torch dtype.
    """
    if isinstance(spec, torch.dtype):
        return spec
    if isinstance(spec, str):
        name = spec[6:] if spec.startswith("torch.") else spec
        found = getattr(torch, name, None)
        if isinstance(found, torch.dtype):
            return found
        shown = repr(spec)
    else:
        shown = f"an object of type {type(spec).__name__}"
    raise DtypeError(
        f"`{arg}` must be a torch dtype or the name of one.",
        [
            ("x", f"Got {shown}."),
            ("i", "Valid names include " + ", ".join(f'"{n}"' for n in COMMON_NAMES) + "."),
            ("i", 'The other names torch defines, such as "short", "int", "cfloat" and "cdouble", work too.'),
        ],
        dtype=spec if isinstance(spec, str) else None,
    )


def check_target(dt: torch.dtype) -> torch.dtype:
    """``dt`` if R data can be cast to it.

    Raises:
        DtypeError: a quantized or bit-packed dtype (``float4_e2m1fn_x2``
            packs two numbers in a byte), which need a scale or a packing
            that a plain cast can't supply.
    """
    n = name(dt)
    if n.startswith(("qint", "quint", "bits")) or n in _SUB_BYTE or n.endswith("_x2"):
        raise DtypeError(
            f"Can't cast to {n}: it is not a plain numeric dtype.",
            [("i", "Quantized dtypes need a scale: convert to float32, then use `torch$quantize_per_tensor()`.")
             if n.startswith(("qint", "quint")) else
             ("i", "Choose a plain dtype such as \"uint8\" or \"int8\".")],
            dtype=n,
        )
    return dt


_SUB_BYTE = {f"{p}{b}" for p in ("int", "uint") for b in range(1, 8)}


def float_dtype(spec: Any) -> torch.dtype:
    """The float dtype R doubles become: ``spec`` or torch's default."""
    if spec is None:
        return torch.get_default_dtype()
    dt = parse(spec, "torchbridge.float_dtype")
    if dt not in FLOAT_DTYPES:
        raise ArgError(
            "The option `torchbridge.float_dtype` must name a float dtype.",
            [("x", f"It is {name(dt)!r}."), ("i", 'Use "float32", "float64", "float16" or "bfloat16".')],
        )
    return dt


def default_for(rtype: str, float_dt: torch.dtype) -> torch.dtype:
    """The dtype an R vector of type ``rtype`` gets when none is asked for."""
    if rtype == "double":
        return float_dt
    if rtype in ("integer", "integer64"):
        return torch.int64
    if rtype == "logical":
        return torch.bool
    if rtype == "complex":
        return torch.complex128 if float_dt == torch.float64 else torch.complex64
    if rtype == "raw":
        return torch.uint8
    raise ValueError(f"unknown R type {rtype!r}")


def kind(dt: torch.dtype) -> str:
    """One of ``"bool"``, ``"int"``, ``"float"``, ``"complex"``."""
    if dt == torch.bool:
        return "bool"
    if dt.is_complex:
        return "complex"
    if dt.is_floating_point:
        return "float"
    return "int"


def name(dt: torch.dtype) -> str:
    """``torch.float32`` -> ``"float32"``."""
    return str(dt).replace("torch.", "")


def int_range(dt: torch.dtype) -> Tuple[int, int]:
    """The smallest and largest value of an integer dtype."""
    info = torch.iinfo(dt)
    return int(info.min), int(info.max)


def float_max(dt: torch.dtype) -> float:
    return float(torch.finfo(dt).max)


def r_type_for(dt: torch.dtype, int64: str) -> Tuple[str, torch.dtype]:
    """The R type a tensor of dtype ``dt`` becomes, and the dtype R stores it as.

    Args:
        dt: the tensor's dtype.
        int64: ``"integer"``, ``"double"`` or ``"bit64"``: what int64, uint32
            and uint64 tensors become.

    Raises:
        UnsupportedTensorError: a dtype R has no type for (bit-packed
            float4, sub-byte integers, bits...).
    """
    if dt in FLOAT_DTYPES or name(dt).startswith("float8_"):
        return "double", torch.float64  # every float8 value is a double exactly
    if dt == torch.bool:
        return "logical", torch.int32
    if dt in _INT_TO_R_INTEGER:
        return "integer", torch.int32
    if dt in _WIDE_INTS:
        if int64 == "double":
            return "double", torch.float64
        if int64 == "bit64":
            return "integer64", torch.int64
        return "integer", torch.int32
    if dt.is_complex:
        return "complex", torch.float64
    raise UnsupportedTensorError(
        f"Can't convert a tensor of dtype {name(dt)} to R.",
        [("i", 'Cast it first, e.g. `x$to(dtype = torch$float32)`, or use `as_torch(x, dtype = "float32")`.')],
    )

