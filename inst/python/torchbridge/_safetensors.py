"""Safetensors files: the header read here (no package needed, nothing but
the header touched), the tensors through the ``safetensors`` package.

Writing hands ``safetensors`` each tensor's address (``TensorSpec``), so it
works without NumPy, which the package's own torch writer imports.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any, Dict, List, Optional

import torch

from ._devices import resolve
from ._errors import ArgError, FileError, InputTypeError, PythonError, record
from ._pt_file import check_readable, write_atomically

#: Safetensors' dtype codes and the torch dtypes they hold.
DTYPES: Dict[str, torch.dtype] = {
    "BOOL": torch.bool, "U8": torch.uint8, "I8": torch.int8, "I16": torch.int16, "I32": torch.int32,
    "I64": torch.int64, "F16": torch.float16, "BF16": torch.bfloat16, "F32": torch.float32,
    "F64": torch.float64, "C64": torch.complex64,
    **{code: getattr(torch, name) for code, name in [
        ("U16", "uint16"), ("U32", "uint32"), ("U64", "uint64"), ("F8_E4M3", "float8_e4m3fn"),
        ("F8_E5M2", "float8_e5m2"), ("F8_E4M3FNUZ", "float8_e4m3fnuz"), ("F8_E5M2FNUZ", "float8_e5m2fnuz"),
        ("F8_E8M0", "float8_e8m0fnu")] if hasattr(torch, name)},
}
_NAMES = {dt: str(dt).replace("torch.", "") for dt in DTYPES.values()}

#: The largest header safetensors itself accepts.
_MAX_HEADER = 100_000_000


def _not_safetensors(path: str, why: str) -> FileError:
    return FileError(f"Can't read `{path}`: it is not a safetensors file, or it is truncated.",
                     [("x", why), ("i", "Files written by `torch.save()` are read by `read_pt()`.")], path=path)


def read_header(path: str) -> Dict[str, Any]:
    """The parsed header of a safetensors file, checked against its size.

    Returns:
        {"tensors": {key: {"dtype", "shape", "data_offsets"}} in the
        header's order, "metadata": {str: str} sorted by name (the
        header's order is the writer's hash order)}.
    """
    path = os.path.expanduser(path)
    check_readable(path)
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise _not_safetensors(path, f"It has {size} bytes; a safetensors file starts with an 8-byte header size.")
        (n,) = struct.unpack("<Q", head)
        if n > _MAX_HEADER or n > size - 8:
            raise _not_safetensors(path, f"Its first 8 bytes give a header of {n} bytes; the file has {size}.")
        raw = f.read(n)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _not_safetensors(path, "Its header is not JSON.") from None
    if not isinstance(header, dict):
        raise _not_safetensors(path, "Its header is not a JSON object.")
    metadata = header.pop("__metadata__", None) or {}
    data_size = size - 8 - n
    for key, entry in header.items():
        ok = (isinstance(entry, dict) and isinstance(entry.get("dtype"), str)
              and isinstance(entry.get("shape"), list) and isinstance(entry.get("data_offsets"), list)
              and len(entry["data_offsets"]) == 2)
        if not ok:
            raise _not_safetensors(path, f"Its entry `{key}` lacks a dtype, shape or data offsets.")
        start, end = entry["data_offsets"]
        if not 0 <= start <= end <= data_size:
            raise _not_safetensors(path, f"The data of `{key}` ends at byte {end}; the file holds {data_size} bytes of data.")
    return {"tensors": header, "metadata": {str(k): str(metadata[k]) for k in sorted(metadata)}}


@record
def info(path: str) -> Dict[str, Any]:
    """The tensors of a safetensors file, from its header alone: columns
    ``key``, ``dtype`` (torch's name, or the file's code when torch has no
    such dtype), ``shape`` ("3x4"; "" for a 0-d tensor), ``bytes`` (decimal
    strings), sorted by key, and ``metadata`` (sorted by name)."""
    h = read_header(path)
    keys = sorted(h["tensors"])
    entries = [h["tensors"][k] for k in keys]
    return {
        "key": keys,
        "dtype": [_NAMES.get(DTYPES[e["dtype"]], e["dtype"]) if e["dtype"] in DTYPES else e["dtype"] for e in entries],
        "shape": ["x".join(str(int(d)) for d in e["shape"]) for e in entries],
        "bytes": [str(e["data_offsets"][1] - e["data_offsets"][0]) for e in entries],
        "metadata": h["metadata"],
    }


def _module():
    try:
        import safetensors
    except ImportError:
        raise PythonError(
            "Can't read or write safetensors files: the Python module `safetensors` is not installed.",
            [("i", "Install it with `torchbridge::install_torch()`, which adds it to the virtualenv.")],
        ) from None
    return safetensors


@record
def load(path: str, keys: Optional[List[str]] = None, device: Any = "cpu") -> Dict[str, Any]:
    """The tensors of a safetensors file (all, or ``keys`` in that order;
    else sorted by key, as ``safe_open().keys()`` gives them) on ``device``,
    and its metadata: ``{"tensors": {...}, "metadata": {...}}``."""
    st = _module()
    h = read_header(path)
    available = h["tensors"]
    if keys is None:
        keys = sorted(available)
    else:
        keys = [str(k) for k in ([keys] if isinstance(keys, str) else keys)]
        missing = [k for k in keys if k not in available]
        if missing:
            shown = ", ".join(f"`{k}`" for k in sorted(available)[:10])
            raise ArgError(
                f"Can't read {', '.join(f'`{k}`' for k in missing)} from `{path}`: the file has no such tensor.",
                [("i", f"It has {len(available)} tensor{'s' if len(available) != 1 else ''}"
                       + (f": {shown}{', ...' if len(available) > 10 else ''}." if available else "."))],
            )
    for k in keys:
        if available[k]["dtype"] not in DTYPES:
            raise InputTypeError(f"Can't read `{k}` from `{path}`: torch has no dtype for {available[k]['dtype']}.")
    dev = resolve(device)
    out = {}
    try:
        with st.safe_open(path, framework="pt", device=str(dev)) as f:
            for k in keys:
                out[k] = f.get_tensor(k)
    except Exception as e:
        raise _not_safetensors(path, f"safetensors: {str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}") from None
    return {"tensors": out, "metadata": h["metadata"]}


def _spec(st, key: str, t: torch.Tensor, keep: List[torch.Tensor]):
    if t.dtype not in _NAMES:
        raise InputTypeError(f"Can't write `{key}`: safetensors has no code for dtype {str(t.dtype)[6:]}.")
    t = t.detach()
    if t.is_conj():
        t = t.resolve_conj()
    if t.is_neg():
        t = t.resolve_neg()
    t = t.to("cpu").contiguous()
    keep.append(t)
    nbytes = t.numel() * t.element_size()
    name = _NAMES[t.dtype]
    if hasattr(st, "TensorSpec"):
        return st.TensorSpec(dtype=name, shape=list(t.shape), data_ptr=t.data_ptr() if nbytes else 0, data_len=nbytes)
    import ctypes  # safetensors < 0.8 takes the bytes themselves

    data = ctypes.string_at(t.data_ptr(), nbytes) if nbytes else b""
    return {"dtype": name, "shape": list(t.shape), "data": data}


@record
def save(tensors: Dict[str, Any], path: str, metadata: Optional[Dict[str, str]] = None) -> str:
    """Write a dict of tensors (dense; any device, layout or view) as a
    safetensors file, atomically; returns the absolute path."""
    st = _module()
    keep: List[torch.Tensor] = []
    specs = {}
    for key, t in tensors.items():
        if not isinstance(t, torch.Tensor):
            raise InputTypeError(f"Can't write `{key}`: it is not a tensor.")
        if t.layout != torch.strided:
            raise InputTypeError(f"Can't write `{key}`: it is a sparse tensor.",
                                 [("i", "Make it dense first with `$to_dense()`.")])
        specs[str(key)] = _spec(st, str(key), t, keep)
    meta = None if not metadata else {str(k): str(v) for k, v in metadata.items()}

    def write(_f, tmp):
        st.serialize_file(specs, tmp, metadata=meta)

    written = write_atomically(path, write)
    del keep
    return written
