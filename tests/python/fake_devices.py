"""A model of torch's device rules over CPU tensors, for the device tests.

:class:`FakeDevices` is a ``torch.overrides.TorchFunctionMode`` that makes
``cuda:0``, ``cuda:1`` and ``mps`` devices out of CPU tensors. Inside it a
tensor made with ``device = "cuda"`` or moved with ``.to("mps")`` holds its
values in main memory, but reads as that device (``t.device``, ``t.is_cuda``,
``t.is_mps``, ``t.get_device()``) and follows torch's rules:

* **Device mixing.** An operation on tensors of two devices raises torch's
  "Expected all tensors to be on the same device" ``RuntimeError``; a 0-d
  CPU tensor joins a tensor on any device, as in torch's elementwise ops
  (an index tensor of ``[`` may be on the CPU too). ``copy_()`` and ``to()``
  are the only ways across.
* **Transfers.** Every copy between devices is logged (:class:`Transfer`)
  with its bytes, dtype, shape and the strides of what crosses, modelled on
  torch's ``copy_kernel_cuda``: a copy whose two sides have the same dtype
  and the same dense layout is one DMA; any other is staged as torch does
  for a blocking copy -- the cast happens on the host (``host_cast``) and
  the data crosses row-major (``staged``). Scalar reads (``item()``,
  ``bool()``, ``float()``, ``int()``, ``tolist()``) of device tensors are
  logged apart, in :attr:`FakeDevices.reads`.
* **MPS** has no float64 and no complex128: making such a tensor on ``mps``
  raises torch's ``TypeError``.
* **Integer division by zero** (``div``, ``remainder``...) on a fake GPU
  gives -1s, not the CPU's ``ZeroDivisionError``: CUDA and MPS kernels don't
  stop there.
* **Memory.** New storage on a fake device counts towards that device's
  live bytes until the tensor that made it is collected; :attr:`peak` holds
  the most live bytes per device. With ``budget`` (bytes per device), an
  allocation beyond it raises ``torch.OutOfMemoryError``.

:func:`install` also patches ``torch.cuda`` (``is_available``,
``device_count``, ``get_device_properties``, ``mem_get_info``,
``is_initialized``, ``current_device``, ``synchronize``, and
``memory_allocated``, ``max_memory_allocated`` and
``reset_peak_memory_stats`` from the live and peak bytes), torch's
primary-context query, ``torch.backends.mps.is_available``,
``torch.mps.recommended_max_memory`` and ``torch.version.cuda``/``hip``, and
records which GPUs got a CUDA context (:attr:`FakeDevices.contexts`): one is
made by ``mem_get_info()`` or by the first tensor on that GPU.

Limits of the model: kernels run on the CPU, so a device's own dtype and
kernel gaps (beyond MPS's float64/complex128) and its numerics are not
modelled; storages (``untyped_storage()``) still report the CPU; streams,
``non_blocking`` overlap and pinned memory are not modelled (``pin_memory()``
is a host copy that ``is_pinned()``; a
``non_blocking`` copy is staged with the cast on the device, as torch does);
live bytes are counted per storage and freed with the Python tensor that
first held it, so a view that outlives its base keeps no bytes; the list of
operations exempt from the 0-d rule is torch's elementwise default, not
every kernel's exact rule.
"""

from __future__ import annotations

import types
import weakref
from typing import Any, Dict, List, NamedTuple, Optional, Set

import torch
from torch.overrides import TorchFunctionMode
from torch.utils import _pytree as pytree
from torch.utils.weak import WeakIdKeyDictionary

CPU = torch.device("cpu")
_NO_FLOAT64 = (torch.float64, torch.complex128)


class Transfer(NamedTuple):
    """One copy between devices, as it crosses."""

    kind: str  # "h2d", "d2h" or "d2d"
    src: str
    dst: str
    nbytes: int
    dtype: torch.dtype  # the dtype that crosses
    shape: tuple
    strides: tuple  # of what crosses, in elements
    staged: bool  # torch made a contiguous temporary first
    host_cast: bool  # the dtype changed on the host side


class Read(NamedTuple):
    """A read of a device tensor's values from Python (a sync)."""

    op: str
    device: str
    numel: int


def _norm(dev: Any) -> torch.device:
    d = torch.device(dev) if not isinstance(dev, torch.device) else dev
    if d.type == "cuda" and d.index is None:
        return torch.device("cuda:0")
    if d.type == "mps":
        return torch.device("mps:0")
    if d.type == "cpu":
        return CPU
    return d


def _dense(t: torch.Tensor) -> bool:
    """Non-overlapping and dense: its elements fill its span exactly."""
    if t.numel() <= 1:
        return True
    pairs = sorted((s, d) for d, s in zip(t.shape, t.stride()) if d != 1)
    step = 1
    for s, d in pairs:
        if s != step:
            return False
        step *= d
    return True


def _same_layout(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.shape != b.shape or not (_dense(a) and _dense(b)):
        return False
    return all(sa == sb for d, sa, sb in zip(a.shape, a.stride(), b.stride()) if d != 1)


_READS = {"item", "tolist", "__bool__", "__float__", "__int__", "__index__", "__complex__"}
_INDEXING = {"__getitem__", "__setitem__", "index_put_", "index_put"}
#: Functions of tensors' metadata only, which mix devices freely.
_METADATA = {"result_type", "is_same_size"}


def _garbage(args: tuple) -> torch.Tensor:
    """What an integer division by zero gives on the GPU: no error, and
    values that mean nothing (here all -1)."""
    a, b = args[0], args[1]
    shape = torch.broadcast_shapes(getattr(a, "shape", ()), getattr(b, "shape", ()))
    return torch.full(shape, -1, dtype=torch.result_type(a, b))


class FakeDevices(TorchFunctionMode):
    """The mode; see the module docstring. ``cuda``: how many CUDA GPUs."""

    def __init__(self, cuda: int = 2, mps: bool = True, budget: Optional[int] = None):
        super().__init__()
        self.cuda, self.mps, self.budget = cuda, mps, budget
        self.tags = WeakIdKeyDictionary()
        self.pinned = WeakIdKeyDictionary()
        self.transfers: List[Transfer] = []
        self.reads: List[Read] = []
        self.live: Dict[str, int] = {}
        self.peak: Dict[str, int] = {}
        self.contexts: Set[int] = set()
        self._storages: Dict[tuple, int] = {}
        self._getters = {
            torch.Tensor.device: lambda t: self.device_of(t),
            torch.Tensor.is_cuda: lambda t: self.device_of(t).type == "cuda",
            torch.Tensor.is_mps: lambda t: self.device_of(t).type == "mps",
            torch.Tensor.is_cpu: lambda t: self.device_of(t).type == "cpu",
        }

    # --- what tests read --------------------------------------------------

    def device_of(self, t: torch.Tensor) -> torch.device:
        return self.tags.get(t, CPU)

    def clear(self) -> None:
        """Forget the transfers and reads so far (and reset the peaks)."""
        self.transfers.clear()
        self.reads.clear()
        self.peak = dict(self.live)

    def of_kind(self, kind: str) -> List[Transfer]:
        return [t for t in self.transfers if t.kind == kind]

    # --- the mode ---------------------------------------------------------

    def __torch_function__(self, func, types_, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        name = getattr(func, "__name__", "")
        if name == "__get__":
            getter = self._getters.get(getattr(func, "__self__", None))
            if getter is not None:
                return getter(args[0])
        if func is torch.Tensor.get_device:
            d = self.device_of(args[0])
            return -1 if d.type == "cpu" else d.index
        if func in (torch.Tensor.to, torch.Tensor.cpu, torch.Tensor.cuda):
            return self._to(func, *args, **kwargs)
        if func is torch.Tensor.copy_:
            return self._copy(*args, **kwargs)
        if name in _READS and args and isinstance(args[0], torch.Tensor):
            d = self.device_of(args[0])
            if d.type != "cpu":
                self.reads.append(Read(name, str(d), args[0].numel()))
            return func(*args, **kwargs)
        if name == "pin_memory":  # pinned memory is not modelled: a host copy, marked
            out = args[0].clone()
            self.pinned[out] = True
            return out
        if name == "is_pinned":
            return args[0] in self.pinned
        if name == "numpy" and self.device_of(args[0]).type != "cpu":
            raise TypeError(f"can't convert {self.device_of(args[0]).type} tensor to numpy.")
        if "device" in kwargs and kwargs["device"] is None:
            del kwargs["device"]  # None: where the inputs are (or the CPU)
        if "device" in kwargs:
            return self._factory(func, args, kwargs)
        dev = self._common(name, args, kwargs)
        try:
            out = func(*args, **kwargs)
        except RuntimeError as e:
            if dev.type == "cpu" or "ZeroDivisionError" not in str(e):
                raise
            out = _garbage(args)  # GPU kernels don't stop at an integer division by zero
        return self._tag(out, dev)

    def _common(self, name: str, args: tuple, kwargs: dict) -> torch.device:
        """The one device of an operation's tensors (torch's mixing rule)."""
        tensors = [x for x in pytree.tree_leaves((args, kwargs)) if isinstance(x, torch.Tensor)]
        if name in _METADATA:
            return CPU
        if name in _INDEXING and len(args) > 1:
            index = set(map(id, pytree.tree_leaves(args[1])))
            tensors = [x for x in tensors if id(x) not in index or self.device_of(x).type != "cpu"]
        devs = []
        for t in tensors:
            d = self.device_of(t)
            if d not in devs and not (d.type == "cpu" and t.dim() == 0):
                devs.append(d)
        if len(devs) > 1:
            raise RuntimeError(
                "Expected all tensors to be on the same device, but found at least two devices, "
                f"{devs[0]} and {devs[1]}!")
        if devs:
            return devs[0]
        return self.device_of(tensors[0]) if tensors else CPU

    def _factory(self, func, args: tuple, kwargs: dict) -> Any:
        dev = _norm(kwargs.pop("device"))
        self._check_device(dev)
        out = func(*args, **kwargs)
        self._tag(out, dev)
        if getattr(func, "__name__", "") in ("tensor", "as_tensor") and dev.type != "cpu":
            self._log(out, out, CPU, dev, staged=False, host_cast=False)  # Python data to the device
        return out

    def _check_device(self, dev: torch.device) -> None:
        if dev.type == "cuda" and dev.index >= self.cuda:
            raise RuntimeError("CUDA error: invalid device ordinal")
        if dev.type == "mps" and not self.mps:
            raise RuntimeError("MPS backend is not available")
        if dev.type == "cuda":
            self.contexts.add(dev.index)

    def _tag(self, out: Any, dev: torch.device) -> Any:
        for t in pytree.tree_leaves(out):
            if isinstance(t, torch.Tensor):
                if dev.type == "mps" and t.dtype in _NO_FLOAT64:
                    raise TypeError(
                        f"Cannot convert a MPS Tensor to {str(t.dtype).replace('torch.', '')} dtype as the MPS "
                        "framework doesn't support float64. Please use float32 instead.")
                if dev.type != "cpu":
                    self.tags[t] = dev
                    self._account(t, dev)
                elif t in self.tags:
                    del self.tags[t]
        return out

    def _account(self, t: torch.Tensor, dev: torch.device) -> None:
        storage = t.untyped_storage()
        key = (str(dev), storage.data_ptr())
        nbytes = storage.nbytes()
        if nbytes == 0 or key in self._storages:
            return
        live = self.live.get(str(dev), 0)
        if self.budget is not None and live + nbytes > self.budget:
            raise torch.OutOfMemoryError(
                f"{dev.type.upper()} out of memory. Tried to allocate {nbytes} bytes "
                f"({live} bytes in use, {self.budget} allowed on {dev}).")
        self._storages[key] = nbytes
        self.live[str(dev)] = live + nbytes
        self.peak[str(dev)] = max(self.peak.get(str(dev), 0), live + nbytes)
        weakref.finalize(t, self._free, key)

    def _free(self, key: tuple) -> None:
        nbytes = self._storages.pop(key, 0)
        self.live[key[0]] = self.live.get(key[0], 0) - nbytes

    # --- moves ------------------------------------------------------------

    def _to(self, func, t: torch.Tensor, *args, **kwargs) -> torch.Tensor:
        src_dev = self.device_of(t)
        dtype, dev = kwargs.pop("dtype", None), kwargs.pop("device", None)
        if func is torch.Tensor.cpu:
            dev = CPU
        elif func is torch.Tensor.cuda:
            dev = args[0] if args and args[0] is not None else kwargs.pop("device", None)
            dev = torch.device("cuda", dev) if isinstance(dev, int) else (dev or "cuda")
            args = ()
        for a in args:
            if isinstance(a, torch.dtype):
                dtype = a
            elif isinstance(a, (str, torch.device)):
                dev = a
            elif isinstance(a, torch.Tensor):
                dtype, dev = a.dtype, self.device_of(a)
        dev = src_dev if dev is None else _norm(dev)
        dtype = t.dtype if dtype is None else dtype
        copy, non_blocking = kwargs.pop("copy", False), kwargs.pop("non_blocking", False)
        if dev == src_dev:
            return self._tag(torch.Tensor.to(t, dtype=dtype, copy=copy, **kwargs), dev)
        self._check_device(dev)
        fmt = kwargs.pop("memory_format", torch.preserve_format)
        out = self._tag(torch.empty_like(t, dtype=dtype, memory_format=fmt), dev)
        return self._copy(out, t, non_blocking)

    def _copy(self, dst: torch.Tensor, src: torch.Tensor, non_blocking: bool = False) -> torch.Tensor:
        dd, sd = self.device_of(dst), self.device_of(src)
        if dd != sd and dst.numel():
            if dst.dtype == src.dtype and _same_layout(dst, src):
                self._log(src, dst, sd, dd, staged=False, host_cast=False)
            else:
                # torch's copy_ with temporaries: a blocking copy converts the
                # dtype on the CPU side; what crosses is contiguous (row-major).
                convert_at_src = (sd.type == "cpu") != bool(non_blocking)
                crosses = dst.dtype if convert_at_src else src.dtype
                host_cast = (dst.dtype != src.dtype and not non_blocking
                             and "cpu" in (sd.type, dd.type))
                shown = torch.empty(dst.shape, dtype=crosses)
                self._log(shown, shown, sd, dd, staged=True, host_cast=host_cast)
        torch.Tensor.copy_(dst, src)
        return dst

    def _log(self, what: torch.Tensor, dst: torch.Tensor, sd: torch.device, dd: torch.device,
             staged: bool, host_cast: bool) -> None:
        if what.numel() == 0:
            return
        kind = "h2d" if sd.type == "cpu" else "d2h" if dd.type == "cpu" else "d2d"
        self.transfers.append(Transfer(kind, str(sd), str(dd), what.numel() * what.element_size(),
                                       what.dtype, tuple(what.shape), tuple(what.stride()),
                                       staged, host_cast))


def install(monkeypatch: Any, cuda: int = 2, mps: bool = True, budget: Optional[int] = None,
            total_memory: int = 80 * 10**9, hip: Optional[str] = None) -> FakeDevices:
    """Patch torch's device queries for ``cuda`` fake GPUs (and MPS) and
    return the mode, not yet entered. ``hip``: report a ROCm build of that
    version instead of a CUDA build."""
    fake = FakeDevices(cuda=cuda, mps=mps, budget=budget)

    def props(i: Any) -> Any:
        i = _norm(i).index if not isinstance(i, int) else i
        return types.SimpleNamespace(name=f"Fake GPU {i}", total_memory=total_memory, index=i)

    def mem_get_info(i: Any = None) -> tuple:
        i = 0 if i is None else (_norm(i).index if not isinstance(i, int) else i)
        fake.contexts.add(i)  # as in torch: the query makes a CUDA context
        used = fake.live.get(f"cuda:{i}", 0)
        return (total_memory - used, total_memory)

    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
    monkeypatch.setattr(torch.cuda, "get_device_properties", props)
    monkeypatch.setattr(torch.cuda, "mem_get_info", mem_get_info)
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: bool(fake.contexts))
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    monkeypatch.setattr(torch.cuda, "synchronize", lambda *a, **k: None)

    def key(i: Any = None) -> str:
        return f"cuda:{0 if i is None else (_norm(i).index if not isinstance(i, int) else i)}"

    def reset_peak(i: Any = None) -> None:
        fake.peak[key(i)] = fake.live.get(key(i), 0)

    monkeypatch.setattr(torch.cuda, "memory_allocated", lambda i=None: fake.live.get(key(i), 0))
    monkeypatch.setattr(torch.cuda, "max_memory_allocated", lambda i=None: fake.peak.get(key(i), 0))
    monkeypatch.setattr(torch.cuda, "reset_peak_memory_stats", reset_peak)
    monkeypatch.setattr(torch._C, "_cuda_hasPrimaryContext", lambda i: i in fake.contexts, raising=False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    monkeypatch.setattr(torch.mps, "recommended_max_memory", lambda: total_memory, raising=False)
    monkeypatch.setattr(torch.version, "cuda", None if hip else "12.6")
    monkeypatch.setattr(torch.version, "hip", hip, raising=False)
    # torchbridge's tables kept per device would hold tensors of an earlier
    # model's devices, which this one sees as CPU tensors
    from torchbridge import _r_math
    monkeypatch.setattr(_r_math, "_POW10", {})
    return fake
