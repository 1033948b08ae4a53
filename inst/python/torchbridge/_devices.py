"""Device names, availability and the device table."""

from __future__ import annotations

import gc
import os
import platform
from typing import Any, Dict, List

import torch

from ._errors import DeviceError, DtypeError, NoGPUError, record


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def _build() -> str:
    return f"torch {torch.__version__}"


def rocm_build() -> Any:
    """The ROCm (HIP) version of a ROCm build of torch, else None. ROCm GPUs
    are torch's ``cuda`` devices."""
    return getattr(torch.version, "hip", None)


def _no_cuda_reason() -> str:
    if rocm_build():
        return (f"This torch is built for ROCm {rocm_build()}, but no GPU is visible "
                "(driver missing or HIP_VISIBLE_DEVICES empty).")
    if torch.version.cuda is None:
        return f"This torch is a CPU-only build ({_build()})."
    return f"This torch is built for CUDA {torch.version.cuda}, but no CUDA device is visible (driver missing or CUDA_VISIBLE_DEVICES empty)."


def resolve(spec: Any) -> torch.device:
    """Turn a device spec into a concrete, available ``torch.device``.

    ``"auto"`` picks cuda, then mps, then cpu. Every string torch accepts
    for these devices works (``"cpu:0"``, ``"mps:0"``, ``"cuda:1"``), and
    ``torch.device`` objects; ``"cpu:0"`` is the CPU, as for torch.

    Raises:
        DeviceError: the spec names no device torchbridge knows.
        NoGPUError: the device exists in principle but not on this machine.
    """
    if isinstance(spec, torch.device):
        spec = str(spec)
    if not isinstance(spec, str):
        raise DeviceError(
            "`device` must be a device name.",
            [("x", f"Got an object of type {type(spec).__name__}."),
             ("i", 'Use "cpu", "cuda", "cuda:N", "mps" or "auto".')],
        )
    if spec == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        dev = torch.device(spec)
    except (RuntimeError, ValueError):
        dev = None
    if dev is None or dev.type not in ("cpu", "mps", "cuda"):
        raise DeviceError(
            "`device` must name a device torchbridge knows.",
            [("x", f"Got {spec!r}."), ("i", 'Use "cpu", "cuda", "cuda:N", "mps" or "auto".')],
        )
    if dev.type == "cpu":
        return torch.device("cpu")
    if dev.type == "mps":
        if not _mps_available():
            raise NoGPUError(
                f'Can\'t use device "{spec}": Apple\'s Metal backend is not available.',
                [("x", f"{_build()} on {platform.system()} {platform.machine()} has no usable MPS device."),
                 ("i", 'MPS needs macOS 12.3+ on Apple silicon; use device = "cpu" or "auto" elsewhere.')],
            )
        return torch.device("mps")
    if not torch.cuda.is_available():
        raise NoGPUError(
            f'Can\'t use device "{spec}": CUDA is not available.',
            [("x", _no_cuda_reason()),
             ("i", 'Install a CUDA build with `install_torch(cuda = "12.6")` (see `?install_torch`), or use device = "auto" to fall back to the CPU.')],
        )
    count = torch.cuda.device_count()
    if dev.index is not None and dev.index >= count:
        raise NoGPUError(
            f'Can\'t use device "{spec}": there is no such CUDA device.',
            [("x", f"This machine has {count} CUDA device{'s' if count != 1 else ''} (cuda:0 to cuda:{count - 1}).")],
        )
    return dev


#: What MPS lacks, and what to use instead.
_NOT_ON_MPS = {torch.float64: "float32", torch.complex128: "complex64"}


def check_dtype_on(dev: torch.device, dtype: torch.dtype) -> None:
    """Raise a DtypeError for a dtype the device can't hold (MPS: float64, complex128)."""
    if dev.type == "mps" and dtype in _NOT_ON_MPS:
        name = str(dtype).replace("torch.", "")
        raise DtypeError(
            f"Can't make a {name} tensor on MPS: Apple's Metal backend has no {name}.",
            [("i", f'Use `dtype = "{_NOT_ON_MPS[dtype]}"`, or `device = "cpu"` to keep {name}.')],
            dtype=name,
        )


@record
def default_device(spec: Any) -> str:
    """The concrete device string for a spec (``"auto"`` -> ``"cuda"``...)."""
    return str(resolve(spec))


def _host_memory() -> Dict[str, float]:
    try:
        page = os.sysconf("SC_PAGE_SIZE")
        total = float(os.sysconf("SC_PHYS_PAGES") * page)
    except (ValueError, OSError, AttributeError):
        total = float("nan")
    free = float("nan")
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    free = float(line.split()[1]) * 1024
                    break
    except OSError:
        try:
            free = float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            pass
    return {"total": total, "free": free}


def _has_context(i: int) -> bool:
    """Whether CUDA device ``i`` has a context already (asking makes none)."""
    query = getattr(torch._C, "_cuda_hasPrimaryContext", None)
    try:
        return bool(torch.cuda.is_initialized() and query is not None and query(i))
    except RuntimeError:
        return False


def _cuda_rows(cols: Dict[str, List[Any]], free_memory: bool) -> None:
    for i in range(torch.cuda.device_count()):
        props = torch.cuda.get_device_properties(i)  # makes no CUDA context
        total, free = float(props.total_memory), float("nan")
        if free_memory or _has_context(i):
            try:
                free, total = (float(v) for v in torch.cuda.mem_get_info(i))
            except RuntimeError:
                pass
        cols["device"].append(f"cuda:{i}")
        cols["name"].append(props.name)
        cols["total_memory"].append(total)
        cols["free_memory"].append(free)


@record
def devices(free_memory: bool = False) -> Dict[str, List[Any]]:
    """The devices torch can use, as columns of a table (cpu first).

    A GPU's free memory is asked for only where it has a CUDA context
    already, or with ``free_memory``: the question makes a context (hundreds
    of MB) on a GPU that may never be used. Elsewhere it is NaN.
    """
    host = _host_memory()
    cols: Dict[str, List[Any]] = {
        "device": ["cpu"],
        "name": [platform.processor() or platform.machine() or "cpu"],
        "total_memory": [host["total"]],
        "free_memory": [host["free"]],
    }
    if torch.cuda.is_available():
        _cuda_rows(cols, bool(free_memory))
    if _mps_available():
        cols["device"].append("mps")
        cols["name"].append("Apple MPS")
        total = float("nan")
        rec = getattr(getattr(torch, "mps", None), "recommended_max_memory", None)
        if rec is not None:
            try:
                total = float(rec())
            except RuntimeError:
                pass
        cols["total_memory"].append(total)
        cols["free_memory"].append(float("nan"))
    return cols


@record
def cuda_count() -> int:
    return int(torch.cuda.device_count()) if torch.cuda.is_available() else 0


def _cuda_device(spec: Any, what: str) -> torch.device:
    """``spec`` as a CUDA device with its index (NoGPUError without CUDA)."""
    dev = resolve(spec)
    if dev.type != "cuda":
        raise DeviceError(
            f"`device` must be a CUDA device for {what}.",
            [("x", f"Got {str(spec)!r}, which is {dev.type}."), ("i", 'Use "cuda" or "cuda:N".')],
        )
    return torch.device("cuda", torch.cuda.current_device() if dev.index is None else dev.index)


@record
def cuda_memory_stats(device: Any = "cuda") -> Dict[str, Any]:
    """Memory of one CUDA device, in bytes: what torch's tensors use
    (``allocated``), what torch's caching allocator holds (``reserved``),
    the most allocated since the start or the last reset (``peak``), and the
    device's ``free`` and ``total`` memory as the driver reports them.
    Asking for free memory makes a CUDA context on a GPU that has none."""
    dev = _cuda_device(device, "`cuda_memory_stats()`")
    stats = torch.cuda.memory_stats(dev)
    free, total = torch.cuda.mem_get_info(dev)
    return {
        "device": str(dev),
        "allocated": float(stats.get("allocated_bytes.all.current", 0)),
        "reserved": float(stats.get("reserved_bytes.all.current", 0)),
        "peak": float(stats.get("allocated_bytes.all.peak", 0)),
        "free": float(free),
        "total": float(total),
    }


@record
def cuda_empty_cache(collect: bool = False) -> bool:
    """Hand the memory torch's caching allocator holds but no tensor uses
    back to the GPUs; with ``collect``, run Python's garbage collector first
    (tensors in reference cycles). False (and nothing done) without CUDA."""
    if not torch.cuda.is_available():
        return False
    if collect:
        gc.collect()
    torch.cuda.empty_cache()
    return True


@record
def cuda_synchronize(device: Any = "cuda") -> bool:
    """Wait until the CUDA device has finished its queued work. False (and
    nothing done) where CUDA is absent or ``device`` is not a CUDA device."""
    try:
        dev = resolve(device)
    except NoGPUError:
        return False
    if dev.type != "cuda":
        return False
    torch.cuda.synchronize(dev)
    return True
